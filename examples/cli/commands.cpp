#include "commands.hpp"

#include <fmt/format.h>

namespace pmcli {

std::span<const Command *const> commands() {
  // One entry per subcommand, in the order `postmortem --help` lists them.
  static const Command *const table[] = {
      &check_command,
      &metrics_command,
      &score_command,
      &plan_command,
      &report_command,
      &cvss_command,
      &import_command,
      &export_command,
      &stats_command,
  };
  return table;
}

std::string render_help(const Command &command) {
  return fmt::format("Usage: postmortem {}\n\n{}\n{}\n{}", command.usage, command.description,
                     render_options(command.options), command.details);
}

} // namespace pmcli
