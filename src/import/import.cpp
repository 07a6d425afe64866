// The importer's engine: problems, zones, clock offsets, the time range, de-duplication,
// deterministic ids and ordering; the Importer, its options and report; import_file and
// new_timeline_document.
#include "import/import.hpp"

#include "text.hpp"

#include <boost/json/stream_parser.hpp>
#include <boost/json/value.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <numeric>

PM_BEGIN_NAMESPACE

namespace json = boost::json;

namespace {

[[noreturn]] void invalid(const std::string &message) {
  throw error(errc::invalid_argument, "import options: " + message);
}

std::string did_you_mean(std::string_view word, std::span<const std::string_view> candidates) {
  auto s = detail::suggest(word, candidates);
  return s.empty() ? std::string() : fmt::format(" (did you mean \"{}\"?)", s);
}

} // namespace

namespace detail::importer {

namespace {

constexpr std::size_t max_problems = 1000;
constexpr std::size_t max_cached_zones = 64;
// Clock offsets beyond ±200 years are typing errors; the bound also keeps sums in range.
constexpr std::int64_t max_offset_micros = 200LL * 366 * 86'400 * micros_per_second;

constexpr std::string_view timesketch_columns[] = {"message",     "datetime",     "timestamp", "timestamp_desc",
                                                   "source_long", "source_short", "data_type"};
constexpr std::string_view l2tcsv_columns[] = {"date", "time", "timezone", "desc",      "short",
                                               "type", "user", "host",     "sourcetype"};
constexpr std::string_view dynamic_columns[] = {"datetime", "message", "timestamp_desc", "source_long"};

std::string location(const Where &where) {
  std::string out = fmt::format("line {}", where.line);
  if (where.column > 0) out += fmt::format(", column {}", where.column);
  if (!where.field.empty()) out += fmt::format(" ({})", where.field);
  return out;
}

// Raises the fraction digits to the fewest of 3 or 6 that still write `micros` exactly (a
// clock offset with a fraction of a second, for instance).
std::uint8_t fit_digits(std::int64_t micros, std::uint8_t digits) {
  static constexpr std::int64_t unit[] = {1'000'000, 100'000, 10'000, 1'000, 100, 10, 1};
  if (micros % unit[digits] == 0) return digits;
  return micros % 1'000 == 0 && digits < 3 ? 3 : 6;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char &c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::uint64_t key_hash(std::string_view source, std::string_view description) noexcept {
  Fnv1a h;
  h.add(source);
  h.add_byte(0xff); // never part of UTF-8 text
  h.add(description);
  return h.state;
}

bool valid_id_prefix(std::string_view p) {
  if (p.empty() || p.size() > 40) return false;
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); };
  if (!alnum(p[0])) return false;
  for (char c : p)
    if (!alnum(c) && c != '.' && c != '_' && c != ':' && c != '-') return false;
  return true;
}

} // namespace

std::span<const std::string_view> logical_columns(ImportFormat format) noexcept {
  switch (format) {
  case ImportFormat::timesketch_csv:
  case ImportFormat::timesketch_jsonl: return timesketch_columns;
  case ImportFormat::plaso_l2tcsv: return l2tcsv_columns;
  case ImportFormat::plaso_dynamic: return dynamic_columns;
  }
  return {};
}

std::string_view format_title(ImportFormat format) noexcept {
  switch (format) {
  case ImportFormat::timesketch_csv: return "Timesketch CSV";
  case ImportFormat::timesketch_jsonl: return "Timesketch JSONL";
  case ImportFormat::plaso_l2tcsv: return "Plaso l2tcsv";
  case ImportFormat::plaso_dynamic: return "Plaso dynamic CSV";
  }
  return "timeline";
}

// ---------------------------------------------------------------------------------------
// Core

