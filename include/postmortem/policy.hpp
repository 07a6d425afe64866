/**
 * @file postmortem/policy.hpp
 * @brief The policy: "now", rule severities and limits, in one place.
 *
 * Every analysis takes a Policy, so its results are a pure function of (document, policy).
 * A policy is plain data; it is read from JSON by Policy::parse():
 *
 * ```json
 * {"as_of": "2024-06-01T00:00:00Z",
 *  "rules": {"PM109": "off", "PM102": "warning"},
 *  "thresholds": {"max_gap_hours": 24, "min_events": 3, "verify_within_days": 90,
 *                 "duplicate_event_seconds": 60},
 *  "regulatory_deadlines": {"GDPR": 72, "NIS2": 24},
 *  "limits": {"max_depth": 64, "max_document_bytes": 1073741824,
 *             "max_string_bytes": 16777216, "max_collection_size": 10000000},
 *  "plan": {"sla_days": {"P1": 7, "P2": 30, "P3": 90, "P4": 180}},
 *  "scoring": {"severity_weights": {"cvss": 20}, "severity_tiers": {"critical": 80},
 *              "priority_weights": {"impact": 40}, "priority_tiers": {"P1": 75},
 *              "quality_weights": {"evidence": 5}},
 *  "knowledge": {"attack": "enterprise-attack.json", "kev": "known_exploited_vulnerabilities.json"}}
 * ```
 *
 * Thread-safety: a Policy is a plain value; concurrent reads are safe.
 */
#ifndef POSTMORTEM_POLICY_HPP
#define POSTMORTEM_POLICY_HPP

#include <postmortem/detail/enum.hpp>
#include <postmortem/error.hpp>
#include <postmortem/time.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

PM_BEGIN_NAMESPACE

class Knowledge;

/// How serious a finding is. Numbered like the C API's PM_SEVERITY_* constants.
PM_ENUM(Severity, error, warning, info)

/**
 * @brief Limits on what the parser accepts. Exceeding one fails with errc::limit.
 *
 * The defaults admit a 1,000,000-event timeline and reject hostile input (deep nesting,
 * gigabyte strings) before it costs memory.
 */
struct Limits {
  std::size_t max_document_bytes = std::size_t{1} << 30;  ///< 1 GiB of JSON text
  std::size_t max_depth = 64;                             ///< nesting of arrays and objects
  std::size_t max_string_bytes = std::size_t{16} << 20;   ///< 16 MiB for one string or key
  std::size_t max_collection_size = 10'000'000;           ///< elements of one array

  friend bool operator==(const Limits &, const Limits &) = default;
};

/// Thresholds of the time- and count-based rules (docs/rules.md says which rule uses which).
struct Thresholds {
  double max_gap_hours = 24;            ///< PM305: longest quiet gap after detection
  double min_events = 3;                ///< PM307: fewest timeline events
  double verify_within_days = 90;       ///< PM505: done actions must be verified within this
  double duplicate_event_seconds = 60;  ///< PM308: same description within this many seconds

  friend bool operator==(const Thresholds &, const Thresholds &) = default;
};

/// Settings of the remediation plan (plan.hpp, docs/plan.md).
struct PlanSettings {
  /// Days from as_of within which an action of each priority tier should be done: the
  /// suggested due date. Indexed by PriorityTier (P1, P2, P3, P4); JSON
  /// `"plan": {"sla_days": {"P1": 7, "P2": 30, "P3": 90, "P4": 180}}`.
  std::array<std::int32_t, 4> sla_days = {7, 30, 90, 180};

  friend bool operator==(const PlanSettings &, const PlanSettings &) = default;
};

/// Overrides of the scores' weights and tier boundaries (score.hpp, docs/scoring.md). Keys
/// are term or tier names; a name that is absent keeps its documented default. JSON
/// `"scoring": {"severity_weights": {"cvss": 20}, "severity_tiers": {"critical": 80},
/// "priority_weights": {...}, "priority_tiers": {"P1": 75}, "quality_weights": {...}}`.
struct ScoringSettings {
  using Table = std::map<std::string, double, std::less<>>;
  Table severity_weights, severity_tiers, priority_weights, priority_tiers, quality_weights;

  friend bool operator==(const ScoringSettings &, const ScoringSettings &) = default;
};

/// Policy settings; see the file comment for the JSON form.
struct Policy {
  /// "Now" for time-relative rules; when absent the current time is used (and said).
  std::optional<Timestamp> as_of;
  /// Per-rule severity override; nullopt means the rule is off. Keys are rule codes.
  std::map<std::string, std::optional<Severity>, std::less<>> rules;
  Thresholds thresholds;
  /// PM412: hours from detection within which a regime requires notification. A policy's
  /// `regulatory_deadlines` replaces this map (so a regime can be removed). Names are
  /// compared case-insensitively with `impact.regulatory`.
  std::map<std::string, double, std::less<>> regulatory_deadlines = {{"GDPR", 72}};
  Limits limits;
  PlanSettings plan;
  ScoringSettings scoring;
  /// The ATT&CK and KEV tables (knowledge.hpp) of PM111/PM112/PM114/PM115 and of scoring;
  /// null means the built-in ones. JSON `"knowledge"` names newer upstream files, read
  /// when the policy is parsed (docs/knowledge.md).
  std::shared_ptr<const Knowledge> knowledge;

  /**
   * @brief Reads a policy from JSON.
   * @throws error errc::policy when the text is not JSON, a member is unknown, a rule code is
   *   not in the catalog, a value has the wrong type or range, or a `knowledge` file cannot
   *   be read or is not in its format; the message names it.
   */
  static Policy parse(std::string_view json);

  /// Sets one rule from the CLI spelling `PM403=off` or `PM403=warning`.
  /// @throws error errc::policy for an unknown code or severity.
  void set_rule(std::string_view assignment);

  /// The severity rule `code` reports at under this policy, or nullopt when it is off.
  std::optional<Severity> severity_of(std::string_view code, Severity default_severity) const;

  /// as_of in UTC microseconds, or the system clock when as_of is absent.
  std::int64_t now_micros() const;
};

PM_END_NAMESPACE

#endif
