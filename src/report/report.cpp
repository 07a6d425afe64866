// The report (report.hpp): the analyses, the format dispatch and the JSON bundle. What the
// report says is content.cpp; how it looks is markdown.cpp, html.cpp and svg.cpp.
#include <postmortem/report.hpp>

#include "report/content.hpp"

#include <boost/json/object.hpp>

PM_BEGIN_NAMESPACE

namespace json = boost::json;

Analysis analyze(const Document &doc, const Policy &policy) {
  Analysis a;
  a.findings = validate(doc, policy);
  a.metrics = metrics(doc, policy);
  a.score = score(doc, policy);
  a.plan = plan_with(doc, a.score.actions, policy);
  return a;
}

json::value report_bundle(const Document &doc, const Analysis &analysis, const Policy &policy) {
  const detail::Summary summary = detail::executive_summary(doc, analysis, policy);
  json::object o;
  o["report"] = "postmortem-report/1";
  o["as_of"] = Timestamp::from_micros(policy.now_micros()).to_utc_string();
  o["summary"] = json::object{{"what_happened", summary.what_happened}, {"severity_why", summary.severity_why}};
  o["document"] = to_value(doc);
  o["findings"] = to_value(analysis.findings);
  o["metrics"] = to_value(analysis.metrics, doc);
  o["score"] = to_value(analysis.score, doc);
  o["plan"] = to_value(analysis.plan, doc);
  return o;
}

std::string render(const Document &doc, const Analysis &analysis, ReportFormat format, const Policy &policy) {
  switch (format) {
  case ReportFormat::markdown: return detail::write_markdown(detail::build_content(doc, analysis, policy));
  case ReportFormat::html: return detail::write_html(detail::build_content(doc, analysis, policy), doc, analysis, policy);
  case ReportFormat::json: return serialize_value(report_bundle(doc, analysis, policy), {.pretty = true}); // ends with \n
  }
  throw error(errc::invalid_argument, "render: unknown report format " + std::to_string(static_cast<int>(format)));
}

std::string render(const Document &doc, ReportFormat format, const Policy &policy) {
  return render(doc, analyze(doc, policy), format, policy);
}

PM_END_NAMESPACE
