// postmortem/validate.hpp: the rule catalog and structural validation (PM100-PM110).
#include <postmortem/validate.hpp> // first: the header must be self-contained

#include "support.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <filesystem>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace json = boost::json;
namespace pm = postmortem;
using pm::Finding;
using pm::Severity;
using pm_test::minimal_doc;

namespace {

json::value jparse(std::string_view text) { return json::parse(json::string_view(text.data(), text.size())); }

// The structural rules PM100-PM110 (family "document") are what these tests pin down; the
// other families (references, timeline, analysis...) also report on small test documents
// (a minimal document has no root cause, no lessons...), so they are filtered out here.
bool structural(const Finding &f) {
  const pm::Rule *rule = pm::find_rule(f.code);
  REQUIRE_MESSAGE(rule != nullptr, "finding with a code not in the catalog: " << f.code);
  return rule->family == "document";
}

std::vector<Finding> structural(std::vector<Finding> findings) {
  std::erase_if(findings, [](const Finding &f) { return !structural(f); });
  return findings;
}

// The structural findings of a document.
std::vector<Finding> check(const std::string &text, const pm::Policy &policy = {}) {
  return structural(pm::validate(pm::parse(text), policy));
}

std::vector<Finding> with_code(const std::vector<Finding> &findings, std::string_view code) {
  std::vector<Finding> out;
  for (const auto &f : findings)
    if (f.code == code) out.push_back(f);
  return out;
}

// "path code" of each finding, one per line, in order: what the ordering tests compare (a
// string, so that doctest shows both sides when they differ).
std::string locations(const std::vector<Finding> &findings) {
  std::string out;
  for (const auto &f : findings) out += f.path + " " + f.code + "\n";
  return out;
}

// The lines joined as locations() joins them.
std::string lines(std::initializer_list<std::string_view> items) {
  std::string out;
  for (auto item : items) (out += item) += "\n";
  return out;
}

std::string describe(const std::vector<Finding> &findings) {
  std::ostringstream out;
  for (const auto &f : findings)
    out << "\n  " << f.code << " " << pm::to_string(f.severity) << " " << f.path << ": " << f.message;
  return out.str();
}

// `text` yields exactly one structural finding, of `code` at `path`.
Finding single(const std::string &text, std::string_view code, std::string_view path) {
  const auto findings = check(text);
  INFO("findings:" << describe(findings));
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].code == code);
  CHECK(findings[0].path == path);
  return findings[0];
}

// `text` yields no structural finding.
void clean(const std::string &text) {
  const auto findings = check(text);
  INFO("findings:" << describe(findings));
  CHECK(findings.empty());
}

const std::string event = R"({"id": "e1", "time": "2024-01-17T10:05:00Z", "type": "detection", "description": "d"})";

std::string with_event_member(const std::string &member) {
  return minimal_doc("", R"(, "timeline": [{"id": "e1", "time": "2024-01-17T10:05:00Z", "type": "detection", "description": "d", )" +
                             member + "}]");
}

// A document whose incident has exactly `members`.
std::string incident_doc(const std::string &members) {
  return R"({"schema": "postmortem/1", "incident": {)" + members + "}}";
}

// A minimal document with one event of exactly `members`.
std::string event_doc(const std::string &members) { return minimal_doc("", R"(, "timeline": [{)" + members + "}]"); }

