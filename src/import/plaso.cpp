// Plaso's psort CSV outputs: l2tcsv (17 fixed columns, local date and time plus a zone
// column) and the default "dynamic" CSV (an ISO 8601 `datetime` with offset). `-` is Plaso's
// empty value in both.
#include "import/import.hpp"

#include "text.hpp"

#include <fmt/format.h>

PM_BEGIN_NAMESPACE
namespace detail::importer {

namespace {

constexpr std::string_view default_source = "plaso";

// Plaso writes `-` for an empty value.
std::string_view plaso_value(std::string_view v) noexcept { return v == "-" ? std::string_view() : v; }

// 1 or 2 digits at s[pos], then `sep` (or the end when sep is 0); advances pos.
bool small_number(std::string_view s, std::size_t &pos, int &out, std::size_t max_digits, char sep) {
  std::size_t start = pos;
  int v = 0;
  while (pos < s.size() && pos - start < max_digits && s[pos] >= '0' && s[pos] <= '9') v = v * 10 + (s[pos++] - '0');
  if (pos == start) return false;
  if (sep) {
    if (pos >= s.size() || s[pos] != sep) return false;
    ++pos;
  }
  out = v;
  return true;
}

// `MM/DD/YYYY`.
bool parse_us_date(std::string_view s, int &year, int &month, int &day) {
  std::size_t pos = 0;
  if (!small_number(s, pos, month, 2, '/') || !small_number(s, pos, day, 2, '/')) return false;
  const std::size_t start = pos;
  if (!small_number(s, pos, year, 4, 0) || pos - start != 4 || pos != s.size()) return false;
  return valid_date(year, month, day);
}

// `HH:MM:SS` with an optional fraction (Plaso writes none); `fraction` in microseconds.
bool parse_clock(std::string_view s, int &hour, int &minute, int &second, std::int64_t &fraction, std::uint8_t &digits) {
  std::size_t pos = 0;
  if (!small_number(s, pos, hour, 2, ':') || !small_number(s, pos, minute, 2, ':') || !small_number(s, pos, second, 2, 0))
    return false;
  fraction = 0;
  digits = 0;
  if (pos < s.size()) {
    if (s[pos] != '.') return false;
    const std::size_t start = ++pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
    const std::size_t n = pos - start;
    if (n == 0 || n > 9 || pos != s.size()) return false;
    for (std::size_t i = 0; i < 6; ++i) fraction = fraction * 10 + (i < n ? s[start + i] - '0' : 0);
    digits = static_cast<std::uint8_t>(n < 6 ? n : 6);
  }
  return hour <= 23 && minute <= 59 && second <= 59;
}

// ---------------------------------------------------------------------------------------

class L2tcsv final : public CsvTableReader {
public:
  using CsvTableReader::CsvTableReader;

private:
  void header(std::span<const std::string_view> names) override {
    date_ = find("date");
    time_ = find("time");
    zone_ = find("timezone");
    desc_ = find("desc");
    short_ = find("short");
    type_ = find("type");
    user_ = find("user");
    host_ = find("host");
    sourcetype_ = find("sourcetype");
    if (date_ < 0) missing("`date`");
    if (time_ < 0) missing("`time`");
    if (desc_ < 0 && short_ < 0) missing("`desc` or `short`");
    consumed_.assign(names.size(), false);
    for (int i : {date_, time_, zone_, desc_, type_, user_, host_})
      if (i >= 0) consumed_[static_cast<std::size_t>(i)] = true;
  }

