/**
 * @file postmortem/import.hpp
 * @brief Forensic timelines (Timesketch CSV and JSONL, Plaso l2tcsv and dynamic CSV) turned
 *        into `postmortem/1` timeline events.
 *
 * Every imported event gets its UTC time, a description (the row's message), a source, a
 * deterministic id, and the row's other columns as `x_` members. Rows that cannot be read
 * are reported with their line and column and skipped, or fail the import in strict mode.
 * docs/import.md documents the column mappings, the options and the time-zone table.
 *
 * The importer streams: it takes the input in chunks of any size and keeps only the events
 * it imports, so a file is never held twice. An Importer is used from one thread; the free
 * functions are thread-safe.
 */
#ifndef POSTMORTEM_IMPORT_HPP
#define POSTMORTEM_IMPORT_HPP

#include <postmortem/document.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

PM_BEGIN_NAMESPACE

/// The timeline formats. The C constants PM_IMPORT_* are these values plus one.
PM_ENUM(ImportFormat, timesketch_csv, timesketch_jsonl, plaso_l2tcsv, plaso_dynamic)

/// What an import takes; every member has a documented default. From JSON (the C API's
/// `options_json`) with ImportOptions::parse.
struct ImportOptions {
  /// Fail on the first unreadable row (errc::format) instead of skipping and counting it.
  bool strict = false;
  /// `source` of every imported event; empty: taken from the row (docs/import.md says which
  /// column per format), else the format's name.
  std::string source;
  /// Clock corrections per event source, in microseconds, added to every time from that
  /// source: `+00:05:00` moves a source whose clock runs five minutes slow to true time.
  /// Keys are compared with the event's `source` exactly.
  std::map<std::string, std::int64_t, std::less<>> offsets;
  /// Zone of times written without an offset: an IANA name (`Europe/Berlin`), an abbreviation
  /// from the table (`CET`), or a fixed offset (`+05:30`).
  std::string time_zone = "UTC";
  /// Overrides and additions to the abbreviation table: `{"IST": "+01:00"}` or an IANA name.
  std::map<std::string, std::string, std::less<>> zone_abbreviations;
  /// Events with the same source and description whose times differ by at most this many
  /// seconds are one event (the first is kept). nullopt: only exact repeats (same source,
  /// description and time) are merged — they always are, so re-importing a file is idempotent.
  std::optional<double> dedupe_seconds;
  /// `type` of every imported event.
  EventType event_type = EventType::other;
  /// Start of every generated id; empty: `ts` for Timesketch, `plaso` for Plaso.
  std::string id_prefix;
  /// Column names to use instead of the format's own, e.g. `{"datetime": "DT"}`.
  std::map<std::string, std::string, std::less<>> columns;
  /// Times outside [min_time, max_time] are unreadable rows (a clock's zero value such as
  /// 1601-01-01, FILETIME's epoch, is not an incident time). Defaults: 1970-01-01T00:00:00Z
  /// and 9999-12-31T23:59:59Z.
  std::optional<Timestamp> min_time, max_time;
  /// Called now and then with the bytes consumed so far (not from the JSON form).
  std::function<void(std::uint64_t bytes)> progress;

  /// Reads the JSON form (docs/import.md). @throws error errc::invalid naming the member.
  static ImportOptions parse(std::string_view json);
};

/// One row that could not be imported.
struct ImportProblem {
  std::uint64_t line = 0;   ///< 1-based physical line where the row starts
  std::uint64_t column = 0; ///< 1-based field number (CSV) or byte column (JSONL); 0: whole row
  std::string field;        ///< column name, when one is at fault
  std::string message;      ///< what is wrong, e.g. "datetime `1234 19:01:01` is not a date and time"
};

/// What an import did.
struct ImportReport {
  ImportFormat format;
  std::uint64_t rows = 0;       ///< data rows read (header not counted)
  std::uint64_t imported = 0;   ///< events appended to the document
  std::uint64_t skipped = 0;    ///< rows not imported because they could not be read
  std::uint64_t duplicates = 0; ///< rows merged into an earlier or existing event
  /// The first problems, in input order (at most 1000 kept; `skipped` counts them all).
  std::vector<ImportProblem> problems;
};

/// The report as JSON (docs/import.md).
boost::json::value to_value(const ImportReport &report);

/**
 * @brief A streaming importer: feed() the input in pieces, then finish().
 *
 * Imported events are appended to the document given to the constructor, which must outlive
 * the Importer, after the events it already has, in time order (ties keep input order).
 */
class Importer {
public:
  /// @throws error errc::invalid for options that do not make sense (an unknown zone).
  Importer(Document &into, ImportFormat format, ImportOptions options = {});
  ~Importer();
  Importer(const Importer &) = delete;
  Importer &operator=(const Importer &) = delete;

  /// Consumes the next piece of input. @throws error errc::format (strict mode, or the input
  /// is not in this format: no header, a mandatory column missing).
  void feed(std::string_view chunk);
  /// Ends the input, appends the events and returns the report. @throws as feed().
  ImportReport finish();

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Imports `data` into `doc` in one call. @throws as Importer.
ImportReport import_timeline(Document &doc, ImportFormat format, std::string_view data,
                             const ImportOptions &options = {});

/// Imports a file, read in blocks. @throws error errc::io when it cannot be read, else as
/// Importer.
ImportReport import_file(Document &doc, ImportFormat format, const std::string &path,
                         const ImportOptions &options = {});

/**
 * @brief A new document holding only imported events: `schema` and a skeleton `incident`
 *        (`id` and `title` from `options`' source or the format) for a person to complete.
 */
Document new_timeline_document(ImportFormat format, const ImportOptions &options = {});

/// One row of the time-zone abbreviation table (docs/import.md lists it).
struct ZoneAbbreviation {
  std::string_view abbreviation;
  std::int32_t offset_minutes;   ///< east of UTC
  std::string_view meaning;      ///< "Central European Time"
  std::string_view also;         ///< other meanings of an ambiguous abbreviation, or empty
};

/// The built-in abbreviation table, sorted by abbreviation.
std::span<const ZoneAbbreviation> zone_abbreviations() noexcept;

PM_END_NAMESPACE

#endif
