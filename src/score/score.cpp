// Incident severity, action priority, SSVC decisions and post-mortem quality (score.hpp;
// docs/scoring.md explains every term with a worked example).
//
// Each score is a weighted sum of terms. A term maps its input to a level in [0, 1] through
// a data table or a capped log scale; its points are 100 × weight × level / (sum of the
// weights). Every level is a non-decreasing function of its input, which is what makes the
// scores monotone (score_test.cpp checks it on random documents).
#include <postmortem/score.hpp>

#include <postmortem/cvss.hpp>
#include <postmortem/knowledge.hpp>
#include <postmortem/timeline.hpp>

#include "score/ssvc.hpp"
#include "score/tables.hpp"
#include "text.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <set>
#include <unordered_map>

PM_BEGIN_NAMESPACE

namespace {

namespace json = boost::json;
using detail::NamedDefault;

// --- Weights and terms -------------------------------------------------------------------

/// `x` rounded to `digits` decimals; dividing by a power of ten gives the double nearest to
/// the decimal, so 58.9 prints as 58.9.
double round_to(double x, int digits) {
  const double scale = std::pow(10.0, digits);
  return std::round(x * scale) / scale;
}

/// A table of defaults overridden by the policy, looked up by name.
class Weights {
public:
  Weights(std::span<const NamedDefault> defaults, const ScoringSettings::Table &overrides) {
    for (const auto &d : defaults) {
      auto it = overrides.find(d.name);
      values_.emplace_back(d.name, it == overrides.end() ? d.value : it->second);
      total_ += values_.back().second;
    }
  }
  double operator[](std::string_view name) const {
    for (const auto &[n, v] : values_)
      if (n == name) return v;
    return 0; // unreachable: every term the code adds is in its table
  }
  double total() const { return total_; }
  const std::vector<std::pair<std::string_view, double>> &values() const { return values_; }

private:
  std::vector<std::pair<std::string_view, double>> values_;
  double total_ = 0;
};

/// Collects the terms of one score.
class Terms {
public:
  explicit Terms(const Weights &weights) : weights_(weights) {}

