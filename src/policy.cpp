#include <postmortem/policy.hpp>
#include <postmortem/validate.hpp>

#include "text.hpp"

#include <boost/json/stream_parser.hpp>
#include <boost/json/value.hpp>
#include <fmt/format.h>

#include <chrono>

PM_BEGIN_NAMESPACE

namespace {

namespace json = boost::json;

[[noreturn]] void policy_error(const std::string &message) { throw error(errc::policy, message); }

// The limits a policy may set, by name.
struct LimitSetting {
  std::string_view name;
  std::size_t Limits::*member;
};
constexpr LimitSetting limit_settings[] = {
    {"max_document_bytes", &Limits::max_document_bytes},
    {"max_depth", &Limits::max_depth},
    {"max_string_bytes", &Limits::max_string_bytes},
    {"max_collection_size", &Limits::max_collection_size},
};

struct ThresholdSetting {
  std::string_view name;
  double Thresholds::*member;
  double min;
};
constexpr ThresholdSetting threshold_settings[] = {
    {"max_gap_hours", &Thresholds::max_gap_hours, 0},
    {"min_events", &Thresholds::min_events, 0},
    {"verify_within_days", &Thresholds::verify_within_days, 0},
    {"duplicate_event_seconds", &Thresholds::duplicate_event_seconds, 0},
};

constexpr std::string_view top_level_members[] = {"as_of", "rules", "thresholds", "regulatory_deadlines", "limits"};

std::string did_you_mean(std::string_view word, std::span<const std::string_view> candidates) {
  auto s = detail::suggest(word, candidates);
  return s.empty() ? std::string() : fmt::format(" (did you mean \"{}\"?)", s);
}

std::optional<Severity> parse_rule_setting(std::string_view code, std::string_view value) {
  if (!find_rule(code)) policy_error(fmt::format("policy: unknown rule code \"{}\"; see docs/rules.md for the catalog", code));
  if (value == "off") return std::nullopt;
  auto s = enum_from_string<Severity>(value);
  if (!s) policy_error(fmt::format("policy: rule {} set to \"{}\"; expected \"error\", \"warning\", \"info\" or \"off\"", code, value));
  return s;
}

// The entry of a settings table named `key`, or a PM_EPOLICY error naming the member.
template <class Setting, std::size_t N>
const Setting &find_setting(const Setting (&table)[N], std::string_view what, std::string_view section, std::string_view key) {
  std::vector<std::string_view> names;
  for (const auto &s : table) {
    if (s.name == key) return s;
    names.push_back(s.name);
  }
  policy_error(fmt::format("policy: unknown {} /{}/{}{}", what, section, key, did_you_mean(key, names)));
}

void read_limits(Limits &limits, const json::value &v) {
  if (!v.is_object()) policy_error("policy: /limits must be an object");
  for (const auto &kv : v.get_object()) {
    const auto &setting = find_setting(limit_settings, "limit", "limits", kv.key());
    const json::value &n = kv.value();
    std::uint64_t value = 0;
    if (n.is_int64() && n.get_int64() > 0) value = static_cast<std::uint64_t>(n.get_int64());
    else if (n.is_uint64() && n.get_uint64() > 0) value = n.get_uint64();
    else policy_error(fmt::format("policy: /limits/{} must be a positive integer", setting.name));
    limits.*(setting.member) = static_cast<std::size_t>(value);
  }
}

void read_thresholds(Thresholds &thresholds, const json::value &v) {
  if (!v.is_object()) policy_error("policy: /thresholds must be an object");
  for (const auto &kv : v.get_object()) {
    const auto &setting = find_setting(threshold_settings, "threshold", "thresholds", kv.key());
    const json::value &n = kv.value();
    if (!n.is_number() || n.to_number<double>() < setting.min)
      policy_error(fmt::format("policy: /thresholds/{} must be a number >= {}", setting.name, setting.min));
    thresholds.*(setting.member) = n.to_number<double>();
  }
}

std::map<std::string, double, std::less<>> read_deadlines(const json::value &v) {
  if (!v.is_object()) policy_error("policy: /regulatory_deadlines must be an object such as {\"GDPR\": 72} (hours)");
  std::map<std::string, double, std::less<>> out;
  for (const auto &kv : v.get_object()) {
    if (!kv.value().is_number() || kv.value().to_number<double>() <= 0)
      policy_error(fmt::format("policy: /regulatory_deadlines/{} must be a positive number of hours", std::string_view(kv.key())));
    out[std::string(kv.key())] = kv.value().to_number<double>();
  }
  return out;
}

} // namespace

Policy Policy::parse(std::string_view text) {
  json::error_code ec;
  json::stream_parser parser;
  std::size_t used = parser.write_some(text.data(), text.size(), ec);
  if (!ec) parser.finish(ec);
  if (ec) {
    auto [line, column] = detail::line_column(text, used);
    policy_error(fmt::format("policy: not valid JSON: {} at line {}, column {} (byte offset {})", ec.message(), line, column, used));
  }
  json::value v = parser.release();
  if (!v.is_object()) policy_error("policy: the top level must be an object");
  Policy policy;
  for (const auto &kv : v.get_object()) {
    std::string_view key = kv.key();
    const json::value &value = kv.value();
    if (key == "as_of") {
      std::string why;
      if (!value.is_string()) policy_error("policy: /as_of must be an RFC 3339 timestamp string");
      auto t = Timestamp::parse(std::string_view(value.get_string()), &why);
      if (!t) policy_error(fmt::format("policy: /as_of \"{}\" is not a valid timestamp: {}", detail::abbreviate(value.get_string()), why));
      policy.as_of = t;
    } else if (key == "rules") {
      if (!value.is_object()) policy_error("policy: /rules must be an object such as {\"PM403\": \"off\"}");
      for (const auto &rule : value.get_object()) {
        if (!rule.value().is_string())
          policy_error(fmt::format("policy: /rules/{} must be \"error\", \"warning\", \"info\" or \"off\"", std::string_view(rule.key())));
        policy.rules[std::string(rule.key())] = parse_rule_setting(rule.key(), rule.value().get_string());
      }
    } else if (key == "thresholds") {
      read_thresholds(policy.thresholds, value);
    } else if (key == "regulatory_deadlines") {
      policy.regulatory_deadlines = read_deadlines(value);
    } else if (key == "limits") {
      read_limits(policy.limits, value);
    } else if (key.substr(0, 2) != "x_") {
      policy_error(fmt::format("policy: unknown member \"{}\"{}", key, did_you_mean(key, top_level_members)));
    }
  }
  return policy;
}

void Policy::set_rule(std::string_view assignment) {
  auto eq = assignment.find('=');
  if (eq == std::string_view::npos)
    policy_error(fmt::format("rule setting \"{}\" should look like PM403=off or PM403=warning", assignment));
  auto code = assignment.substr(0, eq);
  rules[std::string(code)] = parse_rule_setting(code, assignment.substr(eq + 1));
}

std::optional<Severity> Policy::severity_of(std::string_view code, Severity default_severity) const {
  auto it = rules.find(code);
  return it == rules.end() ? std::optional<Severity>(default_severity) : it->second;
}

std::int64_t Policy::now_micros() const {
  if (as_of) return as_of->micros;
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

PM_END_NAMESPACE
