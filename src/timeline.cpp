#include <postmortem/timeline.hpp>

#include <algorithm>

PM_BEGIN_NAMESPACE

namespace {

constexpr EventType started_types[] = {EventType::attacker_activity};
constexpr EventType detected_types[] = {EventType::detection, EventType::alert};
constexpr EventType reported_types[] = {EventType::escalation, EventType::notification};
constexpr EventType contained_types[] = {EventType::containment};
constexpr EventType eradicated_types[] = {EventType::eradication};
constexpr EventType recovered_types[] = {EventType::recovery};

constexpr MilestoneRule rules_table[] = {
    {Milestone::started_at, started_types, false},
    {Milestone::detected_at, detected_types, false},
    {Milestone::reported_at, reported_types, false},
    {Milestone::contained_at, contained_types, true},
    {Milestone::eradicated_at, eradicated_types, true},
    {Milestone::recovered_at, recovered_types, true},
    {Milestone::closed_at, {}, false},
};

// The explicit value of a milestone in incident.milestones.
const std::optional<Timestamp> *explicit_time(const Milestones &m, Milestone which) {
  static constexpr std::optional<Timestamp> Milestones::*members[] = {
      &Milestones::started_at,   &Milestones::detected_at,   &Milestones::reported_at, &Milestones::contained_at,
      &Milestones::eradicated_at, &Milestones::recovered_at, &Milestones::closed_at,
  };
  return &(m.*members[static_cast<std::size_t>(which)]);
}

} // namespace

std::span<const MilestoneRule> milestone_rules() noexcept { return rules_table; }

Lifecycle resolve_lifecycle(const Document &doc) {
  // One pass over the timeline: for each milestone, the index of the earliest or latest
  // event of its types (the first in document order on a tie).
  constexpr std::size_t none = SIZE_MAX;
  std::array<std::size_t, std::size(rules_table)> best;
  best.fill(none);
  std::array<std::uint8_t, enum_traits<EventType>::names.size()> derives{}; // bit i: milestone i
  for (const auto &rule : rules_table)
    for (EventType t : rule.event_types)
      derives[static_cast<std::size_t>(t)] |= static_cast<std::uint8_t>(1u << static_cast<unsigned>(rule.milestone));
  for (std::size_t i = 0; i < doc.timeline.size(); ++i) {
    const Event &e = doc.timeline[i];
    if (!e.time || !e.type) continue;
    unsigned mask = derives[static_cast<std::size_t>(*e.type)];
    for (const auto &rule : rules_table) {
      auto m = static_cast<std::size_t>(rule.milestone);
      if (!(mask & (1u << m))) continue;
      if (best[m] == none) {
        best[m] = i;
        continue;
      }
      auto t = e.time->micros, b = doc.timeline[best[m]].time->micros;
      if (rule.latest ? t > b : t < b) best[m] = i;
    }
  }
  Lifecycle out;
  const Milestones *given = doc.incident && doc.incident->milestones ? &*doc.incident->milestones : nullptr;
  for (const auto &rule : rules_table) {
    auto slot = static_cast<std::size_t>(rule.milestone);
    if (given) {
      if (const auto &t = *explicit_time(*given, rule.milestone)) {
        out[slot] = ResolvedMilestone{*t, MilestoneSource::milestone, std::nullopt, Precision::second};
        continue;
      }
    }
    if (best[slot] != none) {
      const Event &e = doc.timeline[best[slot]];
      out[slot] = ResolvedMilestone{*e.time, MilestoneSource::derived, best[slot], e.precision.value_or(Precision::second)};
    }
  }
  return out;
}

std::vector<std::size_t> chronological_order(const Document &doc) {
  // Sorting (time, index) pairs is stable by construction and touches contiguous memory
  // only; sorting indices by a projection into the events would miss the cache each time.
  std::vector<std::pair<std::int64_t, std::size_t>> keyed;
  keyed.reserve(doc.timeline.size());
  for (std::size_t i = 0; i < doc.timeline.size(); ++i)
    if (doc.timeline[i].time) keyed.emplace_back(doc.timeline[i].time->micros, i);
  std::ranges::sort(keyed);
  std::vector<std::size_t> order;
  order.reserve(keyed.size());
  for (const auto &k : keyed) order.push_back(k.second);
  return order;
}

PM_END_NAMESPACE