std::string with_action(const std::string &members) {
  return minimal_doc("", R"(, "actions": [{"id": "A1", "title": "t")" + members + "}]");
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Matches ^PM[0-9]{3}$. (Hand-written: std::regex trips GCC 12's -Wmaybe-uninitialized in
// the sanitizer build, which uses -Werror.)
bool is_rule_code(std::string_view code) {
  return code.size() == 5 && code.substr(0, 2) == "PM" && is_digit(code[2]) && is_digit(code[3]) && is_digit(code[4]);
}

// Every PM[0-9]{3} in `line`, e.g. "| PM102 | error |" -> {"PM102"}.
std::vector<std::string> rule_codes_in(std::string_view line) {
  std::vector<std::string> out;
  for (std::size_t pos = line.find("PM"); pos != std::string_view::npos; pos = line.find("PM", pos + 1))
    if (pos + 5 <= line.size() && is_rule_code(line.substr(pos, 5))) out.emplace_back(line.substr(pos, 5));
  return out;
}

} // namespace

// ---------------------------------------------------------------------------------------
// The catalog

TEST_CASE("rules() is sorted by code, and codes are unique and look like PM + 3 digits") {
  const auto catalog = pm::rules();
  REQUIRE_FALSE(catalog.empty());
  for (std::size_t i = 0; i < catalog.size(); ++i) {
    CAPTURE(catalog[i].code);
    CHECK(is_rule_code(catalog[i].code));
    if (i > 0) CHECK(catalog[i - 1].code < catalog[i].code); // strictly: sorted and unique
  }
}

TEST_CASE("every rule has a family, a title, a why and a fix") {
  for (const auto &rule : pm::rules()) {
    CAPTURE(rule.code);
    CHECK_FALSE(rule.family.empty());
    CHECK_FALSE(rule.title.empty());
    CHECK_FALSE(rule.why.empty());
    CHECK_FALSE(rule.fix.empty());
  }
}

TEST_CASE("the catalog has the document rules PM100-PM110 with their default severities") {
  for (std::string code : {"PM100", "PM101", "PM102", "PM103", "PM104", "PM105", "PM106", "PM107", "PM108", "PM110"}) {
    CAPTURE(code);
    const pm::Rule *rule = pm::find_rule(code);
    REQUIRE(rule != nullptr);
    CHECK(rule->severity == Severity::error);
    CHECK(rule->family == "document");
  }
  REQUIRE(pm::find_rule("PM109") != nullptr);
  CHECK(pm::find_rule("PM109")->severity == Severity::warning); // FORMAT.md: an unknown member is a warning
}

TEST_CASE("find_rule returns the catalog's own entry") {
  const pm::Rule *rule = pm::find_rule("PM105");
  REQUIRE(rule != nullptr);
  CHECK(rule->code == "PM105");
  const auto catalog = pm::rules();
  CHECK(rule >= catalog.data());
  CHECK(rule < catalog.data() + catalog.size());
  for (const auto &r : catalog) CHECK(pm::find_rule(r.code) == &r);
}

TEST_CASE("find_rule returns nullptr for a code not in the catalog") {
  CHECK(pm::find_rule("PM999") == nullptr);
  CHECK(pm::find_rule("PM000") == nullptr);
  CHECK(pm::find_rule("pm109") == nullptr);
  CHECK(pm::find_rule("PM10") == nullptr);
  CHECK(pm::find_rule("PM1090") == nullptr);
  CHECK(pm::find_rule("") == nullptr);
}

TEST_CASE("docs/rules.md lists every rule of the catalog, with its title, and no other") {
  // FORMAT.md: "docs/ must list every rule". A code is listed when it appears in a heading
  // (`## PM102 ...`) or in a table row (`| PM102 | ... |`).
  const auto path = pm_test::source_dir() / "docs" / "rules.md";
  REQUIRE_MESSAGE(std::filesystem::exists(path), "docs/rules.md is missing: " << path.string());
  const std::string contents = pm_test::read_file(path);
  std::istringstream text(contents);
  std::set<std::string> listed;
  for (std::string line; std::getline(text, line);) {
    auto first = line.find_first_not_of(" \t");
    if (first == std::string::npos || (line[first] != '#' && line[first] != '|')) continue;
    for (const auto &code : rule_codes_in(line)) listed.insert(code);
  }
  for (const auto &rule : pm::rules()) {
    CAPTURE(rule.code);
    CHECK(listed.count(std::string(rule.code)) == 1);
    CHECK_MESSAGE(contents.find(rule.title) != std::string::npos, "the page lacks the title: " << std::string(rule.title));
  }
  for (const auto &code : listed) {
    CAPTURE(code);
    CHECK(pm::find_rule(code) != nullptr);
  }
}

// ---------------------------------------------------------------------------------------
// The broken-document corpus (tests/data/broken): one problem each

TEST_CASE("every broken document yields exactly its expected finding and no other structural error") {
  const auto dir = pm_test::data_dir() / "broken";
  const json::object expected = jparse(pm_test::read_file(dir / "expected.json")).as_object();
  REQUIRE(expected.size() >= 21);
  for (const auto &entry : expected) {
    const std::string file(entry.key());
    CAPTURE(file);
    const json::object &want = entry.value().as_object();
    const std::string code(want.at("code").as_string());
    const std::string path(want.at("path").as_string());
    const std::string severity(want.at("severity").as_string());
    CHECK(file.rfind(code + "-", 0) == 0); // README: the file name starts with the rule code

    const auto all = pm::validate(pm::load((dir / file).string()));
    INFO("findings:" << describe(all));
    const auto of_code = with_code(all, code);
    REQUIRE(of_code.size() == 1);
    CHECK(of_code[0].path == path);
    CHECK(pm::to_string(of_code[0].severity) == severity);
    CHECK_FALSE(of_code[0].message.empty());
    // The corpus targets the document rules; the other families judge content that a
    // minimal document lacks (root causes, lessons...), see the report of this test file.
    for (const auto &f : structural(all))
      if (f.code != code) CHECK_MESSAGE(f.severity != Severity::error, "unexpected " << f.code << " at " << f.path);
  }
}

TEST_CASE("every file of tests/data/broken is listed in expected.json") {
  const auto dir = pm_test::data_dir() / "broken";
  const json::object expected = jparse(pm_test::read_file(dir / "expected.json")).as_object();
  std::size_t files = 0;
  for (const auto &entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (entry.path().extension() != ".json" || name == "expected.json") continue;
    ++files;
    CAPTURE(name);
    CHECK(expected.contains(name));
  }
  CHECK(files == expected.size());
}

TEST_CASE("the minimal document has no structural findings") { clean(minimal_doc()); }

TEST_CASE("the samples have no structural findings (PM102-PM110)") {
  for (const char *name : pm_test::sample_names) {
    CAPTURE(name);
    const auto findings = pm::validate(pm::load(pm_test::sample(name).string()));
    INFO("findings:" << describe(findings));
    for (const auto &f : findings) CHECK_FALSE((f.code >= "PM102" && f.code <= "PM110"));
  }
}

// ---------------------------------------------------------------------------------------
// PM102: a required member is missing or empty

TEST_CASE("PM102: a missing incident is reported at /incident") {
  const Finding f = single(R"({"schema": "postmortem/1"})", "PM102", "/incident");
  CHECK(f.message == R"(missing required member "incident" in the document)");
  CHECK(f.severity == Severity::error);
}

TEST_CASE("PM102: a missing member is reported where it would be") {
  const Finding f = single(R"({"schema": "postmortem/1", "incident": {"id": "INC-1", "category": "phishing"}})", "PM102",
                           "/incident/title");
  CHECK(f.message == R"(missing required member "title" in the incident)");
  single(minimal_doc("", R"(, "timeline": [{"id": "e1", "time": "2024-01-17T10:05:00Z", "type": "detection"}])"), "PM102",
         "/timeline/0/description");
  single(minimal_doc("", R"(, "review": {"questions": [{"answer": "a"}]})"), "PM102", "/review/questions/0/question");
}

TEST_CASE("PM102: a required string of only white space is empty") {
  const Finding f = single(incident_doc(R"("id": "INC-1", "title": " \t", "category": "phishing")"), "PM102", "/incident/title");
  CHECK(f.message == R"(required member "title" in the incident is empty)");
}

TEST_CASE("PM102 near miss: a participant needs a name but no id") {
  clean(minimal_doc("", R"(, "participants": [{"name": "Ann"}])"));
  single(minimal_doc("", R"(, "participants": [{"role": "scribe"}])"), "PM102", "/participants/0/name");
}

// ---------------------------------------------------------------------------------------
// PM103: wrong JSON type

TEST_CASE("PM103: a non-string element of a string array is reported at the element") {
  const Finding f = single(minimal_doc(R"(, "tags": ["a", 1])"), "PM103", "/incident/tags/1");
  CHECK(f.message == R"(elements of "tags" should be strings, not an integer)");
}

TEST_CASE("PM103: a member of the wrong type names what it should be") {
  CHECK(single(minimal_doc(R"(, "summary": 5)"), "PM103", "/incident/summary").message ==
        R"("summary" should be a string, not an integer)");
  CHECK(single(minimal_doc(R"(, "impact": {"records_affected": 5.0})"), "PM103", "/incident/impact/records_affected")
            .message == R"("records_affected" should be an integer, not the number 5.0)");
  CHECK(single(with_event_member(R"("key": "yes")"), "PM103", "/timeline/0/key").message ==
        R"("key" should be true or false, not a string)");
  CHECK(single(incident_doc(R"("id": "INC-1", "title": "t", "category": 5)"), "PM103", "/incident/category").message ==
        R"("category" should be one of the listed strings, not an integer)");
  CHECK(single(event_doc(R"("id": "e1", "time": 1705485900, "type": "alert", "description": "d")"), "PM103", "/timeline/0/time")
            .message == R"("time" should be an RFC 3339 timestamp string, not an integer)");
  CHECK(single(minimal_doc(R"(, "actor": "FIN7")"), "PM103", "/incident/actor").message ==
        R"("actor" should be an object, not a string)");
}

TEST_CASE("PM103: a non-object element of a top-level collection is reported at the element") {
  const auto findings = check(minimal_doc("", ", \"timeline\": [" + event + ", 5]"));
  INFO("findings:" << describe(findings));
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].code == "PM103");
  CHECK(findings[0].path == "/timeline/1");
  CHECK(findings[0].message == R"(elements of "timeline" should be objects, not an integer)");
}

