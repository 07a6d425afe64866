// The report's content, format-neutral (internal).
//
// build_content() decides what the report says, once; the Markdown and HTML writers only
// decide how it looks. So both formats always carry the same sections, tables and words, and
// escaping happens in exactly one place per format: the writer escapes every Span's text for
// its context (no text in this tree is ever trusted markup).
#ifndef POSTMORTEM_SRC_REPORT_CONTENT_HPP
#define POSTMORTEM_SRC_REPORT_CONTENT_HPP

#include <postmortem/report.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

PM_BEGIN_NAMESPACE
namespace detail {

/// A run of text with one style. `text` is plain text (document text included, unescaped).
struct Span {
  enum class Style : std::uint8_t {
    plain,
    strong, ///< bold
    em,     ///< italic
    code,   ///< monospace: ids, hashes, technique ids, paths, JSON Pointers
  };
  std::string text;
  Style style = Style::plain;
};
using Spans = std::vector<Span>;

/// A visual tag the HTML writer may colour (a CSS class suffix); Markdown ignores it.
/// Values: "critical", "high", "medium", "low", "informational" (severity tiers), "P1".."P4",
/// the ActionStatus names, "overdue", "unverified", "error", "warning", "info", or empty.
using Tone = std::string;

struct Cell {
  Spans spans;
  Tone tone;
  bool numeric = false; ///< right-aligned
};

struct Table {
  std::vector<std::string> header; ///< column titles (our own words, never document text)
  std::vector<std::vector<Cell>> rows;
  std::string caption;             ///< optional, our own words
};

struct ListItem {
  Spans spans;
  std::vector<ListItem> children; ///< a nested list (a why-chain under its factor)
  bool children_ordered = true;
};

struct List {
  bool ordered = false;
  std::vector<ListItem> items;
};

/// Label: value pairs shown as a compact grid (HTML) or a bullet list (Markdown).
struct Facts {
  std::vector<std::pair<std::string, Spans>> items; ///< label (our words), value
};

/// Where the HTML writer puts an SVG chart. Markdown writes nothing for a chart: the table
/// next to it carries the same information.
enum class Chart : std::uint8_t { timeline, plan };

/// A statement that a section has no data ("No evidence is recorded.").
struct Empty {
  std::string text;
};

struct Block {
  enum class Kind : std::uint8_t { paragraph, facts, table, list, chart, empty };
  Kind kind = Kind::paragraph;
  Spans paragraph;
  Facts facts;
  Table table;
  List list;
  Chart chart = Chart::timeline;
  Empty empty;
};

struct Section {
  std::string id;    ///< anchor: lowercase letters, digits and hyphens (our own words)
  std::string title; ///< our own words
  int level = 2;     ///< 2 for the main sections, 3 for a subsection
  std::vector<Block> blocks;
};

struct Content {
  Spans title;          ///< "Post-incident report: <incident title>"
  std::string as_of;    ///< the policy's as_of, YYYY-MM-DD (the report's date)
  std::optional<Tlp> tlp; ///< shown at the top when the incident has one
  std::vector<Section> sections;
};

/// The executive summary's words, shared by every format (the JSON bundle has them too).
struct Summary {
  std::string what_happened; ///< at most two sentences: the incident's own summary, else generated
  std::string severity_why;  ///< the computed tier and score and the terms that weigh most
};
Summary executive_summary(const Document &doc, const Analysis &analysis, const Policy &policy);

/// The TLP 2.0 label's name as FIRST writes it after "TLP:": "CLEAR", "AMBER+STRICT"…
std::string tlp_words(Tlp tlp);

/// What the report says, from the document and its analysis.
Content build_content(const Document &doc, const Analysis &analysis, const Policy &policy);

/// The writers. The HTML writer draws the charts from doc and analysis.
std::string write_markdown(const Content &content);
std::string write_html(const Content &content, const Document &doc, const Analysis &analysis, const Policy &policy);

/// The SVG charts, each a complete `<svg>` element for inline HTML (every text escaped).
/// An empty string when there is nothing to draw (no timed events, no plan items).
std::string timeline_svg(const Document &doc, const Analysis &analysis, const Policy &policy);
std::string plan_svg(const Document &doc, const Analysis &analysis, const Policy &policy);

} // namespace detail
PM_END_NAMESPACE

#endif
