// postmortem/corpus.hpp: learning across post-mortems.
//
// The expected values are worked out by hand in the comments from the rules of
// docs/corpus.md; the determinism and sharding tests compare the library with itself under
// different thread counts, orders and splits, which the rules say must not matter.
#include <postmortem/corpus.hpp> // first: the header must be self-contained

#include "corpus/aggregate.hpp" // the histogram, tested directly
#include "support.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace json = boost::json;
namespace pm = postmortem;
namespace fs = std::filesystem;

namespace {

pm::Policy as_of(const char *timestamp) { return pm_test::policy_as_of(timestamp); }

std::string analysis(const pm::Corpus &c, std::size_t top = 20) { return json::serialize(c.analyze({top})); }

// The hand-made corpus of the tests below (docs/corpus.md, worked out in each test):
//
// INC-1 detected 2024-01-10, phishing. Root cause f1 (technical, control "CIS 6.3"), tied
//   to event e1 (technique t1566.002). Action a1 (prevent, owner alice, team IT) addresses
//   f1: verified, due 2024-01-15, completed 2024-01-20, verified effective on 2024-02-01.
// INC-4 detected 2024-02-01, malware. Contributing k1 (process) "edge device patches:
//   delay"; no action.
// INC-2 detected 2024-03-05, network_breach, recurrence_of INC-1, technique T1566. Root
//   cause g1 (technical, control "cis-6.3"); action b1 (detect, alice, IT) addresses g1:
//   in_progress, due 2024-04-01.
// INC-3 detected 2024-05-20, malware, recurrence_of INC-1. Contributing h1 (process)
//   "Patching delayed for edge devices".
const char *const inc1 = R"({"schema":"postmortem/1",
  "incident":{"id":"INC-1","title":"Phish","category":"phishing","techniques":["T1566.002"],
    "milestones":{"detected_at":"2024-01-10T08:00:00Z","started_at":"2024-01-10T07:00:00Z",
                  "contained_at":"2024-01-10T09:30:00Z"}},
  "timeline":[{"id":"e1","time":"2024-01-10T07:00:00Z","type":"attacker_activity","description":"phish sent","technique":"t1566.002"}],
  "factors":[{"id":"f1","kind":"root_cause","category":"technical","title":"MFA not enforced","control":"CIS 6.3","event_ids":["e1"],"tags":["mfa"]}],
  "actions":[{"id":"a1","title":"Enforce MFA","type":"prevent","addresses":["f1"],"owner":"alice","team":"IT",
              "status":"verified","due":"2024-01-15","completed_at":"2024-01-20T12:00:00Z",
              "verification":[{"date":"2024-02-01","method":"test","result":"effective"}]}]})";
const char *const inc4 = R"({"schema":"postmortem/1",
  "incident":{"id":"INC-4","title":"Edge malware","category":"malware",
    "milestones":{"detected_at":"2024-02-01T10:00:00Z"}},
  "factors":[{"id":"k1","kind":"contributing","category":"process","title":"edge device patches: delay"}]})";
const char *const inc2 = R"({"schema":"postmortem/1",
  "incident":{"id":"INC-2","title":"VPN","category":"network_breach","techniques":["T1566"],"recurrence_of":["INC-1"],
    "milestones":{"detected_at":"2024-03-05T10:00:00Z"}},
  "factors":[{"id":"g1","kind":"root_cause","category":"technical","title":"VPN lacked MFA","control":"cis-6.3","tags":["mfa","vpn"]}],
  "actions":[{"id":"b1","title":"Alert on VPN logins","type":"detect","addresses":["g1"],"owner":"alice","team":"IT",
              "status":"in_progress","due":"2024-04-01"}]})";
const char *const inc3 = R"({"schema":"postmortem/1",
  "incident":{"id":"INC-3","title":"Edge again","category":"malware","recurrence_of":["INC-1"],
    "milestones":{"detected_at":"2024-05-20T10:00:00Z"}},
  "factors":[{"id":"h1","kind":"contributing","category":"process","title":"Patching delayed for edge devices"}]})";

pm::Corpus hand_corpus(const pm::CorpusOptions &options = {}) {
  pm::Corpus c(as_of("2024-06-01T00:00:00Z"), options);
  for (const char *doc : {inc1, inc4, inc2, inc3}) REQUIRE(c.add_json(doc, "hand"));
  return c;
}

std::string compact(const char *doc) { return json::serialize(json::parse(doc)); }

} // namespace

TEST_CASE("normalized_title: Snowball stems of the words that are not stop words, sorted, distinct") {
  // The Snowball English stemmer's own example: consist, consisted, consistency, consistent,
  // consistently, consisting, consists all stem to "consist".
  CHECK(pm::normalized_title("Consisted consistently; CONSISTS!") == "consist");
  // Order, case, punctuation and stop words ("not", "on", "the") do not matter.
  CHECK(pm::normalized_title("MFA not enforced on the VPN") == pm::normalized_title("vpn: mfa, enforced"));
  // Absence is said many ways; all are stop words.
  CHECK(pm::normalized_title("No MFA on the VPN") == "mfa vpn");
  CHECK(pm::normalized_title("VPN lacked MFA") == "mfa vpn");
  CHECK(pm::normalized_title("MFA missing for VPN") == "mfa vpn");
  // Different words stay different.
  CHECK(pm::normalized_title("MFA not enforced on VPN") != pm::normalized_title("VPN lacked MFA"));
  CHECK(pm::normalized_title("the of and") == "");
  CHECK(pm::normalized_title("") == "");
}

