// postmortem/plan.hpp: the prioritized remediation plan.
//
// Most tests give plan_with() hand-made priorities, so the expected order is worked out here
// from the rule alone (plan.hpp): an action after its unfinished dependencies; among the
// ready ones, open before finished, then the higher score, then the smaller id. Dates are
// days counted on the calendar in the comments.
#include <postmortem/plan.hpp> // first: the header must be self-contained

#include "support.hpp"

#include <postmortem/score.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace json = boost::json;
namespace pm = postmortem;
using pm::PriorityTier;

namespace {

pm::Policy as_of(const char *timestamp) { return pm_test::policy_as_of(timestamp); }

pm::Document doc_with_actions(const std::string &actions) {
  return pm::parse(pm_test::minimal_doc("", R"(, "actions": [)" + actions + "]"));
}

// Priorities by id: {"A", 50} gives action "A" score 50; the tier follows the score
// (>= 75 P1, >= 50 P2, >= 25 P3, else P4) unless given.
struct Given {
  std::string id;
  double score;
  std::optional<PriorityTier> tier = std::nullopt;
};

std::vector<pm::ActionPriority> priorities(const pm::Document &doc, const std::vector<Given> &given) {
  std::vector<pm::ActionPriority> out;
  for (const auto &g : given) {
    auto it = std::ranges::find_if(doc.actions, [&](const pm::Action &a) { return a.id == g.id; });
    REQUIRE_MESSAGE(it != doc.actions.end(), "no action " << g.id);
    pm::ActionPriority p;
    p.action_index = static_cast<std::size_t>(it - doc.actions.begin());
    p.score = g.score;
    p.tier = g.tier ? *g.tier
             : g.score >= 75 ? PriorityTier::P1
             : g.score >= 50 ? PriorityTier::P2
             : g.score >= 25 ? PriorityTier::P3
                             : PriorityTier::P4;
    out.push_back(p);
  }
  return out;
}

std::string id_of(const pm::Document &doc, std::size_t i) { return doc.actions.at(i).id.value_or("?"); }

std::vector<std::string> ids(const pm::Document &doc, const std::vector<std::size_t> &indices) {
  std::vector<std::string> out;
  for (std::size_t i : indices) out.push_back(id_of(doc, i));
  return out;
}

std::vector<std::string> order(const pm::Plan &plan, const pm::Document &doc) {
  std::vector<std::string> out;
  for (const auto &item : plan.items) out.push_back(id_of(doc, item.action_index));
  return out;
}

const pm::PlanItem &item(const pm::Plan &plan, const pm::Document &doc, const std::string &id) {
  auto it = std::ranges::find_if(plan.items, [&](const pm::PlanItem &i) { return id_of(doc, i.action_index) == id; });
  REQUIRE_MESSAGE(it != plan.items.end(), "no item " << id);
  return *it;
}

std::string date(const std::optional<pm::Day> &d) { return d ? d->to_string() : "(none)"; }

// Hand-made priorities for the samples: 10 × impact + (5 − effort), so impact first, then the
// cheaper action; tier P1 for impact 5, P2 for 4, P3 for 3, else P4.
std::vector<pm::ActionPriority> by_impact(const pm::Document &doc) {
  std::vector<pm::ActionPriority> out;
  for (std::size_t i = 0; i < doc.actions.size(); ++i) {
    const auto impact = doc.actions[i].impact.value_or(1), effort = doc.actions[i].effort.value_or(3);
    pm::ActionPriority p;
    p.action_index = i;
    p.score = static_cast<double>(10 * impact + (5 - effort));
    p.tier = impact >= 5 ? PriorityTier::P1 : impact == 4 ? PriorityTier::P2 : impact == 3 ? PriorityTier::P3 : PriorityTier::P4;
    out.push_back(p);
  }
  return out;
}

pm::Document sample(const char *name) { return pm::load(pm_test::sample(name).string()); }

template <class F> std::string policy_error(F fn) {
  try {
    fn();
  } catch (const pm::error &e) {
    CHECK(e.code() == pm::errc::policy);
    return e.what();
  }
  FAIL("no postmortem::error was thrown");
  return {};
}

} // namespace

// --- Order ----------------------------------------------------------------------------------

TEST_CASE("the ready action with the highest score comes first, ties broken by id") {
  // Ready at first: A (50), B (50), D (10); C (80) waits for A. A and B tie: "A" < "B".
  // After A, C is ready and outranks B. Then B, then D.
  auto doc = doc_with_actions(R"({"id": "D", "title": "t"}, {"id": "C", "title": "t", "depends_on": ["A"]},
                                 {"id": "B", "title": "t"}, {"id": "A", "title": "t"})");
  auto plan = pm::plan_with(doc, priorities(doc, {{"A", 50}, {"B", 50}, {"C", 80}, {"D", 10}}), as_of("2024-06-01T00:00:00Z"));
  CHECK(order(plan, doc) == std::vector<std::string>{"A", "C", "B", "D"});
  for (std::size_t p = 0; p < plan.items.size(); ++p) CHECK(plan.items[p].position == p + 1);
  CHECK(item(plan, doc, "C").blocked_by == std::vector<std::size_t>{3}); // A, unfinished
  CHECK(item(plan, doc, "C").score == 80);
  CHECK(item(plan, doc, "C").tier == PriorityTier::P1);
  CHECK(plan.cycles.empty());
  CHECK(plan.blocked == 1);
}

