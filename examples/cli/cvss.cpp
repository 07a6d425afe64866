// `postmortem cvss`: scores CVSS v3.0, v3.1 and v4.0 vectors.
//
// The text format is rendered from the same JSON value that --format json prints
// (postmortem::to_value), so the two always say the same thing. A vector that is not valid
// is reported on stderr and the others are still scored; the exit status is then 2.
#include "commands.hpp"
#include "report_common.hpp"
#include "terminal.hpp"

#include <postmortem/cvss.hpp>
#include <postmortem/document.hpp>

#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pmcli {
namespace {

namespace pm = postmortem;
namespace json = boost::json;

const OptionSpec options[] = {
    {"format", 0, "FORMAT",
     "output format: 'text' (default), an aligned table; or 'json',\n"
     "an array of the library's score objects (docs/cvss.md)",
     text_json_formats},
    help_option,
};

// Standard input holds vectors, one per line; more than this is not a list of vectors.
constexpr std::size_t max_stdin_bytes = std::size_t{64} << 20;

// A vector echoed in an error message is cut to this many bytes (it may be anything).
constexpr std::size_t max_echo_bytes = 160;

std::string_view trim(std::string_view s) {
  constexpr std::string_view space = " \t\r\n\v\f";
  const auto first = s.find_first_not_of(space);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(space) - first + 1);
}

// The vectors to score: the operands in order, "-" replaced by the lines of standard input (blank lines and lines
// starting with '#' skipped, surrounding white space removed).
std::vector<std::string> collect(const std::vector<std::string> &operands, Context &ctx) {
  std::vector<std::string> inputs;
  for (const std::string &operand : operands) {
    if (operand != "-") {
      inputs.push_back(operand);
      continue;
    }
    bool truncated = false;
    const std::string text = read_input(operand, max_stdin_bytes, truncated, ctx);
    if (truncated)
      throw InputError(fmt::format("cvss: standard input is over {} bytes; give one vector per line",
                                   max_stdin_bytes));
    std::string_view rest = text;
    while (!rest.empty()) {
      const auto eol = rest.find('\n');
      const std::string_view line = trim(rest.substr(0, eol));
      rest = eol == std::string_view::npos ? std::string_view{} : rest.substr(eol + 1);
      if (line.empty() || line.front() == '#') continue;
      inputs.emplace_back(line);
    }
  }
  return inputs;
}

// The vector as an error message shows it: '' when empty, cut when long (at a UTF-8 boundary).
std::string echo(std::string_view vector) {
  if (vector.empty()) return "''";
  if (vector.size() <= max_echo_bytes) return std::string(vector);
  std::size_t cut = max_echo_bytes;
  while (cut > 0 && (static_cast<unsigned char>(vector[cut]) & 0xc0) == 0x80) --cut;
  return fmt::format("{}… ({} bytes)", vector.substr(0, cut), vector.size());
}

// The library's message without its "CVSS vector: " lead: the CLI says "cvss: VECTOR:" already.
std::string reason(std::string why) {
  constexpr std::string_view lead = "CVSS vector: ";
  if (why.starts_with(lead)) why.erase(0, lead.size());
  return why.empty() ? std::string("not a valid CVSS vector") : why;
}

// --- Text layout -------------------------------------------------------------------------

struct Column {
  std::string_view header;
  bool right; // numbers are right-aligned
};

// The columns of the table, in order; a column empty in every row is left out. The vector
// comes last so that its length pads nothing.
constexpr Column columns[] = {
    {"VERSION", false}, {"BASE", true},        {"TEMPORAL", true},     {"ENVIRONMENTAL", true},
    {"OVERALL", true},  {"SEVERITY", false},   {"MACROVECTOR", false}, {"VECTOR", false},
};
constexpr std::size_t column_count = std::size(columns);

std::string score_text(const json::object &o, std::string_view key) {
  const json::value *v = o.if_contains(key);
  return v && v->is_number() ? fmt::format("{:.1f}", v->to_number<double>()) : std::string();
}