TEST_CASE("title_stop_words is sorted, and docs/corpus.md lists exactly those words") {
  const auto words = pm::title_stop_words();
  CHECK(std::is_sorted(words.begin(), words.end()));
  const std::string doc = pm_test::read_file(pm_test::source_dir() / "docs" / "corpus.md");
  const auto start = doc.find("<!-- stop words -->");
  REQUIRE(start != std::string::npos);
  const auto end = doc.find("<!-- /stop words -->", start);
  REQUIRE(end != std::string::npos);
  std::string listed;
  for (std::string_view w : words) listed += (listed.empty() ? "" : ", ") + std::string(w);
  CHECK(doc.substr(start, end - start).find(listed) != std::string::npos);
}

TEST_CASE("factor_group_key: the control first, else category and title stems") {
  pm::Factor f;
  f.control = " CIS_5.4 ";
  f.title = "anything";
  CHECK(pm::factor_group_key(f) == "control:cis 5.4");
  f.control = "cis--5.4";
  CHECK(pm::factor_group_key(f) == "control:cis 5.4");
  f.control = "  ";
  f.category = pm::FactorCategory::process;
  f.title = "Consisting";
  CHECK(pm::factor_group_key(f) == "title:process:consist");
  f.category.reset();
  CHECK(pm::factor_group_key(f) == "title:unknown:consist");
  f.title = "the";
  CHECK(pm::factor_group_key(f) == "");
}

TEST_CASE("the log histogram: bucket boundaries and the documented 1% error bound") {
  using H = pm::corpus::LogHistogram;
  CHECK(H::bucket_of(0) == 0);
  CHECK(H::bucket_of(1) == 1);
  // ln 2 / ln 1.02 = 0.693147 / 0.0198026 = 35.0028, so 2 s is in bucket ⌈35.0028⌉ = 36.
  CHECK(H::bucket_of(2) == 36);
  // ln 100 / ln 1.02 = 4.605170 / 0.0198026 = 232.55, so bucket 233.
  CHECK(H::bucket_of(100) == 233);

  // 1..1000 once each: the nearest-rank median is the 500th value, 500; p90 the 900th, 900.
  H h;
  for (int v = 1; v <= 1000; ++v) h.add(v);
  CHECK(std::abs(h.quantile(0.5) - 500) <= 0.01 * 500 + 0.5);
  CHECK(std::abs(h.quantile(0.9) - 900) <= 0.01 * 900 + 0.5);

  // Random durations from 0 s to about a year, compared with the exact nearest rank.
  std::mt19937_64 rng(7);
  std::lognormal_distribution<double> dist(9.0, 2.5);
  for (int round = 0; round < 20; ++round) {
    H r;
    std::vector<std::int64_t> values;
    const int n = 1 + static_cast<int>(rng() % 3000);
    for (int i = 0; i < n; ++i) {
      const auto v = std::min<std::int64_t>(static_cast<std::int64_t>(dist(rng)), 40'000'000);
      values.push_back(v);
      r.add(v);
    }
    std::sort(values.begin(), values.end());
    for (double q : {0.5, 0.9, 0.99}) {
      const auto rank = static_cast<std::size_t>(std::ceil(q * n - 1e-9));
      const double exact = static_cast<double>(values[std::max<std::size_t>(rank, 1) - 1]);
      CHECK(std::abs(static_cast<double>(r.quantile(q)) - exact) <= 0.01 * exact + 0.5);
    }
  }
  H neg;
  neg.add(-5);
  neg.add(0);
  CHECK(neg.negative == 1);
  CHECK(neg.count == 1);
  CHECK(neg.quantile(0.5) == 0);
}

TEST_CASE("recurrences: a verified fix that failed comes first; undeclared ones are found") {
  const pm::Corpus c = hand_corpus();
  const json::value a = c.analyze();
  const json::object &r = a.at("recurrences").as_object();
  // Group control:cis 6.3 holds INC-1 (2024-01-10) and INC-2 (2024-03-05): INC-2 recurs it,
  // earlier INC-1, whose a1 was verified effective: verified_fix_failed, declared (INC-2's
  // recurrence_of names INC-1). Group title:process:{delay devic edg patch} holds INC-4
  // (2024-02-01) and INC-3 (2024-05-20): INC-3 recurs it, earlier INC-4 with no action:
  // no_fix; INC-3's recurrence_of names INC-1, not INC-4: undeclared.
  CHECK(r.at("count") == 2);
  CHECK(r.at("declared") == 1);
  CHECK(r.at("undeclared") == 1);
  CHECK(r.at("by_signal").at("verified_fix_failed") == 1);
  CHECK(r.at("by_signal").at("no_fix") == 1);
  const json::array &items = r.at("items").as_array();
  REQUIRE(items.size() == 2);
  const json::value &first = items[0];
  CHECK(first.at("incident") == "INC-2");
  CHECK(first.at("date") == "2024-03-05");
  CHECK(first.at("group") == "control:cis 6.3");
  CHECK(first.at("signal") == "verified_fix_failed");
  CHECK(first.at("declared") == true);
  CHECK(first.at("occurrence") == 2);
  CHECK(first.at("first").at("incident") == "INC-1");
  CHECK(first.at("earlier").at("incident") == "INC-1");
  CHECK(first.at("earlier").at("factor") == "f1");
  const json::array &acts = first.at("earlier").at("actions").as_array();
  REQUIRE(acts.size() == 1);
  CHECK(acts[0].at("id") == "a1");
  CHECK(acts[0].at("status") == "verified");
  CHECK(acts[0].at("verification").at("date") == "2024-02-01");
  CHECK(acts[0].at("verification").at("result") == "effective");
  const json::value &second = items[1];
  CHECK(second.at("incident") == "INC-3");
  CHECK(second.at("signal") == "no_fix");
  CHECK(second.at("declared") == false);
  CHECK(second.at("earlier").at("incident") == "INC-4");
  CHECK(second.at("earlier").at("actions").as_array().empty());
  // INC-3 -> INC-1 is declared, but they share no group.
  const json::array &unmatched = r.at("declared_unmatched").as_array();
  REQUIRE(unmatched.size() == 1);
  CHECK(unmatched[0].at("incident") == "INC-3");
  CHECK(unmatched[0].at("of") == "INC-1");
  CHECK(unmatched[0].at("date") == "2024-05-20");
}