TEST_CASE("PM103: the object elements of a collection kept raw are still validated") {
  const auto findings = check(minimal_doc("", R"(, "timeline": [5, {"id": "e1", "time": "2024-01-17T10:05:00Z", "description": "d"}])"));
  CHECK(locations(findings) == lines({"/timeline/0 PM103", "/timeline/1/type PM102"}));
}

TEST_CASE("PM103 near miss: null and empty arrays mean absent") {
  clean(minimal_doc(R"(, "tags": [], "summary": null, "techniques": null)", R"(, "timeline": [], "review": null)"));
}

// ---------------------------------------------------------------------------------------
// PM104: unknown enumeration value

TEST_CASE("PM104: an unknown enum value suggests the closest one and lists them all in the hint") {
  const Finding f = single(incident_doc(R"("id": "INC-1", "title": "t", "category": "phising")"), "PM104", "/incident/category");
  CHECK(f.message == R"(unknown category "phising" (did you mean "phishing"?))");
  CHECK(f.hint.rfind(R"(Use one of: "network_breach", "phishing", )", 0) == 0);
  CHECK(f.hint.find(R"("lost_or_stolen_device", "other".)") != std::string::npos);
}

TEST_CASE("PM104: an unknown value in an array of enums is reported at the element") {
  const Finding f = single(minimal_doc(R"(, "impact": {"data_types": ["pii", "dna"]})"), "PM104", "/incident/impact/data_types/1");
  CHECK(f.message == R"(unknown data_types value "dna")");
}

