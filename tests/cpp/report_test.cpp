// The report module (report.hpp): escaping, content, the Markdown and HTML writers, the SVG
// charts, golden files, determinism. Uses the internal content tree (src/report/content.hpp)
// to exercise every block kind and both charts independently of build_content().
#include <postmortem/report.hpp>

#include "support.hpp"

#include "report/content.hpp"

#include <postmortem/plan.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

namespace pm = postmortem;

// --- Escaping --------------------------------------------------------------------------------

TEST_CASE("escape_html turns markup characters into references and shows invisible ones") {
  CHECK(pm::escape_html("<script>alert('x')</script> & \"q\"") ==
        "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
  CHECK(pm::escape_html("invoice\xe2\x80\xaegpj.exe") == "invoice\\u202egpj.exe"); // RIGHT-TO-LEFT OVERRIDE
  CHECK(pm::escape_html(std::string("a\0b", 3)) == "a\\x00b");
  CHECK(pm::escape_html("line\nnext\ttab") == "line\nnext\ttab"); // whitespace in HTML
  CHECK(pm::escape_html("a\xff" "b") == "a\xef\xbf\xbd" "b");      // invalid UTF-8: U+FFFD
  CHECK(pm::escape_html("caf\xc3\xa9") == "caf\xc3\xa9");
}

TEST_CASE("escape_markdown escapes every punctuation character Markdown could read as syntax") {
  CHECK(pm::escape_markdown("[click](javascript:alert(1))") == "\\[click\\](javascript:alert(1))"); // no link without [ ]
  CHECK(pm::escape_markdown("![img](http://x/y.png)") == "!\\[img\\](http\\://x/y.png)"); // nor a GFM autolink
  CHECK(pm::escape_markdown("a | b") == "a \\| b");
  CHECK(pm::escape_markdown("<!-- c -->") == "\\<!-- c -->");
  CHECK(pm::escape_markdown("see www.evil.example") == "see www\\.evil.example");
  CHECK(pm::escape_markdown("snake_case _em_ a*b ~s~ $x$ &amp;") == "snake_case \\_em\\_ a\\*b \\~s\\~ \\$x\\$ \\&amp;");
  // Block markers only where a block starts: a heading, a quote, a list item, a code block.
  CHECK(pm::escape_markdown("# h") == "\\# h");
  CHECK(pm::escape_markdown("> q") == "\\> q");
  CHECK(pm::escape_markdown("- a - b") == "\\- a - b");
  CHECK(pm::escape_markdown("12. x 3.5") == "12\\. x 3.5");
  CHECK(pm::escape_markdown("    code") == "&#32;   code");
  CHECK(pm::escape_markdown("   # h") == "   \\# h"); // up to three spaces still start a heading
  CHECK(pm::escape_markdown(" mid-line") == " mid-line");
  CHECK(pm::escape_markdown("2024-06-01 09:05:12, 35.2 (P2)") == "2024-06-01 09:05:12, 35.2 (P2)"); // readable
  CHECK(pm::escape_markdown("line\nnext") == "line next"); // a line break would end a table row
  CHECK(pm::escape_markdown("x\xe2\x80\xaey") == "x\\\\u202ey");  // shown as \u202e
  CHECK(pm::escape_markdown("plain words 42") == "plain words 42");
}

TEST_CASE("escape_markdown writes e-mail addresses as code spans, which GFM never links") {
  // GFM's extended autolink resolves escapes first, so `victim\@evil\.example` would still be
  // a mailto: link (cmark-gfm -e autolink does link it); a code span is literal text.
  CHECK(pm::escape_markdown("mail victim@evil.example now") == "mail `victim@evil.example` now");
  CHECK(pm::escape_markdown("mailto:a.b+c@x-y.example.") == "mailto:`a.b+c@x-y.example.`");
  CHECK(pm::escape_markdown("<a@b>") == "\\<`a@b`>");
  CHECK(pm::escape_markdown("@handle and user@ and @") == "@handle and user@ and @"); // not addresses
  CHECK(pm::escape_markdown("a@b@c") == "`a@b`@c");
}

TEST_CASE("escape_terminal shows every control character") {
  CHECK(pm::escape_terminal("a\x1b[2Jb\n") == "a\\x1b[2Jb\\n");
  CHECK(pm::is_unsafe_code_point(U'\u202e'));
  CHECK_FALSE(pm::is_unsafe_code_point(U'a'));
}

// --- Content and the Markdown writer ----------------------------------------------------------

namespace {

pm::Policy report_policy() {
  pm::Policy p;
  p.as_of = pm::Timestamp::parse("2024-06-01T00:00:00Z");
  return p;
}

pm::Document sample_doc(const char *name) { return pm::parse(pm_test::read_file(pm_test::sample(name))); }

std::string markdown_of(const pm::Document &doc) { return pm::render(doc, pm::ReportFormat::markdown, report_policy()); }

std::vector<std::string> lines_of(const std::string &text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

/// Cell boundaries of a GFM table row: unescaped `|` characters.
std::size_t unescaped_pipes(const std::string &line) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '\\') { ++i; continue; }
    if (line[i] == '|') ++n;
  }
  return n;
}

/// The table rows (lines starting with "| ") that follow the heading `heading`, up to the next heading.
std::vector<std::string> table_rows_after(const std::string &md, const std::string &heading) {
  std::vector<std::string> rows;
  bool in = false;
  for (const std::string &line : lines_of(md)) {
    if (line.rfind("#", 0) == 0) {
      if (in) break;
      in = line == heading;
      continue;
    }
    if (in && line.rfind("| ", 0) == 0 && line.rfind("| ---", 0) != 0) rows.push_back(line);
  }
  return rows;
}

