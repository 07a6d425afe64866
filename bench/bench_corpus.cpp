// Learning across post-mortems (postmortem/corpus.hpp): loading throughput against raw
// Boost.JSON on the same NDJSON bytes, the precision and recall of recurrence detection on
// planted recurrences, and peak memory as the corpus grows.
//
//   pm_bench_corpus [--docs 100000] [--reps 3] [--seed 42] [--sizes 10000,50000,100000]
//                   [--min-precision 0.95] [--min-recall 0.95]
//
// It synthesizes --docs NDJSON lines (corpus_synth.hpp: ~0.5% bad lines, 15% of incidents
// re-using an earlier incident's root cause), then, median of --reps, in the same run:
//   - baseline: boost::json::parse of every line, one thread;
//   - Corpus::add_ndjson with CorpusOptions::threads = 1 and = 2 (a fresh corpus each time);
//   - Corpus::analyze() of the loaded corpus.
// It checks, and fails (exit 1, with the reason) when a check does not hold:
//   - every good line is added and every bad line is counted, each with its line and code;
//   - the analysis is the same, byte for byte, with 1 and 2 threads;
//   - precision and recall of the recurrences over (incident, group key) pairs: the
//     analysis's `recurrences.items[]` (incident, group) against the planted pairs, whose key
//     is factor_group_key() of the planted factor; at least --min-precision / --min-recall;
//   - each matched recurrence names the expected earlier incident and signal, and is declared
//     exactly when the planted incident says `recurrence_of`; the unconfirmed
//     `recurrence_of` links are all listed in `declared_unmatched`.
// Then, for each of --sizes ("none" for none), it writes a corpus file (the same generator and
// seed) and runs fresh children (the process re-executes itself with --memory MODE PATH) that
// stream it with Corpus::add_path, with 1 and with 2 threads, and analyse it: peak RSS after
// loading and after analyze(), and the heap still in use after loading (glibc mallinfo2), i.e.
// what the aggregates hold; "peak - held" is what loading needed beyond them. Beside them, the
// peak RSS of a child that only reads the file line by line and parses each with Boost.JSON.
#include "common.hpp"
#include "corpus_synth.hpp"

#include <postmortem/corpus.hpp>

#include <boost/json.hpp>
#include <fmt/format.h>

#include <malloc.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

