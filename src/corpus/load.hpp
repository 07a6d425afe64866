// Parallel loading (internal): the calling thread reads, worker threads parse and fold into
// their own aggregates, which are merged into the corpus at the end (docs/corpus.md,
// "Loading").
#ifndef POSTMORTEM_SRC_CORPUS_LOAD_HPP
#define POSTMORTEM_SRC_CORPUS_LOAD_HPP

#include "aggregate.hpp"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

PM_BEGIN_NAMESPACE
namespace corpus {

/// Bytes the reading thread hands over at a time: whole NDJSON lines, about this many.
inline constexpr std::size_t block_bytes = std::size_t{4} << 20;

/// Parses one document and folds it in; a document that does not parse becomes a problem
/// (PM100/PM101) with its line: `line` is the NDJSON line, or 0 for a whole file, in which
/// case the parser's line is used.
bool fold_json(Aggregate &agg, std::string_view json, std::string_view source, u64 line, const Policy &policy,
               CorpusProblem *why = nullptr);

/// Work for the parsing threads: NDJSON lines, or one whole document.
struct Chunk {
  std::shared_ptr<const std::string> source;
  std::string owned;     ///< the text, when the chunk owns it
  std::string_view text; ///< the text (into `owned`, or into the caller's buffer)
  u64 first_line = 1;    ///< the line number of text's first line (NDJSON)
  bool ndjson = true;
  u64 bytes = 0;         ///< input bytes this chunk accounts for (progress)
};

/// Runs one loading call: push() chunks, then finish(). With one thread, chunks are folded
/// on the calling thread as they are pushed.
class Loader {
public:
  Loader(Aggregate &into, const Policy &policy, unsigned threads, const ProgressFn &progress, u64 bytes_total);
  ~Loader();
  Loader(const Loader &) = delete;
  Loader &operator=(const Loader &) = delete;

  /// Hands a chunk to the workers (blocks while they are two chunks a thread behind).
  void push(Chunk chunk);
  /// Bytes read that no chunk accounts for (skipped input), for the progress.
  void skipped(u64 bytes);
  /// Waits for the workers, merges their aggregates, reports the final progress, and
  /// rethrows what a worker threw.
  void finish();

private:
  void work(std::size_t index);
  void process(Aggregate &agg, const Chunk &chunk);
  void report();

  Aggregate &into_;
  const Policy &policy_;
  const ProgressFn &progress_;
  u64 bytes_total_;
  std::vector<Aggregate> partial_;
  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable can_pop_, can_push_;
  std::deque<Chunk> queue_;
  std::size_t capacity_ = 2;
  bool closed_ = false;
  bool finished_ = false;
  std::exception_ptr failure_;
  std::atomic<u64> documents_{0}, bad_{0}, bytes_read_{0};
};

} // namespace corpus
PM_END_NAMESPACE

#endif
