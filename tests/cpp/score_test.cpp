// postmortem/score.hpp: incident severity, action priority, SSVC and post-mortem quality.
//
// Expected values are worked out by hand in the comments from the default weights
// (docs/scoring.md): a term's points are weight × level, since the default weights add up to
// 100. log10 values are given to four places.
#include <postmortem/score.hpp> // first: the header must be self-contained

#include "support.hpp"

#include <postmortem/validate.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace json = boost::json;
namespace pm = postmortem;
using pm::PriorityTier;
using pm::SeverityTier;

namespace {

pm::Document sample(const char *name) { return pm::load(pm_test::sample(name).string()); }

pm::Document doc_of(const std::string &incident_extra, const std::string &rest = "") {
  return pm::parse(pm_test::minimal_doc(incident_extra, rest));
}

const pm::ScoreTerm &term(const std::vector<pm::ScoreTerm> &terms, std::string_view name) {
  auto it = std::ranges::find(terms, name, &pm::ScoreTerm::name);
  REQUIRE_MESSAGE(it != terms.end(), "no term " << name);
  return *it;
}

double points_sum(const std::vector<pm::ScoreTerm> &terms) {
  double sum = 0;
  for (const auto &t : terms) sum += t.points;
  return sum;
}

} // namespace

// --- Severity ------------------------------------------------------------------------------

TEST_CASE("severity of a hand-made incident: every term by hand") {
  // C high: 8 × 1 = 8. Catastrophic: criticality 95 → 14 × 0.95 = 13.3. 999 records:
  // log10(1000) / log10(10,000,001) = 3 / 7.0000 = 0.428571 → 8 × 0.428571 = 3.4286.
  // Total 24.7286 → 24.7, tier low (10 ≤ 24.7 < 30).
  auto doc = doc_of(R"(, "impact": {"confidentiality": "high", "rating": "catastrophic", "records_affected": 999})");
  auto s = pm::incident_severity(doc);
  CHECK(term(s.terms, "confidentiality").points == doctest::Approx(8));
  CHECK(term(s.terms, "rating").input == 95);
  CHECK(term(s.terms, "rating").points == doctest::Approx(13.3));
  CHECK(term(s.terms, "records").points == doctest::Approx(8 * 3 / std::log10(10'000'001.0)));
  CHECK(term(s.terms, "integrity").points == 0);
  CHECK(term(s.terms, "determination").points == 0);
  CHECK(s.score == doctest::Approx(24.7));
  CHECK(s.tier == SeverityTier::low);
  CHECK(points_sum(s.terms) == doctest::Approx(24.7286).epsilon(1e-4));

  // The same incident, suspected: × 0.8 → 19.7829 → 19.8; the determination term takes
  // 24.7286 × 0.2 = 4.9457 away.
  auto suspected = pm::incident_severity(
      doc_of(R"(, "determination": "suspected", "impact": {"confidentiality": "high", "rating": "catastrophic", "records_affected": 999})"));
  CHECK(suspected.score == doctest::Approx(19.8));
  CHECK(term(suspected.terms, "determination").points == doctest::Approx(-4.9457).epsilon(1e-4));
  // A false positive: × 0.1 → 2.47 → 2.5, informational.
  auto fp = pm::incident_severity(
      doc_of(R"(, "determination": "false_positive", "impact": {"confidentiality": "high", "rating": "catastrophic", "records_affected": 999})"));
  CHECK(fp.score == doctest::Approx(2.5));
  CHECK(fp.tier == SeverityTier::informational);
}