  void add(std::string_view name, double input, double level, std::string why) {
    level = std::clamp(level, 0.0, 1.0);
    const double w = weights_[name];
    const double points = weights_.total() > 0 ? 100.0 * w * level / weights_.total() : 0.0;
    sum_ += points;
    terms_.push_back(ScoreTerm{std::string(name), input, w, points, std::move(why), level});
  }
  /// A term that multiplies the others by `factor` (0–1): its points are what it takes away.
  void scale(std::string_view name, double factor, std::string why) {
    const double points = -(1.0 - factor) * sum_;
    sum_ += points;
    terms_.push_back(ScoreTerm{std::string(name), factor, 0, points, std::move(why), factor});
  }
  /// The score: the sum of the points, within 0–100, rounded to one decimal.
  double score() const { return round_to(std::clamp(sum_, 0.0, 100.0), 1); }
  std::vector<ScoreTerm> take() { return std::move(terms_); }

private:
  const Weights &weights_;
  std::vector<ScoreTerm> terms_;
  double sum_ = 0;
};

/// `x` on a log scale that reaches 1 at `full`: log10(1 + x) / log10(1 + full), capped at 1.
double log_level(double x, double full) {
  if (!(x > 0)) return 0;
  return std::min(1.0, std::log10(1.0 + x) / std::log10(1.0 + full));
}

template <class E, std::size_t N>
double level_of(const std::array<double, N> &table, E value) {
  static_assert(N == enum_traits<E>::names.size());
  return table[static_cast<std::size_t>(value)];
}

std::string fmt_num(double x) {
  if (std::isfinite(x) && x == std::floor(x) && std::fabs(x) < 1e15) return fmt::format("{}", static_cast<std::int64_t>(x));
  return fmt::format("{:.2f}", x);
}

// --- Level tables (docs/scoring.md) ----------------------------------------------------------

constexpr std::array<double, 3> cia_levels = {0.0, 0.5, 1.0};                    // none, low, high
constexpr std::array<double, 5> rating_criticality = {10, 35, 60, 80, 95};       // VERIS → STIX criticality
constexpr std::array<double, 8> data_type_levels = {0.8, 1.0, 1.0, 0.8, 0.7, 0.7, 0.4, 0.3};
constexpr double data_type_breadth = 0.05;                                       // per further type
constexpr std::array<double, 4> recoverability_levels = {0.0, 1.0 / 3, 2.0 / 3, 1.0};
constexpr std::array<double, 4> criticality_levels = {0.25, 0.5, 0.75, 1.0};     // low … critical
constexpr std::array<double, 4> determination_factors = {1.0, 0.8, 0.5, 0.1};   // confirmed … false_positive

// Where each log scale reaches its full level.
constexpr double records_full = 10'000'000;
constexpr double users_full = 1'000'000;
constexpr double downtime_full = 10'080; // minutes in a week
constexpr double loss_full = 10'000'000;
constexpr double assets_full = 100;

// Priority: what a factor's kind is worth when an action addresses it.
constexpr std::array<double, 3> factor_kind_levels = {1.0, 0.5, 0.25}; // root_cause, contributing, mitigating

// Whether a vulnerability counts as listed in CISA KEV: the document's `known_exploited` when
// it says (an explicit false included), else the KEV catalog of the policy's knowledge.
struct KevStatus {
  bool listed = false;
  const KevEntry *entry = nullptr; // set when the catalog decided
};

KevStatus kev_status(const Vulnerability &v, const Knowledge &k) {
  if (v.known_exploited) return {*v.known_exploited, nullptr};
  const KevEntry *e = v.id ? k.find_kev(*v.id) : nullptr;
  return {e != nullptr, e};
}

// "listed in CISA KEV", with the date CISA added it when the catalog (not the document) says so.
std::string kev_phrase(const KevStatus &s) {
  return s.entry ? fmt::format("listed in CISA KEV (added {})", s.entry->date_added) : std::string("listed in CISA KEV");
}

// A vulnerability's weight for the actions that treat a factor tied to it.
double vulnerability_level(const Vulnerability &v, const Knowledge &k) {
  const bool exploited = v.exploited.value_or(false), kev = kev_status(v, k).listed;
  return exploited && kev ? 1.0 : exploited ? 0.75 : kev ? 0.5 : 0.0;
}

std::string vulnerability_flags(const Vulnerability &v, const Knowledge &k) {
  const bool exploited = v.exploited.value_or(false);
  const KevStatus kev = kev_status(v, k);
  if (!kev.listed) return exploited ? "exploited" : "neither exploited nor in KEV";
  if (!kev.entry) return exploited ? "exploited, in KEV" : "in KEV";
  return exploited ? "exploited, " + kev_phrase(kev) : kev_phrase(kev);
}

// --- Severity ----------------------------------------------------------------------------

/// Whether an asset counts toward the scope: compromised `yes` or `unknown` (absent = unknown).
bool in_scope(const Asset &a) { return a.compromised != Compromised::no; }

void severity_terms(const Document &doc, const Knowledge &knowledge, Terms &t) {
  static const Impact no_impact;
  const Impact &imp = doc.incident && doc.incident->impact ? *doc.incident->impact : no_impact;

  // C, I, A.
  auto cia = [&](std::string_view name, const std::optional<CiaLevel> &v) {
    if (v) t.add(name, level_of(cia_levels, *v), level_of(cia_levels, *v), fmt::format("{} impact {}", name, to_string(*v)));
    else t.add(name, 0, 0, fmt::format("{} impact not assessed", name));
  };
  cia("confidentiality", imp.confidentiality);
  cia("integrity", imp.integrity);
  cia("availability", imp.availability);

  if (imp.rating) {
    const double c = level_of(rating_criticality, *imp.rating);
    t.add("rating", c, c / 100, fmt::format("VERIS rating {}: criticality {} of 100 (as the STIX incident extension maps it)",
                                          to_string(*imp.rating), c));
  } else {
    t.add("rating", 0, 0, "no VERIS rating");
  }

  auto log_term = [&](std::string_view name, const auto &value, double full, std::string_view unit) {
    if (value && *value > 0) {
      const double x = static_cast<double>(*value);
      t.add(name, x, log_level(x, full),
            fmt::format("{} {}: log10(1 + {}) / log10(1 + {}) (full at {} {})", fmt_num(x), unit, fmt_num(x), fmt_num(full),
                        fmt_num(full), unit));
    } else {
      t.add(name, value ? static_cast<double>(*value) : 0, 0, value ? fmt::format("0 {}", unit) : fmt::format("{}: not given", unit));
    }
  };
  log_term("records", imp.records_affected, records_full, "records");

  if (!imp.data_types.empty()) {
    std::set<DataType> types(imp.data_types.begin(), imp.data_types.end());
    double top = 0;
    DataType top_type = *types.begin();
    for (DataType d : types)
      if (level_of(data_type_levels, d) > top) top = level_of(data_type_levels, d), top_type = d;
    const double level = top + data_type_breadth * static_cast<double>(types.size() - 1);
    t.add("data_types", static_cast<double>(types.size()), level,
          fmt::format("{} data type{}; most sensitive {} ({}){}", types.size(), types.size() == 1 ? "" : "s", to_string(top_type),
                      fmt_num(top), types.size() > 1 ? fmt::format(" + {} per further type", data_type_breadth) : ""));
  } else {
    t.add("data_types", 0, 0, "no data types listed");
  }

  log_term("users", imp.users_affected, users_full, "users");
  log_term("downtime", imp.downtime_minutes, downtime_full, "minutes");

  std::optional<double> loss;
  if (imp.financial_loss) loss = imp.financial_loss->max ? imp.financial_loss->max : imp.financial_loss->min;
  if (loss && *loss > 0) {
    const std::string currency = imp.financial_loss->currency.value_or("");
    t.add("financial_loss", *loss, log_level(*loss, loss_full),
          fmt::format("upper estimate {}{}{}: log10(1 + loss) / log10(1 + {}) (the currency is not converted)", fmt_num(*loss),
                      currency.empty() ? "" : " ", currency, fmt_num(loss_full)));
  } else {
    t.add("financial_loss", loss.value_or(0), 0, loss ? "financial loss 0" : "financial loss: not given");
  }

  if (imp.recoverability)
    t.add("recoverability", level_of(recoverability_levels, *imp.recoverability), level_of(recoverability_levels, *imp.recoverability),
          fmt::format("recoverability {}", to_string(*imp.recoverability)));
  else
    t.add("recoverability", 0, 0, "recoverability not assessed");

  // Scope.
  std::size_t affected = 0;
  std::optional<Criticality> top_criticality;
  std::string top_asset;
  for (const auto &a : doc.assets) {
    if (!in_scope(a)) continue;
    ++affected;
    if (a.criticality && (!top_criticality || *a.criticality > *top_criticality)) {
      top_criticality = a.criticality;
      top_asset = a.id.value_or("?");
    }
  }
  const double n = static_cast<double>(affected);
  t.add("assets", n, log_level(n, assets_full),
        affected == 0 ? std::string("no asset compromised (or possibly compromised)")
                      : fmt::format("{} asset{} compromised or possibly compromised: log10(1 + {}) / log10(1 + {})", affected,
                                    affected == 1 ? "" : "s", affected, fmt_num(assets_full)));
  if (top_criticality)
    t.add("asset_criticality", level_of(criticality_levels, *top_criticality), level_of(criticality_levels, *top_criticality),
          fmt::format("most critical affected asset: {} ({})", top_asset, to_string(*top_criticality)));
  else
    t.add("asset_criticality", 0, 0, "no affected asset has a criticality");

  // Threat.
  std::optional<double> top_cvss;
  std::string cvss_of, skipped;
  bool kev_exploited = false, kev_any = false;
  std::string kev_exploited_from, kev_any_from; // "CVE-… listed in CISA KEV (added …)" when the catalog said
  for (const auto &v : doc.vulnerabilities) {
    const bool exploited = v.exploited.value_or(false);
    if (const KevStatus kev = kev_status(v, knowledge); kev.listed) {
      bool &flag = exploited ? kev_exploited : kev_any;
      std::string &from = exploited ? kev_exploited_from : kev_any_from;
      if (!flag) from = kev.entry ? fmt::format(": {} is {}", v.id.value_or("?"), kev_phrase(kev)) : std::string();
      flag = true;
    }
    if (!exploited || !v.cvss) continue;
    std::string why;
    auto s = try_cvss_score(*v.cvss, &why);
    if (!s) {
      skipped += fmt::format("; {} skipped: {}", v.id.value_or("?"), why);
      continue;
    }
    if (!top_cvss || s->base > *top_cvss) top_cvss = s->base, cvss_of = v.id.value_or("?");
  }
  if (top_cvss)
    t.add("cvss", *top_cvss, *top_cvss / 10,
          fmt::format("highest CVSS base score of an exploited vulnerability: {} ({}) / 10{}", fmt_num(*top_cvss), cvss_of, skipped));
  else
    t.add("cvss", 0, 0, "no exploited vulnerability with a valid CVSS vector" + skipped);
  const double kev = kev_exploited ? 1.0 : kev_any ? 0.5 : 0.0;
  t.add("kev", kev, kev,
        kev_exploited ? "an exploited vulnerability is listed in CISA KEV" + kev_exploited_from
        : kev_any     ? "a vulnerability is listed in CISA KEV, but was not exploited here (0.5)" + kev_any_from
                      : std::string("no vulnerability listed in CISA KEV"));

  const Determination det = doc.incident && doc.incident->determination ? *doc.incident->determination : Determination::confirmed;
  const double factor = level_of(determination_factors, det);
  t.scale("determination", factor,
          det == Determination::confirmed ? std::string("confirmed: the terms count in full")
                                          : fmt::format("{}: the terms above are multiplied by {}", to_string(det), fmt_num(factor)));
}

SeverityTier tier_of(double score, const Weights &bounds) {
  const auto &v = bounds.values();
  for (std::size_t i = 0; i < v.size(); ++i)
    if (score >= v[i].second) return static_cast<SeverityTier>(i);
  return SeverityTier::informational;
}

PriorityTier priority_tier_of(double score, const Weights &bounds) {
  const auto &v = bounds.values();
  for (std::size_t i = 0; i < v.size(); ++i)
    if (score >= v[i].second) return static_cast<PriorityTier>(i);
  return PriorityTier::P4;
}

static_assert(std::size(detail::severity_tier_defaults) + 1 == enum_traits<SeverityTier>::names.size());
static_assert(std::size(detail::priority_tier_defaults) + 1 == enum_traits<PriorityTier>::names.size());

// --- Priority ------------------------------------------------------------------------------

bool id_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

/// Calls fn(token) for each maximal run of id characters in `text`.
template <class Fn> void each_token(std::string_view text, Fn fn) {
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && !id_char(text[i])) ++i;
    std::size_t start = i;
    while (i < text.size() && id_char(text[i])) ++i;
    if (i > start) fn(text.substr(start, i - start));
  }
}

