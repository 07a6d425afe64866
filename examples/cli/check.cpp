// `postmortem check`: validate documents and print their findings.
#include "commands.hpp"
#include "terminal.hpp"

#include <postmortem/document.hpp>
#include <postmortem/policy.hpp>
#include <postmortem/time.hpp>
#include <postmortem/validate.hpp>
#include <postmortem/version.h>

#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <regex>
#include <string>
#include <vector>

namespace pmcli {
namespace {

namespace pm = postmortem;

constexpr std::string_view format_names[] = {"text", "json", "sarif"};
constexpr std::string_view fail_on_names[] = {"error", "warning", "info", "none"};

const OptionSpec options[] = {
    {"format", 0, "FORMAT",
     "output format: 'text' (default), one line per finding like a\n"
     "compiler; 'json', one object for the whole run; or 'sarif',\n"
     "a SARIF 2.1.0 log (every rule, one result per finding)",
     format_names},
    {"fail-on", 0, "SEVERITY",
     "exit with status 1 when a finding is at or above SEVERITY:\n"
     "'error' (default), 'warning', 'info', or 'none' (never)",
     fail_on_names},
    {"policy", 0, "FILE",
     "read the policy from a JSON file ('-': standard input): \"as_of\",\n"
     "\"rules\" (severity per rule code, or \"off\"), \"thresholds\",\n"
     "\"regulatory_deadlines\" and \"limits\" (docs/rules.md), e.g.\n"
     "{\"rules\": {\"PM403\": \"off\"}, \"as_of\": \"2024-06-01T00:00:00Z\"}"},
    {"rule", 0, "CODE=LEVEL",
     "set one rule's severity: error, warning, info, or off to turn\n"
     "it off, e.g. --rule PM403=off; repeatable; overrides --policy",
     {}, /*repeatable=*/true},
    {"as-of", 0, "TIMESTAMP",
     "judge time-relative rules (overdue actions...) as of this\n"
     "RFC 3339 time with an offset, e.g. 2024-06-01T00:00:00Z,\n"
     "instead of now; overrides the policy's as_of"},
    {"no-color", 0, "",
     "never colour the output (severity words are coloured only\n"
     "when stdout is a terminal and NO_COLOR is unset or empty)"},
    {"help", 'h', "", "show this help and exit"},
};

enum class Format { text, json, sarif };

struct Settings {
  Format format = Format::text;
  int fail_threshold = 0; ///< a finding fails the run when its severity number <= this; -1: never
  pm::Policy policy;
  bool colour = false;
};

Settings settings_from(const ParsedArgs &args, Context &ctx) {
  Settings s;
  if (args.operands.empty())
    throw UsageError("no FILE to check; name one or more documents, or '-' for standard input");
  auto policy_file = args.value("policy");
  const auto stdin_reads = std::count(args.operands.begin(), args.operands.end(), "-") +
                           (policy_file == "-" ? 1 : 0);
  if (stdin_reads > 1)
    throw UsageError("'-' (standard input) is given more than once; it can be read only once");

  if (auto f = args.value("format"))
    s.format = *f == "json" ? Format::json : *f == "sarif" ? Format::sarif : Format::text;
  if (auto f = args.value("fail-on")) // the parser has checked it is one of fail_on_names
    s.fail_threshold = *f == "none" ? -1 : static_cast<int>(*pm::enum_from_string<pm::Severity>(*f));
  if (policy_file) s.policy = load_policy(*policy_file, "check", ctx);
  for (const auto &assignment : args.values("rule")) {
    try {
      s.policy.set_rule(assignment);
    } catch (const pm::error &e) {
      throw UsageError(fmt::format("invalid --rule '{}': {}", assignment, e.what()));
    }
  }
  if (auto as_of = args.value("as-of")) s.policy.as_of = parse_as_of(*as_of);
  s.colour = ctx.out_colour && !args.has("no-color");
  return s;
}

bool is_document_error(pm::errc code) {
  return code == pm::errc::parse || code == pm::errc::limit || code == pm::errc::version;
}

// The findings of one input, or nullopt when it could not be checked (reported on stderr).
std::optional<std::vector<pm::Finding>> check_one(const std::string &operand, const pm::Policy &policy,
                                                  Context &ctx) {
  const std::size_t max_bytes = policy.limits.max_document_bytes;
  bool truncated = false;
  std::string text;
  try {
    text = read_input(operand, max_bytes, truncated, ctx);
  } catch (const InputError &e) {
    print_error(ctx, e.what());
    return std::nullopt;
  }
  try {
    if (truncated)
      throw pm::error(pm::errc::limit,
                      fmt::format("the document is over the limit of {} bytes (max_document_bytes); "
                                  "raise limits.max_document_bytes in a --policy file to check it",
                                  max_bytes));
    return pm::validate(pm::parse(text, policy), policy);
  } catch (const pm::error &e) {
    if (!is_document_error(e.code())) {
      print_error(ctx, fmt::format("{}: {}", display_name(operand), e.what()));
      return std::nullopt;
    }
    // A document that does not parse is a finding (PM100, PM101) like any other, and the
    // policy applies to it like to any other.
    pm::Finding f = pm::finding_from_error(e);
    auto severity = policy.severity_of(f.code, f.severity);
    if (!severity) return std::vector<pm::Finding>{};
    f.severity = *severity;
    return std::vector<pm::Finding>{std::move(f)};
  }
}

struct Tally {
  std::size_t files = 0, unreadable = 0, errors = 0, warnings = 0, info = 0;
  bool failed = false;

