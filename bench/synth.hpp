// Synthetic post-mortems for benchmarks: realistic shapes and sizes, deterministic for a
// given (events, seed). Not a test fixture: nothing asserts on its content.
#ifndef POSTMORTEM_BENCH_SYNTH_HPP
#define POSTMORTEM_BENCH_SYNTH_HPP

#include <cstddef>
#include <cstdint>
#include <string>

namespace pm_bench {

/// A valid postmortem/1 document with `events` timeline events, events/100 factors and
/// actions (at least 3 each), 50 assets and 20 evidence items.
std::string synthetic_document(std::size_t events, std::uint64_t seed = 42);

/// A Timesketch CSV export with `rows` events: the three mandatory columns plus `timestamp`
/// and four attribute columns, as Timesketch writes them (every field quoted, `""` inside;
/// about one message in eight holds a comma and quotes). About 200 bytes a row.
std::string synthetic_timesketch_csv(std::size_t rows, std::uint64_t seed = 42);

/// The same events as Timesketch JSONL, one object per line.
std::string synthetic_timesketch_jsonl(std::size_t rows, std::uint64_t seed = 42);

} // namespace pm_bench

#endif
