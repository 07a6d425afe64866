// The Corpus class: settings, the inputs it reads (NDJSON text, streams, files,
// directories), merging and the two JSON forms.
#include "aggregate.hpp"
#include "load.hpp"

#include "../action_state.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <istream>
#include <system_error>

PM_BEGIN_NAMESPACE

namespace fs = std::filesystem;
using corpus::u64;

struct Corpus::Impl {
  Policy policy;
  CorpusOptions options;
  corpus::Aggregate agg;

  unsigned threads() const {
    if (options.threads != 0) return options.threads;
    const unsigned n = std::thread::hardware_concurrency();
    return n == 0 ? 1 : n;
  }
};

namespace {

void check_options(const CorpusOptions &options) {
  if (options.threads > 256)
    throw error(errc::invalid_argument, fmt::format("threads is {}; at most 256 loading threads", options.threads));
}

// True when `line` is one complete JSON value (so the input is NDJSON).
bool is_complete_json(std::string_view line) {
  boost::system::error_code ec;
  boost::json::parse(line, ec);
  return !ec;
}

std::string_view first_nonblank_line(std::string_view text, bool &complete) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t nl = text.find('\n', pos);
    const std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    if (line.find_first_not_of(" \t\r") != std::string_view::npos) {
      complete = nl != std::string_view::npos;
      return line;
    }
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
  complete = false;
  return {};
}

std::size_t count_lines(std::string_view text) noexcept {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

// Reads up to `n` more bytes onto `buffer`; returns the count read.
std::size_t read_more(std::istream &in, std::string &buffer, std::size_t n, std::string_view source) {
  const std::size_t old = buffer.size();
  buffer.resize(old + n);
  in.read(buffer.data() + old, static_cast<std::streamsize>(n));
  const auto got = static_cast<std::size_t>(in.gcount());
  buffer.resize(old + got);
  if (in.bad()) throw error(errc::io, fmt::format("cannot read '{}': {}", source, std::strerror(errno)));
  return got;
}

// Hands one whole document (not NDJSON) to the loader.
void push_whole(corpus::Loader &loader, const std::shared_ptr<const std::string> &source, std::string text) {
  corpus::Chunk c;
  c.source = source;
  c.owned = std::move(text);
  c.text = c.owned;
  c.ndjson = false;
  c.bytes = c.owned.size();
  loader.push(std::move(c));
}

// Feeds one stream to the loader: NDJSON in blocks, or one whole document.
void feed_stream(corpus::Loader &loader, std::istream &in, const std::shared_ptr<const std::string> &source,
                 const Policy &policy) {
  std::string buffer;
  bool eof = false;
  // Read until the first non-blank line is complete (or the input ends) to tell the forms apart.
  bool complete = false;
  std::string_view first;
  for (;;) {
    eof = read_more(in, buffer, corpus::block_bytes, *source) == 0 || in.eof();
    first = first_nonblank_line(buffer, complete);
    if (complete || eof || buffer.size() > policy.limits.max_document_bytes) break;
  }
  if (first.empty() && eof && buffer.find_first_not_of(" \t\r\n") == std::string::npos) {
    push_whole(loader, source, std::move(buffer)); // an empty input: one document that is not JSON
    return;
  }
  const bool ndjson = is_complete_json(first);
  if (!ndjson) {
    // One document: read it whole (up to the limit, past which the parser refuses it).
    while (!eof && buffer.size() <= policy.limits.max_document_bytes)
      eof = read_more(in, buffer, corpus::block_bytes, *source) == 0 || in.eof();
    u64 skipped = 0;
    while (!eof) { // drain what is over the limit without keeping it
      std::string sink;
      skipped += read_more(in, sink, corpus::block_bytes, *source);
      eof = in.eof() || sink.empty();
    }
    push_whole(loader, source, std::move(buffer));
    loader.skipped(skipped);
    return;
  }
  u64 line = 1;
  for (;;) {
    // Hand over the complete lines; keep the partial last line for the next block.
    const std::size_t cut = eof ? buffer.size() : buffer.rfind('\n');
    if (cut != std::string::npos && cut > 0) {
      corpus::Chunk c;
      c.source = source;
      c.first_line = line;
      const std::size_t take = eof ? buffer.size() : cut + 1;
      std::string rest = buffer.substr(take);
      buffer.resize(take);
      line += count_lines(buffer);
      c.owned = std::move(buffer);
      c.text = c.owned;
      c.bytes = c.owned.size();
      loader.push(std::move(c));
      buffer = std::move(rest);
    }
    if (eof) break;
    eof = read_more(in, buffer, corpus::block_bytes, *source) == 0 || in.eof();
  }
}

bool has_corpus_extension(const fs::path &p) {
  std::string ext = p.extension().string();
  for (char &c : ext)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return ext == ".json" || ext == ".ndjson" || ext == ".jsonl";
}

} // namespace

Corpus::Corpus(const Policy &policy, const CorpusOptions &options) : impl_(std::make_unique<Impl>()) {
  check_options(options);
  impl_->policy = policy;
  impl_->options = options;
  impl_->agg.as_of_day = static_cast<std::int32_t>(detail::floor_days(policy.now_micros()));
  impl_->agg.verify_within_days = policy.thresholds.verify_within_days;
  impl_->agg.max_problems = options.max_problems;
}

Corpus::~Corpus() = default;
Corpus::Corpus(Corpus &&) noexcept = default;
Corpus &Corpus::operator=(Corpus &&) noexcept = default;