namespace {

namespace pm = postmortem;
namespace json = boost::json;

const pm::Policy &bench_policy() {
  static const pm::Policy policy = pm::Policy::parse(R"({"as_of": "2024-06-01T00:00:00Z"})");
  return policy;
}

long peak_rss_kib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// Failed checks, printed as they happen; the exit status says whether there were any.
int failures = 0;
template <class... Args> void fail(fmt::format_string<Args...> format, Args &&...args) {
  ++failures;
  std::fprintf(stderr, "pm_bench_corpus: CHECK FAILED: %s\n", fmt::format(format, std::forward<Args>(args)...).c_str());
}

// The heap in use (glibc, every arena, mmapped blocks included), in KiB.
long heap_kib() {
  const struct mallinfo2 m = mallinfo2();
  return static_cast<long>((m.uordblks + m.hblkhd) / 1024);
}

// Child mode: print peak RSS in KiB (and what was loaded) for one way of reading the file.
//   stats1, stats2: Corpus::add_path with 1 or 2 threads, then analyze(); prints the peak
//            after loading, the heap in use after loading (the aggregates), the peak after
//            analysing, documents, bad, and the sizes of state() and of the analysis in bytes.
//   rawjson: reads the file line by line and parses each line with Boost.JSON; prints the
//            peak and the lines parsed.
int memory_child(const std::string &mode, const std::string &path) {
  if (mode == "stats1" || mode == "stats2") {
    pm::Corpus corpus(bench_policy(), pm::CorpusOptions{.threads = mode == "stats1" ? 1u : 2u, .max_problems = 1000});
    corpus.add_path(path);
    const long loaded = peak_rss_kib(), held = heap_kib();
    const json::value value = corpus.analyze();
    const long analysed = peak_rss_kib(); // with the analysis alive, not yet serialized
    const std::size_t analysis = json::serialize(value).size();
    const std::size_t state = pm::to_json(corpus).size();
    std::printf("%ld %ld %ld %llu %llu %zu %zu\n", loaded, held, analysed, static_cast<unsigned long long>(corpus.documents()),
                static_cast<unsigned long long>(corpus.bad()), state, analysis);
    return 0;
  }
  if (mode == "rawjson") {
    std::ifstream in(path, std::ios::binary);
    std::string line;
    long parsed = 0;
    while (std::getline(in, line)) {
      boost::system::error_code ec;
      const json::value v = json::parse(line, ec);
      parsed += !ec && v.is_object();
    }
    std::printf("%ld %ld\n", peak_rss_kib(), parsed);
    return 0;
  }
  return 2;
}

pm::Factor to_factor(const pm_bench::SynthFactor &f) {
  pm::Factor out;
  out.id = f.id;
  out.kind = pm::enum_from_string<pm::FactorKind>(f.kind);
  out.category = pm::enum_from_string<pm::FactorCategory>(f.category);
  out.title = f.title;
  if (!f.control.empty()) out.control = f.control;
  return out;
}

// What a recurrence of the truth should look like.
struct Expected {
  std::string earlier, signal;
  bool declared = false;
};

// The signal of docs/corpus.md from the earlier incident's actions on its factor `factor`.
std::string expected_signal(const pm_bench::SynthIncident &earlier, std::size_t factor) {
  bool verified_fix_failed = false, ineffective = false, unverified = false, open = false;
  for (const auto &a : earlier.actions) {
    if (std::find(a.addresses.begin(), a.addresses.end(), factor) == a.addresses.end() || a.status == "rejected") continue;
    const bool finished = a.status == "done" || a.status == "verified";
    if (finished && a.last_result == "effective") verified_fix_failed = true;
    if (a.last_result == "ineffective" || a.last_result == "partially_effective") ineffective = true;
    if (finished && a.last_result.empty()) unverified = true;
    if (!finished) open = true;
  }
  return verified_fix_failed ? "verified_fix_failed"
         : ineffective      ? "ineffective_fix"
         : unverified       ? "unverified_fix"
         : open             ? "open_fix"
                            : "no_fix";
}

// The truth: (incident, group key) -> what the recurrence should say. It also checks the
// generator: a planted factor has the key of the factor it re-uses, and no two concepts
// share a key (else the truth would not be exact).
std::map<std::pair<std::string, std::string>, Expected> ground_truth(const pm_bench::SynthCorpus &corpus) {
  const auto &incidents = corpus.incidents;
  std::unordered_map<std::string, std::uint32_t> concept_of_key;
  struct Occurrence {
    std::int64_t day;
    const std::string *incident;
    std::size_t index, factor;
  };
  std::unordered_map<std::uint32_t, std::vector<Occurrence>> occurrences;
  std::unordered_map<std::uint32_t, std::string> key_of_concept;
  std::size_t collisions = 0, rephrasings_lost = 0;
  for (std::size_t i = 0; i < incidents.size(); ++i)
    for (std::size_t f = 0; f < incidents[i].factors.size(); ++f) {
      const auto &factor = incidents[i].factors[f];
      const std::string key = pm::factor_group_key(to_factor(factor));
      auto [it, added] = concept_of_key.emplace(key, factor.concept_id);
      if (!added && it->second != factor.concept_id && collisions++ < 5)
        fail("generator: two unrelated factors share the key {:?} ({} in {})", key, factor.title, incidents[i].id);
      auto [kt, first] = key_of_concept.emplace(factor.concept_id, key);
      if (!first && kt->second != key && rephrasings_lost++ < 5)
        fail("re-phrased factor {:?} / control {:?} of {} has the key {:?}, not {:?} like the factor it re-uses", factor.title,
             factor.control, incidents[i].id, key, kt->second);
      occurrences[factor.concept_id].push_back({incidents[i].day, &incidents[i].id, i, f});
    }
  if (collisions + rephrasings_lost > 0)
    fail("generator: {} key collisions, {} re-phrasings that change the key", collisions, rephrasings_lost);

  // Recurrences as docs/corpus.md defines them, from the generator's own record.
  std::map<std::pair<std::string, std::string>, Expected> truth;
  for (auto &[concept_id, occ] : occurrences) {
    if (occ.size() < 2) continue;
    std::sort(occ.begin(), occ.end(), [](const Occurrence &a, const Occurrence &b) {
      return std::tie(a.day, *a.incident) < std::tie(b.day, *b.incident);
    });
    std::size_t last_earlier = SIZE_MAX; // the last occurrence on a day before the current one
    for (std::size_t k = 1, scan = 0; k < occ.size(); ++k) {
      while (scan < k && occ[scan].day < occ[k].day) last_earlier = scan++;
      if (occ[k].day == occ[0].day) continue;
      const Occurrence &e = occ[last_earlier];
      const auto &later = incidents[occ[k].index];
      Expected x{*e.incident, expected_signal(incidents[e.index], e.factor), later.declared};
      truth.emplace(std::make_pair(later.id, key_of_concept[concept_id]), std::move(x));
    }
  }
  // The recurrences so defined are exactly the planted ones.
  std::size_t planted = 0;
  for (const auto &inc : incidents) {
    if (inc.planted_factor < 0) continue;
    ++planted;
    const std::string key = pm::factor_group_key(to_factor(inc.factors[static_cast<std::size_t>(inc.planted_factor)]));
    if (!truth.contains({inc.id, key})) fail("generator: planted {} in {} is not a recurrence by the definition", key, inc.id);
  }
  if (planted != truth.size()) fail("generator: {} planted recurrences but {} by the definition", planted, truth.size());
  return truth;
}

std::string self_path(const char *argv0) {
  char buf[4096];
  const ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string(argv0);
}

} // namespace

