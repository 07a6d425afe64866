// The corpus's aggregates (internal): what a document leaves behind once it is folded in.
// Every member is a count, an integer histogram, or a record the analysis sorts on a total
// order, so merging is commutative and associative and results never depend on the order
// documents arrive in (docs/corpus.md, "Loading").
#ifndef POSTMORTEM_SRC_CORPUS_AGGREGATE_HPP
#define POSTMORTEM_SRC_CORPUS_AGGREGATE_HPP

#include <postmortem/corpus.hpp>
#include <postmortem/document.hpp>
#include <postmortem/metrics.hpp>
#include <postmortem/score.hpp>

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <string>
#include <vector>

PM_BEGIN_NAMESPACE
namespace corpus {

using u64 = std::uint64_t;

/// A map keyed by strings that string_views can look up.
template <class V>
using StringMap = std::map<std::string, V, std::less<>>;

/// "No day": an undated incident, an absent date.
inline constexpr std::int32_t no_day = std::numeric_limits<std::int32_t>::min();

/**
 * A fixed log-scale histogram of whole seconds (docs/corpus.md, "Quantiles"): bucket 0 holds
 * zero, bucket i ≥ 1 holds (γ^(i−1), γ^i] with γ = 1.02. Negative values are only counted.
 */
struct LogHistogram {
  static constexpr double gamma = 1.02;
  static constexpr std::int32_t max_bucket = 2206; ///< where INT64_MAX seconds falls
  std::map<std::int32_t, u64> buckets;
  u64 count = 0;    ///< values in the buckets (non-negative)
  u64 negative = 0; ///< values below zero, not in the buckets
  void add(std::int64_t seconds);
  void merge(const LogHistogram &other);
  /// The nearest-rank quantile's estimate, in whole seconds. count must be > 0.
  std::int64_t quantile(double q) const;
  static std::int32_t bucket_of(std::int64_t seconds) noexcept;
  static double estimate(std::int32_t bucket) noexcept;
};

/// An exact histogram of integers (days).
struct IntHistogram {
  std::map<std::int64_t, u64> values;
  u64 count = 0;
  void add(std::int64_t v) {
    ++values[v];
    ++count;
  }
  void merge(const IntHistogram &other);
  /// The nearest-rank quantile. count must be > 0.
  std::int64_t quantile(double q) const;
};

/// The lifecycle metrics the trends report, in this order.
inline constexpr std::array<Metric, 3> trend_metrics = {Metric::dwell_time, Metric::time_to_contain,
                                                        Metric::time_to_recover};

/// What one period (a month, or the undated incidents) holds.
struct Period {
  u64 incidents = 0;
  std::array<u64, 14> by_category{}; ///< Category order, then "unknown"
  std::array<u64, 5> by_severity{};  ///< SeverityTier order
  std::array<LogHistogram, 3> metrics; ///< trend_metrics order
  void merge(const Period &other);
};

/**
 * Strings that repeat across a corpus (sources, owners, teams) are kept once: records hold
 * pointers into the aggregate's pool. Elements of an unordered_set keep their address
 * for its lifetime, and moving the set moves the nodes, so the pointers stay valid when the
 * Aggregate moves. merge() re-interns the other side's pointers.
 */
struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};
struct StringPool {
  std::unordered_set<std::string, StringHash, std::equal_to<>> strings;
  const std::string *intern(std::string_view s) {
    auto it = strings.find(s);
    if (it == strings.end()) it = strings.emplace(s).first;
    return &*it;
  }
};

/// An interned string: never null.
using Str = const std::string *;

/// An action of an earlier incident, as a recurrence shows it.
struct ActionRef {
  std::string id, title;
  Str owner = nullptr;
  std::optional<ActionType> type;
  ActionStatus status = ActionStatus::proposed;
  std::optional<VerificationResult> result;        ///< the latest verification's result
  bool has_verification = false;
  std::int32_t completed = no_day;
  std::int32_t verified = no_day;                  ///< the latest verification's date
};

/// One factor of one incident, in its group: what grouping, recurrence detection and the
/// group's representative spellings need.
struct Occurrence {
  std::string incident;
  std::string factor;          ///< the factor's id
  std::string title, control;  ///< as written ("" when absent)
  Str source = nullptr;
  u64 line = 0;
  std::int32_t day = no_day;
  FactorKind kind = FactorKind::contributing;
  std::optional<FactorCategory> category;
  std::vector<std::string> tags;
  std::vector<std::string> recurrence_of; ///< the incident's `recurrence_of`
  std::vector<ActionRef> actions;         ///< actions addressing the factor, by id
};