// True when `text` occurs in `md` with its first character not backslash-escaped (so it is
// Markdown syntax, not literal text).
bool unescaped(const std::string &md, const std::string &text) {
  for (std::size_t at = md.find(text); at != std::string::npos; at = md.find(text, at + 1)) {
    std::size_t backslashes = 0;
    while (at > backslashes && md[at - 1 - backslashes] == '\\') ++backslashes;
    if (backslashes % 2 == 0) return true;
  }
  return false;
}

} // namespace

TEST_CASE("report markdown of the phishing sample has every section, in order") {
  const std::string md = markdown_of(sample_doc("phishing-mfa-fatigue.json"));
  CHECK(md.rfind("# Post-incident report: Finance mailbox taken over after credential phishing and MFA fatigue\n", 0) == 0);
  const char *headings[] = {"\n## Executive summary\n", "\n## Impact\n", "\n## Timeline\n",
                            "\n## Root causes and contributing factors\n", "\n### Technical\n", "\n### Process\n",
                            "\n### Human\n", "\n## Remediation plan\n", "\n## Open risks\n", "\n## Lessons learned\n",
                            "\n### Went well\n", "\n### Went wrong\n", "\n### Lucky\n", "\n## Evidence\n",
                            "\n## Post-mortem quality\n", "\n## Review and participants\n"};
  std::size_t at = 0;
  for (const char *h : headings) {
    const std::size_t found = md.find(h, at);
    CHECK_MESSAGE(found != std::string::npos, "missing or out of order: " << h);
    if (found != std::string::npos) at = found;
  }
  // Categories come in FactorCategory order: technical before process before human.
  CHECK(md.find("### Technical") < md.find("### Process"));
  CHECK(md.find("### Process") < md.find("### Human"));
  // Ends with exactly one newline.
  REQUIRE(md.size() > 2);
  CHECK(md.back() == '\n');
  CHECK(md[md.size() - 2] != '\n');
  // The date of the report is the policy's as_of, not the clock.
  CHECK(md.find("- **Report date:** 2024-06-01\n") != std::string::npos);
}

TEST_CASE("report markdown metrics: time to contain computed from the milestones") {
  const std::string md = markdown_of(sample_doc("phishing-mfa-fatigue.json"));
  // milestones: detected 10:05:00, contained 10:31:00 -> 26 min = PT26M.
  CHECK(md.find("| Time to contain | 26 min | PT26M | detected → contained |") != std::string::npos);
  // started 08:42:10 -> detected 10:05:00 = 1 h 22 min 50 s.
  CHECK(md.find("| Dwell time | 1 h 22 min 50 s | PT1H22M50S | started → detected |") != std::string::npos);
  // started 2024-01-17T08:42:10 -> closed 2024-01-24T17:00:00 = 7 d 8 h 17 min 50 s.
  CHECK(md.find("| Total duration | 7 d 8 h 17 min 50 s | P7DT8H17M50S | started → closed |") != std::string::npos);
  // No reported_at milestone and no escalation/notification... e7 is an escalation at 10:12, so
  // reported is derived: detected 10:05 -> 10:12 = 7 min.
  CHECK(md.find("| Time to report | 7 min | PT7M |") != std::string::npos);
  // No eradication at all: not known.
  CHECK(md.find("| Time to eradicate | _not known_ | — |") != std::string::npos);
  // Numeric column right-aligned.
  CHECK(md.find("| Metric | Duration | ISO 8601 | Measured |\n| --- | ---: | --- | --- |\n") != std::string::npos);
}

TEST_CASE("report markdown plan table follows pm::plan() order") {
  const pm::Document doc = sample_doc("phishing-mfa-fatigue.json");
  const std::string md = markdown_of(doc);
  const pm::Plan plan = pm::plan(doc, report_policy());
  const std::vector<std::string> rows = table_rows_after(md, "## Remediation plan");
  REQUIRE(rows.size() == plan.items.size() + 1); // header + one row per item
  for (std::size_t i = 0; i < plan.items.size(); ++i) {
    const std::string id = *doc.actions[plan.items[i].action_index].id;
    CHECK(rows[i + 1].rfind("| " + std::to_string(i + 1) + " | " + id + " |", 0) == 0);
  }
  // By hand (docs/plan.md): open first — act3 (P2 54.5, due 2024-02-29, 93 days before
  // 2024-06-01) then act4 (P3, depends on the finished act1); then finished by score: act1 73.3,
  // act2 58.3, act5 55.8.
  CHECK(rows[1].rfind("| 1 | act3 |", 0) == 0);
  CHECK(rows[1].find("2024-02-29 **overdue 93 d**") != std::string::npos);
  CHECK(rows[1].find("P2 (54.5)") != std::string::npos);
  CHECK(rows[2].rfind("| 2 | act4 |", 0) == 0);
  CHECK(rows[3].find("verified") != std::string::npos);
  CHECK(rows[3].find("effective, 2024-03-15") != std::string::npos); // latest verification
  CHECK(rows[4].find("_none_") != std::string::npos);                    // act2: no verification
  CHECK(md.find("**Critical path.** act3 (effort 2).") != std::string::npos);
  // Open risks: act3 and act4 overdue (93 and 62 days), act2 and act5 unverified.
  CHECK(md.find("- act3 **overdue by 93 d**") != std::string::npos);
  CHECK(md.find("- act4 **overdue by 62 d**") != std::string::npos);
  CHECK(md.find("- act2 **finished without a verification**") != std::string::npos);
  CHECK(md.find("- act5 **finished without a verification**") != std::string::npos);
}