TEST_CASE("a high-priority action waits for its low-priority dependency") {
  // Z (90) depends on Y (5), which depends on X (1): the chain comes out whole, before M (50)?
  // No: only X is ready at first besides M; M (50) beats X (1). Then X, Y, Z.
  auto doc = doc_with_actions(R"({"id": "Z", "title": "t", "depends_on": ["Y"]}, {"id": "Y", "title": "t", "depends_on": ["X"]},
                                 {"id": "X", "title": "t"}, {"id": "M", "title": "t"})");
  auto plan = pm::plan_with(doc, priorities(doc, {{"Z", 90}, {"Y", 5}, {"X", 1}, {"M", 50}}), as_of("2024-06-01T00:00:00Z"));
  CHECK(order(plan, doc) == std::vector<std::string>{"M", "X", "Y", "Z"});
}

TEST_CASE("without priorities every action scores 0 and the order is by id") {
  auto doc = doc_with_actions(R"({"id": "b", "title": "t"}, {"id": "a", "title": "t"}, {"id": "B", "title": "t"})");
  auto plan = pm::plan_with(doc, {}, as_of("2024-06-01T00:00:00Z"));
  CHECK(order(plan, doc) == std::vector<std::string>{"B", "a", "b"}); // byte order: upper case first
  CHECK(plan.items[0].tier == PriorityTier::P4);
}

TEST_CASE("open actions come first, then finished ones; a finished dependency is satisfied") {
  // A is done (score 90), B depends on A and is ready at once; C is verified. Open: B, D.
  auto doc = doc_with_actions(R"({"id": "A", "title": "t", "status": "done"},
                                 {"id": "B", "title": "t", "depends_on": ["A"]},
                                 {"id": "C", "title": "t", "status": "verified"},
                                 {"id": "D", "title": "t", "status": "in_progress"})");
  auto plan = pm::plan_with(doc, priorities(doc, {{"A", 90}, {"B", 20}, {"C", 95}, {"D", 10}}), as_of("2024-06-01T00:00:00Z"));
  CHECK(order(plan, doc) == std::vector<std::string>{"B", "D", "C", "A"});
  CHECK(item(plan, doc, "B").blocked_by.empty());
  CHECK(plan.open == 2);
  CHECK(plan.finished == 2);
  CHECK_FALSE(item(plan, doc, "A").suggested_due);
}

TEST_CASE("rejected actions are left out of the plan and listed; depending on one is reported, not waited for") {
  auto doc = doc_with_actions(R"({"id": "R", "title": "t", "status": "rejected"},
                                 {"id": "B", "title": "t", "depends_on": ["R"]}, {"id": "C", "title": "t"})");
  auto plan = pm::plan_with(doc, priorities(doc, {{"R", 99}, {"B", 40}, {"C", 30}}), as_of("2024-06-01T00:00:00Z"));
  CHECK(order(plan, doc) == std::vector<std::string>{"B", "C"});
  CHECK(ids(doc, plan.rejected) == std::vector<std::string>{"R"});
  CHECK(ids(doc, item(plan, doc, "B").blocked_by) == std::vector<std::string>{"R"});
  CHECK(plan.blocked == 1);
}

TEST_CASE("dependencies on unknown ids are ignored for the order and reported; so is a self-dependency") {
  auto doc = doc_with_actions(R"({"id": "A", "title": "t", "depends_on": ["nope", "A", "B"]}, {"id": "B", "title": "t"})");
  auto plan = pm::plan_with(doc, priorities(doc, {{"A", 90}, {"B", 10}}), as_of("2024-06-01T00:00:00Z"));
  CHECK(order(plan, doc) == std::vector<std::string>{"B", "A"});
  REQUIRE(plan.unknown_dependencies.size() == 1);
  CHECK(plan.unknown_dependencies[0].action_index == 0);
  CHECK(plan.unknown_dependencies[0].entry == 0);
  CHECK(plan.unknown_dependencies[0].id == "nope");
  CHECK(ids(doc, plan.self_dependencies) == std::vector<std::string>{"A"});
  CHECK(plan.cycles.empty());
  const json::value v = pm::to_value(plan, doc);
  CHECK(v.at("unknown_dependencies") ==
        json::parse(R"([{"action": "A", "depends_on": "nope", "path": "/actions/0/depends_on/0"}])"));
  CHECK(v.at("self_dependencies") == json::parse(R"(["A"])"));
}

