// PM501–PM509: the remediation actions.
#include "validate/report.hpp"

#include "action_state.hpp"
#include "text.hpp"

#include <fmt/format.h>

#include <algorithm>

PM_BEGIN_NAMESPACE
namespace detail {

namespace {

bool blank(const Text &t) { return !t || is_blank(*t); }

void essentials(const Document &doc, std::size_t i, Report &report) {
  const Action &a = doc.actions[i];
  if (a.status == ActionStatus::rejected) return;
  const std::string id = label(doc.actions, i);
  if (blank(a.owner)) report.add("PM501", pointer("actions", i), fmt::format("action {} has no owner", id));
  if (!a.due) report.add("PM502", pointer("actions", i), fmt::format("action {} has no due date", id));
  if (blank(a.success_criteria))
    report.add("PM503", pointer("actions", i), fmt::format("action {} has no success criteria", id));
}

void progress(const Document &doc, std::size_t i, Report &report) {
  const Action &a = doc.actions[i];
  const Policy &policy = report.policy();
  const std::int64_t now = policy.now_micros();
  const std::int64_t today = floor_days(now);
  const std::string id = label(doc.actions, i);
  const auto status = a.status.value_or(ActionStatus::proposed);

  if (is_open(a) && a.due && a.due->days < today)
    report.add("PM504", pointer("actions", i, "due"),
               fmt::format("action {} was due {} and is still {} ({} day{} overdue at {})", id, a.due->to_date_string(),
                           to_string(status), today - a.due->days, today - a.due->days == 1 ? "" : "s", now_phrase(policy)));

  if (status == ActionStatus::done && a.verification.empty()) {
    const double window = policy.thresholds.verify_within_days;
    std::optional<std::int64_t> since;
    std::string from;
    if (a.completed_at) {
      since = a.completed_at->micros;
      from = fmt::format("completed {}", a.completed_at->to_string());
    } else if (a.due) {
      since = static_cast<std::int64_t>(a.due->days) * micros_per_day;
      from = fmt::format("due {} (no completed_at)", a.due->to_date_string());
    }
    if (since && static_cast<double>(now - *since) > window * static_cast<double>(micros_per_day))
      report.add("PM505", pointer("actions", i),
                 fmt::format("action {} was {} and has no verification after more than {} days (verify_within_days)", id,
                             from, window));
  }

  if (const Verification *v = latest_verification(a);
      v && v->result == VerificationResult::ineffective && (status == ActionStatus::done || status == ActionStatus::verified))
    report.add("PM506", pointer("actions", i, "status"),
               fmt::format("action {} is {}, but its latest verification{} found it ineffective", id, to_string(status),
                           v->date ? " (" + v->date->to_date_string() + ")" : std::string()));

  if (status == ActionStatus::verified && a.verification.empty())
    report.add("PM508", pointer("actions", i, "status"), fmt::format("action {} is verified but has no verification record", id));
}

void dependency_dates(const Document &doc, Report &report) {
  const IdIndex &index = report.ids(doc, "actions");
  for (std::size_t i = 0; i < doc.actions.size(); ++i) {
    const Action &a = doc.actions[i];
    if (!a.due) continue;
    for (const auto &dep : a.depends_on) {
      auto j = index.find(dep);
      if (!j || *j == i) continue;
      const Action &d = doc.actions[*j];
      if (d.due && a.due->days < d.due->days) {
        report.add("PM507", pointer("actions", i, "due"),
                   fmt::format("action {} is due {}, before action {} it depends on (due {})", label(doc.actions, i),
                               a.due->to_date_string(), dep, d.due->to_date_string()));
        break;
      }
    }
  }
}

// PM509: a root cause whose (non-rejected) actions are all training or detection.
void weak_treatment(const Document &doc, Report &report) {
  for (std::size_t i = 0; i < doc.factors.size(); ++i) {
    const Factor &f = doc.factors[i];
    if (f.kind != FactorKind::root_cause || !f.id) continue;
    std::size_t count = 0, weak = 0;
    for (const auto &a : doc.actions) {
      if (a.status == ActionStatus::rejected || std::ranges::find(a.addresses, *f.id) == a.addresses.end()) continue;
      ++count;
      weak += a.type == ActionType::train || a.type == ActionType::detect;
    }
    if (count > 0 && weak == count)
      report.add("PM509", pointer("factors", i),
                 fmt::format("root cause {} is addressed only by training or detection ({} action{}); nothing prevents it",
                             *f.id, count, count == 1 ? "" : "s"));
  }
}

} // namespace

void check_actions(const Document &doc, Report &report) {
  for (std::size_t i = 0; i < doc.actions.size(); ++i) {
    essentials(doc, i, report);
    progress(doc, i, report);
  }
  dependency_dates(doc, report);
  weak_treatment(doc, report);
}

} // namespace detail
PM_END_NAMESPACE