TEST_CASE("report markdown factors carry kind, control, why-chain and the actions addressing them") {
  const std::string md = markdown_of(sample_doc("phishing-mfa-fatigue.json"));
  // f1: root cause, control CIS 6.5, five whys, addressed by act1 and act5.
  CHECK(md.find("- **Push MFA without number matching allowed an approval by fatigue** (root cause, f1, "
                "control CIS 6.5). Addressed by act1, act5.\n"
                "  1. The attacker signed in with the clerk's password\n") != std::string::npos);
  // f5 is mitigating: no "addressed by" sentence and no complaint that nothing addresses it.
  CHECK(md.find("- **Suppliers called back before acting on the change requests** (mitigating, f5)\n") !=
        std::string::npos);
  CHECK(md.find("  5. The MFA policy was not reviewed since 2019\n") != std::string::npos);
}

TEST_CASE("report markdown says so when a section has no data") {
  const pm::Document doc = pm::parse(pm_test::minimal_doc());
  const std::string md = markdown_of(doc);
  CHECK(md.find("## Evidence\n\n_No evidence is recorded._\n") != std::string::npos);
  CHECK(md.find("## Lessons learned\n\n_No lessons are recorded._\n") != std::string::npos);
  CHECK(md.find("## Impact\n\n_No impact is recorded._\n") != std::string::npos);
  CHECK(md.find("## Timeline\n\n_No timeline events are recorded._\n") != std::string::npos);
  CHECK(md.find("## Remediation plan\n\n_No remediation actions are recorded._\n") != std::string::npos);
  CHECK(md.find("_No root causes or contributing factors are recorded._") != std::string::npos);
  // The minimal document has no summary: the generated sentence uses the category and title.
  CHECK(md.find("**What happened.** A phishing incident: t. No lifecycle times are recorded.") !=
        std::string::npos);
}

TEST_CASE("report markdown escapes hostile event text and keeps the table's columns") {
  const std::string hostile = R"(| [x](javascript:alert(1)) <b>)";
  const pm::Document doc = pm::parse(pm_test::minimal_doc(
      "", R"(, "timeline": [{"id": "e1", "time": "2024-01-17T10:05:00Z", "type": "detection",
             "description": "| [x](javascript:alert(1)) <b>\nsecond line", "source": "a|b"}])"));
  const std::string md = markdown_of(doc);
  CHECK(md.find(hostile) == std::string::npos);
  CHECK_FALSE(unescaped(md, "](javascript")); // no link: its brackets are escaped
  CHECK_FALSE(unescaped(md, "<b>"));           // no raw HTML
  CHECK(md.find("\\| \\[x\\](javascript:alert(1)) \\<b> second line") != std::string::npos);
  const std::vector<std::string> rows = table_rows_after(md, "## Timeline");
  REQUIRE(rows.size() == 2);
  // 7 columns: 8 unescaped pipes in the header and in the row.
  CHECK(unescaped_pipes(rows[0]) == 8);
  CHECK(unescaped_pipes(rows[1]) == 8);
}

TEST_CASE("report markdown of hostile titles and a 100 KB word stays well-formed") {
  const std::string word(100 * 1024, 'A');
  const pm::Document doc = pm::parse(pm_test::minimal_doc(
      R"(, "summary": ")" + word + R"(")",
      R"(, "factors": [{"id": "f1", "kind": "root_cause", "title": "**bold** `tick` _x_ \u202e", "why": ["<script>alert(1)</script>"]}])"));
  const std::string md = markdown_of(doc);
  CHECK(md.find(word) != std::string::npos);
  CHECK_FALSE(unescaped(md, "<script>"));
  for (std::size_t i = md.find('`'); i != std::string::npos; i = md.find('`', i + 1))
    CHECK(md[i - 1] == '\\'); // every backtick escaped: no code span can open
  CHECK(md.find("\xe2\x80\xae") == std::string::npos);
  CHECK(md.find("**\\*\\*bold\\*\\* \\`tick\\` \\_x\\_ \\\\u202e**") != std::string::npos);
}

TEST_CASE("report markdown is byte-identical for the same input") {
  for (const char *name : pm_test::sample_names) {
    CAPTURE(name);
    const pm::Document doc = sample_doc(name);
    const std::string a = markdown_of(doc), b = markdown_of(doc);
    CHECK(a == b);
    CHECK(a.size() > 1000);
    CHECK(a.find("\n\n\n") == std::string::npos);
  }
}

TEST_CASE("report executive summary: two sentences and the severity's largest terms") {
  const pm::Policy policy = report_policy();
  pm::Document doc = pm::parse(pm_test::minimal_doc(
      R"(, "summary": "First one. Second one! Third one? Fourth.")"));
  pm::Analysis analysis = pm::analyze(doc, policy);
  CHECK(pm::detail::executive_summary(doc, analysis, policy).what_happened == "First one. Second one!");
  // A full stop not followed by a capital does not end a sentence (version numbers, "e.g. x").
  doc.incident->summary = "PAN-OS 10.2.9 was hit, e.g. via a VPN. Then it spread. Then more.";
  CHECK(pm::detail::executive_summary(doc, analysis, policy).what_happened ==
        "PAN-OS 10.2.9 was hit, e.g. via a VPN. Then it spread.");
  doc.incident->summary = "  Only one sentence without a stop  ";
  CHECK(pm::detail::executive_summary(doc, analysis, policy).what_happened == "Only one sentence without a stop");

  // The phishing sample (pm score): medium 35.2; largest terms rating 8.40, asset_criticality
  // 6.00, data_types 5.10; declared high.
  const pm::Document phishing = sample_doc("phishing-mfa-fatigue.json");
  const pm::Analysis a = pm::analyze(phishing, policy);
  const pm::detail::Summary s = pm::detail::executive_summary(phishing, a, policy);
  CHECK(s.severity_why == "Medium (35.2 of 100): the largest terms are rating (8.4 points), asset criticality "
                          "(6.0 points) and data types (5.1 points); the declared severity is high.");
  // Its summary has exactly two sentences: kept whole.
  CHECK(s.what_happened == *phishing.incident->summary);
}

