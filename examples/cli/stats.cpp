// `postmortem stats`: learning across many post-mortems (docs/corpus.md): trends, recurring
// root causes, recurrences, remediation health, ATT&CK coverage and the re-verification
// worklist, from files, directories, NDJSON and standard input.
//
// The text format is rendered from the same JSON value that --format json prints
// (postmortem::Corpus::analyze), so the two always say the same thing.
#include "commands.hpp"
#include "report_common.hpp"
#include "terminal.hpp"

#include <postmortem/corpus.hpp>
#include <postmortem/document.hpp>
#include <postmortem/error.hpp>
#include <postmortem/policy.hpp>

#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <unistd.h>

namespace pmcli {
namespace {

namespace pm = postmortem;
namespace json = boost::json;

constexpr std::string_view progress_modes[] = {"auto", "always", "never"};

const OptionSpec options[] = {
    {"format", 0, "FORMAT",
     "output format: 'text' (default), a report for people; or\n"
     "'json', the postmortem-stats/1 analysis (docs/corpus.md)",
     text_json_formats},
    {"output", 'o', "FILE", "write the report to FILE instead of standard output"},
    {"policy", 0, "FILE",
     "read the policy from a JSON file ('-': standard input): as_of,\n"
     "\"thresholds\": {\"verify_within_days\": N} (default 90), scoring\n"
     "weights for the computed severity, and limits"},
    {"as-of", 0, "TIMESTAMP",
     "an RFC 3339 time with an offset (2024-06-01T00:00:00Z) that\n"
     "overrides the policy's as_of: the day overdue actions and due\n"
     "re-verifications are judged against (default: now). Fix it to\n"
     "get the same bytes every time"},
    {"top", 0, "N",
     "entries in the ranked lists: root-cause groups, owners, teams,\n"
     "techniques, and the worklist in text (default 20; 0: all)"},
    {"threads", 0, "N", "documents are parsed on N threads (default 0: one per core)"},
    {"progress", 0, "WHEN",
     "draw a progress bar on standard error: 'auto' (default) when\n"
     "it is a terminal, 'always', or 'never'",
     progress_modes},
    {"no-color", 0, "",
     "never colour the output (recurrences of a verified fix are\n"
     "coloured only when stdout is a terminal and NO_COLOR is unset)"},
    help_option,
};

// --- Options -----------------------------------------------------------------------------------

constexpr unsigned max_threads = 256; // Corpus refuses more

std::uint64_t parse_count(const std::string &text, std::string_view option, std::uint64_t max) {
  std::uint64_t n = 0;
  const char *end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, n);
  if (text.empty() || ec != std::errc{} || ptr != end || n > max)
    throw UsageError(fmt::format("invalid --{} '{}': expected a whole number from 0 to {}", option, text, max));
  return n;
}

struct Settings {
  bool as_json = false;
  std::optional<std::string> output; ///< a file; nullopt or "-": standard output
  pm::Policy policy;
  pm::CorpusOptions corpus;
  pm::AnalyzeOptions analyze;
  bool progress = false;
  bool colour = false;
};

Settings settings_from(const ParsedArgs &args, Context &ctx) {
  Settings s;
  if (args.operands.empty())
    throw UsageError("no PATH; name post-mortem files, directories or NDJSON files, or '-' for standard input");
  const auto policy_file = args.value("policy");
  const auto stdin_reads =
      std::count(args.operands.begin(), args.operands.end(), "-") + (policy_file == "-" ? 1 : 0);
  if (stdin_reads > 1)
    throw UsageError("'-' (standard input) is given more than once; it can be read only once");
  s.as_json = args.value("format") == "json";
  s.output = args.value("output");
  if (s.output && s.output->empty()) throw UsageError("--output needs a file name");
  if (auto top = args.value("top"))
    s.analyze.top = static_cast<std::size_t>(parse_count(*top, "top", std::numeric_limits<std::uint32_t>::max()));
  if (auto threads = args.value("threads"))
    s.corpus.threads = static_cast<unsigned>(parse_count(*threads, "threads", max_threads));

  const std::string when = args.value("progress").value_or("auto");
  s.progress = when == "always" || (when == "auto" && isatty(fileno(ctx.err)));
  const bool to_stdout = !s.output || *s.output == "-";
  s.colour = to_stdout && ctx.out_colour && !args.has("no-color");

  if (policy_file) s.policy = load_policy(*policy_file, "stats", ctx);
  if (auto as_of = args.value("as-of")) s.policy.as_of = parse_as_of(*as_of);
  return s;
}

// --- Progress ----------------------------------------------------------------------------------

std::string bytes_text(std::uint64_t n) {
  if (n < 1024) return fmt::format("{} B", n);
  if (n < (std::uint64_t{1} << 20)) return fmt::format("{:.1f} KiB", static_cast<double>(n) / 1024);
  if (n < (std::uint64_t{1} << 30)) return fmt::format("{:.1f} MiB", static_cast<double>(n) / (1 << 20));
  return fmt::format("{:.2f} GiB", static_cast<double>(n) / (1 << 30));
}

/// One status line on stderr, redrawn in place with '\r' at most every 100 ms and cleared at
/// the end: documents and bad documents so far (over every PATH), and the bytes of the PATH
/// being read with a percentage when its size is known.
class Progress {
public:
  Progress(std::FILE *err, std::size_t paths) : err_(err), paths_(paths) {}

