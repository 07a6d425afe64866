#include "corpus_synth.hpp"

#include <postmortem/time.hpp>

#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>
#include <string_view>

namespace pm_bench {

namespace {

namespace json = boost::json;

// ---------------------------------------------------------------------------------------
// Randomness: splitmix64, and our own uniform/normal draws so that the corpus is the same
// bytes with every standard library.

struct Rng {
  std::uint64_t state;
  explicit Rng(std::uint64_t seed) : state(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  std::size_t below(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(next() % n); }
  bool chance(double p) { return uniform() < p; }
  double normal() {
    const double u1 = std::max(uniform(), 1e-300), u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  double lognormal(double median, double sigma) { return median * std::exp(sigma * normal()); }
  template <class T, std::size_t N> const T &pick(const std::array<T, N> &a) { return a[below(N)]; }
  // An index drawn with the given weights.
  template <std::size_t N> std::size_t weighted(const std::array<int, N> &w) {
    int total = std::accumulate(w.begin(), w.end(), 0);
    int r = static_cast<int>(below(static_cast<std::size_t>(total)));
    for (std::size_t i = 0; i < N; ++i)
      if ((r -= w[i]) < 0) return i;
    return N - 1;
  }
};

std::uint64_t mix(std::uint64_t seed, std::uint64_t a, std::uint64_t b) {
  Rng r(seed ^ (a * 0x9e3779b97f4a7c15ull) ^ (b * 0xc2b2ae3d27d4eb4full));
  r.next();
  return r.next();
}

// ---------------------------------------------------------------------------------------
// Calendar.

// The library's calendar (postmortem/time.hpp).
using postmortem::civil_from_days;
using postmortem::days_from_civil;
using Civil = postmortem::CivilDate;

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// RFC 3339 with the given offset in minutes (0 is written `Z`): the same instant.
std::string iso_time(std::int64_t t, int offset_minutes = 0) {
  const std::int64_t local = t + offset_minutes * 60;
  const std::int64_t day = floor_div(local, 86400), rem = local - day * 86400;
  const Civil c = civil_from_days(day);
  std::string out = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", c.year, c.month, c.day, rem / 3600, rem / 60 % 60, rem % 60);
  if (offset_minutes == 0) return out + 'Z';
  const int a = std::abs(offset_minutes);
  return out + fmt::format("{}{:02}:{:02}", offset_minutes < 0 ? '-' : '+', a / 60, a % 60);
}

const std::int64_t kFirstDay = days_from_civil(2021, 6, 1);
const std::int64_t kLastDay = days_from_civil(2024, 5, 20); // detections up to here
const std::int64_t kAsOfDay = days_from_civil(2024, 6, 1);  // the benchmark's as_of
const std::int64_t kAsOf = kAsOfDay * 86400;

// ---------------------------------------------------------------------------------------
// Vocabulary.

constexpr std::array<const char *, 13> kCategories = {
    "network_breach", "phishing", "malware", "ransomware", "data_exfiltration", "credential_compromise",
    "denial_of_service", "insider_threat", "misconfiguration", "web_application_attack", "supply_chain",
    "lost_or_stolen_device", "other"};
constexpr std::array<int, 13> kCategoryWeights = {7, 18, 10, 6, 6, 12, 5, 4, 10, 9, 3, 5, 5};
constexpr std::array<const char *, 13> kCategoryTitles = {
    "Intrusion through {}", "Phishing campaign against {} users", "Malware outbreak on {}", "Ransomware on {}",
    "Data exfiltration from {}", "Compromised credentials used on {}", "DDoS against {}", "Insider misuse of {}",
    "Misconfigured {} exposed data", "Web application attack on {}", "Compromised vendor update for {}",
    "Lost laptop with access to {}", "Suspicious activity on {}"};

// ATT&CK techniques seen per incident category (all in the built-in v18.1 table).
const std::array<std::vector<const char *>, 13> kTechniques = {{
    {"T1133", "T1190", "T1021.001", "T1021.002", "T1003.001", "T1078"},
    {"T1566.001", "T1566.002", "T1204.001", "T1204.002", "T1078", "T1114.002"},
    {"T1204.002", "T1059.001", "T1547.001", "T1105", "T1071.001"},
    {"T1486", "T1490", "T1021.001", "T1078", "T1489", "T1566.001"},
    {"T1567.002", "T1048", "T1041", "T1530", "T1078"},
    {"T1078", "T1110.003", "T1110.001", "T1621", "T1556", "T1078.004"},
    {"T1498", "T1499", "T1498.001"},
    {"T1078", "T1052.001", "T1567.002", "T1213"},
    {"T1530", "T1078.004", "T1580"},
    {"T1190", "T1505.003", "T1083", "T1059.001"},
    {"T1195.002", "T1195.001", "T1199"},
    {},
    {"T1078", "T1199", "T1534"},
}};

constexpr std::array<const char *, 40> kSystems = {
    "orion",  "atlas",   "hermes", "vega",     "nova",   "apollo",  "zephyr",    "titan",  "lyra",    "cygnus",
    "draco",  "phoenix", "pegasus", "sirius",  "rigel",  "altair",  "polaris",   "andromeda", "helios", "selene",
    "kronos", "gaia",    "juno",   "mercury",  "saturn", "neptune", "pluto",     "ceres",  "europa",  "callisto",
    "ganymede", "triton", "umbra", "quasar",   "pulsar", "nebula",  "comet",     "meteor", "aurora",  "boreas"};

constexpr std::array<const char *, 5> kFactorCategories = {"technical", "process", "human", "organizational", "external"};
constexpr std::array<int, 5> kFactorCategoryWeights = {45, 25, 15, 10, 5};

// A factor title: words separated by spaces. `{a|b}` is a word in forms the Snowball English
// stemmer reduces to one stem; `~w` a stop word of docs/corpus.md that a re-phrasing may drop;
// `$` the system (the unique token). The action line is the usual remedy; `$` likewise.
struct Template {
  const char *category, *title, *action, *tag;
};

constexpr std::array<Template, 48> kTemplates = {{
    {"technical", "Service {account|accounts} {passwords|password} on $ were ~not {rotated|rotating}", "Rotate service account passwords on $ every 90 days", "credentials"},
    {"technical", "{Patches|Patch} for internet-facing $ ~not {applied|applying}", "Patch internet-facing $ within the KEV deadline", "patching"},
    {"technical", "MFA ~not {enforced|enforcing} on VPN {gateway|gateways} $", "Enforce phishing-resistant MFA on the $ VPN", "mfa"},
    {"technical", "Legacy {protocols|protocol} {enabled|enabling} on $", "Disable legacy authentication protocols on $", "hardening"},
    {"technical", "EDR agent {disabled|disabling} on $ {hosts|host}", "Alert when the EDR agent stops reporting on $", "edr"},
    {"technical", "{Logs|Log} from $ ~not {forwarded|forwarding} to SIEM", "Forward $ logs to the SIEM", "logging"},
    {"technical", "{Backups|Backup} of $ ~not {tested|testing}", "Test restores of $ backups quarterly", "backup"},
    {"technical", "Firewall {rules|rule} on $ {allowed|allowing} inbound RDP", "Remove inbound RDP rules from $ firewalls", "network"},
    {"technical", "Storage {bucket|buckets} $ {exposed|exposing} to ~the internet", "Block public access on $ storage buckets", "cloud"},
    {"technical", "TLS {certificate|certificates} on $ {expired|expiring}", "Automate certificate renewal for $", "certificates"},
    {"technical", "Default {credentials|credential} ~on $ ~not {changed|changing}", "Replace default credentials on $", "credentials"},
    {"technical", "Network {segment|segments} ~for $ ~not {isolated|isolating}", "Isolate the $ network segment", "network"},
    {"technical", "API {tokens|token} for $ {stored|storing} in source {repositories|repository}", "Move $ API tokens to the secrets vault", "secrets"},
    {"technical", "Outdated {libraries|library} in $ {builds|build}", "Add dependency scanning to the $ pipeline", "dependencies"},
    {"technical", "{Alerts|Alert} for $ {suppressed|suppressing} by tuning {rules|rule}", "Review suppression rules for $ alerts", "detection"},
    {"technical", "Admin {interface|interfaces} of $ {exposed|exposing} ~without MFA", "Put the $ admin interface behind SSO", "mfa"},
    {"technical", "{Endpoints|Endpoint} in $ ~not {encrypted|encrypting}", "Enforce disk encryption on $ endpoints", "encryption"},
    {"technical", "Rate {limits|limit} ~on $ login ~not {configured|configuring}", "Configure login rate limits on $", "hardening"},
    {"technical", "Macro {execution|executions} {allowed|allowing} on $ {workstations|workstation}", "Block Office macros from the internet on $", "hardening"},
    {"technical", "DNS {records|record} for $ {dangling|dangled}", "Remove dangling DNS records for $", "dns"},
    {"process", "~No {review|reviews} of privileged {accounts|account} ~for $", "Review privileged accounts on $ quarterly", "access"},
    {"process", "Offboarding {checklist|checklists} for $ ~not {enforced|enforcing}", "Automate $ deprovisioning from HR events", "access"},
    {"process", "Change {requests|request} for $ {approved|approving} ~without {testing|tests}", "Require a test plan for $ changes", "change"},
    {"process", "Vulnerability {scans|scan|scanning} of $ ~not {scheduled|scheduling}", "Schedule weekly vulnerability scans of $", "vulnerability-management"},
    {"process", "Vendor access to $ ~not {revoked|revoking}", "Expire vendor accounts on $ after each engagement", "third-party"},
    {"process", "Incident {runbook|runbooks} for $ outdated", "Rewrite the $ incident runbook", "runbooks"},
    {"process", "Asset {inventory|inventories} missing $ {servers|server}", "Reconcile the asset inventory with $", "inventory"},
    {"process", "Emergency {patch|patches|patching} {process|processes} skipped ~for $", "Enforce the emergency patch process for $", "patching"},
    {"process", "Access {requests|request} for $ ~not {validated|validating}", "Require manager approval for $ access", "access"},
    {"process", "Firewall {changes|change} on $ ~not {reviewed|reviewing}", "Review $ firewall changes weekly", "change"},
    {"human", "Analyst {dismissed|dismissing} $ {alerts|alert} as benign", "Add $ alert triage to the analyst playbook", "training"},
    {"human", "{Employees|Employee} {approved|approving} fraudulent MFA {prompts|prompt} for $", "Enable number matching for $ MFA", "mfa"},
    {"human", "Administrator {reused|reusing} {passwords|password} ~on $", "Issue a password manager to $ administrators", "credentials"},
    {"human", "Engineer {misconfigured|misconfiguring} $ {permissions|permission}", "Peer review $ permission changes", "training"},
    {"human", "Developer {committed|committing} {secrets|secret} ~for $ to public {repositories|repository}", "Enable secret scanning for $ repositories", "secrets"},
    {"human", "{Users|User} {clicked|clicking} phishing {links|link} ~for $", "Run phishing simulations for $ users", "training"},
    {"human", "Helpdesk {reset|resets|resetting} MFA ~for $ ~without {verification|verifications}", "Require video verification for $ MFA resets", "training"},
    {"organizational", "~No {owner|owners} ~for $ {platform|platforms}", "Assign an accountable owner for $", "ownership"},
    {"organizational", "{Budget|Budgets} ~for $ {upgrade|upgrades} {deferred|deferring}", "Fund the $ upgrade this fiscal year", "budget"},
    {"organizational", "$ {decommissioning|decommissioned} {stalled|stalling}", "Finish decommissioning $", "ownership"},
    {"organizational", "Unclear {responsibility|responsibilities} ~for $ {patching|patches}", "Define patch responsibilities for $ in the RACI", "ownership"},
    {"organizational", "Security {review|reviews} ~for $ {launch|launches} {skipped|skipping}", "Make security review a launch gate for $", "governance"},
    {"external", "Upstream {vendor|vendors} {shipped|shipping} {compromised|compromising} $ {updates|update}", "Verify signatures of $ vendor updates", "third-party"},
    {"external", "ISP {outage|outages} {affected|affecting} $", "Add a second uplink for $", "resilience"},
    {"external", "Managed service {provider|providers} {credentials|credential} ~for $ {leaked|leaking}", "Rotate MSP credentials for $", "third-party"},
    {"external", "Third-party $ {library|libraries} {backdoored|backdooring}", "Pin and verify $ third-party libraries", "dependencies"},
    {"external", "Cloud {provider|providers} {misconfigured|misconfiguring} $ {defaults|default}", "Override provider defaults for $", "cloud"},
    {"external", "SaaS {vendor|vendors} {breached|breaching} ~for $ {tenant|tenants}", "Review the $ SaaS vendor's security attestations", "third-party"},
}};

constexpr std::array<const char *, 28> kControls = {
    "CIS 5.4",  "CIS 6.3",   "CIS 6.5",   "CIS 7.1",   "CIS 7.4",   "CIS 8.2",     "CIS 12.2",
    "CIS 13.1", "CIS 4.1",   "CIS 3.3",   "CIS 11.3",  "CIS 14.2",  "CIS 16.1",    "CIS 10.1",
    "NIST AC-2", "NIST IA-2(1)", "NIST SI-2", "NIST AU-6", "NIST CM-6", "NIST SC-7", "NIST AC-17",
    "NIST IR-4", "ISO A.8.8", "ISO A.5.15", "ISO A.8.16", "ISO A.5.19", "PCI 8.4.2", "SOC2 CC6.1"};

constexpr std::array<const char *, 6> kMitigating = {
    "EDR blocked the second-stage payload", "SOC analyst escalated within 15 minutes",
    "Backups were immutable and recent", "Network segmentation limited lateral movement",
    "MFA stopped the second login attempt", "DLP rule quarantined the outbound archive"};

// Titles of further actions on a factor, by action type (`$`: the system).
constexpr std::array<const char *, 7> kOtherActions = {
    "Add $ to the quarterly control review", "Add a detection for misuse of $", "Restrict access to $ until the fix ships",
    "Update the $ response playbook", "Document restore steps for $", "Train the $ operators on the new procedure",
    "Add a sign-off step for $ changes"};

// Stop words documented in docs/corpus.md: a re-phrasing may add them anywhere.
constexpr std::array<const char *, 8> kStopWords = {"a", "the", "on", "for", "not", "without", "was", "no"};

constexpr std::array<const char *, 15> kTeams = {
    "Identity & Access", "Cloud Platform",  "Network Engineering", "Endpoint Security", "Security Operations",
    "Application Security", "IT Operations", "Data Platform",     "GRC",               "People Operations",
    "Legal",             "DevOps",          "Vendor Management",   "Corporate IT",      "Security Awareness"};
constexpr std::array<const char *, 40> kFirst = {
    "Alice", "Bruno", "Chen", "Dana", "Emeka", "Fatima", "Gabriel", "Hana", "Ivan", "Jamal", "Keiko", "Lars", "Maria", "Noor",
    "Omar", "Priya", "Quentin", "Rosa", "Sven", "Tariq", "Uma", "Victor", "Wen", "Ximena", "Yusuf", "Zoe", "Amir", "Bea",
    "Carlos", "Divya", "Elena", "Femi", "Greta", "Hugo", "Ines", "Jonas", "Kofi", "Lena", "Mateo", "Nadia"};
constexpr std::array<const char *, 40> kLast = {
    "Adams", "Baptiste", "Costa", "Dubois", "Eze", "Fischer", "Garcia", "Haddad", "Ito", "Jensen", "Kowalski", "Larsen",
    "Moreau", "Nakamura", "Okafor", "Petrov", "Quinn", "Rossi", "Silva", "Tanaka", "Ueda", "Varga", "Weber", "Xu", "Yilmaz",
    "Zhang", "Andersen", "Bianchi", "Cohen", "Diaz", "Evans", "Ferreira", "Gupta", "Horvat", "Ibrahim", "Jovanovic", "Kim",
    "Lopez", "Mensah", "Novak"};

struct Person {
  std::string name;
  std::size_t team;
};

const std::vector<Person> &people() {
  static const std::vector<Person> list = [] {
    std::vector<Person> out;
    Rng r(20240601);
    std::vector<std::size_t> order(kFirst.size() * kLast.size());
    std::iota(order.begin(), order.end(), 0);
    for (std::size_t i = order.size() - 1; i > 0; --i) std::swap(order[i], order[r.below(i + 1)]);
    for (std::size_t i = 0; i < 200; ++i)
      out.push_back({fmt::format("{} {}", kFirst[order[i] / kLast.size()], kLast[order[i] % kLast.size()]), r.below(kTeams.size())});
    return out;
  }();
  return list;
}

// A template's words, parsed once.
struct Token {
  enum Kind { word, stop, system } kind;
  std::vector<std::string> forms;
};

const std::vector<std::vector<Token>> &parsed_templates() {
  static const std::vector<std::vector<Token>> all = [] {
    std::vector<std::vector<Token>> out;
    for (const Template &t : kTemplates) {
      std::vector<Token> tokens;
      std::string_view s = t.title;
      while (!s.empty()) {
        const std::size_t sp = s.find(' ');
        std::string_view w = s.substr(0, sp);
        s = sp == std::string_view::npos ? std::string_view{} : s.substr(sp + 1);
        if (w == "$") tokens.push_back({Token::system, {}});
        else if (w.front() == '~') tokens.push_back({Token::stop, {std::string(w.substr(1))}});
        else if (w.front() == '{') {
          Token tok{Token::word, {}};
          std::string_view inner = w.substr(1, w.size() - 2);
          while (true) {
            const std::size_t bar = inner.find('|');
            tok.forms.emplace_back(inner.substr(0, bar));
            if (bar == std::string_view::npos) break;
            inner = inner.substr(bar + 1);
          }
          tokens.push_back(std::move(tok));
        } else tokens.push_back({Token::word, {std::string(w)}});
      }
      out.push_back(std::move(tokens));
    }
    return out;
  }();
  return all;
}

std::vector<std::size_t> templates_of(std::string_view category) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < kTemplates.size(); ++i)
    if (category == kTemplates[i].category) out.push_back(i);
  return out;
}

// ---------------------------------------------------------------------------------------
// The skeleton: what pass 1 decides for every incident (dates, factors, plants), so that pass
// 2 can render an earlier incident knowing that a later one re-uses its root cause.

struct Concept {
  std::uint16_t tpl = 0, system = 0, category = 0;
  std::int16_t control = -1; ///< index into kControls, or -1
  std::uint32_t serial = 0;  ///< the unique number
};

struct FactorPlan {
  std::uint32_t concept_id = 0;
  bool root = true;          ///< root_cause, else contributing
  bool planted = false;      ///< a re-phrasing of an earlier incident's factor
  bool targeted = false;     ///< a later incident re-uses it
};

struct IncidentPlan {
  std::int64_t detected = 0; ///< seconds since the epoch
  std::size_t category = 0;
  std::vector<FactorPlan> factors;
  bool mitigating = false;
  int planted_factor = -1;
  std::size_t planted_from = 0;
  int planted_from_factor = -1;
  bool declared = false;
  std::size_t unmatched_of = SIZE_MAX;
};

std::string system_name(const Concept &c) { return fmt::format("{}-{}", kSystems[c.system], c.serial); }

std::string capitalize(std::string s) {
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

std::string canonical_title(const Concept &c) {
  std::string out;
  for (const Token &t : parsed_templates()[c.tpl]) {
    if (!out.empty()) out += ' ';
    if (t.kind == Token::system) out += system_name(c);
    else out += t.forms[0]; // the grammatical form
  }
  return capitalize(out);
}

std::string to_case(std::string s, int mode) {
  bool start = true;
  for (char &ch : s) {
    const bool letter = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
    if (mode == 0 && ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
    if (mode == 1 && ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
    if (mode == 2 && start && ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
    start = !letter && !(ch >= '0' && ch <= '9');
  }
  return s;
}

// The same concept said differently: the key of docs/corpus.md does not change. Word order,
// case, punctuation, the form of each word (plural, tense) and the stop words vary.
std::string rephrased_title(const Concept &c, Rng &rng) {
  std::vector<std::string> words;
  std::size_t system_at = 0;
  for (const Token &t : parsed_templates()[c.tpl]) {
    if (t.kind == Token::stop) {
      if (rng.chance(0.5)) words.push_back(t.forms[0]);
      continue;
    }
    if (t.kind == Token::system) {
      system_at = words.size();
      constexpr std::array<const char *, 6> styles = {"{}-{}", "{}-{}", "{}_{}", "{} {}", "({}-{})", "'{}-{}'"};
      words.push_back(fmt::format(fmt::runtime(rng.pick(styles)), kSystems[c.system], c.serial));
      continue;
    }
    words.push_back(t.forms[rng.below(t.forms.size())]);
  }
  for (std::size_t k = rng.below(3); k > 0; --k) {
    const auto at = static_cast<std::ptrdiff_t>(rng.below(words.size() + 1));
    words.insert(words.begin() + at, rng.pick(kStopWords));
    if (static_cast<std::size_t>(at) <= system_at) ++system_at;
  }
  constexpr std::array<int, 4> order_w = {40, 25, 20, 15};
  switch (rng.weighted(order_w)) {
  case 0: break; // the same order
  case 1:        // the system first, as a heading
    std::rotate(words.begin(), words.begin() + static_cast<std::ptrdiff_t>(system_at),
                words.begin() + static_cast<std::ptrdiff_t>(system_at) + 1);
    words[0] += ':';
    break;
  case 2: { // two neighbours swapped
    const std::size_t at = rng.below(words.size() - 1);
    std::swap(words[at], words[at + 1]);
    break;
  }
  default: // shuffled
    for (std::size_t i = words.size() - 1; i > 0; --i) std::swap(words[i], words[rng.below(i + 1)]);
    break;
  }
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i > 0) {
      constexpr std::array<const char *, 10> seps = {" ", " ", " ", " ", " ", " ", " ", ", ", " - ", " / "};
      out += rng.pick(seps);
    }
    out += words[i];
  }
  constexpr std::array<const char *, 5> ends = {"", "", "", ".", "!"};
  out += rng.pick(ends);
  constexpr std::array<int, 4> case_w = {25, 10, 25, 40};
  const int mode = static_cast<int>(rng.weighted(case_w)); // lower, UPPER, Title, as it was
  return mode == 3 ? capitalize(out) : to_case(out, mode);
}

std::string canonical_control(const Concept &c) { return fmt::format("{} {}", kControls[static_cast<std::size_t>(c.control)], system_name(c)); }

// The control re-spelt: case, and the runs of spaces, `-` and `_` between its parts.
std::string rephrased_control(const Concept &c, Rng &rng) {
  const std::string canon = canonical_control(c);
  std::vector<std::string> parts;
  std::string cur;
  for (char ch : canon) {
    if (ch == ' ' || ch == '-' || ch == '_') {
      if (!cur.empty()) parts.push_back(std::move(cur)), cur.clear();
    } else cur += ch;
  }
  if (!cur.empty()) parts.push_back(cur);
  constexpr std::array<const char *, 6> seps = {" ", "-", "_", "  ", " - ", "_-"};
  std::string out = rng.chance(0.2) ? " " : "";
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? rng.pick(seps) : "") + parts[i];
  if (rng.chance(0.2)) out += "_";
  return to_case(out, static_cast<int>(rng.below(2)));
}

// ---------------------------------------------------------------------------------------
// Rendering one incident.

struct Rendered {
  std::string text;
  std::vector<SynthFactor> factors;
  std::vector<SynthAction> actions;
};

int pick_offset(Rng &rng) {
  if (!rng.chance(0.12)) return 0;
  constexpr std::array<int, 6> offsets = {60, 120, -300, -240, 330, 540};
  return rng.pick(offsets);
}


Rendered render(const std::string &id, const IncidentPlan &plan, const std::vector<Concept> &concepts,
                const std::vector<std::string> &ids, Rng &rng) {
  Rendered out;
  const std::size_t cat = plan.category;
  const std::string_view category = kCategories[cat];
  const std::int64_t td = plan.detected;
  const std::int64_t td_day = floor_div(td, 86400);
  const auto &techniques = kTechniques[cat];

  // Lifecycle: dwell, containment and recovery times with long tails.
  const std::int64_t dwell = std::max<std::int64_t>(60, static_cast<std::int64_t>(rng.lognormal(3 * 86400.0, 1.6)));
  const std::int64_t started = td - dwell;
  const std::int64_t reported = td + std::max<std::int64_t>(60, static_cast<std::int64_t>(rng.lognormal(1800.0, 1.2)));
  std::int64_t contained = td + std::max<std::int64_t>(300, static_cast<std::int64_t>(rng.lognormal(10 * 3600.0, 1.3)));
  std::int64_t eradicated = contained + std::max<std::int64_t>(600, static_cast<std::int64_t>(rng.lognormal(86400.0, 1.0)));
  std::int64_t recovered = contained + std::max<std::int64_t>(1800, static_cast<std::int64_t>(rng.lognormal(2 * 86400.0, 1.1)));
  const std::int64_t closed = recovered + static_cast<std::int64_t>(rng.lognormal(14 * 86400.0, 0.6));
  const bool has_contained = contained < kAsOf - 3600, has_eradicated = eradicated < kAsOf - 3600,
             has_recovered = recovered < kAsOf - 3600, has_closed = closed < kAsOf - 3600;

  // Timeline: 1-2 attacker events, the detection, then 1-5 response events.
  json::array timeline;
  std::size_t event_no = 0;
  auto event = [&](std::int64_t t, const char *type, std::string description, const char *source,
                   const char *technique = nullptr, bool key = false) {
    json::object e;
    e["id"] = fmt::format("e{}", ++event_no);
    e["time"] = iso_time(t, pick_offset(rng));
    if (rng.chance(0.1)) e["precision"] = "minute";
    e["type"] = type;
    e["description"] = std::move(description);
    e["source"] = source;
    if (technique) e["technique"] = technique;
    if (key) e["key"] = true;
    timeline.push_back(std::move(e));
  };
  const Concept &head = concepts[plan.factors.front().concept_id];
  const std::string head_system = system_name(head);
  std::vector<std::string> seen_techniques;
  const std::size_t attacker_events = rng.chance(0.4) ? 2 : 1;
  for (std::size_t k = 0; k < attacker_events; ++k) {
    const char *tech = nullptr;
    if (!techniques.empty() && rng.chance(0.8)) tech = techniques[rng.below(techniques.size())];
    if (tech && std::find(seen_techniques.begin(), seen_techniques.end(), tech) == seen_techniques.end())
      seen_techniques.emplace_back(tech);
    constexpr std::array<const char *, 6> what = {"First malicious sign-in to {}", "Initial access on {} from 185.220.101.{}",
                                                  "Payload executed on {} (pid {})", "Suspicious process tree on {} (pid {})",
                                                  "Attacker enumerated shares from {} at 10.20.{}.7",
                                                  "Outbound transfer from {} to 203.0.113.{}"};
    constexpr std::array<const char *, 5> sources = {"EDR", "SIEM", "Entra ID sign-in log", "firewall", "proxy"};
    const std::int64_t when = k == 0 ? started : started + static_cast<std::int64_t>(static_cast<double>(dwell) * rng.uniform() * 0.9);
    const char *pattern = rng.pick(what);
    std::string description = fmt::format(fmt::runtime(pattern), head_system, rng.below(250) + 2);
    event(when, "attacker_activity", std::move(description), rng.pick(sources), tech);
  }
  {
    constexpr std::array<const char *, 4> what = {"EDR alert on {} escalated by the SOC", "SIEM correlation rule fired for {}",
                                                  "User reported suspicious behaviour of {}", "Threat hunt found indicators on {}"};
    const char *type = rng.chance(0.6) ? "alert" : "detection";
    event(td, type, fmt::format(fmt::runtime(rng.pick(what)), head_system), "SIEM", nullptr, true);
  }
  struct Post {
    const char *type;
    std::int64_t time;
    const char *text;
  };
  std::vector<Post> post = {
      {"triage", td + std::max<std::int64_t>(60, static_cast<std::int64_t>(rng.lognormal(1200, 1.0))), "Analyst triaged the alert"},
      {"escalation", reported, "Escalated to the incident commander"},
      {"containment", contained, "Isolated the affected hosts and disabled the account"},
      {"analysis", td + static_cast<std::int64_t>(rng.lognormal(3 * 3600.0, 1.0)), "Forensic analysis of memory and disk images"},
      {"eradication", eradicated, "Removed persistence and reset credentials"},
      {"recovery", recovered, "Restored service from clean images"},
      {"communication", td + static_cast<std::int64_t>(rng.lognormal(6 * 3600.0, 1.0)), "Status update to leadership"},
      {"notification", td + static_cast<std::int64_t>(rng.lognormal(2 * 86400.0, 0.8)), "Notified the regulator"},
  };
  std::erase_if(post, [](const Post &p) { return p.time >= kAsOf - 3600; });
  const std::size_t post_events = std::min(post.size(), 1 + rng.below(5));
  // Keep a random subset, in chronological order.
  for (std::size_t i = post.size(); i > post_events; --i) post.erase(post.begin() + static_cast<std::ptrdiff_t>(rng.below(post.size())));
  std::sort(post.begin(), post.end(), [](const Post &a, const Post &b) { return a.time < b.time; });
  for (const Post &p : post) event(p.time, p.type, p.text, rng.chance(0.5) ? "ticket" : "interview");

  // Incident.
  json::object incident;
  incident["id"] = id;
  incident["title"] = fmt::format(fmt::runtime(kCategoryTitles[cat]), head_system);
  incident["summary"] = fmt::format("{} detected on {} after {} of attacker activity; {}.", capitalize(std::string(category)),
                                    iso_day(td_day), dwell >= 86400 ? fmt::format("{} days", dwell / 86400) : "less than a day",
                                    has_recovered ? "service was restored" : "recovery is still in progress");
  incident["category"] = category;
  constexpr std::array<int, 3> det_w = {90, 7, 3};
  constexpr std::array<const char *, 3> dets = {"confirmed", "suspected", "near_miss"};
  const std::size_t det = rng.weighted(det_w);
  if (det != 0 || rng.chance(0.3)) incident["determination"] = dets[det];
  constexpr std::array<const char *, 5> severities = {"critical", "high", "medium", "low", "informational"};
  constexpr std::array<int, 5> sev_w = {8, 25, 40, 20, 7};
  if (rng.chance(0.85)) incident["declared_severity"] = severities[rng.weighted(sev_w)];
  incident["status"] = has_closed && rng.chance(0.6) ? "closed" : has_recovered ? "recovered" : has_contained ? "contained" : "open";
  constexpr std::array<const char *, 7> discovery = {"internal_detection", "internal_detection", "internal_report", "threat_hunting",
                                                     "audit", "external_notification", "unknown"};
  incident["discovery_method"] = rng.pick(discovery);
  if (!seen_techniques.empty() && rng.chance(0.5)) {
    json::array t;
    for (const auto &s : seen_techniques) t.emplace_back(s);
    incident["techniques"] = std::move(t);
  }
  if (rng.chance(0.6)) {
    constexpr std::array<const char *, 8> tags = {"pci", "gdpr", "crown-jewels", "cloud", "third-party", "after-hours", "exec-visible", "tabletop-gap"};
    json::array t;
    t.emplace_back(rng.pick(tags));
    if (rng.chance(0.4)) t.emplace_back(rng.pick(tags));
    if (t.size() == 2 && t[0] == t[1]) t.pop_back();
    incident["tags"] = std::move(t);
  }
  json::array recurrence_of;
  if (plan.planted_factor >= 0 && plan.declared) recurrence_of.emplace_back(ids[plan.planted_from]);
  if (plan.unmatched_of != SIZE_MAX) recurrence_of.emplace_back(ids[plan.unmatched_of]);
  if (!recurrence_of.empty()) incident["recurrence_of"] = std::move(recurrence_of);
  if (rng.chance(0.6)) {
    constexpr std::array<const char *, 4> actor_types = {"external", "external", "internal", "unknown"};
    constexpr std::array<const char *, 5> motives = {"financial", "financial", "espionage", "convenience", "unknown"};
    json::object actor{{"type", rng.pick(actor_types)}, {"motive", rng.pick(motives)}};
    if (rng.chance(0.3)) actor["name"] = fmt::format("UNC{}", 1000 + rng.below(9000));
    incident["actor"] = std::move(actor);
  }
  constexpr std::array<const char *, 4> tlps = {"clear", "green", "amber", "red"};
  if (rng.chance(0.5)) incident["tlp"] = rng.pick(tlps);
  json::object milestones;
  if (rng.chance(0.85)) milestones["started_at"] = iso_time(started, pick_offset(rng));
  if (rng.chance(0.9)) milestones["detected_at"] = iso_time(td, pick_offset(rng));
  if (rng.chance(0.4)) milestones["reported_at"] = iso_time(reported, pick_offset(rng));
  if (has_contained && rng.chance(0.8)) milestones["contained_at"] = iso_time(contained, pick_offset(rng));
  if (has_eradicated && rng.chance(0.3)) milestones["eradicated_at"] = iso_time(eradicated, pick_offset(rng));
  if (has_recovered && rng.chance(0.65)) milestones["recovered_at"] = iso_time(recovered, pick_offset(rng));
  if (has_closed && rng.chance(0.3)) milestones["closed_at"] = iso_time(closed, pick_offset(rng));
  if (!milestones.empty()) incident["milestones"] = std::move(milestones);
  if (rng.chance(0.7)) {
    constexpr std::array<const char *, 3> cia = {"none", "low", "high"};
    constexpr std::array<const char *, 5> ratings = {"insignificant", "distracting", "painful", "damaging", "catastrophic"};
    json::object impact{{"confidentiality", rng.pick(cia)}, {"integrity", rng.pick(cia)}, {"availability", rng.pick(cia)},
                        {"rating", rng.pick(ratings)}};
    if (rng.chance(0.4)) {
      impact["records_affected"] = static_cast<std::int64_t>(rng.lognormal(2000, 2.0));
      constexpr std::array<const char *, 4> types = {"pii", "credentials", "financial", "intellectual_property"};
      impact["data_types"] = json::array{rng.pick(types)};
    }
    if (rng.chance(0.3)) impact["downtime_minutes"] = static_cast<std::int64_t>(rng.lognormal(120, 1.5));
    if (rng.chance(0.2)) {
      const double lo = std::round(rng.lognormal(20000, 1.2));
      impact["financial_loss"] = json::object{{"min", lo}, {"max", std::round(lo * (1.5 + rng.uniform()))}, {"currency", "USD"}};
    }
    incident["impact"] = std::move(impact);
  }

  // Factors.
  json::array factors;
  std::vector<std::uint8_t> grouped; // indices into `factors` of root causes and contributing factors
  std::vector<bool> targeted;
  for (const FactorPlan &fp : plan.factors) {
    const Concept &c = concepts[fp.concept_id];
    SynthFactor sf;
    sf.id = fmt::format("f{}", factors.size() + 1);
    sf.kind = fp.root ? "root_cause" : "contributing";
    sf.category = kFactorCategories[c.category];
    sf.title = fp.planted ? rephrased_title(c, rng) : canonical_title(c);
    if (c.control >= 0) sf.control = fp.planted ? rephrased_control(c, rng) : canonical_control(c);
    sf.concept_id = fp.concept_id;
    json::object f{{"id", sf.id}, {"kind", sf.kind}, {"category", sf.category}, {"title", sf.title}};
    if (rng.chance(0.25))
      f["description"] = fmt::format("Found during the review of {}: the weakness let the attacker reach {}.", id, system_name(c));
    if (rng.chance(0.15))
      f["why"] = json::array{"The attacker got in", fmt::format("{} was exposed", system_name(c)), "Nobody owned the control"};
    if (fp.root && rng.chance(0.7)) f["event_ids"] = json::array{"e1"};
    if (!sf.control.empty()) f["control"] = sf.control;
    if (rng.chance(0.5)) f["tags"] = json::array{kTemplates[c.tpl].tag};
    grouped.push_back(static_cast<std::uint8_t>(out.factors.size()));
    targeted.push_back(fp.targeted);
    out.factors.push_back(std::move(sf));
    factors.push_back(std::move(f));
  }
  if (plan.mitigating)
    factors.push_back(json::object{{"id", fmt::format("f{}", factors.size() + 1)}, {"kind", "mitigating"},
                                   {"category", "technical"}, {"title", rng.pick(kMitigating)}});

  // Actions: 1-5, most addressing one factor (in order), some two.
  json::array actions;
  constexpr std::array<int, 5> count_w = {25, 30, 25, 12, 8};
  const std::size_t n_actions = 1 + rng.weighted(count_w);
  const std::int64_t age = kAsOfDay - td_day;
  const std::size_t nf = out.factors.size();
  for (std::size_t k = 0; k < n_actions; ++k) {
    SynthAction sa;
    sa.id = fmt::format("a{}", k + 1);
    const std::size_t first = k < nf ? k : rng.below(nf);
    sa.addresses.push_back(static_cast<std::uint8_t>(first));
    if (nf > 1 && rng.chance(0.1)) {
      const std::size_t second = (first + 1 + rng.below(nf - 1)) % nf;
      sa.addresses.push_back(static_cast<std::uint8_t>(second));
    }
    const Concept &c = concepts[plan.factors[first].concept_id];
    constexpr std::array<const char *, 7> types = {"prevent", "detect", "mitigate", "respond", "recover", "train", "process"};
    constexpr std::array<int, 7> type_w = {40, 15, 15, 5, 5, 10, 10};
    const std::size_t type_index = rng.weighted(type_w);
    const char *type = types[type_index];
    constexpr std::array<const char *, 6> statuses = {"proposed", "planned", "in_progress", "done", "verified", "rejected"};
    constexpr std::array<int, 6> recent_w = {20, 25, 30, 15, 5, 5};
    constexpr std::array<int, 6> older_w = {6, 10, 14, 30, 30, 10};
    std::string status = statuses[age < 60 ? rng.weighted(recent_w) : rng.weighted(older_w)];
    const bool force_effective = targeted[first] && k == first && rng.chance(0.5);
    if (force_effective) status = "verified";
    const std::int64_t due = td_day + 14 + static_cast<std::int64_t>(rng.below(150));
    std::int64_t completed_day = 0;
    const bool finished = status == "done" || status == "verified";
    if (finished) {
      completed_day = std::clamp<std::int64_t>(due + static_cast<std::int64_t>(std::lround(rng.normal() * 25)), td_day + 1, kAsOfDay - 1);
      if (completed_day <= td_day) status = "in_progress"; // too recent to be finished
    }
    const double skew = rng.uniform(); // owners are skewed: a few carry many actions
    const Person &owner = people()[static_cast<std::size_t>(200 * skew * rng.uniform())];
    // The usual remedy for the first action on a factor, else one by type.
    std::string title = k < nf ? std::string(kTemplates[c.tpl].action) : std::string(kOtherActions[type_index]);
    title.replace(title.find('$'), 1, system_name(c));
    json::object a{{"id", sa.id}, {"title", std::move(title)}};
    a["type"] = type;
    json::array addresses;
    for (std::uint8_t f : sa.addresses) addresses.emplace_back(out.factors[f].id);
    a["addresses"] = std::move(addresses);
    a["owner"] = owner.name;
    a["team"] = kTeams[owner.team];
    a["due"] = iso_day(due);
    a["status"] = status;
    if (rng.chance(0.6)) {
      a["impact"] = 1 + static_cast<std::int64_t>(rng.below(5));
      a["effort"] = 1 + static_cast<std::int64_t>(rng.below(5));
    }
    if (rng.chance(0.15)) a["success_criteria"] = fmt::format("No finding on {} in the next quarterly audit", system_name(c));
    if (rng.chance(0.25)) a["ticket"] = json::object{{"system", "jira"}, {"key", fmt::format("SEC-{}", 1000 + rng.below(90000))}};
    if (status == "done" || status == "verified") {
      a["completed_at"] = iso_time(completed_day * 86400 + 8 * 3600 + static_cast<std::int64_t>(rng.below(10 * 3600)), pick_offset(rng));
      std::size_t records = status == "verified" ? (rng.chance(0.8) ? 1 : 2) : (rng.chance(0.3) ? 1 : 0);
      if (force_effective) records = 1;
      json::array verification;
      std::int64_t vday = completed_day;
      constexpr std::array<const char *, 4> methods = {"configuration audit", "penetration test", "phishing simulation", "log review"};
      constexpr std::array<const char *, 3> results = {"effective", "partially_effective", "ineffective"};
      constexpr std::array<int, 3> result_w = {70, 15, 15};
      for (std::size_t v = 0; v < records; ++v) {
        const std::int64_t next = vday + (v == 0 ? 7 + static_cast<std::int64_t>(rng.below(54)) : 30 + static_cast<std::int64_t>(rng.below(91)));
        if (next >= kAsOfDay) break; // not yet
        vday = next;
        const char *result = force_effective ? "effective" : results[rng.weighted(result_w)];
        verification.push_back(json::object{{"date", iso_day(vday)}, {"method", rng.pick(methods)}, {"result", result}});
        sa.last_result = result;
      }
      if (!verification.empty()) a["verification"] = std::move(verification);
    }
    sa.status = status;
    out.actions.push_back(std::move(sa));
    actions.push_back(std::move(a));
  }

  json::object doc;
  doc["schema"] = "postmortem/1";
  doc["incident"] = std::move(incident);
  doc["timeline"] = std::move(timeline);
  doc["factors"] = std::move(factors);
  doc["actions"] = std::move(actions);
  if (rng.chance(0.5)) {
    constexpr std::array<const char *, 4> lessons = {"Detection worked once the rule was enabled", "The runbook was out of date",
                                                     "We were lucky the backups were offline", "Escalation paths were unclear"};
    constexpr std::array<const char *, 4> kinds = {"went_well", "went_wrong", "lucky", "learned"};
    const std::size_t l = rng.below(4);
    doc["lessons"] = json::array{json::object{{"id", "l1"}, {"kind", kinds[l]}, {"text", lessons[l]}}};
  }
  if (rng.chance(0.5))
    doc["review"] = json::object{{"status", "reviewed"}, {"held_at", iso_time(std::min(td + 7 * 86400, kAsOf - 7200))},
                                 {"facilitator", people()[rng.below(200)].name}};
  out.text = json::serialize(doc);
  return out;
}

} // namespace

std::string iso_day(std::int64_t day) {
  const Civil c = civil_from_days(day);
  return fmt::format("{:04}-{:02}-{:02}", c.year, c.month, c.day);
}

std::vector<std::string> split_lines(const std::string &ndjson) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < ndjson.size()) {
    std::size_t nl = ndjson.find('\n', start);
    if (nl == std::string::npos) nl = ndjson.size();
    out.emplace_back(ndjson, start, nl - start);
    start = nl + 1;
  }
  return out;
}