TEST_CASE("report markdown: events without a time come last, approximate metrics are marked") {
  // e1 has no time; e2 (detection, to the hour) and e3 (containment) are timed, given in reverse
  // order. Detected 2024-01-17T10:00 (hour precision) -> contained 12:30 = 2 h 30 min, approximate.
  const pm::Document doc = pm::parse(pm_test::minimal_doc("", R"(, "timeline": [
      {"id": "e1", "type": "analysis", "description": "undated note"},
      {"id": "e3", "time": "2024-01-17T12:30:00Z", "type": "containment", "description": "contained"},
      {"id": "e2", "time": "2024-01-17T10:00:00Z", "precision": "hour", "type": "detection", "description": "seen"}],
    "factors": [{"id": "f9", "kind": "contributing", "title": "no category"}])"));
  const std::string md = markdown_of(doc);
  const std::vector<std::string> rows = table_rows_after(md, "## Timeline");
  REQUIRE(rows.size() == 4);
  CHECK(rows[1].find("| seen |") != std::string::npos);
  CHECK(rows[1].find("_(to the hour)_") != std::string::npos);
  CHECK(rows[2].find("| contained |") != std::string::npos);
  CHECK(rows[3].rfind("| _no valid time_ | analysis | undated note |", 0) == 0);
  CHECK(md.find("1 event without a valid time is listed last, in document order.") != std::string::npos);
  CHECK(md.find("| Time to contain | ≈ 2 h 30 min | PT2H30M | detected → contained (approximate: hour precision) |") !=
        std::string::npos);
  // A factor without a category gets its own subsection, and says nothing addresses it.
  CHECK(md.find("### Uncategorized\n\n- **no category** (contributing, f9). No action addresses it.\n") !=
        std::string::npos);
}

// --- The HTML writer and the SVG charts ------------------------------------------------------

namespace pmd = postmortem::detail;