TEST_CASE("PM104 near miss: enum values are case-sensitive, the right spelling is clean") {
  clean(minimal_doc(R"(, "tlp": "amber_strict", "determination": "near_miss")"));
  single(minimal_doc(R"(, "tlp": "AMBER")"), "PM104", "/incident/tlp");
}

// ---------------------------------------------------------------------------------------
// PM105: invalid timestamp

TEST_CASE("PM105: a timestamp without an offset says why") {
  const Finding f = single(event_doc(R"("id": "e1", "time": "2024-01-17T10:05:00", "type": "alert", "description": "d")"), "PM105",
                           "/timeline/0/time");
  CHECK(f.message == R"("2024-01-17T10:05:00" is not a valid timestamp: no UTC offset (add Z or +hh:mm): a local time is ambiguous)");
}

TEST_CASE("PM105: an impossible day in a milestone") {
  const Finding f = single(minimal_doc(R"(, "milestones": {"detected_at": "2023-02-29T10:00:00Z"})"), "PM105",
                           "/incident/milestones/detected_at");
  CHECK(f.message == R"("2023-02-29T10:00:00Z" is not a valid timestamp: day 29 is out of range for 2023-02)");
}

TEST_CASE("PM105 near miss: -00:00, lower case and a leap day are valid timestamps") {
  clean(minimal_doc(R"(, "milestones": {"detected_at": "2024-02-29T10:00:00-00:00", "contained_at": "2024-02-29t11:00:00.123456z"})"));
}

// ---------------------------------------------------------------------------------------
// PM106: invalid date

TEST_CASE("PM106: an impossible due date says why") {
  const Finding f = single(with_action(R"(, "due": "2023-02-29")"), "PM106", "/actions/0/due");
  CHECK(f.message == R"("2023-02-29" is not a valid date: day 29 is out of range for 2023-02)");
}

TEST_CASE("PM106: a verification date is checked inside the action") {
  single(with_action(R"(, "verification": [{"date": "2024-13-01", "result": "effective"}])"), "PM106",
         "/actions/0/verification/0/date");
}

TEST_CASE("PM106 near miss: a leap day and a date-time with an offset are valid dates") {
  clean(with_action(R"(, "due": "2024-02-29", "verification": [{"date": "2024-02-29T23:30:00-02:00"}])"));
}

// ---------------------------------------------------------------------------------------
// PM107: invalid id

TEST_CASE("PM107: an id with a space is invalid") {
  const Finding f = single(minimal_doc("", R"(, "assets": [{"id": "srv 1", "name": "n"}])"), "PM107", "/assets/0/id");
  CHECK(f.message == R"(invalid id "srv 1" in an asset)");
}

TEST_CASE("PM107: ids are 1 to 64 characters starting with a letter or digit") {
  const std::string id64(64, 'a');
  clean(minimal_doc("", R"(, "lessons": [{"id": ")" + id64 + R"(", "text": "t"}, {"id": "0a.b_c:d-E", "text": "t"}])"));
  single(minimal_doc("", R"(, "lessons": [{"id": ")" + id64 + R"(a", "text": "t"}])"), "PM107", "/lessons/0/id");
  single(minimal_doc("", R"(, "lessons": [{"id": "-a", "text": "t"}])"), "PM107", "/lessons/0/id");
  single(minimal_doc("", R"(, "lessons": [{"id": "", "text": "t"}])"), "PM107", "/lessons/0/id");
}

TEST_CASE("PM107: an optional participant id is checked when given") {
  single(minimal_doc("", R"(, "participants": [{"id": "p 1", "name": "Ann"}])"), "PM107", "/participants/0/id");
}

TEST_CASE("PM107 near miss: the incident id is any printable text up to 128 bytes") {
  const auto with_incident_id = [](const std::string &id) {
    return R"({"schema": "postmortem/1", "incident": {"id": ")" + id + R"(", "title": "t", "category": "phishing"}})";
  };
  clean(with_incident_id("INC 2024/0042 (Acme)"));
  clean(with_incident_id(std::string(128, 'x')));
  single(with_incident_id(std::string(129, 'x')), "PM107", "/incident/id");
  single(with_incident_id("INC\\n1"), "PM107", "/incident/id"); // a control character
}

// ---------------------------------------------------------------------------------------
// PM108: duplicate id

