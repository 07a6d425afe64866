// PM301–PM308: the timeline and the lifecycle milestones.
#include "validate/report.hpp"

#include "document/fields.hpp"
#include "metrics_detail.hpp"
#include "text.hpp"

#include <postmortem/timeline.hpp>

#include <fmt/format.h>

#include <algorithm>

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
               "no detection time: neither incident.milestones.detected_at nor a `detection` or `alert` event with a valid time");
  bool confirmed = !doc.incident || doc.incident->determination.value_or(Determination::confirmed) == Determination::confirmed;
  if (confirmed && !lc[static_cast<std::size_t>(Milestone::contained_at)])
    report.add("PM304", "/timeline",
               "the incident is confirmed but has no containment time: neither incident.milestones.contained_at nor a `containment` event with a valid time");
}

// PM305: the quiet gaps after detection, as metrics() finds them (metrics_detail.hpp).
void gaps(const Document &doc, const Lifecycle &lc, const std::vector<std::size_t> &order, Report &report) {
  const auto &detected = lc[static_cast<std::size_t>(Milestone::detected_at)];
  if (!detected) return;
  const double hours = report.policy().thresholds.max_gap_hours;
  for (const Gap &g : find_gaps(doc, order, gap_limit_micros(hours), detected->time.micros)) {
    if (!g.after_detection) continue;
    const Event &a = doc.timeline[g.from_index], &b = doc.timeline[g.to_index];
    report.add("PM305", pointer("timeline", g.to_index, "time"),
               fmt::format("{} without an event between {} at {} and {} at {} (max_gap_hours is {})",
                           iso8601_duration(g.seconds), label(doc.timeline, g.from_index), a.time->to_string(),
                           label(doc.timeline, g.to_index), b.time->to_string(), hours));
  }
}

// Every timestamp of the document, through the model tables. `fn` gets a function that
// builds the pointer, so that pointers are only made for the timestamps that need one.
struct PathStack {
  std::vector<std::pair<std::string_view, std::size_t>> tokens; // name, or index when name empty
  std::string str() const {
    std::string out;
    for (const auto &[name, index] : tokens) {
      out += '/';
      if (name.empty()) out += std::to_string(index);
      else out += name;
    }
    return out;
  }
};

template <class Fn> void each_timestamp(const void *obj, const TypeInfo &type, PathStack &path, Fn &fn) {
  for (const auto &f : type.fields) {
    if (f.timestamp) {
      if (const Timestamp *t = f.timestamp(obj)) {
        path.tokens.emplace_back(f.name, 0);
        fn(path, *t);
        path.tokens.pop_back();
      }
    } else if (f.nested) {
      path.tokens.emplace_back(f.name, 0);
      for (std::size_t i = 0, n = f.size(obj); i < n; ++i) {
        if (f.kind == Kind::objects) path.tokens.emplace_back(std::string_view{}, i);
        each_timestamp(f.at(obj, i), *f.nested, path, fn);
        if (f.kind == Kind::objects) path.tokens.pop_back();
      }
      path.tokens.pop_back();
    }
  }
}

void future(const Document &doc, Report &report) {
  const std::int64_t now = report.policy().now_micros();
  const std::string phrase = now_phrase(report.policy());
  PathStack path;
  auto check = [&](const PathStack &p, const Timestamp &t) {
    if (t.micros > now) report.add("PM306", p.str(), fmt::format("{} is after {}", t.to_string(), phrase));
  };
  each_timestamp(&doc, type_info<Document>(), path, check);
}

void too_few(const Document &doc, Report &report) {
  const double min = report.policy().thresholds.min_events;
  if (static_cast<double>(doc.timeline.size()) < min)
    report.add("PM307", "/timeline",
               fmt::format("the timeline has {} event{}; at least {} are expected (min_events)", doc.timeline.size(),
                           doc.timeline.size() == 1 ? "" : "s", min));
}

// PM308: sort by (hash of the description, time) so that duplicates are neighbours, then
// compare the descriptions themselves: O(n log n) on small contiguous keys.
void duplicates(const Document &doc, Report &report) {
  const auto tolerance = static_cast<std::int64_t>(report.policy().thresholds.duplicate_event_seconds * micros_per_second);
  struct Key {
    std::size_t hash;
    std::int64_t micros;
    std::size_t index;
    auto operator<=>(const Key &) const = default;
  };
  std::vector<Key> keys;
  keys.reserve(doc.timeline.size());
  for (std::size_t i = 0; i < doc.timeline.size(); ++i) {
    const Event &e = doc.timeline[i];
    if (e.time && e.description) keys.push_back({std::hash<std::string_view>{}(*e.description), e.time->micros, i});
  }
  std::ranges::sort(keys);
  for (std::size_t k = 1; k < keys.size(); ++k) {
    // Compare with every earlier key of the same hash within the tolerance (usually none).
    for (std::size_t j = k; j-- > 0 && keys[j].hash == keys[k].hash && keys[k].micros - keys[j].micros <= tolerance;) {
      const Event &a = doc.timeline[keys[j].index], &b = doc.timeline[keys[k].index];
      if (*a.description != *b.description) continue;
      report.add("PM308", pointer("timeline", keys[k].index),
                 fmt::format("event {} repeats event {}: same description \"{}\" within {} s", label(doc.timeline, keys[k].index),
                             label(doc.timeline, keys[j].index), abbreviate(*b.description, 50),
                             report.policy().thresholds.duplicate_event_seconds));
      break;
    }
  }
}

} // namespace

void check_timeline(const Document &doc, Report &report) {
  const Lifecycle &lc = report.lifecycle(doc);
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
