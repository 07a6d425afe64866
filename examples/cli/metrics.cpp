// `postmortem metrics`: the lifecycle metrics and the timeline breakdown of one document.
//
// The text format is rendered from the same JSON value that --format json prints
// (postmortem::to_value), so the two always say the same thing.
#include "commands.hpp"
#include "report_common.hpp"

#include <postmortem/document.hpp>
#include <postmortem/metrics.hpp>
#include <postmortem/policy.hpp>
#include <postmortem/timeline.hpp>

#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <string>

namespace pmcli {
namespace {

namespace pm = postmortem;
namespace json = boost::json;

const OptionSpec options[] = {
    {"format", 0, "FORMAT",
     "output format: 'text' (default), aligned tables; or 'json',\n"
     "the library's metrics object (docs/metrics.md)",
     text_json_formats},
    {"policy", 0, "FILE",
     "read the policy from a JSON file ('-': standard input); its\n"
     "\"thresholds\": {\"max_gap_hours\": H} sets how long a quiet gap\n"
     "must be to be listed (default 24)"},
    {"as-of", 0, "TIMESTAMP",
     "an RFC 3339 time with an offset (2024-06-01T00:00:00Z) that\n"
     "overrides the policy's as_of, as in 'check'; no metric depends\n"
     "on \"now\", so the output is the same for any --as-of"},
    help_option,
};

// --- Text layout -------------------------------------------------------------------------

// "1h 22m 50s", "7d 8h 17m 50s", "-30m", "0s": the ISO 8601 duration made readable.
std::string human_duration(std::int64_t seconds) {
  if (seconds == 0) return "0s";
  std::uint64_t s = seconds < 0 ? 0 - static_cast<std::uint64_t>(seconds) : static_cast<std::uint64_t>(seconds);
  const std::uint64_t parts[] = {s / 86400, s / 3600 % 24, s / 60 % 60, s % 60};
  const char units[] = {'d', 'h', 'm', 's'};
  std::string out;
  for (std::size_t i = 0; i < 4; ++i)
    if (parts[i] != 0) out += fmt::format("{}{}{}", out.empty() ? "" : " ", parts[i], units[i]);
  return seconds < 0 ? "-" + out : out;
}

std::int64_t int_of(const json::object &o, std::string_view key) {
  const json::value *v = o.if_contains(key);
  return v ? v->to_number<std::int64_t>() : 0;
}

const json::object *member(const json::object &o, std::string_view key) {
  const json::value *v = o.if_contains(key);
  return v && v->is_object() ? &v->get_object() : nullptr;
}

std::string ids_list(const json::array &ids) {
  constexpr std::size_t shown = 10;
  std::string out;
  for (std::size_t i = 0; i < ids.size() && i < shown; ++i) {
    if (i) out += ", ";
    out += ids[i].is_string() ? std::string(ids[i].get_string()) : std::string("?");
  }
  if (ids.size() > shown) out += fmt::format(", … ({} more)", ids.size() - shown);
  return out;
}

std::string section(std::string_view title, const Table &table) {
  return fmt::format("{}\n{}", title, table.rows.empty() ? std::string("  none\n") : table.render());
}

std::string hours_text(const json::value &v) {
  return v.is_double() ? fmt::format("{}", v.get_double()) : fmt::format("{}", v.to_number<std::int64_t>());
}

std::string render_text(const pm::Document &doc, const json::object &root) {
  std::string out;
  if (doc.incident) out += incident_heading(doc) + '\n';
  const json::object &events = root.at("events").as_object();
  const auto count = int_of(events, "count"), timed = int_of(events, "timed");
  out += fmt::format("{} event{}, {} with a valid time\n\n", count, count == 1 ? "" : "s", timed);

  // Milestones: all seven, "unknown" where neither given nor derivable.
  const json::object &milestones = root.at("milestones").as_object();
  Table ms{{"MILESTONE", "TIME (UTC)", "PRECISION", "SOURCE", "EVENT"}, {}, {}};
  for (std::string_view name : pm::enum_traits<pm::Milestone>::names) {
    if (const json::object *m = member(milestones, name))
      ms.add({std::string(name), str(*m, "time"), str(*m, "precision"), str(*m, "source"), str(*m, "event_id")});
    else
      ms.add({std::string(name), "unknown"});
  }
  out += section("Milestones", ms) + '\n';

  // Metrics: all six, "unknown" where an end is missing.
  const json::object &metrics = root.at("metrics").as_object();
  Table mt{{"METRIC", "DURATION", "SECONDS", "FROM -> TO", "NOTE"}, {2}, {}};
  for (const auto &rule : pm::metric_rules()) {
    const std::string name(pm::to_string(rule.metric));
    if (const json::object *m = member(metrics, name)) {
      const bool approximate = m->contains("approximate");
      const std::string precision = str(*m, "precision");
      mt.add({name, (approximate ? "≈ " : "") + human_duration(int_of(*m, "seconds")),
              std::to_string(int_of(*m, "seconds")), fmt::format("{} -> {}", str(*m, "from"), str(*m, "to")),
              approximate ? fmt::format("{} precision: {}", precision, str(*m, "note")) : std::string()});
    } else {
      std::string ends = fmt::format("{} -> {}", pm::to_string(rule.from), pm::to_string(rule.to));
      if (rule.fallback) ends += fmt::format(" or {}", pm::to_string(*rule.fallback));
      mt.add({name, "unknown", "", ends, ""});
    }
  }
  // The NOTE column only when a metric needs one.
  if (std::ranges::all_of(mt.rows, [](const auto &row) { return row.back().empty(); })) {
    mt.header.pop_back();
    for (auto &row : mt.rows) row.pop_back();
  }
  out += section("Metrics", mt) + '\n';

  Table ty{{"TYPE", "COUNT", "FIRST (UTC)", "EVENT", "LAST (UTC)", "EVENT"}, {1}, {}};
  for (const auto &v : root.at("types").as_array()) {
    const json::object &t = v.as_object();
    ty.add({str(t, "type"), std::to_string(int_of(t, "count")), str(t, "first"), str(t, "first_event"), str(t, "last"),
            str(t, "last_event")});
  }
  out += section("Event types", ty) + '\n';

  Table as{{"ASSET", "FIRST SEEN (UTC)", "LAST SEEN (UTC)", "EVENTS", "IDS"}, {3}, {}};
  for (const auto &v : root.at("assets").as_array()) {
    const json::object &a = v.as_object();
    const json::array &ids = a.at("events").as_array();
    as.add({str(a, "asset_id"), str(a, "first"), str(a, "last"), std::to_string(ids.size()), ids_list(ids)});
  }
  out += section("Assets", as) + '\n';

  Table km{{"TIME (UTC)", "TYPE", "EVENT", "ATT&CK", "DESCRIPTION"}, {}, {}};
  for (const auto &v : root.at("key_moments").as_array()) {
    const json::object &k = v.as_object();
    const std::string technique = str(k, "technique"), name = str(k, "technique_name");
    km.add({str(k, "time"), str(k, "type"), str(k, "event_id"), name.empty() ? technique : technique + " " + name,
            str(k, "description")});
  }
  out += section("Key moments", km) + '\n';

  Table gp{{"FROM (UTC)", "EVENT", "TO (UTC)", "EVENT", "DURATION", "AFTER DETECTION"}, {}, {}};
  for (const auto &v : root.at("gaps").as_array()) {
    const json::object &g = v.as_object();
    const json::value *after = g.if_contains("after_detection");
    gp.add({str(g, "from"), str(g, "from_event"), str(g, "to"), str(g, "to_event"), human_duration(int_of(g, "seconds")),
            after && after->is_bool() && after->get_bool() ? "yes" : "no"});
  }
  out += section(fmt::format("Gaps longer than {} h (max_gap_hours)", hours_text(root.at("gap_threshold_hours"))), gp);
  return out;
}

// --- The command ---------------------------------------------------------------------------

int run_metrics(const ParsedArgs &args, Context &ctx) {
  return run_document_report(
      args, ctx, "metrics", [](const pm::Document &doc, const pm::Policy &policy) { return pm::metrics(doc, policy); },
      render_text);
}

} // namespace

extern const Command metrics_command{
    "metrics",
    "lifecycle metrics: dwell time, time to contain..., gaps, assets",
    "metrics [options] FILE",
    "Computes the lifecycle of one postmortem/1 document (docs/metrics.md):\n"
    "\n"
    "  milestones   started, detected, reported, contained, eradicated, recovered,\n"
    "               closed: from incident.milestones, else derived from the timeline\n"
    "               (earliest attack, detection, report; latest containment...)\n"
    "  metrics      dwell_time (started -> detected), time_to_report, time_to_contain,\n"
    "               time_to_eradicate, time_to_recover (all from detected), and\n"
    "               total_duration (started -> closed, else recovered)\n"
    "  breakdown    per event type and per asset: first and last time; key moments\n"
    "               (key: true); quiet gaps longer than max_gap_hours\n"
    "\n"
    "A metric with an unknown end is shown as 'unknown' (absent in JSON), never as zero.\n"
    "A negative duration is shown as is: 'postmortem check' reports the order (PM301).\n"
    "A metric with an end known only to the minute, hour or day is marked '≈' with its\n"
    "precision. Events without a valid time are left out. Document text is printed with\n"
    "control and bidi characters escaped. Use '-' to read the document from standard input.\n",
    "Exit status:\n"
    "  0  the metrics were printed (also when some are unknown)\n"
    "  2  a usage error, or a FILE or policy that cannot be read or parsed\n"
    "\n"
    "Examples:\n"
    "  postmortem metrics incident.json\n"
    "  postmortem metrics --format json incident.json | jq .metrics.dwell_time\n"
    "  echo '{\"thresholds\": {\"max_gap_hours\": 4}}' > gaps.json\n"
    "  postmortem metrics --policy gaps.json incident.json\n",
    options,
    run_metrics,
};

} // namespace pmcli
