// Sharing formats: pm_export (VERIS 1.4, STIX 2.1).
#include "capi.hpp"

#include <postmortem/interop.hpp>

#include <string>

using postmortem::capi::give_string;
using postmortem::capi::guard;
using postmortem::capi::require;

namespace {

namespace pm = postmortem;

// The C constants are the C++ enumerators plus one (interop.hpp says so).
static_assert(PM_EXPORT_VERIS == static_cast<int>(pm::ExportFormat::veris) + 1);
static_assert(PM_EXPORT_STIX == static_cast<int>(pm::ExportFormat::stix) + 1);
static_assert(pm::enum_traits<pm::ExportFormat>::names.size() == PM_EXPORT_STIX);

/// The format a PM_EXPORT_* constant stands for. @throws error errc::format.
pm::ExportFormat export_format(int format) {
  if (format >= PM_EXPORT_VERIS && format <= PM_EXPORT_STIX) return static_cast<pm::ExportFormat>(format - 1);
  throw pm::error(pm::errc::format, "pm_export: unknown format " + std::to_string(format) +
                                        "; use PM_EXPORT_VERIS (1) or PM_EXPORT_STIX (2)");
}

} // namespace

int pm_export(char **out, size_t *out_len, const pm_doc *doc, int format, const char *options_json) {
  if (out != nullptr) *out = nullptr;
  if (out_len != nullptr) *out_len = 0;
  return guard([&] {
    require(out, "pm_export", "out");
    require(doc, "pm_export", "doc");
    const pm::ExportFormat f = export_format(format);
    const pm::ExportOptions options = options_json ? pm::ExportOptions::parse(options_json) : pm::ExportOptions{};
    give_string(out, out_len, pm::export_document(doc->impl, f, options));
  });
}