std::string string_of(const json::object &o, std::string_view key) {
  const json::value *v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::string render_text(const json::array &results) {
  std::vector<std::vector<std::string>> rows;
  for (const json::value &v : results) {
    const json::object &o = v.as_object();
    rows.push_back({string_of(o, "version"), score_text(o, "base"), score_text(o, "temporal"),
                    score_text(o, "environmental"), score_text(o, "overall"), string_of(o, "severity"),
                    string_of(o, "macro_vector"), escape_for_terminal(string_of(o, "vector"))});
  }
  std::vector<std::size_t> shown;
  for (std::size_t c = 0; c < column_count; ++c)
    if (std::ranges::any_of(rows, [&](const auto &row) { return !row[c].empty(); })) shown.push_back(c);

  std::vector<std::size_t> width(column_count, 0);
  for (std::size_t c : shown) {
    width[c] = columns[c].header.size();
    for (const auto &row : rows) width[c] = std::max(width[c], display_width(row[c]));
  }
  std::string out;
  auto line = [&](auto &&cell) {
    std::string text;
    for (std::size_t i = 0; i < shown.size(); ++i) {
      const std::size_t c = shown[i];
      const std::string_view value = cell(c);
      const std::size_t pad = width[c] - display_width(value);
      const bool last = i + 1 == shown.size();
      if (i) text += "  ";
      if (columns[c].right) text.append(pad, ' ').append(value);
      else text.append(value).append(last ? 0 : pad, ' ');
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out += text;
    out += '\n';
  };
  line([](std::size_t c) { return columns[c].header; });
  for (const auto &row : rows) line([&](std::size_t c) { return std::string_view(row[c]); });
  return out;
}

// --- The command ---------------------------------------------------------------------------

int run_cvss(const ParsedArgs &args, Context &ctx) {
  if (args.operands.empty())
    throw UsageError("no VECTOR; give one or more CVSS vectors, or '-' to read them from standard input");
  const bool as_json = args.value("format") == "json";

  json::array results;
  bool failed = false;
  for (const std::string &vector : collect(args.operands, ctx)) {
    std::string why;
    if (std::optional<pm::CvssScores> scores = pm::try_cvss_score(vector, &why)) {
      results.push_back(pm::to_value(*scores));
    } else {
      failed = true;
      print_error(ctx, fmt::format("cvss: {}: {}", echo(vector), reason(std::move(why))));
    }
  }

  if (as_json) {
    std::string text = escape_json_for_terminal(pm::serialize_value(results, pm::WriteOptions{.pretty = true}));
    if (!text.ends_with('\n')) text += '\n';
    fmt::print(ctx.out, "{}", text);
  } else if (!results.empty()) {
    fmt::print(ctx.out, "{}", render_text(results));
  }
  return failed ? exit_error : exit_ok;
}

} // namespace

extern const Command cvss_command{
    "cvss",
    "score CVSS v3.0, v3.1 and v4.0 vectors",
    "cvss [options] VECTOR...",
    "Scores each CVSS vector exactly as the FIRST specifications define (docs/cvss.md):\n"
    "\n"
    "  v3.0, v3.1   the base score, and the temporal and environmental scores when such\n"
    "               metrics are given (not X)\n"
    "  v4.0         the base score (CVSS-B) and, when threat or environmental metrics are\n"
    "               given, the score of the whole vector (OVERALL: CVSS-BT, -BE or -BTE),\n"
    "               with its MacroVector (the six EQ digits)\n"
    "\n"
    "SEVERITY (None, Low, Medium, High, Critical) rates the most specific score. A vector\n"
    "starts with CVSS:3.0/, CVSS:3.1/ or CVSS:4.0/; the table shows it normalised, its\n"
    "metrics in the specification's order. Quote vectors in the shell. '-' reads vectors\n"
    "from standard input, one per line (blank lines and lines starting with '#' skipped).\n"
    "\n"
    "A vector that is not valid is reported on stderr as\n"
    "  postmortem: cvss: VECTOR: what is wrong, naming the metric\n"
    "and left out of the output; the other vectors are still scored and printed.\n",
    "Exit status:\n"
    "  0  every vector was scored\n"
    "  2  a vector that is not valid (the others were printed), or a usage error\n"
    "\n"
    "Examples:\n"
    "  postmortem cvss 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'\n"
    "  postmortem cvss --format json \"$VECTOR\" | jq '.[0].severity'\n"
    "  postmortem cvss - < vectors.txt\n",
    options,
    run_cvss,
};

} // namespace pmcli
