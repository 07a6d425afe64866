// CVSS vector syntax: the metric tables of v3.x and v4.0, parsing with errors that name the
// offending metric, normalisation, and the public entry points of postmortem/cvss.hpp.
#include "cvss/cvss_detail.hpp"

#include <boost/json/object.hpp>
#include <fmt/format.h>

#include <algorithm>

PM_BEGIN_NAMESPACE
namespace detail::cvss {

namespace {

// CVSS v3.1 specification §2–§4 (v3.0 has the same metrics and values). Order: base,
// temporal, environmental, as in the specification's vector string table (§6).
constexpr MetricDef v3_table[] = {
    {"AV", {"N", "A", "L", "P"}, true},
    {"AC", {"L", "H"}, true},
    {"PR", {"N", "L", "H"}, true},
    {"UI", {"N", "R"}, true},
    {"S", {"U", "C"}, true},
    {"C", {"N", "L", "H"}, true},
    {"I", {"N", "L", "H"}, true},
    {"A", {"N", "L", "H"}, true},
    {"E", {"X", "U", "P", "F", "H"}},
    {"RL", {"X", "O", "T", "W", "U"}},
    {"RC", {"X", "U", "R", "C"}},
    {"CR", {"X", "L", "M", "H"}},
    {"IR", {"X", "L", "M", "H"}},
    {"AR", {"X", "L", "M", "H"}},
    {"MAV", {"X", "N", "A", "L", "P"}},
    {"MAC", {"X", "L", "H"}},
    {"MPR", {"X", "N", "L", "H"}},
    {"MUI", {"X", "N", "R"}},
    {"MS", {"X", "U", "C"}},
    {"MC", {"X", "N", "L", "H"}},
    {"MI", {"X", "N", "L", "H"}},
    {"MA", {"X", "N", "L", "H"}},
};
static_assert(std::size(v3_table) == m3::count);
static_assert(v3_table[m3::MAV].name == "MAV" && v3_table[m3::MA].name == "MA" && v3_table[m3::E].name == "E");

// CVSS v4.0 specification §7 (vector string), in its fixed order.
constexpr MetricDef v4_table[] = {
    {"AV", {"N", "A", "L", "P"}, true},
    {"AC", {"L", "H"}, true},
    {"AT", {"N", "P"}, true},
    {"PR", {"N", "L", "H"}, true},
    {"UI", {"N", "P", "A"}, true},
    {"VC", {"H", "L", "N"}, true},
    {"VI", {"H", "L", "N"}, true},
    {"VA", {"H", "L", "N"}, true},
    {"SC", {"H", "L", "N"}, true},
    {"SI", {"H", "L", "N"}, true},
    {"SA", {"H", "L", "N"}, true},
    {"E", {"X", "A", "P", "U"}},
    {"CR", {"X", "H", "M", "L"}},
    {"IR", {"X", "H", "M", "L"}},
    {"AR", {"X", "H", "M", "L"}},
    {"MAV", {"X", "N", "A", "L", "P"}},
    {"MAC", {"X", "L", "H"}},
    {"MAT", {"X", "N", "P"}},
    {"MPR", {"X", "N", "L", "H"}},
    {"MUI", {"X", "N", "P", "A"}},
    {"MVC", {"X", "H", "L", "N"}},
    {"MVI", {"X", "H", "L", "N"}},
    {"MVA", {"X", "H", "L", "N"}},
    {"MSC", {"X", "H", "L", "N"}},
    {"MSI", {"X", "H", "L", "N", "S"}},
    {"MSA", {"X", "H", "L", "N", "S"}},
    {"S", {"X", "N", "P"}},
    {"AU", {"X", "N", "Y"}},
    {"R", {"X", "A", "U", "I"}},
    {"V", {"X", "D", "C"}},
    {"RE", {"X", "L", "M", "H"}},
    {"U", {"X", "Clear", "Green", "Amber", "Red"}},
};
static_assert(std::size(v4_table) == m4::count);
static_assert(v4_table[m4::MAV].name == "MAV" && v4_table[m4::MSA].name == "MSA" && v4_table[m4::U].name == "U");

struct Prefix {
  std::string_view text;
  CvssVersion version;
};
constexpr Prefix prefixes[] = {
    {"CVSS:3.1/", CvssVersion::v3_1},
    {"CVSS:3.0/", CvssVersion::v3_0},
    {"CVSS:4.0/", CvssVersion::v4_0},
};

std::string_view prefix_of(CvssVersion version) {
  for (const auto &p : prefixes)
    if (p.version == version) return p.text;
  return {};
}

[[noreturn]] void fail(std::string message) { throw error(errc::invalid_argument, std::move(message)); }

// "N, A, L or P"
std::string expected_values(const MetricDef &def) {
  std::string out;
  const std::size_t n = def.count();
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0) out += i + 1 == n ? " or " : ", ";
    out += def.values[i];
  }
  return out;
}

// For messages: at most 40 characters of user text.
std::string quoted(std::string_view text) {
  if (text.size() <= 40) return std::string(text);
  return std::string(text.substr(0, 40)) + "…";
}

} // namespace

std::span<const MetricDef> v3_metrics() noexcept { return v3_table; }
std::span<const MetricDef> v4_metrics() noexcept { return v4_table; }

