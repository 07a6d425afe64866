/**
 * @file postmortem/corpus.hpp
 * @brief Learning across post-mortems: trends, recurring root causes, recurrences,
 * remediation health, ATT&CK coverage and the re-verification worklist.
 *
 * A Corpus folds documents, one at a time, into mergeable aggregates; it never keeps the
 * documents. analyze() turns the aggregates into the JSON docs/corpus.md documents
 * (`postmortem-stats/1`). Everything in the aggregates is a count, an integer histogram or a
 * record sorted on output, so the result does not depend on the order documents arrive in,
 * on the number of loading threads, or on how a corpus was split into shards before merge():
 * analysing shards and merging them gives exactly what analysing the whole does.
 *
 * - **Time.** "Now" is the policy's `as_of` (its UTC day), fixed when the Corpus is made:
 *   what is overdue and what is due for re-verification are judged against it. Corpora
 *   merge only when they share that day and `thresholds.verify_within_days`.
 * - **Bad documents** (not JSON, wrong `schema`, a limit exceeded, no `incident.id`) are
 *   skipped and counted; the first CorpusOptions::max_problems of them (in source and line
 *   order) are kept with their file, line and a rule code (PM100, PM101, PM102).
 * - **Loading** (add_ndjson(), add_path(), add_stream()) parses on CorpusOptions::threads
 *   threads. Memory stays flat in the number of documents apart from the aggregates
 *   themselves: NDJSON is read in blocks, never whole.
 *
 * Thread-safety: a Corpus is not synchronized; use one from one thread at a time (it uses
 * its own threads inside the loading calls). analyze() and state() are const and may run
 * concurrently with each other.
 */
#ifndef POSTMORTEM_CORPUS_HPP
#define POSTMORTEM_CORPUS_HPP

#include <postmortem/document.hpp>
#include <postmortem/policy.hpp>

#include <boost/json/value.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

PM_BEGIN_NAMESPACE

/// How strongly a recurrence indicts the earlier remediation, strongest first: what the
/// earlier incident's actions for the shared root-cause group had come to.
PM_ENUM(RecurrenceSignal,
        verified_fix_failed, ///< an action was done and verified effective, and it happened again
        ineffective_fix,     ///< an action's latest verification found it ineffective or partially effective
        unverified_fix,      ///< an action was done but never verified
        open_fix,            ///< actions were planned but none was finished
        no_fix)              ///< no action (that was not rejected) addressed it

/// Why a finished action is on the re-verification worklist.
PM_ENUM(ReverifyReason,
        never_verified, ///< done or verified, with no verification record
        stale)          ///< its latest verification was effective, but longer ago than verify_within_days

/// Settings of a Corpus.
struct CorpusOptions {
  unsigned threads = 0;           ///< loading threads; 0 means std::thread::hardware_concurrency()
  std::size_t max_problems = 1000; ///< bad documents kept with their location (all are counted)
};

/// Settings of analyze().
struct AnalyzeOptions {
  std::size_t top = 20; ///< entries in the ranked lists (groups, owners, teams, techniques); 0 = all
};

/// Where a loading call is, passed to a ProgressFn.
struct CorpusProgress {
  std::uint64_t documents = 0;   ///< documents added so far by this call
  std::uint64_t bad = 0;         ///< documents skipped so far by this call
  std::uint64_t bytes_read = 0;  ///< input bytes read so far by this call
  std::uint64_t bytes_total = 0; ///< bytes the call will read; 0 when unknown (a stream)
};

/// Called on the calling thread while a loading call runs (after each block or file, and
/// once at the end). It must not use the Corpus being loaded.
using ProgressFn = std::function<void(const CorpusProgress &)>;

/// A document that could not be used.
struct CorpusProblem {
  std::string source;      ///< the file (or the name given with the data)
  std::uint64_t line = 0;  ///< 1-based line in the source; 0 when unknown
  std::uint64_t column = 0; ///< 1-based column, when the parser said; else 0
  std::string code;        ///< PM100 (not JSON, or a limit), PM101 (schema), PM102 (no incident.id)
  std::string message;
  /// The error behind it: errc::parse, errc::limit, errc::version, or errc::invalid_argument
  /// (no incident.id).
  errc error = errc::parse;
  friend bool operator==(const CorpusProblem &, const CorpusProblem &) = default;
};