namespace {

// --- A small SHA-256 (FIPS 180-4) and base64, to check the CSP hash of the <style> text -----

std::string sha256_base64(std::string_view data) {
  static constexpr std::array<std::uint32_t, 64> k = {
      0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
      0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
      0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
      0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
      0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
      0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
      0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
      0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};
  std::array<std::uint32_t, 8> h = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                    0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  std::string msg(data);
  const std::uint64_t bits = static_cast<std::uint64_t>(data.size()) * 8;
  msg += static_cast<char>(0x80);
  while (msg.size() % 64 != 56) msg += '\0';
  for (int i = 7; i >= 0; --i) msg += static_cast<char>((bits >> (i * 8)) & 0xff);
  const auto rotr = [](std::uint32_t x, int n) { return (x >> n) | (x << (32 - n)); };
  for (std::size_t off = 0; off < msg.size(); off += 64) {
    std::array<std::uint32_t, 64> w{};
    for (int i = 0; i < 16; ++i)
      for (int b = 0; b < 4; ++b)
        w[i] = (w[i] << 8) | static_cast<unsigned char>(msg[off + static_cast<std::size_t>(i * 4 + b)]);
    for (int i = 16; i < 64; ++i) {
      const std::uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
      const std::uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
      w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    std::uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (int i = 0; i < 64; ++i) {
      const std::uint32_t t1 = hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + k[i] + w[i];
      const std::uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
      hh = g, g = f, f = e, e = d + t1, d = c, c = b, b = a, a = t1 + t2;
    }
    h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e, h[5] += f, h[6] += g, h[7] += hh;
  }
  std::string digest;
  for (std::uint32_t v : h)
    for (int i = 3; i >= 0; --i) digest += static_cast<char>((v >> (i * 8)) & 0xff);
  static constexpr char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (std::size_t i = 0; i < digest.size(); i += 3) {
    std::uint32_t n = static_cast<unsigned char>(digest[i]) << 16;
    if (i + 1 < digest.size()) n |= static_cast<unsigned char>(digest[i + 1]) << 8;
    if (i + 2 < digest.size()) n |= static_cast<unsigned char>(digest[i + 2]);
    out += b64[(n >> 18) & 63];
    out += b64[(n >> 12) & 63];
    out += i + 1 < digest.size() ? b64[(n >> 6) & 63] : '=';
    out += i + 2 < digest.size() ? b64[n & 63] : '=';
  }
  return out;
}

// --- Helpers ------------------------------------------------------------------------------

std::size_t count(std::string_view haystack, std::string_view needle) {
  std::size_t n = 0;
  for (std::size_t pos = haystack.find(needle); pos != std::string_view::npos; pos = haystack.find(needle, pos + 1)) ++n;
  return n;
}

std::size_t timed_events(const pm::Document &doc) {
  std::size_t n = 0;
  for (const pm::Event &e : doc.timeline) n += e.time.has_value();
  return n;
}

pmd::Spans text(std::string s, pmd::Span::Style style = pmd::Span::Style::plain) { return {{std::move(s), style}}; }

/// A content tree with every block kind and both charts, as build_content() will make one.
pmd::Content every_block_content(const std::string &doc_text) {
  pmd::Content c;
  c.title = {{"Post-incident report: ", pmd::Span::Style::plain}, {doc_text, pmd::Span::Style::plain}};
  c.as_of = "2024-06-01";
  c.tlp = pm::Tlp::amber_strict;
  pmd::Section summary{"summary", "Executive summary", 2, {}};
  pmd::Block p;
  p.paragraph = {{"What happened: ", pmd::Span::Style::strong}, {doc_text, pmd::Span::Style::plain},
                 {" see ", pmd::Span::Style::em}, {"CVE-2024-3400", pmd::Span::Style::code}};
  summary.blocks.push_back(p);
  pmd::Block facts;
  facts.kind = pmd::Block::Kind::facts;
  facts.facts.items = {{"Severity", text("high")}, {"Title", text(doc_text)}};
  summary.blocks.push_back(facts);
  pmd::Section impact{"impact", "Impact", 2, {}};
  pmd::Block table;
  table.kind = pmd::Block::Kind::table;
  table.table.caption = "Affected assets";
  table.table.header = {"Asset", "Records"};
  table.table.rows = {{pmd::Cell{text(doc_text), "high", false}, pmd::Cell{text("48,000"), "", true}},
                      {pmd::Cell{text("fs-02", pmd::Span::Style::code), "P1", false}, pmd::Cell{text("7"), "", true}}};
  impact.blocks.push_back(table);
  pmd::Section timeline{"timeline", "Timeline", 2, {}};
  pmd::Block tchart;
  tchart.kind = pmd::Block::Kind::chart;
  tchart.chart = pmd::Chart::timeline;
  timeline.blocks.push_back(tchart);
  pmd::Section causes{"root-causes", "Root causes", 3, {}};
  pmd::Block list;
  list.kind = pmd::Block::Kind::list;
  list.list.ordered = false;
  pmd::ListItem item{text(doc_text), {}, true};
  item.children = {pmd::ListItem{text("why 1"), {}, true}, pmd::ListItem{text("why 2"), {}, true}};
  list.list.items = {item};
  causes.blocks.push_back(list);
  pmd::Section plan{"plan", "Remediation plan", 2, {}};
  pmd::Block pchart;
  pchart.kind = pmd::Block::Kind::chart;
  pchart.chart = pmd::Chart::plan;
  plan.blocks.push_back(pchart);
  pmd::Section evidence{"evidence", "Evidence", 2, {}};
  pmd::Block empty;
  empty.kind = pmd::Block::Kind::empty;
  empty.empty.text = "No evidence is recorded.";
  evidence.blocks.push_back(empty);
  c.sections = {summary, impact, timeline, causes, plan, evidence};
  return c;
}

/// The rules every HTML report keeps, whatever the input.
void check_safe_html(const std::string &html) {
  CHECK(html.rfind("<!DOCTYPE html>\n<html lang=\"en\">", 0) == 0);
  CHECK(html.find("<meta charset=\"utf-8\">") != std::string::npos);
  CHECK(html.find("<meta name=\"viewport\"") != std::string::npos);
  CHECK(html.find("<title>") != std::string::npos);
  CHECK(html.find("@media print") != std::string::npos);
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("<SCRIPT") == std::string::npos);
  CHECK(html.find("style=\"") == std::string::npos);
  CHECK(html.find("src=") == std::string::npos);
  CHECK(html.find("'unsafe-inline'") == std::string::npos);
  CHECK(html.find("@import") == std::string::npos);
  CHECK(html.find("@font-face") == std::string::npos);
  // No event-handler attributes: ` on<letters>=` inside a tag.
  static const std::regex event_attr(R"(<[^>]*\son[a-z]+\s*=)", std::regex::icase);
  CHECK_FALSE(std::regex_search(html, event_attr));
  // Links and url() references only to our own anchors.
  static const std::regex href(R"(href="([^"]*)\")");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), href); it != std::sregex_iterator(); ++it)
    CHECK_MESSAGE((*it)[1].str().rfind('#', 0) == 0, "href " << (*it)[1].str());
  static const std::regex url(R"(url\(([^)]*)\))");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), url); it != std::sregex_iterator(); ++it)
    CHECK_MESSAGE((*it)[1].str().rfind('#', 0) == 0, "url(" << (*it)[1].str() << ")");
  // The CSP: before the style, and allowing exactly that style by its hash.
  const std::string csp_head = "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'sha256-";
  const std::size_t csp = html.find(csp_head);
  REQUIRE(csp != std::string::npos);
  const std::size_t style_open = html.find("<style>"), style_close = html.find("</style>");
  REQUIRE(style_open != std::string::npos);
  REQUIRE(style_close != std::string::npos);
  CHECK(csp < style_open);
  CHECK(count(html, "<style") == 1);
  const std::string css = html.substr(style_open + 7, style_close - style_open - 7);
  const std::string hash = sha256_base64(css);
  CHECK_MESSAGE(html.find(csp_head + hash + "'; img-src data:; base-uri 'none'; form-action 'none'\">") != std::string::npos,
                "the CSP's style-src hash does not match the <style> text; update kCssSha256 in src/report/html.cpp to "
                    << hash);
  CHECK(html.size() > 0);
  CHECK(html.back() == '\n');
}

} // namespace