Core::Core(Document &doc, ImportFormat format, ImportOptions options)
    : doc_(doc), format_(format), options_(std::move(options)) {
  if (static_cast<std::size_t>(format) >= enum_traits<ImportFormat>::names.size())
    throw error(errc::invalid_argument, "import: unknown format");
  std::string why;
  for (const auto &[key, value] : options_.zone_abbreviations) {
    if (trim(key).empty()) invalid("zone_abbreviations: an empty abbreviation");
    static const ZoneOverrides none;
    if (!resolve_zone(value, none, why)) invalid(fmt::format("zone_abbreviations/{}: {}", key, why));
  }
  auto zone = resolve_zone(options_.time_zone, options_.zone_abbreviations, why);
  if (!zone) invalid("time_zone: " + why);
  default_zone_ = *zone;
  if (!options_.id_prefix.empty() && !valid_id_prefix(options_.id_prefix))
    invalid(fmt::format("id_prefix \"{}\" must be 1-40 characters of A-Z a-z 0-9 . _ : - starting with a letter or digit",
                        detail::abbreviate(options_.id_prefix)));
  const auto known = logical_columns(format_);
  for (const auto &[key, value] : options_.columns) {
    if (std::find(known.begin(), known.end(), key) == known.end())
      invalid(fmt::format("columns: \"{}\" is not a column that {} reads{}; it reads {}", key, format_title(format_),
                          did_you_mean(key, known), detail::quoted_list(known)));
    if (value.empty()) invalid(fmt::format("columns/{}: an empty column name", key));
  }
  for (const auto &[source, micros] : options_.offsets)
    if (micros > max_offset_micros || micros < -max_offset_micros)
      invalid(fmt::format("offsets/{}: more than 200 years", source));
  if (options_.dedupe_seconds) {
    const double s = *options_.dedupe_seconds;
    if (!std::isfinite(s) || s < 0 || s > 1e9) invalid("dedupe_seconds must be a number of seconds from 0 to 1e9");
    tolerance_micros_ = static_cast<std::int64_t>(std::llround(s * 1e6));
  }
  min_micros_ = options_.min_time ? options_.min_time->micros : 0;
  max_micros_ = options_.max_time ? options_.max_time->micros : civil_micros(9999, 12, 31, 23, 59, 59);
  if (min_micros_ > max_micros_) invalid("min_time is after max_time");

  for (const Asset &asset : doc_.assets) {
    if (!asset.id) continue;
    if (asset.name) hosts_.emplace(lower(*asset.name), *asset.id);
    hosts_.emplace(lower(*asset.id), *asset.id);
  }
  for (std::size_t i = 0; i < doc_.timeline.size(); ++i) {
    const Event &e = doc_.timeline[i];
    if (!e.time || !e.description) continue;
    const std::string_view source = e.source ? std::string_view(*e.source) : std::string_view();
    // Every existing event is indexed, even one that repeats another.
    repeat_or_record(key_hash(source, *e.description), e, -1 - static_cast<std::int64_t>(i), true);
  }
  report_.format = format_;
}

std::string_view Core::column_name(std::string_view logical) const {
  auto it = options_.columns.find(logical);
  return it == options_.columns.end() ? logical : std::string_view(it->second);
}

void Core::problem(const Where &where, std::string message) {
  if (options_.strict) throw error(errc::format, location(where) + ": " + message);
  ++report_.skipped;
  if (report_.problems.size() < max_problems)
    report_.problems.push_back({where.line, where.column, std::string(where.field), std::move(message)});
}

void Core::not_this_format(const std::string &message) const { throw error(errc::format, message); }

const Zone *Core::zone(std::string_view name, std::string &why) {
  for (const CachedZone &c : zone_cache_) {
    if (c.name != name) continue;
    if (!c.zone) why = c.why;
    return c.zone ? &*c.zone : nullptr;
  }
  auto resolved = resolve_zone(name, options_.zone_abbreviations, why);
  if (zone_cache_.size() < max_cached_zones) {
    zone_cache_.push_back({std::string(name), resolved, resolved ? std::string() : why});
    return zone_cache_.back().zone ? &*zone_cache_.back().zone : nullptr;
  }
  uncached_zone_ = resolved;
  return uncached_zone_ ? &*uncached_zone_ : nullptr;
}