/// The strongest tie of a factor to a vulnerability.
struct Tie {
  double level = 0;
  std::size_t vulnerability = 0;
  std::string via;
};

/// For each factor, its strongest tie to a vulnerability: a shared asset id, or the
/// vulnerability's id named as a whole word in the factor's title, description, why-chain,
/// control or tags. O(total text + references), with hash lookups.
std::vector<Tie> factor_ties(const Document &doc, const Knowledge &k) {
  std::vector<Tie> ties(doc.factors.size());
  if (doc.vulnerabilities.empty()) return ties;
  std::unordered_map<std::string_view, std::size_t> by_id, by_asset; // → strongest vulnerability index
  auto keep = [&](auto &map, std::string_view key, std::size_t vi) {
    auto [it, fresh] = map.emplace(key, vi);
    if (!fresh && vulnerability_level(doc.vulnerabilities[vi], k) > vulnerability_level(doc.vulnerabilities[it->second], k)) it->second = vi;
  };
  for (std::size_t vi = 0; vi < doc.vulnerabilities.size(); ++vi) {
    const auto &v = doc.vulnerabilities[vi];
    if (vulnerability_level(v, k) == 0) continue;
    if (v.id) keep(by_id, *v.id, vi);
    for (const auto &a : v.asset_ids) keep(by_asset, a, vi);
  }
  for (std::size_t fi = 0; fi < doc.factors.size(); ++fi) {
    const Factor &f = doc.factors[fi];
    Tie &tie = ties[fi];
    auto consider = [&](std::size_t vi, std::string via) {
      const double level = vulnerability_level(doc.vulnerabilities[vi], k);
      if (level > tie.level) tie = Tie{level, vi, std::move(via)};
    };
    for (const auto &a : f.asset_ids)
      if (auto it = by_asset.find(a); it != by_asset.end()) consider(it->second, fmt::format("asset {}", a));
    auto scan = [&](const std::string &text) {
      each_token(text, [&](std::string_view token) {
        if (auto it = by_id.find(token); it != by_id.end()) consider(it->second, "its text names it");
      });
    };
    for (const Text *text : {&f.title, &f.description, &f.control})
      if (*text) scan(**text);
    for (const auto &w : f.why) scan(w);
    for (const auto &tag : f.tags) scan(tag);
  }
  return ties;
}