TEST_CASE("sha256_base64 (test helper) matches known digests") {
  CHECK(sha256_base64("") == "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
  CHECK(sha256_base64("abc") == "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=");
}

TEST_CASE("the HTML report of every sample is self-contained and script-free") {
  const pm::Policy policy = report_policy();
  for (const char *name : pm_test::sample_names) {
    CAPTURE(name);
    const pm::Document doc = pm::load(pm_test::sample(name).string(), policy);
    const pm::Analysis analysis = pm::analyze(doc, policy);
    const std::string html = pm::render(doc, analysis, pm::ReportFormat::html, policy);
    check_safe_html(html);
    CHECK(html == pm::render(doc, analysis, pm::ReportFormat::html, policy)); // byte-identical
    // The same document through every block kind and both charts.
    const std::string full = pmd::write_html(every_block_content(doc.incident->title.value_or("")), doc, analysis, policy);
    check_safe_html(full);
    CHECK(count(full, "<figure class=\"chart") == 2);
    CHECK(count(full, "<svg class=\"chart-svg") == 2);
    CHECK(full == pmd::write_html(every_block_content(doc.incident->title.value_or("")), doc, analysis, policy));
  }
}

TEST_CASE("write_html renders every block kind with classes, anchors and a table of contents") {
  const pm::Policy policy = report_policy();
  const pm::Document doc = pm::parse(pm_test::minimal_doc());
  const pm::Analysis analysis = pm::analyze(doc, policy);
  const std::string html = pmd::write_html(every_block_content("Bank fraud"), doc, analysis, policy);
  check_safe_html(html);
  CHECK(html.find("<title>Post-incident report: Bank fraud</title>") != std::string::npos);
  CHECK(html.find("<span class=\"tlp tlp-amber\">TLP:AMBER+STRICT</span>") != std::string::npos);
  CHECK(html.find("<time datetime=\"2024-06-01\">2024-06-01</time>") != std::string::npos);
  CHECK(html.find("<nav class=\"toc\"") != std::string::npos);
  CHECK(html.find("<a href=\"#impact\">Impact</a>") != std::string::npos);
  CHECK(html.find("<ol><li><a href=\"#root-causes\">Root causes</a></li></ol>") != std::string::npos); // nested
  CHECK(html.find("<section id=\"impact\">\n<h2>Impact</h2>") != std::string::npos);
  CHECK(html.find("<section id=\"root-causes\">\n<h3>Root causes</h3>") != std::string::npos);
  CHECK(html.find("<p><strong>What happened: </strong>Bank fraud<em> see </em><code>CVE-2024-3400</code></p>") !=
        std::string::npos);
  CHECK(html.find("<dl class=\"facts\">") != std::string::npos);
  CHECK(html.find("<dt>Severity</dt><dd>high</dd>") != std::string::npos);
  CHECK(html.find("<caption>Affected assets</caption>") != std::string::npos);
  CHECK(html.find("<thead><tr><th scope=\"col\">Asset</th><th scope=\"col\" class=\"num\">Records</th></tr></thead>") !=
        std::string::npos);
  CHECK(html.find("<td class=\"tone-high\">Bank fraud</td><td class=\"num\">48,000</td>") != std::string::npos);
  CHECK(html.find("<td class=\"tone-p1\"><code>fs-02</code></td>") != std::string::npos);
  CHECK(html.find("<ul><li>Bank fraud<ol><li>why 1</li>") != std::string::npos);
  CHECK(html.find("<p class=\"empty\">No evidence is recorded.</p>") != std::string::npos);
  // The minimal document has no timed event and no action: no chart, so no figure.
  CHECK(html.find("<figure") == std::string::npos);
  CHECK(html.find("<svg") == std::string::npos);
  // Every tone the content may use has a CSS rule.
  for (const char *tone : {"critical", "high", "medium", "low", "informational", "p1", "p2", "p3", "p4", "proposed",
                           "planned", "in_progress", "done", "verified", "rejected", "overdue", "unverified", "error",
                           "warning", "info"})
    CHECK_MESSAGE((html.find(std::string(".tone-") + tone + "{") != std::string::npos ||
                   html.find(std::string(".tone-") + tone + ",") != std::string::npos),
                  tone);
  CHECK(html.find("overflow-wrap:anywhere") != std::string::npos);
}

TEST_CASE("document text is escaped everywhere in the HTML and the SVG") {
  const pm::Policy policy = report_policy();
  const std::string evil = "<script>alert(1)</script>\" onmouseover=\"x";
  const std::string json_evil = R"(<script>alert(1)</script>\" onmouseover=\"x)";
  const pm::Document doc = pm::parse(pm_test::minimal_doc(
      "", R"(, "timeline": [{"id": "e1", "time": "2024-05-01T10:00:00Z", "type": "detection", "key": true, "description": ")" +
              json_evil + R"("}, {"id": "e2", "time": "2024-05-02T10:00:00Z", "type": "other", "description": ")" + json_evil +
              R"("}], "actions": [{"id": "A1", "title": ")" + json_evil + R"(", "status": "planned", "due": "2024-05-20"},
              {"id": "A2", "title": ")" + json_evil + R"(", "depends_on": ["A1"]}])"));
  REQUIRE(doc.timeline.size() == 2);
  REQUIRE(*doc.timeline[0].description == evil);
  const pm::Analysis analysis = pm::analyze(doc, policy);
  const std::string timeline = pmd::timeline_svg(doc, analysis, policy);
  const std::string plan = pmd::plan_svg(doc, analysis, policy);
  for (const std::string *svg : {&timeline, &plan}) {
    CHECK(svg->find("<script") == std::string::npos);
    CHECK(svg->find("onmouseover=\"") == std::string::npos);
    CHECK(svg->find("&lt;script&gt;alert(1)&lt;/script&gt;&quot; onmouseover=&quot;x") != std::string::npos);
  }
  const std::string html = pmd::write_html(every_block_content(evil), doc, analysis, policy);
  check_safe_html(html);
  CHECK(html.find("<title>Post-incident report: &lt;script&gt;alert(1)&lt;/script&gt;&quot; onmouseover=&quot;x</title>") !=
        std::string::npos);
  CHECK(count(html, "&lt;script&gt;") >= 8); // title, h1, paragraph, facts, table, list, two charts
  CHECK(html.find("onmouseover=\"") == std::string::npos);
  // Invisible and bidi characters become visible escapes in the charts too.
  const pm::Document bidi = pm::parse(pm_test::minimal_doc(
      "", R"(, "timeline": [{"id": "e1", "time": "2024-05-01T10:00:00Z", "key": true, "description": "invoice\u202egpj.exe"}])"));
  const std::string bidi_svg = pmd::timeline_svg(bidi, pm::analyze(bidi, policy), policy);
  CHECK(bidi_svg.find("invoice\\u202egpj.exe") != std::string::npos);
  CHECK(bidi_svg.find("\xe2\x80\xae") == std::string::npos);
}