std::optional<Timestamp> Core::place(std::int64_t utc, std::uint8_t digits, std::string_view source, const Where &where) {
  if (!options_.offsets.empty()) {
    auto it = options_.offsets.find(source);
    if (it != options_.offsets.end()) utc += it->second;
  }
  if (utc < min_micros_ || utc > max_micros_) {
    const bool early = utc < min_micros_;
    problem(where, fmt::format("{} is {} the accepted range ({} {})", Timestamp::from_micros(utc).to_utc_string(),
                               early ? "before" : "after", early ? "min_time" : "max_time",
                               Timestamp::from_micros(early ? min_micros_ : max_micros_).to_utc_string()));
    return std::nullopt;
  }
  Timestamp t;
  t.micros = utc;
  t.fraction_digits = fit_digits(utc, digits);
  return t;
}

std::optional<Timestamp> Core::read_time(std::string_view text, std::string_view source, const Where &where,
                                         std::string_view zone_name) {
  ParsedTime parsed;
  std::string why;
  const bool ok = is_integer_text(text) ? parse_epoch(text, parsed, why) : parse_datetime(text, parsed, why);
  if (!ok) {
    problem(where, fmt::format("{} `{}` is not a date and time ({})", where.field.empty() ? "time" : where.field,
                               detail::abbreviate(text), why));
    return std::nullopt;
  }
  return finish_time(parsed, text, source, where, zone_name);
}

std::optional<Timestamp> Core::finish_time(const ParsedTime &parsed, std::string_view text, std::string_view source,
                                           const Where &where, std::string_view zone_name) {
  if (parsed.kind == ParsedTime::Kind::utc) return place(parsed.micros, parsed.fraction_digits, source, where);
  std::string why;
  const Zone *z = &default_zone_;
  const std::string_view name = parsed.kind == ParsedTime::Kind::named ? parsed.zone_name : zone_name;
  if (!name.empty()) {
    z = zone(name, why);
    if (!z) {
      problem(where, fmt::format("{} `{}`: {}", where.field.empty() ? "time" : where.field, detail::abbreviate(text), why));
      return std::nullopt;
    }
  }
  auto utc = local_to_utc(parsed.micros, *z, why);
  if (!utc) {
    problem(where, fmt::format("{} `{}` {}", where.field.empty() ? "time" : where.field, detail::abbreviate(text), why));
    return std::nullopt;
  }
  return place(*utc, parsed.fraction_digits, source, where);
}

std::optional<Timestamp> Core::civil_time(std::int64_t local_micros, std::uint8_t digits, std::string_view zone_name,
                                          std::string_view source, const Where &where, const Where &zone_where) {
  std::string why;
  const Zone *z = &default_zone_;
  if (!zone_name.empty()) {
    z = zone(zone_name, why);
    if (!z) {
      problem(zone_where, why);
      return std::nullopt;
    }
  }
  auto utc = local_to_utc(local_micros, *z, why);
  if (!utc) {
    problem(where, fmt::format("the local time {} {}", Timestamp::from_micros(local_micros).to_utc_string().substr(0, 19),
                               why));
    return std::nullopt;
  }
  return place(*utc, digits, source, where);
}

std::string_view Core::asset_for_host(std::string_view host) const {
  if (hosts_.empty() || host.empty()) return {};
  std::string key = lower(host);
  auto it = hosts_.find(key);
  if (it == hosts_.end()) {
    const auto dot = key.find('.');
    if (dot == std::string::npos || dot == 0) return {};
    key.resize(dot);
    it = hosts_.find(key);
    if (it == hosts_.end()) return {};
  }
  return it->second;
}

const Event &Core::event_at(std::int64_t ref) const {
  return ref >= 0 ? kept_[static_cast<std::size_t>(ref)] : doc_.timeline[static_cast<std::size_t>(-1 - ref)];
}

