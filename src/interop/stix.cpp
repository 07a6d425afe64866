// STIX 2.1 export (interop.hpp; docs/interop.md has the mapping table and the rules for
// ids, timestamps, markings and relationships).
#include <postmortem/interop.hpp>

#include "stix_uuid.hpp"

#include <postmortem/knowledge.hpp>

#include <boost/json.hpp>

#include <algorithm>
#include <array>
#include <set>
#include <string>
#include <tuple>
#include <vector>

PM_BEGIN_NAMESPACE

namespace {

namespace json = boost::json;

constexpr std::string_view incident_ext = "extension-definition--ef765651-680c-498d-9894-99799f2fa126";
constexpr std::string_view tlp2_ext = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d";
// created/modified of the objects every export shares (identity, attack-pattern, vulnerability).
constexpr std::string_view shared_time = "1970-01-01T00:00:00.000Z";

struct TlpMarking {
  std::string_view id, name, value;
};

// FIRST TLP 2.0 marking definitions of the OASIS TLP 2.0 extension (cti-stix-common-objects,
// extension-definition-specifications/tlp-2.0), indexed by Tlp.
constexpr std::array<TlpMarking, 5> tlp_markings = {{
    {"marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487", "TLP:CLEAR", "clear"},
    {"marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb", "TLP:GREEN", "green"},
    {"marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421", "TLP:AMBER", "amber"},
    {"marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003", "TLP:AMBER+STRICT", "amber+strict"},
    {"marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1", "TLP:RED", "red"},
}};

std::string stix_id(std::string_view type, std::string_view name) {
  return std::string(type) + "--" + detail::uuid5(detail::stix_namespace, name);
}

std::string two(int v) { return {char('0' + v / 10), char('0' + v % 10)}; }

// YYYY-MM-DDTHH:MM:SS.sssZ (UTC, truncated to the millisecond).
std::string stix_time(std::int64_t micros) {
  std::int64_t ms = micros >= 0 ? micros / 1000 : -((-micros + 999) / 1000);
  constexpr std::int64_t day_ms = 86'400'000;
  std::int64_t days = ms >= 0 ? ms / day_ms : -((-ms + day_ms - 1) / day_ms);
  std::int64_t rest = ms - days * day_ms;
  const int h = int(rest / 3'600'000), m = int(rest / 60'000 % 60), s = int(rest / 1000 % 60), milli = int(rest % 1000);
  std::string out = Day{std::int32_t(days)}.to_string();
  out += 'T' + two(h) + ':' + two(m) + ':' + two(s) + '.';
  out += char('0' + milli / 100);
  out += char('0' + milli / 10 % 10);
  out += char('0' + milli % 10);
  out += 'Z';
  return out;
}

std::string dashed(std::string_view s) {
  std::string out(s);
  std::ranges::replace(out, '_', '-');
  return out;
}

json::array strings(const Strings &v) {
  json::array a;
  for (const std::string &s : v) a.emplace_back(s);
  return a;
}

// The incident's created (earliest) and modified (latest) instants, docs/interop.md.
std::pair<std::string, std::string> incident_times(const Document &doc) {
  std::vector<std::int64_t> t;
  auto add = [&](const std::optional<Timestamp> &ts) {
    if (ts) t.push_back(ts->micros);
  };
  if (doc.incident && doc.incident->milestones) {
    const Milestones &m = *doc.incident->milestones;
    for (const auto *ts : {&m.started_at, &m.detected_at, &m.reported_at, &m.contained_at, &m.eradicated_at,
                           &m.recovered_at, &m.closed_at})
      add(*ts);
  }
  for (const Event &e : doc.timeline) add(e.time);
  for (const Action &a : doc.actions) add(a.completed_at);
  if (doc.review) add(doc.review->held_at);
  if (t.empty()) return {std::string(shared_time), std::string(shared_time)};
  const auto [lo, hi] = std::ranges::minmax(t);
  return {stix_time(lo), stix_time(hi)};
}

std::string_view determination(Determination d) {
  switch (d) {
  case Determination::confirmed: return "confirmed";
  case Determination::suspected: return "suspected";
  case Determination::near_miss: return "failed-attempt";
  case Determination::false_positive: return "false-positive";
  }
  return "confirmed";
}

std::string_view investigation_status(std::optional<IncidentStatus> s) {
  if (!s) return "new";
  return *s == IncidentStatus::closed ? "closed" : "open";
}

int criticality(ImpactRating r) {
  switch (r) {
  case ImpactRating::insignificant: return 10;
  case ImpactRating::distracting: return 35;
  case ImpactRating::painful: return 60;
  case ImpactRating::damaging: return 80;
  case ImpactRating::catastrophic: return 95;
  }
  return 0;
}

// https://attack.mitre.org/techniques/T1505/003/ for T1505.003.
std::string technique_url(std::string_view id) {
  std::string path(id);
  std::ranges::replace(path, '.', '/');
  return "https://attack.mitre.org/techniques/" + path + "/";
}

bool is_cve(std::string_view id) {
  if (!id.starts_with("CVE-") || id.size() < 13 || id[8] != '-') return false;
  for (std::size_t i = 4; i < id.size(); ++i)
    if (i != 8 && (id[i] < '0' || id[i] > '9')) return false;
  return true;
}

// Moves `member` of `from` (if present and, for arrays, not empty) to `to` as `name`.
void copy_member(const json::value &from, std::string_view member, json::object &to, std::string_view name) {
  const json::object *o = from.if_object();
  if (!o) return;
  const json::value *v = o->if_contains(member);
  if (!v) return;
  if (const json::array *a = v->if_array(); a && a->empty()) return;
  to[name] = *v;
}

class Builder {
public:
  Builder(const Document &doc, const ExportOptions &options, const Policy &policy)
      : doc_(doc), value_(to_value(doc)), knowledge_(knowledge_of(policy)) {
    const Incident empty_incident;
    const Incident &inc = doc.incident ? *doc.incident : empty_incident;
    incident_key_ = inc.id.value_or("");
    std::tie(created_, modified_) = incident_times(doc);
    if (inc.tlp) marking_ = &tlp_markings[static_cast<std::size_t>(*inc.tlp)];
    organization_ = options.organization.empty() ? "Unknown organization" : options.organization;
    identity_id_ = stix_id("identity", "identity|" + organization_);
    incident_id_ = stix_id("incident", "incident|" + incident_key_);
  }

  json::object build() {
    const Incident empty_incident;
    const Incident &inc = doc_.incident ? *doc_.incident : empty_incident;
    if (marking_) add_marking();
    add_identity();
    add_incident(inc);
    add_attack_patterns(inc);
    add_vulnerabilities();
    add_courses_of_action();
    add_relationships();

    json::object bundle;
    bundle["type"] = "bundle";
    bundle["id"] = stix_id("bundle", "bundle|" + json::serialize(objects_));
    bundle["objects"] = std::move(objects_);
    return bundle;
  }

private:
  const Document &doc_;
  json::value value_; // the (redacted) document as JSON: the source of the x_postmortem_* members
  const Knowledge &knowledge_;
  std::string incident_key_, created_, modified_, organization_, identity_id_, incident_id_;
  const TlpMarking *marking_ = nullptr;
  json::array objects_;
  std::vector<std::string> technique_ids_;   // in bundle order
  std::vector<std::string> vulnerability_ids_; // document ids, first occurrence of each
  std::set<std::string> relationship_ids_;

  json::value doc_member(std::string_view name) const {
    const json::value *v = value_.get_object().if_contains(name);
    return v ? *v : json::value();
  }

  // type, spec_version, id, created, modified [, created_by_ref] of an object.
  json::object common(std::string_view type, const std::string &id, bool shared) const {
    json::object o;
    o["type"] = type;
    o["spec_version"] = "2.1";
    o["id"] = id;
    o["created"] = shared ? std::string(shared_time) : created_;
    o["modified"] = shared ? std::string(shared_time) : modified_;
    if (!shared) o["created_by_ref"] = identity_id_;
    return o;
  }

  void push(json::object o) {
    if (marking_) o["object_marking_refs"] = json::array{json::string(marking_->id)};
    objects_.emplace_back(std::move(o));
  }

  void add_marking() {
    json::object o;
    o["type"] = "marking-definition";
    o["spec_version"] = "2.1";
    o["id"] = marking_->id;
    o["created"] = "2022-10-01T00:00:00.000Z";
    o["name"] = marking_->name;
    json::object ext;
    ext["extension_type"] = "property-extension";
    ext["tlp_2_0"] = marking_->value;
    o["extensions"] = json::object{{tlp2_ext, std::move(ext)}};
    objects_.emplace_back(std::move(o)); // a marking definition is not marked itself
  }

  void add_identity() {
    json::object o = common("identity", identity_id_, true);
    o["name"] = organization_;
    o["identity_class"] = "organization";
    push(std::move(o));
  }

  void add_incident(const Incident &inc) {
    json::object o = common("incident", incident_id_, false);
    o["name"] = inc.title ? *inc.title : inc.id ? "Incident " + *inc.id : std::string("Incident");
    if (inc.summary) o["description"] = *inc.summary;
    if (!inc.tags.empty()) o["labels"] = strings(inc.tags);
    if (inc.id) o["external_references"] = json::array{json::object{{"source_name", "postmortem"}, {"external_id", *inc.id}}};

    json::object ext;
    ext["extension_type"] = "property-extension";
    ext["determination"] = determination(inc.determination.value_or(Determination::confirmed));
    ext["investigation_status"] = investigation_status(inc.status);
    if (inc.impact && inc.impact->rating) ext["criticality"] = criticality(*inc.impact->rating);
    if (inc.impact && inc.impact->recoverability) ext["recoverability"] = dashed(to_string(*inc.impact->recoverability));
    if (inc.discovery_method) ext["detection_methods"] = json::array{json::string(to_string(*inc.discovery_method))};
    json::object counts;
    if (inc.impact && inc.impact->users_affected && *inc.impact->users_affected >= 0)
      counts["individuals"] = *inc.impact->users_affected;
    const auto compromised = std::ranges::count_if(doc_.assets, [](const Asset &a) { return a.compromised == Compromised::yes; });
    if (compromised > 0) counts["information-systems"] = std::int64_t(compromised);
    if (!counts.empty()) ext["impacted_entity_counts"] = std::move(counts);
    o["extensions"] = json::object{{incident_ext, std::move(ext)}};

    // What the extension cannot say, as x_postmortem_* properties (docs/interop.md).
    if (inc.determination == Determination::near_miss) o["x_postmortem_determination"] = "near_miss";
    if (inc.status) o["x_postmortem_status"] = to_string(*inc.status);
    if (inc.category) o["x_postmortem_category"] = to_string(*inc.category);
    if (inc.declared_severity) o["x_postmortem_declared_severity"] = to_string(*inc.declared_severity);
    if (inc.tlp) o["x_postmortem_tlp"] = to_string(*inc.tlp);
    const json::value incident = doc_member("incident");
    copy_member(incident, "recurrence_of", o, "x_postmortem_recurrence_of");
    copy_member(incident, "actor", o, "x_postmortem_actor");
    copy_member(incident, "milestones", o, "x_postmortem_milestones");
    copy_member(incident, "impact", o, "x_postmortem_impact");
    for (std::string_view member : {"assets", "timeline", "evidence", "indicators", "factors", "lessons", "participants", "review"})
      copy_member(value_, member, o, "x_postmortem_" + std::string(member));
    push(std::move(o));
  }

  void add_attack_patterns(const Incident &inc) {
    auto add = [&](const std::string &id) {
      if (id.empty() || std::ranges::find(technique_ids_, id) != technique_ids_.end()) return;
      technique_ids_.push_back(id);
      json::object o = common("attack-pattern", stix_id("attack-pattern", "attack-pattern|" + id), true);
      const Technique *t = knowledge_.find_technique(id);
      o["name"] = t ? std::string(t->name) : id;
      json::object ref{{"source_name", "mitre-attack"}, {"external_id", id}};
      if (is_technique_id(id)) ref["url"] = technique_url(id);
      o["external_references"] = json::array{std::move(ref)};
      if (t && !t->tactics.empty()) {
        json::array phases;
        std::string_view rest = t->tactics;
        while (!rest.empty()) {
          const std::size_t comma = rest.find(',');
          const std::string_view tactic = rest.substr(0, comma);
          phases.emplace_back(json::object{{"kill_chain_name", "mitre-attack"}, {"phase_name", tactic}});
          rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
        }
        o["kill_chain_phases"] = std::move(phases);
      }
      push(std::move(o));
    };
    for (const std::string &id : inc.techniques) add(id);
    for (const Event &e : doc_.timeline)
      if (e.technique) add(*e.technique);
  }

  void add_vulnerabilities() {
    for (const Vulnerability &v : doc_.vulnerabilities) {
      if (!v.id || v.id->empty() || std::ranges::find(vulnerability_ids_, *v.id) != vulnerability_ids_.end()) continue;
      vulnerability_ids_.push_back(*v.id);
      json::object o = common("vulnerability", stix_id("vulnerability", "vulnerability|" + *v.id), true);
      o["name"] = *v.id;
      if (is_cve(*v.id)) o["external_references"] = json::array{json::object{{"source_name", "cve"}, {"external_id", *v.id}}};
      push(std::move(o));
    }
  }

  std::string action_key(std::size_t i) const {
    const Action &a = doc_.actions[i];
    return a.id ? *a.id : "#" + std::to_string(i + 1);
  }

  std::string action_id(std::size_t i) const {
    return stix_id("course-of-action", "course-of-action|" + incident_key_ + "|" + action_key(i));
  }

  void add_courses_of_action() {
    const json::value *actions = value_.get_object().if_contains("actions");
    for (std::size_t i = 0; i < doc_.actions.size(); ++i) {
      const Action &a = doc_.actions[i];
      json::object o = common("course-of-action", action_id(i), false);
      o["name"] = a.title ? *a.title : a.id ? "Action " + *a.id : "Action " + std::to_string(i + 1);
      if (a.description) o["description"] = *a.description;
      if (actions && actions->is_array() && i < actions->get_array().size()) {
        json::value rest = actions->get_array()[i];
        if (json::object *r = rest.if_object()) {
          r->erase("title");
          r->erase("description");
          if (!r->empty()) o["x_postmortem_action"] = std::move(rest);
        }
      }
      push(std::move(o));
    }
  }

  void relationship(std::string_view type, const std::string &source, const std::string &target, json::object more = {}) {
    const std::string id = stix_id("relationship", "relationship|" + std::string(type) + "|" + source + "|" + target);
    if (!relationship_ids_.insert(id).second) return;
    json::object o = common("relationship", id, false);
    o["relationship_type"] = type;
    o["source_ref"] = source;
    o["target_ref"] = target;
    for (auto &kv : more) o[kv.key()] = std::move(kv.value());
    push(std::move(o));
  }

  void add_relationships() {
    relationship("targets", incident_id_, identity_id_);
    for (const std::string &t : technique_ids_)
      relationship("related-to", incident_id_, stix_id("attack-pattern", "attack-pattern|" + t));
    const json::value *vulns = value_.get_object().if_contains("vulnerabilities");
    for (std::size_t i = 0; i < doc_.vulnerabilities.size(); ++i) {
      const Vulnerability &v = doc_.vulnerabilities[i];
      if (!v.id || v.id->empty()) continue;
      json::object more;
      if (vulns && vulns->is_array() && i < vulns->get_array().size()) {
        json::value rest = vulns->get_array()[i];
        if (json::object *r = rest.if_object()) {
          r->erase("id");
          if (!r->empty()) more["x_postmortem_vulnerability"] = std::move(rest);
        }
      }
      relationship("related-to", incident_id_, stix_id("vulnerability", "vulnerability|" + *v.id), std::move(more));
    }
    for (std::size_t i = 0; i < doc_.actions.size(); ++i) relationship("related-to", action_id(i), incident_id_);

    // course-of-action `mitigates` attack-pattern / vulnerability, through the factors the
    // action addresses: a factor's events' techniques, and the vulnerabilities on its assets.
    for (std::size_t i = 0; i < doc_.actions.size(); ++i) {
      std::vector<std::pair<std::string, std::vector<std::string>>> targets; // STIX id → factor ids, in order
      auto note = [&](const std::string &target, const std::string &factor) {
        auto it = std::ranges::find_if(targets, [&](const auto &p) { return p.first == target; });
        if (it == targets.end()) targets.push_back({target, {factor}});
        else if (std::ranges::find(it->second, factor) == it->second.end()) it->second.push_back(factor);
      };
      for (const std::string &fid : doc_.actions[i].addresses) {
        const auto f = std::ranges::find_if(doc_.factors, [&](const Factor &x) { return x.id == fid; });
        if (f == doc_.factors.end()) continue;
        for (const std::string &eid : f->event_ids) {
          const auto e = std::ranges::find_if(doc_.timeline, [&](const Event &x) { return x.id == eid; });
          if (e != doc_.timeline.end() && e->technique && !e->technique->empty())
            note(stix_id("attack-pattern", "attack-pattern|" + *e->technique), fid);
        }
        for (const Vulnerability &v : doc_.vulnerabilities) {
          if (!v.id || v.id->empty()) continue;
          const bool shared = std::ranges::any_of(v.asset_ids, [&](const std::string &a) {
            return std::ranges::find(f->asset_ids, a) != f->asset_ids.end();
          });
          if (shared) note(stix_id("vulnerability", "vulnerability|" + *v.id), fid);
        }
      }
      for (auto &[target, factors] : targets) {
        json::array via;
        for (const std::string &f : factors) via.emplace_back(f);
        relationship("mitigates", action_id(i), target, json::object{{"x_postmortem_factor_ids", std::move(via)}});
      }
    }
  }
};

} // namespace

boost::json::value to_stix(const Document &doc, const ExportOptions &options, const Policy &policy) {
  const Document shared = redacted(doc, options);
  return Builder(shared, options, policy).build();
}

PM_END_NAMESPACE
