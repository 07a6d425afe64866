// Writes the synthetic corpus of the corpus benchmark (corpus_synth.hpp) to files, for the
// CLI (`postmortem stats`), the Python bindings or another tool to read.
//
//   pm_gen_corpus [--docs 100000] [--seed 42] [--planted-rate 0.15] [-o corpus.ndjson]
//                 [--dir DIR] [--truth truth.tsv]
//
// -o writes NDJSON (one compact document a line; default corpus.ndjson), --dir also writes
// every line as its own file DIR/YYYY/<incident id>.json (bad lines as DIR/bad/line-N.json),
// --truth writes the ground truth as tab-separated lines:
//
//   planted <incident> <factor> <earlier incident> <earlier factor> <declared 0|1> <category> <title> <control>
//   unmatched <incident> <recurrence_of id that no shared group confirms>
//   bad <line> <PM100|PM101|PM102>
//
// A `planted` line is one planted recurrence: the later incident's factor re-uses the root
// cause of the earlier one. The group it lands in is factor_group_key() of that factor; the
// benchmark compares the analysis's recurrences (incident, group) with these pairs.
#include "corpus_synth.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

int main(int argc, char **argv) {
  pm_bench::CorpusSynthOptions options;
  std::string out = "corpus.ndjson", dir, truth;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--docs" && i + 1 < argc) options.documents = std::strtoull(argv[++i], nullptr, 10);
    else if (a == "--seed" && i + 1 < argc) options.seed = std::strtoull(argv[++i], nullptr, 10);
    else if (a == "--planted-rate" && i + 1 < argc) options.planted_rate = std::strtod(argv[++i], nullptr);
    else if (a == "-o" && i + 1 < argc) out = argv[++i];
    else if (a == "--dir" && i + 1 < argc) dir = argv[++i];
    else if (a == "--truth" && i + 1 < argc) truth = argv[++i];
    else {
      std::fprintf(stderr, "usage: %s [--docs N] [--seed S] [--planted-rate R] [-o FILE] [--dir DIR] [--truth FILE]\n", argv[0]);
      return 2;
    }
  }
  if (options.documents < 10) {
    std::fprintf(stderr, "pm_gen_corpus: --docs must be at least 10\n");
    return 2;
  }
  const pm_bench::SynthCorpus corpus = pm_bench::synthesize_corpus(options);
  if (!(std::ofstream(out, std::ios::binary) << corpus.ndjson)) {
    std::fprintf(stderr, "pm_gen_corpus: cannot write %s\n", out.c_str());
    return 1;
  }
  if (!dir.empty()) {
    namespace fs = std::filesystem;
    const std::vector<std::string> lines = pm_bench::split_lines(corpus.ndjson);
    std::size_t next_bad = 0;
    for (const pm_bench::SynthIncident &inc : corpus.incidents) {
      const fs::path year = fs::path(dir) / inc.id.substr(4, 4);
      fs::create_directories(year);
      std::ofstream(year / (inc.id + ".json"), std::ios::binary) << lines[inc.line - 1] << '\n';
    }
    for (; next_bad < corpus.bad.size(); ++next_bad) {
      const auto &b = corpus.bad[next_bad];
      fs::create_directories(fs::path(dir) / "bad");
      std::ofstream(fs::path(dir) / "bad" / fmt::format("line-{}.json", b.line), std::ios::binary) << lines[b.line - 1] << '\n';
    }
  }
  if (!truth.empty()) {
    std::ofstream t(truth, std::ios::binary);
    for (const pm_bench::SynthIncident &inc : corpus.incidents) {
      if (inc.planted_factor >= 0) {
        const auto &f = inc.factors[static_cast<std::size_t>(inc.planted_factor)];
        const auto &from = corpus.incidents[inc.planted_from];
        t << fmt::format("planted\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n", inc.id, f.id, from.id,
                         from.factors[static_cast<std::size_t>(inc.planted_from_factor)].id, inc.declared ? 1 : 0,
                         f.category, f.title, f.control);
      }
      if (!inc.unmatched_of.empty()) t << fmt::format("unmatched\t{}\t{}\n", inc.id, inc.unmatched_of);
    }
    for (const auto &b : corpus.bad) t << fmt::format("bad\t{}\t{}\n", b.line, b.code);
  }
  std::printf("%zu lines (%zu incidents, %zu bad), %.1f MB; %zu planted recurrences (%zu declared), %zu unconfirmed recurrence_of\n",
              corpus.lines, corpus.incidents.size(), corpus.bad.size(), static_cast<double>(corpus.ndjson.size()) / 1e6,
              corpus.planted, corpus.declared, corpus.unmatched);
  return 0;
}