namespace {

// The distinct timestamp descriptions of the rows merged into `kept`, joined by "; " as
// Plaso's l2tcsv does ("Content Modification Time; Metadata Modification Time").
void merge_timestamp_desc(Event &kept, const Event &repeat) {
  const json::value *add = repeat.extra.if_contains(Core::timestamp_desc_key);
  if (!add || !add->is_string() || add->get_string().empty()) return;
  const std::string_view more = add->get_string();
  json::value *have = kept.extra.if_contains(Core::timestamp_desc_key);
  if (!have || !have->is_string()) {
    kept.extra[Core::timestamp_desc_key] = more;
    return;
  }
  json::string &list = have->get_string();
  std::string_view rest = list;
  while (!rest.empty()) {
    const auto cut = rest.find("; ");
    if (rest.substr(0, cut) == more) return;
    if (cut == std::string_view::npos) break;
    rest.remove_prefix(cut + 2);
  }
  list.append("; ");
  list.append(more);
}

std::string_view text_or_empty(const Text &t) { return t ? std::string_view(*t) : std::string_view(); }

} // namespace

std::optional<std::int64_t> Core::repeat_or_record(std::uint64_t hash, const Event &event, std::int64_t ref,
                                                   bool always) {
  const std::int64_t at = event.time->micros;
  const std::string_view source = text_or_empty(event.source), description = text_or_empty(event.description);
  const auto same = [&](std::int64_t other_ref) {
    const Event &other = event_at(other_ref);
    return text_or_empty(other.description) == description && text_or_empty(other.source) == source;
  };
  auto [it, inserted] = seen_.try_emplace(hash);
  Seen &seen = it->second;
  if (inserted) {
    seen.micros = at;
    seen.ref = ref;
    return std::nullopt;
  }
  if (!seen.more) {
    const std::int64_t delta = at > seen.micros ? at - seen.micros : seen.micros - at;
    if (!always && delta <= tolerance_micros_ && same(seen.ref)) return seen.ref;
    seen.more = std::make_unique<std::multimap<std::int64_t, std::int64_t>>();
    seen.more->emplace(seen.micros, seen.ref);
  } else if (!always) {
    // The earliest event within the tolerance; other strings with the same hash are skipped.
    for (auto m = seen.more->lower_bound(at - tolerance_micros_);
         m != seen.more->end() && m->first <= at + tolerance_micros_; ++m)
      if (same(m->second)) return m->second;
  }
  seen.more->emplace(at, ref);
  return std::nullopt;
}

Event Core::new_event(const Timestamp &time, std::string_view description, std::string_view source,
                      std::string_view timestamp_desc, std::size_t extra_members) const {
  Event e;
  e.time = time;
  e.type = options_.event_type;
  e.description.emplace(description);
  e.source.emplace(source);
  e.extra.reserve(extra_members);
  if (!timestamp_desc.empty()) e.extra.emplace(timestamp_desc_key, timestamp_desc);
  return e;
}

void Core::add(Event &&event) {
  const std::uint64_t hash = key_hash(text_or_empty(event.source), text_or_empty(event.description));
  if (auto earlier = repeat_or_record(hash, event, static_cast<std::int64_t>(kept_.size()))) {
    ++report_.duplicates;
    if (*earlier >= 0) merge_timestamp_desc(kept_[static_cast<std::size_t>(*earlier)], event);
    return;
  }
  kept_.push_back(std::move(event));
}

