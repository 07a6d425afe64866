// Corpus analytics: pm_corpus_*.
#include "capi.hpp"

#include <boost/json/parse.hpp>

#include <fmt/format.h>

#include <string>
#include <string_view>

using postmortem::capi::give_string;
using postmortem::capi::guard;
using postmortem::capi::policy_or_default;
using postmortem::capi::require;

namespace {

namespace pm = postmortem;
namespace json = boost::json;

[[noreturn]] void bad_option(const char *function, std::string_view what) {
  throw pm::error(pm::errc::invalid_argument, fmt::format("{}: options_json: {}", function, what));
}

// The members of an options object, each checked against its expected type.
json::object options_object(const char *function, const char *options_json) {
  if (options_json == nullptr) return {};
  boost::system::error_code ec;
  json::value v = json::parse(options_json, ec);
  if (ec) bad_option(function, fmt::format("not valid JSON ({})", ec.message()));
  if (!v.is_object()) bad_option(function, "not a JSON object");
  return std::move(v.get_object());
}

std::uint64_t non_negative(const char *function, const json::value &v, std::string_view name, std::uint64_t max) {
  std::uint64_t n = 0;
  if (v.is_uint64()) n = v.get_uint64();
  else if (v.is_int64() && v.get_int64() >= 0) n = static_cast<std::uint64_t>(v.get_int64());
  else bad_option(function, fmt::format("'{}' must be a non-negative integer", name));
  if (n > max) bad_option(function, fmt::format("'{}' is {}; at most {}", name, n, max));
  return n;
}

pm::CorpusOptions corpus_options(const char *function, const char *options_json) {
  pm::CorpusOptions options;
  for (const auto &m : options_object(function, options_json)) {
    if (m.key() == "threads") options.threads = static_cast<unsigned>(non_negative(function, m.value(), "threads", 256));
    else if (m.key() == "max_problems")
      options.max_problems = static_cast<std::size_t>(non_negative(function, m.value(), "max_problems", 100'000'000));
    else bad_option(function, fmt::format("unknown member '{}' (known: threads, max_problems)", std::string_view(m.key())));
  }
  return options;
}

// A C progress function as a ProgressFn (empty when NULL).
pm::ProgressFn progress_fn(pm_progress_fn fn, void *payload) {
  if (fn == nullptr) return {};
  return [fn, payload](const pm::CorpusProgress &p) { fn(p.documents, p.bad, p.bytes_read, p.bytes_total, payload); };
}

const char *source_or_empty(const char *source) { return source ? source : ""; }

} // namespace

int pm_corpus_new(pm_corpus **out, const pm_policy *policy, const char *options_json) {
  if (out != nullptr) *out = nullptr;
  return guard([&] {
    require(out, "pm_corpus_new", "out");
    const pm::CorpusOptions options = corpus_options("pm_corpus_new", options_json);
    *out = new pm_corpus{pm::Corpus(policy_or_default(policy), options)};
  });
}

int pm_corpus_add_doc(pm_corpus *corpus, const pm_doc *doc, const char *source) {
  return guard([&] {
    require(corpus, "pm_corpus_add_doc", "corpus");
    require(doc, "pm_corpus_add_doc", "doc");
    if (!corpus->impl.add(doc->impl, source_or_empty(source)))
      throw pm::error(pm::errc::invalid_argument,
                      "pm_corpus_add_doc: the document has no incident.id; it was skipped and counted");
  });
}

int pm_corpus_add_json(pm_corpus *corpus, const char *json, size_t len, const char *source) {
  return guard([&]() -> int {
    require(corpus, "pm_corpus_add_json", "corpus");
    if (len > 0) require(json, "pm_corpus_add_json", "json");
    const std::string_view text(json ? json : "", len);
    pm::CorpusProblem why;
    if (corpus->impl.add_json(text, source_or_empty(source), 0, &why)) return PM_OK;
    throw pm::error(why.error, fmt::format("pm_corpus_add_json: {} ({}); the document was skipped and counted",
                                           why.message, why.code));
  });
}

