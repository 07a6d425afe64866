#include "command.hpp"
#include "terminal.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <memory>

namespace pmcli {

std::string display_name(const std::string &operand) {
  return operand == "-" ? std::string("<stdin>") : operand;
}

void print_error(Context &ctx, std::string_view message) {
  fmt::print(ctx.err, "postmortem: {}\n", escape_for_terminal(message));
}

std::string read_input(const std::string &name, std::size_t max_bytes, bool &truncated, Context &ctx) {
  truncated = false;
  const bool is_stdin = name == "-";
  if (is_stdin) {
    if (ctx.stdin_used)
      throw UsageError("'-' (standard input) can be read only once per run");
    ctx.stdin_used = true;
  }
  auto cannot_read = [&](int err) {
    return InputError(is_stdin ? fmt::format("cannot read standard input: {}", std::strerror(err))
                               : fmt::format("cannot read '{}': {}", name, std::strerror(err)));
  };

  std::unique_ptr<std::FILE, int (*)(std::FILE *)> owned(nullptr, std::fclose);
  std::FILE *f = stdin;
  if (!is_stdin) {
    errno = 0;
    owned.reset(std::fopen(name.c_str(), "rb"));
    if (!owned) throw cannot_read(errno ? errno : ENOENT);
    f = owned.get();
  }

  // One byte beyond the limit is enough to know the input is over it.
  const std::size_t cap =
      max_bytes == std::numeric_limits<std::size_t>::max() ? max_bytes : max_bytes + 1;
  std::string text;
  char buffer[1 << 16];
  while (text.size() < cap) {
    const std::size_t want = std::min(sizeof buffer, cap - text.size());
    errno = 0;
    const std::size_t got = std::fread(buffer, 1, want, f);
    text.append(buffer, got);
    if (got < want) {
      if (std::ferror(f)) throw cannot_read(errno ? errno : EIO); // e.g. EISDIR for a directory
      break;
    }
  }
  if (text.size() > max_bytes) {
    truncated = true;
    text.resize(max_bytes);
  }
  return text;
}

} // namespace pmcli
