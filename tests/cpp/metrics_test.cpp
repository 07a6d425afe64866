// postmortem/metrics.hpp: lifecycle metrics and the timeline breakdown.
//
// Every expected value is worked out by hand in the comments: differences of UTC times, then
// seconds (a day is 86400 s, an hour 3600 s) and the ISO 8601 duration.
#include <postmortem/metrics.hpp> // first: the header must be self-contained

#include "support.hpp"

#include <postmortem/validate.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <limits>
#include <string>
#include <vector>

namespace json = boost::json;
namespace pm = postmortem;
using pm::Metric;
using pm::Milestone;

namespace {

pm::Document doc_with(const std::string &incident_extra, const std::string &timeline) {
  return pm::parse(pm_test::minimal_doc(incident_extra, R"(, "timeline": [)" + timeline + "]"));
}

pm::Document sample(const char *name) { return pm::load(pm_test::sample(name).string()); }

const std::optional<pm::MetricValue> &value(const pm::Metrics &m, Metric which) {
  return m.values[static_cast<std::size_t>(which)];
}

const std::optional<pm::ResolvedMilestone> &milestone(const pm::Metrics &m, Milestone which) {
  return m.milestones[static_cast<std::size_t>(which)];
}

// The id of event `i` of `doc`.
std::string id_of(const pm::Document &doc, std::size_t i) { return doc.timeline.at(i).id.value_or("?"); }

std::vector<std::string> ids_of(const pm::Document &doc, const std::vector<std::size_t> &indices) {
  std::vector<std::string> out;
  for (std::size_t i : indices) out.push_back(id_of(doc, i));
  return out;
}

// Checks one metric: seconds, its ISO 8601 duration (through to_value), ends and precision.
void check_metric(const pm::Metrics &m, const pm::Document &doc, Metric which, std::int64_t seconds,
                  std::string_view duration, Milestone from, Milestone to,
                  pm::Precision precision = pm::Precision::second) {
  INFO("metric ", pm::to_string(which));
  const auto &v = value(m, which);
  REQUIRE(v);
  CHECK(v->metric == which);
  CHECK(v->seconds == seconds);
  CHECK(v->from == from);
  CHECK(v->to == to);
  CHECK(v->precision == precision);
  const json::value j = pm::to_value(m, doc);
  const json::object &o = j.at("metrics").at(pm::to_string(which)).as_object();
  CHECK(o.at("seconds").to_number<std::int64_t>() == seconds);
  CHECK(o.at("duration").as_string() == duration);
  CHECK(o.at("from").as_string() == pm::to_string(from));
  CHECK(o.at("to").as_string() == pm::to_string(to));
}

// The gaps as text, "from->to seconds after|before; ...", so that a failure shows them.
std::string gaps_of(const pm::Metrics &m, const pm::Document &doc) {
  std::string out;
  for (const auto &g : m.gaps) {
    if (!out.empty()) out += "; ";
    out += id_of(doc, g.from_index) + "->" + id_of(doc, g.to_index) + " " + std::to_string(g.seconds) +
           (g.after_detection ? " after" : " before");
  }
  return out;
}

pm::Policy gap_policy(double hours) {
  pm::Policy p;
  p.thresholds.max_gap_hours = hours;
  return p;
}

} // namespace

TEST_CASE("the metric table is FORMAT.md's, in Metric order") {
  auto rules = pm::metric_rules();
  REQUIRE(rules.size() == 6);
  for (std::size_t i = 0; i < rules.size(); ++i) CHECK(static_cast<std::size_t>(rules[i].metric) == i);
  CHECK(rules[0].from == Milestone::started_at); // dwell_time: started -> detected
  CHECK(rules[0].to == Milestone::detected_at);
  CHECK(rules[1].to == Milestone::reported_at); // the others start at detection
  CHECK(rules[2].to == Milestone::contained_at);
  CHECK(rules[3].to == Milestone::eradicated_at);
  CHECK(rules[4].to == Milestone::recovered_at);
  for (std::size_t i = 1; i <= 4; ++i) CHECK(rules[i].from == Milestone::detected_at);
  for (std::size_t i = 0; i <= 4; ++i) CHECK_FALSE(rules[i].fallback);
  CHECK(rules[5].from == Milestone::started_at); // total_duration: started -> closed, else recovered
  CHECK(rules[5].to == Milestone::closed_at);
  CHECK(rules[5].fallback == Milestone::recovered_at);
}

