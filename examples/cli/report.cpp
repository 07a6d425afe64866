// `postmortem report`: the post-incident report of one document (docs/report.md), as
// Markdown, self-contained HTML or the JSON analysis bundle.
#include "commands.hpp"
#include "report_common.hpp"

#include <postmortem/report.hpp>

#include <fmt/format.h>

#include <string>
#include <string_view>

namespace pmcli {
namespace {

namespace pm = postmortem;

constexpr std::string_view report_formats[] = {"md", "markdown", "html", "json"};

const OptionSpec options[] = {
    {"format", 0, "FORMAT",
     "'md' or 'markdown' (default): reads as plain text, renders on\n"
     "forges; 'html': one self-contained file with the timeline and\n"
     "plan charts (no scripts, no remote loads); 'json': the analysis\n"
     "bundle (document, findings, metrics, score, plan)",
     report_formats},
    {"output", 'o', "FILE", "write the report to FILE instead of standard output"},
    {"policy", 0, "FILE",
     "read the policy from a JSON file ('-': standard input):\n"
     "thresholds, scoring weights, SLA days, rule severities"},
    {"as-of", 0, "TIMESTAMP",
     "an RFC 3339 time with an offset (2024-06-01T00:00:00Z) that\n"
     "overrides the policy's as_of: the report's date, and the day\n"
     "overdue and due dates are judged against (default: now). Fix it\n"
     "to get the same bytes every time"},
    help_option,
};

pm::ReportFormat format_of(const ParsedArgs &args) {
  const auto f = args.value("format");
  if (!f || *f == "md" || *f == "markdown") return pm::ReportFormat::markdown;
  return *f == "html" ? pm::ReportFormat::html : pm::ReportFormat::json;
}

int run_report(const ParsedArgs &args, Context &ctx) {
  const pm::ReportFormat format = format_of(args);
  const auto output = args.value("output");
  if (output && output->empty()) throw UsageError("--output needs a file name");
  DocumentReport input = load_document_report(args, "report", ctx);
  const std::string text = pm::render(input.doc, format, input.policy);
  if (output && *output != "-") {
    write_file(*output, text);
    return exit_ok;
  }
  // The writers escape every piece of document text; JSON strings keep it as data, so the
  // bundle is escaped for the terminal as every JSON output of the CLI is.
  if (format == pm::ReportFormat::json) print_json(ctx, text);
  else print_text(ctx, text);
  return exit_ok;
}

} // namespace

extern const Command report_command{
    "report",
    "the post-incident report: Markdown, HTML or the JSON bundle",
    "report [options] FILE",
    "Writes the post-incident report of one postmortem/1 document (docs/report.md):\n"
    "executive summary (what happened, severity and why, the metrics, key moments),\n"
    "impact, timeline, root causes and contributing factors with their why-chains, the\n"
    "remediation plan in plan order, open risks (overdue, unverified, ineffective),\n"
    "lessons learned, evidence with hashes and custody, and the post-mortem's own\n"
    "quality score and open findings. Sections with no data say so.\n"
    "\n"
    "Document text is escaped for the format (attackers write some of it: phishing\n"
    "subjects, file names, command lines). The HTML has no scripts and a\n"
    "Content-Security-Policy that forbids them and any remote load; it prints to PDF\n"
    "from a browser. Use '-' to read the document from standard input.\n",
    "Exit status:\n"
    "  0  the report was written (findings do not change the status: see `check`)\n"
    "  2  a usage error, a FILE or policy that cannot be read or parsed, or an output\n"
    "     file that cannot be written\n"
    "\n"
    "Examples:\n"
    "  postmortem report incident.json | less\n"
    "  postmortem report --format html --as-of 2024-06-01T00:00:00Z -o out.html in.json\n"
    "  postmortem report --format json incident.json | jq '.plan.overdue'\n",
    options,
    run_report,
};

} // namespace pmcli