/// Orders problems by source, line, column, code, message.
bool problem_before(const CorpusProblem &a, const CorpusProblem &b) noexcept;

/// Orders occurrences: dated by day, undated last; then incident, source, line, factor.
bool occurrence_before(const Occurrence &a, const Occurrence &b) noexcept;

/// A group of factors across incidents (docs/corpus.md, "Grouping factors"): its
/// occurrences, unordered (the analysis sorts them).
using Group = std::vector<Occurrence>;

/// Remediation health counts (docs/corpus.md, "Remediation health").
struct Health {
  u64 actions = 0, open = 0, overdue = 0, done_unverified = 0, ineffective = 0,
      verified_effective = 0, rejected = 0;
  void merge(const Health &o) noexcept;
};

/// A technique across incidents.
struct TechniqueCount {
  u64 incidents = 0, addressed = 0;
};

/// A factor tag across incidents: documents whose factors carry it, and those factors.
struct TagCount {
  u64 incidents = 0, factors = 0;
};

/// A finished action due for re-verification.
struct WorkItem {
  std::string incident, action, title;
  Str owner = nullptr, team = nullptr, source = nullptr;
  u64 line = 0;
  ActionStatus status = ActionStatus::done;
  ReverifyReason reason = ReverifyReason::never_verified;
  std::int32_t completed = no_day, last_verified = no_day, due_on = no_day;
};

/// A `recurrence_of` link, kept until the analysis checks it against the groups.
struct DeclaredLink {
  std::string incident, of;
  std::int32_t day = no_day;
  friend bool operator==(const DeclaredLink &, const DeclaredLink &) = default;
};

/// All aggregates, and the settings they were computed with.
struct Aggregate {
  Aggregate() = default;
  Aggregate(Aggregate &&) noexcept = default;
  Aggregate &operator=(Aggregate &&) noexcept = default;
  Aggregate(const Aggregate &) = delete; // the records point into `pool`
  Aggregate &operator=(const Aggregate &) = delete;

  StringPool pool;
  std::int32_t as_of_day = 0;
  double verify_within_days = 90;
  std::size_t max_problems = 1000;

  u64 documents = 0, bad = 0;
  std::vector<CorpusProblem> problems; ///< sorted, at most max_problems

  std::map<std::int32_t, Period> months; ///< key: year * 12 + month − 1
  Period undated;

  /// By group key. Hashed: a corpus has about one group per factor; the analysis and the
  /// state sort what they write.
  std::unordered_map<std::string, Group, StringHash, std::equal_to<>> groups;
  u64 factors = 0, grouped = 0;
  std::array<u64, 5> factor_categories{};
  StringMap<TagCount> tags;

  std::vector<DeclaredLink> declared;

  Health total;
  StringMap<Health> by_owner, by_team; ///< "" = none
  IntHistogram due_to_done;
  u64 root_causes = 0, with_preventive = 0;

  StringMap<TechniqueCount> techniques;
  u64 incidents_with_techniques = 0;

  std::vector<WorkItem> worklist;

  /// Records a skipped document.
  void add_problem(CorpusProblem problem);
  /// Folds one document in. Returns false (and records PM102) without incident.id.
  bool add(const Document &doc, std::string_view source, u64 line, const Policy &policy, CorpusProblem *why = nullptr);
  /// Folds another aggregate in, copying (or, from an rvalue, moving) its records.
  /// Settings must agree (checked by the caller).
  void merge(Aggregate &&other);
  void merge(const Aggregate &other);

private:
  template <class A>
  void merge_from(A &&other);
};

/// The month key of a day (days since 1970-01-01).
std::int32_t month_of(std::int32_t day) noexcept;
/// "YYYY-MM" of a month key; "YYYY-Qn" of a quarter key (year * 4 + quarter − 1).
std::string month_name(std::int32_t month);
std::string quarter_name(std::int32_t quarter);

/// A number as JSON: integral values as integers (90, not 90.0), others as doubles.
inline boost::json::value json_number(double v) {
  if (v == std::floor(v) && std::abs(v) < 9e15) return boost::json::value(static_cast<std::int64_t>(v));
  return boost::json::value(v);
}

/// The analysis JSON (analyze.cpp).
boost::json::value analyze(const Aggregate &agg, const AnalyzeOptions &options, const Policy &policy);
/// The state JSON and back (state.cpp).
boost::json::value to_state(const Aggregate &agg);
Aggregate from_state(const boost::json::value &state);

} // namespace corpus
PM_END_NAMESPACE

#endif