TEST_CASE("recurrence signals, strongest first, from the earlier incident's actions") {
  // One group (control X-1): the earlier incident E (2024-01-01) with the given actions, the
  // later L (2024-02-01).
  auto signal_for = [](const std::string &actions) {
    pm::Corpus c(as_of("2024-06-01T00:00:00Z"));
    REQUIRE(c.add_json(R"({"schema":"postmortem/1","incident":{"id":"E","title":"e","category":"other",
      "milestones":{"detected_at":"2024-01-01T00:00:00Z"}},
      "factors":[{"id":"f","kind":"root_cause","category":"technical","title":"t","control":"X-1"}],
      "actions":)" + actions + "}"));
    REQUIRE(c.add_json(R"({"schema":"postmortem/1","incident":{"id":"L","title":"l","category":"other",
      "milestones":{"detected_at":"2024-02-01T00:00:00Z"}},
      "factors":[{"id":"g","kind":"root_cause","category":"technical","title":"u","control":"x 1"}]})"));
    const json::value a = c.analyze();
    const json::array &items = a.at("recurrences").at("items").as_array();
    REQUIRE(items.size() == 1);
    return std::string(items[0].at("signal").as_string());
  };
  const std::string eff = R"("verification":[{"date":"2024-01-10","result":"effective"}])";
  const std::string ineff = R"("verification":[{"date":"2024-01-10","result":"ineffective"}])";
  CHECK(signal_for("[]") == "no_fix");
  CHECK(signal_for(R"([{"id":"a","title":"a","addresses":["f"],"status":"rejected"}])") == "no_fix");
  CHECK(signal_for(R"([{"id":"a","title":"a","addresses":["f"],"status":"planned"}])") == "open_fix");
  CHECK(signal_for(R"([{"id":"a","title":"a","addresses":["f"],"status":"done"},
                       {"id":"b","title":"b","addresses":["f"]}])") == "unverified_fix");
  CHECK(signal_for(R"([{"id":"a","title":"a","addresses":["f"],"status":"done",)" + ineff + "}]") == "ineffective_fix");
  CHECK(signal_for(R"([{"id":"a","title":"a","addresses":["f"],"status":"done",)" + ineff + R"(},
                       {"id":"b","title":"b","addresses":["f"],"status":"verified",)" + eff + "}]") ==
        "verified_fix_failed");
  // Effective but not finished (a verification recorded on an action still in progress) is
  // not a fix that was done.
  CHECK(signal_for(R"([{"id":"a","title":"a","addresses":["f"],"status":"in_progress",)" + eff + "}]") == "open_fix");
}

TEST_CASE("same-day occurrences are not recurrences of each other; undated ones take no part") {
  pm::Corpus c(as_of("2024-06-01T00:00:00Z"));
  auto doc = [](const char *id, const char *detected) {
    std::string m = detected ? std::string(R"(,"milestones":{"detected_at":")") + detected + R"("})" : "";
    return std::string(R"({"schema":"postmortem/1","incident":{"id":")") + id +
           R"(","title":"t","category":"other")" + m +
           R"(},"factors":[{"id":"f","kind":"root_cause","category":"technical","title":"t","control":"C-9"}]})";
  };
  REQUIRE(c.add_json(doc("A", "2024-01-01T01:00:00Z")));
  REQUIRE(c.add_json(doc("B", "2024-01-01T23:00:00Z")));
  REQUIRE(c.add_json(doc("U", nullptr)));
  const json::value a = c.analyze();
  CHECK(a.at("recurrences").at("count") == 0);
  REQUIRE(c.add_json(doc("C", "2024-01-02T00:00:00Z")));
  const json::value b = c.analyze();
  // C recurs the group; its earlier is the last of 2024-01-01 in incident order: B.
  const json::array &items = b.at("recurrences").at("items").as_array();
  REQUIRE(items.size() == 1);
  CHECK(items[0].at("incident") == "C");
  CHECK(items[0].at("earlier").at("incident") == "B");
  CHECK(items[0].at("first").at("incident") == "A");
  CHECK(items[0].at("occurrence") == 3);
  // The group lists U last, undated.
  const json::array &occ = b.at("factors").at("top").at(0).at("occurrences").as_array();
  REQUIRE(occ.size() == 4);
  CHECK(occ[3].at("incident") == "U");
  CHECK(occ[3].at("date").is_null());
  CHECK(b.at("summary").at("undated") == 1);
  CHECK(b.at("trends").at("undated").at("incidents") == 1);
}

