// PM601–PM604: evidence and its chain of custody.
#include "validate/report.hpp"

#include "text.hpp"

#include <fmt/format.h>

#include <unordered_set>

PM_BEGIN_NAMESPACE
namespace detail {

namespace {

void custody(const Document &doc, std::size_t i, Report &report) {
  const Evidence &e = doc.evidence[i];
  const std::string id = label(doc.evidence, i);
  if (e.custody.empty()) {
    report.add("PM602", pointer("evidence", i), fmt::format("evidence {} has no chain of custody", id));
    return;
  }
  for (std::size_t j = 0; j < e.custody.size(); ++j) {
    const CustodyEntry &c = e.custody[j];
    std::string path = fmt::format("/evidence/{}/custody/{}", i, j);
    if (j == 0 && c.action && c.action != CustodyAction::collected) {
      report.add("PM602", path, fmt::format("the custody of evidence {} starts with `{}`, not `collected`", id, to_string(*c.action)));
      continue;
    }
    if (j == 0) continue;
    const CustodyEntry &prev = e.custody[j - 1];
    if (prev.action == CustodyAction::destroyed) {
      report.add("PM602", path, fmt::format("custody entry {} of evidence {} comes after the item was destroyed", j + 1, id));
      continue;
    }
    if (prev.action == CustodyAction::transferred && prev.to && c.by && *prev.to != *c.by)
      report.add("PM602", path,
                 fmt::format("evidence {} was transferred to \"{}\", but the next entry is by \"{}\"", id, abbreviate(*prev.to, 40),
                             abbreviate(*c.by, 40)));
    if (prev.time && c.time && c.time->micros < prev.time->micros)
      report.add("PM603", path + "/time",
                 fmt::format("custody entry {} of evidence {} ({}) is earlier than the entry before it ({})", j + 1, id,
                             c.time->to_string(), prev.time->to_string()));
  }
}

} // namespace

void check_evidence(const Document &doc, Report &report) {
  std::unordered_set<std::string_view> referenced;
  for (const auto &ev : doc.timeline) referenced.insert(ev.evidence_ids.begin(), ev.evidence_ids.end());
  for (const auto &f : doc.factors) referenced.insert(f.evidence_ids.begin(), f.evidence_ids.end());
  for (std::size_t i = 0; i < doc.evidence.size(); ++i) {
    const Evidence &e = doc.evidence[i];
    const std::string id = label(doc.evidence, i);
    if (!e.sha256)
      report.add("PM601", pointer("evidence", i), fmt::format("evidence {} has no sha256", id));
    else if (!is_hex_digits(*e.sha256, 64))
      report.add("PM601", pointer("evidence", i, "sha256"),
                 fmt::format("the sha256 of evidence {} is not 64 hexadecimal digits: \"{}\"", id, abbreviate(*e.sha256, 70)));
    custody(doc, i, report);
    if (!e.id || !referenced.contains(*e.id))
      report.add("PM604", pointer("evidence", i), fmt::format("evidence {} is not referenced by any event or factor", id));
  }
}

} // namespace detail
PM_END_NAMESPACE
