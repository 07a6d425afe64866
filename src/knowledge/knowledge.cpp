// The ATT&CK and KEV tables: the built-in ones (generated from data/ at build time) and the
// loaders for the upstream formats (docs/knowledge.md).
#include <postmortem/knowledge.hpp>
#include <postmortem/policy.hpp>

#include "knowledge/builtin.hpp"
#include "text.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <unordered_map>

PM_BEGIN_NAMESPACE

namespace {

namespace json = boost::json;

[[noreturn]] void format_error(const std::string &message) { throw error(errc::format, message); }

char upper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

json::value parse_json(std::string_view text, std::string_view what) {
  json::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) format_error(fmt::format("{}: not valid JSON: {}", what, ec.message()));
  return v;
}

std::string_view string_member(const json::object &o, std::string_view key) {
  const json::value *v = o.if_contains(key);
  return v && v->is_string() ? std::string_view(v->get_string()) : std::string_view{};
}

bool bool_member(const json::object &o, std::string_view key) {
  const json::value *v = o.if_contains(key);
  return v && v->is_bool() && v->get_bool();
}

// The lines of a TSV text (LF or CRLF; a final newline is optional), split into cells.
std::vector<std::vector<std::string_view>> tsv_rows(std::string_view text) {
  std::vector<std::vector<std::string_view>> rows;
  while (!text.empty()) {
    std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::vector<std::string_view> cells;
    for (;;) {
      std::size_t tab = line.find('\t');
      cells.push_back(line.substr(0, tab));
      if (tab == std::string_view::npos) break;
      line.remove_prefix(tab + 1);
    }
    rows.push_back(std::move(cells));
  }
  return rows;
}

} // namespace