TEST_CASE("a cycle is reported with its members and placed after the acyclic actions, with its dependants") {
  // X <-> Y is a cycle; Z depends on X; W and V are free. W, V first (by score), then the
  // cycle by score with its inner edges dropped (Y 70 before X 60), then Z.
  auto doc = doc_with_actions(R"({"id": "X", "title": "t", "depends_on": ["Y"]}, {"id": "Y", "title": "t", "depends_on": ["X"]},
                                 {"id": "Z", "title": "t", "depends_on": ["X"]}, {"id": "W", "title": "t"},
                                 {"id": "V", "title": "t"})");
  auto plan = pm::plan_with(doc, priorities(doc, {{"X", 60}, {"Y", 70}, {"Z", 99}, {"W", 5}, {"V", 6}}), as_of("2024-06-01T00:00:00Z"));
  CHECK(order(plan, doc) == std::vector<std::string>{"V", "W", "Y", "X", "Z"});
  REQUIRE(plan.cycles.size() == 1);
  CHECK(ids(doc, plan.cycles[0]) == std::vector<std::string>{"X", "Y"});
  CHECK(item(plan, doc, "X").in_cycle);
  CHECK(item(plan, doc, "Y").in_cycle);
  CHECK_FALSE(item(plan, doc, "Z").in_cycle);
  CHECK(item(plan, doc, "Z").after_cycle);
  CHECK(item(plan, doc, "X").after_cycle);
  CHECK_FALSE(item(plan, doc, "W").after_cycle);
  CHECK(ids(doc, item(plan, doc, "X").blocked_by) == std::vector<std::string>{"Y"});
  CHECK(pm::to_value(plan, doc).at("cycles") == json::parse(R"([["X", "Y"]])"));
  // The critical path leaves out the edges inside a cycle (Y -> X): X (3) -> Z (3) = 6.
  CHECK(ids(doc, plan.critical_path) == std::vector<std::string>{"X", "Z"});
  CHECK(plan.critical_path_effort == 6);
}

TEST_CASE("two cycles, one feeding the other, keep the order between them") {
  // {A, B} and {C, D} are cycles; C depends on A. So A and B come before C and D: a cycle
  // waits, as a whole, for what any of its members depends on outside it (D too, though D
  // itself depends only on C).
  auto doc = doc_with_actions(R"({"id": "C", "title": "t", "depends_on": ["D", "A"]}, {"id": "D", "title": "t", "depends_on": ["C"]},
                                 {"id": "A", "title": "t", "depends_on": ["B"]}, {"id": "B", "title": "t", "depends_on": ["A"]})");
  auto plan = pm::plan_with(doc, priorities(doc, {{"C", 90}, {"D", 80}, {"A", 10}, {"B", 20}}), as_of("2024-06-01T00:00:00Z"));
  CHECK(order(plan, doc) == std::vector<std::string>{"B", "A", "C", "D"});
  REQUIRE(plan.cycles.size() == 2);
  CHECK(ids(doc, plan.cycles[0]) == std::vector<std::string>{"C", "D"}); // ordered by first member (index 0)
  CHECK(ids(doc, plan.cycles[1]) == std::vector<std::string>{"A", "B"});
}

TEST_CASE("a cycle whose member is done is reported but no longer holds anything up") {
  auto doc = doc_with_actions(R"({"id": "A", "title": "t", "depends_on": ["B"]}, {"id": "B", "title": "t", "depends_on": ["A"], "status": "done"},
                                 {"id": "C", "title": "t"})");
  auto plan = pm::plan_with(doc, priorities(doc, {{"A", 50}, {"B", 50}, {"C", 10}}), as_of("2024-06-01T00:00:00Z"));
  CHECK(order(plan, doc) == std::vector<std::string>{"A", "C", "B"});
  CHECK(plan.cycles.size() == 1);
  CHECK(item(plan, doc, "A").in_cycle);
  CHECK_FALSE(item(plan, doc, "A").after_cycle);
}

TEST_CASE("plan_with rejects a priority for an action the document does not have") {
  auto doc = doc_with_actions(R"({"id": "A", "title": "t"})");
  pm::ActionPriority p;
  p.action_index = 1;
  CHECK_THROWS_WITH_AS(pm::plan_with(doc, std::vector{p}), "plan_with: a priority names action 1, but the document has 1 actions",
                       pm::error);
}

// --- Dates ----------------------------------------------------------------------------------

