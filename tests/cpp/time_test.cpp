// postmortem/time.hpp: RFC 3339 timestamps, calendar dates and ISO 8601 durations.
#include <postmortem/time.hpp> // first: the header must be self-contained

#include "support.hpp"

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

using postmortem::Date;
using postmortem::Timestamp;

namespace {

constexpr std::int64_t second = 1'000'000; // microseconds
constexpr std::int64_t day = 86'400 * second;

// Days from 1970-01-01 to 2024-01-01: 54 years of 365 days plus the 13 leap days of
// 1972, 1976, ..., 2020 ((2020 - 1972) / 4 + 1 = 13): 54 * 365 + 13 = 19710 + 13 = 19723.
constexpr std::int64_t days_2024_01_01 = 19723;

// The reason Timestamp::parse gives for rejecting `text` (and that it does reject it).
std::string rejection(std::string_view text) {
  std::string why;
  auto t = Timestamp::parse(text, &why);
  CHECK_MESSAGE(!t.has_value(), "accepted: " << std::string(text));
  return why;
}

std::string date_rejection(std::string_view text) {
  std::string why;
  auto d = Date::parse(text, &why);
  CHECK_MESSAGE(!d.has_value(), "accepted: " << std::string(text));
  return why;
}

Timestamp must_parse(std::string_view text) {
  std::string why;
  auto t = Timestamp::parse(text, &why);
  REQUIRE_MESSAGE(t.has_value(), std::string(text) << " rejected: " << why);
  return *t;
}

} // namespace

// ---------------------------------------------------------------------------------------
// days_from_civil

TEST_CASE("days_from_civil counts days from 1970-01-01 in the proleptic Gregorian calendar") {
  CHECK(postmortem::days_from_civil(1970, 1, 1) == 0);
  CHECK(postmortem::days_from_civil(1970, 1, 2) == 1);
  CHECK(postmortem::days_from_civil(1969, 12, 31) == -1);
  // 1970 -> 2000: 30 years, leap days 1972..1996 = 7: 30 * 365 + 7 = 10957 for 2000-01-01;
  // then January (31) and February of the leap year 2000 (29): 10957 + 60 = 11017.
  CHECK(postmortem::days_from_civil(2000, 1, 1) == 10957);
  CHECK(postmortem::days_from_civil(2000, 2, 29) == 11016);
  CHECK(postmortem::days_from_civil(2000, 3, 1) == 11017);
  CHECK(postmortem::days_from_civil(2024, 1, 1) == days_2024_01_01);
  // 1900 is not a leap year (divisible by 100, not by 400). 1900-01-01 is 70 * 365 + 17 leap
  // days (1904..1968) = 25567 days before the epoch; March 1st is 31 + 28 = 59 days later.
  CHECK(postmortem::days_from_civil(1900, 1, 1) == -25567);
  CHECK(postmortem::days_from_civil(1900, 3, 1) == -25567 + 59);
}

// ---------------------------------------------------------------------------------------
// Timestamp::parse: accepted spellings

