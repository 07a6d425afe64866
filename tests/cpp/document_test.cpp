// postmortem/document.hpp: the model, the lossless parser and the serializer.
#include <postmortem/document.hpp> // first: the header must be self-contained

#include "support.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>

namespace json = boost::json;
namespace pm = postmortem;
using pm::errc;
using pm_test::minimal_doc;

namespace {

constexpr std::int64_t second = 1'000'000; // microseconds

json::value jparse(std::string_view text) { return json::parse(json::string_view(text.data(), text.size())); }

pm::Document load_sample(const char *name) { return pm::load(pm_test::sample(name).string()); }

// The lossless property: what to_json writes is, as JSON, exactly what was read.
void check_round_trip(const std::string &text, const pm::Policy &policy = {}) {
  const json::value original = jparse(text);
  const pm::Document doc = pm::parse(text, policy);
  CHECK(pm::to_value(doc) == original);
  CHECK(jparse(pm::to_json(doc)) == original);
  CHECK(jparse(pm::to_json(doc, {.pretty = true})) == original);
}

// The code and message of the postmortem::error `fn` throws.
template <class F> std::pair<errc, std::string> thrown(F fn) {
  try {
    fn();
  } catch (const pm::error &e) {
    return {e.code(), e.what()};
  }
  FAIL("no postmortem::error was thrown");
  return {};
}

std::string nested_arrays(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

bool contains(const std::string &haystack, const std::string &needle) {
  return haystack.find(needle) != std::string::npos;
}

} // namespace

// ---------------------------------------------------------------------------------------
// Enumerations

TEST_CASE("enumerations are spelled as in FORMAT.md, public_ as \"public\"") {
  CHECK(pm::to_string(pm::Category::data_exfiltration) == "data_exfiltration");
  CHECK(pm::to_string(pm::DataClassification::public_) == "public");
  CHECK(pm::enum_from_string<pm::DataClassification>("public") == pm::DataClassification::public_);
  CHECK(pm::enum_from_string<pm::EventType>("attacker_activity") == pm::EventType::attacker_activity);
  CHECK_FALSE(pm::enum_from_string<pm::Category>("phising").has_value());
  CHECK(pm::enum_traits<pm::Category>::names.size() == 13); // FORMAT.md lists 13 categories
  CHECK(pm::enum_traits<pm::EventType>::names.size() == 13);
}

TEST_CASE("schema_version is postmortem/1") { CHECK(pm::schema_version == "postmortem/1"); }

// ---------------------------------------------------------------------------------------
// The samples, as typed values

TEST_CASE("the phishing sample loads with its typed values") {
  const pm::Document doc = load_sample("phishing-mfa-fatigue.json");
  CHECK(doc.schema == "postmortem/1");
  REQUIRE(doc.incident.has_value());
  const pm::Incident &inc = *doc.incident;
  CHECK(inc.id == "INC-2024-0117");
  CHECK(inc.category == pm::Category::phishing);
  CHECK(inc.determination == pm::Determination::confirmed);
  CHECK(inc.declared_severity == pm::SeverityTier::high);
  CHECK(inc.status == pm::IncidentStatus::closed);
  CHECK(inc.discovery_method == pm::DiscoveryMethod::internal_detection);
  CHECK(inc.techniques.size() == 5);
  CHECK(inc.techniques.front() == "T1566.002");
  REQUIRE(inc.milestones.has_value());
  REQUIRE(inc.milestones->detected_at.has_value());
  CHECK(inc.milestones->detected_at->to_string() == "2024-01-17T10:05:00Z");

  REQUIRE(inc.impact.has_value());
  CHECK(inc.impact->confidentiality == pm::CiaLevel::low);
  CHECK(inc.impact->rating == pm::ImpactRating::painful);
  CHECK(inc.impact->records_affected == 312);
  CHECK(inc.impact->users_affected == 1);
  CHECK(inc.impact->downtime_minutes == 0.0);
  CHECK(inc.impact->data_types == std::vector<pm::DataType>{pm::DataType::pii, pm::DataType::financial});
  REQUIRE(inc.impact->financial_loss.has_value());
  CHECK(inc.impact->financial_loss->min == 0.0);
  CHECK(inc.impact->financial_loss->max == 48500.0);
  CHECK(inc.impact->financial_loss->currency == "EUR");
  CHECK(inc.impact->recoverability == pm::Recoverability::regular);

  REQUIRE(doc.timeline.size() == 10);
  const pm::Event &e2 = doc.timeline[1];
  CHECK(e2.id == "e2");
  CHECK(e2.type == pm::EventType::attacker_activity);
  REQUIRE(e2.time.has_value());
  // 2024-01-17T09:58:44+01:00 = 2024-01-17T08:58:44Z = (19739 * 86400 + 32324) s = 1705481924 s
  // (2024-01-17 is day 19723 + 16; 08:58:44 is 8 * 3600 + 58 * 60 + 44 = 32324 s).
  CHECK(e2.time->micros == 1'705'481'924 * second);
  CHECK(e2.time->offset_minutes == 60);
  CHECK(e2.time->to_string() == "2024-01-17T09:58:44+01:00");

  REQUIRE(doc.actions.size() == 5);
  const pm::Action &act3 = doc.actions[2];
  CHECK(act3.id == "act3");
  REQUIRE(act3.due.has_value());
  CHECK(act3.due->days == 19782); // 2024-02-29 = 19723 + 31 + 28
  CHECK(act3.due->to_string() == "2024-02-29");
  CHECK(act3.status == pm::ActionStatus::in_progress);
  CHECK(act3.impact == 4);
  CHECK(act3.effort == 2);
  CHECK(doc.factors.size() == 5);
  CHECK(doc.evidence.size() == 3);
  CHECK(doc.assets.size() == 2);
}

TEST_CASE("the network breach sample loads with its typed values") {
  const pm::Document doc = load_sample("network-breach-vpn-appliance.json");
  REQUIRE(doc.incident.has_value());
  CHECK(doc.incident->id == "INC-2024-0302");
  CHECK(doc.incident->category == pm::Category::network_breach);
  CHECK(doc.incident->declared_severity == pm::SeverityTier::critical);
  REQUIRE(doc.incident->impact.has_value());
  CHECK(doc.incident->impact->records_affected == 2300);
  CHECK(doc.incident->impact->downtime_minutes == 540.0);
  CHECK(doc.incident->impact->financial_loss->min == 120000.0);
  CHECK(doc.incident->impact->financial_loss->max == 260000.0);
  CHECK(doc.incident->impact->financial_loss->currency == "USD");
  // "regulatory": [] is an empty array: not a typed value, kept for the round trip.
  CHECK(doc.incident->impact->regulatory.empty());
  CHECK(doc.incident->impact->extra.contains("regulatory"));

  REQUIRE(doc.timeline.size() == 12);
  const pm::Event &t0 = doc.timeline[0];
  CHECK(t0.id == "t0");
  CHECK(t0.type == pm::EventType::other);
  CHECK(t0.key == true);
  CHECK(t0.asset_ids == pm::Strings{"fw-edge"});
  // 2023-11-08T16:20:00-05:00 = 2023-11-08T21:20:00Z. 2023-01-01 is day 19723 - 365 = 19358;
  // January..October 2023 have 304 days, so November 8th is 19358 + 304 + 7 = 19669;
  // 19669 * 86400 + 21 * 3600 + 20 * 60 = 1699401600 + 76800 = 1699478400 s.
  REQUIRE(t0.time.has_value());
  CHECK(t0.time->micros == 1'699'478'400 * second);
  CHECK(t0.time->offset_minutes == -300);

  REQUIRE(doc.vulnerabilities.size() == 1);
  CHECK(doc.vulnerabilities[0].id == "CVE-2024-3400");
  CHECK(doc.vulnerabilities[0].exploited == true);
  CHECK(doc.vulnerabilities[0].known_exploited == true);

  REQUIRE(doc.evidence.size() == 3);
  REQUIRE(doc.evidence[0].custody.size() == 2);
  CHECK(doc.evidence[0].custody[1].action == pm::CustodyAction::transferred);
  CHECK(doc.evidence[0].custody[1].to == "IR lead");

  REQUIRE(doc.actions.size() == 6);
  CHECK(doc.actions[0].id == "A1");
  REQUIRE(doc.actions[0].due.has_value());
  CHECK(doc.actions[0].due->days == 19858); // 2024-05-15 = 19723 + 31 + 29 + 31 + 30 + 14
  CHECK(doc.actions[0].type == pm::ActionType::prevent);
  CHECK(doc.actions[0].addresses == pm::Strings{"rc1"});

  REQUIRE(doc.review.has_value());
  CHECK(doc.review->status == pm::ReviewStatus::reviewed);
  REQUIRE(doc.review->next_review.has_value());
  CHECK(doc.review->next_review->to_string() == "2024-07-25");
}

TEST_CASE("the data exfiltration sample loads with its typed values") {
  const pm::Document doc = load_sample("data-exfiltration-cloud-bucket.json");
  REQUIRE(doc.incident.has_value());
  CHECK(doc.incident->id == "INC-2024-0511");
  CHECK(doc.incident->category == pm::Category::data_exfiltration);
  CHECK(doc.incident->discovery_method == pm::DiscoveryMethod::threat_hunting);
  CHECK(doc.incident->recurrence_of == pm::Strings{"INC-2022-0210"});
  REQUIRE(doc.incident->impact.has_value());
  CHECK(doc.incident->impact->records_affected == 48000);
  CHECK(doc.incident->impact->users_affected == 48000);
  CHECK_FALSE(doc.incident->impact->downtime_minutes.has_value());
  CHECK(doc.incident->impact->financial_loss->min == 200000.0);
  CHECK(doc.incident->impact->financial_loss->max == 900000.0);
  CHECK(doc.incident->impact->recoverability == pm::Recoverability::not_recoverable);
  CHECK(doc.incident->impact->regulatory == pm::Strings{"GDPR"});

  REQUIRE(doc.timeline.size() == 9);
  CHECK(doc.timeline[0].id == "x1");
  REQUIRE(doc.timeline[0].time.has_value());
  // 2022-09-02T13:10:00Z: 2022-01-01 is day 19723 - 365 - 365 = 18993 (2022 and 2023 are not
  // leap years); January..August 2022 have 243 days, so September 2nd is 18993 + 243 + 1 = 19237;
  // 19237 * 86400 + 13 * 3600 + 10 * 60 = 1662076800 + 47400 = 1662124200 s.
  CHECK(doc.timeline[0].time->micros == 1'662'124'200 * second);

  REQUIRE(doc.actions.size() == 4);
  CHECK(doc.actions[2].id == "r3");
  REQUIRE(doc.actions[2].due.has_value());
  CHECK(doc.actions[2].due->days == 19935); // 2024-07-31 = 19723 + 182 (Jan..Jun) + 30
  CHECK(doc.actions[2].status == pm::ActionStatus::in_progress);
  CHECK(doc.factors.size() == 4);
}

// ---------------------------------------------------------------------------------------
// Lossless round trip

TEST_CASE("every sample round-trips losslessly: to_json parses to the JSON that was read") {
  for (const char *name : pm_test::sample_names) {
    CAPTURE(name);
    check_round_trip(pm_test::read_file(pm_test::sample(name)));
  }
}

TEST_CASE("a document parsed from its own output serializes to the same text") {
  for (const char *name : pm_test::sample_names) {
    CAPTURE(name);
    const std::string once = pm::to_json(load_sample(name));
    CHECK(pm::to_json(pm::parse(once)) == once);
    const std::string pretty = pm::to_json(load_sample(name), {.pretty = true});
    CHECK(pm::to_json(pm::parse(pretty), {.pretty = true}) == pretty);
  }
}

TEST_CASE("x_ extensions and unknown members in every object type survive the round trip") {
  check_round_trip(pm_test::every_object_type_doc());
}

TEST_CASE("x_ extensions are kept in the extra of the object they were written in") {
  const pm::Document doc = pm::parse(pm_test::every_object_type_doc());
  const json::value x = jparse(pm_test::extension_value);
  CHECK(doc.extra.at("x_top") == x);
  CHECK(doc.extra.at("unknown_top") == json::value(1));
  const pm::Incident &inc = doc.incident.value();
  CHECK(inc.extra.at("x_incident") == x);
  CHECK(inc.extra.at("incident_unknown") == json::value("u"));
  CHECK(inc.actor.value().extra.at("x_actor") == x);
  CHECK(inc.actor->type == pm::ActorType::external);
  CHECK(inc.milestones.value().extra.at("x_milestones") == x);
  CHECK(inc.impact.value().extra.at("x_impact") == x);
  CHECK(inc.impact->extra.at("impact_unknown").is_null());
  CHECK(inc.impact->financial_loss.value().extra.at("x_financial_loss") == x);
  CHECK(doc.assets.at(0).extra.at("x_asset") == x);
  CHECK(doc.vulnerabilities.at(0).extra.at("x_vulnerability") == x);
  CHECK(doc.timeline.at(0).extra.at("x_event") == x);
  CHECK(doc.evidence.at(0).extra.at("x_evidence") == x);
  CHECK(doc.evidence.at(0).custody.at(0).extra.at("x_custody") == x);
  CHECK(doc.indicators.at(0).extra.at("x_indicator") == x);
  CHECK(doc.factors.at(0).extra.at("x_factor") == x);
  CHECK(doc.actions.at(0).extra.at("x_action") == x);
  CHECK(doc.actions.at(0).ticket.value().extra.at("x_ticket") == x);
  CHECK(doc.actions.at(0).verification.at(0).extra.at("x_verification") == x);
  CHECK(doc.lessons.at(0).extra.at("x_lesson") == x);
  CHECK(doc.participants.at(0).extra.at("x_participant") == x);
  CHECK(doc.review.value().extra.at("x_review") == x);
  CHECK(doc.review->questions.at(0).extra.at("x_question") == x);
  // The typed members beside them were read as usual.
  CHECK(doc.actions[0].ticket->key == "SEC-1");
  CHECK(doc.actions[0].verification[0].result == pm::VerificationResult::effective);
  CHECK(doc.review->questions[0].answer == "a");
}

TEST_CASE("values that do not fit their typed member are kept in extra and survive the round trip") {
  const std::string text = R"({"schema": "postmortem/1",
    "incident": {"id": "INC-1", "title": 5, "summary": null, "category": "phising", "tags": [],
                 "techniques": ["T1566", 7], "actor": "FIN7",
                 "milestones": {"detected_at": "2023-02-30T10:00:00Z", "started_at": "2024-01-17T10:05:00"},
                 "impact": {"users_affected": 1.5, "downtime_minutes": "long", "data_types": ["pii", "dna"],
                            "financial_loss": "lots", "records_affected": -3}},
    "timeline": [{"id": "e1", "time": "yesterday", "type": "detection", "description": "d",
                  "key": "yes", "asset_ids": null, "precision": "minutes"}],
    "actions": [{"id": "A1", "title": "t", "due": "2024-13-01", "effort": "high", "impact": 7,
                 "verification": [], "ticket": []}],
    "review": {"next_review": "2023-02-29", "questions": {"question": "q"}}})";
  check_round_trip(text);

  const pm::Document doc = pm::parse(text);
  const pm::Incident &inc = doc.incident.value();
  CHECK_FALSE(inc.title.has_value());                  // wrong JSON type
  CHECK(inc.extra.at("title") == json::value(5));
  CHECK_FALSE(inc.summary.has_value());                // null is absent
  CHECK(inc.extra.at("summary").is_null());
  CHECK_FALSE(inc.category.has_value());               // unknown enum value
  CHECK(inc.extra.at("category") == json::value("phising"));
  CHECK(inc.tags.empty());                             // empty array
  CHECK(inc.extra.at("tags").as_array().empty());
  CHECK(inc.techniques.empty());                       // one bad element: the array is kept whole
  CHECK(inc.extra.at("techniques") == jparse(R"(["T1566", 7])"));
  CHECK_FALSE(inc.actor.has_value());                  // an object member given a string
  CHECK_FALSE(inc.milestones.value().detected_at.has_value()); // impossible day
  CHECK_FALSE(inc.milestones->started_at.has_value());  // no offset
  CHECK(inc.milestones->extra.at("started_at") == json::value("2024-01-17T10:05:00"));
  CHECK_FALSE(inc.impact.value().users_affected.has_value()); // 1.5 is not an integer
  CHECK(inc.impact->extra.at("users_affected") == json::value(1.5));
  CHECK_FALSE(inc.impact->downtime_minutes.has_value());
  CHECK(inc.impact->data_types.empty());
  CHECK_FALSE(inc.impact->financial_loss.has_value());
  CHECK(inc.impact->records_affected == -3);           // fits the type; the range is validate()'s job
  const pm::Event &e = doc.timeline.at(0);
  CHECK_FALSE(e.time.has_value());
  CHECK(e.extra.at("time") == json::value("yesterday"));
  CHECK_FALSE(e.key.has_value());
  CHECK_FALSE(e.precision.has_value());
  CHECK(e.extra.at("asset_ids").is_null());
  const pm::Action &a = doc.actions.at(0);
  CHECK_FALSE(a.due.has_value());
  CHECK_FALSE(a.effort.has_value());
  CHECK(a.impact == 7);
  CHECK(a.verification.empty());
  CHECK(a.extra.at("verification").as_array().empty());
  CHECK_FALSE(a.ticket.has_value());
  CHECK_FALSE(doc.review.value().next_review.has_value());
  CHECK(doc.review->questions.empty());
}

TEST_CASE("a top-level collection with a non-object element is kept whole, in document order") {
  const std::string text = minimal_doc("", R"(, "timeline": [
      {"id": "e1", "time": "2024-01-17T09:58:44+01:00", "type": "detection", "description": "d", "x_e": [1.5]},
      5,
      {"id": "e2", "time": "2024-01-17T10:00:00Z", "type": "bogus", "description": "d"},
      "text", null, [1, {"a": 2}]])");
  check_round_trip(text);
  const pm::Document doc = pm::parse(text);
  CHECK(doc.timeline.empty()); // 5 cannot be an Event: the collection stays raw JSON
  CHECK(doc.extra.at("timeline").as_array().size() == 6);
}

TEST_CASE("a top-level collection whose first element is not an object is kept whole") {
  const std::string text = minimal_doc("", R"(, "actions": [5, {"id": "A1", "title": "t", "due": "2024-02-29"}])");
  check_round_trip(text);
  CHECK(pm::parse(text).actions.empty());
}

TEST_CASE("a top-level member of the wrong type is kept in extra") {
  const std::string text = R"({"schema": "postmortem/1", "incident": "INC-1", "timeline": {"id": "e1"},
                               "assets": 5, "review": [1], "lessons": null})";
  check_round_trip(text);
  const pm::Document doc = pm::parse(text);
  CHECK_FALSE(doc.incident.has_value());
  CHECK(doc.extra.at("incident") == json::value("INC-1"));
  CHECK(doc.timeline.empty());
  CHECK(doc.extra.at("timeline").is_object());
  CHECK(doc.extra.at("lessons").is_null());
}

