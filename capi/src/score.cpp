// Severity, priority, SSVC and quality scores: pm_score.
#include "capi.hpp"

#include <postmortem/score.hpp>

using postmortem::capi::give_string;
using postmortem::capi::guard;
using postmortem::capi::policy_or_default;
using postmortem::capi::require;

int pm_score(char **out, size_t *out_len, const pm_doc *doc, const pm_policy *policy) {
  if (out != nullptr) *out = nullptr;
  if (out_len != nullptr) *out_len = 0;
  return guard([&] {
    require(out, "pm_score", "out");
    require(doc, "pm_score", "doc");
    const postmortem::Score s = postmortem::score(doc->impl, policy_or_default(policy));
    give_string(out, out_len, postmortem::to_json(s, doc->impl));
  });
}