TEST_CASE("PM108: each repeated id is reported at the later element, naming the first") {
  const auto findings = check(minimal_doc("", ", \"timeline\": [" + event + "," + event + "," + event + "]"));
  INFO("findings:" << describe(findings));
  REQUIRE(findings.size() == 2);
  CHECK(findings[0].path == "/timeline/1/id");
  CHECK(findings[0].message == R"(duplicate id "e1" in timeline: also used by /timeline/0)");
  CHECK(findings[1].path == "/timeline/2/id");
  CHECK(findings[1].message == R"(duplicate id "e1" in timeline: also used by /timeline/0)");
}

TEST_CASE("PM108: duplicate ids are found in a collection kept raw because of a non-object element") {
  // The timeline cannot be typed (5 is not an event), but its object elements are still
  // events with ids; every other structural rule checks them (see the PM103 tests above).
  const auto findings = check(minimal_doc("", ", \"timeline\": [" + event + "," + event + ", 5]"));
  CHECK(locations(findings) == lines({"/timeline/1/id PM108", "/timeline/2 PM103"}));
}

TEST_CASE("PM108: duplicate participant ids") {
  single(minimal_doc("", R"(, "participants": [{"id": "p1", "name": "A"}, {"id": "p1", "name": "B"}])"), "PM108",
         "/participants/1/id");
}

TEST_CASE("PM108 near miss: ids are unique per collection and case-sensitive") {
  clean(minimal_doc("", R"(, "assets": [{"id": "e1", "name": "n"}], "timeline": [)" + event +
                            R"(, {"id": "E1", "time": "2024-01-17T10:05:00Z", "type": "alert", "description": "d"}])"));
  clean(minimal_doc("", R"(, "participants": [{"name": "A"}, {"name": "B"}])"));
}

// ---------------------------------------------------------------------------------------
// PM109: unknown member

TEST_CASE("PM109: an unknown member is a warning with a did-you-mean") {
  const Finding f = single(minimal_doc(R"(, "sumary": "s")"), "PM109", "/incident/sumary");
  CHECK(f.severity == Severity::warning);
  CHECK(f.message == R"(unknown member "sumary" in the incident (did you mean "summary"?))");
  CHECK(f.hint == R"(Rename it to "summary", or prefix private data with x_.)");
}

TEST_CASE("PM109: an unknown top-level member") {
  const Finding f = single(minimal_doc("", R"(, "timelines": [])"), "PM109", "/timelines");
  CHECK(f.message == R"(unknown member "timelines" in the document (did you mean "timeline"?))");
}

TEST_CASE("PM109: an unknown member far from every name gets no suggestion and the rule's fix as hint") {
  const Finding f = single(minimal_doc(R"(, "colour": "blue")"), "PM109", "/incident/colour");
  CHECK(f.message == R"(unknown member "colour" in the incident; it is kept but not used)");
  CHECK(f.hint == pm::find_rule("PM109")->fix);
}

TEST_CASE("PM109 near miss: x_ members are extensions, not unknown members") {
  clean(minimal_doc(R"(, "x_sumary": "s", "x_": {"a": 1})", R"(, "x_acme_ticket": "SEC-1")"));
}

TEST_CASE("PM109 is reported in every object type, in document order, and x_ members are not") {
  const auto findings = check(pm_test::every_object_type_doc());
  INFO("findings:" << describe(findings));
  for (const auto &f : findings) {
    CHECK(f.code == "PM109");
    CHECK(f.severity == Severity::warning);
  }
  std::string paths;
  for (const auto &f : findings) paths += f.path + "\n";
  // Unknown members come after the known members of their object (FORMAT.md order), so
  // /incident/incident_unknown follows everything inside actor, milestones and impact.
  CHECK(paths == lines({
                     "/incident/actor/actor_unknown",
                     "/incident/milestones/milestones_unknown",
                     "/incident/impact/financial_loss/financial_loss_unknown",
                     "/incident/impact/impact_unknown",
                     "/incident/incident_unknown",
                     "/assets/0/asset_unknown",
                     "/vulnerabilities/0/vulnerability_unknown",
                     "/timeline/0/event_unknown",
                     "/evidence/0/custody/0/custody_unknown",
                     "/evidence/0/evidence_unknown",
                     "/indicators/0/indicator_unknown",
                     "/factors/0/factor_unknown",
                     "/actions/0/ticket/ticket_unknown",
                     "/actions/0/verification/0/verification_unknown",
                     "/actions/0/action_unknown",
                     "/lessons/0/lesson_unknown",
                     "/participants/0/participant_unknown",
                     "/review/questions/0/question_unknown",
                     "/review/review_unknown",
                     "/unknown_top",
                 }));
}

TEST_CASE("a member name is escaped as an RFC 6901 pointer token") {
  // "/" becomes "~1" and "~" becomes "~0".
  const Finding f = single(minimal_doc(R"(, "a/b~c": 1)"), "PM109", "/incident/a~1b~0c");
  CHECK(f.message == R"(unknown member "a/b~c" in the incident; it is kept but not used)");
}

// ---------------------------------------------------------------------------------------
// PM110: number out of range

