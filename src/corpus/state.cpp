// The aggregates as JSON and back: `postmortem-corpus/1`, what a shard sends to be merged
// (docs/corpus.md, "The state"). Compact arrays rather than objects: a state can hold one
// record per factor of a large corpus. Reading checks every member and names the first
// that is wrong with its JSON Pointer.
#include "aggregate.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

PM_BEGIN_NAMESPACE
namespace corpus {

namespace json = boost::json;

namespace {

constexpr std::string_view state_schema = "postmortem-corpus/1";

json::value day_or_null(std::int32_t day) { return day == no_day ? json::value(nullptr) : json::value(day); }

template <class E>
json::value enum_or_null(const std::optional<E> &e) {
  return e ? json::value(to_string(*e)) : json::value(nullptr);
}

template <std::size_t N>
json::array numbers(const std::array<u64, N> &a) {
  json::array out;
  for (u64 n : a) out.push_back(n);
  return out;
}

json::array histogram(const LogHistogram &h) {
  json::array buckets;
  for (const auto &[b, n] : h.buckets) buckets.push_back(json::array{b, n});
  return json::array{h.count, h.negative, std::move(buckets)};
}

json::array period(const Period &p) {
  json::array metrics;
  for (const LogHistogram &h : p.metrics) metrics.push_back(histogram(h));
  return json::array{p.incidents, numbers(p.by_category), numbers(p.by_severity), std::move(metrics)};
}

json::array health(const Health &h) {
  return json::array{h.actions, h.open, h.overdue, h.done_unverified, h.ineffective, h.verified_effective, h.rejected};
}

// The interned strings a state writes once, in code-point order, and refers to by index.
class StringTable {
public:
  explicit StringTable(const Aggregate &agg) {
    std::unordered_set<Str> used;
    for (const auto &[key, g] : agg.groups)
      for (const Occurrence &o : g) {
        used.insert(o.source);
        for (const ActionRef &a : o.actions) used.insert(a.owner);
      }
    for (const WorkItem &w : agg.worklist) used.insert({w.owner, w.team, w.source});
    std::vector<Str> sorted(used.begin(), used.end());
    std::sort(sorted.begin(), sorted.end(), [](Str a, Str b) { return *a < *b; });
    for (Str s : sorted) {
      index_.emplace(s, strings_.size());
      strings_.push_back(*s);
    }
  }
  std::size_t operator()(Str s) const { return index_.at(s); }
  json::array value() const { return json::array(strings_.begin(), strings_.end()); }

private:
  std::unordered_map<Str, std::size_t> index_;
  std::vector<std::string> strings_;
};

json::array action(const ActionRef &a, const StringTable &table) {
  return json::array{a.id,
                     a.title,
                     table(a.owner),
                     enum_or_null(a.type),
                     to_string(a.status),
                     day_or_null(a.completed),
                     day_or_null(a.verified),
                     enum_or_null(a.result),
                     a.has_verification};
}

json::array occurrence(const Occurrence &o, const StringTable &table) {
  json::array tags(o.tags.begin(), o.tags.end());
  json::array of(o.recurrence_of.begin(), o.recurrence_of.end());
  json::array actions;
  for (const ActionRef &a : o.actions) actions.push_back(action(a, table));
  return json::array{o.incident, day_or_null(o.day), table(o.source), o.line, o.factor, to_string(o.kind),
                     enum_or_null(o.category), o.title, o.control, std::move(tags), std::move(of), std::move(actions)};
}

std::vector<std::string> read_strings(const json::value &v, const std::string &path);

// ---------------------------------------------------------------------------------------
// Reading: every accessor takes the JSON Pointer of the value it reads.

[[noreturn]] void bad(const std::string &path, std::string_view what) {
  throw error(errc::format, fmt::format("not a {} state: {} at {}", state_schema, what, path.empty() ? "/" : path));
}

std::string at(const std::string &path, std::string_view member) { return path + "/" + std::string(member); }
std::string at(const std::string &path, std::size_t i) { return fmt::format("{}/{}", path, i); }

const json::object &object(const json::value &v, const std::string &path) {
  if (!v.is_object()) bad(path, "expected an object");
  return v.get_object();
}
const json::array &array(const json::value &v, const std::string &path, std::size_t size = 0) {
  if (!v.is_array()) bad(path, "expected an array");
  if (size && v.get_array().size() != size) bad(path, fmt::format("expected {} elements", size));
  return v.get_array();
}
const json::value &member(const json::object &o, std::string_view name, const std::string &path) {
  const json::value *v = o.if_contains(name);
  if (!v) bad(at(path, name), "missing");
  return *v;
}
u64 count(const json::value &v, const std::string &path) {
  if (v.is_uint64()) return v.get_uint64();
  if (v.is_int64() && v.get_int64() >= 0) return static_cast<u64>(v.get_int64());
  bad(path, "expected a non-negative integer");
}
std::int64_t integer(const json::value &v, const std::string &path) {
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64() && v.get_uint64() <= static_cast<u64>(std::numeric_limits<std::int64_t>::max()))
    return static_cast<std::int64_t>(v.get_uint64());
  bad(path, "expected an integer");
}
std::int32_t day(const json::value &v, const std::string &path) {
  if (v.is_null()) return no_day;
  const std::int64_t d = integer(v, path);
  if (d <= no_day || d > std::numeric_limits<std::int32_t>::max()) bad(path, "day out of range");
  return static_cast<std::int32_t>(d);
}
std::string string(const json::value &v, const std::string &path) {
  if (!v.is_string()) bad(path, "expected a string");
  return std::string(v.get_string());
}
template <class E>
E enumerator(const json::value &v, const std::string &path) {
  if (!v.is_string()) bad(path, "expected a string");
  auto e = enum_from_string<E>(v.get_string());
  if (!e) bad(path, fmt::format("unknown {} value", enum_traits<E>::type_name));
  return *e;
}
template <class E>
std::optional<E> enum_or_null(const json::value &v, const std::string &path) {
  if (v.is_null()) return std::nullopt;
  return enumerator<E>(v, path);
}
template <std::size_t N>
void read_numbers(std::array<u64, N> &out, const json::value &v, const std::string &path) {
  const auto &a = array(v, path, N);
  for (std::size_t i = 0; i < N; ++i) out[i] = count(a[i], at(path, i));
}
LogHistogram read_histogram(const json::value &v, const std::string &path) {
  const auto &a = array(v, path, 3);
  LogHistogram h;
  h.count = count(a[0], at(path, 0));
  h.negative = count(a[1], at(path, 1));
  const std::string bp = at(path, 2);
  const auto &buckets = array(a[2], bp);
  u64 sum = 0;
  for (std::size_t i = 0; i < buckets.size(); ++i) {
    const std::string p = at(bp, i);
    const auto &pair = array(buckets[i], p, 2);
    const std::int64_t b = integer(pair[0], at(p, 0));
    // The largest 64-bit duration is in bucket ⌈ln(2^63) / ln 1.02⌉ = 2206.
    if (b < 0 || b > LogHistogram::max_bucket) bad(at(p, 0), "bucket out of range");
    const u64 n = count(pair[1], at(p, 1));
    h.buckets[static_cast<std::int32_t>(b)] += n;
    sum += n;
  }
  if (sum != h.count) bad(path, "bucket counts do not add up to the count");
  return h;
}

Period read_period(const json::value &v, const std::string &path) {
  const auto &a = array(v, path, 4);
  Period p;
  p.incidents = count(a[0], at(path, 0));
  read_numbers(p.by_category, a[1], at(path, 1));
  read_numbers(p.by_severity, a[2], at(path, 2));
  const std::string mp = at(path, 3);
  const auto &metrics = array(a[3], mp, p.metrics.size());
  for (std::size_t i = 0; i < p.metrics.size(); ++i) p.metrics[i] = read_histogram(metrics[i], at(mp, i));
  return p;
}

Health read_health(const json::value &v, const std::string &path) {
  const auto &a = array(v, path, 7);
  Health h;
  u64 *fields[] = {&h.actions, &h.open, &h.overdue, &h.done_unverified, &h.ineffective, &h.verified_effective, &h.rejected};
  for (std::size_t i = 0; i < 7; ++i) *fields[i] = count(a[i], at(path, i));
  return h;
}

std::vector<std::string> read_strings(const json::value &v, const std::string &path) {
  const auto &a = array(v, path);
  std::vector<std::string> out;
  out.reserve(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) out.push_back(string(a[i], at(path, i)));
  return out;
}

// Reads an index into the state's string table.
Str pooled(const json::value &v, const std::string &path, const std::vector<Str> &strings) {
  const u64 i = count(v, path);
  if (i >= strings.size()) bad(path, "not an index into /strings");
  return strings[i];
}

ActionRef read_action(const json::value &v, const std::string &path, const std::vector<Str> &strings) {
  const auto &a = array(v, path, 9);
  ActionRef r;
  r.id = string(a[0], at(path, 0));
  r.title = string(a[1], at(path, 1));
  r.owner = pooled(a[2], at(path, 2), strings);
  r.type = enum_or_null<ActionType>(a[3], at(path, 3));
  r.status = enumerator<ActionStatus>(a[4], at(path, 4));
  r.completed = day(a[5], at(path, 5));
  r.verified = day(a[6], at(path, 6));
  r.result = enum_or_null<VerificationResult>(a[7], at(path, 7));
  if (!a[8].is_bool()) bad(at(path, 8), "expected a boolean");
  r.has_verification = a[8].get_bool();
  return r;
}

Occurrence read_occurrence(const json::value &v, const std::string &path, const std::vector<Str> &strings) {
  const auto &a = array(v, path, 12);
  Occurrence o;
  o.incident = string(a[0], at(path, 0));
  o.day = day(a[1], at(path, 1));
  o.source = pooled(a[2], at(path, 2), strings);
  o.line = count(a[3], at(path, 3));
  o.factor = string(a[4], at(path, 4));
  o.kind = enumerator<FactorKind>(a[5], at(path, 5));
  o.category = enum_or_null<FactorCategory>(a[6], at(path, 6));
  o.title = string(a[7], at(path, 7));
  o.control = string(a[8], at(path, 8));
  o.tags = read_strings(a[9], at(path, 9));
  o.recurrence_of = read_strings(a[10], at(path, 10));
  const std::string ap = at(path, 11);
  const auto &actions = array(a[11], ap);
  for (std::size_t i = 0; i < actions.size(); ++i) o.actions.push_back(read_action(actions[i], at(ap, i), strings));
  return o;
}

} // namespace

