/**
 * @file postmortem/document.hpp
 * @brief The `postmortem/1` document as C++ value types; parsing and serialization.
 *
 * The model follows docs/format.md member for member. Parsing is lenient and lossless:
 * it fails only when the bytes are not JSON, the top level is not an object, `schema` is not
 * `postmortem/1`, or a limit of the policy is exceeded. Everything else loads. A member whose
 * value does not fit its typed field (wrong JSON type, unknown enum value, malformed
 * timestamp, `null`, an empty array) is kept, unchanged, in the `extra` object of its parent
 * together with `x_` extensions and unknown members, so serialization gives back what was read;
 * validate() reports the problems with JSON Pointers.
 *
 * Thread-safety: a Document is a plain value; concurrent reads are safe.
 */
#ifndef POSTMORTEM_DOCUMENT_HPP
#define POSTMORTEM_DOCUMENT_HPP

#include <postmortem/detail/enum.hpp>
#include <postmortem/error.hpp>
#include <postmortem/policy.hpp>
#include <postmortem/time.hpp>

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

PM_BEGIN_NAMESPACE

// ---------------------------------------------------------------------------------------
// Enumerations (docs/format.md): the JSON spelling of each enumerator is its name (`public_` is "public").

PM_ENUM(Category, network_breach, phishing, malware, ransomware, data_exfiltration,
        credential_compromise, denial_of_service, insider_threat, misconfiguration,
        web_application_attack, supply_chain, lost_or_stolen_device, other)
PM_ENUM(Determination, confirmed, suspected, near_miss, false_positive)
PM_ENUM(SeverityTier, critical, high, medium, low, informational)
PM_ENUM(IncidentStatus, open, contained, eradicated, recovered, closed)
PM_ENUM(DiscoveryMethod, internal_detection, internal_report, threat_hunting, audit,
        external_notification, law_enforcement, attacker_disclosure, unknown)
PM_ENUM(ActorType, external, internal, partner, unknown)
PM_ENUM(Motive, financial, espionage, ideology, grudge, fun, convenience, fear, other, unknown)
PM_ENUM(Tlp, clear, green, amber, amber_strict, red)
PM_ENUM(CiaLevel, none, low, high)
PM_ENUM(ImpactRating, insignificant, distracting, painful, damaging, catastrophic)
PM_ENUM(DataType, pii, phi, payment_card, credentials, intellectual_property, financial,
        operational, other)
PM_ENUM(Recoverability, regular, supplemented, extended, not_recoverable)
PM_ENUM(AssetType, server, workstation, network_device, cloud_resource, application, database,
        identity, mobile_device, ot_device, saas, other)
PM_ENUM(Criticality, low, medium, high, critical)
PM_ENUM(DataClassification, public_, internal, confidential, restricted)
PM_ENUM(Compromised, yes, no, unknown)
PM_ENUM(Precision, second, minute, hour, day)
PM_ENUM(EventType, attacker_activity, detection, alert, triage, escalation, analysis,
        containment, eradication, recovery, communication, notification, decision, other)
PM_ENUM(EvidenceType, disk_image, memory_image, log, network_capture, email, malware_sample,
        screenshot, document, other)
PM_ENUM(CustodyAction, collected, transferred, accessed, analyzed, stored, returned, destroyed)
PM_ENUM(IndicatorType, ipv4, ipv6, domain, url, email_address, sha256, sha1, md5, file_name,
        file_path, registry_key, user_account, process_name, other)
PM_ENUM(FactorKind, root_cause, contributing, mitigating)
PM_ENUM(FactorCategory, technical, process, human, organizational, external)
PM_ENUM(ActionType, prevent, detect, mitigate, respond, recover, train, process)
PM_ENUM(ActionStatus, proposed, planned, in_progress, done, verified, rejected)
PM_ENUM(VerificationResult, effective, partially_effective, ineffective)
PM_ENUM(LessonKind, went_well, went_wrong, lucky, learned)
PM_ENUM(ReviewStatus, draft, in_review, reviewed, closed)

// ---------------------------------------------------------------------------------------
// The model. Every struct has `extra`: x_ extensions, unknown members, and members whose
// value did not fit the typed field, in document order, preserved on serialization.

using Extra = boost::json::object;
using Text = std::optional<std::string>;
using Strings = std::vector<std::string>;

struct Actor {
  std::optional<ActorType> type;
  Text name;
  std::optional<Motive> motive;
  Extra extra;
};

struct Milestones {
  std::optional<Timestamp> started_at, detected_at, reported_at, contained_at, eradicated_at,
      recovered_at, closed_at;
  Extra extra;
};

struct FinancialLoss {
  std::optional<double> min, max;
  Text currency; ///< ISO 4217, three upper-case letters
  Extra extra;
};

struct Impact {
  std::optional<CiaLevel> confidentiality, integrity, availability;
  std::optional<ImpactRating> rating;
  std::optional<std::int64_t> records_affected;
  std::vector<DataType> data_types;
  std::optional<std::int64_t> users_affected;
  std::optional<double> downtime_minutes;
  std::optional<FinancialLoss> financial_loss;
  std::optional<Recoverability> recoverability;
  Strings regulatory;
  Text notes;
  Extra extra;
};

