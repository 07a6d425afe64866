// The CLI's option parser: a table of OptionSpec per command, GNU-style long options.
//
// Accepted spellings: `--opt value`, `--opt=value`, `-h`, `-` (an operand: standard input),
// `--` (everything after it is an operand). Options and operands may be interleaved.
// A value that starts with '-' must be attached with '=' (`--policy=-odd.json`), so that a
// forgotten value never swallows the next option. Unique prefixes are *not* accepted (they
// break as soon as a new option shares the prefix); they are suggested instead.
#ifndef POSTMORTEM_CLI_OPTIONS_HPP
#define POSTMORTEM_CLI_OPTIONS_HPP

#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace pmcli {

/// A command-line mistake. The message says what is wrong; main() adds where to read more.
class UsageError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// One option of a command. The same table drives parsing and the "Options:" help section.
struct OptionSpec {
  std::string_view name;             ///< long name without dashes, e.g. "format"
  char short_name = 0;               ///< e.g. 'h', or 0 for none
  std::string_view metavar;          ///< e.g. "FORMAT"; empty for a flag without a value
  std::string_view help;             ///< description; '\n' starts an aligned continuation line
  std::span<const std::string_view> choices = {}; ///< allowed values; empty means any
  bool repeatable = false;           ///< may be given more than once (values kept in order)
};

struct ParsedOption {
  const OptionSpec *spec;
  std::string value; ///< empty for a flag
};

/// The result of parsing: options in the order given, and the operands.
struct ParsedArgs {
  std::vector<ParsedOption> options;
  std::vector<std::string> operands;

  bool has(std::string_view name) const;
  /// The value of a non-repeatable option, or nullopt when it was not given.
  std::optional<std::string> value(std::string_view name) const;
  /// Every value of a repeatable option, in command-line order.
  std::vector<std::string> values(std::string_view name) const;
};

/**
 * Parses `args` (the arguments after the command name) against `specs`.
 * @throws UsageError for an unknown option (with a "did you mean" suggestion), a missing or
 *   unexpected value, a value outside `choices`, or a non-repeatable option given twice.
 */
ParsedArgs parse_options(std::span<const std::string> args, std::span<const OptionSpec> specs);

/// True when `args` asks for help (`-h` or `--help` before any `--`).
bool wants_help(std::span<const std::string> args);

/// The candidate closest to `typed` in edit distance, when close enough to be a likely typo
/// (or when `typed` is a prefix of exactly one candidate); otherwise nullopt.
std::optional<std::string_view> closest(std::string_view typed,
                                        std::span<const std::string_view> candidates);

/// The "Options:" section of a help text, rendered from the table.
std::string render_options(std::span<const OptionSpec> specs);

/// `'a', 'b' or 'c'`, for messages that list the allowed values.
std::string quoted_list(std::span<const std::string_view> items, std::string_view last_joiner = "or");

} // namespace pmcli

#endif
