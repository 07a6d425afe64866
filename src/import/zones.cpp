// Times as timelines write them: the abbreviation table, zone resolution (fixed offsets,
// abbreviations, IANA names through Howard Hinnant's date library and the OS tzdb), lenient
// ISO 8601 date-times and epoch numbers.
#include "import/import.hpp"

#include <date/tz.h>
#include <fmt/format.h>

#include <charconv>
#include <chrono>
#include <cmath>
#include <limits>

PM_BEGIN_NAMESPACE

namespace {

// The abbreviation table: sorted by abbreviation (ASCII, upper case). Offsets in minutes east
// of UTC. `also` lists the other common meanings of an ambiguous abbreviation; the first
// meaning is the one used unless options.zone_abbreviations overrides it. docs/import.md
// lists this table (a test checks that it lists exactly these rows).
constexpr ZoneAbbreviation abbreviation_table[] = {
    {"ACDT", 630, "Australian Central Daylight Time", ""},
    {"ACST", 570, "Australian Central Standard Time", ""},
    {"ADT", -180, "Atlantic Daylight Time", ""},
    {"AEDT", 660, "Australian Eastern Daylight Time", ""},
    {"AEST", 600, "Australian Eastern Standard Time", ""},
    {"AFT", 270, "Afghanistan Time", ""},
    {"AKDT", -480, "Alaska Daylight Time", ""},
    {"AKST", -540, "Alaska Standard Time", ""},
    {"ART", -180, "Argentina Time", ""},
    {"AST", -240, "Atlantic Standard Time", "Arabia Standard Time +03:00"},
    {"AWST", 480, "Australian Western Standard Time", ""},
    {"BRT", -180, "Brasilia Time", ""},
    {"BST", 60, "British Summer Time", "Bangladesh Standard Time +06:00"},
    {"CAT", 120, "Central Africa Time", ""},
    {"CDT", -300, "Central Daylight Time (North America)", "Cuba Daylight Time -04:00"},
    {"CEST", 120, "Central European Summer Time", ""},
    {"CET", 60, "Central European Time", ""},
    {"CLT", -240, "Chile Standard Time", ""},
    {"CST", -360, "Central Standard Time (North America)", "China Standard Time +08:00; Cuba Standard Time -05:00"},
    {"EAT", 180, "East Africa Time", ""},
    {"EDT", -240, "Eastern Daylight Time (North America)", ""},
    {"EEST", 180, "Eastern European Summer Time", ""},
    {"EET", 120, "Eastern European Time", ""},
    {"EST", -300, "Eastern Standard Time (North America)", ""},
    {"GMT", 0, "Greenwich Mean Time", ""},
    {"GST", 240, "Gulf Standard Time", "South Georgia Time -02:00"},
    {"HDT", -540, "Hawaii-Aleutian Daylight Time", ""},
    {"HKT", 480, "Hong Kong Time", ""},
    {"HST", -600, "Hawaii-Aleutian Standard Time", ""},
    {"ICT", 420, "Indochina Time", ""},
    {"IDT", 180, "Israel Daylight Time", ""},
    {"IRST", 210, "Iran Standard Time", ""},
    {"IST", 330, "India Standard Time", "Irish Standard Time +01:00; Israel Standard Time +02:00"},
    {"JST", 540, "Japan Standard Time", ""},
    {"KST", 540, "Korea Standard Time", ""},
    {"MDT", -360, "Mountain Daylight Time", ""},
    {"MSK", 180, "Moscow Time", ""},
    {"MST", -420, "Mountain Standard Time", "Malaysia Standard Time +08:00"},
    {"NDT", -150, "Newfoundland Daylight Time", ""},
    {"NPT", 345, "Nepal Time", ""},
    {"NST", -210, "Newfoundland Standard Time", ""},
    {"NZDT", 780, "New Zealand Daylight Time", ""},
    {"NZST", 720, "New Zealand Standard Time", ""},
    {"PDT", -420, "Pacific Daylight Time", ""},
    {"PHT", 480, "Philippine Time", ""},
    {"PKT", 300, "Pakistan Standard Time", ""},
    {"PST", -480, "Pacific Standard Time", "Philippine Standard Time +08:00"},
    {"SAST", 120, "South Africa Standard Time", ""},
    {"SGT", 480, "Singapore Time", ""},
    {"SST", -660, "Samoa Standard Time", "Singapore Standard Time +08:00"},
    {"UT", 0, "Universal Time", ""},
    {"UTC", 0, "Coordinated Universal Time", ""},
    {"WAT", 60, "West Africa Time", ""},
    {"WEST", 60, "Western European Summer Time", ""},
    {"WET", 0, "Western European Time", ""},
    {"WIB", 420, "Western Indonesia Time", ""},
    {"WIT", 540, "Eastern Indonesia Time", ""},
    {"WITA", 480, "Central Indonesia Time", ""},
    {"Z", 0, "Zulu (military name of UTC)", ""},
};

constexpr bool table_is_sorted() {
  for (std::size_t i = 1; i < std::size(abbreviation_table); ++i)
    if (!(abbreviation_table[i - 1].abbreviation < abbreviation_table[i].abbreviation)) return false;
  return true;
}
static_assert(table_is_sorted(), "the abbreviation table must stay sorted by abbreviation");

constexpr std::int64_t micros_per_day = 86'400 * detail::importer::micros_per_second;

char upper(char c) noexcept { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }
bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// Reads exactly `n` digits at `s[pos]`.
bool digits(std::string_view s, std::size_t pos, std::size_t n, int &out) noexcept {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (!is_digit(s[pos + i])) return false;
    v = v * 10 + (s[pos + i] - '0');
  }
  out = v;
  return true;
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept {
  std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

// The fewest of 0, 3 or 6 fraction digits that write `micros` exactly.
std::uint8_t canonical_digits(std::int64_t micros) noexcept {
  if (micros % 1'000'000 == 0) return 0;
  if (micros % 1'000 == 0) return 3;
  return 6;
}

// `+hh`, `+hhmm` or `+hh:mm` (the whole text): minutes east of UTC.
std::optional<std::int32_t> numeric_offset(std::string_view s, bool short_hours) noexcept {
  if (s.size() < 2 || (s[0] != '+' && s[0] != '-')) return std::nullopt;
  int sign = s[0] == '-' ? -1 : 1;
  s.remove_prefix(1);
  int h = 0, m = 0;
  std::size_t hour_digits = 2;
  if (!digits(s, 0, 2, h)) {
    if (!short_hours || !digits(s, 0, 1, h)) return std::nullopt;
    hour_digits = 1;
  }
  s.remove_prefix(hour_digits);
  if (!s.empty()) {
    if (s[0] == ':') s.remove_prefix(1);
    else if (hour_digits == 1) return std::nullopt; // `+530` is not an offset
    if (s.size() != 2 || !digits(s, 0, 2, m)) return std::nullopt;
  }
  if (h > 23 || m > 59) return std::nullopt;
  return sign * (h * 60 + m);
}

} // namespace

std::span<const ZoneAbbreviation> zone_abbreviations() noexcept { return abbreviation_table; }

namespace detail::importer {

std::string_view Zone::iana_name() const { return tz ? std::string_view(tz->name()) : std::string_view(); }

std::string_view trim(std::string_view text) noexcept {
  constexpr std::string_view blanks = " \t\r\n";
  auto first = text.find_first_not_of(blanks);
  if (first == std::string_view::npos) return {};
  auto last = text.find_last_not_of(blanks);
  return text.substr(first, last - first + 1);
}

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (upper(a[i]) != upper(b[i])) return false;
  return true;
}

std::optional<std::int32_t> parse_fixed_offset(std::string_view text) noexcept {
  std::string_view s = trim(text);
  if (s.size() > 3 && (iequals(s.substr(0, 3), "UTC") || iequals(s.substr(0, 3), "GMT")))
    return numeric_offset(s.substr(3), true); // `UTC+1`, `GMT+05:30`
  return numeric_offset(s, false);
}

const ZoneAbbreviation *find_abbreviation(std::string_view abbreviation) noexcept {
  char buf[8];
  if (abbreviation.empty() || abbreviation.size() > sizeof buf) return nullptr;
  for (std::size_t i = 0; i < abbreviation.size(); ++i) buf[i] = upper(abbreviation[i]);
  std::string_view key(buf, abbreviation.size());
  const auto *first = std::begin(abbreviation_table), *last = std::end(abbreviation_table);
  const auto *it = std::lower_bound(first, last, key, [](const ZoneAbbreviation &row, std::string_view k) {
    return row.abbreviation < k;
  });
  return it != last && it->abbreviation == key ? it : nullptr;
}

std::optional<Zone> resolve_zone(std::string_view name, const ZoneOverrides &overrides, std::string &why) {
  std::string_view s = trim(name);
  if (s.empty()) {
    why = "an empty time-zone name";
    return std::nullopt;
  }
  for (const auto &[key, value] : overrides) {
    if (!iequals(key, s)) continue;
    static const ZoneOverrides none;
    auto zone = resolve_zone(value, none, why);
    if (!zone) why = fmt::format("zone_abbreviations maps \"{}\" to \"{}\": {}", key, value, why);
    return zone;
  }
  if (auto minutes = parse_fixed_offset(s)) return Zone{*minutes, nullptr};
  if (const auto *row = find_abbreviation(s)) return Zone{row->offset_minutes, nullptr};
  try {
    return Zone{0, date::locate_zone(s)};
  } catch (const std::exception &e) {
    // date throws std::runtime_error for an unknown name, and when there is no tzdb at all.
    std::string_view what = e.what();
    why = what.find("not found") != std::string_view::npos || what.find(s) != std::string_view::npos
              ? fmt::format("unknown time zone \"{}\": not an abbreviation of the table, an offset such as +05:30, "
                            "or an IANA name such as Europe/Berlin",
                            s)
              : fmt::format("time zone \"{}\": {}", s, what);
    return std::nullopt;
  }
}

std::optional<std::int64_t> local_to_utc(std::int64_t local_micros, const Zone &zone, std::string &why) {
  if (!zone.tz) return local_micros - static_cast<std::int64_t>(zone.fixed_minutes) * 60 * micros_per_second;
  using std::chrono::seconds;
  const date::local_seconds at{seconds{floor_div(local_micros, micros_per_second)}};
  const date::local_info info = zone.tz->get_info(at);
  if (info.result == date::local_info::nonexistent) {
    why = fmt::format("does not exist in {}: the clocks skipped it when daylight saving time began", zone.tz->name());
    return std::nullopt;
  }
  // unique, or ambiguous (the hour repeated when the clocks go back): `first` is the
  // offset in force before the change, which gives the earlier of the two instants.
  return local_micros - static_cast<std::int64_t>(info.first.offset.count()) * micros_per_second;
}

std::int64_t civil_micros(int year, unsigned month, unsigned day, int hour, int minute, int second) noexcept {
  const std::int64_t days = days_from_civil(year, month, day);
  return days * micros_per_day + (static_cast<std::int64_t>(hour) * 3600 + minute * 60 + second) * micros_per_second;
}

bool valid_date(int year, int month, int day) noexcept {
  static constexpr int days_in[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (year < 0 || year > 9999 || month < 1 || month > 12 || day < 1) return false;
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return day <= (month == 2 && leap ? 29 : days_in[month - 1]);
}

bool parse_datetime(std::string_view text, ParsedTime &out, std::string &why) {
  const std::string_view s = trim(text);
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
  if (s.size() < 10 || !digits(s, 0, 4, y) || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' || !digits(s, 8, 2, d)) {
    why = "expected YYYY-MM-DDThh:mm:ss";
    return false;
  }
  if (s.size() == 10) {
    why = "a date without a time of day";
    return false;
  }
  if ((s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !digits(s, 11, 2, h) || s.size() < 19 || s[13] != ':' ||
      !digits(s, 14, 2, mi) || s[16] != ':' || !digits(s, 17, 2, se)) {
    why = "expected YYYY-MM-DDThh:mm:ss";
    return false;
  }
  if (!valid_date(y, mo, d)) {
    why = mo < 1 || mo > 12 ? fmt::format("month {:02} is out of range", mo)
                            : fmt::format("day {:02} is out of range for {:04}-{:02}", d, y, mo);
    return false;
  }
  if (h > 23 || mi > 59 || se > 59) {
    why = se == 60 ? "second 60: leap seconds are not supported" : fmt::format("{:02}:{:02}:{:02} is not a time of day", h, mi, se);
    return false;
  }
  std::size_t pos = 19;
  std::int64_t fraction = 0;
  std::uint8_t fraction_digits = 0;
  if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
    const std::size_t start = ++pos;
    while (pos < s.size() && is_digit(s[pos])) ++pos;
    const std::size_t n = pos - start;
    if (n == 0 || n > 9) {
      why = n == 0 ? "no digits after the decimal point" : fmt::format("{} fraction digits; at most 9", n);
      return false;
    }
    // Truncated to microseconds: `.0781250` (FILETIME) and `.955519754` (nanoseconds) keep six.
    for (std::size_t i = 0; i < 6; ++i) fraction = fraction * 10 + (i < n ? s[start + i] - '0' : 0);
    fraction_digits = static_cast<std::uint8_t>(n < 6 ? n : 6);
  }
  std::int64_t micros = civil_micros(y, static_cast<unsigned>(mo), static_cast<unsigned>(d), h, mi, se) + fraction;
  std::string_view rest = s.substr(pos);
  out.fraction_digits = fraction_digits;
  out.zone_name = {};
  if (rest.empty()) {
    out.kind = ParsedTime::Kind::local;
  } else if (rest == "Z" || rest == "z") {
    out.kind = ParsedTime::Kind::utc;
  } else if (rest[0] == '+' || rest[0] == '-') {
    auto offset = numeric_offset(rest, false);
    if (!offset) {
      why = fmt::format("malformed UTC offset \"{}\"; expected Z, +hh:mm, +hhmm or +hh", rest);
      return false;
    }
    out.kind = ParsedTime::Kind::utc;
    micros -= static_cast<std::int64_t>(*offset) * 60 * micros_per_second;
  } else if (rest[0] == ' ') {
    out.kind = ParsedTime::Kind::named;
    out.zone_name = trim(rest);
  } else {
    why = fmt::format("unexpected \"{}\" after the time", rest);
    return false;
  }
  out.micros = micros;
  return true;
}

bool is_integer_text(std::string_view text) noexcept {
  std::string_view s = trim(text);
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  if (s.empty()) return false;
  for (char c : s)
    if (!is_digit(c)) return false;
  return true;
}

bool epoch_from_integer(std::int64_t value, ParsedTime &out, std::string &why) {
  // Magnitude as unsigned, so INT64_MIN does not overflow.
  const std::uint64_t magnitude =
      value < 0 ? 0 - static_cast<std::uint64_t>(value) : static_cast<std::uint64_t>(value);
  std::int64_t micros = 0;
  if (magnitude < 100'000'000'000ULL) micros = value * micros_per_second;        // seconds
  else if (magnitude < 100'000'000'000'000ULL) micros = value * 1000;            // milliseconds
  else if (magnitude < 100'000'000'000'000'000ULL) micros = value;               // microseconds
  else micros = floor_div(value, 1000);                                          // nanoseconds
  out.kind = ParsedTime::Kind::utc;
  out.micros = micros;
  out.fraction_digits = canonical_digits(micros);
  out.zone_name = {};
  (void)why;
  return true;
}

bool epoch_from_number(double value, ParsedTime &out, std::string &why) {
  if (!std::isfinite(value)) {
    why = "not a finite number";
    return false;
  }
  const double magnitude = std::fabs(value);
  const double factor = magnitude < 1e11 ? 1e6 : magnitude < 1e14 ? 1e3 : magnitude < 1e17 ? 1.0 : 1e-3;
  const double micros = std::round(value * factor);
  if (std::fabs(micros) > 9.0e18) {
    why = "out of range";
    return false;
  }
  out.kind = ParsedTime::Kind::utc;
  out.micros = static_cast<std::int64_t>(micros);
  out.fraction_digits = canonical_digits(out.micros);
  out.zone_name = {};
  return true;
}

bool parse_epoch(std::string_view text, ParsedTime &out, std::string &why) {
  std::string_view s = trim(text);
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size()) {
    why = ec == std::errc::result_out_of_range ? "the number is too large for an epoch time" : "not an integer";
    return false;
  }
  return epoch_from_integer(value, out, why);
}

std::optional<std::int64_t> parse_clock_offset(std::string_view text) noexcept {
  std::string_view s = trim(text);
  int sign = 1;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    sign = s[0] == '-' ? -1 : 1;
    s.remove_prefix(1);
  }
  std::size_t n = 0;
  std::int64_t hours = 0;
  while (n < s.size() && is_digit(s[n])) hours = hours * 10 + (s[n++] - '0');
  if (n == 0 || n > 6 || n >= s.size() || s[n] != ':') return std::nullopt;
  s.remove_prefix(n + 1);
  int minutes = 0, secs = 0;
  if (!digits(s, 0, 2, minutes) || minutes > 59) return std::nullopt;
  s.remove_prefix(2);
  std::int64_t fraction = 0;
  if (!s.empty()) {
    if (s[0] != ':' || !digits(s, 1, 2, secs) || secs > 59) return std::nullopt;
    s.remove_prefix(3);
    if (!s.empty()) {
      if (s[0] != '.' || s.size() < 2 || s.size() > 7) return std::nullopt;
      for (std::size_t i = 1; i < 7; ++i) {
        if (i < s.size() && !is_digit(s[i])) return std::nullopt;
        fraction = fraction * 10 + (i < s.size() ? s[i] - '0' : 0);
      }
    }
  }
  return sign * (((hours * 60 + minutes) * 60 + secs) * micros_per_second + fraction);
}

} // namespace detail::importer

PM_END_NAMESPACE
