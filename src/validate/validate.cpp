#include "validate/report.hpp"

#include "document/fields.hpp"

#include <boost/json/value.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <charconv>

PM_BEGIN_NAMESPACE

namespace detail {

void Report::add(std::string_view code, std::string path, std::string message, std::string hint) {
  const Rule *rule = find_rule(code);
  if (!rule) throw error(errc::error, fmt::format("internal error: rule {} is not in the catalog", code));
  auto severity = policy_.severity_of(code, rule->severity);
  if (!severity) return;
  if (hint.empty()) hint = std::string(rule->fix);
  findings_.push_back({std::string(code), *severity, std::move(path), std::move(message), std::move(hint)});
}

namespace {

// The rule families, run in this order.
using Checker = void (*)(const Document &, Report &);
constexpr Checker checkers[] = {
    check_structure, check_attack,  check_vulnerabilities, check_indicators, check_references,
    check_timeline,  check_analysis, check_actions,        check_evidence,   check_review,
};

// Sort key of a JSON Pointer in document order: each member token becomes its position in
// its object's table (unknown members after the known ones, by name), each array index its
// number.
using KeyPart = std::pair<std::size_t, std::string_view>;

std::vector<KeyPart> order_key(std::string_view pointer) {
  std::vector<KeyPart> key;
  const TypeInfo *type = &type_info<Document>();
  const TypeInfo *element_type = nullptr; // set when the next token is an index into objects
  bool index_next = false;
  std::size_t pos = 0;
  while (pos < pointer.size() && pointer[pos] == '/') {
    std::size_t end = pointer.find('/', pos + 1);
    if (end == std::string_view::npos) end = pointer.size();
    std::string_view token = pointer.substr(pos + 1, end - pos - 1);
    pos = end;
    if (index_next) {
      std::size_t index = 0;
      std::from_chars(token.data(), token.data() + token.size(), index);
      key.emplace_back(index, std::string_view{});
      type = element_type;
      element_type = nullptr;
      index_next = false;
      continue;
    }
    if (!type) { // inside a scalar array or an extension: by index or name
      std::size_t index = 0;
      auto r = std::from_chars(token.data(), token.data() + token.size(), index);
      key.emplace_back(r.ec == std::errc() ? index : SIZE_MAX, token);
      continue;
    }
    std::size_t i = type->index_of(token);
    key.emplace_back(i, i < type->fields.size() ? std::string_view{} : token);
    const FieldInfo *f = i < type->fields.size() ? &type->fields[i] : nullptr;
    if (f && f->kind == Kind::objects) {
      index_next = true;
      element_type = f->nested;
      type = nullptr;
    } else {
      type = f ? f->nested : nullptr;
    }
  }
  return key;
}

} // namespace
} // namespace detail

std::vector<Finding> validate(const Document &doc, const Policy &policy) {
  detail::Report report(policy);
  for (auto check : detail::checkers) check(doc, report);
  std::vector<Finding> findings = report.take();
  std::vector<std::pair<std::vector<detail::KeyPart>, std::size_t>> keys;
  keys.reserve(findings.size());
  for (std::size_t i = 0; i < findings.size(); ++i) keys.emplace_back(detail::order_key(findings[i].path), i);
  std::stable_sort(keys.begin(), keys.end(), [&](const auto &a, const auto &b) {
    if (a.first != b.first) return a.first < b.first;
    return findings[a.second].code < findings[b.second].code;
  });
  std::vector<Finding> sorted;
  sorted.reserve(findings.size());
  for (auto &k : keys) sorted.push_back(std::move(findings[k.second]));
  return sorted;
}

Finding finding_from_error(const error &e) {
  std::string_view code = e.code() == errc::version ? "PM101" : "PM100";
  const Rule *rule = find_rule(code);
  return {std::string(code), Severity::error, "", e.what(), std::string(rule->fix)};
}

boost::json::value to_value(const std::vector<Finding> &findings) {
  boost::json::array out;
  out.reserve(findings.size());
  for (const auto &f : findings) {
    boost::json::object o;
    o["code"] = f.code;
    o["severity"] = to_string(f.severity);
    o["path"] = f.path;
    o["message"] = f.message;
    if (!f.hint.empty()) o["hint"] = f.hint;
    out.push_back(std::move(o));
  }
  return out;
}

std::string findings_to_json(const std::vector<Finding> &findings, bool pretty) {
  return serialize_value(to_value(findings), {.pretty = pretty});
}

PM_END_NAMESPACE
