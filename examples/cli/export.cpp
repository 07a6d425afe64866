// `postmortem export`: one document in a sharing format, VERIS 1.4 or STIX 2.1
// (docs/interop.md), optionally redacted first.
#include "commands.hpp"
#include "report_common.hpp"

#include <postmortem/interop.hpp>

#include <fmt/format.h>

#include <string>
#include <string_view>

namespace pmcli {
namespace {

namespace pm = postmortem;

constexpr std::string_view export_formats[] = {"veris", "stix"};

const OptionSpec options[] = {
    {"to", 0, "FORMAT",
     "'veris': VERIS 1.4 JSON (the DBIR's format; no TLP marking);\n"
     "'stix': a STIX 2.1 bundle with TLP markings and deterministic ids\n"
     "(required)",
     export_formats},
    {"redact", 0, "", "remove people's names, owners, participants, evidence\nlocations and x_ extensions first"},
    {"redact-field", 0, "PATH",
     "remove this free-text member too, e.g. incident.summary or\n"
     "timeline[].description (docs/interop.md lists them); repeatable;\n"
     "implies --redact",
     {}, true},
    {"organization", 0, "NAME", "the organization the incident happened to (STIX identity,\nVERIS victim)"},
    {"output", 'o', "FILE", "write the export to FILE instead of standard output"},
    help_option,
};

int run_export(const ParsedArgs &args, Context &ctx) {
  const auto to = args.value("to");
  if (!to) throw UsageError("--to FORMAT is required: 'veris' or 'stix'");
  const pm::ExportFormat format = *to == "veris" ? pm::ExportFormat::veris : pm::ExportFormat::stix;
  const auto output = args.value("output");
  if (output && output->empty()) throw UsageError("--output needs a file name");
  if (args.operands.empty()) throw UsageError("no FILE; name one document, or '-' for standard input");
  if (args.operands.size() > 1) throw UsageError(fmt::format("one FILE at a time, got {}", args.operands.size()));

  // The options go through ExportOptions::parse, which checks field paths and suggests.
  boost::json::object o;
  const std::vector<std::string> fields = args.values("redact-field");
  if (!fields.empty()) {
    boost::json::array list;
    for (const auto &f : fields) list.emplace_back(f);
    o["redact"] = boost::json::object{{"fields", std::move(list)}};
  } else if (args.has("redact")) {
    o["redact"] = true;
  }
  if (auto name = args.value("organization")) o["organization"] = *name;
  pm::ExportOptions export_options;
  try {
    export_options = pm::ExportOptions::parse(boost::json::serialize(o));
  } catch (const pm::error &e) {
    throw UsageError(e.what());
  }

  const pm::Policy policy;
  const pm::Document doc = load_document(args.operands[0], policy, ctx);
  const std::string text = pm::export_document(doc, format, export_options, policy);
  if (output && *output != "-") {
    write_file(*output, text);
    return exit_ok;
  }
  print_json(ctx, text);
  return exit_ok;
}

} // namespace

extern const Command export_command{
    "export",
    "the document as VERIS 1.4 or a STIX 2.1 bundle, for sharing",
    "export --to veris|stix [options] FILE",
    "Writes one postmortem/1 document in a format the field shares incidents in\n"
    "(docs/interop.md maps every field):\n"
    "\n"
    "  veris  VERIS 1.4 JSON, valid against the VERIS schema: for the DBIR and\n"
    "         the VERIS community database\n"
    "  stix   a STIX 2.1 bundle: the incident, a course-of-action per action,\n"
    "         attack-patterns, vulnerabilities, the organization's identity and\n"
    "         their relationships, marked with the incident's TLP\n"
    "\n"
    "Exporting the same document twice gives the same bytes (ids are UUIDv5 of\n"
    "stable inputs). Before sharing with an ISAC or a vendor, --redact removes the\n"
    "people and where the evidence is; --redact-field removes free text as well.\n"
    "VERIS has no TLP marking: redact a restricted incident before exporting it.\n",
    "Exit status:\n"
    "  0  the export was written\n"
    "  2  a usage error, a FILE that cannot be read or parsed, or an output file\n"
    "     that cannot be written\n"
    "\n"
    "Examples:\n"
    "  postmortem export --to stix --organization 'Example Corp' incident.json\n"
    "  postmortem export --to veris --redact -o incident.veris.json incident.json\n"
    "  postmortem export --to stix --redact-field incident.summary \\\n"
    "      --redact-field 'timeline[].description' incident.json\n",
    options,
    run_export,
};

} // namespace pmcli
