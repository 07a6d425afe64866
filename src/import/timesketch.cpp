// Timesketch's import formats (google/timesketch docs/guides/user/import-from-json-csv.md):
// CSV with a header and JSONL, one object per line. `message`, `datetime` (or `timestamp`)
// and `timestamp_desc`; every other column is an attribute, kept as an `x_` member.
#include "import/import.hpp"

#include "text.hpp"

#include <boost/json/parser.hpp>
#include <boost/json/serialize.hpp>
#include <fmt/format.h>

#include <array>

PM_BEGIN_NAMESPACE
namespace detail::importer {

namespace {

namespace json = boost::json;

constexpr std::string_view default_source = "timesketch";
// The columns that name the event's source, in order of preference.
constexpr std::array<std::string_view, 3> source_columns = {"source_long", "source_short", "data_type"};

// ---------------------------------------------------------------------------------------

class TimesketchCsv final : public CsvTableReader {
public:
  using CsvTableReader::CsvTableReader;

private:
  void header(std::span<const std::string_view> names) override {
    message_ = find("message");
    datetime_ = find("datetime");
    timestamp_ = find("timestamp");
    desc_ = find("timestamp_desc");
    for (std::size_t i = 0; i < source_columns.size(); ++i) sources_[i] = find(source_columns[i]);
    if (message_ < 0) missing("`message`");
    if (datetime_ < 0 && timestamp_ < 0) missing("`datetime` or `timestamp`");
    consumed_.assign(names.size(), false);
    for (int i : {message_, datetime_, timestamp_, desc_})
      if (i >= 0) consumed_[static_cast<std::size_t>(i)] = true;
  }

  void record(std::uint64_t line, std::span<const std::string_view> fields) override {
    const auto at = [&](int i) { return fields[static_cast<std::size_t>(i)]; };
    std::string_view source = core_.options().source;
    if (source.empty()) {
      for (int i : sources_)
        if (i >= 0 && !detail::is_blank(at(i))) {
          source = at(i);
          break;
        }
      if (source.empty()) source = default_source;
    }
    std::optional<Timestamp> time;
    if (datetime_ >= 0 && !detail::is_blank(at(datetime_))) {
      time = core_.read_time(at(datetime_), source, where(line, datetime_));
    } else if (timestamp_ >= 0 && !detail::is_blank(at(timestamp_))) {
      time = core_.read_time(at(timestamp_), source, where(line, timestamp_));
    } else {
      core_.problem(where(line, datetime_ >= 0 ? datetime_ : timestamp_),
                    datetime_ >= 0 && timestamp_ >= 0 ? "no time: `datetime` and `timestamp` are both empty"
                                                      : "no time: the time column is empty");
      return;
    }
    if (!time) return;
    const std::string_view message = at(message_);
    if (detail::is_blank(message)) {
      core_.problem(where(line, message_), "the message is empty");
      return;
    }
    Event e = core_.new_event(*time, message, source, desc_ >= 0 ? at(desc_) : std::string_view(), fields.size());
    for (std::size_t i = 0; i < fields.size(); ++i)
      if (!consumed_[i] && !fields[i].empty()) e.extra.emplace(x_keys()[i], fields[i]);
    core_.add(std::move(e));
  }

  int message_ = -1, datetime_ = -1, timestamp_ = -1, desc_ = -1;
  std::array<int, source_columns.size()> sources_{};
  std::vector<bool> consumed_;
};

// ---------------------------------------------------------------------------------------

class TimesketchJsonl final : public FormatReader {
public:
  explicit TimesketchJsonl(Core &core) : core_(core) {
    message_ = core.column_name("message");
    datetime_ = core.column_name("datetime");
    timestamp_ = core.column_name("timestamp");
    desc_ = core.column_name("timestamp_desc");
    for (std::size_t i = 0; i < source_columns.size(); ++i) sources_[i] = core.column_name(source_columns[i]);
  }

  void feed(std::string_view chunk) override {
    lines_.feed(chunk, [this](std::string_view text, std::uint64_t number) { line(text, number); });
  }

