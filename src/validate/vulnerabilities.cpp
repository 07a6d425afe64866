// PM113: every vulnerability's CVSS vector parses (postmortem/cvss.hpp), so that the scores
// computed from it exist. The message carries the parser's, which names the metric.
#include "validate/report.hpp"

#include "text.hpp"

#include <postmortem/cvss.hpp>

#include <fmt/format.h>

PM_BEGIN_NAMESPACE
namespace detail {

void check_vulnerabilities(const Document &doc, Report &report) {
  for (std::size_t i = 0; i < doc.vulnerabilities.size(); ++i) {
    const Vulnerability &v = doc.vulnerabilities[i];
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