TEST_CASE("suggested due dates are as_of plus the SLA days of the tier") {
  // as_of 2024-01-30T23:00:00-05:00 is 2024-01-31T04:00:00Z: the day is 2024-01-31 (UTC).
  // P1 +7 = 2024-02-07. P2 +30: January 31 + 29 (to February 29, a leap year) + 1 = 2024-03-01.
  // P3 +90: 02-29 (29), 03-31 (60), 04-30 (90) = 2024-04-30. P4 +180: 04-30 (90), 05-31 (121),
  // 06-30 (151), + 29 = 2024-07-29.
  auto doc = doc_with_actions(R"({"id": "a", "title": "t"}, {"id": "b", "title": "t"}, {"id": "c", "title": "t"},
                                 {"id": "d", "title": "t"})");
  auto given = priorities(doc, {{"a", 90}, {"b", 60}, {"c", 30}, {"d", 10}});
  auto plan = pm::plan_with(doc, given, as_of("2024-01-30T23:00:00-05:00"));
  CHECK(plan.as_of_day == pm::days_from_civil(2024, 1, 31));
  CHECK(date(item(plan, doc, "a").suggested_due) == "2024-02-07");
  CHECK(date(item(plan, doc, "b").suggested_due) == "2024-03-01");
  CHECK(date(item(plan, doc, "c").suggested_due) == "2024-04-30");
  CHECK(date(item(plan, doc, "d").suggested_due) == "2024-07-29");
  CHECK(date(item(plan, doc, "d").sla_due) == "2024-07-29");
  CHECK(plan.open_by_tier == std::array<std::size_t, 4>{1, 1, 1, 1});

  // The policy's SLA: P1 1 day, P4 2 days.
  auto policy = as_of("2024-01-30T23:00:00-05:00");
  policy.plan.sla_days[0] = 1;
  policy.plan.sla_days[3] = 2;
  plan = pm::plan_with(doc, given, policy);
  CHECK(date(item(plan, doc, "a").suggested_due) == "2024-02-01");
  CHECK(date(item(plan, doc, "d").suggested_due) == "2024-02-02");
  CHECK(date(item(plan, doc, "b").suggested_due) == "2024-03-01");
}

TEST_CASE("an action's own due date is kept, and the plan says when it is later than the SLA") {
  // as_of 2024-06-01; P2: +30 days = 2024-07-01.
  auto doc = doc_with_actions(R"({"id": "late", "title": "t", "due": "2024-07-02"}, {"id": "on", "title": "t", "due": "2024-07-01"},
                                 {"id": "none", "title": "t"})");
  auto plan = pm::plan_with(doc, priorities(doc, {{"late", 60}, {"on", 60}, {"none", 60}}), as_of("2024-06-01T00:00:00Z"));
  CHECK(date(item(plan, doc, "late").suggested_due) == "2024-07-02");
  CHECK(date(item(plan, doc, "late").sla_due) == "2024-07-01");
  CHECK(item(plan, doc, "late").due_after_sla);
  CHECK_FALSE(item(plan, doc, "on").due_after_sla);
  CHECK(date(item(plan, doc, "none").suggested_due) == "2024-07-01");
  CHECK_FALSE(item(plan, doc, "none").due_after_sla);
  const json::value v = pm::to_value(plan, doc);
  // All score 60, so by id: late, none, on.
  CHECK(v.at("items").at(0).at("due_after_sla") == true);
  CHECK(v.at("items").at(1).at("id") == "none");
  CHECK(v.at("items").at(1).as_object().if_contains("due_after_sla") == nullptr); // no due of its own
}

TEST_CASE("open actions due before the day of as_of are overdue; finished ones never") {
  // as_of 2024-06-01T12:00Z: the day is 06-01. Due 05-31: 1 day overdue; due 06-01: not yet.
  auto doc = doc_with_actions(R"({"id": "a", "title": "t", "due": "2024-05-31"}, {"id": "b", "title": "t", "due": "2024-06-01"},
                                 {"id": "c", "title": "t", "due": "2024-01-01", "status": "done"},
                                 {"id": "d", "title": "t", "due": "2024-03-02", "status": "in_progress"})");
  auto plan = pm::plan_with(doc, {}, as_of("2024-06-01T12:00:00Z"));
  CHECK(item(plan, doc, "a").overdue);
  CHECK(item(plan, doc, "a").days_overdue == 1);
  CHECK_FALSE(item(plan, doc, "b").overdue);
  CHECK_FALSE(item(plan, doc, "c").overdue);
  // 2024-03-02 -> 06-01: 29 (to 03-31) + 30 + 31 + 1 = 91 days
  CHECK(item(plan, doc, "d").days_overdue == 91);
  CHECK(plan.overdue == 2);
  CHECK(pm::to_value(plan, doc).at("overdue") == json::parse(R"(["a", "d"])"));
}

TEST_CASE("finished actions without an effective, recent verification are called out") {
  // as_of 2024-06-01, verify_within_days 90 (the default): 2024-03-03 is exactly 90 days
  // before (28 + 30 + 31 + 1), so still recent; 2024-03-02 is 91 days: stale.
  auto doc = doc_with_actions(R"(
    {"id": "none", "title": "t", "status": "done"},
    {"id": "bad", "title": "t", "status": "done", "verification": [{"date": "2024-05-01", "result": "effective"},
                                                                   {"date": "2024-05-10", "result": "ineffective"}]},
    {"id": "partial", "title": "t", "status": "verified", "verification": [{"date": "2024-05-10", "result": "partially_effective"}]},
    {"id": "fresh", "title": "t", "status": "verified", "verification": [{"date": "2024-03-03", "result": "effective"}]},
    {"id": "old", "title": "t", "status": "verified", "verification": [{"date": "2024-03-02", "result": "effective"}]},
    {"id": "open", "title": "t", "status": "planned"})");
  auto plan = pm::plan_with(doc, {}, as_of("2024-06-01T00:00:00Z"));
  CHECK(item(plan, doc, "none").unverified == pm::Unverified::missing);
  CHECK(item(plan, doc, "bad").unverified == pm::Unverified::not_effective);
  CHECK(item(plan, doc, "partial").unverified == pm::Unverified::not_effective);
  CHECK_FALSE(item(plan, doc, "fresh").unverified);
  CHECK(item(plan, doc, "old").unverified == pm::Unverified::stale);
  CHECK_FALSE(item(plan, doc, "open").unverified);
  CHECK(plan.unverified == 4);
  CHECK(pm::to_value(plan, doc).at("unverified") == json::parse(R"(["bad", "none", "old", "partial"])"));

  auto policy = as_of("2024-06-01T00:00:00Z");
  policy.thresholds.verify_within_days = 91;
  CHECK_FALSE(item(pm::plan_with(doc, {}, policy), doc, "old").unverified);
}

