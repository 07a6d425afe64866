// Timeline import and lifecycle metrics against raw parsing of the same bytes.
//
//   pm_bench_timeline [--sizes 10000,100000,1000000] [--reps 3]
//
// Import: for each size it writes a synthetic Timesketch CSV and the same events as JSONL
// (synth.hpp) to temporary files, then times, interleaved and best of --reps:
//   - libcsv alone reading the CSV file in 1 MiB blocks (the baseline: raw CSV parsing);
//   - postmortem::import_file of the CSV (streaming, into an empty document);
//   - Boost.JSON parsing every line of the JSONL file (baseline for JSONL);
//   - postmortem::import_file of the JSONL.
// Peak memory is the peak RSS of a fresh child process (the program re-executes itself with
// --memory) that runs one mode once; it also prints the heap in use after the import
// (glibc mallinfo2), i.e. what the imported events themselves hold.
//
// Metrics: a synthetic post-mortem of the same size (synth.hpp), timed against
// boost::json::parse of its bytes: postmortem::metrics alone on the parsed document, and
// parse + metrics; and the scaling of metrics between sizes (O(n log n)).
#include "common.hpp"
#include "synth.hpp"

#include <postmortem/import.hpp>
#include <postmortem/metrics.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/parser.hpp>
#include <csv.h>
#include <fmt/format.h>

#include <malloc.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
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
using pm_bench::slurp;
using pm_bench::write_file;

// Reads a file in 1 MiB blocks, as import_file does, handing each block to `fn`.
template <class Fn> void read_blocks(const std::string &path, Fn &&fn) {
  std::ifstream in(path, std::ios::binary);
  std::string block(1 << 20, '\0');
  while (in) {
    in.read(block.data(), static_cast<std::streamsize>(block.size()));
    std::streamsize got = in.gcount();
    if (got <= 0) break;
    fn(std::string_view(block.data(), static_cast<std::size_t>(got)));
  }
}

std::size_t raw_libcsv(const std::string &path) {
  struct Count {
    std::size_t fields = 0, rows = 0;
  } count;
  csv_parser p{};
  if (csv_init(&p, CSV_STRICT) != 0) std::abort();
  auto on_field = [](void *, std::size_t, void *c) { ++static_cast<Count *>(c)->fields; };
  auto on_row = [](int, void *c) { ++static_cast<Count *>(c)->rows; };
  read_blocks(path, [&](std::string_view b) {
    if (csv_parse(&p, b.data(), b.size(), on_field, on_row, &count) != b.size()) std::abort();
  });
  csv_fini(&p, on_field, on_row, &count);
  csv_free(&p);
  return count.rows;
}

std::size_t raw_jsonl(const std::string &path) {
  boost::json::parser parser;
  std::string carry;
  std::size_t lines = 0;
  auto line = [&](std::string_view l) {
    if (l.empty()) return;
    parser.reset();
    parser.write(l.data(), l.size());
    auto v = parser.release();
    (void)v;
    ++lines;
  };
  read_blocks(path, [&](std::string_view b) {
    std::size_t start = 0;
    for (std::size_t nl; (nl = b.find('\n', start)) != std::string_view::npos; start = nl + 1) {
      if (!carry.empty()) {
        carry.append(b.substr(start, nl - start));
        line(carry);
        carry.clear();
      } else {
        line(b.substr(start, nl - start));
      }
    }
    carry.append(b.substr(start));
  });
  line(carry);
  return lines;
}

std::size_t import(const std::string &path, postmortem::ImportFormat format) {
  postmortem::Document doc = postmortem::new_timeline_document(format);
  auto report = postmortem::import_file(doc, format, path);
  if (report.imported == 0) std::abort();
  return doc.timeline.size();
}

struct Mode {
  const char *name;
  std::function<void(const std::string &)> run;
};

const std::vector<Mode> &modes() {
  using postmortem::ImportFormat;
  static const std::vector<Mode> m = {
      {"libcsv", [](const std::string &p) { (void)raw_libcsv(p); }},
      {"import_csv", [](const std::string &p) { (void)import(p, ImportFormat::timesketch_csv); }},
      {"jsonl_lines", [](const std::string &p) { (void)raw_jsonl(p); }},
      {"import_jsonl", [](const std::string &p) { (void)import(p, ImportFormat::timesketch_jsonl); }},
  };
  return m;
}

const postmortem::Policy &bench_policy() {
  static const postmortem::Policy policy = postmortem::Policy::parse(R"({"as_of": "2024-06-01T00:00:00Z"})");
  return policy;
}

// Child mode: run one mode once on `path`; print peak RSS and heap in use, in KiB.
int memory_child(const std::string &mode, const std::string &path) {
  using postmortem::ImportFormat;
  std::size_t in_use = 0;
  auto heap = [] { return mallinfo2().uordblks; };
  if (mode == "import_csv" || mode == "import_jsonl") {
    auto format = mode == "import_csv" ? ImportFormat::timesketch_csv : ImportFormat::timesketch_jsonl;
    postmortem::Document doc = postmortem::new_timeline_document(format);
    (void)postmortem::import_file(doc, format, path);
    in_use = heap(); // the document (the imported events) is still alive here
  } else if (mode == "raw_parse") {
    std::string text = slurp(path);
    auto v = boost::json::parse(text);
    in_use = heap();
  } else if (mode == "parse_metrics") {
    std::string text = slurp(path);
    auto doc = postmortem::parse(text, bench_policy());
    auto m = postmortem::metrics(doc, bench_policy());
    in_use = heap();
  } else {
    for (const auto &m : modes())
      if (mode == m.name) m.run(path);
  }
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::printf("%ld %zu\n", usage.ru_maxrss, in_use / 1024);
  return 0;
}

