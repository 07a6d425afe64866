// What rule checkers write to (internal). Each rule family is one checker function over a
// const Document; validate() runs them all and orders what they found.
#ifndef POSTMORTEM_SRC_VALIDATE_REPORT_HPP
#define POSTMORTEM_SRC_VALIDATE_REPORT_HPP

#include <postmortem/timeline.hpp>
#include <postmortem/validate.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

PM_BEGIN_NAMESPACE
namespace detail {

struct FieldInfo;

/// The ids of one top-level collection, for membership and duplicate checks: (hash, index)
/// pairs sorted once, so a lookup is a binary search over contiguous memory rather than a
/// node-based hash table (which dominates validation of a million-event timeline).
class IdIndex {
public:
  IdIndex(const Document &doc, std::string_view collection);
  /// Index of the first element (in document order) with this id.
  std::optional<std::size_t> find(std::string_view id) const;
  bool contains(std::string_view id) const { return find(id).has_value(); }
  /// Calls fn(index, first_index) for every element whose id an earlier element has.
  template <class Fn> void each_duplicate(Fn fn) const {
    for (std::size_t k = 1; k < entries_.size(); ++k)
      for (std::size_t j = k; j-- > 0 && entries_[j].first == entries_[k].first;)
        if (id(entries_[j].second) == id(entries_[k].second)) {
          // entries of one hash are in index order, so the run's first equal id is the original
          std::size_t first = entries_[j].second;
          for (std::size_t i = j; i-- > 0 && entries_[i].first == entries_[k].first;)
            if (id(entries_[i].second) == id(entries_[k].second)) first = entries_[i].second;
          fn(entries_[k].second, first);
          break;
        }
  }

private:
  std::string_view id(std::size_t index) const; // the id of element `index` (present)

  const Document &doc_;
  const FieldInfo *collection_ = nullptr; // the collection's member of Document
  const FieldInfo *id_ = nullptr;       // its elements' id member
  std::vector<std::pair<std::uint64_t, std::size_t>> entries_; // (hash, index), sorted
};

class Report {
public:
  explicit Report(const Policy &policy) : policy_(policy) {}

  /// Records a finding of rule `code` unless the policy turns the rule off. The hint
  /// defaults to the rule's "how to fix" text.
  void add(std::string_view code, std::string path, std::string message, std::string hint = {});

  const Policy &policy() const noexcept { return policy_; }

  /// The id index of a top-level collection of `doc`, built on first use.
  const IdIndex &ids(const Document &doc, std::string_view collection);

  /// The resolved lifecycle of `doc`, computed on first use (several families need it).
  const Lifecycle &lifecycle(const Document &doc);
  std::vector<Finding> take() { return std::move(findings_); }

private:
  const Policy &policy_;
  std::vector<Finding> findings_;
  std::map<std::string_view, IdIndex> ids_;
  std::optional<Lifecycle> lifecycle_;
};

/// PM102–PM110: the document's shape, from the model tables.
void check_structure(const Document &doc, Report &report);
/// PM201–PM204: references between collections and the dependency graph.
void check_references(const Document &doc, Report &report);
/// PM301–PM308: the timeline and the lifecycle milestones.
void check_timeline(const Document &doc, Report &report);
/// PM401–PM412: the analysis (root causes, impact, lessons, review breadth).
void check_analysis(const Document &doc, Report &report);
/// PM501–PM509: the remediation actions.
void check_actions(const Document &doc, Report &report);
/// PM111, PM112, PM115: ATT&CK technique ids and tactic short names (the policy's knowledge).
void check_attack(const Document &doc, Report &report);
/// PM113: vulnerabilities' CVSS vectors parse; PM114: KEV-listed vulnerabilities are marked so.
void check_vulnerabilities(const Document &doc, Report &report);
/// PM116: indicator values well-formed for their type.
void check_indicators(const Document &doc, Report &report);
/// PM601–PM604: evidence and its chain of custody.
void check_evidence(const Document &doc, Report &report);
/// PM701–PM703: the review itself.
void check_review(const Document &doc, Report &report);

// Helpers shared by the checkers.

/// "/collection/i" or "/collection/i/member".
std::string pointer(std::string_view collection, std::size_t index, std::string_view member = {});

/// The id of an element for messages: its id, or "#i" when it has none.
template <class T> std::string label(const std::vector<T> &items, std::size_t i) {
  if (items[i].id) return *items[i].id;
  std::string out = "#";
  out += std::to_string(i); // not "#" + to_string(i): GCC 12 warns wrongly (-Wrestrict)
  return out;
}

/// The time "now" as the policy defines it, and how to say it in a message.
std::string now_phrase(const Policy &policy);

/// True for actions that still need work: not done, verified or rejected.
bool is_open(const Action &a) noexcept;

/// Lower-cased ASCII copy.
std::string lower(std::string_view s);

} // namespace detail
PM_END_NAMESPACE

#endif