TEST_CASE("factor groups: recurring ones ranked, with spellings, tags and roll-ups") {
  const json::value a = hand_corpus().analyze();
  const json::object &f = a.at("factors").as_object();
  // f1, g1 (control group), k1, h1 (title group): 4 factors, 2 groups, both recurring.
  CHECK(f.at("factors") == 4);
  CHECK(f.at("grouped") == 4);
  CHECK(f.at("groups") == 2);
  CHECK(f.at("recurring") == 2);
  const json::array &top = f.at("top").as_array();
  REQUIRE(top.size() == 2);
  // Both have 2 incidents and 2 factors: by key, "control:..." before "title:...".
  CHECK(top[0].at("key") == "control:cis 6.3");
  // "CIS 6.3" and "cis-6.3" once each: the smaller in code-point order.
  CHECK(top[0].at("control") == "CIS 6.3");
  CHECK(top[0].at("category") == "technical");
  CHECK(top[0].at("root_causes") == 2);
  CHECK(top[0].at("contributing") == 0);
  // Tags: mfa twice (f1, g1), vpn once.
  CHECK(top[0].at("tags").at(0).at("tag") == "mfa");
  CHECK(top[0].at("tags").at(0).at("count") == 2);
  pm::Factor k1;
  k1.category = pm::FactorCategory::process;
  k1.title = "edge device patches: delay";
  CHECK(top[1].at("key").as_string() == pm::factor_group_key(k1));
  CHECK(top[1].at("contributing") == 2);
  CHECK(f.at("by_control").at(0).at("control") == "cis 6.3");
  CHECK(f.at("by_control").at(0).at("incidents") == 2);
  // by_tag: mfa on 2 incidents (2 factors), vpn on 1.
  CHECK(f.at("by_tag").at(0).at("tag") == "mfa");
  CHECK(f.at("by_tag").at(0).at("incidents") == 2);
  CHECK(f.at("by_tag").at(1).at("tag") == "vpn");
  CHECK(f.at("by_category").at("technical") == 2);
  CHECK(f.at("by_category").at("process") == 2);
}

TEST_CASE("remediation health, due-to-done and preventive coverage") {
  const json::value a = hand_corpus().analyze();
  const json::object &r = a.at("remediation").as_object();
  // a1: verified with an effective verification. b1: in_progress, due 2024-04-01, before
  // as_of 2024-06-01: open and overdue.
  const json::object &t = r.at("total").as_object();
  CHECK(t.at("actions") == 2);
  CHECK(t.at("open") == 1);
  CHECK(t.at("overdue") == 1);
  CHECK(t.at("done_unverified") == 0);
  CHECK(t.at("ineffective") == 0);
  CHECK(t.at("verified_effective") == 1);
  CHECK(t.at("rejected") == 0);
  REQUIRE(r.at("by_owner").as_array().size() == 1);
  CHECK(r.at("by_owner").at(0).at("owner") == "alice");
  CHECK(r.at("by_owner").at(0).at("overdue") == 1);
  CHECK(r.at("by_team").at(0).at("team") == "IT");
  // a1: due 2024-01-15, completed 2024-01-20: 5 days late.
  const json::object &d = r.at("due_to_done_days").as_object();
  CHECK(d.at("count") == 1);
  CHECK(d.at("late") == 1);
  CHECK(d.at("median") == 5);
  CHECK(d.at("p90") == 5);
  // Root causes f1 and g1; only f1 has a prevent action (a1).
  const json::object &p = r.at("preventive_coverage").as_object();
  CHECK(p.at("root_causes") == 2);
  CHECK(p.at("with_preventive") == 1);
  CHECK(p.at("share") == 0.5);
}

TEST_CASE("the re-verification worklist") {
  const json::value a = hand_corpus().analyze();
  const json::object &v = a.at("validation").as_object();
  // a1 was verified effective on 2024-02-01; 90 days later is 2024-05-01 (Feb 29 + Mar 31 +
  // Apr 30 = 90), before as_of 2024-06-01 by 31 days: stale.
  REQUIRE(v.at("count") == 1);
  const json::value &w = v.at("items").at(0);
  CHECK(w.at("incident") == "INC-1");
  CHECK(w.at("action") == "a1");
  CHECK(w.at("reason") == "stale");
  CHECK(w.at("last_verified") == "2024-02-01");
  CHECK(w.at("completed") == "2024-01-20");
  CHECK(w.at("due_on") == "2024-05-01");
  CHECK(w.at("days_overdue") == 31);
  CHECK(w.at("owner") == "alice");

  // Never verified: due 90 days after completion (2024-03-01 + 90 = 2024-05-30), which is on
  // or before as_of 2024-06-01; completed 2024-04-01 is due 2024-06-30: not yet.
  pm::Corpus c(as_of("2024-06-01T00:00:00Z"));
  REQUIRE(c.add_json(R"({"schema":"postmortem/1","incident":{"id":"X","title":"x","category":"other"},
    "actions":[{"id":"old","title":"o","status":"done","completed_at":"2024-03-01T10:00:00Z"},
               {"id":"new","title":"n","status":"done","completed_at":"2024-04-01T10:00:00Z"},
               {"id":"nodate","title":"d","status":"verified"},
               {"id":"bad","title":"b","status":"done","verification":[{"date":"2023-01-01","result":"ineffective"}]}]})"));
  const json::value b = c.analyze();
  const json::array &items = b.at("validation").at("items").as_array();
  REQUIRE(items.size() == 2);
  CHECK(items[0].at("action") == "old");
  CHECK(items[0].at("due_on") == "2024-05-30");
  CHECK(items[0].at("days_overdue") == 2);
  CHECK(items[0].at("reason") == "never_verified");
  // No completion date: due at once.
  CHECK(items[1].at("action") == "nodate");
  CHECK(items[1].at("due_on") == "2024-06-01");
  CHECK(items[1].at("days_overdue") == 0);
  // The ineffective one is counted as such, not re-verified.
  CHECK(b.at("remediation").at("total").at("ineffective") == 1);
  CHECK(b.at("remediation").at("total").at("done_unverified") == 3);
}

