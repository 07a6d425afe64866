// PM102–PM110: the document's shape. Driven entirely by the model tables (fields.hpp): a
// member that did not fit its typed field was kept in `extra`, and is classified here.
#include "validate/report.hpp"

#include "document/fields.hpp"
#include "text.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <map>

PM_BEGIN_NAMESPACE
namespace detail {

namespace {

std::string_view json_kind(const json::value &v) {
  switch (v.kind()) {
  case json::kind::null: return "null";
  case json::kind::bool_: return "a boolean";
  case json::kind::int64:
  case json::kind::uint64: return "an integer";
  case json::kind::double_: return "a number";
  case json::kind::string: return "a string";
  case json::kind::array: return "an array";
  case json::kind::object: return "an object";
  }
  return "a value";
}

bool is_id(std::string_view s) {
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); };
  if (s.empty() || s.size() > 64 || !alnum(s[0])) return false;
  for (char c : s.substr(1))
    if (!alnum(c) && c != '.' && c != '_' && c != ':' && c != '-') return false;
  return true;
}

// The incident's own id comes from the host's tracker: any printable text up to 128 bytes.
bool is_incident_id(std::string_view s) {
  if (s.empty() || s.size() > 128) return false;
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f) return false;
  return true;
}

std::string number_text(const json::value &v) { return abbreviate(serialize_value(v), 40); }

class Walker {
public:
  explicit Walker(Report &report) : report_(report) {}

  void object(const void *obj, const TypeInfo &type) {
    const Extra &extra = type.const_extra(obj);
    for (const auto &f : type.fields) {
      // The pointer is extended only for members that are checked further: most members of
      // most elements are not, and a million-event timeline notices the difference.
      const json::value *raw = extra.empty() ? nullptr : extra.if_contains(f.name);
      if (f.present(obj)) {
        if (!checked_when_present(f)) continue;
        std::size_t mark = push(f.name);
        typed_value(obj, type, f);
        path_.resize(mark);
      } else if (raw && !ignorable(*raw, f)) {
        std::size_t mark = push(f.name);
        raw_value(*raw, f);
        path_.resize(mark);
      } else if (f.required) {
        std::size_t mark = push(f.name);
        report_.add("PM102", path_, fmt::format("missing required member \"{}\" in {}", f.name, where(type)));
        path_.resize(mark);
      }
    }
    for (const auto &kv : extra) {
      std::string_view key = kv.key();
      if (type.find(key) || key.substr(0, 2) == "x_") continue;
      std::size_t mark = push(key);
      std::vector<std::string_view> names;
      for (const auto &f : type.fields) names.push_back(f.name);
      auto near = suggest(key, names);
      report_.add("PM109", path_,
                  near.empty() ? fmt::format("unknown member \"{}\" in {}; it is kept but not used", abbreviate(key), where(type))
                               : fmt::format("unknown member \"{}\" in {} (did you mean \"{}\"?)", abbreviate(key), where(type), near),
                  near.empty() ? std::string() : fmt::format("Rename it to \"{}\", or prefix private data with x_.", near));
      path_.resize(mark);
    }
    if (&type == &type_info<FinancialLoss>()) loss_range(*static_cast<const FinancialLoss *>(obj));
  }

  std::string path_;

private:
  std::size_t push(std::string_view token) {
    std::size_t mark = path_.size();
    path_ += '/';
    if (token.find_first_of("~/") == std::string_view::npos) path_ += token;
    else path_ += escape_pointer_token(token);
    return mark;
  }

  std::size_t push(std::size_t index) {
    std::size_t mark = path_.size();
    char buf[24];
    buf[0] = '/';
    auto r = std::to_chars(buf + 1, buf + sizeof buf, index);
    path_.append(buf, r.ptr);
    return mark;
  }

  static std::string_view where(const TypeInfo &type) { return type.label; }

  static bool checked_when_present(const FieldInfo &f) {
    return (f.kind == Kind::string && (f.required || f.name == "id")) || f.number || f.nested;
  }