  /// Starts PATH number `index` (0-based); the counts carry over.
  void start(std::size_t index) {
    index_ = index;
    base_documents_ = documents_;
    base_bad_ = bad_;
  }

  void operator()(const pm::CorpusProgress &p) {
    documents_ = base_documents_ + p.documents;
    bad_ = base_bad_ + p.bad;
    const auto now = std::chrono::steady_clock::now();
    if (drawn_ && now - drawn_at_ < std::chrono::milliseconds(100)) return;
    drawn_at_ = now;
    std::string line = fmt::format("stats: {} document{}, {} bad", documents_, documents_ == 1 ? "" : "s", bad_);
    if (paths_ > 1) line += fmt::format(", path {}/{}", index_ + 1, paths_);
    if (p.bytes_total > 0) {
      const std::uint64_t read = std::min(p.bytes_read, p.bytes_total);
      line += fmt::format(", {} of {} ({}%)", bytes_text(read), bytes_text(p.bytes_total),
                          read * 100 / p.bytes_total);
    } else {
      line += fmt::format(", {} read", bytes_text(p.bytes_read));
    }
    const std::size_t length = line.size();
    if (length < shown_) line.append(shown_ - length, ' '); // wipe the end of a longer line
    shown_ = length;
    fmt::print(err_, "\r{}", line);
    std::fflush(err_);
    drawn_ = true;
  }

