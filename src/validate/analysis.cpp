// PM401–PM412: the analysis — root causes, impact, lessons and who took part.
#include "validate/report.hpp"

#include "text.hpp"

#include <postmortem/score.hpp>
#include <postmortem/timeline.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

PM_BEGIN_NAMESPACE
namespace detail {

namespace {

bool is_root_cause(const Factor &f) { return f.kind == FactorKind::root_cause; }

bool nonblank(const Text &t) { return t && !is_blank(*t); }

void root_causes(const Document &doc, Report &report) {
  if (std::ranges::none_of(doc.factors, is_root_cause)) {
    report.add("PM401", "/factors", doc.factors.empty() ? "no factors at all, so no root cause"
                                                        : "no factor has kind `root_cause`");
    return;
  }
  std::set<std::string_view> addressed;
  for (const auto &a : doc.actions)
    if (a.status != ActionStatus::rejected)
      for (const auto &f : a.addresses) addressed.insert(f);
  for (std::size_t i = 0; i < doc.factors.size(); ++i) {
    const Factor &f = doc.factors[i];
    if (!is_root_cause(f)) continue;
    if (!f.id || !addressed.contains(*f.id))
      report.add("PM402", pointer("factors", i),
                 fmt::format("root cause {} (\"{}\") is not addressed by any action", label(doc.factors, i),
                             abbreviate(f.title.value_or(""), 50)));
    if (f.why.empty())
      report.add("PM406", pointer("factors", i), fmt::format("root cause {} has no why-chain", label(doc.factors, i)));
  }
}

void human_factors(const Document &doc, Report &report) {
  if (std::ranges::any_of(doc.factors, [](const Factor &f) { return f.category == FactorCategory::human; })) return;
  // An explicit statement counts: an answered review question about human factors.
  if (doc.review)
    for (const auto &q : doc.review->questions)
      if (q.question && lower(*q.question).find("human") != std::string::npos && nonblank(q.answer)) return;
  report.add("PM403", "/factors",
             "no factor has category `human`, and no answered review question addresses human factors");
}

bool has_assessment(const Impact &i) {
  return i.confidentiality || i.integrity || i.availability || i.rating || i.records_affected || !i.data_types.empty() ||
         i.users_affected || i.downtime_minutes || i.financial_loss || i.recoverability;
}

void impact(const Document &doc, Report &report) {
  if (!doc.incident) return;
  const auto &imp = doc.incident->impact;
  if (!imp || !has_assessment(*imp)) {
    report.add("PM404", "/incident/impact",
               imp ? "incident.impact assesses nothing (no C/I/A, rating, records, data types, users, downtime, loss or recoverability)"
                   : "no incident.impact");
    return;
  }
  if (imp->confidentiality == CiaLevel::none && (imp->records_affected.value_or(0) > 0 || !imp->data_types.empty()))
    report.add("PM405", "/incident/impact/confidentiality",
               fmt::format("confidentiality impact is none, yet {}",
                           imp->records_affected.value_or(0) > 0 ? fmt::format("{} records were affected", *imp->records_affected)
                                                                 : std::string("data types are listed")));
  if (!imp->data_types.empty() && !imp->records_affected)
    report.add("PM405", "/incident/impact/data_types", "data types are listed but records_affected is not given");
  if (imp->availability == CiaLevel::none && imp->downtime_minutes.value_or(0) > 0)
    report.add("PM405", "/incident/impact/availability",
               fmt::format("availability impact is none, yet downtime_minutes is {}", *imp->downtime_minutes));
}

void lessons_and_teams(const Document &doc, Report &report) {
  if (doc.lessons.empty()) report.add("PM407", "/lessons", "no lessons learned");
  std::map<std::string, std::string> teams; // lower-cased -> as first written
  std::size_t without_team = 0;
  for (const auto &p : doc.participants) {
    if (nonblank(p.team)) teams.try_emplace(lower(*p.team), *p.team);
    else ++without_team;
  }
  if (teams.size() < 2) {
    std::string message = doc.participants.empty() ? std::string("no participants are recorded")
                          : teams.empty()          ? std::string("no participant has a team")
                                                   : fmt::format("every participant with a team is from one team (\"{}\")",
                                                                 abbreviate(teams.begin()->second, 40));
    if (without_team > 0 && !teams.empty())
      message += fmt::format("; {} participant{} no team", without_team, without_team == 1 ? " has" : "s have");
    report.add("PM408", "/participants", message + ": the review cannot be shown to be cross-functional");
  }
}

// PM409: what each incident category cannot do without.
struct CategoryCheck {
  Category category;
  bool (*satisfied)(const Document &);
  std::string_view missing;
};

const CategoryCheck category_checks[] = {
    {Category::phishing,
     [](const Document &d) {
       return std::ranges::any_of(d.factors, [](const Factor &f) { return f.category == FactorCategory::human; }) ||
              std::ranges::any_of(d.evidence, [](const Evidence &e) { return e.type == EvidenceType::email; });
     },
     "a phishing incident needs a human factor or the phishing email as evidence"},
    {Category::data_exfiltration,
     [](const Document &d) {
       const auto &i = d.incident->impact;
       return i && i->records_affected && !i->data_types.empty();
     },
     "a data exfiltration needs impact.records_affected and impact.data_types"},
    {Category::network_breach, [](const Document &d) { return !d.assets.empty(); },
     "a network breach needs the affected assets"},
    {Category::ransomware,
     [](const Document &d) {
       const auto &i = d.incident->impact;
       return i && i->availability && *i->availability != CiaLevel::none;
     },
     "a ransomware incident needs an availability impact"},
    {Category::credential_compromise,
     [](const Document &d) {
       return std::ranges::any_of(d.assets, [](const Asset &a) { return a.type == AssetType::identity; });
     },
     "a credential compromise needs the identity asset (type `identity`) that was compromised"},
};

void category(const Document &doc, Report &report) {
  if (!doc.incident || !doc.incident->category) return;
  for (const auto &check : category_checks)
    if (check.category == *doc.incident->category && !check.satisfied(doc))
      report.add("PM409", "/incident/category", std::string(check.missing));
}

// `id` as a whole token of `text`: "INC-12" does not mention "INC-1".
bool mentions_id(std::string_view text, std::string_view id) {
  auto part_of_id = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  };
  for (std::size_t pos = text.find(id); pos != std::string_view::npos; pos = text.find(id, pos + 1)) {
    bool starts = pos == 0 || !part_of_id(text[pos - 1]);
    bool ends = pos + id.size() == text.size() || !part_of_id(text[pos + id.size()]);
    if (starts && ends) return true;
  }
  return false;
}

bool mentions(const Text &text, const std::vector<std::string> &ids) {
  return text && std::ranges::any_of(ids, [&](const std::string &id) { return !id.empty() && mentions_id(*text, id); });
}

void recurrence(const Document &doc, Report &report) {
  if (!doc.incident || doc.incident->recurrence_of.empty()) return;
  const auto &ids = doc.incident->recurrence_of;
  bool explained = std::ranges::any_of(doc.lessons, [&](const Lesson &l) { return mentions(l.text, ids); }) ||
                   std::ranges::any_of(doc.actions, [&](const Action &a) {
                     return mentions(a.title, ids) || mentions(a.description, ids) || mentions(a.success_criteria, ids);
                   });
  if (!explained) {
    std::string list;
    for (const auto &id : ids) list += (list.empty() ? "" : ", ") + abbreviate(id, 40);
    report.add("PM411", "/incident/recurrence_of",
               fmt::format("the incident repeats {}, but no lesson or action mentions {}", list,
                           ids.size() == 1 ? "it" : "any of them"));
  }
}

void regulatory(const Document &doc, Report &report) {
  if (!doc.incident || !doc.incident->impact) return;
  const auto &regimes = doc.incident->impact->regulatory;
  if (regimes.empty()) return;
  const Lifecycle &lc = report.lifecycle(doc);
  const auto &detected = lc[static_cast<std::size_t>(Milestone::detected_at)];
  if (!detected) return; // PM303 says so
  std::optional<std::size_t> first;
  for (std::size_t i = 0; i < doc.timeline.size(); ++i) {
    const Event &e = doc.timeline[i];
    if (e.type == EventType::notification && e.time && (!first || e.time->micros < doc.timeline[*first].time->micros)) first = i;
  }
  for (std::size_t r = 0; r < regimes.size(); ++r) {
    const auto &deadlines = report.policy().regulatory_deadlines;
    auto it = std::ranges::find_if(deadlines, [&](const auto &kv) { return lower(kv.first) == lower(regimes[r]); });
    if (it == deadlines.end()) continue;
    const auto limit = static_cast<std::int64_t>(it->second * 3600.0 * 1e6);
    Timestamp due = Timestamp::from_micros(detected->time.micros + limit);
    std::string path = fmt::format("/incident/impact/regulatory/{}", r);
    if (!first) {
      report.add("PM412", path,
                 fmt::format("{} requires notification within {} h of detection (by {}); the timeline has no `notification` event",
                             regimes[r], it->second, due.to_string()));
    } else if (doc.timeline[*first].time->micros > due.micros) {
      const Event &e = doc.timeline[*first];
      report.add("PM412", path,
                 fmt::format("{} requires notification within {} h of detection (by {}); the first notification, event {}, is at {} ({} after detection)",
                             regimes[r], it->second, due.to_string(), label(doc.timeline, *first), e.time->to_string(),
                             iso8601_duration((e.time->micros - detected->time.micros) / 1000000)));
    }
  }
}

// PM410: the declared severity two or more (pm410_tiers) tiers from the computed one (score.hpp).
constexpr int pm410_tiers = 2;

void declared_severity(const Document &doc, Report &report) {
  if (!doc.incident || !doc.incident->declared_severity) return;
  // Without an impact assessment the computed severity means little, and PM404 says so.
  if (!doc.incident->impact || !has_assessment(*doc.incident->impact)) return;
  if (!report.policy().severity_of("PM410", Severity::warning)) return; // off: skip the scoring
  const SeverityScore computed = incident_severity(doc, report.policy());
  const int declared = static_cast<int>(*doc.incident->declared_severity), tier = static_cast<int>(computed.tier);
  const int apart = declared > tier ? declared - tier : tier - declared;
  if (apart < pm410_tiers) return;
  // The three terms that contributed most, so the message says why.
  std::vector<const ScoreTerm *> top;
  for (const auto &t : computed.terms) top.push_back(&t);
  std::ranges::stable_sort(top, [](const ScoreTerm *a, const ScoreTerm *b) { return a->points > b->points; });
  std::string terms;
  for (std::size_t i = 0; i < top.size() && i < 3 && top[i]->points > 0; ++i)
    terms += fmt::format("{}{} {:.1f}", terms.empty() ? "" : ", ", top[i]->name, top[i]->points);
  report.add("PM410", "/incident/declared_severity",
             fmt::format("declared severity is {}, but the computed severity is {} (score {:.1f} of 100{}{}): {} tiers apart",
                         to_string(*doc.incident->declared_severity), to_string(computed.tier), computed.score,
                         terms.empty() ? "" : "; largest terms: ", terms, apart));
}

} // namespace

void check_analysis(const Document &doc, Report &report) {
  root_causes(doc, report);
  human_factors(doc, report);
  impact(doc, report);
  lessons_and_teams(doc, report);
  category(doc, report);
  recurrence(doc, report);
  regulatory(doc, report);
  declared_severity(doc, report);
}

} // namespace detail
PM_END_NAMESPACE