bool Corpus::add(const Document &doc, std::string_view source, std::uint64_t line) {
  return impl_->agg.add(doc, source, line, impl_->policy);
}

bool Corpus::add_json(std::string_view json, std::string_view source, std::uint64_t line, CorpusProblem *why) {
  return corpus::fold_json(impl_->agg, json, source, line, impl_->policy, why);
}

void Corpus::add_ndjson(std::string_view text, std::string_view source, const ProgressFn &progress) {
  corpus::Loader loader(impl_->agg, impl_->policy, impl_->threads(), progress, text.size());
  auto name = std::make_shared<const std::string>(source);
  u64 line = 1;
  while (!text.empty()) {
    std::size_t cut = text.size() <= corpus::block_bytes ? text.size() : text.rfind('\n', corpus::block_bytes);
    if (cut == std::string_view::npos) cut = text.find('\n', corpus::block_bytes); // one long line
    const std::size_t take = cut == std::string_view::npos || cut >= text.size() ? text.size() : cut + 1;
    corpus::Chunk c;
    c.source = name;
    c.first_line = line;
    c.text = text.substr(0, take);
    c.bytes = take;
    line += count_lines(c.text);
    text.remove_prefix(take);
    loader.push(std::move(c));
  }
  loader.finish();
}

void Corpus::add_stream(std::istream &in, std::string_view source, const ProgressFn &progress) {
  corpus::Loader loader(impl_->agg, impl_->policy, impl_->threads(), progress, 0);
  try {
    feed_stream(loader, in, std::make_shared<const std::string>(source), impl_->policy);
  } catch (...) {
    loader.finish();
    throw;
  }
  loader.finish();
}

void Corpus::add_path(const fs::path &path, const ProgressFn &progress) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (ec || !fs::exists(status))
    throw error(errc::not_found, fmt::format("cannot read '{}': no such file or directory", path.string()));
  std::vector<fs::path> files;
  if (fs::is_directory(status)) {
    fs::recursive_directory_iterator it(path, fs::directory_options::none, ec), end;
    if (ec) throw error(errc::io, fmt::format("cannot read directory '{}': {}", path.string(), ec.message()));
    for (; it != end; it.increment(ec)) {
      if (ec) throw error(errc::io, fmt::format("cannot read directory '{}': {}", path.string(), ec.message()));
      const fs::path &p = it->path();
      if (p.filename().string().starts_with(".")) {
        if (it->is_directory(ec)) it.disable_recursion_pending();
        continue;
      }
      if (it->is_regular_file(ec) && has_corpus_extension(p)) files.push_back(p);
    }
    std::sort(files.begin(), files.end());
  } else {
    files.push_back(path);
  }
  u64 total = 0;
  for (const fs::path &f : files) {
    const auto size = fs::file_size(f, ec);
    if (!ec) total += size;
  }
  corpus::Loader loader(impl_->agg, impl_->policy, impl_->threads(), progress, total);
  try {
    for (const fs::path &f : files) {
      std::ifstream in(f, std::ios::binary);
      if (!in) throw error(errc::io, fmt::format("cannot read '{}': {}", f.string(), std::strerror(errno)));
      feed_stream(loader, in, std::make_shared<const std::string>(f.string()), impl_->policy);
    }
  } catch (...) {
    loader.finish();
    throw;
  }
  loader.finish();
}

void Corpus::merge(const Corpus &other) {
  const corpus::Aggregate &o = other.impl_->agg;
  corpus::Aggregate &mine = impl_->agg;
  if (&o == &mine) throw error(errc::invalid_argument, "cannot merge a corpus into itself");
  if (o.as_of_day != mine.as_of_day)
    throw error(errc::invalid_argument,
                fmt::format("the corpora were built with different as_of days ({} and {}); set the same as_of in "
                            "the policy of every shard",
                            Day{mine.as_of_day}.to_string(), Day{o.as_of_day}.to_string()));
  if (o.verify_within_days != mine.verify_within_days)
    throw error(errc::invalid_argument,
                fmt::format("the corpora were built with different verify_within_days ({} and {})",
                            mine.verify_within_days, o.verify_within_days));
  mine.merge(o);
}

std::uint64_t Corpus::documents() const noexcept { return impl_->agg.documents; }
std::uint64_t Corpus::bad() const noexcept { return impl_->agg.bad; }
std::vector<CorpusProblem> Corpus::problems() const { return impl_->agg.problems; }

boost::json::value Corpus::analyze(const AnalyzeOptions &options) const {
  return corpus::analyze(impl_->agg, options, impl_->policy);
}

boost::json::value Corpus::state() const { return corpus::to_state(impl_->agg); }

Corpus Corpus::from_state(const boost::json::value &state, const Policy &policy, const CorpusOptions &options) {
  Corpus c(policy, options);
  corpus::Aggregate agg = corpus::from_state(state);
  agg.max_problems = options.max_problems;
  auto &p = agg.problems;
  std::sort(p.begin(), p.end(), corpus::problem_before);
  if (p.size() > agg.max_problems) p.resize(agg.max_problems);
  c.impl_->agg = std::move(agg);
  // Documents added later are judged as the state's were.
  c.impl_->policy.as_of = Timestamp::from_micros(std::int64_t{c.impl_->agg.as_of_day} * detail::micros_per_day);
  c.impl_->policy.thresholds.verify_within_days = c.impl_->agg.verify_within_days;
  return c;
}

std::string to_json(const Corpus &corpus, const WriteOptions &options) {
  return serialize_value(corpus.state(), options);
}

PM_END_NAMESPACE