TEST_CASE("severity: data types, scope and threat terms by hand") {
  // Data types phi (1.0) and pii (0.8): the most sensitive, 1.0, + 0.05 for the second → 1.05,
  // capped at 1 → 6. Assets: a-1 (yes, medium), a-2 (unknown, critical), a-3 (no, critical):
  // two in scope → log10(3) / log10(101) = 0.4771 / 2.0043 = 0.2380 → 6 × 0.2380 = 1.4283;
  // most critical in scope: a-2, critical → 8. Vulnerabilities: V1 exploited, 9.8; V2 not
  // exploited, 10.0 (not counted), in KEV → cvss 10 × 0.98 = 9.8; kev: an exploited one is
  // not in KEV, another is → 0.5 × 6 = 3. Total 6 + 1.4283 + 8 + 9.8 + 3 = 28.2283 → 28.2, low.
  auto doc = doc_of(R"(, "impact": {"data_types": ["phi", "pii"]})",
                    R"(, "assets": [{"id": "a-1", "name": "a", "criticality": "medium", "compromised": "yes"},
                                    {"id": "a-2", "name": "b", "criticality": "critical", "compromised": "unknown"},
                                    {"id": "a-3", "name": "c", "criticality": "critical", "compromised": "no"}],
                        "vulnerabilities": [
                          {"id": "V1", "cvss": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "exploited": true},
                          {"id": "V2", "cvss": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", "known_exploited": true}])");
  auto s = pm::incident_severity(doc);
  CHECK(term(s.terms, "data_types").points == doctest::Approx(6));
  CHECK(term(s.terms, "assets").input == 2);
  CHECK(term(s.terms, "assets").points == doctest::Approx(6 * std::log10(3.0) / std::log10(101.0)));
  CHECK(term(s.terms, "asset_criticality").points == doctest::Approx(8));
  CHECK(term(s.terms, "asset_criticality").why.find("a-2") != std::string::npos);
  CHECK(term(s.terms, "cvss").input == doctest::Approx(9.8));
  CHECK(term(s.terms, "cvss").points == doctest::Approx(9.8));
  CHECK(term(s.terms, "kev").points == doctest::Approx(3));
  CHECK(s.score == doctest::Approx(28.2));
  CHECK(s.tier == SeverityTier::low);
}

TEST_CASE("the three samples land in the tiers their facts justify") {
  // network-breach-vpn-appliance: C high 8, I high 6, A low 3, damaging 11.2, 2,300 records
  // (3.3619 / 7 × 8 = 3.84), credentials (0.8 × 6 = 4.8), 2,300 users (3.3619 / 6.0000 × 5 =
  // 2.80), 540 min down (2.7332 / 4.0035 × 5 = 3.41), loss up to 260,000 (5.4150 / 7 × 7 =
  // 5.41), supplemented 1.67, 3 assets compromised (0.6021 / 2.0043 × 6 = 1.80), critical
  // vpn-gw 8, exploited CVE-2024-3400 at CVSS 10.0 → 10, in KEV 6. Sum 75.94 → 75.9, critical:
  // an internet-facing appliance taken over through a KEV vulnerability, credentials stolen,
  // servers reached. The team declared critical too.
  auto vpn = pm::incident_severity(sample("network-breach-vpn-appliance.json"));
  CHECK(vpn.score == doctest::Approx(75.9));
  CHECK(vpn.tier == SeverityTier::critical);

  // data-exfiltration-cloud-bucket: C high 8, damaging 11.2, 48,000 records (4.6812 / 7 × 8 =
  // 5.35), pii 4.8, 48,000 users (4.6812 / 6 × 5 = 3.90), loss up to 900,000 (5.9542 / 7 × 7 =
  // 5.95), not recoverable 5, 2 assets (0.4771 / 2.0043 × 6 = 1.43), high 6; no vulnerability.
  // Sum 51.63 → 51.6, high: a large personal-data breach that cannot be undone, but no
  // system was taken over and nothing was down. Declared high.
  auto exfil = pm::incident_severity(sample("data-exfiltration-cloud-bucket.json"));
  CHECK(exfil.score == doctest::Approx(51.6));
  CHECK(exfil.tier == SeverityTier::high);

  // phishing-mfa-fatigue: C low 4, I low 3, painful 8.4, 312 records (2.4955 / 7 × 8 = 2.85),
  // pii + financial (0.8 + 0.05 = 0.85 × 6 = 5.1), 1 user (0.3010 / 6 × 5 = 0.25), no downtime,
  // loss up to 48,500 (4.6857 / 7 × 7 = 4.69), regular recovery 0, 1 asset (0.3010 / 2.0043 ×
  // 6 = 0.90), high mailbox 6. Sum 35.19 → 35.2, medium: one mailbox, fraud attempts caught,
  // no money lost. The team declared high: one tier apart, so PM410 stays silent.
  auto phish = pm::incident_severity(sample("phishing-mfa-fatigue.json"));
  CHECK(phish.score == doctest::Approx(35.2));
  CHECK(phish.tier == SeverityTier::medium);

  for (const auto *s : {&vpn, &exfil, &phish}) CHECK(points_sum(s->terms) == doctest::Approx(s->score).epsilon(0.002));
}

TEST_CASE("the policy sets weights (normalised) and tier boundaries") {
  auto doc = doc_of(R"(, "impact": {"confidentiality": "high"})");
  // Defaults: 8 points, informational.
  CHECK(pm::incident_severity(doc).score == doctest::Approx(8));
  CHECK(pm::incident_severity(doc).tier == SeverityTier::informational);
  // confidentiality 108: the weights add up to 200, so C high gives 100 × 108 / 200 = 54 → high.
  auto p = pm::Policy::parse(R"({"scoring": {"severity_weights": {"confidentiality": 108}}})");
  auto s = pm::incident_severity(doc, p);
  CHECK(s.score == doctest::Approx(54));
  CHECK(s.tier == SeverityTier::high);
  CHECK(term(s.terms, "confidentiality").weight == 108);
  // Lower the low boundary to 5: 8 is now low.
  auto t = pm::Policy::parse(R"({"scoring": {"severity_tiers": {"low": 5}}})");
  CHECK(pm::incident_severity(doc, t).tier == SeverityTier::low);
  CHECK(pm::severity_tier(70, {}) == SeverityTier::critical);
  CHECK(pm::severity_tier(69.9, {}) == SeverityTier::high);
  CHECK(pm::severity_tier(9.9, {}) == SeverityTier::informational);
}

TEST_CASE("scoring policy errors name the member and suggest the closest name") {
  auto fails_with = [](const char *text, std::string_view part) {
    CAPTURE(text);
    try {
      (void)pm::Policy::parse(text);
      FAIL("no error");
    } catch (const pm::error &e) {
      CHECK(e.code() == pm::errc::policy);
      CHECK_MESSAGE(std::string(e.what()).find(part) != std::string::npos, e.what());
    }
  };
  fails_with(R"({"scoring": {"severity_weight": {}}})", R"(did you mean "severity_weights")");
  fails_with(R"({"scoring": {"severity_weights": {"cvs": 3}}})", R"(did you mean "cvss")");
  fails_with(R"({"scoring": {"priority_tiers": {"P5": 3}}})", "unknown tier /scoring/priority_tiers/P5");
  fails_with(R"({"scoring": {"quality_weights": {"lessons": -1}}})", "/scoring/quality_weights/lessons must be a number");
  fails_with(R"({"scoring": {"severity_tiers": {"high": 80}}})", R"(the bound of "high" (80) must be below that of "critical" (70))");
  fails_with(R"({"scoring": {"priority_weights": {"impact": 0, "feasibility": 0, "addresses": 0, "vulnerability": 0, "severity": 0}}})",
             "at least one weight must be above 0");
  fails_with(R"({"scoring": []})", "/scoring must be an object");
  fails_with(R"({"scorin": {}})", R"(did you mean "scoring")");
  // Existing members keep working next to it.
  auto p = pm::Policy::parse(R"({"as_of": "2024-06-01T00:00:00Z", "scoring": {"priority_tiers": {"P1": 80}}, "x_note": 1})");
  CHECK(p.scoring.priority_tiers.at("P1") == 80);
  CHECK(p.as_of.has_value());
}

// --- Properties ----------------------------------------------------------------------------

namespace {

// A random document over every severity input, from a fixed seed.
pm::Document random_doc(std::mt19937 &rng) {
  auto pick = [&](int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); };
  auto maybe = [&] { return pick(4) != 0; };
  pm::Document d;
  d.schema = "postmortem/1";
  d.incident.emplace();
  auto &inc = *d.incident;
  inc.id = "INC-1", inc.title = "t", inc.category = pm::Category::other;
  if (maybe()) inc.determination = static_cast<pm::Determination>(pick(4));
  pm::Impact imp;
  if (maybe()) imp.confidentiality = static_cast<pm::CiaLevel>(pick(3));
  if (maybe()) imp.integrity = static_cast<pm::CiaLevel>(pick(3));
  if (maybe()) imp.availability = static_cast<pm::CiaLevel>(pick(3));
  if (maybe()) imp.rating = static_cast<pm::ImpactRating>(pick(5));
  if (maybe()) imp.records_affected = std::uniform_int_distribution<std::int64_t>(0, 50'000'000)(rng) >> pick(20);
  for (int i = pick(4); i > 0; --i) imp.data_types.push_back(static_cast<pm::DataType>(pick(8)));
  if (maybe()) imp.users_affected = std::uniform_int_distribution<std::int64_t>(0, 5'000'000)(rng) >> pick(20);
  if (maybe()) imp.downtime_minutes = std::uniform_real_distribution<double>(0, 20'000)(rng) / (1 << pick(10));
  if (maybe()) {
    pm::FinancialLoss loss;
    double a = std::uniform_real_distribution<double>(0, 2e7)(rng) / (1 << pick(16));
    loss.min = a / 2, loss.max = a;
    imp.financial_loss = loss;
  }
  if (maybe()) imp.recoverability = static_cast<pm::Recoverability>(pick(4));
  inc.impact = imp;
  for (int i = pick(5); i > 0; --i) {
    pm::Asset a;
    a.id = "a" + std::to_string(d.assets.size()), a.name = "n";
    if (maybe()) a.criticality = static_cast<pm::Criticality>(pick(4));
    if (maybe()) a.compromised = static_cast<pm::Compromised>(pick(3));
    d.assets.push_back(a);
  }
  static const char *vectors[] = {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N",
                                  "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:L/A:N", "not a vector"};
  for (int i = pick(3); i > 0; --i) {
    pm::Vulnerability v;
    v.id = "CVE-2024-" + std::to_string(1000 + d.vulnerabilities.size());
    if (maybe()) v.cvss = vectors[pick(4)];
    if (maybe()) v.exploited = pick(2) == 1;
    if (maybe()) v.known_exploited = pick(2) == 1;
    if (!d.assets.empty() && maybe()) v.asset_ids.push_back(*d.assets[static_cast<std::size_t>(pick(static_cast<int>(d.assets.size())))].id);
    d.vulnerabilities.push_back(v);
  }
  return d;
}

template <class E> void raise_enum(std::optional<E> &v, std::mt19937 &rng, int count) {
  // Absent counts as the lowest level; raise to a random level at or above the current one.
  int from = v ? static_cast<int>(*v) : 0;
  v = static_cast<E>(std::uniform_int_distribution<int>(from, count - 1)(rng));
}

// One way to raise one severity input; every mutation makes the incident at least as bad.
using Raise = std::function<void(pm::Document &, std::mt19937 &)>;

std::vector<std::pair<const char *, Raise>> severity_raises() {
  auto imp = [](pm::Document &d) -> pm::Impact & { return *d.incident->impact; };
  auto grow = [](auto &v, std::mt19937 &rng, double most) {
    using T = typename std::remove_reference_t<decltype(v)>::value_type;
    const double add = std::uniform_real_distribution<double>(0, most)(rng);
    v = static_cast<T>(static_cast<double>(v.value_or(0)) + add);
  };
  return {
      {"confidentiality", [=](pm::Document &d, std::mt19937 &r) { raise_enum(imp(d).confidentiality, r, 3); }},
      {"integrity", [=](pm::Document &d, std::mt19937 &r) { raise_enum(imp(d).integrity, r, 3); }},
      {"availability", [=](pm::Document &d, std::mt19937 &r) { raise_enum(imp(d).availability, r, 3); }},
      {"rating", [=](pm::Document &d, std::mt19937 &r) { raise_enum(imp(d).rating, r, 5); }},
      {"records", [=](pm::Document &d, std::mt19937 &r) { grow(imp(d).records_affected, r, 1e6); }},
      {"data_types", [=](pm::Document &d, std::mt19937 &r) {
         imp(d).data_types.push_back(static_cast<pm::DataType>(std::uniform_int_distribution<int>(0, 7)(r)));
       }},
      {"users", [=](pm::Document &d, std::mt19937 &r) { grow(imp(d).users_affected, r, 1e5); }},
      {"downtime", [=](pm::Document &d, std::mt19937 &r) { grow(imp(d).downtime_minutes, r, 5000); }},
      {"financial_loss", [=](pm::Document &d, std::mt19937 &r) {
         auto &f = imp(d).financial_loss;
         if (!f) f.emplace();
         grow(f->max, r, 1e6);
       }},
      {"recoverability", [=](pm::Document &d, std::mt19937 &r) {
         // recoverability is ordered regular < supplemented < extended < not_recoverable
         raise_enum(imp(d).recoverability, r, 4);
       }},
      {"add asset", [](pm::Document &d, std::mt19937 &r) {
         pm::Asset a;
         a.id = "new" + std::to_string(d.assets.size()), a.name = "n", a.compromised = pm::Compromised::yes;
         if (r() % 2) a.criticality = static_cast<pm::Criticality>(r() % 4);
         d.assets.push_back(a);
       }},
      {"asset criticality", [](pm::Document &d, std::mt19937 &r) {
         if (!d.assets.empty()) raise_enum(d.assets[r() % d.assets.size()].criticality, r, 4);
       }},
      {"asset compromised", [](pm::Document &d, std::mt19937 &r) {
         // no → unknown/absent → yes: only ever toward "in scope"
         if (!d.assets.empty()) d.assets[r() % d.assets.size()].compromised = pm::Compromised::yes;
       }},
      {"vulnerability exploited", [](pm::Document &d, std::mt19937 &r) {
         if (!d.vulnerabilities.empty()) d.vulnerabilities[r() % d.vulnerabilities.size()].exploited = true;
       }},
      {"vulnerability in KEV", [](pm::Document &d, std::mt19937 &r) {
         if (!d.vulnerabilities.empty()) d.vulnerabilities[r() % d.vulnerabilities.size()].known_exploited = true;
       }},
      {"add exploited vulnerability", [](pm::Document &d, std::mt19937 &r) {
         pm::Vulnerability v;
         v.id = "CVE-2025-" + std::to_string(1000 + d.vulnerabilities.size());
         v.cvss = r() % 2 ? "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" : "CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N";
         v.exploited = true;
         d.vulnerabilities.push_back(v);
       }},
      {"determination", [](pm::Document &d, std::mt19937 &r) {
         // more certain: false_positive < near_miss < suspected < confirmed (enum order reversed)
         auto &det = d.incident->determination;
         const int now = det ? static_cast<int>(*det) : 0;
         det = static_cast<pm::Determination>(std::uniform_int_distribution<int>(0, now)(r));
       }},
  };
}

} // namespace

TEST_CASE("property: raising any severity input never lowers the severity") {
  std::mt19937 rng(20240601); // fixed seed: the same documents every run
  const auto raises = severity_raises();
  int raised = 0;
  for (int round = 0; round < 400; ++round) {
    pm::Document doc = random_doc(rng);
    for (const auto &[label, raise] : raises) {
      const char *name = label; // clang 14 cannot capture a structured binding in CAPTURE's lambda
      pm::Document higher = doc;
      raise(higher, rng);
      const double before = pm::incident_severity(doc).score, after = pm::incident_severity(higher).score;
      CAPTURE(round);
      CAPTURE(name);
      CHECK(after >= before);
      raised += after > before;
    }
  }
  CHECK(raised > 1000); // the mutations do change scores: the property is not vacuous
}

TEST_CASE("property: an action's priority never drops when its impact, feasibility, target or the incident get worse") {
  std::mt19937 rng(7);
  int raised = 0;
  for (int round = 0; round < 300; ++round) {
    pm::Document doc = random_doc(rng);
    for (int i = 0; i < 3; ++i) {
      pm::Factor f;
      f.id = "f" + std::to_string(i), f.title = "t";
      f.kind = static_cast<pm::FactorKind>(rng() % 3);
      if (!doc.assets.empty() && rng() % 2) f.asset_ids.push_back(*doc.assets[rng() % doc.assets.size()].id);
      doc.factors.push_back(f);
    }
    pm::Action a;
    a.id = "a1", a.title = "t";
    if (rng() % 4) a.impact = 1 + static_cast<std::int64_t>(rng() % 5);
    if (rng() % 4) a.effort = 1 + static_cast<std::int64_t>(rng() % 5);
    a.addresses.push_back("f" + std::to_string(rng() % 3));
    doc.actions.push_back(a);
    const std::vector<std::pair<const char *, Raise>> raises = {
        {"impact", [](pm::Document &d, std::mt19937 &r) {
           auto &v = d.actions[0].impact;
           v = std::min<std::int64_t>(5, v.value_or(3) + static_cast<std::int64_t>(r() % 3));
         }},
        {"lower effort", [](pm::Document &d, std::mt19937 &r) {
           auto &v = d.actions[0].effort;
           v = std::max<std::int64_t>(1, v.value_or(3) - static_cast<std::int64_t>(r() % 3));
         }},
        {"address a root cause too", [](pm::Document &d, std::mt19937 &) {
           d.factors.push_back(pm::Factor{});
           d.factors.back().id = "root", d.factors.back().kind = pm::FactorKind::root_cause;
           d.actions[0].addresses.push_back("root");
         }},
        {"factor tied to an exploited KEV vulnerability", [](pm::Document &d, std::mt19937 &) {
           pm::Vulnerability v;
           v.id = "CVE-2020-0001", v.exploited = true, v.known_exploited = true;
           d.vulnerabilities.push_back(v);
           d.factors[0].why.push_back("CVE-2020-0001 was not patched");
         }},
    };
    for (const auto &[label, raise] : raises) {
      const char *name = label;
      pm::Document higher = doc;
      raise(higher, rng);
      const double before = pm::action_priorities(doc)[0].score, after = pm::action_priorities(higher)[0].score;
      CAPTURE(round);
      CAPTURE(name);
      CHECK(after >= before);
      raised += after > before;
    }
    // A worse incident raises every priority through the severity term.
    for (const auto &[label, raise] : severity_raises()) {
      const char *name = label;
      pm::Document higher = doc;
      raise(higher, rng);
      CAPTURE(name);
      CHECK(pm::action_priorities(higher)[0].score >= pm::action_priorities(doc)[0].score);
    }
  }
  CHECK(raised > 300);
}

TEST_CASE("property: scores are deterministic and survive a round trip of the document") {
  std::mt19937 rng(99);
  for (int round = 0; round < 50; ++round) {
    pm::Document doc = random_doc(rng);
    const std::string once = pm::to_json(pm::score(doc), doc);
    CHECK(pm::to_json(pm::score(doc), doc) == once);
    const pm::Document again = pm::parse(pm::to_json(doc));
    CHECK(pm::to_json(pm::score(again), again) == once);
  }
  for (const char *name : pm_test::sample_names) {
    auto doc = sample(name);
    CHECK(pm::to_json(pm::score(doc), doc) == pm::to_json(pm::score(doc), doc));
  }
}

// --- Action priority -----------------------------------------------------------------------

TEST_CASE("action priorities of the VPN sample, by hand") {
  auto doc = sample("network-breach-vpn-appliance.json");
  auto p = pm::action_priorities(doc);
  REQUIRE(p.size() == doc.actions.size());
  // Severity 75.9 → 20 × 0.759 = 15.18 for every action.
  // A3 (impact 5, effort 2, addresses root cause rc2 whose asset vpn-gw carries the exploited,
  // KEV-listed CVE-2024-3400): 35 × 1 + 15 × 0.75 + 20 × 1 + 10 × 1 + 15.18 = 91.43 → 91.4, P1.
  CHECK(p[2].action_index == 2);
  CHECK(p[2].score == doctest::Approx(91.4));
  CHECK(p[2].tier == PriorityTier::P1);
  CHECK(term(p[2].terms, "vulnerability").points == doctest::Approx(10));
  CHECK(term(p[2].terms, "vulnerability").why.find("CVE-2024-3400") != std::string::npos);
  // A1 (5, 3, root cause rc1, no vulnerability tie): 35 + 7.5 + 20 + 0 + 15.18 = 77.68 → 77.7, P1.
  CHECK(p[0].score == doctest::Approx(77.7));
  CHECK(p[0].tier == PriorityTier::P1);
  // A2 (4, 3, rc1 and cf4): 26.25 + 7.5 + 20 + 0 + 15.18 = 68.93 → 68.9, P2.
  CHECK(p[1].score == doctest::Approx(68.9));
  CHECK(p[1].tier == PriorityTier::P2);
  // A5 (3, 4, contributing cf2): 17.5 + 3.75 + 10 + 0 + 15.18 = 46.43 → 46.4, P3.
  CHECK(p[4].score == doctest::Approx(46.4));
  CHECK(p[4].tier == PriorityTier::P3);
  // action_priorities() agrees with score().
  auto s = pm::score(doc);
  for (std::size_t i = 0; i < p.size(); ++i) CHECK(s.actions[i].score == p[i].score);
}

TEST_CASE("priority: absent impact and effort count as 3; no addressed factor scores 0 there") {
  // impact 3 → 35 × 0.5 = 17.5; effort 3 → 15 × 0.5 = 7.5; nothing addressed; severity 0.
  // 25.0 → P4.
  auto doc = doc_of("", R"(, "actions": [{"id": "x", "title": "t", "addresses": ["nope"]}])");
  auto p = pm::action_priorities(doc);
  REQUIRE(p.size() == 1);
  CHECK(p[0].score == doctest::Approx(25));
  CHECK(p[0].tier == PriorityTier::P4);
  CHECK(term(p[0].terms, "impact").why.find("assumed 3") != std::string::npos);
  // P-tier boundaries come from the policy: P3 from 25.
  auto pol = pm::Policy::parse(R"({"scoring": {"priority_tiers": {"P3": 25}}})");
  CHECK(pm::action_priorities(doc, pol)[0].tier == PriorityTier::P3);
}

// --- SSVC ----------------------------------------------------------------------------------

TEST_CASE("SSVC: every row of the CISA coordinator table, from tests/data/ssvc") {
  const std::string csv = pm_test::read_file(pm_test::data_dir() / "ssvc" / "cisa_coordinator_2_0_3.csv");
  // The compiled-in table is the same file, byte for byte.
  CHECK(pm::ssvc_coordinator_table() == csv);
  std::istringstream in(csv);
  std::string line;
  std::getline(in, line);
  CHECK(line == "row,Exploitation v1.1.0,Automatable v2.0.0,Technical Impact v1.0.0,Mission and Well-Being Impact v1.0.0,"
                "CISA Levels v1.1.0 (cisa)");
  int rows = 0;
  std::map<std::string, int> outcomes;
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::stringstream ss(line);
    for (std::string cell; std::getline(ss, cell, ',');) cells.push_back(cell);
    REQUIRE(cells.size() == 6);
    CAPTURE(line);
    CHECK(cells[0] == std::to_string(rows));
    CHECK(pm::ssvc_coordinator_decision(cells[1], cells[2], cells[3], cells[4]) == cells[5]);
    ++outcomes[cells[5]];
    ++rows;
  }
  CHECK(rows == 36);
  CHECK(outcomes == std::map<std::string, int>{{"act", 4}, {"attend", 10}, {"track", 18}, {"track*", 4}});
  // Spot checks against SCORING-NOTES §7.1: active, no, total, high → act (row 29).
  CHECK(pm::ssvc_coordinator_decision("active", "no", "total", "high") == "act");
  CHECK(pm::ssvc_coordinator_decision("none", "no", "total", "high") == "track*");
  CHECK_THROWS_AS((void)pm::ssvc_coordinator_decision("poc", "no", "total", "high"), pm::error);
  try {
    (void)pm::ssvc_coordinator_decision("active", "maybe", "total", "high");
  } catch (const pm::error &e) {
    CHECK(e.code() == pm::errc::invalid_argument);
    CHECK(std::string(e.what()).find("\"maybe\"") != std::string::npos);
  }
}