// phishing-mfa-fatigue.json: incident.milestones gives started 2024-01-17T08:42:10Z, detected
// 10:05:00Z, contained 10:31:00Z, recovered 15:00:00Z and closed 2024-01-24T17:00:00Z;
// reported_at is not given, so it is derived from the earliest escalation/notification event,
// e7 (escalation) at 10:12:00Z. There is no eradication event and no eradicated_at.
TEST_CASE("phishing sample: explicit and derived milestones, the metrics") {
  const auto doc = sample("phishing-mfa-fatigue.json");
  const auto m = pm::metrics(doc);

  const auto &started = milestone(m, Milestone::started_at);
  REQUIRE(started);
  CHECK(started->source == pm::MilestoneSource::milestone);
  CHECK_FALSE(started->event_index);
  const auto &reported = milestone(m, Milestone::reported_at);
  REQUIRE(reported);
  CHECK(reported->source == pm::MilestoneSource::derived);
  CHECK(id_of(doc, *reported->event_index) == "e7");
  CHECK_FALSE(milestone(m, Milestone::eradicated_at));

  // dwell_time: 10:05:00 - 08:42:10 = 1 h 22 min 50 s = 3600 + 1320 + 50 = 4970 s.
  check_metric(m, doc, Metric::dwell_time, 4970, "PT1H22M50S", Milestone::started_at, Milestone::detected_at);
  // time_to_report: 10:12:00 (e7) - 10:05:00 = 7 min = 420 s.
  check_metric(m, doc, Metric::time_to_report, 420, "PT7M", Milestone::detected_at, Milestone::reported_at);
  // time_to_contain: 10:31:00 - 10:05:00 = 26 min = 1560 s.
  check_metric(m, doc, Metric::time_to_contain, 1560, "PT26M", Milestone::detected_at, Milestone::contained_at);
  // time_to_eradicate: no eradicated_at, so absent (not zero).
  CHECK_FALSE(value(m, Metric::time_to_eradicate));
  // time_to_recover: 15:00:00 - 10:05:00 = 4 h 55 min = 14400 + 3300 = 17700 s.
  check_metric(m, doc, Metric::time_to_recover, 17700, "PT4H55M", Milestone::detected_at, Milestone::recovered_at);
  // total_duration: closed_at is given, so started -> closed:
  // 2024-01-17T08:42:10 -> 2024-01-24T08:42:10 is 7 days, then to 17:00:00 is 8 h 17 min 50 s;
  // 7 * 86400 + 8 * 3600 + 17 * 60 + 50 = 604800 + 28800 + 1020 + 50 = 634670 s.
  check_metric(m, doc, Metric::total_duration, 634670, "P7DT8H17M50S", Milestone::started_at, Milestone::closed_at);

  const json::value j = pm::to_value(m, doc);
  CHECK(j.at("milestones").at("detected_at") ==
        json::parse(R"({"time": "2024-01-17T10:05:00Z", "source": "milestone", "precision": "second"})"));
  CHECK(j.at("milestones").at("reported_at") ==
        json::parse(R"({"time": "2024-01-17T10:12:00Z", "source": "derived", "event_id": "e7", "precision": "second"})"));
  CHECK_FALSE(j.at("milestones").as_object().contains("eradicated_at"));
  CHECK_FALSE(j.at("metrics").as_object().contains("time_to_eradicate"));
}

// The same sample's breakdown. Its ten events in time order (e2 is written 09:58:44+01:00,
// which is 08:58:44Z): e1 08:42:10, e2 08:58:44, e3 09:05:12, e4 09:09:30, e5 09:40:00
// (attacker_activity), e6 10:05:00 (detection), e7 10:12:00 (escalation), e8 10:31:00
// (containment), e9 11:20:00 (communication), e10 15:00:00 (recovery).
TEST_CASE("phishing sample: types, assets, key moments, gaps") {
  const auto doc = sample("phishing-mfa-fatigue.json");
  const auto m = pm::metrics(doc);
  CHECK(m.events == 10);
  CHECK(m.timed_events == 10);

  // Types in EventType order: attacker_activity (5: e1 first, e5 last), detection,
  // escalation, containment, recovery, communication.
  std::vector<pm::EventType> types;
  for (const auto &t : m.types) types.push_back(t.type);
  CHECK(types == std::vector{pm::EventType::attacker_activity, pm::EventType::detection, pm::EventType::escalation,
                             pm::EventType::containment, pm::EventType::recovery, pm::EventType::communication});
  CHECK(m.types[0].count == 5);
  CHECK(id_of(doc, m.types[0].first_index) == "e1");
  CHECK(id_of(doc, m.types[0].last_index) == "e5");
  CHECK(m.types[0].first.to_utc_string() == "2024-01-17T08:42:10Z");
  CHECK(m.types[0].last.to_utc_string() == "2024-01-17T09:40:00Z");
  for (std::size_t i = 1; i < m.types.size(); ++i) CHECK(m.types[i].count == 1);

  // Assets: a-mbx is named by e2 (08:58:44Z), e4, e5, e8, e10 (15:00); a-idp by e3 (09:05:12)
  // and e8 (10:31). Ordered by first sighting: a-mbx, then a-idp.
  REQUIRE(m.assets.size() == 2);
  CHECK(m.assets[0].asset_id == "a-mbx");
  CHECK(m.assets[0].first.to_utc_string() == "2024-01-17T08:58:44Z");
  CHECK(m.assets[0].last.to_utc_string() == "2024-01-17T15:00:00Z");
  CHECK(ids_of(doc, m.assets[0].event_indices) == std::vector<std::string>{"e2", "e4", "e5", "e8", "e10"});
  CHECK(m.assets[1].asset_id == "a-idp");
  CHECK(m.assets[1].first.to_utc_string() == "2024-01-17T09:05:12Z");
  CHECK(m.assets[1].last.to_utc_string() == "2024-01-17T10:31:00Z");
  CHECK(ids_of(doc, m.assets[1].event_indices) == std::vector<std::string>{"e3", "e8"});

  // Key moments (key: true): e3, e6, e8.
  CHECK(ids_of(doc, m.key_moments) == std::vector<std::string>{"e3", "e6", "e8"});

  // The longest quiet stretch is e9 11:20 -> e10 15:00 = 3 h 40 min: no gap over the
  // default 24 hours.
  CHECK(m.gap_threshold_hours == 24);
  CHECK(m.gaps.empty());

  // With max_gap_hours 1: only e9 -> e10, 3 h 40 min = 13200 s, after detection (11:20 >= 10:05).
  CHECK(gaps_of(pm::metrics(doc, gap_policy(1)), doc) == "e9->e10 13200 after");

  // With 0.25 (15 min = 900 s), every step over 900 s:
  //   e1 08:42:10 -> e2 08:58:44 = 16 min 34 s = 994 s   (before detection)
  //   e4 09:09:30 -> e5 09:40:00 = 30 min 30 s = 1830 s  (before)
  //   e5 09:40:00 -> e6 10:05:00 = 25 min = 1500 s       (starts before detection at 10:05)
  //   e7 10:12:00 -> e8 10:31:00 = 19 min = 1140 s       (after)
  //   e8 10:31:00 -> e9 11:20:00 = 49 min = 2940 s       (after)
  //   e9 11:20:00 -> e10 15:00:00 = 13200 s              (after)
  // and not e2 -> e3 (6 min 28 s), e3 -> e4 (4 min 18 s), e6 -> e7 (7 min).
  const auto quarter = pm::metrics(doc, gap_policy(0.25));
  CHECK(quarter.gap_threshold_hours == 0.25);
  CHECK(gaps_of(quarter, doc) == "e1->e2 994 before; e4->e5 1830 before; e5->e6 1500 before; "
                                 "e7->e8 1140 after; e8->e9 2940 after; e9->e10 13200 after");
}

