// PM111, PM112, PM115: ATT&CK technique ids and tactic short names, checked against the
// policy's knowledge tables (postmortem/knowledge.hpp; the built-in ATT&CK Enterprise v18.1
// unless the policy names newer files).
#include "validate/report.hpp"

#include "text.hpp"

#include <postmortem/knowledge.hpp>

#include <fmt/format.h>

#include <vector>

PM_BEGIN_NAMESPACE
namespace detail {

namespace {

std::string upper(std::string_view s) {
  std::string out(s);
  for (char &c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return out;
}

std::string quoted_technique(const Technique &t) { return fmt::format("{} \"{}\"", t.id, t.name); }

// The active technique whose name is a revoked one's (ignoring case), preferring one that
// shares a tactic with it when several have the name: its likely replacement when the tables
// do not say (the TSV form has no revoked-by relationships). Null when there is none, or no
// single one.
const Technique *same_name_active(const Knowledge &k, const Technique &revoked) {
  const std::string name = lower(revoked.name);
  std::vector<const Technique *> found;
  for (const auto &t : k.techniques())
    if (!t.revoked && !t.deprecated && lower(t.name) == name) found.push_back(&t);
  if (found.size() > 1)
    std::erase_if(found, [&](const Technique *t) {
      std::string_view rest = revoked.tactics;
      while (!rest.empty()) {
        std::size_t comma = rest.find(',');
        if (t->has_tactic(rest.substr(0, comma))) return false;
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
      }
      return true;
    });
  return found.size() == 1 ? found.front() : nullptr;
}

// `who` uses technique `id` at `path`: PM111 when the id is malformed or unknown, PM112 when
// it is revoked or deprecated.
void check_technique(const Knowledge &k, std::string_view who, std::string_view id, std::string path, Report &report) {
  if (is_blank(id)) return; // PM102's business
  const std::string &source = k.attack_source();
  if (!is_technique_id(id)) {
    const std::string up = upper(id);
    std::string hint;
    if (const Technique *t = is_technique_id(up) ? k.find_technique(up) : nullptr)
      hint = fmt::format("; did you mean {}?", quoted_technique(*t));
    report.add("PM111", std::move(path),
               fmt::format("{} has technique \"{}\", which is not an ATT&CK technique id (T and 4 digits, optionally a dot "
                           "and 3 digits, e.g. T1566.001){}",
                           who, abbreviate(id), hint));
    return;
  }
  const Technique *t = k.find_technique(id);
  if (!t) {
    std::string also;
    if (id.size() == 9)
      if (const Technique *parent = k.find_technique(id.substr(0, 5)))
        also = fmt::format(" (its parent technique {} exists)", quoted_technique(*parent));
    report.add("PM111", std::move(path), fmt::format("{} has technique {}, which is not in {}{}", who, id, source, also));
    return;
  }
  if (t->revoked) {
    std::string replacement;
    if (const Technique *r = t->revoked_by.empty() ? nullptr : k.find_technique(t->revoked_by))
      replacement = fmt::format("; it was replaced by {}", quoted_technique(*r));
    else if (const Technique *same = same_name_active(k, *t))
      replacement = fmt::format("; the active technique of the same name is {}", quoted_technique(*same));
    else
      replacement = "; the tables do not say what replaced it";
    report.add("PM112", std::move(path), fmt::format("{} has technique {}, which is revoked in {}{}", who, quoted_technique(*t), source, replacement));
  } else if (t->deprecated) {
    report.add("PM112", std::move(path),
               fmt::format("{} has technique {}, which is deprecated in {} (no longer maintained, with no replacement)", who,
                           quoted_technique(*t), source));
  }
}

// The tactic short name `value` most likely means: a tactic id (TA0001), a tactic name
// ("Initial Access"), a spelling with spaces, underscores or capitals, or a close typo.
std::string_view tactic_suggestion(const Knowledge &k, std::string_view value) {
  if (const Tactic *t = k.find_tactic_id(upper(value))) return t->shortname;
  std::string norm = lower(value);
  for (char &c : norm)
    if (c == ' ' || c == '_') c = '-';
  if (const Tactic *t = k.find_tactic(norm)) return t->shortname;
  for (const auto &t : k.tactics())
    if (lower(t.name) == lower(value)) return t.shortname;
  std::vector<std::string_view> names;
  for (const auto &t : k.tactics()) names.push_back(t.shortname);
  return suggest(norm, names);
}

} // namespace

void check_attack(const Document &doc, Report &report) {
  const Knowledge &k = knowledge_of(report.policy());
  if (doc.incident)
    for (std::size_t j = 0; j < doc.incident->techniques.size(); ++j)
      check_technique(k, "the incident", doc.incident->techniques[j], fmt::format("/incident/techniques/{}", j), report);
  for (std::size_t i = 0; i < doc.timeline.size(); ++i) {
    const Event &e = doc.timeline[i];
    const std::string who = "event " + label(doc.timeline, i);
    if (e.technique) check_technique(k, who, *e.technique, pointer("timeline", i, "technique"), report);
    if (e.tactic && !is_blank(*e.tactic) && !k.find_tactic(*e.tactic)) {
      std::string_view s = tactic_suggestion(k, *e.tactic);
      report.add("PM115", pointer("timeline", i, "tactic"),
                 fmt::format("{} has tactic \"{}\", which is not an ATT&CK tactic short name{}", who, abbreviate(*e.tactic),
                             s.empty() ? std::string() : fmt::format(" (did you mean \"{}\"?)", s)));
    }
  }
}

} // namespace detail
PM_END_NAMESPACE
