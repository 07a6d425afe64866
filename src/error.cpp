#include <postmortem/error.hpp>

#include <string>

PM_BEGIN_NAMESPACE

namespace {

struct Category final : std::error_category {
  const char *name() const noexcept override { return "postmortem"; }
  std::string message(int code) const override { return errc_name(static_cast<errc>(code)); }
};

} // namespace

const std::error_category &error_category() noexcept {
  static const Category category;
  return category;
}

const char *errc_name(errc e) noexcept {
  // Indexed by -code; the texts are part of the C API (pm_status_str).
  static constexpr const char *names[] = {
      "ok",
      "error",
      "invalid argument",
      "parse error",
      "unsupported or missing schema version",
      "not found",
      "I/O error",
      "limit exceeded",
      "out of memory",
      "unknown or mismatched format",
      "invalid policy",
  };
  int i = -static_cast<int>(e);
  if (i < 0 || i >= static_cast<int>(std::size(names))) return "unknown error";
  return names[i];
}

PM_END_NAMESPACE
