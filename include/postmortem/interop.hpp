/**
 * @file postmortem/interop.hpp
 * @brief The field's own formats: VERIS 1.3/1.4 import and export, STIX 2.1 export, and
 * redaction for sharing (docs/interop.md maps every field).
 *
 * - **VERIS** (Vocabulary for Event Recording and Incident Sharing, the DBIR's format):
 *   import_veris() reads a VERIS 1.3.x or 1.4.x incident into a `postmortem/1` document;
 *   export_document(doc, ExportFormat::veris) writes VERIS 1.4 JSON that validates against
 *   the VERIS schema. What VERIS cannot hold is not invented; what postmortem/1 cannot hold is
 *   kept under `x_veris`, so nothing is lost on import.
 * - **STIX 2.1**: export_document(doc, ExportFormat::stix) writes a bundle: the incident, a
 *   course-of-action per action, attack-patterns, vulnerabilities, the organization's
 *   identity and their relationships. Ids are UUIDv5 of stable inputs, so re-exporting the
 *   same document gives the same ids.
 * - **Sharing safely**: exports honour `incident.tlp` (STIX marking definitions; VERIS has no
 *   marking, which docs/interop.md says) and ExportOptions::redact removes people's names,
 *   owners, participants, evidence locations and listed free-text fields first.
 *
 * Thread-safety: pure functions; concurrent calls are safe.
 */
#ifndef POSTMORTEM_INTEROP_HPP
#define POSTMORTEM_INTEROP_HPP

#include <postmortem/document.hpp>
#include <postmortem/policy.hpp>

#include <boost/json/value.hpp>

#include <string>
#include <string_view>
#include <vector>

PM_BEGIN_NAMESPACE

/// The formats export_document() writes. The C API's PM_EXPORT_* constants are these plus one.
PM_ENUM(ExportFormat, veris, stix)

/// What an export removes or adds (C: `options_json`, parsed by ExportOptions::parse).
struct ExportOptions {
  /// Remove people's names (participants, custody `by`/`to`, `collected_by`, review
  /// facilitator), action owners and teams, asset owners, the participants list and evidence
  /// locations. JSON: `"redact": true`, or an object (below).
  bool redact = false;
  /// Free-text members to remove as well, as member paths with `[]` for "every element":
  /// `"incident.summary"`, `"timeline[].description"`, `"factors[].why"`. JSON:
  /// `"redact": {"fields": [...]}` (which also sets `redact`). An unknown path is an error.
  std::vector<std::string> redact_fields;
  /// The organization the incident happened to (STIX `identity`, VERIS `victim`). JSON:
  /// `"organization": "Example Corp"`. Empty: the STIX identity is "Unknown organization"
  /// and the VERIS victim is left as `Unknown`.
  std::string organization;

  /**
   * @brief Reads `{"redact": true | {"fields": [...]}, "organization": "..."}`; empty text
   * means the defaults.
   * @throws error errc::invalid_argument naming the member that is not valid.
   */
  static ExportOptions parse(std::string_view json);
};

/// The member paths ExportOptions::redact_fields accepts (every free-text member).
std::vector<std::string_view> redactable_fields();

/**
 * @brief A copy of `doc` without what `options` says to remove (nothing when `redact` is
 * false). Removed text members are absent in the copy, never replaced by placeholders, so an
 * export of the copy contains none of the removed strings. `x_` extensions are removed too
 * when redacting: they may hold anything.
 */
Document redacted(const Document &doc, const ExportOptions &options);

/**
 * @brief The document in a sharing format: VERIS 1.4 JSON or a STIX 2.1 bundle, after
 * redaction. Pretty-printed JSON (two spaces), ending with a newline.
 * @param policy supplies the knowledge tables (ATT&CK names for attack-patterns).
 */
std::string export_document(const Document &doc, ExportFormat format, const ExportOptions &options = {},
                            const Policy &policy = {});

/// VERIS 1.4 JSON of a document (after redaction), as a value.
boost::json::value to_veris(const Document &doc, const ExportOptions &options = {}, const Policy &policy = {});

/// The STIX 2.1 bundle of a document (after redaction), as a value.
boost::json::value to_stix(const Document &doc, const ExportOptions &options = {}, const Policy &policy = {});

/**
 * @brief Reads a VERIS incident (schema_version 1.3, 1.3.x, 1_3_x, 1.4.x) into a new
 * `postmortem/1` document, mapped as docs/interop.md's table says; members it does not map
 * are kept under `incident.x_veris`.
 * @throws error errc::parse (not JSON, with line and column), errc::format (JSON, but not a
 *   VERIS incident: not an object, or no `schema_version`, `incident_id`, `action` or
 *   `timeline`), errc::limit (over the policy's limits).
 */
Document import_veris(std::string_view json, const Policy &policy = {});

PM_END_NAMESPACE

#endif
