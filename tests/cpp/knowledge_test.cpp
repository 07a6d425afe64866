// The ATT&CK and KEV knowledge tables (postmortem/knowledge.hpp): the built-in tables against
// the data files they are generated from, the upstream-format loaders, the policy's
// `knowledge` member, and what validation (PM111, PM112, PM114, PM115) and scoring make of
// them. Expected values are taken from data/attack/*.tsv and data/kev/*.json (ATT&CK
// Enterprise v18.1, KEV catalog 2025.08.25; counts as in data/README.md).
#include <postmortem/knowledge.hpp> // first: the header must be self-contained

#include "support.hpp"

#include <postmortem/document.hpp>
#include <postmortem/policy.hpp>
#include <postmortem/score.hpp>
#include <postmortem/validate.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace pm = postmortem;
using pm::errc;

namespace {

std::filesystem::path data(const char *relative) { return pm_test::source_dir() / "data" / relative; }

std::string techniques_tsv() { return pm_test::read_file(data("attack/enterprise_techniques_v18.1.tsv")); }
std::string tactics_tsv() { return pm_test::read_file(data("attack/enterprise_tactics_v18.1.tsv")); }
std::string kev_json() { return pm_test::read_file(data("kev/known_exploited_vulnerabilities.json")); }
std::string stix_bundle() { return pm_test::read_file(pm_test::data_dir() / "knowledge" / "attack-bundle.json"); }

/// A JSON string literal of a path (for policies).
std::string json_path(const std::filesystem::path &p) {
  std::string out = "\"";
  for (char c : p.string()) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::vector<pm::Finding> findings_of(const std::string &doc, const pm::Policy &policy, std::string_view code) {
  std::vector<pm::Finding> out;
  for (auto &f : pm::validate(pm::parse(doc, policy), policy))
    if (f.code == code) out.push_back(f);
  return out;
}

std::string doc_with_techniques(const std::string &incident_techniques, const std::string &timeline = "[]") {
  return pm_test::minimal_doc(R"(, "techniques": )" + incident_techniques, R"(, "timeline": )" + timeline);
}

const pm::ScoreTerm &term(const std::vector<pm::ScoreTerm> &terms, std::string_view name) {
  auto it = std::ranges::find(terms, name, &pm::ScoreTerm::name);
  REQUIRE(it != terms.end());
  return *it;
}

} // namespace

TEST_CASE("the built-in ATT&CK tables have the counts of data/README.md") {
  const pm::Knowledge &k = pm::builtin_knowledge();
  CHECK(k.attack_source() == "ATT&CK Enterprise v18.1");
  CHECK(k.techniques().size() == 835);
  const auto revoked = std::ranges::count_if(k.techniques(), [](const auto &t) { return t.revoked; });
  const auto deprecated = std::ranges::count_if(k.techniques(), [](const auto &t) { return t.deprecated; });
  const auto active = std::ranges::count_if(k.techniques(), [](const auto &t) { return !t.revoked && !t.deprecated; });
  const auto active_sub = std::ranges::count_if(k.techniques(), [](const auto &t) { return !t.revoked && !t.deprecated && t.is_sub; });
  CHECK(active == 691);
  CHECK(active_sub == 475);
  CHECK(revoked == 132);
  CHECK(deprecated == 12);
  CHECK(std::ranges::is_sorted(k.techniques(), {}, &pm::Technique::id));
  // Every tactic a technique names is in the tactic table.
  for (const auto &t : k.techniques()) {
    CAPTURE(t.id);
    CHECK(!t.tactics.empty());
    CHECK(pm::is_technique_id(t.id));
  }

  REQUIRE(k.tactics().size() == 14);
  const char *matrix_order[] = {"reconnaissance", "resource-development", "initial-access", "execution", "persistence",
                                "privilege-escalation", "defense-evasion", "credential-access", "discovery",
                                "lateral-movement", "collection", "command-and-control", "exfiltration", "impact"};
  for (std::size_t i = 0; i < 14; ++i) CHECK(k.tactics()[i].shortname == matrix_order[i]);
  CHECK(k.tactics()[0].id == "TA0043");
  CHECK(k.tactics()[13].id == "TA0040");
}

TEST_CASE("technique and tactic lookups") {
  const pm::Knowledge &k = pm::builtin_knowledge();
  // TSV row: T1566.001 Spearphishing Attachment True False False initial-access
  const pm::Technique *t = k.find_technique("T1566.001");
  REQUIRE(t != nullptr);
  CHECK(t->name == "Spearphishing Attachment");
  CHECK(t->is_sub);
  CHECK_FALSE(t->revoked);
  CHECK_FALSE(t->deprecated);
  CHECK(t->tactics == "initial-access");
  CHECK(t->has_tactic("initial-access"));
  CHECK_FALSE(t->has_tactic("initial"));
  CHECK(t->revoked_by.empty());
  // T1193 Spearphishing Attachment False True False initial-access: revoked (its replacement is
  // not in the TSV; two active techniques have its name: T1566.001 initial-access and
  // T1598.002 reconnaissance)
  const pm::Technique *r = k.find_technique("T1193");
  REQUIRE(r != nullptr);
  CHECK(r->revoked);
  CHECK_FALSE(r->deprecated);
  CHECK(r->revoked_by.empty());
  // T1064 Scripting False False True defense-evasion,execution
  const pm::Technique *d = k.find_technique("T1064");
  REQUIRE(d != nullptr);
  CHECK(d->deprecated);
  CHECK(d->has_tactic("defense-evasion"));
  CHECK(d->has_tactic("execution"));
  // T1078 Valid Accounts: four tactics
  CHECK(k.find_technique("T1078")->tactics == "defense-evasion,persistence,privilege-escalation,initial-access");
  CHECK(k.find_technique("T1999") == nullptr);
  CHECK(k.find_technique("t1566.001") == nullptr); // ids are case-sensitive
  // Non-ASCII names survive generation: T1055.013 Process Doppelgänging.
  CHECK(pm::technique_name("T1055.013") == "Process Doppelg\xc3\xa4nging");
  CHECK(pm::technique_name("T1566") == "Phishing");
  CHECK(pm::technique_name("T0000").empty());

  REQUIRE(k.find_tactic("initial-access") != nullptr);
  CHECK(k.find_tactic("initial-access")->id == "TA0001");
  CHECK(k.find_tactic("Initial Access") == nullptr);
  CHECK(k.find_tactic_id("TA0011")->shortname == "command-and-control");
  CHECK(pm::tactic_name("command-and-control") == "Command and Control");

  CHECK(pm::is_technique_id("T1566"));
  CHECK(pm::is_technique_id("T1566.001"));
  CHECK_FALSE(pm::is_technique_id("T156"));
  CHECK_FALSE(pm::is_technique_id("T1566.01"));
  CHECK_FALSE(pm::is_technique_id("t1566"));
  CHECK_FALSE(pm::is_technique_id("T1566-001"));
}

TEST_CASE("the built-in KEV table has the catalog's entries and fields") {
  const pm::Knowledge &k = pm::builtin_knowledge();
  CHECK(k.kev_source() == "CISA KEV 2025.08.25");
  CHECK(k.kev().size() == 1404);
  CHECK(std::ranges::count(k.kev(), std::string_view("Known"), &pm::KevEntry::known_ransomware) == 293);
  CHECK(std::ranges::count(k.kev(), std::string_view("Unknown"), &pm::KevEntry::known_ransomware) == 1111);
  CHECK(std::ranges::is_sorted(k.kev(), {}, &pm::KevEntry::cve_id));
  // From the feed: CVE-2023-46805, Ivanti, Connect Secure and Policy Secure, dateAdded
  // 2024-01-10, dueDate 2024-01-22, knownRansomwareCampaignUse Unknown.
  const pm::KevEntry *e = k.find_kev("CVE-2023-46805");
  REQUIRE(e != nullptr);
  CHECK(e->vendor_project == "Ivanti");
  CHECK(e->product == "Connect Secure and Policy Secure");
  CHECK(e->vulnerability_name == "Ivanti Connect Secure and Policy Secure Authentication Bypass Vulnerability");
  CHECK(e->date_added == "2024-01-10");
  CHECK(e->due_date == "2024-01-22");
  CHECK(e->known_ransomware == "Unknown");
  CHECK(k.find_kev("cve-2023-46805") == e); // CVE ids compare case-insensitively
  // CVE-2021-34527 (Print Spooler): added 2021-11-03, due 2021-07-20, before it was added.
  const pm::KevEntry *p = k.find_kev("CVE-2021-34527");
  REQUIRE(p != nullptr);
  CHECK(p->date_added == "2021-11-03");
  CHECK(p->due_date == "2021-07-20");
  CHECK(p->known_ransomware == "Known");
  CHECK(k.find_kev("CVE-1999-0001") == nullptr);
  CHECK(k.find_kev("") == nullptr);
}

TEST_CASE("the loaders read the shipped files into the same tables as the built-in ones") {
  const pm::Knowledge &builtin = pm::builtin_knowledge();
  pm::Knowledge k;
  k.load_attack_tsv(techniques_tsv(), tactics_tsv());
  k.load_kev_json(kev_json());
  CHECK(k.attack_source() == "ATT&CK TSV");
  CHECK(k.kev_source() == "CISA KEV 2025.08.25");
  REQUIRE(k.techniques().size() == builtin.techniques().size());
  for (std::size_t i = 0; i < k.techniques().size(); ++i) {
    const auto &a = k.techniques()[i], &b = builtin.techniques()[i];
    CAPTURE(b.id);
    CHECK(a.id == b.id);
    CHECK(a.name == b.name);
    CHECK(a.is_sub == b.is_sub);
    CHECK(a.revoked == b.revoked);
    CHECK(a.deprecated == b.deprecated);
    CHECK(a.tactics == b.tactics);
  }
  REQUIRE(k.tactics().size() == builtin.tactics().size());
  for (std::size_t i = 0; i < k.tactics().size(); ++i) {
    CHECK(k.tactics()[i].id == builtin.tactics()[i].id);
    CHECK(k.tactics()[i].shortname == builtin.tactics()[i].shortname);
    CHECK(k.tactics()[i].name == builtin.tactics()[i].name);
  }
  REQUIRE(k.kev().size() == builtin.kev().size());
  for (std::size_t i = 0; i < k.kev().size(); ++i) {
    const auto &a = k.kev()[i], &b = builtin.kev()[i];
    CAPTURE(b.cve_id);
    CHECK(a.cve_id == b.cve_id);
    CHECK(a.vendor_project == b.vendor_project);
    CHECK(a.product == b.product);
    CHECK(a.vulnerability_name == b.vulnerability_name);
    CHECK(a.date_added == b.date_added);
    CHECK(a.due_date == b.due_date);
    CHECK(a.known_ransomware == b.known_ransomware);
  }
  // A copy outlives the original and keeps its loaded text.
  pm::Knowledge copy;
  {
    pm::Knowledge tmp;
    tmp.load_kev_json(R"({"catalogVersion": "x", "vulnerabilities": [{"cveID": "CVE-2099-0001", "dateAdded": "2099-01-01"}]})");
    copy = tmp;
  }
  REQUIRE(copy.kev().size() == 1);
  CHECK(copy.find_kev("CVE-2099-0001")->date_added == "2099-01-01");
  CHECK(copy.kev_source() == "CISA KEV x");
  CHECK(copy.techniques().size() == 835); // the ATT&CK tables stay built-in
}

TEST_CASE("load_attack_stix reads techniques, tactics and revoked-by replacements from a STIX bundle") {
  pm::Knowledge k;
  k.load_attack_stix(stix_bundle());
  CHECK(k.attack_source() == "ATT&CK STIX bundle");
  REQUIRE(k.techniques().size() == 6); // the CAPEC-only attack-pattern is skipped
  std::vector<std::string_view> ids;
  for (const auto &t : k.techniques()) ids.push_back(t.id);
  CHECK(ids == std::vector<std::string_view>{"T1059.001", "T1064", "T1086", "T1193", "T1566", "T1566.001"});
  const pm::Technique *t1193 = k.find_technique("T1193");
  REQUIRE(t1193 != nullptr);
  CHECK(t1193->revoked);
  CHECK(t1193->revoked_by == "T1566.001");
  CHECK(k.find_technique("T1086")->revoked_by == "T1059.001");
  CHECK(k.find_technique("T1566.001")->is_sub);
  CHECK(k.find_technique("T1566.001")->revoked_by.empty());
  CHECK(k.find_technique("T1064")->deprecated);
  CHECK(k.find_technique("T1064")->tactics == "defense-evasion,execution");
  // Tactics in the matrix's order, not the objects'.
  REQUIRE(k.tactics().size() == 3);
  CHECK(k.tactics()[0].shortname == "reconnaissance");
  CHECK(k.tactics()[1].shortname == "initial-access");
  CHECK(k.tactics()[1].id == "TA0001");
  CHECK(k.tactics()[1].name == "Initial Access");
  CHECK(k.tactics()[2].shortname == "execution");
  CHECK(k.kev().size() == 1404); // KEV untouched
}

TEST_CASE("the loaders reject input that is not in their format, and keep the tables") {
  pm::Knowledge k;
  CHECK_THROWS_WITH_AS(k.load_kev_json("{"), "KEV catalog: not valid JSON: incomplete JSON", pm::error);
  CHECK_THROWS_WITH_AS(k.load_kev_json(R"({"title": "x"})"),
                       R"(KEV catalog: no "vulnerabilities" array (not the CISA KEV feed format))", pm::error);
  CHECK_THROWS_WITH_AS(k.load_kev_json(R"({"vulnerabilities": [{"cveID": "CVE-2024-0001"}, {"vendorProject": "x"}]})"),
                       "KEV catalog: /vulnerabilities/1 has no cveID", pm::error);
  CHECK_THROWS_WITH_AS(k.load_attack_stix("[]"),
                       R"(ATT&CK STIX bundle: the top level must be an object with an "objects" array)", pm::error);
  CHECK_THROWS_WITH_AS(k.load_attack_stix(R"({"type": "bundle", "objects": []})"),
                       "ATT&CK STIX bundle: no attack-pattern object with a mitre-attack technique id", pm::error);
  CHECK_THROWS_WITH_AS(k.load_attack_tsv("id\tname\n", tactics_tsv()),
                       R"(ATT&CK techniques TSV: the first line must be the header "id", "name", "is_sub", "revoked", "deprecated", "tactics")",
                       pm::error);
  CHECK_THROWS_WITH_AS(k.load_attack_tsv("id\tname\tis_sub\trevoked\tdeprecated\ttactics\nT1566\tPhishing\tno\tFalse\tFalse\tinitial-access\n", tactics_tsv()),
                       R"(ATT&CK techniques TSV, line 2: is_sub is "no"; expected True or False)", pm::error);
  try {
    k.load_kev_json("[]");
  } catch (const pm::error &e) {
    CHECK(e.code() == errc::format);
  }
  CHECK(k.techniques().size() == 835);
  CHECK(k.kev().size() == 1404);
}

TEST_CASE("policy `knowledge` loads newer upstream files; errors name the file") {
  const auto bundle = pm_test::data_dir() / "knowledge" / "attack-bundle.json";
  const auto kev = data("kev/known_exploited_vulnerabilities.json");
  pm::Policy p = pm::Policy::parse(R"({"knowledge": {"attack": )" + json_path(bundle) + R"(, "kev": )" + json_path(kev) + "}}");
  REQUIRE(p.knowledge != nullptr);
  CHECK(&pm::knowledge_of(p) == p.knowledge.get());
  CHECK(pm::knowledge_of(p).techniques().size() == 6);
  CHECK(pm::knowledge_of(p).kev().size() == 1404);
  CHECK(&pm::knowledge_of(pm::Policy{}) == &pm::builtin_knowledge());

  // The TSV pair.
  pm::Policy tsv = pm::Policy::parse(R"({"knowledge": {"attack_techniques": )" +
                                     json_path(data("attack/enterprise_techniques_v18.1.tsv")) + R"(, "attack_tactics": )" +
                                     json_path(data("attack/enterprise_tactics_v18.1.tsv")) + "}}");
  CHECK(pm::knowledge_of(tsv).attack_source() == "ATT&CK TSV");
  CHECK(pm::knowledge_of(tsv).techniques().size() == 835);

  CHECK_THROWS_WITH_AS(pm::Policy::parse(R"({"knowledge": {"kev": "/nonexistent/kev.json"}})"),
                       R"(policy: /knowledge/kev: cannot read "/nonexistent/kev.json": No such file or directory)", pm::error);
  CHECK_THROWS_WITH_AS(pm::Policy::parse(R"({"knowledge": {"kev": )" + json_path(bundle) + "}}"),
                       (R"(policy: /knowledge/kev: )" + json_path(bundle) +
                        R"(: KEV catalog: no "vulnerabilities" array (not the CISA KEV feed format))").c_str(),
                       pm::error);
  CHECK_THROWS_WITH_AS(pm::Policy::parse(R"({"knowledge": {"kevv": "x"}})"),
                       R"(policy: unknown member /knowledge/kevv (did you mean "kev"?))", pm::error);
  CHECK_THROWS_WITH_AS(pm::Policy::parse(R"({"knowledge": {"kev": 1}})"),
                       "policy: /knowledge/kev must be a file path (a non-empty string)", pm::error);
  CHECK_THROWS_WITH_AS(pm::Policy::parse(R"({"knowledge": {"attack_techniques": "a.tsv"}})"),
                       "policy: /knowledge/attack_techniques and /knowledge/attack_tactics go together (the two TSV files)",
                       pm::error);
  CHECK_THROWS_WITH_AS(pm::Policy::parse(R"({"knowledge": "x"})"),
                       R"(policy: /knowledge must be an object such as {"attack": "enterprise-attack.json", "kev": "known_exploited_vulnerabilities.json"})",
                       pm::error);
  try {
    pm::Policy::parse(R"({"knowledge": {"kev": "/nonexistent/kev.json"}})");
  } catch (const pm::error &e) {
    CHECK(e.code() == errc::policy);
  }
}

TEST_CASE("PM111: malformed and unknown technique ids") {
  const pm::Policy policy = pm::Policy::parse(R"({"as_of": "2024-06-01T00:00:00Z"})");
  auto f = findings_of(doc_with_techniques(R"(["T1566.001", "t1566.001", "phishing", "T1999", "T1110.005"])"), policy, "PM111");
  REQUIRE(f.size() == 4);
  CHECK(f[0].path == "/incident/techniques/1");
  CHECK(f[0].severity == pm::Severity::warning);
  CHECK(f[0].message ==
        R"(the incident has technique "t1566.001", which is not an ATT&CK technique id (T and 4 digits, optionally a dot and 3 digits, e.g. T1566.001); did you mean T1566.001 "Spearphishing Attachment"?)");
  CHECK(f[1].path == "/incident/techniques/2");
  CHECK(f[1].message.find(R"("phishing", which is not an ATT&CK technique id)") != std::string::npos);
  CHECK(f[2].message == "the incident has technique T1999, which is not in ATT&CK Enterprise v18.1");
  CHECK(f[3].message ==
        R"(the incident has technique T1110.005, which is not in ATT&CK Enterprise v18.1 (its parent technique T1110 "Brute Force" exists))");
  // Timeline events too; the policy's tables decide what is known.
  auto e = findings_of(doc_with_techniques("[]", R"([{"id": "e1", "time": "2024-01-01T00:00:00Z", "type": "other", "description": "d", "technique": "T1078"}])"),
                       policy, "PM111");
  CHECK(e.empty());
  pm::Policy stix = policy;
  auto k = std::make_shared<pm::Knowledge>();
  k->load_attack_stix(stix_bundle());
  stix.knowledge = k;
  e = findings_of(doc_with_techniques("[]", R"([{"id": "e1", "time": "2024-01-01T00:00:00Z", "type": "other", "description": "d", "technique": "T1078"}])"),
                  stix, "PM111");
  REQUIRE(e.size() == 1);
  CHECK(e[0].path == "/timeline/0/technique");
  CHECK(e[0].message == "event e1 has technique T1078, which is not in ATT&CK STIX bundle");
}

TEST_CASE("PM112: revoked and deprecated techniques, with the replacement when known") {
  const pm::Policy policy = pm::Policy::parse(R"({"as_of": "2024-06-01T00:00:00Z"})");
  auto f = findings_of(doc_with_techniques(R"(["T1193", "T1064", "T1566.001", "T1156"])"), policy, "PM112");
  REQUIRE(f.size() == 3);
  CHECK(f[0].path == "/incident/techniques/0");
  CHECK(f[0].message ==
        R"(the incident has technique T1193 "Spearphishing Attachment", which is revoked in ATT&CK Enterprise v18.1; the active technique of the same name is T1566.001 "Spearphishing Attachment")");
  CHECK(f[1].message ==
        R"(the incident has technique T1064 "Scripting", which is deprecated in ATT&CK Enterprise v18.1 (no longer maintained, with no replacement))");
  // T1156 "Malicious Shell Modification" is revoked; no active technique has its name.
  CHECK(f[2].path == "/incident/techniques/3");
  CHECK(f[2].message.find("revoked in ATT&CK Enterprise v18.1; the tables do not say what replaced it") != std::string::npos);

  // A STIX-loaded table knows the replacement from the revoked-by relationship.
  pm::Policy stix = policy;
  auto k = std::make_shared<pm::Knowledge>();
  k->load_attack_stix(stix_bundle());
  stix.knowledge = k;
  f = findings_of(doc_with_techniques(R"(["T1086"])"), stix, "PM112");
  REQUIRE(f.size() == 1);
  CHECK(f[0].message == R"(the incident has technique T1086 "PowerShell", which is revoked in ATT&CK STIX bundle; it was replaced by T1059.001 "PowerShell")");
}

TEST_CASE("PM115: tactics that are not short names, with a suggestion") {
  const pm::Policy policy = pm::Policy::parse(R"({"as_of": "2024-06-01T00:00:00Z"})");
  auto event = [](const char *tactic) {
    return std::string(R"({"id": "e1", "time": "2024-01-01T00:00:00Z", "type": "other", "description": "d", "tactic": ")") + tactic + R"("})";
  };
  auto f = findings_of(doc_with_techniques("[]", "[" + event("Initial Access") + "," + event("TA0011") + "," + event("lateral_movement") + "," +
                                                     event("exfiltraton") + "," + event("initial-access") + "," + event("kill-chain") + "]"),
                       policy, "PM115");
  REQUIRE(f.size() == 5);
  CHECK(f[0].path == "/timeline/0/tactic");
  CHECK(f[0].message == R"(event e1 has tactic "Initial Access", which is not an ATT&CK tactic short name (did you mean "initial-access"?))");
  CHECK(f[1].message.find(R"((did you mean "command-and-control"?))") != std::string::npos);
  CHECK(f[2].message.find(R"((did you mean "lateral-movement"?))") != std::string::npos);
  CHECK(f[3].message.find(R"((did you mean "exfiltration"?))") != std::string::npos);
  CHECK(f[4].path == "/timeline/5/tactic");
  CHECK(f[4].message == R"(event e1 has tactic "kill-chain", which is not an ATT&CK tactic short name)");
}

TEST_CASE("PM114: a KEV-listed vulnerability not marked known_exploited") {
  const pm::Policy policy = pm::Policy::parse(R"({"as_of": "2024-06-01T00:00:00Z"})");
  auto doc = [](const char *vulns) { return pm_test::minimal_doc("", std::string(R"(, "vulnerabilities": )") + vulns); };
  auto f = findings_of(doc(R"([{"id": "CVE-2023-46805"}, {"id": "CVE-2021-34527", "known_exploited": false},
                               {"id": "CVE-2024-3400", "known_exploited": true}, {"id": "CVE-1999-0001"}])"),
                       policy, "PM114");
  REQUIRE(f.size() == 2);
  CHECK(f[0].path == "/vulnerabilities/0");
  CHECK(f[0].severity == pm::Severity::warning);
  // KEV: CVE-2023-46805 dateAdded 2024-01-10, dueDate 2024-01-22.
  CHECK(f[0].message ==
        "vulnerability CVE-2023-46805 (Ivanti Connect Secure and Policy Secure Authentication Bypass Vulnerability) is listed in "
        "CISA KEV 2025.08.25: added 2024-01-10, remediation due 2024-01-22; but its known_exploited is absent");
  // KEV: CVE-2021-34527 dateAdded 2021-11-03, dueDate 2021-07-20, knownRansomwareCampaignUse Known.
  CHECK(f[1].path == "/vulnerabilities/1/known_exploited");
  CHECK(f[1].message.find("added 2021-11-03, remediation due 2021-07-20, known to be used in ransomware campaigns; but its "
                          "known_exploited is false") != std::string::npos);
  // Off by policy.
  pm::Policy off = policy;
  off.set_rule("PM114=off");
  CHECK(findings_of(doc(R"([{"id": "CVE-2023-46805"}])"), off, "PM114").empty());
}

TEST_CASE("scoring uses the KEV catalog when the document does not say") {
  const pm::Policy policy = pm::Policy::parse(R"({"as_of": "2024-06-01T00:00:00Z"})");
  auto load = [&](const char *vuln) { return pm::parse(pm_test::minimal_doc("", std::string(R"(, "vulnerabilities": [)") + vuln + "]"), policy); };

  // Absent known_exploited, listed in KEV: counts as KEV, and says so with the date.
  auto absent = pm::score(load(R"({"id": "CVE-2023-46805"})"), policy);
  const auto &kev = term(absent.severity.terms, "kev");
  CHECK(kev.level == 0.5);
  CHECK(kev.why ==
        "a vulnerability is listed in CISA KEV, but was not exploited here (0.5): CVE-2023-46805 is listed in CISA KEV (added 2024-01-10)");
  REQUIRE(absent.vulnerabilities.size() == 1);
  CHECK(absent.vulnerabilities[0].points[0] == std::pair<std::string, std::string>{"exploitation", "active"});
  CHECK(absent.vulnerabilities[0].reasons[0] == "listed in CISA KEV (added 2024-01-10)");

  auto exploited = pm::score(load(R"({"id": "CVE-2023-46805", "exploited": true})"), policy);
  CHECK(term(exploited.severity.terms, "kev").level == 1.0);
  CHECK(term(exploited.severity.terms, "kev").why ==
        "an exploited vulnerability is listed in CISA KEV: CVE-2023-46805 is listed in CISA KEV (added 2024-01-10)");

  // The document's word wins: explicit false is not KEV (PM114 reports the contradiction).
  auto denied = pm::score(load(R"({"id": "CVE-2023-46805", "known_exploited": false})"), policy);
  CHECK(term(denied.severity.terms, "kev").level == 0);
  CHECK(denied.vulnerabilities[0].points[0].second == "none");

  // Explicit true: as before, no date.
  auto stated = pm::score(load(R"({"id": "CVE-2023-46805", "known_exploited": true})"), policy);
  CHECK(term(stated.severity.terms, "kev").why == "a vulnerability is listed in CISA KEV, but was not exploited here (0.5)");
  CHECK(stated.vulnerabilities[0].reasons[0] == "listed in CISA KEV");

  // Not in the catalog: nothing.
  auto unlisted = pm::score(load(R"({"id": "CVE-1999-0001"})"), policy);
  CHECK(term(unlisted.severity.terms, "kev").level == 0);

  // A policy with another catalog decides.
  pm::Policy other = policy;
  auto k = std::make_shared<pm::Knowledge>();
  k->load_kev_json(R"({"catalogVersion": "t", "vulnerabilities": [{"cveID": "CVE-1999-0001", "dateAdded": "2030-01-02"}]})");
  other.knowledge = k;
  CHECK(term(pm::score(load(R"({"id": "CVE-1999-0001"})"), other).severity.terms, "kev").why.find("(added 2030-01-02)") !=
        std::string::npos);
  CHECK(term(pm::score(load(R"({"id": "CVE-2023-46805"})"), other).severity.terms, "kev").level == 0);
}