/**
 * @brief Mergeable aggregates over many post-mortems.
 *
 * @par Complexity
 * Adding a document is O(n log n) in its size. analyze() is O(A log A) in the size A of
 * the aggregates (factor occurrences, owners, techniques, worklist entries).
 */
class Corpus {
public:
  /// A corpus judged at `policy.as_of` (the system clock's day when absent), scored with the
  /// policy's scoring settings. @throws error errc::invalid_argument for threads > 256.
  explicit Corpus(const Policy &policy = {}, const CorpusOptions &options = {});
  ~Corpus();
  Corpus(Corpus &&) noexcept;
  Corpus &operator=(Corpus &&) noexcept;
  Corpus(const Corpus &) = delete;
  Corpus &operator=(const Corpus &) = delete;

  /// Adds one parsed document. A document without `incident.id` is skipped and recorded
  /// (PM102); returns whether it was added. `source` and `line` are what problems and
  /// duplicates are reported with.
  bool add(const Document &doc, std::string_view source = {}, std::uint64_t line = 0);

  /// Parses and adds one document; a document that does not parse is skipped and recorded
  /// (PM100/PM101) rather than thrown. Returns whether it was added; when it was not and
  /// `why` is given, `*why` is set to the problem.
  bool add_json(std::string_view json, std::string_view source = {}, std::uint64_t line = 0,
                CorpusProblem *why = nullptr);

  /// Adds every non-blank line of NDJSON text as one document, in parallel.
  void add_ndjson(std::string_view text, std::string_view source = {}, const ProgressFn &progress = {});

  /**
   * @brief Adds documents from a stream: NDJSON when its first line is a complete JSON
   * value, else one (pretty-printed) document. NDJSON is read in blocks.
   * @throws error errc::io when the stream fails while reading.
   */
  void add_stream(std::istream &in, std::string_view source, const ProgressFn &progress = {});

  /**
   * @brief Adds a file (as add_stream()) or a directory: every `*.json`, `*.ndjson` and
   * `*.jsonl` file under it, recursively, in path order, skipping names that start with `.`.
   * @throws error errc::not_found when the path does not exist, errc::io when a file cannot
   *   be read (documents already added stay added).
   */
  void add_path(const std::filesystem::path &path, const ProgressFn &progress = {});

  /**
   * @brief Folds another corpus's aggregates into this one (the other is unchanged).
   * @throws error errc::invalid_argument when the two were built with a different as_of day
   *   or verify_within_days.
   */
  void merge(const Corpus &other);

  std::uint64_t documents() const noexcept; ///< documents added
  std::uint64_t bad() const noexcept;       ///< documents skipped
  /// The kept problems, ordered by source, line, column, code and message.
  std::vector<CorpusProblem> problems() const;

  /// The analysis, `postmortem-stats/1` (docs/corpus.md).
  boost::json::value analyze(const AnalyzeOptions &options = {}) const;

  /// The aggregates themselves, `postmortem-corpus/1`: what a shard sends to be merged.
  boost::json::value state() const;

  /**
   * @brief A corpus rebuilt from state(). Its as_of, thresholds and counts are the state's;
   * `policy` supplies only the ATT&CK names used by analyze().
   * @throws error errc::format when the value is not a `postmortem-corpus/1` state.
   */
  static Corpus from_state(const boost::json::value &state, const Policy &policy = {},
                           const CorpusOptions &options = {});

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// state() serialized; Corpus::from_state(boost::json::parse(text)) reads it back.
std::string to_json(const Corpus &corpus, const WriteOptions &options = {});

/**
 * @brief The key that groups factors across incidents (docs/corpus.md, "Grouping").
 *
 * `control:<control>` when the factor names a control (lower-cased, runs of spaces, `_` and
 * `-` made one space), else `title:<category>:<tokens>`: the title lower-cased, cut into
 * words of letters and digits, stop words dropped, each word reduced by the Snowball English
 * stemmer, the distinct stems sorted and joined by spaces. Empty when the factor has neither
 * a control nor a title with a word left. Thread-safe.
 */
std::string factor_group_key(const Factor &factor);

/// The `<tokens>` part of factor_group_key() for a title. Thread-safe.
std::string normalized_title(std::string_view title);

/// The words normalized_title() drops, sorted (docs/corpus.md lists them).
std::span<const std::string_view> title_stop_words() noexcept;

PM_END_NAMESPACE

#endif