std::vector<ActionPriority> priorities(const Document &doc, const Policy &policy, const SeverityScore &severity) {
  const Weights weights(detail::priority_weight_defaults, policy.scoring.priority_weights);
  const Weights bounds(detail::priority_tier_defaults, policy.scoring.priority_tiers);
  std::unordered_map<std::string_view, std::size_t> factor_index;
  for (std::size_t i = 0; i < doc.factors.size(); ++i)
    if (doc.factors[i].id) factor_index.emplace(*doc.factors[i].id, i);
  const std::vector<Tie> ties = factor_ties(doc, knowledge_of(policy));

  std::vector<ActionPriority> out;
  out.reserve(doc.actions.size());
  for (std::size_t ai = 0; ai < doc.actions.size(); ++ai) {
    const Action &a = doc.actions[ai];
    Terms t(weights);
    auto scale_1_5 = [](const std::optional<std::int64_t> &v) { return v ? std::clamp<std::int64_t>(*v, 1, 5) : 3; };
    const std::int64_t impact = scale_1_5(a.impact), effort = scale_1_5(a.effort);
    t.add("impact", static_cast<double>(impact), static_cast<double>(impact - 1) / 4,
          a.impact ? fmt::format("impact {} of 5: ({} - 1) / 4", impact, impact)
                   : std::string("impact not given: assumed 3 of 5"));
    t.add("feasibility", static_cast<double>(effort), static_cast<double>(5 - effort) / 4,
          a.effort ? fmt::format("effort {} of 5: (5 - {}) / 4", effort, effort)
                   : std::string("effort not given: assumed 3 of 5"));

    // What it addresses: the most weighty factor, and the strongest vulnerability tie.
    double kind_level = 0, tie_level = 0;
    std::string kind_why = "addresses no known factor", tie_why = "addresses no factor tied to an exploited or KEV vulnerability";
    for (const auto &id : a.addresses) {
      auto it = factor_index.find(id);
      if (it == factor_index.end()) continue;
      const Factor &f = doc.factors[it->second];
      if (f.kind && level_of(factor_kind_levels, *f.kind) > kind_level) {
        kind_level = level_of(factor_kind_levels, *f.kind);
        kind_why = fmt::format("addresses {} {}", to_string(*f.kind), id);
      }
      const Tie &tie = ties[it->second];
      if (tie.level > tie_level) {
        tie_level = tie.level;
        const Vulnerability &v = doc.vulnerabilities[tie.vulnerability];
        tie_why = fmt::format("factor {} is tied to {} ({}) by {}", id, v.id.value_or("?"), vulnerability_flags(v, knowledge_of(policy)), tie.via);
      }
    }
    t.add("addresses", kind_level, kind_level, kind_why);
    t.add("vulnerability", tie_level, tie_level, tie_why);
    t.add("severity", severity.score, severity.score / 100,
          fmt::format("incident severity {:.1f} ({}) / 100", severity.score, to_string(severity.tier)));
    ActionPriority p;
    p.action_index = ai;
    p.score = t.score();
    p.tier = priority_tier_of(p.score, bounds);
    p.terms = t.take();
    out.push_back(std::move(p));
  }
  return out;
}

