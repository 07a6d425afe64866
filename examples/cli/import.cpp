// `postmortem import`: a forensic timeline (Timesketch, Plaso) turned into a postmortem/1
// document, or added to one.
#include "commands.hpp"
#include "report_common.hpp"
#include "terminal.hpp"

#include <postmortem/document.hpp>
#include <postmortem/import.hpp>
#include <postmortem/interop.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <unistd.h>

namespace pmcli {
namespace {

namespace pm = postmortem;

constexpr std::string_view from_names[] = {"timesketch", "timesketch-csv", "timesketch-jsonl",
                                           "plaso",      "plaso-l2tcsv",   "plaso-dynamic", "veris"};

const OptionSpec options[] = {
    {"from", 0, "FORMAT",
     "the timeline's format (required): 'timesketch' (CSV or\n"
     "JSONL, told apart by the file: a .jsonl/.json name or a\n"
     "first '{'), 'timesketch-csv', 'timesketch-jsonl', 'plaso'\n"
     "(l2tcsv or dynamic CSV, told apart by the header line),\n"
     "'plaso-l2tcsv' or 'plaso-dynamic'; or 'veris': a VERIS\n"
     "1.3/1.4 incident, which becomes a whole new document\n"
     "(docs/interop.md; the timeline options do not apply)",
     from_names},
    {"into", 0, "DOC",
     "add the events to this postmortem/1 document ('-':\n"
     "standard input) instead of starting a new one; rows it\n"
     "already has are duplicates and are not added again"},
    {"options", 0, "FILE",
     "read import options from a JSON file ('-': standard\n"
     "input), as docs/import.md describes, e.g. {\"offsets\":\n"
     "{\"fw\": \"+00:05:00\"}, \"time_zone\": \"CET\"}; the options\n"
     "below override it"},
    {"offset", 0, "SOURCE=OFFSET",
     "correct the clock of one event source: OFFSET,\n"
     "[+-]HH:MM[:SS], is added to every time from SOURCE, e.g.\n"
     "--offset syslog=+00:05:00 for a clock five minutes slow;\n"
     "repeatable",
     {}, /*repeatable=*/true},
    {"time-zone", 0, "ZONE",
     "zone of times written without an offset: an IANA name\n"
     "(Europe/Berlin), an abbreviation (CET) or an offset\n"
     "(+05:30); default UTC"},
    {"zone", 0, "ABBR=ZONE",
     "what a zone abbreviation in the data means, overriding\n"
     "the built-in table, e.g. --zone IST=+01:00; repeatable",
     {}, /*repeatable=*/true},
    {"source", 0, "NAME", "the source of every event (default: from each row)"},
    {"dedupe", 0, "SECONDS",
     "also merge events with the same source and description\n"
     "at most SECONDS apart (exact repeats are always merged)"},
    {"type", 0, "EVENT_TYPE",
     "the type of every event, e.g. attacker_activity\n"
     "(default: other; the types are in docs/format.md)",
     pm::enum_traits<pm::EventType>::names},
    {"id-prefix", 0, "PREFIX", "start of every event id (default: ts or plaso)"},
    {"column", 0, "FIELD=COLUMN",
     "read FIELD from a column with another name, e.g.\n"
     "--column datetime=DT; repeatable",
     {}, /*repeatable=*/true},
    {"strict", 0, "",
     "fail on the first row that cannot be read (exit status\n"
     "2) instead of skipping it"},
    {"output", 'o', "FILE",
     "write the document to FILE instead of standard output\n"
     "(it may be the --into document: it is replaced once all\n"
     "is read)"},
    {"help", 'h', "", "show this help and exit"},
};

// --- Option values --------------------------------------------------------------------------

/// "NAME=VALUE" split at the first '=' (`last`: the last one); both parts non-empty.
std::pair<std::string, std::string> assignment(const std::string &text, std::string_view option,
                                               std::string_view form, bool last = false) {
  const std::size_t eq = last ? text.rfind('=') : text.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == text.size())
    throw UsageError(fmt::format("invalid --{} '{}': write {}", option, text, form));
  return {text.substr(0, eq), text.substr(eq + 1)};
}

/// `[+-]H[H[H]]:MM[:SS]` in microseconds; nullopt when malformed.
std::optional<std::int64_t> parse_offset(std::string_view text) {
  std::int64_t sign = 1;
  if (!text.empty() && (text.front() == '+' || text.front() == '-')) {
    sign = text.front() == '-' ? -1 : 1;
    text.remove_prefix(1);
  }
  std::int64_t parts[3] = {0, 0, 0};
  std::size_t count = 0;
  while (count < 3) {
    const std::size_t colon = text.find(':');
    const std::string_view digits = text.substr(0, colon);
    const std::size_t max_digits = count == 0 ? 3 : 2;
    if (digits.empty() || digits.size() > max_digits || (count > 0 && digits.size() != 2))
      return std::nullopt;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), parts[count]);
    if (ec != std::errc{} || end != digits.data() + digits.size()) return std::nullopt;
    ++count;
    if (colon == std::string_view::npos) break;
    text.remove_prefix(colon + 1);
  }
  if (count < 2 || parts[1] > 59 || parts[2] > 59) return std::nullopt;
  return sign * ((parts[0] * 3600 + parts[1] * 60 + parts[2]) * 1'000'000);
}