// --- Critical path ----------------------------------------------------------------------------

TEST_CASE("the critical path is the chain of open actions with the most effort") {
  // A alone: 5. B -> C -> D (each effort 1): 3. E -> F without effort: 3 + 3 = 6. G (done,
  // effort 5) is finished work and H depending on it starts a chain of its own: 2.
  auto doc = doc_with_actions(R"({"id": "A", "title": "t", "effort": 5},
                                 {"id": "B", "title": "t", "effort": 1}, {"id": "C", "title": "t", "effort": 1, "depends_on": ["B"]},
                                 {"id": "D", "title": "t", "effort": 1, "depends_on": ["C"]},
                                 {"id": "E", "title": "t"}, {"id": "F", "title": "t", "depends_on": ["E"]},
                                 {"id": "G", "title": "t", "effort": 5, "status": "done"},
                                 {"id": "H", "title": "t", "effort": 2, "depends_on": ["G"]})");
  auto plan = pm::plan_with(doc, {}, as_of("2024-06-01T00:00:00Z"));
  CHECK(ids(doc, plan.critical_path) == std::vector<std::string>{"E", "F"});
  CHECK(plan.critical_path_effort == 6);
  CHECK(item(plan, doc, "E").on_critical_path);
  CHECK_FALSE(item(plan, doc, "A").on_critical_path);
  CHECK(pm::to_value(plan, doc).at("critical_path") == json::parse(R"({"actions": ["E", "F"], "effort": 6, "weight": "effort"})"));

  // Make B -> C -> D heavier: 3 × 3 = 9 beats E -> F.
  doc.actions[1].effort = doc.actions[2].effort = doc.actions[3].effort = 3;
  plan = pm::plan_with(doc, {}, as_of("2024-06-01T00:00:00Z"));
  CHECK(ids(doc, plan.critical_path) == std::vector<std::string>{"B", "C", "D"});
  CHECK(plan.critical_path_effort == 9);
}

TEST_CASE("the critical path of a diamond takes the heavier branch; of nothing open, nothing") {
  // S -> {L (1), R (4)} -> T: S, R, T with 1 + 4 + 1 = 6.
  auto doc = doc_with_actions(R"({"id": "S", "title": "t", "effort": 1}, {"id": "L", "title": "t", "effort": 1, "depends_on": ["S"]},
                                 {"id": "R", "title": "t", "effort": 4, "depends_on": ["S"]},
                                 {"id": "T", "title": "t", "effort": 1, "depends_on": ["L", "R"]})");
  auto plan = pm::plan_with(doc, priorities(doc, {{"L", 90}}), as_of("2024-06-01T00:00:00Z"));
  CHECK(ids(doc, plan.critical_path) == std::vector<std::string>{"S", "R", "T"});
  CHECK(plan.critical_path_effort == 6);

  auto done = doc_with_actions(R"({"id": "S", "title": "t", "status": "done"})");
  CHECK(pm::plan_with(done, {}, as_of("2024-06-01T00:00:00Z")).critical_path.empty());
}

// --- Samples -----------------------------------------------------------------------------------
// by_impact(): score 10 × impact + (5 − effort); tier from impact (5 P1, 4 P2, 3 P3).

TEST_CASE("sample: data exfiltration from a cloud bucket") {
  // r1 done (i5 e4: 51), r2 done (i4 e1: 44), r3 in_progress (i4 e3: 42, P2, due 07-31),
  // r4 planned (i3 e2: 33, P3, due 06-15, depends on r3).
  // Open first: r3, then r4 (waits for r3); then finished by score: r1, r2.
  // as_of 2024-06-01: P2 SLA 06-01 + 30 = 07-01, so r3's 07-31 is later than the SLA;
  // P3 SLA + 90 = 08-30 (30 to 07-01, 31 to 08-01, 29 more), r4's 06-15 is within it.
  // Critical path r3 (3) -> r4 (2) = 5. r1 and r2 are done with no verification.
  auto doc = sample("data-exfiltration-cloud-bucket.json");
  auto plan = pm::plan_with(doc, by_impact(doc), as_of("2024-06-01T00:00:00Z"));
  CHECK(order(plan, doc) == std::vector<std::string>{"r3", "r4", "r1", "r2"});
  CHECK(item(plan, doc, "r3").due_after_sla);
  CHECK(date(item(plan, doc, "r3").sla_due) == "2024-07-01");
  CHECK(date(item(plan, doc, "r3").suggested_due) == "2024-07-31");
  CHECK(date(item(plan, doc, "r4").sla_due) == "2024-08-30");
  CHECK_FALSE(item(plan, doc, "r4").due_after_sla);
  CHECK(ids(doc, item(plan, doc, "r4").blocked_by) == std::vector<std::string>{"r3"});
  CHECK(ids(doc, plan.critical_path) == std::vector<std::string>{"r3", "r4"});
  CHECK(plan.critical_path_effort == 5);
  CHECK(item(plan, doc, "r1").unverified == pm::Unverified::missing);
  CHECK(item(plan, doc, "r2").unverified == pm::Unverified::missing);
  CHECK(plan.overdue == 0);
  CHECK(plan.cycles.empty());
}

