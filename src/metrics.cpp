// Lifecycle metrics and the timeline breakdown (FORMAT.md, "Derived lifecycle times and
// metrics"; docs/metrics.md for the JSON form).
#include <postmortem/metrics.hpp>

#include <postmortem/knowledge.hpp>

#include "metrics_detail.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string_view>
#include <tuple>

PM_BEGIN_NAMESPACE

namespace {

namespace json = boost::json;

constexpr std::int64_t micros_per_second = 1'000'000;

// FORMAT.md's metric table, in Metric order.
constexpr MetricRule rules_table[] = {
    {Metric::dwell_time, Milestone::started_at, Milestone::detected_at, std::nullopt},
    {Metric::time_to_report, Milestone::detected_at, Milestone::reported_at, std::nullopt},
    {Metric::time_to_contain, Milestone::detected_at, Milestone::contained_at, std::nullopt},
    {Metric::time_to_eradicate, Milestone::detected_at, Milestone::eradicated_at, std::nullopt},
    {Metric::time_to_recover, Milestone::detected_at, Milestone::recovered_at, std::nullopt},
    {Metric::total_duration, Milestone::started_at, Milestone::closed_at, Milestone::recovered_at},
};
static_assert(std::size(rules_table) == enum_traits<Metric>::names.size());
static_assert(std::tuple_size_v<decltype(Metrics::values)> == enum_traits<Metric>::names.size());

constexpr std::size_t slot(Milestone m) { return static_cast<std::size_t>(m); }
constexpr std::size_t slot(Metric m) { return static_cast<std::size_t>(m); }

Precision coarser(Precision a, Precision b) { return std::max(a, b); } // second < minute < hour < day

std::optional<MetricValue> measure(const MetricRule &rule, const Lifecycle &lc) {
  const auto &from = lc[slot(rule.from)];
  if (!from) return std::nullopt;
  Milestone to = rule.to;
  if (!lc[slot(to)] && rule.fallback) to = *rule.fallback;
  const auto &end = lc[slot(to)];
  if (!end) return std::nullopt;
  // Instants are within years 0000–9999, so the difference cannot overflow; integer
  // division truncates toward zero, as MetricValue::seconds says.
  std::int64_t seconds = (end->time.micros - from->time.micros) / micros_per_second;
  return MetricValue{rule.metric, seconds, rule.from, to, coarser(from->precision, end->precision)};
}

// Types, in EventType order, of the events in `order` (chronological).
std::vector<TypeSpan> type_spans(const Document &doc, std::span<const std::size_t> order) {
  constexpr std::size_t type_count = enum_traits<EventType>::names.size();
  std::array<std::optional<TypeSpan>, type_count> spans;
  for (std::size_t i : order) {
    const Event &e = doc.timeline[i];
    if (!e.type) continue;
    auto &span = spans[static_cast<std::size_t>(*e.type)];
    if (!span) span = TypeSpan{*e.type, 0, *e.time, *e.time, i, i};
    ++span->count;
    span->last = *e.time; // chronological, so the latest so far (the last in document order on a tie)
    span->last_index = i;
  }
  std::vector<TypeSpan> out;
  for (auto &span : spans)
    if (span) out.push_back(std::move(*span));
  return out;
}

// Assets named by the events in `order`: one sort of (asset id, chronological position)
// pairs groups each asset's events in time order, O(a log a) in the asset references.
std::vector<AssetSpan> asset_spans(const Document &doc, std::span<const std::size_t> order) {
  std::vector<std::pair<std::string_view, std::size_t>> refs; // asset id, position in `order`
  for (std::size_t pos = 0; pos < order.size(); ++pos)
    for (const auto &id : doc.timeline[order[pos]].asset_ids) refs.emplace_back(id, pos);
  std::ranges::sort(refs);
  std::vector<AssetSpan> out;
  for (std::size_t k = 0; k < refs.size(); ++k) {
    const auto &[id, pos] = refs[k];
    if (k > 0 && refs[k - 1].first == id) {
      if (refs[k - 1].second == pos) continue; // the same asset twice in one event
      AssetSpan &span = out.back();
      span.last = *doc.timeline[order[pos]].time;
      span.event_indices.push_back(order[pos]);
      continue;
    }
    const Timestamp &t = *doc.timeline[order[pos]].time;
    out.push_back(AssetSpan{std::string(id), t, t, {order[pos]}});
  }
  std::ranges::sort(out, [](const AssetSpan &a, const AssetSpan &b) {
    return std::tie(a.first.micros, a.asset_id) < std::tie(b.first.micros, b.asset_id);
  });
  return out;
}

// --- JSON ------------------------------------------------------------------------------

const Event *event_at(const Document &doc, std::size_t i) {
  return i < doc.timeline.size() ? &doc.timeline[i] : nullptr;
}

// Sets `key` to the id of event `i`, when it has one.
void put_event_id(json::object &o, std::string_view key, const Document &doc, std::size_t i) {
  if (const Event *e = event_at(doc, i); e && e->id) o[key] = *e->id;
}

json::value hours_value(double hours) {
  // 24 rather than 24.0 when the threshold is a whole number, as policies usually write it.
  if (std::isfinite(hours) && hours == std::floor(hours) && std::fabs(hours) < 9.0e15)
    return static_cast<std::int64_t>(hours);
  return hours;
}

std::string precision_note(const Lifecycle &lc, const MetricValue &v) {
  const auto &from = lc[slot(v.from)];
  const auto &to = lc[slot(v.to)];
  const Precision pf = from ? from->precision : Precision::second;
  const Precision pt = to ? to->precision : Precision::second;
  const auto f = to_string(v.from), t = to_string(v.to);
  if (pf != Precision::second && pt != Precision::second) {
    if (pf == pt) return fmt::format("{} and {} are known only to the {}", f, t, to_string(pf));
    return fmt::format("{} is known only to the {} and {} only to the {}", f, to_string(pf), t, to_string(pt));
  }
  if (pf != Precision::second) return fmt::format("{} is known only to the {}", f, to_string(pf));
  return fmt::format("{} is known only to the {}", t, to_string(pt));
}

json::object milestones_value(const Metrics &m, const Document &doc) {
  json::object out;
  for (std::size_t i = 0; i < m.milestones.size(); ++i) {
    const auto &r = m.milestones[i];
    if (!r) continue;
    json::object o;
    o["time"] = r->time.to_utc_string();
    o["source"] = to_string(r->source);
    if (r->event_index) put_event_id(o, "event_id", doc, *r->event_index);
    o["precision"] = to_string(r->precision);
    out[to_string(static_cast<Milestone>(i))] = std::move(o);
  }
  return out;
}

json::object metrics_value(const Metrics &m) {
  json::object out;
  for (const auto &v : m.values) {
    if (!v) continue;
    json::object o;
    o["seconds"] = v->seconds;
    o["duration"] = iso8601_duration(v->seconds);
    o["from"] = to_string(v->from);
    o["to"] = to_string(v->to);
    o["precision"] = to_string(v->precision);
    if (v->precision != Precision::second) {
      o["approximate"] = true;
      o["note"] = precision_note(m.milestones, *v);
    }
    out[to_string(v->metric)] = std::move(o);
  }
  return out;
}

json::array types_value(const Metrics &m, const Document &doc) {
  json::array out;
  for (const auto &t : m.types) {
    json::object o;
    o["type"] = to_string(t.type);
    o["count"] = t.count;
    o["first"] = t.first.to_utc_string();
    o["last"] = t.last.to_utc_string();
    put_event_id(o, "first_event", doc, t.first_index);
    put_event_id(o, "last_event", doc, t.last_index);
    out.push_back(std::move(o));
  }
  return out;
}

json::array assets_value(const Metrics &m, const Document &doc) {
  json::array out;
  for (const auto &a : m.assets) {
    json::object o;
    o["asset_id"] = a.asset_id;
    o["first"] = a.first.to_utc_string();
    o["last"] = a.last.to_utc_string();
    json::array events;
    for (std::size_t i : a.event_indices)
      if (const Event *e = event_at(doc, i); e && e->id) events.push_back(json::string(*e->id));
    o["events"] = std::move(events);
    out.push_back(std::move(o));
  }
  return out;
}

json::array key_moments_value(const Metrics &m, const Document &doc) {
  json::array out;
  for (std::size_t i : m.key_moments) {
    const Event *e = event_at(doc, i);
    if (!e || !e->time) continue;
    json::object o;
    if (e->id) o["event_id"] = *e->id;
    o["time"] = e->time->to_utc_string();
    if (e->type) o["type"] = to_string(*e->type);
    if (e->description) o["description"] = *e->description;
    if (e->technique) {
      o["technique"] = *e->technique;
      if (const std::string_view name = technique_name(*e->technique); !name.empty()) o["technique_name"] = name;
    }
    out.push_back(std::move(o));
  }
  return out;
}

json::array gaps_value(const Metrics &m, const Document &doc) {
  json::array out;
  for (const auto &g : m.gaps) {
    const Event *a = event_at(doc, g.from_index), *b = event_at(doc, g.to_index);
    if (!a || !b || !a->time || !b->time) continue;
    json::object o;
    put_event_id(o, "from_event", doc, g.from_index);
    put_event_id(o, "to_event", doc, g.to_index);
    o["from"] = a->time->to_utc_string();
    o["to"] = b->time->to_utc_string();
    o["seconds"] = g.seconds;
    o["duration"] = iso8601_duration(g.seconds);
    o["after_detection"] = g.after_detection;
    out.push_back(std::move(o));
  }
  return out;
}

} // namespace