// network-breach-vpn-appliance.json has no incident.milestones: everything is derived.
//   started   = earliest attacker_activity: t1 2024-04-11T22:14:00Z
//   detected  = earliest detection/alert:   t5 2024-04-15T09:30:00Z
//   reported  = earliest escalation/notification: t6 09:55 (t11 is 2024-04-17)
//   contained = latest containment: t8 18:30 (t7 is 11:40)
//   eradicated = t9 2024-04-16T02:00:00Z; recovered = t10 2024-04-16T18:30:00Z; no closed_at.
TEST_CASE("network breach sample: derived milestones, total_duration falls back to recovered_at") {
  const auto doc = sample("network-breach-vpn-appliance.json");
  const auto m = pm::metrics(doc);
  const char *expected_events[] = {"t1", "t5", "t6", "t8", "t9", "t10"};
  for (std::size_t i = 0; i < 6; ++i) {
    const auto &r = m.milestones[i];
    REQUIRE(r);
    CHECK(r->source == pm::MilestoneSource::derived);
    CHECK(id_of(doc, *r->event_index) == expected_events[i]);
  }
  CHECK_FALSE(milestone(m, Milestone::closed_at));

  // dwell_time: 04-11T22:14 -> 04-14T22:14 is 3 days, then to 04-15T09:30 is 11 h 16 min;
  // 3 * 86400 + 11 * 3600 + 16 * 60 = 259200 + 39600 + 960 = 299760 s.
  check_metric(m, doc, Metric::dwell_time, 299760, "P3DT11H16M", Milestone::started_at, Milestone::detected_at);
  // time_to_report: 09:55 - 09:30 = 25 min = 1500 s.
  check_metric(m, doc, Metric::time_to_report, 1500, "PT25M", Milestone::detected_at, Milestone::reported_at);
  // time_to_contain: 18:30 - 09:30 = 9 h = 32400 s.
  check_metric(m, doc, Metric::time_to_contain, 32400, "PT9H", Milestone::detected_at, Milestone::contained_at);
  // time_to_eradicate: 04-15T09:30 -> 04-16T02:00 = 14 h 30 min + 2 h = 16 h 30 min = 59400 s.
  check_metric(m, doc, Metric::time_to_eradicate, 59400, "PT16H30M", Milestone::detected_at, Milestone::eradicated_at);
  // time_to_recover: 04-15T09:30 -> 04-16T18:30 = 1 day 9 h = 86400 + 32400 = 118800 s.
  check_metric(m, doc, Metric::time_to_recover, 118800, "P1DT9H", Milestone::detected_at, Milestone::recovered_at);
  // total_duration: no closed_at, so started -> recovered: 04-11T22:14 -> 04-16T18:30 =
  // 4 days (to 04-15T22:14) + 20 h 16 min = 345600 + 72000 + 960 = 418560 s.
  check_metric(m, doc, Metric::total_duration, 418560, "P4DT20H16M", Milestone::started_at, Milestone::recovered_at);

  // FORMAT.md's example milestone is this sample's contained_at.
  CHECK(pm::to_value(m, doc).at("milestones").at("contained_at") ==
        json::parse(R"({"time": "2024-04-15T18:30:00Z", "source": "derived", "event_id": "t8", "precision": "second"})"));
}