struct Memory {
  long peak_kib = -1;
  long heap_kib = -1;
};

Memory measure_memory(const char *self, const std::string &mode, const std::string &path) {
  auto v = pm_bench::memory_child_output(self, mode, path, 2);
  return {v[0], v[1]};
}

double mib(long kib) { return static_cast<double>(kib) / 1024.0; }

} // namespace

int main(int argc, char **argv) {
  std::vector<std::size_t> sizes = {10'000, 100'000, 1'000'000};
  int reps = 3;
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

  std::printf("## Import (Timesketch)\n\n");
  std::printf("| rows | CSV MB | libcsv alone | import CSV | ratio | JSONL MB | Boost.JSON per line | import JSONL | ratio |"
              " peak RSS CSV import (MiB) | heap held by the events (MiB) | peak RSS libcsv alone (MiB) |\n");
  std::printf("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
  for (std::size_t n : sizes) {
    std::string csv_path = fmt::format("/tmp/pm_bench_{}_{}.csv", n, getpid());
    std::string jsonl_path = fmt::format("/tmp/pm_bench_{}_{}.jsonl", n, getpid());
    std::size_t csv_bytes = 0, jsonl_bytes = 0;
    {
      std::string csv = pm_bench::synthetic_timesketch_csv(n);
      csv_bytes = csv.size();
      write_file(csv_path, csv);
    }
    {
      std::string jsonl = pm_bench::synthetic_timesketch_jsonl(n);
      jsonl_bytes = jsonl.size();
      write_file(jsonl_path, jsonl);
    }
    if (raw_libcsv(csv_path) != n + 1 || import(csv_path, postmortem::ImportFormat::timesketch_csv) != n) {
      std::fprintf(stderr, "pm_bench_timeline: the CSV import did not keep all %zu rows\n", n);
      return 1;
    }
    std::vector<double> best(modes().size(), 1e300);
    for (int r = 0; r < reps; ++r)
      for (std::size_t m = 0; m < modes().size(); ++m)
        best[m] = std::min(best[m], seconds([&] { modes()[m].run(m < 2 ? csv_path : jsonl_path); }));
    Memory imp = measure_memory(argv[0], "import_csv", csv_path);
    Memory raw = measure_memory(argv[0], "libcsv", csv_path);
    std::printf("| %zu | %.1f | %.3f s | %.3f s | %.2f× | %.1f | %.3f s | %.3f s | %.2f× | %.1f | %.1f | %.1f |\n", n,
                static_cast<double>(csv_bytes) / 1e6, best[0], best[1], best[1] / best[0],
                static_cast<double>(jsonl_bytes) / 1e6, best[2], best[3], best[3] / best[2], mib(imp.peak_kib),
                mib(imp.heap_kib), mib(raw.peak_kib));
    std::fflush(stdout);
    std::remove(csv_path.c_str());
    std::remove(jsonl_path.c_str());
  }

  std::printf("\n## Metrics\n\n");
  std::printf("| events | MB | boost::json::parse | metrics alone | parse + metrics | ratio metrics | ratio parse+metrics |"
              " peak RSS raw parse (MiB) | peak RSS parse+metrics (MiB) |\n");
  std::printf("|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
  std::vector<double> metric_times;
  for (std::size_t n : sizes) {
    std::string text = pm_bench::synthetic_document(n);
    const postmortem::Document doc = postmortem::parse(text, bench_policy());
    double raw = 1e300, alone = 1e300, both = 1e300;
    for (int r = 0; r < reps; ++r) {
      raw = std::min(raw, seconds([&] { auto v = boost::json::parse(text); (void)v; }));
      alone = std::min(alone, seconds([&] { auto m = postmortem::metrics(doc, bench_policy()); (void)m; }));
      both = std::min(both, seconds([&] {
                        auto d = postmortem::parse(text, bench_policy());
                        auto m = postmortem::metrics(d, bench_policy());
                        (void)m;
                      }));
    }
    metric_times.push_back(alone);
    std::string path = fmt::format("/tmp/pm_bench_{}_{}.json", n, getpid());
    write_file(path, text);
    Memory raw_mem = measure_memory(argv[0], "raw_parse", path);
    Memory pm_mem = measure_memory(argv[0], "parse_metrics", path);
    std::remove(path.c_str());
    std::printf("| %zu | %.1f | %.3f s | %.3f s | %.3f s | %.2f× | %.2f× | %.1f | %.1f |\n", n,
                static_cast<double>(text.size()) / 1e6, raw, alone, both, alone / raw, both / raw, mib(raw_mem.peak_kib),
                mib(pm_mem.peak_kib));
    std::fflush(stdout);
  }
  for (std::size_t i = 1; i < sizes.size(); ++i)
    std::printf("\nmetrics time(%zu) / time(%zu) = %.2f (sizes x%.0f)", sizes[i], sizes[i - 1],
                metric_times[i] / metric_times[i - 1],
                static_cast<double>(sizes[i]) / static_cast<double>(sizes[i - 1]));
  std::printf("\n");
  return 0;
}
