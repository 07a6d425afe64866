// VERIS 1.4 export (interop.hpp; docs/interop.md has the mapping tables).
#include <postmortem/interop.hpp>
#include <postmortem/timeline.hpp>

#include "interop/veris_tables.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

PM_BEGIN_NAMESPACE

namespace json = boost::json;

namespace {

using namespace detail::veris;

json::array array_of(std::initializer_list<std::string_view> items) {
  json::array a;
  for (std::string_view s : items) a.emplace_back(s);
  return a;
}

/// A duration as VERIS {unit, value}: the largest of Days, Hours, Minutes that divides it
/// exactly, else Seconds, so that import gives back the same number of seconds.
json::object duration(std::int64_t seconds) {
  json::object d;
  if (seconds % 86400 == 0) {
    d["unit"] = "Days";
    d["value"] = seconds / 86400;
  } else if (seconds % 3600 == 0) {
    d["unit"] = "Hours";
    d["value"] = seconds / 3600;
  } else if (seconds % 60 == 0) {
    d["unit"] = "Minutes";
    d["value"] = seconds / 60;
  } else {
    d["unit"] = "Seconds";
    d["value"] = seconds;
  }
  return d;
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

json::object timeline_of(const Document &doc) {
  json::object t;
  const Lifecycle lc = resolve_lifecycle(doc);
  const auto &started = lc[static_cast<std::size_t>(Milestone::started_at)];
  const auto &detected = lc[static_cast<std::size_t>(Milestone::detected_at)];
  const auto &contained = lc[static_cast<std::size_t>(Milestone::contained_at)];
  json::object incident;
  if (started) {
    const Day day{static_cast<std::int32_t>(floor_div(started->time.micros, std::int64_t{86400} * 1'000'000))};
    const std::string ymd = day.to_string(); // YYYY-MM-DD
    incident["year"] = std::stoi(ymd.substr(0, ymd.size() - 6));
    incident["month"] = std::stoi(ymd.substr(ymd.size() - 5, 2));
    incident["day"] = std::stoi(ymd.substr(ymd.size() - 2, 2));
  } else {
    // No start: the year of the earliest time the document knows (never a month or day).
    std::optional<std::int64_t> earliest;
    for (const auto &m : lc)
      if (m && (!earliest || m->time.micros < *earliest)) earliest = m->time.micros;
    for (const Event &e : doc.timeline)
      if (e.time && (!earliest || e.time->micros < *earliest)) earliest = e.time->micros;
    if (earliest) {
      const std::string ymd = Day{static_cast<std::int32_t>(floor_div(*earliest, std::int64_t{86400} * 1'000'000))}.to_string();
      incident["year"] = std::stoi(ymd.substr(0, ymd.size() - 6));
    }
  }
  if (!incident.empty()) t["incident"] = std::move(incident);
  if (started && detected && detected->time.micros >= started->time.micros)
    t["discovery"] = duration((detected->time.micros - started->time.micros) / 1'000'000);
  if (detected && contained && contained->time.micros >= detected->time.micros)
    t["containment"] = duration((contained->time.micros - detected->time.micros) / 1'000'000);
  return t;
}

json::object action_of(const Incident &inc) {
  const Category c = inc.category.value_or(Category::other);
  for (const CategoryAction &row : category_table) {
    if (row.category != c) continue;
    json::object body;
    if (!row.variety.empty()) body["variety"] = array_of({row.variety});
    if (!row.vector.empty()) body["vector"] = array_of({row.vector});
    if (!row.result.empty()) body["result"] = array_of({row.result});
    if (row.action == "social") body["target"] = array_of({"Unknown"});
    json::object action;
    action[row.action] = std::move(body);
    return action;
  }
  return json::object{{"unknown", json::object{}}};
}

json::object actor_of(const Incident &inc) {
  json::object actor;
  if (!inc.actor || !inc.actor->type || *inc.actor->type == ActorType::unknown) {
    actor["unknown"] = json::object{};
    return actor;
  }
  const Actor &a = *inc.actor;
  std::string_view motive = "Unknown";
  if (a.motive)
    for (const MotiveRow &row : motive_table)
      if (row.exported && row.value == *a.motive) motive = row.veris;
  json::object body;
  switch (*a.type) {
  case ActorType::external:
    body["variety"] = array_of({"Unknown"});
    body["motive"] = array_of({motive});
    if (a.name && !a.name->empty()) body["name"] = array_of({*a.name});
    actor["external"] = std::move(body);
    break;
  case ActorType::internal:
    body["variety"] = array_of({"Unknown"});
    body["motive"] = array_of({motive});
    actor["internal"] = std::move(body);
    break;
  default:
    body["country"] = array_of({"Unknown"});
    body["motive"] = array_of({motive});
    if (a.name && !a.name->empty()) body["name"] = array_of({*a.name});
    actor["partner"] = std::move(body);
    break;
  }
  return actor;
}

json::object asset_of(const Document &doc) {
  json::object asset;
  const bool cloud = !doc.assets.empty() && std::all_of(doc.assets.begin(), doc.assets.end(), [](const Asset &a) {
    return a.type == AssetType::cloud_resource || a.type == AssetType::saas || a.type == AssetType::identity;
  });
  std::vector<std::pair<std::string_view, std::int64_t>> counts; // variety, amount, in first-seen order
  for (const Asset &a : doc.assets) {
    std::string_view variety = "Unknown";
    if (a.type == AssetType::cloud_resource) variety = cloud_resource_variety;
    else if (a.type == AssetType::saas) variety = saas_variety;
    else if (a.type)
      for (const AssetRow &row : asset_table)
        if (row.exported && row.value == *a.type) variety = row.veris;
    std::int64_t amount = 1;
    if (const json::value *n = a.extra.if_contains("x_veris_amount"); n && n->is_int64() && n->get_int64() > 0)
      amount = n->get_int64();
    auto it = std::find_if(counts.begin(), counts.end(), [&](const auto &p) { return p.first == variety; });
    if (it == counts.end()) counts.emplace_back(variety, amount);
    else it->second += amount;
  }
  json::array assets;
  for (const auto &[variety, amount] : counts) assets.push_back(json::object{{"variety", variety}, {"amount", amount}});
  if (assets.empty()) assets.push_back(json::object{{"variety", "Unknown"}});
  asset["assets"] = std::move(assets);
  asset["cloud"] = array_of({cloud ? cloud_external : std::string_view("Unknown")});
  return asset;
}

std::optional<json::object> attribute_of(const Impact &impact) {
  json::object a;
  if (impact.confidentiality || !impact.data_types.empty() || impact.records_affected) {
    json::object c;
    std::string_view disclosure = "Unknown";
    if (impact.confidentiality == CiaLevel::high) disclosure = "Yes";
    else if (impact.confidentiality == CiaLevel::low) disclosure = "Potentially";
    else if (impact.confidentiality == CiaLevel::none) disclosure = "No";
    c["data_disclosure"] = disclosure;
    if (impact.records_affected) c["data_total"] = *impact.records_affected;
    json::array data;
    for (DataType t : impact.data_types)
      for (const DataRow &row : data_table)
        if (row.exported && row.value == t) data.push_back(json::object{{"variety", row.veris}});
    if (!data.empty()) c["data"] = std::move(data);
    a["confidentiality"] = std::move(c);
  }
  if (impact.integrity && *impact.integrity != CiaLevel::none)
    a["integrity"] = json::object{{"variety", array_of({*impact.integrity == CiaLevel::low ? "Misrepresentation" : "Unknown"})}};
  if (impact.availability && *impact.availability != CiaLevel::none) {
    json::object av{{"variety", array_of({*impact.availability == CiaLevel::low ? "Degradation" : "Interruption"})}};
    if (impact.downtime_minutes && std::isfinite(*impact.downtime_minutes) && *impact.downtime_minutes >= 0)
      av["duration"] = duration(static_cast<std::int64_t>(std::llround(*impact.downtime_minutes * 60)));
    a["availability"] = std::move(av);
  }
  if (a.empty()) return std::nullopt;
  return a;
}

std::optional<json::object> impact_of(const Impact &impact) {
  if (!impact.rating && !impact.financial_loss) return std::nullopt;
  json::object o;
  std::string_view rating = "Unknown";
  if (impact.rating)
    for (const RatingRow &row : rating_table)
      if (row.value == *impact.rating) rating = row.veris;
  o["overall_rating"] = rating;
  if (const auto &loss = impact.financial_loss) {
    if (loss->currency && loss->currency->size() == 3 &&
        std::all_of(loss->currency->begin(), loss->currency->end(), [](char ch) { return ch >= 'A' && ch <= 'Z'; }))
      o["iso_currency_code"] = *loss->currency;
    if (loss->min && loss->max && *loss->min == *loss->max) o["overall_amount"] = *loss->min;
    if (loss->min) o["overall_min_amount"] = *loss->min;
    if (loss->max) o["overall_max_amount"] = *loss->max;
  }
  return o;
}

json::object discovery_of(const Incident &inc) {
  const DiscoveryMethod m = inc.discovery_method.value_or(DiscoveryMethod::unknown);
  auto section = [](std::string_view name, std::string_view variety) {
    return json::object{{name, json::object{{"variety", array_of({variety})}}}};
  };
  switch (m) {
  case DiscoveryMethod::internal_detection: return section("internal", "Unknown");
  case DiscoveryMethod::internal_report: return section("internal", "Reported by employee");
  case DiscoveryMethod::threat_hunting: return section("internal", "Log review");
  case DiscoveryMethod::audit: return section("internal", "It review");
  case DiscoveryMethod::external_notification: return section("external", "Unknown");
  case DiscoveryMethod::law_enforcement: return section("external", "Law enforcement");
  case DiscoveryMethod::attacker_disclosure: return section("external", "Actor disclosure");
  case DiscoveryMethod::unknown: break;
  }
  return json::object{{"unknown", true}};
}

std::string joined_lines(const std::vector<std::string> &lines) {
  std::string out;
  for (const std::string &l : lines) {
    if (!out.empty()) out += '\n';
    out += l;
  }
  return out;
}

json::object generate(const Document &doc, const ExportOptions &options) {
  static const Incident no_incident;
  const Incident &inc = doc.incident ? *doc.incident : no_incident;
  json::object v;
  v["schema_version"] = export_schema_version;
  v["incident_id"] = inc.id.value_or("Unknown");
  std::string_view determination = "Confirmed";
  for (const DeterminationRow &row : determination_table)
    if (inc.determination == row.value) determination = row.veris;
  v["security_incident"] = determination;
  v["summary"] = inc.summary ? *inc.summary : inc.title.value_or("");
  v["timeline"] = timeline_of(doc);
  json::object victim{{"country", array_of({"Unknown"})},
                      {"employee_count", "Unknown"},
                      {"government", array_of({"Unknown"})},
                      {"industry", "000"}};
  if (!options.organization.empty()) victim["victim_id"] = options.organization;
  v["victim"] = std::move(victim);
  v["action"] = action_of(inc);
  v["actor"] = actor_of(inc);
  v["asset"] = asset_of(doc);
  if (inc.impact)
    if (auto a = attribute_of(*inc.impact)) v["attribute"] = std::move(*a);
  v["discovery_method"] = discovery_of(inc);
  if (inc.impact)
    if (auto i = impact_of(*inc.impact)) v["impact"] = std::move(*i);
  std::vector<std::string> causes, actions;
  for (const Factor &f : doc.factors)
    if (f.kind == FactorKind::root_cause && f.title && !f.title->empty()) causes.push_back(*f.title);
  std::optional<std::int64_t> max_effort;
  for (const Action &a : doc.actions) {
    if (a.title && !a.title->empty()) actions.push_back(*a.title);
    if (a.effort && *a.effort >= 1 && *a.effort <= 5) max_effort = std::max(max_effort.value_or(0), *a.effort);
  }
  if (!causes.empty()) v["control_failure"] = joined_lines(causes);
  if (!actions.empty()) {
    v["corrective_action"] = joined_lines(actions);
    if (max_effort)
      for (const CostRow &row : cost_table)
        if (*max_effort <= row.max_effort) {
          v["cost_corrective_action"] = row.veris;
          break;
        }
  }
  json::array ioc;
  for (const Indicator &i : doc.indicators) {
    if (!i.value || i.value->empty()) continue;
    json::object o{{"indicator", *i.value}};
    if (i.description && !i.description->empty()) o["comment"] = *i.description;
    ioc.push_back(std::move(o));
  }
  if (!ioc.empty()) v["ioc"] = std::move(ioc);
  return v;
}

/// The parts of an imported document that one VERIS member maps to (what "says the same" means).
json::value aspect(const Document &doc, std::string_view key) {
  const json::value all = to_value(doc);
  const json::object &root = all.as_object();
  const json::object *inc = root.contains("incident") ? root.at("incident").if_object() : nullptr;
  auto pick = [](const json::object *o, std::initializer_list<std::string_view> members) {
    json::object out;
    if (!o) return out;
    for (std::string_view m : members)
      if (const json::value *x = o->if_contains(m)) out[m] = *x;
    return out;
  };
  const json::object *impact = inc && inc->contains("impact") ? inc->at("impact").if_object() : nullptr;
  if (key == "action") return pick(inc, {"category"}); // techniques are not exported: the kept action has them
  if (key == "actor") return pick(inc, {"actor"});
  if (key == "discovery_method") return pick(inc, {"discovery_method"});
  if (key == "attribute")
    return pick(impact, {"confidentiality", "integrity", "availability", "data_types", "records_affected", "downtime_minutes"});
  if (key == "impact") return pick(impact, {"rating", "financial_loss"});
  if (key == "asset") { // types and amounts (names are the varieties)
    json::array assets;
    for (const Asset &a : doc.assets) {
      const json::value *amount = a.extra.if_contains("x_veris_amount");
      assets.push_back(json::array{a.type ? json::value(to_string(*a.type)) : json::value(nullptr),
                                   amount ? *amount : json::value(1)});
    }
    return assets;
  }
  if (key == "timeline") { // when, not how it is worded
    json::array events;
    if (const json::value *t = root.if_contains("timeline"); t && t->is_array())
      for (const json::value &e : t->get_array())
        if (e.is_object()) events.push_back(pick(&e.get_object(), {"id", "time", "type"}));
    return events;
  }
  if (key == "cost_corrective_action") return pick(&root, {"actions"});
  return nullptr;
}

/// A kept object completed with the members of the generated one it lacks (VERIS 1.3 records
/// have no `asset.cloud` or `victim.government`, which 1.4 requires; the generated values are
/// `Unknown`s, which import reads as nothing).
json::value with_required(const json::value &kept, const json::value *generated) {
  if (!generated || !kept.is_object() || !generated->is_object()) return kept;
  json::object out = kept.get_object();
  for (const auto &kv : generated->get_object())
    if (!out.contains(kv.key())) out[kv.key()] = kv.value();
  return out;
}

/// Puts back the members import kept in `x_veris`: an unmapped member as it was; a mapped one
/// (action, actor, asset, attribute, impact, timeline, discovery_method, cost) only when it
/// still imports as what the document says now, so an edited document is not overridden.
void merge_kept(json::object &out, const json::object &kept, const ExportOptions &options) {
  static constexpr std::string_view mapped[] = {"action", "actor", "asset", "attribute", "impact",
                                                "timeline", "discovery_method", "cost_corrective_action"};
  std::optional<Document> base;
  for (const auto &kv : kept) {
    const std::string_view key = kv.key();
    if (key == "schema_version") continue;
    if (key == "victim" && !options.organization.empty()) continue;
    if (std::find(std::begin(mapped), std::end(mapped), key) == std::end(mapped)) {
      if (key == "victim" || !out.contains(key)) out[key] = with_required(kv.value(), out.if_contains(key));
      continue;
    }
    if (key == "discovery_method" && !kv.value().is_object()) continue; // VERIS 1.3 string form
    if (key == "action") { // VERIS 1.3 spells `Unknown`: only 1.4 action categories go back
      static constexpr std::string_view categories[] = {"hacking", "malware", "social", "error",
                                                        "misuse", "physical", "environmental", "unknown"};
      if (!kv.value().is_object() ||
          !std::all_of(kv.value().get_object().begin(), kv.value().get_object().end(), [](const auto &m) {
            return std::find(std::begin(categories), std::end(categories), m.key()) != std::end(categories);
          }))
        continue;
    }
    if (!base) base = read_veris(out);
    json::object candidate = out;
    candidate[key] = kv.value();
    if (aspect(read_veris(candidate), key) == aspect(*base, key)) out[key] = with_required(kv.value(), out.if_contains(key));
  }
}

} // namespace

boost::json::value to_veris(const Document &original, const ExportOptions &options, const Policy &) {
  const Document doc = redacted(original, options);
  json::object out = generate(doc, options);
  if (doc.incident)
    if (const json::value *kept = doc.incident->extra.if_contains("x_veris"); kept && kept->is_object())
      merge_kept(out, kept->get_object(), options);
  return out;
}

PM_END_NAMESPACE
