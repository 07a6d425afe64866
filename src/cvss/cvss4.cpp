// CVSS v4.0 scores (FIRST CVSS v4.0 specification §8, "CVSS v4.0 Scoring").
//
// v4.0 has no closed-form equation: a vector maps to a MacroVector (six equivalence-set
// digits EQ1..EQ6), the lookup table (cvss4_table.cpp) gives the score of the highest-severity
// vector of that MacroVector, and the score of the vector is interpolated downward by its
// severity distance from that highest vector. The steps, the order of the floating-point
// operations, and the data below (highest-severity vectors, MacroVector depths, metric
// levels) follow the FIRST/Red Hat calculator (FIRSTdotorg/cvss-v4-calculator
// `cvss_score.js`, `max_composed.js`, `max_severity.js`, BSD-2-Clause, "Copyright (c) 2023
// FIRST.ORG, Inc., Red Hat, and contributors"), with Red Hat's final rounding: half up after
// adding 1e-6 (RedHatProductSecurity/cvss-v4-calculator `cvss40.js`), so that raw values
// such as 5.6499999999999995 round to 5.7 as the reference vectors expect.
#include "cvss/cvss_detail.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

PM_BEGIN_NAMESPACE
namespace detail::cvss {

namespace {

// The effective value of each scored metric (§8.2 and the calculator's m()): E:X counts as
// A, CR/IR/AR:X as H, a modified metric other than X replaces its base metric. Base-only
// scoring (CVSS-B) ignores threat and environmental metrics.
struct Effective {
  char av, ac, at, pr, ui, vc, vi, va, sc, si, sa, e, cr, ir, ar;
};

Effective effective(const Vector &v, bool base_only) {
  using namespace m4;
  auto m = [&](std::size_t base) {
    const std::size_t modified = MAV + (base - AV);
    return !base_only && v.defined(modified) ? v.letter(modified) : v.letter(base);
  };
  auto or_default = [&](std::size_t i, char dflt) { return !base_only && v.defined(i) ? v.letter(i) : dflt; };
  return {m(AV), m(AC), m(AT), m(PR), m(UI), m(VC), m(VI), m(VA), m(SC), m(SI), m(SA),
          or_default(E, 'A'), or_default(CR, 'H'), or_default(IR, 'H'), or_default(AR, 'H')};
}

// §8.1: the equivalence sets.
std::array<int, 6> macro_vector(const Effective &x) {
  std::array<int, 6> eq{};
  // EQ1: 0 AV:N and PR:N and UI:N; 1 (AV:N or PR:N or UI:N) and not all and not AV:P; 2 otherwise
  if (x.av == 'N' && x.pr == 'N' && x.ui == 'N') eq[0] = 0;
  else if ((x.av == 'N' || x.pr == 'N' || x.ui == 'N') && x.av != 'P') eq[0] = 1;
  else eq[0] = 2;
  // EQ2: 0 AC:L and AT:N; 1 otherwise
  eq[1] = x.ac == 'L' && x.at == 'N' ? 0 : 1;
  // EQ3: 0 VC:H and VI:H; 1 not that and (VC:H or VI:H or VA:H); 2 none of VC, VI, VA is H
  if (x.vc == 'H' && x.vi == 'H') eq[2] = 0;
  else if (x.vc == 'H' || x.vi == 'H' || x.va == 'H') eq[2] = 1;
  else eq[2] = 2;
  // EQ4: 0 MSI:S or MSA:S; 1 SC:H or SI:H or SA:H; 2 otherwise
  if (x.si == 'S' || x.sa == 'S') eq[3] = 0;
  else if (x.sc == 'H' || x.si == 'H' || x.sa == 'H') eq[3] = 1;
  else eq[3] = 2;
  // EQ5: E:A 0, E:P 1, E:U 2
  eq[4] = x.e == 'A' ? 0 : x.e == 'P' ? 1 : 2;
  // EQ6: 0 (CR:H and VC:H) or (IR:H and VI:H) or (AR:H and VA:H); 1 otherwise
  eq[5] = (x.cr == 'H' && x.vc == 'H') || (x.ir == 'H' && x.vi == 'H') || (x.ar == 'H' && x.va == 'H') ? 0 : 1;
  return eq;
}

// The highest-severity vectors of each EQ level (max_composed.js). EQ3 and EQ6 are joint,
// indexed [eq3][eq6].
using Maxes = std::vector<std::string_view>;
const Maxes eq1_maxes[3] = {{"AV:N/PR:N/UI:N/"}, {"AV:A/PR:N/UI:N/", "AV:N/PR:L/UI:N/", "AV:N/PR:N/UI:P/"}, {"AV:P/PR:N/UI:N/", "AV:A/PR:L/UI:P/"}};
const Maxes eq2_maxes[2] = {{"AC:L/AT:N/"}, {"AC:H/AT:N/", "AC:L/AT:P/"}};
const Maxes eq3eq6_maxes[3][2] = {
    {{"VC:H/VI:H/VA:H/CR:H/IR:H/AR:H/"}, {"VC:H/VI:H/VA:L/CR:M/IR:M/AR:H/", "VC:H/VI:H/VA:H/CR:M/IR:M/AR:M/"}},
    {{"VC:L/VI:H/VA:H/CR:H/IR:H/AR:H/", "VC:H/VI:L/VA:H/CR:H/IR:H/AR:H/"},
     {"VC:L/VI:H/VA:L/CR:H/IR:M/AR:H/", "VC:L/VI:H/VA:H/CR:H/IR:M/AR:M/", "VC:H/VI:L/VA:H/CR:M/IR:H/AR:M/",
      "VC:H/VI:L/VA:L/CR:M/IR:H/AR:H/", "VC:L/VI:L/VA:H/CR:H/IR:H/AR:M/"}},
    {{}, {"VC:L/VI:L/VA:L/CR:H/IR:H/AR:H/"}},
};
const Maxes eq4_maxes[3] = {{"SC:H/SI:S/SA:S/"}, {"SC:H/SI:H/SA:H/"}, {"SC:L/SI:L/SA:L/"}};
const Maxes eq5_maxes[3] = {{"E:A/"}, {"E:P/"}, {"E:U/"}};

// The depth of each MacroVector level, in steps of 0.1 (max_severity.js).
constexpr double max_severity_eq1[3] = {1, 4, 5};
constexpr double max_severity_eq2[2] = {1, 2};
constexpr double max_severity_eq3eq6[3][2] = {{7, 6}, {8, 8}, {0, 10}}; // [2][0] does not exist
constexpr double max_severity_eq4[3] = {6, 5, 4};

// Severity levels of the metric values (cvss_score.js); 0 is the most severe.
struct Level {
  char value;
  double level;
};
constexpr Level av_levels[] = {{'N', 0.0}, {'A', 0.1}, {'L', 0.2}, {'P', 0.3}};
constexpr Level pr_levels[] = {{'N', 0.0}, {'L', 0.1}, {'H', 0.2}};
constexpr Level ui_levels[] = {{'N', 0.0}, {'P', 0.1}, {'A', 0.2}};
constexpr Level ac_levels[] = {{'L', 0.0}, {'H', 0.1}};
constexpr Level at_levels[] = {{'N', 0.0}, {'P', 0.1}};
constexpr Level vuln_levels[] = {{'H', 0.0}, {'L', 0.1}, {'N', 0.2}};                  // VC, VI, VA
constexpr Level sc_levels[] = {{'H', 0.1}, {'L', 0.2}, {'N', 0.3}};                    // SC
constexpr Level safety_levels[] = {{'S', 0.0}, {'H', 0.1}, {'L', 0.2}, {'N', 0.3}};    // SI, SA
constexpr Level requirement_levels[] = {{'H', 0.0}, {'M', 0.1}, {'L', 0.2}};           // CR, IR, AR

template <std::size_t N> double level(const Level (&table)[N], char value) noexcept {
  for (const auto &l : table)
    if (l.value == value) return l.level;
  return 0; // unreachable for the values the parser admits
}

// The value of `metric` in a composed max vector "AV:N/PR:N/UI:N/AC:L/...".
char value_in(std::string_view vector, std::string_view metric) {
  for (std::size_t pos = 0; pos < vector.size();) {
    const std::size_t colon = vector.find(':', pos);
    if (vector.substr(pos, colon - pos) == metric) return vector[colon + 1];
    pos = vector.find('/', colon) + 1;
  }
  return '?';
}

struct Result {
  double score;
  std::array<int, 6> eq;
};

double round_score(double value) { return std::round((value + 1e-6) * 10) / 10; }

Result score(const Vector &vec, bool base_only) {
  const Effective x = effective(vec, base_only);
  const std::array<int, 6> eq = macro_vector(x);
  if (x.vc == 'N' && x.vi == 'N' && x.va == 'N' && x.sc == 'N' && x.si == 'N' && x.sa == 'N') return {0.0, eq};

  const double value = *macro_vector_score(eq); // every reachable MacroVector is in the table
  auto lookup = [&](int d1, int d2, int d3, int d4, int d5, int d6) { return macro_vector_score({d1, d2, d3, d4, d5, d6}); };
  const auto [eq1, eq2, eq3, eq4, eq5, eq6] = eq;

  // 1a. The score of the next lower MacroVector of each EQ (absent: that EQ is skipped).
  const std::optional<double> lower_eq1 = lookup(eq1 + 1, eq2, eq3, eq4, eq5, eq6);
  const std::optional<double> lower_eq2 = lookup(eq1, eq2 + 1, eq3, eq4, eq5, eq6);
  std::optional<double> lower_eq3eq6;
  if (eq3 == 0 && eq6 == 0) { // 00 -> 01 or 10, whichever scores higher
    const auto left = lookup(eq1, eq2, eq3, eq4, eq5, eq6 + 1);
    const auto right = lookup(eq1, eq2, eq3 + 1, eq4, eq5, eq6);
    lower_eq3eq6 = left && right && *left > *right ? left : right;
  } else if (eq3 == 1 && eq6 == 0) { // 10 -> 11
    lower_eq3eq6 = lookup(eq1, eq2, eq3, eq4, eq5, eq6 + 1);
  } else if (eq3 == 2) { // 21 -> 32, which does not exist
    lower_eq3eq6 = std::nullopt;
  } else { // 01 -> 11, 11 -> 21
    lower_eq3eq6 = lookup(eq1, eq2, eq3 + 1, eq4, eq5, eq6);
  }
  const std::optional<double> lower_eq4 = lookup(eq1, eq2, eq3, eq4 + 1, eq5, eq6);
  const std::optional<double> lower_eq5 = lookup(eq1, eq2, eq3, eq4, eq5 + 1, eq6);

  // 1b. The severity distance from the first highest-severity vector of the MacroVector that
  // is not less severe than the vector in any metric.
  double d_av = 0, d_pr = 0, d_ui = 0, d_ac = 0, d_at = 0, d_vc = 0, d_vi = 0, d_va = 0, d_sc = 0, d_si = 0, d_sa = 0, d_cr = 0,
         d_ir = 0, d_ar = 0;
  bool found = false;
  for (std::string_view p1 : eq1_maxes[eq1]) {
    for (std::string_view p2 : eq2_maxes[eq2]) {
      for (std::string_view p36 : eq3eq6_maxes[eq3][eq6]) {
        for (std::string_view p4 : eq4_maxes[eq4]) {
          for (std::string_view p5 : eq5_maxes[eq5]) {
            const std::string max = std::string(p1) + std::string(p2) + std::string(p36) + std::string(p4) + std::string(p5);
            d_av = level(av_levels, x.av) - level(av_levels, value_in(max, "AV"));
            d_pr = level(pr_levels, x.pr) - level(pr_levels, value_in(max, "PR"));
            d_ui = level(ui_levels, x.ui) - level(ui_levels, value_in(max, "UI"));
            d_ac = level(ac_levels, x.ac) - level(ac_levels, value_in(max, "AC"));
            d_at = level(at_levels, x.at) - level(at_levels, value_in(max, "AT"));
            d_vc = level(vuln_levels, x.vc) - level(vuln_levels, value_in(max, "VC"));
            d_vi = level(vuln_levels, x.vi) - level(vuln_levels, value_in(max, "VI"));
            d_va = level(vuln_levels, x.va) - level(vuln_levels, value_in(max, "VA"));
            d_sc = level(sc_levels, x.sc) - level(sc_levels, value_in(max, "SC"));
            d_si = level(safety_levels, x.si) - level(safety_levels, value_in(max, "SI"));
            d_sa = level(safety_levels, x.sa) - level(safety_levels, value_in(max, "SA"));
            d_cr = level(requirement_levels, x.cr) - level(requirement_levels, value_in(max, "CR"));
            d_ir = level(requirement_levels, x.ir) - level(requirement_levels, value_in(max, "IR"));
            d_ar = level(requirement_levels, x.ar) - level(requirement_levels, value_in(max, "AR"));
            if (d_av >= 0 && d_pr >= 0 && d_ui >= 0 && d_ac >= 0 && d_at >= 0 && d_vc >= 0 && d_vi >= 0 && d_va >= 0 &&
                d_sc >= 0 && d_si >= 0 && d_sa >= 0 && d_cr >= 0 && d_ir >= 0 && d_ar >= 0) {
              found = true;
              break;
            }
          }
          if (found) break;
        }
        if (found) break;
      }
      if (found) break;
    }
    if (found) break;
  }
  const double dist_eq1 = d_av + d_pr + d_ui;
  const double dist_eq2 = d_ac + d_at;
  const double dist_eq3eq6 = d_vc + d_vi + d_va + d_cr + d_ir + d_ar;
  const double dist_eq4 = d_sc + d_si + d_sa;

  // 1c/1d. Each EQ's share: the scoring difference to its next lower MacroVector times the
  // proportion of the MacroVector's depth the vector lies at.
  constexpr double step = 0.1;
  int n_existing_lower = 0;
  double n_eq1 = 0, n_eq2 = 0, n_eq3eq6 = 0, n_eq4 = 0, n_eq5 = 0;
  if (lower_eq1) {
    ++n_existing_lower;
    n_eq1 = (value - *lower_eq1) * (dist_eq1 / (max_severity_eq1[eq1] * step));
  }
  if (lower_eq2) {
    ++n_existing_lower;
    n_eq2 = (value - *lower_eq2) * (dist_eq2 / (max_severity_eq2[eq2] * step));
  }
  if (lower_eq3eq6) {
    ++n_existing_lower;
    n_eq3eq6 = (value - *lower_eq3eq6) * (dist_eq3eq6 / (max_severity_eq3eq6[eq3][eq6] * step));
  }
  if (lower_eq4) {
    ++n_existing_lower;
    n_eq4 = (value - *lower_eq4) * (dist_eq4 / (max_severity_eq4[eq4] * step));
  }
  if (lower_eq5) { // EQ5's proportion is always 0
    ++n_existing_lower;
    n_eq5 = (value - *lower_eq5) * 0;
  }

  // 2. The mean of the shares; 3. the MacroVector's score minus that mean, rounded.
  const double mean = n_existing_lower == 0 ? 0 : (n_eq1 + n_eq2 + n_eq3eq6 + n_eq4 + n_eq5) / n_existing_lower;
  const double raw = std::clamp(value - mean, 0.0, 10.0);
  return {round_score(raw), eq};
}

} // namespace

void score_v4(const Vector &v, CvssScores &out) {
  using namespace m4;
  out.base = score(v, true).score;
  const Result whole = score(v, false);
  bool threat_or_environmental = false;
  for (std::size_t i = E; i <= MSA; ++i) threat_or_environmental = threat_or_environmental || v.defined(i);
  if (threat_or_environmental) out.overall = whole.score;
  std::string digits;
  for (int d : whole.eq) digits += static_cast<char>('0' + d);
  out.macro_vector = digits;
}

} // namespace detail::cvss
PM_END_NAMESPACE
