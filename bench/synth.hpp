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

} // namespace pm_bench

#endif