// Events in time order: t0 2023-11-08T16:20:00-05:00 = 2023-11-08T21:20:00Z (other), t1 04-11
// 22:14, t2 04-12 01:02, t3 04-13 03:47, t4 04-13 04:10 (attacker_activity), t5 04-15 09:30
// (detection), t6 09:55 (escalation), t7 11:40, t8 18:30 (containment), t9 04-16 02:00
// (eradication), t10 04-16 18:30 (recovery), t11 04-17 10:00 (notification).
TEST_CASE("network breach sample: types, assets, gaps before detection") {
  const auto doc = sample("network-breach-vpn-appliance.json");
  const auto m = pm::metrics(doc);
  CHECK(m.events == 12);
  CHECK(m.timed_events == 12);

  REQUIRE(m.types.size() == 8);
  CHECK(m.types[0].type == pm::EventType::attacker_activity);
  CHECK(m.types[0].count == 4);
  CHECK(id_of(doc, m.types[0].first_index) == "t1");
  CHECK(id_of(doc, m.types[0].last_index) == "t4");
  CHECK(m.types[3].type == pm::EventType::containment);
  CHECK(m.types[3].count == 2);
  CHECK(m.types[3].first.to_utc_string() == "2024-04-15T11:40:00Z");
  CHECK(m.types[3].last.to_utc_string() == "2024-04-15T18:30:00Z");
  CHECK(m.types[7].type == pm::EventType::other);
  CHECK(m.types[7].first.to_utc_string() == "2023-11-08T21:20:00Z"); // in UTC, not as written

  // fw-edge: t0, t7; vpn-gw: t1, t2, t7, t9, t10; srv-jump: t3, t7, t10; srv-file: t4, t7, t10.
  REQUIRE(m.assets.size() == 4);
  CHECK(m.assets[0].asset_id == "fw-edge");
  CHECK(ids_of(doc, m.assets[0].event_indices) == std::vector<std::string>{"t0", "t7"});
  CHECK(m.assets[0].first.to_utc_string() == "2023-11-08T21:20:00Z");
  CHECK(m.assets[0].last.to_utc_string() == "2024-04-15T11:40:00Z");
  CHECK(m.assets[1].asset_id == "vpn-gw");
  CHECK(ids_of(doc, m.assets[1].event_indices) == std::vector<std::string>{"t1", "t2", "t7", "t9", "t10"});
  CHECK(m.assets[2].asset_id == "srv-jump");
  CHECK(ids_of(doc, m.assets[2].event_indices) == std::vector<std::string>{"t3", "t7", "t10"});
  CHECK(m.assets[3].asset_id == "srv-file");
  CHECK(m.assets[3].last.to_utc_string() == "2024-04-16T18:30:00Z");

  CHECK(ids_of(doc, m.key_moments) == std::vector<std::string>{"t0", "t1", "t5", "t7"});
  // Key moment t1 carries T1190, named as data/attack/enterprise_techniques_v18.1.tsv does;
  // t0 has no technique, so neither member.
  const auto key_moments = pm::to_value(m, doc).as_object().at("key_moments").as_array();
  CHECK(key_moments[1].as_object().at("technique") == "T1190");
  CHECK(key_moments[1].as_object().at("technique_name") == "Exploit Public-Facing Application");
  CHECK_FALSE(key_moments[0].as_object().contains("technique"));

  // Gaps over 24 h (86400 s), all before detection:
  //   t0 -> t1: 2023-11-08 -> 2024-04-08 is 30 + 31 + 31 + 29 (2024 is a leap year) + 31 = 152
  //     days, + 3 days to 04-11 = 155 days, and 21:20 -> 22:14 = 54 min:
  //     155 * 86400 + 54 * 60 = 13392000 + 3240 = 13395240 s;
  //   t2 -> t3: 04-12T01:02 -> 04-13T03:47 = 1 day 2 h 45 min = 86400 + 7200 + 2700 = 96300 s;
  //   t4 -> t5: 04-13T04:10 -> 04-15T09:30 = 2 days 5 h 20 min = 172800 + 18000 + 1200 = 192000 s.
  // The longest step after detection is t9 -> t10, 16 h 30 min.
  CHECK(gaps_of(m, doc) == "t0->t1 13395240 before; t2->t3 96300 before; t4->t5 192000 before");
  const json::value j = pm::to_value(m, doc);
  CHECK(j.at("gaps").at(0) == json::parse(R"({"from_event": "t0", "to_event": "t1", "from": "2023-11-08T21:20:00Z",
      "to": "2024-04-11T22:14:00Z", "seconds": 13395240, "duration": "P155DT54M", "after_detection": false})"));
}