json::value to_state(const Aggregate &agg) {
  json::object o;
  o["schema"] = state_schema;
  o["as_of"] = Day{agg.as_of_day}.to_string();
  o["verify_within_days"] = json_number(agg.verify_within_days);
  o["documents"] = agg.documents;
  o["bad"] = agg.bad;
  json::array problems;
  for (const CorpusProblem &p : agg.problems) problems.push_back(json::array{p.source, p.line, p.column, p.code, p.message, static_cast<int>(p.error)});
  o["problems"] = std::move(problems);
  json::array months;
  for (const auto &[m, p] : agg.months) months.push_back(json::array{m, period(p)});
  o["months"] = std::move(months);
  o["undated"] = period(agg.undated);
  json::array groups;
  const StringTable table(agg);
  o["strings"] = table.value();
  std::vector<const Occurrence *> sorted;
  std::vector<std::pair<const std::string *, const Group *>> by_key;
  by_key.reserve(agg.groups.size());
  for (const auto &[key, g] : agg.groups) by_key.emplace_back(&key, &g);
  std::sort(by_key.begin(), by_key.end(), [](const auto &a, const auto &b) { return *a.first < *b.first; });
  for (const auto &[key_ptr, group_ptr] : by_key) {
    const std::string &key = *key_ptr;
    const Group &g = *group_ptr;
    // Records in a canonical order, so that equal aggregates write equal states.
    sorted.clear();
    for (const Occurrence &x : g) sorted.push_back(&x);
    std::sort(sorted.begin(), sorted.end(), [](const Occurrence *a, const Occurrence *b) { return occurrence_before(*a, *b); });
    json::array occ;
    for (const Occurrence *x : sorted) occ.push_back(occurrence(*x, table));
    groups.push_back(json::array{key, std::move(occ)});
  }
  o["groups"] = std::move(groups);
  o["factors"] = agg.factors;
  o["grouped"] = agg.grouped;
  o["factor_categories"] = numbers(agg.factor_categories);
  json::object tags;
  for (const auto &[k, t] : agg.tags) tags[k] = json::array{t.incidents, t.factors};
  o["tags"] = std::move(tags);
  json::array declared;
  std::vector<DeclaredLink> links = agg.declared;
  std::sort(links.begin(), links.end(), [](const DeclaredLink &a, const DeclaredLink &b) {
    return std::tie(a.incident, a.of, a.day) < std::tie(b.incident, b.of, b.day);
  });
  for (const DeclaredLink &d : links) declared.push_back(json::array{d.incident, d.of, day_or_null(d.day)});
  o["declared"] = std::move(declared);
  o["total"] = health(agg.total);
  json::object owners, teams;
  for (const auto &[k, h] : agg.by_owner) owners[k] = health(h);
  for (const auto &[k, h] : agg.by_team) teams[k] = health(h);
  o["by_owner"] = std::move(owners);
  o["by_team"] = std::move(teams);
  json::array due;
  for (const auto &[v, n] : agg.due_to_done.values) due.push_back(json::array{v, n});
  o["due_to_done"] = std::move(due);
  o["root_causes"] = agg.root_causes;
  o["with_preventive"] = agg.with_preventive;
  json::object techniques;
  for (const auto &[k, t] : agg.techniques) techniques[k] = json::array{t.incidents, t.addressed};
  o["techniques"] = std::move(techniques);
  o["incidents_with_techniques"] = agg.incidents_with_techniques;
  json::array worklist;
  std::vector<const WorkItem *> items;
  for (const WorkItem &w : agg.worklist) items.push_back(&w);
  std::sort(items.begin(), items.end(), [](const WorkItem *a, const WorkItem *b) {
    return std::tie(a->due_on, a->incident, a->action, *a->source, a->line) <
           std::tie(b->due_on, b->incident, b->action, *b->source, b->line);
  });
  for (const WorkItem *w : items)
    worklist.push_back(json::array{w->incident, w->action, w->title, table(w->owner), table(w->team), to_string(w->status),
                                   to_string(w->reason), day_or_null(w->completed), day_or_null(w->last_verified),
                                   day_or_null(w->due_on), table(w->source), w->line});
  o["worklist"] = std::move(worklist);
  return o;
}

