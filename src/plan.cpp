// The prioritized remediation plan (plan.hpp; docs/plan.md documents the rules and the JSON).
#include <postmortem/plan.hpp>

#include "action_state.hpp"
#include "graph.hpp"
#include "validate/report.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstring>
#include <cstdint>
#include <functional>
#include <limits>
#include <string_view>
#include <utility>

PM_BEGIN_NAMESPACE

namespace {

namespace json = boost::json;
using u32 = std::uint32_t;

constexpr u32 none = std::numeric_limits<u32>::max();
constexpr std::int64_t default_effort = 3; // the middle of the 1–5 scale

std::size_t slot(PriorityTier t) { return static_cast<std::size_t>(t); }

std::uint8_t effort_weight(const Action &a) {
  return static_cast<std::uint8_t>(a.effort ? std::clamp<std::int64_t>(*a.effort, 1, 5) : default_effort);
}

// What the plan reads of each action, gathered in one pass in document order: the rest of
// the work then reads these small arrays instead of the actions themselves (600 bytes each,
// visited in plan order: cache misses dominated).
struct Facts {
  std::int32_t due = 0;
  bool has_due = false, finished = false, rejected = false;
  ActionStatus status = ActionStatus::proposed;
  std::uint8_t effort = 0; // the critical path's weight
};

// The actions' ids, copied into one buffer, and an open-addressing hash table to find them.
class Ids {
public:
  /// `buffer` holds the ids back to back: action i's is [offsets[i], offsets[i + 1]).
  Ids(std::string buffer, std::vector<u32> offsets, std::vector<std::uint8_t> has_id)
      : buffer_(std::move(buffer)), offsets_(std::move(offsets)), has_id_(std::move(has_id)) {
    const std::size_t n = has_id_.size();
    std::size_t size = 16;
    while (size < 2 * n) size *= 2;
    slots_.assign(size, none);
    for (std::size_t i = 0; i < n; ++i) {
      if (!has_id_[i]) continue;
      std::size_t s = hash(id(i));
      while (slots_[s] != none && id(slots_[s]) != id(i)) s = (s + 1) & (slots_.size() - 1);
      if (slots_[s] == none) slots_[s] = static_cast<u32>(i); // a duplicate id keeps the first
    }
  }
  /// The first action in document order with this id, or `none`.
  u32 find(std::string_view id) const {
    for (std::size_t s = hash(id);; s = (s + 1) & (slots_.size() - 1))
      if (slots_[s] == none || this->id(slots_[s]) == id) return slots_[s];
  }
  /// The id of action `i` ("" when it has none; never found).
  std::string_view id(std::size_t i) const {
    return std::string_view(buffer_.data() + offsets_[i], offsets_[i + 1] - offsets_[i]);
  }

private:
  std::size_t hash(std::string_view id) const { return std::hash<std::string_view>{}(id) & (slots_.size() - 1); }

