// The timeline importer's private declarations, shared by src/import/*.cpp (internal).
//
//   csv.cpp         LineSplitter users: CsvReader (libcsv, fed line by line so every row knows
//                   the physical line it starts on) and CsvTableReader (header + records)
//   zones.cpp       the abbreviation table, zone resolution (fixed offsets, abbreviations,
//                   IANA names through Howard Hinnant's date), lenient date-time and epoch parsing
//   timesketch.cpp  Timesketch CSV and JSONL
//   plaso.cpp       Plaso l2tcsv and dynamic CSV
//   import.cpp      Core (problems, zones, offsets, de-duplication, ids, ordering), Importer,
//                   ImportOptions::parse, the report, import_file, new_timeline_document
#ifndef POSTMORTEM_SRC_IMPORT_IMPORT_HPP
#define POSTMORTEM_SRC_IMPORT_IMPORT_HPP

#include <postmortem/import.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

struct csv_parser;
namespace date {
class time_zone;
}

PM_BEGIN_NAMESPACE
namespace detail::importer {

// ---------------------------------------------------------------------------------------
// Times and zones (zones.cpp)

constexpr std::int64_t micros_per_second = 1'000'000;

/// A resolved time zone: a fixed offset, or an IANA zone with its daylight-saving rules.
struct Zone {
  std::int32_t fixed_minutes = 0;
  const date::time_zone *tz = nullptr; ///< when set, fixed_minutes is unused
  std::string_view iana_name() const;
};

using ZoneOverrides = std::map<std::string, std::string, std::less<>>;

/// `+05:30`, `+0530`, `+05`, `-08:00`, optionally after `UTC` or `GMT`: minutes east of UTC.
std::optional<std::int32_t> parse_fixed_offset(std::string_view text) noexcept;

/// The built-in table's row for `abbreviation` (ASCII case-insensitive), or nullptr.
const ZoneAbbreviation *find_abbreviation(std::string_view abbreviation) noexcept;

/**
 * Resolves a zone name, in this order: `overrides` (case-insensitive key), a fixed offset,
 * the abbreviation table, an IANA name. nullopt with `why` set when unknown.
 */
std::optional<Zone> resolve_zone(std::string_view name, const ZoneOverrides &overrides, std::string &why);

/// A wall-clock time in `zone` as UTC microseconds. Ambiguous local times (the repeated hour
/// when clocks go back) give the earlier instant; nonexistent ones nullopt with `why` set.
std::optional<std::int64_t> local_to_utc(std::int64_t local_micros, const Zone &zone, std::string &why);

/// A date-time as read from a cell, before its zone is applied.
struct ParsedTime {
  enum class Kind : std::uint8_t {
    utc,   ///< `micros` is UTC (the text had `Z` or a numeric offset, or was an epoch number)
    local, ///< `micros` is a wall-clock time in the default zone
    named, ///< `micros` is a wall-clock time in `zone_name` (`2012-01-22 07:52:33 CET`)
  };
  Kind kind = Kind::utc;
  std::int64_t micros = 0;
  std::uint8_t fraction_digits = 0; ///< 0–6, as written (an epoch number: 0, 3 or 6)
  std::string_view zone_name;       ///< for Kind::named, a view into the parsed text
};

/// Lenient ISO 8601: `YYYY-MM-DD` `T`|`t`|space `hh:mm:ss`, fraction of 1–9 digits (`.` or `,`,
/// truncated to microseconds), then nothing, `Z`, `+hh:mm`, `+hhmm`, `+hh`, or a space and a
/// zone name. Surrounding spaces are ignored. false with `why` set on failure.
bool parse_datetime(std::string_view text, ParsedTime &out, std::string &why);

/// A bare integer (optional sign) as an epoch number whose unit follows from its magnitude:
/// |v| < 1e11 seconds, < 1e14 milliseconds, < 1e17 microseconds, else nanoseconds.
bool parse_epoch(std::string_view text, ParsedTime &out, std::string &why);
/// The same for a JSON number already read (an integer or a double).
bool epoch_from_number(double value, ParsedTime &out, std::string &why);
bool epoch_from_integer(std::int64_t value, ParsedTime &out, std::string &why);

/// True when `text` (surrounding spaces ignored) is an optional sign and only digits.
bool is_integer_text(std::string_view text) noexcept;

/// Microseconds of a civil wall-clock time.
std::int64_t civil_micros(int year, unsigned month, unsigned day, int hour, int minute, int second) noexcept;

/// True when y-m-d is a real day (year 0000–9999).
bool valid_date(int year, int month, int day) noexcept;

/// A clock correction `+hh:mm[:ss[.ffffff]]` (hours may have more digits) as microseconds.
std::optional<std::int64_t> parse_clock_offset(std::string_view text) noexcept;

/// Surrounding spaces, tabs and line breaks removed.
std::string_view trim(std::string_view text) noexcept;

/// ASCII case-insensitive equality.
bool iequals(std::string_view a, std::string_view b) noexcept;

// ---------------------------------------------------------------------------------------
// Where a cell is, for problems

struct Where {
  std::uint64_t line = 0;
  std::uint64_t column = 0; ///< 1-based field number; 0: the whole row
  std::string_view field;
};

// ---------------------------------------------------------------------------------------
// The importer's engine (import.cpp), used by the format readers

class Core {
public:
  Core(Document &doc, ImportFormat format, ImportOptions options);