TEST_CASE("timeline_svg: a broken axis across months of quiet, one marker per timed event") {
  const pm::Policy policy = report_policy();
  const pm::Document doc = pm::load(pm_test::sample("network-breach-vpn-appliance.json").string(), policy);
  const pm::Analysis analysis = pm::analyze(doc, policy);
  const std::string svg = pmd::timeline_svg(doc, analysis, policy);
  REQUIRE_FALSE(svg.empty());
  CHECK(svg.rfind("<svg class=\"chart-svg timeline-svg\" viewBox=\"0 0 1000.0 ", 0) == 0);
  CHECK(svg.substr(svg.size() - 6) == "</svg>");
  CHECK(timed_events(doc) == 12);
  CHECK(count(svg, "<circle class=\"ev ") == timed_events(doc));
  // The first event (2023-11-08) is five months before the rest (April 2024): one break.
  CHECK(count(svg, "<g class=\"axis-break\">") == 1);
  CHECK(svg.find(">5 months later</text>") != std::string::npos);
  // One lane per event type present.
  CHECK(count(svg, "class=\"lane-lbl\"") == analysis.metrics.types.size());
  CHECK(svg.find(">attacker activity</text>") != std::string::npos);
  // Milestones derived from the timeline, and the key moments numbered and labelled.
  CHECK(svg.find("class=\"ms-lbl\"") != std::string::npos);
  CHECK(svg.find(">detected</text>") != std::string::npos);
  CHECK(svg.find(">contained</text>") != std::string::npos);
  CHECK(count(svg, "<circle class=\"ev key ") == analysis.metrics.key_moments.size());
  CHECK(count(svg, "class=\"key-lbl\"") == analysis.metrics.key_moments.size());
  CHECK(svg.find("2024-04-15 09:30 UTC") != std::string::npos); // the CERT notification's time
  // Ticks per segment: the single-event segment shows its date.
  CHECK(svg.find(">2023-11-08</text>") != std::string::npos);
  CHECK(svg == pmd::timeline_svg(doc, analysis, policy));
}

TEST_CASE("timeline_svg: years of quiet are one break labelled in years and months") {
  const pm::Policy policy = report_policy();
  const pm::Document doc = pm::load(pm_test::sample("data-exfiltration-cloud-bucket.json").string(), policy);
  const std::string svg = pmd::timeline_svg(doc, pm::analyze(doc, policy), policy);
  CHECK(count(svg, "<g class=\"axis-break\">") == 1);
  CHECK(svg.find(">1 year 8 months later</text>") != std::string::npos);
  CHECK(count(svg, "<circle class=\"ev ") == timed_events(doc));
}

TEST_CASE("timeline_svg: one day of activity has no break; a milestone outside the events is listed") {
  const pm::Policy policy = report_policy();
  const pm::Document doc = pm::load(pm_test::sample("phishing-mfa-fatigue.json").string(), policy);
  const std::string svg = pmd::timeline_svg(doc, pm::analyze(doc, policy), policy);
  CHECK(svg.find("axis-break") == std::string::npos);
  CHECK(svg.find("later</text>") == std::string::npos);
  CHECK(count(svg, "<circle class=\"ev ") == timed_events(doc));
  CHECK(count(svg, "<circle class=\"ev ") == 10);
  // Explicit milestones: started (the first event) is drawn; closed (a week later) is a note.
  CHECK(svg.find(">started</text>") != std::string::npos);
  CHECK(svg.find(">recovered</text>") != std::string::npos);
  CHECK(svg.find("Outside the chart: closed 2024-01-24 17:00 UTC") != std::string::npos);
  // Hour ticks on an axis of one day, the date under the first one.
  CHECK(svg.find(">2024-01-17</text>") != std::string::npos);
  CHECK(svg.find(">10:00</text>") != std::string::npos);
}

TEST_CASE("timeline_svg: nothing to draw without timed events; key labels cut at a UTF-8 boundary") {
  const pm::Policy policy = report_policy();
  const pm::Document none = pm::parse(pm_test::minimal_doc("", R"(, "timeline": [{"id": "e1", "description": "no time"}])"));
  CHECK(pmd::timeline_svg(none, pm::analyze(none, policy), policy).empty());
  std::string long_text;
  for (int i = 0; i < 50000; ++i) long_text += "\xc3\xa9"; // 100 KB of é, no space
  const pm::Document big = pm::parse(pm_test::minimal_doc(
      "", R"(, "timeline": [{"id": "e1", "time": "2024-05-01T10:00:00Z", "key": true, "description": ")" + long_text + R"("}])"));
  const std::string svg = pmd::timeline_svg(big, pm::analyze(big, policy), policy);
  CHECK(count(svg, "<circle class=\"ev ") == 1);
  CHECK(svg.find("\xef\xbf\xbd") == std::string::npos); // no U+FFFD from a cut inside a character
  CHECK(svg.size() < 4000);                               // labels and tooltips are abbreviated
  const std::size_t label = svg.find("class=\"key-lbl\"");
  REQUIRE(label != std::string::npos);
  CHECK(svg.find("\xe2\x80\xa6</text>", label) != std::string::npos); // ends with an ellipsis
}