  std::string buffer_;
  std::vector<u32> offsets_;
  std::vector<std::uint8_t> has_id_;
  std::vector<u32> slots_;
};

// A priority queue of distinct integers below n (here the key ranks, a permutation): one bit
// per integer and, above, one bit per non-empty word, to a single word at the top. Push and
// pop-min are a few word operations per level (log64 n levels: 3 for 100,000 actions).
class RankQueue {
public:
  explicit RankQueue(std::size_t n) {
    std::size_t words = n / 64 + 1;
    for (;;) {
      levels_.emplace_back(words, 0);
      if (words == 1) break;
      words = (words + 63) / 64;
    }
  }
  bool empty() const { return levels_.back()[0] == 0; }
  void push(u32 r) {
    std::size_t i = r;
    for (auto &level : levels_) {
      level[i >> 6] |= std::uint64_t{1} << (i & 63);
      i >>= 6;
    }
  }
  u32 pop() {
    std::size_t i = 0;
    for (std::size_t l = levels_.size(); l-- > 0;) i = (i << 6) | static_cast<std::size_t>(std::countr_zero(levels_[l][i]));
    const auto r = static_cast<u32>(i);
    for (auto &level : levels_) { // clear the bit, and the summary bits of words left empty
      level[i >> 6] &= ~(std::uint64_t{1} << (i & 63));
      if (level[i >> 6] != 0) break;
      i >>= 6;
    }
    return r;
  }

private:
  std::vector<std::vector<std::uint64_t>> levels_; // levels_[0]: one bit per integer
};

// What the order needs, per action, in flat arrays.
struct Graph {
  detail::Csr depends;    // i -> the actions i depends on (known, not itself): for cycles
  detail::Csr dependents; // k -> the actions that wait for k: the order's edges
  detail::Csr blocked_by; // i -> its unfinished dependencies, depends_on order, no repeats
  std::vector<u32> waiting; // per action, how many order edges point at it
};

// The order's key, as one integer per action: open before finished, then the higher score,
// then the smaller id, then document order. Ranking once makes every queue operation an
// integer one. The ranking is a radix sort of (score, action) records (11-bit digits, all
// histograms in one scan, digits every record shares skipped), a stable split of open from
// finished, then each run of equal scores sorted by id (compared by its first eight bytes
// until those tie).
std::vector<u32> key_ranks(const std::vector<std::uint8_t> &finished, const std::vector<double> &score, const Ids &ids) {
  struct Record {
    std::uint64_t major; // the score, order reversed (a bigger score, a smaller integer)
    u32 index;
  };
  auto descending = [](double d) {
    std::uint64_t bits;
    const double x = d == 0 ? 0.0 : d; // -0.0 as 0.0
    std::memcpy(&bits, &x, sizeof bits);
    bits = (bits >> 63) ? ~bits : bits | (std::uint64_t{1} << 63); // ascending with x
    return ~bits;
  };
  const std::size_t n = score.size();
  std::vector<Record> records(n), scratch(n);
  std::vector<std::uint64_t> prefix(n);
  constexpr unsigned bits = 11, passes = (64 + bits - 1) / bits;
  constexpr std::size_t radix = std::size_t{1} << bits;
  std::vector<std::size_t> count(passes * radix, 0);
  for (std::size_t i = 0; i < n; ++i) {
    const std::string_view id = ids.id(i);
    std::uint64_t p = 0;
    for (std::size_t k = 0; k < 8; ++k) p = (p << 8) | (k < id.size() ? static_cast<unsigned char>(id[k]) : 0u);
    prefix[i] = p;
    records[i] = {descending(score[i]), static_cast<u32>(i)};
    for (unsigned d = 0; d < passes; ++d) ++count[d * radix + ((records[i].major >> (d * bits)) & (radix - 1))];
  }
  for (unsigned d = 0; d < passes; ++d) {
    std::size_t *c = count.data() + d * radix;
    if (n == 0 || std::find(c, c + radix, n) != c + radix) continue; // every record has this digit
    std::size_t sum = 0;
    for (std::size_t b = 0; b < radix; ++b) sum += std::exchange(c[b], sum);
    for (const auto &r : records) scratch[c[(r.major >> (d * bits)) & (radix - 1)]++] = r;
    records.swap(scratch);
  }
  // Open before finished, keeping the score order.
  std::size_t open = 0;
  for (const auto &r : records) open += !finished[r.index];
  std::size_t next_open = 0, next_finished = open;
  for (const auto &r : records) scratch[finished[r.index] ? next_finished++ : next_open++] = r;
  records.swap(scratch);
  auto by_id = [&](const Record &a, const Record &b) {
    if (prefix[a.index] != prefix[b.index]) return prefix[a.index] < prefix[b.index]; // zero-padded: as the ids
    if (const auto ia = ids.id(a.index), ib = ids.id(b.index); ia != ib) return ia < ib;
    return a.index < b.index;
  };
  for (std::size_t lo = 0; lo < n;) {
    std::size_t hi = lo + 1;
    while (hi < n && hi != open && records[hi].major == records[lo].major) ++hi;
    if (hi - lo > 1) std::sort(records.begin() + static_cast<std::ptrdiff_t>(lo), records.begin() + static_cast<std::ptrdiff_t>(hi), by_id);
    lo = hi;
  }
  std::vector<u32> key(n);
  for (std::size_t r = 0; r < n; ++r) key[records[r].index] = static_cast<u32>(r);
  return key;
}

std::vector<u32> inverse(const std::vector<u32> &key) {
  std::vector<u32> by_key(key.size());
  for (std::size_t i = 0; i < key.size(); ++i) by_key[key[i]] = static_cast<u32>(i);
  return by_key;
}

// Kahn's algorithm: repeatedly places the ready action with the smallest key. The queue
// holds keys; by_key maps them back. O(V log64 V + E).
void kahn(const Graph &g, std::vector<u32> &waiting, const std::vector<u32> &key, const std::vector<u32> &by_key,
          RankQueue &ready, std::vector<u32> &order) {
  while (!ready.empty()) {
    const u32 u = by_key[ready.pop()];
    order.push_back(u);
    for (u32 v : g.dependents[u])
      if (--waiting[v] == 0) ready.push(key[v]);
  }
}

// The actions Kahn's algorithm could not place: members of cycles and what depends on them.
// They are placed by the condensation (each strongly connected component as one node): a
// component is ready once everything its members depend on outside it is placed; then its
// members compete with the other ready actions by the same key, the edges inside it dropped.
void place_held_up(const Graph &g, const detail::Components &components, const std::vector<std::uint8_t> &rejected,
                   std::vector<u32> &waiting, const std::vector<u32> &key, const std::vector<u32> &by_key,
                   std::vector<u32> &order) {
  const std::size_t n = waiting.size();
  const auto &comp = components.of;
  std::vector<std::uint8_t> placed(n, 0);
  for (u32 v : order) placed[v] = 1;
  // The held-up actions grouped by component: held[begin[c] .. begin[c + 1]).
  std::vector<std::pair<u32, u32>> by_comp; // (component, action)
  for (std::size_t v = 0; v < n; ++v)
    if (!rejected[v] && !placed[v]) by_comp.emplace_back(comp[v], static_cast<u32>(v));
  std::ranges::sort(by_comp);
  std::vector<u32> begin(components.size.size() + 1, 0), comp_waiting(components.size.size(), 0);
  for (const auto &[c, v] : by_comp) ++begin[c + 1];
  for (std::size_t c = 0; c < components.size.size(); ++c) begin[c + 1] += begin[c];
  for (const auto &[c, v] : by_comp)
    for (u32 w : g.dependents[v])
      if (comp[w] == c) --waiting[w]; // an edge inside the component: dropped
  for (const auto &[c, v] : by_comp) comp_waiting[c] += waiting[v];

  RankQueue ready(n);
  auto release = [&](u32 c) {
    for (u32 k = begin[c]; k < begin[c + 1]; ++k) ready.push(key[by_comp[k].second]);
  };
  for (std::size_t k = 0; k < by_comp.size(); ++k)
    if ((k == 0 || by_comp[k - 1].first != by_comp[k].first) && comp_waiting[by_comp[k].first] == 0) release(by_comp[k].first);
  while (!ready.empty()) {
    const u32 u = by_key[ready.pop()];
    order.push_back(u);
    for (u32 w : g.dependents[u])
      if (comp[w] != comp[u] && --comp_waiting[comp[w]] == 0) release(comp[w]);
  }
}

} // namespace

