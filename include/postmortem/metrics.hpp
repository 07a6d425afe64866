/**
 * @file postmortem/metrics.hpp
 * @brief Lifecycle metrics and the timeline breakdown: "what happened, and at what times?"
 *
 * FORMAT.md, "Derived lifecycle times and metrics": the milestones (timeline.hpp) give six
 * durations — dwell time, time to report, to contain, to eradicate, to recover, and the total
 * duration. Around them: per event type counts with first and last times, per asset first and
 * last sighting, the key moments, and the quiet gaps longer than the policy's
 * `max_gap_hours`. docs/metrics.md documents the JSON form.
 *
 * Pure functions of (document, policy); thread-safe; O(n log n) in the number of events.
 */
#ifndef POSTMORTEM_METRICS_HPP
#define POSTMORTEM_METRICS_HPP

#include <postmortem/document.hpp>
#include <postmortem/policy.hpp>
#include <postmortem/timeline.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

PM_BEGIN_NAMESPACE

/// The lifecycle metrics, in the order FORMAT.md lists them.
PM_ENUM(Metric, dwell_time, time_to_report, time_to_contain, time_to_eradicate, time_to_recover,
        total_duration)

/// How a metric is measured (a table, also used by the docs): from one milestone to another,
/// or to `fallback` when `to` is unknown (total_duration: closed, else recovered).
struct MetricRule {
  Metric metric;
  Milestone from;
  Milestone to;
  std::optional<Milestone> fallback;
};

/// The measurement table, in Metric order.
std::span<const MetricRule> metric_rules() noexcept;

/// One measured duration. Negative when the end comes before the start (validation reports
/// that order as a finding; the metric keeps the sign rather than hiding it).
struct MetricValue {
  Metric metric;
  std::int64_t seconds = 0; ///< whole seconds, truncated toward zero
  Milestone from;
  Milestone to;             ///< the milestone actually used (the fallback, when it was)
  Precision precision = Precision::second; ///< the coarser of the two ends' precisions
};

/// Events of one type: how many, and the first and last of them in time.
struct TypeSpan {
  EventType type;
  std::size_t count = 0;
  Timestamp first, last;
  std::size_t first_index = 0, last_index = 0; ///< indices in doc.timeline
};

/// One asset as the timeline sees it: first and last event that names it.
struct AssetSpan {
  std::string asset_id;
  Timestamp first, last;
  std::vector<std::size_t> event_indices; ///< chronological
};

/// A quiet stretch between two consecutive events longer than the policy's max_gap_hours.
struct Gap {
  std::size_t from_index = 0, to_index = 0; ///< indices in doc.timeline
  std::int64_t seconds = 0;
  bool after_detection = false; ///< starts at or after detected_at (what PM305 looks at)
};

/// Everything metrics() computes.
struct Metrics {
  Lifecycle milestones;
  std::array<std::optional<MetricValue>, 6> values; ///< indexed by Metric; absent when unknown
  std::vector<TypeSpan> types;     ///< in EventType order, types with no events left out
  std::vector<AssetSpan> assets;   ///< by first sighting, then asset id
  std::vector<std::size_t> key_moments; ///< indices of events with `key: true`, chronological
  std::vector<Gap> gaps;           ///< chronological
  std::size_t events = 0;          ///< events in the timeline
  std::size_t timed_events = 0;    ///< events with a valid time (the rest are left out)
  double gap_threshold_hours = 0;  ///< the policy threshold the gaps were measured against
};

/**
 * @brief Computes the lifecycle metrics and the timeline breakdown.
 * @param policy supplies `max_gap_hours`; nothing here depends on `as_of`.
 * @par Complexity
 * O(n log n) in the number of events (one sort), plus O(a log a) over asset references.
 */
Metrics metrics(const Document &doc, const Policy &policy = {});

/// The metrics as JSON, in the shape docs/metrics.md documents (needs the document for ids
/// and descriptions).
boost::json::value to_value(const Metrics &metrics, const Document &doc);

/// to_value(), serialized.
std::string to_json(const Metrics &metrics, const Document &doc, const WriteOptions &options = {});

PM_END_NAMESPACE

#endif