  void record(std::uint64_t line, std::span<const std::string_view> fields) override {
    const auto at = [&](int i) { return i < 0 ? std::string_view() : plaso_value(fields[static_cast<std::size_t>(i)]); };
    std::string_view source = core_.options().source;
    if (source.empty()) source = at(sourcetype_);
    if (source.empty()) source = default_source;

    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    std::int64_t fraction = 0;
    std::uint8_t digits = 0;
    if (!parse_us_date(at(date_), year, month, day)) {
      core_.problem(where(line, date_), fmt::format("date `{}` is not a date MM/DD/YYYY", detail::abbreviate(at(date_))));
      return;
    }
    if (!parse_clock(at(time_), hour, minute, second, fraction, digits)) {
      core_.problem(where(line, time_), fmt::format("time `{}` is not a time HH:MM:SS", detail::abbreviate(at(time_))));
      return;
    }
    const std::int64_t local = civil_micros(year, static_cast<unsigned>(month), static_cast<unsigned>(day), hour,
                                            minute, second) + fraction;
    auto time = core_.civil_time(local, digits, trim(at(zone_)), source, where(line, time_), where(line, zone_));
    if (!time) return;

    std::string_view description = at(desc_);
    if (detail::is_blank(description)) description = at(short_);
    if (detail::is_blank(description)) {
      core_.problem(where(line, desc_ >= 0 ? desc_ : short_), "no description: `desc` and `short` are empty");
      return;
    }
    Event e;
    e.time = *time;
    e.type = core_.options().event_type;
    e.description.emplace(description);
    e.source.emplace(source);
    if (const auto user = at(user_); !user.empty()) e.actor.emplace(user);
    e.extra.reserve(fields.size());
    if (const auto type = at(type_); !type.empty()) e.extra.emplace(Core::timestamp_desc_key, type);
    if (const auto host = at(host_); !host.empty()) {
      e.extra.emplace("x_host", host);
      if (const auto asset = core_.asset_for_host(host); !asset.empty()) e.asset_ids.emplace_back(asset);
    }
    for (std::size_t i = 0; i < fields.size(); ++i)
      if (!consumed_[i] && !plaso_value(fields[i]).empty()) e.extra.emplace(x_keys()[i], fields[i]);
    core_.add(std::move(e));
  }

  int date_ = -1, time_ = -1, zone_ = -1, desc_ = -1, short_ = -1, type_ = -1, user_ = -1, host_ = -1, sourcetype_ = -1;
  std::vector<bool> consumed_;
};

// ---------------------------------------------------------------------------------------

class Dynamic final : public CsvTableReader {
public:
  using CsvTableReader::CsvTableReader;

private:
  void header(std::span<const std::string_view> names) override {
    datetime_ = find("datetime");
    message_ = find("message");
    desc_ = find("timestamp_desc");
    source_long_ = find("source_long");
    if (datetime_ < 0) missing("`datetime`");
    if (message_ < 0) missing("`message`");
    consumed_.assign(names.size(), false);
    for (int i : {datetime_, message_, desc_})
      if (i >= 0) consumed_[static_cast<std::size_t>(i)] = true;
  }

  void record(std::uint64_t line, std::span<const std::string_view> fields) override {
    const auto at = [&](int i) { return i < 0 ? std::string_view() : plaso_value(fields[static_cast<std::size_t>(i)]); };
    std::string_view source = core_.options().source;
    if (source.empty()) source = at(source_long_);
    if (source.empty()) source = default_source;
    if (detail::is_blank(at(datetime_))) {
      core_.problem(where(line, datetime_), "no time: `datetime` is empty");
      return;
    }
    auto time = core_.read_time(at(datetime_), source, where(line, datetime_));
    if (!time) return;
    const std::string_view message = at(message_);
    if (detail::is_blank(message)) {
      core_.problem(where(line, message_), "the message is empty");
      return;
    }
    Event e = core_.new_event(*time, message, source, at(desc_), fields.size());
    for (std::size_t i = 0; i < fields.size(); ++i)
      if (!consumed_[i] && !plaso_value(fields[i]).empty()) e.extra.emplace(x_keys()[i], fields[i]);
    core_.add(std::move(e));
  }

  int datetime_ = -1, message_ = -1, desc_ = -1, source_long_ = -1;
  std::vector<bool> consumed_;
};

} // namespace

std::unique_ptr<FormatReader> make_plaso_l2tcsv(Core &core) { return std::make_unique<L2tcsv>(core); }
std::unique_ptr<FormatReader> make_plaso_dynamic(Core &core) { return std::make_unique<Dynamic>(core); }

} // namespace detail::importer
PM_END_NAMESPACE
