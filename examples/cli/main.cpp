// postmortem: the command-line tool over libpostmortem.
//
// main() owns everything that is the same for every subcommand: finding the command (with
// "did you mean"), --help / help CMD / --version, and turning errors into a message on stderr
// and an exit status. The subcommands are the table in commands.cpp.
#include "commands.hpp"
#include "terminal.hpp"

#include <postmortem/error.hpp>
#include <postmortem/version.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <new>
#include <string>
#include <vector>

namespace pmcli {
namespace {

const OptionSpec global_options[] = {
    {"help", 'h', "", "show this help, or a command's help after its name"},
    {"version", 0, "", "print the version and exit"},
};

std::string render_top_help() {
  std::string list;
  std::size_t width = 0;
  for (const Command *c : commands()) width = std::max(width, c->name.size());
  for (const Command *c : commands())
    list += fmt::format("  {:<{}}  {}\n", c->name, width, c->summary);
  return fmt::format(
      "postmortem {}: check, score and report on cybersecurity incident post-mortems\n"
      "\n"
      "Usage: postmortem COMMAND [options] [FILE...]\n"
      "       postmortem help COMMAND\n"
      "       postmortem --help | --version\n"
      "\n"
      "Commands:\n"
      "{}\n"
      "{}\n"
      "Run 'postmortem help COMMAND' or 'postmortem COMMAND --help' for a command's options.\n"
      "FILE is a postmortem/1 JSON document, or '-' for standard input.\n"
      "\n"
      "Exit status: 0 success; 1 findings at or above --fail-on; 2 usage, input or I/O error.\n"
      "\n"
      "Examples:\n"
      "  postmortem check incident.json\n"
      "  postmortem help check\n",
      PM_VERSION_STRING, list, render_options(global_options));
}

const Command *find_command(std::string_view name) {
  for (const Command *c : commands())
    if (c->name == name) return c;
  return nullptr;
}

std::vector<std::string_view> command_names() {
  std::vector<std::string_view> names;
  for (const Command *c : commands()) names.push_back(c->name);
  return names;
}

// A usage error outside any command: says what is wrong and points at the top-level help.
class TopUsageError : public UsageError {
public:
  using UsageError::UsageError;
};

[[noreturn]] void unknown_command(std::string_view name) {
  auto names = command_names();
  auto suggestion = closest(name, names);
  throw TopUsageError(fmt::format("unknown command '{}'{}; the commands are {}", name,
                                  suggestion ? fmt::format(" (did you mean '{}'?)", *suggestion)
                                             : std::string{},
                                  quoted_list(names, "and")));
}

// `postmortem --format json check x`: the option exists, but after the command.
[[noreturn]] void unknown_global_option(std::string_view arg) {
  std::string_view name = arg.substr(0, arg.find('='));
  for (const Command *c : commands()) {
    for (const auto &o : c->options) {
      if (name == fmt::format("--{}", o.name))
        throw TopUsageError(fmt::format("option '{}' goes after the command, e.g. 'postmortem {} {} ...'",
                                        name, c->name, name));
    }
  }
  std::vector<std::string_view> names;
  for (const auto &o : global_options) names.push_back(o.name);
  std::string_view bare = name;
  while (!bare.empty() && bare.front() == '-') bare.remove_prefix(1);
  auto suggestion = closest(bare, names);
  throw TopUsageError(fmt::format("unknown option '{}'{}", name,
                                  suggestion ? fmt::format(" (did you mean '--{}'?)", *suggestion)
                                             : std::string{}));
}

int run_help(std::span<const std::string> args, Context &ctx) {
  if (args.empty()) {
    fmt::print(ctx.out, "{}", render_top_help());
    return exit_ok;
  }
  if (args.size() > 1)
    throw TopUsageError(fmt::format("'help' takes one COMMAND, got {}", args.size()));
  const Command *c = find_command(args[0]);
  if (!c) unknown_command(args[0]);
  fmt::print(ctx.out, "{}", render_help(*c));
  return exit_ok;
}

int run(std::span<const std::string> args, Context &ctx) {
  const Command *command = nullptr;
  try {
    if (args.empty()) {
      print_error(ctx, "no command given; see 'postmortem --help'");
      fmt::print(ctx.err, "\n{}", render_top_help());
      return exit_error;
    }
    const std::string &first = args[0];
    if (first == "-h" || first == "--help") return run_help({}, ctx);
    if (first == "--version") {
      fmt::print(ctx.out, "postmortem {}\n", PM_VERSION_STRING);
      return exit_ok;
    }
    if (first == "help") return run_help(args.subspan(1), ctx);
    if (first.starts_with("-") && first != "-") unknown_global_option(first);

    command = find_command(first);
    if (!command) unknown_command(first);
    auto rest = args.subspan(1);
    if (wants_help(rest)) {
      fmt::print(ctx.out, "{}", render_help(*command));
      return exit_ok;
    }
    return command->run(parse_options(rest, command->options), ctx);
  } catch (const TopUsageError &e) {
    print_error(ctx, fmt::format("{}; see 'postmortem --help'", e.what()));
  } catch (const UsageError &e) {
    print_error(ctx, fmt::format("{}; see 'postmortem {}--help'", e.what(),
                                 command ? fmt::format("{} ", command->name) : std::string{}));
  } catch (const InputError &e) {
    print_error(ctx, e.what());
  } catch (const postmortem::error &e) {
    print_error(ctx, e.what());
  } catch (const std::bad_alloc &) {
    print_error(ctx, "out of memory");
  } catch (const std::exception &e) {
    print_error(ctx, fmt::format("internal error: {}; please report it with the input that caused it",
                                 e.what()));
  }
  return exit_error;
}

} // namespace
} // namespace pmcli

int main(int argc, char **argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  pmcli::Context ctx;
  ctx.out_colour = pmcli::colour_supported(stdout);
  int status = pmcli::run(args, ctx);
  // Output that did not reach its destination (a full disk, a closed pipe) is an I/O error.
  errno = 0;
  if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
    pmcli::print_error(ctx, fmt::format("cannot write standard output: {}",
                                        std::strerror(errno ? errno : EIO)));
    status = pmcli::exit_error;
  }
  return status;
}
