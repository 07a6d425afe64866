// The remediation plan: pm_plan.
#include "capi.hpp"

#include <postmortem/plan.hpp>

using postmortem::capi::give_string;
using postmortem::capi::guard;
using postmortem::capi::policy_or_default;
using postmortem::capi::require;

int pm_plan(char **out, size_t *out_len, const pm_doc *doc, const pm_policy *policy) {
  if (out != nullptr) *out = nullptr;
  if (out_len != nullptr) *out_len = 0;
  return guard([&] {
    require(out, "pm_plan", "out");
    require(doc, "pm_plan", "doc");
    const postmortem::Plan p = postmortem::plan(doc->impl, policy_or_default(policy));
    give_string(out, out_len, postmortem::to_json(p, doc->impl));
  });
}
