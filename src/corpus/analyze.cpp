// The analysis: aggregates → `postmortem-stats/1` (docs/corpus.md, "The analysis").
#include "aggregate.hpp"

#include <postmortem/knowledge.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <tuple>
#include <unordered_map>

PM_BEGIN_NAMESPACE
namespace corpus {

namespace json = boost::json;

std::string month_name(std::int32_t month) {
  const std::int32_t year = month >= 0 ? month / 12 : (month - 11) / 12;
  return fmt::format("{:04}-{:02}", year, month - year * 12 + 1);
}

std::string quarter_name(std::int32_t quarter) {
  const std::int32_t year = quarter >= 0 ? quarter / 4 : (quarter - 3) / 4;
  return fmt::format("{:04}-Q{}", year, quarter - year * 4 + 1);
}

namespace {

json::value day_value(std::int32_t day) {
  if (day == no_day) return nullptr;
  return json::value(Day{day}.to_string());
}

json::value text_or_null(const std::string &s) {
  if (s.empty()) return nullptr;
  return json::value(s);
}

// Shares with three decimals, so that the JSON stays readable and exact across platforms.
double share(u64 part, u64 whole) {
  if (whole == 0) return 0;
  return std::round(static_cast<double>(part) * 1000.0 / static_cast<double>(whole)) / 1000.0;
}

// The most frequent key (ties: the smallest), or "" for an empty map.
template <class Map>
std::string most_frequent(const Map &counts) {
  std::string best;
  u64 best_n = 0;
  for (const auto &[k, n] : counts)
    if (n > best_n) {
      best = k;
      best_n = n;
    }
  return best;
}

std::size_t limit(std::size_t n, const AnalyzeOptions &options) { return options.top == 0 ? n : std::min(n, options.top); }

json::object period_value(const Period &p, std::string_view name) {
  json::object o;
  if (!name.empty()) o["period"] = name;
  o["incidents"] = p.incidents;
  json::object cats;
  for (std::size_t i = 0; i < enum_traits<Category>::names.size(); ++i)
    cats[enum_traits<Category>::names[i]] = p.by_category[i];
  cats["unknown"] = p.by_category[13];
  o["by_category"] = std::move(cats);
  json::object sev;
  for (std::size_t i = 0; i < enum_traits<SeverityTier>::names.size(); ++i)
    sev[enum_traits<SeverityTier>::names[i]] = p.by_severity[i];
  o["by_severity"] = std::move(sev);
  json::object metrics;
  for (std::size_t k = 0; k < trend_metrics.size(); ++k) {
    const LogHistogram &h = p.metrics[k];
    json::object m;
    m["count"] = h.count;
    m["negative"] = h.negative;
    if (h.count > 0) {
      m["median_seconds"] = h.quantile(0.5);
      m["p90_seconds"] = h.quantile(0.9);
    }
    metrics[to_string(trend_metrics[k])] = std::move(m);
  }
  o["metrics"] = std::move(metrics);
  return o;
}

json::object trends_value(const Aggregate &agg) {
  json::array months, quarters;
  std::map<std::int32_t, Period> by_quarter;
  Period overall;
  for (const auto &[m, p] : agg.months) {
    months.push_back(period_value(p, month_name(m)));
    const std::int32_t year = m >= 0 ? m / 12 : (m - 11) / 12;
    by_quarter[year * 4 + (m - year * 12) / 3].merge(p);
    overall.merge(p);
  }
  for (const auto &[q, p] : by_quarter) quarters.push_back(period_value(p, quarter_name(q)));
  overall.merge(agg.undated);
  json::object o;
  o["by_month"] = std::move(months);
  o["by_quarter"] = std::move(quarters);
  o["undated"] = period_value(agg.undated, {});
  o["overall"] = period_value(overall, {});
  return o;
}

// A group with its occurrences sorted, and what the analysis needs of it.
struct SortedGroup {
  const std::string *key;
  const Group *group;
  std::vector<const Occurrence *> occ; // occurrence_before order
  u64 incidents = 0;
  std::string title, control;
  std::optional<FactorCategory> category;
};

std::vector<SortedGroup> sort_groups(const Aggregate &agg) {
  std::vector<SortedGroup> out;
  out.reserve(agg.groups.size());
  std::vector<std::string_view> ids;
  for (const auto &[key, g] : agg.groups) {
    SortedGroup s{&key, &g, {}, 1, {}, {}, std::nullopt};
    s.occ.reserve(g.size());
    for (const Occurrence &o : g) s.occ.push_back(&o);
    if (g.size() > 1) {
      std::sort(s.occ.begin(), s.occ.end(), [](const Occurrence *a, const Occurrence *b) { return occurrence_before(*a, *b); });
      ids.clear();
      for (const Occurrence *o : s.occ) ids.push_back(o->incident);
      std::sort(ids.begin(), ids.end());
      s.incidents = static_cast<u64>(std::unique(ids.begin(), ids.end()) - ids.begin());
    }
    if (s.incidents >= 2) {
      // The representative spellings: the most frequent, ties to the smallest.
      std::map<std::string_view, u64> titles, controls;
      std::array<u64, 5> categories{};
      for (const Occurrence *o : s.occ) {
        if (!o->title.empty()) ++titles[o->title];
        if (!o->control.empty()) ++controls[o->control];
        if (o->category) ++categories[static_cast<std::size_t>(*o->category)];
      }
      s.title = most_frequent(titles);
      s.control = most_frequent(controls);
      u64 best = 0;
      for (std::size_t i = 0; i < categories.size(); ++i)
        if (categories[i] > best) {
          best = categories[i];
          s.category = static_cast<FactorCategory>(i);
        }
    }
    out.push_back(std::move(s));
  }
  return out;
}

json::object action_value(const ActionRef &a) {
  json::object o;
  o["id"] = a.id;
  o["title"] = a.title;
  o["type"] = a.type ? json::value(to_string(*a.type)) : json::value(nullptr);
  o["status"] = to_string(a.status);
  o["owner"] = text_or_null(*a.owner);
  o["completed"] = day_value(a.completed);
  if (a.has_verification) {
    json::object v;
    v["date"] = day_value(a.verified);
    v["result"] = a.result ? json::value(to_string(*a.result)) : json::value(nullptr);
    o["verification"] = std::move(v);
  } else {
    o["verification"] = nullptr;
  }
  return o;
}

RecurrenceSignal signal_of(const std::vector<ActionRef> &actions) {
  bool ineffective = false, unverified = false, open = false;
  for (const ActionRef &a : actions) {
    if (a.status == ActionStatus::rejected) continue;
    const bool finished = a.status == ActionStatus::done || a.status == ActionStatus::verified;
    if (finished && a.has_verification && a.result == VerificationResult::effective)
      return RecurrenceSignal::verified_fix_failed;
    if (a.has_verification && a.result && a.result != VerificationResult::effective) ineffective = true;
    else if (finished && !a.has_verification) unverified = true;
    else if (!finished) open = true;
  }
  if (ineffective) return RecurrenceSignal::ineffective_fix;
  if (unverified) return RecurrenceSignal::unverified_fix;
  if (open) return RecurrenceSignal::open_fix;
  return RecurrenceSignal::no_fix;
}

struct Recurrence {
  const SortedGroup *group;
  const Occurrence *later, *earlier, *first;
  RecurrenceSignal signal;
  bool declared;
  u64 occurrence; // the count of distinct incidents up to and including this one
};

json::object factors_value(const Aggregate &agg, const std::vector<SortedGroup> &groups, const AnalyzeOptions &options) {
  std::vector<const SortedGroup *> recurring;
  for (const SortedGroup &g : groups)
    if (g.incidents >= 2) recurring.push_back(&g);
  std::sort(recurring.begin(), recurring.end(), [](const SortedGroup *a, const SortedGroup *b) {
    const u64 fa = a->occ.size(), fb = b->occ.size();
    return std::tie(b->incidents, fb, *a->key) < std::tie(a->incidents, fa, *b->key);
  });
  json::array top;
  for (std::size_t i = 0; i < limit(recurring.size(), options); ++i) {
    const SortedGroup &g = *recurring[i];
    json::object o;
    o["key"] = *g.key;
    o["control"] = text_or_null(g.control);
    o["category"] = g.category ? json::value(to_string(*g.category)) : json::value(nullptr);
    o["title"] = text_or_null(g.title);
    o["incidents"] = g.incidents;
    o["factors"] = g.occ.size();
    u64 rc = 0;
    for (const Occurrence *x : g.occ) rc += x->kind == FactorKind::root_cause;
    o["root_causes"] = rc;
    o["contributing"] = g.occ.size() - rc;
    std::map<std::string_view, u64> tag_counts;
    for (const Occurrence *x : g.occ)
      for (const std::string &t : x->tags) ++tag_counts[t];
    std::vector<std::pair<std::string_view, u64>> tags(tag_counts.begin(), tag_counts.end());
    std::stable_sort(tags.begin(), tags.end(), [](const auto &a, const auto &b) { return a.second > b.second; });
    json::array tag_list;
    for (const auto &[t, n] : tags) tag_list.push_back(json::object{{"tag", t}, {"count", n}});
    o["tags"] = std::move(tag_list);
    json::array occ;
    for (const Occurrence *x : g.occ)
      occ.push_back(json::object{{"incident", x->incident}, {"date", day_value(x->day)}, {"factor", x->factor}});
    o["occurrences"] = std::move(occ);
    top.push_back(std::move(o));
  }

  // Roll-ups by control (from the control groups) and by tag (counted while folding).
  struct Roll {
    std::set<std::string_view> incidents;
    u64 factors = 0;
  };
  std::map<std::string, Roll> controls;
  for (const SortedGroup &g : groups) {
    if (!g.key->starts_with("control:")) continue;
    Roll &r = controls[g.key->substr(8)];
    for (const Occurrence *x : g.occ) r.incidents.insert(x->incident);
    r.factors += g.occ.size();
  }
  // Ranked by incidents, then factors, then name.
  auto rolled = [&](std::vector<std::tuple<u64, u64, const std::string *>> v, std::string_view name) {
    std::stable_sort(v.begin(), v.end(), [](const auto &a, const auto &b) {
      return std::make_tuple(std::get<0>(a), std::get<1>(a)) > std::make_tuple(std::get<0>(b), std::get<1>(b));
    });
    json::array out;
    for (std::size_t i = 0; i < limit(v.size(), options); ++i)
      out.push_back(json::object{{name, *std::get<2>(v[i])}, {"incidents", std::get<0>(v[i])}, {"factors", std::get<1>(v[i])}});
    return out;
  };
  std::vector<std::tuple<u64, u64, const std::string *>> control_rows, tag_rows;
  for (const auto &[k, r] : controls) control_rows.emplace_back(r.incidents.size(), r.factors, &k);
  for (const auto &[k, t] : agg.tags) tag_rows.emplace_back(t.incidents, t.factors, &k);

  json::object o;
  o["groups"] = groups.size();
  o["recurring"] = recurring.size();
  o["factors"] = agg.factors;
  o["grouped"] = agg.grouped;
  o["top"] = std::move(top);
  o["by_control"] = rolled(std::move(control_rows), "control");
  o["by_tag"] = rolled(std::move(tag_rows), "tag");
  json::object cats;
  for (std::size_t i = 0; i < enum_traits<FactorCategory>::names.size(); ++i)
    cats[enum_traits<FactorCategory>::names[i]] = agg.factor_categories[i];
  o["by_category"] = std::move(cats);
  return o;
}

json::object recurrences_value(const Aggregate &agg, const std::vector<SortedGroup> &groups) {
  std::vector<Recurrence> found;
  // Pairs (later incident, earlier incident) that some group confirms, for declared links.
  std::set<std::pair<std::string_view, std::string_view>> confirmed;
  for (const SortedGroup &g : groups) {
    const Occurrence *first = nullptr;
    std::set<std::string_view> seen;
    // Occurrences of earlier days, the latest one per day boundary.
    const Occurrence *latest_earlier = nullptr;
    std::size_t i = 0;
    while (i < g.occ.size() && g.occ[i]->day != no_day) {
      // All occurrences of one day form a batch: they are not recurrences of each other.
      std::size_t j = i;
      while (j < g.occ.size() && g.occ[j]->day == g.occ[i]->day) ++j;
      const Occurrence *last_of_batch = nullptr;
      for (std::size_t k = i; k < j; ++k) {
        const Occurrence *x = g.occ[k];
        if (!first) first = x;
        if (latest_earlier && !seen.count(x->incident)) {
          bool declared = false;
          for (const std::string &of : x->recurrence_of) {
            if (seen.count(of)) {
              declared = true;
              confirmed.emplace(x->incident, of);
            }
          }
          found.push_back({&g, x, latest_earlier, first, signal_of(latest_earlier->actions), declared, seen.size() + 1});
        }
        last_of_batch = x;
      }
      for (std::size_t k = i; k < j; ++k) seen.insert(g.occ[k]->incident);
      // The latest earlier occurrence for the next batch: the last of this one (sorted by
      // incident id within a day, so the choice is deterministic).
      latest_earlier = last_of_batch;
      i = j;
    }
  }
  // A later incident recurs a group once, however many of its factors are in it.
  std::sort(found.begin(), found.end(), [](const Recurrence &a, const Recurrence &b) {
    return std::make_tuple(static_cast<int>(a.signal), a.later->day, std::string_view(a.later->incident),
                           std::string_view(*a.group->key), std::string_view(a.later->factor)) <
           std::make_tuple(static_cast<int>(b.signal), b.later->day, std::string_view(b.later->incident),
                           std::string_view(*b.group->key), std::string_view(b.later->factor));
  });
  found.erase(std::unique(found.begin(), found.end(),
                          [](const Recurrence &a, const Recurrence &b) {
                            return a.group == b.group && a.later->incident == b.later->incident;
                          }),
              found.end());

  std::array<u64, 5> by_signal{};
  u64 declared = 0;
  json::array items;
  for (const Recurrence &r : found) {
    ++by_signal[static_cast<std::size_t>(r.signal)];
    declared += r.declared;
    json::object o;
    o["incident"] = r.later->incident;
    o["date"] = day_value(r.later->day);
    o["group"] = *r.group->key;
    o["title"] = text_or_null(r.group->title);
    o["factor"] = r.later->factor;
    o["signal"] = to_string(r.signal);
    o["declared"] = r.declared;
    o["occurrence"] = r.occurrence;
    o["first"] = json::object{{"incident", r.first->incident}, {"date", day_value(r.first->day)}};
    json::array actions;
    for (const ActionRef &a : r.earlier->actions) actions.push_back(action_value(a));
    o["earlier"] = json::object{{"incident", r.earlier->incident},
                                {"date", day_value(r.earlier->day)},
                                {"factor", r.earlier->factor},
                                {"actions", std::move(actions)}};
    items.push_back(std::move(o));
  }

  std::vector<const DeclaredLink *> unmatched;
  for (const DeclaredLink &d : agg.declared)
    if (!confirmed.count({d.incident, d.of})) unmatched.push_back(&d);
  std::sort(unmatched.begin(), unmatched.end(), [](const DeclaredLink *a, const DeclaredLink *b) {
    return std::tie(a->incident, a->of, a->day) < std::tie(b->incident, b->of, b->day);
  });
  unmatched.erase(std::unique(unmatched.begin(), unmatched.end(),
                              [](const DeclaredLink *a, const DeclaredLink *b) { return *a == *b; }),
                  unmatched.end());
  json::array unmatched_list;
  for (const DeclaredLink *d : unmatched)
    unmatched_list.push_back(json::object{{"incident", d->incident}, {"date", day_value(d->day)}, {"of", d->of}});

  json::object o;
  o["count"] = found.size();
  o["declared"] = declared;
  o["undeclared"] = found.size() - declared;
  json::object sig;
  for (std::size_t i = 0; i < by_signal.size(); ++i) sig[enum_traits<RecurrenceSignal>::names[i]] = by_signal[i];
  o["by_signal"] = std::move(sig);
  o["items"] = std::move(items);
  o["declared_unmatched"] = std::move(unmatched_list);
  return o;
}

json::object health_value(const Health &h) {
  return json::object{{"actions", h.actions},
                      {"open", h.open},
                      {"overdue", h.overdue},
                      {"done_unverified", h.done_unverified},
                      {"ineffective", h.ineffective},
                      {"verified_effective", h.verified_effective},
                      {"rejected", h.rejected}};
}

json::array ranked_health(const StringMap<Health> &m, std::string_view name, const AnalyzeOptions &options) {
  std::vector<std::pair<const std::string *, const Health *>> v;
  for (const auto &[k, h] : m) v.emplace_back(&k, &h);
  std::sort(v.begin(), v.end(), [](const auto &a, const auto &b) {
    const Health &x = *a.second, &y = *b.second;
    const bool xn = a.first->empty(), yn = b.first->empty(); // null last
    return std::make_tuple(y.overdue, y.open, y.done_unverified, y.ineffective, xn, std::string_view(*a.first)) <
           std::make_tuple(x.overdue, x.open, x.done_unverified, x.ineffective, yn, std::string_view(*b.first));
  });
  json::array out;
  for (std::size_t i = 0; i < limit(v.size(), options); ++i) {
    json::object o;
    o[name] = text_or_null(*v[i].first);
    for (auto &member : health_value(*v[i].second)) o[member.key()] = member.value();
    out.push_back(std::move(o));
  }
  return out;
}

json::object remediation_value(const Aggregate &agg, const AnalyzeOptions &options) {
  json::object o;
  o["total"] = health_value(agg.total);
  o["by_owner"] = ranked_health(agg.by_owner, "owner", options);
  o["by_team"] = ranked_health(agg.by_team, "team", options);
  json::object d;
  d["count"] = agg.due_to_done.count;
  u64 early = 0, on_time = 0, late = 0;
  for (const auto &[v, n] : agg.due_to_done.values) (v < 0 ? early : v == 0 ? on_time : late) += n;
  d["early"] = early;
  d["on_time"] = on_time;
  d["late"] = late;
  if (agg.due_to_done.count > 0) {
    d["median"] = agg.due_to_done.quantile(0.5);
    d["p90"] = agg.due_to_done.quantile(0.9);
  }
  o["due_to_done_days"] = std::move(d);
  o["preventive_coverage"] = json::object{{"root_causes", agg.root_causes},
                                          {"with_preventive", agg.with_preventive},
                                          {"share", share(agg.with_preventive, agg.root_causes)}};
  return o;
}

json::object techniques_value(const Aggregate &agg, const AnalyzeOptions &options, const Policy &policy) {
  std::vector<std::pair<const std::string *, const TechniqueCount *>> v;
  for (const auto &[k, t] : agg.techniques) v.emplace_back(&k, &t);
  std::stable_sort(v.begin(), v.end(), [](const auto &a, const auto &b) {
    return std::make_tuple(a.second->incidents, a.second->addressed) > std::make_tuple(b.second->incidents, b.second->addressed);
  });
  const Knowledge &knowledge = knowledge_of(policy);
  json::array top;
  for (std::size_t i = 0; i < limit(v.size(), options); ++i) {
    const std::string_view name = technique_name(*v[i].first, knowledge);
    top.push_back(json::object{{"id", *v[i].first},
                               {"name", name.empty() ? json::value(nullptr) : json::value(name)},
                               {"incidents", v[i].second->incidents},
                               {"addressed", v[i].second->addressed},
                               {"share_addressed", share(v[i].second->addressed, v[i].second->incidents)}});
  }
  json::object o;
  o["distinct"] = agg.techniques.size();
  o["incidents_with_techniques"] = agg.incidents_with_techniques;
  o["top"] = std::move(top);
  return o;
}

json::object validation_value(const Aggregate &agg) {
  std::vector<const WorkItem *> v;
  v.reserve(agg.worklist.size());
  for (const WorkItem &w : agg.worklist) v.push_back(&w);
  std::sort(v.begin(), v.end(), [](const WorkItem *a, const WorkItem *b) {
    return std::tie(a->due_on, a->incident, a->action, *a->source, a->line) <
           std::tie(b->due_on, b->incident, b->action, *b->source, b->line);
  });
  json::array items;
  for (const WorkItem *w : v) {
    json::object o;
    o["incident"] = w->incident;
    o["action"] = w->action;
    o["title"] = w->title;
    o["owner"] = text_or_null(*w->owner);
    o["team"] = text_or_null(*w->team);
    o["status"] = to_string(w->status);
    o["reason"] = to_string(w->reason);
    o["completed"] = day_value(w->completed);
    o["last_verified"] = day_value(w->last_verified);
    o["due_on"] = day_value(w->due_on);
    o["days_overdue"] = std::int64_t{agg.as_of_day} - w->due_on;
    items.push_back(std::move(o));
  }
  json::object o;
  o["count"] = v.size();
  o["items"] = std::move(items);
  return o;
}

json::object summary_value(const Aggregate &agg, const std::vector<SortedGroup> &) {
  json::object o;
  o["documents"] = agg.documents;
  o["bad"] = agg.bad;
  u64 dated = 0;
  for (const auto &[m, p] : agg.months) dated += p.incidents;
  o["dated"] = dated;
  o["undated"] = agg.undated.incidents;
  o["first_period"] = agg.months.empty() ? json::value(nullptr) : json::value(month_name(agg.months.begin()->first));
  o["last_period"] = agg.months.empty() ? json::value(nullptr) : json::value(month_name(agg.months.rbegin()->first));
  json::array problems;
  for (const CorpusProblem &p : agg.problems) {
    json::object x;
    x["source"] = p.source;
    x["line"] = p.line;
    x["column"] = p.column;
    x["code"] = p.code;
    x["message"] = p.message;
    problems.push_back(std::move(x));
  }
  o["problems"] = std::move(problems);
  o["problems_kept"] = agg.problems.size();
  return o;
}

} // namespace

json::value analyze(const Aggregate &agg, const AnalyzeOptions &options, const Policy &policy) {
  const std::vector<SortedGroup> groups = sort_groups(agg);
  json::object o;
  o["schema"] = "postmortem-stats/1";
  o["as_of"] = Day{agg.as_of_day}.to_string();
  o["verify_within_days"] = json_number(agg.verify_within_days);
  o["summary"] = summary_value(agg, groups);
  o["trends"] = trends_value(agg);
  o["factors"] = factors_value(agg, groups, options);
  o["recurrences"] = recurrences_value(agg, groups);
  o["remediation"] = remediation_value(agg, options);
  o["techniques"] = techniques_value(agg, options, policy);
  o["validation"] = validation_value(agg);
  return o;
}

} // namespace corpus
PM_END_NAMESPACE