TEST_CASE("SSVC decision points from the document") {
  auto doc = doc_of("", R"(, "assets": [{"id": "a1", "name": "a", "criticality": "critical"},
                                       {"id": "a2", "name": "b", "criticality": "high"},
                                       {"id": "a3", "name": "c", "criticality": "low"}],
    "vulnerabilities": [
      {"id": "V0", "cvss": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "exploited": true, "asset_ids": ["a1", "a3"]},
      {"id": "V1", "cvss": "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:L/A:N/E:P", "asset_ids": ["a2"]},
      {"id": "V2", "known_exploited": true},
      {"id": "V3", "cvss": "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U", "asset_ids": ["a3"]},
      {"id": "V4", "cvss": "CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:A/AU:Y", "asset_ids": ["a2"]}])");
  auto d = pm::ssvc_decisions(doc);
  REQUIRE(d.size() == 5);
  using P = std::vector<std::pair<std::string, std::string>>;
  // V0: exploited here → active; AV:N/AC:L/PR:N/UI:N → yes; C:H I:H → total; critical a1 → high: act (row 35).
  CHECK(d[0].points == P{{"exploitation", "active"}, {"automatable", "yes"}, {"technical_impact", "total"}, {"mission_wellbeing", "high"}});
  CHECK(d[0].decision == "act");
  // V1: E:P → public poc; UI:R → no; I:L → partial; high a2 → medium: track (row 13).
  CHECK(d[1].points == P{{"exploitation", "public poc"}, {"automatable", "no"}, {"technical_impact", "partial"}, {"mission_wellbeing", "medium"}});
  CHECK(d[1].decision == "track");
  // V2: KEV → active; no vector → no, partial; no asset → medium: track (row 25).
  CHECK(d[2].points == P{{"exploitation", "active"}, {"automatable", "no"}, {"technical_impact", "partial"}, {"mission_wellbeing", "medium"}});
  CHECK(d[2].decision == "track");
  CHECK(d[2].reasons[1].find("no CVSS vector") != std::string::npos);
  // V3 (v4): E:U → none; AV:N/AC:L/AT:N/PR:N/UI:N → yes; VC:H VI:H → total; low a3 → low: track (row 9).
  CHECK(d[3].points == P{{"exploitation", "none"}, {"automatable", "yes"}, {"technical_impact", "total"}, {"mission_wellbeing", "low"}});
  CHECK(d[3].decision == "track");
  // V4 (v4): E:A → active; AU:Y (supplemental) → yes although AV:L; total; medium: act (row 34).
  CHECK(d[4].points == P{{"exploitation", "active"}, {"automatable", "yes"}, {"technical_impact", "total"}, {"mission_wellbeing", "medium"}});
  CHECK(d[4].decision == "act");
  CHECK(d[4].reasons[1].find("AU:Y") != std::string::npos);

  auto vpn = pm::score(sample("network-breach-vpn-appliance.json"));
  REQUIRE(vpn.vulnerabilities.size() == 1);
  CHECK(vpn.vulnerabilities[0].decision == "act");
}

