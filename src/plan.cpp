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
};

// The actions' ids, copied into one buffer, and an open-addressing hash table to find them.
// Each slot keeps the upper half of its id's hash beside the index, so a lookup reads the
// ids themselves only on a likely match (one random read per lookup, not three).
class Ids {
public:
  /// `buffer` holds the ids back to back: action i's is [offsets[i], offsets[i + 1]).
  Ids(std::string buffer, std::vector<u32> offsets, std::vector<std::uint8_t> has_id)
      : buffer_(std::move(buffer)), offsets_(std::move(offsets)) {
    const std::size_t n = has_id.size();
    std::size_t size = 16;
    while (size < 2 * n) size *= 2;
    slots_.assign(size, empty);
    for (std::size_t i = 0; i < n; ++i) {
      if (!has_id[i]) continue;
      const std::uint64_t h = hash(id(i));
      std::size_t s = h & (slots_.size() - 1);
      while (slots_[s] != empty && !same(slots_[s], h, id(i))) s = (s + 1) & (slots_.size() - 1);
      if (slots_[s] == empty) slots_[s] = (h & ~std::uint64_t{0xffffffff}) | i; // a duplicate id keeps the first
    }
  }
  /// The hash find() takes.
  static std::uint64_t hash(std::string_view id) { return std::hash<std::string_view>{}(id); }
  /// Asks the processor to fetch the slot where a find() for hash `h` starts, so that a loop of
  /// lookups overlaps their cache misses.
  void prefetch(std::uint64_t h) const { __builtin_prefetch(slots_.data() + (h & (slots_.size() - 1))); }
  /// The first action in document order with this id (whose hash is `h`), or `none`.
  u32 find(std::string_view id, std::uint64_t h) const {
    for (std::size_t s = h & (slots_.size() - 1);; s = (s + 1) & (slots_.size() - 1)) {
      if (slots_[s] == empty) return none;
      if (same(slots_[s], h, id)) return static_cast<u32>(slots_[s]);
    }
  }
  /// The id of action `i` ("" when it has none; never found).
  std::string_view id(std::size_t i) const {
    return std::string_view(buffer_.data() + offsets_[i], offsets_[i + 1] - offsets_[i]);
  }

private:
  static constexpr std::uint64_t empty = ~std::uint64_t{0}; // index `none`: never a real slot
  bool same(std::uint64_t slot, std::uint64_t h, std::string_view id) const {
    return (slot >> 32) == (h >> 32) && this->id(static_cast<u32>(slot)) == id;
  }

  std::string buffer_;
  std::vector<u32> offsets_;
  std::vector<std::uint64_t> slots_;
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

// What the order needs, in flat arrays. The order and the critical path work on the actions'
// ranks in the order's key (key_ranks below) rather than their indices: the order places
// them in roughly ascending rank, so what it reads of the action it places is read nearly in
// sequence. by_key maps a rank back to its action.
struct Graph {
  detail::Csr depends;    // index i -> the indices i depends on (known, not itself): for cycles
  detail::Csr dependents; // rank k -> the ranks that wait for k: the order's edges
  detail::Csr blocked_by; // index i -> its unfinished dependencies, depends_on order, no repeats
};

// What the order and the critical path update per action (by rank), side by side: placing an
// action visits each of its dependants once, and reads and writes only its Node.
struct Node {
  std::int64_t best = 0; // the heaviest chain of open actions that ends just before it
  u32 via = none;        // the chain's last action, by rank (none: no open action before it)
  u32 waiting = 0;       // order edges into it not yet satisfied
  bool finished = false, rejected = false;
  std::uint8_t effort = 0; // its weight on the critical path
};

// The order being built (ranks), and the critical path found along it. The plan order is a
// topological order of every edge but those inside a cycle, so when an action is placed
// every open action before it is settled: its chain is final. Ties go to the chain met
// first in plan order.
struct Placement {
  std::vector<Node> node;
  std::vector<u32> order;
  u32 end = none;           // the last action (rank) of the heaviest chain so far
  std::int64_t end_length = 0;

