/**
 * @file postmortem/timeline.hpp
 * @brief The incident lifecycle: milestones resolved from explicit times or the timeline.
 *
 * FORMAT.md, "Derived lifecycle times": each milestone comes from `incident.milestones` when
 * given, else from the timeline (started = earliest attacker_activity, detected = earliest
 * detection or alert, reported = earliest escalation or notification, contained / eradicated
 * / recovered = latest containment / eradication / recovery; closed is never derived).
 * Pure functions of the document; thread-safe.
 */
#ifndef POSTMORTEM_TIMELINE_HPP
#define POSTMORTEM_TIMELINE_HPP

#include <postmortem/document.hpp>

#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

PM_BEGIN_NAMESPACE

/// The lifecycle milestones, in their expected order.
PM_ENUM(Milestone, started_at, detected_at, reported_at, contained_at, eradicated_at, recovered_at, closed_at)

/// Where a resolved milestone came from.
PM_ENUM(MilestoneSource, milestone, derived)

/// One resolved milestone.
struct ResolvedMilestone {
  Timestamp time;
  MilestoneSource source = MilestoneSource::milestone;
  /// For derived milestones: the index in `doc.timeline` of the event it came from.
  std::optional<std::size_t> event_index;
  /// How exact the time is: `second` for explicit milestones, the event's precision else.
  Precision precision = Precision::second;
};

/// All milestones, indexed by Milestone; absent when neither given nor derivable.
using Lifecycle = std::array<std::optional<ResolvedMilestone>, 7>;

/// How each milestone is derived from the timeline (a table, also used by the docs).
struct MilestoneRule {
  Milestone milestone;
  std::span<const EventType> event_types; ///< empty: never derived (closed_at)
  bool latest;                             ///< latest matching event, else earliest
};

/// The derivation table, in Milestone order.
std::span<const MilestoneRule> milestone_rules() noexcept;

/// Resolves every milestone. O(n) in the number of events.
Lifecycle resolve_lifecycle(const Document &doc);

/// Indices of the events that have a valid time, sorted by time; events at the same time
/// keep document order (stable). O(n log n).
std::vector<std::size_t> chronological_order(const Document &doc);

PM_END_NAMESPACE

#endif
