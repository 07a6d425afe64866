// Export options and redaction (interop.hpp), and the export dispatch.
#include <postmortem/interop.hpp>

#include "text.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <array>

PM_BEGIN_NAMESPACE

namespace {

namespace json = boost::json;

[[noreturn]] void invalid(const std::string &what) { throw error(errc::invalid_argument, "export options: " + what); }

// What `"redact": true` removes: the people (names, owners, teams, custody, participants) and
// where the evidence is kept. Member paths as in ExportOptions::redact_fields.
constexpr std::array people_fields = {
    std::string_view("assets[].owner"),
    std::string_view("timeline[].actor"),
    std::string_view("evidence[].location"),
    std::string_view("evidence[].collected_by"),
    std::string_view("evidence[].custody[].by"),
    std::string_view("evidence[].custody[].to"),
    std::string_view("actions[].owner"),
    std::string_view("actions[].team"),
    std::string_view("participants"),
    std::string_view("review.facilitator"),
};

// Every free-text member a policy may add (docs/format.md), in document order.
constexpr std::array free_text_fields = {
    std::string_view("incident.title"),
    std::string_view("incident.summary"),
    std::string_view("incident.actor.name"),
    std::string_view("incident.impact.notes"),
    std::string_view("assets[].name"),
    std::string_view("timeline[].description"),
    std::string_view("timeline[].source"),
    std::string_view("evidence[].description"),
    std::string_view("evidence[].custody[].notes"),
    std::string_view("indicators[].value"),
    std::string_view("indicators[].description"),
    std::string_view("factors[].title"),
    std::string_view("factors[].description"),
    std::string_view("factors[].why"),
    std::string_view("actions[].title"),
    std::string_view("actions[].description"),
    std::string_view("actions[].success_criteria"),
    std::string_view("actions[].ticket"),
    std::string_view("actions[].verification[].method"),
    std::string_view("actions[].verification[].notes"),
    std::string_view("lessons[].text"),
    std::string_view("review.questions[].question"),
    std::string_view("review.questions[].answer"),
};

// Removes the member at `path` ("a.b[].c") under `v`.
void erase_path(json::value &v, std::string_view path) {
  if (path.empty()) return;
  const std::size_t dot = path.find('.');
  std::string_view head = path.substr(0, dot);
  const std::string_view rest = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
  const bool each = head.ends_with("[]");
  if (each) head.remove_suffix(2);
  json::object *o = v.if_object();
  if (!o) return;
  if (rest.empty() && !each) {
    o->erase(head);
    return;
  }
  json::value *child = o->if_contains(head);
  if (!child) return;
  if (each) {
    if (json::array *a = child->if_array()) {
      if (rest.empty()) {
        o->erase(head);
        return;
      }
      for (json::value &e : *a) erase_path(e, rest);
    }
  } else {
    erase_path(*child, rest);
  }
}

// Removes every `x_` member, at any depth: extensions may hold anything.
void erase_extensions(json::value &v) {
  if (json::object *o = v.if_object()) {
    for (auto it = o->begin(); it != o->end();) {
      if (it->key().starts_with("x_")) it = o->erase(it);
      else {
        erase_extensions(it->value());
        ++it;
      }
    }
  } else if (json::array *a = v.if_array()) {
    for (json::value &e : *a) erase_extensions(e);
  }
}

bool known_field(std::string_view path) {
  return std::ranges::find(free_text_fields, path) != free_text_fields.end() ||
         std::ranges::find(people_fields, path) != people_fields.end();
}

} // namespace

std::vector<std::string_view> redactable_fields() {
  std::vector<std::string_view> out(people_fields.begin(), people_fields.end());
  out.insert(out.end(), free_text_fields.begin(), free_text_fields.end());
  return out;
}

ExportOptions ExportOptions::parse(std::string_view text) {
  ExportOptions o;
  if (detail::is_blank(text)) return o;
  json::error_code ec;
  json::stream_parser parser;
  const std::size_t used = parser.write_some(text.data(), text.size(), ec);
  if (!ec) parser.finish(ec);
  if (ec) {
    const auto [line, column] = detail::line_column(text, used);
    invalid(fmt::format("not valid JSON: {} at line {}, column {}", ec.message(), line, column));
  }
  const json::value root = parser.release();
  if (!root.is_object()) invalid("the top level must be an object such as {\"redact\": true}");
  for (const auto &kv : root.get_object()) {
    const std::string_view key = kv.key();
    const json::value &v = kv.value();
    if (key == "redact") {
      if (v.is_bool()) {
        o.redact = v.get_bool();
      } else if (v.is_object()) {
        o.redact = true;
        for (const auto &member : v.get_object()) {
          if (member.key() != "fields")
            invalid(fmt::format("redact/{} is not an option; redact takes {{\"fields\": [...]}}", std::string_view(member.key())));
          const json::array *fields = member.value().if_array();
          if (!fields) invalid("redact/fields must be an array of member paths such as \"timeline[].description\"");
          for (const json::value &f : *fields) {
            const json::string *s = f.if_string();
            if (!s) invalid("redact/fields must hold strings (member paths)");
            if (!known_field(*s)) {
              const auto candidates = redactable_fields();
              const std::string_view close = detail::suggest(*s, candidates);
              invalid(fmt::format("redact/fields: \"{}\" is not a free-text member{}; docs/interop.md lists them",
                                  std::string_view(*s), close.empty() ? "" : fmt::format(" (did you mean \"{}\"?)", close)));
            }
            o.redact_fields.emplace_back(*s);
          }
        }
      } else {
        invalid("redact must be true, false or {\"fields\": [...]}");
      }
    } else if (key == "organization") {
      const json::string *s = v.if_string();
      if (!s) invalid("organization must be a string");
      o.organization = std::string(*s);
    } else {
      invalid(fmt::format("\"{}\" is not an option; the options are \"redact\" and \"organization\"", key));
    }
  }
  return o;
}

Document redacted(const Document &doc, const ExportOptions &options) {
  if (!options.redact) return doc;
  json::value v = to_value(doc);
  for (std::string_view path : people_fields) erase_path(v, path);
  for (const std::string &path : options.redact_fields) erase_path(v, path);
  erase_extensions(v);
  return parse(serialize_value(v));
}

std::string export_document(const Document &doc, ExportFormat format, const ExportOptions &options, const Policy &policy) {
  switch (format) {
  // The pretty form ends with a newline already.
  case ExportFormat::veris: return serialize_value(to_veris(doc, options, policy), {.pretty = true});
  case ExportFormat::stix: return serialize_value(to_stix(doc, options, policy), {.pretty = true});
  }
  throw error(errc::invalid_argument, "export_document: unknown format " + std::to_string(static_cast<int>(format)));
}

PM_END_NAMESPACE