Plan plan_with(const Document &doc, std::span<const ActionPriority> priorities, const Policy &policy) {
  const auto &actions = doc.actions;
  const std::size_t n = actions.size();
  if (n >= none) throw error(errc::limit, "plan: more than 2^32 - 2 actions");
  Plan out;
  out.sla_days = policy.plan.sla_days;
  const std::int64_t today = detail::floor_days(policy.now_micros());
  out.as_of_day = today;

  std::vector<double> score(n, 0);
  std::vector<PriorityTier> tier(n, PriorityTier::P4);
  for (const auto &p : priorities) {
    if (p.action_index >= n)
      throw error(errc::invalid_argument,
                  "plan_with: a priority names action " + std::to_string(p.action_index) + ", but the document has " +
                      std::to_string(n) + " actions");
    score[p.action_index] = std::isnan(p.score) ? 0.0 : p.score; // NaN would break the order's key
    tier[p.action_index] = p.tier;
  }

  // One pass over the actions, in document order, gathers everything else reads: the facts,
  // the ids and the depends_on entries, each copied into one buffer.
  std::vector<Facts> facts(n);
  std::vector<std::uint8_t> finished(n), rejected(n), has_id(n);
  std::string id_buffer, dep_buffer;
  std::vector<u32> id_offsets(n + 1, 0), dep_offsets{0};
  std::vector<std::pair<u32, u32>> dep_of; // (action, entry) of each depends_on entry
  for (std::size_t i = 0; i < n; ++i) {
    const Action &a = actions[i];
    Facts &f = facts[i];
    f.status = a.status.value_or(ActionStatus::proposed);
    f.finished = detail::is_finished(a);
    f.rejected = f.status == ActionStatus::rejected;
    finished[i] = f.finished;
    rejected[i] = f.rejected;
    f.has_due = a.due.has_value();
    f.due = a.due ? a.due->days : 0;
    f.effort = effort_weight(a);
    if (a.id) {
      has_id[i] = 1;
      id_buffer += *a.id;
    }
    id_offsets[i + 1] = static_cast<u32>(id_buffer.size());
    for (std::size_t e = 0; e < a.depends_on.size(); ++e) {
      dep_buffer += a.depends_on[e];
      dep_offsets.push_back(static_cast<u32>(dep_buffer.size()));
      dep_of.emplace_back(static_cast<u32>(i), static_cast<u32>(e));
    }
  }
  if (id_buffer.size() >= none || dep_buffer.size() >= none) throw error(errc::limit, "plan: more than 4 GiB of ids");
  const Ids ids(std::move(id_buffer), std::move(id_offsets), std::move(has_id));

  // Resolve depends_on: unknown ids and self-dependencies are reported; an edge k -> i of the
  // order when i (not rejected) waits for k (neither finished nor rejected).
  std::vector<std::pair<u32, u32>> depends, dependents, blocked;
  depends.reserve(dep_of.size());
  dependents.reserve(dep_of.size());
  blocked.reserve(dep_of.size());
  std::vector<u32> seen(n, none); // seen[k] == i: k is already in i's blocked_by
  Graph g;
  g.waiting.assign(n, 0);
  for (std::size_t d = 0; d < dep_of.size(); ++d) {
    const auto [i, e] = dep_of[d];
    const std::string_view dep(dep_buffer.data() + dep_offsets[d], dep_offsets[d + 1] - dep_offsets[d]);
    const u32 k = ids.find(dep);
    if (k == none) {
      out.unknown_dependencies.push_back({i, e, std::string(dep)});
      continue;
    }
    if (k == i) {
      if (out.self_dependencies.empty() || out.self_dependencies.back() != i) out.self_dependencies.push_back(i);
      continue;
    }
    depends.emplace_back(i, k);
    if (rejected[i] || finished[k]) continue;
    if (!finished[i] && seen[k] != i) {
      seen[k] = i;
      blocked.emplace_back(i, k);
    }
    if (rejected[k]) continue;
    dependents.emplace_back(k, i);
    ++g.waiting[i];
  }
  g.dependents = detail::make_csr(n, dependents);
  g.blocked_by = detail::make_csr(n, blocked);

  // The order: first every action no cycle holds up (Kahn's algorithm).
  const std::vector<u32> key = key_ranks(finished, score, ids);
  const std::vector<u32> by_key = inverse(key);
  std::vector<u32> order;
  order.reserve(n);
  std::vector<u32> waiting = g.waiting;
  RankQueue ready(n);
  std::size_t in_plan = 0;
  for (u32 i = 0; i < n; ++i) {
    in_plan += !rejected[i];
    if (!rejected[i] && waiting[i] == 0) ready.push(key[i]);
  }
  kahn(g, waiting, key, by_key, ready, order);
  const std::size_t unblocked = order.size();
  // Cycles. When every known dependency is an edge of the order and the order placed every
  // action, there is none (the common case, and the cheap one); otherwise Tarjan's algorithm
  // finds them, whatever the statuses of their members.
  detail::Components components;
  if (unblocked < in_plan || depends.size() != dependents.size()) {
    g.depends = detail::make_csr(n, depends);
    components = detail::strongly_connected(g.depends);
    out.cycles = detail::cycles_of(components);
  }
  auto in_cycle = [&](std::size_t v) { return !components.of.empty() && components.size[components.of[v]] > 1; };
  // Then what a cycle holds up, by the condensation.
  if (unblocked < in_plan) place_held_up(g, components, rejected, waiting, key, by_key, order);

  // Items, dates and call-outs.
  const double window = policy.thresholds.verify_within_days;
  std::vector<u32> position(n, none);
  out.items.reserve(order.size());
  for (std::size_t p = 0; p < order.size(); ++p) {
    const u32 i = order[p];
    const Facts &f = facts[i];
    position[i] = static_cast<u32>(p);
    PlanItem &item = out.items.emplace_back();
    item.action_index = i;
    item.position = p + 1;
    item.score = score[i];
    item.tier = tier[i];
    item.status = f.status;
    item.in_cycle = in_cycle(i);
    item.after_cycle = p >= unblocked;
    const auto blocked_by = g.blocked_by[i];
    item.blocked_by.assign(blocked_by.begin(), blocked_by.end());
    if (!finished[i]) {
      const std::int64_t sla = today + policy.plan.sla_days[slot(tier[i])];
      item.sla_due = Date{static_cast<std::int32_t>(sla), std::nullopt};
      item.suggested_due = Date{f.has_due ? f.due : static_cast<std::int32_t>(sla), std::nullopt};
      item.due_after_sla = f.has_due && f.due > sla;
      if (f.has_due && f.due < today) {
        item.overdue = true;
        item.days_overdue = today - f.due;
      }
      ++out.open;
      ++out.open_by_tier[slot(tier[i])];
      out.overdue += item.overdue;
      out.blocked += !item.blocked_by.empty();
    } else {
      ++out.finished;
      const Verification *latest = detail::latest_verification(actions[i]);
      if (!latest) item.unverified = Unverified::missing;
      else if (latest->result != VerificationResult::effective) item.unverified = Unverified::not_effective;
      else if (latest->date && static_cast<double>(today - latest->date->days) > window) item.unverified = Unverified::stale;
      out.unverified += item.unverified.has_value();
    }
  }
  for (std::size_t i = 0; i < n; ++i)
    if (rejected[i]) out.rejected.push_back(i);

  // The critical path: the heaviest chain of open actions, in plan order (a topological order
  // of every edge but those inside a cycle, which are left out: a cycle has no first member).
  // Ties go to the chain met first in plan order.
  std::vector<std::int64_t> best(n, 0), length(n, 0);
  std::vector<u32> via(n, none);
  u32 end = none;
  for (u32 i : order) {
    if (finished[i]) continue;
    length[i] = best[i] + facts[i].effort;
    if (end == none || length[i] > length[end]) end = i;
    for (u32 v : g.dependents[i])
      if (!finished[v] && !(in_cycle(v) && components.of[v] == components.of[i]) &&
          (via[v] == none || length[i] > best[v])) {
        best[v] = length[i];
        via[v] = i;
      }
  }
  if (end != none) {
    out.critical_path_effort = length[end];
    for (u32 v = end; v != none; v = via[v]) out.critical_path.push_back(v);
    std::ranges::reverse(out.critical_path);
    for (std::size_t v : out.critical_path) out.items[position[v]].on_critical_path = true;
  }
  return out;
}