  void add(const std::vector<pm::Finding> &findings, int fail_threshold) {
    ++files;
    for (const auto &f : findings) {
      switch (f.severity) {
      case pm::Severity::error: ++errors; break;
      case pm::Severity::warning: ++warnings; break;
      case pm::Severity::info: ++info; break;
      }
      if (static_cast<int>(f.severity) <= fail_threshold) failed = true;
    }
  }
};

std::string plural(std::size_t n, std::string_view word) {
  return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

std::string severity_word(pm::Severity severity, bool colour) {
  const std::string_view word = pm::to_string(severity);
  if (!colour) return std::string(word);
  std::string_view on = severity == pm::Severity::error     ? sgr::red
                        : severity == pm::Severity::warning ? sgr::yellow
                                                            : sgr::cyan;
  return fmt::format("{}{}{}", on, word, sgr::reset);
}

// `FILE: /pointer: error PM102: message` and an indented hint, like a compiler. The pointer is
// left out for findings about the whole document (path "").
void print_text(Context &ctx, const std::string &file, const std::vector<pm::Finding> &findings,
                bool colour) {
  const std::string shown_file = escape_for_terminal(file);
  for (const auto &f : findings) {
    std::string where = f.path.empty() ? shown_file
                                       : fmt::format("{}: {}", shown_file, escape_for_terminal(f.path));
    fmt::print(ctx.out, "{}: {} {}: {}\n", where, severity_word(f.severity, colour),
               escape_for_terminal(f.code), escape_for_terminal(f.message));
    if (!f.hint.empty()) fmt::print(ctx.out, "  hint: {}\n", escape_for_terminal(f.hint));
  }
}

void print_text_summary(Context &ctx, const Tally &t) {
  std::string files = fmt::format("{} checked", plural(t.files, "file"));
  if (t.unreadable) files += fmt::format(" ({} could not be read)", t.unreadable);
  fmt::print(ctx.out, "{}: {}, {}, {} info\n", files, plural(t.errors, "error"),
             plural(t.warnings, "warning"), t.info);
}

boost::json::value file_to_json(const std::string &file, const std::vector<pm::Finding> &findings) {
  return boost::json::object{{"file", file}, {"findings", boost::json::parse(pm::findings_to_json(findings))}};
}

void print_json(Context &ctx, boost::json::array files, const Tally &t) {
  boost::json::object root;
  root["files"] = std::move(files);
  root["summary"] = boost::json::object{{"files", t.files},   {"unreadable", t.unreadable},
                                        {"errors", t.errors}, {"warnings", t.warnings},
                                        {"info", t.info}};
  std::string text = escape_json_for_terminal(pm::serialize_value(root, pm::WriteOptions{.pretty = true}));
  if (!text.ends_with('\n')) text += '\n';
  fmt::print(ctx.out, "{}", text);
}

// --- SARIF 2.1.0 (https://docs.oasis-open.org/sarif/sarif/v2.1.0/) ----------------------------

std::string_view sarif_level(pm::Severity severity) {
  switch (severity) {
  case pm::Severity::error: return "error";
  case pm::Severity::warning: return "warning";
  case pm::Severity::info: break;
  }
  return "note";
}

// "Document must have a title" -> "DocumentMustHaveATitle": a SARIF rule name is an identifier.
std::string camel_case(std::string_view title) {
  std::string out;
  bool start = true;
  for (char c : title) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      out += start ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
      start = false;
    } else {
      start = true;
    }
  }
  return out;
}

boost::json::array sarif_rules() {
  boost::json::array out;
  for (const auto &r : pm::rules()) {
    out.push_back(boost::json::object{
        {"id", r.code},
        {"name", camel_case(r.title)},
        {"shortDescription", boost::json::object{{"text", r.title}}},
        {"fullDescription", boost::json::object{{"text", r.why}}},
        {"help", boost::json::object{{"text", r.fix}}},
        {"defaultConfiguration", boost::json::object{{"level", sarif_level(r.severity)}}},
        {"properties", boost::json::object{{"family", r.family}}},
    });
  }
  return out;
}

// Appends one SARIF result per finding of `operand` to `results`.
void add_sarif_results(boost::json::array &results, const std::string &operand,
                       const std::vector<pm::Finding> &findings) {
  static const std::regex line_column(R"(line (\d+), column (\d+))");
  const auto catalog = pm::rules();
  for (const auto &f : findings) {
    boost::json::object physical{
        {"artifactLocation", boost::json::object{{"uri", operand == "-" ? std::string("stdin") : operand}}}};
    std::smatch m;
    if (f.code == "PM100" && std::regex_search(f.message, m, line_column)) {
      try {
        physical["region"] = boost::json::object{{"startLine", std::stoll(m[1].str())},
                                                 {"startColumn", std::stoll(m[2].str())}};
      } catch (const std::exception &) { // out of range: leave the region out
      }
    }
    boost::json::object location{{"physicalLocation", std::move(physical)}};
    location["logicalLocations"] =
        boost::json::array{boost::json::object{{"fullyQualifiedName", f.path}, {"kind", "member"}}};
    boost::json::object result{{"ruleId", f.code}};
    if (const pm::Rule *rule = pm::find_rule(f.code))
      result["ruleIndex"] = static_cast<std::size_t>(rule - catalog.data());
    result["level"] = sarif_level(f.severity);
    result["message"] = boost::json::object{{"text", f.message}};
    result["locations"] = boost::json::array{std::move(location)};
    if (!f.hint.empty()) result["properties"] = boost::json::object{{"hint", f.hint}};
    results.push_back(std::move(result));
  }
}

void print_sarif(Context &ctx, boost::json::array results, const Tally &t) {
  boost::json::object driver{{"name", "postmortem"},
                             {"version", PM_VERSION_STRING},
                             {"informationUri", "https://libpostmortem.invalid/"},
                             {"rules", sarif_rules()}};
  boost::json::object run{
      {"tool", boost::json::object{{"driver", std::move(driver)}}},
      {"invocations", boost::json::array{boost::json::object{{"executionSuccessful", t.unreadable == 0}}}},
      {"results", std::move(results)}};
  boost::json::object root{{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
                           {"version", "2.1.0"},
                           {"runs", boost::json::array{std::move(run)}}};
  std::string text = escape_json_for_terminal(pm::serialize_value(root, pm::WriteOptions{.pretty = true}));
  if (!text.ends_with('\n')) text += '\n';
  fmt::print(ctx.out, "{}", text);
}

int run_check(const ParsedArgs &args, Context &ctx) {
  const Settings s = settings_from(args, ctx);
  Tally tally;
  boost::json::array files, sarif_results;
  for (const auto &operand : args.operands) {
    auto findings = check_one(operand, s.policy, ctx);
    if (!findings) {
      ++tally.unreadable;
      continue;
    }
    tally.add(*findings, s.fail_threshold);
    if (s.format == Format::text) print_text(ctx, display_name(operand), *findings, s.colour);
    else if (s.format == Format::sarif) add_sarif_results(sarif_results, operand, *findings);
    else files.push_back(file_to_json(display_name(operand), *findings));
  }
  if (s.format == Format::text) print_text_summary(ctx, tally);
  else if (s.format == Format::sarif) print_sarif(ctx, std::move(sarif_results), tally);
  else print_json(ctx, std::move(files), tally);

  if (tally.unreadable) return exit_error;
  return tally.failed ? exit_findings : exit_ok;
}

} // namespace

extern const Command check_command{
    "check",
    "validate post-mortem documents against the rule catalog",
    "check [options] FILE...",
    "Validates each postmortem/1 document (JSON) against the rule catalog and prints every\n"
    "finding, grouped by file, as FILE: JSON-POINTER: SEVERITY CODE: MESSAGE and a hint:\n"
    "\n"
    "  incident.json: /actions/0/impact: error PM110: impact is 9; it must be from 1 to 5\n"
    "    hint: Use a finite number within the range stated in the message.\n"
    "\n"
    "then one summary line. A file that is not JSON (or exceeds a limit) is reported as\n"
    "finding PM100, and a missing or unsupported 'schema' as PM101, so every problem shows\n"
    "the same way. Use '-' to read a document from standard input. Document text is printed\n"
    "with control and bidi characters escaped (\\x1b, \\u202e): attackers write some of it.\n"
    "\n"
    "The policy starts from the defaults, then --policy, then each --rule in order, then\n"
    "--as-of. Without an as_of, time-relative rules use the current time.\n",
    "JSON output (--format json), with \"hint\" left out when there is none:\n"
    "  {\"files\": [\n"
    "     {\"file\": \"incident.json\",\n"
    "      \"findings\": [{\"code\": \"PM110\", \"severity\": \"error\", \"path\": \"/actions/0/impact\",\n"
    "                    \"message\": \"...\", \"hint\": \"...\"}]}],\n"
    "   \"summary\": {\"files\": 1, \"unreadable\": 0, \"errors\": 1, \"warnings\": 0, \"info\": 0}}\n"
    "\n"
    "SARIF output (--format sarif) is a SARIF 2.1.0 log for code-scanning tools: one run whose\n"
    "tool.driver.rules is the whole rule catalog, and one result per finding with its level\n"
    "(info is \"note\"), the file as an artifactLocation and the JSON Pointer as a\n"
    "logicalLocation; a PM100 result also has the region (line, column) when known.\n"
    "\n"
    "Exit status:\n"
    "  0  no finding at or above --fail-on\n"
    "  1  at least one finding at or above --fail-on\n"
    "  2  a usage error or an invalid policy (nothing is checked), or a FILE that cannot\n"
    "     be read (the other files are still checked)\n"
    "\n"
    "Examples:\n"
    "  postmortem check incident.json\n"
    "  postmortem check --fail-on warning incidents/*.json\n"
    "  postmortem check --format json --as-of 2024-06-01T00:00:00Z incident.json > out.json\n"
    "  postmortem check --format sarif --fail-on none incidents/*.json > postmortem.sarif\n"
    "  postmortem check --policy team.json --rule PM403=off --rule PM102=warning incident.json\n"
    "  curl -s https://tickets.example/pm/123.json | postmortem check -\n",
    options,
    run_check,
};

} // namespace pmcli