bool Technique::has_tactic(std::string_view shortname) const noexcept {
  std::string_view rest = tactics;
  while (!rest.empty()) {
    std::size_t comma = rest.find(',');
    if (rest.substr(0, comma) == shortname) return true;
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return false;
}

Knowledge::Knowledge()
    : techniques_(detail::builtin_techniques().begin(), detail::builtin_techniques().end()),
      tactics_(detail::builtin_tactics().begin(), detail::builtin_tactics().end()),
      kev_(detail::builtin_kev().begin(), detail::builtin_kev().end()),
      attack_source_(detail::builtin_attack_source()), kev_source_(detail::builtin_kev_source()) {}

const Technique *Knowledge::find_technique(std::string_view id) const noexcept {
  auto it = std::ranges::lower_bound(techniques_, id, {}, &Technique::id);
  return it != techniques_.end() && it->id == id ? &*it : nullptr;
}

const Tactic *Knowledge::find_tactic(std::string_view shortname) const noexcept {
  auto it = std::ranges::find(tactics_, shortname, &Tactic::shortname);
  return it != tactics_.end() ? &*it : nullptr;
}

const Tactic *Knowledge::find_tactic_id(std::string_view id) const noexcept {
  auto it = std::ranges::find(tactics_, id, &Tactic::id);
  return it != tactics_.end() ? &*it : nullptr;
}

const KevEntry *Knowledge::find_kev(std::string_view cve) const noexcept {
  char buf[32];
  if (cve.size() >= sizeof buf) return nullptr;
  for (std::size_t i = 0; i < cve.size(); ++i) buf[i] = upper(cve[i]);
  std::string_view key(buf, cve.size());
  auto it = std::ranges::lower_bound(kev_, key, {}, &KevEntry::cve_id);
  return it != kev_.end() && it->cve_id == key ? &*it : nullptr;
}

void Knowledge::load_attack_stix(std::string_view text) {
  json::value v = parse_json(text, "ATT&CK STIX bundle");
  const json::array *objects = v.is_object() && v.as_object().if_contains("objects") ? v.as_object().at("objects").if_array() : nullptr;
  if (!objects) format_error("ATT&CK STIX bundle: the top level must be an object with an \"objects\" array");

  auto storage = std::make_shared<Storage>();
  auto keep = [&](std::string_view s) -> std::string_view { return storage->emplace_back(s); };

  // The ATT&CK id ("T1566.001", "TA0001") of a STIX object, from its mitre-attack reference.
  auto attack_id = [](const json::object &o) -> std::string_view {
    if (const json::value *refs = o.if_contains("external_references"); refs && refs->is_array())
      for (const auto &r : refs->get_array())
        if (r.is_object() && string_member(r.get_object(), "source_name") == "mitre-attack")
          return string_member(r.get_object(), "external_id");
    return {};
  };

  std::vector<Technique> techniques;
  std::vector<Tactic> tactics;
  std::unordered_map<std::string_view, std::string_view> stix_to_id;     // STIX id -> ATT&CK id
  std::unordered_map<std::string_view, std::string_view> revoked_by;     // STIX id -> STIX id
  std::vector<std::string_view> matrix_order;                            // tactic STIX ids
  for (const auto &item : *objects) {
    if (!item.is_object()) continue;
    const json::object &o = item.get_object();
    std::string_view type = string_member(o, "type"), stix_id = string_member(o, "id");
    if (type == "attack-pattern") {
      std::string_view id = attack_id(o);
      if (!is_technique_id(id)) continue; // not an Enterprise technique (or malformed): skip
      Technique t;
      t.id = keep(id);
      t.name = keep(string_member(o, "name"));
      t.is_sub = bool_member(o, "x_mitre_is_subtechnique");
      t.revoked = bool_member(o, "revoked");
      t.deprecated = bool_member(o, "x_mitre_deprecated");
      std::string joined;
      if (const json::value *phases = o.if_contains("kill_chain_phases"); phases && phases->is_array())
        for (const auto &p : phases->get_array())
          if (p.is_object() && string_member(p.get_object(), "kill_chain_name") == "mitre-attack") {
            if (!joined.empty()) joined += ',';
            joined += string_member(p.get_object(), "phase_name");
          }
      t.tactics = keep(joined);
      stix_to_id[keep(stix_id)] = t.id;
      techniques.push_back(t);
    } else if (type == "x-mitre-tactic") {
      Tactic t{keep(attack_id(o)), keep(string_member(o, "x_mitre_shortname")), keep(string_member(o, "name"))};
      if (t.shortname.empty()) continue;
      stix_to_id[keep(stix_id)] = t.id;
      tactics.push_back(t);
    } else if (type == "x-mitre-matrix") {
      if (const json::value *refs = o.if_contains("tactic_refs"); refs && refs->is_array())
        for (const auto &r : refs->get_array())
          if (r.is_string()) matrix_order.push_back(keep(r.get_string()));
    } else if (type == "relationship" && string_member(o, "relationship_type") == "revoked-by") {
      revoked_by[keep(string_member(o, "source_ref"))] = keep(string_member(o, "target_ref"));
    }
  }
  if (techniques.empty()) format_error("ATT&CK STIX bundle: no attack-pattern object with a mitre-attack technique id");

  // Replacements: follow revoked-by to the ATT&CK id of the target.
  for (const auto &[source, target] : revoked_by) {
    auto s = stix_to_id.find(source), t = stix_to_id.find(target);
    if (s == stix_to_id.end() || t == stix_to_id.end()) continue;
    for (auto &tech : techniques)
      if (tech.id == s->second) tech.revoked_by = t->second;
  }
  // One row per id: a bundle may carry an old and a current object with the same id; the
  // one that is not revoked wins.
  std::ranges::stable_sort(techniques, {}, &Technique::id);
  std::vector<Technique> unique;
  for (const auto &t : techniques) {
    if (!unique.empty() && unique.back().id == t.id) {
      if (unique.back().revoked && !t.revoked) unique.back() = t;
      continue;
    }
    unique.push_back(t);
  }
  // Tactics in matrix order when the bundle has the matrix, else by id.
  std::ranges::sort(tactics, {}, &Tactic::id);
  if (!matrix_order.empty()) {
    std::vector<Tactic> ordered;
    for (std::string_view ref : matrix_order)
      if (auto it = stix_to_id.find(ref); it != stix_to_id.end())
        if (auto t = std::ranges::find(tactics, it->second, &Tactic::id); t != tactics.end()) ordered.push_back(*t);
    for (const auto &t : tactics)
      if (std::ranges::find(ordered, t.id, &Tactic::id) == ordered.end()) ordered.push_back(t);
    tactics = std::move(ordered);
  }
  techniques_ = std::move(unique);
  tactics_ = std::move(tactics);
  attack_source_ = "ATT&CK STIX bundle";
  storage_.push_back(std::move(storage));
}

void Knowledge::load_attack_tsv(std::string_view techniques_tsv, std::string_view tactics_tsv) {
  auto storage = std::make_shared<Storage>();
  auto keep = [&](std::string_view s) -> std::string_view { return storage->emplace_back(s); };
  auto check_header = [](const auto &rows, std::span<const std::string_view> columns, std::string_view what) {
    if (rows.empty() || !std::ranges::equal(rows.front(), columns))
      format_error(fmt::format("ATT&CK {} TSV: the first line must be the header {}", what, detail::quoted_list(columns)));
  };
  auto flag = [](std::string_view cell, std::size_t line, std::string_view column) {
    if (cell == "True") return true;
    if (cell == "False") return false;
    format_error(fmt::format("ATT&CK techniques TSV, line {}: {} is \"{}\"; expected True or False", line, column,
                             detail::abbreviate(cell)));
  };

  static constexpr std::string_view technique_columns[] = {"id", "name", "is_sub", "revoked", "deprecated", "tactics"};
  static constexpr std::string_view tactic_columns[] = {"id", "shortname", "name"};
  auto rows = tsv_rows(techniques_tsv);
  check_header(rows, technique_columns, "techniques");
  std::vector<Technique> techniques;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const auto &c = rows[i];
    if (c.size() == 1 && c[0].empty()) continue;
    if (c.size() != std::size(technique_columns))
      format_error(fmt::format("ATT&CK techniques TSV, line {}: {} columns; expected 6", i + 1, c.size()));
    if (!is_technique_id(c[0]))
      format_error(fmt::format("ATT&CK techniques TSV, line {}: \"{}\" is not a technique id", i + 1, detail::abbreviate(c[0])));
    techniques.push_back({keep(c[0]), keep(c[1]), flag(c[2], i + 1, "is_sub"), flag(c[3], i + 1, "revoked"),
                          flag(c[4], i + 1, "deprecated"), keep(c[5]), {}});
  }
  std::ranges::sort(techniques, {}, &Technique::id);
  rows = tsv_rows(tactics_tsv);
  check_header(rows, tactic_columns, "tactics");
  std::vector<Tactic> tactics;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const auto &c = rows[i];
    if (c.size() == 1 && c[0].empty()) continue;
    if (c.size() != std::size(tactic_columns))
      format_error(fmt::format("ATT&CK tactics TSV, line {}: {} columns; expected 3", i + 1, c.size()));
    tactics.push_back({keep(c[0]), keep(c[1]), keep(c[2])});
  }
  if (techniques.empty() || tactics.empty()) format_error("ATT&CK TSV: no technique or no tactic");
  techniques_ = std::move(techniques);
  tactics_ = std::move(tactics);
  attack_source_ = "ATT&CK TSV";
  storage_.push_back(std::move(storage));
}