  /// Clears the line, so what follows starts on a clean line.
  void finish() {
    if (drawn_) {
      fmt::print(err_, "\r{}\r", std::string(shown_, ' '));
      std::fflush(err_);
    }
    drawn_ = false;
    shown_ = 0;
  }

private:
  std::FILE *err_;
  std::size_t paths_;
  std::size_t index_ = 0;
  std::uint64_t documents_ = 0, bad_ = 0, base_documents_ = 0, base_bad_ = 0;
  std::size_t shown_ = 0;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point drawn_at_;
};

// --- Loading -----------------------------------------------------------------------------------

// errc::not_found and errc::io name the path in the library's messages; when one does not,
// the CLI adds it, so the user always learns which PATH failed.
[[noreturn]] void path_error(const std::string &operand, const pm::error &e) {
  const std::string_view why = e.what();
  const std::string shown = display_name(operand);
  if (operand != "-" && why.find(operand) != std::string_view::npos) throw InputError(std::string(why));
  throw InputError(fmt::format("cannot read '{}': {}", shown, why));
}

void load(pm::Corpus &corpus, const std::vector<std::string> &operands, Progress *progress, Context &ctx) {
  // A PATH that does not exist is reported before anything is read: a long run should not
  // fail at its last operand for a typo.
  for (const auto &operand : operands) {
    if (operand == "-") continue;
    std::error_code ec;
    const auto status = std::filesystem::status(operand, ec);
    if (status.type() == std::filesystem::file_type::not_found)
      throw InputError(fmt::format("cannot read '{}': No such file or directory", operand));
  }
  pm::ProgressFn report;
  if (progress) report = [progress](const pm::CorpusProgress &p) { (*progress)(p); };
  for (std::size_t i = 0; i < operands.size(); ++i) {
    const std::string &operand = operands[i];
    if (progress) progress->start(i);
    try {
      if (operand == "-") {
        if (ctx.stdin_used) throw UsageError("'-' (standard input) can be read only once per run");
        ctx.stdin_used = true;
        corpus.add_stream(std::cin, display_name(operand), report);
      } else {
        corpus.add_path(operand, report);
      }
    } catch (const pm::error &e) {
      if (progress) progress->finish();
      if (e.code() == pm::errc::not_found || e.code() == pm::errc::io) path_error(operand, e);
      throw;
    } catch (...) {
      if (progress) progress->finish();
      throw;
    }
  }
  if (progress) progress->finish();
}

// --- Reading the analysis ----------------------------------------------------------------------

const json::object &object_at(const json::object &o, std::string_view key) {
  static const json::object empty;
  const json::value *v = o.if_contains(key);
  return v && v->is_object() ? v->get_object() : empty;
}

const json::array &array_at(const json::object &o, std::string_view key) {
  static const json::array empty;
  const json::value *v = o.if_contains(key);
  return v && v->is_array() ? v->get_array() : empty;
}

std::int64_t int_at(const json::object &o, std::string_view key) {
  const json::value *v = o.if_contains(key);
  if (!v) return 0;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64()) return static_cast<std::int64_t>(std::min<std::uint64_t>(v->get_uint64(), std::numeric_limits<std::int64_t>::max()));
  if (v->is_double()) return static_cast<std::int64_t>(v->get_double());
  return 0;
}

double real_at(const json::object &o, std::string_view key) {
  const json::value *v = o.if_contains(key);
  return v && v->is_number() ? v->to_number<double>() : 0.0;
}

bool has_number(const json::object &o, std::string_view key) {
  const json::value *v = o.if_contains(key);
  return v && v->is_number();
}

bool bool_at(const json::object &o, std::string_view key) {
  const json::value *v = o.if_contains(key);
  return v && v->is_bool() && v->get_bool();
}

// --- Words ---------------------------------------------------------------------------------------

std::string plural(std::int64_t n, std::string_view word, std::string_view plural_word = {}) {
  if (n == 1) return fmt::format("1 {}", word);
  return plural_word.empty() ? fmt::format("{} {}s", n, word) : fmt::format("{} {}", n, plural_word);
}

std::string percent(double share) { return fmt::format("{:.0f}%", share * 100); }

// "3d 4h", "2h 5m", "12m 30s", "45s", "0s": the two largest units, enough to compare periods.
std::string short_duration(std::int64_t seconds) {
  if (seconds == 0) return "0s";
  const std::uint64_t s = seconds < 0 ? 0 - static_cast<std::uint64_t>(seconds) : static_cast<std::uint64_t>(seconds);
  const std::uint64_t parts[] = {s / 86400, s / 3600 % 24, s / 60 % 60, s % 60};
  const char units[] = {'d', 'h', 'm', 's'};
  std::size_t first = 0;
  while (parts[first] == 0) ++first;
  std::string out = fmt::format("{}{}", parts[first], units[first]);
  if (first + 1 < 4 && parts[first + 1] != 0) out += fmt::format(" {}{}", parts[first + 1], units[first + 1]);
  return seconds < 0 ? "-" + out : out;
}

// The median and p90 of one metric of a period: "1h 22m / 6d 4h", or "-" without data.
std::string metric_cell(const json::object &period, std::string_view metric) {
  const json::object &m = object_at(object_at(period, "metrics"), metric);
  if (int_at(m, "count") == 0 || !has_number(m, "median_seconds")) return "-";
  return fmt::format("{} / {}", short_duration(int_at(m, "median_seconds")), short_duration(int_at(m, "p90_seconds")));
}

