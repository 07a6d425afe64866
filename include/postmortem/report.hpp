/**
 * @file postmortem/report.hpp
 * @brief The post-incident report: Markdown, self-contained HTML, or the JSON analysis bundle.
 *
 * A report is generated from the structured post-mortem, so it is complete and consistent every
 * time (docs/report.md lists the sections, the JSON bundle's schema and the escaping rules):
 * executive summary, impact, timeline, root causes and contributing factors with their
 * why-chains, the remediation plan in plan order, open risks, lessons learned, evidence with
 * hashes and custody, and the post-mortem's own quality score and open findings. A section
 * with no data says so rather than disappearing.
 *
 * - **Markdown** reads well as plain text and renders on common forges.
 * - **HTML** is one self-contained file: inline CSS and inline SVG charts (the timeline, the
 *   plan), no scripts, no external fonts, images or requests, and a Content-Security-Policy
 *   that forbids scripts and remote loads. It prints cleanly to PDF.
 * - **JSON** is the whole analysis bundle (document, findings, metrics, scores, plan) for
 *   hosts that render their own UI.
 *
 * **Safety.** Attackers write part of every incident document (phishing subjects, file names,
 * command lines). Every piece of document text is escaped for the context it lands in: HTML
 * text and attributes, SVG, Markdown (links, images, raw HTML, tables). Control characters,
 * bidi overrides and other invisible format characters are shown as visible escapes such as
 * `\u202e`, never passed through.
 *
 * **Determinism.** The output is a pure function of (document, policy): the policy's `as_of`
 * is the only "now" (the system clock when it is absent), so a fixed `as_of` gives
 * byte-identical output.
 *
 * Thread-safety: pure functions; concurrent calls are safe.
 */
#ifndef POSTMORTEM_REPORT_HPP
#define POSTMORTEM_REPORT_HPP

#include <postmortem/document.hpp>
#include <postmortem/metrics.hpp>
#include <postmortem/plan.hpp>
#include <postmortem/policy.hpp>
#include <postmortem/score.hpp>
#include <postmortem/validate.hpp>

#include <boost/json/value.hpp>

#include <string>
#include <string_view>
#include <vector>

PM_BEGIN_NAMESPACE

/// The formats render() writes. The C API's PM_FORMAT_* constants are these plus one.
PM_ENUM(ReportFormat, markdown, html, json)

/// Everything a report shows beyond the document itself, computed once.
struct Analysis {
  std::vector<Finding> findings; ///< validate(doc, policy)
  Metrics metrics;               ///< metrics(doc, policy)
  Score score;                   ///< score(doc, policy)
  Plan plan;                     ///< plan_with(doc, score.actions, policy)
};

/// Runs the four analyses a report needs. O(what they cost together).
Analysis analyze(const Document &doc, const Policy &policy = {});

/**
 * @brief The report in `format`.
 * @return UTF-8 text: Markdown, an HTML document, or the JSON bundle (pretty-printed, two
 *   spaces; serialize report_bundle() yourself for the compact form).
 * @par Complexity
 * The analyses' cost plus O(size of the output).
 */
std::string render(const Document &doc, ReportFormat format, const Policy &policy = {});

/// render() from an analysis already computed (for a host that also shows it elsewhere).
std::string render(const Document &doc, const Analysis &analysis, ReportFormat format, const Policy &policy = {});

/// The JSON analysis bundle as a value, in the shape docs/report.md documents.
boost::json::value report_bundle(const Document &doc, const Analysis &analysis, const Policy &policy = {});

/**
 * @brief True for the code points no output passes through raw: C0 controls (NUL, ESC,
 * newline…), DEL, C1 controls, bidi embeddings, overrides, isolates and marks, zero-width and
 * other invisible format characters, line and paragraph separators, and the BOM.
 *
 * They can hide or reorder text a reader sees ("Trojan Source"), fake lines, or drive a
 * terminal. Each escaper shows them as visible escapes (`\x1b`, `\u202e`) instead.
 */
bool is_unsafe_code_point(char32_t c) noexcept;

/**
 * @brief Text made safe for HTML text and for quoted attribute values (also inline SVG).
 *
 * `&`, `<`, `>`, `"` and `'` become character references; the unsafe code points
 * (is_unsafe_code_point()) other than tab, newline and carriage return become visible
 * escapes; invalid UTF-8 becomes U+FFFD. Everything else, including non-ASCII letters, is
 * unchanged.
 */
std::string escape_html(std::string_view text);

/**
 * @brief Text made safe for a terminal: every unsafe code point (is_unsafe_code_point()),
 * newline and tab included, as a visible escape (`\n`, `\t`, `\x1b`, `\u202e`); each byte of
 * invalid UTF-8 as `\xNN`. Printable text, including backslashes, is unchanged.
 */
std::string escape_terminal(std::string_view text);

/**
 * @brief JSON text (as a serializer wrote it) made terminal-safe without changing its meaning:
 * unsafe non-ASCII code points and DEL become `\uNNNN` escapes and invalid UTF-8 becomes
 * `\ufffd`, so the output is valid UTF-8 JSON. A serializer already escapes the ASCII controls
 * inside strings; raw newlines and tabs outside strings are layout and stay.
 */
std::string escape_terminal_json(std::string_view json);

/**
 * @brief Text made safe as inline Markdown (CommonMark and GitHub Flavored Markdown),
 * including inside a table cell.
 *
 * Every ASCII punctuation character Markdown could read as syntax is backslash-escaped (so no
 * link, image, emphasis, code span, raw HTML, HTML comment, entity, autolink or table cell
 * boundary can come from the text); line breaks become spaces; invisible and control
 * characters become visible escapes as in escape_html(). A run that GFM would turn into an
 * e-mail link whatever its escapes (`name@example.com`) is written as a code span instead.
 */
std::string escape_markdown(std::string_view text);

PM_END_NAMESPACE

#endif
