#include <postmortem/knowledge.hpp>
#include <postmortem/policy.hpp>
#include <postmortem/validate.hpp>

#include "score/tables.hpp"
#include "text.hpp"

#include <boost/json/stream_parser.hpp>
#include <boost/json/value.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iterator>

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

constexpr std::string_view top_level_members[] = {"as_of", "rules", "thresholds", "regulatory_deadlines", "limits", "plan", "scoring", "knowledge"};

// `knowledge`: newer upstream ATT&CK and KEV files (docs/knowledge.md).
constexpr std::string_view knowledge_members[] = {"attack", "attack_techniques", "attack_tactics", "kev"};

// The plan's settings (docs/plan.md): `sla_days` per priority tier, in PriorityTier order.
constexpr std::string_view plan_members[] = {"sla_days"};
constexpr std::string_view tier_names[] = {"P1", "P2", "P3", "P4"};
constexpr std::int64_t max_sla_days = 36'500; // a hundred years: beyond that a date is not a plan

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

void read_plan(PlanSettings &plan, const json::value &v) {
  if (!v.is_object()) policy_error("policy: /plan must be an object such as {\"sla_days\": {\"P1\": 7}}");
  for (const auto &kv : v.get_object()) {
    std::string_view key = kv.key();
    if (key != "sla_days") policy_error(fmt::format("policy: unknown member /plan/{}{}", key, did_you_mean(key, plan_members)));
    if (!kv.value().is_object())
      policy_error("policy: /plan/sla_days must be an object such as {\"P1\": 7, \"P2\": 30, \"P3\": 90, \"P4\": 180}");
    for (const auto &tier : kv.value().get_object()) {
      std::string_view name = tier.key();
      auto it = std::ranges::find(tier_names, name);
      if (it == std::end(tier_names)) {
        std::string upper(name); // tier names are two characters: a wrong case is the likely slip
        for (char &c : upper)
          if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
        policy_error(fmt::format("policy: unknown tier /plan/sla_days/{}{}; the tiers are P1, P2, P3 and P4", name,
                                 did_you_mean(upper, tier_names)));
      }
      const json::value &n = tier.value();
      std::int64_t days = 0;
      if (n.is_int64()) days = n.get_int64();
      else if (n.is_uint64() && n.get_uint64() <= static_cast<std::uint64_t>(max_sla_days)) days = static_cast<std::int64_t>(n.get_uint64());
      if (days <= 0 || days > max_sla_days)
        policy_error(fmt::format("policy: /plan/sla_days/{} must be a whole number of days from 1 to {}", name, max_sla_days));
      plan.sla_days[static_cast<std::size_t>(it - std::begin(tier_names))] = static_cast<std::int32_t>(days);
    }
  }
}

// `scoring`: overrides of the score tables (src/score/tables.hpp). Weights are finite and
// >= 0 with a positive sum; tier bounds are within 0–100 and strictly decreasing, both
// checked on the tables as merged with their defaults.
void read_scoring(ScoringSettings &scoring, const json::value &v) {
  if (!v.is_object()) policy_error("policy: /scoring must be an object such as {\"severity_weights\": {\"cvss\": 20}}");
  static constexpr ScoringSettings::Table ScoringSettings::*members[] = {
      &ScoringSettings::severity_weights, &ScoringSettings::severity_tiers, &ScoringSettings::priority_weights,
      &ScoringSettings::priority_tiers, &ScoringSettings::quality_weights};
  static_assert(std::size(members) == std::size(detail::scoring_tables));
  std::vector<std::string_view> table_names;
  for (const auto &t : detail::scoring_tables) table_names.push_back(t.member);
  for (const auto &kv : v.get_object()) {
    std::string_view key = kv.key();
    auto t = std::ranges::find(detail::scoring_tables, key, &detail::ScoringTable::member);
    if (t == std::end(detail::scoring_tables))
      policy_error(fmt::format("policy: unknown member /scoring/{}{}", key, did_you_mean(key, table_names)));
    if (!kv.value().is_object())
      policy_error(fmt::format("policy: /scoring/{} must be an object of numbers such as {{\"{}\": {}}}", key,
                               t->defaults.front().name, t->defaults.front().value));
    std::vector<std::string_view> names;
    for (const auto &d : t->defaults) names.push_back(d.name);
    auto &table = scoring.*members[t - std::begin(detail::scoring_tables)];
    for (const auto &entry : kv.value().get_object()) {
      std::string_view name = entry.key();
      if (std::ranges::find(names, name) == names.end())
        policy_error(fmt::format("policy: unknown {} /scoring/{}/{}{}; the names are {}", t->tiers ? "tier" : "term", key, name,
                                 did_you_mean(name, names), detail::quoted_list(names)));
      const json::value &n = entry.value();
      const double x = n.is_number() ? n.to_number<double>() : -1;
      if (t->tiers ? !(x >= 0 && x <= 100) : !(x >= 0 && x <= 1e6))
        policy_error(fmt::format("policy: /scoring/{}/{} must be a number {}", key, name,
                                 t->tiers ? "from 0 to 100" : "from 0 to 1000000"));
      table[std::string(name)] = x;
    }
    // The merged table must still make sense.
    std::vector<double> merged;
    for (const auto &d : t->defaults) {
      auto it = table.find(d.name);
      merged.push_back(it == table.end() ? d.value : it->second);
    }
    if (t->tiers) {
      for (std::size_t i = 1; i < merged.size(); ++i)
        if (!(merged[i] < merged[i - 1]))
          policy_error(fmt::format("policy: /scoring/{}: the bound of \"{}\" ({}) must be below that of \"{}\" ({})", key,
                                   t->defaults[i].name, merged[i], t->defaults[i - 1].name, merged[i - 1]));
    } else if (std::ranges::all_of(merged, [](double w) { return w == 0; })) {
      policy_error(fmt::format("policy: /scoring/{}: at least one weight must be above 0", key));
    }
  }
}