int main(int argc, char **argv) {
  std::size_t docs = 100'000;
  int reps = 3;
  std::uint64_t seed = 42;
  std::vector<std::size_t> sizes = {10'000, 50'000, 100'000};
  double min_precision = 0.95, min_recall = 0.95;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--memory" && i + 2 < argc) return memory_child(argv[i + 1], argv[i + 2]);
    if (a == "--docs" && i + 1 < argc) docs = std::strtoull(argv[++i], nullptr, 10);
    else if (a == "--reps" && i + 1 < argc) reps = std::max(1, std::atoi(argv[++i]));
    else if (a == "--seed" && i + 1 < argc) seed = std::strtoull(argv[++i], nullptr, 10);
    else if (a == "--sizes" && i + 1 < argc) sizes = std::string(argv[++i]) == "none" ? std::vector<std::size_t>{} : pm_bench::parse_sizes(argv[i]);
    else if (a == "--min-precision" && i + 1 < argc) min_precision = std::strtod(argv[++i], nullptr);
    else if (a == "--min-recall" && i + 1 < argc) min_recall = std::strtod(argv[++i], nullptr);
    else {
      std::fprintf(stderr,
                   "usage: %s [--docs N] [--reps R] [--seed S] [--sizes N,N,...|none] [--min-precision P] [--min-recall R]\n",
                   argv[0]);
      return 2;
    }
  }
  if (docs < 10) {
    std::fprintf(stderr, "pm_bench_corpus: --docs must be at least 10\n");
    return 2;
  }

  // ------------------------------------------------------------------ the corpus and its truth
  const pm_bench::SynthCorpus corpus = pm_bench::synthesize_corpus({.documents = docs, .seed = seed});
  const std::string &text = corpus.ndjson;
  const double mb = static_cast<double>(text.size()) / 1e6;
  std::printf("corpus: %zu lines, %.1f MB (%.0f bytes a line): %zu incidents, %zu bad lines; %zu planted recurrences "
              "(%zu declared), %zu unconfirmed recurrence_of\n\n",
              corpus.lines, mb, static_cast<double>(text.size()) / static_cast<double>(corpus.lines), corpus.incidents.size(),
              corpus.bad.size(), corpus.planted, corpus.declared, corpus.unmatched);
  std::fflush(stdout);
  const auto truth = ground_truth(corpus);

  // ------------------------------------------------------------------ timing
  std::vector<std::string_view> lines;
  for (std::size_t start = 0; start < text.size();) {
    std::size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    lines.emplace_back(text.data() + start, nl - start);
    start = nl + 1;
  }
  const pm::CorpusOptions one{.threads = 1, .max_problems = corpus.bad.size() + 16};
  const pm::CorpusOptions two{.threads = 2, .max_problems = corpus.bad.size() + 16};
  std::vector<double> t_raw, t_one, t_two, t_analyze;
  std::size_t raw_ok = 0;
  std::optional<pm::Corpus> c1, c2;
  json::value analysis;
  for (int r = 0; r < reps; ++r) {
    t_raw.push_back(pm_bench::seconds([&] {
      raw_ok = 0;
      for (std::string_view line : lines) {
        boost::system::error_code ec;
        json::value v = json::parse(line, ec);
        raw_ok += !ec && v.is_object();
      }
    }));
    c1.emplace(bench_policy(), one);
    t_one.push_back(pm_bench::seconds([&] { c1->add_ndjson(text, "synthetic.ndjson"); }));
    c2.emplace(bench_policy(), two);
    t_two.push_back(pm_bench::seconds([&] { c2->add_ndjson(text, "synthetic.ndjson"); }));
    t_analyze.push_back(pm_bench::seconds([&] { analysis = c2->analyze(); }));
  }
  const double n = static_cast<double>(corpus.lines);
  const double raw = median(t_raw), s1 = median(t_one), s2 = median(t_two), an = median(t_analyze);
  std::printf("Loading (median of %d; docs/s counts every line, good or bad):\n\n", reps);
  std::printf("| docs | MB | boost::json::parse per line | add_ndjson, 1 thread | time / baseline | add_ndjson, 2 threads | time / baseline | 2 threads / 1 | analyze() |\n");
  std::printf("|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
  std::printf("| %zu | %.1f | %.0f docs/s | %.0f docs/s | %.2fx | %.0f docs/s | %.2fx | %.2fx faster | %.3f s |\n\n", corpus.lines, mb,
              n / raw, n / s1, s1 / raw, n / s2, s2 / raw, s1 / s2, an);
  std::fflush(stdout);

  // ------------------------------------------------------------------ checks
  // The baseline parsed every line that is JSON: the good ones, and the bad ones with a
  // wrong schema or no incident id.
  const std::size_t json_lines =
      corpus.incidents.size() + static_cast<std::size_t>(std::count_if(corpus.bad.begin(), corpus.bad.end(), [](const auto &b) {
        return b.code != "PM100";
      }));
  if (raw_ok != json_lines) fail("baseline: {} lines parsed as JSON objects, expected {}", raw_ok, json_lines);
  for (const auto *c : {&*c1, &*c2}) {
    const char *which = c == &*c1 ? "1 thread" : "2 threads";
    if (c->documents() != corpus.incidents.size())
      fail("{}: documents() = {}, expected {}", which, c->documents(), corpus.incidents.size());
    if (c->bad() != corpus.bad.size()) fail("{}: bad() = {}, expected {} bad lines", which, c->bad(), corpus.bad.size());
    const std::vector<pm::CorpusProblem> problems = c->problems();
    if (problems.size() != corpus.bad.size())
      fail("{}: {} problems kept, expected {}", which, problems.size(), corpus.bad.size());
    for (std::size_t k = 0; k < std::min(problems.size(), corpus.bad.size()); ++k) {
      const auto &p = problems[k];
      const auto &b = corpus.bad[k];
      if (p.line != b.line || p.code != b.code || p.source != "synthetic.ndjson") {
        fail("{}: problem {} is {}:{} {} ({}), expected line {} {}", which, k, p.source, p.line, p.code, p.message, b.line, b.code);
        break;
      }
    }
  }
  const std::string a1 = json::serialize(c1->analyze()), a2 = json::serialize(analysis);
  if (a1 != a2) fail("the analysis differs between 1 and 2 threads ({} and {} bytes)", a1.size(), a2.size());
  const json::object &summary = analysis.at("summary").as_object();
  for (const auto &[member, expected] : {std::pair<const char *, std::size_t>{"documents", corpus.incidents.size()},
                                         {"bad", corpus.bad.size()},
                                         {"dated", corpus.incidents.size()},
                                         {"undated", 0}}) {
    const json::value *v = summary.if_contains(member);
    if (!v) fail("summary.{} is missing", member);
    else if (!v->is_number() || v->to_number<std::uint64_t>() != expected)
      fail("summary.{} is {}, expected {}", member, json::serialize(*v), expected);
  }

  // Precision and recall over (incident, group) pairs.
  const json::object &recurrences = analysis.at("recurrences").as_object();
  const json::array &items = recurrences.at("items").as_array();
  std::set<std::pair<std::string, std::string>> reported;
  std::size_t matched = 0, agree = 0, wrong_earlier = 0, wrong_signal = 0, wrong_declared = 0, reported_declared = 0;
  std::map<std::string, std::size_t> signals_expected, signals_reported;
  for (const auto &[pair, x] : truth) ++signals_expected[x.signal];
  for (const json::value &v : items) {
    const json::object &item = v.as_object();
    std::pair<std::string, std::string> key{std::string(item.at("incident").as_string()), std::string(item.at("group").as_string())};
    if (!reported.insert(key).second) fail("recurrence ({}, {}) is listed twice", key.first, key.second);
    const std::string signal(item.at("signal").as_string());
    ++signals_reported[signal];
    const bool declared = item.at("declared").as_bool();
    reported_declared += declared;
    const auto it = truth.find(key);
    if (it == truth.end()) continue;
    ++matched;
    const std::string earlier(item.at("earlier").at("incident").as_string());
    if (earlier != it->second.earlier && wrong_earlier++ < 3)
      fail("recurrence ({}, {}): earlier incident {}, expected {}", key.first, key.second, earlier, it->second.earlier);
    if (signal != it->second.signal && wrong_signal++ < 3)
      fail("recurrence ({}, {}): signal {}, expected {}", key.first, key.second, signal, it->second.signal);
    if (declared != it->second.declared && wrong_declared++ < 3)
      fail("recurrence ({}, {}): declared {}, expected {}", key.first, key.second, declared, it->second.declared);
    agree += earlier == it->second.earlier && signal == it->second.signal && declared == it->second.declared;
  }
  const double precision = items.empty() ? 0.0 : static_cast<double>(matched) / static_cast<double>(items.size());
  const double recall = truth.empty() ? 0.0 : static_cast<double>(matched) / static_cast<double>(truth.size());
  if (items.size() != recurrences.at("count").to_number<std::size_t>())
    fail("recurrences.count {} but {} items", json::serialize(recurrences.at("count")), items.size());
  std::size_t shown = 0;
  for (const json::value &v : items) {
    std::pair<std::string, std::string> key{std::string(v.at("incident").as_string()), std::string(v.at("group").as_string())};
    if (!truth.contains(key) && shown++ < 3) std::fprintf(stderr, "  reported, not planted: %s\n", json::serialize(v).c_str());
  }
  shown = 0;
  for (const auto &[key, x] : truth)
    if (!reported.contains(key) && shown++ < 3)
      std::fprintf(stderr, "  planted, not reported: (%s, %s) earlier %s\n", key.first.c_str(), key.second.c_str(), x.earlier.c_str());
  if (precision < min_precision) fail("precision {:.4f} < {}", precision, min_precision);
  if (recall < min_recall) fail("recall {:.4f} < {}", recall, min_recall);
  if (wrong_earlier + wrong_signal + wrong_declared > 0)
    fail("of {} matched recurrences, {} name another earlier incident, {} another signal, {} another declared flag", matched,
         wrong_earlier, wrong_signal, wrong_declared);
  const std::size_t unmatched = recurrences.at("declared_unmatched").as_array().size();
  if (unmatched != corpus.unmatched)
    fail("declared_unmatched lists {} links, expected the {} unconfirmed recurrence_of", unmatched, corpus.unmatched);

  std::printf("Recurrences (pairs (incident, group key); the truth is the %zu planted pairs):\n\n", truth.size());
  std::printf("| planted | reported | matched | precision | recall | declared (expected / reported) | declared_unmatched (expected / reported) | same earlier, signal, declared |\n");
  std::printf("|---:|---:|---:|---:|---:|---:|---:|---:|\n");
  std::printf("| %zu | %zu | %zu | %.4f | %.4f | %zu / %zu | %zu / %zu | %zu of %zu |\n\n", truth.size(), items.size(), matched,
              precision, recall, corpus.declared, reported_declared, corpus.unmatched, unmatched,
              agree, matched);
  std::printf("signals (expected / reported):");
  for (const char *s : {"verified_fix_failed", "ineffective_fix", "unverified_fix", "open_fix", "no_fix"})
    std::printf(" %s %zu / %zu;", s, signals_expected[s], signals_reported[s]);
  std::printf("\nbad lines (expected / counted): %zu / %llu\n\n", corpus.bad.size(), static_cast<unsigned long long>(c2->bad()));
  std::fflush(stdout);
  c1.reset();
  c2.reset();

  // ------------------------------------------------------------------ memory
  if (!sizes.empty()) {
    const std::string self = self_path(argv[0]);
    std::printf("Memory of a child that streams a corpus file (Corpus::add_path) and analyses it (MiB; MB for sizes):\n\n");
    std::printf("| docs | corpus MB | heap held after add_path (the aggregates) | peak RSS add_path, 1 thread | peak - held | "
                "peak RSS add_path, 2 threads | peak RSS after analyze(), 2 threads | state() MB | analysis MB | peak RSS, "
                "Boost.JSON line by line |\n");
    std::printf("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (std::size_t size : sizes) {
      std::size_t bytes = 0, good = 0, bad = 0;
      const std::string path = fmt::format("/tmp/pm_bench_corpus_{}_{}.ndjson", size, getpid());
      {
        const pm_bench::SynthCorpus c = pm_bench::synthesize_corpus({.documents = size, .seed = seed});
        pm_bench::write_file(path, c.ndjson);
        bytes = c.ndjson.size(), good = c.incidents.size(), bad = c.bad.size();
      }
      const std::vector<long> one_thread = pm_bench::memory_child_output(self.c_str(), "stats1", path, 7);
      const std::vector<long> stats = pm_bench::memory_child_output(self.c_str(), "stats2", path, 7);
      const std::vector<long> rawjson = pm_bench::memory_child_output(self.c_str(), "rawjson", path, 2);
      std::remove(path.c_str());
      for (const auto *v : {&one_thread, &stats})
        if ((*v)[3] != static_cast<long>(good) || (*v)[4] != static_cast<long>(bad))
          fail("memory child ({} docs): added {} and skipped {}, expected {} and {}", size, (*v)[3], (*v)[4], good, bad);
      auto mib = [](long kib) { return static_cast<double>(kib) / 1024; };
      std::printf("| %zu | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f |\n", size, static_cast<double>(bytes) / 1e6,
                  mib(one_thread[1]), mib(one_thread[0]), mib(one_thread[0] - one_thread[1]), mib(stats[0]), mib(stats[2]),
                  static_cast<double>(stats[5]) / 1e6, static_cast<double>(stats[6]) / 1e6, mib(rawjson[0]));
      std::fflush(stdout);
    }
  }
  if (failures > 0) {
    std::fprintf(stderr, "pm_bench_corpus: %d check(s) failed\n", failures);
    return 1;
  }
  std::printf("\nall checks passed\n");
  return 0;
}
