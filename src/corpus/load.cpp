// Parallel loading: a bounded queue of chunks between the reading (calling) thread and the
// parsing threads. Each thread folds into its own Aggregate; merging them at the end gives
// the same aggregates whatever the number of threads, because every aggregate is
// order-independent.
#include "load.hpp"

#include <postmortem/error.hpp>

#include <charconv>

PM_BEGIN_NAMESPACE
namespace corpus {

namespace {

// "... at line 3, column 14 (byte offset 40)" -> {3, 14}; {0, 0} when the message has none.
std::pair<u64, u64> parser_location(std::string_view message) {
  auto number_after = [&](std::string_view label, std::size_t from) -> std::pair<u64, std::size_t> {
    const std::size_t at = message.find(label, from);
    if (at == std::string_view::npos) return {0, std::string_view::npos};
    u64 value = 0;
    const char *begin = message.data() + at + label.size();
    auto [end, ec] = std::from_chars(begin, message.data() + message.size(), value);
    if (ec != std::errc()) return {0, std::string_view::npos};
    return {value, static_cast<std::size_t>(end - message.data())};
  };
  auto [line, after] = number_after(" at line ", 0);
  if (after == std::string_view::npos) return {0, 0};
  auto [column, unused] = number_after(", column ", after);
  (void)unused;
  return {line, column};
}

bool is_blank_line(std::string_view line) noexcept {
  for (char c : line)
    if (c != ' ' && c != '\t' && c != '\r') return false;
  return true;
}

} // namespace

bool fold_json(Aggregate &agg, std::string_view json, std::string_view source, u64 line, const Policy &policy,
               CorpusProblem *why) {
  Document doc;
  try {
    doc = parse(json, policy);
  } catch (const error &e) {
    if (e.code() == errc::no_memory) throw;
    CorpusProblem p;
    p.source = source;
    p.code = e.code() == errc::version ? "PM101" : "PM100";
    p.message = e.what();
    const auto [l, c] = parser_location(p.message);
    p.line = line == 0 ? l : line + (l > 0 ? l - 1 : 0);
    p.column = c;
    if (line != 0 && l == 1) {
      // One NDJSON line: the parser's "line 1" is the record's line, which `line` gives.
      const std::string_view said = " at line 1, column ";
      if (const auto at = p.message.find(said); at != std::string::npos) p.message.replace(at, said.size(), " at column ");
    }
    p.error = e.code();
    if (why) *why = p;
    agg.add_problem(std::move(p));
    return false;
  }
  return agg.add(doc, source, line, policy, why);
}

Loader::Loader(Aggregate &into, const Policy &policy, unsigned threads, const ProgressFn &progress, u64 bytes_total)
    : into_(into), policy_(policy), progress_(progress), bytes_total_(bytes_total) {
  if (threads <= 1) return;
  capacity_ = 2 * static_cast<std::size_t>(threads);
  partial_.resize(threads);
  for (Aggregate &a : partial_) {
    a.as_of_day = into.as_of_day;
    a.verify_within_days = into.verify_within_days;
    a.max_problems = into.max_problems;
  }
  workers_.reserve(threads);
  try {
    for (std::size_t i = 0; i < threads; ++i) workers_.emplace_back([this, i] { work(i); });
  } catch (...) {
    {
      std::lock_guard lock(mutex_);
      closed_ = true;
    }
    can_pop_.notify_all();
    for (auto &t : workers_) t.join();
    throw;
  }
}

Loader::~Loader() {
  if (finished_) return;
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
    queue_.clear();
  }
  can_pop_.notify_all();
  for (auto &t : workers_)
    if (t.joinable()) t.join();
}

void Loader::process(Aggregate &agg, const Chunk &chunk) {
  const std::string_view source = chunk.source ? std::string_view(*chunk.source) : std::string_view();
  auto fold = [&](std::string_view json, u64 line) {
    const u64 bad_before = agg.bad;
    fold_json(agg, json, source, line, policy_);
    if (agg.bad != bad_before) bad_.fetch_add(1, std::memory_order_relaxed);
    else documents_.fetch_add(1, std::memory_order_relaxed);
  };
  if (!chunk.ndjson) {
    fold(chunk.text, 0);
  } else {
    std::string_view rest = chunk.text;
    u64 line = chunk.first_line;
    while (!rest.empty()) {
      const std::size_t nl = rest.find('\n');
      const std::string_view l = rest.substr(0, nl);
      if (!is_blank_line(l)) fold(l, line);
      if (nl == std::string_view::npos) break;
      rest.remove_prefix(nl + 1);
      ++line;
    }
  }
}

void Loader::work(std::size_t index) {
  Aggregate &agg = partial_[index];
  for (;;) {
    Chunk chunk;
    {
      std::unique_lock lock(mutex_);
      can_pop_.wait(lock, [&] { return closed_ || !queue_.empty(); });
      if (queue_.empty()) return;
      chunk = std::move(queue_.front());
      queue_.pop_front();
    }
    can_push_.notify_one();
    try {
      process(agg, chunk);
    } catch (...) {
      std::lock_guard lock(mutex_);
      if (!failure_) failure_ = std::current_exception();
      closed_ = true;
      queue_.clear();
      can_push_.notify_all();
      can_pop_.notify_all();
      return;
    }
  }
}

void Loader::report() {
  if (!progress_) return;
  CorpusProgress p;
  p.documents = documents_.load(std::memory_order_relaxed);
  p.bad = bad_.load(std::memory_order_relaxed);
  p.bytes_read = bytes_read_.load(std::memory_order_relaxed);
  p.bytes_total = bytes_total_;
  progress_(p);
}

void Loader::skipped(u64 bytes) { bytes_read_.fetch_add(bytes, std::memory_order_relaxed); }

void Loader::push(Chunk chunk) {
  // Bytes count as read when the reading thread has them, so the progress moves as the input
  // is read; documents count as the workers finish them.
  bytes_read_.fetch_add(chunk.bytes, std::memory_order_relaxed);
  if (workers_.empty()) {
    process(into_, chunk);
    report();
    return;
  }
  {
    std::unique_lock lock(mutex_);
    can_push_.wait(lock, [&] { return closed_ || queue_.size() < capacity_; });
    if (failure_) std::rethrow_exception(failure_);
    queue_.push_back(std::move(chunk));
  }
  can_pop_.notify_one();
  report();
}

void Loader::finish() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  can_pop_.notify_all();
  for (auto &t : workers_) t.join();
  finished_ = true;
  for (Aggregate &a : partial_) into_.merge(std::move(a));
  partial_.clear();
  report();
  if (failure_) std::rethrow_exception(failure_);
}

} // namespace corpus
PM_END_NAMESPACE
