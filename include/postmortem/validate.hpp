/**
 * @file postmortem/validate.hpp
 * @brief Validation of a document against the rule catalog.
 *
 * Each rule has a stable code (`PM` + three digits, never renumbered or reused), a default
 * severity and documentation; the catalog is one table, rules(), from which docs/rules.md is
 * checked. validate() is a pure function of (document, policy).
 */
#ifndef POSTMORTEM_VALIDATE_HPP
#define POSTMORTEM_VALIDATE_HPP

#include <postmortem/document.hpp>
#include <postmortem/policy.hpp>

#include <boost/json/value.hpp>

#include <span>
#include <string>
#include <string_view>
#include <vector>

PM_BEGIN_NAMESPACE

/// One entry of the rule catalog.
struct Rule {
  std::string_view code;     ///< e.g. "PM102"
  Severity severity;         ///< default severity
  std::string_view family;   ///< "document", "references", "timeline", ...
  std::string_view title;    ///< one line
  std::string_view why;      ///< why it matters
  std::string_view fix;      ///< how to fix; also the default hint of its findings
};

/// The whole catalog, ordered by code. Static storage; never changes at run time.
std::span<const Rule> rules() noexcept;

/// The rule with this code, or nullptr. O(log n).
const Rule *find_rule(std::string_view code) noexcept;

/// One problem found in a document.
struct Finding {
  std::string code;     ///< rule code
  Severity severity;    ///< after the policy's overrides
  std::string path;     ///< RFC 6901 JSON Pointer into the document
  std::string message;  ///< what is wrong, naming the values involved
  std::string hint;     ///< how to fix; may be empty

  friend bool operator==(const Finding &, const Finding &) = default;
};

/**
 * @brief Checks a document against every rule the policy leaves on.
 * @return findings ordered by pointer in document order (members in FORMAT.md order,
 *   array elements by index), then by code.
 * @par Complexity
 * O(n log n) in the number of elements of the document.
 */
std::vector<Finding> validate(const Document &doc, const Policy &policy = {});

/**
 * @brief The finding a linting run reports for a document that could not be parsed:
 * PM100 for errc::parse and errc::limit, PM101 for errc::version; path "" (the document).
 */
Finding finding_from_error(const error &e);

/// Findings as a JSON array of {code, severity, path, message, hint?}.
std::string findings_to_json(const std::vector<Finding> &findings, bool pretty = false);

/// The findings as the JSON array findings_to_json() writes.
boost::json::value to_value(const std::vector<Finding> &findings);

PM_END_NAMESPACE

#endif