// The path a /knowledge/<member> names, and the file's contents.
std::pair<std::string, std::string> read_knowledge_file(const json::object &o, std::string_view member) {
  const json::value *v = o.if_contains(member);
  if (!v->is_string() || v->get_string().empty())
    policy_error(fmt::format("policy: /knowledge/{} must be a file path (a non-empty string)", member));
  std::string path(v->get_string());
  std::ifstream in(path, std::ios::binary);
  if (!in) policy_error(fmt::format("policy: /knowledge/{}: cannot read \"{}\": {}", member, path, std::strerror(errno)));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) policy_error(fmt::format("policy: /knowledge/{}: cannot read \"{}\"", member, path));
  return {std::move(path), std::move(text)};
}

std::shared_ptr<const Knowledge> read_knowledge(const json::value &v) {
  if (!v.is_object())
    policy_error("policy: /knowledge must be an object such as {\"attack\": \"enterprise-attack.json\", \"kev\": \"known_exploited_vulnerabilities.json\"}");
  const json::object &o = v.get_object();
  for (const auto &kv : o)
    if (std::ranges::find(knowledge_members, std::string_view(kv.key())) == std::end(knowledge_members))
      policy_error(fmt::format("policy: unknown member /knowledge/{}{}", std::string_view(kv.key()), did_you_mean(kv.key(), knowledge_members)));
  const bool tsv = o.contains("attack_techniques") || o.contains("attack_tactics");
  if (tsv && !(o.contains("attack_techniques") && o.contains("attack_tactics")))
    policy_error("policy: /knowledge/attack_techniques and /knowledge/attack_tactics go together (the two TSV files)");
  if (tsv && o.contains("attack"))
    policy_error("policy: /knowledge/attack (a STIX bundle) and /knowledge/attack_techniques (TSV) exclude each other");
  auto k = std::make_shared<Knowledge>(); // the built-in tables, replaced below
  auto load = [](std::string_view member, const std::string &path, auto &&fn) {
    try {
      fn();
    } catch (const error &e) {
      policy_error(fmt::format("policy: /knowledge/{}: \"{}\": {}", member, path, e.what()));
    }
  };
  // (Pairs, not structured bindings: clang 14 cannot capture a binding in a lambda.)
  if (o.contains("attack")) {
    const auto file = read_knowledge_file(o, "attack");
    load("attack", file.first, [&] { k->load_attack_stix(file.second); });
  }
  if (tsv) {
    const auto techniques = read_knowledge_file(o, "attack_techniques");
    const auto tactics = read_knowledge_file(o, "attack_tactics");
    load("attack_techniques", techniques.first + "\" and \"" + tactics.first,
         [&] { k->load_attack_tsv(techniques.second, tactics.second); });
  }
  if (o.contains("kev")) {
    const auto file = read_knowledge_file(o, "kev");
    load("kev", file.first, [&] { k->load_kev_json(file.second); });
  }
  return k;
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
    } else if (key == "plan") {
      read_plan(policy.plan, value);
    } else if (key == "scoring") {
      read_scoring(policy.scoring, value);
    } else if (key == "knowledge") {
      policy.knowledge = read_knowledge(value);
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