TEST_CASE("trends by month and quarter, severity computed, metrics from the milestones") {
  const json::value a = hand_corpus().analyze();
  const json::object &t = a.at("trends").as_object();
  const json::array &months = t.at("by_month").as_array();
  REQUIRE(months.size() == 4);
  CHECK(months[0].at("period") == "2024-01");
  CHECK(months[1].at("period") == "2024-02");
  CHECK(months[2].at("period") == "2024-03");
  CHECK(months[3].at("period") == "2024-05");
  CHECK(months[0].at("by_category").at("phishing") == 1);
  // INC-1: dwell 07:00 -> 08:00 = 3600 s; contain 08:00 -> 09:30 = 5400 s. One value each:
  // the estimate of its bucket, within 1% + 0.5 s.
  const json::object &m = months[0].at("metrics").as_object();
  CHECK(m.at("dwell_time").at("count") == 1);
  CHECK(std::abs(m.at("dwell_time").at("median_seconds").to_number<double>() - 3600) <= 36.5);
  CHECK(std::abs(m.at("time_to_contain").at("p90_seconds").to_number<double>() - 5400) <= 54.5);
  CHECK(m.at("time_to_recover").at("count") == 0);
  CHECK(!m.at("time_to_recover").as_object().contains("median_seconds"));
  const json::array &quarters = t.at("by_quarter").as_array();
  REQUIRE(quarters.size() == 2);
  CHECK(quarters[0].at("period") == "2024-Q1");
  CHECK(quarters[0].at("incidents") == 3);
  CHECK(quarters[1].at("period") == "2024-Q2");
  CHECK(quarters[1].at("incidents") == 1);
  CHECK(t.at("overall").at("incidents") == 4);
  // Severity tiers add up to the incidents in every period.
  for (const json::value &p : months) {
    std::uint64_t sum = 0;
    for (const auto &s : p.at("by_severity").as_object()) sum += s.value().to_number<std::uint64_t>();
    CHECK(sum == p.at("incidents").to_number<std::uint64_t>());
  }
  CHECK(a.at("summary").at("first_period") == "2024-01");
  CHECK(a.at("summary").at("last_period") == "2024-05");
}

TEST_CASE("techniques: counted once per incident, addressed through factor -> event") {
  const json::value a = hand_corpus().analyze();
  const json::object &t = a.at("techniques").as_object();
  // INC-1: T1566.002 (incident) and t1566.002 (event e1): one technique; f1 names e1 and a1
  // addresses f1: addressed. INC-2: T1566, no event: not addressed.
  CHECK(t.at("distinct") == 2);
  CHECK(t.at("incidents_with_techniques") == 2);
  const json::array &top = t.at("top").as_array();
  REQUIRE(top.size() == 2);
  // Equal incidents (1): more addressed first.
  CHECK(top[0].at("id") == "T1566.002");
  CHECK(top[0].at("name") == "Spearphishing Link");
  CHECK(top[0].at("addressed") == 1);
  CHECK(top[0].at("share_addressed") == 1.0);
  CHECK(top[1].at("id") == "T1566");
  CHECK(top[1].at("name") == "Phishing");
  CHECK(top[1].at("addressed") == 0);
}