// --- Quality -------------------------------------------------------------------------------

TEST_CASE("quality of the samples, by hand") {
  // VPN: 12 events, detection and containment known 15; 2 root causes with why-chains 15;
  // 10 of 10 impact members 10; both root causes addressed by measurable owned actions 20;
  // 3 lessons 10; 3 of 3 evidence items hashed with custody 10; 4 teams and a held review
  // 10; 1 of 2 done actions (A1 done, A3 verified) has a verification → 5. Total 95.
  auto vpn = pm::quality(sample("network-breach-vpn-appliance.json"));
  CHECK(vpn.score == doctest::Approx(95));
  CHECK(term(vpn.terms, "verification").points == doctest::Approx(5));
  // Exfiltration: impact 9 of 10 (no downtime) → 9; evidence 1 of 2 (ev-repo has no hash) → 5;
  // 2 done actions, none verified → 0. 15 + 15 + 9 + 20 + 10 + 5 + 10 + 0 = 84.
  auto exfil = pm::quality(sample("data-exfiltration-cloud-bucket.json"));
  CHECK(exfil.score == doctest::Approx(84));
  CHECK(term(exfil.terms, "evidence").points == doctest::Approx(5));
  // Phishing: all full except verification, 1 of 3 done actions (act1 verified; act2, act5
  // done) → 10 / 3 = 3.33. Total 93.33 → 93.3.
  auto phish = pm::quality(sample("phishing-mfa-fatigue.json"));
  CHECK(phish.score == doctest::Approx(93.3));

  // An empty post-mortem: timeline 0, no root cause 0, no impact 0, actions 0, lessons 0,
  // evidence 0, review 0, and verification full (nothing done to verify): 10.
  auto empty = pm::quality(doc_of(""));
  CHECK(empty.score == doctest::Approx(10));
  for (const auto &t : empty.terms) CHECK((t.name == "verification" ? t.points == 10 : t.points == 0));
}