  const ImportOptions &options() const noexcept { return options_; }
  ImportFormat format() const noexcept { return format_; }

  /// The header name of a logical column: options.columns' mapping, else `logical`.
  std::string_view column_name(std::string_view logical) const;

  /// Counts one data row.
  void count_row() noexcept { ++report_.rows; }

  /// Records an unreadable row (the row is skipped), or throws errc::format in strict mode.
  void problem(const Where &where, std::string message);

  /// The input is not in this format at all. @throws error errc::format
  [[noreturn]] void not_this_format(const std::string &message) const;

  /**
   * A cell's text as an instant: an epoch number or a lenient ISO 8601 date-time, in
   * `zone_name` (when not empty) or the default zone when it has no offset; then the source's
   * clock offset and the [min_time, max_time] check. nullopt after reporting a problem.
   */
  std::optional<Timestamp> read_time(std::string_view text, std::string_view source, const Where &where,
                                     std::string_view zone_name = {});
  /// A civil wall-clock time (Plaso l2tcsv) in `zone_name` (empty: the default zone); an
  /// unknown zone is reported at `zone_where`.
  std::optional<Timestamp> civil_time(std::int64_t local_micros, std::uint8_t digits, std::string_view zone_name,
                                      std::string_view source, const Where &where, const Where &zone_where);
  /// An already-parsed time (JSON numbers), finished like read_time(); `text` is for messages.
  std::optional<Timestamp> finish_time(const ParsedTime &parsed, std::string_view text, std::string_view source,
                                       const Where &where, std::string_view zone_name = {});

  /// The id of the document's asset named `host` (or with that id), case-insensitively, or
  /// whose name is the host's first DNS label; empty when none.
  std::string_view asset_for_host(std::string_view host) const;

  /// A new event as every format starts it: the time, the row's message as description,
  /// the source, the options' event type, room for `extra_members` x_ members, and
  /// `x_timestamp_desc` when `timestamp_desc` is not empty.
  Event new_event(const Timestamp &time, std::string_view description, std::string_view source,
                  std::string_view timestamp_desc, std::size_t extra_members) const;

  /// Takes an event read from a row (time, description and source set): merges it into an
  /// earlier or existing event when it repeats one, else keeps it.
  void add(Event &&event);

  /// Appends the kept events to the document, in time order, with their ids.
  ImportReport finish();