// "phishing 2, malware 1": the three most frequent categories of a period.
std::string top_categories(const json::object &period) {
  std::vector<std::pair<std::string, std::int64_t>> counts;
  for (const auto &[name, n] : object_at(period, "by_category"))
    if (n.is_number() && n.to_number<double>() > 0) counts.emplace_back(std::string(name), n.to_number<std::int64_t>());
  std::stable_sort(counts.begin(), counts.end(), [](const auto &a, const auto &b) { return a.second > b.second; });
  std::string out;
  for (std::size_t i = 0; i < counts.size() && i < 3; ++i)
    out += fmt::format("{}{} {}", i ? ", " : "", counts[i].first, counts[i].second);
  if (counts.size() > 3) out += fmt::format(", +{} more", counts.size() - 3);
  return out;
}

// "0/1/2/0/0": critical/high/medium/low/informational.
std::string severity_cell(const json::object &period) {
  const json::object &s = object_at(period, "by_severity");
  return fmt::format("{}/{}/{}/{}/{}", int_at(s, "critical"), int_at(s, "high"), int_at(s, "medium"), int_at(s, "low"),
                     int_at(s, "informational"));
}

std::string_view signal_words(std::string_view signal) {
  if (signal == "verified_fix_failed") return "fixed, verified effective, and it happened again";
  if (signal == "ineffective_fix") return "the fix was found ineffective, and it happened again";
  if (signal == "unverified_fix") return "fixed but never verified, and it happened again";
  if (signal == "open_fix") return "the fix was still open when it happened again";
  return "nothing was done about it, and it happened again";
}

std::string_view reason_words(std::string_view reason) {
  return reason == "never_verified" ? "never verified" : reason == "stale" ? "verification stale" : reason;
}

std::string name_or(const json::object &o, std::string_view key, std::string_view fallback) {
  const std::string s = str(o, key);
  return s.empty() ? std::string(fallback) : s;
}

// "act1 verified, effective on 2024-03-15", "act5 done, never verified", "A2 in_progress".
std::string action_state(const json::object &a) {
  std::string out = fmt::format("{} {}", str(a, "id"), name_or(a, "status", "proposed"));
  const json::value *v = a.if_contains("verification");
  const std::string status = str(a, "status");
  if (v && v->is_object()) {
    const json::object &ver = v->get_object();
    out += fmt::format(", {}", name_or(ver, "result", "verified"));
    if (const std::string date = str(ver, "date"); !date.empty()) out += " on " + date;
  } else if (status == "done" || status == "verified") {
    out += ", never verified";
  }
  return out;
}

// --- The text report ---------------------------------------------------------------------------

struct Style {
  bool colour = false;
  std::string alarm(std::string_view text) const {
    return colour ? fmt::format("{}{}{}", sgr::red, text, sgr::reset) : std::string(text);
  }
};

std::string section_summary(const json::object &root) {
  const json::object &s = object_at(root, "summary");
  std::string out = fmt::format("Post-mortem statistics as of {} (re-verification due after {} days)\n",
                                escape_for_terminal(str(root, "as_of")), int_at(root, "verify_within_days"));
  // Every document is one incident, dated or undated.
  const std::int64_t incidents = int_at(s, "dated") + int_at(s, "undated");
  out += fmt::format("{} read, {} skipped as unusable; {}", plural(int_at(s, "documents"), "document"),
                     int_at(s, "bad"), plural(incidents, "incident"));
  if (incidents > 0) {
    out += fmt::format(" ({} dated, {} undated)", int_at(s, "dated"), int_at(s, "undated"));
    const std::string first = str(s, "first_period"), last = str(s, "last_period");
    if (!first.empty())
      out += escape_for_terminal(first == last ? fmt::format(", in {}", first) : fmt::format(", from {} to {}", first, last));
  }
  return out + "\n";
}