  // Places u; returns the length of the chain u ends (-1 when u is finished: no chain).
  std::int64_t place(u32 u) {
    order.push_back(u);
    const Node &nu = node[u];
    if (nu.finished) return -1;
    const std::int64_t length = nu.best + nu.effort;
    if (end == none || length > end_length) {
      end = u;
      end_length = length;
    }
    return length;
  }
  // Offers dependant v the chain that u ends.
  void offer(std::int64_t length, u32 u, Node &v) {
    if (length >= 0 && !v.finished && (v.via == none || length > v.best)) {
      v.best = length;
      v.via = u;
    }
  }
};

// The distinct values of a set of 64-bit integers, each given its rank among them: an
// open-addressing table (Fibonacci hashing, grown at half full). Scores repeat a lot (one
// decimal in 0–100 gives at most 1,001), so the table stays small and in cache.
class DenseRanks {
public:
  /// Adds `v` if it is new.
  void add(std::uint64_t v) {
    if (2 * (values_.size() + 1) > slots_.size()) grow();
    std::size_t s = slot(v);
    while (slots_[s] != empty && values_[slots_[s]] != v) s = (s + 1) & (slots_.size() - 1);
    if (slots_[s] == empty) {
      slots_[s] = static_cast<u32>(values_.size());
      values_.push_back(v);
    }
  }
  /// Ranks the values added so far, ascending; then rank() answers.
  void rank() {
    std::vector<u32> by_value(values_.size());
    for (std::size_t k = 0; k < by_value.size(); ++k) by_value[k] = static_cast<u32>(k);
    std::ranges::sort(by_value, [&](u32 a, u32 b) { return values_[a] < values_[b]; });
    rank_.resize(values_.size());
    for (std::size_t r = 0; r < by_value.size(); ++r) rank_[by_value[r]] = static_cast<u32>(r);
  }
  /// The rank of an added value.
  u32 rank(std::uint64_t v) const {
    std::size_t s = slot(v);
    while (values_[slots_[s]] != v) s = (s + 1) & (slots_.size() - 1);
    return rank_[slots_[s]];
  }
  std::size_t size() const { return values_.size(); }

private:
  static constexpr u32 empty = none;
  std::size_t slot(std::uint64_t v) const { return (v * 0x9E3779B97F4A7C15ull) >> shift_; }
  void grow() {
    const std::size_t size = slots_.empty() ? 64 : 2 * slots_.size();
    shift_ = 64 - static_cast<unsigned>(std::countr_zero(size));
    slots_.assign(size, empty);
    for (std::size_t k = 0; k < values_.size(); ++k) {
      std::size_t s = slot(values_[k]);
      while (slots_[s] != empty) s = (s + 1) & (size - 1);
      slots_[s] = static_cast<u32>(k);
    }
  }