// data-exfiltration-cloud-bucket.json, all derived: started x2 2024-05-03T02:11:09Z, detected x4
// 2024-05-09T14:00:00Z, reported x7 (notification) 2024-05-11T17:00:00Z, contained x5
// 14:35, eradicated x8 2024-05-14T12:00:00Z, recovered x9 2024-05-20T10:00:00Z; no closed_at.
TEST_CASE("data exfiltration sample: metrics, and the gaps after detection are PM305's") {
  const auto doc = sample("data-exfiltration-cloud-bucket.json");
  const auto m = pm::metrics(doc);
  // dwell_time: 05-03T02:11:09 -> 05-09T02:11:09 = 6 days, then to 14:00:00 = 11 h 48 min 51 s;
  // 518400 + 39600 + 2880 + 51 = 560931 s.
  check_metric(m, doc, Metric::dwell_time, 560931, "P6DT11H48M51S", Milestone::started_at, Milestone::detected_at);
  // time_to_report: 05-09T14:00 -> 05-11T17:00 = 2 days 3 h = 172800 + 10800 = 183600 s.
  check_metric(m, doc, Metric::time_to_report, 183600, "P2DT3H", Milestone::detected_at, Milestone::reported_at);
  // time_to_contain: 14:35 - 14:00 = 35 min = 2100 s.
  check_metric(m, doc, Metric::time_to_contain, 2100, "PT35M", Milestone::detected_at, Milestone::contained_at);
  // time_to_eradicate: 05-09T14:00 -> 05-14T12:00 = 4 days 22 h = 345600 + 79200 = 424800 s.
  check_metric(m, doc, Metric::time_to_eradicate, 424800, "P4DT22H", Milestone::detected_at, Milestone::eradicated_at);
  // time_to_recover: 05-09T14:00 -> 05-20T10:00 = 10 days 20 h = 864000 + 72000 = 936000 s.
  check_metric(m, doc, Metric::time_to_recover, 936000, "P10DT20H", Milestone::detected_at, Milestone::recovered_at);
  // total_duration (to recovered): 05-03T02:11:09 -> 05-20T02:11:09 = 17 days, then to 10:00:00
  // = 7 h 48 min 51 s; 1468800 + 25200 + 2880 + 51 = 1496931 s.
  check_metric(m, doc, Metric::total_duration, 1496931, "P17DT7H48M51S", Milestone::started_at, Milestone::recovered_at);

  // Gaps over 24 h, in time order:
  //   x1 2022-09-02T13:10 -> x2 2024-05-03T02:11:09: 2022-09-02 -> 2023-09-02 = 365 days,
  //     -> 2024-05-02 = 30 + 31 + 30 + 31 + 31 + 29 + 31 + 30 = 243 days, +1 = 609 days to
  //     2024-05-03T13:10; back to 02:11:09 is -10 h 58 min 51 s, so 608 days 13 h 1 min 9 s
  //     = 52531200 + 46800 + 60 + 9 = 52578069 s (before detection);
  //   x3 05-03T02:14:51 -> x4 05-09T14:00 = 6 days 11 h 45 min 9 s = 518400 + 39600 + 2700 + 9
  //     = 560709 s (before);
  //   x6 05-10T09:00 -> x7 05-11T17:00 = 1 day 8 h = 115200 s (after);
  //   x7 05-11T17:00 -> x8 05-14T12:00 = 2 days 19 h = 172800 + 68400 = 241200 s (after);
  //   x8 05-14T12:00 -> x9 05-20T10:00 = 5 days 22 h = 432000 + 79200 = 511200 s (after).
  CHECK(gaps_of(m, doc) == "x1->x2 52578069 before; x3->x4 560709 before; "
                           "x6->x7 115200 after; x7->x8 241200 after; x8->x9 511200 after");

  // PM305 reports exactly the gaps after detection, at the later event.
  std::vector<std::string> pm305;
  for (const auto &f : pm::validate(doc))
    if (f.code == "PM305") pm305.push_back(f.path);
  CHECK(pm305 == std::vector<std::string>{"/timeline/6/time", "/timeline/7/time", "/timeline/8/time"});

  CHECK(ids_of(doc, m.key_moments) == std::vector<std::string>{"x1", "x3", "x4"});
  REQUIRE(m.assets.size() == 2);
  CHECK(m.assets[0].asset_id == "key-ci"); // x1 2022-09-02, x5
  CHECK(ids_of(doc, m.assets[0].event_indices) == std::vector<std::string>{"x1", "x5"});
  CHECK(m.assets[1].asset_id == "s3-exports"); // x2, x3, x5
  CHECK(ids_of(doc, m.assets[1].event_indices) == std::vector<std::string>{"x2", "x3", "x5"});
}

TEST_CASE("a metric whose end is unknown is absent, never zero") {
  SUBCASE("nothing known") {
    auto doc = doc_with("", "");
    auto m = pm::metrics(doc);
    for (const auto &v : m.values) CHECK_FALSE(v);
    CHECK(pm::to_json(m, doc) == R"({"milestones":{},"metrics":{},"events":{"count":0,"timed":0},"types":[],)"
                                 R"("assets":[],"key_moments":[],"gaps":[],"gap_threshold_hours":24})");
  }
  SUBCASE("only a detection: no start, nothing after it") {
    auto doc = doc_with("", R"({"id":"d","time":"2024-01-01T10:00:00Z","type":"detection","description":"x"})");
    auto m = pm::metrics(doc);
    for (const auto &v : m.values) CHECK_FALSE(v);
  }
  SUBCASE("started and contained but no detection: every metric needs one of the missing ends") {
    auto doc = doc_with(R"(, "milestones": {"started_at": "2024-01-01T08:00:00Z", "contained_at": "2024-01-01T12:00:00Z"})", "");
    auto m = pm::metrics(doc);
    for (const auto &v : m.values) CHECK_FALSE(v);
  }
  SUBCASE("started and closed only: total_duration alone") {
    // 2024-01-01T08:00 -> 2024-01-03T09:30 = 2 days 1 h 30 min = 172800 + 3600 + 1800 = 178200 s.
    auto doc = doc_with(R"(, "milestones": {"started_at": "2024-01-01T08:00:00Z", "closed_at": "2024-01-03T09:30:00Z"})", "");
    auto m = pm::metrics(doc);
    check_metric(m, doc, Metric::total_duration, 178200, "P2DT1H30M", Milestone::started_at, Milestone::closed_at);
    for (std::size_t i = 0; i < 5; ++i) CHECK_FALSE(m.values[i]);
  }
}

