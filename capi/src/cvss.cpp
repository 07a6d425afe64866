// CVSS v3.0, v3.1 and v4.0 vectors: pm_cvss_score, pm_cvss_base.
//
// The JSON is written by serialize_value, as every other result: 10.0 stays "10.0" and 9.8 is
// "9.8" (the shortest form that reads back as the same double).
#include "capi.hpp"

#include <postmortem/cvss.hpp>
#include <postmortem/document.hpp>

#include <limits>
#include <optional>
#include <string>

using postmortem::capi::give_string;
using postmortem::capi::guard;
using postmortem::capi::require;
using postmortem::capi::set_error;

namespace {

// Scores `vector` with the non-throwing form; a bad vector records PM_EINVALID with the core's
// message, which names the metric (or the prefix) at fault.
std::optional<postmortem::CvssScores> score_or_record(const char *vector) {
  std::string why;
  std::optional<postmortem::CvssScores> scores = postmortem::try_cvss_score(vector, &why);
  if (!scores) set_error(PM_EINVALID, why.empty() ? std::string("invalid CVSS vector") : why);
  return scores;
}

} // namespace

int pm_cvss_score(char **out, size_t *out_len, const char *vector) {
  if (out != nullptr) *out = nullptr;
  if (out_len != nullptr) *out_len = 0;
  return guard([&]() -> int {
    require(out, "pm_cvss_score", "out");
    require(vector, "pm_cvss_score", "vector");
    const std::optional<postmortem::CvssScores> scores = score_or_record(vector);
    if (!scores) return PM_EINVALID;
    give_string(out, out_len, postmortem::serialize_value(postmortem::to_value(*scores)));
    return PM_OK;
  });
}

int pm_cvss_base(double *out, const char *vector) {
  if (out != nullptr) *out = std::numeric_limits<double>::quiet_NaN();
  return guard([&]() -> int {
    require(out, "pm_cvss_base", "out");
    require(vector, "pm_cvss_base", "vector");
    const std::optional<postmortem::CvssScores> scores = score_or_record(vector);
    if (!scores) return PM_EINVALID;
    *out = scores->base;
    return PM_OK;
  });
}
