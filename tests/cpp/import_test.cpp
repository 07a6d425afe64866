// postmortem/import.hpp: Timesketch and Plaso timelines into `postmortem/1` events.
//
// The expected values come from the reference files in tests/data/timelines (see the
// "timelines/" section of tests/data/README.md): record counts, and the times that
// google/timesketch's own unit tests (timesketch/lib/utils_test.py) expect for each file, or
// that follow from how log2timeline/plaso produced its end-to-end outputs
// (config/end-to-end.ini). Each test says where its numbers come from.
#include <postmortem/import.hpp> // first: the header must be self-contained

#include "support.hpp"

#include <boost/json/value.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

namespace json = boost::json;
namespace pm = postmortem;
using pm::ImportFormat;

namespace {

std::filesystem::path timeline_file(const std::string &relative) { return pm_test::data_dir() / "timelines" / relative; }

struct Imported {
  pm::Document doc;
  pm::ImportReport report;
};

Imported import_path(ImportFormat format, const std::string &relative, const pm::ImportOptions &options = {}) {
  Imported r;
  r.report = pm::import_file(r.doc, format, timeline_file(relative).string(), options);
  return r;
}

Imported import_text(ImportFormat format, std::string_view text, const pm::ImportOptions &options = {}) {
  Imported r;
  r.report = pm::import_timeline(r.doc, format, text, options);
  return r;
}

// Feeds `data` in pieces whose sizes come from `next_size`.
Imported import_chunked(ImportFormat format, std::string_view data, const std::function<std::size_t()> &next_size,
                        const pm::ImportOptions &options = {}) {
  Imported r;
  pm::Importer importer(r.doc, format, options);
  for (std::size_t pos = 0; pos < data.size();) {
    const std::size_t n = std::min(next_size(), data.size() - pos);
    importer.feed(data.substr(pos, n));
    pos += n;
  }
  r.report = importer.finish();
  return r;
}

std::string utc(const pm::Event &e) { return e.time->to_string(); }

std::vector<std::string> utc_times(const pm::Document &doc) {
  std::vector<std::string> out;
  for (const auto &e : doc.timeline) out.push_back(utc(e));
  return out;
}

std::vector<std::string> ids(const pm::Document &doc) {
  std::vector<std::string> out;
  for (const auto &e : doc.timeline) out.push_back(*e.id);
  return out;
}

const pm::Event &event_with(const pm::Document &doc, std::string_view description) {
  for (const auto &e : doc.timeline)
    if (e.description && *e.description == description) return e;
  FAIL("no event with description " << std::string(description));
  throw 0; // unreachable
}

// An `x_` member as text; "<absent>" when missing.
std::string x(const pm::Event &e, std::string_view key) {
  const json::value *v = e.extra.if_contains(key);
  if (!v) return "<absent>";
  return v->is_string() ? std::string(v->get_string()) : pm::serialize_value(*v);
}

std::string timeline_json(const pm::Document &doc) { return pm::serialize_value(pm::to_value(doc).as_object().at("timeline")); }

std::string report_json(const pm::ImportReport &r) { return pm::serialize_value(pm::to_value(r)); }

pm::ImportOptions options(std::string_view json_text) { return pm::ImportOptions::parse(json_text); }

// The CHECKs of a good file: every row read, none skipped, each imported or merged.
void check_good(const Imported &r, std::uint64_t records) {
  CHECK(r.report.rows == records);
  CHECK(r.report.skipped == 0);
  CHECK(r.report.problems.empty());
  CHECK(r.report.imported + r.report.duplicates == records);
  CHECK(r.doc.timeline.size() == r.report.imported);
}

std::uint64_t fnv1a(std::string_view bytes, std::uint64_t h = 0xcbf29ce484222325ULL) {
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

const std::string l2tcsv_header =
    "date,time,timezone,MACB,source,sourcetype,type,user,host,short,desc,version,filename,inode,notes,format,extra\n";

std::string l2tcsv_row(std::string_view date, std::string_view time, std::string_view zone, std::string_view desc,
                       std::string_view host = "-") {
  return std::string(date) + "," + std::string(time) + "," + std::string(zone) +
         ",M...,LOG,Log File,Content Modification Time,-," + std::string(host) + ",short text," + std::string(desc) +
         ",2,-,-,-,-,-\n";
}

} // namespace

// ---------------------------------------------------------------------------------------
// Timesketch: the files of google/timesketch tests/test_events and end_to_end_tests/test_data

TEST_CASE("import: every Timesketch reference file imports every record") {
  // Record counts: tests/data/README.md, "timelines/timesketch/".
  const std::pair<const char *, std::uint64_t> csv_files[] = {
      {"timesketch/end_to_end_tests/sigma_events.csv", 4},
      {"timesketch/end_to_end_tests/evtx_part.csv", 13},
      {"timesketch/test_events/sigma_events.csv", 4},
      {"timesketch/test_events/csv_datetime_last_column.csv", 4},
      {"timesketch/test_events/csv_timestamp_as_datetime.csv", 4},
      {"timesketch/test_events/csv_timestamp_no_datetime.csv", 3},
      {"timesketch/test_events/mapping_limit_exceed.csv", 1},
      {"timesketch/test_events/validate_date_events_missing_timestamp.csv", 1},
      {"timesketch/test_events/validate_no_datetime_timestamps.csv", 5},
      {"timesketch/test_events/validate_time_precision.csv", 2},
      {"timesketch/test_events/validate_time_precision_datetime.csv", 1},
      {"timesketch/test_events/validate_timestamp_conversion.csv", 3},
  };
  for (const auto &[name, records] : csv_files) {
    const std::string file = name; // CAPTURE cannot take a structured binding (clang 14)
    CAPTURE(file);
    check_good(import_path(ImportFormat::timesketch_csv, file), records);
  }
  const std::pair<const char *, std::uint64_t> jsonl_files[] = {
      {"timesketch/end_to_end_tests/sigma_events.jsonl", 4},
      {"timesketch/test_events/sigma_events.jsonl", 5},
      {"timesketch/test_events/large_field_event.jsonl", 3},
      {"timesketch/test_events/validate_time_precision_jsonl.jsonl", 2},
  };
  for (const auto &[name, records] : jsonl_files) {
    const std::string file = name;
    CAPTURE(file);
    check_good(import_path(ImportFormat::timesketch_jsonl, file), records);
  }
}

TEST_CASE("import: Timesketch times match what Timesketch's own tests expect") {
  SUBCASE("csv_timestamp_no_datetime: epoch seconds, milliseconds and microseconds") {
    // utils_test.py: 1658689261 -> 2022-07-24T19:01:01+00:00; 1658689261123 -> ...01.123000;
    // 1658689261123456 -> ...01.123456 (timestamps 1658689261000000, ...123000, ...123456).
    auto r = import_path(ImportFormat::timesketch_csv, "timesketch/test_events/csv_timestamp_no_datetime.csv");
    REQUIRE(r.doc.timeline.size() == 3);
    CHECK(utc(event_with(r.doc, "seconds_timestamp")) == "2022-07-24T19:01:01Z");
    CHECK(utc(event_with(r.doc, "milliseconds_timestamp")) == "2022-07-24T19:01:01.123Z");
    CHECK(utc(event_with(r.doc, "microseconds_timestamp")) == "2022-07-24T19:01:01.123456Z");
    CHECK(event_with(r.doc, "seconds_timestamp").time->micros == 1658689261000000);
    CHECK(event_with(r.doc, "milliseconds_timestamp").time->micros == 1658689261123000);
    CHECK(event_with(r.doc, "microseconds_timestamp").time->micros == 1658689261123456);
  }
  SUBCASE("csv_datetime_last_column: the time comes from datetime, not from the file's timestamp") {
    // utils_test.py: row 1 -> 1532689087000000 (2018-07-27T10:58:07+00:00), not the file's
    // 1532703487000000.
    auto r = import_path(ImportFormat::timesketch_csv, "timesketch/test_events/csv_datetime_last_column.csv");
    REQUIRE(r.doc.timeline.size() == 4);
    CHECK(r.doc.timeline[0].time->micros == 1532689087000000);
    CHECK(utc_times(r.doc) == std::vector<std::string>{"2018-07-27T10:58:07Z", "2018-07-27T11:35:05Z",
                                                        "2018-07-27T11:56:33Z", "2018-07-27T12:24:50Z"});
  }
  SUBCASE("csv_timestamp_as_datetime: datetime holding microsecond epoch numbers") {
    // utils_test.py: row 1 -> 2024-08-12T15:03:14.349345+00:00, timestamp 1723474994349345.
    auto r = import_path(ImportFormat::timesketch_csv, "timesketch/test_events/csv_timestamp_as_datetime.csv");
    REQUIRE(r.doc.timeline.size() == 4);
    // Sorted by time: the file's row 3 (1723213989468712) comes first, its row 1 second.
    CHECK(utc(r.doc.timeline[1]) == "2024-08-12T15:03:14.349345Z");
    CHECK(r.doc.timeline[1].time->micros == 1723474994349345);
    CHECK(x(r.doc.timeline[1], "x_uid") == "mustermann");
  }
  SUBCASE("invalid_datetime: the unparsable `1234 19:01:01` row is dropped, the other three kept") {
    auto r = import_path(ImportFormat::timesketch_csv, "timesketch/test_events/invalid_datetime.csv");
    CHECK(r.report.rows == 4);
    CHECK(r.report.imported == 3);
    CHECK(r.report.skipped == 1);
    REQUIRE(r.report.problems.size() == 1);
    const auto &p = r.report.problems[0];
    CHECK(p.line == 5); // header is line 1; the wrong_datetime_1 row is the fourth record
    CHECK(p.column == 3);
    CHECK(p.field == "datetime");
    CHECK(p.message.find("`1234 19:01:01`") != std::string::npos);
    CHECK(p.message.find("is not a date and time") != std::string::npos);
    // "2017-09-24 19:01:01" has no zone: the default time_zone, UTC. The long_timestamp row
    // (timestamp 9999999999999) is kept: datetime wins over timestamp.
    std::set<std::string> sources;
    for (const auto &e : r.doc.timeline) sources.insert(*e.source);
    CHECK(sources == std::set<std::string>{"Missing_timezone_info", "wrong_timestamp", "long_timestamp"});
    CHECK(utc_times(r.doc) ==
          std::vector<std::string>{"2017-07-24T19:01:01Z", "2017-09-24T19:01:01Z", "2017-10-24T19:01:01Z"});
  }
  SUBCASE("validate_date_events_missing_timestamp: no timestamp column") {
    // utils_test.py: timestamp generated, 1658689261000000.
    auto r = import_path(ImportFormat::timesketch_csv, "timesketch/test_events/validate_date_events_missing_timestamp.csv");
    REQUIRE(r.doc.timeline.size() == 1);
    CHECK(r.doc.timeline[0].time->micros == 1658689261000000);
  }
  SUBCASE("validate_no_datetime_timestamps: empty or blank datetime or timestamp") {
    // utils_test.py: `No timestamp1` -> 1437789661000000 / 2015-07-25T02:01:01+00:00,
    // `No timestamp2` -> 1406253661000000 / 2014-07-25T02:01:01+00:00.
    auto r = import_path(ImportFormat::timesketch_csv, "timesketch/test_events/validate_no_datetime_timestamps.csv");
    REQUIRE(r.doc.timeline.size() == 5);
    CHECK(event_with(r.doc, "No Timestamp1").time->micros == 1437789661000000);
    CHECK(utc(event_with(r.doc, "No Timestamp1")) == "2015-07-25T02:01:01Z");
    CHECK(event_with(r.doc, "No Timestamp2").time->micros == 1406253661000000);
    // An empty or blank datetime falls back to timestamp (microseconds).
    CHECK(event_with(r.doc, "No datetime given").time->micros == 1435789661000000);
    CHECK(event_with(r.doc, "Whitespace datetime").time->micros == 1437789661000000);
    CHECK(utc(event_with(r.doc, "Whitespace Timestamp")) == "2016-07-25T02:01:01Z");
  }
  SUBCASE("validate_time_out_of_range: 1601 is dropped, 2227 kept") {
    auto r = import_path(ImportFormat::timesketch_csv, "timesketch/test_events/validate_time_out_of_range.csv");
    CHECK(r.report.rows == 2);
    CHECK(r.report.skipped == 1);
    REQUIRE(r.report.problems.size() == 1);
    CHECK(r.report.problems[0].line == 2);
    CHECK(r.report.problems[0].column == 3);
    CHECK(r.report.problems[0].message.find("1601-01-01T00:00:00Z") != std::string::npos);
    REQUIRE(r.doc.timeline.size() == 1);
    CHECK(utc(r.doc.timeline[0]) == "2227-12-31T23:01:01Z");
  }
  SUBCASE("validate_time_precision: microseconds in datetime and in timestamp") {
    // utils_test.py: datetime normalised to 2024-07-24T10:57:02.877297+00:00.
    auto r = import_path(ImportFormat::timesketch_csv, "timesketch/test_events/validate_time_precision.csv");
    CHECK(utc(event_with(r.doc, "total precision in datetime")) == "2024-07-24T10:57:02.877297Z");
    CHECK(utc(event_with(r.doc, "precision in timestamp")) == "2015-07-24T19:01:01Z");
    auto j = import_path(ImportFormat::timesketch_jsonl, "timesketch/test_events/validate_time_precision_jsonl.jsonl");
    CHECK(utc(event_with(j.doc, "total precision in datetime jsonl")) == "2024-07-24T10:57:02.877297Z");
  }
  SUBCASE("validate_timestamp_conversion: +00:00, +0000 and a space separator") {
    // utils_test.py: 1331698658000000, 1658689261000000, 1437789661000000.
    auto r = import_path(ImportFormat::timesketch_csv, "timesketch/test_events/validate_timestamp_conversion.csv");
    std::vector<std::int64_t> micros;
    for (const auto &e : r.doc.timeline) micros.push_back(e.time->micros);
    CHECK(micros == std::vector<std::int64_t>{1331698658000000, 1437789661000000, 1658689261000000});
  }
  SUBCASE("sigma_events: datetime agrees with the file's microsecond timestamps") {
    auto r = import_path(ImportFormat::timesketch_csv, "timesketch/test_events/sigma_events.csv");
    REQUIRE(r.doc.timeline.size() == 4);
    CHECK(event_with(r.doc, "A message").time->micros == 1437764461000000);
    auto j = import_path(ImportFormat::timesketch_jsonl, "timesketch/test_events/sigma_events.jsonl");
    REQUIRE(j.doc.timeline.size() == 5);
    // The 5th record's timestamp is a string ("1642892863502205"); its datetime agrees.
    CHECK(j.doc.timeline[4].time->micros == 1642892863502205);
    CHECK(*j.doc.timeline[4].source == "windows:evtx:record");
  }
}

TEST_CASE("import: Timesketch evtx_part.csv, a real EVTX export with multi-line XML") {
  // 13 records over 316 physical lines (xml_string holds multi-line XML). The records repeat:
  // record 12050 five times with two timestamp descriptions each, and the 105 record's
  // creation time twice, so 3 distinct events remain and 10 rows are exact repeats.
  auto r = import_path(ImportFormat::timesketch_csv, "timesketch/end_to_end_tests/evtx_part.csv");
  check_good(r, 13);
  CHECK(r.report.imported == 3);
  CHECK(r.report.duplicates == 10);
  REQUIRE(r.doc.timeline.size() == 3);
  CHECK(utc_times(r.doc) == std::vector<std::string>{"2012-03-14T04:17:38.276340Z", "2012-03-14T04:17:43.354562Z",
                                                      "2012-03-14T04:17:43.354563Z"});
  const auto &first = r.doc.timeline[0];
  CHECK(*first.source == "WinEVTX"); // source_long
  CHECK(first.description->rfind("[7036 / 0x1b7c] Source Name: Service Control Manager", 0) == 0);
  // The repeats' timestamp descriptions are merged into the event that was kept.
  CHECK(x(first, "x_timestamp_desc") == "Content Modification Time; Creation Time");
  CHECK(x(first, "x_event_identifier") == "7036");
  CHECK(x(first, "x_computer_name") != "<absent>");
  CHECK(x(first, "x_xml_string").find("\n") != std::string::npos);
  CHECK(x(first, "x_path_spec").find("/case/System.evtx") != std::string::npos);
  CHECK(x(first, "x_display_name") == "OS:/case/System.evtx");
  CHECK(x(first, "x_datetime") == "<absent>");
  CHECK(x(first, "x_message") == "<absent>");
}

TEST_CASE("import: Timesketch mapping_limit_exceed.csv (503 columns, CRLF)") {
  auto r = import_path(ImportFormat::timesketch_csv, "timesketch/test_events/mapping_limit_exceed.csv");
  REQUIRE(r.doc.timeline.size() == 1);
  const auto &e = r.doc.timeline[0];
  // 500 unique_field_ columns plus x_timestamp_desc; message, datetime are members.
  CHECK(e.extra.size() == 501);
  for (const auto &member : e.extra) {
    CAPTURE(std::string_view(member.key()));
    REQUIRE(member.value().is_string());
    CHECK(std::string_view(member.value().get_string()).find('\r') == std::string_view::npos);
  }
}

TEST_CASE("import: Timesketch large_field_event.jsonl keeps a 38 KB field") {
  auto r = import_path(ImportFormat::timesketch_jsonl, "timesketch/test_events/large_field_event.jsonl");
  REQUIRE(r.doc.timeline.size() == 3);
  const auto &e = event_with(r.doc, "Large event with 38k FeatureVector");
  CHECK(x(e, "x_FeatureVector").size() > 32766);
  CHECK(utc(e) == "2026-02-18T13:37:00Z");
  CHECK(x(e, "x_id") == "test-uuid-12345");
}

TEST_CASE("import: x_ members hold every other column") {
  auto r = import_path(ImportFormat::timesketch_csv, "timesketch/test_events/sigma_events.csv");
  const auto &plain = event_with(r.doc, "A message");
  CHECK(*plain.source == "timesketch"); // no source_long, source_short or data_type value
  CHECK(*plain.type == pm::EventType::other);
  CHECK(x(plain, "x_timestamp_desc") == "Write time");
  CHECK(x(plain, "x_extra_field_1") == "foo");
  CHECK(x(plain, "x_command") == "<absent>"); // empty CSV values are dropped
  CHECK(x(plain, "x_timestamp") == "<absent>"); // time columns are not copied
  const auto &apt = event_with(r.doc, "Install: zmap:amd64 (1.1.0-1) [Commandline: apt-get install zmap]");
  CHECK(*apt.source == "apt:history:line"); // data_type
  CHECK(x(apt, "x_data_type") == "apt:history:line");
  CHECK(x(apt, "x_command") == "Commandline: apt-get install zmap");
  CHECK(x(apt, "x_display_name") == "GZIP:/var/log/apt/history.log.1.gz");
  CHECK(x(apt, "x_parser") == "apt_history");
  CHECK(x(apt, "x_timestamp_desc") == "foo");

  SUBCASE("JSONL members keep their JSON type") {
    auto j = import_text(ImportFormat::timesketch_jsonl,
                         R"({"message": "m", "datetime": "2024-01-01T00:00:00Z", "nested": {"a": [1, 2]}, "flag": true, "count": 3, "none": null})");
    REQUIRE(j.doc.timeline.size() == 1);
    const auto &e = j.doc.timeline[0];
    CHECK(x(e, "x_nested") == R"({"a":[1,2]})");
    CHECK(e.extra.at("x_flag").is_bool());
    CHECK(e.extra.at("x_count").is_int64());
    CHECK(e.extra.at("x_none").is_null());
  }
}

TEST_CASE("import: incorrect.csv needs a column mapping") {
  // tests/data/README.md: lacks `datetime` and `timestamp_desc` (its time is in DT), so an
  // importer without a header mapping must reject it.
  pm::Document doc;
  try {
    pm::import_file(doc, ImportFormat::timesketch_csv, timeline_file("timesketch/test_events/incorrect.csv").string());
    FAIL("incorrect.csv was accepted");
  } catch (const pm::error &e) {
    CHECK(e.code() == pm::errc::format);
    CHECK(std::string(e.what()).find("not a Timesketch CSV") != std::string::npos);
    CHECK(std::string(e.what()).find("`datetime` or `timestamp`") != std::string::npos);
  }
  CHECK(doc.timeline.empty());

  auto r = import_path(ImportFormat::timesketch_csv, "timesketch/test_events/incorrect.csv",
                       options(R"({"columns": {"datetime": "DT", "timestamp_desc": "timestampDesc"}})"));
  check_good(r, 1);
  REQUIRE(r.doc.timeline.size() == 1);
  const auto &e = r.doc.timeline[0];
  CHECK(utc(e) == "2020-09-18T21:58:07.470323Z"); // no zone in DT: the default, UTC
  CHECK(x(e, "x_timestamp_desc") == "Time Logged");
  CHECK(x(e, "x_DT") == "<absent>");
  CHECK(x(e, "x_timestampDesc") == "<absent>");
  CHECK(*e.source == "LOG"); // source_short (there is no source_long)
  CHECK(x(e, "x_Source Port") == "<absent>"); // empty
  CHECK(x(e, "x_Protocol") == "ARP");
}

// ---------------------------------------------------------------------------------------
// Plaso: log2timeline/plaso test_data/end_to_end outputs

TEST_CASE("import: every Plaso reference file imports every record") {
  // Record counts: tests/data/README.md, "timelines/plaso/".
  const std::tuple<const char *, ImportFormat, std::uint64_t> files[] = {
      {"plaso/l2tcsv.log", ImportFormat::plaso_l2tcsv, 19},
      {"plaso/l2tcsv_time_zone.log", ImportFormat::plaso_l2tcsv, 19},
      {"plaso/dynamic.log", ImportFormat::plaso_dynamic, 20},
      {"plaso/dynamic_time_zone.log", ImportFormat::plaso_dynamic, 20},
      {"plaso/dynamic_without_dynamic_time.log", ImportFormat::plaso_dynamic, 20},
      {"plaso/extract_and_output.log", ImportFormat::plaso_dynamic, 445},
      {"plaso/extract_and_output_with_time_zone.log", ImportFormat::plaso_dynamic, 8},
      {"plaso/extract_and_output_without_time_zone.log", ImportFormat::plaso_dynamic, 8},
      {"plaso/extract_and_output_with_winevt_rc.log", ImportFormat::plaso_dynamic, 388},
  };
  for (const auto &[name, format, records] : files) {
    const std::string file = name;
    CAPTURE(file);
    check_good(import_path(format, file), records);
  }
}

TEST_CASE("import: Plaso l2tcsv") {
  auto r = import_path(ImportFormat::plaso_l2tcsv, "plaso/l2tcsv.log");
  check_good(r, 19);
  CHECK(r.report.imported == 19);
  const auto times = utc_times(r.doc);
  CHECK(times.front() == "2012-01-22T07:52:33Z");
  // The three file-stat rows dated 2026-07-02, output zone UTC.
  CHECK(std::vector<std::string>(times.end() - 3, times.end()) ==
        std::vector<std::string>{"2026-07-02T17:47:57Z", "2026-07-02T17:47:58Z", "2026-07-02T17:48:00Z"});
  const auto &merged = r.doc.timeline[16];
  CHECK(*merged.source == "File stat"); // sourcetype
  CHECK(x(merged, "x_MACB") == "M.C.");
  CHECK(x(merged, "x_timestamp_desc") == "Content Modification Time; Metadata Modification Time");
  CHECK(x(merged, "x_inode") == "351025");
  CHECK(x(merged, "x_short") == "/mnt/test/test_data/syslog/syslog");
  CHECK(merged.description->rfind("OS:/mnt/test/test_data/syslog/syslog Type: file", 0) == 0); // desc
  CHECK(x(merged, "x_host") == "<absent>"); // `-`
  CHECK(merged.asset_ids.empty());
  // Non-ASCII text and a TAB inside a field are kept as they are.
  CHECK(*r.doc.timeline[0].description == "[client  pid: 30840] INFO No new content in ímynd.dd.");
  const auto &tab = event_with(r.doc, "[aprocess  pid: 10100] This is a multi-line message that screws up\tmany syslog parsers.");
  CHECK(x(tab, "x_host") == "myhostname.myhost.com");
  CHECK(x(tab, "x_user") == "<absent>");
  CHECK(!tab.actor);
  // `user` is the actor; `-` values are dropped; date, time, timezone are not copied.
  const auto &cron = event_with(r.doc, "Cron ran: touch /var/run/crond.somecheck for user: root pid: 31051");
  CHECK(cron.actor == std::optional<std::string>("root"));
  CHECK(x(cron, "x_notes") == "<absent>");
  CHECK(x(cron, "x_date") == "<absent>");
  CHECK(x(cron, "x_timezone") == "<absent>");
  CHECK(x(cron, "x_version") == "2");
  CHECK(x(cron, "x_source") == "LOG");
  CHECK(x(cron, "x_format") == "text/syslog_traditional");
}

TEST_CASE("import: l2tcsv in CET/CEST gives exactly the UTC times and ids of l2tcsv in UTC") {
  // l2tcsv_time_zone.log is the same psort run with --output-time-zone CET: local times +1 h
  // with `CET`, and +2 h with `CEST` for the July 2026 rows (daylight saving time).
  auto utc_run = import_path(ImportFormat::plaso_l2tcsv, "plaso/l2tcsv.log");
  auto cet_run = import_path(ImportFormat::plaso_l2tcsv, "plaso/l2tcsv_time_zone.log");
  CHECK(utc_times(cet_run.doc) == utc_times(utc_run.doc));
  CHECK(ids(cet_run.doc) == ids(utc_run.doc));
  CHECK(timeline_json(cet_run.doc) == timeline_json(utc_run.doc));
  // 07/02/2026 19:47:57 CEST (the file's row 17) is 17:47:57Z.
  CHECK(utc(cet_run.doc.timeline[16]) == "2026-07-02T17:47:57Z");
}

TEST_CASE("import: Plaso dynamic CSV") {
  auto r = import_path(ImportFormat::plaso_dynamic, "plaso/dynamic.log");
  // 20 rows; the two file-stat rows with the same time and message (Content Modification
  // Time, Metadata Modification Time) are one event, as l2tcsv's single `M.C.` row is.
  check_good(r, 20);
  CHECK(r.report.imported == 19);
  CHECK(r.report.duplicates == 1);
  auto l2t = import_path(ImportFormat::plaso_l2tcsv, "plaso/l2tcsv.log");
  CHECK(r.doc.timeline.size() == l2t.doc.timeline.size());
  const auto &merged = r.doc.timeline[16];
  CHECK(utc(merged) == "2026-07-02T17:47:57.955519Z"); // 9 digits truncated to 6
  CHECK(x(merged, "x_timestamp_desc") == "Content Modification Time; Metadata Modification Time");
  CHECK(*merged.source == "File stat"); // source_long
  CHECK(x(merged, "x_parser") == "filestat");
  CHECK(x(merged, "x_tag") == "<absent>"); // `-`
  // The syslog rows have whole seconds: same source, time, description and timestamp
  // description as in l2tcsv, hence the same ids.
  const auto l2t_list = ids(l2t.doc);
  const std::set<std::string> l2t_ids(l2t_list.begin(), l2t_list.end());
  const auto dyn_ids = ids(r.doc);
  CHECK(std::count_if(dyn_ids.begin(), dyn_ids.end(), [&](const std::string &id) { return l2t_ids.count(id) > 0; }) == 16);

  SUBCASE("the CET run gives the same UTC times and ids") {
    auto cet = import_path(ImportFormat::plaso_dynamic, "plaso/dynamic_time_zone.log");
    CHECK(timeline_json(cet.doc) == timeline_json(r.doc));
  }
  SUBCASE("without --dynamic-time: six fraction digits, the same instants") {
    auto fixed = import_path(ImportFormat::plaso_dynamic, "plaso/dynamic_without_dynamic_time.log");
    REQUIRE(fixed.doc.timeline.size() == r.doc.timeline.size());
    int same_id = 0;
    for (std::size_t i = 0; i < r.doc.timeline.size(); ++i) {
      // Plaso rounds nanoseconds to six digits here (17:47:57.955520), while the importer
      // truncates the nine digits of --dynamic-time (17:47:57.955519754 -> .955519).
      const auto delta = fixed.doc.timeline[i].time->micros - r.doc.timeline[i].time->micros;
      CHECK(delta >= 0);
      CHECK(delta <= 1);
      same_id += fixed.doc.timeline[i].id == r.doc.timeline[i].id;
    }
    CHECK(same_id == 16); // the syslog rows (whole seconds)
    CHECK(utc(fixed.doc.timeline[0]) == "2012-01-22T07:52:33.000000Z"); // fraction digits as written
    CHECK(utc(fixed.doc.timeline[16]) == "2026-07-02T17:47:57.955520Z");
  }
  SUBCASE("l2tcsv then dynamic into one document: the repeats merge") {
    auto both = import_path(ImportFormat::plaso_l2tcsv, "plaso/l2tcsv.log");
    auto second = pm::import_file(both.doc, ImportFormat::plaso_dynamic, timeline_file("plaso/dynamic.log").string());
    // 16 syslog rows repeat l2tcsv exactly; the file-stat rows have sub-second times here.
    CHECK(second.rows == 20);
    CHECK(second.duplicates == 17);
    CHECK(second.imported == 3);
    // Within a second, every dynamic row is an l2tcsv event.
    auto again = import_path(ImportFormat::plaso_l2tcsv, "plaso/l2tcsv.log");
    auto tolerant = pm::import_file(again.doc, ImportFormat::plaso_dynamic, timeline_file("plaso/dynamic.log").string(),
                                    options(R"({"dedupe_seconds": 1})"));
    CHECK(tolerant.imported == 0);
    CHECK(tolerant.duplicates == 20);
  }
}

TEST_CASE("import: Plaso extraction outputs") {
  SUBCASE("extract_and_output.log: 445 rows, 2012-01-22 ... 2013-12-31, 7-digit fractions") {
    auto r = import_path(ImportFormat::plaso_dynamic, "plaso/extract_and_output.log");
    check_good(r, 445);
    CHECK(utc(r.doc.timeline.front()).rfind("2012-01-22T", 0) == 0);
    CHECK(utc(r.doc.timeline.back()).rfind("2013-12-31T", 0) == 0);
    std::map<std::string, int> parsers;
    for (const auto &e : r.doc.timeline) ++parsers[x(e, "x_parser")];
    CHECK(parsers.size() == 3); // mft, filestat, text/syslog_traditional
    CHECK(parsers["text/syslog_traditional"] == 12);
  }
  SUBCASE("extract_and_output_with_winevt_rc.log: 388 EVTX rows, each twice") {
    auto r = import_path(ImportFormat::plaso_dynamic, "plaso/extract_and_output_with_winevt_rc.log");
    check_good(r, 388);
    // Each record is a Content Modification Time and a Creation Time row at the same time.
    CHECK(r.report.imported == 194);
    CHECK(utc(r.doc.timeline.front()) == "2015-08-08T02:06:17.078125Z"); // .0781250 truncated
    CHECK(x(r.doc.timeline.front(), "x_timestamp_desc") == "Content Modification Time; Creation Time");
    CHECK(utc(r.doc.timeline.back()).rfind("2015-08-09T", 0) == 0);
    CHECK(r.doc.timeline.front().description->find("Windows is starting up.\\n") != std::string::npos);
  }
  SUBCASE("source time zone: with -z CET every time is 1 h earlier than without") {
    auto with = import_path(ImportFormat::plaso_dynamic, "plaso/extract_and_output_with_time_zone.log");
    auto without = import_path(ImportFormat::plaso_dynamic, "plaso/extract_and_output_without_time_zone.log");
    REQUIRE(with.doc.timeline.size() == 8);
    REQUIRE(without.doc.timeline.size() == 8);
    for (std::size_t i = 0; i < 8; ++i) {
      CHECK(with.doc.timeline[i].time->micros == without.doc.timeline[i].time->micros - 3'600'000'000LL);
      CHECK(with.doc.timeline[i].description == without.doc.timeline[i].description);
    }
    // A clock offset per source corrects the run that took CET for UTC: the same times and ids.
    auto corrected = import_path(ImportFormat::plaso_dynamic, "plaso/extract_and_output_without_time_zone.log",
                                 options(R"({"offsets": {"Log File": "-01:00:00", "Cron log": "-01:00:00"}})"));
    CHECK(timeline_json(corrected.doc) == timeline_json(with.doc));
  }
}

// ---------------------------------------------------------------------------------------
// CSV handling

TEST_CASE("import: CSV with a BOM, CRLF, embedded line breaks and quotes, exact values") {
  const std::string text = "\xEF\xBB\xBF"
                           "message,datetime,timestamp_desc\r\n"                      // line 1
                           "\"two\r\nlines, \"\"quoted\"\"\",2024-01-01T00:00:00Z,t\r\n" // lines 2-3
                           " spaced ,2024-01-01T00:00:01Z,t\r\n"                      // line 4
                           "bad\"quote,2024-01-01T00:00:02Z,t\r\n"                    // line 5: stray quote
                           "\"closed\"x,2024-01-01T00:00:03Z,t\r\n"                   // line 6: text after the quote
                           "too,few\r\n"                                              // line 7: 2 fields
                           "\r\n"                                                     // line 8: blank
                           "last,2024-01-01T00:00:04Z,\t";                            // line 9: no final newline
  auto r = import_text(ImportFormat::timesketch_csv, text);
  CHECK(r.report.rows == 6);
  CHECK(r.report.imported == 3);
  CHECK(r.report.skipped == 3);
  REQUIRE(r.doc.timeline.size() == 3);
  CHECK(*r.doc.timeline[0].description == "two\r\nlines, \"quoted\"");
  CHECK(*r.doc.timeline[1].description == " spaced "); // no trimming
  CHECK(*r.doc.timeline[2].description == "last");
  CHECK(x(r.doc.timeline[2], "x_timestamp_desc") == "\t");
  REQUIRE(r.report.problems.size() == 3);
  CHECK(r.report.problems[0].line == 5);
  CHECK(r.report.problems[0].column == 1);
  CHECK(r.report.problems[0].field == "message");
  CHECK(r.report.problems[0].message.find("quote") != std::string::npos);
  CHECK(r.report.problems[1].line == 6);
  CHECK(r.report.problems[1].column == 1);
  CHECK(r.report.problems[2].line == 7);
  CHECK(r.report.problems[2].column == 3);
  CHECK(r.report.problems[2].field == "timestamp_desc");
  CHECK(r.report.problems[2].message == "the row has 2 fields; the header has 3");

  SUBCASE("an error on the second line of a row is reported at the row's first line") {
    auto m = import_text(ImportFormat::timesketch_csv, "message,datetime\n"
                                                       "ok,2024-01-01T00:00:00Z,\n"     // 3 fields
                                                       "\"multi\nline\"oops,2024-01-01T00:00:00Z\n"
                                                       "after,2024-01-01T00:00:05Z\n");
    CHECK(m.report.rows == 3);
    REQUIRE(m.report.problems.size() == 2);
    CHECK(m.report.problems[0].line == 2);
    CHECK(m.report.problems[0].column == 3);
    CHECK(m.report.problems[0].field.empty());
    CHECK(m.report.problems[1].line == 3);
    CHECK(m.report.problems[1].message.find("on line 4") != std::string::npos);
    REQUIRE(m.doc.timeline.size() == 1);
    CHECK(*m.doc.timeline[0].description == "after"); // resynchronised at the next line
  }
  SUBCASE("a quoted field still open at the end of the input") {
    auto m = import_text(ImportFormat::timesketch_csv, "message,datetime\nok,2024-01-01T00:00:00Z\n\"never closed,x\nmore\n");
    CHECK(m.report.rows == 2);
    CHECK(m.report.imported == 1);
    REQUIRE(m.report.problems.size() == 1);
    CHECK(m.report.problems[0].line == 3);
    CHECK(m.report.problems[0].message.find("not closed") != std::string::npos);
  }
}

TEST_CASE("import: CSV bytes that are not UTF-8 become U+FFFD") {
  pm::Document doc = pm::new_timeline_document(ImportFormat::timesketch_csv);
  auto r = pm::import_timeline(doc, ImportFormat::timesketch_csv,
                               "message,datetime,h\xE9" "ader\n"
                               "caf\xE9 latin-1,2024-01-01T00:00:00Z,\xC3\xA9 fine\n"
                               "truncated \xE2\x82,2024-01-01T00:00:01Z,x\n");
  CHECK(r.imported == 2);
  CHECK(*doc.timeline[0].description == "caf\xEF\xBF\xBD latin-1");
  CHECK(x(doc.timeline[0], "x_h\xEF\xBF\xBD" "ader") == "\xC3\xA9 fine"); // valid UTF-8 is untouched
  CHECK(*doc.timeline[1].description == "truncated \xEF\xBF\xBD\xEF\xBF\xBD");
  CHECK(pm::to_json(pm::parse(pm::to_json(doc))) == pm::to_json(doc));
}

TEST_CASE("import: arbitrary bytes fail cleanly or import something consistent") {
  // What tests/fuzz/fuzz_import.cpp checks, on a few deterministic inputs: only
  // postmortem::error escapes, the counts add up, and the result is a valid document.
  std::mt19937 random(7);
  const std::string alphabet = "ab,\"\n\r \t-:/0123456789TZ+.{}[]\xC3\xA9\xFF";
  const std::string headers[] = {"", "message,datetime,timestamp_desc\n", l2tcsv_header,
                                 "datetime,timestamp_desc,source,source_long,message,parser,display_name,tag\n"};
  for (int round = 0; round < 200; ++round) {
    std::string data = headers[static_cast<std::size_t>(round) % 4];
    std::uniform_int_distribution<std::size_t> length(0, 400), pick(0, alphabet.size() - 1);
    for (std::size_t n = length(random); n > 0; --n) data += alphabet[pick(random)];
    for (ImportFormat format : {ImportFormat::timesketch_csv, ImportFormat::timesketch_jsonl, ImportFormat::plaso_l2tcsv,
                                ImportFormat::plaso_dynamic}) {
      pm::Document doc = pm::new_timeline_document(format);
      try {
        auto r = pm::import_timeline(doc, format, data);
        CHECK(r.rows == r.imported + r.skipped + r.duplicates);
        CHECK(pm::to_json(pm::parse(pm::to_json(doc))) == pm::to_json(doc));
        CHECK(pm::serialize_value(pm::to_value(r)).size() > 0);
      } catch (const pm::error &e) {
        CHECK(e.code() == pm::errc::format);
      }
    }
  }
}

TEST_CASE("import: feeding in pieces of any size gives the same result") {
  const std::pair<const char *, ImportFormat> files[] = {
      {"timesketch/end_to_end_tests/evtx_part.csv", ImportFormat::timesketch_csv},
      {"timesketch/test_events/mapping_limit_exceed.csv", ImportFormat::timesketch_csv},
      {"timesketch/test_events/invalid_datetime.csv", ImportFormat::timesketch_csv},
      {"timesketch/test_events/sigma_events.jsonl", ImportFormat::timesketch_jsonl},
      {"plaso/l2tcsv_time_zone.log", ImportFormat::plaso_l2tcsv},
      {"plaso/extract_and_output_with_winevt_rc.log", ImportFormat::plaso_dynamic},
  };
  std::mt19937 random(20240117);
  for (const auto &[name, format] : files) {
    const std::string file = name;
    CAPTURE(file);
    std::string data = pm_test::read_file(timeline_file(file));
    for (bool bom : {false, true}) {
      if (bom) data.insert(0, "\xEF\xBB\xBF");
      auto whole = import_text(format, data);
      const std::string want_doc = timeline_json(whole.doc), want_report = report_json(whole.report);
      auto bytes = import_chunked(format, data, [] { return std::size_t{1}; });
      CHECK(timeline_json(bytes.doc) == want_doc);
      CHECK(report_json(bytes.report) == want_report);
      std::uniform_int_distribution<std::size_t> size(1, 4096);
      auto pieces = import_chunked(format, data, [&] { return size(random); });
      CHECK(timeline_json(pieces.doc) == want_doc);
      CHECK(report_json(pieces.report) == want_report);
    }
  }
}

// ---------------------------------------------------------------------------------------
// Strictness and the wrong format

TEST_CASE("import: strict mode fails on the first unreadable row") {
  pm::Document doc;
  try {
    pm::import_file(doc, ImportFormat::timesketch_csv, timeline_file("timesketch/test_events/invalid_datetime.csv").string(),
                    options(R"({"strict": true})"));
    FAIL("strict import accepted an invalid row");
  } catch (const pm::error &e) {
    CHECK(e.code() == pm::errc::format);
    CHECK(std::string(e.what()).find("line 5, column 3 (datetime): datetime `1234 19:01:01`") != std::string::npos);
  }
  CHECK(doc.timeline.empty()); // nothing appended

  pm::ImportOptions strict;
  strict.strict = true;
  pm::Importer importer(doc, ImportFormat::timesketch_csv, strict);
  importer.feed("message,datetime\nok,2024-01-01T00:00:00Z\n");
  CHECK_THROWS_AS(importer.feed("bad\"quote,2024-01-01T00:00:00Z\n"), pm::error);
  // A failed importer keeps failing with the same error.
  CHECK_THROWS_WITH_AS(importer.finish(), doctest::Contains("line 3, column 1 (message)"), pm::error);
  CHECK(doc.timeline.empty());
}

TEST_CASE("import: input that is not in the format fails with errc::format") {
  auto format_error = [](ImportFormat format, std::string_view text) -> std::string {
    pm::Document doc;
    try {
      pm::import_timeline(doc, format, text);
    } catch (const pm::error &e) {
      CHECK(e.code() == pm::errc::format);
      return e.what();
    }
    return "accepted";
  };
  const std::string l2t = pm_test::read_file(timeline_file("plaso/l2tcsv.log"));
  const std::string ts = pm_test::read_file(timeline_file("timesketch/test_events/sigma_events.csv"));
  CHECK(format_error(ImportFormat::timesketch_csv, l2t).find("no `message` column") != std::string::npos);
  CHECK(format_error(ImportFormat::plaso_l2tcsv, ts).find("not a Plaso l2tcsv: no `date` column") != std::string::npos);
  CHECK(format_error(ImportFormat::plaso_dynamic, l2t).find("no `datetime` column") != std::string::npos);
  CHECK(format_error(ImportFormat::timesketch_jsonl, ts).find("not Timesketch JSONL: line 1") != std::string::npos);
  CHECK(format_error(ImportFormat::timesketch_csv, "").find("the input is empty") != std::string::npos);
  CHECK(format_error(ImportFormat::timesketch_csv, "\"message,datetime\n").find("header") != std::string::npos);
  // An empty JSONL input is an empty timeline, not an error.
  auto empty = import_text(ImportFormat::timesketch_jsonl, "\n\n");
  CHECK(empty.report.rows == 0);
}

TEST_CASE("import: JSONL problems carry the byte column") {
  auto r = import_text(ImportFormat::timesketch_jsonl,
                       "{\"message\": \"n\", \"datetime\": 1658689261123, \"timestamp_desc\": \"t\"}\n"   // 1: ms epoch number
                       "{\"message\": \"f\", \"timestamp\": 1658689261.5}\r\n"                           // 2: float seconds
                       "{\"message\": \"s\", \"timestamp\": \"1658689261\"}\n"                           // 3: string
                       "{\"message\": \"broken\", \"datetime\": }\n"                                    // 4: not JSON
                       "[1, 2]\n"                                                                       // 5: not an object
                       "{\"message\": \"\", \"datetime\": \"2024-01-01T00:00:00Z\"}\n"                  // 6: empty message
                       "{\"datetime\": \"2024-01-01T00:00:00Z\"}\n"                                     // 7: no message
                       "{\"message\": \"t\", \"datetime\": true}");                                     // 8: not a time
  CHECK(r.report.rows == 8);
  CHECK(r.report.imported == 3);
  CHECK(utc(event_with(r.doc, "n")) == "2022-07-24T19:01:01.123Z");
  CHECK(utc(event_with(r.doc, "f")) == "2022-07-24T19:01:01.500Z");
  CHECK(utc(event_with(r.doc, "s")) == "2022-07-24T19:01:01Z");
  REQUIRE(r.report.problems.size() == 5);
  CHECK(r.report.problems[0].line == 4);
  CHECK(r.report.problems[0].column == 35); // the `}` where a value should be
  CHECK(r.report.problems[1].line == 5);
  CHECK(r.report.problems[2].line == 6);
  CHECK(r.report.problems[2].field == "message");
  CHECK(r.report.problems[3].line == 7);
  CHECK(r.report.problems[4].line == 8);
  CHECK(r.report.problems[4].field == "datetime");
}

// ---------------------------------------------------------------------------------------
// Times, zones and offsets

TEST_CASE("import: epoch numbers are recognised by magnitude") {
  auto r = import_text(ImportFormat::timesketch_csv, "message,timestamp\n"
                                                     "s,1658689261\n"
                                                     "ms,1658689261123\n"
                                                     "us,1658689261123456\n"
                                                     "ns,1658689261123456789\n"
                                                     "largest seconds,99999999999\n" // < 1e11: seconds (year 5138)
                                                     "smallest ms,100000000000\n"    // 1e11: milliseconds
                                                     "negative,-1\n");               // 1969: before min_time
  CHECK(utc(event_with(r.doc, "s")) == "2022-07-24T19:01:01Z");
  CHECK(utc(event_with(r.doc, "ms")) == "2022-07-24T19:01:01.123Z");
  CHECK(utc(event_with(r.doc, "us")) == "2022-07-24T19:01:01.123456Z");
  CHECK(utc(event_with(r.doc, "ns")) == "2022-07-24T19:01:01.123456Z"); // truncated to µs
  CHECK(utc(event_with(r.doc, "largest seconds")) == "5138-11-16T09:46:39Z");
  CHECK(utc(event_with(r.doc, "smallest ms")) == "1973-03-03T09:46:40Z");
  REQUIRE(r.report.problems.size() == 1);
  CHECK(r.report.problems[0].line == 8);
  CHECK(r.report.problems[0].message.find("1969-12-31T23:59:59Z is before") != std::string::npos);
  // min_time moves the lower bound.
  auto old = import_text(ImportFormat::timesketch_csv, "message,timestamp\nnegative,-1\n",
                         options(R"({"min_time": "1960-01-01T00:00:00Z"})"));
  CHECK(old.report.imported == 1);
}

TEST_CASE("import: local times in an IANA zone, with daylight saving time") {
  const std::string text = "message,datetime\n"
                           "winter,2026-01-22 08:52:33\n"
                           "summer,2026-07-02T19:47:57.955519754\n"
                           "repeated hour,2025-10-26 02:30:00\n"          // clocks go back: twice
                           "skipped hour,2025-03-30 02:30:00\n"           // clocks go forward: never
                           "named abbreviation,2026-07-02 19:47:57 CEST\n"
                           "named zone,2026-07-02 19:47:57 America/New_York\n"
                           "explicit offset,2026-07-02T19:47:57+0530\n"
                           "unknown zone,2026-07-02 19:47:57 Mars/Olympus\n"
                           "year 9999,9999-12-31 23:59:59\n"
                           "year 1,0001-01-01 00:00:00\n";
  auto r = import_text(ImportFormat::timesketch_csv, text, options(R"({"time_zone": "Europe/Berlin"})"));
  CHECK(utc(event_with(r.doc, "winter")) == "2026-01-22T07:52:33Z");    // CET, +01:00
  CHECK(utc(event_with(r.doc, "summer")) == "2026-07-02T17:47:57.955519Z"); // CEST, +02:00
  CHECK(utc(event_with(r.doc, "repeated hour")) == "2025-10-26T00:30:00Z"); // the earlier instant
  CHECK(utc(event_with(r.doc, "named abbreviation")) == "2026-07-02T17:47:57Z");
  CHECK(utc(event_with(r.doc, "named zone")) == "2026-07-02T23:47:57Z"); // EDT, -04:00
  CHECK(utc(event_with(r.doc, "explicit offset")) == "2026-07-02T14:17:57Z");
  CHECK(utc(event_with(r.doc, "year 9999")) == "9999-12-31T22:59:59Z");
  REQUIRE(r.report.problems.size() == 3);
  CHECK(r.report.problems[0].line == 5);
  CHECK(r.report.problems[0].column == 2);
  CHECK(r.report.problems[0].message.find("does not exist in Europe/Berlin") != std::string::npos);
  CHECK(r.report.problems[1].line == 9);
  CHECK(r.report.problems[1].message.find("Mars/Olympus") != std::string::npos);
  CHECK(r.report.problems[2].line == 11); // before min_time

  SUBCASE("fixed offsets and abbreviations as the default zone") {
    for (const char *zone : {"+05:30", "+0530", "UTC+05:30", "IST"}) {
      CAPTURE(zone);
      pm::ImportOptions o;
      o.time_zone = zone;
      CHECK(utc(import_text(ImportFormat::timesketch_csv, "message,datetime\nm,2026-01-22 08:52:33\n", o).doc.timeline.at(0)) ==
            "2026-01-22T03:22:33Z");
    }
  }
}

TEST_CASE("import: ambiguous abbreviations resolve by the table unless overridden") {
  // IST is India Standard Time (+05:30) by default; also Irish (+01:00) and Israel (+02:00).
  const std::string text = l2tcsv_header + l2tcsv_row("01/15/2024", "12:00:00", "IST", "event");
  CHECK(utc(import_text(ImportFormat::plaso_l2tcsv, text).doc.timeline.at(0)) == "2024-01-15T06:30:00Z");
  CHECK(utc(import_text(ImportFormat::plaso_l2tcsv, text, options(R"({"zone_abbreviations": {"IST": "+01:00"}})"))
                .doc.timeline.at(0)) == "2024-01-15T11:00:00Z");
  CHECK(utc(import_text(ImportFormat::plaso_l2tcsv, text, options(R"({"zone_abbreviations": {"ist": "Asia/Jerusalem"}})"))
                .doc.timeline.at(0)) == "2024-01-15T10:00:00Z");
  const auto table = pm::zone_abbreviations();
  const auto ist = std::find_if(table.begin(), table.end(),
                                 [](const pm::ZoneAbbreviation &z) { return z.abbreviation == "IST"; });
  REQUIRE(ist != table.end());
  CHECK(ist->offset_minutes == 330);
  CHECK(ist->also.find("Irish Standard Time +01:00") != std::string_view::npos);
  CHECK(ist->also.find("Israel Standard Time +02:00") != std::string_view::npos);

  SUBCASE("an unknown zone in the timezone column is reported there") {
    auto r = import_text(ImportFormat::plaso_l2tcsv, l2tcsv_header + l2tcsv_row("01/15/2024", "12:00:00", "XYZ", "e") +
                                                         l2tcsv_row("02/30/2024", "12:00:00", "UTC", "e") +
                                                         l2tcsv_row("01/15/2024", "25:00:00", "UTC", "e"));
    REQUIRE(r.report.problems.size() == 3);
    CHECK(r.report.problems[0].column == 3);
    CHECK(r.report.problems[0].field == "timezone");
    CHECK(r.report.problems[0].message.find("unknown time zone \"XYZ\"") != std::string::npos);
    CHECK(r.report.problems[1].field == "date");
    CHECK(r.report.problems[2].field == "time");
  }
}

TEST_CASE("import: the abbreviation table is sorted, with sensible offsets") {
  const auto table = pm::zone_abbreviations();
  CHECK(table.size() >= 50);
  for (std::size_t i = 0; i < table.size(); ++i) {
    CAPTURE(table[i].abbreviation);
    if (i > 0) CHECK(table[i - 1].abbreviation < table[i].abbreviation);
    CHECK(table[i].offset_minutes >= -12 * 60);
    CHECK(table[i].offset_minutes <= 14 * 60);
    CHECK(!table[i].meaning.empty());
  }
  for (const char *common : {"UTC", "GMT", "CET", "CEST", "EET", "EEST", "WET", "WEST", "MSK", "EST", "EDT", "CST", "CDT",
                             "MST", "MDT", "PST", "PDT", "AKST", "AKDT", "HST", "JST", "KST", "AEST", "AEDT", "ACST",
                             "AWST", "NZST", "NZDT", "SAST", "IST", "BST", "AST"}) {
    CAPTURE(common);
    CHECK(std::any_of(table.begin(), table.end(), [&](const pm::ZoneAbbreviation &z) { return z.abbreviation == common; }));
  }
}

TEST_CASE("docs/import.md lists exactly the abbreviation table") {
  // The table in the section "Time-zone abbreviations", one row per entry:
  // | `IST` | +05:30 | India Standard Time | Irish Standard Time +01:00; Israel ... |
  const auto path = pm_test::source_dir() / "docs" / "import.md";
  REQUIRE_MESSAGE(std::filesystem::exists(path), "docs/import.md is missing: " << path.string());
  std::istringstream text(pm_test::read_file(path));
  std::set<std::string> listed;
  bool in_section = false;
  for (std::string line; std::getline(text, line);) {
    if (line.rfind("## ", 0) == 0) in_section = line == "## Time-zone abbreviations";
    if (in_section && line.rfind("| `", 0) == 0) listed.insert(line);
  }
  std::set<std::string> expected;
  std::string generated;
  for (const auto &z : pm::zone_abbreviations()) {
    const int m = z.offset_minutes < 0 ? -z.offset_minutes : z.offset_minutes;
    std::ostringstream row;
    row << "| `" << z.abbreviation << "` | " << (z.offset_minutes < 0 ? '-' : '+') << (m / 60 < 10 ? "0" : "") << m / 60
        << ':' << (m % 60 < 10 ? "0" : "") << m % 60 << " | " << z.meaning << " | " << (z.also.empty() ? "" : z.also)
        << " |";
    expected.insert(row.str());
    generated += row.str() + "\n";
  }
  CHECK_MESSAGE(listed == expected, "docs/import.md should list these rows:\n" << generated);
}

TEST_CASE("import: clock offsets per source") {
  const std::string text = "message,datetime,data_type\n"
                           "a,2024-01-01T00:00:00Z,firewall\n"
                           "b,2024-01-01T00:00:00Z,edr\n";
  auto r = import_text(ImportFormat::timesketch_csv, text,
                       options(R"({"offsets": {"firewall": "+00:05:00", "edr": "-00:00:01.25"}})"));
  CHECK(utc(event_with(r.doc, "a")) == "2024-01-01T00:05:00Z");
  CHECK(utc(event_with(r.doc, "b")) == "2023-12-31T23:59:58.750Z"); // digits widened to keep the fraction
  // The offset is keyed on the event's source, so options.source applies to every row.
  auto all = import_text(ImportFormat::timesketch_csv, text, options(R"({"source": "fw", "offsets": {"fw": 3600}})"));
  CHECK(utc_times(all.doc) == std::vector<std::string>{"2024-01-01T01:00:00Z", "2024-01-01T01:00:00Z"});
  CHECK(*all.doc.timeline[0].source == "fw");
}

// ---------------------------------------------------------------------------------------
// De-duplication, ids, order

TEST_CASE("import: de-duplication with a tolerance") {
  const std::string text = "message,datetime,data_type\n"
                           "login,2024-01-01T00:00:00Z,auth\n"
                           "login,2024-01-01T00:00:10Z,auth\n"  // 10 s after the first
                           "login,2024-01-01T00:00:10Z,other\n" // another source
                           "logout,2024-01-01T00:00:11Z,auth\n" // another description
                           "login,2024-01-01T00:01:00Z,auth\n"  // 60 s after the first
                           "login,2024-01-01T00:00:00Z,auth\n"; // exact repeat of the first
  auto exact = import_text(ImportFormat::timesketch_csv, text);
  CHECK(exact.report.imported == 5);
  CHECK(exact.report.duplicates == 1);
  auto within30 = import_text(ImportFormat::timesketch_csv, text, options(R"({"dedupe_seconds": 30})"));
  CHECK(within30.report.imported == 4);
  CHECK(within30.report.duplicates == 2);
  CHECK(utc(within30.doc.timeline[0]) == "2024-01-01T00:00:00Z"); // the first is kept
  auto within60 = import_text(ImportFormat::timesketch_csv, text, options(R"({"dedupe_seconds": 60})"));
  CHECK(within60.report.imported == 3); // the tolerance is inclusive
  CHECK(within60.report.duplicates == 3);
}

TEST_CASE("import: re-importing a file adds nothing") {
  const std::pair<const char *, ImportFormat> files[] = {
      {"timesketch/end_to_end_tests/evtx_part.csv", ImportFormat::timesketch_csv},
      {"timesketch/test_events/sigma_events.jsonl", ImportFormat::timesketch_jsonl},
      {"plaso/l2tcsv.log", ImportFormat::plaso_l2tcsv},
      {"plaso/extract_and_output.log", ImportFormat::plaso_dynamic},
  };
  for (const auto &[name, format] : files) {
    const std::string file = name;
    CAPTURE(file);
    auto r = import_path(format, file);
    const std::string before = timeline_json(r.doc);
    auto again = pm::import_file(r.doc, format, timeline_file(file).string());
    CHECK(again.imported == 0);
    CHECK(again.duplicates == again.rows);
    CHECK(timeline_json(r.doc) == before);
  }
  // Also after a round trip through JSON.
  auto r = import_path(ImportFormat::plaso_l2tcsv, "plaso/l2tcsv.log");
  r.doc.schema = "postmortem/1";
  pm::Document reloaded = pm::parse(pm::to_json(r.doc));
  CHECK(pm::import_file(reloaded, ImportFormat::plaso_l2tcsv, timeline_file("plaso/l2tcsv.log").string()).imported == 0);
}

TEST_CASE("import: ids are deterministic") {
  auto a = import_path(ImportFormat::timesketch_csv, "timesketch/test_events/sigma_events.csv");
  auto b = import_path(ImportFormat::timesketch_csv, "timesketch/test_events/sigma_events.csv");
  CHECK(ids(a.doc) == ids(b.doc));
  for (const auto &id : ids(a.doc)) {
    CAPTURE(id);
    CHECK(id.size() == 3 + 16);
    CHECK(id.rfind("ts-", 0) == 0);
    CHECK(id.find_first_not_of("0123456789abcdef", 3) == std::string::npos);
  }
  // The documented formula: FNV-1a 64 of source, U+001F, UTC microseconds in decimal, U+001F,
  // description, U+001F, timestamp description.
  std::uint64_t h = fnv1a("timesketch");
  h = fnv1a("\x1f", h);
  h = fnv1a("1437764461000000", h);
  h = fnv1a("\x1f", h);
  h = fnv1a("A message", h);
  h = fnv1a("\x1f", h);
  h = fnv1a("Write time", h);
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  CHECK(*event_with(a.doc, "A message").id == std::string("ts-") + hex);
  // The same event from JSONL has the same id.
  auto j = import_path(ImportFormat::timesketch_jsonl, "timesketch/test_events/sigma_events.jsonl");
  CHECK(*event_with(j.doc, "A message").id == std::string("ts-") + hex);
  // The prefix is an option; Plaso's default is `plaso`.
  auto p = import_path(ImportFormat::timesketch_csv, "timesketch/test_events/sigma_events.csv", options(R"({"id_prefix": "case7.fw"})"));
  CHECK(*event_with(p.doc, "A message").id == std::string("case7.fw-") + hex);

  SUBCASE("an id already taken by another event gets -2") {
    pm::Document doc = pm::parse(pm_test::minimal_doc(
        "", std::string(R"(, "timeline": [{"id": "ts-)") + hex +
                R"(", "time": "2030-01-01T00:00:00Z", "type": "other", "description": "unrelated"}])"));
    auto r = pm::import_file(doc, ImportFormat::timesketch_csv, timeline_file("timesketch/test_events/sigma_events.csv").string());
    CHECK(r.imported == 4);
    CHECK(*event_with(doc, "A message").id == std::string("ts-") + hex + "-2");
    CHECK(*doc.timeline[0].description == "unrelated"); // existing events stay first
  }
}

TEST_CASE("import: events are appended in stable time order") {
  pm::Document doc = pm::parse(pm_test::minimal_doc(
      "", R"(, "timeline": [{"id": "e1", "time": "2030-01-01T00:00:00Z", "type": "detection", "description": "existing"}])"));
  pm::ImportOptions o;
  o.event_type = pm::EventType::analysis;
  auto r = pm::import_timeline(doc, ImportFormat::timesketch_csv,
                               "message,datetime\n"
                               "third,2024-01-03T00:00:00Z\n"
                               "first,2024-01-01T00:00:00Z\n"
                               "second b,2024-01-02T00:00:00Z\n"
                               "second a,2024-01-02T00:00:00Z\n",
                               o);
  CHECK(r.imported == 4);
  std::vector<std::string> order;
  for (const auto &e : doc.timeline) order.push_back(*e.description);
  CHECK(order == std::vector<std::string>{"existing", "first", "second b", "second a", "third"});
  CHECK(*doc.timeline[1].type == pm::EventType::analysis);
}

TEST_CASE("import: l2tcsv hosts map to the document's assets") {
  pm::Document doc = pm::parse(pm_test::minimal_doc(
      "", R"(, "assets": [{"id": "srv-1", "name": "MyHostName", "type": "server"},
                         {"id": "VICTORIA", "name": "Victoria's laptop", "type": "workstation"}])"));
  pm::import_file(doc, ImportFormat::plaso_l2tcsv, timeline_file("plaso/l2tcsv.log").string());
  std::map<std::string, std::set<std::string>> assets_by_host;
  for (const auto &e : doc.timeline)
    for (const auto &a : e.asset_ids) assets_by_host[x(e, "x_host")].insert(a);
  // `myhostname.myhost.com`: its first DNS label is the name of srv-1 (case-insensitive);
  // `victoria` is the id VICTORIA; `:` and `-` match nothing.
  CHECK(assets_by_host == std::map<std::string, std::set<std::string>>{{"myhostname.myhost.com", {"srv-1"}},
                                                                       {"victoria", {"VICTORIA"}}});
}

// ---------------------------------------------------------------------------------------
// Options, report, files, new documents

TEST_CASE("import options from JSON") {
  auto o = options(R"({"strict": true, "source": "fw", "offsets": {"fw": "+00:05:00", "edr": -1.5, "x": "-01:00:00.25"},
                       "time_zone": "Europe/Berlin", "zone_abbreviations": {"IST": "+01:00"}, "dedupe_seconds": 2.5,
                       "event_type": "detection", "id_prefix": "fw", "columns": {"datetime": "DT"},
                       "min_time": "2000-01-01T00:00:00Z", "max_time": "2030-01-01T00:00:00Z"})");
  CHECK(o.strict);
  CHECK(o.source == "fw");
  CHECK(o.offsets.at("fw") == 300'000'000);
  CHECK(o.offsets.at("edr") == -1'500'000);
  CHECK(o.offsets.at("x") == -3'600'250'000);
  CHECK(o.time_zone == "Europe/Berlin");
  CHECK(o.zone_abbreviations.at("IST") == "+01:00");
  CHECK(o.dedupe_seconds == std::optional<double>(2.5));
  CHECK(o.event_type == pm::EventType::detection);
  CHECK(o.id_prefix == "fw");
  CHECK(o.columns.at("datetime") == "DT");
  CHECK(o.min_time->to_string() == "2000-01-01T00:00:00Z");
  CHECK(o.max_time->to_string() == "2030-01-01T00:00:00Z");
  // Defaults.
  auto d = options("{}");
  CHECK(!d.strict);
  CHECK(d.time_zone == "UTC");
  CHECK(!d.dedupe_seconds);
  CHECK(d.event_type == pm::EventType::other);
  CHECK(options(R"({"dedupe_seconds": null})").dedupe_seconds == std::nullopt);

  auto invalid = [](std::string_view text) -> std::string {
    try {
      pm::ImportOptions::parse(text);
    } catch (const pm::error &e) {
      CHECK(e.code() == pm::errc::invalid_argument);
      return e.what();
    }
    return "accepted";
  };
  CHECK(invalid(R"({"stirct": true})").find(R"(unknown member "stirct" (did you mean "strict"?))") != std::string::npos);
  CHECK(invalid(R"({"strict": 1})").find("strict must be true or false") != std::string::npos);
  CHECK(invalid(R"({"offsets": {"fw": "5 minutes"}})").find("offsets/fw") != std::string::npos);
  CHECK(invalid(R"({"offsets": []})").find("offsets must be an object") != std::string::npos);
  CHECK(invalid(R"({"event_type": "detetion"})").find(R"(did you mean "detection"?)") != std::string::npos);
  CHECK(invalid(R"({"min_time": "2020-01-01"})").find("min_time") != std::string::npos);
  CHECK(invalid(R"({"dedupe_seconds": -1})").find("dedupe_seconds") != std::string::npos);
  CHECK(invalid(R"({"columns": {"datetime": 5}})").find("columns/datetime must be a string") != std::string::npos);
  CHECK(invalid("[]").find("the top level must be an object") != std::string::npos);
  CHECK(invalid("{\"strict\": tru").find("not valid JSON") != std::string::npos);
}

TEST_CASE("import: options that make no sense fail when the Importer is made") {
  auto invalid = [](ImportFormat format, std::string_view json_text) -> std::string {
    pm::Document doc;
    try {
      pm::Importer importer(doc, format, options(json_text));
    } catch (const pm::error &e) {
      CHECK(e.code() == pm::errc::invalid_argument);
      return e.what();
    }
    return "accepted";
  };
  CHECK(invalid(ImportFormat::timesketch_csv, R"({"columns": {"datetme": "DT"}})").find(R"(did you mean "datetime"?)") !=
        std::string::npos);
  CHECK(invalid(ImportFormat::plaso_l2tcsv, R"({"columns": {"message": "m"}})").find("Plaso l2tcsv") != std::string::npos);
  CHECK(invalid(ImportFormat::timesketch_csv, R"({"time_zone": "Mars/Olympus"})").find("Mars/Olympus") != std::string::npos);
  CHECK(invalid(ImportFormat::timesketch_csv, R"({"zone_abbreviations": {"IST": "nowhere"}})").find("IST") !=
        std::string::npos);
  CHECK(invalid(ImportFormat::timesketch_csv, R"({"id_prefix": "bad prefix"})").find("id_prefix") != std::string::npos);
  CHECK(invalid(ImportFormat::timesketch_csv, R"({"min_time": "2030-01-01T00:00:00Z", "max_time": "2020-01-01T00:00:00Z"})")
            .find("min_time") != std::string::npos);
  CHECK(invalid(ImportFormat::timesketch_csv, R"({"dedupe_seconds": 2e9})").find("dedupe_seconds") != std::string::npos);
}

TEST_CASE("import: the report as JSON") {
  auto r = import_path(ImportFormat::timesketch_csv, "timesketch/test_events/invalid_datetime.csv");
  const json::value v = pm::to_value(r.report);
  const json::value want = json::value{
      {"format", "timesketch_csv"},
      {"rows", 4},
      {"imported", 3},
      {"skipped", 1},
      {"duplicates", 0},
      {"problems",
       json::array{json::object{{"line", 5},
                                {"column", 3},
                                {"field", "datetime"},
                                {"message", r.report.problems.at(0).message}}}}};
  CHECK(pm::serialize_value(v) == pm::serialize_value(want));
}

TEST_CASE("import: at most 1000 problems are kept; the counts are exact") {
  std::string text = "message,datetime\n";
  for (int i = 0; i < 1500; ++i) text += "bad,not a time\n";
  text += "good,2024-01-01T00:00:00Z\n";
  auto r = import_text(ImportFormat::timesketch_csv, text);
  CHECK(r.report.rows == 1501);
  CHECK(r.report.skipped == 1500);
  CHECK(r.report.imported == 1);
  REQUIRE(r.report.problems.size() == 1000);
  CHECK(r.report.problems.front().line == 2);
  CHECK(r.report.problems.back().line == 1001);
}

TEST_CASE("import: files are read in blocks with progress; errors name the file") {
  const auto dir = std::filesystem::temp_directory_path() / "pm_import_test";
  std::filesystem::create_directories(dir);
  const auto path = dir / "big.csv";
  std::uint64_t size = 0;
  {
    std::ofstream out(path, std::ios::binary);
    out << "message,datetime,timestamp_desc\n";
    for (int i = 0; i < 60000; ++i)
      out << "event number " << i << " with some padding text to make the file larger,2024-01-01T00:00:"
          << (i % 60 < 10 ? "0" : "") << i % 60 << "Z,Write time\n";
    out.flush();
    size = static_cast<std::uint64_t>(out.tellp());
  }
  std::vector<std::uint64_t> calls;
  pm::ImportOptions o;
  o.progress = [&](std::uint64_t bytes) { calls.push_back(bytes); };
  pm::Document doc;
  auto r = pm::import_file(doc, ImportFormat::timesketch_csv, path.string(), o);
  CHECK(r.imported == 60000);
  REQUIRE(calls.size() >= 3); // over 3 MiB, read in 1 MiB blocks
  CHECK(std::is_sorted(calls.begin(), calls.end()));
  CHECK(calls.back() == size);

  CHECK_THROWS_WITH_AS(pm::import_file(doc, ImportFormat::timesketch_csv, (dir / "missing.csv").string()),
                       doctest::Contains("missing.csv"), pm::error);
  try {
    pm::import_file(doc, ImportFormat::timesketch_csv, (dir / "missing.csv").string());
  } catch (const pm::error &e) {
    CHECK(e.code() == pm::errc::io);
  }
  try {
    pm::import_file(doc, ImportFormat::plaso_l2tcsv, path.string());
  } catch (const pm::error &e) {
    CHECK(e.code() == pm::errc::format);
    CHECK(std::string(e.what()).find("big.csv: not a Plaso l2tcsv") != std::string::npos);
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("import: a large timeline streams through the importer") {
  // 200,000 rows generated piece by piece, in reverse time order, never held as one string.
  constexpr int rows = 200'000;
  pm::Document doc;
  pm::Importer importer(doc, ImportFormat::timesketch_csv);
  importer.feed("message,datetime,timestamp_desc,data_type,user\n");
  std::string chunk;
  for (int i = rows - 1; i >= 0; --i) {
    chunk += "logon ";
    chunk += std::to_string(i);
    chunk += ',';
    chunk += pm::Timestamp::from_micros(1'700'000'000'000'000LL + static_cast<std::int64_t>(i) * 1'000'000).to_string();
    chunk += ",Event Recorded,windows:evtx,alice\n";
    if (chunk.size() > 60'000) {
      importer.feed(chunk);
      chunk.clear();
    }
  }
  importer.feed(chunk);
  auto r = importer.finish();
  CHECK(r.imported == rows);
  REQUIRE(doc.timeline.size() == rows);
  CHECK(*doc.timeline.front().description == "logon 0");
  CHECK(*doc.timeline.back().description == "logon " + std::to_string(rows - 1));
  std::set<std::string_view> unique;
  for (const auto &e : doc.timeline) unique.insert(*e.id);
  CHECK(unique.size() == static_cast<std::size_t>(rows));
}

TEST_CASE("import: new_timeline_document") {
  pm::Document doc = pm::new_timeline_document(ImportFormat::plaso_l2tcsv);
  CHECK(doc.schema == std::optional<std::string>("postmortem/1"));
  REQUIRE(doc.incident);
  CHECK(doc.incident->id == std::optional<std::string>("import-plaso-l2tcsv"));
  CHECK(doc.incident->title == std::optional<std::string>("Timeline imported from Plaso l2tcsv"));
  CHECK(doc.timeline.empty());
  pm::ImportOptions o;
  o.source = "Corp Firewall #2";
  auto named = pm::new_timeline_document(ImportFormat::timesketch_csv, o);
  CHECK(named.incident->id == std::optional<std::string>("import-corp-firewall-2"));
  CHECK(named.incident->title == std::optional<std::string>("Timeline imported from Corp Firewall #2"));
  // Events go in with an Importer; the result serializes and parses back.
  pm::import_file(doc, ImportFormat::plaso_l2tcsv, timeline_file("plaso/l2tcsv.log").string());
  CHECK(doc.timeline.size() == 19);
  CHECK(pm::to_json(pm::parse(pm::to_json(doc))) == pm::to_json(doc));
}

TEST_CASE("import: an Importer is finished once") {
  pm::Document doc;
  pm::Importer importer(doc, ImportFormat::timesketch_jsonl);
  importer.feed("{\"message\": \"m\", \"datetime\": \"2024-01-01T00:00:00Z\"}");
  CHECK(importer.finish().imported == 1);
  CHECK_THROWS_AS(importer.feed("x"), pm::error);
  CHECK_THROWS_AS(importer.finish(), pm::error);
}
