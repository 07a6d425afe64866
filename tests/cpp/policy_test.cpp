// postmortem/policy.hpp: "now", rule severities and limits.
#include <postmortem/policy.hpp> // first: the header must be self-contained

#include "support.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <string>

using postmortem::errc;
using postmortem::Policy;
using postmortem::Severity;

namespace {

// 2024-06-01: 19723 (2024-01-01) + 31 + 29 + 31 + 30 + 31 (January..May of a leap year) =
// 19875 days; 19875 * 86400 = 1717200000 s.
constexpr std::int64_t june_1st_2024_micros = 1'717'200'000LL * 1'000'000;

// The message of the error `fn` throws, checking that it is a postmortem::error of errc::policy.
template <class F> std::string policy_error(F fn) {
  try {
    fn();
  } catch (const postmortem::error &e) {
    CHECK(e.code() == errc::policy);
    return e.what();
  }
  FAIL("no postmortem::error was thrown");
  return {};
}

} // namespace

TEST_CASE("Severity is numbered like PM_SEVERITY_* and spelled in lower case") {
  CHECK(static_cast<int>(Severity::error) == 0);
  CHECK(static_cast<int>(Severity::warning) == 1);
  CHECK(static_cast<int>(Severity::info) == 2);
  CHECK(postmortem::to_string(Severity::warning) == "warning");
  CHECK(postmortem::enum_from_string<Severity>("info") == Severity::info);
  CHECK_FALSE(postmortem::enum_from_string<Severity>("fatal").has_value());
}

TEST_CASE("a default policy has no as_of, no rule overrides and the documented limits") {
  Policy p;
  CHECK_FALSE(p.as_of.has_value());
  CHECK(p.rules.empty());
  CHECK(p.limits.max_document_bytes == std::size_t{1} << 30); // 1 GiB
  CHECK(p.limits.max_depth == 64);
  CHECK(p.limits.max_string_bytes == std::size_t{16} << 20);  // 16 MiB
  CHECK(p.limits.max_collection_size == 10'000'000);
}

TEST_CASE("an empty JSON object is the default policy") {
  Policy p = Policy::parse("{}");
  CHECK_FALSE(p.as_of.has_value());
  CHECK(p.rules.empty());
  CHECK(p.limits == postmortem::Limits{});
}

TEST_CASE("Policy::parse reads as_of, rules and limits") {
  Policy p = Policy::parse(R"({"as_of": "2024-06-01T00:00:00Z",
                               "rules": {"PM109": "off", "PM102": "warning", "PM103": "info", "PM110": "error"},
                               "limits": {"max_depth": 8, "max_document_bytes": 1000,
                                          "max_string_bytes": 100, "max_collection_size": 5}})");
  REQUIRE(p.as_of.has_value());
  CHECK(p.as_of->micros == june_1st_2024_micros);
  CHECK(p.as_of->to_string() == "2024-06-01T00:00:00Z");
  REQUIRE(p.rules.size() == 4);
  CHECK(p.rules.at("PM109") == std::nullopt);
  CHECK(p.rules.at("PM102") == Severity::warning);
  CHECK(p.rules.at("PM103") == Severity::info);
  CHECK(p.rules.at("PM110") == Severity::error);
  CHECK(p.limits.max_depth == 8);
  CHECK(p.limits.max_document_bytes == 1000);
  CHECK(p.limits.max_string_bytes == 100);
  CHECK(p.limits.max_collection_size == 5);
}

TEST_CASE("a limit the policy does not set keeps its default") {
  Policy p = Policy::parse(R"({"limits": {"max_depth": 16}})");
  CHECK(p.limits.max_depth == 16);
  CHECK(p.limits.max_string_bytes == std::size_t{16} << 20);
}

TEST_CASE("a default policy has the documented thresholds and a GDPR deadline of 72 hours") {
  Policy p;
  CHECK(p.thresholds.max_gap_hours == 24);
  CHECK(p.thresholds.min_events == 3);
  CHECK(p.thresholds.verify_within_days == 90);
  CHECK(p.thresholds.duplicate_event_seconds == 60);
  CHECK(p.regulatory_deadlines == std::map<std::string, double, std::less<>>{{"GDPR", 72}});
}