TEST_CASE("a Z timestamp is UTC microseconds since the epoch") {
  CHECK(must_parse("1970-01-01T00:00:00Z").micros == 0);
  // 2024-01-17 is day 19723 + 16 = 19739; 08:58:44 is 8 * 3600 + 58 * 60 + 44 = 32324 s.
  // 19739 * 86400 + 32324 = 1705449600 + 32324 = 1705481924 s.
  Timestamp t = must_parse("2024-01-17T08:58:44Z");
  CHECK(t.micros == 1'705'481'924 * second);
  CHECK(t.zulu);
  CHECK(t.offset_minutes == 0);
  CHECK(t.fraction_digits == 0);
  CHECK(t.to_string() == "2024-01-17T08:58:44Z");
  CHECK_FALSE(t.unknown_offset);
}

TEST_CASE("a +01:00 offset is subtracted to give the UTC instant") {
  // 09:58:44 at +01:00 is 08:58:44 UTC.
  Timestamp local = must_parse("2024-01-17T09:58:44+01:00");
  CHECK(local.micros == must_parse("2024-01-17T08:58:44Z").micros);
  CHECK(local.micros == 1'705'481'924 * second);
  CHECK(local.offset_minutes == 60);
  CHECK_FALSE(local.zulu);
}

TEST_CASE("a negative offset moves the instant forward, across midnight") {
  // 23:30 at -02:00 is 01:30 UTC the next day: 2024-01-02 is day 19724.
  Timestamp t = must_parse("2024-01-01T23:30:00-02:00");
  CHECK(t.micros == (days_2024_01_01 + 1) * day + (1 * 3600 + 30 * 60) * second);
  CHECK(t.offset_minutes == -120);
}

TEST_CASE("a +05:30 offset counts its minutes") {
  // 10:05 at +05:30 is 04:35 UTC.
  CHECK(must_parse("2024-01-17T10:05:00+05:30").micros == must_parse("2024-01-17T04:35:00Z").micros);
  CHECK(must_parse("2024-01-17T10:05:00+05:30").offset_minutes == 330);
}

TEST_CASE("-00:00 is UTC with an unknown local offset, and +00:00 is plain UTC") {
  Timestamp unknown = must_parse("2024-01-17T10:05:00-00:00");
  Timestamp plus = must_parse("2024-01-17T10:05:00+00:00");
  Timestamp zulu = must_parse("2024-01-17T10:05:00Z");
  CHECK(unknown.micros == zulu.micros);
  CHECK(plus.micros == zulu.micros);
  CHECK(unknown.unknown_offset);
  CHECK_FALSE(unknown.zulu);
  CHECK_FALSE(plus.unknown_offset);
  CHECK_FALSE(plus.zulu);
}

TEST_CASE("fraction digits are read as a decimal fraction of a second, up to microseconds") {
  const std::int64_t base = 1'705'481'924 * second; // 2024-01-17T08:58:44Z, see above
  CHECK(must_parse("2024-01-17T08:58:44.5Z").micros == base + 500'000);
  CHECK(must_parse("2024-01-17T08:58:44.5Z").fraction_digits == 1);
  CHECK(must_parse("2024-01-17T08:58:44.050Z").micros == base + 50'000);
  CHECK(must_parse("2024-01-17T08:58:44.050Z").fraction_digits == 3);
  CHECK(must_parse("2024-01-17T08:58:44.123456Z").micros == base + 123'456);
  CHECK(must_parse("2024-01-17T08:58:44.000001Z").micros == base + 1);
  CHECK(must_parse("2024-01-17T08:58:44.000000Z").micros == base);
  CHECK(must_parse("2024-01-17T08:58:44.000000Z").fraction_digits == 6);
}

TEST_CASE("a fraction before the epoch is still added, giving a negative instant") {
  // 1969-12-31T23:59:59.5Z is half a second before the epoch.
  CHECK(must_parse("1969-12-31T23:59:59.5Z").micros == -500'000);
  CHECK(must_parse("1969-12-31T23:59:59Z").micros == -second);
}

TEST_CASE("lower-case t and z are accepted (RFC 3339 section 5.6)") {
  Timestamp t = must_parse("2024-01-17t08:58:44z");
  CHECK(t.micros == 1'705'481'924 * second);
  CHECK(t.zulu);
  CHECK(t.to_string() == "2024-01-17t08:58:44z"); // the spelling is kept
}

TEST_CASE("February 29th is a real day in a leap year only") {
  // 2024 is a leap year: 2024-02-29 is day 19723 + 31 + 28 = 19782.
  CHECK(must_parse("2024-02-29T12:00:00Z").micros == 19782 * day + 12 * 3600 * second);
  CHECK(must_parse("2000-02-29T00:00:00Z").micros == 11016 * day); // divisible by 400
  CHECK(rejection("2023-02-29T12:00:00Z") == "day 29 is out of range for 2023-02");
  CHECK(rejection("1900-02-29T00:00:00Z") == "day 29 is out of range for 1900-02"); // by 100, not 400
}

// ---------------------------------------------------------------------------------------
// Timestamp::parse: rejections, each with its reason

TEST_CASE("a timestamp without an offset is rejected as ambiguous") {
  CHECK(rejection("2024-01-17T10:05:00") == "no UTC offset (add Z or +hh:mm): a local time is ambiguous");
  CHECK(rejection("2024-01-17T10:05:00.123") == "no UTC offset (add Z or +hh:mm): a local time is ambiguous");
}

TEST_CASE("impossible calendar days are rejected") {
  CHECK(rejection("2023-02-30T10:00:00Z") == "day 30 is out of range for 2023-02");
  CHECK(rejection("2024-04-31T00:00:00Z") == "day 31 is out of range for 2024-04");
  CHECK(rejection("2024-01-00T00:00:00Z") == "day 00 is out of range for 2024-01");
  CHECK(rejection("2024-13-01T00:00:00Z") == "month 13 is out of range");
  CHECK(rejection("2024-00-10T00:00:00Z") == "month 00 is out of range");
}

TEST_CASE("hour 24 is rejected: midnight is 00:00 of the next day") {
  CHECK(rejection("2024-01-17T24:00:00Z") == "hour 24 is out of range (00-23; midnight is 00:00 of the next day)");
}

TEST_CASE("minute 60 is rejected") {
  CHECK(rejection("2024-01-17T10:60:00Z") == "minute 60 is out of range");
}

TEST_CASE("second 60 is rejected: leap seconds are not supported") {
  CHECK(rejection("2016-12-31T23:59:60Z") == "second 60: leap seconds are not supported");
  CHECK(rejection("2016-12-31T23:59:61Z") == "second 61 is out of range");
}

TEST_CASE("seven fraction digits are rejected: at most microseconds") {
  CHECK(rejection("2024-01-17T10:05:00.1234567Z") == "7 fraction digits; at most 6 (microseconds)");
  CHECK(rejection("2024-01-17T10:05:00.Z") == "no digits after the decimal point");
}

TEST_CASE("text that is not a date-time is rejected") {
  CHECK(rejection("yesterday") == "expected YYYY-MM-DDThh:mm:ss with an offset");
  CHECK(rejection("") == "expected YYYY-MM-DDThh:mm:ss with an offset");
  CHECK(rejection("2024-01-17 10:05:00Z") == "expected YYYY-MM-DDThh:mm:ss with an offset");
  CHECK(rejection("2024-01-17T10:05Z") == "expected YYYY-MM-DDThh:mm:ss with an offset");
  CHECK(rejection("2024-01-17") == "a date without a time; a timestamp needs hh:mm:ss and an offset");
  CHECK(rejection("24-01-17T10:05:00Z") == "expected YYYY-MM-DDThh:mm:ss with an offset");
}

TEST_CASE("malformed or out-of-range offsets are rejected") {
  CHECK(rejection("2024-01-17T10:05:00+0100") == "malformed offset; expected Z or +hh:mm");
  CHECK(rejection("2024-01-17T10:05:00+01") == "malformed offset; expected Z or +hh:mm");
  CHECK(rejection("2024-01-17T10:05:00+24:00") == "offset out of range");
  CHECK(rejection("2024-01-17T10:05:00+01:60") == "offset out of range");
  CHECK(rejection("2024-01-17T10:05:00 Z") == "unexpected ' ' where the offset should be");
}

TEST_CASE("trailing text after the offset is rejected") {
  CHECK(rejection("2024-01-17T10:05:00Z trailing") == "unexpected text after the offset");
  CHECK(rejection("2024-01-17T10:05:00+01:00:00") == "unexpected text after the offset");
  CHECK(rejection("2024-01-17T10:05:00ZZ") == "unexpected text after the offset");
}

TEST_CASE("parse without a reason pointer still rejects") {
  CHECK_FALSE(Timestamp::parse("2023-02-30T10:00:00Z").has_value());
  CHECK(Timestamp::parse("2024-02-29T10:00:00Z").has_value());
}

// ---------------------------------------------------------------------------------------
// Writing

TEST_CASE("to_string writes back exactly the text that was parsed") {
  const std::vector<std::string> spellings = {
      "2024-01-17T10:05:00Z",
      "2024-01-17T10:05:00.5Z",
      "2024-01-17T10:05:00.500Z",
      "2024-01-17T10:05:00.050Z",
      "2024-01-17T10:05:00.000000Z",
      "2024-01-17T10:05:00.123456+01:00",
      "2024-01-17t10:05:00z",
      "2024-01-17t10:05:00+01:00",
      "2024-01-17T10:05:00+00:00",
      "2024-01-17T10:05:00-00:00",
      "2024-01-17T09:58:44+01:00",
      "2024-01-01T23:30:00-02:00",
      "2024-01-17T10:05:00+05:30",
      "2024-01-17T10:05:00-09:30",
      "2024-01-17T00:05:00+23:59",
      "2024-02-29T23:59:59.999999Z",
      "1969-12-31T23:59:59.5Z",
      "0001-01-01T00:00:00Z",
      "9999-12-31T23:59:59.999999Z",
  };
  for (const auto &text : spellings) {
    CAPTURE(text);
    CHECK(must_parse(text).to_string() == text);
  }
}

TEST_CASE("to_string keeps the case of T and Z independently") {
  // RFC 3339 5.6: "T" and "Z" may each be written in lower case. Timestamp promises to keep
  // "letter case" so that to_string() is the text it was parsed from.
  for (std::string text : {"2024-01-17t10:05:00Z", "2024-01-17T10:05:00z"}) {
    CAPTURE(text);
    CHECK(must_parse(text).to_string() == text);
  }
}

TEST_CASE("from_micros writes the canonical UTC spelling") {
  CHECK(Timestamp::from_micros(0).to_string() == "1970-01-01T00:00:00Z");
  CHECK(Timestamp::from_micros(1).to_string() == "1970-01-01T00:00:00.000001Z");
  CHECK(Timestamp::from_micros(1'705'481'924 * second).to_string() == "2024-01-17T08:58:44Z");
  CHECK(Timestamp::from_micros(-500'000).to_string() == "1969-12-31T23:59:59.500000Z");
}

TEST_CASE("to_utc_string gives the same instant in UTC with Z") {
  CHECK(must_parse("2024-01-17T09:58:44+01:00").to_utc_string() == "2024-01-17T08:58:44Z");
  CHECK(must_parse("2024-01-01T23:30:00-02:00").to_utc_string() == "2024-01-02T01:30:00Z");
  CHECK(must_parse("2024-01-17t10:05:00z").to_utc_string() == "2024-01-17T10:05:00Z");
  CHECK(must_parse("2024-01-17T10:05:00-00:00").to_utc_string() == "2024-01-17T10:05:00Z");
  // A zero fraction is dropped; another is written with six digits.
  CHECK(must_parse("2024-01-17T10:05:00.000Z").to_utc_string() == "2024-01-17T10:05:00Z");
  CHECK(must_parse("2024-01-01T23:30:00.25-02:00").to_utc_string() == "2024-01-02T01:30:00.250000Z");
}

TEST_CASE("timestamps with the same instant but different spellings are not equal") {
  // operator== compares the spelling too, so that a document round-trips exactly.
  CHECK(must_parse("2024-01-17T09:58:44+01:00").micros == must_parse("2024-01-17T08:58:44Z").micros);
  CHECK_FALSE(must_parse("2024-01-17T09:58:44+01:00") == must_parse("2024-01-17T08:58:44Z"));
  CHECK(must_parse("2024-01-17T08:58:44Z") == must_parse("2024-01-17T08:58:44Z"));
}

// ---------------------------------------------------------------------------------------
// Date

TEST_CASE("a YYYY-MM-DD date is days since 1970-01-01") {
  auto d = Date::parse("2024-02-29");
  REQUIRE(d.has_value());
  CHECK(d->days == 19782); // 19723 + 31 (January) + 28 (February 1-28)
  CHECK_FALSE(d->written_as.has_value());
  CHECK(d->to_string() == "2024-02-29");
  CHECK(d->to_date_string() == "2024-02-29");
  CHECK(Date::parse("1970-01-01")->days == 0);
  CHECK(Date::parse("1969-12-31")->days == -1);
}

TEST_CASE("a date-time given for a date means its date in UTC, and keeps its text") {
  // 2024-01-01T23:30:00-02:00 is 2024-01-02T01:30:00Z: the date is 2024-01-02 (day 19724).
  auto d = Date::parse("2024-01-01T23:30:00-02:00");
  REQUIRE(d.has_value());
  CHECK(d->days == 19724);
  CHECK(d->to_date_string() == "2024-01-02");
  CHECK(d->to_string() == "2024-01-01T23:30:00-02:00");
  REQUIRE(d->written_as.has_value());
  CHECK(d->written_as->offset_minutes == -120);
}

TEST_CASE("a date-time just after local midnight east of UTC is the previous UTC date") {
  // 1970-01-01T00:30:00+01:00 is 1969-12-31T23:30:00Z: day -1 (floor, not truncation).
  auto d = Date::parse("1970-01-01T00:30:00+01:00");
  REQUIRE(d.has_value());
  CHECK(d->days == -1);
  CHECK(d->to_date_string() == "1969-12-31");
}

TEST_CASE("impossible dates are rejected with a reason") {
  CHECK(date_rejection("2023-02-29") == "day 29 is out of range for 2023-02");
  CHECK(date_rejection("2024-02-30") == "day 30 is out of range for 2024-02");
  CHECK(date_rejection("2024-13-01") == "month 13 is out of range");
  CHECK(date_rejection("2024/01/17") == "expected YYYY-MM-DD");
  CHECK(date_rejection("2024-01-17T10:05:00") ==
        "expected YYYY-MM-DD or a date-time with an offset (no UTC offset (add Z or +hh:mm): a local time is ambiguous)");
  CHECK(date_rejection("soon") ==
        "expected YYYY-MM-DD or a date-time with an offset (expected YYYY-MM-DDThh:mm:ss with an offset)");
}

// ---------------------------------------------------------------------------------------
// iso8601_duration

TEST_CASE("iso8601_duration writes days, hours, minutes and seconds, omitting zeros") {
  CHECK(postmortem::iso8601_duration(0) == "PT0S");
  CHECK(postmortem::iso8601_duration(59) == "PT59S");
  CHECK(postmortem::iso8601_duration(3600) == "PT1H");
  CHECK(postmortem::iso8601_duration(4970) == "PT1H22M50S");   // 3600 + 22 * 60 + 50
  CHECK(postmortem::iso8601_duration(86400) == "P1D");
  CHECK(postmortem::iso8601_duration(90061) == "P1DT1H1M1S");  // 86400 + 3600 + 60 + 1
  CHECK(postmortem::iso8601_duration(3 * 86400 + 4 * 3600) == "P3DT4H");
}

TEST_CASE("a negative duration has a leading minus sign") {
  CHECK(postmortem::iso8601_duration(-1800) == "-PT30M");
  CHECK(postmortem::iso8601_duration(-90061) == "-P1DT1H1M1S");
}

TEST_CASE("iso8601_duration of the extreme int64 values does not overflow") {
  // 2^63 s = 106751991167300 days and 55808 s; 55808 s = 15 h 30 min 8 s.
  CHECK(postmortem::iso8601_duration(std::numeric_limits<std::int64_t>::min()) == "-P106751991167300DT15H30M8S");
  CHECK(postmortem::iso8601_duration(std::numeric_limits<std::int64_t>::max()) == "P106751991167300DT15H30M7S");
}

TEST_CASE("civil_from_days inverts days_from_civil") {
  // 1970-01-01 is day 0; 2024-01-01 is 54 × 365 + 13 leap days (1972…2020) = 19723 days
  // later; 2024-02-29 is 31 + 28 days after that; the day before the epoch is 1969-12-31.
  CHECK(postmortem::civil_from_days(0) == postmortem::CivilDate{1970, 1, 1});
  CHECK(postmortem::civil_from_days(19723) == postmortem::CivilDate{2024, 1, 1});
  CHECK(postmortem::civil_from_days(19723 + 59) == postmortem::CivilDate{2024, 2, 29});
  CHECK(postmortem::civil_from_days(-1) == postmortem::CivilDate{1969, 12, 31});
  for (std::int32_t d = -800'000; d <= 800'000; d += 997) {
    const postmortem::CivilDate c = postmortem::civil_from_days(d);
    CHECK(postmortem::days_from_civil(c.year, c.month, c.day) == d);
  }
}