struct Settings {
  std::string input;                    ///< the FILE operand
  std::string from;                     ///< the --from value
  std::optional<std::string> into, output;
  pm::ImportOptions options;
};

constexpr std::size_t max_options_bytes = std::size_t{1} << 20;

pm::ImportOptions load_options(const std::string &name, Context &ctx) {
  bool truncated = false;
  std::string text;
  try {
    text = read_input(name, max_options_bytes, truncated, ctx);
  } catch (const InputError &e) {
    throw InputError(fmt::format("--options: {}", e.what()));
  }
  if (truncated)
    throw InputError(fmt::format("--options '{}' is larger than {} bytes; import options are a "
                                 "small JSON object (docs/import.md)",
                                 display_name(name), max_options_bytes));
  try {
    return pm::ImportOptions::parse(text);
  } catch (const pm::error &e) {
    throw InputError(fmt::format("invalid --options '{}': {}", display_name(name), e.what()));
  }
}

Settings settings_from(const ParsedArgs &args, Context &ctx) {
  Settings s;
  if (args.operands.empty())
    throw UsageError("no FILE to import; name a timeline file, or '-' for standard input");
  if (args.operands.size() > 1)
    throw UsageError(fmt::format("import takes one FILE, got {}; import them one after another "
                                 "(--into DOC -o DOC adds each to the same document)",
                                 args.operands.size()));
  s.input = args.operands.front();
  auto from = args.value("from");
  if (!from)
    throw UsageError(fmt::format("--from FORMAT is required: {}", quoted_list(from_names)));
  s.from = *from;
  s.into = args.value("into");
  s.output = args.value("output");
  if (s.output && s.output->empty()) throw UsageError("--output needs a file name");
  if (s.into && s.input == "-" && *s.into == "-")
    throw UsageError("'-' (standard input) is given for both FILE and --into; it can be read only once");

  pm::ImportOptions &o = s.options;
  if (auto file = args.value("options")) o = load_options(*file, ctx); // then the flags
  if (args.has("strict")) o.strict = true;
  if (auto source = args.value("source")) {
    if (source->empty()) throw UsageError("--source needs a name");
    o.source = *source;
  }
  for (const auto &text : args.values("offset")) {
    auto [source, value] = assignment(text, "offset", "SOURCE=[+-]HH:MM[:SS], e.g. syslog=+00:05:00",
                                      /*last=*/true);
    auto micros = parse_offset(value);
    if (!micros)
      throw UsageError(fmt::format("invalid --offset '{}': '{}' is not an offset; write [+-]HH:MM or "
                                   "[+-]HH:MM:SS, e.g. syslog=+00:05:00 or syslog=-01:00",
                                   text, value));
    o.offsets[source] = *micros;
  }
  if (auto zone = args.value("time-zone")) o.time_zone = *zone;
  for (const auto &text : args.values("zone")) {
    auto [abbreviation, zone] = assignment(text, "zone", "ABBR=ZONE, e.g. IST=+01:00 or IST=Asia/Kolkata");
    o.zone_abbreviations[abbreviation] = zone;
  }
  if (auto text = args.value("dedupe")) {
    double seconds = 0;
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), seconds);
    if (ec != std::errc{} || end != text->data() + text->size() || !std::isfinite(seconds) ||
        seconds < 0)
      throw UsageError(fmt::format("invalid --dedupe '{}': write a number of seconds, 0 or more, "
                                   "e.g. 60",
                                   *text));
    o.dedupe_seconds = seconds;
  }
  if (auto type = args.value("type")) o.event_type = *pm::enum_from_string<pm::EventType>(*type);
  if (auto prefix = args.value("id-prefix")) {
    if (prefix->empty()) throw UsageError("--id-prefix needs a prefix");
    o.id_prefix = *prefix;
  }
  for (const auto &text : args.values("column")) {
    auto [field, column] = assignment(text, "column", "FIELD=COLUMN, e.g. datetime=DT");
    o.columns[field] = column;
  }
  return s;
}