TEST_CASE("closed_at wins over recovered_at for total_duration when both are known") {
  // started 08:00, recovered 10:00 (derived), closed 12:00 (explicit): 4 h = 14400 s to closed_at.
  auto doc = doc_with(R"(, "milestones": {"started_at": "2024-01-01T08:00:00Z", "closed_at": "2024-01-01T12:00:00Z"})",
                      R"({"id":"r","time":"2024-01-01T10:00:00Z","type":"recovery","description":"x"})");
  check_metric(pm::metrics(doc), doc, Metric::total_duration, 14400, "PT4H", Milestone::started_at, Milestone::closed_at);
}

TEST_CASE("a negative duration is reported with its sign") {
  // detected 08:12 before started 08:42: 08:12 - 08:42 = -30 min = -1800 s, "-PT30M".
  auto doc = doc_with(R"(, "milestones": {"started_at": "2024-01-01T08:42:00Z"})",
                      R"({"id":"d","time":"2024-01-01T08:12:00Z","type":"alert","description":"x"})");
  auto m = pm::metrics(doc);
  check_metric(m, doc, Metric::dwell_time, -1800, "-PT30M", Milestone::started_at, Milestone::detected_at);
  // validation flags the order (PM301); the metric does not hide it.
  auto findings = pm::validate(doc);
  CHECK(std::ranges::any_of(findings, [](const pm::Finding &f) { return f.code == "PM301"; }));
}

TEST_CASE("seconds are truncated toward zero") {
  // started 10:00:00.700, detected 10:00:02.200: +1.5 s -> 1; the other way round -1.5 s -> -1.
  auto forward = doc_with(R"(, "milestones": {"started_at": "2024-01-01T10:00:00.700Z", "detected_at": "2024-01-01T10:00:02.2Z"})", "");
  check_metric(pm::metrics(forward), forward, Metric::dwell_time, 1, "PT1S", Milestone::started_at, Milestone::detected_at);
  auto backward = doc_with(R"(, "milestones": {"started_at": "2024-01-01T10:00:02.200Z", "detected_at": "2024-01-01T10:00:00.7Z"})", "");
  check_metric(pm::metrics(backward), backward, Metric::dwell_time, -1, "-PT1S", Milestone::started_at, Milestone::detected_at);
  // The milestone's time keeps its fraction in the JSON.
  CHECK(pm::to_value(pm::metrics(forward), forward).at("milestones").at("detected_at").at("time") == "2024-01-01T10:00:02.200000Z");
}

TEST_CASE("a coarse event precision makes the metric approximate, and says so") {
  // detection known to the day, containment to the hour, start explicit (second).
  // dwell_time: 2024-03-04T00:00 - 2024-03-01T12:00 = 2 days 12 h = 172800 + 43200 = 216000 s.
  // time_to_contain: 2024-03-04T00:00 -> 2024-03-05T15:00 = 1 day 15 h = 86400 + 54000 = 140400 s.
  auto doc = doc_with(R"(, "milestones": {"started_at": "2024-03-01T12:00:00Z"})",
                      R"({"id":"d","time":"2024-03-04T00:00:00Z","precision":"day","type":"detection","description":"x"},
                         {"id":"c","time":"2024-03-05T15:00:00Z","precision":"hour","type":"containment","description":"x"},
                         {"id":"r","time":"2024-03-06T15:00:00Z","precision":"hour","type":"recovery","description":"x"})");
  auto m = pm::metrics(doc);
  check_metric(m, doc, Metric::dwell_time, 216000, "P2DT12H", Milestone::started_at, Milestone::detected_at, pm::Precision::day);
  check_metric(m, doc, Metric::time_to_contain, 140400, "P1DT15H", Milestone::detected_at, Milestone::contained_at, pm::Precision::day);
  // total_duration: started (second) -> recovered (hour): 2024-03-01T12:00 -> 2024-03-06T15:00 =
  // 5 days 3 h = 432000 + 10800 = 442800 s, precision hour (the coarser end).
  check_metric(m, doc, Metric::total_duration, 442800, "P5DT3H", Milestone::started_at, Milestone::recovered_at, pm::Precision::hour);

  const json::value j = pm::to_value(m, doc);
  CHECK(j.at("metrics").at("dwell_time") ==
        json::parse(R"({"seconds": 216000, "duration": "P2DT12H", "from": "started_at", "to": "detected_at",
                        "precision": "day", "approximate": true, "note": "detected_at is known only to the day"})"));
  CHECK(j.at("metrics").at("time_to_contain").at("note") == "detected_at is known only to the day and contained_at only to the hour");
  CHECK(j.at("metrics").at("total_duration").at("note") == "recovered_at is known only to the hour");
  CHECK(j.at("milestones").at("detected_at").at("precision") == "day");
  // time_to_recover: both ends coarse, different precisions: the day wins.
  CHECK(j.at("metrics").at("time_to_recover").at("precision") == "day");

  // An exact metric has neither "approximate" nor "note".
  auto exact = sample("phishing-mfa-fatigue.json");
  const json::value e = pm::to_value(pm::metrics(exact), exact);
  for (const auto &kv : e.at("metrics").as_object()) {
    CHECK_FALSE(kv.value().as_object().contains("approximate"));
    CHECK_FALSE(kv.value().as_object().contains("note"));
  }
}