TEST_CASE("an empty nested array survives the round trip") {
  check_round_trip(minimal_doc(R"(, "tags": [], "techniques": [])"));
}

TEST_CASE("an empty top-level collection survives the round trip") {
  // document.hpp: "an empty array ... is kept, unchanged, in the extra object of its parent";
  // FORMAT.md: "Parsing and serializing must never lose data."
  check_round_trip(minimal_doc("", R"(, "timeline": [])"));
  check_round_trip(minimal_doc("", R"(, "assets": [], "actions": [], "participants": [])"));
}

TEST_CASE("a date written as a date-time keeps its text and means its UTC date") {
  // 2024-02-29T23:30:00-02:00 is 2024-03-01T01:30:00Z: day 19782 + 1 = 19783.
  const std::string text = pm_test::minimal_doc("", R"(, "actions": [{"id": "A1", "title": "t", "due": "2024-02-29T23:30:00-02:00"}])");
  const pm::Document doc = pm::parse(text);
  REQUIRE(doc.actions.at(0).due.has_value());
  CHECK(doc.actions[0].due->days == 19783);
  CHECK(doc.actions[0].due->to_date_string() == "2024-03-01");
  check_round_trip(text);
}

TEST_CASE("long strings and keys with escapes are read whole, at the top level and nested") {
  std::string long_text;
  for (int i = 0; i < 5000; ++i) long_text += "line \\n \\u00e9 \\\" ";
  const std::string text = R"({"schema": "postmortem/1", "x_)" + long_text + R"(": ")" + long_text + R"(",
    "incident": {"id": "INC-1", "title": "t", "category": "phishing", "summary": ")" + long_text + R"("},
    "lessons": [{"id": "l1", "text": ")" + long_text + R"("}]})";
  check_round_trip(text);
  const pm::Document doc = pm::parse(text);
  REQUIRE(doc.incident->summary.has_value());
  CHECK(doc.incident->summary->size() == 5000 * std::string("line \n \xc3\xa9 \" ").size());
  CHECK(doc.lessons.at(0).text == doc.incident->summary);
}

