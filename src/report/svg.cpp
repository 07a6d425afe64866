// The SVG charts of the HTML report (content.hpp).
//
// Both charts are inline SVG for the HTML writer: a viewBox (the page's CSS gives them the
// full width), presentation through CSS classes the writer's stylesheet defines (fonts,
// colours), no ids other than the `pm-` ones the charts own, no scripts, no xmlns (inline
// SVG in HTML needs none). Every piece of document text goes through escape_html(), in text
// and in `<title>` tooltips alike. Coordinates are written with one decimal (fmt), so the
// output is a pure function of (document, analysis, policy).
#include "report/content.hpp"

#include "text.hpp"

#include <postmortem/timeline.hpp>

#include <date/date.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

PM_BEGIN_NAMESPACE
namespace detail {
namespace {

constexpr std::int64_t kSecond = 1'000'000;
constexpr std::int64_t kMinute = 60 * kSecond;
constexpr std::int64_t kHour = 60 * kMinute;
constexpr std::int64_t kDay = 24 * kHour;

// ---- Small helpers ------------------------------------------------------------------------

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

struct Civil {
  std::int64_t year;
  unsigned month, day;
};

// The calendar date of a day count (days since 1970-01-01), by Howard Hinnant's date library.
Civil civil_from_days(std::int64_t z) {
  const date::year_month_day ymd{date::sys_days{date::days{static_cast<date::days::rep>(z)}}};
  return {static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day())};
}

std::string date_of(std::int64_t micros) {
  const Civil c = civil_from_days(floor_div(micros, kDay));
  return fmt::format("{:04}-{:02}-{:02}", c.year, c.month, c.day);
}

std::string month_of(std::int64_t micros) {
  const Civil c = civil_from_days(floor_div(micros, kDay));
  return fmt::format("{:04}-{:02}", c.year, c.month);
}

std::string hm_of(std::int64_t micros) {
  const std::int64_t in_day = micros - floor_div(micros, kDay) * kDay;
  return fmt::format("{:02}:{:02}", in_day / kHour, (in_day % kHour) / kMinute);
}

std::string when(std::int64_t micros) { return date_of(micros) + " " + hm_of(micros) + " UTC"; }

std::string num(double v) {
  if (std::abs(v) < 0.05) v = 0; // never "-0.0"
  return fmt::format("{:.1f}", v);
}

std::string esc(std::string_view text) { return escape_html(text); }

/// Document text cut to about `max` bytes at a UTF-8 boundary, then escaped.
std::string short_text(std::string_view text, std::size_t max) { return esc(abbreviate(text, max)); }

/// A rough width of `text` in the charts' 11px sans-serif (for placing labels only).
double text_width(std::string_view text, double per_char = 6.2) {
  std::size_t chars = 0;
  for (char c : text)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++chars;
  return static_cast<double>(chars) * per_char;
}

std::string plural(std::int64_t n, std::string_view unit) {
  return fmt::format("{} {}{}", n, unit, n == 1 ? "" : "s");
}

/// "5 months later", "1 year 8 months later", "3 weeks later", "9 days later".
std::string later_label(std::int64_t micros) {
  const double days = static_cast<double>(micros) / static_cast<double>(kDay);
  constexpr double month = 30.436875;
  if (days >= 365) {
    auto years = static_cast<std::int64_t>(days / 365.2425);
    auto months = static_cast<std::int64_t>(std::llround((days - static_cast<double>(years) * 365.2425) / month));
    if (months >= 12) {
      ++years;
      months -= 12;
    }
    if (years == 0) return plural(12, "month") + " later";
    return months == 0 ? plural(years, "year") + " later"
                       : plural(years, "year") + " " + plural(months, "month") + " later";
  }
  if (days >= 30) return plural(std::max<std::int64_t>(1, std::llround(days / month)), "month") + " later";
  if (days >= 14) return plural(std::llround(days / 7), "week") + " later";
  if (days >= 1) return plural(std::llround(days), "day") + " later";
  return plural(std::max<std::int64_t>(1, std::llround(days * 24)), "hour") + " later";
}

// ---- Axis ticks ---------------------------------------------------------------------------

struct Tick {
  std::int64_t t = 0;
  std::string line1, line2; ///< line2 (a date under a time of day) may be empty
};

/// Ticks for [t0, t1] (UTC micros) in `width` pixels: nice steps aligned to UTC boundaries
/// (minutes, hours, days, Monday-aligned weeks, calendar months and years). `min_step` keeps a
/// date axis from showing times of day.
std::vector<Tick> make_ticks(std::int64_t t0, std::int64_t t1, double width, std::int64_t min_step = 0) {
  std::vector<Tick> out;
  const std::int64_t span = t1 - t0;
  const auto wanted = static_cast<std::int64_t>(std::max(1.0, std::floor(width / 95.0)));
  static constexpr std::int64_t fixed[] = {kMinute,     2 * kMinute, 5 * kMinute, 10 * kMinute, 15 * kMinute,
                                           30 * kMinute, kHour,      2 * kHour,   3 * kHour,    6 * kHour,
                                           12 * kHour,  kDay,        2 * kDay,    7 * kDay,     14 * kDay};
  if (span > 0) {
    std::int64_t step = 0;
    for (std::int64_t s : fixed)
      if (s >= min_step && span / s <= wanted) {
        step = s;
        break;
      }
    if (step != 0) {
      const std::int64_t shift = step == 7 * kDay || step == 14 * kDay ? 4 * kDay : 0; // 1970-01-05 was a Monday
      std::int64_t t = (floor_div(t0 - shift - 1, step) + 1) * step + shift;
      std::string last_date;
      for (; t <= t1; t += step) {
        Tick tick{t, {}, {}};
        if (step < kDay) {
          tick.line1 = hm_of(t);
          const std::string d = date_of(t);
          if (d != last_date) tick.line2 = d;
          last_date = d;
        } else {
          tick.line1 = date_of(t);
        }
        out.push_back(std::move(tick));
      }
    } else {
      static constexpr std::int64_t months[] = {1, 2, 3, 6, 12, 24, 60, 120, 600};
      std::int64_t k = months[std::size(months) - 1];
      const double span_months = static_cast<double>(span) / static_cast<double>(kDay) / 30.436875;
      for (std::int64_t m : months)
        if (span_months / static_cast<double>(m) <= static_cast<double>(wanted)) {
          k = m;
          break;
        }
      const Civil c = civil_from_days(floor_div(t0, kDay));
      std::int64_t index = c.year * 12 + (c.month - 1); // months since year 0
      index = floor_div(index, k) * k;
      for (int guard = 0; guard < 1000; ++guard, index += k) {
        const std::int64_t y = floor_div(index, 12);
        const auto m = static_cast<unsigned>(index - y * 12 + 1);
        const std::int64_t t = static_cast<std::int64_t>(days_from_civil(static_cast<int>(y), m, 1)) * kDay;
        if (t < t0) continue;
        if (t > t1) break;
        out.push_back({t, k >= 12 && m == 1 ? fmt::format("{:04}", y) : month_of(t), {}});
      }
    }
  }
  if (out.empty()) { // a single instant, or too short for any step: label where it starts
    if (min_step >= kDay) out.push_back({t0, date_of(t0), {}});
    else out.push_back({t0, hm_of(t0), date_of(t0)});
  }
  return out;
}

// ---- The timeline -------------------------------------------------------------------------

constexpr double kWidth = 1000;

struct Segment {
  std::int64_t t0 = 0, t1 = 0;
  double x0 = 0, x1 = 0;
};

constexpr double kSegPad = 14; // pixels kept free at each end of a segment

double x_in(const Segment &s, std::int64_t t) {
  if (s.t1 == s.t0) return (s.x0 + s.x1) / 2;
  const double f = static_cast<double>(t - s.t0) / static_cast<double>(s.t1 - s.t0);
  return s.x0 + kSegPad + f * (s.x1 - s.x0 - 2 * kSegPad);
}

/// The segment holding t, or nullptr (a milestone outside the events' range).
const Segment *segment_of(const std::vector<Segment> &segs, std::int64_t t) {
  for (const Segment &s : segs)
    if (t >= s.t0 && t <= s.t1) return &s;
  return nullptr;
}

std::string lane_title(std::string_view name) {
  std::string out(name);
  std::replace(out.begin(), out.end(), '_', ' ');
  return out;
}

constexpr std::string_view kMilestoneWords[] = {"started", "detected", "reported", "contained",
                                                "eradicated", "recovered", "closed"};

} // namespace

