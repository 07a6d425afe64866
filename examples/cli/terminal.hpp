// Making text safe for a terminal, and deciding whether to colour it.
//
// Findings quote document text, and attackers write part of every incident document (phishing
// subjects, file names, user agents). Printed raw, such text could move the cursor, rewrite
// earlier lines, change the window title (ESC sequences), fake a new finding line (a newline),
// or reorder what the reader sees (Unicode bidi overrides, "Trojan Source"). Every byte the CLI
// writes to stdout or stderr that did not come from its own literals goes through one of the
// two functions below, which share one definition of what is unsafe.
#ifndef POSTMORTEM_CLI_TERMINAL_HPP
#define POSTMORTEM_CLI_TERMINAL_HPP

#include <cstdio>
#include <string>
#include <string_view>

namespace pmcli {

/// True for code points that must not reach a terminal raw: C0 controls (including newline and
/// tab), DEL, C1 controls, bidi embeddings/overrides/isolates and marks, zero-width and
/// invisible format characters, line and paragraph separators, and the BOM.
bool is_unsafe_for_terminal(char32_t c) noexcept;

/**
 * Text with every unsafe code point escaped: `\n`, `\r`, `\t`, `\xNN` for other ASCII
 * controls and DEL, `\uNNNN` for the others (e.g. `\u202e`); each byte of invalid UTF-8 as
 * `\xNN`. Printable text, including non-ASCII letters and backslashes, is unchanged.
 */
std::string escape_for_terminal(std::string_view text);

/**
 * JSON text (as a serializer wrote it) made terminal-safe without changing its meaning:
 * unsafe non-ASCII code points and DEL become `\uNNNN` escapes, and invalid UTF-8 becomes
 * `\ufffd`, so the output is valid UTF-8 JSON. A serializer already escapes the ASCII controls
 * inside strings; raw newlines and tabs outside strings are layout and stay.
 */
std::string escape_json_for_terminal(std::string_view json);

/// Whether to colour output written to `stream`: it is a terminal, NO_COLOR is unset or empty
/// (https://no-color.org), and TERM is not "dumb".
bool colour_supported(std::FILE *stream);

/// ANSI SGR sequences for the severity words.
namespace sgr {
inline constexpr std::string_view red = "\x1b[1;31m";
inline constexpr std::string_view yellow = "\x1b[1;33m";
inline constexpr std::string_view cyan = "\x1b[1;36m";
inline constexpr std::string_view reset = "\x1b[0m";
} // namespace sgr

} // namespace pmcli

#endif