TEST_CASE("PM110: effort and impact are on a 1-5 scale") {
  CHECK(single(with_action(R"(, "effort": 0)"), "PM110", "/actions/0/effort").message == "effort is 0; it must be from 1 to 5");
  CHECK(single(with_action(R"(, "impact": 7)"), "PM110", "/actions/0/impact").message == "impact is 7; it must be from 1 to 5");
}

TEST_CASE("PM110 near miss: 1 and 5 are in range") { clean(with_action(R"(, "effort": 1, "impact": 5)")); }

TEST_CASE("PM110: counts are non-negative") {
  CHECK(single(minimal_doc(R"(, "impact": {"records_affected": -1})"), "PM110", "/incident/impact/records_affected").message ==
        "records_affected is -1; it must be at least 0");
  single(minimal_doc("", R"(, "evidence": [{"id": "ev1", "description": "d", "size_bytes": -1}])"), "PM110",
         "/evidence/0/size_bytes");
  clean(minimal_doc(R"(, "impact": {"records_affected": 0, "users_affected": 0, "downtime_minutes": 0})"));
}

TEST_CASE("PM110: a loss range with min above max is reported at the financial_loss object") {
  const Finding f = single(minimal_doc(R"(, "impact": {"financial_loss": {"min": 5000, "max": 1000}})"), "PM110",
                           "/incident/impact/financial_loss");
  CHECK(f.message == "financial_loss min 5000 is greater than max 1000");
  clean(minimal_doc(R"(, "impact": {"financial_loss": {"min": 1000, "max": 1000, "currency": "EUR"}})"));
}

TEST_CASE("PM110: numbers that are not finite or too large for a count") {
  CHECK(single(minimal_doc(R"(, "impact": {"downtime_minutes": 1e400})"), "PM110", "/incident/impact/downtime_minutes")
            .message == "downtime_minutes is 1e999, which is not a finite number");
  CHECK(single(minimal_doc(R"(, "impact": {"records_affected": 18446744073709551615})"), "PM110",
               "/incident/impact/records_affected")
            .message == "records_affected is 18446744073709551615, larger than any count this library stores (2^63 - 1)");
}

// ---------------------------------------------------------------------------------------
// Order, policy, hints

TEST_CASE("findings are ordered by pointer in document order, indexes numerically, then by code") {
  // Emitted in a different order: PM108 (duplicate ids) is found after the walk over the whole
  // document, and "/timeline/10/id" < "/timeline/2/type" as text.
  std::string timeline;
  for (int i = 0; i <= 10; ++i) {
    std::string id = i == 1 || i == 3 ? "bad id" : i == 10 ? "e0" : "e" + std::to_string(i);
    std::string type = i == 2 ? "bogus" : "alert";
    timeline += std::string(i ? "," : "") + R"({"id": ")" + id + R"(", "time": "2024-01-17T10:05:00Z", "type": ")" + type +
                R"(", "description": "d"})";
  }
  const std::string doc = R"({"zzz": 1, "actions": [{"id": "A1", "title": "t", "effort": 0}], "schema": "postmortem/1",
      "incident": {"id": "INC-1", "title": "", "category": "phishing"}, "timeline": [)" + timeline + "]}";
  const auto findings = check(doc);
  CHECK(locations(findings) == lines({
                                   "/incident/title PM102",
                                   "/timeline/1/id PM107",
                                   "/timeline/2/type PM104",
                                   "/timeline/3/id PM107",
                                   "/timeline/3/id PM108",
                                   "/timeline/10/id PM108",
                                   "/actions/0/effort PM110",
                                   "/zzz PM109",
                               }));
}

TEST_CASE("findings of every rule family are in document order: top-level members, then indexes, then code") {
  // An independent, partial check of the order over everything validate() reports on the
  // samples and the broken documents: the top-level member of each pointer follows FORMAT.md's
  // order (unknown members last), indexes into the same collection ascend numerically, and
  // findings at the same pointer ascend by code.
  const std::vector<std::string> top = {"schema", "incident", "assets", "vulnerabilities", "timeline", "evidence",
                                        "indicators", "factors", "actions", "lessons", "participants", "review"};
  auto split = [](const std::string &path) {
    std::vector<std::string> tokens;
    for (std::size_t pos = 0; pos < path.size();) {
      std::size_t end = path.find('/', pos + 1);
      if (end == std::string::npos) end = path.size();
      tokens.push_back(path.substr(pos + 1, end - pos - 1));
      pos = end;
    }
    return tokens;
  };
  auto rank = [&](const std::vector<std::string> &tokens) {
    if (tokens.empty()) return std::size_t{0};
    auto it = std::find(top.begin(), top.end(), tokens[0]);
    return static_cast<std::size_t>(it - top.begin()) + 1;
  };
  auto index = [](const std::vector<std::string> &tokens) -> long {
    if (tokens.size() < 2 || tokens[1].empty() || tokens[1].find_first_not_of("0123456789") != std::string::npos) return -1;
    return std::stol(tokens[1]);
  };

  std::vector<std::filesystem::path> files;
  for (const char *name : pm_test::sample_names) files.push_back(pm_test::sample(name));
  for (const auto &entry : std::filesystem::directory_iterator(pm_test::data_dir() / "broken"))
    if (entry.path().extension() == ".json" && entry.path().filename() != "expected.json") files.push_back(entry.path());
  const pm::Policy policy = pm::Policy::parse(R"({"as_of": "2024-06-01T00:00:00Z"})");
  std::size_t compared = 0;
  for (const auto &file : files) {
    CAPTURE(file.filename().string());
    const auto findings = pm::validate(pm::load(file.string()), policy);
    INFO("findings:" << describe(findings));
    for (std::size_t i = 1; i < findings.size(); ++i, ++compared) {
      const Finding &a = findings[i - 1], &b = findings[i];
      CAPTURE(a.path);
      CAPTURE(b.path);
      const auto ta = split(a.path), tb = split(b.path);
      CHECK(rank(ta) <= rank(tb));
      if (rank(ta) == rank(tb) && !ta.empty() && ta[0] == tb[0] && index(ta) >= 0 && index(tb) >= 0) CHECK(index(ta) <= index(tb));
      if (a.path == b.path) CHECK(a.code <= b.code);
    }
  }
  CHECK(compared > 50); // the check saw real findings
}

