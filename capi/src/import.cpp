// Timeline import: pm_import, pm_import_into, pm_import_with_report.
#include "capi.hpp"

#include <postmortem/import.hpp>
#include <postmortem/interop.hpp>

#include <boost/json.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <utility>

using postmortem::capi::give_string;
using postmortem::capi::guard;
using postmortem::capi::require;

namespace {

namespace pm = postmortem;

// The C constants are the C++ enumerators plus one (import.hpp says so).
static_assert(PM_IMPORT_TIMESKETCH_CSV == static_cast<int>(pm::ImportFormat::timesketch_csv) + 1);
static_assert(PM_IMPORT_TIMESKETCH_JSONL == static_cast<int>(pm::ImportFormat::timesketch_jsonl) + 1);
static_assert(PM_IMPORT_PLASO_L2TCSV == static_cast<int>(pm::ImportFormat::plaso_l2tcsv) + 1);
static_assert(PM_IMPORT_PLASO_DYNAMIC == static_cast<int>(pm::ImportFormat::plaso_dynamic) + 1);
static_assert(pm::enum_traits<pm::ImportFormat>::names.size() == PM_IMPORT_PLASO_DYNAMIC);

constexpr std::string_view known_formats =
    "PM_IMPORT_TIMESKETCH_CSV (1), PM_IMPORT_TIMESKETCH_JSONL (2), PM_IMPORT_PLASO_L2TCSV (3) "
    "or PM_IMPORT_PLASO_DYNAMIC (4)";

/// The timeline format a PM_IMPORT_* constant stands for. @throws error errc::format.
pm::ImportFormat format_of(int format, const char *function) {
  if (format >= PM_IMPORT_TIMESKETCH_CSV && format <= PM_IMPORT_PLASO_DYNAMIC)
    return static_cast<pm::ImportFormat>(format - 1);
  if (format == PM_IMPORT_VERIS)
    throw pm::error(pm::errc::format,
                    std::string(function) +
                        ": a VERIS incident (PM_IMPORT_VERIS) becomes a whole new document, so only "
                        "pm_import() takes it; into an existing document this function imports " +
                        std::string(known_formats));
  throw pm::error(pm::errc::format, std::string(function) + ": unknown import format " +
                                        std::to_string(format) + "; use " +
                                        std::string(known_formats));
}

/// The input as a string_view. @throws error errc::invalid_argument for NULL with len > 0.
std::string_view input_of(const char *data, size_t len, const char *function) {
  if (data == nullptr) {
    if (len > 0)
      throw pm::error(pm::errc::invalid_argument,
                      std::string(function) + ": argument 'data' is NULL but 'len' is " +
                          std::to_string(len));
    return {};
  }
  return {data, len};
}

/// The options `options_json` stands for: NULL means the defaults.
/// @throws error errc::invalid_argument naming the member.
pm::ImportOptions options_of(const char *options_json) {
  if (options_json == nullptr) return {};
  return pm::ImportOptions::parse(options_json);
}

/// What every import function checks and reads before importing.
struct Request {
  pm::ImportFormat format;
  std::string_view data;
  pm::ImportOptions options;
};

Request request_of(int format, const char *data, size_t len, const char *options_json,
                   const char *function) {
  // Arguments first (PM_EINVALID), then the format (PM_EFORMAT), then the options.
  std::string_view input = input_of(data, len, function);
  pm::ImportFormat f = format_of(format, function);
  return {f, input, options_of(options_json)};
}

/// A new document holding the imported events, and the report.
std::pair<std::unique_ptr<pm_doc>, pm::ImportReport> import_new(const Request &r) {
  auto doc = std::make_unique<pm_doc>(pm_doc{pm::new_timeline_document(r.format, r.options)});
  pm::ImportReport report = pm::import_timeline(doc->impl, r.format, r.data, r.options);
  return {std::move(doc), std::move(report)};
}

/// `doc`'s document with the imported events appended, built beside it so that a failure
/// leaves `doc` as it was; the caller commits it with swap().
std::pair<pm::Document, pm::ImportReport> import_copy(const pm_doc &doc, const Request &r) {
  pm::Document copy = doc.impl;
  pm::ImportReport report = pm::import_timeline(copy, r.format, r.data, r.options);
  return {std::move(copy), std::move(report)};
}

} // namespace

namespace {

/// A VERIS incident as a new document. It takes no options: `options_json` is NULL or `{}`.
std::unique_ptr<pm_doc> import_veris_new(const char *data, size_t len, const char *options_json) {
  const std::string_view input = input_of(data, len, "pm_import");
  if (options_json != nullptr) {
    boost::json::error_code ec;
    const boost::json::value v = boost::json::parse(options_json, ec);
    if (ec || !v.is_object() || !v.get_object().empty())
      throw pm::error(pm::errc::invalid_argument, "pm_import: VERIS import takes no options; pass NULL or {}");
  }
  return std::make_unique<pm_doc>(pm_doc{pm::import_veris(input)});
}

} // namespace

int pm_import(pm_doc **out, int format, const char *data, size_t len, const char *options_json) {
  if (out != nullptr) *out = nullptr;
  return guard([&] {
    require(out, "pm_import", "out");
    if (format == PM_IMPORT_VERIS) {
      *out = import_veris_new(data, len, options_json).release();
      return;
    }
    const Request r = request_of(format, data, len, options_json, "pm_import");
    *out = import_new(r).first.release();
  });
}

int pm_import_into(pm_doc *doc, int format, const char *data, size_t len, const char *options_json) {
  return guard([&] {
    require(doc, "pm_import_into", "doc");
    const Request r = request_of(format, data, len, options_json, "pm_import_into");
    auto result = import_copy(*doc, r);
    using std::swap;
    swap(doc->impl, result.first);
  });
}

int pm_import_with_report(char **report, size_t *report_len, pm_doc **doc, int format,
                          const char *data, size_t len, const char *options_json) {
  if (report != nullptr) *report = nullptr;
  if (report_len != nullptr) *report_len = 0;
  return guard([&] {
    require(report, "pm_import_with_report", "report");
    require(doc, "pm_import_with_report", "doc");
    const Request r = request_of(format, data, len, options_json, "pm_import_with_report");
    if (*doc == nullptr) {
      auto result = import_new(r);
      give_string(report, report_len, pm::serialize_value(pm::to_value(result.second)));
      *doc = result.first.release(); // nothing can fail after the report is handed over
    } else {
      auto result = import_copy(**doc, r);
      give_string(report, report_len, pm::serialize_value(pm::to_value(result.second)));
      using std::swap;
      swap((*doc)->impl, result.first);
    }
  });
}
