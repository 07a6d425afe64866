// Escaping document text for each output context (report.hpp). One table says which code
// points are never passed through; one decoder says what valid UTF-8 is.
#include <postmortem/report.hpp>

#include "report/content.hpp"

#include <fmt/format.h>

#include <string>

PM_BEGIN_NAMESPACE

namespace {

struct Decoded {
  char32_t code_point;
  std::size_t length; ///< bytes consumed; 0 means the byte at the position is not valid UTF-8
};

// Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF.
Decoded decode_utf8(std::string_view s, std::size_t i) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b0 = byte(i);
  if (b0 < 0x80) return {b0, 1};
  std::size_t n;
  char32_t cp, min;
  if (b0 >= 0xc2 && b0 <= 0xdf) { n = 2; cp = b0 & 0x1f; min = 0x80; }
  else if (b0 >= 0xe0 && b0 <= 0xef) { n = 3; cp = b0 & 0x0f; min = 0x800; }
  else if (b0 >= 0xf0 && b0 <= 0xf4) { n = 4; cp = b0 & 0x07; min = 0x10000; }
  else return {0, 0};
  if (i + n > s.size()) return {0, 0};
  for (std::size_t k = 1; k < n; ++k) {
    const unsigned char b = byte(i + k);
    if ((b & 0xc0) != 0x80) return {0, 0};
    cp = (cp << 6) | (b & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return {0, 0};
  return {cp, n};
}

// Walks `text`: a safe code point goes to `safe` (with its bytes), an unsafe one to `escape`,
// a byte that is not part of valid UTF-8 to `invalid`.
template <class Safe, class Escape, class Invalid>
std::string transform(std::string_view text, Safe safe, Escape escape, Invalid invalid) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  std::size_t i = 0;
  while (i < text.size()) {
    const Decoded d = decode_utf8(text, i);
    if (d.length == 0) {
      invalid(out, static_cast<unsigned char>(text[i]));
      i += 1;
    } else {
      if (is_unsafe_code_point(d.code_point)) escape(out, d.code_point);
      else safe(out, d.code_point, text.substr(i, d.length));
      i += d.length;
    }
  }
  return out;
}

void visible(std::string &out, char32_t c) {
  switch (c) {
  case '\n': out += "\\n"; break;
  case '\r': out += "\\r"; break;
  case '\t': out += "\\t"; break;
  default:
    if (c < 0x80) out += fmt::format("\\x{:02x}", static_cast<unsigned>(c));
    else out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
  }
}

constexpr std::string_view replacement = "\xef\xbf\xbd"; // U+FFFD

} // namespace

bool is_unsafe_code_point(char32_t c) noexcept {
  struct Range {
    char32_t first, last;
  };
  // Each range once; the comment says why it is here.
  static constexpr Range unsafe[] = {
      {0x0000, 0x001f}, // C0 controls: ESC sequences, newline (fake lines), backspace, BEL, NUL
      {0x007f, 0x009f}, // DEL and the C1 controls (U+009B is a one-character CSI)
      {0x061c, 0x061c}, // ARABIC LETTER MARK (bidi)
      {0x200b, 0x200f}, // zero-width space/non-joiner/joiner, LRM, RLM
      {0x2028, 0x202e}, // line/paragraph separators; bidi embeddings and overrides (U+202E)
      {0x2060, 0x206f}, // word joiner, invisible operators, bidi isolates, deprecated formats
      {0xfeff, 0xfeff}, // zero-width no-break space (BOM)
      {0xfff9, 0xfffb}, // interlinear annotation controls
  };
  for (const auto &r : unsafe)
    if (c >= r.first && c <= r.last) return true;
  return false;
}

std::string escape_terminal(std::string_view text) {
  return transform(
      text, [](std::string &out, char32_t, std::string_view bytes) { out += bytes; }, visible,
      [](std::string &out, unsigned char byte) { out += fmt::format("\\x{:02x}", byte); });
}

std::string escape_terminal_json(std::string_view json) {
  return transform(
      json, [](std::string &out, char32_t, std::string_view bytes) { out += bytes; },
      [](std::string &out, char32_t c) {
        // ASCII controls only occur raw outside strings (layout whitespace) in serializer output.
        if (c < 0x20) out += static_cast<char>(c);
        else out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
      },
      [](std::string &out, unsigned char) { out += "\\ufffd"; });
}

std::string escape_html(std::string_view text) {
  return transform(
      text,
      [](std::string &out, char32_t c, std::string_view bytes) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        default: out += bytes;
        }
      },
      [](std::string &out, char32_t c) {
        if (c == '\n' || c == '\t' || c == '\r') out += static_cast<char>(c); // whitespace in HTML
        else visible(out, c);
      },
      [](std::string &out, unsigned char) { out += replacement; });
}

