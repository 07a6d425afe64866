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

constexpr std::size_t max_policy_bytes = std::size_t{16} << 20;

postmortem::Policy load_policy(const std::string &name, std::string_view command, Context &ctx) {
  bool truncated = false;
  const std::string shown = display_name(name);
  std::string text;
  try {
    text = read_input(name, max_policy_bytes, truncated, ctx);
  } catch (const InputError &e) {
    throw InputError(fmt::format("--policy: {}", e.what()));
  }
  if (truncated)
    throw InputError(fmt::format("policy '{}' is larger than {} bytes; a policy is a small JSON "
                                 "object (see 'postmortem {} --help')",
                                 shown, max_policy_bytes, command));
  try {
    return postmortem::Policy::parse(text);
  } catch (const postmortem::error &e) {
    throw InputError(fmt::format("invalid policy '{}': {}", shown, e.what()));
  }
}

postmortem::Timestamp parse_as_of(const std::string &text) {
  std::string why;
  auto t = postmortem::Timestamp::parse(text, &why);
  if (!t)
    throw UsageError(fmt::format("invalid --as-of '{}': {}; write an RFC 3339 timestamp with an "
                                 "offset, e.g. 2024-06-01T00:00:00Z",
                                 text, why));
  return *t;
}

} // namespace pmcli