// --- SSVC ----------------------------------------------------------------------------------

/// The CVSS metric's value, or nullopt when absent or the metric is not in this version.
std::optional<std::string> metric(std::string_view vector, std::string_view name) {
  try {
    return cvss_metric(vector, name);
  } catch (const error &) {
    return std::nullopt;
  }
}

SsvcDecision ssvc_one(const Document &doc, std::size_t vi, const Knowledge &knowledge,
                      const std::unordered_map<std::string_view, std::size_t> &asset_index) {
  const Vulnerability &v = doc.vulnerabilities[vi];
  SsvcDecision d;
  d.vulnerability_index = vi;
  std::optional<CvssScores> scores;
  std::string bad;
  if (v.cvss) scores = try_cvss_score(*v.cvss, &bad);
  const bool v4 = scores && scores->version == CvssVersion::v4_0;
  auto m = [&](std::string_view name) { return scores ? metric(scores->vector, name) : std::nullopt; };
  const std::string no_vector = !v.cvss ? std::string("no CVSS vector") : fmt::format("CVSS vector not valid ({})", bad);

  // Exploitation.
  std::string exploitation = "none", why;
  if (v.exploited.value_or(false)) {
    exploitation = "active", why = "exploited in this incident";
  } else if (const KevStatus kev = kev_status(v, knowledge); kev.listed) {
    exploitation = "active", why = kev_phrase(kev);
  } else if (auto e = m("E"); e && (*e == "P" || *e == "F" || *e == "H" || *e == "A")) {
    exploitation = *e == "A" && v4 ? "active" : "public poc";
    why = fmt::format("CVSS exploit maturity E:{}", *e);
  } else {
    why = scores ? std::string("not exploited, not in KEV, and the CVSS vector shows no exploit code")
                 : "not exploited, not in KEV; " + no_vector;
  }
  d.points.emplace_back("exploitation", exploitation);
  d.reasons.push_back(why);

  // Automatable.
  std::string automatable = "no";
  if (!scores) {
    why = no_vector + ": assumed no";
  } else if (auto au = v4 ? m("AU") : std::nullopt; au && (*au == "Y" || *au == "N")) {
    automatable = *au == "Y" ? "yes" : "no";
    why = fmt::format("CVSS supplemental metric AU:{}", *au);
  } else {
    const bool network = m("AV") == "N" && m("AC") == "L" && m("PR") == "N" && m("UI") == "N" && (!v4 || m("AT") == "N");
    automatable = network ? "yes" : "no";
    why = network ? std::string(v4 ? "AV:N/AC:L/AT:N/PR:N/UI:N: reachable and exploitable without a person"
                                   : "AV:N/AC:L/PR:N/UI:N: reachable and exploitable without a person")
                  : std::string("the CVSS vector needs local or adjacent access, a privilege, user interaction or special conditions");
  }
  d.points.emplace_back("automatable", automatable);
  d.reasons.push_back(why);

  // Technical impact.
  std::string technical = "partial";
  if (!scores) {
    why = no_vector + ": assumed partial";
  } else {
    const bool total = v4 ? m("VC") == "H" && m("VI") == "H" : m("C") == "H" && m("I") == "H";
    technical = total ? "total" : "partial";
    why = total ? std::string(v4 ? "VC:H and VI:H: total control and disclosure" : "C:H and I:H: total control and disclosure")
                : std::string("confidentiality and integrity impact are not both high");
  }
  d.points.emplace_back("technical_impact", technical);
  d.reasons.push_back(why);

  // Mission and well-being: the most critical asset the vulnerability is on.
  std::optional<Criticality> top;
  std::string top_id;
  for (const auto &id : v.asset_ids) {
    auto it = asset_index.find(id);
    if (it == asset_index.end()) continue;
    const auto &c = doc.assets[it->second].criticality;
    if (c && (!top || *c > *top)) top = c, top_id = id;
  }
  constexpr std::array<std::string_view, 4> mission = {"low", "low", "medium", "high"}; // low, medium, high, critical
  std::string mwi = top ? std::string(mission[static_cast<std::size_t>(*top)]) : std::string("medium");
  why = top ? fmt::format("most critical asset {} is {}", top_id, to_string(*top))
            : std::string("no asset with a criticality: assumed medium");
  d.points.emplace_back("mission_wellbeing", mwi);
  d.reasons.push_back(why);

  const std::array<std::string_view, 4> key = {d.points[0].second, d.points[1].second, d.points[2].second, d.points[3].second};
  d.decision = std::string(detail::ssvc_lookup(key));
  return d;
}

