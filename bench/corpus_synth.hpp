// A synthetic corpus of post-mortems for the corpus benchmark (bench_corpus.cpp) and the
// generator program (gen_corpus.cpp): N `postmortem/1` documents, one compact document a
// line, deterministic for (documents, seed), with recurrences planted at a known rate and a
// few deliberately bad lines. The ground truth comes back with the text.
//
// Ground truth is exact because every root cause or contributing factor that is not planted
// names a system of its own ("orion-4821": the number is unique in the corpus) in its title
// and, when it has one, in its control, so its group key (docs/corpus.md, "Grouping
// factors") is unique. A planted factor copies the concept of a root cause of a specific
// earlier incident (strictly earlier day): the same control, re-spelt (case, `-`, `_`,
// spaces), or the same title re-phrased in ways the key ignores (word order, case,
// punctuation, plural and tense, stop words added or dropped), and the same category. So
// the recurring groups are exactly the planted concepts, and the recurrences are exactly the
// planted (incident, group) pairs.
#ifndef POSTMORTEM_BENCH_CORPUS_SYNTH_HPP
#define POSTMORTEM_BENCH_CORPUS_SYNTH_HPP

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace pm_bench {

struct CorpusSynthOptions {
  std::size_t documents = 100'000;  ///< lines, good and bad
  std::uint64_t seed = 42;
  double planted_rate = 0.15;       ///< share of incidents that re-use an earlier root cause
  double declared_share = 0.5;      ///< share of planted incidents that say `recurrence_of`
  double bad_rate = 0.005;          ///< share of bad lines (at least 3: one of each kind)
  double unmatched_rate = 0.005;    ///< share of unplanted incidents with a `recurrence_of` no group confirms
};

/// A root cause or contributing factor as written (mitigating factors are not recorded:
/// they are not grouped).
struct SynthFactor {
  std::string id, kind, category, title, control; ///< control empty when none
  std::uint32_t concept_id = 0; ///< the same for a planted factor and the one it re-uses
};

/// An action as the recurrence signal sees it.
struct SynthAction {
  std::string id, status;          ///< status as written (every action has one)
  std::string last_result;         ///< result of the latest verification; empty when none
  std::vector<std::uint8_t> addresses; ///< indices into SynthIncident::factors
};

struct SynthIncident {
  std::string id;
  std::int64_t day = 0;        ///< UTC day (days since 1970-01-01) of detection: the corpus date
  std::uint64_t line = 0;      ///< 1-based line in the NDJSON
  std::vector<SynthFactor> factors;
  std::vector<SynthAction> actions;
  int planted_factor = -1;     ///< index into factors of the planted factor, or -1
  std::size_t planted_from = 0; ///< index of the incident whose factor was re-used (when planted)
  int planted_from_factor = -1;
  bool declared = false;       ///< `recurrence_of` names planted_from
  std::string unmatched_of;    ///< an unconfirmed `recurrence_of` (unplanted incidents), or empty
};

struct SynthBadLine {
  std::uint64_t line = 0; ///< 1-based
  std::string code;       ///< what the corpus must report: PM100, PM101 or PM102
};

struct SynthCorpus {
  std::string ndjson;                   ///< every line, each ending in '\n'
  std::vector<SynthIncident> incidents; ///< the good documents, in line (and date) order
  std::vector<SynthBadLine> bad;        ///< in line order
  std::size_t lines = 0;
  std::size_t planted = 0, declared = 0, unmatched = 0;
};

/// The corpus for `options`: the same bytes and truth for the same options.
SynthCorpus synthesize_corpus(const CorpusSynthOptions &options);

/// The lines of `ndjson` without their '\n'.
std::vector<std::string> split_lines(const std::string &ndjson);

/// "2024-06-01" for days since 1970-01-01.
std::string iso_day(std::int64_t day);

} // namespace pm_bench

#endif
