// postmortem/timeline.hpp: lifecycle milestones, explicit or derived from the timeline.
#include <postmortem/timeline.hpp> // first: the header must be self-contained

#include "support.hpp"

#include <doctest/doctest.h>

namespace pm = postmortem;

namespace {

pm::Document doc_with(const std::string &incident_extra, const std::string &timeline) {
  return pm::parse(R"({"schema":"postmortem/1","incident":{"id":"I","title":"t","category":"malware")" + incident_extra +
                   R"(},"timeline":[)" + timeline + "]}");
}

const std::optional<pm::ResolvedMilestone> &at(const pm::Lifecycle &lc, pm::Milestone m) {
  return lc[static_cast<std::size_t>(m)];
}

} // namespace

TEST_CASE("the derivation table follows FORMAT.md: earliest for start, detection, report; latest for the rest") {
  auto rules = pm::milestone_rules();
  REQUIRE(rules.size() == 7);
  CHECK(rules[0].milestone == pm::Milestone::started_at);
  CHECK_FALSE(rules[0].latest);
  CHECK(rules[1].event_types.size() == 2); // detection and alert
  CHECK_FALSE(rules[2].latest);             // reported: earliest escalation or notification
  CHECK(rules[3].latest);                   // contained: latest containment
  CHECK(rules[6].milestone == pm::Milestone::closed_at);
  CHECK(rules[6].event_types.empty()); // closed is never derived
}

TEST_CASE("milestones are derived from the earliest or latest event of their types") {
  auto doc = doc_with("", R"(
    {"id":"a2","time":"2024-01-01T10:00:00Z","type":"attacker_activity","description":"x"},
    {"id":"a1","time":"2024-01-01T09:00:00Z","type":"attacker_activity","description":"x"},
    {"id":"d1","time":"2024-01-01T12:00:00Z","type":"alert","description":"x"},
    {"id":"d2","time":"2024-01-01T11:00:00Z","type":"detection","description":"x"},
    {"id":"c1","time":"2024-01-01T13:00:00Z","type":"containment","description":"x"},
    {"id":"c2","time":"2024-01-01T14:00:00Z","type":"containment","description":"x","precision":"hour"})");
  auto lc = pm::resolve_lifecycle(doc);
  REQUIRE(at(lc, pm::Milestone::started_at));
  CHECK(*at(lc, pm::Milestone::started_at)->event_index == 1); // a1, the earliest
  CHECK(at(lc, pm::Milestone::started_at)->source == pm::MilestoneSource::derived);
  CHECK(*at(lc, pm::Milestone::detected_at)->event_index == 3); // d2 (detection) before d1 (alert)
  CHECK(*at(lc, pm::Milestone::contained_at)->event_index == 5); // c2, the latest
  CHECK(at(lc, pm::Milestone::contained_at)->precision == pm::Precision::hour);
  CHECK_FALSE(at(lc, pm::Milestone::recovered_at));
  CHECK_FALSE(at(lc, pm::Milestone::closed_at));
}

TEST_CASE("an explicit milestone wins over the timeline and has second precision") {
  auto doc = doc_with(R"(,"milestones":{"detected_at":"2024-01-01T08:00:00+01:00"})",
                      R"({"id":"d","time":"2024-01-01T11:00:00Z","type":"detection","description":"x","precision":"day"})");
  auto lc = pm::resolve_lifecycle(doc);
  REQUIRE(at(lc, pm::Milestone::detected_at));
  CHECK(at(lc, pm::Milestone::detected_at)->source == pm::MilestoneSource::milestone);
  CHECK_FALSE(at(lc, pm::Milestone::detected_at)->event_index);
  // 08:00+01:00 is 07:00Z.
  CHECK(at(lc, pm::Milestone::detected_at)->time.to_utc_string() == "2024-01-01T07:00:00Z");
  CHECK(at(lc, pm::Milestone::detected_at)->precision == pm::Precision::second);
}

TEST_CASE("events at the same time keep document order, both when deriving and when sorting") {
  auto doc = doc_with("", R"(
    {"id":"x","time":"2024-01-01T10:00:00Z","type":"containment","description":"x"},
    {"id":"y","time":"2024-01-01T10:00:00Z","type":"containment","description":"y"},
    {"id":"z","time":"2024-01-01T09:00:00Z","type":"other","description":"z"},
    {"id":"bad","time":"2024-01-01T10:00:00","type":"other","description":"no offset"})");
  auto lc = pm::resolve_lifecycle(doc);
  CHECK(*at(lc, pm::Milestone::contained_at)->event_index == 0); // the first of the tie
  auto order = pm::chronological_order(doc);
  // The event with an invalid time is left out; z first, then x and y in document order.
  CHECK(order == std::vector<std::size_t>{2, 0, 1});
}

TEST_CASE("no timeline and no milestones resolve nothing") {
  auto lc = pm::resolve_lifecycle(doc_with("", ""));
  for (const auto &m : lc) CHECK_FALSE(m);
}