  /// The key of `x_timestamp_desc`, shared by every format.
  static constexpr std::string_view timestamp_desc_key = "x_timestamp_desc";

private:
  // The de-duplication index: for each hash of (source, description), the times of the
  // events with it and where they are (ref >= 0: index in kept_; < 0: -1 - index in the
  // document's timeline). Most keys have one event, kept inline; a key with more gets an
  // ordered multimap, so a lookup with a tolerance is O(log k), never a scan.
  struct Seen {
    std::int64_t micros = 0, ref = 0;
    std::unique_ptr<std::multimap<std::int64_t, std::int64_t>> more; // all of the key's events
  };
  // Hashes are already well mixed: use them as they are.
  struct IdentityHash {
    std::size_t operator()(std::uint64_t h) const noexcept { return static_cast<std::size_t>(h); }
  };
  /// The event `event` repeats (same source and description, time within the tolerance),
  /// or nullopt after recording it under `ref`; with `always`, it is recorded either way.
  std::optional<std::int64_t> repeat_or_record(std::uint64_t hash, const Event &event, std::int64_t ref,
                                               bool always = false);
  const Zone *zone(std::string_view name, std::string &why);
  std::optional<Timestamp> place(std::int64_t utc, std::uint8_t digits, std::string_view source, const Where &where);
  const Event &event_at(std::int64_t ref) const;

  Document &doc_;
  ImportFormat format_;
  ImportOptions options_;
  Zone default_zone_;
  std::int64_t min_micros_ = 0, max_micros_ = 0;
  std::int64_t tolerance_micros_ = 0;
  struct CachedZone {
    std::string name;
    std::optional<Zone> zone;
    std::string why; // when unknown
  };
  std::vector<CachedZone> zone_cache_; // the few names a file uses, searched linearly
  std::optional<Zone> uncached_zone_;
  std::unordered_map<std::string, std::string> hosts_; // lower-case name or id -> asset id
  std::unordered_map<std::uint64_t, Seen, IdentityHash> seen_;
  std::vector<Event> kept_;
  ImportReport report_;
};

// ---------------------------------------------------------------------------------------
// Format readers

class FormatReader {
public:
  virtual ~FormatReader() = default;
  virtual void feed(std::string_view chunk) = 0;
  virtual void finish() = 0;
};

std::unique_ptr<FormatReader> make_timesketch_csv(Core &core);
std::unique_ptr<FormatReader> make_timesketch_jsonl(Core &core);
std::unique_ptr<FormatReader> make_plaso_l2tcsv(Core &core);
std::unique_ptr<FormatReader> make_plaso_dynamic(Core &core);

/// The logical column names a format reads (the keys options.columns may map).
std::span<const std::string_view> logical_columns(ImportFormat format) noexcept;

/// "Timesketch CSV", "Plaso l2tcsv", ...
std::string_view format_title(ImportFormat format) noexcept;

// ---------------------------------------------------------------------------------------
// Lines and CSV (csv.cpp)

/// Splits input fed in chunks of any size into physical lines (each with its `\n`, the last
/// one possibly without), numbered from 1, after removing a UTF-8 byte order mark. A line
/// within one chunk is passed as a view into it; only a line split across chunks is copied.
class LineSplitter {
public:
  template <class OnLine> void feed(std::string_view chunk, OnLine &&on_line) {
    if (!bom_checked_) {
      std::size_t take = std::min(chunk.size(), 3 - head_.size());
      head_.append(chunk.data(), take);
      chunk.remove_prefix(take);
      if (head_.size() < 3) return;
      bom_checked_ = true;
      std::string head = std::move(head_);
      split(head == "\xEF\xBB\xBF" ? std::string_view() : std::string_view(head), on_line);
    }
    split(chunk, on_line);
  }
  template <class OnLine> void finish(OnLine &&on_line) {
    if (!bom_checked_) {
      bom_checked_ = true;
      std::string head = std::move(head_);
      split(head, on_line);
    }
    if (!partial_.empty()) {
      ++line_;
      on_line(std::string_view(partial_), line_);
      partial_.clear();
    }
  }
  /// The number of the last line passed.
  std::uint64_t line() const noexcept { return line_; }

private:
  template <class OnLine> void split(std::string_view data, OnLine &on_line) {
    while (!data.empty()) {
      std::size_t nl = data.find('\n');
      if (nl == std::string_view::npos) {
        partial_.append(data);
        return;
      }
      ++line_;
      if (partial_.empty()) {
        on_line(data.substr(0, nl + 1), line_);
      } else {
        partial_.append(data.substr(0, nl + 1));
        on_line(std::string_view(partial_), line_);
        partial_.clear();
      }
      data.remove_prefix(nl + 1);
    }
  }