// --- Quality -----------------------------------------------------------------------------

bool nonblank(const Text &t) { return t && !detail::is_blank(*t); }

// Teams are compared case-insensitively, as rule PM408 compares them.
std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char &c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string fraction(std::size_t k, std::size_t n, std::string_view what) { return fmt::format("{} of {} {}", k, n, what); }

void quality_terms(const Document &doc, const Policy &policy, Terms &t) {
  // Timeline: enough events, detection and containment known.
  {
    const Lifecycle lc = resolve_lifecycle(doc);
    const bool enough = static_cast<double>(doc.timeline.size()) >= policy.thresholds.min_events && !doc.timeline.empty();
    const bool detected = lc[static_cast<std::size_t>(Milestone::detected_at)].has_value();
    const bool contained = lc[static_cast<std::size_t>(Milestone::contained_at)].has_value();
    const int met = int(enough) + int(detected) + int(contained);
    t.add("timeline", met, met / 3.0,
          fmt::format("{} events ({} min_events = {}); detection {}; containment {}", doc.timeline.size(),
                      enough ? "at least" : "fewer than", fmt_num(policy.thresholds.min_events),
                      detected ? "known" : "unknown", contained ? "known" : "unknown"));
  }
  // Root causes and why-chains.
  std::size_t roots = 0, with_why = 0;
  for (const auto &f : doc.factors)
    if (f.kind == FactorKind::root_cause) ++roots, with_why += f.why.empty() ? 0 : 1;
  if (roots == 0) t.add("root_causes", 0, 0, "no root cause");
  else
    t.add("root_causes", static_cast<double>(roots), 0.5 + 0.5 * static_cast<double>(with_why) / static_cast<double>(roots),
          fmt::format("{} root cause{}: 0.5 + 0.5 × {} of {} with a why-chain", roots, roots == 1 ? "" : "s", with_why, roots));
  // Impact assessed: how many of the ten assessment members are given.
  {
    static const Impact none;
    const Impact &i = doc.incident && doc.incident->impact ? *doc.incident->impact : none;
    const int given = int(i.confidentiality.has_value()) + int(i.integrity.has_value()) + int(i.availability.has_value()) +
                      int(i.rating.has_value()) + int(i.records_affected.has_value()) + int(!i.data_types.empty()) +
                      int(i.users_affected.has_value()) + int(i.downtime_minutes.has_value()) + int(i.financial_loss.has_value()) +
                      int(i.recoverability.has_value());
    t.add("impact", given, given / 10.0,
          fmt::format("{} of the 10 impact members assessed (C, I, A, rating, records, data types, users, downtime, loss, recoverability)",
                      given));
  }
  // Every root cause addressed by a measurable action with an owner and a due date.
  {
    std::set<std::string_view> covered;
    for (const auto &a : doc.actions)
      if (a.status != ActionStatus::rejected && nonblank(a.owner) && a.due && nonblank(a.success_criteria))
        for (const auto &id : a.addresses) covered.insert(id);
    std::size_t ok = 0;
    for (const auto &f : doc.factors)
      if (f.kind == FactorKind::root_cause && f.id && covered.contains(*f.id)) ++ok;
    t.add("actions", static_cast<double>(ok), roots ? static_cast<double>(ok) / static_cast<double>(roots) : 0.0,
          roots ? fraction(ok, roots, "root causes addressed by an action with owner, due date and success criteria")
                : std::string("no root cause to address"));
  }
  {
    const std::size_t n = doc.lessons.size();
    t.add("lessons", static_cast<double>(n), std::min(1.0, static_cast<double>(n) / 2),
          fmt::format("{} lesson{} (full at 2)", n, n == 1 ? "" : "s"));
  }
  {
    std::size_t ok = 0;
    for (const auto &e : doc.evidence)
      if (e.sha256 && detail::is_hex_digits(*e.sha256, 64) && !e.custody.empty()) ++ok;
    const std::size_t n = doc.evidence.size();
    t.add("evidence", static_cast<double>(ok), n ? static_cast<double>(ok) / static_cast<double>(n) : 0.0,
          n ? fraction(ok, n, "evidence items with a SHA-256 and a chain of custody") : std::string("no evidence"));
  }
  {
    std::set<std::string> teams;
    for (const auto &p : doc.participants)
      if (nonblank(p.team)) teams.insert(ascii_lower(*p.team));
    const bool cross = teams.size() >= 2;
    const bool held = doc.review && (doc.review->held_at || doc.review->status == ReviewStatus::reviewed ||
                                     doc.review->status == ReviewStatus::closed);
    t.add("review", int(cross) + int(held), (int(cross) + int(held)) / 2.0,
          fmt::format("{} team{} among the participants ({}); review {}", teams.size(), teams.size() == 1 ? "" : "s",
                      cross ? "cross-functional" : "not cross-functional", held ? "held" : "not held"));
  }
  {
    std::size_t done = 0, verified = 0;
    for (const auto &a : doc.actions)
      if (a.status == ActionStatus::done || a.status == ActionStatus::verified) ++done, verified += a.verification.empty() ? 0 : 1;
    t.add("verification", static_cast<double>(verified), done ? static_cast<double>(verified) / static_cast<double>(done) : 1.0,
          done ? fraction(verified, done, "done actions with a recorded verification")
               : std::string("no done action yet, so nothing to verify"));
  }
}

