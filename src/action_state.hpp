// What validation (PM504–PM506) and the plan both need to know about an action's state
// (internal), so "overdue" and "verified" mean the same thing in both.
#ifndef POSTMORTEM_SRC_ACTION_STATE_HPP
#define POSTMORTEM_SRC_ACTION_STATE_HPP

#include <postmortem/document.hpp>

#include <cstdint>

PM_BEGIN_NAMESPACE
namespace detail {

inline constexpr std::int64_t micros_per_day = 86'400'000'000;

/// Days since 1970-01-01 of a UTC instant, rounded toward the past.
constexpr std::int64_t floor_days(std::int64_t micros) noexcept {
  return micros >= 0 ? micros / micros_per_day : -((-micros + micros_per_day - 1) / micros_per_day);
}

/// The most recent verification: latest date, the later entry on a tie (an entry without a
/// date counts only when no entry has one). Null when there is none.
inline const Verification *latest_verification(const Action &a) noexcept {
  const Verification *best = nullptr;
  for (const auto &v : a.verification)
    if (!best || (v.date && (!best->date || v.date->days >= best->date->days))) best = &v;
  return best;
}

/// Done or verified: the work is finished (a dependency on it is satisfied).
inline bool is_finished(const Action &a) noexcept {
  auto s = a.status.value_or(ActionStatus::proposed);
  return s == ActionStatus::done || s == ActionStatus::verified;
}

} // namespace detail
PM_END_NAMESPACE

#endif