std::string section_trends(const json::object &root) {
  const json::object &trends = object_at(root, "trends");
  const json::array &quarters = array_at(trends, "by_quarter");
  const json::object &undated = object_at(trends, "undated");
  std::string out = "Trends by quarter\n";
  if (quarters.empty() && int_at(undated, "incidents") == 0) return out + "  No incidents.\n";
  Table t{{"QUARTER", "INCIDENTS", "C/H/M/L/I", "DWELL", "CONTAIN", "RECOVER", "TOP CATEGORIES"},
          {1},
          {}};
  auto row = [&](std::string label, const json::object &p) {
    t.add({std::move(label), std::to_string(int_at(p, "incidents")), severity_cell(p), metric_cell(p, "dwell_time"),
           metric_cell(p, "time_to_contain"), metric_cell(p, "time_to_recover"), top_categories(p)});
  };
  for (const auto &v : quarters)
    if (v.is_object()) row(str(v.get_object(), "period"), v.get_object());
  if (int_at(undated, "incidents") > 0) row("undated", undated);
  row("all", object_at(trends, "overall"));
  out += t.render();
  out += "  C/H/M/L/I: incidents by computed severity, critical to informational. DWELL (start to\n"
         "  detection), CONTAIN and RECOVER (from detection): median / p90, within 1%.\n";
  return out;
}

std::string section_factors(const json::object &root, std::size_t top) {
  const json::object &f = object_at(root, "factors");
  const json::array &groups = array_at(f, "top");
  std::string out = fmt::format("Recurring root causes and contributing factors: {} of {} groups recur\n",
                                int_at(f, "recurring"), int_at(f, "groups"));
  out += fmt::format("  {} of {} grouped (by the control that failed, else by the normalized title)\n",
                     int_at(f, "grouped"), plural(int_at(f, "factors"), "factor"));
  if (groups.empty()) return out + "  No recurring root causes.\n";
  Table t{{"INCIDENTS", "FACTORS", "ROOT CAUSES", "CATEGORY", "CONTROL", "TITLE"}, {0, 1, 2}, {}};
  for (const auto &v : groups) {
    if (!v.is_object()) continue;
    const json::object &g = v.get_object();
    t.add({std::to_string(int_at(g, "incidents")), std::to_string(int_at(g, "factors")),
           std::to_string(int_at(g, "root_causes")), str(g, "category"), name_or(g, "control", "-"), str(g, "title")});
  }
  out += t.render();
  if (top != 0 && static_cast<std::int64_t>(groups.size()) < int_at(f, "recurring"))
    out += fmt::format("  ... and {} more (--top)\n", int_at(f, "recurring") - static_cast<std::int64_t>(groups.size()));
  return out;
}

std::string section_recurrences(const json::object &root, const Style &style) {
  const json::object &r = object_at(root, "recurrences");
  const json::array &items = array_at(r, "items");
  const json::array &unmatched = array_at(r, "declared_unmatched");
  std::string out = fmt::format("Recurrences: {} ({} declared, {} found only by shared root causes)\n",
                                int_at(r, "count"), int_at(r, "declared"), int_at(r, "undeclared"));
  if (items.empty()) {
    out += "  No recurrences.\n";
  } else {
    const json::object &by = object_at(r, "by_signal");
    const std::int64_t failed = int_at(by, "verified_fix_failed");
    if (failed > 0)
      out += style.alarm(fmt::format("  !! {} after a fix verified effective", plural(failed, "recurrence")) ) + '\n';
    for (const auto &v : items) {
      if (!v.is_object()) continue;
      const json::object &item = v.get_object();
      const std::string signal = str(item, "signal");
      const bool alarm = signal == "verified_fix_failed";
      const json::object &earlier = object_at(item, "earlier");
      const json::object &first = object_at(item, "first");
      std::string head = escape_for_terminal(fmt::format("{} ({}) repeats {} ({})", str(item, "incident"),
                                                         str(item, "date"), str(earlier, "incident"),
                                                         str(earlier, "date")));
      if (bool_at(item, "declared")) head += ", declared";
      else head += ", undeclared";
      if (int_at(item, "occurrence") > 2)
        head += escape_for_terminal(fmt::format("; occurrence {} since {} ({})", int_at(item, "occurrence"),
                                                str(first, "incident"), str(first, "date")));
      out += alarm ? style.alarm(fmt::format("  !! {}", head)) + '\n' : fmt::format("  -  {}\n", head);
      out += fmt::format("     {}\n", escape_for_terminal(fmt::format("cause: {} [{}]", str(item, "title"),
                                                                        str(item, "group"))));
      const std::string words = fmt::format("     {}", signal_words(signal));
      out += (alarm ? style.alarm(words) : words) + '\n';
      for (const auto &a : array_at(earlier, "actions")) {
        if (!a.is_object()) continue;
        const json::object &action = a.get_object();
        out += fmt::format("       {}\n", escape_for_terminal(fmt::format("{}: {}", action_state(action),
                                                                           str(action, "title"))));
      }
    }
  }
  if (!unmatched.empty()) {
    out += "  Declared, but no shared root-cause group confirms it:\n";
    for (const auto &v : unmatched) {
      if (!v.is_object()) continue;
      const json::object &u = v.get_object();
      std::string date = str(u, "date");
      out += fmt::format("     {}\n", escape_for_terminal(fmt::format("{}{} says it recurs {}", str(u, "incident"),
                                                                          date.empty() ? "" : " (" + date + ")",
                                                                          str(u, "of"))));
    }
  }
  return out;
}