// --- JSON ----------------------------------------------------------------------------------

json::value number(double x, int digits) {
  const double r = round_to(x, digits);
  if (r == std::floor(r) && std::fabs(r) < 9.0e15) return static_cast<std::int64_t>(r);
  return r;
}

json::array terms_value(const std::vector<ScoreTerm> &terms) {
  json::array out;
  for (const auto &t : terms)
    out.push_back(json::object{{"name", t.name},
                               {"input", number(t.input, 2)},
                               {"level", number(t.level, 3)},
                               {"weight", number(t.weight, 2)},
                               {"points", number(t.points, 2)},
                               {"why", t.why}});
  return out;
}

} // namespace

SeverityScore incident_severity(const Document &doc, const Policy &policy) {
  const Weights weights(detail::severity_weight_defaults, policy.scoring.severity_weights);
  Terms t(weights);
  severity_terms(doc, knowledge_of(policy), t);
  SeverityScore s;
  s.score = t.score();
  s.tier = tier_of(s.score, Weights(detail::severity_tier_defaults, policy.scoring.severity_tiers));
  s.terms = t.take();
  return s;
}

SeverityTier severity_tier(double score, const Policy &policy) {
  return tier_of(score, Weights(detail::severity_tier_defaults, policy.scoring.severity_tiers));
}

