// PM116: indicator values well-formed for their type. Reports write indicators defanged
// (hxxp://, example[.]com), so values are refanged before they are checked.
#include "validate/report.hpp"

#include "text.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <algorithm>

PM_BEGIN_NAMESPACE
namespace detail {

namespace {

std::string refang(std::string_view value) {
  static constexpr std::pair<std::string_view, std::string_view> replacements[] = {
      {"[.]", "."}, {"(.)", "."}, {"{.}", "."}, {"[dot]", "."}, {"[:]", ":"}, {"[@]", "@"}, {"[at]", "@"}, {"[/]", "/"},
  };
  std::string out(value);
  for (const auto &[from, to] : replacements)
    for (std::size_t pos = 0; (pos = out.find(from, pos)) != std::string::npos; pos += to.size()) out.replace(pos, from.size(), to);
  std::string low = lower(out.substr(0, 5));
  if (low.rfind("hxxp", 0) == 0) out.replace(0, 4, "http");
  return out;
}

bool ipv4(std::string_view s) {
  in_addr a{};
  return s.size() < 16 && inet_pton(AF_INET, std::string(s).c_str(), &a) == 1;
}

bool ipv6(std::string_view s) {
  in6_addr a{};
  return s.size() < 46 && inet_pton(AF_INET6, std::string(s).c_str(), &a) == 1;
}

// RFC 1035 host names (with IDNA A-labels): dot-separated labels of letters, digits and
// hyphens, 1–63 each, no hyphen at either end, 253 in all, at least two labels, and a
// top-level label that is not all digits. A trailing dot is allowed.
bool domain(std::string_view s) {
  if (!s.empty() && s.back() == '.') s.remove_suffix(1);
  if (s.empty() || s.size() > 253) return false;
  std::size_t labels = 0, start = 0;
  bool all_digits_last = false;
  while (start <= s.size()) {
    std::size_t end = s.find('.', start);
    if (end == std::string_view::npos) end = s.size();
    std::string_view label = s.substr(start, end - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    bool digits = true;
    for (char c : label) {
      bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      if (!alnum && c != '-') return false;
      digits = digits && c >= '0' && c <= '9';
    }
    all_digits_last = digits;
    ++labels;
    start = end + 1;
  }
  return labels >= 2 && !all_digits_last;
}

// scheme "://" host [":" port] [path...]; the host a domain, an IPv4 or a bracketed IPv6.
bool url(std::string_view s) {
  std::size_t colon = s.find("://");
  if (colon == std::string_view::npos || colon == 0) return false;
  for (std::size_t i = 0; i < colon; ++i) {
    char c = s[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (i > 0 && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'));
    if (!ok) return false;
  }
  std::string_view rest = s.substr(colon + 3);
  if (std::ranges::any_of(rest, [](char c) { return c == ' ' || static_cast<unsigned char>(c) < 0x20; })) return false;
  std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (auto at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    return close != std::string_view::npos && ipv6(authority.substr(1, close - 1));
  }
  std::string_view host = authority.substr(0, authority.find(':'));
  return ipv4(host) || domain(host) || host == "localhost";
}

bool email(std::string_view s) {
  auto at = s.rfind('@');
  if (at == std::string_view::npos || at == 0 || at > 64) return false;
  std::string_view local = s.substr(0, at);
  if (std::ranges::any_of(local, [](char c) { return c == ' ' || c == '@' || static_cast<unsigned char>(c) < 0x20; })) return false;
  return domain(s.substr(at + 1));
}

struct Format {
  IndicatorType type;
  bool (*valid)(std::string_view);
  std::string_view expected;
};

const Format formats[] = {
    {IndicatorType::ipv4, ipv4, "a dotted-quad IPv4 address such as 198.51.100.7"},
    {IndicatorType::ipv6, ipv6, "an IPv6 address such as 2001:db8::1"},
    {IndicatorType::domain, domain, "a domain name such as login.example.com"},
    {IndicatorType::url, url, "an absolute URL such as https://example.com/path"},
    {IndicatorType::email_address, email, "an e-mail address such as name@example.com"},
    {IndicatorType::sha256, [](std::string_view s) { return is_hex_digits(s, 64); }, "64 hexadecimal digits"},
    {IndicatorType::sha1, [](std::string_view s) { return is_hex_digits(s, 40); }, "40 hexadecimal digits"},
    {IndicatorType::md5, [](std::string_view s) { return is_hex_digits(s, 32); }, "32 hexadecimal digits"},
};

} // namespace

void check_indicators(const Document &doc, Report &report) {
  for (std::size_t i = 0; i < doc.indicators.size(); ++i) {
    const Indicator &ind = doc.indicators[i];
    if (!ind.type || !ind.value) continue;
    auto f = std::ranges::find(formats, *ind.type, &Format::type);
    if (f == std::end(formats)) continue;
    std::string value = refang(*ind.value);
    if (!f->valid(value))
      report.add("PM116", pointer("indicators", i, "value"),
                 fmt::format("indicator {} of type {} is \"{}\", which is not {}", label(doc.indicators, i),
                             to_string(*ind.type), abbreviate(*ind.value, 80), f->expected));
  }
}

} // namespace detail
PM_END_NAMESPACE