std::string health_row_name(const json::object &h, std::string_view key, std::string_view none) {
  const json::value *v = h.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string(none);
}

std::string days_words(std::int64_t days) {
  if (days == 0) return "on the due day";
  return fmt::format("{} {}", plural(days < 0 ? -days : days, "day"), days < 0 ? "early" : "late");
}

std::string section_remediation(const json::object &root) {
  const json::object &r = object_at(root, "remediation");
  const json::object &total = object_at(r, "total");
  std::string out = fmt::format("Remediation health: {}\n", plural(int_at(total, "actions"), "action"));
  std::vector<std::pair<std::string, std::string>> t;
  t.push_back({"open", fmt::format("{} ({} overdue)", int_at(total, "open"), int_at(total, "overdue"))});
  t.push_back({"done, never verified", std::to_string(int_at(total, "done_unverified"))});
  t.push_back({"ineffective", std::to_string(int_at(total, "ineffective"))});
  t.push_back({"verified effective", std::to_string(int_at(total, "verified_effective"))});
  t.push_back({"rejected", std::to_string(int_at(total, "rejected"))});
  const json::object &d = object_at(r, "due_to_done_days");
  t.push_back({"due date to done",
         int_at(d, "count") > 0
             ? fmt::format("median {}, p90 {} ({}: {} early, {} on time, {} late)", days_words(int_at(d, "median")),
                           days_words(int_at(d, "p90")), plural(int_at(d, "count"), "action"), int_at(d, "early"),
                           int_at(d, "on_time"), int_at(d, "late"))
             : std::string("no finished action with both due and completed_at")});
  const json::object &c = object_at(r, "preventive_coverage");
  t.push_back({"preventive coverage",
         int_at(c, "root_causes") > 0
             ? fmt::format("{} of {} root causes have a preventive action ({})", int_at(c, "with_preventive"),
                           int_at(c, "root_causes"), percent(real_at(c, "share")))
             : std::string("no root causes")});
  for (const auto &[name, value] : t) out += fmt::format("  {:<22}{}\n", name, value);

  auto table = [&](std::string_view title, std::string_view key, std::string_view none) {
    const json::array &rows = array_at(r, key == "owner" ? "by_owner" : "by_team");
    std::string text = fmt::format("\n  {}\n", title);
    if (rows.empty()) return text + "    No actions.\n";
    Table t{{key == "owner" ? "OWNER" : "TEAM", "ACTIONS", "OPEN", "OVERDUE", "UNVERIFIED", "INEFFECTIVE", "EFFECTIVE"},
            {1, 2, 3, 4, 5, 6},
            {}};
    for (const auto &v : rows) {
      if (!v.is_object()) continue;
      const json::object &h = v.get_object();
      t.add({health_row_name(h, key, none), std::to_string(int_at(h, "actions")), std::to_string(int_at(h, "open")),
             std::to_string(int_at(h, "overdue")), std::to_string(int_at(h, "done_unverified")),
             std::to_string(int_at(h, "ineffective")), std::to_string(int_at(h, "verified_effective"))});
    }
    // Indented one level more than the section.
    std::string rendered = t.render();
    std::string indented;
    for (std::size_t start = 0; start < rendered.size();) {
      const std::size_t end = rendered.find('\n', start);
      indented += "  " + rendered.substr(start, end - start + 1);
      start = end + 1;
    }
    return text + indented;
  };
  out += table("Owners, most overdue first", "owner", "(no owner)");
  out += table("Teams, most overdue first", "team", "(no team)");
  return out;
}

