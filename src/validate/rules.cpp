// The rule catalog: one row per rule, ordered by code. docs/rules.md is checked against this
// table by tests/cpp/validate_test.cpp, so a rule cannot go undocumented. Codes are never
// renumbered or reused; a retired rule keeps its row.
#include <postmortem/validate.hpp>

#include <algorithm>

PM_BEGIN_NAMESPACE

namespace {

constexpr Rule catalog[] = {
    {"PM100", Severity::error, "document", "The document is not valid JSON, or exceeds a limit",
     "Nothing in a document that cannot be read can be checked; the parser stops at the first problem.",
     "Fix the JSON at the reported line and column (a validator or `python3 -m json.tool` shows it), or raise the limit in the policy."},
    {"PM101", Severity::error, "document", "`schema` is missing or not a supported version",
     "The schema member says which version of the format the document follows; without it nothing can be read safely.",
     "Add \"schema\": \"postmortem/1\" at the top level."},
    {"PM102", Severity::error, "document", "A required member is missing or empty",
     "Required members (ids, titles, event times and types, factor kinds…) are what every analysis and report relies on.",
     "Add the member named in the message; FORMAT.md lists what each object requires."},
    {"PM103", Severity::error, "document", "A member has the wrong JSON type",
     "A value of the wrong type cannot be used: the member is treated as absent by every analysis.",
     "Give the member the type FORMAT.md states (a string, a number, an array of strings…)."},
    {"PM104", Severity::error, "document", "Unknown enumeration value",
     "Enumerations are closed lists so that documents can be compared across teams; an unknown value is treated as absent.",
     "Use one of the values listed in the message (lower-case snake_case)."},
    {"PM105", Severity::error, "document", "Invalid timestamp",
     "Timelines merge sources from many time zones; a timestamp without an offset, or an impossible one, cannot be placed.",
     "Write an RFC 3339 date-time with an offset, e.g. 2024-01-17T10:05:00Z or 2024-01-17T11:05:00+01:00."},
    {"PM106", Severity::error, "document", "Invalid date",
     "Due dates and review dates drive overdue and follow-up checks; an impossible date cannot.",
     "Write the date as YYYY-MM-DD (a real calendar day), or an RFC 3339 date-time with an offset."},
    {"PM107", Severity::error, "document", "Invalid id",
     "Ids are how elements refer to each other and how external tools refer to them; they must be simple and stable.",
     "Use 1 to 64 characters: a letter or digit, then letters, digits, '.', '_', ':' or '-' (the incident id: up to 128 printable characters)."},
    {"PM108", Severity::error, "document", "Duplicate id within a collection",
     "A reference to a duplicated id is ambiguous.",
     "Give every element of the collection its own id."},
    {"PM109", Severity::warning, "document", "Unknown member",
     "An unknown member is usually a typo, and its value is ignored by every analysis (it is kept on round trip).",
     "Correct the name (the message suggests the closest known one), or prefix private data with x_ (e.g. x_acme_ticket)."},
    {"PM110", Severity::error, "document", "Number out of range",
     "Counts cannot be negative, impact and effort are on a 1–5 scale, and a loss range needs min <= max; other values would skew scores.",
     "Use a finite number within the range stated in the message."},
};

static_assert(std::ranges::is_sorted(catalog, {}, &Rule::code), "the catalog is ordered by code");

} // namespace

std::span<const Rule> rules() noexcept { return catalog; }

const Rule *find_rule(std::string_view code) noexcept {
  auto it = std::ranges::lower_bound(catalog, code, {}, &Rule::code);
  return it != std::end(catalog) && it->code == code ? &*it : nullptr;
}

PM_END_NAMESPACE