TEST_CASE("a large timeline streams element by element and keeps every event") {
  std::string timeline;
  const int n = 20'000;
  for (int i = 0; i < n; ++i) {
    // Event i happens i seconds after 2024-01-17T08:58:44Z (1705481924 s).
    timeline += (i ? "," : "");
    timeline += R"({"id": "e)" + std::to_string(i) + R"(", "time": ")" +
                pm::Timestamp::from_micros((1'705'481'924LL + i) * second).to_string() +
                R"(", "type": "analysis", "description": "step )" + std::to_string(i) + R"(", "x_i": )" +
                std::to_string(i) + "}";
  }
  const std::string text = pm_test::minimal_doc("", ", \"timeline\": [" + timeline + "]");
  const pm::Document doc = pm::parse(text);
  REQUIRE(doc.timeline.size() == n);
  CHECK(doc.timeline.back().id == "e19999");
  CHECK(doc.timeline.back().time->micros == (1'705'481'924LL + 19'999) * second);
  CHECK(doc.timeline.back().extra.at("x_i") == json::value(19'999));
  CHECK(jparse(pm::to_json(doc)) == jparse(text));
}

TEST_CASE("a large collection that falls back to raw JSON keeps every element in order") {
  // Thousands of events are read before the non-object element forces the whole timeline
  // back to raw JSON: all of them, then the 5, then the event after it, survive in order.
  std::string timeline;
  const int n = 9'000;
  for (int i = 0; i < n; ++i)
    timeline += R"({"id": "e)" + std::to_string(i) + R"(", "time": "2024-01-17T10:05:00+01:00", "type": "alert", "description": "d"},)";
  timeline += R"(5, {"id": "last", "time": "2024-01-17T10:06:00Z", "type": "alert", "description": "d"})";
  const std::string text = pm_test::minimal_doc("", ", \"timeline\": [" + timeline + "]");
  const pm::Document doc = pm::parse(text);
  CHECK(doc.timeline.empty());
  const json::array &raw = doc.extra.at("timeline").as_array();
  REQUIRE(raw.size() == n + 2);
  CHECK(raw[0].at("id") == json::value("e0"));
  CHECK(raw[n - 1].at("id") == json::value("e8999"));
  CHECK(raw[n] == json::value(5));
  CHECK(raw[n + 1].at("id") == json::value("last"));
  CHECK(jparse(pm::to_json(doc)) == jparse(text));
}

TEST_CASE("a repeated top-level collection replaces the earlier one, however long") {
  std::string first;
  for (int i = 0; i < 5'000; ++i) first += std::string(i ? "," : "") + R"({"id": "a)" + std::to_string(i) + R"("})";
  const pm::Document doc = pm::parse(R"({"schema": "postmortem/1", "lessons": [)" + first + R"(], "lessons": [{"id": "b"}]})");
  REQUIRE(doc.lessons.size() == 1);
  CHECK(doc.lessons[0].id == "b");
}

TEST_CASE("pretty output is two-space indented, one member per line, and parses to the same value") {
  const json::value v = jparse(R"({"a": [1, 2], "b": {"c": [{"d": 1}]}, "e": {}, "f": []})");
  const std::string pretty = pm::serialize_value(v, {.pretty = true});
  CHECK(pretty == "{\n"
                  "  \"a\": [1, 2],\n"
                  "  \"b\": {\n"
                  "    \"c\": [\n"
                  "      {\n"
                  "        \"d\": 1\n"
                  "      }\n"
                  "    ]\n"
                  "  },\n"
                  "  \"e\": {},\n"
                  "  \"f\": []\n"
                  "}\n");
  CHECK(jparse(pretty) == v);
  CHECK(pm::serialize_value(v) == R"({"a":[1,2],"b":{"c":[{"d":1}]},"e":{},"f":[]})");
}

TEST_CASE("typed members are written in FORMAT.md order, extras after them") {
  const std::string text = R"({"x_first": 1, "incident": {"x_a": 0, "category": "phishing", "title": "t", "id": "INC-1"},
                               "schema": "postmortem/1"})";
  CHECK(pm::to_json(pm::parse(text)) ==
        R"({"schema":"postmortem/1","incident":{"id":"INC-1","title":"t","category":"phishing","x_a":0},"x_first":1})");
}

TEST_CASE("strings are escaped as RFC 8259 requires and non-ASCII text is kept") {
  const std::string text = minimal_doc(R"(, "summary": "quote \" backslash \\ newline \n tab \t ctl \u0001 \u00e9\u2192\ud83d\ude00")");
  check_round_trip(text);
  const pm::Document doc = pm::parse(text);
  CHECK(doc.incident->summary == "quote \" backslash \\ newline \n tab \t ctl \x01 \xc3\xa9\xe2\x86\x92\xf0\x9f\x98\x80");
}

TEST_CASE("a document built in code serializes and parses back to the same value") {
  pm::Document doc;
  doc.schema = std::string(pm::schema_version);
  pm::Incident inc;
  inc.id = "INC-9";
  inc.title = "Built in code";
  inc.category = pm::Category::malware;
  doc.incident = inc;
  pm::Event e;
  e.id = "e1";
  e.time = pm::Timestamp::from_micros(1'705'481'924 * second);
  e.type = pm::EventType::detection;
  e.description = "d";
  doc.timeline.push_back(e);
  const std::string text = pm::to_json(doc);
  CHECK(text == R"({"schema":"postmortem/1","incident":{"id":"INC-9","title":"Built in code","category":"malware"},)"
                R"("timeline":[{"id":"e1","time":"2024-01-17T08:58:44Z","type":"detection","description":"d"}]})");
  CHECK(pm::to_value(pm::parse(text)) == pm::to_value(doc));
}

TEST_CASE("an empty Document serializes to an empty object") {
  CHECK(pm::to_json(pm::Document{}) == "{}");
}

// ---------------------------------------------------------------------------------------
// Numbers

TEST_CASE("a number too large for a double in an x_ member survives as a number") {
  const std::string text = minimal_doc(R"(, "x_big": 1e400, "x_small": -1e400)");
  const pm::Document doc = pm::parse(text);
  const json::value written = jparse(pm::to_json(doc));
  REQUIRE(written.at("incident").at("x_big").is_double());
  CHECK(std::isinf(written.at("incident").at("x_big").get_double()));
  CHECK(written.at("incident").at("x_big").get_double() > 0);
  CHECK(written.at("incident").at("x_small").get_double() < 0);
  check_round_trip(text);
}

TEST_CASE("integral doubles in typed number fields are written back as integers") {
  const std::string text = minimal_doc(R"(, "impact": {"downtime_minutes": 30.0, "financial_loss": {"min": 1000.0, "max": 2500.5}})");
  const pm::Document doc = pm::parse(text);
  CHECK(doc.incident->impact->downtime_minutes == 30.0);
  const json::value v = pm::to_value(doc);
  const json::value &impact = v.at("incident").at("impact");
  CHECK(impact.at("downtime_minutes").is_int64());
  CHECK(impact.at("downtime_minutes").as_int64() == 30);
  CHECK(impact.at("financial_loss").at("min").as_int64() == 1000);
  CHECK(impact.at("financial_loss").at("max").is_double());
  CHECK(impact.at("financial_loss").at("max").as_double() == 2500.5);
  CHECK(contains(pm::to_json(doc), R"("downtime_minutes":30,)"));
}

TEST_CASE("numbers in extensions keep their JSON kind: 5.0 stays a double, big integers stay exact") {
  const std::string text = minimal_doc(R"(, "x_n": [5.0, 0.1, -0.0, 18446744073709551615, -9223372036854775808, 1e-300])");
  check_round_trip(text);
  const std::string out = pm::to_json(pm::parse(text));
  CHECK(contains(out, R"("x_n":[5.0,0.1,-0.0,18446744073709551615,-9223372036854775808,1e-300])"));
}

// ---------------------------------------------------------------------------------------
// Duplicate keys (RFC 8259 leaves their meaning open; this is what the parser does)

TEST_CASE("duplicate keys inside an object: the last one wins, as in boost::json::parse") {
  const std::string text = R"({"schema": "postmortem/1",
    "incident": {"id": "INC-1", "id": "INC-2", "title": "t", "category": "phishing", "summary": "a", "summary": 5}})";
  const pm::Document doc = pm::parse(text);
  CHECK(doc.incident->id == "INC-2");
  CHECK_FALSE(doc.incident->summary.has_value());
  check_round_trip(text);
}

