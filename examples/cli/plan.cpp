// `postmortem plan`: the prioritized remediation plan of one document (docs/plan.md).
//
// The text format is rendered from the same JSON value that --format json prints
// (postmortem::to_value), so the two always say the same thing.
#include "commands.hpp"
#include "report_common.hpp"
#include "terminal.hpp"

#include <postmortem/document.hpp>
#include <postmortem/plan.hpp>
#include <postmortem/policy.hpp>

#include <boost/json.hpp>
#include <fmt/format.h>

#include <cstdint>
#include <string>
#include <vector>

namespace pmcli {
namespace {

namespace pm = postmortem;
namespace json = boost::json;

const OptionSpec options[] = {
    {"format", 0, "FORMAT",
     "output format: 'text' (default), the plan as a table with the\n"
     "call-outs; or 'json', the library's plan object (docs/plan.md)",
     text_json_formats},
    {"policy", 0, "FILE",
     "read the policy from a JSON file ('-': standard input); its\n"
     "\"plan\": {\"sla_days\": {\"P1\": 7, \"P2\": 30, \"P3\": 90, \"P4\": 180}}\n"
     "sets the days per tier from as_of to the suggested due date"},
    {"as-of", 0, "TIMESTAMP",
     "an RFC 3339 time with an offset (2024-06-01T00:00:00Z) that\n"
     "overrides the policy's as_of: the day suggested due dates count\n"
     "from and overdue is judged against (default: now)"},
    help_option,
};

// --- Text layout -------------------------------------------------------------------------

std::int64_t int_of(const json::object &o, std::string_view key) {
  const json::value *v = o.if_contains(key);
  return v && v->is_number() ? v->to_number<std::int64_t>() : 0;
}

bool flag(const json::object &o, std::string_view key) {
  const json::value *v = o.if_contains(key);
  return v && v->is_bool() && v->get_bool();
}

std::string joined(const json::array &ids, std::string_view separator = ", ") {
  std::string out;
  for (const auto &id : ids) {
    if (!out.empty()) out += separator;
    out += id.is_string() ? std::string(id.get_string()) : std::string("?");
  }
  return out;
}

std::string plural(std::int64_t n, std::string_view word) {
  return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

constexpr std::string_view unverified_words(std::string_view why) {
  if (why == "missing") return "no verification";
  if (why == "not_effective") return "latest verification not effective";
  return "verification older than verify_within_days";
}

// The NOTES cell of one item: what needs attention, most urgent first.
std::string notes(const json::object &item) {
  std::vector<std::string> out;
  if (flag(item, "overdue")) out.push_back(fmt::format("OVERDUE {}", plural(int_of(item, "days_overdue"), "day")));
  if (flag(item, "due_after_sla")) out.push_back(fmt::format("due after SLA {}", str(item, "sla_due")));
  if (const json::value *b = item.if_contains("blocked_by"); b && b->is_array() && !b->as_array().empty())
    out.push_back("waits for " + joined(b->as_array()));
  if (flag(item, "in_cycle")) out.push_back("in a cycle");
  else if (flag(item, "after_cycle")) out.push_back("after a cycle");
  if (flag(item, "on_critical_path")) out.push_back("critical path");
  if (item.contains("unverified")) out.push_back(fmt::format("unverified: {}", unverified_words(str(item, "unverified"))));
  std::string text;
  for (const auto &s : out) text += (text.empty() ? "" : "; ") + s;
  return text;
}

std::string render_text(const pm::Document &doc, const json::object &root) {
  std::string out;
  if (doc.incident) out += incident_heading(doc) + '\n';
  const json::object &counts = root.at("counts").as_object();
  const json::object &tiers = counts.at("open_by_tier").as_object();
  const json::object &sla = root.at("sla_days").as_object();
  out += fmt::format("Plan as of {}: {}, {} open (P1 {}, P2 {}, P3 {}, P4 {}), {} finished, {} rejected\n",
                     str(root, "as_of"), plural(int_of(counts, "actions"), "action"), int_of(counts, "open"),
                     int_of(tiers, "P1"), int_of(tiers, "P2"), int_of(tiers, "P3"), int_of(tiers, "P4"),
                     int_of(counts, "finished"), int_of(counts, "rejected"));
  out += fmt::format("SLA from as_of: P1 {} d, P2 {} d, P3 {} d, P4 {} d (plan.sla_days)\n\n", int_of(sla, "P1"),
                     int_of(sla, "P2"), int_of(sla, "P3"), int_of(sla, "P4"));

  Table items{{"#", "ACTION", "TIER", "SCORE", "STATUS", "DUE", "NOTES", "TITLE"}, {0, 3}, {}};
  for (const auto &v : root.at("items").as_array()) {
    const json::object &item = v.as_object();
    std::string due = str(item, "suggested_due");
    if (!due.empty() && !item.contains("due")) due += " (SLA)";
    const json::value &score = item.at("score");
    items.add({std::to_string(int_of(item, "position")), str(item, "id"), str(item, "tier"),
               fmt::format("{:.1f}", score.is_number() ? score.to_number<double>() : 0.0), str(item, "status"), due,
               notes(item), str(item, "title")});
  }
  out += "Plan\n" + (items.rows.empty() ? std::string("  none\n") : items.render()) + '\n';

  const json::object &cp = root.at("critical_path").as_object();
  const json::array &path = cp.at("actions").as_array();
  out += path.empty() ? std::string("Critical path: none (no open action)\n")
                      : escape_for_terminal(fmt::format("Critical path (effort {}): {}", int_of(cp, "effort"),
                                                        joined(path, " -> "))) +
                            '\n';
  auto list = [&](std::string_view title, const json::array &entries, auto &&text) {
    out += fmt::format("{}: ", title);
    if (entries.empty()) {
      out += "none\n";
      return;
    }
    std::string line;
    for (const auto &e : entries) line += (line.empty() ? "" : ", ") + text(e);
    out += escape_for_terminal(line) + '\n';
  };
  list("Cycles", root.at("cycles").as_array(), [](const json::value &c) { return "[" + joined(c.as_array(), " <-> ") + "]"; });
  list("Overdue", root.at("overdue").as_array(), [](const json::value &id) { return std::string(id.as_string()); });
  list("Unverified", root.at("unverified").as_array(), [](const json::value &id) { return std::string(id.as_string()); });
  list("Unknown dependencies", root.at("unknown_dependencies").as_array(), [](const json::value &u) {
    const json::object &o = u.as_object();
    return fmt::format("{} -> \"{}\" ({})", str(o, "action"), str(o, "depends_on"), str(o, "path"));
  });
  list("Rejected (not planned)", root.at("rejected").as_array(), [](const json::value &id) { return std::string(id.as_string()); });
  return out;
}

// --- The command ---------------------------------------------------------------------------

int run_plan(const ParsedArgs &args, Context &ctx) {
  return run_document_report(
      args, ctx, "plan", [](const pm::Document &doc, const pm::Policy &policy) { return pm::plan(doc, policy); },
      render_text);
}

} // namespace

extern const Command plan_command{
    "plan",
    "the remediation plan: order, due dates, critical path, overdue",
    "plan [options] FILE",
    "Orders the remediation actions of one postmortem/1 document (docs/plan.md):\n"
    "\n"
    "  order          each action after the unfinished actions it depends_on; among\n"
    "                 the ready ones the highest priority (postmortem score) first,\n"
    "                 ties by id; open actions first, then done and verified ones;\n"
    "                 rejected actions are listed apart, not planned\n"
    "  due dates      an action's own due, else as_of + the SLA days of its tier\n"
    "                 (P1 7, P2 30, P3 90, P4 180 unless the policy says otherwise);\n"
    "                 a due later than the SLA is pointed out\n"
    "  critical path  the chain of open actions with the most effort (1-5, 3 when\n"
    "                 absent): what bounds when the plan can be finished\n"
    "  call-outs      overdue actions (due before as_of, not done), unverified ones\n"
    "                 (done without an effective, recent verification), dependency\n"
    "                 cycles with their members (placed last, never dropped) and\n"
    "                 dependencies on unknown ids\n"
    "\n"
    "Document text is printed with control and bidi characters escaped. Use '-' to read\n"
    "the document from standard input.\n",
    "Exit status:\n"
    "  0  the plan was printed (also when actions are overdue or in a cycle)\n"
    "  2  a usage error, or a FILE or policy that cannot be read or parsed\n"
    "\n"
    "Examples:\n"
    "  postmortem plan --as-of 2024-06-20T00:00:00Z incident.json\n"
    "  postmortem plan --format json incident.json | jq '.items[] | select(.overdue) | .id'\n"
    "  echo '{\"plan\": {\"sla_days\": {\"P1\": 3}}}' > sla.json\n"
    "  postmortem plan --policy sla.json incident.json\n",
    options,
    run_plan,
};

} // namespace pmcli
