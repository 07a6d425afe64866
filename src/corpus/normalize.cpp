// The grouping key of factors (docs/corpus.md, "Grouping factors"): control first, else the
// category and the sorted set of stemmed title words. The stemmer is Snowball's English
// (Porter 2) algorithm from libstemmer (Debian libstemmer-dev).
#include <postmortem/corpus.hpp>

#include <libstemmer.h>

#include <algorithm>
#include <array>
#include <iterator>
#include <span>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <vector>

PM_BEGIN_NAMESPACE

namespace {

// English function words that carry no meaning of their own in a factor title, and the
// words of absence (no, not, without, missing, lacking…), which teams use interchangeably.
// Sorted, so that binary_search finds them.
constexpr std::string_view kStopWords[] = {
    "a",     "about", "after",  "all",   "an",    "and",     "any",     "are",   "as",    "at",
    "be",    "been",  "before", "being", "but",   "by",      "can",     "could", "did",   "do",
    "does",  "due",   "during", "for",   "from",  "had",     "has",     "have",  "in",    "into",
    "is",    "it",    "its",    "lack",  "lacked", "lacking", "lacks",  "may",   "missing", "no",
    "non",   "none",  "nor",    "not",   "of",    "off",     "on",      "or",    "our",   "out",
    "over",  "should", "so",    "some",  "than",  "that",    "the",     "their", "there", "these",
    "this",  "those", "to",     "too",   "under", "via",     "was",     "were",  "when",  "which",
    "while", "with",  "within", "without"};
static_assert(std::ranges::is_sorted(kStopWords));

struct StemmerDeleter {
  void operator()(sb_stemmer *s) const noexcept { sb_stemmer_delete(s); }
};

// One stemmer per thread: a libstemmer instance is not safe to share.
sb_stemmer *thread_stemmer() {
  thread_local std::unique_ptr<sb_stemmer, StemmerDeleter> stemmer{sb_stemmer_new("english", "UTF_8")};
  if (!stemmer) throw std::bad_alloc();
  return stemmer.get();
}

bool is_word_byte(unsigned char c) noexcept {
  // ASCII letters and digits, and every byte of a multi-byte UTF-8 sequence (letters of
  // other scripts stay inside words).
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
}

char lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::string normalized_control(std::string_view control) {
  std::string out;
  bool gap = false;
  for (char c : control) {
    if (c == ' ' || c == '_' || c == '-' || c == '\t' || c == '\n' || c == '\r') {
      gap = !out.empty();
      continue;
    }
    if (gap) out += ' ';
    gap = false;
    out += lower(c);
  }
  return out;
}

} // namespace

std::span<const std::string_view> title_stop_words() noexcept { return kStopWords; }

std::string normalized_title(std::string_view title) {
  // Scratch space reused across calls on a thread: a corpus normalizes one title per factor.
  thread_local std::vector<std::string> stems;
  thread_local std::string word;
  std::size_t used = 0;
  sb_stemmer *stemmer = thread_stemmer();
  auto flush = [&] {
    if (word.empty()) return;
    if (!std::binary_search(std::begin(kStopWords), std::end(kStopWords), std::string_view(word))) {
      const sb_symbol *s =
          sb_stemmer_stem(stemmer, reinterpret_cast<const sb_symbol *>(word.data()), static_cast<int>(word.size()));
      if (!s) throw std::bad_alloc();
      if (used == stems.size()) stems.emplace_back();
      stems[used++].assign(reinterpret_cast<const char *>(s), static_cast<std::size_t>(sb_stemmer_length(stemmer)));
    }
    word.clear();
  };
  word.clear();
  for (char c : title) {
    if (is_word_byte(static_cast<unsigned char>(c))) word += lower(c);
    else flush();
  }
  flush();
  const auto end = stems.begin() + static_cast<std::ptrdiff_t>(used);
  std::sort(stems.begin(), end);
  std::string out;
  for (auto it = stems.begin(); it != end; ++it) {
    if (it != stems.begin() && *it == *(it - 1)) continue;
    if (!out.empty()) out += ' ';
    out += *it;
  }
  return out;
}

std::string factor_group_key(const Factor &factor) {
  if (factor.control) {
    std::string control = normalized_control(*factor.control);
    if (!control.empty()) return "control:" + control;
  }
  if (!factor.title) return {};
  std::string words = normalized_title(*factor.title);
  if (words.empty()) return {};
  std::string_view category = factor.category ? to_string(*factor.category) : std::string_view("unknown");
  std::string key = "title:";
  key += category;
  key += ':';
  key += words;
  return key;
}

PM_END_NAMESPACE