TEST_CASE("duplicate top-level keys whose values fit: the last one wins") {
  const std::string text = R"({"schema": "postmortem/2", "schema": "postmortem/1",
    "timeline": [{"id": "a"}], "timeline": [{"id": "b"}, {"id": "c"}]})";
  const pm::Document doc = pm::parse(text);
  CHECK(doc.schema == "postmortem/1");
  REQUIRE(doc.timeline.size() == 2);
  CHECK(doc.timeline[0].id == "b");
  check_round_trip(text);
}

TEST_CASE("duplicate top-level keys where the last value does not fit: the first typed value is written") {
  // Unlike nested objects, a top-level member that was read into its typed field is not
  // replaced by a later duplicate that goes to extra: to_json writes the typed value.
  const std::string text = R"({"schema": "postmortem/1", "review": {"status": "draft"}, "review": 5})";
  const pm::Document doc = pm::parse(text);
  REQUIRE(doc.review.has_value());
  CHECK(doc.review->status == pm::ReviewStatus::draft);
  CHECK(pm::to_json(doc) == R"({"schema":"postmortem/1","review":{"status":"draft"}})");
}

// ---------------------------------------------------------------------------------------
// Parse failures

TEST_CASE("text that is not JSON is errc::parse with its line, column and byte offset") {
  // Line 1 is "{" (2 bytes with its newline); line 2 is `  "schema": "postmortem/1",` =
  // 2 + 8 + 1 + 1 + 14 + 1 = 27 bytes + newline = 28; line 3 starts at byte 30. On line 3,
  // `  "incident": {,` puts the stray comma at column 2 + 10 + 1 + 1 + 1 + 1 = 16, byte 30 + 15 = 45.
  const std::string text = "{\n  \"schema\": \"postmortem/1\",\n  \"incident\": {,\n}";
  auto [code, message] = thrown([&] { pm::parse(text); });
  CHECK(code == errc::parse);
  CHECK(message.rfind("not valid JSON: ", 0) == 0);
  CHECK(contains(message, "line 3, column 16 (byte offset 45)"));
}

