// What rule checkers write to (internal). Each rule family is one checker function over a
// const Document; validate() runs them all and orders what they found.
#ifndef POSTMORTEM_SRC_VALIDATE_REPORT_HPP
#define POSTMORTEM_SRC_VALIDATE_REPORT_HPP

#include <postmortem/validate.hpp>

#include <string>
#include <vector>

PM_BEGIN_NAMESPACE
namespace detail {

class Report {
public:
  explicit Report(const Policy &policy) : policy_(policy) {}

  /// Records a finding of rule `code` unless the policy turns the rule off. The hint
  /// defaults to the rule's "how to fix" text.
  void add(std::string_view code, std::string path, std::string message, std::string hint = {});

  const Policy &policy() const noexcept { return policy_; }
  std::vector<Finding> take() { return std::move(findings_); }

private:
  const Policy &policy_;
  std::vector<Finding> findings_;
};

/// PM102–PM110: the document's shape, from the model tables.
void check_structure(const Document &doc, Report &report);

} // namespace detail
PM_END_NAMESPACE

#endif