std::string section_techniques(const json::object &root) {
  const json::object &t = object_at(root, "techniques");
  const json::array &top = array_at(t, "top");
  std::string out = fmt::format("ATT&CK techniques: {} distinct, in {}\n", int_at(t, "distinct"),
                                plural(int_at(t, "incidents_with_techniques"), "incident"));
  if (top.empty()) return out + "  No techniques recorded.\n";
  Table table{{"TECHNIQUE", "INCIDENTS", "ADDRESSED", "NAME"}, {1}, {}};
  for (const auto &v : top) {
    if (!v.is_object()) continue;
    const json::object &te = v.get_object();
    table.add({str(te, "id"), std::to_string(int_at(te, "incidents")),
               fmt::format("{} ({})", int_at(te, "addressed"), percent(real_at(te, "share_addressed"))),
               str(te, "name")});
  }
  out += table.render();
  if (static_cast<std::int64_t>(top.size()) < int_at(t, "distinct"))
    out += fmt::format("  ... and {} more (--top)\n", int_at(t, "distinct") - static_cast<std::int64_t>(top.size()));
  out += "  (addressed: in how many of those incidents an action treats a factor tied to it)\n";
  return out;
}

std::string section_validation(const json::object &root, std::size_t top) {
  const json::object &v = object_at(root, "validation");
  const json::array &items = array_at(v, "items");
  std::string out = fmt::format("Due for re-verification: {}\n", plural(int_at(v, "count"), "finished action"));
  if (items.empty()) return out + "  Nothing is due for re-verification.\n";
  Table t{{"DUE ON", "OVERDUE", "INCIDENT", "ACTION", "REASON", "OWNER", "TITLE"}, {1}, {}};
  const std::size_t shown = top == 0 ? items.size() : std::min(items.size(), top);
  for (std::size_t i = 0; i < shown; ++i) {
    if (!items[i].is_object()) continue;
    const json::object &item = items[i].get_object();
    t.add({str(item, "due_on"), fmt::format("{}d", int_at(item, "days_overdue")), str(item, "incident"),
           str(item, "action"), std::string(reason_words(str(item, "reason"))), name_or(item, "owner", "-"),
           str(item, "title")});
  }
  out += t.render();
  if (items.size() > shown) out += fmt::format("  ... and {} more (--top)\n", items.size() - shown);
  return out;
}

std::string render_text(const json::object &root, std::size_t top, const Style &style) {
  std::string out = section_summary(root);
  out += '\n' + section_trends(root);
  out += '\n' + section_factors(root, top);
  out += '\n' + section_recurrences(root, style);
  out += '\n' + section_remediation(root);
  out += '\n' + section_techniques(root);
  out += '\n' + section_validation(root, top);
  return out;
}

// --- Problems ----------------------------------------------------------------------------------

constexpr std::size_t problems_shown = 20;