TEST_CASE("the column of a parse error counts code points, not bytes") {
  // `{"x_é": }`: bytes { " x _ é(2 bytes) " : space } -- the '}' is at byte offset 9, after 8
  // code points, so at column 9.
  auto [code, message] = thrown([] { pm::parse("{\"x_\xc3\xa9\": }"); });
  CHECK(code == errc::parse);
  CHECK(contains(message, "line 1, column 9 (byte offset 9)"));
}

TEST_CASE("JSON extensions are not JSON: comments, trailing commas and NaN are errc::parse") {
  CHECK(thrown([] { pm::parse(R"({"schema": "postmortem/1" /* c */})"); }).first == errc::parse);
  CHECK(thrown([] { pm::parse(R"({"schema": "postmortem/1",})"); }).first == errc::parse);
  CHECK(thrown([] { pm::parse(R"({"schema": "postmortem/1", "x_n": NaN})"); }).first == errc::parse);
  CHECK(thrown([] { pm::parse(R"({"schema": 'postmortem/1'})"); }).first == errc::parse);
}

TEST_CASE("truncated JSON is errc::parse saying so") {
  // `{"schema": "postmortem/1", "incident": {"id": "INC-1"` is 1 + 8 + 2 + 14 + 2 + 10 + 2 + 1 +
  // 4 + 2 + 7 = 53 bytes on one line: the input ends at byte offset 53, column 54.
  const std::string text = R"({"schema": "postmortem/1", "incident": {"id": "INC-1")";
  REQUIRE(text.size() == 53);
  auto [code, message] = thrown([&] { pm::parse(text); });
  CHECK(code == errc::parse);
  CHECK(contains(message, "unexpected end of input (the JSON is truncated)"));
  CHECK(contains(message, "line 1, column 54 (byte offset 53)"));
  CHECK(thrown([] { pm::parse(""); }).first == errc::parse);
  CHECK(thrown([] { pm::parse("   "); }).first == errc::parse);
}

