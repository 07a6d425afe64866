#include "terminal.hpp"

#include <postmortem/report.hpp>

#include <fmt/format.h>

#include <cstdlib>
#include <cstring>
#include <optional>

#include <unistd.h>

namespace pmcli {
// One definition of "unsafe" and one UTF-8 decoder, shared with the library's report writers.
bool is_unsafe_for_terminal(char32_t c) noexcept { return postmortem::is_unsafe_code_point(c); }

std::string escape_for_terminal(std::string_view text) { return postmortem::escape_terminal(text); }

std::string escape_json_for_terminal(std::string_view json) { return postmortem::escape_terminal_json(json); }

bool colour_supported(std::FILE *stream) {
  if (!isatty(fileno(stream))) return false;
  const char *no_color = std::getenv("NO_COLOR");
  if (no_color && *no_color) return false;
  const char *term = std::getenv("TERM");
  if (term && std::strcmp(term, "dumb") == 0) return false;
  return true;
}

} // namespace pmcli