int pm_corpus_add_ndjson(pm_corpus *corpus, const char *data, size_t len, const char *source,
                         pm_progress_fn progress, void *payload) {
  return guard([&] {
    require(corpus, "pm_corpus_add_ndjson", "corpus");
    if (len > 0) require(data, "pm_corpus_add_ndjson", "data");
    corpus->impl.add_ndjson(std::string_view(data ? data : "", len), source_or_empty(source), progress_fn(progress, payload));
  });
}

int pm_corpus_add_path(pm_corpus *corpus, const char *path, pm_progress_fn progress, void *payload) {
  return guard([&] {
    require(corpus, "pm_corpus_add_path", "corpus");
    require(path, "pm_corpus_add_path", "path");
    corpus->impl.add_path(path, progress_fn(progress, payload));
  });
}

int pm_corpus_merge(pm_corpus *into, const pm_corpus *from) {
  return guard([&] {
    require(into, "pm_corpus_merge", "into");
    require(from, "pm_corpus_merge", "from");
    into->impl.merge(from->impl);
  });
}

int pm_corpus_analyze(char **out, size_t *out_len, const pm_corpus *corpus, const char *options_json) {
  if (out != nullptr) *out = nullptr;
  if (out_len != nullptr) *out_len = 0;
  return guard([&] {
    require(out, "pm_corpus_analyze", "out");
    require(corpus, "pm_corpus_analyze", "corpus");
    pm::AnalyzeOptions options;
    pm::WriteOptions write;
    for (const auto &m : options_object("pm_corpus_analyze", options_json)) {
      if (m.key() == "top") options.top = static_cast<std::size_t>(non_negative("pm_corpus_analyze", m.value(), "top", 1'000'000'000));
      else if (m.key() == "pretty") {
        if (!m.value().is_bool()) bad_option("pm_corpus_analyze", "'pretty' must be true or false");
        write.pretty = m.value().get_bool();
      } else {
        bad_option("pm_corpus_analyze", fmt::format("unknown member '{}' (known: top, pretty)", std::string_view(m.key())));
      }
    }
    give_string(out, out_len, pm::serialize_value(corpus->impl.analyze(options), write));
  });
}

int pm_corpus_to_json(char **out, size_t *out_len, const pm_corpus *corpus) {
  if (out != nullptr) *out = nullptr;
  if (out_len != nullptr) *out_len = 0;
  return guard([&] {
    require(out, "pm_corpus_to_json", "out");
    require(corpus, "pm_corpus_to_json", "corpus");
    give_string(out, out_len, pm::to_json(corpus->impl));
  });
}

int pm_corpus_from_json(pm_corpus **out, const char *json, size_t len, const pm_policy *policy, const char *options_json) {
  if (out != nullptr) *out = nullptr;
  return guard([&] {
    require(out, "pm_corpus_from_json", "out");
    require(json, "pm_corpus_from_json", "json");
    const pm::CorpusOptions options = corpus_options("pm_corpus_from_json", options_json);
    boost::system::error_code ec;
    json::value state = json::parse(std::string_view(json, len), ec);
    if (ec) throw pm::error(pm::errc::parse, fmt::format("pm_corpus_from_json: not valid JSON ({})", ec.message()));
    *out = new pm_corpus{pm::Corpus::from_state(state, policy_or_default(policy), options)};
  });
}

int pm_corpus_count(const pm_corpus *corpus, uint64_t *documents, uint64_t *bad) {
  if (documents != nullptr) *documents = 0;
  if (bad != nullptr) *bad = 0;
  return guard([&] {
    require(corpus, "pm_corpus_count", "corpus");
    if (documents != nullptr) *documents = corpus->impl.documents();
    if (bad != nullptr) *bad = corpus->impl.bad();
  });
}

void pm_corpus_free(pm_corpus *corpus) {
  delete corpus;
}