TEST_CASE("trailing data after the document is errc::parse") {
  CHECK(thrown([] { pm::parse(minimal_doc() + " {}"); }).first == errc::parse);
}

TEST_CASE("a top-level array is errc::parse") {
  CHECK_THROWS_WITH_AS(pm::parse(R"([{"schema": "postmortem/1"}])"),
                       "the top level is an array, not an object; a postmortem/1 document is a JSON object "
                       "(line 1, column 1, byte offset 0)",
                       pm::error);
  CHECK(thrown([] { pm::parse("[]"); }).first == errc::parse);
}

TEST_CASE("a top-level scalar is errc::parse") {
  for (std::string text : {"5", "\"postmortem/1\"", "null", "true", "-1.5"}) {
    CAPTURE(text);
    auto [code, message] = thrown([&] { pm::parse(text); });
    CHECK(code == errc::parse);
    CHECK(contains(message, "the top level is a scalar, not an object"));
  }
}

TEST_CASE("invalid UTF-8 is errc::parse") {
  for (std::string bad : {"\xff", "\xc0\xaf" /* overlong '/' */, "\x80" /* lone continuation */,
                          "\xe2\x82" /* truncated sequence */, "\xed\xa0\x80" /* UTF-16 surrogate */}) {
    CAPTURE(bad.size());
    CHECK(thrown([&] { pm::parse(minimal_doc(R"(, "summary": ")" + bad + "\"")); }).first == errc::parse);
    CHECK(thrown([&] { pm::parse(minimal_doc(R"(, "x_)" + bad + "\": 1")); }).first == errc::parse);
  }
}