TEST_CASE("Policy::parse reads thresholds, and regulatory_deadlines replace the defaults") {
  Policy p = Policy::parse(R"({"thresholds": {"max_gap_hours": 12.5, "min_events": 0},
                               "regulatory_deadlines": {"NIS2": 24, "HIPAA": 1440}})");
  CHECK(p.thresholds.max_gap_hours == 12.5);
  CHECK(p.thresholds.min_events == 0);
  CHECK(p.thresholds.verify_within_days == 90); // not set: default
  CHECK(p.regulatory_deadlines == std::map<std::string, double, std::less<>>{{"HIPAA", 1440}, {"NIS2", 24}});
}

TEST_CASE("bad thresholds and deadlines are policy errors") {
  CHECK(policy_error([] { Policy::parse(R"({"thresholds": {"max_gap_hour": 1}})"); }) ==
        R"(policy: unknown threshold /thresholds/max_gap_hour (did you mean "max_gap_hours"?))");
  CHECK(policy_error([] { Policy::parse(R"({"thresholds": {"min_events": -1}})"); }) ==
        "policy: /thresholds/min_events must be a number >= 0");
  CHECK(policy_error([] { Policy::parse(R"({"thresholds": {"min_events": "3"}})"); }) ==
        "policy: /thresholds/min_events must be a number >= 0");
  CHECK(policy_error([] { Policy::parse(R"({"regulatory_deadlines": {"GDPR": 0}})"); }) ==
        "policy: /regulatory_deadlines/GDPR must be a positive number of hours");
  CHECK(policy_error([] { Policy::parse(R"({"regulatory_deadlines": ["GDPR"]})"); }) ==
        R"(policy: /regulatory_deadlines must be an object such as {"GDPR": 72} (hours))");
}

TEST_CASE("as_of keeps its offset and converts to UTC") {
  // 2024-06-01T02:00:00+02:00 is 2024-06-01T00:00:00Z.
  Policy p = Policy::parse(R"({"as_of": "2024-06-01T02:00:00+02:00"})");
  REQUIRE(p.as_of.has_value());
  CHECK(p.as_of->micros == june_1st_2024_micros);
  CHECK(p.as_of->offset_minutes == 120);
}

TEST_CASE("x_ members of a policy are allowed and ignored") {
  Policy p = Policy::parse(R"({"x_owner": {"team": "SOC"}, "rules": {"PM109": "off"}})");
  CHECK(p.rules.size() == 1);
}

TEST_CASE("severity_of a rule that is off is nullopt") {
  Policy p = Policy::parse(R"({"rules": {"PM109": "off"}})");
  CHECK(p.severity_of("PM109", Severity::warning) == std::nullopt);
}

TEST_CASE("severity_of an overridden rule is the override") {
  Policy p = Policy::parse(R"({"rules": {"PM102": "warning"}})");
  CHECK(p.severity_of("PM102", Severity::error) == Severity::warning);
}

TEST_CASE("severity_of a rule the policy does not mention is the default given") {
  Policy p;
  CHECK(p.severity_of("PM102", Severity::error) == Severity::error);
  CHECK(p.severity_of("PM109", Severity::warning) == Severity::warning);
}

TEST_CASE("an unknown top-level member is a policy error with a did-you-mean") {
  CHECK(policy_error([] { Policy::parse(R"({"as_off": "2024-06-01T00:00:00Z"})"); }) ==
        R"(policy: unknown member "as_off" (did you mean "as_of"?))");
  CHECK(policy_error([] { Policy::parse(R"({"rule": {}})"); }) == R"(policy: unknown member "rule" (did you mean "rules"?))");
  CHECK(policy_error([] { Policy::parse(R"({"colour": 1})"); }) == R"(policy: unknown member "colour")");
}

TEST_CASE("an unknown rule code is a policy error") {
  CHECK_THROWS_WITH_AS(Policy::parse(R"({"rules": {"PM999": "off"}})"),
                       R"(policy: unknown rule code "PM999"; see docs/rules.md for the catalog)", postmortem::error);
  CHECK(policy_error([] { Policy::parse(R"({"rules": {"pm109": "off"}})"); }) ==
        R"(policy: unknown rule code "pm109"; see docs/rules.md for the catalog)");
}

TEST_CASE("a severity that is not error, warning, info or off is a policy error") {
  CHECK(policy_error([] { Policy::parse(R"({"rules": {"PM102": "fatal"}})"); }) ==
        R"(policy: rule PM102 set to "fatal"; expected "error", "warning", "info" or "off")");
  CHECK(policy_error([] { Policy::parse(R"({"rules": {"PM102": "Warning"}})"); }) ==
        R"(policy: rule PM102 set to "Warning"; expected "error", "warning", "info" or "off")");
  CHECK(policy_error([] { Policy::parse(R"({"rules": {"PM102": false}})"); }) ==
        R"(policy: /rules/PM102 must be "error", "warning", "info" or "off")");
}

