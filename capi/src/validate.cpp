// Validation and findings: pm_validate, pm_findings_*.
#include "capi.hpp"

#include <cstdio>
#include <utility>

using postmortem::capi::give_string;
using postmortem::capi::guard;
using postmortem::capi::policy_or_default;
using postmortem::capi::require;
using postmortem::capi::set_error;

static_assert(static_cast<int>(postmortem::Severity::error) == PM_SEVERITY_ERROR);
static_assert(static_cast<int>(postmortem::Severity::warning) == PM_SEVERITY_WARNING);
static_assert(static_cast<int>(postmortem::Severity::info) == PM_SEVERITY_INFO);

namespace {

// Finding `i`, or NULL (with the last error set) when `findings` is NULL or `i` out of range.
const postmortem::Finding *finding_at(const pm_findings *findings, size_t i,
                                      const char *function) noexcept {
  char message[160];
  if (findings == nullptr) {
    std::snprintf(message, sizeof message, "%s: argument 'findings' is NULL", function);
  } else if (i >= findings->items.size()) {
    std::snprintf(message, sizeof message, "%s: index %zu is out of range (%zu findings)",
                  function, i, findings->items.size());
  } else {
    return &findings->items[i];
  }
  set_error(PM_EINVALID, message);
  return nullptr;
}

} // namespace

int pm_validate(pm_findings **out, const pm_doc *doc, const pm_policy *policy) {
  if (out != nullptr) *out = nullptr;
  return guard([&] {
    require(out, "pm_validate", "out");
    require(doc, "pm_validate", "doc");
    *out = new pm_findings{postmortem::validate(doc->impl, policy_or_default(policy))};
  });
}

size_t pm_findings_count(const pm_findings *findings) {
  if (findings == nullptr) {
    set_error(PM_EINVALID, "pm_findings_count: argument 'findings' is NULL");
    return 0;
  }
  return findings->items.size();
}

const char *pm_findings_code(const pm_findings *findings, size_t i) {
  const postmortem::Finding *f = finding_at(findings, i, "pm_findings_code");
  return f != nullptr ? f->code.c_str() : nullptr;
}

int pm_findings_severity(const pm_findings *findings, size_t i) {
  const postmortem::Finding *f = finding_at(findings, i, "pm_findings_severity");
  return f != nullptr ? static_cast<int>(f->severity) : PM_EINVALID;
}

const char *pm_findings_path(const pm_findings *findings, size_t i) {
  const postmortem::Finding *f = finding_at(findings, i, "pm_findings_path");
  return f != nullptr ? f->path.c_str() : nullptr;
}

const char *pm_findings_message(const pm_findings *findings, size_t i) {
  const postmortem::Finding *f = finding_at(findings, i, "pm_findings_message");
  return f != nullptr ? f->message.c_str() : nullptr;
}

const char *pm_findings_hint(const pm_findings *findings, size_t i) {
  const postmortem::Finding *f = finding_at(findings, i, "pm_findings_hint");
  return f != nullptr ? f->hint.c_str() : nullptr;
}

int pm_findings_to_json(char **out, size_t *out_len, const pm_findings *findings) {
  if (out != nullptr) *out = nullptr;
  if (out_len != nullptr) *out_len = 0;
  return guard([&] {
    require(out, "pm_findings_to_json", "out");
    require(findings, "pm_findings_to_json", "findings");
    give_string(out, out_len, postmortem::findings_to_json(findings->items));
  });
}

void pm_findings_free(pm_findings *findings) {
  delete findings;
}