  bool bom_checked_ = false;
  std::string head_, partial_;
  std::uint64_t line_ = 0;
};

/// RFC 4180 CSV over libcsv (strict mode, values kept exactly: no space trimming; bytes
/// that are not valid UTF-8 become U+FFFD). Rows come out after each line is parsed; a
/// syntax error is reported with its position and the reader resynchronises at the next
/// line.
class CsvReader {
public:
  struct Sink {
    /// One row; `line` is the physical line where it starts.
    virtual void row(std::uint64_t line, std::span<const std::string_view> fields) = 0;
    /// A malformed row: `field` is the 1-based number of the field at fault.
    virtual void malformed(std::uint64_t line, std::uint64_t field, std::string message) = 0;

  protected:
    ~Sink() = default;
  };

  explicit CsvReader(Sink &sink);
  ~CsvReader();
  CsvReader(const CsvReader &) = delete;
  CsvReader &operator=(const CsvReader &) = delete;

  void feed(std::string_view chunk);
  void finish();

private:
  struct Done {
    std::uint64_t line;
    std::size_t first, count; // spans_[first, first + count)
  };
  static void on_field(void *data, std::size_t size, void *self);
  static void on_row(int terminator, void *self);
  void parse_line(std::string_view line, std::uint64_t number);
  void deliver();
  void reset_parser();

  Sink &sink_;
  std::unique_ptr<csv_parser> parser_;
  LineSplitter lines_;
  std::uint64_t current_line_ = 0, row_start_ = 1;
  std::size_t row_first_ = 0; // first span of the row being read
  std::string cells_;         // the bytes of every field not yet delivered
  std::vector<std::pair<std::size_t, std::size_t>> spans_; // (offset, size) in cells_
  std::vector<Done> done_;
  std::vector<std::string_view> views_;
  std::vector<std::string> repaired_; // fields of the row being delivered with invalid UTF-8 fixed
  std::exception_ptr callback_error_;
};

/// A CSV format with a header row: finds the columns, checks each record's field count, and
/// passes the records on. Counts rows and reports malformed ones.
class CsvTableReader : public FormatReader, private CsvReader::Sink {
public:
  explicit CsvTableReader(Core &core);
  void feed(std::string_view chunk) override;
  void finish() override;

protected:
  /// The header; throws (Core::not_this_format) when a mandatory column is missing.
  virtual void header(std::span<const std::string_view> names) = 0;
  virtual void record(std::uint64_t line, std::span<const std::string_view> fields) = 0;

  /// The index of a logical column in the header (after options.columns), or -1.
  int find(std::string_view logical) const;
  /// `"x_" + name` for every header name, to build extension members without allocating.
  const std::vector<std::string> &x_keys() const noexcept { return x_keys_; }
  const std::vector<std::string> &names() const noexcept { return names_; }
  Where where(std::uint64_t line, int index) const;
  /// "not a Timesketch CSV: no `message` column" (with a hint about `columns`).
  [[noreturn]] void missing(std::string_view what) const;

  Core &core_;

private:
  void row(std::uint64_t line, std::span<const std::string_view> fields) override;
  void malformed(std::uint64_t line, std::uint64_t field, std::string message) override;

  CsvReader reader_;
  bool have_header_ = false;
  std::vector<std::string> names_, x_keys_;
};

// ---------------------------------------------------------------------------------------
// Small helpers

/// 64-bit FNV-1a, fed piece by piece.
struct Fnv1a {
  std::uint64_t state = 0xcbf29ce484222325ULL;
  void add(std::string_view bytes) noexcept {
    for (unsigned char c : bytes) {
      state ^= c;
      state *= 0x100000001b3ULL;
    }
  }
  void add_byte(unsigned char c) noexcept {
    state ^= c;
    state *= 0x100000001b3ULL;
  }
};

} // namespace detail::importer
PM_END_NAMESPACE

#endif
