/**
 * @file postmortem/time.hpp
 * @brief RFC 3339 timestamps and calendar dates, as the document format writes them.
 *
 * Strict: a timestamp needs an offset (`Z` or `+hh:mm`), a real calendar day (no
 * 2023-02-30), hours 00–23, and at most six fraction digits. Internally an instant is UTC
 * microseconds since the Unix epoch in 64 bits. All functions are pure and thread-safe.
 */
#ifndef POSTMORTEM_TIME_HPP
#define POSTMORTEM_TIME_HPP

#include <postmortem/detail/enum.hpp>

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

PM_BEGIN_NAMESPACE


/**
 * @brief An RFC 3339 date-time with an explicit offset.
 *
 * Holds the instant (UTC microseconds since 1970-01-01) and enough of the spelling to write
 * the same text back (offset, fraction digits, `Z` or `+00:00`, letter case).
 */
struct Timestamp {
  std::int64_t micros = 0;       ///< UTC microseconds since the Unix epoch
  std::int16_t offset_minutes = 0;
  std::uint8_t fraction_digits = 0; ///< 0–6 digits after the seconds, as written
  bool zulu = true;              ///< written with `Z` (true) or a numeric offset
  bool lower_t = false;          ///< written with `t` rather than `T`
  bool lower_z = false;          ///< written with `z` rather than `Z`
  bool unknown_offset = false;   ///< written `-00:00` (RFC 3339: local offset unknown)

  /// Parses `text`; on failure returns nullopt and, if `why` is given, sets it to a reason
  /// such as "no UTC offset" or "day 30 is out of range for 2023-02". O(size of text).
  static std::optional<Timestamp> parse(std::string_view text, std::string *why = nullptr);
  /// A timestamp at `micros` written in UTC with `Z`.
  static Timestamp from_micros(std::int64_t micros) noexcept;
  /// The text it was parsed from (or its canonical spelling when built in code).
  std::string to_string() const;
  /// The same instant in UTC, `YYYY-MM-DDThh:mm:ss[.ffffff]Z`.
  std::string to_utc_string() const;

  friend bool operator==(const Timestamp &a, const Timestamp &b) noexcept = default;
};

/**
 * @brief A calendar date, `YYYY-MM-DD`. A date-time is accepted too: its date in UTC is used
 * and the original text is kept for serialization.
 */
struct Date {
  std::int32_t days = 0;             ///< days since 1970-01-01
  std::optional<Timestamp> written_as; ///< set when the document gave a date-time

  static std::optional<Date> parse(std::string_view text, std::string *why = nullptr);
  /// The text to serialize: the original date-time if there was one, else `YYYY-MM-DD`.
  std::string to_string() const;
  /// Always `YYYY-MM-DD`.
  std::string to_date_string() const;

  friend bool operator==(const Date &a, const Date &b) noexcept = default;
};

/**
 * @brief A calendar day the library computed (a suggested due date, say): a Date without the
 * text it was written as, in 4 bytes rather than a Date's 32.
 */
struct Day {
  std::int32_t days = 0; ///< days since 1970-01-01
  /// `YYYY-MM-DD`.
  std::string to_string() const;

  friend auto operator<=>(const Day &a, const Day &b) noexcept = default;
};

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
std::int32_t days_from_civil(int year, unsigned month, unsigned day) noexcept;

/// A proleptic Gregorian calendar date.
struct CivilDate {
  int year = 1970;
  unsigned month = 1, day = 1; ///< 1–12, 1–31
  friend bool operator==(const CivilDate &, const CivilDate &) = default;
};

/// The date of a day count (days since 1970-01-01): the inverse of days_from_civil().
CivilDate civil_from_days(std::int64_t days) noexcept;

/// An ISO 8601 duration such as `PT1H22M50S`, `P3DT4H`, `-PT30M`, or `PT0S` for zero.
std::string iso8601_duration(std::int64_t seconds);

PM_END_NAMESPACE

#endif