  // null and [] mean "absent" (FORMAT.md): they are kept for round trips but not findings.
  static bool ignorable(const json::value &v, const FieldInfo &f) {
    if (v.is_null()) return true;
    bool array_kind = f.kind == Kind::strings || f.kind == Kind::enumerations || f.kind == Kind::objects;
    return array_kind && v.is_array() && v.get_array().empty();
  }

  void typed_value(const void *obj, const TypeInfo &type, const FieldInfo &f) {
    if (f.kind == Kind::string && (f.required || f.name == "id")) {
      std::string_view s = *f.text(obj);
      if (f.name == "id") {
        bool ok = &type == &type_info<Incident>() ? is_incident_id(s) : is_id(s);
        if (!ok)
          report_.add("PM107", path_, fmt::format("invalid id \"{}\" in {}", abbreviate(s), where(type)));
      } else if (is_blank(s)) {
        report_.add("PM102", path_, fmt::format("required member \"{}\" in {} is empty", f.name, where(type)));
      }
    }
    if (f.number) {
      double x = f.number(obj);
      if (x < f.min || x > f.max) {
        std::string range = std::isinf(f.max) ? fmt::format("at least {}", f.min) : fmt::format("from {} to {}", f.min, f.max);
        report_.add("PM110", path_, fmt::format("{} is {}; it must be {}", f.name, x, range));
      }
    }
    if (f.nested) {
      std::size_t n = f.size(obj);
      for (std::size_t i = 0; i < n; ++i) {
        std::size_t mark = f.kind == Kind::objects ? push(i) : path_.size();
        object(f.at(obj, i), *f.nested);
        path_.resize(mark);
      }
    }
  }

  void wrong_type(const json::value &v, const FieldInfo &f, std::string_view expected = {}) {
    report_.add("PM103", path_,
                fmt::format("\"{}\" should be {}, not {}", f.name, expected.empty() ? kind_description(f.kind) : expected, json_kind(v)));
  }

  void raw_value(const json::value &v, const FieldInfo &f) {
    switch (f.kind) {
    case Kind::string:
    case Kind::boolean:
    case Kind::object: wrong_type(v, f); break;
    case Kind::enumeration: enum_value(v, f, f.name); break;
    case Kind::timestamp:
    case Kind::date: time_value(v, f); break;
    case Kind::integer: integer_value(v, f); break;
    case Kind::number:
      if (v.is_double() && !std::isfinite(v.get_double()))
        report_.add("PM110", path_, fmt::format("{} is {}, which is not a finite number", f.name, number_text(v)));
      else
        wrong_type(v, f);
      break;
    case Kind::strings:
    case Kind::enumerations:
    case Kind::objects: array_value(v, f); break;
    }
  }

  void enum_value(const json::value &v, const FieldInfo &f, std::string_view member) {
    if (!v.is_string()) {
      report_.add("PM103", path_, fmt::format("\"{}\" should be one of the listed strings, not {}", member, json_kind(v)));
      return;
    }
    std::string_view s = v.get_string();
    auto near = suggest(s, f.enum_names);
    std::string message = fmt::format("unknown {} \"{}\"", member, abbreviate(s));
    if (!near.empty()) message += fmt::format(" (did you mean \"{}\"?)", near);
    report_.add("PM104", path_, std::move(message), fmt::format("Use one of: {}.", quoted_list(f.enum_names)));
  }

  void time_value(const json::value &v, const FieldInfo &f) {
    if (!v.is_string()) return wrong_type(v, f);
    std::string_view s = v.get_string();
    std::string why;
    if (f.kind == Kind::timestamp) {
      Timestamp::parse(s, &why);
      report_.add("PM105", path_, fmt::format("\"{}\" is not a valid timestamp: {}", abbreviate(s), why));
    } else {
      Date::parse(s, &why);
      report_.add("PM106", path_, fmt::format("\"{}\" is not a valid date: {}", abbreviate(s), why));
    }
  }