namespace detail {

std::int64_t gap_limit_micros(double hours) noexcept {
  const double micros = hours * 3600.0 * static_cast<double>(micros_per_second);
  // 2^63 is exactly representable; anything at or above it (or infinite) saturates.
  if (!(micros < 9223372036854775808.0)) return std::numeric_limits<std::int64_t>::max();
  return micros <= 0 ? 0 : static_cast<std::int64_t>(micros);
}

std::vector<Gap> find_gaps(const Document &doc, std::span<const std::size_t> order, std::int64_t limit_micros,
                           std::optional<std::int64_t> detected_micros) {
  std::vector<Gap> out;
  for (std::size_t k = 1; k < order.size(); ++k) {
    const std::int64_t a = doc.timeline[order[k - 1]].time->micros, b = doc.timeline[order[k]].time->micros;
    const std::int64_t gap = b - a;
    if (gap <= limit_micros) continue;
    out.push_back(Gap{order[k - 1], order[k], gap / micros_per_second, detected_micros && a >= *detected_micros});
  }
  return out;
}

} // namespace detail

std::span<const MetricRule> metric_rules() noexcept { return rules_table; }

Metrics metrics(const Document &doc, const Policy &policy) {
  Metrics m;
  m.milestones = resolve_lifecycle(doc);
  for (const auto &rule : rules_table) m.values[slot(rule.metric)] = measure(rule, m.milestones);

  const std::vector<std::size_t> order = chronological_order(doc); // the one sort
  m.events = doc.timeline.size();
  m.timed_events = order.size();
  m.types = type_spans(doc, order);
  m.assets = asset_spans(doc, order);
  for (std::size_t i : order)
    if (doc.timeline[i].key.value_or(false)) m.key_moments.push_back(i);

  m.gap_threshold_hours = policy.thresholds.max_gap_hours;
  const auto &detected = m.milestones[slot(Milestone::detected_at)];
  m.gaps = detail::find_gaps(doc, order, detail::gap_limit_micros(m.gap_threshold_hours),
                             detected ? std::optional(detected->time.micros) : std::nullopt);
  return m;
}

json::value to_value(const Metrics &metrics, const Document &doc) {
  json::object root;
  root["milestones"] = milestones_value(metrics, doc);
  root["metrics"] = metrics_value(metrics);
  root["events"] = json::object{{"count", metrics.events}, {"timed", metrics.timed_events}};
  root["types"] = types_value(metrics, doc);
  root["assets"] = assets_value(metrics, doc);
  root["key_moments"] = key_moments_value(metrics, doc);
  root["gaps"] = gaps_value(metrics, doc);
  root["gap_threshold_hours"] = hours_value(metrics.gap_threshold_hours);
  return root;
}

std::string to_json(const Metrics &metrics, const Document &doc, const WriteOptions &options) {
  return serialize_value(to_value(metrics, doc), options);
}

PM_END_NAMESPACE