  void finish() override {
    lines_.finish([this](std::string_view text, std::uint64_t number) { line(text, number); });
  }

private:
  void line(std::string_view text, std::uint64_t number) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
    if (detail::is_blank(text)) return;
    json::error_code ec;
    parser_.reset();
    // write() takes a complete JSON text: a truncated one or trailing data is an error.
    const std::size_t used = parser_.write(text.data(), text.size(), ec);
    if (ec) {
      if (first_)
        core_.not_this_format(fmt::format("not Timesketch JSONL: line {} is not JSON ({} at byte {})", number,
                                          ec.message(), used + 1));
      core_.count_row();
      core_.problem({number, used + 1, {}}, fmt::format("not valid JSON: {}", ec.message()));
      return;
    }
    json::value v = parser_.release();
    if (!v.is_object()) {
      if (first_) core_.not_this_format(fmt::format("not Timesketch JSONL: line {} is not a JSON object", number));
      core_.count_row();
      core_.problem({number, 1, {}}, "not a JSON object");
      return;
    }
    first_ = false;
    core_.count_row();
    record(number, v.get_object());
  }

  // A member's text: strings as they are, other scalars as their JSON text.
  static bool scalar_text(const json::value &v, std::string &out) {
    if (v.is_string()) {
      out.assign(v.get_string().data(), v.get_string().size());
      return true;
    }
    if (v.is_number() || v.is_bool()) {
      out = json::serialize(v);
      return true;
    }
    return false;
  }

  std::optional<Timestamp> time_of(const json::value &v, std::string_view source, const Where &where) {
    ParsedTime parsed;
    std::string why;
    bool ok = true;
    if (v.is_string()) return core_.read_time(v.get_string(), source, where);
    if (v.is_int64()) ok = epoch_from_integer(v.get_int64(), parsed, why);
    else if (v.is_uint64()) ok = v.get_uint64() <= static_cast<std::uint64_t>(INT64_MAX) &&
                                 epoch_from_integer(static_cast<std::int64_t>(v.get_uint64()), parsed, why);
    else if (v.is_double()) ok = epoch_from_number(v.get_double(), parsed, why);
    else ok = false;
    const std::string text = json::serialize(v);
    if (!ok) {
      core_.problem(where, fmt::format("{} {} is not a date and time{}", where.field, detail::abbreviate(text),
                                       why.empty() ? "" : " (" + why + ")"));
      return std::nullopt;
    }
    return core_.finish_time(parsed, text, source, where);
  }

  static bool blank(const json::value *v) {
    return !v || v->is_null() || (v->is_string() && detail::is_blank(v->get_string()));
  }

  void record(std::uint64_t line, json::object &object) {
    std::string_view source = core_.options().source;
    if (source.empty()) {
      for (std::string_view name : sources_) {
        const json::value *v = object.if_contains(name);
        if (v && v->is_string() && !detail::is_blank(v->get_string())) {
          source = v->get_string();
          break;
        }
      }
      if (source.empty()) source = default_source;
    }
    const json::value *datetime = object.if_contains(datetime_), *timestamp = object.if_contains(timestamp_);
    std::optional<Timestamp> time;
    if (!blank(datetime)) {
      time = time_of(*datetime, source, {line, 0, datetime_});
    } else if (!blank(timestamp)) {
      time = time_of(*timestamp, source, {line, 0, timestamp_});
    } else {
      core_.problem({line, 0, datetime_}, fmt::format("no time: no `{}` or `{}` member with a value", datetime_, timestamp_));
      return;
    }
    if (!time) return;
    const json::value *message = object.if_contains(message_);
    if (!message || !scalar_text(*message, text_) || detail::is_blank(text_)) {
      core_.problem({line, 0, message_}, message ? "the message is empty or not a string" : "no message");
      return;
    }
    desc_text_.clear();
    if (const json::value *desc = object.if_contains(desc_); desc && !scalar_text(*desc, desc_text_)) desc_text_.clear();
    Event e = core_.new_event(*time, text_, source, desc_text_, object.size());
    for (auto &member : object) {
      const std::string_view key = member.key();
      if (key == message_ || key == datetime_ || key == timestamp_ || key == desc_) continue;
      key_.assign("x_");
      key_.append(key);
      e.extra.emplace(key_, std::move(member.value()));
    }
    core_.add(std::move(e));
  }

  Core &core_;
  LineSplitter lines_;
  json::parser parser_;
  bool first_ = true;
  std::string_view message_, datetime_, timestamp_, desc_;
  std::array<std::string_view, source_columns.size()> sources_{};
  std::string text_, desc_text_, key_;
};

} // namespace

std::unique_ptr<FormatReader> make_timesketch_csv(Core &core) { return std::make_unique<TimesketchCsv>(core); }
std::unique_ptr<FormatReader> make_timesketch_jsonl(Core &core) { return std::make_unique<TimesketchJsonl>(core); }

} // namespace detail::importer
PM_END_NAMESPACE
