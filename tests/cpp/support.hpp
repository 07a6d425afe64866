// Helpers shared by the C++ tests (not a public header; included after the header under test).
#ifndef POSTMORTEM_TESTS_CPP_SUPPORT_HPP
#define POSTMORTEM_TESTS_CPP_SUPPORT_HPP

#include <postmortem/policy.hpp>

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#ifndef PM_TEST_DATA_DIR
#error "PM_TEST_DATA_DIR must name tests/data (set by tests/cpp/CMakeLists.txt)"
#endif

namespace pm_test {

/// tests/data in the source tree.
inline std::filesystem::path data_dir() { return std::filesystem::path(PM_TEST_DATA_DIR); }

/// The repository root (tests/data/../..).
inline std::filesystem::path source_dir() { return data_dir().parent_path().parent_path(); }

/// The default policy with "now" fixed at `timestamp` (RFC 3339); fails the test when it
/// does not parse.
inline postmortem::Policy policy_as_of(const char *timestamp) {
  postmortem::Policy p;
  p.as_of = postmortem::Timestamp::parse(timestamp);
  REQUIRE(p.as_of);
  return p;
}

/// The whole file as bytes; fails the current test when it cannot be read.
inline std::string read_file(const std::filesystem::path &path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "cannot open " << path.string());
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

/// The three sample post-mortems of tests/data/examples.
inline constexpr const char *sample_names[] = {
    "data-exfiltration-cloud-bucket.json",
    "network-breach-vpn-appliance.json",
    "phishing-mfa-fatigue.json",
};

inline std::filesystem::path sample(const char *name) { return data_dir() / "examples" / name; }

/// The smallest valid document (tests/data/broken/README.md); `rest` is spliced in after
/// the incident, e.g. `, "timeline": [...]`.
inline std::string minimal_doc(const std::string &incident_extra = "", const std::string &rest = "") {
  return R"({"schema": "postmortem/1", "incident": {"id": "INC-1", "title": "t", "category": "phishing")" +
         incident_extra + "}" + rest + "}";
}

/// A JSON value used as an `x_` extension: nested objects and arrays, every JSON kind, an
/// integer above INT64_MAX.
inline const std::string extension_value =
    R"({"nested": {"list": [1, -2, 2.5, "s", null, true, {"deep": []}]}, "big": 18446744073709551615, "text": "\u00e9\u2192"})";

/// A valid document with, in every object type of FORMAT.md, an extension `x_<type>` and an
/// unknown member `<type>_unknown` (names far from every known member, so no suggestion).
inline std::string every_object_type_doc() {
  const std::string &x = extension_value;
  return R"({
  "schema": "postmortem/1",
  "x_top": )" + x + R"(,
  "unknown_top": 1,
  "incident": {
    "id": "INC-1", "title": "t", "category": "phishing",
    "x_incident": )" + x + R"(, "incident_unknown": "u",
    "actor": {"type": "external", "name": "FIN7", "motive": "financial", "x_actor": )" + x + R"(, "actor_unknown": [1]},
    "milestones": {"started_at": "2024-01-17T08:42:10Z", "x_milestones": )" + x + R"(, "milestones_unknown": {}},
    "impact": {"rating": "painful", "x_impact": )" + x + R"(, "impact_unknown": null,
               "financial_loss": {"min": 0, "max": 10, "currency": "EUR", "x_financial_loss": )" + x + R"(, "financial_loss_unknown": false}}
  },
  "assets": [{"id": "a1", "name": "n", "x_asset": )" + x + R"(, "asset_unknown": "u"}],
  "vulnerabilities": [{"id": "CVE-2024-3400", "x_vulnerability": )" + x + R"(, "vulnerability_unknown": "u"}],
  "timeline": [{"id": "e1", "time": "2024-01-17T10:05:00Z", "type": "detection", "description": "d",
                "x_event": )" + x + R"(, "event_unknown": "u"}],
  "evidence": [{"id": "ev1", "description": "d", "x_evidence": )" + x + R"(, "evidence_unknown": "u",
                "custody": [{"time": "2024-01-17T10:05:00Z", "action": "collected", "x_custody": )" + x + R"(, "custody_unknown": "u"}]}],
  "indicators": [{"id": "i1", "type": "domain", "value": "evil.example", "x_indicator": )" + x + R"(, "indicator_unknown": "u"}],
  "factors": [{"id": "f1", "kind": "root_cause", "category": "human", "title": "t", "x_factor": )" + x + R"(, "factor_unknown": "u"}],
  "actions": [{"id": "A1", "title": "t", "x_action": )" + x + R"(, "action_unknown": "u",
               "ticket": {"system": "jira", "key": "SEC-1", "x_ticket": )" + x + R"(, "ticket_unknown": "u"},
               "verification": [{"date": "2024-02-01", "result": "effective", "x_verification": )" + x + R"(, "verification_unknown": "u"}]}],
  "lessons": [{"id": "l1", "text": "t", "x_lesson": )" + x + R"(, "lesson_unknown": "u"}],
  "participants": [{"name": "p", "x_participant": )" + x + R"(, "participant_unknown": "u"}],
  "review": {"status": "draft", "x_review": )" + x + R"(, "review_unknown": "u",
             "questions": [{"question": "q", "answer": "a", "x_question": )" + x + R"(, "question_unknown": "u"}]}
})";
}

} // namespace pm_test

#endif