TEST_CASE("bad documents are skipped, counted and located; max_problems keeps the first") {
  const std::string ndjson = compact(inc1) + "\n" +
                             R"({"schema":"postmortem/1","incident":)" + "\n" + // line 2: truncated
                             "   \n" +                                           // line 3: blank
                             R"({"schema":"postmortem/2","incident":{"id":"A"}})" + "\n" + // line 4
                             R"({"schema":"postmortem/1","incident":{"title":"no id"}})" + "\n"; // line 5
  for (unsigned threads : {1u, 2u}) {
    CAPTURE(threads);
    pm::Corpus c(as_of("2024-06-01T00:00:00Z"), {threads, 1000});
    c.add_ndjson(ndjson, "in.ndjson");
    CHECK(c.documents() == 1);
    CHECK(c.bad() == 3);
    const auto problems = c.problems();
    REQUIRE(problems.size() == 3);
    CHECK(problems[0].source == "in.ndjson");
    CHECK(problems[0].line == 2);
    CHECK(problems[0].code == "PM100");
    CHECK(problems[0].column > 0);
    CHECK(problems[0].error == pm::errc::parse);
    CHECK(problems[1].line == 4);
    CHECK(problems[1].code == "PM101");
    CHECK(problems[1].error == pm::errc::version);
    CHECK(problems[2].line == 5);
    CHECK(problems[2].code == "PM102");
    const json::value a = c.analyze();
    CHECK(a.at("summary").at("bad") == 3);
    CHECK(a.at("summary").at("problems").as_array().size() == 3);
    CHECK(a.at("summary").at("problems").at(1).at("code") == "PM101");

    pm::Corpus few(as_of("2024-06-01T00:00:00Z"), {threads, 2});
    few.add_ndjson(ndjson, "in.ndjson");
    CHECK(few.bad() == 3);
    REQUIRE(few.problems().size() == 2);
    CHECK(few.problems()[1].line == 4);
  }
  // A whole file that does not parse: the parser's line.
  pm::Corpus c(as_of("2024-06-01T00:00:00Z"));
  pm::CorpusProblem why;
  CHECK_FALSE(c.add_json("{\n\"schema\": \"postmortem/1\",\n  x", "f.json", 0, &why));
  CHECK(why.line == 3);
  CHECK(why.source == "f.json");
  CHECK(why.error == pm::errc::parse);
}

namespace {

// A random corpus: n documents, some recurring factors from small pools of controls and
// titles, random dates, statuses, verifications, owners and techniques; every line unique.
std::vector<std::string> random_corpus(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto pick = [&](std::size_t k) { return static_cast<std::size_t>(rng() % k); };
  const char *categories[] = {"phishing", "malware", "ransomware", "misconfiguration", "other"};
  const char *controls[] = {"CIS 6.3", "cis-5.4", "NIST AC-2", "CIS 7.1"};
  const char *titles[] = {"Patching delayed for edge devices", "edge devices: patches delayed",
                          "Passwords reused across accounts", "Logging disabled on the firewall",
                          "firewall logs disabled"};
  const char *statuses[] = {"proposed", "planned", "in_progress", "done", "verified", "rejected"};
  const char *results[] = {"effective", "partially_effective", "ineffective"};
  const char *owners[] = {"alice", "bob", "carol", "dave"};
  const char *techniques[] = {"T1566", "T1566.001", "T1078", "T1486", "t1190"};
  std::vector<std::string> out;
  for (std::size_t i = 0; i < n; ++i) {
    const int day = 1 + static_cast<int>(pick(28)), month = 1 + static_cast<int>(pick(12));
    const int year = 2022 + static_cast<int>(pick(3));
    std::string date = std::to_string(year) + "-" + (month < 10 ? "0" : "") + std::to_string(month) + "-" +
                       (day < 10 ? "0" : "") + std::to_string(day);
    std::string id = "INC-" + std::to_string(pick(n * 2)); // some ids repeat
    std::string doc = R"({"schema":"postmortem/1","incident":{"id":")" + id + R"(","title":"t","category":")" +
                      categories[pick(5)] + "\"";
    if (pick(10) != 0) {
      doc += R"(,"milestones":{"started_at":")" + date + "T0" + std::to_string(pick(8)) + R"(:00:00Z","detected_at":")" +
             date + R"(T09:00:00Z")";
      if (pick(3) != 0) doc += R"(,"contained_at":")" + date + "T1" + std::to_string(pick(10)) + R"(:30:00Z")";
      doc += "}";
    }
    if (pick(4) == 0) doc += R"(,"recurrence_of":["INC-)" + std::to_string(pick(n * 2)) + "\"]";
    doc += R"(,"techniques":[")" + std::string(techniques[pick(5)]) + "\"]},";
    doc += R"("timeline":[{"id":"e1","time":")" + date + R"(T08:00:00Z","type":"alert","description":"d","technique":")" +
           techniques[pick(5)] + "\"}],";
    doc += R"("factors":[)";
    const std::size_t nf = 1 + pick(3);
    for (std::size_t f = 0; f < nf; ++f) {
      if (f) doc += ",";
      doc += R"({"id":"f)" + std::to_string(f) + R"(","kind":")" + (pick(2) ? "root_cause" : "contributing") +
             R"(","category":")" + (pick(2) ? "technical" : "process") + "\"";
      if (pick(3) == 0) doc += R"(,"control":")" + std::string(controls[pick(4)]) + "\"";
      if (pick(5) == 0) doc += R"(,"title":"unique )" + std::to_string(i) + "\"";
      else doc += R"(,"title":")" + std::string(titles[pick(5)]) + "\"";
      if (pick(2)) doc += R"(,"event_ids":["e1"],"tags":["t)" + std::to_string(pick(3)) + "\"]";
      doc += "}";
    }
    doc += R"(],"actions":[)";
    const std::size_t na = pick(4);
    for (std::size_t a = 0; a < na; ++a) {
      if (a) doc += ",";
      doc += R"({"id":"a)" + std::to_string(a) + R"(","title":"act","type":")" + (pick(2) ? "prevent" : "detect") +
             R"(","addresses":["f)" + std::to_string(pick(nf)) + R"("],"status":")" + statuses[pick(6)] + "\"";
      if (pick(2)) doc += R"(,"owner":")" + std::string(owners[pick(4)]) + "\"";
      if (pick(2)) doc += R"(,"team":"T)" + std::to_string(pick(3)) + "\"";
      if (pick(2)) doc += R"(,"due":")" + date + "\"";
      if (pick(2)) doc += R"(,"completed_at":")" + date + R"(T12:00:00Z")";
      if (pick(2)) doc += R"(,"verification":[{"date":")" + date + R"(","result":")" + results[pick(3)] + "\"}]";
      doc += "}";
    }
    doc += "]}";
    if (pick(50) == 0) doc = doc.substr(0, doc.size() / 2); // a truncated line
    out.push_back(std::move(doc));
  }
  return out;
}

} // namespace