ImportReport Core::finish() {
  decltype(seen_)().swap(seen_); // the de-duplication index is done with: free it first
  report_.imported = kept_.size();

  // Stable time order: equal times keep their input order. The keys are sorted apart from
  // the events, then the events are moved in place, one cycle of the permutation at a time
  // (no second array of events).
  {
    std::vector<std::pair<std::int64_t, std::uint32_t>> keys;
    keys.reserve(kept_.size());
    for (std::size_t i = 0; i < kept_.size(); ++i) keys.emplace_back(kept_[i].time->micros, static_cast<std::uint32_t>(i));
    std::sort(keys.begin(), keys.end()); // the index breaks ties: stable
    std::vector<std::uint32_t> order(keys.size());
    for (std::size_t i = 0; i < keys.size(); ++i) order[i] = keys[i].second;
    std::vector<std::pair<std::int64_t, std::uint32_t>>().swap(keys);
    for (std::size_t start = 0; start < order.size(); ++start) {
      if (order[start] == start) continue;
      Event held = std::move(kept_[start]);
      std::size_t at = start;
      while (order[at] != start) {
        const std::size_t from = order[at];
        kept_[at] = std::move(kept_[from]);
        order[at] = static_cast<std::uint32_t>(at);
        at = from;
      }
      kept_[at] = std::move(held);
      order[at] = static_cast<std::uint32_t>(at);
    }
  }

  // Ids: prefix-<FNV-1a of source, UTC microseconds, description, timestamp description>;
  // -2, -3... when the id is taken. Given in time order, so the suffixes are deterministic.
  {
    const std::string_view prefix = !options_.id_prefix.empty() ? std::string_view(options_.id_prefix)
                                    : format_ == ImportFormat::timesketch_csv || format_ == ImportFormat::timesketch_jsonl
                                        ? std::string_view("ts")
                                        : std::string_view("plaso");
    // An id is taken when an event of the document has it, or an earlier event of this
    // import; those are `prefix-<hash>` (tracked by hash) or, rarely, with a suffix.
    std::unordered_set<std::string_view> existing;
    existing.reserve(doc_.timeline.size());
    for (const Event &e : doc_.timeline)
      if (e.id) existing.insert(*e.id);
    std::unordered_set<std::uint64_t, IdentityHash> hashes;
    hashes.reserve(kept_.size());
    std::unordered_set<std::string> suffixed;
    for (Event &e : kept_) {
      const json::value *desc = e.extra.if_contains(timestamp_desc_key);
      const fmt::format_int micros(e.time->micros);
      Fnv1a h;
      h.add(text_or_empty(e.source));
      h.add_byte(0x1f);
      h.add(std::string_view(micros.data(), micros.size()));
      h.add_byte(0x1f);
      h.add(text_or_empty(e.description));
      h.add_byte(0x1f);
      if (desc && desc->is_string()) h.add(desc->get_string());
      std::string id = fmt::format("{}-{:016x}", prefix, h.state);
      if (existing.count(id) || !hashes.insert(h.state).second) {
        for (unsigned n = 2;; ++n) {
          std::string candidate = fmt::format("{}-{}", id, n);
          if (!existing.count(candidate) && suffixed.insert(candidate).second) {
            id = std::move(candidate);
            break;
          }
        }
      }
      e.id = std::move(id);
    }
  }

  // The document changes only here, and nothing here throws but the reservation, which
  // comes first: a new document takes the events' array as it is.
  if (doc_.timeline.empty()) {
    doc_.timeline = std::move(kept_);
  } else {
    doc_.timeline.reserve(doc_.timeline.size() + kept_.size());
    for (Event &e : kept_) doc_.timeline.push_back(std::move(e));
  }
  std::vector<Event>().swap(kept_);
  return std::move(report_);
}

} // namespace detail::importer

// ---------------------------------------------------------------------------------------
// Options

namespace {

constexpr std::string_view option_members[] = {"strict",   "source",         "offsets", "time_zone", "zone_abbreviations",
                                                "dedupe_seconds", "event_type", "id_prefix", "columns", "min_time",
                                                "max_time"};

std::string read_string(const json::value &v, std::string_view member) {
  if (!v.is_string()) invalid(fmt::format("{} must be a string", member));
  return std::string(v.get_string());
}

std::map<std::string, std::string, std::less<>> read_string_map(const json::value &v, std::string_view member,
                                                                std::string_view example) {
  if (!v.is_object()) invalid(fmt::format("{} must be an object such as {}", member, example));
  std::map<std::string, std::string, std::less<>> out;
  for (const auto &kv : v.get_object()) {
    if (!kv.value().is_string())
      invalid(fmt::format("{}/{} must be a string", member, std::string_view(kv.key())));
    out[std::string(kv.key())] = std::string(kv.value().get_string());
  }
  return out;
}

Timestamp read_timestamp(const json::value &v, std::string_view member) {
  std::string why;
  if (!v.is_string()) invalid(fmt::format("{} must be an RFC 3339 timestamp string", member));
  auto t = Timestamp::parse(std::string_view(v.get_string()), &why);
  if (!t) invalid(fmt::format("{} \"{}\" is not a valid timestamp: {}", member, detail::abbreviate(v.get_string()), why));
  return *t;
}

} // namespace