TEST_CASE("a missing schema is errc::version") {
  CHECK_THROWS_WITH_AS(pm::parse(R"({"incident": {"id": "INC-1", "title": "t", "category": "phishing"}})"),
                       R"(no `schema` member: add "schema": "postmortem/1" at the top level)", pm::error);
  CHECK(thrown([] { pm::parse("{}"); }).first == errc::version);
  CHECK(thrown([] { pm::parse(R"({"schema": null})"); }).first == errc::version);
}

TEST_CASE("another schema version is errc::version naming the version this build reads") {
  CHECK_THROWS_WITH_AS(pm::parse(R"({"schema": "postmortem/2", "incident": {}})"),
                       R"(schema "postmortem/2" is not supported: this build reads "postmortem/1")", pm::error);
  CHECK(thrown([] { pm::parse(R"({"schema": "Postmortem/1"})"); }).first == errc::version);
}

TEST_CASE("a schema that is not a string is errc::version") {
  CHECK_THROWS_WITH_AS(pm::parse(R"({"schema": 1})"), R"(`schema` must be the string "postmortem/1", not 1)", pm::error);
  CHECK(thrown([] { pm::parse(R"({"schema": ["postmortem/1"]})"); }).first == errc::version);
}

// ---------------------------------------------------------------------------------------
// Limits