struct Incident {
  Text id, title, summary;
  std::optional<Category> category;
  std::optional<Determination> determination; ///< absent means `confirmed`
  std::optional<SeverityTier> declared_severity;
  std::optional<IncidentStatus> status;
  std::optional<DiscoveryMethod> discovery_method;
  Strings techniques, tags, recurrence_of;
  std::optional<Actor> actor;
  std::optional<Tlp> tlp;
  std::optional<Milestones> milestones;
  std::optional<Impact> impact;
  Extra extra;
};

struct Asset {
  Text id, name;
  std::optional<AssetType> type;
  std::optional<Criticality> criticality;
  Text owner;
  std::optional<DataClassification> data_classification;
  std::optional<Compromised> compromised;
  Extra extra;
};

struct Vulnerability {
  Text id, cvss;
  std::optional<bool> exploited, known_exploited;
  Strings asset_ids;
  std::optional<Timestamp> remediated_at;
  Extra extra;
};

struct Event {
  Text id;
  std::optional<Timestamp> time;
  std::optional<Precision> precision; ///< absent means `second`
  std::optional<EventType> type;
  Text description, source, actor, tactic, technique;
  Strings asset_ids, evidence_ids;
  std::optional<bool> key;
  Extra extra;
};

struct CustodyEntry {
  std::optional<Timestamp> time;
  std::optional<CustodyAction> action;
  Text by, to, notes;
  Extra extra;
};

struct Evidence {
  Text id;
  std::optional<EvidenceType> type;
  Text description, location, sha256;
  std::optional<std::int64_t> size_bytes;
  std::optional<Timestamp> collected_at;
  Text collected_by;
  std::vector<CustodyEntry> custody;
  Extra extra;
};

struct Indicator {
  Text id;
  std::optional<IndicatorType> type;
  Text value, description;
  std::optional<Timestamp> first_seen, last_seen;
  Strings event_ids, asset_ids;
  Extra extra;
};

struct Factor {
  Text id;
  std::optional<FactorKind> kind;
  std::optional<FactorCategory> category;
  Text title, description;
  Strings why, event_ids, evidence_ids, asset_ids;
  Text control;
  Strings tags;
  Extra extra;
};

struct Ticket {
  Text system, key, url;
  Extra extra;
};

struct Verification {
  std::optional<Date> date;
  Text method;
  std::optional<VerificationResult> result;
  Text notes;
  Extra extra;
};

struct Action {
  Text id, title, description;
  std::optional<ActionType> type;
  Strings addresses;
  Text owner, team;
  std::optional<Date> due;
  std::optional<ActionStatus> status; ///< absent means `proposed`
  std::optional<std::int64_t> impact, effort; ///< 1–5
  Strings depends_on;
  Text success_criteria;
  std::optional<Timestamp> completed_at;
  std::optional<Ticket> ticket;
  std::vector<Verification> verification;
  Extra extra;
};

struct Lesson {
  Text id;
  std::optional<LessonKind> kind;
  Text text;
  Strings action_ids;
  Extra extra;
};

struct Participant {
  Text id, name, role, team;
  Extra extra;
};

struct Question {
  Text question, answer;
  Extra extra;
};

struct Review {
  std::optional<ReviewStatus> status;
  std::optional<Timestamp> held_at;
  Text facilitator;
  std::optional<Date> next_review;
  std::vector<Question> questions;
  Extra extra;
};

/// A whole `postmortem/1` document.
struct Document {
  Text schema; ///< "postmortem/1" for every parsed document
  std::optional<Incident> incident;
  std::vector<Asset> assets;
  std::vector<Vulnerability> vulnerabilities;
  std::vector<Event> timeline;
  std::vector<Evidence> evidence;
  std::vector<Indicator> indicators;
  std::vector<Factor> factors;
  std::vector<Action> actions;
  std::vector<Lesson> lessons;
  std::vector<Participant> participants;
  std::optional<Review> review;
  Extra extra;
};

/// The only `schema` value this build reads.
inline constexpr std::string_view schema_version = "postmortem/1";

/**
 * @brief Parses a `postmortem/1` document.
 * @param json UTF-8 JSON text.
 * @param policy supplies the limits (nesting depth, sizes); defaults when omitted.
 * @throws error errc::parse (not JSON, with line, column and byte offset; or not an object),
 *   errc::version (`schema` missing or not `postmortem/1`), errc::limit (a limit exceeded).
 * @par Complexity
 * O(size of json); memory is the model plus one collection element's JSON tree at a time.
 */
Document parse(std::string_view json, const Policy &policy = {});

/// Reads and parses a file. @throws error errc::io when it cannot be read, else as parse().
Document load(const std::string &path, const Policy &policy = {});

/// Serialization options.
struct WriteOptions {
  bool pretty = false; ///< two-space indentation and one member per line
};

/// Serializes a document; parse(to_json(doc)) == doc, and extras are written back as read.
std::string to_json(const Document &doc, const WriteOptions &options = {});

/// The document as a Boost.JSON value (what to_json writes).
boost::json::value to_value(const Document &doc);

/// Writes any JSON value as to_json() does (pretty or compact, finite numbers only).
std::string serialize_value(const boost::json::value &value, const WriteOptions &options = {});

PM_END_NAMESPACE

#endif
