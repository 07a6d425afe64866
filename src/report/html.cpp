// The HTML writer (content.hpp).
//
// One self-contained file: inline CSS (kCss), inline SVG (svg.cpp), no scripts, no `style=""`
// attributes, no external fonts, images or requests, and a Content-Security-Policy meta tag
// that allows only that one stylesheet (by its hash) and data: images. Every piece of text,
// document text or our own, goes through escape_html(); class names and ids are reduced to
// [a-z0-9_-]. The output is a pure function of its inputs (no clock, fixed number formats).
#include "report/content.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

PM_BEGIN_NAMESPACE
namespace detail {
namespace {

// The whole stylesheet: the text between <style> and </style>, byte for byte. The CSP below
// allows exactly this text by its hash, so EVERY change here needs a new kCssSha256:
//   python3 tests/report/check_csp.py --print-css-hash src/report/html.cpp
// (prints base64(SHA-256(kCss))); tests/report/check_csp.py <report.html> checks a rendered file.
constexpr std::string_view kCss = R"css(
:root{--ink:#1f2328;--muted:#59636e;--line:#d1d9e0;--zebra:#f6f8fa;--accent:#0b5cad;--bg:#fff;
--critical:#9b1c1c;--critical-bg:#fde2e2;--high:#b4460b;--high-bg:#ffedd5;--medium:#8a5a00;--medium-bg:#fef3c7;
--low:#1d4ed8;--low-bg:#dbeafe;--info:#475569;--info-bg:#eef2f6;--ok:#15803d;--ok-bg:#dcfce7;--violet:#6d28d9;--violet-bg:#ede9fe}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--ink);font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans",sans-serif}
.page{max-width:60rem;margin:0 auto;padding:1.5rem 1.25rem 3rem}
p,li,dd,dt,caption,figcaption,h1,h2,h3,a,td.long{overflow-wrap:anywhere;word-break:break-word}
td,th{overflow-wrap:normal;word-break:normal;hyphens:manual}
h1{font-size:1.75rem;line-height:1.25;margin:0 0 .5rem}
h2{font-size:1.35rem;margin:2.25rem 0 .75rem;padding-bottom:.3rem;border-bottom:1px solid var(--line)}
h3{font-size:1.1rem;margin:1.5rem 0 .5rem}
a{color:var(--accent)}
code{font:.875em/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;background:var(--zebra);border:1px solid var(--line);border-radius:4px;padding:0 .25em}
.report-head{border-bottom:3px solid var(--ink);padding-bottom:.75rem;margin-bottom:1.25rem}
.meta{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;margin:0;color:var(--muted);font-size:.95rem}
.tlp{display:inline-block;font:700 .85rem/1 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;letter-spacing:.04em;padding:.35rem .6rem;border-radius:4px;background:#000;border:1px solid #000}
.tlp-red{color:#ff2b2b}.tlp-amber{color:#ffc000}.tlp-green{color:#33ff00}.tlp-clear{color:#fff}
.toc{background:var(--zebra);border:1px solid var(--line);border-radius:6px;padding:.75rem 1.25rem;margin:1rem 0 1.5rem}
.toc h2{font-size:1rem;margin:0 0 .35rem;border:0;padding:0}
.toc ol{margin:0;padding-left:1.25rem}.toc ol ol{list-style:lower-alpha}
section{margin:0}
.table-wrap{overflow-x:auto;margin:.75rem 0 1.25rem}
table{width:100%;table-layout:auto;border-collapse:collapse;font-size:.92rem}
caption{caption-side:top;text-align:left;font-weight:600;color:var(--muted);padding:.25rem 0}
th,td{border:1px solid var(--line);padding:.35rem .55rem;text-align:left;vertical-align:top;min-width:3rem}
thead th{background:#eaeef2;font-weight:600}
tbody tr:nth-child(even){background:var(--zebra)}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.facts{display:grid;grid-template-columns:repeat(auto-fill,minmax(13rem,1fr));gap:.5rem 1.25rem;margin:.75rem 0 1.25rem}
.fact{border-left:3px solid var(--line);padding-left:.6rem}
.facts dt{font-size:.8rem;text-transform:uppercase;letter-spacing:.03em;color:var(--muted)}
.facts dd{margin:0;font-weight:500}
.empty{color:var(--muted);font-style:italic}
ul,ol{padding-left:1.5rem}li{margin:.2rem 0}
figure{margin:1rem 0 1.5rem;border:1px solid var(--line);border-radius:6px;padding:.5rem}
figcaption{font-size:.85rem;color:var(--muted);padding:.25rem .25rem 0}
.chart-svg{display:block;width:100%;height:auto}
.report-foot{margin-top:3rem;padding-top:.75rem;border-top:1px solid var(--line);color:var(--muted);font-size:.85rem}
.tone-critical,.tone-p1{color:var(--critical);background:var(--critical-bg);font-weight:600}
.tone-high,.tone-p2{color:var(--high);background:var(--high-bg);font-weight:600}
.tone-medium,.tone-p3{color:var(--medium);background:var(--medium-bg)}
.tone-low,.tone-p4{color:var(--low);background:var(--low-bg)}
.tone-informational,.tone-proposed,.tone-info{color:var(--info);background:var(--info-bg)}
.tone-planned{color:var(--low);background:var(--low-bg)}
.tone-in_progress{color:var(--violet);background:var(--violet-bg)}
.tone-done{color:var(--ok);background:var(--ok-bg)}
.tone-verified{color:#fff;background:var(--ok);font-weight:600}
.tone-rejected{color:var(--muted);background:var(--zebra);text-decoration:line-through}
.tone-overdue,.tone-error{color:var(--critical);background:var(--critical-bg);font-weight:700}
.tone-unverified,.tone-warning{color:var(--medium);background:var(--medium-bg);font-weight:600}
.chart-svg text{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;font-size:11px;fill:var(--ink)}
.chart-svg .tick-lbl,.chart-svg .axis-lbl,.chart-svg .note{fill:var(--muted);font-size:10px}
.chart-svg .lane-lbl,.chart-svg .row-lbl{font-size:11.5px}
.chart-svg .lane{fill:#fbfcfd}.chart-svg .lane.alt{fill:#f1f4f7}
.chart-svg .row-bg{fill:transparent}.chart-svg .plan-row.alt .row-bg{fill:#f3f5f8}
.chart-svg .plan-row.crit .row-lbl{font-weight:700}
.chart-svg .axis,.chart-svg .tick{stroke:#8c959f;stroke-width:1}
.chart-svg .grid{stroke:#e1e6eb;stroke-width:1}
.chart-svg .ms{stroke:#57606a;stroke-width:1.2}.chart-svg .ms-lbl{font-weight:600;font-size:10.5px}
.chart-svg .axis-break line{stroke:#57606a;stroke-width:1.5}.chart-svg .axis-break .break-gap{stroke:#c4ccd4;stroke-dasharray:2 3}
.chart-svg .break-lbl{font-style:italic;fill:var(--muted);font-size:10.5px}
.chart-svg .ev{stroke:#fff;stroke-width:1.5;fill:var(--info)}.chart-svg .ev.key{stroke:var(--ink);stroke-width:1.5}
.chart-svg .key-num{font-weight:700;font-size:10px}.chart-svg .key-time{fill:var(--muted)}
.chart-svg .ev-attacker_activity{fill:#c62828}
.chart-svg .ev-detection,.chart-svg .ev-alert{fill:#e07b00}
.chart-svg .ev-triage,.chart-svg .ev-escalation,.chart-svg .ev-analysis{fill:#1d6fd8}
.chart-svg .ev-containment,.chart-svg .ev-eradication,.chart-svg .ev-recovery{fill:#1f9d55}
.chart-svg .ev-communication,.chart-svg .ev-notification,.chart-svg .ev-decision{fill:#7c3aed}
.chart-svg .asof line{stroke:var(--ink);stroke-width:1.5}.chart-svg .asof-lbl{font-weight:600}
.chart-svg .pm{stroke:#fff;stroke-width:1.5;fill:var(--info)}
.chart-svg .pm.crit{stroke:var(--ink)}
.chart-svg .st-proposed{fill:var(--info)}.chart-svg .st-planned{fill:var(--low)}.chart-svg .st-in_progress{fill:var(--violet)}
.chart-svg .st-done{fill:var(--ok)}.chart-svg .st-verified{fill:#0e5a2b}.chart-svg .st-rejected{fill:#8c959f}
.chart-svg .pm.overdue{fill:var(--critical)}
.chart-svg .st-lbl{fill:var(--muted)}.chart-svg .st-lbl.overdue{fill:var(--critical);font-weight:700}.chart-svg .st-lbl.unverified{fill:var(--medium);font-weight:600}
.chart-svg .overdue-line{stroke:var(--critical);stroke-width:3;stroke-linecap:round;opacity:.55}
.chart-svg .dep{fill:none;stroke:#6e7781;stroke-width:1.3}.chart-svg .dep.conflict{stroke:var(--critical);stroke-dasharray:4 3}
.chart-svg .arrow-head{fill:#6e7781}
@page{margin:16mm 14mm}
@media print{
body{font-size:10.5pt;color:#000;background:#fff}
.page{max-width:none;padding:0}
*,*::before,*::after{box-shadow:none!important;text-shadow:none!important}
a{color:#000;text-decoration:none}
.toc{break-inside:avoid}
h2,h3{break-after:avoid}
tr,figure,.fact,li{break-inside:avoid}
thead{display:table-header-group}
.table-wrap{overflow:visible}
.tlp,.tone-critical,.tone-high,.tone-medium,.tone-low,.tone-p1,.tone-p2,.tone-p3,.tone-p4,.tone-verified,.tone-overdue,.tone-error,.chart-svg{-webkit-print-color-adjust:exact;print-color-adjust:exact}
}
)css";

// base64(SHA-256(kCss)), for the CSP's style-src. Regenerate whenever kCss changes (see above).
constexpr std::string_view kCssSha256 = "xdxjHWDmCP2qHXNSXi5YoL3464uv+tOClX/Ki09vC00=";

// The longest run of characters without a space in some spans, in bytes, and the length
// above which a table cell may break words anywhere.
constexpr std::size_t kLongWord = 24;
std::size_t longest_word(const Spans &spans) {
  std::size_t longest = 0, run = 0;
  for (const Span &span : spans)
    for (const char c : span.text) {
      run = (c == ' ' || c == '\n' || c == '\t') ? 0 : run + 1;
      longest = std::max(longest, run);
    }
  return longest;
}

/// A class-name or id fragment: lower-case ASCII letters, digits, '_' and '-' only.
std::string token(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c >= 'A' && c <= 'Z') out += static_cast<char>(c - 'A' + 'a');
    else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-') out += c;
  }
  return out;
}

std::string tone_class(std::string_view tone) {
  const std::string t = token(tone);
  return t.empty() ? std::string() : "tone-" + t;
}

void put_spans(std::string &out, const Spans &spans) {
  for (const Span &s : spans) {
    switch (s.style) {
    case Span::Style::plain: out += escape_html(s.text); break;
    case Span::Style::strong: out += "<strong>" + escape_html(s.text) + "</strong>"; break;
    case Span::Style::em: out += "<em>" + escape_html(s.text) + "</em>"; break;
    case Span::Style::code: out += "<code>" + escape_html(s.text) + "</code>"; break;
    }
  }
}

std::string plain_text(const Spans &spans) {
  std::string out;
  for (const Span &s : spans) out += s.text;
  return out;
}

void put_items(std::string &out, const std::vector<ListItem> &items, bool ordered, int depth) {
  if (depth > 16) return; // defensive: the content tree is ours, never that deep
  out += ordered ? "<ol>" : "<ul>";
  for (const ListItem &item : items) {
    out += "<li>";
    put_spans(out, item.spans);
    if (!item.children.empty()) put_items(out, item.children, item.children_ordered, depth + 1);
    out += "</li>\n";
  }
  out += ordered ? "</ol>\n" : "</ul>\n";
}

void put_table(std::string &out, const Table &t) {
  // A column is numeric (right-aligned heading too) when every cell in it is.
  std::vector<bool> numeric(t.header.size(), !t.rows.empty());
  for (const auto &row : t.rows)
    for (std::size_t c = 0; c < numeric.size(); ++c)
      if (c >= row.size() || !row[c].numeric) numeric[c] = false;
  out += "<div class=\"table-wrap\"><table>";
  if (!t.caption.empty()) out += "<caption>" + escape_html(t.caption) + "</caption>";
  if (!t.header.empty()) {
    out += "<thead><tr>";
    for (std::size_t c = 0; c < t.header.size(); ++c)
      out += fmt::format("<th scope=\"col\"{}>{}</th>", numeric[c] ? " class=\"num\"" : "", escape_html(t.header[c]));
    out += "</tr></thead>";
  }
  out += "\n<tbody>\n";
  for (const auto &row : t.rows) {
    out += "<tr>";
    for (const Cell &cell : row) {
      std::string cls = tone_class(cell.tone);
      if (cell.numeric) cls = cls.empty() ? "num" : "num " + cls;
      // Words break only where they must: a cell gets `long` (break anywhere) only when it
      // holds a word too long for a column, so short words such as "containment" never split.
      if (longest_word(cell.spans) > kLongWord) cls = cls.empty() ? "long" : cls + " long";
      out += cls.empty() ? "<td>" : "<td class=\"" + cls + "\">";
      put_spans(out, cell.spans);
      out += "</td>";
    }
    out += "</tr>\n";
  }
  out += "</tbody></table></div>\n";
}

constexpr std::string_view kTimelineCaption =
    "Timeline (UTC): one lane per event type; dashed lines mark the lifecycle milestones, numbers the key "
    "moments. A broken axis skips long quiet periods.";
constexpr std::string_view kPlanCaption =
    "Remediation plan in plan order: open actions at their suggested due date, finished ones at their "
    "completion; arrows link an action to the unfinished work it depends on.";

struct Writer {
  const Document &doc;
  const Analysis &analysis;
  const Policy &policy;
  std::string out;

  void block(const Block &b) {
    switch (b.kind) {
    case Block::Kind::paragraph:
      out += "<p>";
      put_spans(out, b.paragraph);
      out += "</p>\n";
      break;
    case Block::Kind::facts:
      if (b.facts.items.empty()) break;
      out += "<dl class=\"facts\">\n";
      for (const auto &[label, value] : b.facts.items) {
        out += "<div class=\"fact\"><dt>" + escape_html(label) + "</dt><dd>";
        put_spans(out, value);
        out += "</dd></div>\n";
      }
      out += "</dl>\n";
      break;
    case Block::Kind::table: put_table(out, b.table); break;
    case Block::Kind::list:
      if (!b.list.items.empty()) put_items(out, b.list.items, b.list.ordered, 0);
      break;
    case Block::Kind::chart: {
      const bool timeline = b.chart == Chart::timeline;
      const std::string svg = timeline ? timeline_svg(doc, analysis, policy) : plan_svg(doc, analysis, policy);
      if (svg.empty()) break;
      out += fmt::format("<figure class=\"chart {}\">\n{}\n<figcaption>{}</figcaption></figure>\n",
                         timeline ? "chart-timeline" : "chart-plan", svg,
                         escape_html(timeline ? kTimelineCaption : kPlanCaption));
      break;
    }
    case Block::Kind::empty: out += "<p class=\"empty\">" + escape_html(b.empty.text) + "</p>\n"; break;
    }
  }
};

std::string tlp_badge(Tlp tlp) {
  std::string_view cls = "clear";
  switch (tlp) {
  case Tlp::red: cls = "red"; break;
  case Tlp::amber:
  case Tlp::amber_strict: cls = "amber"; break;
  case Tlp::green: cls = "green"; break;
  case Tlp::clear: break;
  }
  return fmt::format("<span class=\"tlp tlp-{}\">TLP:{}</span>", cls, escape_html(tlp_words(tlp)));
}

} // namespace

std::string write_html(const Content &content, const Document &doc, const Analysis &analysis, const Policy &policy) {
  // Unique anchors, in section order.
  std::vector<std::string> ids;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < content.sections.size(); ++i) {
    std::string base = token(content.sections[i].id);
    if (base.empty()) base = fmt::format("section-{}", i + 1);
    std::string id = base;
    for (int n = 2; !seen.insert(id).second; ++n) id = fmt::format("{}-{}", base, n);
    ids.push_back(std::move(id));
  }

  std::string title = plain_text(content.title);
  if (title.empty()) title = "Post-incident report";
  std::string date = content.as_of;
  if (date.empty() && policy.as_of) date = policy.as_of->to_utc_string().substr(0, 10);

  Writer w{doc, analysis, policy, {}};
  std::string &out = w.out;
  out.reserve(16384);
  out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += fmt::format("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src "
                     "'sha256-{}'; img-src data:; base-uri 'none'; form-action 'none'\">\n",
                     kCssSha256);
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += "<meta name=\"referrer\" content=\"no-referrer\">\n";
  out += "<meta name=\"generator\" content=\"libpostmortem\">\n";
  out += "<title>" + escape_html(title) + "</title>\n";
  out += "<style>";
  out += kCss;
  out += "</style>\n</head>\n<body>\n<div class=\"page\">\n";

  out += "<header class=\"report-head\">\n<h1>";
  if (content.title.empty()) out += escape_html(title);
  else put_spans(out, content.title);
  out += "</h1>\n<p class=\"meta\">";
  if (content.tlp) out += tlp_badge(*content.tlp);
  if (!date.empty())
    out += fmt::format("<span class=\"date\">Report date: <time datetime=\"{0}\">{0}</time></span>", escape_html(date));
  out += "</p>\n</header>\n";

  // Table of contents: the main sections, their subsections nested.
  if (!content.sections.empty()) {
    out += "<nav class=\"toc\" aria-label=\"Contents\">\n<h2>Contents</h2>\n<ol>";
    bool open_li = false, open_sub = false;
    for (std::size_t i = 0; i < content.sections.size(); ++i) {
      const Section &s = content.sections[i];
      const std::string link = fmt::format("<a href=\"#{}\">{}</a>", ids[i], escape_html(s.title));
      if (s.level >= 3 && open_li) {
        if (!open_sub) out += "<ol>";
        open_sub = true;
        out += "<li>" + link + "</li>";
        continue;
      }
      if (open_sub) out += "</ol>";
      if (open_li) out += "</li>\n";
      out += "<li>" + link;
      open_li = true;
      open_sub = false;
    }
    if (open_sub) out += "</ol>";
    if (open_li) out += "</li>\n";
    out += "</ol>\n</nav>\n";
  }

  // Sections: a level-3 section nests inside the level-2 section before it.
  out += "<main>\n";
  bool open2 = false;
  for (std::size_t i = 0; i < content.sections.size(); ++i) {
    const Section &s = content.sections[i];
    const bool sub = s.level >= 3;
    if (!sub && open2) {
      out += "</section>\n";
      open2 = false;
    }
    out += fmt::format("<section id=\"{}\">\n<h{}>{}</h{}>\n", ids[i], sub ? 3 : 2, escape_html(s.title), sub ? 3 : 2);
    for (const Block &b : s.blocks) w.block(b);
    if (sub) out += "</section>\n";
    else open2 = true;
  }
  if (open2) out += "</section>\n";
  out += "</main>\n";

  out += "<footer class=\"report-foot\"><p>";
  if (content.tlp) out += tlp_badge(*content.tlp) + " ";
  out += "Generated by libpostmortem from a postmortem/1 document";
  if (!date.empty()) out += ", as of " + escape_html(date);
  out += ".</p></footer>\n</div>\n</body>\n</html>\n";
  return out;
}

} // namespace detail
PM_END_NAMESPACE