TEST_CASE("a rule the policy turns off reports nothing") {
  pm::Policy policy;
  policy.set_rule("PM109=off");
  CHECK(check(minimal_doc(R"(, "sumary": "s")"), policy).empty());
  // Other rules still report.
  CHECK(with_code(check(minimal_doc(R"(, "sumary": "s", "summary": 5)"), policy), "PM103").size() == 1);
}

TEST_CASE("a policy severity override changes the finding's severity") {
  const pm::Policy policy = pm::Policy::parse(R"({"rules": {"PM109": "error", "PM110": "info"}})");
  const auto findings = check(minimal_doc(R"(, "sumary": "s", "impact": {"records_affected": -1})"), policy);
  REQUIRE(findings.size() == 2);
  CHECK(findings[0].code == "PM110");
  CHECK(findings[0].severity == Severity::info);
  CHECK(findings[1].code == "PM109");
  CHECK(findings[1].severity == Severity::error);
}

TEST_CASE("a finding's hint defaults to its rule's fix text") {
  const Finding f = single(R"({"schema": "postmortem/1"})", "PM102", "/incident");
  CHECK(f.hint == pm::find_rule("PM102")->fix);
  CHECK(single(with_action(R"(, "effort": 0)"), "PM110", "/actions/0/effort").hint == pm::find_rule("PM110")->fix);
}

TEST_CASE("validate is a pure function: the same input gives the same findings") {
  const pm::Document doc = pm::parse(pm_test::every_object_type_doc());
  CHECK(pm::validate(doc) == pm::validate(doc));
}

// ---------------------------------------------------------------------------------------
// Findings from parse errors, and as JSON

TEST_CASE("finding_from_error maps errc::parse to PM100 on the whole document") {
  try {
    pm::parse("{\"schema\": ");
    FAIL("parse did not throw");
  } catch (const pm::error &e) {
    REQUIRE(e.code() == pm::errc::parse);
    const Finding f = pm::finding_from_error(e);
    CHECK(f.code == "PM100");
    CHECK(f.severity == Severity::error);
    CHECK(f.path == "");
    CHECK(f.message == e.what());
    CHECK(f.hint == pm::find_rule("PM100")->fix);
  }
}

TEST_CASE("finding_from_error maps errc::limit to PM100") {
  pm::Policy policy;
  policy.limits.max_depth = 2;
  try {
    pm::parse(minimal_doc(R"(, "tags": ["a"])"), policy);
    FAIL("parse did not throw");
  } catch (const pm::error &e) {
    REQUIRE(e.code() == pm::errc::limit);
    CHECK(pm::finding_from_error(e).code == "PM100");
  }
}

TEST_CASE("finding_from_error maps errc::version to PM101") {
  try {
    pm::parse(R"({"schema": "postmortem/2"})");
    FAIL("parse did not throw");
  } catch (const pm::error &e) {
    REQUIRE(e.code() == pm::errc::version);
    const Finding f = pm::finding_from_error(e);
    CHECK(f.code == "PM101");
    CHECK(f.severity == Severity::error);
    CHECK(f.path == "");
    CHECK(f.message == R"(schema "postmortem/2" is not supported: this build reads "postmortem/1")");
    CHECK(f.hint == pm::find_rule("PM101")->fix);
  }
}