TEST_CASE("sample: network breach through a VPN appliance") {
  // A1 done (52), A2 in_progress (i4 e3: 42, depends on A1, done: ready), A3 verified (53;
  // verification 2024-08-30, after as_of: recent), A4 planned (42, due 06-15), A5 planned
  // (i3 e4: 31), A6 proposed (31, depends on A4, due 09-30).
  // Ready: A2, A4 (42, "A2" < "A4"), A5 (31); then A6 once A4 is placed ("A5" < "A6").
  // as_of 2024-06-20: A4 is 5 days overdue. P3 SLA 06-20 + 90 = 09-18 (10 to 06-30, 31, 31,
  // 18), so A6's 09-30 is later than the SLA.
  // Critical path: A4 (3) -> A6 (4) = 7 beats A2 (3) and A5 (4).
  auto doc = sample("network-breach-vpn-appliance.json");
  auto plan = pm::plan_with(doc, by_impact(doc), as_of("2024-06-20T09:00:00Z"));
  CHECK(order(plan, doc) == std::vector<std::string>{"A2", "A4", "A5", "A6", "A3", "A1"});
  CHECK(item(plan, doc, "A2").blocked_by.empty());
  CHECK(ids(doc, item(plan, doc, "A6").blocked_by) == std::vector<std::string>{"A4"});
  CHECK(item(plan, doc, "A4").overdue);
  CHECK(item(plan, doc, "A4").days_overdue == 5);
  CHECK(item(plan, doc, "A6").due_after_sla);
  CHECK(date(item(plan, doc, "A6").sla_due) == "2024-09-18");
  CHECK(ids(doc, plan.critical_path) == std::vector<std::string>{"A4", "A6"});
  CHECK(plan.critical_path_effort == 7);
  CHECK(item(plan, doc, "A1").unverified == pm::Unverified::missing);
  CHECK_FALSE(item(plan, doc, "A3").unverified);
  CHECK(plan.unverified == 1);
}

TEST_CASE("sample: phishing with MFA fatigue") {
  // act1 verified (53; effective 2024-03-15), act2 done (44), act3 in_progress (i4 e2: 43,
  // due 02-29), act4 planned (i2 e2: 23, depends on act1, verified: ready, due 03-31),
  // act5 done (33). Open: act3, act4; finished: act1, act2, act5.
  // as_of 2024-06-01: act3 is 93 days overdue (03-01 +1, 04-01 +32, 05-01 +62, 06-01 +93),
  // act4 62 (04-01 +1, 05-01 +31, 06-01 +62). act1's verification is 78 days old (16 + 1 +
  // 30 + 31): within 90, stale under 60.
  // Critical path: act3 and act4 both weigh 2; the first in plan order wins: act3.
  auto doc = sample("phishing-mfa-fatigue.json");
  auto policy = as_of("2024-06-01T00:00:00Z");
  auto plan = pm::plan_with(doc, by_impact(doc), policy);
  CHECK(order(plan, doc) == std::vector<std::string>{"act3", "act4", "act1", "act2", "act5"});
  CHECK(item(plan, doc, "act3").days_overdue == 93);
  CHECK(item(plan, doc, "act4").days_overdue == 62);
  CHECK(item(plan, doc, "act3").tier == PriorityTier::P2);
  CHECK(item(plan, doc, "act4").tier == PriorityTier::P4);
  CHECK(ids(doc, plan.critical_path) == std::vector<std::string>{"act3"});
  CHECK_FALSE(item(plan, doc, "act1").unverified);
  CHECK(plan.unverified == 2); // act2, act5
  policy.thresholds.verify_within_days = 60;
  CHECK(item(pm::plan_with(doc, by_impact(doc), policy), doc, "act1").unverified == pm::Unverified::stale);
}

TEST_CASE("plan() is plan_with() on the scoring's priorities") {
  for (const char *name : pm_test::sample_names) {
    INFO(name);
    auto doc = sample(name);
    auto policy = as_of("2024-06-01T00:00:00Z");
    auto a = pm::plan(doc, policy);
    auto b = pm::plan_with(doc, pm::action_priorities(doc, policy), policy);
    CHECK(pm::to_json(a, doc) == pm::to_json(b, doc));
    CHECK(a.items.size() == doc.actions.size());
    const auto priorities = pm::action_priorities(doc, policy);
    for (const auto &item : a.items) CHECK(item.score == priorities[item.action_index].score);
  }
}