TEST_CASE("results do not depend on threads, order or sharding; states merge exactly") {
  const std::vector<std::string> docs = random_corpus(400, 11);
  const pm::Policy policy = as_of("2025-01-01T00:00:00Z");
  std::string ndjson;
  for (const auto &d : docs) ndjson += d + "\n";

  pm::Corpus whole(policy, {1, 1000});
  for (std::size_t i = 0; i < docs.size(); ++i) whole.add_json(docs[i], "gen", i + 1);
  const std::string expected = analysis(whole, 0);
  CHECK(whole.documents() + whole.bad() == docs.size());
  CHECK(whole.bad() > 0);
  const json::value parsed = json::parse(expected);
  CHECK(parsed.at("recurrences").at("count").to_number<std::uint64_t>() > 0);

  SUBCASE("threads") {
    for (unsigned threads : {1u, 2u, 3u, 8u}) {
      CAPTURE(threads);
      pm::Corpus c(policy, {threads, 1000});
      c.add_ndjson(ndjson, "gen");
      CHECK(analysis(c, 0) == expected);
    }
  }
  SUBCASE("reversed order") {
    pm::Corpus c(policy);
    for (std::size_t i = docs.size(); i-- > 0;) c.add_json(docs[i], "gen", i + 1);
    CHECK(analysis(c, 0) == expected);
  }
  SUBCASE("random shardings, merged directly and through the JSON state") {
    std::mt19937_64 rng(5);
    for (int round = 0; round < 6; ++round) {
      const std::size_t k = 2 + rng() % 6;
      std::vector<pm::Corpus> shards;
      for (std::size_t s = 0; s < k; ++s) shards.emplace_back(policy);
      for (std::size_t i = 0; i < docs.size(); ++i) shards[rng() % k].add_json(docs[i], "gen", i + 1);
      std::vector<std::size_t> order(k);
      for (std::size_t s = 0; s < k; ++s) order[s] = s;
      std::shuffle(order.begin(), order.end(), rng);
      pm::Corpus direct(policy);
      for (std::size_t s : order) direct.merge(shards[s]);
      CHECK(analysis(direct, 0) == expected);
      // Through JSON text, as a distributed engine would: a tree of merges.
      std::vector<std::string> states;
      for (std::size_t s : order) states.push_back(pm::to_json(shards[s]));
      while (states.size() > 1) {
        pm::Corpus a = pm::Corpus::from_state(json::parse(states.back()));
        states.pop_back();
        const pm::Corpus b = pm::Corpus::from_state(json::parse(states.back()));
        states.pop_back();
        a.merge(b);
        states.insert(states.begin(), pm::to_json(a));
      }
      CHECK(analysis(pm::Corpus::from_state(json::parse(states[0])), 0) == expected);
    }
  }
}