// --- PM410 ---------------------------------------------------------------------------------

TEST_CASE("PM410: declared severity two or more tiers from the computed one") {
  auto codes = [](const pm::Document &doc, const pm::Policy &p = {}) {
    std::vector<pm::Finding> out;
    for (auto &f : pm::validate(doc, p))
      if (f.code == "PM410") out.push_back(f);
    return out;
  };
  // Computed 8 (C high only): informational. Declared medium: 2 tiers → reported.
  auto two = codes(doc_of(R"(, "declared_severity": "medium", "impact": {"confidentiality": "high"})"));
  REQUIRE(two.size() == 1);
  CHECK(two[0].path == "/incident/declared_severity");
  CHECK(two[0].severity == pm::Severity::warning);
  CHECK(two[0].message.find("declared severity is medium, but the computed severity is informational (score 8.0") != std::string::npos);
  CHECK(two[0].message.find("confidentiality 8.0") != std::string::npos);
  // Declared low: 1 tier → nothing.
  CHECK(codes(doc_of(R"(, "declared_severity": "low", "impact": {"confidentiality": "high"})")).empty());
  // No impact assessment: nothing (PM404 reports that).
  CHECK(codes(doc_of(R"(, "declared_severity": "critical")")).empty());
  // Turned off by the policy.
  CHECK(codes(doc_of(R"(, "declared_severity": "medium", "impact": {"confidentiality": "high"})"),
              pm::Policy::parse(R"({"rules": {"PM410": "off"}})"))
            .empty());
  // The tier boundaries of the policy apply: with low from 5, 8 is low, one tier from medium.
  CHECK(codes(doc_of(R"(, "declared_severity": "medium", "impact": {"confidentiality": "high"})"),
              pm::Policy::parse(R"({"scoring": {"severity_tiers": {"low": 5}}})"))
            .empty());
  // The samples: declared critical/high/high, computed critical/high/medium → nothing.
  for (const char *name : pm_test::sample_names) CHECK(codes(sample(name)).empty());
}

