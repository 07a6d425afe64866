/* Parses and validates a tiny document through the installed C library; prints the
   version and the number of findings. Exits non-zero on any failure. */
#include <postmortem.h>

#include <stdio.h>
#include <string.h>

int main(void) {
  static const char json[] =
      "{\"schema\":\"postmortem/1\",\"incident\":{\"id\":\"INC-1\",\"title\":\"Consumer\","
      "\"category\":\"phishing\"}}";
  pm_doc *doc = NULL;
  pm_findings *findings = NULL;
  char *out = NULL;
  int rc;

  if (pm_version_number() != PM_VERSION_NUMBER || pm_abi_version() != PM_ABI_VERSION) {
    fprintf(stderr, "header %s and library %s disagree\n", PM_VERSION_STRING,
            pm_version_string());
    return 1;
  }
  rc = pm_doc_parse(&doc, json, strlen(json));
  if (rc == PM_OK) rc = pm_validate(&findings, doc, NULL);
  if (rc == PM_OK) rc = pm_doc_to_json(&out, NULL, doc, 0);
  if (rc != PM_OK) {
    fprintf(stderr, "error %d: %s\n", rc, pm_error_last()->message);
    pm_doc_free(doc);
    pm_findings_free(findings);
    return 1;
  }
  printf("postmortem %s (ABI %d): %lu findings, %s\n", pm_version_string(), pm_abi_version(),
         (unsigned long)pm_findings_count(findings), out);
  pm_free(out);
  pm_findings_free(findings);
  pm_doc_free(doc);
  return 0;
}
