// PM113: every vulnerability's CVSS vector parses (postmortem/cvss.hpp), so that the scores
// computed from it exist. The message carries the parser's, which names the metric.
// PM114: a vulnerability the CISA KEV catalog lists (the policy's knowledge tables) is marked
// `known_exploited`.
#include "validate/report.hpp"

#include "text.hpp"

#include <postmortem/cvss.hpp>
#include <postmortem/knowledge.hpp>

#include <fmt/format.h>

PM_BEGIN_NAMESPACE
namespace detail {

void check_vulnerabilities(const Document &doc, Report &report) {
  const Knowledge &knowledge = knowledge_of(report.policy());
  for (std::size_t i = 0; i < doc.vulnerabilities.size(); ++i) {
    const Vulnerability &v = doc.vulnerabilities[i];
    if (const KevEntry *kev = v.id && !v.known_exploited.value_or(false) ? knowledge.find_kev(*v.id) : nullptr)
      report.add("PM114", v.known_exploited ? pointer("vulnerabilities", i, "known_exploited") : pointer("vulnerabilities", i),
                 fmt::format("vulnerability {} ({}) is listed in {}: added {}, remediation due {}{}; but its known_exploited "
                             "is {}",
                             *v.id, kev->vulnerability_name, knowledge.kev_source(), kev->date_added, kev->due_date,
                             kev->known_ransomware == "Known" ? ", known to be used in ransomware campaigns" : "",
                             v.known_exploited ? "false" : "absent"));
    if (!v.cvss) continue;
    std::string why;
    if (!try_cvss_score(*v.cvss, &why))
      report.add("PM113", pointer("vulnerabilities", i, "cvss"),
                 fmt::format("vulnerability {} has cvss \"{}\", which does not parse: {}", label(doc.vulnerabilities, i),
                             abbreviate(*v.cvss, 120), why));
  }
}

} // namespace detail
PM_END_NAMESPACE
