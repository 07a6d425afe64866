// Parse and validation throughput against raw Boost.JSON on the same bytes.
//
//   pm_bench_parse [--sizes 10000,100000,1000000] [--reps 5]
//
// For each size it generates a synthetic document (synth.hpp), then times, interleaved and
// taking the best of --reps runs: boost::json::parse (the baseline), pm_doc_parse (C API),
// postmortem::parse, and parse + validate. Peak memory is measured in a fresh child process
// per mode (the process re-executes itself with --memory), as peak RSS over the input size.
#include "common.hpp"
#include "synth.hpp"

#include <postmortem.h>
#include <postmortem/validate.hpp>

#include <boost/json/parse.hpp>
#include <fmt/format.h>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

namespace {

using pm_bench::parse_sizes;
using pm_bench::seconds;

struct Mode {
  const char *name;
  std::function<void(const std::string &)> run;
};

const postmortem::Policy &bench_policy() {
  static const postmortem::Policy policy = postmortem::Policy::parse(R"({"as_of": "2024-06-01T00:00:00Z"})");
  return policy;
}

const std::vector<Mode> &modes() {
  static const std::vector<Mode> m = {
      {"boost_json_parse", [](const std::string &s) { auto v = boost::json::parse(s); (void)v; }},
      {"pm_doc_parse",
       [](const std::string &s) {
         pm_doc *doc = nullptr;
         if (pm_doc_parse(&doc, s.data(), s.size()) != PM_OK) std::abort();
         pm_doc_free(doc);
       }},
      {"parse", [](const std::string &s) { auto d = postmortem::parse(s); (void)d; }},
      {"parse_validate",
       [](const std::string &s) {
         auto d = postmortem::parse(s, bench_policy());
         auto f = postmortem::validate(d, bench_policy());
         (void)f;
       }},
  };
  return m;
}

long peak_rss_kib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

// Child mode: read the file, run one mode once, print peak RSS in KiB.
int memory_child(const std::string &mode, const std::string &path) {
  std::string text = pm_bench::slurp(path);
  for (const auto &m : modes())
    if (mode == m.name) {
      m.run(text);
      std::printf("%ld\n", peak_rss_kib());
      return 0;
    }
  return 2;
}

long measure_memory(const char *self, const std::string &mode, const std::string &path) {
  return pm_bench::memory_child_output(self, mode, path, 1)[0];
}

} // namespace

int main(int argc, char **argv) {
  std::vector<std::size_t> sizes = {10'000, 100'000, 1'000'000};
  int reps = 5;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--memory" && i + 2 < argc) return memory_child(argv[i + 1], argv[i + 2]);
    if (a == "--sizes" && i + 1 < argc) sizes = parse_sizes(argv[++i]);
    else if (a == "--reps" && i + 1 < argc) reps = std::atoi(argv[++i]);
    else {
      std::fprintf(stderr, "usage: %s [--sizes N,N,...] [--reps R]\n", argv[0]);
      return 2;
    }
  }
  std::printf("| events | MB | boost::json::parse | pm_doc_parse | parse | parse+validate | validate alone | ratio parse | ratio parse+validate | peak RSS / input (raw, parse+validate) |\n");
  std::printf("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
  std::vector<double> validate_times;
  for (std::size_t n : sizes) {
    std::string doc = pm_bench::synthetic_document(n);
    std::vector<double> best(modes().size(), 1e300);
    double validate_only = 1e300;
    const postmortem::Document parsed = postmortem::parse(doc, bench_policy());
    for (int r = 0; r < reps; ++r) {
      for (std::size_t m = 0; m < modes().size(); ++m)
        best[m] = std::min(best[m], seconds([&] { modes()[m].run(doc); }));
      validate_only = std::min(validate_only, seconds([&] { (void)postmortem::validate(parsed, bench_policy()); }));
    }
    validate_times.push_back(validate_only);
    std::string path = fmt::format("/tmp/pm_bench_{}_{}.json", n, getpid());
    pm_bench::write_file(path, doc);
    double mb = static_cast<double>(doc.size()) / 1e6;
    long raw_kib = measure_memory(argv[0], "boost_json_parse", path);
    long pm_kib = measure_memory(argv[0], "parse_validate", path);
    std::remove(path.c_str());
    std::printf("| %zu | %.1f | %.3f s | %.3f s | %.3f s | %.3f s | %.3f s | %.2f× | %.2f× | %.2f×, %.2f× |\n", n, mb, best[0],
                best[1], best[2], best[3], validate_only, best[2] / best[0], best[3] / best[0], raw_kib * 1024.0 / static_cast<double>(doc.size()),
                pm_kib * 1024.0 / static_cast<double>(doc.size()));
    std::fflush(stdout);
  }
  // Scaling of validation alone between consecutive sizes: for a 10x larger document an
  // O(n log n) validation takes a little over 10x as long.
  for (std::size_t i = 1; i < sizes.size(); ++i)
    std::printf("\nvalidate time(%zu) / time(%zu) = %.2f (sizes x%.0f)", sizes[i], sizes[i - 1],
                validate_times[i] / validate_times[i - 1], static_cast<double>(sizes[i]) / static_cast<double>(sizes[i - 1]));
  std::printf("\n");
  return 0;
}
