// Small text helpers shared by the modules (internal).
#ifndef POSTMORTEM_SRC_TEXT_HPP
#define POSTMORTEM_SRC_TEXT_HPP

#include <postmortem/detail/enum.hpp>

#include <span>
#include <string>
#include <string_view>
#include <utility>

PM_BEGIN_NAMESPACE
namespace detail {

/// Optimal string alignment distance (Levenshtein plus adjacent transpositions).
std::size_t edit_distance(std::string_view a, std::string_view b);

/// The candidate closest to `word` when it is close enough to be a likely typo
/// (distance <= 2, and less than half the word), else an empty view.
std::string_view suggest(std::string_view word, std::span<const std::string_view> candidates);

/// `text` cut to `max` bytes (at a UTF-8 boundary) with an ellipsis, for messages.
std::string abbreviate(std::string_view text, std::size_t max = 60);

/// True when `text` is empty or only spaces, tabs and line breaks.
bool is_blank(std::string_view text) noexcept;

/// True when `text` is exactly `n` hexadecimal digits (either case).
bool is_hex_digits(std::string_view text, std::size_t n) noexcept;

/// Line and column (1-based; the column in code points) of a byte offset, for messages.
std::pair<std::size_t, std::size_t> line_column(std::string_view text, std::size_t offset);

/// "a", "b" and "c" -> `"a", "b", "c"` (quoted, comma separated).
std::string quoted_list(std::span<const std::string_view> items);

} // namespace detail
PM_END_NAMESPACE

#endif
