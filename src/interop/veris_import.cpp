// VERIS 1.3/1.4 import (interop.hpp; docs/interop.md has the mapping tables).
#include <postmortem/interop.hpp>

#include "interop/veris_tables.hpp"
#include "json_detail.hpp"
#include "text.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

PM_BEGIN_NAMESPACE

namespace json = boost::json;

namespace detail::veris {
namespace {

char lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool ieq(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

std::string lowered(std::string_view s) {
  std::string out(s);
  for (char &c : out) c = lower(c);
  return out;
}

const json::object *object_at(const json::object &o, std::string_view key) {
  const json::value *v = o.if_contains(key);
  return v && v->is_object() ? &v->get_object() : nullptr;
}

std::optional<std::string_view> string_at(const json::object &o, std::string_view key) {
  const json::value *v = o.if_contains(key);
  if (v && v->is_string()) return std::string_view(v->get_string());
  return std::nullopt;
}

/// The strings of an array member (a lone string counts as one; other elements are skipped).
std::vector<std::string_view> strings_at(const json::object &o, std::string_view key) {
  std::vector<std::string_view> out;
  const json::value *v = o.if_contains(key);
  if (!v) return out;
  if (v->is_string()) {
    out.emplace_back(v->get_string());
  } else if (v->is_array()) {
    for (const json::value &e : v->get_array())
      if (e.is_string()) out.emplace_back(e.get_string());
  }
  return out;
}

/// A finite number >= 0 (integers and doubles alike).
std::optional<double> number_at(const json::object &o, std::string_view key) {
  const json::value *v = o.if_contains(key);
  if (!v || !v->is_number()) return std::nullopt;
  const double d = v->to_number<double>();
  if (!std::isfinite(d) || d < 0) return std::nullopt;
  return d;
}

std::optional<std::int64_t> integer_at(const json::object &o, std::string_view key) {
  auto d = number_at(o, key);
  if (!d || *d != std::floor(*d) || *d > 9.0e15) return std::nullopt;
  return static_cast<std::int64_t>(*d);
}

bool has_value(const json::object &action, std::string_view category, std::string_view field, std::string_view value) {
  const json::object *c = object_at(action, category);
  if (!c) return false;
  for (std::string_view s : strings_at(*c, field))
    if (ieq(s, value)) return true;
  return false;
}

/// Splits a VERIS free-text member into its non-blank lines (export joins titles with '\n').
std::vector<std::string> lines_of(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    if (!line.empty()) out.emplace_back(line);
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return out;
}

/// A title from the summary: its first line, at most 120 bytes (cut on a UTF-8 boundary).
std::string title_from(std::string_view summary) {
  const auto lines = lines_of(summary);
  if (lines.empty()) return {};
  std::string t = lines.front();
  if (t.size() > 120) {
    std::size_t cut = 117;
    while (cut > 0 && (static_cast<unsigned char>(t[cut]) & 0xC0) == 0x80) --cut;
    t = t.substr(0, cut) + "...";
  }
  return t;
}

struct Duration {
  std::int64_t seconds = 0;
  Precision precision = Precision::day;
  std::string text; ///< "3 Days"
};

std::optional<Duration> duration_at(const json::object &o, std::string_view key) {
  const json::object *d = object_at(o, key);
  if (!d) return std::nullopt;
  auto unit = string_at(*d, "unit");
  auto value = number_at(*d, "value");
  if (!unit || !value) return std::nullopt;
  for (const UnitRow &row : unit_table) {
    if (!ieq(row.veris, *unit) || row.seconds == 0) continue;
    const double s = *value * static_cast<double>(row.seconds);
    if (s > 200.0 * 365 * 86400) return std::nullopt;
    return Duration{static_cast<std::int64_t>(std::llround(s)), row.precision, fmt::format("{} {}", *value, row.veris)};
  }
  return std::nullopt;
}

std::optional<DiscoveryMethod> discovery_of(std::string_view section, std::string_view variety) {
  if (ieq(section, "external")) {
    if (ieq(variety, "Actor disclosure")) return DiscoveryMethod::attacker_disclosure;
    if (ieq(variety, "Law enforcement")) return DiscoveryMethod::law_enforcement;
    if (ieq(variety, "Audit")) return DiscoveryMethod::audit;
    return DiscoveryMethod::external_notification;
  }
  if (ieq(section, "internal")) {
    if (ieq(variety, "Reported by employee")) return DiscoveryMethod::internal_report;
    if (ieq(variety, "Financial audit") || ieq(variety, "It review")) return DiscoveryMethod::audit;
    return DiscoveryMethod::internal_detection;
  }
  if (ieq(section, "partner")) {
    if (ieq(variety, "Audit")) return DiscoveryMethod::audit;
    return DiscoveryMethod::external_notification;
  }
  return std::nullopt;
}

std::optional<DiscoveryMethod> read_discovery(const json::value &v) {
  if (v.is_string()) { // VERIS 1.3: "Ext - actor disclosure", "Int - antivirus", "Prt - audit", "Unknown"
    const std::string_view s = v.get_string();
    if (ieq(s, "Unknown")) return DiscoveryMethod::unknown;
    static constexpr std::pair<std::string_view, std::string_view> prefixes[] = {
        {"Ext - ", "external"}, {"Int - ", "internal"}, {"Prt - ", "partner"}};
    for (auto [prefix, section] : prefixes)
      if (s.size() >= prefix.size() && ieq(s.substr(0, prefix.size()), prefix))
        return discovery_of(section, s.substr(prefix.size()));
    return std::nullopt;
  }
  if (!v.is_object()) return std::nullopt;
  const json::object &o = v.get_object();
  for (std::string_view section : {"external", "internal", "partner"}) {
    const json::object *s = object_at(o, section);
    if (!s) continue;
    const auto varieties = strings_at(*s, "variety");
    return discovery_of(section, varieties.empty() ? std::string_view("Unknown") : varieties.front());
  }
  const json::value *unknown = o.if_contains("unknown");
  if (unknown && unknown->is_bool() && unknown->get_bool()) return DiscoveryMethod::unknown;
  return std::nullopt;
}

std::optional<Actor> read_actor(const json::object &o) {
  for (auto [section, type] : {std::pair{"external", ActorType::external}, std::pair{"internal", ActorType::internal},
                               std::pair{"partner", ActorType::partner}}) {
    const json::object *s = object_at(o, section);
    if (!s) continue;
    Actor a;
    a.type = type;
    const auto motives = strings_at(*s, "motive");
    if (!motives.empty()) {
      for (const MotiveRow &row : motive_table)
        if (ieq(row.veris, motives.front())) a.motive = row.value;
    }
    const auto names = strings_at(*s, "name");
    if (!names.empty() && !names.front().empty()) a.name = std::string(names.front());
    return a;
  }
  return std::nullopt; // only `unknown` (or nothing): an unknown actor is an absent one
}

void read_attribute(const json::object &a, Impact &impact) {
  impact.confidentiality = CiaLevel::none;
  impact.integrity = CiaLevel::none;
  impact.availability = CiaLevel::none;
  if (const json::object *c = object_at(a, "confidentiality")) {
    auto disclosure = string_at(*c, "data_disclosure");
    if (disclosure && ieq(*disclosure, "Yes")) impact.confidentiality = CiaLevel::high;
    else if (disclosure && ieq(*disclosure, "Potentially")) impact.confidentiality = CiaLevel::low;
    else if (disclosure && ieq(*disclosure, "No")) impact.confidentiality = CiaLevel::none;
    else impact.confidentiality.reset();
    std::optional<std::int64_t> amounts;
    if (const json::value *data = c->if_contains("data"); data && data->is_array()) {
      for (const json::value &e : data->get_array()) {
        if (!e.is_object()) continue;
        auto variety = string_at(e.get_object(), "variety");
        if (!variety) continue;
        for (const DataRow &row : data_table) {
          if (!ieq(row.veris, *variety)) continue;
          if (std::find(impact.data_types.begin(), impact.data_types.end(), row.value) == impact.data_types.end())
            impact.data_types.push_back(row.value);
          break;
        }
        if (auto amount = integer_at(e.get_object(), "amount")) amounts = amounts.value_or(0) + *amount;
      }
    }
    if (auto total = integer_at(*c, "data_total")) impact.records_affected = *total;
    else if (amounts) impact.records_affected = *amounts;
  }
  if (const json::object *i = object_at(a, "integrity")) {
    const auto varieties = strings_at(*i, "variety");
    const bool low = !varieties.empty() && std::all_of(varieties.begin(), varieties.end(), [](std::string_view v) {
      return ieq(v, "Alter behavior") || ieq(v, "Misrepresentation");
    });
    impact.integrity = low ? CiaLevel::low : CiaLevel::high;
  }
  if (const json::object *av = object_at(a, "availability")) {
    const auto varieties = strings_at(*av, "variety");
    const bool high = std::any_of(varieties.begin(), varieties.end(), [](std::string_view v) {
      return ieq(v, "Loss") || ieq(v, "Destruction") || ieq(v, "Interruption");
    });
    impact.availability = high ? CiaLevel::high : CiaLevel::low;
    if (auto d = duration_at(*av, "duration")) impact.downtime_minutes = static_cast<double>(d->seconds) / 60.0;
  }
}

void read_impact(const json::object &o, Impact &impact) {
  if (auto rating = string_at(o, "overall_rating"))
    for (const RatingRow &row : rating_table)
      if (ieq(row.veris, *rating)) impact.rating = row.value;
  FinancialLoss loss;
  auto min = number_at(o, "overall_min_amount"), max = number_at(o, "overall_max_amount");
  if (auto amount = number_at(o, "overall_amount")) {
    if (!min) min = amount;
    if (!max) max = amount;
  }
  if (!min && !max) { // the sum of impact.loss[]
    if (const json::value *l = o.if_contains("loss"); l && l->is_array()) {
      for (const json::value &e : l->get_array()) {
        if (!e.is_object()) continue;
        const json::object &entry = e.get_object();
        auto amount = number_at(entry, "amount");
        auto lo = number_at(entry, "min_amount"), hi = number_at(entry, "max_amount");
        if (!lo) lo = amount;
        if (!hi) hi = amount;
        if (lo) min = min.value_or(0) + *lo;
        if (hi) max = max.value_or(0) + *hi;
      }
    }
  }
  if (min || max) {
    loss.min = min;
    loss.max = max;
    if (auto currency = string_at(o, "iso_currency_code")) loss.currency = std::string(*currency);
    impact.financial_loss = loss;
  }
}

std::optional<AssetType> asset_type_of(std::string_view variety, bool cloud) {
  if (cloud && ieq(variety, cloud_resource_variety)) return AssetType::cloud_resource;
  if (cloud && ieq(variety, saas_variety)) return AssetType::saas;
  for (const AssetRow &row : asset_table) {
    const bool prefix = row.veris.size() == 4 && row.veris.ends_with(" - ");
    if (prefix ? (variety.size() > 4 && ieq(variety.substr(0, 4), row.veris)) : ieq(variety, row.veris)) return row.value;
  }
  return std::nullopt;
}

} // namespace

Category import_category(const json::object &action) noexcept {
  const auto any_of = [&](std::initializer_list<const char *> categories, std::string_view field, std::string_view value) {
    for (const char *c : categories)
      if (has_value(action, c, field, value)) return true;
    return false;
  };
  const auto present = [&](std::string_view c) { return object_at(action, c) != nullptr; };
  if (has_value(action, "malware", "variety", "Ransomware")) return Category::ransomware;
  if (has_value(action, "social", "variety", "Phishing")) return Category::phishing;
  if (any_of({"hacking", "malware"}, "variety", "DoS")) return Category::denial_of_service;
  if (any_of({"hacking", "malware"}, "result", "Exfiltrate") || has_value(action, "malware", "variety", "Export data"))
    return Category::data_exfiltration;
  if (any_of({"hacking", "malware"}, "vector", "Partner") || has_value(action, "malware", "vector", "Software update"))
    return Category::supply_chain;
  if (has_value(action, "hacking", "vector", "Web application")) return Category::web_application_attack;
  for (std::string_view v : {"Use of stolen creds", "Brute force", "Pass-the-hash", "Offline cracking"})
    if (has_value(action, "hacking", "variety", v)) return Category::credential_compromise;
  if (has_value(action, "error", "variety", "Misconfiguration")) return Category::misconfiguration;
  if (present("misuse")) return Category::insider_threat;
  if (has_value(action, "physical", "variety", "Theft") || has_value(action, "error", "variety", "Loss"))
    return Category::lost_or_stolen_device;
  if (present("malware")) return Category::malware;
  if (present("hacking")) return Category::network_breach;
  if (present("social")) return Category::phishing;
  return Category::other;
}

Document read_veris(const json::object &v) {
  Document doc;
  doc.schema = std::string(schema_version);
  Incident &inc = doc.incident.emplace();
  json::object kept = v; // what is not mapped completely stays, as it was, in x_veris

  if (auto id = string_at(v, "incident_id"); id && !id->empty()) {
    inc.id = std::string(*id);
    kept.erase("incident_id");
  }
  if (auto summary = string_at(v, "summary")) {
    inc.summary = std::string(*summary);
    kept.erase("summary");
  }
  std::string title = inc.summary ? title_from(*inc.summary) : std::string();
  inc.title = title.empty() ? "VERIS incident " + inc.id.value_or("(no incident_id)") : title;
  if (auto s = string_at(v, "security_incident")) {
    for (const DeterminationRow &row : determination_table) {
      if (!ieq(row.veris, *s)) continue;
      inc.determination = row.value;
      kept.erase("security_incident");
    }
  }

  // action: category and ATT&CK techniques
  inc.category = Category::other;
  if (const json::object *action = object_at(v, "action")) {
    inc.category = import_category(*action);
    const auto rows = attack_rows();
    std::set<std::string_view> techniques;
    for (const auto &kv : *action) {
      if (!kv.value().is_object()) continue;
      for (std::string_view field : {"variety", "vector"}) {
        for (std::string_view value : strings_at(kv.value().get_object(), field)) {
          const std::string key = lowered(fmt::format("action.{}.{}.{}", std::string_view(kv.key()), field, value));
          auto range = std::equal_range(rows.begin(), rows.end(), AttackRow{key, {}},
                                        [](const AttackRow &a, const AttackRow &b) { return a.key < b.key; });
          for (auto it = range.first; it != range.second; ++it) techniques.insert(it->technique);
        }
      }
    }
    for (std::string_view t : techniques) inc.techniques.emplace_back(t);
  }
  if (const json::object *actor = object_at(v, "actor")) inc.actor = read_actor(*actor);
  if (const json::value *d = v.if_contains("discovery_method")) inc.discovery_method = read_discovery(*d);

  // timeline: the start (day precision) and the events the durations put after it
  if (const json::object *t = object_at(v, "timeline")) {
    const json::object *start = object_at(*t, "incident");
    auto year = start ? integer_at(*start, "year") : std::nullopt;
    if (year && *year >= 1 && *year <= 9999) {
      auto month = integer_at(*start, "month");
      auto day = integer_at(*start, "day");
      std::string when = fmt::format("{}", *year);
      unsigned m = 1, dd = 1;
      if (month && *month >= 1 && *month <= 12) {
        m = static_cast<unsigned>(*month);
        when += fmt::format("-{:02}", m);
        if (day && *day >= 1 && *day <= 31) {
          const std::int32_t first = days_from_civil(static_cast<int>(*year), m, 1);
          const std::int32_t next = m == 12 ? days_from_civil(static_cast<int>(*year) + 1, 1, 1)
                                            : days_from_civil(static_cast<int>(*year), m + 1, 1);
          if (*day <= next - first) {
            dd = static_cast<unsigned>(*day);
            when += fmt::format("-{:02}", dd);
          }
        }
      }
      const std::int64_t started = std::int64_t{days_from_civil(static_cast<int>(*year), m, dd)} * 86400;
      auto event = [&](const char *id, std::int64_t seconds, Precision precision, EventType type, std::string text) {
        Event e;
        e.id = id;
        e.time = Timestamp::from_micros(seconds * 1'000'000);
        e.precision = precision;
        e.type = type;
        e.description = std::move(text);
        e.source = "VERIS";
        doc.timeline.push_back(std::move(e));
      };
      event("veris-incident", started, Precision::day, EventType::attacker_activity,
            fmt::format("Incident started (VERIS timeline.incident: {})", when));
      std::int64_t anchor = started;
      if (auto c = duration_at(*t, "compromise")) anchor += c->seconds;
      if (auto d = duration_at(*t, "discovery")) {
        const std::int64_t detected = anchor + d->seconds;
        event("veris-discovery", detected, d->precision, EventType::detection,
              fmt::format("Discovered {} after the compromise (VERIS timeline.discovery)", d->text));
        if (auto c = duration_at(*t, "containment"))
          event("veris-containment", detected + c->seconds, c->precision, EventType::containment,
                fmt::format("Contained {} after the discovery (VERIS timeline.containment)", c->text));
      }
    }
  }

  // attribute and impact
  Impact impact;
  if (const json::object *a = object_at(v, "attribute")) read_attribute(*a, impact);
  if (const json::object *i = object_at(v, "impact")) read_impact(*i, impact);
  if (impact.confidentiality || impact.integrity || impact.availability || impact.rating || impact.records_affected ||
      !impact.data_types.empty() || impact.financial_loss || impact.downtime_minutes)
    inc.impact = std::move(impact);

  // assets
  if (const json::object *a = object_at(v, "asset")) {
    const auto clouds = strings_at(*a, "cloud");
    const bool cloud = clouds.size() == 1 && ieq(clouds.front(), cloud_external);
    if (const json::value *list = a->if_contains("assets"); list && list->is_array()) {
      for (const json::value &e : list->get_array()) {
        if (!e.is_object()) continue;
        auto variety = string_at(e.get_object(), "variety");
        if (!variety || variety->empty() || ieq(*variety, "Unknown")) continue;
        Asset asset;
        asset.id = fmt::format("veris-asset-{}", doc.assets.size() + 1);
        asset.name = std::string(*variety);
        asset.type = asset_type_of(*variety, cloud);
        if (auto amount = integer_at(e.get_object(), "amount")) asset.extra["x_veris_amount"] = *amount;
        doc.assets.push_back(std::move(asset));
      }
    }
  }

  // control_failure -> root causes; corrective_action (+ cost) -> actions
  if (auto cf = string_at(v, "control_failure")) {
    for (std::string &line : lines_of(*cf)) {
      Factor f;
      f.id = fmt::format("veris-cf-{}", doc.factors.size() + 1);
      f.kind = FactorKind::root_cause;
      f.category = FactorCategory::technical;
      f.title = std::move(line);
      doc.factors.push_back(std::move(f));
    }
    kept.erase("control_failure");
  }
  if (auto ca = string_at(v, "corrective_action")) {
    std::optional<std::int64_t> effort;
    if (auto cost = string_at(v, "cost_corrective_action"))
      for (const CostRow &row : cost_table)
        if (ieq(row.veris, *cost)) effort = row.effort;
    for (std::string &line : lines_of(*ca)) {
      Action act;
      act.id = fmt::format("veris-ca-{}", doc.actions.size() + 1);
      act.title = std::move(line);
      act.effort = effort;
      for (const Factor &f : doc.factors) act.addresses.push_back(*f.id);
      doc.actions.push_back(std::move(act));
    }
    kept.erase("corrective_action");
  }

  // ioc -> indicators
  if (const json::value *ioc = v.if_contains("ioc"); ioc && ioc->is_array()) {
    bool complete = true;
    for (const json::value &e : ioc->get_array()) {
      auto value = e.is_object() ? string_at(e.get_object(), "indicator") : std::nullopt;
      if (!value || value->empty() || e.get_object().size() > 2 ||
          (e.get_object().contains("comment") && !string_at(e.get_object(), "comment"))) {
        complete = false;
        if (!value || value->empty()) continue;
      }
      Indicator ind;
      ind.id = fmt::format("veris-ioc-{}", doc.indicators.size() + 1);
      ind.value = std::string(*value);
      if (auto comment = string_at(e.get_object(), "comment")) ind.description = std::string(*comment);
      doc.indicators.push_back(std::move(ind));
    }
    if (complete) kept.erase("ioc");
  }

  if (!kept.empty()) inc.extra["x_veris"] = std::move(kept);
  return doc;
}

} // namespace detail::veris

namespace {

void check_limits(const json::value &v, const Limits &limits) {
  if (v.is_string()) {
    if (v.get_string().size() > limits.max_string_bytes)
      throw error(errc::limit, fmt::format("a string of {} bytes is over the limit of {} bytes (max_string_bytes)",
                                           v.get_string().size(), limits.max_string_bytes));
  } else if (v.is_array()) {
    if (v.get_array().size() > limits.max_collection_size)
      throw error(errc::limit, fmt::format("an array of {} elements is over the limit of {} (max_collection_size)",
                                           v.get_array().size(), limits.max_collection_size));
    for (const json::value &e : v.get_array()) check_limits(e, limits);
  } else if (v.is_object()) {
    for (const auto &kv : v.get_object()) {
      if (kv.key().size() > limits.max_string_bytes)
        throw error(errc::limit, fmt::format("a member name of {} bytes is over the limit of {} bytes (max_string_bytes)",
                                             kv.key().size(), limits.max_string_bytes));
      check_limits(kv.value(), limits);
    }
  }
}

} // namespace

Document import_veris(std::string_view text, const Policy &policy) {
  const Limits &limits = policy.limits;
  if (text.size() > limits.max_document_bytes)
    throw error(errc::limit, fmt::format("the VERIS incident is {} bytes, over the limit of {} bytes (max_document_bytes)",
                                         text.size(), limits.max_document_bytes));
  json::parse_options options;
  options.max_depth = limits.max_depth;
  json::stream_parser parser({}, options);
  json::error_code ec;
  std::size_t used = parser.write_some(text.data(), text.size(), ec);
  if (!ec) parser.finish(ec);
  if (ec) detail::throw_json_error(text, used, ec, limits.max_depth);
  const json::value root = parser.release();
  if (!root.is_object()) throw error(errc::format, "not a VERIS incident: the top level is not an object");
  check_limits(root, limits);
  const json::object &v = root.get_object();
  for (std::string_view required : {"schema_version", "incident_id", "action", "timeline"}) {
    const json::value *m = v.if_contains(required);
    if (!m || m->is_null())
      throw error(errc::format, fmt::format("not a VERIS incident: no `{}` member", required));
  }
  const json::value &id = v.at("incident_id");
  if (!id.is_string() || id.get_string().empty())
    throw error(errc::format, "not a VERIS incident: `incident_id` must be a non-empty string");
  return detail::veris::read_veris(v);
}

PM_END_NAMESPACE