TEST_CASE("state round trip, and what merge refuses") {
  const pm::Corpus c = hand_corpus();
  const std::string state = pm::to_json(c);
  const pm::Corpus back = pm::Corpus::from_state(json::parse(state));
  CHECK(analysis(back) == analysis(c));
  CHECK(pm::to_json(back) == state);
  CHECK(back.documents() == 4);

  pm::Corpus other(as_of("2024-06-02T00:00:00Z"));
  pm::Corpus mine = hand_corpus();
  CHECK_THROWS_WITH_AS(mine.merge(other), doctest::Contains("different as_of days (2024-06-01 and 2024-06-02)"),
                       pm::error);
  pm::Policy longer = as_of("2024-06-01T12:00:00Z"); // same day: fine
  longer.thresholds.verify_within_days = 30;
  pm::Corpus window(longer);
  CHECK_THROWS_WITH_AS(mine.merge(window), doctest::Contains("verify_within_days"), pm::error);
  CHECK_THROWS_AS(mine.merge(mine), pm::error);
  CHECK(analysis(mine) == analysis(c)); // unchanged by the refused merges

  auto format_error = [](const std::string &text) {
    try {
      (void)pm::Corpus::from_state(json::parse(text));
    } catch (const pm::error &e) {
      CHECK(e.code() == pm::errc::format);
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(format_error("[]").find("expected an object at /") != std::string::npos);
  CHECK(format_error(R"({"schema":"postmortem-stats/1"})").find("/schema") != std::string::npos);
  json::value broken = json::parse(state);
  broken.at("months").as_array()[0].as_array()[1].as_array()[0] = -1;
  CHECK(format_error(json::serialize(broken)).find("/months/0/1/0") != std::string::npos);
  broken = json::parse(state);
  broken.as_object().erase("worklist");
  CHECK(format_error(json::serialize(broken)).find("missing at /worklist") != std::string::npos);
}

TEST_CASE("files, directories and streams: NDJSON sniffed, hidden names skipped") {
  const fs::path dir = fs::temp_directory_path() / ("pm_corpus_test_" + std::to_string(std::random_device{}()));
  fs::create_directories(dir / "sub");
  fs::create_directories(dir / ".hidden");
  auto write = [](const fs::path &p, const std::string &text) { std::ofstream(p, std::ios::binary) << text; };
  write(dir / "a.json", json::serialize(json::parse(inc1)).insert(1, "\n  ")); // first line "{": one document
  write(dir / "sub" / "b.NDJSON", "\n" + compact(inc2) + "\n" + compact(inc3) + "\n{broken\n");
  write(dir / ".hidden" / "c.json", compact(inc4));
  write(dir / ".d.json", compact(inc4));
  write(dir / "notes.txt", "not a post-mortem");

  std::vector<pm::CorpusProgress> seen;
  pm::Corpus c(as_of("2024-06-01T00:00:00Z"), {2, 1000});
  c.add_path(dir, [&](const pm::CorpusProgress &p) { seen.push_back(p); });
  CHECK(c.documents() == 3);
  CHECK(c.bad() == 1);
  REQUIRE(c.problems().size() == 1);
  CHECK(c.problems()[0].source == (dir / "sub" / "b.NDJSON").string());
  CHECK(c.problems()[0].line == 4); // a blank first line, two documents, then the broken one
  REQUIRE(!seen.empty());
  for (std::size_t i = 1; i < seen.size(); ++i) {
    CHECK(seen[i].documents >= seen[i - 1].documents);
    CHECK(seen[i].bytes_read >= seen[i - 1].bytes_read);
  }
  CHECK(seen.back().documents == 3);
  CHECK(seen.back().bad == 1);
  CHECK(seen.back().bytes_read == seen.back().bytes_total);
  CHECK(seen.back().bytes_total == fs::file_size(dir / "a.json") + fs::file_size(dir / "sub" / "b.NDJSON"));

  CHECK_THROWS_WITH_AS(c.add_path(dir / "missing"), doctest::Contains("missing"), pm::error);
  try {
    c.add_path(dir / "missing");
  } catch (const pm::error &e) {
    CHECK(e.code() == pm::errc::not_found);
  }
  fs::remove_all(dir);

  // Streams: a pretty document; NDJSON; an empty input (one bad document).
  pm::Corpus s(as_of("2024-06-01T00:00:00Z"));
  std::istringstream pretty(pm::serialize_value(json::parse(inc1), {.pretty = true}));
  s.add_stream(pretty, "pretty");
  std::istringstream lines(compact(inc2) + "\n" + compact(inc3));
  s.add_stream(lines, "lines");
  std::istringstream empty("  \n");
  s.add_stream(empty, "empty");
  CHECK(s.documents() == 3);
  CHECK(s.bad() == 1);
  CHECK(s.problems()[0].source == "empty");
  CHECK(s.problems()[0].code == "PM100");
}

TEST_CASE("thread counts above the limit are refused") {
  CHECK_THROWS_AS(pm::Corpus(pm::Policy{}, {257, 10}), pm::error);
}

namespace {

// Every node of a JSON value, as pointers to it, depth first.
void collect(json::value &v, std::vector<json::value *> &out) {
  out.push_back(&v);
  if (v.is_object())
    for (auto &m : v.as_object()) collect(m.value(), out);
  else if (v.is_array())
    for (auto &e : v.as_array()) collect(e, out);
}

} // namespace

TEST_CASE("a damaged state is refused with errc::format, or read; never a crash") {
  const json::value state = hand_corpus().state();
  std::vector<json::value> replacements = {nullptr, -1, "x", json::array{}, json::object{}, 1e300, 4294967296};
  std::size_t refused = 0, read = 0;
  json::value copy = state;
  std::vector<json::value *> nodes;
  collect(copy, nodes);
  const std::size_t n = nodes.size();
  for (std::size_t i = 1; i < n; ++i) {
    for (const json::value &r : replacements) {
      json::value damaged = state;
      std::vector<json::value *> at;
      collect(damaged, at);
      REQUIRE(at.size() == n);
      *at[i] = r;
      try {
        const pm::Corpus c = pm::Corpus::from_state(damaged);
        (void)c.analyze();
        ++read;
      } catch (const pm::error &e) {
        CHECK(e.code() == pm::errc::format);
        ++refused;
      }
    }
  }
  CHECK(refused > 0);
  CHECK(refused + read == (n - 1) * replacements.size());
}

TEST_CASE("a re-verification window too large for any calendar puts nothing on the worklist") {
  pm::Policy policy = as_of("2024-06-01T00:00:00Z");
  policy.thresholds.verify_within_days = 1e300;
  pm::Corpus c(policy);
  for (const char *doc : {inc1, inc4, inc2, inc3}) REQUIRE(c.add_json(doc));
  CHECK(c.analyze().at("validation").at("count") == 0);
  // An action done with no completion date is due at once, whatever the window.
  REQUIRE(c.add_json(R"({"schema":"postmortem/1","incident":{"id":"X","title":"x","category":"other"},
    "actions":[{"id":"a","title":"a","status":"done"}]})"));
  CHECK(c.analyze().at("validation").at("count") == 1);
}