  void integer_value(const json::value &v, const FieldInfo &f) {
    if (v.is_uint64()) {
      report_.add("PM110", path_, fmt::format("{} is {}, larger than any count this library stores (2^63 - 1)", f.name, number_text(v)));
    } else if (v.is_double() && !std::isfinite(v.get_double())) {
      report_.add("PM110", path_, fmt::format("{} is {}, which is not a finite number", f.name, number_text(v)));
    } else if (v.is_double()) {
      report_.add("PM103", path_, fmt::format("\"{}\" should be an integer, not the number {}", f.name, number_text(v)));
    } else {
      wrong_type(v, f);
    }
  }

  void array_value(const json::value &v, const FieldInfo &f) {
    if (!v.is_array()) return wrong_type(v, f);
    const auto &a = v.get_array();
    for (std::size_t i = 0; i < a.size(); ++i) {
      std::size_t mark = push(i);
      const json::value &e = a[i];
      if (f.kind == Kind::strings && !e.is_string()) {
        report_.add("PM103", path_, fmt::format("elements of \"{}\" should be strings, not {}", f.name, json_kind(e)));
      } else if (f.kind == Kind::enumerations) {
        if (!e.is_string() || !std::ranges::count(f.enum_names, std::string_view(e.get_string())))
          enum_value(e, f, fmt::format("{} value", f.name));
      } else if (f.kind == Kind::objects) {
        if (!e.is_object())
          report_.add("PM103", path_, fmt::format("elements of \"{}\" should be objects, not {}", f.name, json_kind(e)));
        else
          f.nested->with_temporary(e.get_object(), [&](const void *tmp) { object(tmp, *f.nested); });
      }
      path_.resize(mark);
    }
  }

  void loss_range(const FinancialLoss &loss) {
    if (loss.min && loss.max && *loss.min > *loss.max) {
      report_.add("PM110", path_, fmt::format("financial_loss min {} is greater than max {}", *loss.min, *loss.max));
    }
  }

  Report &report_;
};

// A collection with an element that is not an object is kept as raw JSON (PM103 reports the
// element); its object elements' ids must still be unique.
void raw_duplicates(const Document &doc, std::string_view name, Report &report) {
  const json::value *raw = doc.extra.if_contains(name);
  if (!raw || !raw->is_array()) return;
  std::map<std::string_view, std::size_t> seen;
  const auto &a = raw->get_array();
  for (std::size_t i = 0; i < a.size(); ++i) {
    const json::object *o = a[i].if_object();
    const json::value *id = o ? o->if_contains("id") : nullptr;
    if (!id || !id->is_string()) continue;
    auto [it, inserted] = seen.try_emplace(std::string_view(id->get_string()), i);
    if (!inserted)
      report.add("PM108", fmt::format("/{}/{}/id", name, i),
                 fmt::format("duplicate id \"{}\" in {}: also used by /{}/{}", abbreviate(it->first), name, name, it->second));
  }
}

// PM108: ids unique within each collection that has ids.
void unique_ids(const Document &doc, Report &report) {
  for (const auto &f : type_info<Document>().fields) {
    if (f.kind != Kind::objects || !f.nested->find("id")) continue;
    std::vector<std::pair<std::size_t, std::size_t>> duplicates;
    report.ids(doc, f.name).each_duplicate([&](std::size_t i, std::size_t first) { duplicates.emplace_back(i, first); });
    const FieldInfo &id = *f.nested->find("id");
    raw_duplicates(doc, f.name, report);
    for (auto [i, first] : duplicates)
      report.add("PM108", fmt::format("/{}/{}/id", f.name, i),
                 fmt::format("duplicate id \"{}\" in {}: also used by /{}/{}", abbreviate(*id.text(f.at(&doc, i))), f.name,
                             f.name, first));
  }
}

} // namespace

void check_structure(const Document &doc, Report &report) {
  Walker walker(report);
  walker.object(&doc, type_info<Document>());
  unique_ids(doc, report);
}

} // namespace detail
PM_END_NAMESPACE