TEST_CASE("both ends at the same coarse precision") {
  auto doc = doc_with("", R"({"id":"a","time":"2024-03-01T00:00:00Z","precision":"day","type":"attacker_activity","description":"x"},
                             {"id":"d","time":"2024-03-04T00:00:00Z","precision":"day","type":"detection","description":"x"})");
  const json::value j = pm::to_value(pm::metrics(doc), doc);
  // 3 days = 259200 s.
  CHECK(j.at("metrics").at("dwell_time").at("seconds") == 259200);
  CHECK(j.at("metrics").at("dwell_time").at("note") == "started_at and detected_at are known only to the day");
}

TEST_CASE("events without a valid time are left out of everything") {
  // "n1" has no time, "n2" a time without an offset (invalid, kept in extra); both are key
  // moments on asset "a" of type containment, and none of that may show.
  auto doc = doc_with("", R"({"id":"n1","type":"containment","description":"x","asset_ids":["a"],"key":true},
                             {"id":"e1","time":"2024-01-01T10:00:00Z","type":"detection","description":"x"},
                             {"id":"n2","time":"2024-01-05T10:00:00","type":"containment","description":"x","asset_ids":["a"],"key":true},
                             {"id":"e2","time":"2024-01-01T11:00:00Z","type":"analysis","description":"x","asset_ids":["b"]})");
  auto m = pm::metrics(doc, gap_policy(0));
  CHECK(m.events == 4);
  CHECK(m.timed_events == 2);
  CHECK_FALSE(milestone(m, Milestone::contained_at));
  CHECK_FALSE(value(m, Metric::time_to_contain));
  REQUIRE(m.types.size() == 2);
  CHECK(m.types[0].type == pm::EventType::detection);
  CHECK(m.types[1].type == pm::EventType::analysis);
  REQUIRE(m.assets.size() == 1);
  CHECK(m.assets[0].asset_id == "b");
  CHECK(m.key_moments.empty());
  // With max_gap_hours 0, the one step between timed events, e1 -> e2 (1 h = 3600 s), is a gap.
  CHECK(gaps_of(m, doc) == "e1->e2 3600 after");
  CHECK(pm::to_value(m, doc).at("events") == json::parse(R"({"count": 4, "timed": 2})"));
}

TEST_CASE("asset spans: an asset named twice by one event counts that event once; ties by id") {
  auto doc = doc_with("", R"({"id":"e2","time":"2024-01-01T12:00:00Z","type":"other","description":"x","asset_ids":["b","a","b"]},
                             {"id":"e1","time":"2024-01-01T10:00:00Z","type":"other","description":"x","asset_ids":["z"]},
                             {"id":"e3","time":"2024-01-01T10:00:00Z","type":"other","description":"x","asset_ids":["b"]})");
  auto m = pm::metrics(doc);
  // Chronological: e1 10:00 and e3 10:00 (document order on the tie), then e2 12:00.
  // z: e1; b: e3 (10:00), e2 (12:00); a: e2. First sightings 10:00 (z, b: by id b < z), 12:00 (a).
  REQUIRE(m.assets.size() == 3);
  CHECK(m.assets[0].asset_id == "b");
  CHECK(ids_of(doc, m.assets[0].event_indices) == std::vector<std::string>{"e3", "e2"});
  CHECK(m.assets[0].last.to_utc_string() == "2024-01-01T12:00:00Z");
  CHECK(m.assets[1].asset_id == "z");
  CHECK(m.assets[2].asset_id == "a");
  CHECK(pm::to_value(m, doc).at("assets").at(0) ==
        json::parse(R"({"asset_id": "b", "first": "2024-01-01T10:00:00Z", "last": "2024-01-01T12:00:00Z", "events": ["e3", "e2"]})"));
}

TEST_CASE("type spans: on equal times the first and last follow document order") {
  auto doc = doc_with("", R"({"id":"b","time":"2024-01-01T10:00:00Z","type":"analysis","description":"x"},
                             {"id":"a","time":"2024-01-01T10:00:00Z","type":"analysis","description":"y"})");
  auto m = pm::metrics(doc);
  REQUIRE(m.types.size() == 1);
  CHECK(m.types[0].count == 2);
  CHECK(id_of(doc, m.types[0].first_index) == "b");
  CHECK(id_of(doc, m.types[0].last_index) == "a");
}