  std::vector<std::uint64_t> values_;
  std::vector<u32> slots_, rank_;
  unsigned shift_ = 64;
};

// The order's key, as one integer per action: open before finished, then the higher score,
// then the smaller id, then document order. Ranking once makes every queue operation an
// integer one. The ranking gives each distinct score its rank (DenseRanks), puts the actions
// in buckets (open ones by score rank, then finished ones by score rank) with one counting
// sort, which keeps document order within a bucket, then sorts each bucket by id (compared by
// its first eight bytes, held in the record, until those tie).
std::vector<u32> key_ranks(const std::vector<std::uint8_t> &finished, const std::vector<double> &score, const Ids &ids) {
  struct Record {
    std::uint64_t prefix; // the id's first eight bytes, zero-padded: they order as the ids
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
  std::vector<std::uint64_t> major(n); // the score, order reversed (a bigger score, a smaller integer)
  DenseRanks scores;
  for (std::size_t i = 0; i < n; ++i) {
    major[i] = descending(score[i]);
    scores.add(major[i]);
  }
  scores.rank();
  const std::size_t distinct = scores.size();
  std::vector<u32> bucket(n);
  std::vector<std::size_t> begin(2 * distinct + 1, 0);
  for (std::size_t i = 0; i < n; ++i) {
    bucket[i] = static_cast<u32>(scores.rank(major[i]) + (finished[i] ? distinct : 0));
    ++begin[bucket[i] + 1];
  }
  for (std::size_t b = 0; b < 2 * distinct; ++b) begin[b + 1] += begin[b];
  std::vector<Record> records(n);
  {
    std::vector<std::size_t> next(begin.begin(), begin.end() - 1);
    for (std::size_t i = 0; i < n; ++i) {
      const std::string_view id = ids.id(i);
      std::uint64_t p = 0;
      for (std::size_t k = 0; k < 8; ++k) p = (p << 8) | (k < id.size() ? static_cast<unsigned char>(id[k]) : 0u);
      records[next[bucket[i]]++] = {p, static_cast<u32>(i)};
    }
  }
  auto by_id = [&](const Record &a, const Record &b) {
    if (a.prefix != b.prefix) return a.prefix < b.prefix;
    if (const auto ia = ids.id(a.index), ib = ids.id(b.index); ia != ib) return ia < ib;
    return a.index < b.index;
  };
  for (std::size_t b = 0; b < 2 * distinct; ++b)
    if (begin[b + 1] - begin[b] > 1)
      std::sort(records.begin() + static_cast<std::ptrdiff_t>(begin[b]), records.begin() + static_cast<std::ptrdiff_t>(begin[b + 1]), by_id);
  std::vector<u32> key(n);
  for (std::size_t r = 0; r < n; ++r) key[records[r].index] = static_cast<u32>(r);
  return key;
}

std::vector<u32> inverse(const std::vector<u32> &key) {
  std::vector<u32> by_key(key.size());
  for (std::size_t i = 0; i < key.size(); ++i) by_key[key[i]] = static_cast<u32>(i);
  return by_key;
}

// Kahn's algorithm: repeatedly places the ready action with the smallest rank. O(V log64 V + E).
// `comp` (the strongly connected components by rank, when known) keeps edges inside a cycle
// off the critical path: Kahn's algorithm places a cycle's members when the cycle passes
// through a finished action.
void kahn(const Graph &g, const u32 *comp, RankQueue &ready, Placement &p) {
  while (!ready.empty()) {
    const u32 u = ready.pop();
    const std::int64_t length = p.place(u);
    for (u32 v : g.dependents[u]) {
      Node &nv = p.node[v];
      if (--nv.waiting == 0) ready.push(v);
      if (!comp || comp[u] != comp[v]) p.offer(length, u, nv);
    }
  }
}

// The actions Kahn's algorithm could not place: members of cycles and what depends on them.
// They are placed by the condensation (each strongly connected component as one node): a
// component is ready once everything its members depend on outside it is placed; then its
// members compete with the other ready actions by the same key, the edges inside it dropped.
// `comp` and `components` as in kahn(), by rank.
void place_held_up(const Graph &g, const std::vector<u32> &comp, std::size_t components, Placement &p) {
  const std::size_t n = p.node.size();
  std::vector<std::uint8_t> placed(n, 0);
  for (u32 v : p.order) placed[v] = 1;
  // The held-up actions grouped by component: by_comp[begin[c] .. begin[c + 1]).
  std::vector<std::pair<u32, u32>> by_comp; // (component, rank)
  for (std::size_t v = 0; v < n; ++v)
    if (!p.node[v].rejected && !placed[v]) by_comp.emplace_back(comp[v], static_cast<u32>(v));
  std::ranges::sort(by_comp);
  std::vector<u32> begin(components + 1, 0), comp_waiting(components, 0);
  for (const auto &[c, v] : by_comp) ++begin[c + 1];
  for (std::size_t c = 0; c < components; ++c) begin[c + 1] += begin[c];
  for (const auto &[c, v] : by_comp)
    for (u32 w : g.dependents[v])
      if (comp[w] == c) --p.node[w].waiting; // an edge inside the component: dropped
  for (const auto &[c, v] : by_comp) comp_waiting[c] += p.node[v].waiting;

  RankQueue ready(n);
  auto release = [&](u32 c) {
    for (u32 k = begin[c]; k < begin[c + 1]; ++k) ready.push(by_comp[k].second);
  };
  for (std::size_t k = 0; k < by_comp.size(); ++k)
    if ((k == 0 || by_comp[k - 1].first != by_comp[k].first) && comp_waiting[by_comp[k].first] == 0) release(by_comp[k].first);
  while (!ready.empty()) {
    const u32 u = ready.pop();
    const std::int64_t length = p.place(u);
    for (u32 w : g.dependents[u]) {
      if (comp[w] == comp[u]) continue; // inside a cycle: neither an order edge nor a chain
      if (--comp_waiting[comp[w]] == 0) release(comp[w]);
      p.offer(length, u, p.node[w]);
    }
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
  std::vector<std::uint8_t> finished(n), rejected(n), effort(n), has_id(n);
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
    effort[i] = effort_weight(a);
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

  // The order's key, and the per-rank state of the order.
  const std::vector<u32> key = key_ranks(finished, score, ids);
  const std::vector<u32> by_key = inverse(key);
  Placement placed;
  placed.node.resize(n);
  for (std::size_t r = 0; r < n; ++r) {
    const u32 i = by_key[r];
    placed.node[r].finished = finished[i];
    placed.node[r].rejected = rejected[i];
    placed.node[r].effort = effort[i];
  }

  // Resolve depends_on: unknown ids and self-dependencies are reported; an edge k -> i of the
  // order when i (not rejected) waits for k (neither finished nor rejected).
  std::vector<std::pair<u32, u32>> depends, dependents, blocked;
  depends.reserve(dep_of.size());
  dependents.reserve(dep_of.size());
  blocked.reserve(dep_of.size());
  std::vector<u32> seen(n, none); // seen[k] == i: k is already in i's blocked_by
  Graph g;
  auto dep_id = [&](std::size_t d) {
    return std::string_view(dep_buffer.data() + dep_offsets[d], dep_offsets[d + 1] - dep_offsets[d]);
  };
  std::vector<std::uint64_t> dep_hash(dep_of.size());
  for (std::size_t d = 0; d < dep_of.size(); ++d) dep_hash[d] = Ids::hash(dep_id(d));
  constexpr std::size_t ahead = 16; // lookups in flight
  for (std::size_t d = 0; d < dep_of.size(); ++d) {
    if (d + ahead < dep_of.size()) ids.prefetch(dep_hash[d + ahead]);
    const auto [i, e] = dep_of[d];
    const std::string_view dep = dep_id(d);
    const u32 k = ids.find(dep, dep_hash[d]);
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
    dependents.emplace_back(key[k], key[i]);
    ++placed.node[key[i]].waiting;
  }
  g.dependents = detail::make_csr(n, dependents);
  g.blocked_by = detail::make_csr(n, blocked);

  // Cycles. When every known dependency is an edge of the order, a cycle holds up all its
  // members, so the order (below) places them all only when there is none: the common case,
  // and the cheap one. Otherwise Tarjan's algorithm finds them, whatever the statuses of
  // their members.
  detail::Components components;
  std::vector<u32> comp_by_rank;
  auto find_cycles = [&] {
    g.depends = detail::make_csr(n, depends);
    components = detail::strongly_connected(g.depends);
    out.cycles = detail::cycles_of(components);
    comp_by_rank.resize(n);
    for (std::size_t r = 0; r < n; ++r) comp_by_rank[r] = components.of[by_key[r]];
  };
  if (depends.size() != dependents.size()) find_cycles();

  // The order: first every action no cycle holds up (Kahn's algorithm).
  placed.order.reserve(n);
  RankQueue ready(n);
  std::size_t in_plan = 0;
  for (u32 r = 0; r < n; ++r) {
    const Node &node = placed.node[r];
    in_plan += !node.rejected;
    if (!node.rejected && node.waiting == 0) ready.push(r);
  }
  kahn(g, comp_by_rank.empty() ? nullptr : comp_by_rank.data(), ready, placed);
  const std::size_t unblocked = placed.order.size();
  // Then what a cycle holds up, by the condensation.
  if (unblocked < in_plan) {
    if (comp_by_rank.empty()) find_cycles();
    place_held_up(g, comp_by_rank, components.size.size(), placed);
  }
  std::vector<u32> &order = placed.order; // ranks, then (below) indices
  for (u32 &v : order) v = by_key[v];
  auto in_cycle = [&](std::size_t v) { return !components.of.empty() && components.size[components.of[v]] > 1; };

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
      item.sla_due = Day{static_cast<std::int32_t>(sla)};
      item.suggested_due = Day{f.has_due ? f.due : static_cast<std::int32_t>(sla)};
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

  // The critical path, found while placing the actions.
  const u32 end = placed.end;
  if (end != none) {
    out.critical_path_effort = placed.end_length;
    for (u32 v = end; v != none; v = placed.node[v].via) out.critical_path.push_back(by_key[v]);
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

std::string day_string(std::int64_t days) { return Day{static_cast<std::int32_t>(days)}.to_string(); }

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
  if (item.suggested_due) o["suggested_due"] = item.suggested_due->to_string();
  if (item.sla_due) o["sla_due"] = item.sla_due->to_string();
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