TEST_CASE("plan_svg: one row per plan item, the as-of line, dependencies and overdue items") {
  const pm::Policy policy = report_policy();
  const pm::Document vpn = pm::load(pm_test::sample("network-breach-vpn-appliance.json").string(), policy);
  const pm::Analysis a = pm::analyze(vpn, policy);
  const std::string svg = pmd::plan_svg(vpn, a, policy);
  REQUIRE_FALSE(svg.empty());
  CHECK(count(svg, "<g class=\"plan-row") == a.plan.items.size());
  CHECK(a.plan.items.size() == 6);
  CHECK(svg.find(">as of 2024-06-01</text>") != std::string::npos);
  CHECK(svg.find(">1. ") != std::string::npos);
  // A6 depends on A4 (planned): one connector; A2's dependency A1 is done, so none.
  std::size_t blocked_edges = 0;
  for (const pm::PlanItem &it : a.plan.items) blocked_edges += it.blocked_by.size();
  CHECK(count(svg, "<path class=\"dep") == blocked_edges);
  CHECK(blocked_edges == 1);
  CHECK(svg.find("A6 depends on A4") != std::string::npos);
  // Open items at their due date, finished ones at their completion (A1 and A3 have one).
  CHECK(count(svg, "<circle class=\"pm ") == a.plan.open);
  CHECK(count(svg, "<path class=\"pm st-") == 2);
  CHECK(svg.find(">done 2024-05-10 \xC2\xB7 unverified</text>") != std::string::npos); // no verification record
  CHECK(svg == pmd::plan_svg(vpn, a, policy));

  // The phishing sample's act3 (in progress, due 2024-02-29) is overdue on 2024-06-01.
  const pm::Document phish = pm::load(pm_test::sample("phishing-mfa-fatigue.json").string(), policy);
  const pm::Analysis pa = pm::analyze(phish, policy);
  const std::string psvg = pmd::plan_svg(phish, pa, policy);
  CHECK(count(psvg, "<g class=\"plan-row") == pa.plan.items.size());
  CHECK(pa.plan.overdue >= 1);
  CHECK(count(psvg, "<line class=\"overdue-line\"") == pa.plan.overdue);
  CHECK(psvg.find("pm st-in_progress overdue") != std::string::npos);
  CHECK(psvg.find(" overdue</text>") != std::string::npos);

  const pm::Document none = pm::parse(pm_test::minimal_doc());
  CHECK(pmd::plan_svg(none, pm::analyze(none, policy), policy).empty());
}

// --- Golden reports ---------------------------------------------------------------------------

// The three samples in every format, as of 2024-06-01: tests/data/report/golden/<sample>.md,
// .html and .json, reviewed by eye (the HTML in a browser). Regenerate with
// PM_UPDATE_GOLDEN=1 build/tests/cpp/pm_cpp_tests -tc='*golden reports*' and review the diff.
TEST_CASE("the samples render their reviewed golden reports") {
  pm::Policy policy;
  policy.as_of = pm::Timestamp::parse("2024-06-01T00:00:00Z");
  const std::pair<pm::ReportFormat, const char *> formats[] = {
      {pm::ReportFormat::markdown, ".md"}, {pm::ReportFormat::html, ".html"}, {pm::ReportFormat::json, ".json"}};
  for (const char *name : pm_test::sample_names) {
    const pm::Document doc = pm::load(pm_test::sample(name).string(), policy);
    const pm::Analysis analysis = pm::analyze(doc, policy);
    for (const auto &entry : formats) { // not a structured binding: CAPTURE is a lambda (clang 14)
      const pm::ReportFormat format = entry.first;
      const char *extension = entry.second;
      CAPTURE(name);
      CAPTURE(extension);
      const std::string actual = pm::render(doc, analysis, format, policy);
      CHECK(actual == pm::render(doc, format, policy)); // the analysis is the one render() computes
      const auto golden = pm_test::data_dir() / "report" / "golden" /
                          (std::filesystem::path(name).stem().string() + extension);
      if (std::getenv("PM_UPDATE_GOLDEN")) {
        std::filesystem::create_directories(golden.parent_path());
        std::ofstream(golden, std::ios::binary) << actual;
      }
      CHECK(actual == pm_test::read_file(golden));
    }
  }
}

TEST_CASE("reports name ATT&CK techniques from the knowledge tables") {
  // data/attack/enterprise_techniques_v18.1.tsv: T1190 "Exploit Public-Facing Application",
  // T1003.001 "LSASS Memory". The VPN sample lists both.
  const std::string md = markdown_of(sample_doc("network-breach-vpn-appliance.json"));
  CHECK(md.find("- **ATT\\&CK techniques:** T1190 Exploit Public-Facing Application; ") != std::string::npos);
  CHECK(md.find("| T1003.001 LSASS Memory |") != std::string::npos);
  // An id the tables do not know is shown as written, without a name.
  const std::string unknown = markdown_of(pm::parse(pm_test::minimal_doc(R"(, "techniques": ["T9999"])")));
  CHECK(unknown.find("- **ATT\\&CK techniques:** T9999\n") != std::string::npos);
}