namespace {

bool ascii_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

bool blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Which ASCII punctuation is escaped, and why. Everything else (`.`, `,`, `:`, `-` inside a
// line, `'`, `"`, `(`, `)`, `#`…) is left alone, so dates, times, scores and sentences read as
// they were written. `start` is where a block marker would be (the first character after up
// to three spaces when the text may start a block; npos when it cannot), and `list_marker`
// the `.` or `)` of an ordered-list marker there. Escaping a block marker that turns out to
// be mid-line is harmless.
bool markdown_escape_needed(std::string_view text, std::size_t i, std::size_t start, std::size_t list_marker) {
  const char c = text[i];
  switch (c) {
  case '\\': // escapes
  case '`':  // code spans
  case '*':  // emphasis, bullets
  case '[':  // links, images, footnotes (so `!`, `(` and `)` need nothing)
  case ']':
  case '<':  // raw HTML, comments, autolinks
  case '&':  // entities
  case '|':  // GFM table cells
  case '~':  // GFM strikethrough, fences
  case '$':  // math on GitHub
    return true;
  case '_': // emphasis; CommonMark never reads `_` between two letters or digits as emphasis
    return !(i > 0 && i + 1 < text.size() && ascii_alnum(text[i - 1]) && ascii_alnum(text[i + 1]));
  case '#': // ATX headings, block quotes, bullets, setext underlines, thematic breaks: only
  case '>': // where a block starts
  case '-':
  case '+':
  case '=':
    return i == start;
  case '.': // an ordered-list marker (`1.` where a block starts), or GFM's `www.` autolink
  case ')':
    if (i == list_marker) return true;
    return c == '.' && i >= 3 && (text[i - 1] | 0x20) == 'w' && (text[i - 2] | 0x20) == 'w' && (text[i - 3] | 0x20) == 'w';
  case ':': // GFM's `http://`, `https://`, `ftp://` autolinks
    return text.substr(i + 1, 2) == "//";
  default:
    return false;
  }
}

// `at_start`: the text may begin a block (a paragraph, a list item), so block markers and an
// indentation of four or more spaces (a code block) are neutralized there.
std::string escape_markdown_plain(std::string_view text, bool at_start) {
  std::size_t start = std::string_view::npos, list_marker = std::string_view::npos;
  bool indented = false;
  if (at_start) {
    start = 0;
    while (start < text.size() && blank(text[start])) ++start;
    indented = start >= 4;
    std::size_t digits = start;
    while (digits < text.size() && digits - start < 9 && text[digits] >= '0' && text[digits] <= '9') ++digits;
    if (digits > start && digits < text.size() && (text[digits] == '.' || text[digits] == ')')) list_marker = digits;
  }

  std::string out;
  out.reserve(text.size() + text.size() / 8);
  std::size_t i = 0;
  while (i < text.size()) {
    const Decoded d = decode_utf8(text, i);
    if (d.length == 0) {
      out += replacement;
      i += 1;
      continue;
    }
    const char32_t c = d.code_point;
    if (i == 0 && indented) {
      out += "&#32;"; // four leading spaces would start a code block; one reference breaks them
    } else if (is_unsafe_code_point(c)) {
      if (c == '\n' || c == '\r' || c == '\t') {
        out += ' '; // layout, not content: a line break would end a table row or a list item
      } else {
        std::string escaped;
        visible(escaped, c); // "\u202e": its backslash is Markdown punctuation too
        out += "\\" + escaped;
      }
    } else {
      if (c < 0x80 && markdown_escape_needed(text, i, start, list_marker)) out += '\\';
      out.append(text.substr(i, d.length));
    }
    i += d.length;
  }
  return out;
}

// GFM's extended autolinks turn `name@example.com` into a mailto: link after escapes are
// resolved, so no escaping of its characters stops them; a code span does. These are the
// characters GFM accepts around the `@` (its local part, then its domain); none of them is
// special inside a code span, so the run is written there as it is.
bool email_local(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
         c == '+' || c == '-';
}
bool email_domain(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

} // namespace

std::string escape_markdown(std::string_view text) {
  std::string out;
  std::size_t done = 0; // text[0, done) is written
  for (std::size_t at = text.find('@'); at != std::string_view::npos; at = text.find('@', at + 1)) {
    if (at < done) continue;
    std::size_t begin = at, end = at + 1;
    while (begin > done && email_local(text[begin - 1])) --begin;
    while (end < text.size() && email_domain(text[end])) ++end;
    if (begin == at || end == at + 1) continue; // nothing on one side: not an address
    out += escape_markdown_plain(text.substr(done, begin - done), done == 0);
    out += '`';
    out += text.substr(begin, end - begin);
    out += '`';
    done = end;
  }
  out += escape_markdown_plain(text.substr(done), done == 0);
  return out;
}

PM_END_NAMESPACE