Plan plan(const Document &doc, const Policy &policy) {
  const std::vector<ActionPriority> priorities = action_priorities(doc, policy);
  return plan_with(doc, priorities, policy);
}

// --- JSON --------------------------------------------------------------------------------

namespace {

std::string id_of(const Document &doc, std::size_t i) { return detail::label(doc.actions, i); }

json::array ids(const Document &doc, std::span<const std::size_t> indices) {
  json::array out;
  out.reserve(indices.size());
  for (std::size_t i : indices) out.emplace_back(id_of(doc, i));
  return out;
}

std::string day_string(std::int64_t days) { return Date{static_cast<std::int32_t>(days), std::nullopt}.to_date_string(); }

template <class T> json::object tiers_object(const std::array<T, 4> &values) {
  json::object o;
  for (std::size_t t = 0; t < values.size(); ++t) o[to_string(static_cast<PriorityTier>(t))] = values[t];
  return o;
}

json::object item_value(const PlanItem &item, const Document &doc) {
  const Action &a = doc.actions[item.action_index];
  json::object o;
  o["position"] = item.position;
  o["id"] = id_of(doc, item.action_index);
  o["index"] = item.action_index;
  if (a.title) o["title"] = *a.title;
  o["status"] = to_string(item.status);
  o["score"] = item.score;
  o["tier"] = to_string(item.tier);
  if (a.owner) o["owner"] = *a.owner;
  if (a.due) o["due"] = a.due->to_date_string();
  if (item.suggested_due) o["suggested_due"] = item.suggested_due->to_date_string();
  if (item.sla_due) o["sla_due"] = item.sla_due->to_date_string();
  if (a.due && item.sla_due) o["due_after_sla"] = item.due_after_sla;
  o["overdue"] = item.overdue;
  if (item.overdue) o["days_overdue"] = item.days_overdue;
  if (item.unverified) o["unverified"] = to_string(*item.unverified);
  o["blocked_by"] = ids(doc, item.blocked_by);
  o["in_cycle"] = item.in_cycle;
  o["after_cycle"] = item.after_cycle;
  o["on_critical_path"] = item.on_critical_path;
  return o;
}

} // namespace