void Knowledge::load_kev_json(std::string_view text) {
  json::value v = parse_json(text, "KEV catalog");
  const json::array *vulns = v.is_object() && v.as_object().if_contains("vulnerabilities")
                                 ? v.as_object().at("vulnerabilities").if_array() : nullptr;
  if (!vulns) format_error("KEV catalog: no \"vulnerabilities\" array (not the CISA KEV feed format)");
  auto storage = std::make_shared<Storage>();
  auto keep = [&](std::string_view s) -> std::string_view { return storage->emplace_back(s); };
  std::vector<KevEntry> kev;
  kev.reserve(vulns->size());
  for (std::size_t i = 0; i < vulns->size(); ++i) {
    const json::value &e = (*vulns)[i];
    std::string_view cve = e.is_object() ? string_member(e.get_object(), "cveID") : std::string_view{};
    if (cve.empty()) format_error(fmt::format("KEV catalog: /vulnerabilities/{} has no cveID", i));
    const json::object &o = e.get_object();
    std::string id(cve);
    for (char &c : id) c = upper(c);
    kev.push_back({keep(id), keep(string_member(o, "vendorProject")), keep(string_member(o, "product")),
                   keep(string_member(o, "vulnerabilityName")), keep(string_member(o, "dateAdded")),
                   keep(string_member(o, "dueDate")), keep(string_member(o, "knownRansomwareCampaignUse"))});
  }
  std::ranges::stable_sort(kev, {}, &KevEntry::cve_id);
  // std::unique, not std::ranges::unique: clang 14 cannot use the latter's result with libstdc++ 12.
  kev.erase(std::unique(kev.begin(), kev.end(), [](const KevEntry &a, const KevEntry &b) { return a.cve_id == b.cve_id; }),
            kev.end());
  kev_ = std::move(kev);
  std::string_view version = string_member(v.as_object(), "catalogVersion");
  kev_source_ = version.empty() ? std::string("CISA KEV") : fmt::format("CISA KEV {}", version);
  storage_.push_back(std::move(storage));
}

const Knowledge &builtin_knowledge() noexcept {
  static const Knowledge k; // the constructor copies the generated tables: no allocation can throw but bad_alloc
  return k;
}

const Knowledge &knowledge_of(const Policy &policy) noexcept {
  return policy.knowledge ? *policy.knowledge : builtin_knowledge();
}

std::string_view technique_name(std::string_view id, const Knowledge &knowledge) noexcept {
  const Technique *t = knowledge.find_technique(id);
  return t ? t->name : std::string_view{};
}

std::string_view tactic_name(std::string_view shortname, const Knowledge &knowledge) noexcept {
  const Tactic *t = knowledge.find_tactic(shortname);
  return t ? t->name : std::string_view{};
}

bool is_technique_id(std::string_view id) noexcept {
  auto digits = [](std::string_view s) { return std::ranges::all_of(s, [](char c) { return c >= '0' && c <= '9'; }); };
  if (id.size() == 5) return id[0] == 'T' && digits(id.substr(1));
  if (id.size() == 9) return id[0] == 'T' && digits(id.substr(1, 4)) && id[5] == '.' && digits(id.substr(6));
  return false;
}

PM_END_NAMESPACE