SynthCorpus synthesize_corpus(const CorpusSynthOptions &options) {
  SynthCorpus out;
  const std::size_t n = options.documents;
  out.lines = n;
  Rng top(mix(options.seed, 0, 0));

  // Bad lines: at least one of each kind, spread over the file.
  std::size_t n_bad = std::max<std::size_t>(3, static_cast<std::size_t>(std::llround(static_cast<double>(n) * options.bad_rate)));
  n_bad = std::min(n_bad, n / 2);
  std::vector<bool> is_bad(n, false);
  for (std::size_t placed = 0; placed < n_bad;) {
    const std::size_t at = top.below(n);
    if (!is_bad[at]) is_bad[at] = true, ++placed;
  }
  const std::size_t good = n - n_bad;

  // Detection times over three years, growing (twice as many incidents at the end), sorted.
  std::vector<std::int64_t> detected(good);
  const double span = static_cast<double>((kLastDay - kFirstDay) * 86400);
  for (auto &t : detected) {
    const double x = -1.0 + std::sqrt(1.0 + 3.0 * top.uniform()); // density 1 + x on [0, 1]
    t = kFirstDay * 86400 + static_cast<std::int64_t>(x * span);
  }
  std::sort(detected.begin(), detected.end());
  std::vector<std::int64_t> day(good);
  for (std::size_t i = 0; i < good; ++i) day[i] = floor_div(detected[i], 86400);
  std::vector<std::string> ids(good);
  for (std::size_t i = 0; i < good; ++i) ids[i] = fmt::format("INC-{}-{:06}", civil_from_days(day[i]).year, i + 1);

  // Pass 1: factors and plants.
  std::vector<Concept> concepts;
  std::vector<IncidentPlan> plans(good);
  std::array<std::vector<std::size_t>, 5> by_category;
  for (std::size_t c = 0; c < 5; ++c) by_category[c] = templates_of(kFactorCategories[c]);
  auto new_concept = [&](Rng &rng) {
    Concept c;
    c.category = static_cast<std::uint16_t>(rng.weighted(kFactorCategoryWeights));
    c.tpl = static_cast<std::uint16_t>(by_category[c.category][rng.below(by_category[c.category].size())]);
    c.system = static_cast<std::uint16_t>(rng.below(kSystems.size()));
    c.control = rng.chance(0.3) ? static_cast<std::int16_t>(rng.below(kControls.size())) : std::int16_t{-1};
    c.serial = static_cast<std::uint32_t>(1000 + concepts.size());
    concepts.push_back(c);
    return static_cast<std::uint32_t>(concepts.size() - 1);
  };
  std::size_t first_of_day = 0; // first incident index on day[i]
  for (std::size_t i = 0; i < good; ++i) {
    Rng rng(mix(options.seed, i, 1));
    IncidentPlan &p = plans[i];
    p.detected = detected[i];
    p.category = rng.weighted(kCategoryWeights);
    if (day[first_of_day] != day[i]) first_of_day = i;
    constexpr std::array<int, 3> contributing_w = {45, 35, 20};
    const std::size_t roots = rng.chance(0.25) ? 2 : 1, contributing = rng.weighted(contributing_w);
    for (std::size_t k = 0; k < roots + contributing; ++k) p.factors.push_back({new_concept(rng), k < roots, false, false});
    if (first_of_day > 0 && rng.chance(options.planted_rate)) {
      // An earlier incident, usually within a few months: uniform over the last `gap` days.
      const std::int64_t gap = 1 + static_cast<std::int64_t>(rng.lognormal(60, 1.0));
      const std::int64_t from_day = day[i] - gap;
      std::size_t lo = static_cast<std::size_t>(std::lower_bound(day.begin(), day.begin() + static_cast<std::ptrdiff_t>(first_of_day), from_day) - day.begin());
      if (lo >= first_of_day) lo = first_of_day - 1;
      const std::size_t j = lo + rng.below(first_of_day - lo);
      std::vector<int> roots_of_j;
      for (std::size_t f = 0; f < plans[j].factors.size(); ++f)
        if (plans[j].factors[f].root) roots_of_j.push_back(static_cast<int>(f));
      const int jf = roots_of_j[rng.below(roots_of_j.size())];
      plans[j].factors[static_cast<std::size_t>(jf)].targeted = true;
      // Usually it takes the place of the first root cause; else of the first contributing
      // factor, or it is added as one (there are at most two root causes then).
      const bool as_root = rng.chance(0.85);
      std::size_t slot = 0;
      if (!as_root) {
        slot = roots;
        if (contributing == 0) p.factors.push_back({});
      }
      p.factors[slot] = {plans[j].factors[static_cast<std::size_t>(jf)].concept_id, as_root, true, false};
      p.planted_factor = static_cast<int>(slot);
      p.planted_from = j;
      p.planted_from_factor = jf;
      p.declared = rng.chance(options.declared_share);
    } else if (first_of_day > 0 && rng.chance(options.unmatched_rate)) {
      p.unmatched_of = rng.below(first_of_day);
    }
    p.mitigating = p.factors.size() < 4 && rng.chance(0.3);
  }
  // Pass 2: render every line.
  out.ndjson.reserve(n * 2300);
  out.incidents.reserve(good);
  std::size_t next_good = 0, bad_no = 0;
  for (std::size_t line = 0; line < n; ++line) {
    if (!is_bad[line]) {
      const std::size_t i = next_good++;
      Rng rng(mix(options.seed, i, 2));
      Rendered r = render(ids[i], plans[i], concepts, ids, rng);
      SynthIncident inc;
      inc.id = ids[i];
      inc.day = day[i];
      inc.line = line + 1;
      inc.factors = std::move(r.factors);
      inc.actions = std::move(r.actions);
      inc.planted_factor = plans[i].planted_factor;
      inc.planted_from = plans[i].planted_from;
      inc.planted_from_factor = plans[i].planted_from_factor;
      inc.declared = plans[i].declared;
      if (plans[i].unmatched_of != SIZE_MAX) inc.unmatched_of = ids[plans[i].unmatched_of];
      out.planted += inc.planted_factor >= 0;
      out.declared += inc.declared;
      out.unmatched += !inc.unmatched_of.empty();
      out.ndjson += r.text;
      out.ndjson += '\n';
      out.incidents.push_back(std::move(inc));
      continue;
    }
    // A bad line: a document like the others (its own concepts, never counted), broken.
    Rng rng(mix(options.seed, line, 3));
    IncidentPlan p;
    p.detected = kFirstDay * 86400 + static_cast<std::int64_t>(rng.uniform() * span);
    p.category = rng.weighted(kCategoryWeights);
    p.factors.push_back({new_concept(rng), true, false, false});
    const std::string bad_id = fmt::format("BAD-{:06}", line + 1);
    json::value doc = json::parse(render(bad_id, p, concepts, ids, rng).text);
    std::string text;
    SynthBadLine bad{line + 1, ""};
    switch (bad_no++ % 3) {
    case 0: // not JSON: cut short (or, one in four, JSON that is not an object)
      bad.code = "PM100";
      if ((bad_no - 1) / 3 % 4 == 3) text = R"(["postmortem/1", {"incident": {"id": "BAD"}}])";
      else {
        text = json::serialize(doc);
        text.resize(text.size() / 4 + rng.below(text.size() / 2));
      }
      break;
    case 1: { // a schema this build does not read
      bad.code = "PM101";
      constexpr std::array<const char *, 3> schemas = {"postmortem/2", "postmortem/0.9", "Postmortem/1"};
      if (rng.chance(0.25)) doc.as_object().erase("schema");
      else doc.as_object()["schema"] = rng.pick(schemas);
      text = json::serialize(doc);
      break;
    }
    default: // no incident.id
      bad.code = "PM102";
      if (rng.chance(0.25)) doc.as_object()["incident"].as_object()["id"] = nullptr;
      else doc.as_object()["incident"].as_object().erase("id");
      text = json::serialize(doc);
      break;
    }
    out.ndjson += text;
    out.ndjson += '\n';
    out.bad.push_back(std::move(bad));
  }
  return out;
}

} // namespace pm_bench
