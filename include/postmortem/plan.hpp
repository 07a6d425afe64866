/**
 * @file postmortem/plan.hpp
 * @brief The prioritized remediation plan: "what do we do next, and by when?"
 *
 * plan() orders a document's actions (docs/plan.md has the rules and a worked example):
 *
 * - **Order.** An action comes after every unfinished action it `depends_on`; among the
 *   actions that are ready, the one with the highest priority score (score.hpp) comes first,
 *   ties broken by id, then by document order. Open actions (proposed, planned, in_progress)
 *   come first, then the finished ones (done, verified), then nothing else: rejected actions
 *   are not in the plan, they are listed in Plan::rejected. A dependency on a finished action
 *   is satisfied; a dependency on a rejected action or an unknown id is ignored for the
 *   order (and reported: PlanItem::blocked_by, Plan::unknown_dependencies); a dependency
 *   of an action on itself is ignored.
 * - **Cycles.** Dependency cycles are reported with their members (Plan::cycles), never
 *   resolved silently. Actions the order cannot place because of a cycle (its members and
 *   whatever depends on them) come after all the others; among them the order respects every
 *   dependency except those inside a cycle.
 * - **Due dates.** Each open action gets a suggested due date: as_of plus the SLA days of its
 *   priority tier (policy `plan.sla_days`; defaults P1 7, P2 30, P3 90, P4 180). An action
 *   that has a `due` keeps it, and the item says whether it is later than the SLA.
 * - **Critical path.** The longest chain of open actions through `depends_on`, weighted by
 *   `effort` (1–5; 3 when absent): the work that bounds when the whole plan can be finished.
 * - **Call-outs.** Overdue actions (PM504: `due` before as_of and not done, verified or
 *   rejected) and unverified ones (done without an effective verification, or whose latest
 *   effective verification is older than `thresholds.verify_within_days`).
 *
 * Pure functions of (document, policy); thread-safe; O((V + E) + V log V) in the actions and
 * dependencies (ids found through a hash table, the order's key ranked by one sort, then
 * Kahn's algorithm over a priority queue of ranks).
 */
#ifndef POSTMORTEM_PLAN_HPP
#define POSTMORTEM_PLAN_HPP

#include <postmortem/document.hpp>
#include <postmortem/policy.hpp>
#include <postmortem/score.hpp>
#include <postmortem/time.hpp>

#include <boost/json/value.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

PM_BEGIN_NAMESPACE

/// Why a finished action counts as unverified.
PM_ENUM(Unverified,
        missing,       ///< no verification record at all
        not_effective, ///< the latest verification found it partially effective or ineffective
        stale)         ///< effective, but longer ago than thresholds.verify_within_days

/// One action of the plan.
struct PlanItem {
  std::size_t action_index = 0;  ///< index in doc.actions
  std::size_t position = 0;      ///< 1-based place in the plan
  double score = 0;              ///< priority score (0–100)
  /// Dependencies (indices in doc.actions) that are not finished: open, or rejected (work
  /// that will not happen). Empty for finished actions. In depends_on order, no repeats.
  std::vector<std::size_t> blocked_by;
  std::int64_t days_overdue = 0; ///< as_of's day minus `due`, when overdue
  /// The action's `due` when it has one, else as_of + the SLA days of its tier. Absent for
  /// finished actions.
  std::optional<Day> suggested_due;
  std::optional<Day> sla_due;    ///< as_of + the SLA days of its tier (absent when finished)
  PriorityTier tier = PriorityTier::P4;
  ActionStatus status = ActionStatus::proposed;
  std::optional<Unverified> unverified; ///< finished but not (or no longer) verified
  bool due_after_sla = false;    ///< has a `due`, and it is later than sla_due
  bool overdue = false;          ///< open and `due` before as_of (the day, UTC)
  bool in_cycle = false;         ///< a member of one of Plan::cycles
  bool after_cycle = false;      ///< placed after the others because of a cycle (member or dependant)
  bool on_critical_path = false;
};

/// A `depends_on` entry that names no action.
struct UnknownDependency {
  std::size_t action_index = 0; ///< the action whose depends_on has it
  std::size_t entry = 0;        ///< its index in depends_on
  std::string id;               ///< the id it names
};

/// The plan: items in plan order and what the order could not settle.
struct Plan {
  std::vector<PlanItem> items;  ///< every action that is not rejected, in plan order
  /// Dependency cycles (all actions, any status): each the indices of its members,
  /// ascending; cycles ordered by their first member.
  std::vector<std::vector<std::size_t>> cycles;
  /// The critical path: indices in doc.actions, first to do first. Empty when no action is open.
  std::vector<std::size_t> critical_path;
  std::int64_t critical_path_effort = 0; ///< the sum of its weights (effort, 3 when absent)
  std::vector<UnknownDependency> unknown_dependencies; ///< document order
  std::vector<std::size_t> self_dependencies; ///< actions that depend on themselves (ignored)
  std::vector<std::size_t> rejected;          ///< rejected actions, document order; not in items
  std::int64_t as_of_day = 0;  ///< the day (days since 1970-01-01, UTC) the dates count from
  std::array<std::int32_t, 4> sla_days{}; ///< the SLA days used, by PriorityTier
  std::size_t open = 0, finished = 0, overdue = 0, unverified = 0, blocked = 0;
  std::array<std::size_t, 4> open_by_tier{}; ///< open actions per PriorityTier
};

/**
 * @brief The plan, with the priorities of action_priorities(doc, policy).
 * @param policy supplies `as_of` (the day due dates count from; the system clock when
 *   absent), `plan.sla_days`, `thresholds.verify_within_days` and the scoring settings.
 * @par Complexity
 * O((V + E) + V log V) for V actions and E dependencies, plus the scoring.
 */
Plan plan(const Document &doc, const Policy &policy = {});

/**
 * @brief The plan for given priorities (what plan() runs once it has scored the actions).
 * @param priorities one entry per action, in any order, matched by action_index; an action
 *   without one has score 0 and tier P4. Only score and tier are read.
 * @throws error errc::invalid_argument when an action_index is out of range.
 */
Plan plan_with(const Document &doc, std::span<const ActionPriority> priorities, const Policy &policy = {});

/// The plan as JSON, in the shape docs/plan.md documents (needs the document for ids).
boost::json::value to_value(const Plan &plan, const Document &doc);

/// to_value(), serialized.
std::string to_json(const Plan &plan, const Document &doc, const WriteOptions &options = {});

PM_END_NAMESPACE

#endif