TEST_CASE("the JSON form has the documented members") {
  auto doc = sample("network-breach-vpn-appliance.json");
  const json::value v = pm::to_value(pm::plan_with(doc, by_impact(doc), as_of("2024-06-20T09:00:00Z")), doc);
  std::vector<std::string> keys;
  for (const auto &kv : v.as_object()) keys.emplace_back(kv.key());
  CHECK(keys == std::vector<std::string>{"as_of", "sla_days", "items", "cycles", "critical_path", "overdue", "unverified",
                                         "unknown_dependencies", "self_dependencies", "rejected", "counts"});
  CHECK(v.at("as_of") == "2024-06-20");
  CHECK(v.at("sla_days") == json::parse(R"({"P1": 7, "P2": 30, "P3": 90, "P4": 180})"));
  CHECK(v.at("items").at(1) == json::parse(R"({"position": 2, "id": "A4", "index": 3,
      "title": "Forward appliance logs to SIEM and alert on new files and outbound connections", "status": "planned",
      "score": 42.0, "tier": "P2", "owner": "SOC engineering", "due": "2024-06-15", "suggested_due": "2024-06-15",
      "sla_due": "2024-07-20", "due_after_sla": false, "overdue": true, "days_overdue": 5, "blocked_by": [],
      "in_cycle": false, "after_cycle": false, "on_critical_path": true})"));
  CHECK(v.at("counts") == json::parse(R"({"actions": 6, "open": 4, "finished": 2, "rejected": 0, "overdue": 1,
      "unverified": 1, "blocked": 1, "in_cycles": 0, "open_by_tier": {"P1": 0, "P2": 2, "P3": 2, "P4": 0}})"));
}

// --- Properties on random graphs --------------------------------------------------------------

namespace {

// n open actions with ids in shuffled order, each depending on 0–3 random earlier ones (so
// the graph is acyclic), scores 0–19 (many ties).
struct RandomCase {
  pm::Document doc;
  std::vector<pm::ActionPriority> priorities;
};

RandomCase random_dag(std::size_t n, std::uint32_t seed, bool mixed_status) {
  std::mt19937 rng(seed);
  std::vector<std::size_t> names(n);
  for (std::size_t i = 0; i < n; ++i) names[i] = i;
  std::shuffle(names.begin(), names.end(), rng);
  RandomCase c;
  c.doc.actions.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    auto &a = c.doc.actions[i];
    a.id = "a" + std::to_string(100000 + names[i]);
    a.title = "t";
    a.effort = static_cast<std::int64_t>(rng() % 5 + 1);
    if (mixed_status && rng() % 4 == 0) a.status = rng() % 2 ? pm::ActionStatus::done : pm::ActionStatus::verified;
    if (i > 0)
      for (std::size_t d = rng() % 4; d > 0; --d) a.depends_on.push_back("a" + std::to_string(100000 + names[rng() % i]));
    pm::ActionPriority p;
    p.action_index = i;
    p.score = static_cast<double>(rng() % 20);
    c.priorities.push_back(p);
  }
  return c;
}

} // namespace

TEST_CASE("property: on random DAGs every action follows its dependencies and the best ready one goes next") {
  for (std::uint32_t seed : {1u, 2u, 3u}) {
    for (bool mixed : {false, true}) {
      INFO("seed ", seed, ", mixed statuses ", mixed);
      const std::size_t n = 2000;
      auto c = random_dag(n, seed, mixed);
      const auto &doc = c.doc;
      auto plan = pm::plan_with(doc, c.priorities, as_of("2024-06-01T00:00:00Z"));
      REQUIRE(plan.items.size() == n);
      CHECK(plan.cycles.empty());
      std::map<std::string, std::size_t> index_of;
      for (std::size_t i = 0; i < n; ++i) index_of[*doc.actions[i].id] = i;
      auto finished = [&](std::size_t i) { return doc.actions[i].status.has_value(); }; // done or verified here
      // The unfinished dependencies of each action, and who waits for each.
      std::vector<std::vector<std::size_t>> deps(n), waiters(n);
      for (std::size_t i = 0; i < n; ++i)
        for (const auto &d : doc.actions[i].depends_on)
          if (std::size_t k = index_of.at(d); !finished(k)) {
            deps[i].push_back(k);
            waiters[k].push_back(i);
          }
      std::vector<std::size_t> position(n);
      for (std::size_t p = 0; p < n; ++p) position[plan.items[p].action_index] = p;
      std::size_t violations = 0;
      for (std::size_t i = 0; i < n; ++i)
        for (std::size_t k : deps[i]) violations += position[k] > position[i];
      CHECK(violations == 0);

      // Replay: the ready set ordered by the rule; the plan must always take its first element.
      auto key = [&](std::size_t i) { return std::tuple(finished(i), -c.priorities[i].score, *doc.actions[i].id); };
      auto cmp = [&](std::size_t a, std::size_t b) { return key(a) < key(b); };
      std::set<std::size_t, decltype(cmp)> ready(cmp);
      std::vector<std::size_t> waiting(n);
      for (std::size_t i = 0; i < n; ++i) {
        waiting[i] = deps[i].size();
        if (waiting[i] == 0) ready.insert(i);
      }
      std::size_t wrong = 0;
      for (const auto &item : plan.items) {
        REQUIRE_FALSE(ready.empty());
        wrong += *ready.begin() != item.action_index;
        ready.erase(item.action_index);
        for (std::size_t v : waiters[item.action_index])
          if (--waiting[v] == 0) ready.insert(v);
      }
      CHECK(wrong == 0);

      // The critical path is a chain of open actions, each depending on the one before.
      for (std::size_t k = 1; k < plan.critical_path.size(); ++k)
        CHECK(std::ranges::find(deps[plan.critical_path[k]], plan.critical_path[k - 1]) != deps[plan.critical_path[k]].end());
    }
  }
}

