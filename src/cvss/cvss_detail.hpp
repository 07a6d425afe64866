// CVSS internals: the metric tables of each version's vector syntax, the parsed vector, and
// the two scoring engines (cvss3.cpp, cvss4.cpp). Not a public header.
#ifndef POSTMORTEM_SRC_CVSS_CVSS_DETAIL_HPP
#define POSTMORTEM_SRC_CVSS_CVSS_DETAIL_HPP

#include <postmortem/cvss.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

PM_BEGIN_NAMESPACE
namespace detail::cvss {

/// One metric of a version's vector syntax: its abbreviation and its values in the order the
/// specification lists them. A modified metric has `X` first, then its base metric's values
/// in the same order (MSI and MSA add `S`).
struct MetricDef {
  std::string_view name;
  std::array<std::string_view, 5> values;
  bool mandatory = false;

  std::size_t count() const noexcept {
    std::size_t n = 0;
    while (n < values.size() && !values[n].empty()) ++n;
    return n;
  }
};

/// Indices into v3_metrics(), in the order of the specification (and of the normalised vector).
namespace m3 {
enum : std::size_t { AV, AC, PR, UI, S, C, I, A, E, RL, RC, CR, IR, AR, MAV, MAC, MPR, MUI, MS, MC, MI, MA, count };
}

/// Indices into v4_metrics(), in the order of the specification. MAV..MSA follow AV..SA.
namespace m4 {
enum : std::size_t {
  AV, AC, AT, PR, UI, VC, VI, VA, SC, SI, SA,  // base
  E,                                          // threat
  CR, IR, AR,                                 // environmental: security requirements
  MAV, MAC, MAT, MPR, MUI, MVC, MVI, MVA, MSC, MSI, MSA, // environmental: modified base
  S, AU, R, V, RE, U,                         // supplemental
  count
};
}

/// The metrics of CVSS v3.0 and v3.1 (the same syntax), and of v4.0.
std::span<const MetricDef> v3_metrics() noexcept;
std::span<const MetricDef> v4_metrics() noexcept;

/// A vector that parsed: the index of each metric's value in its MetricDef, or -1.
struct Vector {
  CvssVersion version = CvssVersion::v3_1;
  std::span<const MetricDef> metrics;
  std::array<std::int8_t, 32> given{};

  /// The value of metric `i` as written ("N", "X", "Clear"), or "" when absent.
  std::string_view value(std::size_t i) const noexcept {
    return given[i] < 0 ? std::string_view{} : metrics[i].values[static_cast<std::size_t>(given[i])];
  }
  /// The first letter of the value, 'X' when absent (every scored value is one letter).
  char letter(std::size_t i) const noexcept {
    std::string_view v = value(i);
    return v.empty() ? 'X' : v.front();
  }
  /// True when metric `i` is given with a value other than X.
  bool defined(std::size_t i) const noexcept { return letter(i) != 'X'; }
  /// The prefix and the given metrics in the specification's order.
  std::string normalised() const;
};

/// Parses a vector. @throws error(errc::invalid_argument) naming the offending metric.
Vector parse(std::string_view text);

/// Fill base, temporal, environmental (3.x) or base, overall, macro_vector (4.0).
void score_v3(const Vector &v, CvssScores &out);
void score_v4(const Vector &v, CvssScores &out);

/// The CVSS v4.0 MacroVector table (cvss4_table.cpp): the score of EQ1..EQ6, or nullopt when
/// that MacroVector does not exist.
std::optional<double> macro_vector_score(const std::array<int, 6> &eq) noexcept;

} // namespace detail::cvss
PM_END_NAMESPACE

#endif
