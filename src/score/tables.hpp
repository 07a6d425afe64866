// The default weights and tier boundaries of the scores (internal). They are data, read by
// the scores (src/score/score.cpp) and by Policy::parse (to check the names a policy's
// `scoring` member uses); docs/scoring.md lists the same values and explains each term.
#ifndef POSTMORTEM_SRC_SCORE_TABLES_HPP
#define POSTMORTEM_SRC_SCORE_TABLES_HPP

#include <postmortem/detail/enum.hpp>

#include <span>
#include <string_view>

PM_BEGIN_NAMESPACE
namespace detail {

/// A named number: a term's default weight, or a tier's default lower bound (score >= bound).
struct NamedDefault {
  std::string_view name;
  double value;
};

/// Severity terms (each sums to 100 by default): impact 70, scope 14, threat 16.
inline constexpr NamedDefault severity_weight_defaults[] = {
    {"confidentiality", 8}, {"integrity", 6},       {"availability", 6}, {"rating", 14},
    {"records", 8},         {"data_types", 6},      {"users", 5},         {"downtime", 5},
    {"financial_loss", 7},  {"recoverability", 5},  {"assets", 6},        {"asset_criticality", 8},
    {"cvss", 10},           {"kev", 6},
};

/// Severity tiers, most severe first; a score below the last bound is `informational`.
inline constexpr NamedDefault severity_tier_defaults[] = {
    {"critical", 70}, {"high", 50}, {"medium", 30}, {"low", 10}};

/// Action priority terms.
inline constexpr NamedDefault priority_weight_defaults[] = {
    {"impact", 35}, {"feasibility", 15}, {"addresses", 20}, {"vulnerability", 10}, {"severity", 20}};

/// Priority tiers; a score below the last bound is P4.
inline constexpr NamedDefault priority_tier_defaults[] = {{"P1", 70}, {"P2", 50}, {"P3", 30}};

/// Post-mortem quality terms.
inline constexpr NamedDefault quality_weight_defaults[] = {
    {"timeline", 15}, {"root_causes", 15}, {"impact", 10}, {"actions", 20},
    {"lessons", 10},  {"evidence", 10},    {"review", 10}, {"verification", 10}};

/// The tables a policy's `scoring` member may override, by member name.
struct ScoringTable {
  std::string_view member;
  std::span<const NamedDefault> defaults;
  bool tiers; ///< tier bounds (0–100, strictly decreasing) rather than weights (>= 0, sum > 0)
};
inline constexpr ScoringTable scoring_tables[] = {
    {"severity_weights", severity_weight_defaults, false},
    {"severity_tiers", severity_tier_defaults, true},
    {"priority_weights", priority_weight_defaults, false},
    {"priority_tiers", priority_tier_defaults, true},
    {"quality_weights", quality_weight_defaults, false},
};

} // namespace detail
PM_END_NAMESPACE

#endif
