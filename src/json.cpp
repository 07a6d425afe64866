// Boost.JSON is compiled into the library here, header-only, so that hosts linking the
// shared C library never see (or clash with) its symbols.
#include <boost/json/src.hpp>

#include <postmortem/document.hpp>

#include "json_detail.hpp"
#include "text.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <string>

PM_BEGIN_NAMESPACE

namespace {

namespace json = boost::json;

void write_string(std::string &out, json::string_view s) {
  // boost::json::serialize escapes exactly as RFC 8259 requires; reuse it for strings.
  out += json::serialize(json::value(s));
}

void write_double(std::string &out, double d) {
  if (std::isnan(d)) {
    out += "null"; // unreachable for parsed documents: JSON has no NaN
    return;
  }
  if (std::isinf(d)) {
    // Keeps the meaning of a number too large for a double (1e400 parses as infinity).
    out += d > 0 ? "1e999" : "-1e999";
    return;
  }
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, d); // shortest round-trip form
  std::string_view text(buf, static_cast<std::size_t>(r.ptr - buf));
  out += text;
  // Keep a double a double on re-reading: 5.0 is written "5.0", not "5".
  if (text.find_first_of(".e") == std::string_view::npos) out += ".0";
}

void write(std::string &out, const json::value &v, bool pretty, int indent) {
  auto newline = [&](int level) {
    if (!pretty) return;
    out += '\n';
    out.append(static_cast<std::size_t>(level) * 2, ' ');
  };
  switch (v.kind()) {
  case json::kind::null: out += "null"; break;
  case json::kind::bool_: out += v.get_bool() ? "true" : "false"; break;
  case json::kind::int64: out += std::to_string(v.get_int64()); break;
  case json::kind::uint64: out += std::to_string(v.get_uint64()); break;
  case json::kind::double_: write_double(out, v.get_double()); break;
  case json::kind::string: write_string(out, v.get_string()); break;
  case json::kind::array: {
    const auto &a = v.get_array();
    if (a.empty()) { out += "[]"; break; }
    // Arrays of scalars stay on one line: timelines of ids read better that way.
    bool flat = true;
    for (const auto &e : a) flat = flat && !e.is_structured();
    out += '[';
    bool first = true;
    for (const auto &e : a) {
      if (!first) out += pretty && flat ? ", " : ",";
      first = false;
      if (!flat) newline(indent + 1);
      write(out, e, pretty, indent + 1);
    }
    if (!flat) newline(indent);
    out += ']';
    break;
  }
  case json::kind::object: {
    const auto &o = v.get_object();
    if (o.empty()) { out += "{}"; break; }
    out += '{';
    bool first = true;
    for (const auto &kv : o) {
      if (!first) out += ',';
      first = false;
      newline(indent + 1);
      write_string(out, kv.key());
      out += pretty ? ": " : ":";
      write(out, kv.value(), pretty, indent + 1);
    }
    newline(indent);
    out += '}';
    break;
  }
  }
}

} // namespace

std::string serialize_value(const json::value &value, const WriteOptions &options) {
  std::string out;
  write(out, value, options.pretty, 0);
  if (options.pretty) out += '\n';
  return out;
}

void detail::throw_json_error(std::string_view text, std::size_t used, boost::json::error_code ec,
                              std::size_t max_depth) {
  const auto [line, column] = line_column(text, used);
  if (ec == json::error::too_deep)
    throw error(errc::limit, fmt::format("nesting deeper than the limit of {} (max_depth) at line {}, column {} (byte offset {})",
                                         max_depth, line, column, used));
  std::string what = ec.message();
  if (ec == json::error::incomplete) what = "unexpected end of input (the JSON is truncated)";
  throw error(errc::parse, fmt::format("not valid JSON: {} at line {}, column {} (byte offset {})", what, line, column, used));
}

PM_END_NAMESPACE
