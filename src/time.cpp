#include <postmortem/time.hpp>

#include <fmt/format.h>

#include <cstdlib>

PM_BEGIN_NAMESPACE

namespace {

constexpr std::int64_t micros_per_second = 1'000'000;
constexpr std::int64_t micros_per_day = 86'400 * micros_per_second;

using Civil = CivilDate;

} // namespace

// Howard Hinnant, "chrono-Compatible Low-Level Date Algorithms": civil_from_days.
CivilDate civil_from_days(std::int64_t z) noexcept {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<int>(y + (m <= 2)), m, d};
}

namespace {

bool is_leap(int y) noexcept { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned days_in_month(int y, unsigned m) noexcept {
  static constexpr unsigned days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept {
  std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

// Reads exactly `n` digits at `s[pos]`.
bool digits(std::string_view s, std::size_t pos, std::size_t n, int &out) noexcept {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  return true;
}

bool fail(std::string *why, std::string reason) {
  if (why) *why = std::move(reason);
  return false;
}

// Validates and reads `YYYY-MM-DD` at the start of s.
bool read_date(std::string_view s, int &y, int &m, int &d, std::string *why) {
  if (!digits(s, 0, 4, y) || s.size() < 10 || s[4] != '-' || !digits(s, 5, 2, m) || s[7] != '-' ||
      !digits(s, 8, 2, d))
    return fail(why, "expected YYYY-MM-DD");
  if (m < 1 || m > 12) return fail(why, fmt::format("month {:02} is out of range", m));
  if (d < 1 || static_cast<unsigned>(d) > days_in_month(y, static_cast<unsigned>(m)))
    return fail(why, fmt::format("day {:02} is out of range for {:04}-{:02}", d, y, m));
  return true;
}

} // namespace

std::int32_t days_from_civil(int year, unsigned month, unsigned day) noexcept {
  const int y = year - (month <= 2);
  const int era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int>(doe) - 719468;
}

std::optional<Timestamp> Timestamp::parse(std::string_view s, std::string *why) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
  if (!read_date(s, y, mo, d, why)) {
    if (why && why->rfind("expected", 0) == 0) *why = "expected YYYY-MM-DDThh:mm:ss with an offset";
    return std::nullopt;
  }
  Timestamp t;
  if (s.size() < 19 || (s[10] != 'T' && s[10] != 't') || !digits(s, 11, 2, h) || s[13] != ':' ||
      !digits(s, 14, 2, mi) || s[16] != ':' || !digits(s, 17, 2, se)) {
    fail(why, s.size() == 10 ? "a date without a time; a timestamp needs hh:mm:ss and an offset"
                             : "expected YYYY-MM-DDThh:mm:ss with an offset");
    return std::nullopt;
  }
  t.lower_t = s[10] == 't';
  if (h > 23) {
    fail(why, fmt::format("hour {:02} is out of range (00-23; midnight is 00:00 of the next day)", h));
    return std::nullopt;
  }
  if (mi > 59) { fail(why, fmt::format("minute {:02} is out of range", mi)); return std::nullopt; }
  if (se > 59) {
    fail(why, se == 60 ? "second 60: leap seconds are not supported" : fmt::format("second {:02} is out of range", se));
    return std::nullopt;
  }
  std::size_t pos = 19;
  std::int64_t frac = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    std::size_t start = pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
    std::size_t n = pos - start;
    if (n == 0) { fail(why, "no digits after the decimal point"); return std::nullopt; }
    if (n > 6) { fail(why, fmt::format("{} fraction digits; at most 6 (microseconds)", n)); return std::nullopt; }
    for (std::size_t i = start; i < pos; ++i) frac = frac * 10 + (s[i] - '0');
    for (std::size_t i = n; i < 6; ++i) frac *= 10;
    t.fraction_digits = static_cast<std::uint8_t>(n);
  }
  if (pos == s.size()) { fail(why, "no UTC offset (add Z or +hh:mm): a local time is ambiguous"); return std::nullopt; }
  int offset = 0;
  if (s[pos] == 'Z' || s[pos] == 'z') {
    t.zulu = true;
    t.lower_z = s[pos] == 'z';
    ++pos;
  } else if (s[pos] == '+' || s[pos] == '-') {
    int oh = 0, om = 0;
    if (!digits(s, pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' || !digits(s, pos + 4, 2, om)) {
      fail(why, "malformed offset; expected Z or +hh:mm");
      return std::nullopt;
    }
    if (oh > 23 || om > 59) { fail(why, "offset out of range"); return std::nullopt; }
    offset = (oh * 60 + om) * (s[pos] == '-' ? -1 : 1);
    t.zulu = false;
    t.unknown_offset = s[pos] == '-' && offset == 0;
    pos += 6;
  } else {
    fail(why, fmt::format("unexpected '{}' where the offset should be", s.substr(pos, 1)));
    return std::nullopt;
  }
  if (pos != s.size()) { fail(why, "unexpected text after the offset"); return std::nullopt; }
  t.offset_minutes = static_cast<std::int16_t>(offset);
  std::int64_t days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  std::int64_t local = days * micros_per_day + ((h * 60 + mi) * 60 + se) * micros_per_second + frac;
  t.micros = local - static_cast<std::int64_t>(offset) * 60 * micros_per_second;
  return t;
}

Timestamp Timestamp::from_micros(std::int64_t micros) noexcept {
  Timestamp t;
  t.micros = micros;
  t.fraction_digits = micros % micros_per_second != 0 ? 6 : 0;
  return t;
}

namespace {

std::string format_instant(std::int64_t micros, int offset_minutes, unsigned fraction_digits,
                           char t_letter) {
  std::int64_t local = micros + static_cast<std::int64_t>(offset_minutes) * 60 * micros_per_second;
  std::int64_t days = floor_div(local, micros_per_day);
  std::int64_t in_day = local - days * micros_per_day;
  Civil c = civil_from_days(days);
  std::int64_t secs = in_day / micros_per_second;
  std::string out = fmt::format("{:04}-{:02}-{:02}{}{:02}:{:02}:{:02}", c.year, c.month, c.day, t_letter,
                                secs / 3600, secs / 60 % 60, secs % 60);
  if (fraction_digits > 0) {
    std::string frac = fmt::format("{:06}", in_day % micros_per_second);
    out += '.';
    out += frac.substr(0, fraction_digits);
  }
  return out;
}

} // namespace

std::string Timestamp::to_string() const {
  std::string out = format_instant(micros, offset_minutes, fraction_digits, lower_t ? 't' : 'T');
  if (zulu) {
    out += lower_z ? 'z' : 'Z';
  } else {
    int off = offset_minutes;
    char sign = off < 0 || unknown_offset ? '-' : '+';
    off = std::abs(off);
    out += fmt::format("{}{:02}:{:02}", sign, off / 60, off % 60);
  }
  return out;
}

std::string Timestamp::to_utc_string() const {
  return format_instant(micros, 0, micros % micros_per_second != 0 ? 6 : 0, 'T') + "Z";
}

std::optional<Date> Date::parse(std::string_view s, std::string *why) {
  if (s.size() == 10) {
    int y = 0, m = 0, d = 0;
    if (!read_date(s, y, m, d, why)) return std::nullopt;
    return Date{days_from_civil(y, static_cast<unsigned>(m), static_cast<unsigned>(d)), std::nullopt};
  }
  std::string reason;
  auto t = Timestamp::parse(s, &reason);
  if (!t) {
    fail(why, "expected YYYY-MM-DD or a date-time with an offset (" + reason + ")");
    return std::nullopt;
  }
  return Date{static_cast<std::int32_t>(floor_div(t->micros, micros_per_day)), t};
}

std::string Date::to_string() const { return written_as ? written_as->to_string() : to_date_string(); }

std::string Date::to_date_string() const {
  Civil c = civil_from_days(days);
  return fmt::format("{:04}-{:02}-{:02}", c.year, c.month, c.day);
}

std::string Day::to_string() const { return Date{days, std::nullopt}.to_date_string(); }

std::string iso8601_duration(std::int64_t seconds) {
  if (seconds == 0) return "PT0S";
  std::string out = seconds < 0 ? "-P" : "P";
  // Magnitude as unsigned so INT64_MIN does not overflow.
  std::uint64_t s = seconds < 0 ? 0 - static_cast<std::uint64_t>(seconds) : static_cast<std::uint64_t>(seconds);
  std::uint64_t days = s / 86400, hours = s / 3600 % 24, minutes = s / 60 % 60, secs = s % 60;
  if (days) out += fmt::format("{}D", days);
  if (hours || minutes || secs) {
    out += 'T';
    if (hours) out += fmt::format("{}H", hours);
    if (minutes) out += fmt::format("{}M", minutes);
    if (secs) out += fmt::format("{}S", secs);
  }
  return out;
}

PM_END_NAMESPACE