TEST_CASE("property: with random cycles every action is placed once and every cycle is a real one") {
  std::mt19937 rng(7);
  const std::size_t n = 500;
  pm::Document doc;
  doc.actions.resize(n);
  for (std::size_t i = 0; i < n; ++i) doc.actions[i].id = "c" + std::to_string(i);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t d = rng() % 3; d > 0; --d) doc.actions[i].depends_on.push_back("c" + std::to_string(rng() % n));
  auto plan = pm::plan_with(doc, {}, as_of("2024-06-01T00:00:00Z"));
  std::vector<std::size_t> seen;
  for (const auto &item : plan.items) seen.push_back(item.action_index);
  std::ranges::sort(seen);
  CHECK(std::ranges::adjacent_find(seen) == seen.end());
  CHECK(seen.size() == n);
  REQUIRE_FALSE(plan.cycles.empty());
  // Outside the cycles' own edges, every dependency is respected.
  std::vector<std::size_t> position(n), cycle_of(n, SIZE_MAX);
  for (const auto &item : plan.items) position[item.action_index] = item.position;
  for (std::size_t c = 0; c < plan.cycles.size(); ++c)
    for (std::size_t v : plan.cycles[c]) cycle_of[v] = c;
  std::size_t violations = 0;
  for (std::size_t i = 0; i < n; ++i)
    for (const auto &d : doc.actions[i].depends_on) {
      std::size_t k = std::stoul(d.substr(1));
      if (k != i && (cycle_of[k] == SIZE_MAX || cycle_of[k] != cycle_of[i])) violations += position[k] > position[i];
    }
  CHECK(violations == 0);
  // Each reported cycle's members reach one another (checked for the first: a walk from its
  // first member inside the cycle returns to it).
  const auto &cycle = plan.cycles.front();
  std::set<std::size_t> members(cycle.begin(), cycle.end()), reached;
  std::vector<std::size_t> stack{cycle.front()};
  while (!stack.empty()) {
    std::size_t v = stack.back();
    stack.pop_back();
    for (const auto &d : doc.actions[v].depends_on)
      if (std::size_t k = std::stoul(d.substr(1)); members.count(k) && reached.insert(k).second) stack.push_back(k);
  }
  CHECK(reached == members);
}

// --- Policy ---------------------------------------------------------------------------------

TEST_CASE("the policy's plan.sla_days sets the SLA per tier, others keep their defaults") {
  auto p = pm::Policy::parse(R"({"plan": {"sla_days": {"P1": 3, "P4": 365}}})");
  CHECK(p.plan.sla_days == std::array<std::int32_t, 4>{3, 30, 90, 365});
  CHECK(pm::Policy{}.plan.sla_days == std::array<std::int32_t, 4>{7, 30, 90, 180});
}

TEST_CASE("a bad plan member in a policy is an error that says what to write") {
  CHECK(policy_error([] { pm::Policy::parse(R"({"plan": {"sla_day": {}}})"); }) ==
        R"(policy: unknown member /plan/sla_day (did you mean "sla_days"?))");
  CHECK(policy_error([] { pm::Policy::parse(R"({"plan": {"sla_days": {"p1": 3}}})"); }) ==
        R"(policy: unknown tier /plan/sla_days/p1 (did you mean "P1"?); the tiers are P1, P2, P3 and P4)");
  CHECK(policy_error([] { pm::Policy::parse(R"({"plan": {"sla_days": {"P5": 3}}})"); }) ==
        "policy: unknown tier /plan/sla_days/P5; the tiers are P1, P2, P3 and P4");
  for (const char *bad : {"0", "-1", "1.5", "\"7\"", "36501"})
    CHECK(policy_error([&] { pm::Policy::parse(std::string(R"({"plan": {"sla_days": {"P2": )") + bad + "}}}"); }) ==
          "policy: /plan/sla_days/P2 must be a whole number of days from 1 to 36500");
  CHECK(policy_error([] { pm::Policy::parse(R"({"plan": []})"); }) ==
        R"(policy: /plan must be an object such as {"sla_days": {"P1": 7}})");
  CHECK(policy_error([] { pm::Policy::parse(R"({"plans": {}})"); }) ==
        R"(policy: unknown member "plans" (did you mean "plan"?))");
}
