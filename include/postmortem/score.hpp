/**
 * @file postmortem/score.hpp
 * @brief Incident severity, action priority, SSVC decisions and post-mortem quality.
 *
 * Four explainable scores, each a weighted sum of documented terms (docs/scoring.md has every
 * formula with a worked example):
 *
 * - **severity** of the incident, 0–100 and a tier (critical … informational), from impact,
 *   scope, threat and the determination;
 * - **priority** of each action, 0–100 and a tier P1–P4, from its impact, its effort
 *   (feasibility), what it addresses and the incident's severity;
 * - an **SSVC** decision (CISA coordinator tree 2.0.3: track, track*, attend, act) for each
 *   vulnerability, looked up in the CERT/CC table compiled into the library;
 * - **quality** of the post-mortem itself, 0–100, from how completely it covers the essentials.
 *
 * Every score lists its terms: each term's input, its level (0–1), its weight and the points it
 * contributes, so the points of a score's terms add up to the score (before rounding to one
 * decimal). Weights and tier boundaries are data tables with documented defaults; the policy's
 * `scoring` member overrides them. When a policy's weights do not add up to 100 they are
 * normalised: points = 100 × weight × level / (sum of weights).
 *
 * Pure functions of (document, policy); deterministic; thread-safe; O(n log n) in the size of
 * the document.
 */
#ifndef POSTMORTEM_SCORE_HPP
#define POSTMORTEM_SCORE_HPP

#include <postmortem/document.hpp>
#include <postmortem/policy.hpp>

#include <boost/json/value.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

PM_BEGIN_NAMESPACE

/// One term of a score: what went in and what it contributed.
struct ScoreTerm {
  std::string name;   ///< the term's name, as in the policy's weight tables
  double input = 0;   ///< the raw input (a count, minutes, a CVSS score, a 1–5 rating…)
  double weight = 0;  ///< the term's weight (from the policy, else the default)
  double points = 0;  ///< contribution to the 0–100 score (negative only for `determination`)
  std::string why;    ///< the input in words and how it was read
  double level = 0;   ///< the input mapped to 0–1 (points = 100 × weight × level / sum of weights)
};

/// The incident's severity.
struct SeverityScore {
  double score = 0;                        ///< 0–100, one decimal
  SeverityTier tier = SeverityTier::informational;
  std::vector<ScoreTerm> terms;            ///< the impact, scope and threat terms, then `determination`
};

/// Action priority tiers, most urgent first.
PM_ENUM(PriorityTier, P1, P2, P3, P4)

/// The priority of one action.
struct ActionPriority {
  std::size_t action_index = 0;            ///< index in doc.actions
  double score = 0;                        ///< 0–100, one decimal
  PriorityTier tier = PriorityTier::P4;
  std::vector<ScoreTerm> terms;
};

/// The SSVC decision for one vulnerability (CISA coordinator tree 2.0.3).
struct SsvcDecision {
  std::size_t vulnerability_index = 0;     ///< index in doc.vulnerabilities
  std::string decision;                    ///< "track", "track*", "attend" or "act"
  /// The decision points in the table's order, with the values used: ("exploitation",
  /// "active"), ("automatable", "yes"), ("technical_impact", "total"),
  /// ("mission_wellbeing", "high"). Values are spelled as in the CERT/CC table.
  std::vector<std::pair<std::string, std::string>> points;
  std::vector<std::string> reasons;        ///< why each point has its value (parallel to points)
};

/// The quality of the post-mortem document itself (not of the incident).
struct QualityScore {
  double score = 0;                        ///< 0–100, one decimal
  std::vector<ScoreTerm> terms;
};

/// Everything score() computes.
struct Score {
  SeverityScore severity;
  QualityScore quality;
  std::vector<ActionPriority> actions;     ///< document order
  std::vector<SsvcDecision> vulnerabilities; ///< document order
};

/**
 * @brief Scores a document: severity, quality, every action's priority, every
 * vulnerability's SSVC decision.
 * @param policy supplies the weights and tier boundaries (`scoring`) and `as_of`.
 * @par Complexity
 * O(n log n) in the size of the document.
 */
Score score(const Document &doc, const Policy &policy = {});

/// Only the incident's severity (what rule PM410 compares with `declared_severity`).
SeverityScore incident_severity(const Document &doc, const Policy &policy = {});

/// Only the priorities (what plan() needs), in document order.
std::vector<ActionPriority> action_priorities(const Document &doc, const Policy &policy = {});

/// Only the post-mortem's quality.
QualityScore quality(const Document &doc, const Policy &policy = {});

/// The SSVC decision of every vulnerability, in document order. A vulnerability without
/// `known_exploited` that the policy's KEV catalog lists counts as actively exploited.
std::vector<SsvcDecision> ssvc_decisions(const Document &doc, const Policy &policy = {});

/**
 * @brief Looks up the CISA coordinator decision table (CERT/CC SSVC,
 * `cisa_coordinator_2_0_3.csv`) for one combination of decision points, spelled as in the
 * table: exploitation `none`, `public poc` or `active`; automatable `no` or `yes`; technical
 * impact `partial` or `total`; mission and well-being impact `low`, `medium` or `high`.
 * @return "track", "track*", "attend" or "act".
 * @throws error errc::invalid_argument when a value is not one the table lists.
 */
std::string_view ssvc_coordinator_decision(std::string_view exploitation, std::string_view automatable,
                                           std::string_view technical_impact, std::string_view mission_wellbeing);

/// The CISA coordinator decision table as compiled in: the CSV text of CERT/CC SSVC
/// `data/csv/cisa/cisa_coordinator_2_0_3.csv` (commit e3b00a2), byte for byte.
std::string_view ssvc_coordinator_table() noexcept;

/// The severity tier of a 0–100 score under the policy's boundaries.
SeverityTier severity_tier(double score, const Policy &policy = {});

/// The JSON form (docs/scoring.md): {"severity", "quality", "actions", "vulnerabilities"};
/// needs the document for ids and the declared severity.
boost::json::value to_value(const Score &score, const Document &doc);

/// to_value(), serialized.
std::string to_json(const Score &score, const Document &doc, const WriteOptions &options = {});

PM_END_NAMESPACE

#endif