TEST_CASE("the gap threshold comes from the policy; extreme thresholds are safe") {
  // Two events 2 h (7200 s) apart, after a detection at the first.
  auto doc = doc_with("", R"({"id":"d","time":"2024-01-01T10:00:00Z","type":"detection","description":"x"},
                             {"id":"e","time":"2024-01-01T12:00:00Z","type":"analysis","description":"x"},
                             {"id":"f","time":"2024-01-01T12:00:00Z","type":"analysis","description":"y"})");
  CHECK(pm::metrics(doc, gap_policy(2)).gaps.empty()); // exactly 2 h is not longer than 2 h
  CHECK(gaps_of(pm::metrics(doc, gap_policy(1.99)), doc) == "d->e 7200 after");
  // 0: every step with time passing, but not e -> f (same time).
  CHECK(gaps_of(pm::metrics(doc, gap_policy(0)), doc) == "d->e 7200 after");
  CHECK(pm::metrics(doc, gap_policy(1e300)).gaps.empty());
  CHECK(pm::metrics(doc, gap_policy(std::numeric_limits<double>::infinity())).gaps.empty());
  // PM305 measures with the same saturating threshold (a huge one used to overflow).
  for (double hours : {1e300, std::numeric_limits<double>::infinity()})
    for (const auto &f : pm::validate(doc, gap_policy(hours))) CHECK(f.code != "PM305");
  CHECK(std::ranges::count_if(pm::validate(doc, gap_policy(1)), [](const pm::Finding &f) { return f.code == "PM305"; }) == 1);
  // The threshold is echoed: a whole number as an integer, else as written.
  CHECK(pm::to_value(pm::metrics(doc, gap_policy(2)), doc).at("gap_threshold_hours").is_int64());
  CHECK(pm::to_value(pm::metrics(doc, gap_policy(1.5)), doc).at("gap_threshold_hours") == 1.5);
  // The policy's JSON form is read too.
  CHECK(pm::metrics(doc, pm::Policy::parse(R"({"thresholds": {"max_gap_hours": 1}})")).gaps.size() == 1);
}

TEST_CASE("gaps without a detection are all before detection") {
  auto doc = doc_with("", R"({"id":"a","time":"2024-01-01T10:00:00Z","type":"attacker_activity","description":"x"},
                             {"id":"b","time":"2024-01-03T10:00:00Z","type":"attacker_activity","description":"x"})");
  // 2 days = 172800 s.
  CHECK(gaps_of(pm::metrics(doc), doc) == "a->b 172800 before");
}

TEST_CASE("the JSON: every member, keys of missing values absent, never null") {
  // One attacker event with no id (so no event_id anywhere it would appear), a detection one
  // day later with a description, and a key moment without description.
  auto doc = doc_with("", R"({"time":"2024-01-01T10:00:00+02:00","type":"attacker_activity","description":"in","asset_ids":["h1"]},
                             {"id":"d","time":"2024-01-02T09:00:00Z","type":"detection","description":"SIEM \"alert\"","key":true})");
  auto m = pm::metrics(doc);
  // dwell_time: 2024-01-01T10:00+02:00 = 08:00Z; to 2024-01-02T09:00Z = 1 day 1 h = 90000 s.
  // The gap is the same step, 90000 s > 86400 s, starting before detection.
  const std::string expected = R"({
  "milestones": {
    "started_at": {
      "time": "2024-01-01T08:00:00Z",
      "source": "derived",
      "precision": "second"
    },
    "detected_at": {
      "time": "2024-01-02T09:00:00Z",
      "source": "derived",
      "event_id": "d",
      "precision": "second"
    }
  },
  "metrics": {
    "dwell_time": {
      "seconds": 90000,
      "duration": "P1DT1H",
      "from": "started_at",
      "to": "detected_at",
      "precision": "second"
    }
  },
  "events": {
    "count": 2,
    "timed": 2
  },
  "types": [
    {
      "type": "attacker_activity",
      "count": 1,
      "first": "2024-01-01T08:00:00Z",
      "last": "2024-01-01T08:00:00Z"
    },
    {
      "type": "detection",
      "count": 1,
      "first": "2024-01-02T09:00:00Z",
      "last": "2024-01-02T09:00:00Z",
      "first_event": "d",
      "last_event": "d"
    }
  ],
  "assets": [
    {
      "asset_id": "h1",
      "first": "2024-01-01T08:00:00Z",
      "last": "2024-01-01T08:00:00Z",
      "events": []
    }
  ],
  "key_moments": [
    {
      "event_id": "d",
      "time": "2024-01-02T09:00:00Z",
      "type": "detection",
      "description": "SIEM \"alert\""
    }
  ],
  "gaps": [
    {
      "to_event": "d",
      "from": "2024-01-01T08:00:00Z",
      "to": "2024-01-02T09:00:00Z",
      "seconds": 90000,
      "duration": "P1DT1H",
      "after_detection": false
    }
  ],
  "gap_threshold_hours": 24
}
)";
  CHECK(pm::to_json(m, doc, pm::WriteOptions{.pretty = true}) == expected);
  CHECK(pm::to_json(m, doc).find("null") == std::string::npos);
  CHECK(json::parse(pm::to_json(m, doc)) == pm::to_value(m, doc));
}

TEST_CASE("metrics are deterministic and do not depend on as_of") {
  const auto doc = sample("network-breach-vpn-appliance.json");
  pm::Policy later;
  later.as_of = pm::Timestamp::parse("2030-01-01T00:00:00Z");
  CHECK(pm::to_json(pm::metrics(doc), doc) == pm::to_json(pm::metrics(doc), doc));
  CHECK(pm::to_json(pm::metrics(doc, later), doc) == pm::to_json(pm::metrics(doc), doc));
}