std::string timeline_svg(const Document &doc, const Analysis &analysis, const Policy &) {
  const std::vector<std::size_t> order = chronological_order(doc);
  if (order.empty()) return {};
  const auto time_of = [&](std::size_t i) { return doc.timeline[i].time->micros; };

  // Segments: split where a quiet stretch is longer than max(7 days, 30% of the whole span).
  const std::int64_t first = time_of(order.front()), last = time_of(order.back());
  const std::int64_t threshold =
      std::max<std::int64_t>(7 * kDay, static_cast<std::int64_t>(0.3 * static_cast<double>(last - first)));
  std::vector<Segment> segs;
  segs.push_back({first, first, 0, 0});
  for (std::size_t k = 1; k < order.size(); ++k) {
    const std::int64_t t = time_of(order[k]);
    if (t - segs.back().t1 > threshold) segs.push_back({t, t, 0, 0});
    else segs.back().t1 = t;
  }

  // Horizontal layout: each segment gets a minimum width plus a share proportional to its span.
  constexpr double plot_x0 = 150, plot_x1 = kWidth - 20, break_w = 46, min_w = 110;
  const double avail = plot_x1 - plot_x0 - break_w * static_cast<double>(segs.size() - 1);
  const double min_each = std::min(min_w, avail / static_cast<double>(segs.size()));
  double total_span = 0;
  for (const Segment &s : segs) total_span += static_cast<double>(s.t1 - s.t0);
  const double rest = avail - min_each * static_cast<double>(segs.size());
  double x = plot_x0;
  for (Segment &s : segs) {
    const double share = total_span > 0 ? static_cast<double>(s.t1 - s.t0) / total_span
                                        : 1.0 / static_cast<double>(segs.size());
    s.x0 = x;
    s.x1 = x + min_each + rest * share;
    x = s.x1 + break_w;
  }

  // Lanes: one per event type present, in EventType order; untyped events last.
  std::vector<int> lane_of_type(enum_traits<EventType>::names.size() + 1, -1);
  for (std::size_t i : order) {
    const std::size_t ty = doc.timeline[i].type ? static_cast<std::size_t>(*doc.timeline[i].type)
                                                : enum_traits<EventType>::names.size();
    lane_of_type[ty] = 0;
  }
  std::vector<std::size_t> lanes; // type index per lane
  for (std::size_t ty = 0; ty < lane_of_type.size(); ++ty)
    if (lane_of_type[ty] == 0) {
      lane_of_type[ty] = static_cast<int>(lanes.size());
      lanes.push_back(ty);
    }
  const auto type_name = [](std::size_t ty) -> std::string_view {
    return ty < enum_traits<EventType>::names.size() ? enum_traits<EventType>::names[ty] : "unspecified";
  };

  // Milestones: labels in rows so they never overlap; those outside every segment are listed
  // under the chart instead.
  struct MilestoneMark {
    std::size_t which;
    std::int64_t t;
    double x;
    bool anchor_end;
    std::size_t row;
  };
  std::vector<MilestoneMark> marks;
  std::vector<std::pair<std::size_t, std::int64_t>> off_chart;
  for (std::size_t m = 0; m < analysis.metrics.milestones.size(); ++m) {
    const auto &r = analysis.metrics.milestones[m];
    if (!r) continue;
    const Segment *s = segment_of(segs, r->time.micros);
    if (!s) {
      off_chart.emplace_back(m, r->time.micros);
      continue;
    }
    marks.push_back({m, r->time.micros, x_in(*s, r->time.micros), false, 0});
  }
  std::stable_sort(marks.begin(), marks.end(), [](const MilestoneMark &a, const MilestoneMark &b) { return a.x < b.x; });
  std::vector<double> row_end;
  for (MilestoneMark &mk : marks) {
    const double w = text_width(kMilestoneWords[mk.which]);
    mk.anchor_end = mk.x + 3 + w > kWidth - 4;
    const double lo = mk.anchor_end ? mk.x - 3 - w : mk.x + 3 - 1, hi = mk.anchor_end ? mk.x + 1 : mk.x + 3 + w;
    std::size_t row = 0;
    while (row < row_end.size() && row_end[row] > lo - 6) ++row;
    if (row == row_end.size()) row_end.push_back(hi);
    else row_end[row] = hi;
    mk.row = row;
  }

  // Vertical layout.
  constexpr double lane_h = 30, row_h = 16;
  const double ms_band = row_end.empty() ? 8 : 10 + static_cast<double>(row_end.size()) * 14 + 4;
  const double lanes_y0 = ms_band;
  const double axis_y = lanes_y0 + static_cast<double>(lanes.size()) * lane_h + 4;
  double y = axis_y + 34; // below the tick labels
  const double break_lbl_y = y + 4;
  if (segs.size() > 1) y += 18;
  const std::vector<std::size_t> &keys = analysis.metrics.key_moments;
  std::vector<std::size_t> timed_keys;
  for (std::size_t i : keys)
    if (i < doc.timeline.size() && doc.timeline[i].time) timed_keys.push_back(i);
  const double keys_y0 = y + 8;
  y = keys_y0 + static_cast<double>(timed_keys.size()) * row_h;
  const double off_y = y + 8;
  if (!off_chart.empty()) y = off_y + row_h;
  const double height = std::ceil(y + 6);

  std::string out;
  out.reserve(4096 + order.size() * 256);
  out += fmt::format(R"~(<svg class="chart-svg timeline-svg" viewBox="0 0 {} {}" role="img" aria-label="Timeline of the incident, by event type (UTC)">)~",
                     num(kWidth), num(height));
  out += "\n<title>Timeline of the incident, by event type (UTC)</title>\n";

  // Lanes: zebra bands per segment and a label at the left.
  for (std::size_t l = 0; l < lanes.size(); ++l) {
    const double ly = lanes_y0 + static_cast<double>(l) * lane_h;
    for (const Segment &s : segs)
      out += fmt::format(R"(<rect class="lane{}" x="{}" y="{}" width="{}" height="{}"/>)", l % 2 ? " alt" : "",
                         num(s.x0), num(ly), num(s.x1 - s.x0), num(lane_h));
    out += fmt::format(R"(<text class="lane-lbl" x="8" y="{}">{}</text>)", num(ly + lane_h / 2 + 4),
                       esc(lane_title(type_name(lanes[l]))));
    out += '\n';
  }

  // Axis, ticks and grid lines per segment; break markers between segments.
  for (std::size_t k = 0; k < segs.size(); ++k) {
    const Segment &s = segs[k];
    out += fmt::format(R"(<line class="axis" x1="{}" y1="{}" x2="{}" y2="{}"/>)", num(s.x0), num(axis_y), num(s.x1),
                       num(axis_y));
    for (const Tick &tick : make_ticks(s.t0, s.t1, s.x1 - s.x0 - 2 * kSegPad)) {
      const double tx = x_in(s, tick.t);
      out += fmt::format(R"(<line class="grid" x1="{0}" y1="{1}" x2="{0}" y2="{2}"/><line class="tick" x1="{0}" y1="{2}" x2="{0}" y2="{3}"/>)",
                         num(tx), num(lanes_y0), num(axis_y), num(axis_y + 4));
      out += fmt::format(R"(<text class="tick-lbl" x="{}" y="{}" text-anchor="middle">{}</text>)", num(tx),
                         num(axis_y + 15), esc(tick.line1));
      if (!tick.line2.empty())
        out += fmt::format(R"(<text class="tick-lbl" x="{}" y="{}" text-anchor="middle">{}</text>)", num(tx),
                           num(axis_y + 27), esc(tick.line2));
    }
    out += '\n';
    if (k + 1 < segs.size()) {
      const double gx = (s.x1 + segs[k + 1].x0) / 2;
      out += fmt::format(R"(<g class="axis-break"><line x1="{}" y1="{}" x2="{}" y2="{}"/><line x1="{}" y1="{}" x2="{}" y2="{}"/>)",
                         num(gx - 7), num(axis_y + 7), num(gx - 1), num(axis_y - 7), num(gx + 1), num(axis_y + 7),
                         num(gx + 7), num(axis_y - 7));
      out += fmt::format(R"(<line class="break-gap" x1="{0}" y1="{1}" x2="{0}" y2="{2}"/>)", num(gx), num(lanes_y0),
                         num(axis_y - 9));
      out += fmt::format(R"(<text class="break-lbl" x="{}" y="{}" text-anchor="middle">{}</text></g>)", num(gx),
                         num(break_lbl_y), esc(later_label(segs[k + 1].t0 - s.t1)));
      out += '\n';
    }
  }
  out += fmt::format(R"(<text class="axis-lbl" x="8" y="{}">UTC</text>)", num(axis_y + 15));
  out += '\n';

  // Milestones: dashed vertical lines with their names on top.
  for (const MilestoneMark &mk : marks) {
    const double ly = 10 + static_cast<double>(mk.row) * 14 + 10;
    out += fmt::format(R"(<g class="milestone"><line class="ms" x1="{0}" y1="{1}" x2="{0}" y2="{2}" stroke-dasharray="4 3"/>)",
                       num(mk.x), num(ly - 9), num(axis_y));
    out += fmt::format(R"(<text class="ms-lbl" x="{}" y="{}"{}>{}</text><title>{}: {}</title></g>)",
                       num(mk.anchor_end ? mk.x - 3 : mk.x + 3), num(ly), mk.anchor_end ? R"( text-anchor="end")" : "",
                       kMilestoneWords[mk.which], kMilestoneWords[mk.which], when(mk.t));
    out += '\n';
  }

  // Events: one marker each, key moments numbered.
  std::map<std::size_t, std::size_t> key_number;
  for (std::size_t k = 0; k < timed_keys.size(); ++k) key_number.emplace(timed_keys[k], k + 1);
  for (std::size_t i : order) {
    const Event &e = doc.timeline[i];
    const std::size_t ty = e.type ? static_cast<std::size_t>(*e.type) : enum_traits<EventType>::names.size();
    const double ex = x_in(*segment_of(segs, e.time->micros), e.time->micros);
    const double ey = lanes_y0 + static_cast<double>(lane_of_type[ty]) * lane_h + lane_h / 2;
    const auto key = key_number.find(i);
    std::string tip = when(e.time->micros);
    if (e.precision && *e.precision != Precision::second && *e.precision != Precision::minute)
      tip += fmt::format(" (to the {})", to_string(*e.precision));
    tip += " \xC2\xB7 " + lane_title(type_name(ty));
    if (e.description) tip += " \xE2\x80\x94 " + abbreviate(*e.description, 400);
    else if (e.id) tip += " \xE2\x80\x94 " + abbreviate(*e.id, 80);
    out += fmt::format(R"(<circle class="ev {}ev-{}" cx="{}" cy="{}" r="{}"><title>{}</title></circle>)",
                       key != key_number.end() ? "key " : "", type_name(ty), num(ex), num(ey),
                       key != key_number.end() ? "6.5" : "5", esc(tip));
    if (key != key_number.end())
      out += fmt::format(R"(<text class="key-num" x="{}" y="{}" text-anchor="middle">{}</text>)", num(ex),
                         num(ey - 9), key->second);
    out += '\n';
  }

  // Key moments: numbered, with a short description.
  for (std::size_t k = 0; k < timed_keys.size(); ++k) {
    const Event &e = doc.timeline[timed_keys[k]];
    const double ky = keys_y0 + static_cast<double>(k) * row_h + 11;
    const std::string_view text = e.description ? std::string_view(*e.description)
                                  : e.id        ? std::string_view(*e.id)
                                                : std::string_view("(no description)");
    out += fmt::format(R"(<text class="key-lbl" x="8" y="{}"><tspan class="key-num">{}</tspan> <tspan class="key-time">{}</tspan> {}</text>)",
                       num(ky), k + 1, when(e.time->micros), short_text(text, 40));
    out += '\n';
  }
  if (!off_chart.empty()) {
    std::string note = "Outside the chart:";
    for (std::size_t k = 0; k < off_chart.size(); ++k)
      note += fmt::format("{} {} {}", k ? ";" : "", kMilestoneWords[off_chart[k].first], when(off_chart[k].second));
    out += fmt::format(R"(<text class="note" x="8" y="{}">{}</text>)", num(off_y + 11), esc(note));
    out += '\n';
  }
  out += "</svg>";
  return out;
}