TEST_CASE("findings_to_json writes an array of {code, severity, path, message, hint}") {
  const auto findings = pm::validate(pm::parse(minimal_doc(R"(, "sumary": "s", "a/b": 1, "impact": {"records_affected": -1})")));
  REQUIRE(findings.size() >= 3);
  for (bool pretty : {false, true}) {
    CAPTURE(pretty);
    const json::value v = jparse(pm::findings_to_json(findings, pretty));
    REQUIRE(v.is_array());
    REQUIRE(v.as_array().size() == findings.size());
    for (std::size_t i = 0; i < findings.size(); ++i) {
      const json::object &o = v.as_array()[i].as_object();
      CHECK(o.size() == 5);
      CHECK(o.at("code").as_string() == findings[i].code);
      CHECK(o.at("severity").as_string() == pm::to_string(findings[i].severity));
      CHECK(o.at("path").as_string() == findings[i].path);
      CHECK(o.at("message").as_string() == findings[i].message);
      CHECK(o.at("hint").as_string() == findings[i].hint);
    }
  }
}

TEST_CASE("findings_to_json omits an empty hint and writes [] for no findings") {
  CHECK(pm::findings_to_json({}) == "[]");
  const std::vector<Finding> one = {{"PM109", Severity::warning, "/incident/x", "unknown \"x\"", ""}};
  CHECK(pm::findings_to_json(one) ==
        R"([{"code":"PM109","severity":"warning","path":"/incident/x","message":"unknown \"x\""}])");
}

// ---------------------------------------------------------------------------------------
// The rule families PM116, PM2xx–PM7xx: tests/data/rules holds, per rule, a document that
// triggers it exactly once and a near miss that must not trigger it, all derived from one
// clean base document, under the fixed policy of expected.json (as_of 2024-06-01).

namespace {

struct RuleCases {
  pm::Policy policy;
  json::object cases;
  std::filesystem::path dir = pm_test::data_dir() / "rules";

  RuleCases() {
    json::object index = jparse(pm_test::read_file(dir / "expected.json")).as_object();
    policy = pm::Policy::parse(pm::serialize_value(index.at("policy")));
    cases = index.at("cases").as_object();
  }

  std::vector<Finding> check(std::string_view file) const {
    return pm::validate(pm::parse(pm_test::read_file(dir / std::string(file)), policy), policy);
  }
};

} // namespace

TEST_CASE("the base document of the rule fixtures is clean under the fixture policy") {
  RuleCases rc;
  auto findings = rc.check("base.json");
  for (const auto &f : findings) INFO(f.code, " ", f.path, ": ", f.message);
  CHECK(findings.empty());
}

TEST_CASE("every rule from PM116 on triggers exactly once at its pointer, and not on its near miss") {
  RuleCases rc;
  for (const auto &kv : rc.cases) {
    const std::string code(kv.key());
    const json::object &c = kv.value().as_object();
    CAPTURE(code);
    auto trigger = rc.check(std::string(c.at("trigger").as_string()));
    std::vector<Finding> hits;
    for (const auto &f : trigger)
      if (f.code == code) hits.push_back(f);
    REQUIRE(hits.size() == 1);
    CHECK(hits[0].path == std::string_view(c.at("path").as_string()));
    CHECK(pm::to_string(hits[0].severity) == std::string_view(c.at("severity").as_string()));
    CHECK(hits[0].message.find(std::string_view(c.at("message_contains").as_string())) != std::string::npos);
    // Nothing else fires but what the case declares it cannot avoid.
    std::set<std::string> allowed{code};
    if (const auto *also = c.if_contains("also"))
      for (const auto &a : also->as_array()) allowed.insert(std::string(a.as_string()));
    for (const auto &f : trigger) {
      CAPTURE(f.message);
      CHECK(allowed.contains(f.code));
    }
    auto near_miss = rc.check(std::string(c.at("near_miss").as_string()));
    for (const auto &f : near_miss) {
      CAPTURE(f.message);
      CHECK(f.code != code);
    }
  }
}

TEST_CASE("every rule of the catalog has fixtures, except the structural ones") {
  RuleCases rc;
  for (const auto &rule : pm::rules()) {
    if (rule.code <= std::string_view("PM110")) continue;
    CAPTURE(rule.code);
    CHECK(rc.cases.contains(rule.code));
  }
}

// The three samples under the same policy: a reviewed list of findings per sample in
// tests/data/golden/<sample>.findings.json. They are realistic, not perfect; the reasons
// for each finding are in tests/data/golden/README.md. Regenerate with
// PM_UPDATE_GOLDEN=1 build/tests/cpp/pm_cpp_tests -tc='*golden*' and review the diff.
TEST_CASE("the samples produce their reviewed golden findings") {
  const pm::Policy policy = pm::Policy::parse(R"({"as_of": "2024-06-01T00:00:00Z"})");
  for (const char *name : pm_test::sample_names) {
    CAPTURE(name);
    auto findings = pm::validate(pm::load(pm_test::sample(name).string(), policy), policy);
    std::string actual = pm::findings_to_json(findings, true);
    auto golden = pm_test::data_dir() / "golden" / (std::filesystem::path(name).stem().string() + ".findings.json");
    if (std::getenv("PM_UPDATE_GOLDEN")) {
      std::filesystem::create_directories(golden.parent_path());
      std::ofstream(golden, std::ios::binary) << actual;
    }
    CHECK(actual == pm_test::read_file(golden));
  }
}