// `postmortem: batch.ndjson:2:14: PM100: not valid JSON: ...`, the first 20, then a count.
void print_problems(Context &ctx, const pm::Corpus &corpus) {
  const std::vector<pm::CorpusProblem> problems = corpus.problems();
  const std::size_t shown = std::min(problems.size(), problems_shown);
  for (std::size_t i = 0; i < shown; ++i) {
    const pm::CorpusProblem &p = problems[i];
    std::string where = p.source.empty() ? std::string("(unnamed)") : p.source;
    if (p.line > 0) where += fmt::format(":{}", p.line);
    if (p.line > 0 && p.column > 0) where += fmt::format(":{}", p.column);
    print_error(ctx, fmt::format("{}: {}: {}", where, p.code, p.message));
  }
  const std::uint64_t bad = corpus.bad();
  if (bad > shown)
    print_error(ctx, fmt::format("... and {} more {} skipped", bad - shown, bad - shown == 1 ? "document" : "documents"));
}

// --- The command -------------------------------------------------------------------------------

int run_stats(const ParsedArgs &args, Context &ctx) {
  Settings s = settings_from(args, ctx);
  pm::Corpus corpus = [&] {
    try {
      return pm::Corpus(s.policy, s.corpus);
    } catch (const pm::error &e) {
      if (e.code() == pm::errc::invalid_argument) throw UsageError(e.what());
      throw;
    }
  }();
  std::optional<Progress> progress;
  if (s.progress) progress.emplace(ctx.err, args.operands.size());
  load(corpus, args.operands, progress ? &*progress : nullptr, ctx);

  const json::value analysis = corpus.analyze(s.analyze);
  std::string text;
  if (s.as_json) {
    text = pm::serialize_value(analysis, pm::WriteOptions{.pretty = true});
    if (!text.ends_with('\n')) text += '\n';
  } else {
    text = render_text(analysis.as_object(), s.analyze.top, Style{s.colour});
  }
  if (s.output && *s.output != "-") write_file(*s.output, text);
  else if (s.as_json) print_json(ctx, text);
  else print_text(ctx, text);
  print_problems(ctx, corpus);
  return exit_ok;
}

} // namespace

extern const Command stats_command{
    "stats",
    "trends, recurring root causes and remediation health across post-mortems",
    "stats [options] PATH...",
    "Learns across many postmortem/1 documents at once (docs/corpus.md). Each PATH is a\n"
    "document, an NDJSON file (one document per line), a directory (every *.json,\n"
    "*.ndjson and *.jsonl file under it, recursively), or '-' for standard input. The\n"
    "report says:\n"
    "\n"
    "  trends           incidents per quarter by category and computed severity, with the\n"
    "                   median and p90 of dwell time, time to contain and time to recover\n"
    "  root causes      factors grouped across incidents by the control that failed, else\n"
    "                   by their normalized title; the groups that recur\n"
    "  recurrences      incidents whose root cause was seen before, with what the earlier\n"
    "                   remediation had come to; '!!' marks a fix that was done, verified\n"
    "                   effective, and the incident happened again\n"
    "  remediation      open, overdue, unverified and ineffective actions by owner and\n"
    "                   team, due date to done, preventive coverage of root causes\n"
    "  techniques       the ATT&CK techniques seen most, and how often a plan addressed them\n"
    "  re-verification  finished actions due to be verified (again), as a worklist\n"
    "\n"
    "Documents are parsed in parallel; the result is the same whatever --threads. A\n"
    "document that cannot be used (not JSON: PM100, wrong schema: PM101, no incident.id:\n"
    "PM102) is skipped and counted, never fatal; the first 20 are listed on standard\n"
    "error as PATH:LINE[:COLUMN]: CODE: MESSAGE after the report. Document text is\n"
    "printed with control and bidi characters escaped.\n",
    "Exit status:\n"
    "  0  the report was written (also when documents were skipped)\n"
    "  2  a usage error, a PATH that does not exist or cannot be read, a policy that\n"
    "     cannot be read or parsed, or an output file that cannot be written\n"
    "\n"
    "Examples:\n"
    "  postmortem stats postmortems/\n"
    "  postmortem stats --as-of 2024-07-01T00:00:00Z --top 10 2023/ 2024/ extra.ndjson\n"
    "  postmortem stats --format json postmortems/ | jq '.recurrences.items[0]'\n"
    "  zcat export.ndjson.gz | postmortem stats --progress never -\n",
    options,
    run_stats,
};

} // namespace pmcli
