// The tables of the model (see fields.hpp), and the generic read/write over them.
#include "document/fields.hpp"

#include <cmath>
#include <iterator>
#include <type_traits>

PM_BEGIN_NAMESPACE
namespace detail {

namespace {

template <class T> struct is_optional : std::false_type {};
template <class T> struct is_optional<std::optional<T>> : std::true_type {};
template <class T> struct is_vector : std::false_type {};
template <class T> struct is_vector<std::vector<T>> : std::true_type {};

template <class U> constexpr bool is_scalar_model_v =
    std::is_same_v<U, std::string> || std::is_same_v<U, Timestamp> || std::is_same_v<U, Date> ||
    std::is_same_v<U, std::int64_t> || std::is_same_v<U, double> || std::is_same_v<U, bool> ||
    std::is_enum_v<U>;

template <class U> constexpr Kind scalar_kind() {
  if constexpr (std::is_same_v<U, std::string>) return Kind::string;
  else if constexpr (std::is_same_v<U, Timestamp>) return Kind::timestamp;
  else if constexpr (std::is_same_v<U, Date>) return Kind::date;
  else if constexpr (std::is_same_v<U, std::int64_t>) return Kind::integer;
  else if constexpr (std::is_same_v<U, double>) return Kind::number;
  else if constexpr (std::is_same_v<U, bool>) return Kind::boolean;
  else return Kind::enumeration;
}

// One JSON value -> one scalar of the model; false when it does not fit.
template <class U> bool read_scalar(const json::value &v, U &out) {
  if constexpr (std::is_same_v<U, std::string>) {
    if (!v.is_string()) return false;
    out.assign(v.get_string().data(), v.get_string().size());
    return true;
  } else if constexpr (std::is_same_v<U, Timestamp> || std::is_same_v<U, Date>) {
    if (!v.is_string()) return false;
    auto parsed = U::parse(std::string_view(v.get_string()));
    if (!parsed) return false;
    out = *parsed;
    return true;
  } else if constexpr (std::is_same_v<U, std::int64_t>) {
    if (v.is_int64()) { out = v.get_int64(); return true; }
    if (v.is_uint64() && v.get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
      out = static_cast<std::int64_t>(v.get_uint64());
      return true;
    }
    return false;
  } else if constexpr (std::is_same_v<U, double>) {
    if (v.is_int64()) out = static_cast<double>(v.get_int64());
    else if (v.is_uint64()) out = static_cast<double>(v.get_uint64());
    else if (v.is_double() && std::isfinite(v.get_double())) out = v.get_double();
    else return false;
    return true;
  } else if constexpr (std::is_same_v<U, bool>) {
    if (!v.is_bool()) return false;
    out = v.get_bool();
    return true;
  } else {
    if (!v.is_string()) return false;
    auto e = enum_from_string<U>(std::string_view(v.get_string()));
    if (!e) return false;
    out = *e;
    return true;
  }
}

template <class U> json::value write_scalar(const U &x) {
  if constexpr (std::is_same_v<U, std::string>) return json::value(x);
  else if constexpr (std::is_same_v<U, Timestamp> || std::is_same_v<U, Date>) return json::value(x.to_string());
  else if constexpr (std::is_same_v<U, std::int64_t> || std::is_same_v<U, bool>) return json::value(x);
  else if constexpr (std::is_same_v<U, double>) {
    // Whole numbers go back as integers: `"downtime_minutes": 0` stays 0, not 0.0.
    if (x == std::floor(x) && std::fabs(x) < 9.007199254740992e15) return json::value(static_cast<std::int64_t>(x));
    return json::value(x);
  } else return json::value(to_string(x));
}

template <class U> std::span<const std::string_view> names_of() {
  if constexpr (std::is_enum_v<U>) return enum_traits<U>::names;
  else return {};
}

// Everything the tables need to know about a member type M.
template <class M> struct codec;

template <class U> struct codec<std::optional<U>> {
  static constexpr bool scalar = is_scalar_model_v<U>;
  static constexpr Kind kind = scalar ? scalar_kind<U>() : Kind::object;
  static bool present(const std::optional<U> &m) { return m.has_value(); }
  static bool read(std::optional<U> &m, const json::value &v) {
    if constexpr (scalar) {
      U x{};
      if (!read_scalar(v, x)) return false;
      m = std::move(x);
      return true;
    } else {
      if (!v.is_object()) return false;
      U x;
      read_object(&x, type_info<U>(), v.get_object());
      m = std::move(x);
      return true;
    }
  }
  static void write(const std::optional<U> &m, json::object &out, std::string_view name) {
    if (!m) return;
    if constexpr (scalar) out.emplace(name, write_scalar(*m));
    else out.emplace(name, write_object(&*m, type_info<U>()));
  }
};

template <class U> struct codec<std::vector<U>> {
  static constexpr bool scalar = is_scalar_model_v<U>;
  static constexpr Kind kind =
      std::is_same_v<U, std::string> ? Kind::strings : std::is_enum_v<U> ? Kind::enumerations : Kind::objects;
  static bool present(const std::vector<U> &m) { return !m.empty(); }
  // All or nothing: an array with one element that does not fit is kept whole, as written.
  // An empty array is kept as written too (it means the same as an absent one).
  static bool read(std::vector<U> &m, const json::value &v) {
    if (!v.is_array() || v.get_array().empty()) return false;
    const auto &a = v.get_array();
    for (const auto &e : a)
      if (scalar ? false : !e.is_object()) return false;
    std::vector<U> out;
    out.reserve(a.size());
    for (const auto &e : a) {
      if constexpr (scalar) {
        U x{};
        if (!read_scalar(e, x)) return false;
        out.push_back(std::move(x));
      } else {
        read_object(&out.emplace_back(), type_info<U>(), e.get_object());
      }
    }
    m = std::move(out);
    return true;
  }
  static void write(const std::vector<U> &m, json::object &out, std::string_view name) {
    if (m.empty()) return;
    json::array a;
    a.reserve(m.size());
    for (const auto &x : m) {
      if constexpr (scalar) a.push_back(write_scalar(x));
      else a.push_back(write_object(&x, type_info<U>()));
    }
    out.emplace(name, std::move(a));
  }
};

template <class T> struct member_traits;
template <class C, class M> struct member_traits<M C::*> {
  using owner = C;
  using type = M;
};

template <auto Ptr> FieldInfo field(std::string_view name, bool required = false,
                                    double min = -std::numeric_limits<double>::infinity(),
                                    double max = std::numeric_limits<double>::infinity()) {
  using C = typename member_traits<decltype(Ptr)>::owner;
  using M = typename member_traits<decltype(Ptr)>::type;
  using Codec = codec<M>;
  FieldInfo f;
  f.name = name;
  f.kind = Codec::kind;
  f.required = required;
  f.min = min;
  f.max = max;
  f.read = [](void *o, const json::value &v) { return Codec::read(static_cast<C *>(o)->*Ptr, v); };
  f.write = [](const void *o, json::object &out, std::string_view n) {
    Codec::write(static_cast<const C *>(o)->*Ptr, out, n);
  };
  f.present = [](const void *o) { return Codec::present(static_cast<const C *>(o)->*Ptr); };
  using Elem = typename M::value_type;
  if constexpr (is_optional<M>::value) {
    f.enum_names = names_of<Elem>();
    if constexpr (std::is_same_v<Elem, std::string>)
      f.text = [](const void *o) -> const std::string * {
        const auto &m = static_cast<const C *>(o)->*Ptr;
        return m ? &*m : nullptr;
      };
    if constexpr (std::is_same_v<Elem, Timestamp>)
      f.timestamp = [](const void *o) -> const Timestamp * {
        const auto &m = static_cast<const C *>(o)->*Ptr;
        return m ? &*m : nullptr;
      };
    if constexpr (std::is_same_v<Elem, std::int64_t> || std::is_same_v<Elem, double>)
      f.number = [](const void *o) { return static_cast<double>(*(static_cast<const C *>(o)->*Ptr)); };
    if constexpr (!Codec::scalar) {
      f.nested = &type_info<Elem>();
      f.size = [](const void *o) -> std::size_t { return (static_cast<const C *>(o)->*Ptr).has_value(); };
      f.at = [](const void *o, std::size_t) -> const void * { return &*(static_cast<const C *>(o)->*Ptr); };
      f.emplace_back = [](void *o) -> void * { return &(static_cast<C *>(o)->*Ptr).emplace(); };
      f.clear = [](void *o) { (static_cast<C *>(o)->*Ptr).reset(); };
    }
  } else {
    f.enum_names = names_of<Elem>();
    if constexpr (std::is_same_v<Elem, std::string>)
      f.strings = [](const void *o) -> const Strings * { return &(static_cast<const C *>(o)->*Ptr); };
    if constexpr (!Codec::scalar) {
      f.nested = &type_info<Elem>();
      f.size = [](const void *o) { return (static_cast<const C *>(o)->*Ptr).size(); };
      f.at = [](const void *o, std::size_t i) -> const void * { return &(static_cast<const C *>(o)->*Ptr)[i]; };
      f.emplace_back = [](void *o) -> void * { return &(static_cast<C *>(o)->*Ptr).emplace_back(); };
      f.clear = [](void *o) { (static_cast<C *>(o)->*Ptr).clear(); };
      f.reserve = [](void *o, std::size_t n) { (static_cast<C *>(o)->*Ptr).reserve(n); };
      f.move_append = [](void *to, void *from) {
        auto &dst = static_cast<C *>(to)->*Ptr;
        auto &src = static_cast<C *>(from)->*Ptr;
        std::move(src.begin(), src.end(), std::back_inserter(dst));
        M().swap(src);
      };
    }
  }
  return f;
}

template <class T> TypeInfo make_type(std::string_view name, std::string_view label, std::vector<FieldInfo> fields) {
  TypeInfo ti;
  ti.name = name;
  ti.label = label;
  ti.fields = std::move(fields);
  ti.extra = [](void *o) -> Extra & { return static_cast<T *>(o)->extra; };
  ti.const_extra = [](const void *o) -> const Extra & { return static_cast<const T *>(o)->extra; };
  ti.with_temporary = [](const json::object &o, const std::function<void(const void *)> &fn) {
    T tmp;
    read_object(&tmp, type_info<T>(), o);
    fn(&tmp);
  };
  return ti;
}

constexpr bool required = true;
constexpr double inf = std::numeric_limits<double>::infinity();

} // namespace

std::string_view kind_description(Kind k) noexcept {
  switch (k) {
  case Kind::string: return "a string";
  case Kind::enumeration: return "one of the listed values (a string)";
  case Kind::timestamp: return "an RFC 3339 timestamp string";
  case Kind::date: return "a date string (YYYY-MM-DD)";
  case Kind::integer: return "an integer";
  case Kind::number: return "a number";
  case Kind::boolean: return "true or false";
  case Kind::strings: return "an array of strings";
  case Kind::enumerations: return "an array of strings";
  case Kind::object: return "an object";
  case Kind::objects: return "an array of objects";
  }
  return "a value";
}

const FieldInfo *TypeInfo::find(std::string_view n) const noexcept {
  for (const auto &f : fields)
    if (f.name == n) return &f;
  return nullptr;
}

std::size_t TypeInfo::index_of(std::string_view n) const noexcept {
  for (std::size_t i = 0; i < fields.size(); ++i)
    if (fields[i].name == n) return i;
  return fields.size();
}

void read_object(void *obj, const TypeInfo &ti, const json::object &o) {
  Extra &extra = ti.extra(obj);
  for (const auto &kv : o) {
    const FieldInfo *f = ti.find(kv.key());
    if (f && f->read(obj, kv.value())) continue;
    extra.insert_or_assign(kv.key(), kv.value()); // copied into extra's own storage
  }
}

json::object write_object(const void *obj, const TypeInfo &ti) {
  json::object out;
  for (const auto &f : ti.fields) f.write(obj, out, f.name);
  for (const auto &kv : ti.const_extra(obj))
    if (!out.contains(kv.key())) out.emplace(kv.key(), kv.value());
  return out;
}

std::string escape_pointer_token(std::string_view token) {
  std::string out;
  out.reserve(token.size());
  for (char c : token) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// The tables: FORMAT.md, member for member, in its order.

template <> const TypeInfo &type_info<Actor>() {
  static const TypeInfo ti = make_type<Actor>("Actor", "the actor", {
      field<&Actor::type>("type"),
      field<&Actor::name>("name"),
      field<&Actor::motive>("motive"),
  });
  return ti;
}

template <> const TypeInfo &type_info<Milestones>() {
  static const TypeInfo ti = make_type<Milestones>("Milestones", "the milestones", {
      field<&Milestones::started_at>("started_at"),
      field<&Milestones::detected_at>("detected_at"),
      field<&Milestones::reported_at>("reported_at"),
      field<&Milestones::contained_at>("contained_at"),
      field<&Milestones::eradicated_at>("eradicated_at"),
      field<&Milestones::recovered_at>("recovered_at"),
      field<&Milestones::closed_at>("closed_at"),
  });
  return ti;
}

template <> const TypeInfo &type_info<FinancialLoss>() {
  static const TypeInfo ti = make_type<FinancialLoss>("FinancialLoss", "the financial loss", {
      field<&FinancialLoss::min>("min", false, 0, inf),
      field<&FinancialLoss::max>("max", false, 0, inf),
      field<&FinancialLoss::currency>("currency"),
  });
  return ti;
}

template <> const TypeInfo &type_info<Impact>() {
  static const TypeInfo ti = make_type<Impact>("Impact", "the impact", {
      field<&Impact::confidentiality>("confidentiality"),
      field<&Impact::integrity>("integrity"),
      field<&Impact::availability>("availability"),
      field<&Impact::rating>("rating"),
      field<&Impact::records_affected>("records_affected", false, 0, inf),
      field<&Impact::data_types>("data_types"),
      field<&Impact::users_affected>("users_affected", false, 0, inf),
      field<&Impact::downtime_minutes>("downtime_minutes", false, 0, inf),
      field<&Impact::financial_loss>("financial_loss"),
      field<&Impact::recoverability>("recoverability"),
      field<&Impact::regulatory>("regulatory"),
      field<&Impact::notes>("notes"),
  });
  return ti;
}

template <> const TypeInfo &type_info<Incident>() {
  static const TypeInfo ti = make_type<Incident>("Incident", "the incident", {
      field<&Incident::id>("id", required),
      field<&Incident::title>("title", required),
      field<&Incident::summary>("summary"),
      field<&Incident::category>("category", required),
      field<&Incident::determination>("determination"),
      field<&Incident::declared_severity>("declared_severity"),
      field<&Incident::status>("status"),
      field<&Incident::discovery_method>("discovery_method"),
      field<&Incident::techniques>("techniques"),
      field<&Incident::tags>("tags"),
      field<&Incident::recurrence_of>("recurrence_of"),
      field<&Incident::actor>("actor"),
      field<&Incident::tlp>("tlp"),
      field<&Incident::milestones>("milestones"),
      field<&Incident::impact>("impact"),
  });
  return ti;
}

template <> const TypeInfo &type_info<Asset>() {
  static const TypeInfo ti = make_type<Asset>("Asset", "an asset", {
      field<&Asset::id>("id", required),
      field<&Asset::name>("name", required),
      field<&Asset::type>("type"),
      field<&Asset::criticality>("criticality"),
      field<&Asset::owner>("owner"),
      field<&Asset::data_classification>("data_classification"),
      field<&Asset::compromised>("compromised"),
  });
  return ti;
}

template <> const TypeInfo &type_info<Vulnerability>() {
  static const TypeInfo ti = make_type<Vulnerability>("Vulnerability", "a vulnerability", {
      field<&Vulnerability::id>("id", required),
      field<&Vulnerability::cvss>("cvss"),
      field<&Vulnerability::exploited>("exploited"),
      field<&Vulnerability::known_exploited>("known_exploited"),
      field<&Vulnerability::asset_ids>("asset_ids"),
      field<&Vulnerability::remediated_at>("remediated_at"),
  });
  return ti;
}

template <> const TypeInfo &type_info<Event>() {
  static const TypeInfo ti = make_type<Event>("Event", "a timeline event", {
      field<&Event::id>("id", required),
      field<&Event::time>("time", required),
      field<&Event::precision>("precision"),
      field<&Event::type>("type", required),
      field<&Event::description>("description", required),
      field<&Event::source>("source"),
      field<&Event::actor>("actor"),
      field<&Event::tactic>("tactic"),
      field<&Event::technique>("technique"),
      field<&Event::asset_ids>("asset_ids"),
      field<&Event::evidence_ids>("evidence_ids"),
      field<&Event::key>("key"),
  });
  return ti;
}

template <> const TypeInfo &type_info<CustodyEntry>() {
  static const TypeInfo ti = make_type<CustodyEntry>("CustodyEntry", "a custody entry", {
      field<&CustodyEntry::time>("time"),
      field<&CustodyEntry::action>("action"),
      field<&CustodyEntry::by>("by"),
      field<&CustodyEntry::to>("to"),
      field<&CustodyEntry::notes>("notes"),
  });
  return ti;
}

template <> const TypeInfo &type_info<Evidence>() {
  static const TypeInfo ti = make_type<Evidence>("Evidence", "an evidence item", {
      field<&Evidence::id>("id", required),
      field<&Evidence::type>("type"),
      field<&Evidence::description>("description", required),
      field<&Evidence::location>("location"),
      field<&Evidence::sha256>("sha256"),
      field<&Evidence::size_bytes>("size_bytes", false, 0, inf),
      field<&Evidence::collected_at>("collected_at"),
      field<&Evidence::collected_by>("collected_by"),
      field<&Evidence::custody>("custody"),
  });
  return ti;
}

template <> const TypeInfo &type_info<Indicator>() {
  static const TypeInfo ti = make_type<Indicator>("Indicator", "an indicator", {
      field<&Indicator::id>("id", required),
      field<&Indicator::type>("type"),
      field<&Indicator::value>("value", required),
      field<&Indicator::description>("description"),
      field<&Indicator::first_seen>("first_seen"),
      field<&Indicator::last_seen>("last_seen"),
      field<&Indicator::event_ids>("event_ids"),
      field<&Indicator::asset_ids>("asset_ids"),
  });
  return ti;
}

template <> const TypeInfo &type_info<Factor>() {
  static const TypeInfo ti = make_type<Factor>("Factor", "a factor", {
      field<&Factor::id>("id", required),
      field<&Factor::kind>("kind", required),
      field<&Factor::category>("category", required),
      field<&Factor::title>("title", required),
      field<&Factor::description>("description"),
      field<&Factor::why>("why"),
      field<&Factor::event_ids>("event_ids"),
      field<&Factor::evidence_ids>("evidence_ids"),
      field<&Factor::asset_ids>("asset_ids"),
      field<&Factor::control>("control"),
      field<&Factor::tags>("tags"),
  });
  return ti;
}

template <> const TypeInfo &type_info<Ticket>() {
  static const TypeInfo ti = make_type<Ticket>("Ticket", "the ticket", {
      field<&Ticket::system>("system"),
      field<&Ticket::key>("key"),
      field<&Ticket::url>("url"),
  });
  return ti;
}

template <> const TypeInfo &type_info<Verification>() {
  static const TypeInfo ti = make_type<Verification>("Verification", "a verification", {
      field<&Verification::date>("date"),
      field<&Verification::method>("method"),
      field<&Verification::result>("result"),
      field<&Verification::notes>("notes"),
  });
  return ti;
}

template <> const TypeInfo &type_info<Action>() {
  static const TypeInfo ti = make_type<Action>("Action", "an action", {
      field<&Action::id>("id", required),
      field<&Action::title>("title", required),
      field<&Action::description>("description"),
      field<&Action::type>("type"),
      field<&Action::addresses>("addresses"),
      field<&Action::owner>("owner"),
      field<&Action::team>("team"),
      field<&Action::due>("due"),
      field<&Action::status>("status"),
      field<&Action::impact>("impact", false, 1, 5),
      field<&Action::effort>("effort", false, 1, 5),
      field<&Action::depends_on>("depends_on"),
      field<&Action::success_criteria>("success_criteria"),
      field<&Action::completed_at>("completed_at"),
      field<&Action::ticket>("ticket"),
      field<&Action::verification>("verification"),
  });
  return ti;
}

template <> const TypeInfo &type_info<Lesson>() {
  static const TypeInfo ti = make_type<Lesson>("Lesson", "a lesson", {
      field<&Lesson::id>("id", required),
      field<&Lesson::kind>("kind"),
      field<&Lesson::text>("text", required),
      field<&Lesson::action_ids>("action_ids"),
  });
  return ti;
}

template <> const TypeInfo &type_info<Participant>() {
  static const TypeInfo ti = make_type<Participant>("Participant", "a participant", {
      field<&Participant::id>("id"),
      field<&Participant::name>("name", required),
      field<&Participant::role>("role"),
      field<&Participant::team>("team"),
  });
  return ti;
}

template <> const TypeInfo &type_info<Question>() {
  static const TypeInfo ti = make_type<Question>("Question", "a review question", {
      field<&Question::question>("question", required),
      field<&Question::answer>("answer"),
  });
  return ti;
}

template <> const TypeInfo &type_info<Review>() {
  static const TypeInfo ti = make_type<Review>("Review", "the review", {
      field<&Review::status>("status"),
      field<&Review::held_at>("held_at"),
      field<&Review::facilitator>("facilitator"),
      field<&Review::next_review>("next_review"),
      field<&Review::questions>("questions"),
  });
  return ti;
}

template <> const TypeInfo &type_info<Document>() {
  static const TypeInfo ti = make_type<Document>("Document", "the document", {
      field<&Document::schema>("schema", required),
      field<&Document::incident>("incident", required),
      field<&Document::assets>("assets"),
      field<&Document::vulnerabilities>("vulnerabilities"),
      field<&Document::timeline>("timeline"),
      field<&Document::evidence>("evidence"),
      field<&Document::indicators>("indicators"),
      field<&Document::factors>("factors"),
      field<&Document::actions>("actions"),
      field<&Document::lessons>("lessons"),
      field<&Document::participants>("participants"),
      field<&Document::review>("review"),
  });
  return ti;
}

} // namespace detail
PM_END_NAMESPACE