// ---- The plan -----------------------------------------------------------------------------

std::string plan_svg(const Document &doc, const Analysis &analysis, const Policy &) {
  const Plan &plan = analysis.plan;
  if (plan.items.empty()) return {};

  const auto completed_day = [&](const PlanItem &it) -> std::optional<std::int64_t> {
    const Action &a = doc.actions[it.action_index];
    if (it.suggested_due || !a.completed_at) return std::nullopt;
    return floor_div(a.completed_at->micros, kDay);
  };

  // The date range: as_of, every suggested due date and every completion, padded.
  std::int64_t lo = plan.as_of_day, hi = plan.as_of_day;
  for (const PlanItem &it : plan.items) {
    if (it.suggested_due) {
      lo = std::min<std::int64_t>(lo, it.suggested_due->days);
      hi = std::max<std::int64_t>(hi, it.suggested_due->days);
    }
    if (auto d = completed_day(it)) {
      lo = std::min(lo, *d);
      hi = std::max(hi, *d);
    }
  }
  const std::int64_t pad = std::max<std::int64_t>(2, (hi - lo) / 25);
  lo -= pad;
  hi += pad;

  constexpr double plot_x0 = 320, plot_x1 = 725, status_x = 738, row_h = 26, rows_y0 = 30;
  const auto x_of = [&](std::int64_t day) {
    return plot_x0 + static_cast<double>(day - lo) / static_cast<double>(hi - lo) * (plot_x1 - plot_x0);
  };
  const auto row_y = [&](std::size_t pos) { return rows_y0 + static_cast<double>(pos) * row_h + row_h / 2; };
  const std::size_t n = plan.items.size();
  const double axis_y = rows_y0 + static_cast<double>(n) * row_h + 4;
  const double height = axis_y + 26;

  std::string out;
  out.reserve(2048 + n * 512);
  out += fmt::format(R"(<svg class="chart-svg plan-svg" viewBox="0 0 {} {}" role="img" aria-label="Remediation plan: due dates in plan order">)",
                     num(kWidth), num(height));
  out += "\n<title>Remediation plan: due dates in plan order</title>\n";
  out += R"(<defs><marker id="pm-plan-arrow" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path class="arrow-head" d="M0 0 L8 4 L0 8 Z"/></marker></defs>)";
  out += '\n';

  // Axis and ticks (dates only).
  out += fmt::format(R"(<line class="axis" x1="{}" y1="{}" x2="{}" y2="{}"/>)", num(plot_x0), num(axis_y), num(plot_x1),
                     num(axis_y));
  for (const Tick &tick : make_ticks(lo * kDay, hi * kDay, plot_x1 - plot_x0, kDay)) {
    const double tx = x_of(floor_div(tick.t, kDay));
    out += fmt::format(R"(<line class="grid" x1="{0}" y1="{1}" x2="{0}" y2="{2}"/><line class="tick" x1="{0}" y1="{2}" x2="{0}" y2="{3}"/>)",
                       num(tx), num(rows_y0), num(axis_y), num(axis_y + 4));
    out += fmt::format(R"(<text class="tick-lbl" x="{}" y="{}" text-anchor="middle">{}</text>)", num(tx), num(axis_y + 16),
                       esc(tick.line1));
  }
  out += '\n';

  // Rows: zebra band, label, then the marker (drawn after the connectors, below).
  std::map<std::size_t, std::size_t> row_of_action;
  for (std::size_t r = 0; r < n; ++r) row_of_action.emplace(plan.items[r].action_index, r);
  for (std::size_t r = 0; r < n; ++r) {
    const PlanItem &it = plan.items[r];
    const Action &a = doc.actions[it.action_index];
    const double yc = row_y(r);
    std::string label = fmt::format("{}. {}", it.position, a.id ? abbreviate(*a.id, 24) : std::string("(no id)"));
    if (a.title) label += " " + abbreviate(*a.title, 40);
    out += fmt::format(R"(<g class="plan-row{}{}"><rect class="row-bg" x="0" y="{}" width="{}" height="{}"/>)",
                       r % 2 ? " alt" : "", it.on_critical_path ? " crit" : "", num(yc - row_h / 2), num(kWidth),
                       num(row_h));
    out += fmt::format(R"(<text class="row-lbl" x="8" y="{}">{}</text>)", num(yc + 4), esc(label));
    std::string status;
    if (it.suggested_due) {
      status = fmt::format("{} \xC2\xB7 {}", to_string(it.tier), it.suggested_due->to_string());
      if (it.overdue) status += fmt::format(" \xC2\xB7 {} overdue", plural(it.days_overdue, "day"));
      else if (!it.blocked_by.empty()) status += " \xC2\xB7 blocked";
    } else {
      status = std::string(to_string(it.status));
      if (auto d = completed_day(it)) status += " " + Day{static_cast<std::int32_t>(*d)}.to_string();
      if (it.unverified) status += " \xC2\xB7 unverified";
    }
    if (it.in_cycle) status += " \xC2\xB7 in a cycle";
    out += fmt::format(R"(<text class="st-lbl{}" x="{}" y="{}">{}</text></g>)",
                       it.overdue ? " overdue" : (it.unverified ? " unverified" : ""), num(status_x), num(yc + 4),
                       esc(status));
    out += '\n';
  }

  // The as-of line.
  const double ax = x_of(plan.as_of_day);
  const std::string as_of_text = "as of " + Day{static_cast<std::int32_t>(plan.as_of_day)}.to_string();
  out += fmt::format(R"(<g class="asof"><line x1="{0}" y1="{1}" x2="{0}" y2="{2}"/><text class="asof-lbl" x="{0}" y="{3}" text-anchor="middle">{4}</text></g>)",
                     num(ax), num(rows_y0 - 6), num(axis_y), num(rows_y0 - 12), as_of_text);
  out += '\n';

  // Overdue stretches: from the due date to as_of.
  for (std::size_t r = 0; r < n; ++r) {
    const PlanItem &it = plan.items[r];
    if (!it.overdue || !it.suggested_due) continue;
    out += fmt::format(R"(<line class="overdue-line" x1="{0}" y1="{2}" x2="{1}" y2="{2}"/>)", num(x_of(it.suggested_due->days)),
                       num(ax), num(row_y(r)));
    out += '\n';
  }

  // Dependencies: a curve from each unfinished dependency in the plan to its dependant.
  for (std::size_t r = 0; r < n; ++r) {
    const PlanItem &it = plan.items[r];
    if (!it.suggested_due) continue;
    for (std::size_t dep : it.blocked_by) {
      const auto found = row_of_action.find(dep);
      if (found == row_of_action.end()) continue;
      const PlanItem &from = plan.items[found->second];
      if (!from.suggested_due) continue;
      const double x1 = x_of(from.suggested_due->days), y1 = row_y(found->second);
      const double x2 = x_of(it.suggested_due->days), y2 = row_y(r);
      const double dir = y2 >= y1 ? 1 : -1, ym = (y1 + y2) / 2;
      const bool conflict = it.suggested_due->days < from.suggested_due->days;
      const Action &da = doc.actions[dep];
      out += fmt::format(R"~(<path class="dep{}" d="M{} {} C{} {} {} {} {} {}" marker-end="url(#pm-plan-arrow)"><title>{}</title></path>)~",
                         conflict ? " conflict" : "", num(x1), num(y1 + dir * 6), num(x1), num(ym), num(x2), num(ym),
                         num(x2), num(y2 - dir * 7),
                         esc(fmt::format("{} depends on {}{}", doc.actions[it.action_index].id.value_or("(no id)"),
                                         da.id.value_or("(no id)"),
                                         conflict ? " (due before its dependency)" : "")));
      out += '\n';
    }
  }

  // Markers: open items at their suggested due date, finished ones at their completion.
  for (std::size_t r = 0; r < n; ++r) {
    const PlanItem &it = plan.items[r];
    const Action &a = doc.actions[it.action_index];
    const double yc = row_y(r);
    std::string tip = a.id.value_or("(no id)");
    if (a.title) tip += " \xE2\x80\x94 " + abbreviate(*a.title, 200);
    const std::string cls = fmt::format("pm st-{}{}{}", to_string(it.status), it.overdue ? " overdue" : "",
                                        it.on_critical_path ? " crit" : "");
    if (it.suggested_due) {
      tip += fmt::format(" \xC2\xB7 {} \xC2\xB7 {} \xC2\xB7 due {}", to_string(it.tier), to_string(it.status),
                         it.suggested_due->to_string());
      if (it.overdue) tip += fmt::format(" ({} overdue)", plural(it.days_overdue, "day"));
      out += fmt::format(R"(<circle class="{}" cx="{}" cy="{}" r="6"><title>{}</title></circle>)", cls,
                         num(x_of(it.suggested_due->days)), num(yc), esc(tip));
    } else if (auto d = completed_day(it)) {
      const double cx = x_of(*d);
      tip += fmt::format(" \xC2\xB7 {} {}", to_string(it.status), a.completed_at->to_utc_string());
      out += fmt::format(R"(<path class="{}" d="M{} {} L{} {} L{} {} L{} {} Z"><title>{}</title></path>)", cls, num(cx),
                         num(yc - 6), num(cx + 6), num(yc), num(cx), num(yc + 6), num(cx - 6), num(yc), esc(tip));
    } else {
      continue;
    }
    out += '\n';
  }
  out += "</svg>";
  return out;
}

} // namespace detail
PM_END_NAMESPACE