TEST_CASE("a limit that is not a positive integer is a policy error") {
  CHECK(policy_error([] { Policy::parse(R"({"limits": {"max_depth": 0}})"); }) ==
        "policy: /limits/max_depth must be a positive integer");
  CHECK(policy_error([] { Policy::parse(R"({"limits": {"max_depth": -1}})"); }) ==
        "policy: /limits/max_depth must be a positive integer");
  CHECK(policy_error([] { Policy::parse(R"({"limits": {"max_string_bytes": 1.5}})"); }) ==
        "policy: /limits/max_string_bytes must be a positive integer");
  CHECK(policy_error([] { Policy::parse(R"({"limits": {"max_collection_size": "10"}})"); }) ==
        "policy: /limits/max_collection_size must be a positive integer");
}

TEST_CASE("an unknown limit is a policy error with a did-you-mean") {
  CHECK(policy_error([] { Policy::parse(R"({"limits": {"max_dept": 8}})"); }) ==
        R"(policy: unknown limit /limits/max_dept (did you mean "max_depth"?))");
}

TEST_CASE("wrongly shaped policies are policy errors") {
  CHECK(policy_error([] { Policy::parse("[]"); }) == "policy: the top level must be an object");
  CHECK(policy_error([] { Policy::parse(R"({"rules": ["PM109"]})"); }) ==
        R"(policy: /rules must be an object such as {"PM403": "off"})");
  CHECK(policy_error([] { Policy::parse(R"({"limits": 5})"); }) == "policy: /limits must be an object");
  CHECK(policy_error([] { Policy::parse(R"({"as_of": 1717200000})"); }) ==
        "policy: /as_of must be an RFC 3339 timestamp string");
}

TEST_CASE("a policy that is not JSON is a policy error, not a parse error") {
  std::string message = policy_error([] { Policy::parse("{\"rules\": "); });
  CHECK(message.rfind("policy: not valid JSON: ", 0) == 0);
}

TEST_CASE("an invalid as_of is a policy error that says why") {
  CHECK(policy_error([] { Policy::parse(R"({"as_of": "2024-06-01T00:00:00"})"); }) ==
        R"(policy: /as_of "2024-06-01T00:00:00" is not a valid timestamp: no UTC offset (add Z or +hh:mm): a local time is ambiguous)");
  CHECK(policy_error([] { Policy::parse(R"({"as_of": "2023-02-30T00:00:00Z"})"); }) ==
        R"(policy: /as_of "2023-02-30T00:00:00Z" is not a valid timestamp: day 30 is out of range for 2023-02)");
}

TEST_CASE("set_rule reads the CLI spelling CODE=SEVERITY") {
  Policy p;
  p.set_rule("PM109=off");
  CHECK(p.severity_of("PM109", Severity::warning) == std::nullopt);
  p.set_rule("PM102=info");
  CHECK(p.severity_of("PM102", Severity::error) == Severity::info);
  p.set_rule("PM109=error"); // a later setting replaces an earlier one
  CHECK(p.severity_of("PM109", Severity::warning) == Severity::error);
}

TEST_CASE("set_rule rejects a malformed assignment, an unknown code or severity") {
  Policy p;
  CHECK_THROWS_WITH_AS(p.set_rule("PM109"), R"(rule setting "PM109" should look like PM403=off or PM403=warning)",
                       postmortem::error);
  CHECK(policy_error([&] { p.set_rule("PM999=off"); }) ==
        R"(policy: unknown rule code "PM999"; see docs/rules.md for the catalog)");
  CHECK(policy_error([&] { p.set_rule("PM109=loud"); }) ==
        R"(policy: rule PM109 set to "loud"; expected "error", "warning", "info" or "off")");
  CHECK(p.rules.empty()); // nothing was set by the failed calls
}

TEST_CASE("now_micros is as_of when the policy fixes it") {
  Policy p = Policy::parse(R"({"as_of": "2024-06-01T00:00:00Z"})");
  CHECK(p.now_micros() == june_1st_2024_micros);
}

TEST_CASE("now_micros without as_of is the system clock") {
  using namespace std::chrono;
  auto now = [] { return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count(); };
  std::int64_t before = now();
  std::int64_t got = Policy{}.now_micros();
  std::int64_t after = now();
  CHECK(got >= before);
  CHECK(got <= after);
}
