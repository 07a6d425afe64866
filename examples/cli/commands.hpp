// The subcommands. Each is defined in its own file (check.cpp, ...) and listed once in the
// table in commands.cpp.
#ifndef POSTMORTEM_CLI_COMMANDS_HPP
#define POSTMORTEM_CLI_COMMANDS_HPP

#include "command.hpp"

namespace pmcli {

extern const Command check_command;
extern const Command metrics_command;
extern const Command score_command;
extern const Command plan_command;
extern const Command report_command;
extern const Command cvss_command;
extern const Command import_command;
extern const Command export_command;
extern const Command stats_command;

} // namespace pmcli

#endif