ImportOptions ImportOptions::parse(std::string_view text) {
  json::error_code ec;
  json::stream_parser parser;
  std::size_t used = parser.write_some(text.data(), text.size(), ec);
  if (!ec) parser.finish(ec);
  if (ec) {
    auto [line, column] = detail::line_column(text, used);
    invalid(fmt::format("not valid JSON: {} at line {}, column {} (byte offset {})", ec.message(), line, column, used));
  }
  const json::value root = parser.release();
  if (!root.is_object()) invalid("the top level must be an object");
  ImportOptions o;
  for (const auto &kv : root.get_object()) {
    const std::string_view key = kv.key();
    const json::value &v = kv.value();
    if (key == "strict") {
      if (!v.is_bool()) invalid("strict must be true or false");
      o.strict = v.get_bool();
    } else if (key == "source") {
      o.source = read_string(v, key);
    } else if (key == "offsets") {
      if (!v.is_object()) invalid("offsets must be an object such as {\"firewall\": \"+00:05:00\"}");
      for (const auto &off : v.get_object()) {
        const std::string_view source = off.key();
        std::optional<std::int64_t> micros;
        if (off.value().is_string()) {
          micros = detail::importer::parse_clock_offset(off.value().get_string());
        } else if (off.value().is_number()) {
          const double s = off.value().to_number<double>();
          if (std::isfinite(s) && std::fabs(s) < 1e10) micros = static_cast<std::int64_t>(std::llround(s * 1e6));
        }
        if (!micros)
          invalid(fmt::format("offsets/{} must be \"+hh:mm:ss\" (optionally with a fraction: \"-00:00:01.5\") or a "
                              "number of seconds",
                              source));
        o.offsets[std::string(source)] = *micros;
      }
    } else if (key == "time_zone") {
      o.time_zone = read_string(v, key);
    } else if (key == "zone_abbreviations") {
      o.zone_abbreviations = read_string_map(v, key, "{\"IST\": \"+01:00\"}");
    } else if (key == "dedupe_seconds") {
      if (v.is_null()) {
        o.dedupe_seconds.reset();
      } else {
        if (!v.is_number() || v.to_number<double>() < 0) invalid("dedupe_seconds must be a number of seconds >= 0, or null");
        o.dedupe_seconds = v.to_number<double>();
      }
    } else if (key == "event_type") {
      const std::string name = read_string(v, key);
      auto type = enum_from_string<EventType>(name);
      if (!type) {
        std::vector<std::string_view> names(enum_traits<EventType>::names.begin(), enum_traits<EventType>::names.end());
        invalid(fmt::format("event_type \"{}\" is not an event type{}; expected one of {}", detail::abbreviate(name),
                            did_you_mean(name, names), detail::quoted_list(names)));
      }
      o.event_type = *type;
    } else if (key == "id_prefix") {
      o.id_prefix = read_string(v, key);
    } else if (key == "columns") {
      o.columns = read_string_map(v, key, "{\"datetime\": \"DT\"}");
    } else if (key == "min_time") {
      o.min_time = read_timestamp(v, key);
    } else if (key == "max_time") {
      o.max_time = read_timestamp(v, key);
    } else {
      invalid(fmt::format("unknown member \"{}\"{}", detail::abbreviate(key), did_you_mean(key, option_members)));
    }
  }
  return o;
}

// ---------------------------------------------------------------------------------------
// Report

json::value to_value(const ImportReport &report) {
  json::array problems;
  problems.reserve(report.problems.size());
  for (const auto &p : report.problems)
    problems.push_back(json::object{{"line", p.line}, {"column", p.column}, {"field", p.field}, {"message", p.message}});
  return json::object{{"format", to_string(report.format)},
                      {"rows", report.rows},
                      {"imported", report.imported},
                      {"skipped", report.skipped},
                      {"duplicates", report.duplicates},
                      {"problems", std::move(problems)}};
}

// ---------------------------------------------------------------------------------------
// Importer

