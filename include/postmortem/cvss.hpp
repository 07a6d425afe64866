/**
 * @file postmortem/cvss.hpp
 * @brief CVSS v3.0, v3.1 and v4.0 scoring, exactly as the FIRST specifications define it.
 *
 * v3.0 and v3.1: base, temporal and environmental scores (FIRST CVSS v3.1 specification §7
 * and Appendix A; v3.0 differs in Roundup and in the changed-scope modified impact).
 * v4.0: the CVSS-B score and, when threat or environmental metrics are given, the score of
 * the whole vector (CVSS-BT, CVSS-BE or CVSS-BTE), computed from the MacroVector lookup table
 * by the interpolation of the v4.0 specification §8 (rounded as the Red Hat reference does:
 * half up after adding 1e-6). Supplemental metrics are parsed and kept but never change a
 * score. See docs/cvss.md.
 *
 * Vector syntax: `CVSS:3.0/`, `CVSS:3.1/` or `CVSS:4.0/` then `METRIC:VALUE` pairs joined by
 * `/`. Metric order is free in 3.x (the specification allows it) and also accepted in any
 * order for 4.0; the normalised vector puts them in the specification's order and drops
 * nothing that was given (an explicit `X` is kept). Pure functions; thread-safe.
 */
#ifndef POSTMORTEM_CVSS_HPP
#define POSTMORTEM_CVSS_HPP

#include <postmortem/detail/enum.hpp>
#include <postmortem/error.hpp>

#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>

PM_BEGIN_NAMESPACE

/// The CVSS versions this library scores.
PM_ENUM(CvssVersion, v3_0, v3_1, v4_0)

/// The scores of one vector. Scores are exact to one decimal (0.0 … 10.0).
struct CvssScores {
  CvssVersion version = CvssVersion::v3_1;
  /// Normalised: prefix and metrics in the specification's order.
  std::string vector;
  /// v3: the base score; v4: the CVSS-B score (base metrics only).
  double base = 0;
  /// v3 only, when any temporal metric is given (not X).
  std::optional<double> temporal;
  /// v3 only, when any environmental metric is given (not X).
  std::optional<double> environmental;
  /// v4 only: the score of the whole vector (CVSS-BT/BE/BTE) when threat or environmental
  /// metrics are given (not X).
  std::optional<double> overall;
  /// "None", "Low", "Medium", "High" or "Critical" of the most specific score (v3:
  /// environmental, else temporal, else base; v4: overall, else base).
  std::string severity;
  /// v4: the 6 EQ digits EQ1..EQ6 of the whole vector, e.g. "000200".
  std::optional<std::string> macro_vector;
};

/// "3.0", "3.1" or "4.0".
std::string_view cvss_version_string(CvssVersion version) noexcept;

/// The qualitative rating of a score: "None" (0.0), "Low" (0.1–3.9), "Medium" (4.0–6.9),
/// "High" (7.0–8.9), "Critical" (9.0–10.0).
std::string_view cvss_severity(double score) noexcept;

/**
 * @brief Scores a vector.
 * @throws error errc::invalid_argument with a message naming the metric, e.g.
 *   "CVSS vector: unknown metric `XX`",
 *   "CVSS vector: metric `AV` has no value `Q` (expected N, A, L or P)",
 *   "CVSS vector: duplicate metric `AV`",
 *   "CVSS vector: missing mandatory metric `PR`",
 *   "not a CVSS v3.0, v3.1 or v4.0 vector: expected the prefix `CVSS:3.1/`, `CVSS:3.0/` or `CVSS:4.0/`".
 */
CvssScores cvss_score(std::string_view vector);

/// The base score only (v4: CVSS-B). @throws as cvss_score().
double cvss_base(std::string_view vector);

/// Parses without throwing: nullopt and `why` set (same messages) when the vector is bad.
std::optional<CvssScores> try_cvss_score(std::string_view vector, std::string *why = nullptr);

/// The value letter(s) of one metric as given in the vector ("N" for AV:N), or nullopt when
/// the metric is absent (an explicit X is returned as "X"). A metric name the version does
/// not define is an error. @throws as cvss_score().
std::optional<std::string> cvss_metric(std::string_view vector, std::string_view metric);

/// JSON: {"version": "3.1", "vector", "base", "temporal"?, "environmental"?, "overall"?,
/// "severity", "macro_vector"?}; keys are absent when the value is.
boost::json::value to_value(const CvssScores &scores);

PM_END_NAMESPACE

#endif
