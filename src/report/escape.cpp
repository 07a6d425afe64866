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

// The ASCII punctuation CommonMark lets a backslash escape; every one of them is escaped, so
// no Markdown (or GFM table, strikethrough, autolink) syntax can come from the text.
bool markdown_punctuation(char32_t c) {
  return c < 0x80 && std::string_view("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~").find(static_cast<char>(c)) != std::string_view::npos;
}

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

std::string escape_markdown(std::string_view text) {
  return transform(
      text,
      [](std::string &out, char32_t c, std::string_view bytes) {
        if (markdown_punctuation(c)) out += '\\';
        out += bytes;
      },
      [](std::string &out, char32_t c) {
        if (c == '\n' || c == '\r' || c == '\t') {
          out += ' '; // layout, not content: a line break would end a table row or a list item
          return;
        }
        std::string escaped;
        visible(escaped, c); // "\u202e": its backslash is Markdown punctuation too
        out += "\\" + escaped;
      },
      [](std::string &out, unsigned char) { out += replacement; });
}

PM_END_NAMESPACE