std::string Vector::normalised() const {
  std::string out(prefix_of(version));
  bool first = true;
  for (std::size_t i = 0; i < metrics.size(); ++i) {
    if (given[i] < 0) continue;
    if (!first) out += '/';
    first = false;
    out += metrics[i].name;
    out += ':';
    out += value(i);
  }
  return out;
}

Vector parse(std::string_view text) {
  Vector v;
  const Prefix *prefix = nullptr;
  for (const auto &p : prefixes)
    if (text.starts_with(p.text)) prefix = &p;
  if (!prefix) {
    std::string_view got = text.substr(0, text.find('/'));
    fail(fmt::format("not a CVSS v3.0, v3.1 or v4.0 vector: expected the prefix `CVSS:3.1/`, `CVSS:3.0/` or `CVSS:4.0/`, got {}",
                     text.empty() ? std::string("an empty string") : fmt::format("`{}`", quoted(got))));
  }
  v.version = prefix->version;
  v.metrics = prefix->version == CvssVersion::v4_0 ? v4_metrics() : v3_metrics();
  v.given.fill(-1);

  std::string_view rest = text.substr(prefix->text.size());
  bool any = false;
  while (true) {
    const std::size_t slash = rest.find('/');
    const std::string_view part = rest.substr(0, slash);
    if (part.empty())
      fail(rest.empty() && !any ? "CVSS vector: no metrics after the prefix" : "CVSS vector: empty metric (a `/` too many)");
    const std::size_t colon = part.find(':');
    if (colon == std::string_view::npos)
      fail(fmt::format("CVSS vector: `{}` is not METRIC:VALUE", quoted(part)));
    const std::string_view name = part.substr(0, colon), value = part.substr(colon + 1);
    auto def = std::ranges::find(v.metrics, name, &MetricDef::name);
    if (def == v.metrics.end()) fail(fmt::format("CVSS vector: unknown metric `{}`", quoted(name)));
    const auto index = static_cast<std::size_t>(def - v.metrics.begin());
    if (v.given[index] >= 0) fail(fmt::format("CVSS vector: duplicate metric `{}`", name));
    const std::size_t n = def->count();
    std::size_t k = 0;
    while (k < n && def->values[k] != value) ++k;
    if (k == n)
      fail(fmt::format("CVSS vector: metric `{}` has no value `{}` (expected {})", name, quoted(value), expected_values(*def)));
    v.given[index] = static_cast<std::int8_t>(k);
    any = true;
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  for (std::size_t i = 0; i < v.metrics.size(); ++i)
    if (v.metrics[i].mandatory && v.given[i] < 0) fail(fmt::format("CVSS vector: missing mandatory metric `{}`", v.metrics[i].name));
  return v;
}

} // namespace detail::cvss

std::string_view cvss_version_string(CvssVersion version) noexcept {
  switch (version) {
  case CvssVersion::v3_0: return "3.0";
  case CvssVersion::v3_1: return "3.1";
  case CvssVersion::v4_0: return "4.0";
  }
  return {};
}

std::string_view cvss_severity(double score) noexcept {
  // Scores have one decimal; the boundaries sit half-way between two possible scores.
  if (score < 0.05) return "None";
  if (score < 3.95) return "Low";
  if (score < 6.95) return "Medium";
  if (score < 8.95) return "High";
  return "Critical";
}

CvssScores cvss_score(std::string_view vector) {
  const detail::cvss::Vector v = detail::cvss::parse(vector);
  CvssScores out;
  out.version = v.version;
  out.vector = v.normalised();
  if (v.version == CvssVersion::v4_0) {
    detail::cvss::score_v4(v, out);
    out.severity = cvss_severity(out.overall.value_or(out.base));
  } else {
    detail::cvss::score_v3(v, out);
    out.severity = cvss_severity(out.environmental.value_or(out.temporal.value_or(out.base)));
  }
  return out;
}

double cvss_base(std::string_view vector) { return cvss_score(vector).base; }

std::optional<CvssScores> try_cvss_score(std::string_view vector, std::string *why) {
  try {
    return cvss_score(vector);
  } catch (const error &e) {
    if (why) *why = e.what();
    return std::nullopt;
  }
}

std::optional<std::string> cvss_metric(std::string_view vector, std::string_view metric) {
  const detail::cvss::Vector v = detail::cvss::parse(vector);
  auto def = std::ranges::find(v.metrics, metric, &detail::cvss::MetricDef::name);
  if (def == v.metrics.end())
    throw error(errc::invalid_argument,
                fmt::format("CVSS vector: unknown metric `{}` (not a CVSS v{} metric)", metric, cvss_version_string(v.version)));
  std::string_view value = v.value(static_cast<std::size_t>(def - v.metrics.begin()));
  if (value.empty()) return std::nullopt;
  return std::string(value);
}

boost::json::value to_value(const CvssScores &scores) {
  boost::json::object o;
  o["version"] = cvss_version_string(scores.version);
  o["vector"] = scores.vector;
  o["base"] = scores.base;
  if (scores.temporal) o["temporal"] = *scores.temporal;
  if (scores.environmental) o["environmental"] = *scores.environmental;
  if (scores.overall) o["overall"] = *scores.overall;
  o["severity"] = scores.severity;
  if (scores.macro_vector) o["macro_vector"] = *scores.macro_vector;
  return o;
}

PM_END_NAMESPACE
