// The model described as data. Every struct of document.hpp has a TypeInfo: its members in
// FORMAT.md order, each with its JSON kind, whether it is required, its range and type-erased
// accessors. The parser, the serializer, structural validation and finding order all walk
// these tables, so a member is declared once (model.cpp) and cannot be handled by one and
// forgotten by another.
#ifndef POSTMORTEM_SRC_DOCUMENT_FIELDS_HPP
#define POSTMORTEM_SRC_DOCUMENT_FIELDS_HPP

#include <postmortem/document.hpp>

#include <boost/json/value.hpp>

#include <cstddef>
#include <functional>
#include <limits>
#include <span>
#include <string_view>
#include <vector>

PM_BEGIN_NAMESPACE
namespace detail {

namespace json = boost::json;

/// The JSON shape a member expects.
enum class Kind : std::uint8_t {
  string, enumeration, timestamp, date, integer, number, boolean,
  strings,      ///< array of strings
  enumerations, ///< array of enum values
  object,       ///< one nested object
  objects,      ///< array of nested objects
};

/// Human name of a kind for messages ("a timestamp", "an array of strings").
std::string_view kind_description(Kind k) noexcept;

struct TypeInfo;

struct FieldInfo {
  std::string_view name;
  Kind kind = Kind::string;
  bool required = false;
  double min = -std::numeric_limits<double>::infinity(); ///< for integer and number kinds
  double max = std::numeric_limits<double>::infinity();
  std::span<const std::string_view> enum_names;          ///< for enumeration kinds
  const TypeInfo *nested = nullptr;                      ///< for object kinds

  /// Stores `v` in the member; false when it does not fit (the caller keeps it in extra).
  bool (*read)(void *obj, const json::value &v) = nullptr;
  /// Adds the member to `out` under `name` when present.
  void (*write)(const void *obj, json::object &out, std::string_view name) = nullptr;
  bool (*present)(const void *obj) = nullptr;
  /// string kind: the value, or nullptr when absent.
  const std::string *(*text)(const void *obj) = nullptr;
  /// strings kind: the array (empty when absent).
  const Strings *(*strings)(const void *obj) = nullptr;
  /// timestamp kind: the value, or nullptr when absent.
  const Timestamp *(*timestamp)(const void *obj) = nullptr;
  /// integer and number kinds: the value (only when present).
  double (*number)(const void *obj) = nullptr;
  /// object kinds: how many nested objects (0/1 for `object`), the i-th, a new one, clear.
  std::size_t (*size)(const void *obj) = nullptr;
  const void *(*at)(const void *obj, std::size_t i) = nullptr;
  void *(*emplace_back)(void *obj) = nullptr;
  void (*clear)(void *obj) = nullptr;
  /// objects kind: reserve room, and move every element of `from` (same type) to the end
  /// of `to`, leaving `from` empty with its memory freed.
  void (*reserve)(void *obj, std::size_t n) = nullptr;
  void (*move_append)(void *to, void *from) = nullptr;
};

struct TypeInfo {
  std::string_view name;  ///< the C++ type name, e.g. "Event"
  std::string_view label; ///< how messages name one, e.g. "a timeline event"
  std::vector<FieldInfo> fields;
  Extra &(*extra)(void *obj) = nullptr;
  const Extra &(*const_extra)(const void *obj) = nullptr;
  /// Builds a temporary object of this type from `o` and passes it to `fn`.
  void (*with_temporary)(const json::object &o, const std::function<void(const void *)> &fn) = nullptr;

  /// The member called `name`, or nullptr. O(number of members).
  const FieldInfo *find(std::string_view name) const noexcept;
  /// Position of a member in `fields`, or fields.size() when unknown.
  std::size_t index_of(std::string_view name) const noexcept;
};

/// The table of each model type; specialised in model.cpp.
template <class T> const TypeInfo &type_info();
template <> const TypeInfo &type_info<Actor>();
template <> const TypeInfo &type_info<Milestones>();
template <> const TypeInfo &type_info<FinancialLoss>();
template <> const TypeInfo &type_info<Impact>();
template <> const TypeInfo &type_info<Incident>();
template <> const TypeInfo &type_info<Asset>();
template <> const TypeInfo &type_info<Vulnerability>();
template <> const TypeInfo &type_info<Event>();
template <> const TypeInfo &type_info<CustodyEntry>();
template <> const TypeInfo &type_info<Evidence>();
template <> const TypeInfo &type_info<Indicator>();
template <> const TypeInfo &type_info<Factor>();
template <> const TypeInfo &type_info<Ticket>();
template <> const TypeInfo &type_info<Verification>();
template <> const TypeInfo &type_info<Action>();
template <> const TypeInfo &type_info<Lesson>();
template <> const TypeInfo &type_info<Participant>();
template <> const TypeInfo &type_info<Question>();
template <> const TypeInfo &type_info<Review>();
template <> const TypeInfo &type_info<Document>();

/// Fills `obj` (of type `ti`) from a JSON object: members that fit go to their fields,
/// everything else to extra. Values are copied; `o` may live in a temporary arena.
void read_object(void *obj, const TypeInfo &ti, const json::object &o);

/// The JSON object of `obj`: typed members in table order, then extras not already written.
json::object write_object(const void *obj, const TypeInfo &ti);

/// A JSON Pointer token escaped per RFC 6901 (`~` -> `~0`, `/` -> `~1`).
std::string escape_pointer_token(std::string_view token);

} // namespace detail
PM_END_NAMESPACE

#endif