Aggregate from_state(const json::value &state) {
  const std::string root;
  const auto &o = object(state, root);
  const json::value &schema = member(o, "schema", root);
  if (!schema.is_string() || schema.get_string() != state_schema) bad("/schema", "wrong or missing schema");
  Aggregate agg;
  {
    const std::string p = "/as_of";
    auto d = Date::parse(string(member(o, "as_of", root), p));
    if (!d) bad(p, "expected a date YYYY-MM-DD");
    agg.as_of_day = d->days;
  }
  {
    const json::value &w = member(o, "verify_within_days", root);
    if (!w.is_number() || !std::isfinite(w.to_number<double>()) || w.to_number<double>() < 0)
      bad("/verify_within_days", "expected a number >= 0");
    agg.verify_within_days = w.to_number<double>();
  }
  agg.documents = count(member(o, "documents", root), "/documents");
  agg.bad = count(member(o, "bad", root), "/bad");
  {
    const auto &a = array(member(o, "problems", root), "/problems");
    for (std::size_t i = 0; i < a.size(); ++i) {
      const std::string p = at("/problems", i);
      const auto &x = array(a[i], p, 6);
      const std::int64_t e = integer(x[5], at(p, 5));
      if (e > 0 || e < static_cast<int>(errc::policy)) bad(at(p, 5), "unknown error code");
      agg.problems.push_back({string(x[0], at(p, 0)), count(x[1], at(p, 1)), count(x[2], at(p, 2)),
                              string(x[3], at(p, 3)), string(x[4], at(p, 4)), static_cast<errc>(e)});
    }
  }
  {
    const auto &a = array(member(o, "months", root), "/months");
    for (std::size_t i = 0; i < a.size(); ++i) {
      const std::string p = at("/months", i);
      const auto &x = array(a[i], p, 2);
      const std::int64_t m = integer(x[0], at(p, 0));
      if (m < -120000 || m > 120000) bad(at(p, 0), "month out of range");
      agg.months[static_cast<std::int32_t>(m)].merge(read_period(x[1], at(p, 1)));
    }
  }
  agg.undated = read_period(member(o, "undated", root), "/undated");
  std::vector<Str> strings;
  {
    const auto &a = array(member(o, "strings", root), "/strings");
    strings.reserve(a.size());
    for (std::size_t i = 0; i < a.size(); ++i) strings.push_back(agg.pool.intern(string(a[i], at("/strings", i))));
  }
  {
    const auto &a = array(member(o, "groups", root), "/groups");
    for (std::size_t i = 0; i < a.size(); ++i) {
      const std::string p = at("/groups", i);
      const auto &x = array(a[i], p, 2);
      Group &g = agg.groups[string(x[0], at(p, 0))];
      const std::string op = at(p, 1);
      const auto &occ = array(x[1], op);
      for (std::size_t k = 0; k < occ.size(); ++k) g.push_back(read_occurrence(occ[k], at(op, k), strings));
    }
  }
  agg.factors = count(member(o, "factors", root), "/factors");
  agg.grouped = count(member(o, "grouped", root), "/grouped");
  read_numbers(agg.factor_categories, member(o, "factor_categories", root), "/factor_categories");
  for (const auto &m : object(member(o, "tags", root), "/tags")) {
    const std::string p = at("/tags", m.key());
    const auto &x = array(m.value(), p, 2);
    agg.tags[std::string(m.key())] = {count(x[0], at(p, 0)), count(x[1], at(p, 1))};
  }
  {
    const auto &a = array(member(o, "declared", root), "/declared");
    for (std::size_t i = 0; i < a.size(); ++i) {
      const std::string p = at("/declared", i);
      const auto &x = array(a[i], p, 3);
      agg.declared.push_back({string(x[0], at(p, 0)), string(x[1], at(p, 1)), day(x[2], at(p, 2))});
    }
  }
  agg.total = read_health(member(o, "total", root), "/total");
  for (const auto &m : object(member(o, "by_owner", root), "/by_owner"))
    agg.by_owner[std::string(m.key())] = read_health(m.value(), at("/by_owner", m.key()));
  for (const auto &m : object(member(o, "by_team", root), "/by_team"))
    agg.by_team[std::string(m.key())] = read_health(m.value(), at("/by_team", m.key()));
  {
    const auto &a = array(member(o, "due_to_done", root), "/due_to_done");
    for (std::size_t i = 0; i < a.size(); ++i) {
      const std::string p = at("/due_to_done", i);
      const auto &x = array(a[i], p, 2);
      const u64 n = count(x[1], at(p, 1));
      agg.due_to_done.values[integer(x[0], at(p, 0))] += n;
      agg.due_to_done.count += n;
    }
  }
  agg.root_causes = count(member(o, "root_causes", root), "/root_causes");
  agg.with_preventive = count(member(o, "with_preventive", root), "/with_preventive");
  for (const auto &m : object(member(o, "techniques", root), "/techniques")) {
    const std::string p = at("/techniques", m.key());
    const auto &x = array(m.value(), p, 2);
    agg.techniques[std::string(m.key())] = {count(x[0], at(p, 0)), count(x[1], at(p, 1))};
  }
  agg.incidents_with_techniques = count(member(o, "incidents_with_techniques", root), "/incidents_with_techniques");
  {
    const auto &a = array(member(o, "worklist", root), "/worklist");
    for (std::size_t i = 0; i < a.size(); ++i) {
      const std::string p = at("/worklist", i);
      const auto &x = array(a[i], p, 12);
      WorkItem w;
      w.incident = string(x[0], at(p, 0));
      w.action = string(x[1], at(p, 1));
      w.title = string(x[2], at(p, 2));
      w.owner = pooled(x[3], at(p, 3), strings);
      w.team = pooled(x[4], at(p, 4), strings);
      w.status = enumerator<ActionStatus>(x[5], at(p, 5));
      w.reason = enumerator<ReverifyReason>(x[6], at(p, 6));
      w.completed = day(x[7], at(p, 7));
      w.last_verified = day(x[8], at(p, 8));
      w.due_on = day(x[9], at(p, 9));
      w.source = pooled(x[10], at(p, 10), strings);
      w.line = count(x[11], at(p, 11));
      agg.worklist.push_back(std::move(w));
    }
  }
  return agg;
}

} // namespace corpus
PM_END_NAMESPACE
