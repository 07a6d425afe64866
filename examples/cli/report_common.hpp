// What the one-document report commands (metrics, score, plan) share, and the table helpers
// that cvss uses as well: the option table entries, reading the document with its policy,
// printing the result as JSON or as text, and an aligned text table.
#ifndef POSTMORTEM_CLI_REPORT_COMMON_HPP
#define POSTMORTEM_CLI_REPORT_COMMON_HPP

#include "command.hpp"

#include <postmortem/document.hpp>
#include <postmortem/policy.hpp>

#include <boost/json.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace pmcli {

/// The choices of a `--format` that is 'text' or 'json'.
inline constexpr std::string_view text_json_formats[] = {"text", "json"};

/// The `--help` entry of a command's option table.
inline constexpr OptionSpec help_option{"help", 'h', "", "show this help and exit"};

// --- Text layout -------------------------------------------------------------------------

/// Columns in code points: cells are escaped (valid UTF-8, no controls) before measuring.
std::size_t display_width(std::string_view s);

/// An aligned table, indented by two spaces, columns two spaces apart. Columns listed in
/// `right` are right-aligned (numbers); the last column is never padded.
struct Table {
  std::vector<std::string> header;
  std::vector<std::size_t> right;
  std::vector<std::vector<std::string>> rows;

  /// Adds a row, its cells escaped for the terminal.
  void add(std::vector<std::string> row);
  std::string render() const;
};

/// The string member `key` of `o`, or "" when absent or not a string.
std::string str(const boost::json::object &o, std::string_view key);

/// "Incident ID: TITLE" of a document that has an incident, escaped for the terminal.
std::string incident_heading(const postmortem::Document &doc);

// --- One document in, one report out --------------------------------------------------------

/**
 * Reads and parses one document (operand "-": standard input) under `policy`.
 * @throws InputError when it cannot be read, is over max_document_bytes or does not parse.
 */
postmortem::Document load_document(const std::string &operand, const postmortem::Policy &policy, Context &ctx);

/// The input of a report command: the document, its policy, and whether --format is json.
struct DocumentReport {
  postmortem::Policy policy;
  postmortem::Document doc;
  bool as_json = false;
};

/**
 * Checks the operands (exactly one FILE) and reads --policy, --as-of, --format and the
 * document, for the command `command` (named in messages).
 * @throws UsageError, InputError.
 */
DocumentReport load_document_report(const ParsedArgs &args, std::string_view command, Context &ctx);

/// Prints JSON on ctx.out, escaped for the terminal, ending with a newline.
void print_json(Context &ctx, std::string_view json);

/// Prints text on ctx.out as it is.
void print_text(Context &ctx, const std::string &text);

/// Writes `text` to `path` through a temporary file in the same folder, renamed over it once
/// complete, so an existing file is never left half-written. @throws InputError.
void write_file(const std::string &path, std::string_view text);

/// The text rendering of a report: from the document and the JSON value of the result.
using RenderText = std::string (*)(const postmortem::Document &doc, const boost::json::object &root);

/**
 * Runs a report command: loads the document (load_document_report), computes the result with
 * `compute(doc, policy)`, and prints it as pretty JSON (postmortem::to_json) or as the text
 * `render_text` makes of postmortem::to_value. Returns exit_ok.
 */
template <class Compute>
int run_document_report(const ParsedArgs &args, Context &ctx, std::string_view command, Compute &&compute,
                        RenderText render_text) {
  const DocumentReport in = load_document_report(args, command, ctx);
  const auto result = compute(in.doc, in.policy);
  if (in.as_json) {
    print_json(ctx, to_json(result, in.doc, postmortem::WriteOptions{.pretty = true}));
  } else {
    const boost::json::value root = to_value(result, in.doc);
    print_text(ctx, render_text(in.doc, root.as_object()));
  }
  return exit_ok;
}

} // namespace pmcli

#endif
