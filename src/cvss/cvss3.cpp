// CVSS v3.0 and v3.1 scores: base, temporal and environmental.
//
// FIRST CVSS v3.1 specification §7 and Appendix A (the same equations as FIRST's calculator
// cvsscalc31.js, evaluated in the same order so that doubles round alike). v3.0 differs in
// two places: Roundup is plain ceil(x * 10) / 10, and the changed-scope modified impact uses
// 3.25 * (MISS - 0.02)^15 instead of 3.25 * (MISS * 0.9731 - 0.02)^13.
#include "cvss/cvss_detail.hpp"

#include <algorithm>
#include <cmath>

PM_BEGIN_NAMESPACE
namespace detail::cvss {

namespace {

struct Weight {
  char value;
  double weight;
};

// Metric weights (specification §7.4). X ("not defined") weighs 1 for the temporal and
// requirement metrics; modified metrics with X take the base metric's value instead.
constexpr Weight attack_vector[] = {{'N', 0.85}, {'A', 0.62}, {'L', 0.55}, {'P', 0.2}};
constexpr Weight attack_complexity[] = {{'L', 0.77}, {'H', 0.44}};
constexpr Weight privileges_unchanged[] = {{'N', 0.85}, {'L', 0.62}, {'H', 0.27}};
constexpr Weight privileges_changed[] = {{'N', 0.85}, {'L', 0.68}, {'H', 0.5}};
constexpr Weight user_interaction[] = {{'N', 0.85}, {'R', 0.62}};
constexpr Weight cia_impact[] = {{'H', 0.56}, {'L', 0.22}, {'N', 0}};
constexpr Weight exploit_maturity[] = {{'X', 1}, {'H', 1}, {'F', 0.97}, {'P', 0.94}, {'U', 0.91}};
constexpr Weight remediation_level[] = {{'X', 1}, {'U', 1}, {'W', 0.97}, {'T', 0.96}, {'O', 0.95}};
constexpr Weight report_confidence[] = {{'X', 1}, {'C', 1}, {'R', 0.96}, {'U', 0.92}};
constexpr Weight requirement[] = {{'X', 1}, {'H', 1.5}, {'M', 1}, {'L', 0.5}};

template <std::size_t N> double weight(const Weight (&table)[N], char value) noexcept {
  for (const auto &w : table)
    if (w.value == value) return w.weight;
  return 0; // unreachable: the parser admits only the values of the table
}

// Appendix A (v3.1): the smallest number with one decimal that is >= input, computed on
// integers so that 4.000000000000001 (a floating-point artefact of 4.0) gives 4.0.
double roundup_31(double input) noexcept {
  const long long i = std::llround(input * 100000.0);
  return i % 10000 == 0 ? static_cast<double>(i) / 100000.0 : static_cast<double>(i / 10000 + 1) / 10.0;
}

// v3.0: plain ceiling to one decimal.
double roundup_30(double input) noexcept { return std::ceil(input * 10) / 10; }

} // namespace

void score_v3(const Vector &v, CvssScores &out) {
  using namespace m3;
  const bool v30 = v.version == CvssVersion::v3_0;
  const auto roundup = v30 ? roundup_30 : roundup_31;
  auto m = [&](std::size_t modified, std::size_t base) { return v.defined(modified) ? v.letter(modified) : v.letter(base); };

  // Base (§7.1)
  const bool changed = v.letter(S) == 'C';
  const double iss = 1 - ((1 - weight(cia_impact, v.letter(C))) * (1 - weight(cia_impact, v.letter(I))) *
                          (1 - weight(cia_impact, v.letter(A))));
  const double impact = changed ? 7.52 * (iss - 0.029) - 3.25 * std::pow(iss - 0.02, 15) : 6.42 * iss;
  const double exploitability = 8.22 * weight(attack_vector, v.letter(AV)) * weight(attack_complexity, v.letter(AC)) *
                                weight(changed ? privileges_changed : privileges_unchanged, v.letter(PR)) *
                                weight(user_interaction, v.letter(UI));
  double base = 0;
  if (impact > 0)
    base = changed ? roundup(std::min(1.08 * (impact + exploitability), 10.0)) : roundup(std::min(impact + exploitability, 10.0));
  out.base = base;

  // Temporal (§7.2)
  const double e = weight(exploit_maturity, v.letter(E));
  const double rl = weight(remediation_level, v.letter(RL));
  const double rc = weight(report_confidence, v.letter(RC));
  if (v.defined(E) || v.defined(RL) || v.defined(RC)) out.temporal = roundup(base * e * rl * rc);

  // Environmental (§7.3)
  bool environmental = false;
  for (std::size_t i = CR; i <= MA; ++i) environmental = environmental || v.defined(i);
  if (!environmental) return;
  const bool m_changed = m(MS, S) == 'C';
  const double miss =
      std::min(1 - ((1 - weight(cia_impact, m(MC, C)) * weight(requirement, v.letter(CR))) *
                    (1 - weight(cia_impact, m(MI, I)) * weight(requirement, v.letter(IR))) *
                    (1 - weight(cia_impact, m(MA, A)) * weight(requirement, v.letter(AR)))),
               0.915);
  double m_impact = 6.42 * miss;
  if (m_changed)
    m_impact = v30 ? 7.52 * (miss - 0.029) - 3.25 * std::pow(miss - 0.02, 15)
                   : 7.52 * (miss - 0.029) - 3.25 * std::pow(miss * 0.9731 - 0.02, 13);
  const double m_exploitability = 8.22 * weight(attack_vector, m(MAV, AV)) * weight(attack_complexity, m(MAC, AC)) *
                                  weight(m_changed ? privileges_changed : privileges_unchanged, m(MPR, PR)) *
                                  weight(user_interaction, m(MUI, UI));
  double env = 0;
  if (m_impact > 0) {
    const double modified_base = m_changed ? roundup(std::min(1.08 * (m_impact + m_exploitability), 10.0))
                                           : roundup(std::min(m_impact + m_exploitability, 10.0));
    env = roundup(modified_base * e * rl * rc);
  }
  out.environmental = env;
}

} // namespace detail::cvss
PM_END_NAMESPACE
