// Internal to the core: the quiet-gap search, shared by metrics() and rule PM305.
#ifndef POSTMORTEM_SRC_METRICS_DETAIL_HPP
#define POSTMORTEM_SRC_METRICS_DETAIL_HPP

#include <postmortem/metrics.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

PM_BEGIN_NAMESPACE
namespace detail {

/// `hours` (a policy's max_gap_hours, >= 0) in microseconds, saturating at INT64_MAX so that
/// a huge or infinite threshold means "no gap is long enough" instead of an overflow.
std::int64_t gap_limit_micros(double hours) noexcept;

/**
 * The gaps longer than `limit_micros` between consecutive events of `order` (indices of
 * events with a valid time, sorted by time: chronological_order()). A gap is after detection
 * when its first event is at or after `detected_micros`. O(n).
 */
std::vector<Gap> find_gaps(const Document &doc, std::span<const std::size_t> order, std::int64_t limit_micros,
                           std::optional<std::int64_t> detected_micros);

} // namespace detail
PM_END_NAMESPACE

#endif
