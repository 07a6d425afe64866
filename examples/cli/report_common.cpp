#include "report_common.hpp"
#include "terminal.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <utility>

#include <unistd.h>

namespace pmcli {

namespace pm = postmortem;
namespace json = boost::json;

std::size_t display_width(std::string_view s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xc0) != 0x80; }));
}

void Table::add(std::vector<std::string> row) {
  for (auto &cell : row) cell = escape_for_terminal(cell);
  rows.push_back(std::move(row));
}

std::string Table::render() const {
  std::vector<std::size_t> width(header.size(), 0);
  auto measure = [&](const std::vector<std::string> &row) {
    for (std::size_t c = 0; c < row.size() && c < width.size(); ++c)
      width[c] = std::max(width[c], display_width(row[c]));
  };
  measure(header);
  for (const auto &row : rows) measure(row);
  std::string out;
  auto line = [&](const std::vector<std::string> &row) {
    std::string text = " ";
    for (std::size_t c = 0; c < row.size(); ++c) {
      const std::size_t pad = width[c] - display_width(row[c]);
      const bool last = c + 1 == row.size();
      text += ' ';
      if (std::ranges::find(right, c) != right.end()) text.append(pad, ' ').append(row[c]);
      else text.append(row[c]).append(last ? 0 : pad, ' ');
      if (!last) text += ' ';
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out += text;
    out += '\n';
  };
  line(header);
  for (const auto &row : rows) line(row);
  return out;
}

std::string str(const json::object &o, std::string_view key) {
  const json::value *v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::string incident_heading(const pm::Document &doc) {
  if (!doc.incident) return {};
  const auto &inc = *doc.incident;
  return escape_for_terminal(
      fmt::format("Incident {}{}", inc.id.value_or("(no id)"), inc.title ? ": " + *inc.title : std::string()));
}

pm::Document load_document(const std::string &operand, const pm::Policy &policy, Context &ctx) {
  const std::size_t max_bytes = policy.limits.max_document_bytes;
  bool truncated = false;
  std::string text = read_input(operand, max_bytes, truncated, ctx);
  const std::string shown = display_name(operand);
  if (truncated)
    throw InputError(fmt::format("{}: the document is over the limit of {} bytes (max_document_bytes); raise "
                                 "limits.max_document_bytes in a --policy file",
                                 shown, max_bytes));
  try {
    return pm::parse(text, policy);
  } catch (const pm::error &e) {
    throw InputError(fmt::format("{}: {}; 'postmortem check' lists a document's problems", shown, e.what()));
  }
}

DocumentReport load_document_report(const ParsedArgs &args, std::string_view command, Context &ctx) {
  if (args.operands.empty()) throw UsageError("no FILE; name one document, or '-' for standard input");
  if (args.operands.size() > 1) throw UsageError(fmt::format("one FILE at a time, got {}", args.operands.size()));
  const auto policy_file = args.value("policy");
  if (policy_file == "-" && args.operands[0] == "-")
    throw UsageError("'-' (standard input) is given more than once; it can be read only once");
  const bool as_json = args.value("format") == "json";

  pm::Policy policy;
  if (policy_file) policy = load_policy(*policy_file, command, ctx);
  if (auto as_of = args.value("as-of")) policy.as_of = parse_as_of(*as_of);

  pm::Document doc = load_document(args.operands[0], policy, ctx);
  return DocumentReport{std::move(policy), std::move(doc), as_json};
}

void print_json(Context &ctx, std::string_view json) {
  std::string text = escape_json_for_terminal(json);
  if (!text.ends_with('\n')) text += '\n';
  fmt::print(ctx.out, "{}", text);
}

void print_text(Context &ctx, const std::string &text) { fmt::print(ctx.out, "{}", text); }

/// Writes `text` to `path` through a temporary file in the same folder, renamed over it once
/// complete, so an existing file (the --into document) is never left half-written.
void write_file(const std::string &path, std::string_view text) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  fs::path temp = target;
  temp += fmt::format(".tmp-{}", static_cast<long>(::getpid()));
  auto fail = [&](int err) {
    std::error_code ignored;
    fs::remove(temp, ignored);
    return InputError(fmt::format("cannot write '{}': {}", path, std::strerror(err)));
  };
  errno = 0;
  std::FILE *f = std::fopen(temp.c_str(), "wb");
  if (!f) {
    const int err = errno ? errno : EIO;
    throw InputError(fmt::format("cannot write '{}': {}", path, std::strerror(err)));
  }
  errno = 0;
  const bool written = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  const int write_errno = errno;
  if (std::fclose(f) != 0 || !written) throw fail(write_errno ? write_errno : (errno ? errno : EIO));
  std::error_code ec;
  fs::rename(temp, target, ec);
  if (ec) throw fail(ec.value());
}


} // namespace pmcli