TEST_CASE("nesting 10,000 deep is errc::limit under the default policy") {
  const std::string deep_arrays = R"({"schema": "postmortem/1", "x_deep": )" + nested_arrays(10'000) + "}";
  auto [code, message] = thrown([&] { pm::parse(deep_arrays); });
  CHECK(code == errc::limit);
  CHECK(contains(message, "nesting deeper than the limit of 64 (max_depth)"));

  std::string deep_objects = R"({"schema": "postmortem/1", "incident": )";
  for (int i = 0; i < 10'000; ++i) deep_objects += R"({"a": )";
  deep_objects += "1" + std::string(10'000, '}') + "}";
  CHECK(thrown([&] { pm::parse(deep_objects); }).first == errc::limit);
}

TEST_CASE("max_depth counts the top-level object: depth 8 parses, depth 9 fails") {
  pm::Policy policy;
  policy.limits.max_depth = 8;
  // top-level object (1) + incident (2) + 6 arrays = depth 8.
  const std::string at_limit = minimal_doc(R"(, "x_a": )" + nested_arrays(6));
  CHECK_NOTHROW(pm::parse(at_limit, policy));
  const std::string over = minimal_doc(R"(, "x_a": )" + nested_arrays(7)); // depth 9
  auto [code, message] = thrown([&] { pm::parse(over, policy); });
  CHECK(code == errc::limit);
  CHECK(contains(message, "nesting deeper than the limit of 8 (max_depth)"));
}

TEST_CASE("a string longer than max_string_bytes is errc::limit") {
  pm::Policy policy;
  policy.limits.max_string_bytes = 16;
  CHECK_NOTHROW(pm::parse(minimal_doc(R"(, "summary": "0123456789abcdef")"), policy)); // 16 bytes
  auto [code, message] = thrown([&] { pm::parse(minimal_doc(R"(, "summary": "0123456789abcdefg")"), policy); });
  CHECK(code == errc::limit);
  CHECK(contains(message, "longer than the limit of 16 bytes (max_string_bytes)"));
  // Keys count too, at the top level and nested; and so do strings in streamed collections.
  CHECK(thrown([&] { pm::parse(minimal_doc("", R"(, "x_aaaaaaaaaaaaaaa": 1)"), policy); }).first == errc::limit);
  CHECK(thrown([&] { pm::parse(minimal_doc(R"(, "x_aaaaaaaaaaaaaaa": 1)"), policy); }).first == errc::limit);
  CHECK(thrown([&] { pm::parse(minimal_doc("", R"(, "lessons": [{"id": "l1", "text": "0123456789abcdefg"}])"), policy); })
            .first == errc::limit);
}

TEST_CASE("an array longer than max_collection_size is errc::limit") {
  pm::Policy policy;
  policy.limits.max_collection_size = 3;
  CHECK_NOTHROW(pm::parse(minimal_doc(R"(, "tags": ["a", "b", "c"])"), policy));
  auto [code, message] = thrown([&] { pm::parse(minimal_doc(R"(, "tags": ["a", "b", "c", "d"])"), policy); });
  CHECK(code == errc::limit);
  CHECK(contains(message, "more than 3 elements (max_collection_size)"));
  // A streamed top-level collection is counted element by element.
  const std::string lesson = R"({"id": "l", "text": "t"})";
  CHECK_NOTHROW(pm::parse(minimal_doc("", ", \"lessons\": [" + lesson + "," + lesson + "," + lesson + "]"), policy));
  CHECK(thrown([&] {
          pm::parse(minimal_doc("", ", \"lessons\": [" + lesson + "," + lesson + "," + lesson + "," + lesson + "]"), policy);
        }).first == errc::limit);
  CHECK(thrown([&] { pm::parse(minimal_doc("", R"(, "x_list": [1, 2, 3, 4])"), policy); }).first == errc::limit);
}

TEST_CASE("a document longer than max_document_bytes is errc::limit") {
  const std::string text = minimal_doc();
  pm::Policy policy;
  policy.limits.max_document_bytes = text.size();
  CHECK_NOTHROW(pm::parse(text, policy));
  policy.limits.max_document_bytes = text.size() - 1;
  CHECK_THROWS_WITH_AS(pm::parse(text, policy),
                       ("the document is " + std::to_string(text.size()) + " bytes, over the limit of " +
                        std::to_string(text.size() - 1) + " bytes (max_document_bytes)")
                           .c_str(),
                       pm::error);
  CHECK(thrown([&] { pm::parse(text, policy); }).first == errc::limit);
}

// ---------------------------------------------------------------------------------------
// load()

TEST_CASE("load of a missing file is errc::io naming the path") {
  const std::string path = (pm_test::data_dir() / "no-such-file.json").string();
  auto [code, message] = thrown([&] { pm::load(path); });
  CHECK(code == errc::io);
  CHECK(message.rfind("cannot open '" + path + "': ", 0) == 0);
}

TEST_CASE("load of a directory is errc::io") {
  // A directory opens as an ifstream on Linux but cannot be read: document.hpp promises
  // errc::io "when it cannot be read", whatever the limits of the policy.
  const std::string dir = pm_test::data_dir().string();
  auto [code, message] = thrown([&] { pm::load(dir); });
  CHECK(code == errc::io);
  CHECK(contains(message, dir));
  pm::Policy unlimited;
  unlimited.limits.max_document_bytes = std::numeric_limits<std::size_t>::max();
  CHECK_THROWS_AS(pm::load(dir, unlimited), pm::error);
}

TEST_CASE("load prefixes parse errors with the path and keeps their code") {
  const auto path = std::filesystem::temp_directory_path() / "pm_cpp_tests_load_truncated.json";
  {
    std::ofstream out(path, std::ios::binary);
    out << "{\n  \"schema\": \"postmortem/1\",\n";
  }
  auto [code, message] = thrown([&] { pm::load(path.string()); });
  std::filesystem::remove(path);
  CHECK(code == errc::parse);
  CHECK(message.rfind(path.string() + ": not valid JSON: ", 0) == 0);
}

TEST_CASE("load applies max_document_bytes before reading") {
  const auto path = pm_test::sample("phishing-mfa-fatigue.json");
  pm::Policy policy;
  policy.limits.max_document_bytes = 100;
  auto [code, message] = thrown([&] { pm::load(path.string(), policy); });
  CHECK(code == errc::limit);
  CHECK(contains(message, "over the limit of 100 bytes (max_document_bytes)"));
  CHECK(contains(message, path.string()));
}

TEST_CASE("load and parse of the same bytes give the same document") {
  for (const char *name : pm_test::sample_names) {
    CAPTURE(name);
    CHECK(pm::to_value(load_sample(name)) == pm::to_value(pm::parse(pm_test::read_file(pm_test::sample(name)))));
  }
}