// --- Telling the formats apart ----------------------------------------------------------------

constexpr std::size_t sniff_bytes = 64 * 1024;

std::string_view without_bom(std::string_view head) {
  if (head.starts_with("\xef\xbb\xbf")) head.remove_prefix(3);
  return head;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char &c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool looks_like_jsonl(std::string_view name, std::string_view head) {
  const std::string ext = lower(std::filesystem::path(std::string(name)).extension().string());
  if (ext == ".jsonl" || ext == ".json" || ext == ".ndjson") return true;
  head = without_bom(head);
  const std::size_t first = head.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && head[first] == '{';
}

// l2tcsv has 17 fixed columns starting date,time,timezone,MACB; anything else is dynamic CSV
// (whose columns the importer checks).
bool looks_like_l2tcsv(std::string_view head) {
  head = without_bom(head);
  std::string_view line = head.substr(0, head.find('\n'));
  if (line.ends_with('\r')) line.remove_suffix(1);
  return lower(line).starts_with("date,time,timezone,macb");
}

pm::ImportFormat format_for(std::string_view from, std::string_view name, std::string_view head) {
  if (from == "timesketch")
    return looks_like_jsonl(name, head) ? pm::ImportFormat::timesketch_jsonl
                                        : pm::ImportFormat::timesketch_csv;
  if (from == "plaso")
    return looks_like_l2tcsv(head) ? pm::ImportFormat::plaso_l2tcsv : pm::ImportFormat::plaso_dynamic;
  if (from == "timesketch-csv") return pm::ImportFormat::timesketch_csv;
  if (from == "timesketch-jsonl") return pm::ImportFormat::timesketch_jsonl;
  if (from == "plaso-l2tcsv") return pm::ImportFormat::plaso_l2tcsv;
  return pm::ImportFormat::plaso_dynamic;
}

/// The first bytes of a file and its size. @throws InputError when it cannot be read.
std::string read_head(const std::string &path, std::uint64_t &size) {
  std::unique_ptr<std::FILE, int (*)(std::FILE *)> f(std::fopen(path.c_str(), "rb"), std::fclose);
  auto cannot_read = [&](int err) {
    return InputError(fmt::format("cannot read '{}': {}", path, std::strerror(err)));
  };
  if (!f) throw cannot_read(errno ? errno : ENOENT);
  std::string head(sniff_bytes, '\0');
  errno = 0;
  head.resize(std::fread(head.data(), 1, head.size(), f.get()));
  if (std::ferror(f.get())) throw cannot_read(errno ? errno : EIO); // e.g. EISDIR
  std::error_code ec;
  size = std::filesystem::file_size(path, ec);
  if (ec) size = 0;
  return head;
}

// --- Progress ---------------------------------------------------------------------------------

/// A percentage bar on stderr, redrawn in place with '\r' at most every 100 ms; only for large
/// files when stderr is a terminal.
class Progress {
public:
  Progress(std::FILE *err, std::uint64_t total) : err_(err), total_(total) {}

  void operator()(std::uint64_t bytes) {
    const int percent = total_ == 0 ? 100 : static_cast<int>(std::min<std::uint64_t>(bytes, total_) * 100 / total_);
    const auto now = std::chrono::steady_clock::now();
    const bool recent = drawn_ && now - drawn_at_ < std::chrono::milliseconds(100);
    if (percent == percent_ || (recent && percent < 100)) return; // 100% is always shown
    percent_ = percent;
    drawn_at_ = now;
    drawn_ = true;
    const int filled = percent * width / 100;
    fmt::print(err_, "\rimporting [{}{}] {:3}%", std::string(filled, '#'), std::string(width - filled, '.'),
               percent);
    std::fflush(err_);
  }

  /// Clears the bar, so the summary starts on a clean line.
  void finish() {
    if (drawn_) fmt::print(err_, "\r{}\r", std::string(line_length, ' '));
    drawn_ = false;
  }

  static constexpr std::uint64_t min_bytes = std::uint64_t{8} << 20; ///< smaller files: no bar

private:
  static constexpr int width = 40;
  static constexpr std::size_t line_length = sizeof "importing [] 100%" - 1 + width;
  std::FILE *err_;
  std::uint64_t total_;
  int percent_ = -1;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point drawn_at_;
};

// --- Output -----------------------------------------------------------------------------------

std::string plural(std::uint64_t n, std::string_view word) {
  return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

constexpr std::size_t problems_shown = 10;

// `imported 19 events from l2tcsv.log as plaso_l2tcsv (0 skipped, 0 duplicates)`, then the first
// rows that were skipped, as FILE:LINE:COLUMN: skipped row: MESSAGE.
void print_summary(Context &ctx, const Settings &s, const pm::ImportReport &report) {
  const std::string file = escape_for_terminal(display_name(s.input));
  const std::string into = s.into ? fmt::format(" into {}", escape_for_terminal(display_name(*s.into)))
                                  : std::string{};
  fmt::print(ctx.err, "imported {} from {} as {}{} ({} skipped, {})\n", plural(report.imported, "event"),
             file, pm::to_string(report.format), into, report.skipped,
             plural(report.duplicates, "duplicate"));
  const std::size_t shown = std::min(report.problems.size(), problems_shown);
  for (std::size_t i = 0; i < shown; ++i) {
    const pm::ImportProblem &p = report.problems[i];
    const std::string where = p.column > 0 ? fmt::format("{}:{}:{}", file, p.line, p.column)
                                           : fmt::format("{}:{}", file, p.line);
    fmt::print(ctx.err, "{}: skipped row: {}\n", where, escape_for_terminal(p.message));
  }
  if (report.skipped > shown)
    fmt::print(ctx.err, "... and {} more skipped {}\n", report.skipped - shown,
               report.skipped - shown == 1 ? "row" : "rows");
}

// --- The command ------------------------------------------------------------------------------

pm::Document load_into(const std::string &name, Context &ctx) {
  const pm::Policy defaults;
  bool truncated = false;
  std::string text;
  try {
    text = read_input(name, defaults.limits.max_document_bytes, truncated, ctx);
  } catch (const InputError &e) {
    throw InputError(fmt::format("--into: {}", e.what()));
  }
  if (truncated)
    throw InputError(fmt::format("--into '{}': the document is over the limit of {} bytes "
                                 "(max_document_bytes)",
                                 display_name(name), defaults.limits.max_document_bytes));
  try {
    return pm::parse(text, defaults);
  } catch (const pm::error &e) {
    throw InputError(fmt::format("--into '{}' is not a postmortem/1 document: {}; check it with "
                                 "'postmortem check'",
                                 display_name(name), e.what()));
  }
}

// --from veris: one VERIS incident in, one new document out (docs/interop.md).
int run_import_veris(const Settings &s, const ParsedArgs &args, Context &ctx) {
  if (s.into) throw UsageError("--into adds timeline events; a VERIS incident becomes a new document of its own");
  for (std::string_view timeline_only : {"strict", "source", "offset", "time-zone", "zone", "dedupe", "type",
                                         "id-prefix", "column", "options"})
    if (args.has(timeline_only))
      throw UsageError(fmt::format("--{} applies to timelines, not to --from veris", timeline_only));
  const pm::Policy defaults;
  bool truncated = false;
  const std::string text = read_input(s.input, defaults.limits.max_document_bytes, truncated, ctx);
  if (truncated)
    throw InputError(fmt::format("{}: over the limit of {} bytes (max_document_bytes)", display_name(s.input),
                                 defaults.limits.max_document_bytes));
  pm::Document doc;
  try {
    doc = pm::import_veris(text, defaults);
  } catch (const pm::error &e) {
    throw InputError(fmt::format("{} (read as VERIS): {}", display_name(s.input), e.what()));
  }
  std::string json = pm::to_json(doc, pm::WriteOptions{.pretty = true});
  if (!json.ends_with('\n')) json += '\n';
  if (s.output && *s.output != "-") write_file(*s.output, json);
  else fmt::print(ctx.out, "{}", escape_json_for_terminal(json));
  const std::string id = doc.incident && doc.incident->id ? *doc.incident->id : std::string("(no id)");
  fmt::print(ctx.err, "imported VERIS incident {} from {}\n", escape_for_terminal(id),
             escape_for_terminal(display_name(s.input)));
  return exit_ok;
}

int run_import(const ParsedArgs &args, Context &ctx) {
  Settings s = settings_from(args, ctx);
  if (s.from == "veris") return run_import_veris(s, args, ctx);
  const bool from_stdin = s.input == "-";
  std::optional<pm::Document> into;
  if (s.into) into = load_into(*s.into, ctx);

  // Read what telling the format apart needs: the head of a file, or all of standard input.
  std::string data;
  std::uint64_t size = 0;
  if (from_stdin) {
    bool truncated = false;
    data = read_input(s.input, std::numeric_limits<std::size_t>::max(), truncated, ctx);
  } else {
    data = read_head(s.input, size);
  }
  const pm::ImportFormat format = format_for(s.from, from_stdin ? std::string_view{} : s.input, data);

  std::optional<Progress> progress;
  if (!from_stdin && size >= Progress::min_bytes && isatty(fileno(ctx.err))) {
    progress.emplace(ctx.err, size);
    s.options.progress = [&progress](std::uint64_t bytes) { (*progress)(bytes); };
  }

  pm::Document doc = into ? std::move(*into) : pm::new_timeline_document(format, s.options);
  auto run = [&] {
    return from_stdin ? pm::import_timeline(doc, format, data, s.options)
                      : pm::import_file(doc, format, s.input, s.options);
  };
  std::optional<pm::ImportReport> imported;
  try {
    imported = run();
  } catch (const pm::error &e) {
    if (progress) progress->finish();
    if (e.code() == pm::errc::invalid_argument) throw UsageError(e.what()); // an option's value
    if (e.code() == pm::errc::format) { // not that format, or --strict and a row it cannot read
      std::string_view why = e.what();
      const std::string prefix = s.input + ": "; // import_file names the file; we do it here
      if (!from_stdin && why.starts_with(prefix)) why.remove_prefix(prefix.size());
      throw InputError(fmt::format("{} (read as {}): {}", display_name(s.input),
                                   pm::to_string(format), why));
    }
    throw InputError(e.what()); // errc::io names the file
  }
  if (progress) progress->finish();
  const pm::ImportReport &report = *imported;

  std::string json = pm::to_json(doc, pm::WriteOptions{.pretty = true});
  if (!json.ends_with('\n')) json += '\n';
  if (s.output && *s.output != "-") write_file(*s.output, json);
  else fmt::print(ctx.out, "{}", escape_json_for_terminal(json));
  print_summary(ctx, s, report);
  return exit_ok;
}

} // namespace

extern const Command import_command{
    "import",
    "turn a Timesketch or Plaso timeline into post-mortem timeline events",
    "import --from FORMAT [options] FILE",
    "Reads a forensic timeline and writes a postmortem/1 document (JSON) whose timeline holds\n"
    "one event per row: its UTC time, the row's message as description, a source, a stable id\n"
    "and the row's other columns as x_ members. The document is new (an incident id and title\n"
    "to complete), or the --into document with the events added after its own. Formats:\n"
    "\n"
    "  Timesketch CSV and JSONL (message, datetime, timestamp_desc, other columns)\n"
    "  Plaso l2tcsv (date,time,timezone,MACB,...) and dynamic CSV (psort's default)\n"
    "\n"
    "The document goes to standard output (or -o FILE); a summary goes to standard error:\n"
    "\n"
    "  imported 19 events from l2tcsv.log as plaso_l2tcsv (0 skipped, 0 duplicates)\n"
    "\n"
    "Rows that cannot be read are skipped and listed as FILE:LINE:COLUMN: skipped row: WHY\n"
    "(the first 10), unless --strict makes the first one fail the import. Rows repeating an\n"
    "event (same source, description and time) are duplicates and are not added, so importing\n"
    "a file twice changes nothing. Use '-' to read the timeline from standard input.\n",
    "Exit status:\n"
    "  0  the document was written (also when rows were skipped)\n"
    "  2  a usage error, a FILE or DOC that cannot be read, data not in the format, or\n"
    "     with --strict a row that cannot be read; nothing is written\n"
    "\n"
    "Examples:\n"
    "  postmortem import --from plaso l2tcsv.log > timeline.json\n"
    "  postmortem import --from timesketch --into incident.json -o incident.json export.csv\n"
    "  postmortem import --from plaso --time-zone Europe/Berlin --offset fw=-00:02:30 psort.csv\n"
    "  postmortem import --from timesketch --strict --type alert --source edr alerts.jsonl\n"
    "  postmortem import --from plaso-l2tcsv --offset 'Log File=+00:05:00' l2tcsv.log\n",
    options,
    run_import,
};

} // namespace pmcli
