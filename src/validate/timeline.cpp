// PM301–PM308: the timeline and the lifecycle milestones.
#include "validate/report.hpp"

#include "document/fields.hpp"
#include "text.hpp"

#include <postmortem/timeline.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <functional>

PM_BEGIN_NAMESPACE
namespace detail {

namespace {

constexpr std::int64_t micros_per_second = 1'000'000;

std::int64_t precision_span(Precision p) {
  static constexpr std::int64_t spans[] = {0, 60, 3600, 86400}; // second, minute, hour, day
  return spans[static_cast<std::size_t>(p)] * micros_per_second;
}

std::string milestone_pointer(const Lifecycle &lc, Milestone m) {
  const auto &r = *lc[static_cast<std::size_t>(m)];
  if (r.event_index) return pointer("timeline", *r.event_index, "time");
  return fmt::format("/incident/milestones/{}", to_string(m));
}

std::string describe(const Document &doc, const Lifecycle &lc, Milestone m) {
  const auto &r = *lc[static_cast<std::size_t>(m)];
  if (r.event_index) return fmt::format("{} {} (from event {})", to_string(m), r.time.to_string(), label(doc.timeline, *r.event_index));
  return fmt::format("{} {}", to_string(m), r.time.to_string());
}

// PM301: started <= detected <= contained <= eradicated <= recovered <= closed, each known
// milestone against the previous known one. An inversion within the coarser precision of
// the two (a day-precise time against an exact one) is not certain, so it is not reported.
void milestone_order(const Document &doc, const Lifecycle &lc, Report &report) {
  constexpr Milestone chain[] = {Milestone::started_at,    Milestone::detected_at,  Milestone::contained_at,
                                 Milestone::eradicated_at, Milestone::recovered_at, Milestone::closed_at};
  std::optional<Milestone> previous;
  for (Milestone m : chain) {
    const auto &current = lc[static_cast<std::size_t>(m)];
    if (!current) continue;
    if (previous) {
      const auto &before = *lc[static_cast<std::size_t>(*previous)];
      std::int64_t slack = std::max(precision_span(before.precision), precision_span(current->precision));
      if (current->time.micros + slack < before.time.micros)
        report.add("PM301", milestone_pointer(lc, m),
                   fmt::format("{} is earlier than {}", describe(doc, lc, m), describe(doc, lc, *previous)));
    }
    previous = m;
  }
}

void after_closure(const Document &doc, const Lifecycle &lc, Report &report) {
  const auto &closed = lc[static_cast<std::size_t>(Milestone::closed_at)];
  if (!closed) return;
  for (std::size_t i = 0; i < doc.timeline.size(); ++i) {
    const auto &t = doc.timeline[i].time;
    if (t && t->micros > closed->time.micros)
      report.add("PM302", pointer("timeline", i, "time"),
                 fmt::format("event {} at {} is after closed_at {}", label(doc.timeline, i), t->to_string(),
                             closed->time.to_string()));
  }
}

void missing_milestones(const Document &doc, const Lifecycle &lc, Report &report) {
  if (!lc[static_cast<std::size_t>(Milestone::detected_at)])
    report.add("PM303", "/timeline",
               "no detection: neither incident.milestones.detected_at nor a `detection` or `alert` event");
  bool confirmed = !doc.incident || doc.incident->determination.value_or(Determination::confirmed) == Determination::confirmed;
  if (confirmed && !lc[static_cast<std::size_t>(Milestone::contained_at)])
    report.add("PM304", "/timeline",
               "the incident is confirmed but has no containment: neither incident.milestones.contained_at nor a `containment` event");
}

void gaps(const Document &doc, const Lifecycle &lc, const std::vector<std::size_t> &order, Report &report) {
  const auto &detected = lc[static_cast<std::size_t>(Milestone::detected_at)];
  if (!detected) return;
  const double hours = report.policy().thresholds.max_gap_hours;
  const auto limit = static_cast<std::int64_t>(hours * 3600.0 * micros_per_second);
  for (std::size_t k = 1; k < order.size(); ++k) {
    const Event &a = doc.timeline[order[k - 1]], &b = doc.timeline[order[k]];
    if (a.time->micros < detected->time.micros) continue;
    std::int64_t gap = b.time->micros - a.time->micros;
    if (gap > limit)
      report.add("PM305", pointer("timeline", order[k], "time"),
                 fmt::format("{} without an event between {} at {} and {} at {} (max_gap_hours is {})",
                             iso8601_duration(gap / micros_per_second), label(doc.timeline, order[k - 1]),
                             a.time->to_string(), label(doc.timeline, order[k]), b.time->to_string(), hours));
  }
}

// Every timestamp of the document with its pointer, through the model tables.
void each_timestamp(const void *obj, const TypeInfo &type, std::string &path,
                    const std::function<void(const std::string &, const Timestamp &)> &fn) {
  for (const auto &f : type.fields) {
    std::size_t mark = path.size();
    path += '/';
    path += f.name;
    if (f.timestamp) {
      if (const Timestamp *t = f.timestamp(obj)) fn(path, *t);
    } else if (f.nested) {
      for (std::size_t i = 0, n = f.size(obj); i < n; ++i) {
        std::size_t inner = path.size();
        if (f.kind == Kind::objects) path += fmt::format("/{}", i);
        each_timestamp(f.at(obj, i), *f.nested, path, fn);
        path.resize(inner);
      }
    }
    path.resize(mark);
  }
}

void future(const Document &doc, Report &report) {
  const std::int64_t now = report.policy().now_micros();
  const std::string phrase = now_phrase(report.policy());
  std::string path;
  each_timestamp(&doc, type_info<Document>(), path, [&](const std::string &p, const Timestamp &t) {
    if (t.micros > now) report.add("PM306", p, fmt::format("{} is after {}", t.to_string(), phrase));
  });
}

void too_few(const Document &doc, Report &report) {
  const double min = report.policy().thresholds.min_events;
  if (static_cast<double>(doc.timeline.size()) < min)
    report.add("PM307", "/timeline",
               fmt::format("the timeline has {} event{}; at least {} are expected (min_events)", doc.timeline.size(),
                           doc.timeline.size() == 1 ? "" : "s", min));
}

// PM308: sort by (description, time) so that duplicates are neighbours: O(n log n).
void duplicates(const Document &doc, Report &report) {
  const auto tolerance = static_cast<std::int64_t>(report.policy().thresholds.duplicate_event_seconds * micros_per_second);
  std::vector<std::size_t> idx;
  for (std::size_t i = 0; i < doc.timeline.size(); ++i)
    if (doc.timeline[i].time && doc.timeline[i].description) idx.push_back(i);
  std::ranges::sort(idx, [&](std::size_t a, std::size_t b) {
    const Event &x = doc.timeline[a], &y = doc.timeline[b];
    if (int c = x.description->compare(*y.description); c != 0) return c < 0;
    if (x.time->micros != y.time->micros) return x.time->micros < y.time->micros;
    return a < b;
  });
  for (std::size_t k = 1; k < idx.size(); ++k) {
    const Event &a = doc.timeline[idx[k - 1]], &b = doc.timeline[idx[k]];
    if (*a.description == *b.description && b.time->micros - a.time->micros <= tolerance)
      report.add("PM308", pointer("timeline", idx[k]),
                 fmt::format("event {} repeats event {}: same description \"{}\" within {} s", label(doc.timeline, idx[k]),
                             label(doc.timeline, idx[k - 1]), abbreviate(*b.description, 50),
                             report.policy().thresholds.duplicate_event_seconds));
  }
}

} // namespace

void check_timeline(const Document &doc, Report &report) {
  const Lifecycle lc = resolve_lifecycle(doc);
  const std::vector<std::size_t> order = chronological_order(doc);
  milestone_order(doc, lc, report);
  after_closure(doc, lc, report);
  missing_milestones(doc, lc, report);
  gaps(doc, lc, order, report);
  future(doc, report);
  too_few(doc, report);
  duplicates(doc, report);
}

} // namespace detail
PM_END_NAMESPACE