// --- JSON ----------------------------------------------------------------------------------

TEST_CASE("JSON form") {
  auto doc = sample("network-breach-vpn-appliance.json");
  const json::value v = json::parse(pm::to_json(pm::score(doc), doc));
  const auto &o = v.as_object();
  CHECK(o.at("severity").at("score").as_double() == doctest::Approx(75.9));
  CHECK(o.at("severity").at("tier").as_string() == "critical");
  CHECK(o.at("severity").at("declared").as_string() == "critical");
  CHECK(o.at("severity").at("tiers_apart").as_int64() == 0);
  const auto &t0 = o.at("severity").at("terms").as_array()[0].as_object();
  CHECK(t0.at("name").as_string() == "confidentiality");
  for (const char *k : {"input", "level", "weight", "points", "why"}) CHECK(t0.contains(k));
  CHECK(o.at("quality").at("score").as_int64() == 95);
  const auto &a3 = o.at("actions").as_array()[2].as_object();
  CHECK(a3.at("id").as_string() == "A3");
  CHECK(a3.at("index").as_int64() == 2);
  CHECK(a3.at("tier").as_string() == "P1");
  const auto &v0 = o.at("vulnerabilities").as_array()[0].as_object();
  CHECK(v0.at("id").as_string() == "CVE-2024-3400");
  CHECK(v0.at("decision").as_string() == "act");
  CHECK(v0.at("table").as_string() == "cisa_coordinator_2_0_3");
  CHECK(v0.at("points").as_array().size() == 4);
  CHECK(v0.at("points").as_array()[0].at("value").as_string() == "active");
  // Pretty output is the same value.
  CHECK(json::parse(pm::to_json(pm::score(doc), doc, {.pretty = true})) == v);
}
