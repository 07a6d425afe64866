// Enumerations as data: one macro defines an enum class and the table of its JSON names,
// so the two can never disagree. Internal header; the public names are in document.hpp.
#ifndef POSTMORTEM_DETAIL_ENUM_HPP
#define POSTMORTEM_DETAIL_ENUM_HPP

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#define PM_BEGIN_NAMESPACE namespace postmortem { inline namespace v1 {
#define PM_END_NAMESPACE } }

PM_BEGIN_NAMESPACE

/// Specialised by PM_ENUM for every model enumeration: `names[i]` is the JSON spelling of
/// enumerator `i`, `type_name` the C++ name.
template <class E> struct enum_traits;

namespace detail {

constexpr std::size_t count_enum_names(std::string_view list) {
  std::size_t n = 1;
  for (char c : list) n += (c == ',');
  return n;
}

// Splits the stringised enumerator list "a, b, public_" into {"a", "b", "public"}: a
// trailing underscore lets an enumerator avoid a C++ keyword while keeping its JSON name.
template <std::size_t N>
constexpr std::array<std::string_view, N> split_enum_names(std::string_view list) {
  std::array<std::string_view, N> out{};
  std::size_t pos = 0;
  for (std::size_t i = 0; i < N; ++i) {
    while (pos < list.size() && (list[pos] == ' ' || list[pos] == '\n')) ++pos;
    std::size_t end = list.find(',', pos);
    if (end == std::string_view::npos) end = list.size();
    std::string_view token = list.substr(pos, end - pos);
    while (!token.empty() && (token.back() == ' ' || token.back() == '_')) token.remove_suffix(1);
    out[i] = token;
    pos = end + 1;
  }
  return out;
}

} // namespace detail

/// The JSON name of an enumerator, e.g. `to_string(EventType::detection) == "detection"`.
template <class E>
constexpr std::string_view to_string(E value) noexcept {
  const auto &names = enum_traits<E>::names;
  auto i = static_cast<std::size_t>(value);
  return i < names.size() ? names[i] : std::string_view{};
}

/// The enumerator spelled `name` in JSON, or nullopt. O(number of enumerators).
template <class E>
constexpr std::optional<E> enum_from_string(std::string_view name) noexcept {
  const auto &names = enum_traits<E>::names;
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return static_cast<E>(i);
  return std::nullopt;
}

PM_END_NAMESPACE

/// Defines `enum class Name : std::uint8_t { ... }` and its enum_traits. Must be used inside
/// PM_BEGIN_NAMESPACE.
#define PM_ENUM(Name, ...)                                                                    \
  enum class Name : std::uint8_t { __VA_ARGS__ };                                             \
  template <> struct enum_traits<Name> {                                                      \
    static constexpr std::string_view type_name = #Name;                                      \
    static constexpr auto names =                                                             \
        detail::split_enum_names<detail::count_enum_names(#__VA_ARGS__)>(#__VA_ARGS__);       \
  };

#endif
