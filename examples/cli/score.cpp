// `postmortem score`: incident severity, post-mortem quality, action priorities and SSVC
// decisions of one document (docs/scoring.md).
//
// The text format is rendered from the same JSON value that --format json prints
// (postmortem::to_value), so the two always say the same thing.
#include "commands.hpp"
#include "report_common.hpp"
#include "terminal.hpp"

#include <postmortem/document.hpp>
#include <postmortem/policy.hpp>
#include <postmortem/score.hpp>

#include <boost/json.hpp>
#include <fmt/format.h>

#include <string>
#include <vector>

namespace pmcli {
namespace {

namespace pm = postmortem;
namespace json = boost::json;

const OptionSpec options[] = {
    {"format", 0, "FORMAT",
     "output format: 'text' (default), every score with its terms;\n"
     "or 'json', the library's score object (docs/scoring.md)",
     text_json_formats},
    {"policy", 0, "FILE",
     "read the policy from a JSON file ('-': standard input); its\n"
     "\"scoring\" member sets weights and tier boundaries, e.g.\n"
     "{\"scoring\": {\"severity_tiers\": {\"critical\": 80}}}"},
    {"as-of", 0, "TIMESTAMP",
     "an RFC 3339 time with an offset (2024-06-01T00:00:00Z) that\n"
     "overrides the policy's as_of, as in 'check'; no score depends\n"
     "on \"now\", so the output is the same for any --as-of"},
    help_option,
};

// --- Text layout -------------------------------------------------------------------------

// A number as the JSON has it: 75.9, 8, 0.333.
std::string num(const json::object &o, std::string_view key) {
  const json::value *v = o.if_contains(key);
  if (!v) return {};
  if (v->is_double()) return fmt::format("{}", v->get_double());
  if (v->is_int64()) return fmt::format("{}", v->get_int64());
  if (v->is_uint64()) return fmt::format("{}", v->get_uint64());
  return {};
}

std::string points(const json::object &o) {
  const json::value *v = o.if_contains("points");
  return v ? fmt::format("{:.2f}", v->to_number<double>()) : std::string();
}

// The terms of one score: name, weight, level, points, why.
Table terms_table(const json::array &terms) {
  Table t{{"TERM", "WEIGHT", "LEVEL", "POINTS", "WHY"}, {1, 2, 3}, {}};
  for (const auto &v : terms) {
    const json::object &term = v.as_object();
    t.add({str(term, "name"), num(term, "weight"), num(term, "level"), points(term), str(term, "why")});
  }
  return t;
}

std::string render_text(const pm::Document &doc, const json::object &root) {
  std::string out;
  if (doc.incident) out += incident_heading(doc) + "\n\n";
  const json::object &sev = root.at("severity").as_object();
  out += fmt::format("Severity: {} of 100, {}", num(sev, "score"), str(sev, "tier"));
  if (sev.contains("declared")) {
    const auto apart = sev.at("tiers_apart").to_number<std::int64_t>();
    out += fmt::format(" (declared {}{})", str(sev, "declared"),
                       apart == 0 ? std::string(", the same") : fmt::format(", {} tier{} apart", apart, apart == 1 ? "" : "s"));
  }
  out += '\n' + terms_table(sev.at("terms").as_array()).render() + '\n';

  const json::object &quality = root.at("quality").as_object();
  out += fmt::format("Post-mortem quality: {} of 100\n", num(quality, "score"));
  out += terms_table(quality.at("terms").as_array()).render() + '\n';

  // Actions: one summary table, then each action's terms.
  const json::array &actions = root.at("actions").as_array();
  out += "Action priorities\n";
  if (actions.empty()) {
    out += "  none\n";
  } else {
    // One column per term (every action has the same terms), with its points.
    Table summary{{"ACTION", "SCORE", "TIER"}, {1}, {}};
    for (const auto &t : actions.front().at("terms").as_array()) {
      std::string head = str(t.as_object(), "name");
      for (char &c : head) c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
      summary.header.push_back(head);
      summary.right.push_back(summary.header.size() - 1);
    }
    for (const auto &v : actions) {
      const json::object &a = v.as_object();
      std::vector<std::string> row = {a.contains("id") ? str(a, "id") : fmt::format("#{}", num(a, "index")), num(a, "score"), str(a, "tier")};
      for (const auto &t : a.at("terms").as_array()) row.push_back(points(t.as_object()));
      summary.add(std::move(row));
    }
    out += summary.render();
    for (const auto &v : actions) {
      const json::object &a = v.as_object();
      out += '\n' + escape_for_terminal(fmt::format("{} ({}, {}):", a.contains("id") ? str(a, "id") : fmt::format("#{}", num(a, "index")),
                                                    num(a, "score"), str(a, "tier"))) + '\n';
      Table why{{"TERM", "WHY"}, {}, {}};
      for (const auto &t : a.at("terms").as_array()) why.add({str(t.as_object(), "name"), str(t.as_object(), "why")});
      out += why.render();
    }
  }
  out += '\n';

  const json::array &vulns = root.at("vulnerabilities").as_array();
  out += "SSVC decisions (CISA coordinator tree 2.0.3)\n";
  if (vulns.empty()) out += "  none\n";
  for (const auto &v : vulns) {
    const json::object &d = v.as_object();
    out += escape_for_terminal(fmt::format("  {}: {}", d.contains("id") ? str(d, "id") : fmt::format("#{}", num(d, "index")),
                                           str(d, "decision"))) + '\n';
    Table points_table{{"  DECISION POINT", "VALUE", "WHY"}, {}, {}};
    for (const auto &p : d.at("points").as_array()) {
      const json::object &point = p.as_object();
      points_table.add({"  " + str(point, "name"), str(point, "value"), str(point, "why")});
    }
    out += points_table.render();
  }
  return out;
}

// --- The command ---------------------------------------------------------------------------

int run_score(const ParsedArgs &args, Context &ctx) {
  return run_document_report(
      args, ctx, "score", [](const pm::Document &doc, const pm::Policy &policy) { return pm::score(doc, policy); },
      render_text);
}

} // namespace

extern const Command score_command{
    "score",
    "severity, post-mortem quality, action priorities, SSVC decisions",
    "score [options] FILE",
    "Scores one postmortem/1 document (docs/scoring.md has every formula):\n"
    "\n"
    "  severity     the incident, 0-100 and a tier (critical, high, medium, low,\n"
    "               informational), from impact (C/I/A, VERIS rating, records, data\n"
    "               types, users, downtime, loss, recoverability), scope (assets and\n"
    "               their criticality), threat (CVSS of exploited vulnerabilities,\n"
    "               KEV) and the determination\n"
    "  quality      the post-mortem itself, 0-100: timeline, root causes and why-\n"
    "               chains, impact, actions, lessons, evidence, review, verification\n"
    "  priorities   each action, 0-100 and P1-P4, from its impact, effort, what it\n"
    "               addresses and the incident's severity\n"
    "  SSVC         each vulnerability's decision (track, track*, attend, act) in\n"
    "               the CISA coordinator table, with the four decision points\n"
    "\n"
    "Every score lists its terms: weight, level (0-1), points and why; the points add\n"
    "up to the score. Weights and tier boundaries come from the policy's \"scoring\".\n"
    "Document text is printed with control and bidi characters escaped. Use '-' to\n"
    "read the document from standard input.\n",
    "Exit status:\n"
    "  0  the scores were printed\n"
    "  2  a usage error, or a FILE or policy that cannot be read or parsed\n"
    "\n"
    "Examples:\n"
    "  postmortem score incident.json\n"
    "  postmortem score --format json incident.json | jq .severity.tier\n"
    "  echo '{\"scoring\": {\"severity_weights\": {\"cvss\": 20}}}' > weights.json\n"
    "  postmortem score --policy weights.json incident.json\n",
    options,
    run_score,
};

} // namespace pmcli
