/* Checks post-mortem documents with the C API and prints one line per finding.
 *
 *   postmortem_example_c tests/data/examples/phishing-mfa-fatigue.json
 *
 * Build against an installed library: cc lint.c $(pkg-config --cflags --libs postmortem)
 */
#include <postmortem.h>

#include <stdio.h>

static const char *severity_name(int s) {
  return s == PM_SEVERITY_ERROR ? "error" : s == PM_SEVERITY_WARNING ? "warning" : "info";
}

int main(int argc, char **argv) {
  pm_policy *policy = NULL;
  const char *policy_json = "{\"as_of\": \"2024-06-01T00:00:00Z\"}";
  int status = 0;
  int i;

  if (pm_policy_parse(&policy, policy_json, sizeof "{\"as_of\": \"2024-06-01T00:00:00Z\"}" - 1) != PM_OK) {
    fprintf(stderr, "policy: %s\n", pm_error_last()->message);
    return 2;
  }
  for (i = 1; i < argc; ++i) {
    pm_doc *doc = NULL;
    pm_findings *findings = NULL;
    size_t k, n;
    if (pm_doc_load(&doc, argv[i]) != PM_OK) {
      /* The message says what and where: "file.json: not valid JSON: ... at line 3, column 7". */
      fprintf(stderr, "%s (%s)\n", pm_error_last()->message, pm_status_str(pm_error_last()->code));
      status = 2;
      continue;
    }
    if (pm_validate(&findings, doc, policy) != PM_OK) {
      fprintf(stderr, "%s: %s\n", argv[i], pm_error_last()->message);
      pm_doc_free(doc);
      status = 2;
      continue;
    }
    n = pm_findings_count(findings);
    for (k = 0; k < n; ++k) {
      /* Accessor strings are borrowed: valid until pm_findings_free. */
      printf("%s: %s: %s %s: %s\n", argv[i], pm_findings_path(findings, k),
             severity_name(pm_findings_severity(findings, k)), pm_findings_code(findings, k),
             pm_findings_message(findings, k));
      if (pm_findings_severity(findings, k) == PM_SEVERITY_ERROR && status == 0) status = 1;
    }
    pm_findings_free(findings);
    pm_doc_free(doc);
  }
  pm_policy_free(policy);
  return status;
}
