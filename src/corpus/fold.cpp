// Folding one document into the aggregates, and merging aggregates (docs/corpus.md,
// "Definitions").
#include "aggregate.hpp"

#include "../action_state.hpp"
#include "../text.hpp"

#include <postmortem/knowledge.hpp>
#include <postmortem/metrics.hpp>
#include <postmortem/timeline.hpp>

#include <algorithm>
#include <cmath>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>

PM_BEGIN_NAMESPACE
namespace corpus {

// ---------------------------------------------------------------------------------------
// Histograms

std::int32_t LogHistogram::bucket_of(std::int64_t seconds) noexcept {
  if (seconds <= 0) return 0;
  // ⌈log(d) / log(γ)⌉; d = 1 is bucket 0's neighbour, (γ^-1, 1], i.e. bucket 0 would
  // collide with zero, so positive values start at bucket 1 (d = 1 → ⌈0⌉ = 0 → 1).
  static const double log_gamma = std::log(gamma);
  auto i = static_cast<std::int32_t>(std::ceil(std::log(static_cast<double>(seconds)) / log_gamma - 1e-9));
  return std::max(i, 1);
}

double LogHistogram::estimate(std::int32_t bucket) noexcept {
  if (bucket <= 0) return 0;
  if (bucket == 1) return 1; // (γ^0, γ^1] holds only the integer 1
  return 2 * std::pow(gamma, bucket) / (gamma + 1);
}

void LogHistogram::add(std::int64_t seconds) {
  if (seconds < 0) {
    ++negative;
    return;
  }
  ++buckets[bucket_of(seconds)];
  ++count;
}

void LogHistogram::merge(const LogHistogram &other) {
  for (const auto &[b, n] : other.buckets) buckets[b] += n;
  count += other.count;
  negative += other.negative;
}

namespace {
// The 1-based nearest rank of quantile q among n values.
u64 nearest_rank(double q, u64 n) noexcept {
  auto r = static_cast<u64>(std::ceil(q * static_cast<double>(n) - 1e-9));
  return std::clamp<u64>(r, 1, n);
}
} // namespace

std::int64_t LogHistogram::quantile(double q) const {
  const u64 rank = nearest_rank(q, count);
  u64 seen = 0;
  std::int32_t bucket = buckets.rbegin()->first;
  for (const auto &[b, n] : buckets) {
    seen += n;
    if (seen >= rank) {
      bucket = b;
      break;
    }
  }
  // The top bucket's estimate can exceed what 64 bits hold; so can no real duration.
  const double e = estimate(bucket);
  return e >= 9.2e18 ? std::numeric_limits<std::int64_t>::max() : std::llround(e);
}

void IntHistogram::merge(const IntHistogram &other) {
  for (const auto &[v, n] : other.values) values[v] += n;
  count += other.count;
}

std::int64_t IntHistogram::quantile(double q) const {
  const u64 rank = nearest_rank(q, count);
  u64 seen = 0;
  for (const auto &[v, n] : values) {
    seen += n;
    if (seen >= rank) return v;
  }
  return values.rbegin()->first;
}

// ---------------------------------------------------------------------------------------
// Merging

void Period::merge(const Period &o) {
  incidents += o.incidents;
  for (std::size_t i = 0; i < by_category.size(); ++i) by_category[i] += o.by_category[i];
  for (std::size_t i = 0; i < by_severity.size(); ++i) by_severity[i] += o.by_severity[i];
  for (std::size_t i = 0; i < metrics.size(); ++i) metrics[i].merge(o.metrics[i]);
}

void Health::merge(const Health &o) noexcept {
  actions += o.actions;
  open += o.open;
  overdue += o.overdue;
  done_unverified += o.done_unverified;
  ineffective += o.ineffective;
  verified_effective += o.verified_effective;
  rejected += o.rejected;
}

bool occurrence_before(const Occurrence &a, const Occurrence &b) noexcept {
  // Undated (no_day is the smallest int) sort last.
  auto day = [](const Occurrence &o) { return o.day == no_day ? std::numeric_limits<std::int64_t>::max() : o.day; };
  return std::forward_as_tuple(day(a), a.incident, *a.source, a.line, a.factor) <
         std::forward_as_tuple(day(b), b.incident, *b.source, b.line, b.factor);
}

bool problem_before(const CorpusProblem &a, const CorpusProblem &b) noexcept {
  return std::tie(a.source, a.line, a.column, a.code, a.message) < std::tie(b.source, b.line, b.column, b.code, b.message);
}

void Aggregate::add_problem(CorpusProblem problem) {
  ++bad;
  if (max_problems == 0) return;
  if (problems.size() == max_problems && !problem_before(problem, problems.back())) return;
  problems.insert(std::upper_bound(problems.begin(), problems.end(), problem, problem_before), std::move(problem));
  if (problems.size() > max_problems) problems.pop_back();
}

namespace {

// Moves from an rvalue, copies from an lvalue.
template <class A, class T>
decltype(auto) take(T &x) {
  if constexpr (std::is_lvalue_reference_v<A>) return static_cast<const T &>(x);
  else return std::move(x);
}

} // namespace

template <class A>
void Aggregate::merge_from(A &&o) {
  using Other = std::remove_reference_t<A>;
  auto re = [&](Str s) { return pool.intern(*s); }; // the other's pointers, made ours
  documents += o.documents;
  bad += o.bad;
  problems.insert(problems.end(), o.problems.begin(), o.problems.end());
  std::sort(problems.begin(), problems.end(), problem_before);
  if (problems.size() > max_problems) problems.resize(max_problems);
  for (const auto &[m, p] : o.months) months[m].merge(p);
  undated.merge(o.undated);
  for (auto &[k, g] : o.groups) {
    Group &mine = groups[k];
    mine.reserve(mine.size() + g.size());
    for (auto &x : g) {
      Occurrence &y = mine.emplace_back(take<A>(x));
      y.source = re(y.source);
      for (ActionRef &a : y.actions) a.owner = re(a.owner);
    }
    if constexpr (!std::is_lvalue_reference_v<A>) Group().swap(g); // give the memory back as we go
  }
  factors += o.factors;
  grouped += o.grouped;
  for (std::size_t i = 0; i < factor_categories.size(); ++i) factor_categories[i] += o.factor_categories[i];
  for (const auto &[k, t] : o.tags) {
    auto &mine = tags[k];
    mine.incidents += t.incidents;
    mine.factors += t.factors;
  }
  for (auto &d : o.declared) declared.push_back(take<A>(d));
  total.merge(o.total);
  for (const auto &[k, h] : o.by_owner) by_owner[k].merge(h);
  for (const auto &[k, h] : o.by_team) by_team[k].merge(h);
  due_to_done.merge(o.due_to_done);
  root_causes += o.root_causes;
  with_preventive += o.with_preventive;
  for (const auto &[k, t] : o.techniques) {
    auto &mine = techniques[k];
    mine.incidents += t.incidents;
    mine.addressed += t.addressed;
  }
  incidents_with_techniques += o.incidents_with_techniques;
  worklist.reserve(worklist.size() + o.worklist.size());
  for (auto &w : o.worklist) {
    WorkItem &y = worklist.emplace_back(take<A>(w));
    y.owner = re(y.owner);
    y.team = re(y.team);
    y.source = re(y.source);
  }
  if constexpr (!std::is_const_v<Other> && !std::is_lvalue_reference_v<A>) {
    o.groups.clear(); // their strings were moved out
    o.worklist.clear();
  }
}

void Aggregate::merge(const Aggregate &o) { merge_from<const Aggregate &>(o); }

void Aggregate::merge(Aggregate &&o) {
  if (documents == 0 && bad == 0 && groups.empty() && months.empty() && worklist.empty() && by_owner.empty()) {
    // Adopting wholesale (pool included, so the pointers stay valid) is the common case of
    // a worker's first merge.
    const auto keep_as_of = as_of_day;
    const auto keep_window = verify_within_days;
    const auto keep_max = max_problems;
    *this = std::move(o);
    as_of_day = keep_as_of;
    verify_within_days = keep_window;
    max_problems = keep_max;
    if (problems.size() > max_problems) problems.resize(max_problems);
    return;
  }
  merge_from<Aggregate &&>(std::move(o));
}

// ---------------------------------------------------------------------------------------
// Folding one document

std::int32_t month_of(std::int32_t day) noexcept {
  const CivilDate c = civil_from_days(day);
  return c.year * 12 + static_cast<std::int32_t>(c.month) - 1;
}

namespace {

std::int32_t day_of(std::int64_t micros) noexcept { return static_cast<std::int32_t>(detail::floor_days(micros)); }

// The incident's day: detected, else started, else reported, else its earliest timed event.
std::int32_t incident_day(const Document &doc, const Lifecycle &lc) {
  for (Milestone m : {Milestone::detected_at, Milestone::started_at, Milestone::reported_at})
    if (const auto &r = lc[static_cast<std::size_t>(m)]) return day_of(r->time.micros);
  std::optional<std::int64_t> earliest;
  for (const Event &e : doc.timeline)
    if (e.time && (!earliest || e.time->micros < *earliest)) earliest = e.time->micros;
  return earliest ? day_of(*earliest) : no_day;
}

// The technique id as compared across incidents: trimmed, upper-cased.
std::string technique_key(std::string_view id) {
  while (!id.empty() && (id.front() == ' ' || id.front() == '\t')) id.remove_prefix(1);
  while (!id.empty() && (id.back() == ' ' || id.back() == '\t')) id.remove_suffix(1);
  std::string out(id);
  for (char &c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return out;
}

bool is_open(ActionStatus s) noexcept {
  return s == ActionStatus::proposed || s == ActionStatus::planned || s == ActionStatus::in_progress;
}

ActionRef action_ref(const Action &a, StringPool &pool) {
  ActionRef r;
  r.id = a.id.value_or("");
  r.title = a.title.value_or("");
  r.owner = pool.intern(a.owner.value_or(""));
  r.type = a.type;
  r.status = a.status.value_or(ActionStatus::proposed);
  if (a.completed_at) r.completed = day_of(a.completed_at->micros);
  if (const Verification *v = detail::latest_verification(a)) {
    r.has_verification = true;
    r.result = v->result;
    if (v->date) r.verified = v->date->days;
  }
  return r;
}

} // namespace

bool Aggregate::add(const Document &doc, std::string_view source, u64 line, const Policy &policy, CorpusProblem *why) {
  if (!doc.incident || !doc.incident->id || detail::is_blank(*doc.incident->id)) {
    CorpusProblem p{std::string(source), line, 0, "PM102",
                    "incident.id is missing: the corpus tells incidents apart by it; the document was skipped",
                    errc::invalid_argument};
    if (why) *why = p;
    add_problem(std::move(p));
    return false;
  }
  ++documents;
  const Str src = pool.intern(source);
  const Incident &inc = *doc.incident;
  const std::string &incident_id = *inc.id;

  // Trends.
  const Lifecycle lc = resolve_lifecycle(doc);
  const std::int32_t day = incident_day(doc, lc);
  Period &period = day == no_day ? undated : months[month_of(day)];
  ++period.incidents;
  ++period.by_category[inc.category ? static_cast<std::size_t>(*inc.category) : 13];
  ++period.by_severity[static_cast<std::size_t>(incident_severity(doc, policy).tier)];
  const auto rules = metric_rules();
  for (std::size_t k = 0; k < trend_metrics.size(); ++k) {
    const MetricRule &rule = rules[static_cast<std::size_t>(trend_metrics[k])];
    const auto &from = lc[static_cast<std::size_t>(rule.from)];
    auto to = lc[static_cast<std::size_t>(rule.to)];
    if (!to && rule.fallback) to = lc[static_cast<std::size_t>(*rule.fallback)];
    if (from && to) period.metrics[k].add((to->time.micros - from->time.micros) / 1'000'000);
  }

  // Which actions address which factor (by id), and which events each factor names.
  std::unordered_map<std::string_view, std::vector<std::size_t>> addressed_by;
  for (std::size_t i = 0; i < doc.actions.size(); ++i)
    for (const std::string &f : doc.actions[i].addresses) {
      auto &list = addressed_by[f];
      if (list.empty() || list.back() != i) list.push_back(i);
    }
  auto live_actions_of = [&](const Factor &f) -> const std::vector<std::size_t> * {
    if (!f.id) return nullptr;
    auto it = addressed_by.find(*f.id);
    return it == addressed_by.end() ? nullptr : &it->second;
  };
  auto rejected = [&](std::size_t i) { return doc.actions[i].status == ActionStatus::rejected; };

  // Factors and their groups.
  std::vector<std::string_view> doc_tags;
  for (const Factor &f : doc.factors) {
    if (!f.kind || *f.kind == FactorKind::mitigating) continue;
    ++factors;
    for (const std::string &t : f.tags) {
      ++tags[t].factors;
      doc_tags.push_back(t);
    }
    if (f.category) ++factor_categories[static_cast<std::size_t>(*f.category)];
    const auto *acts = live_actions_of(f);
    if (*f.kind == FactorKind::root_cause) {
      ++root_causes;
      bool preventive = false;
      if (acts)
        for (std::size_t i : *acts)
          preventive |= !rejected(i) && doc.actions[i].type == ActionType::prevent;
      with_preventive += preventive;
    }
    std::string key = factor_group_key(f);
    if (key.empty()) continue;
    ++grouped;
    Group &g = groups[std::move(key)];
    Occurrence &o = g.emplace_back();
    o.incident = incident_id;
    o.factor = f.id.value_or("");
    o.title = f.title.value_or("");
    o.control = f.control.value_or("");
    o.source = src;
    o.line = line;
    o.day = day;
    o.kind = *f.kind;
    o.category = f.category;
    o.tags = f.tags;
    o.recurrence_of = inc.recurrence_of;
    if (acts)
      for (std::size_t i : *acts) o.actions.push_back(action_ref(doc.actions[i], pool));
    std::sort(o.actions.begin(), o.actions.end(),
              [](const ActionRef &a, const ActionRef &b) { return std::tie(a.id, a.title) < std::tie(b.id, b.title); });
  }

  std::sort(doc_tags.begin(), doc_tags.end());
  doc_tags.erase(std::unique(doc_tags.begin(), doc_tags.end()), doc_tags.end());
  for (std::string_view t : doc_tags) ++tags.find(t)->second.incidents;

  for (const std::string &of : inc.recurrence_of) declared.push_back({incident_id, of, day});

  // Remediation health and the re-verification worklist.
  const double window = verify_within_days;
  for (const Action &a : doc.actions) {
    const ActionStatus status = a.status.value_or(ActionStatus::proposed);
    Health h;
    h.actions = 1;
    const Verification *latest = detail::latest_verification(a);
    if (is_open(status)) {
      h.open = 1;
      h.overdue = a.due && a.due->days < as_of_day;
    } else if (status == ActionStatus::rejected) {
      h.rejected = 1;
    } else if (!latest) {
      h.done_unverified = 1;
    }
    if (latest && latest->result == VerificationResult::effective) h.verified_effective = 1;
    if (latest && latest->result && latest->result != VerificationResult::effective) h.ineffective = 1;
    total.merge(h);
    by_owner[a.owner.value_or("")].merge(h);
    by_team[a.team.value_or("")].merge(h);
    if (a.due && a.completed_at) due_to_done.add(std::int64_t{day_of(a.completed_at->micros)} - a.due->days);

    if (!detail::is_finished(a)) continue;
    // The day `window` days after `from`, when that is on or before as_of (compared as a
    // double first, so that a huge window cannot overflow the cast); else nothing.
    auto due_by_now = [&](std::int32_t from) -> std::optional<std::int32_t> {
      const double due = std::floor(static_cast<double>(from) + window);
      if (!(due <= static_cast<double>(as_of_day))) return std::nullopt;
      return static_cast<std::int32_t>(due);
    };
    WorkItem w;
    std::optional<std::int32_t> due;
    if (!latest) {
      w.reason = ReverifyReason::never_verified;
      if (a.completed_at) {
        w.completed = day_of(a.completed_at->micros);
        due = due_by_now(w.completed);
      } else {
        due = as_of_day; // completion unknown: due at once
      }
    } else if (latest->result == VerificationResult::effective && latest->date) {
      w.reason = ReverifyReason::stale;
      w.last_verified = latest->date->days;
      due = due_by_now(latest->date->days);
    } else {
      continue; // not effective: new work, not re-verification
    }
    if (!due) continue;
    w.due_on = *due;
    if (w.completed == no_day && a.completed_at) w.completed = day_of(a.completed_at->micros);
    w.incident = incident_id;
    w.action = a.id.value_or("");
    w.title = a.title.value_or("");
    w.owner = pool.intern(a.owner.value_or(""));
    w.team = pool.intern(a.team.value_or(""));
    w.status = status;
    w.source = src;
    w.line = line;
    worklist.push_back(std::move(w));
  }

  // Techniques: seen in the incident, and addressed through factor → event → technique.
  std::vector<std::string> seen;
  for (const std::string &t : inc.techniques) seen.push_back(technique_key(t));
  std::unordered_map<std::string_view, std::size_t> event_index;
  for (std::size_t i = 0; i < doc.timeline.size(); ++i) {
    const Event &e = doc.timeline[i];
    if (e.technique) seen.push_back(technique_key(*e.technique));
    if (e.id) event_index.emplace(*e.id, i);
  }
  std::erase_if(seen, [](const std::string &t) { return t.empty(); });
  std::sort(seen.begin(), seen.end());
  seen.erase(std::unique(seen.begin(), seen.end()), seen.end());
  if (!seen.empty()) {
    ++incidents_with_techniques;
    std::unordered_set<std::string> addressed;
    for (const Factor &f : doc.factors) {
      const auto *acts = live_actions_of(f);
      if (!acts || std::all_of(acts->begin(), acts->end(), rejected)) continue;
      for (const std::string &eid : f.event_ids) {
        auto it = event_index.find(eid);
        if (it == event_index.end()) continue;
        const Event &e = doc.timeline[it->second];
        if (e.technique) addressed.insert(technique_key(*e.technique));
      }
    }
    for (const std::string &t : seen) {
      TechniqueCount &c = techniques[t];
      ++c.incidents;
      // Addressing a sub-technique (T1566.001) addresses its parent as seen (T1566) too,
      // and addressing a parent covers its sub-techniques.
      bool hit = addressed.count(t) > 0;
      if (!hit) {
        const std::string parent = t.substr(0, t.find('.'));
        for (const std::string &a : addressed)
          if (a == parent || a.substr(0, a.find('.')) == t) hit = true;
      }
      c.addressed += hit;
    }
  }
  return true;
}

} // namespace corpus
PM_END_NAMESPACE
