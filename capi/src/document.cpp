// Policies and documents: pm_policy_*, pm_doc_*.
#include "capi.hpp"

#include <memory>
#include <string>
#include <string_view>

using postmortem::capi::give_string;
using postmortem::capi::guard;
using postmortem::capi::policy_or_default;
using postmortem::capi::require;

int pm_policy_parse(pm_policy **out, const char *json, size_t len) {
  if (out != nullptr) *out = nullptr;
  return guard([&] {
    require(out, "pm_policy_parse", "out");
    require(json, "pm_policy_parse", "json");
    *out = new pm_policy{postmortem::Policy::parse(std::string_view(json, len))};
  });
}

void pm_policy_free(pm_policy *policy) {
  delete policy;
}

int pm_doc_parse(pm_doc **out, const char *json, size_t len) {
  if (out != nullptr) *out = nullptr;
  return guard([&] {
    require(out, "pm_doc_parse", "out");
    require(json, "pm_doc_parse", "json");
    *out = new pm_doc{postmortem::parse(std::string_view(json, len), policy_or_default(nullptr))};
  });
}

int pm_doc_parse_opts(pm_doc **out, const char *json, size_t len, const pm_policy *policy) {
  if (out != nullptr) *out = nullptr;
  return guard([&] {
    require(out, "pm_doc_parse_opts", "out");
    require(json, "pm_doc_parse_opts", "json");
    *out = new pm_doc{postmortem::parse(std::string_view(json, len), policy_or_default(policy))};
  });
}

int pm_doc_load(pm_doc **out, const char *path) {
  if (out != nullptr) *out = nullptr;
  return guard([&] {
    require(out, "pm_doc_load", "out");
    require(path, "pm_doc_load", "path");
    *out = new pm_doc{postmortem::load(path, policy_or_default(nullptr))};
  });
}

int pm_doc_to_json(char **out, size_t *out_len, const pm_doc *doc, unsigned flags) {
  if (out != nullptr) *out = nullptr;
  if (out_len != nullptr) *out_len = 0;
  return guard([&] {
    require(out, "pm_doc_to_json", "out");
    require(doc, "pm_doc_to_json", "doc");
    constexpr unsigned known_flags = PM_JSON_PRETTY;
    if ((flags & ~known_flags) != 0)
      throw postmortem::error(postmortem::errc::invalid_argument,
                              "pm_doc_to_json: unknown flags " + std::to_string(flags & ~known_flags) +
                                  " (known: PM_JSON_PRETTY = 1)");
    postmortem::WriteOptions options;
    options.pretty = (flags & PM_JSON_PRETTY) != 0;
    give_string(out, out_len, postmortem::to_json(doc->impl, options));
  });
}

void pm_doc_free(pm_doc *doc) {
  delete doc;
}
