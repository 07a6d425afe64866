// What a subcommand is, and what it may use. A new subcommand is one Command object in its
// own file plus one line in the table in commands.cpp; main() does the rest (dispatch, help,
// "did you mean", error reporting and exit codes).
#ifndef POSTMORTEM_CLI_COMMAND_HPP
#define POSTMORTEM_CLI_COMMAND_HPP

#include "options.hpp"

#include <postmortem/policy.hpp>
#include <postmortem/time.hpp>

#include <cstddef>
#include <cstdio>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

namespace pmcli {

/// The process exit status, as documented in `postmortem --help`.
enum exit_status : int {
  exit_ok = 0,       ///< nothing at or above --fail-on
  exit_findings = 1, ///< findings at or above --fail-on
  exit_error = 2,    ///< usage, input or I/O error
};

/// An input that cannot be used (a file that cannot be read, a policy that does not parse).
/// The message says what and where; it is printed as `postmortem: <message>`, exit status 2.
class InputError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// What a handler writes to. Kept explicit so output never goes anywhere by accident.
struct Context {
  std::FILE *out = stdout;
  std::FILE *err = stderr;
  bool out_colour = false; ///< stdout may be coloured (a terminal, NO_COLOR unset)
  bool stdin_used = false; ///< `-` already read; a second `-` is a usage error
};

/// Runs a command on its parsed arguments; returns an exit_status. May throw UsageError,
/// InputError or postmortem::error; main() reports them.
using Handler = int (*)(const ParsedArgs &args, Context &ctx);

struct Command {
  std::string_view name;    ///< e.g. "check"
  std::string_view summary; ///< one line for the command list
  std::string_view usage;   ///< the synopsis after "Usage: postmortem ", e.g. "check [options] FILE..."
  std::string_view description; ///< help text printed before the options: what it does
  std::string_view details;     ///< help text printed after the options: exit status, examples
  std::span<const OptionSpec> options;
  Handler run;
};

/// Every subcommand, in the order `postmortem --help` lists them.
std::span<const Command *const> commands();

/// The full help text of a command: usage, description, options (from the table), the rest.
std::string render_help(const Command &command);

/// Prints `postmortem: <message>` on ctx.err, escaped for the terminal.
void print_error(Context &ctx, std::string_view message);

/**
 * Reads a whole file, or standard input for "-". Reads at most `max_bytes + 1` bytes, so a
 * caller can tell that an input exceeds a limit without loading all of it; `truncated` says so.
 * @throws InputError `cannot read 'NAME': <reason>`.
 * @throws UsageError when "-" is read a second time.
 */
std::string read_input(const std::string &name, std::size_t max_bytes, bool &truncated, Context &ctx);

/// The name to show for an operand: "<stdin>" for "-", else the name as given.
std::string display_name(const std::string &operand);

/**
 * Reads and parses the policy of `--policy NAME` ("-": standard input) for `command`.
 * @throws InputError when it cannot be read, is too large, or does not parse (the message
 *   names the file and says why).
 */
postmortem::Policy load_policy(const std::string &name, std::string_view command, Context &ctx);

/// Parses the value of `--as-of`. @throws UsageError naming the value and the expected form.
postmortem::Timestamp parse_as_of(const std::string &text);

} // namespace pmcli

#endif