struct Importer::Impl {
  detail::importer::Core core;
  std::unique_ptr<detail::importer::FormatReader> reader;
  std::uint64_t consumed = 0, reported = 0;
  enum class State { feeding, finished, failed } state = State::feeding;
  std::optional<error> failure;

  Impl(Document &doc, ImportFormat format, ImportOptions options) : core(doc, format, std::move(options)) {
    switch (format) {
    case ImportFormat::timesketch_csv: reader = detail::importer::make_timesketch_csv(core); break;
    case ImportFormat::timesketch_jsonl: reader = detail::importer::make_timesketch_jsonl(core); break;
    case ImportFormat::plaso_l2tcsv: reader = detail::importer::make_plaso_l2tcsv(core); break;
    case ImportFormat::plaso_dynamic: reader = detail::importer::make_plaso_dynamic(core); break;
    }
  }

  void check_usable() const {
    if (state == State::finished) throw error(errc::invalid_argument, "import: the importer has already finished");
    if (state == State::failed) {
      if (failure) throw *failure;
      throw error(errc::error, "import: the importer failed earlier");
    }
  }

  template <class F> void guarded(F &&step) {
    try {
      step();
    } catch (const error &e) {
      state = State::failed;
      failure = e;
      throw;
    } catch (...) {
      state = State::failed;
      throw;
    }
  }

  void progress(bool force) {
    const auto &callback = core.options().progress;
    if (!callback) return;
    if (force || consumed - reported >= (1u << 20)) {
      reported = consumed;
      callback(consumed);
    }
  }
};

Importer::Importer(Document &into, ImportFormat format, ImportOptions options)
    : impl_(std::make_unique<Impl>(into, format, std::move(options))) {}

Importer::~Importer() = default;

void Importer::feed(std::string_view chunk) {
  impl_->check_usable();
  impl_->guarded([&] { impl_->reader->feed(chunk); });
  impl_->consumed += chunk.size();
  impl_->progress(false);
}

ImportReport Importer::finish() {
  impl_->check_usable();
  ImportReport report;
  impl_->guarded([&] {
    impl_->reader->finish();
    report = impl_->core.finish();
  });
  impl_->state = Impl::State::finished;
  impl_->progress(true);
  return report;
}

ImportReport import_timeline(Document &doc, ImportFormat format, std::string_view data, const ImportOptions &options) {
  Importer importer(doc, format, options);
  importer.feed(data);
  return importer.finish();
}

ImportReport import_file(Document &doc, ImportFormat format, const std::string &path, const ImportOptions &options) {
  std::error_code fs_error;
  if (std::filesystem::is_directory(path, fs_error))
    throw error(errc::io, fmt::format("cannot read '{}': it is a directory", path));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw error(errc::io, fmt::format("cannot open '{}': {}", path, std::strerror(errno)));
  Importer importer(doc, format, options);
  constexpr std::size_t block = std::size_t{1} << 20;
  std::string buffer(block, '\0');
  try {
    while (in) {
      in.read(buffer.data(), static_cast<std::streamsize>(block));
      const auto got = static_cast<std::size_t>(in.gcount());
      if (got > 0) importer.feed(std::string_view(buffer.data(), got));
    }
    if (in.bad()) throw error(errc::io, fmt::format("cannot read '{}'", path));
    return importer.finish();
  } catch (const error &e) {
    if (e.code() == errc::io) throw;
    throw error(e.code(), fmt::format("{}: {}", path, e.what()));
  }
}

Document new_timeline_document(ImportFormat format, const ImportOptions &options) {
  const std::string_view what =
      options.source.empty() ? detail::importer::format_title(format) : std::string_view(options.source);
  // incident.id: printable and short; "import-" and a slug of the source or the format.
  std::string slug;
  for (char c : what) {
    if (slug.size() >= 64) break;
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (alnum) slug += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    else if (!slug.empty() && slug.back() != '-') slug += '-';
  }
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  Document doc;
  doc.schema = std::string(schema_version);
  Incident incident;
  incident.id = slug.empty() ? std::string("import") : "import-" + slug;
  incident.title = "Timeline imported from " + detail::abbreviate(what, 200);
  doc.incident = std::move(incident);
  return doc;
}

PM_END_NAMESPACE
