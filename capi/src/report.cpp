// The post-incident report: pm_render.
#include "capi.hpp"

#include <postmortem/report.hpp>

#include <string>

using postmortem::capi::give_string;
using postmortem::capi::guard;
using postmortem::capi::policy_or_default;
using postmortem::capi::require;

namespace {

/// The report format a PM_FORMAT_* constant stands for. @throws error errc::format.
postmortem::ReportFormat report_format(int format) {
  switch (format) {
  case PM_FORMAT_MARKDOWN: return postmortem::ReportFormat::markdown;
  case PM_FORMAT_HTML: return postmortem::ReportFormat::html;
  case PM_FORMAT_JSON: return postmortem::ReportFormat::json;
  }
  throw postmortem::error(postmortem::errc::format,
                          "pm_render: unknown format " + std::to_string(format) +
                              "; use PM_FORMAT_MARKDOWN (1), PM_FORMAT_HTML (2) or PM_FORMAT_JSON (3)");
}

} // namespace

int pm_render(char **out, size_t *out_len, const pm_doc *doc, int format, const pm_policy *policy) {
  if (out != nullptr) *out = nullptr;
  if (out_len != nullptr) *out_len = 0;
  return guard([&] {
    require(out, "pm_render", "out");
    require(doc, "pm_render", "doc");
    const postmortem::ReportFormat f = report_format(format);
    give_string(out, out_len, postmortem::render(doc->impl, f, policy_or_default(policy)));
  });
}