std::vector<ActionPriority> action_priorities(const Document &doc, const Policy &policy) {
  return priorities(doc, policy, incident_severity(doc, policy));
}

QualityScore quality(const Document &doc, const Policy &policy) {
  const Weights weights(detail::quality_weight_defaults, policy.scoring.quality_weights);
  Terms t(weights);
  quality_terms(doc, policy, t);
  QualityScore q;
  q.score = t.score();
  q.terms = t.take();
  return q;
}

std::vector<SsvcDecision> ssvc_decisions(const Document &doc, const Policy &policy) {
  std::unordered_map<std::string_view, std::size_t> asset_index;
  for (std::size_t i = 0; i < doc.assets.size(); ++i)
    if (doc.assets[i].id) asset_index.emplace(*doc.assets[i].id, i);
  std::vector<SsvcDecision> out;
  out.reserve(doc.vulnerabilities.size());
  for (std::size_t i = 0; i < doc.vulnerabilities.size(); ++i) out.push_back(ssvc_one(doc, i, knowledge_of(policy), asset_index));
  return out;
}

std::string_view ssvc_coordinator_decision(std::string_view exploitation, std::string_view automatable,
                                           std::string_view technical_impact, std::string_view mission_wellbeing) {
  const std::array<std::string_view, 4> key = {exploitation, automatable, technical_impact, mission_wellbeing};
  return detail::ssvc_lookup(key);
}

std::string_view ssvc_coordinator_table() noexcept { return detail::ssvc_csv(); }

Score score(const Document &doc, const Policy &policy) {
  Score s;
  s.severity = incident_severity(doc, policy);
  s.quality = quality(doc, policy);
  s.actions = priorities(doc, policy, s.severity);
  s.vulnerabilities = ssvc_decisions(doc, policy);
  return s;
}

json::value to_value(const Score &score, const Document &doc) {
  json::object severity{{"score", number(score.severity.score, 1)}, {"tier", to_string(score.severity.tier)}};
  if (doc.incident && doc.incident->declared_severity) {
    const auto declared = *doc.incident->declared_severity;
    severity["declared"] = to_string(declared);
    const int diff = static_cast<int>(declared) - static_cast<int>(score.severity.tier);
    severity["tiers_apart"] = diff < 0 ? -diff : diff;
  }
  severity["terms"] = terms_value(score.severity.terms);

  json::array actions;
  for (const auto &p : score.actions) {
    json::object o;
    if (p.action_index < doc.actions.size() && doc.actions[p.action_index].id) o["id"] = *doc.actions[p.action_index].id;
    o["index"] = p.action_index;
    o["score"] = number(p.score, 1);
    o["tier"] = to_string(p.tier);
    o["terms"] = terms_value(p.terms);
    actions.push_back(std::move(o));
  }
  json::array vulns;
  for (const auto &d : score.vulnerabilities) {
    json::object o;
    if (d.vulnerability_index < doc.vulnerabilities.size() && doc.vulnerabilities[d.vulnerability_index].id)
      o["id"] = *doc.vulnerabilities[d.vulnerability_index].id;
    o["index"] = d.vulnerability_index;
    o["decision"] = d.decision;
    o["table"] = "cisa_coordinator_2_0_3";
    json::array points;
    for (std::size_t i = 0; i < d.points.size(); ++i)
      points.push_back(json::object{{"name", d.points[i].first},
                                    {"value", d.points[i].second},
                                    {"why", i < d.reasons.size() ? d.reasons[i] : std::string()}});
    o["points"] = std::move(points);
    vulns.push_back(std::move(o));
  }
  return json::object{{"severity", std::move(severity)},
                      {"quality", json::object{{"score", number(score.quality.score, 1)}, {"terms", terms_value(score.quality.terms)}}},
                      {"actions", std::move(actions)},
                      {"vulnerabilities", std::move(vulns)}};
}

std::string to_json(const Score &score, const Document &doc, const WriteOptions &options) {
  return serialize_value(to_value(score, doc), options);
}

PM_END_NAMESPACE
