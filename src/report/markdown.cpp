// The Markdown writer (content.hpp).
//
// GitHub Flavored Markdown that also reads well as plain text. Every Span's text, and every
// word of our own, goes through escape_markdown(), so no document text can become a link, an
// image, raw HTML, emphasis, a code span or a table-cell boundary. Code style is written as
// escaped plain text: a backtick code span cannot be escaped from inside.
#include "report/content.hpp"

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

PM_BEGIN_NAMESPACE
namespace detail {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t'; }

/// `text` escaped and wrapped in `mark` (`**`, `_`), with leading and trailing blanks kept
/// outside the delimiters (CommonMark does not open or close emphasis next to a space).
void wrapped(std::string &out, const std::string &text, std::string_view mark) {
  std::size_t b = 0, e = text.size();
  while (b < e && is_blank(text[b])) ++b;
  while (e > b && is_blank(text[e - 1])) --e;
  out.append(text, 0, b);
  if (e > b) {
    out += mark;
    out += escape_markdown(std::string_view(text).substr(b, e - b));
    out += mark;
  }
  out.append(text, e, std::string::npos);
}

std::string spans(const Spans &in) {
  std::string out;
  for (const Span &s : in) {
    switch (s.style) {
    case Span::Style::plain:
    case Span::Style::code: out += escape_markdown(s.text); break;
    case Span::Style::strong: wrapped(out, s.text, "**"); break;
    case Span::Style::em: wrapped(out, s.text, "_"); break;
    }
  }
  return out;
}

void write_table(std::string &out, const Table &t) {
  std::size_t columns = t.header.size();
  for (const auto &row : t.rows) columns = std::max(columns, row.size());
  if (columns == 0) return;
  if (!t.caption.empty()) out += "_" + escape_markdown(t.caption) + "_\n\n";
  std::vector<bool> numeric(columns, false);
  for (const auto &row : t.rows)
    for (std::size_t i = 0; i < row.size(); ++i)
      if (row[i].numeric) numeric[i] = true;
  out += '|';
  for (std::size_t i = 0; i < columns; ++i) {
    const std::string h = i < t.header.size() ? escape_markdown(t.header[i]) : std::string();
    out += ' ';
    out += h.empty() ? std::string("—") : h;
    out += " |";
  }
  out += "\n|";
  for (std::size_t i = 0; i < columns; ++i) out += numeric[i] ? " ---: |" : " --- |";
  out += '\n';
  for (const auto &row : t.rows) {
    out += '|';
    for (std::size_t i = 0; i < columns; ++i) {
      const std::string c = i < row.size() ? spans(row[i].spans) : std::string();
      out += ' ';
      out += c.empty() ? std::string("—") : c;
      out += " |";
    }
    out += '\n';
  }
}

void write_items(std::string &out, const std::vector<ListItem> &items, bool ordered, const std::string &indent) {
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string marker = ordered ? std::to_string(i + 1) + ". " : "- ";
    out += indent + marker;
    const std::string text = spans(items[i].spans);
    out += text.empty() ? std::string("—") : text;
    out += '\n';
    if (!items[i].children.empty())
      write_items(out, items[i].children, items[i].children_ordered, indent + std::string(marker.size(), ' '));
  }
}

void write_block(std::string &out, const Block &b) {
  switch (b.kind) {
  case Block::Kind::paragraph: {
    const std::string text = spans(b.paragraph);
    if (text.empty()) return;
    out += text + "\n\n";
    return;
  }
  case Block::Kind::facts:
    if (b.facts.items.empty()) return;
    for (const auto &[label, value] : b.facts.items) {
      const std::string v = spans(value);
      out += "- **" + escape_markdown(label) + ":** " + (v.empty() ? std::string("—") : v) + "\n";
    }
    out += '\n';
    return;
  case Block::Kind::table:
    write_table(out, b.table);
    out += '\n';
    return;
  case Block::Kind::list:
    if (b.list.items.empty()) return;
    write_items(out, b.list.items, b.list.ordered, "");
    out += '\n';
    return;
  case Block::Kind::chart: return; // the table next to it carries the same information
  case Block::Kind::empty: out += "_" + escape_markdown(b.empty.text) + "_\n\n"; return;
  }
}

} // namespace

std::string write_markdown(const Content &content) {
  std::string out = "# " + spans(content.title) + "\n\n";
  std::string meta = "Report date: " + content.as_of;
  if (content.tlp) meta += " · TLP:" + tlp_words(*content.tlp);
  out += "_" + escape_markdown(meta) + "_\n\n";
  for (const Section &s : content.sections) {
    out += std::string(static_cast<std::size_t>(s.level < 1 ? 1 : s.level > 6 ? 6 : s.level), '#');
    out += ' ' + escape_markdown(s.title) + "\n\n";
    for (const Block &b : s.blocks) write_block(out, b);
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  out += '\n';
  return out;
}

} // namespace detail
PM_END_NAMESPACE