json::value to_value(const Plan &plan, const Document &doc) {
  json::object root;
  root["as_of"] = day_string(plan.as_of_day);
  root["sla_days"] = tiers_object(plan.sla_days);
  json::array items;
  items.reserve(plan.items.size());
  std::vector<std::size_t> overdue, unverified;
  for (const auto &item : plan.items) {
    items.push_back(item_value(item, doc));
    if (item.overdue) overdue.push_back(item.action_index);
    if (item.unverified) unverified.push_back(item.action_index);
  }
  root["items"] = std::move(items);
  json::array cycles;
  for (const auto &c : plan.cycles) cycles.push_back(ids(doc, c));
  root["cycles"] = std::move(cycles);
  root["critical_path"] =
      json::object{{"actions", ids(doc, plan.critical_path)}, {"effort", plan.critical_path_effort}, {"weight", "effort"}};
  root["overdue"] = ids(doc, overdue);
  root["unverified"] = ids(doc, unverified);
  json::array unknown;
  for (const auto &u : plan.unknown_dependencies)
    unknown.push_back(json::object{{"action", id_of(doc, u.action_index)},
                                   {"depends_on", u.id},
                                   {"path", detail::pointer("actions", u.action_index, "depends_on") + "/" +
                                                std::to_string(u.entry)}});
  root["unknown_dependencies"] = std::move(unknown);
  root["self_dependencies"] = ids(doc, plan.self_dependencies);
  root["rejected"] = ids(doc, plan.rejected);
  std::size_t in_cycles = 0;
  for (const auto &c : plan.cycles) in_cycles += c.size();
  root["counts"] = json::object{{"actions", plan.items.size() + plan.rejected.size()},
                                {"open", plan.open},
                                {"finished", plan.finished},
                                {"rejected", plan.rejected.size()},
                                {"overdue", plan.overdue},
                                {"unverified", plan.unverified},
                                {"blocked", plan.blocked},
                                {"in_cycles", in_cycles},
                                {"open_by_tier", tiers_object(plan.open_by_tier)}};
  return root;
}

std::string to_json(const Plan &plan, const Document &doc, const WriteOptions &options) {
  return serialize_value(to_value(plan, doc), options);
}

PM_END_NAMESPACE
