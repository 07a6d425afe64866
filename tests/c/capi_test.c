/*
 * The C API from C99: every function of postmortem.h, its NULL handling, its error codes
 * and messages, and the ownership rules (out-parameters cleared on failure, free(NULL)).
 *
 * Usage: pm_capi_test EXAMPLES_DIR   (the folder holding the sample post-mortems)
 * Prints one line per failed check and a last line "N passed, M failed"; exits non-zero
 * when any check failed.
 */
#include <postmortem.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------------------- */
/* A tiny test harness                                                                   */

static int passed = 0;
static int failed = 0;

static int check_(int ok, const char *expr, const char *file, int line) {
  if (ok) {
    ++passed;
  } else {
    ++failed;
    fprintf(stderr, "%s:%d: CHECK failed: %s\n", file, line, expr);
  }
  return ok;
}

/* CHECK(cond): counts, and prints file:line and the expression when false. */
#define CHECK(cond) check_((cond) != 0, #cond, __FILE__, __LINE__)

static int check_rc_(int rc, int expected, const char *expr, const char *file, int line) {
  if (rc == expected) {
    ++passed;
    return 1;
  }
  ++failed;
  fprintf(stderr, "%s:%d: %s returned %d (%s), expected %d (%s); last error: %s\n", file, line,
          expr, rc, pm_status_str(rc), expected, pm_status_str(expected),
          pm_error_last()->message);
  return 0;
}

/* CHECK_RC(call, code): the call returns `code`; prints both codes and the message if not. */
#define CHECK_RC(call, expected) check_rc_((call), (expected), #call, __FILE__, __LINE__)

static int check_str_(const char *got, const char *expected, const char *expr, const char *file,
                      int line) {
  if (got != NULL && strcmp(got, expected) == 0) {
    ++passed;
    return 1;
  }
  ++failed;
  fprintf(stderr, "%s:%d: %s is \"%s\", expected \"%s\"\n", file, line, expr,
          got ? got : "(NULL)", expected);
  return 0;
}

/* CHECK_STR(got, expected): `got` is not NULL and equals `expected`. */
#define CHECK_STR(got, expected) check_str_((got), (expected), #got, __FILE__, __LINE__)

static int contains(const char *haystack, const char *needle) {
  return haystack != NULL && strstr(haystack, needle) != NULL;
}

/* CHECK_LAST(status, text): the thread's last error is `status` and its message mentions `text`. */
#define CHECK_LAST(status, text)                                                               \
  do {                                                                                        \
    CHECK(pm_error_last()->code == (status));                                                 \
    if (!CHECK(contains(pm_error_last()->message, (text))))                                   \
      fprintf(stderr, "  message was: %s\n", pm_error_last()->message);                       \
  } while (0)

/* A non-NULL pointer value for out-parameters, to see that failures reset them to NULL. */
static char sentinel_storage;
#define SENTINEL ((void *)&sentinel_storage)

/* ------------------------------------------------------------------------------------- */
/* Helpers                                                                               */

static const char *examples_dir = NULL;

static const char *const example_names[] = {
    "data-exfiltration-cloud-bucket.json",
    "network-breach-vpn-appliance.json",
    "phishing-mfa-fatigue.json",
};
#define EXAMPLE_COUNT (sizeof example_names / sizeof example_names[0])

static char *example_path(const char *name) {
  size_t n = strlen(examples_dir) + 1 + strlen(name) + 1;
  char *path = (char *)malloc(n);
  if (path != NULL) sprintf(path, "%s/%s", examples_dir, name);
  return path;
}

/* The whole file, NUL-terminated, its size in *len; NULL if it cannot be read. */
static char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  char *data = NULL;
  long size;
  *len = 0;
  if (f == NULL) return NULL;
  if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
    data = (char *)malloc((size_t)size + 1);
    if (data != NULL && fread(data, 1, (size_t)size, f) == (size_t)size) {
      data[size] = '\0';
      *len = (size_t)size;
    } else {
      free(data);
      data = NULL;
    }
  }
  fclose(f);
  return data;
}

static char *read_example(const char *name, size_t *len) {
  char *path = example_path(name);
  char *data = path ? read_file(path, len) : NULL;
  if (data == NULL) fprintf(stderr, "cannot read %s\n", path ? path : name);
  free(path);
  return data;
}

static int parse_text(pm_doc **out, const char *json) {
  return pm_doc_parse(out, json, strlen(json));
}

static int parse_policy(pm_policy **out, const char *json) {
  return pm_policy_parse(out, json, strlen(json));
}

/* {"schema":"postmortem/1","x_deep":[[[...]]]} with `depth` nested arrays. */
static char *nested_document(size_t depth) {
  static const char head[] = "{\"schema\":\"postmortem/1\",\"x_deep\":";
  size_t n = sizeof head - 1 + 2 * depth + 2;
  char *text = (char *)malloc(n);
  if (text == NULL) return NULL;
  memcpy(text, head, sizeof head - 1);
  memset(text + sizeof head - 1, '[', depth);
  memset(text + sizeof head - 1 + depth, ']', depth);
  text[n - 2] = '}';
  text[n - 1] = '\0';
  return text;
}

static size_t count_occurrences(const char *text, const char *needle) {
  size_t n = 0;
  size_t len = strlen(needle);
  while ((text = strstr(text, needle)) != NULL) {
    ++n;
    text += len;
  }
  return n;
}

/* The index of the first finding with `code` at `path` (path NULL: any), or -1. */
static long find_finding(const pm_findings *findings, const char *code, const char *path) {
  size_t i, n = pm_findings_count(findings);
  for (i = 0; i < n; ++i) {
    if (strcmp(pm_findings_code(findings, i), code) == 0 &&
        (path == NULL || strcmp(pm_findings_path(findings, i), path) == 0))
      return (long)i;
  }
  return -1;
}

/* ------------------------------------------------------------------------------------- */
/* Tests                                                                                 */

/* Must run before any other pm_ call. */
static void test_last_error_initial_state(void) {
  const pm_error *e = pm_error_last();
  CHECK(e != NULL);
  if (e == NULL) return;
  CHECK(e->code == PM_OK);
  CHECK_STR(e->message, "no error");
}

static void test_version(void) {
  CHECK(pm_version_number() == PM_VERSION_NUMBER);
  CHECK(pm_version_number() ==
        (unsigned)(PM_VERSION_MAJOR * 10000 + PM_VERSION_MINOR * 100 + PM_VERSION_PATCH));
  CHECK_STR(pm_version_string(), PM_VERSION_STRING);
  CHECK(pm_abi_version() == PM_ABI_VERSION);
  CHECK(pm_abi_version() >= 1);
  CHECK(PM_VERSION_CHECK(PM_VERSION_MAJOR, PM_VERSION_MINOR, PM_VERSION_PATCH));
  CHECK(!PM_VERSION_CHECK(PM_VERSION_MAJOR + 1, 0, 0));
}

static void test_status_codes(void) {
  /* The numbers are part of the ABI. */
  CHECK(PM_OK == 0 && PM_ERROR == -1 && PM_EINVALID == -2 && PM_EPARSE == -3);
  CHECK(PM_EVERSION == -4 && PM_ENOTFOUND == -5 && PM_EIO == -6 && PM_ELIMIT == -7);
  CHECK(PM_ENOMEM == -8 && PM_EFORMAT == -9 && PM_EPOLICY == -10);
  CHECK(PM_SEVERITY_ERROR == 0 && PM_SEVERITY_WARNING == 1 && PM_SEVERITY_INFO == 2);
  CHECK(PM_FORMAT_MARKDOWN == 1 && PM_FORMAT_HTML == 2 && PM_FORMAT_JSON == 3);
  CHECK(PM_IMPORT_TIMESKETCH_CSV == 1 && PM_IMPORT_TIMESKETCH_JSONL == 2);
  CHECK(PM_IMPORT_PLASO_L2TCSV == 3 && PM_IMPORT_PLASO_DYNAMIC == 4 && PM_IMPORT_VERIS == 5);
  CHECK(PM_EXPORT_VERIS == 1 && PM_EXPORT_STIX == 2);
  CHECK(PM_JSON_PRETTY == 1);
}

static void test_status_str(void) {
  int code, other;
  for (code = PM_OK; code >= PM_EPOLICY; --code) {
    const char *text = pm_status_str(code);
    CHECK(text != NULL && text[0] != '\0');
    CHECK(text != NULL && strcmp(text, "unknown error") != 0);
    for (other = code - 1; other >= PM_EPOLICY; --other)
      CHECK(text != NULL && strcmp(text, pm_status_str(other)) != 0);
  }
  CHECK(contains(pm_status_str(PM_EPARSE), "parse"));
  CHECK(pm_status_str(PM_EPARSE) == pm_status_str(PM_EPARSE)); /* static, not rebuilt */
  CHECK_STR(pm_status_str(1), "unknown error");
  CHECK_STR(pm_status_str(PM_EPOLICY - 1), "unknown error");
  CHECK_STR(pm_status_str(-1000), "unknown error");
}

static void test_free_functions_accept_null(void) {
  pm_free(NULL);
  pm_doc_free(NULL);
  pm_policy_free(NULL);
  pm_findings_free(NULL);
  pm_corpus_free(NULL);
  CHECK(1); /* reaching here is the test */
}

static void test_policy_parse(void) {
  pm_policy *policy = (pm_policy *)SENTINEL;

  CHECK_RC(parse_policy(&policy, "{}"), PM_OK);
  CHECK(policy != NULL);
  pm_policy_free(policy);

  CHECK_RC(parse_policy(&policy, "{\"as_of\":\"2024-06-01T00:00:00Z\",\"rules\":{\"PM102\":"
                                 "\"warning\"},\"limits\":{\"max_depth\":32}}"),
           PM_OK);
  CHECK(policy != NULL);
  pm_policy_free(policy);

  policy = (pm_policy *)SENTINEL;
  CHECK_RC(parse_policy(&policy, "{\"limits\":"), PM_EPOLICY);
  CHECK(policy == NULL);
  CHECK(pm_error_last()->code == PM_EPOLICY);
  CHECK(pm_error_last()->message[0] != '\0');

  policy = (pm_policy *)SENTINEL;
  CHECK_RC(parse_policy(&policy, "{\"bogus_setting\":1}"), PM_EPOLICY);
  CHECK(policy == NULL);
  CHECK_LAST(PM_EPOLICY, "bogus_setting");

  CHECK_RC(parse_policy(&policy, "{\"limits\":{\"max_dept\":8}}"), PM_EPOLICY);
  CHECK_LAST(PM_EPOLICY, "max_dept");

  CHECK_RC(parse_policy(&policy, "{\"rules\":{\"PM999\":\"off\"}}"), PM_EPOLICY);
  CHECK(policy == NULL);
  CHECK_LAST(PM_EPOLICY, "PM999");

  CHECK_RC(parse_policy(&policy, "{\"rules\":{\"PM102\":\"loud\"}}"), PM_EPOLICY);
  CHECK_RC(parse_policy(&policy, "[]"), PM_EPOLICY);

  /* len is honoured: the bytes after it are not read. */
  CHECK_RC(pm_policy_parse(&policy, "{}garbage", 2), PM_OK);
  pm_policy_free(policy);

  CHECK_RC(pm_policy_parse(NULL, "{}", 2), PM_EINVALID);
  CHECK_LAST(PM_EINVALID, "out");
  policy = (pm_policy *)SENTINEL;
  CHECK_RC(pm_policy_parse(&policy, NULL, 0), PM_EINVALID);
  CHECK(policy == NULL);
  CHECK_LAST(PM_EINVALID, "json");
}

static void test_doc_round_trip(const char *name) {
  size_t len = 0, json_len = 0, pretty_len = 0, again_len = 0;
  char *text = read_example(name, &len);
  pm_doc *doc = NULL, *again = NULL, *from_pretty = NULL;
  char *json = NULL, *pretty = NULL, *json_again = NULL;

  if (!CHECK(text != NULL)) return;
  if (!CHECK_RC(pm_doc_parse(&doc, text, len), PM_OK)) goto done;
  CHECK(doc != NULL);

  CHECK_RC(pm_doc_to_json(&json, &json_len, doc, 0), PM_OK);
  if (!CHECK(json != NULL)) goto done;
  CHECK(json_len == strlen(json));
  CHECK(strncmp(json, "{\"schema\":\"postmortem/1\"", 24) == 0);
  CHECK(strchr(json, '\n') == NULL);

  /* Compact output parses back to the same document. */
  CHECK_RC(pm_doc_parse(&again, json, json_len), PM_OK);
  CHECK_RC(pm_doc_to_json(&json_again, &again_len, again, 0), PM_OK);
  CHECK(json_again != NULL && again_len == json_len && strcmp(json_again, json) == 0);
  pm_free(json_again);
  json_again = NULL;

  /* Pretty output: indented, one member per line, the same document. */
  CHECK_RC(pm_doc_to_json(&pretty, &pretty_len, doc, PM_JSON_PRETTY), PM_OK);
  if (!CHECK(pretty != NULL)) goto done;
  CHECK(pretty_len == strlen(pretty));
  CHECK(pretty_len > json_len);
  CHECK(contains(pretty, "{\n  \"schema\": \"postmortem/1\""));
  CHECK_RC(pm_doc_parse(&from_pretty, pretty, pretty_len), PM_OK);
  CHECK_RC(pm_doc_to_json(&json_again, NULL, from_pretty, 0), PM_OK); /* out_len optional */
  CHECK(json_again != NULL && strcmp(json_again, json) == 0);

done:
  pm_free(json_again);
  pm_free(pretty);
  pm_free(json);
  pm_doc_free(from_pretty);
  pm_doc_free(again);
  pm_doc_free(doc);
  free(text);
}

static void test_doc_load(void) {
  size_t i;
  for (i = 0; i < EXAMPLE_COUNT; ++i) {
    char *path = example_path(example_names[i]);
    size_t len = 0;
    char *text = read_file(path, &len);
    pm_doc *loaded = NULL, *parsed = NULL;
    char *a = NULL, *b = NULL;
    CHECK_RC(pm_doc_load(&loaded, path), PM_OK);
    CHECK(loaded != NULL);
    CHECK_RC(pm_doc_parse(&parsed, text ? text : "", len), PM_OK);
    CHECK_RC(pm_doc_to_json(&a, NULL, loaded, 0), PM_OK);
    CHECK_RC(pm_doc_to_json(&b, NULL, parsed, 0), PM_OK);
    CHECK(a != NULL && b != NULL && strcmp(a, b) == 0);
    pm_free(a);
    pm_free(b);
    pm_doc_free(loaded);
    pm_doc_free(parsed);
    free(text);
    free(path);
  }
}

static void test_doc_load_errors(void) {
  pm_doc *doc = (pm_doc *)SENTINEL;
  char *missing = example_path("no-such-file.json");

  CHECK_RC(pm_doc_load(&doc, missing), PM_EIO);
  CHECK(doc == NULL);
  CHECK_LAST(PM_EIO, "no-such-file.json");
  free(missing);

  /* A directory opens as a stream on Linux; it must still be an I/O error. */
  doc = (pm_doc *)SENTINEL;
  CHECK_RC(pm_doc_load(&doc, examples_dir), PM_EIO);
  CHECK(doc == NULL);
  CHECK_LAST(PM_EIO, "directory");

  doc = (pm_doc *)SENTINEL;
  CHECK_RC(pm_doc_load(&doc, NULL), PM_EINVALID);
  CHECK(doc == NULL);
  CHECK_LAST(PM_EINVALID, "path");
  CHECK_RC(pm_doc_load(NULL, "x.json"), PM_EINVALID);
  CHECK_LAST(PM_EINVALID, "out");
}

static void test_doc_parse_errors(void) {
  pm_doc *doc = (pm_doc *)SENTINEL;
  size_t len = 0;
  char *text = read_example(example_names[0], &len);

  /* Truncated JSON: a parse error that says where. */
  if (CHECK(text != NULL)) {
    CHECK_RC(pm_doc_parse(&doc, text, len / 2), PM_EPARSE);
    CHECK(doc == NULL);
    CHECK_LAST(PM_EPARSE, "line");
    CHECK_LAST(PM_EPARSE, "column");
    CHECK_LAST(PM_EPARSE, "byte offset");
  }
  free(text);

  doc = (pm_doc *)SENTINEL;
  CHECK_RC(pm_doc_parse(&doc, "", 0), PM_EPARSE);
  CHECK(doc == NULL);
  CHECK_RC(parse_text(&doc, "{\"schema\":\"postmortem/1\",}"), PM_EPARSE);
  CHECK_RC(parse_text(&doc, "[{\"schema\":\"postmortem/1\"}]"), PM_EPARSE); /* not an object */
  CHECK_RC(parse_text(&doc, "{\"schema\":\"postmortem/1\"} {}"), PM_EPARSE);
  CHECK(doc == NULL);

  /* The length is honoured both ways: an embedded NUL is data, bytes past len are not. */
  CHECK_RC(pm_doc_parse(&doc, "{\"schema\":\"postmortem/1\"}\0{}", 28), PM_EPARSE);
  CHECK_RC(pm_doc_parse(&doc, "{\"schema\":\"postmortem/1\"}garbage", 25), PM_OK);
  CHECK(doc != NULL);
  pm_doc_free(doc);

  /* schema missing or not this version */
  doc = (pm_doc *)SENTINEL;
  CHECK_RC(parse_text(&doc, "{\"incident\":{\"id\":\"INC-1\"}}"), PM_EVERSION);
  CHECK(doc == NULL);
  CHECK_LAST(PM_EVERSION, "schema");
  doc = (pm_doc *)SENTINEL;
  CHECK_RC(parse_text(&doc, "{\"schema\":\"postmortem/2\"}"), PM_EVERSION);
  CHECK(doc == NULL);
  CHECK_LAST(PM_EVERSION, "postmortem/1"); /* names the version this build reads */
  CHECK_RC(parse_text(&doc, "{\"schema\":1}"), PM_EVERSION);

  /* NULL arguments */
  CHECK_RC(pm_doc_parse(NULL, "{}", 2), PM_EINVALID);
  CHECK_LAST(PM_EINVALID, "out");
  doc = (pm_doc *)SENTINEL;
  CHECK_RC(pm_doc_parse(&doc, NULL, 0), PM_EINVALID);
  CHECK(doc == NULL);
  CHECK_LAST(PM_EINVALID, "json");
  CHECK_RC(pm_doc_parse_opts(NULL, "{}", 2, NULL), PM_EINVALID);
  CHECK_LAST(PM_EINVALID, "out");
  doc = (pm_doc *)SENTINEL;
  CHECK_RC(pm_doc_parse_opts(&doc, NULL, 0, NULL), PM_EINVALID);
  CHECK(doc == NULL);
  CHECK_LAST(PM_EINVALID, "json");
}

static void test_parse_limits(void) {
  pm_policy *shallow = NULL, *tiny = NULL;
  pm_doc *doc = NULL;
  char *deep20 = nested_document(20);
  char *deep4 = nested_document(4);
  char *deep10000 = nested_document(10000);

  if (!CHECK(deep20 != NULL && deep4 != NULL && deep10000 != NULL)) goto done;
  CHECK_RC(parse_policy(&shallow, "{\"limits\":{\"max_depth\":8}}"), PM_OK);
  CHECK_RC(parse_policy(&tiny, "{\"limits\":{\"max_document_bytes\":16}}"), PM_OK);

  /* The policy's depth limit applies... */
  doc = (pm_doc *)SENTINEL;
  CHECK_RC(pm_doc_parse_opts(&doc, deep20, strlen(deep20), shallow), PM_ELIMIT);
  CHECK(doc == NULL);
  CHECK(pm_error_last()->code == PM_ELIMIT);
  CHECK(pm_error_last()->message[0] != '\0');
  CHECK_RC(pm_doc_parse_opts(&doc, deep4, strlen(deep4), shallow), PM_OK);
  pm_doc_free(doc);
  doc = NULL;

  /* ... and the defaults (max_depth 64) when the policy is NULL. */
  CHECK_RC(pm_doc_parse_opts(&doc, deep20, strlen(deep20), NULL), PM_OK);
  pm_doc_free(doc);
  doc = NULL;
  CHECK_RC(pm_doc_parse(&doc, deep20, strlen(deep20)), PM_OK);
  pm_doc_free(doc);
  doc = (pm_doc *)SENTINEL;
  CHECK_RC(pm_doc_parse(&doc, deep10000, strlen(deep10000)), PM_ELIMIT);
  CHECK(doc == NULL);
  CHECK_RC(pm_doc_parse_opts(&doc, deep10000, strlen(deep10000), NULL), PM_ELIMIT);

  /* Size limit */
  CHECK_RC(parse_text(&doc, "{\"schema\":\"postmortem/1\"}"), PM_OK);
  pm_doc_free(doc);
  doc = (pm_doc *)SENTINEL;
  CHECK_RC(pm_doc_parse_opts(&doc, "{\"schema\":\"postmortem/1\"}", 25, tiny), PM_ELIMIT);
  CHECK(doc == NULL);
  doc = NULL;

done:
  pm_policy_free(tiny);
  pm_policy_free(shallow);
  free(deep10000);
  free(deep4);
  free(deep20);
}

static void test_doc_to_json_errors(void) {
  pm_doc *doc = NULL;
  char *out = (char *)SENTINEL;
  size_t out_len = 12345;

  CHECK_RC(parse_text(&doc, "{\"schema\":\"postmortem/1\",\"x_note\":\"kept\"}"), PM_OK);

  CHECK_RC(pm_doc_to_json(&out, &out_len, NULL, 0), PM_EINVALID);
  CHECK(out == NULL && out_len == 0);
  CHECK_LAST(PM_EINVALID, "doc");
  out_len = 12345;
  CHECK_RC(pm_doc_to_json(NULL, &out_len, doc, 0), PM_EINVALID);
  CHECK(out_len == 0);
  CHECK_LAST(PM_EINVALID, "out");
  out = (char *)SENTINEL;
  CHECK_RC(pm_doc_to_json(&out, &out_len, doc, 2u), PM_EINVALID); /* unknown flag */
  CHECK(out == NULL && out_len == 0);
  CHECK_LAST(PM_EINVALID, "flags");

  /* Extensions survive the round trip. */
  CHECK_RC(pm_doc_to_json(&out, &out_len, doc, 0), PM_OK);
  CHECK_STR(out, "{\"schema\":\"postmortem/1\",\"x_note\":\"kept\"}");
  CHECK(out_len == strlen("{\"schema\":\"postmortem/1\",\"x_note\":\"kept\"}"));
  pm_free(out);
  pm_doc_free(doc);
}

/* Every finding of every sample is well-formed through the accessors and the JSON. */
static void test_validate_examples(void) {
  size_t e;
  for (e = 0; e < EXAMPLE_COUNT; ++e) {
    pm_doc *doc = NULL;
    pm_findings *findings = NULL;
    char *path = example_path(example_names[e]);
    char *json = NULL;
    size_t i, n, json_len = 0;

    CHECK_RC(pm_doc_load(&doc, path), PM_OK);
    free(path);
    CHECK_RC(pm_validate(&findings, doc, NULL), PM_OK);
    if (!CHECK(findings != NULL)) {
      pm_doc_free(doc);
      continue;
    }
    n = pm_findings_count(findings);
    for (i = 0; i < n; ++i) {
      const char *code = pm_findings_code(findings, i);
      const char *where = pm_findings_path(findings, i);
      const char *message = pm_findings_message(findings, i);
      const char *hint = pm_findings_hint(findings, i);
      int severity = pm_findings_severity(findings, i);
      CHECK(code != NULL && strlen(code) == 5 && strncmp(code, "PM", 2) == 0);
      CHECK(severity == PM_SEVERITY_ERROR || severity == PM_SEVERITY_WARNING ||
            severity == PM_SEVERITY_INFO);
      CHECK(where != NULL && (where[0] == '\0' || where[0] == '/'));
      CHECK(message != NULL && message[0] != '\0');
      CHECK(hint != NULL);
    }
    CHECK_RC(pm_findings_to_json(&json, &json_len, findings), PM_OK);
    if (CHECK(json != NULL)) {
      CHECK(json_len == strlen(json));
      CHECK(json[0] == '[' && json[json_len - 1] == ']');
      CHECK(count_occurrences(json, "\"code\":") == n);
    }
    pm_free(json);
    pm_findings_free(findings);
    pm_doc_free(doc);
  }
}

static void test_validate_errors(void) {
  pm_doc *doc = NULL;
  pm_findings *findings = (pm_findings *)SENTINEL;
  char *out = (char *)SENTINEL;
  size_t out_len = 12345;

  CHECK_RC(parse_text(&doc, "{\"schema\":\"postmortem/1\"}"), PM_OK);

  CHECK_RC(pm_validate(&findings, NULL, NULL), PM_EINVALID);
  CHECK(findings == NULL);
  CHECK_LAST(PM_EINVALID, "doc");
  CHECK_RC(pm_validate(NULL, doc, NULL), PM_EINVALID);
  CHECK_LAST(PM_EINVALID, "out");

  /* NULL findings: accessors return NULL / 0 / PM_EINVALID and say why. */
  CHECK(pm_findings_count(NULL) == 0);
  CHECK_LAST(PM_EINVALID, "findings");
  CHECK(pm_findings_code(NULL, 0) == NULL);
  CHECK_LAST(PM_EINVALID, "findings");
  CHECK(pm_findings_severity(NULL, 0) == PM_EINVALID);
  CHECK(pm_findings_path(NULL, 0) == NULL);
  CHECK(pm_findings_message(NULL, 0) == NULL);
  CHECK(pm_findings_hint(NULL, 0) == NULL);
  CHECK_RC(pm_findings_to_json(&out, &out_len, NULL), PM_EINVALID);
  CHECK(out == NULL && out_len == 0);
  CHECK_LAST(PM_EINVALID, "findings");

  /* Out-of-range indexes. A document with no incident has findings. */
  CHECK_RC(pm_validate(&findings, doc, NULL), PM_OK);
  if (CHECK(findings != NULL)) {
    size_t n = pm_findings_count(findings);
    CHECK(n > 0);
    CHECK(pm_findings_code(findings, n) == NULL);
    CHECK_LAST(PM_EINVALID, "out of range");
    CHECK(pm_findings_severity(findings, n) == PM_EINVALID);
    CHECK(pm_findings_path(findings, n) == NULL);
    CHECK(pm_findings_message(findings, n) == NULL);
    CHECK(pm_findings_hint(findings, n) == NULL);
    CHECK(pm_findings_code(findings, (size_t)-1) == NULL);
    CHECK(pm_findings_code(findings, 0) != NULL);
    CHECK_RC(pm_findings_to_json(NULL, &out_len, findings), PM_EINVALID);
    CHECK_LAST(PM_EINVALID, "out");
    CHECK_RC(pm_findings_to_json(&out, NULL, findings), PM_OK); /* out_len optional */
    CHECK(out != NULL && out[0] == '[');
    pm_free(out);
  }
  pm_findings_free(findings);
  pm_doc_free(doc);
}

/* PM102 (a required member missing) and PM109 (an unknown member), through every accessor,
   and the policy's rule overrides. */
static void test_validate_rules(void) {
  static const char json[] = "{\"schema\":\"postmortem/1\",\"incident\":{\"id\":\"INC-1\","
                             "\"titel\":\"Typo\",\"category\":\"phishing\"}}";
  pm_doc *doc = NULL;
  pm_findings *findings = NULL;
  pm_policy *policy = NULL;
  long i;

  if (!CHECK_RC(parse_text(&doc, json), PM_OK)) return;

  CHECK_RC(pm_validate(&findings, doc, NULL), PM_OK);
  i = find_finding(findings, "PM102", "/incident/title");
  if (CHECK(i >= 0)) {
    CHECK_STR(pm_findings_code(findings, (size_t)i), "PM102");
    CHECK_STR(pm_findings_path(findings, (size_t)i), "/incident/title");
    CHECK(pm_findings_severity(findings, (size_t)i) == PM_SEVERITY_ERROR);
    CHECK(contains(pm_findings_message(findings, (size_t)i), "title"));
    CHECK(pm_findings_hint(findings, (size_t)i) != NULL);
  }
  i = find_finding(findings, "PM109", "/incident/titel");
  if (CHECK(i >= 0)) {
    CHECK(pm_findings_severity(findings, (size_t)i) == PM_SEVERITY_WARNING);
    CHECK(contains(pm_findings_message(findings, (size_t)i), "titel"));
    /* "did you mean": the close known name appears in the message or the hint */
    CHECK(contains(pm_findings_message(findings, (size_t)i), "\"title\"") ||
          contains(pm_findings_message(findings, (size_t)i), "`title`") ||
          contains(pm_findings_hint(findings, (size_t)i), "title"));
  }
  pm_findings_free(findings);
  findings = NULL;

  /* The policy turns PM109 off... */
  CHECK_RC(parse_policy(&policy, "{\"rules\":{\"PM109\":\"off\"}}"), PM_OK);
  CHECK_RC(pm_validate(&findings, doc, policy), PM_OK);
  CHECK(find_finding(findings, "PM109", NULL) < 0);
  CHECK(find_finding(findings, "PM102", "/incident/title") >= 0);
  pm_findings_free(findings);
  findings = NULL;
  pm_policy_free(policy);
  policy = NULL;

  /* ... or lowers PM102 to info. */
  CHECK_RC(parse_policy(&policy, "{\"rules\":{\"PM102\":\"info\"}}"), PM_OK);
  CHECK_RC(pm_validate(&findings, doc, policy), PM_OK);
  i = find_finding(findings, "PM102", "/incident/title");
  if (CHECK(i >= 0)) CHECK(pm_findings_severity(findings, (size_t)i) == PM_SEVERITY_INFO);
  pm_findings_free(findings);
  pm_policy_free(policy);
  pm_doc_free(doc);
}

/* ------------------------------------------------------------------------------------- */
/* Metrics                                                                               */

/* phishing-mfa-fatigue.json: explicit milestones, reported_at derived from event e7 (see
   tests/cpp/metrics_test.cpp for the arithmetic), no eradication, no gap over 24 h. */
static void test_metrics_example(void) {
  pm_doc *doc = NULL;
  pm_policy *policy = NULL;
  char *path = example_path("phishing-mfa-fatigue.json");
  char *out = NULL;
  size_t out_len = 0;

  CHECK_RC(pm_doc_load(&doc, path), PM_OK);
  free(path);
  if (doc == NULL) return;

  CHECK_RC(pm_metrics(&out, &out_len, doc, NULL), PM_OK);
  if (CHECK(out != NULL)) {
    CHECK(out_len == strlen(out));
    CHECK(strncmp(out, "{\"milestones\":{", 15) == 0);
    /* 10:05:00 - 08:42:10 = 4970 s */
    CHECK(contains(out, "\"dwell_time\":{\"seconds\":4970,\"duration\":\"PT1H22M50S\","
                        "\"from\":\"started_at\",\"to\":\"detected_at\",\"precision\":\"second\"}"));
    CHECK(contains(out, "\"reported_at\":{\"time\":\"2024-01-17T10:12:00Z\",\"source\":\"derived\","
                        "\"event_id\":\"e7\",\"precision\":\"second\"}"));
    /* 2024-01-24T17:00:00 - 2024-01-17T08:42:10 = 7 days 8 h 17 min 50 s = 634670 s */
    CHECK(contains(out, "\"total_duration\":{\"seconds\":634670,\"duration\":\"P7DT8H17M50S\","
                        "\"from\":\"started_at\",\"to\":\"closed_at\""));
    CHECK(!contains(out, "time_to_eradicate")); /* unknown end: absent */
    CHECK(!contains(out, "eradicated_at"));
    CHECK(!contains(out, "null"));
    CHECK(contains(out, "\"events\":{\"count\":10,\"timed\":10}"));
    CHECK(contains(out, "\"gaps\":[],\"gap_threshold_hours\":24}"));
  }
  pm_free(out);
  out = NULL;

  /* The policy's max_gap_hours: with 1 h, e9 11:20 -> e10 15:00 (3 h 40 min = 13200 s). */
  CHECK_RC(parse_policy(&policy, "{\"thresholds\":{\"max_gap_hours\":1}}"), PM_OK);
  CHECK_RC(pm_metrics(&out, NULL, doc, policy), PM_OK); /* out_len is optional */
  if (CHECK(out != NULL)) {
    CHECK(contains(out, "\"gaps\":[{\"from_event\":\"e9\",\"to_event\":\"e10\","
                        "\"from\":\"2024-01-17T11:20:00Z\",\"to\":\"2024-01-17T15:00:00Z\","
                        "\"seconds\":13200,\"duration\":\"PT3H40M\",\"after_detection\":true}]"));
    CHECK(contains(out, "\"gap_threshold_hours\":1}"));
  }
  pm_free(out);
  pm_policy_free(policy);
  pm_doc_free(doc);
}

/* Every sample gives a JSON object; a document with nothing to measure gives empty members. */
static void test_metrics_all_examples(void) {
  size_t e;
  pm_doc *doc = NULL;
  char *out = NULL;
  size_t out_len = 0;
  for (e = 0; e < EXAMPLE_COUNT; ++e) {
    char *path = example_path(example_names[e]);
    CHECK_RC(pm_doc_load(&doc, path), PM_OK);
    free(path);
    CHECK_RC(pm_metrics(&out, &out_len, doc, NULL), PM_OK);
    if (CHECK(out != NULL && out_len > 2)) {
      CHECK(out[0] == '{' && out[out_len - 1] == '}');
      CHECK(contains(out, "\"dwell_time\":{"));
      CHECK(contains(out, "\"total_duration\":{"));
    }
    pm_free(out);
    out = NULL;
    pm_doc_free(doc);
    doc = NULL;
  }
  CHECK_RC(parse_text(&doc, "{\"schema\":\"postmortem/1\"}"), PM_OK);
  CHECK_RC(pm_metrics(&out, &out_len, doc, NULL), PM_OK);
  CHECK_STR(out, "{\"milestones\":{},\"metrics\":{},\"events\":{\"count\":0,\"timed\":0},"
                 "\"types\":[],\"assets\":[],\"key_moments\":[],\"gaps\":[],"
                 "\"gap_threshold_hours\":24}");
  pm_free(out);
  pm_doc_free(doc);
}

static void test_metrics_errors(void) {
  pm_doc *doc = NULL;
  char *out = (char *)SENTINEL;
  size_t out_len = 12345;

  CHECK_RC(parse_text(&doc, "{\"schema\":\"postmortem/1\"}"), PM_OK);
  CHECK_RC(pm_metrics(&out, &out_len, NULL, NULL), PM_EINVALID);
  CHECK(out == NULL && out_len == 0);
  CHECK_LAST(PM_EINVALID, "doc");
  CHECK_RC(pm_metrics(NULL, &out_len, doc, NULL), PM_EINVALID);
  CHECK_LAST(PM_EINVALID, "out");
  CHECK_RC(pm_metrics(NULL, NULL, NULL, NULL), PM_EINVALID);
  CHECK(pm_error_last()->message != NULL);
  pm_doc_free(doc);
}

/* ------------------------------------------------------------------------------------- */
/* Score                                                                                 */

/* network-breach-vpn-appliance.json (tests/cpp/score_test.cpp works out every value):
   severity 75.9 critical, as declared; quality 95; action A3 91.4 (P1); CVE-2024-3400 "act". */
static void test_score_example(void) {
  pm_doc *doc = NULL;
  pm_policy *policy = NULL;
  char *path = example_path("network-breach-vpn-appliance.json");
  char *out = NULL;
  size_t out_len = 0;

  CHECK_RC(pm_doc_load(&doc, path), PM_OK);
  free(path);
  if (doc == NULL) return;
  CHECK_RC(pm_score(&out, &out_len, doc, NULL), PM_OK);
  if (CHECK(out != NULL)) {
    CHECK(out_len == strlen(out));
    const char *prefix = "{\"severity\":{\"score\":75.9,\"tier\":\"critical\",\"declared\":\"critical\","
                         "\"tiers_apart\":0,\"terms\":[{\"name\":\"confidentiality\",\"input\":1,\"level\":1,"
                         "\"weight\":8,\"points\":8,";
    CHECK(strncmp(out, prefix, strlen(prefix)) == 0);
    CHECK(contains(out, "\"quality\":{\"score\":95,"));
    CHECK(contains(out, "{\"id\":\"A3\",\"index\":2,\"score\":91.4,\"tier\":\"P1\","));
    CHECK(contains(out, "{\"id\":\"CVE-2024-3400\",\"index\":0,\"decision\":\"act\","
                        "\"table\":\"cisa_coordinator_2_0_3\",\"points\":[{\"name\":\"exploitation\","
                        "\"value\":\"active\""));
    CHECK(!contains(out, "null"));
  }
  pm_free(out);
  out = NULL;

  /* The policy's tier boundaries: with critical from 80, 75.9 is high, one tier from critical. */
  CHECK_RC(parse_policy(&policy, "{\"scoring\":{\"severity_tiers\":{\"critical\":80}}}"), PM_OK);
  CHECK_RC(pm_score(&out, NULL, doc, policy), PM_OK); /* out_len is optional */
  if (CHECK(out != NULL)) CHECK(contains(out, "\"tier\":\"high\",\"declared\":\"critical\",\"tiers_apart\":1,"));
  pm_free(out);
  pm_policy_free(policy);
  policy = NULL;

  /* An unknown scoring name is a policy error that suggests the closest. */
  CHECK_RC(parse_policy(&policy, "{\"scoring\":{\"severity_weights\":{\"cvs\":1}}}"), PM_EPOLICY);
  CHECK(policy == NULL);
  CHECK_LAST(PM_EPOLICY, "did you mean \"cvss\"");
  pm_doc_free(doc);
}

/* An empty document scores 0 severity (informational), 10 quality (nothing done, nothing to
   verify), no actions and no vulnerabilities. */
static void test_score_empty_and_errors(void) {
  pm_doc *doc = NULL;
  char *out = (char *)SENTINEL;
  size_t out_len = 12345;

  CHECK_RC(parse_text(&doc, "{\"schema\":\"postmortem/1\"}"), PM_OK);
  CHECK_RC(pm_score(&out, &out_len, doc, NULL), PM_OK);
  if (CHECK(out != NULL)) {
    const char *prefix = "{\"severity\":{\"score\":0,\"tier\":\"informational\",\"terms\":[";
    CHECK(strncmp(out, prefix, strlen(prefix)) == 0);
    CHECK(contains(out, "\"quality\":{\"score\":10,"));
    CHECK(contains(out, "\"actions\":[],\"vulnerabilities\":[]}"));
  }
  pm_free(out);
  out = (char *)SENTINEL;
  CHECK_RC(pm_score(&out, &out_len, NULL, NULL), PM_EINVALID);
  CHECK(out == NULL && out_len == 0);
  CHECK_LAST(PM_EINVALID, "doc");
  CHECK_RC(pm_score(NULL, &out_len, doc, NULL), PM_EINVALID);
  CHECK_LAST(PM_EINVALID, "out");
  CHECK_RC(pm_score(NULL, NULL, NULL, NULL), PM_EINVALID);
  pm_doc_free(doc);
}

/* ------------------------------------------------------------------------------------- */
/* Plan                                                                                  */

/* network-breach-vpn-appliance.json at 2024-06-20 (tests/cpp/plan_test.cpp works it out):
   A4 (due 06-15, planned) is 5 days overdue, A1 is done with no verification, and the
   heaviest chain of open actions is A4 (effort 3) -> A6 (effort 4). */
static void test_plan_example(void) {
  pm_doc *doc = NULL;
  pm_policy *policy = NULL;
  char *path = example_path("network-breach-vpn-appliance.json");
  char *out = NULL;
  size_t out_len = 0;

  CHECK_RC(pm_doc_load(&doc, path), PM_OK);
  free(path);
  if (doc == NULL) return;
  CHECK_RC(parse_policy(&policy, "{\"as_of\":\"2024-06-20T09:00:00Z\",\"plan\":{\"sla_days\":{\"P1\":1}}}"), PM_OK);
  CHECK_RC(pm_plan(&out, &out_len, doc, policy), PM_OK);
  if (CHECK(out != NULL)) {
    CHECK(out_len == strlen(out));
    const char *prefix = "{\"as_of\":\"2024-06-20\",\"sla_days\":{\"P1\":1,\"P2\":30,\"P3\":90,\"P4\":180},"
                         "\"items\":[{\"position\":1,";
    CHECK(strncmp(out, prefix, strlen(prefix)) == 0);
    CHECK(contains(out, "\"cycles\":[],\"critical_path\":{\"actions\":[\"A4\",\"A6\"],\"effort\":7,"
                        "\"weight\":\"effort\"},\"overdue\":[\"A4\"],\"unverified\":[\"A1\"],"));
    CHECK(contains(out, "\"days_overdue\":5,"));
    CHECK(contains(out, "\"counts\":{\"actions\":6,\"open\":4,\"finished\":2,\"rejected\":0,"
                        "\"overdue\":1,\"unverified\":1,\"blocked\":1,\"in_cycles\":0,"));
    CHECK(!contains(out, "null"));
  }
  pm_free(out);
  pm_policy_free(policy);
  pm_doc_free(doc);
}

/* A cycle is reported with its members, and both actions are still in the plan. */
static void test_plan_cycle(void) {
  pm_doc *doc = NULL;
  char *out = NULL;
  size_t out_len = 0;
  CHECK_RC(parse_text(&doc, "{\"schema\":\"postmortem/1\",\"actions\":["
                            "{\"id\":\"X\",\"title\":\"t\",\"depends_on\":[\"Y\"]},"
                            "{\"id\":\"Y\",\"title\":\"t\",\"depends_on\":[\"X\",\"nope\"]}]}"),
           PM_OK);
  CHECK_RC(pm_plan(&out, &out_len, doc, NULL), PM_OK);
  if (CHECK(out != NULL)) {
    CHECK(contains(out, "\"cycles\":[[\"X\",\"Y\"]]"));
    CHECK(contains(out, "\"position\":2,"));
    CHECK(contains(out, "\"unknown_dependencies\":[{\"action\":\"Y\",\"depends_on\":\"nope\","
                        "\"path\":\"/actions/1/depends_on/1\"}]"));
  }
  pm_free(out);
  pm_doc_free(doc);
}

static void test_plan_errors(void) {
  pm_doc *doc = NULL;
  pm_policy *policy = (pm_policy *)SENTINEL;
  char *out = (char *)SENTINEL;
  size_t out_len = 12345;

  CHECK_RC(parse_text(&doc, "{\"schema\":\"postmortem/1\"}"), PM_OK);
  CHECK_RC(pm_plan(&out, &out_len, NULL, NULL), PM_EINVALID);
  CHECK(out == NULL && out_len == 0);
  CHECK_LAST(PM_EINVALID, "doc");
  CHECK_RC(pm_plan(NULL, &out_len, doc, NULL), PM_EINVALID);
  CHECK_LAST(PM_EINVALID, "out");
  /* A bad SLA is a policy error, with a suggestion. */
  CHECK_RC(parse_policy(&policy, "{\"plan\":{\"sla_days\":{\"p2\":3}}}"), PM_EPOLICY);
  CHECK(policy == NULL);
  CHECK_LAST(PM_EPOLICY, "did you mean \"P2\"?");
  pm_doc_free(doc);
}

/* ------------------------------------------------------------------------------------- */
/* Report                                                                                */

/* The three formats of one sample: each non-empty, of its kind, and the same twice. */
static void test_render_formats(void) {
  pm_doc *doc = NULL;
  pm_policy *policy = NULL;
  char *path = example_path("phishing-mfa-fatigue.json");
  char *out = NULL, *again = NULL;
  size_t out_len = 0, again_len = 0;

  CHECK_RC(pm_doc_load(&doc, path), PM_OK);
  free(path);
  if (doc == NULL) return;
  CHECK_RC(parse_policy(&policy, "{\"as_of\":\"2024-06-01T00:00:00Z\"}"), PM_OK);

  CHECK_RC(pm_render(&out, &out_len, doc, PM_FORMAT_MARKDOWN, policy), PM_OK);
  if (CHECK(out != NULL)) {
    CHECK(out_len == strlen(out));
    CHECK(strncmp(out, "# ", 2) == 0);
    CHECK(contains(out, "Overdue invoice"));
  }
  pm_free(out);

  CHECK_RC(pm_render(&out, &out_len, doc, PM_FORMAT_HTML, policy), PM_OK);
  CHECK_RC(pm_render(&again, &again_len, doc, PM_FORMAT_HTML, policy), PM_OK);
  if (CHECK(out != NULL && again != NULL)) {
    CHECK(strncmp(out, "<!DOCTYPE html>", 15) == 0);
    CHECK(contains(out, "Content-Security-Policy"));
    CHECK(!contains(out, "<script"));
    CHECK(out_len == again_len && memcmp(out, again, out_len) == 0); /* deterministic */
  }
  pm_free(out);
  pm_free(again);

  CHECK_RC(pm_render(&out, NULL, doc, PM_FORMAT_JSON, policy), PM_OK);
  if (CHECK(out != NULL)) {
    CHECK(contains(out, "\"report\": \"postmortem-report/1\""));
    CHECK(contains(out, "\"as_of\": \"2024-06-01T00:00:00Z\""));
    CHECK(contains(out, "\"plan\": {"));
  }
  pm_free(out);
  pm_policy_free(policy);
  pm_doc_free(doc);
}

static void test_render_errors(void) {
  pm_doc *doc = NULL;
  char *out = (char *)SENTINEL;
  size_t out_len = 12345;

  CHECK_RC(parse_text(&doc, "{\"schema\":\"postmortem/1\"}"), PM_OK);
  CHECK_RC(pm_render(&out, &out_len, doc, 0, NULL), PM_EFORMAT);
  CHECK(out == NULL && out_len == 0);
  CHECK_LAST(PM_EFORMAT, "PM_FORMAT_MARKDOWN (1)");
  CHECK_RC(pm_render(&out, &out_len, doc, PM_FORMAT_JSON + 1, NULL), PM_EFORMAT);
  CHECK_RC(pm_render(&out, &out_len, NULL, PM_FORMAT_HTML, NULL), PM_EINVALID);
  CHECK_LAST(PM_EINVALID, "doc");
  CHECK_RC(pm_render(NULL, &out_len, doc, PM_FORMAT_HTML, NULL), PM_EINVALID);
  CHECK_LAST(PM_EINVALID, "out");
  /* An empty document still renders: every section says it has no data. */
  CHECK_RC(pm_render(&out, &out_len, doc, PM_FORMAT_MARKDOWN, NULL), PM_OK);
  CHECK(out != NULL && out_len > 0);
  pm_free(out);
  pm_doc_free(doc);
}

/* ------------------------------------------------------------------------------------- */
/* Export                                                                                */

/* The phishing sample to STIX and to VERIS, and the VERIS back to a document. */
static void test_export_formats(void) {
  pm_doc *doc = NULL, *back = NULL;
  char *path = example_path("phishing-mfa-fatigue.json");
  char *out = NULL, *again = NULL;
  size_t out_len = 0, again_len = 0;

  CHECK_RC(pm_doc_load(&doc, path), PM_OK);
  free(path);
  if (doc == NULL) return;
  CHECK_RC(pm_export(&out, &out_len, doc, PM_EXPORT_STIX, "{\"organization\": \"Example Corp\"}"), PM_OK);
  CHECK_RC(pm_export(&again, &again_len, doc, PM_EXPORT_STIX, "{\"organization\": \"Example Corp\"}"), PM_OK);
  if (CHECK(out != NULL && again != NULL)) {
    CHECK(contains(out, "\"type\": \"bundle\""));
    CHECK(contains(out, "\"name\": \"Example Corp\""));
    CHECK(out_len == again_len && memcmp(out, again, out_len) == 0); /* deterministic */
  }
  pm_free(out);
  pm_free(again);
  CHECK_RC(pm_export(&out, &out_len, doc, PM_EXPORT_VERIS, NULL), PM_OK);
  if (CHECK(out != NULL)) {
    CHECK(contains(out, "\"schema_version\": \"1.4"));
    CHECK_RC(pm_import(&back, PM_IMPORT_VERIS, out, out_len, NULL), PM_OK);
    CHECK(back != NULL);
  }
  pm_free(out);
  pm_doc_free(back);
  pm_doc_free(doc);
}

static void test_export_errors(void) {
  pm_doc *doc = NULL;
  char *out = (char *)SENTINEL;
  size_t out_len = 12345;

  CHECK_RC(parse_text(&doc, "{\"schema\":\"postmortem/1\"}"), PM_OK);
  CHECK_RC(pm_export(&out, &out_len, doc, 0, NULL), PM_EFORMAT);
  CHECK(out == NULL && out_len == 0);
  CHECK_LAST(PM_EFORMAT, "use PM_EXPORT_VERIS (1) or PM_EXPORT_STIX (2)");
  CHECK_RC(pm_export(&out, &out_len, doc, PM_EXPORT_STIX + 1, NULL), PM_EFORMAT);
  CHECK_RC(pm_export(&out, &out_len, NULL, PM_EXPORT_STIX, NULL), PM_EINVALID);
  CHECK_LAST(PM_EINVALID, "doc");
  CHECK_RC(pm_export(NULL, &out_len, doc, PM_EXPORT_STIX, NULL), PM_EINVALID);
  CHECK_LAST(PM_EINVALID, "out");
  /* Options: JSON, known members, known fields (with a suggestion). */
  CHECK_RC(pm_export(&out, &out_len, doc, PM_EXPORT_STIX, "{\"redact\": "), PM_EINVALID);
  CHECK_LAST(PM_EINVALID, "not valid JSON");
  CHECK_RC(pm_export(&out, &out_len, doc, PM_EXPORT_STIX, "{\"redcat\": true}"), PM_EINVALID);
  CHECK_LAST(PM_EINVALID, "\"redcat\" is not an option");
  CHECK_RC(pm_export(&out, &out_len, doc, PM_EXPORT_VERIS, "{\"redact\": {\"fields\": [\"incident.sumary\"]}}"),
           PM_EINVALID);
  CHECK_LAST(PM_EINVALID, "(did you mean \"incident.summary\"?)");
  CHECK(out == NULL && out_len == 0);
  pm_doc_free(doc);
}

/* ------------------------------------------------------------------------------------- */
/* CVSS                                                                                  */

/*
 * Expected scores come from the reference vector files (data/README.md gives their origin):
 * tests/data/cvss/v3/vectors_simple31, vectors_simple3 and polycvss_cvss31_vectors.tsv, and
 * tests/data/cvss/v4/polycvss_cvss40_vectors.tsv, vectors_security4 and vectors_threat4
 * (copies of the shared data/cvss files); each check cites its line.
 */

/* |a - b| < 1e-9: scores are doubles with one decimal. */
static int same_score(double a, double b) {
  double d = a - b;
  return d < 1e-9 && d > -1e-9;
}

/* pm_cvss_base() of `vector`, or -1 when it fails (the check prints the message). */
static double base_of(const char *vector) {
  double base = -1;
  if (!CHECK_RC(pm_cvss_base(&base, vector), PM_OK)) return -1;
  return base;
}

static void test_cvss_score_v3(void) {
  char *out = NULL;
  size_t out_len = 0;

  /* vectors_simple31 line 28: CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H - (9.8, 9.8, 9.8).
     Base metrics only: no temporal or environmental key. */
  CHECK_RC(pm_cvss_score(&out, &out_len, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"), PM_OK);
  CHECK_STR(out, "{\"version\":\"3.1\",\"vector\":\"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\","
                 "\"base\":9.8,\"severity\":\"Critical\"}");
  CHECK(out != NULL && out_len == strlen(out));
  pm_free(out);
  out = NULL;

  /* Metric order is free in 3.x; the result is normalised to the specification's order. */
  CHECK_RC(pm_cvss_score(&out, NULL, "CVSS:3.1/A:H/I:H/C:H/S:U/UI:N/PR:N/AC:L/AV:N"), PM_OK);
  CHECK(contains(out, "\"vector\":\"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\""));
  CHECK(contains(out, "\"base\":9.8,"));
  pm_free(out);
  out = NULL;

  /* vectors_simple3 line 109: CVSS:3.0/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H - (9.9, 9.9, 9.9) */
  CHECK_RC(pm_cvss_score(&out, &out_len, "CVSS:3.0/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H"), PM_OK);
  CHECK(contains(out, "{\"version\":\"3.0\","));
  CHECK(contains(out, "\"base\":9.9,\"severity\":\"Critical\"}"));
  pm_free(out);
  out = NULL;

  /* polycvss_cvss31_vectors.tsv line 7: base 6.2, temporal 5.6, environmental 4.1; the
     severity is the environmental score's (4.1: Medium). */
  CHECK_RC(pm_cvss_score(&out, &out_len,
                         "CVSS:3.1/AV:A/AC:H/PR:H/UI:N/S:C/C:N/I:L/A:H/E:P/RL:U/RC:R/CR:L/IR:L/AR:H/"
                         "MAV:A/MAC:H/MPR:L/MUI:X/MS:C/MC:N/MI:L/MA:L"),
           PM_OK);
  CHECK(contains(out, "\"base\":6.2,\"temporal\":5.6,\"environmental\":4.1,\"severity\":\"Medium\"}"));
  CHECK(!contains(out, "overall") && !contains(out, "macro_vector") && !contains(out, "null"));
  pm_free(out);

  /* vectors_simple31 line 1458: no impact, 0.0 "None". */
  CHECK(same_score(base_of("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:N/I:N/A:N"), 0.0));
  /* vectors_simple31 line 423: (3.1, 3.1, 3.1) */
  CHECK(same_score(base_of("CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N"), 3.1));
  /* vectors_simple31 line 109: (9.9, 9.9, 10.0); the base is 9.9 */
  CHECK(same_score(base_of("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H"), 9.9));
}

static void test_cvss_score_v4(void) {
  char *out = NULL;
  size_t out_len = 0;

  /* polycvss_cvss40_vectors.tsv line 3: MacroVector 000200, score 9.3. */
  CHECK_RC(pm_cvss_score(&out, &out_len,
                         "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"),
           PM_OK);
  CHECK_STR(out, "{\"version\":\"4.0\","
                 "\"vector\":\"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N\","
                 "\"base\":9.3,\"severity\":\"Critical\",\"macro_vector\":\"000200\"}");
  CHECK(out != NULL && out_len == strlen(out));
  pm_free(out);
  out = NULL;
  CHECK(same_score(base_of("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"), 9.3));

  /* vectors_threat4 line 6: with E:U the whole vector (CVSS-BT) scores 4.1; its base is 7.3
     (data/README.md: "7.3 with nothing else set"). MacroVector by SCORING-NOTES.md 2.2:
     AV:P -> EQ1 2, AC:H -> EQ2 1, VC:H and VI:H -> EQ3 0, SC/SI/SA:H -> EQ4 1, E:U -> EQ5 2,
     CR:X (= H) and VC:H -> EQ6 0: 210120. */
  CHECK_RC(pm_cvss_score(&out, &out_len,
                         "CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:U"),
           PM_OK);
  CHECK(contains(out, "\"base\":7.3,\"overall\":4.1,\"severity\":\"Medium\",\"macro_vector\":\"210120\"}"));
  CHECK(!contains(out, "temporal") && !contains(out, "environmental"));
  pm_free(out);
  CHECK(same_score(base_of("CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:U"), 7.3));

  /* vectors_security4 line 2: CR/IR/AR:H equal the default (X counts as H): 7.3. */
  CHECK(same_score(base_of("CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/"
                           "CR:H/IR:H/AR:H"),
                   7.3));
}

static void test_cvss_errors(void) {
  char *out = (char *)SENTINEL;
  size_t out_len = 12345;
  double base = 42;

  /* NULL arguments: PM_EINVALID naming the parameter; out-parameters reset. */
  CHECK_RC(pm_cvss_score(&out, &out_len, NULL), PM_EINVALID);
  CHECK(out == NULL && out_len == 0);
  CHECK_LAST(PM_EINVALID, "vector");
  CHECK_RC(pm_cvss_score(NULL, &out_len, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"), PM_EINVALID);
  CHECK_LAST(PM_EINVALID, "out");
  CHECK_RC(pm_cvss_score(NULL, NULL, NULL), PM_EINVALID);
  CHECK(pm_error_last()->message != NULL);
  CHECK_RC(pm_cvss_base(&base, NULL), PM_EINVALID);
  CHECK(isnan(base));
  CHECK_LAST(PM_EINVALID, "vector");
  CHECK_RC(pm_cvss_base(NULL, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"), PM_EINVALID);
  CHECK_LAST(PM_EINVALID, "out");

  /* Bad vectors: PM_EINVALID, the message names the metric. */
  out = (char *)SENTINEL;
  out_len = 12345;
  CHECK_RC(pm_cvss_score(&out, &out_len, "CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"), PM_EINVALID);
  CHECK(out == NULL && out_len == 0);
  CHECK_LAST(PM_EINVALID, "`AV`");
  CHECK_LAST(PM_EINVALID, "`Q`");
  base = 42;
  CHECK_RC(pm_cvss_base(&base, "CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"), PM_EINVALID);
  CHECK(isnan(base));
  CHECK_LAST(PM_EINVALID, "`AV`");
  CHECK_RC(pm_cvss_score(&out, NULL, "CVSS:3.1/AV:N/AC:L/UI:N/S:U/C:H/I:H/A:H"), PM_EINVALID);
  CHECK_LAST(PM_EINVALID, "`PR`");
  CHECK_RC(pm_cvss_score(&out, NULL, "CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"), PM_EINVALID);
  CHECK_LAST(PM_EINVALID, "`AV`");
  CHECK_RC(pm_cvss_score(&out, NULL, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/XX:Y"), PM_EINVALID);
  CHECK_LAST(PM_EINVALID, "`XX`");
  /* A 4.0 metric in a 3.1 vector, and a 3.x metric in a 4.0 vector. */
  CHECK_RC(pm_cvss_score(&out, NULL, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/AT:N"), PM_EINVALID);
  CHECK_LAST(PM_EINVALID, "`AT`");
  CHECK_RC(pm_cvss_base(&base, "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/C:H"),
           PM_EINVALID);
  CHECK_LAST(PM_EINVALID, "`C`");
  CHECK_RC(pm_cvss_score(&out, NULL, "CVSS:2.0/AV:N/AC:L/Au:N/C:C/I:C/A:C"), PM_EINVALID);
  CHECK_LAST(PM_EINVALID, "CVSS:3.1/");
  CHECK_RC(pm_cvss_score(&out, NULL, ""), PM_EINVALID);
  CHECK(out == NULL);

  /* A success leaves the last error as it was. */
  CHECK(same_score(base_of("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"), 9.8));
  CHECK(pm_error_last()->code == PM_EINVALID);
}

/* ------------------------------------------------------------------------------------- */
/* Import                                                                                */

/* A small Timesketch CSV: three events, one with a quoted comma, out of time order. */
static const char ts_csv[] =
    "message,datetime,timestamp_desc,user\n"
    "Mailbox rule created,2024-01-15T09:05:00+00:00,Event Recorded,alice\n"
    "Login from 203.0.113.7,2024-01-15T09:00:00+00:00,Event Recorded,alice\n"
    "\"Download of invoice.zip, 2 MB\",2024-01-15T09:10:00+00:00,Event Recorded,bob\n";

/* One more event, and a row whose datetime cannot be read (line 3, field 2). */
static const char ts_csv_more[] =
    "message,datetime,timestamp_desc,user\n"
    "Password reset,2024-01-15T11:00:00+00:00,Event Recorded,helpdesk\n"
    "Broken row,1234 19:01:01,Event Recorded,mallory\n";

static int import_text(pm_doc **out, const char *data, const char *options) {
  return pm_import(out, PM_IMPORT_TIMESKETCH_CSV, data, strlen(data), options);
}

/* The document as compact JSON (a malloc'ed copy owned by the library: pm_free it). */
static char *doc_json(const pm_doc *doc) {
  char *json = NULL;
  size_t len = 0;
  if (!CHECK_RC(pm_doc_to_json(&json, &len, doc, 0), PM_OK)) return NULL;
  CHECK(len == strlen(json));
  return json;
}

/* The number of timeline events of `doc`: each has a description, the incident skeleton none. */
static size_t event_count(const pm_doc *doc) {
  char *json = doc_json(doc);
  size_t n = json ? count_occurrences(json, "\"description\":") : 0;
  pm_free(json);
  return n;
}

static void test_import_new_document(void) {
  pm_doc *doc = NULL;
  char *json;
  const char *first, *second, *third;
  if (!CHECK_RC(import_text(&doc, ts_csv, NULL), PM_OK)) return;
  json = doc_json(doc);
  if (json != NULL) {
    CHECK(contains(json, "\"schema\":\"postmortem/1\""));
    CHECK(contains(json, "\"incident\":{"));
    CHECK(count_occurrences(json, "\"description\":") == 3);
    CHECK(contains(json, "\"description\":\"Download of invoice.zip, 2 MB\""));
    /* Appended in time order: the 09:00 login first. */
    first = strstr(json, "Login from 203.0.113.7");
    second = strstr(json, "Mailbox rule created");
    third = strstr(json, "Download of invoice.zip");
    CHECK(first != NULL && second != NULL && third != NULL && first < second && second < third);
    CHECK(contains(json, "2024-01-15T09:00:00"));
  }
  pm_free(json);
  /* The result is a document like any other: it validates. */
  {
    pm_findings *findings = NULL;
    CHECK_RC(pm_validate(&findings, doc, NULL), PM_OK);
    pm_findings_free(findings);
  }
  pm_doc_free(doc);

  /* Every timeline format constant is accepted (the data decides whether it fits). */
  doc = NULL;
  {
    static const char jsonl[] = "{\"message\":\"m\",\"datetime\":\"2024-01-15T09:00:00+00:00\","
                                "\"timestamp_desc\":\"Event Recorded\"}\n";
    CHECK_RC(pm_import(&doc, PM_IMPORT_TIMESKETCH_JSONL, jsonl, sizeof jsonl - 1, NULL), PM_OK);
    CHECK(doc != NULL && event_count(doc) == 1);
  }
  pm_doc_free(doc);

  /* Not NUL-terminated: only `len` bytes are read (here: the header and the first row). */
  doc = NULL;
  {
    const char *end_of_first_row = strchr(strchr(ts_csv, '\n') + 1, '\n') + 1;
    CHECK_RC(pm_import(&doc, PM_IMPORT_TIMESKETCH_CSV, ts_csv, (size_t)(end_of_first_row - ts_csv),
                       NULL), PM_OK);
    CHECK(doc != NULL && event_count(doc) == 1);
  }
  pm_doc_free(doc);
}

static void test_import_options(void) {
  pm_doc *doc = NULL;
  char *json;
  /* source and a clock offset for that source: every time moves five minutes later. */
  if (!CHECK_RC(import_text(&doc, ts_csv, "{\"source\": \"mail\", \"offsets\": {\"mail\": \"+00:05:00\"}}"),
                PM_OK))
    return;
  json = doc_json(doc);
  if (json != NULL) {
    CHECK(count_occurrences(json, "\"source\":\"mail\"") == 3);
    CHECK(contains(json, "2024-01-15T09:15:00"));
    CHECK(!contains(json, "2024-01-15T09:00:00"));
  }
  pm_free(json);
  pm_doc_free(doc);

  /* Bad options: PM_EINVALID, the member named, *out NULL. */
  doc = (pm_doc *)SENTINEL;
  CHECK_RC(import_text(&doc, ts_csv, "{\"stirct\": true}"), PM_EINVALID);
  CHECK(doc == NULL);
  CHECK_LAST(PM_EINVALID, "stirct");
  CHECK_RC(import_text(&doc, ts_csv, "{\"strict\": \"yes\"}"), PM_EINVALID);
  CHECK_LAST(PM_EINVALID, "strict");
  CHECK_RC(import_text(&doc, ts_csv, "{\"time_zone\": \"Mars/Olympus_Mons\"}"), PM_EINVALID);
  CHECK_LAST(PM_EINVALID, "Mars/Olympus_Mons");
  CHECK_RC(import_text(&doc, ts_csv, "not json"), PM_EINVALID);
  CHECK(doc == NULL);
}

static void test_import_into(void) {
  pm_doc *doc = NULL;
  char *before, *after;
  if (!CHECK_RC(import_text(&doc, ts_csv, NULL), PM_OK)) return;

  /* The same rows again are duplicates: nothing changes. */
  CHECK_RC(pm_import_into(doc, PM_IMPORT_TIMESKETCH_CSV, ts_csv, strlen(ts_csv), NULL), PM_OK);
  CHECK(event_count(doc) == 3);

  /* New rows are appended; the unreadable one is skipped. */
  CHECK_RC(pm_import_into(doc, PM_IMPORT_TIMESKETCH_CSV, ts_csv_more, strlen(ts_csv_more), NULL),
           PM_OK);
  CHECK(event_count(doc) == 4);

  /* A failure leaves the document exactly as it was. */
  before = doc_json(doc);
  CHECK_RC(pm_import_into(doc, PM_IMPORT_TIMESKETCH_CSV, ts_csv_more, strlen(ts_csv_more),
                          "{\"strict\": true}"), PM_EFORMAT);
  CHECK_RC(pm_import_into(doc, PM_IMPORT_PLASO_L2TCSV, ts_csv, strlen(ts_csv), NULL), PM_EFORMAT);
  CHECK_RC(pm_import_into(doc, 42, ts_csv, strlen(ts_csv), NULL), PM_EFORMAT);
  after = doc_json(doc);
  CHECK(before != NULL && after != NULL && strcmp(before, after) == 0);
  pm_free(before);
  pm_free(after);

  /* Into a parsed sample document: its own events stay, the new ones follow. */
  pm_doc_free(doc);
  doc = NULL;
  {
    size_t len = 0, events_before;
    char *text = read_example("phishing-mfa-fatigue.json", &len);
    if (text != NULL && CHECK_RC(pm_doc_parse(&doc, text, len), PM_OK)) {
      events_before = event_count(doc);
      CHECK_RC(pm_import_into(doc, PM_IMPORT_TIMESKETCH_CSV, ts_csv, strlen(ts_csv), NULL), PM_OK);
      CHECK(event_count(doc) == events_before + 3);
      after = doc_json(doc);
      CHECK(contains(after, "\"id\":\"INC-2024-0117\""));
      pm_free(after);
    }
    free(text);
  }
  pm_doc_free(doc);
}

static void test_import_with_report(void) {
  pm_doc *doc = NULL;
  char *report = (char *)SENTINEL;
  size_t len = 99;

  /* *doc NULL: a new document. */
  if (!CHECK_RC(pm_import_with_report(&report, &len, &doc, PM_IMPORT_TIMESKETCH_CSV, ts_csv,
                                      strlen(ts_csv), NULL), PM_OK))
    return;
  CHECK(doc != NULL);
  CHECK(report != NULL && len == strlen(report));
  CHECK(contains(report, "\"imported\":3"));
  CHECK(contains(report, "\"skipped\":0"));
  CHECK(contains(report, "\"format\":\"timesketch_csv\""));
  CHECK(event_count(doc) == 3);
  pm_free(report);

  /* *doc set: appended, and the report says what was skipped, where and why. */
  report = NULL;
  CHECK_RC(pm_import_with_report(&report, NULL, &doc, PM_IMPORT_TIMESKETCH_CSV, ts_csv_more,
                                 strlen(ts_csv_more), NULL), PM_OK);
  CHECK(contains(report, "\"imported\":1"));
  CHECK(contains(report, "\"skipped\":1"));
  CHECK(contains(report, "\"line\":3"));
  CHECK(contains(report, "\"column\":2"));
  CHECK(contains(report, "1234 19:01:01"));
  CHECK(event_count(doc) == 4);
  pm_free(report);

  /* Re-importing the first file: duplicates only. */
  report = NULL;
  CHECK_RC(pm_import_with_report(&report, NULL, &doc, PM_IMPORT_TIMESKETCH_CSV, ts_csv,
                                 strlen(ts_csv), NULL), PM_OK);
  CHECK(contains(report, "\"imported\":0"));
  CHECK(contains(report, "\"duplicates\":3"));
  pm_free(report);

  /* A failure: the report NULL, its length 0, the document unchanged. */
  report = (char *)SENTINEL;
  len = 99;
  CHECK_RC(pm_import_with_report(&report, &len, &doc, PM_IMPORT_TIMESKETCH_CSV, ts_csv_more,
                                 strlen(ts_csv_more), "{\"strict\": true}"), PM_EFORMAT);
  CHECK(report == NULL && len == 0);
  CHECK(event_count(doc) == 4);
  pm_doc_free(doc);

  /* A failure with *doc NULL leaves it NULL. */
  doc = NULL;
  CHECK_RC(pm_import_with_report(&report, &len, &doc, PM_IMPORT_VERIS, "{}", 2, NULL), PM_EFORMAT);
  CHECK(doc == NULL && report == NULL);
}

static void test_import_errors(void) {
  pm_doc *doc = NULL;
  char *report = (char *)SENTINEL;
  size_t len = 99;

  /* NULL arguments. */
  CHECK_RC(pm_import(NULL, PM_IMPORT_TIMESKETCH_CSV, ts_csv, strlen(ts_csv), NULL), PM_EINVALID);
  CHECK_LAST(PM_EINVALID, "pm_import: argument 'out' is NULL");
  doc = (pm_doc *)SENTINEL;
  CHECK_RC(pm_import(&doc, PM_IMPORT_TIMESKETCH_CSV, NULL, 5, NULL), PM_EINVALID);
  CHECK(doc == NULL);
  CHECK_LAST(PM_EINVALID, "'data' is NULL");
  CHECK_RC(pm_import_into(NULL, PM_IMPORT_TIMESKETCH_CSV, ts_csv, strlen(ts_csv), NULL), PM_EINVALID);
  CHECK_LAST(PM_EINVALID, "pm_import_into: argument 'doc' is NULL");
  CHECK_RC(pm_import_with_report(NULL, &len, &doc, PM_IMPORT_TIMESKETCH_CSV, ts_csv, strlen(ts_csv),
                                 NULL), PM_EINVALID);
  CHECK(len == 0);
  CHECK_LAST(PM_EINVALID, "argument 'report' is NULL");
  CHECK_RC(pm_import_with_report(&report, &len, NULL, PM_IMPORT_TIMESKETCH_CSV, ts_csv,
                                 strlen(ts_csv), NULL), PM_EINVALID);
  CHECK(report == NULL);
  CHECK_LAST(PM_EINVALID, "argument 'doc' is NULL");

  /* NULL data with length 0 is an empty input: not a timeline (no header). */
  doc = (pm_doc *)SENTINEL;
  CHECK_RC(pm_import(&doc, PM_IMPORT_TIMESKETCH_CSV, NULL, 0, NULL), PM_EFORMAT);
  CHECK(doc == NULL);

  /* Format constants. */
  /* VERIS: a whole incident, so only pm_import() takes it; "{}" is JSON but no incident. */
  CHECK_RC(pm_import(&doc, PM_IMPORT_VERIS, "{}", 2, NULL), PM_EFORMAT);
  CHECK(doc == NULL);
  CHECK_LAST(PM_EFORMAT, "VERIS");
  CHECK_RC(pm_import(&doc, PM_IMPORT_VERIS, "{}", 2, "{\"strict\": true}"), PM_EINVALID);
  CHECK_LAST(PM_EINVALID, "VERIS import takes no options");
  {
    pm_doc *target = NULL;
    CHECK_RC(parse_text(&target, "{\"schema\":\"postmortem/1\"}"), PM_OK);
    CHECK_RC(pm_import_into(target, PM_IMPORT_VERIS, "{}", 2, NULL), PM_EFORMAT);
    CHECK_LAST(PM_EFORMAT, "only pm_import() takes it");
    pm_doc_free(target);
  }
  CHECK_RC(pm_import(&doc, 0, ts_csv, strlen(ts_csv), NULL), PM_EFORMAT);
  CHECK_LAST(PM_EFORMAT, "unknown import format 0");
  CHECK_RC(pm_import(&doc, 6, ts_csv, strlen(ts_csv), NULL), PM_EFORMAT);
  CHECK_LAST(PM_EFORMAT, "unknown import format 6");
  CHECK_RC(pm_import(&doc, -1, ts_csv, strlen(ts_csv), NULL), PM_EFORMAT);
  CHECK(doc == NULL);

  /* Data in another format: no header the format needs. */
  CHECK_RC(pm_import(&doc, PM_IMPORT_PLASO_L2TCSV, ts_csv, strlen(ts_csv), NULL), PM_EFORMAT);
  CHECK(doc == NULL);

  /* Strict mode: the first unreadable row fails the import, with its line and column. */
  CHECK_RC(import_text(&doc, ts_csv_more, "{\"strict\": true}"), PM_EFORMAT);
  CHECK(doc == NULL);
  CHECK_LAST(PM_EFORMAT, "line 3");
  CHECK_LAST(PM_EFORMAT, "1234 19:01:01");
  /* ... and without it, the row is skipped. */
  CHECK_RC(import_text(&doc, ts_csv_more, "{\"strict\": false}"), PM_OK);
  CHECK(doc != NULL && event_count(doc) == 1);
  pm_doc_free(doc);
}

/* ------------------------------------------------------------------------------------- */
/* Corpus                                                                                */

/* Two incidents sharing control "CIS 6.3" (spelled two ways): the earlier one's action
 * addressing it was verified effective, so the later one is a `verified_fix_failed`
 * recurrence. Judged as of 2024-06-01. */
static const char corpus_policy_json[] = "{\"as_of\":\"2024-06-01T00:00:00Z\"}";
static const char corpus_doc1[] =
    "{\"schema\":\"postmortem/1\",\"incident\":{\"id\":\"C-1\",\"title\":\"t\","
    "\"category\":\"phishing\",\"milestones\":{\"detected_at\":\"2024-01-10T09:00:00Z\"}},"
    "\"factors\":[{\"id\":\"f1\",\"kind\":\"root_cause\",\"category\":\"technical\","
    "\"title\":\"Weak MFA\",\"control\":\"CIS 6.3\"}],"
    "\"actions\":[{\"id\":\"a1\",\"title\":\"fix\",\"type\":\"prevent\",\"addresses\":[\"f1\"],"
    "\"owner\":\"alice\",\"status\":\"verified\",\"completed_at\":\"2024-01-25T10:00:00Z\","
    "\"verification\":[{\"date\":\"2024-02-10\",\"result\":\"effective\"}]}]}";
static const char corpus_doc2[] =
    "{\"schema\":\"postmortem/1\",\"incident\":{\"id\":\"C-2\",\"title\":\"t\","
    "\"category\":\"phishing\",\"milestones\":{\"detected_at\":\"2024-04-05T10:00:00Z\"}},"
    "\"factors\":[{\"id\":\"g1\",\"kind\":\"root_cause\",\"category\":\"technical\","
    "\"title\":\"MFA fatigue\",\"control\":\"cis-6.3\"}]}";
static const char corpus_no_id[] =
    "{\"schema\":\"postmortem/1\",\"incident\":{\"title\":\"no id\"}}";

/* Lines: 1 doc1 | 2 not JSON | 3 blank | 4 wrong schema | 5 doc2 | 6 no incident.id */
static char *corpus_ndjson(void) {
  static const char bad_json[] = "{not json";
  static const char bad_schema[] = "{\"schema\":\"postmortem/2\",\"incident\":{\"id\":\"X\"}}";
  size_t n = strlen(corpus_doc1) + strlen(bad_json) + strlen(bad_schema) + strlen(corpus_doc2) +
             strlen(corpus_no_id) + 7;
  char *text = (char *)malloc(n);
  if (text != NULL)
    sprintf(text, "%s\n%s\n\n%s\n%s\n%s\n", corpus_doc1, bad_json, bad_schema, corpus_doc2,
            corpus_no_id);
  return text;
}

/* What a progress function saw, through its payload. */
typedef struct progress_log {
  unsigned calls;
  int ordered; /* every count nondecreasing, bytes_read <= bytes_total when that is known */
  uint64_t documents, bad, bytes_read, bytes_total;
} progress_log;

static void log_progress(uint64_t documents, uint64_t bad, uint64_t bytes_read,
                         uint64_t bytes_total, void *payload) {
  progress_log *log = (progress_log *)payload;
  if (log->calls > 0 && (documents < log->documents || bad < log->bad ||
                         bytes_read < log->bytes_read))
    log->ordered = 0;
  if (bytes_total != 0 && bytes_read > bytes_total) log->ordered = 0;
  ++log->calls;
  log->documents = documents;
  log->bad = bad;
  log->bytes_read = bytes_read;
  log->bytes_total = bytes_total;
}

static int corpus_counts(const pm_corpus *corpus, uint64_t documents, uint64_t bad) {
  uint64_t d = 99, b = 99;
  if (pm_corpus_count(corpus, &d, &b) != PM_OK) return 0;
  return d == documents && b == bad;
}

/* A corpus judged as of 2024-06-01 (NULL on failure, which is reported). */
static pm_corpus *new_corpus(const char *options) {
  pm_policy *policy = NULL;
  pm_corpus *corpus = NULL;
  if (!CHECK_RC(parse_policy(&policy, corpus_policy_json), PM_OK)) return NULL;
  CHECK_RC(pm_corpus_new(&corpus, policy, options), PM_OK);
  pm_policy_free(policy); /* the corpus keeps a copy */
  return corpus;
}

/* The analysis with `options`; NULL (and a failed check) on failure. pm_free it. */
static char *corpus_analysis(const pm_corpus *corpus, const char *options) {
  char *json = NULL;
  size_t len = 0;
  if (!CHECK_RC(pm_corpus_analyze(&json, &len, corpus, options), PM_OK)) return NULL;
  CHECK(len == strlen(json));
  return json;
}

static void test_corpus_new(void) {
  pm_corpus *corpus = (pm_corpus *)SENTINEL;

  CHECK_RC(pm_corpus_new(NULL, NULL, NULL), PM_EINVALID);
  CHECK_LAST(PM_EINVALID, "'out' is NULL");
  /* options that are not valid: *out NULL, the message names the member */
  CHECK_RC(pm_corpus_new(&corpus, NULL, "{\"threads\": 257}"), PM_EINVALID);
  CHECK(corpus == NULL);
  CHECK_LAST(PM_EINVALID, "threads");
  corpus = (pm_corpus *)SENTINEL;
  CHECK_RC(pm_corpus_new(&corpus, NULL, "{\"max_problems\": -1}"), PM_EINVALID);
  CHECK(corpus == NULL);
  CHECK_LAST(PM_EINVALID, "max_problems");
  CHECK_RC(pm_corpus_new(&corpus, NULL, "{\"thread\": 1}"), PM_EINVALID);
  CHECK_LAST(PM_EINVALID, "thread");
  CHECK_RC(pm_corpus_new(&corpus, NULL, "{\"threads\": \"two\"}"), PM_EINVALID);
  CHECK_RC(pm_corpus_new(&corpus, NULL, "nope"), PM_EINVALID);
  CHECK_RC(pm_corpus_new(&corpus, NULL, "[]"), PM_EINVALID);
  CHECK(corpus == NULL);

  /* NULL policy and options: the defaults; an empty corpus */
  if (CHECK_RC(pm_corpus_new(&corpus, NULL, NULL), PM_OK)) {
    CHECK(corpus != NULL);
    CHECK(corpus_counts(corpus, 0, 0));
    pm_corpus_free(corpus);
  }
  corpus = NULL;
  if (CHECK_RC(pm_corpus_new(&corpus, NULL, "{\"threads\": 256, \"max_problems\": 0}"), PM_OK))
    pm_corpus_free(corpus);
  pm_corpus_free(NULL);
}

static void test_corpus_add(void) {
  pm_corpus *corpus = new_corpus("{\"threads\": 2}");
  pm_doc *doc = NULL;
  uint64_t documents = 99;
  if (corpus == NULL) return;

  /* NULL arguments: PM_EINVALID, nothing counted */
  CHECK_RC(pm_corpus_add_json(NULL, corpus_doc1, strlen(corpus_doc1), NULL), PM_EINVALID);
  CHECK_LAST(PM_EINVALID, "'corpus' is NULL");
  CHECK_RC(pm_corpus_add_json(corpus, NULL, 5, "x"), PM_EINVALID);
  CHECK_LAST(PM_EINVALID, "'json' is NULL");
  CHECK_RC(pm_corpus_add_doc(NULL, NULL, NULL), PM_EINVALID);
  CHECK_RC(pm_corpus_add_doc(corpus, NULL, "x"), PM_EINVALID);
  CHECK_LAST(PM_EINVALID, "'doc' is NULL");
  CHECK(corpus_counts(corpus, 0, 0));

  /* A document: its bytes need not be NUL-terminated (trailing garbage is not read) */
  {
    size_t n = strlen(corpus_doc1);
    char *copy = (char *)malloc(n + 4);
    if (copy != NULL) {
      memcpy(copy, corpus_doc1, n);
      memcpy(copy + n, "}}}x", 4);
      CHECK_RC(pm_corpus_add_json(corpus, copy, n, "doc1.json"), PM_OK);
      free(copy);
    }
  }
  CHECK(corpus_counts(corpus, 1, 0));

  /* Unusable documents: an error code, and counted */
  CHECK_RC(pm_corpus_add_json(corpus, "{not json", 9, "bad.json"), PM_EPARSE);
  CHECK_RC(pm_corpus_add_json(corpus, "{\"schema\":\"postmortem/2\"}", 25, NULL), PM_EVERSION);
  CHECK_RC(pm_corpus_add_json(corpus, corpus_no_id, strlen(corpus_no_id), "noid.json"),
           PM_EINVALID);
  CHECK_RC(pm_corpus_add_json(corpus, NULL, 0, "empty.json"), PM_EPARSE); /* empty text */
  CHECK(corpus_counts(corpus, 1, 4));

  /* pm_corpus_add_doc: a parsed document; one without incident.id is skipped and counted */
  CHECK_RC(parse_text(&doc, corpus_no_id), PM_OK);
  CHECK_RC(pm_corpus_add_doc(corpus, doc, "noid-doc.json"), PM_EINVALID);
  pm_doc_free(doc);
  doc = NULL;
  CHECK_RC(parse_text(&doc, corpus_doc2), PM_OK);
  CHECK_RC(pm_corpus_add_doc(corpus, doc, NULL), PM_OK);
  pm_doc_free(doc); /* read, not kept */
  CHECK(corpus_counts(corpus, 2, 5));

  /* pm_corpus_count: either out-parameter may be NULL */
  CHECK_RC(pm_corpus_count(NULL, &documents, NULL), PM_EINVALID);
  CHECK_LAST(PM_EINVALID, "'corpus' is NULL");
  CHECK_RC(pm_corpus_count(corpus, NULL, NULL), PM_OK);
  CHECK_RC(pm_corpus_count(corpus, &documents, NULL), PM_OK);
  CHECK(documents == 2);

  /* The problems are in the analysis, ordered by source */
  {
    char *stats = corpus_analysis(corpus, "{\"top\": 0}");
    CHECK(contains(stats, "\"documents\":2,\"bad\":5"));
    CHECK(contains(stats, "\"source\":\"bad.json\""));
    CHECK(contains(stats, "\"code\":\"PM101\""));
    CHECK(contains(stats, "\"source\":\"noid.json\""));
    CHECK(contains(stats, "\"code\":\"PM102\""));
    CHECK(contains(stats, "\"problems_kept\":5"));
    CHECK(contains(stats, "\"signal\":\"verified_fix_failed\""));
    pm_free(stats);
  }
  pm_corpus_free(corpus);
}

static void test_corpus_ndjson_and_progress(void) {
  pm_corpus *corpus = new_corpus(NULL);
  progress_log log = {0, 1, 0, 0, 0, 0};
  char *text = corpus_ndjson();
  char *stats;
  if (corpus == NULL || text == NULL) {
    CHECK(text != NULL);
    pm_corpus_free(corpus);
    free(text);
    return;
  }

  CHECK_RC(pm_corpus_add_ndjson(NULL, text, strlen(text), NULL, NULL, NULL), PM_EINVALID);
  CHECK_LAST(PM_EINVALID, "'corpus' is NULL");
  CHECK_RC(pm_corpus_add_ndjson(corpus, NULL, 3, NULL, log_progress, &log), PM_EINVALID);
  CHECK_LAST(PM_EINVALID, "'data' is NULL");
  CHECK_RC(pm_corpus_add_ndjson(corpus, NULL, 0, NULL, NULL, NULL), PM_OK); /* nothing */
  CHECK(corpus_counts(corpus, 0, 0));

  /* 2 documents, 3 bad lines (2, 4, 6), the blank line 3 ignored */
  CHECK_RC(pm_corpus_add_ndjson(corpus, text, strlen(text), "mixed.ndjson", log_progress, &log),
           PM_OK);
  CHECK(corpus_counts(corpus, 2, 3));
  CHECK(log.calls >= 1);
  CHECK(log.ordered);
  CHECK(log.documents == 2 && log.bad == 3);
  CHECK(log.bytes_read == strlen(text) && log.bytes_total == strlen(text));

  stats = corpus_analysis(corpus, NULL);
  CHECK(contains(stats, "\"schema\":\"postmortem-stats/1\""));
  CHECK(contains(stats, "\"as_of\":\"2024-06-01\""));
  CHECK(contains(stats, "{\"source\":\"mixed.ndjson\",\"line\":2,"));
  CHECK(contains(stats, "{\"source\":\"mixed.ndjson\",\"line\":4,"));
  CHECK(contains(stats, "{\"source\":\"mixed.ndjson\",\"line\":6,"));
  CHECK(!contains(stats, "\"line\":3,"));
  /* C-2 repeats C-1's CIS 6.3, whose fix was verified effective */
  CHECK(contains(stats, "\"signal\":\"verified_fix_failed\""));
  CHECK(contains(stats, "\"by_signal\":{\"verified_fix_failed\":1,"));
  pm_free(stats);

  /* No progress function: the same corpus, counted twice as many */
  CHECK_RC(pm_corpus_add_ndjson(corpus, text, strlen(text), NULL, NULL, &log), PM_OK);
  free(text);
  pm_corpus_free(corpus);
}

static void test_corpus_add_path(void) {
  pm_corpus *corpus = new_corpus("{\"threads\": 2}");
  progress_log log = {0, 1, 0, 0, 0, 0};
  char *missing = example_path("no-such-folder");
  size_t i, total = 0;
  if (corpus == NULL || missing == NULL) {
    pm_corpus_free(corpus);
    free(missing);
    return;
  }
  for (i = 0; i < EXAMPLE_COUNT; ++i) {
    size_t len = 0;
    char *data = read_example(example_names[i], &len);
    total += len;
    free(data);
  }

  CHECK_RC(pm_corpus_add_path(NULL, examples_dir, NULL, NULL), PM_EINVALID);
  CHECK_LAST(PM_EINVALID, "'corpus' is NULL");
  CHECK_RC(pm_corpus_add_path(corpus, NULL, log_progress, &log), PM_EINVALID);
  CHECK_LAST(PM_EINVALID, "'path' is NULL");
  CHECK_RC(pm_corpus_add_path(corpus, missing, log_progress, &log), PM_ENOTFOUND);
  CHECK_LAST(PM_ENOTFOUND, "no-such-folder");
  CHECK(corpus_counts(corpus, 0, 0));

  /* The samples folder: three documents, one per file; a call after each file */
  log.calls = 0;
  CHECK_RC(pm_corpus_add_path(corpus, examples_dir, log_progress, &log), PM_OK);
  CHECK(corpus_counts(corpus, EXAMPLE_COUNT, 0));
  CHECK(log.calls >= EXAMPLE_COUNT);
  CHECK(log.ordered);
  CHECK(log.documents == EXAMPLE_COUNT && log.bad == 0);
  CHECK(log.bytes_read == total);
  CHECK(log.bytes_total == 0 || log.bytes_total == total);
  free(missing);
  pm_corpus_free(corpus);
}

static void test_corpus_merge_and_state(void) {
  pm_corpus *a = new_corpus(NULL), *b = new_corpus(NULL), *whole = new_corpus(NULL);
  pm_corpus *back = (pm_corpus *)SENTINEL, *later = NULL;
  pm_policy *july = NULL;
  char *state = (char *)SENTINEL, *expected = NULL, *got = NULL;
  size_t len = 99;
  if (a == NULL || b == NULL || whole == NULL) goto done;

  /* Shards: C-1 and a bad document in a, C-2 in b; the whole has all three */
  CHECK_RC(pm_corpus_add_json(a, corpus_doc1, strlen(corpus_doc1), "s"), PM_OK);
  CHECK_RC(pm_corpus_add_json(a, "[]", 2, "s"), PM_EPARSE);
  CHECK_RC(pm_corpus_add_json(b, corpus_doc2, strlen(corpus_doc2), "s"), PM_OK);
  CHECK_RC(pm_corpus_add_json(whole, corpus_doc2, strlen(corpus_doc2), "s"), PM_OK);
  CHECK_RC(pm_corpus_add_json(whole, "[]", 2, "s"), PM_EPARSE);
  CHECK_RC(pm_corpus_add_json(whole, corpus_doc1, strlen(corpus_doc1), "s"), PM_OK);

  CHECK_RC(pm_corpus_merge(NULL, b), PM_EINVALID);
  CHECK_LAST(PM_EINVALID, "'into' is NULL");
  CHECK_RC(pm_corpus_merge(a, NULL), PM_EINVALID);
  CHECK_LAST(PM_EINVALID, "'from' is NULL");
  CHECK_RC(pm_corpus_merge(a, a), PM_EINVALID);
  CHECK(corpus_counts(a, 1, 1));
  CHECK_RC(pm_corpus_merge(a, b), PM_OK);
  CHECK(corpus_counts(a, 2, 1));
  CHECK(corpus_counts(b, 1, 0)); /* unchanged */

  expected = corpus_analysis(whole, "{\"top\": 0, \"pretty\": true}");
  got = corpus_analysis(a, "{\"top\": 0, \"pretty\": true}");
  CHECK(expected != NULL && got != NULL && strcmp(expected, got) == 0);
  CHECK(contains(got, "\n"));
  pm_free(got);
  got = NULL;

  /* Another as_of day: refused, and `into` unchanged */
  if (CHECK_RC(parse_policy(&july, "{\"as_of\":\"2024-07-01T00:00:00Z\"}"), PM_OK) &&
      CHECK_RC(pm_corpus_new(&later, july, NULL), PM_OK)) {
    CHECK_RC(pm_corpus_merge(a, later), PM_EINVALID);
    CHECK_LAST(PM_EINVALID, "as_of");
    CHECK(corpus_counts(a, 2, 1));
  }

  /* pm_corpus_analyze: arguments */
  CHECK_RC(pm_corpus_analyze(NULL, &len, a, NULL), PM_EINVALID);
  CHECK(len == 0);
  got = (char *)SENTINEL;
  CHECK_RC(pm_corpus_analyze(&got, &len, NULL, NULL), PM_EINVALID);
  CHECK(got == NULL && len == 0);
  CHECK_LAST(PM_EINVALID, "'corpus' is NULL");
  got = (char *)SENTINEL;
  CHECK_RC(pm_corpus_analyze(&got, NULL, a, "{\"top\": -1}"), PM_EINVALID);
  CHECK(got == NULL);
  CHECK_LAST(PM_EINVALID, "top");
  CHECK_RC(pm_corpus_analyze(&got, NULL, a, "{\"tpo\": 3}"), PM_EINVALID);
  CHECK_RC(pm_corpus_analyze(&got, NULL, a, "not json"), PM_EINVALID);
  CHECK(got == NULL);
  CHECK_RC(pm_corpus_analyze(&got, NULL, a, "{\"top\": 1}"), PM_OK); /* out_len may be NULL */
  CHECK(contains(got, "\"postmortem-stats/1\""));
  CHECK(!contains(got, "\n"));
  pm_free(got);
  got = NULL;

  /* pm_corpus_to_json / pm_corpus_from_json: the state round trip */
  CHECK_RC(pm_corpus_to_json(NULL, &len, a), PM_EINVALID);
  CHECK_RC(pm_corpus_to_json(&state, &len, NULL), PM_EINVALID);
  CHECK(state == NULL && len == 0);
  if (!CHECK_RC(pm_corpus_to_json(&state, &len, a), PM_OK)) goto done;
  CHECK(len == strlen(state));
  CHECK(contains(state, "\"schema\":\"postmortem-corpus/1\""));
  CHECK(contains(state, "\"as_of\":\"2024-06-01\""));

  CHECK_RC(pm_corpus_from_json(NULL, state, len, NULL, NULL), PM_EINVALID);
  CHECK_RC(pm_corpus_from_json(&back, NULL, len, NULL, NULL), PM_EINVALID);
  CHECK(back == NULL);
  back = (pm_corpus *)SENTINEL;
  CHECK_RC(pm_corpus_from_json(&back, "nope", 4, NULL, NULL), PM_EPARSE);
  CHECK(back == NULL);
  CHECK_RC(pm_corpus_from_json(&back, "{}", 2, NULL, NULL), PM_EFORMAT);
  CHECK_RC(pm_corpus_from_json(&back, "{\"schema\":\"postmortem-corpus/2\"}", 32, NULL, NULL),
           PM_EFORMAT);
  CHECK(back == NULL);
  CHECK_RC(pm_corpus_from_json(&back, state, len, NULL, "{\"threads\": 999}"), PM_EINVALID);
  CHECK(back == NULL);
  if (CHECK_RC(pm_corpus_from_json(&back, state, len, NULL, "{\"threads\": 1}"), PM_OK)) {
    char *again = NULL;
    CHECK(corpus_counts(back, 2, 1));
    got = corpus_analysis(back, "{\"top\": 0, \"pretty\": true}");
    CHECK(expected != NULL && got != NULL && strcmp(expected, got) == 0);
    CHECK_RC(pm_corpus_to_json(&again, NULL, back), PM_OK);
    CHECK(again != NULL && strcmp(again, state) == 0);
    pm_free(again);
    /* a rebuilt corpus keeps the state's as_of, and takes more documents */
    CHECK_RC(pm_corpus_merge(back, later), PM_EINVALID);
    CHECK_RC(pm_corpus_add_json(back, corpus_no_id, strlen(corpus_no_id), NULL), PM_EINVALID);
    CHECK(corpus_counts(back, 2, 2));
    pm_corpus_free(back);
  }

done:
  pm_free(state);
  pm_free(expected);
  pm_free(got);
  pm_corpus_free(later);
  pm_policy_free(july);
  pm_corpus_free(a);
  pm_corpus_free(b);
  pm_corpus_free(whole);
}

/* A success leaves the last error alone (as libgit2 does); a failure replaces it. */
static void test_last_error_after_success(void) {
  pm_doc *doc = NULL;
  CHECK_RC(parse_text(&doc, "{\"schema\":\"postmortem/0\"}"), PM_EVERSION);
  CHECK_RC(parse_text(&doc, "{\"schema\":\"postmortem/1\"}"), PM_OK);
  CHECK(pm_error_last()->code == PM_EVERSION);
  pm_doc_free(doc);
  CHECK_RC(parse_text(&doc, "nope"), PM_EPARSE);
  CHECK(pm_error_last()->code == PM_EPARSE);
}

int main(int argc, char **argv) {
  size_t i;
  if (argc != 2) {
    fprintf(stderr, "usage: %s EXAMPLES_DIR\n", argv[0]);
    return 2;
  }
  examples_dir = argv[1];

  test_last_error_initial_state();
  test_version();
  test_status_codes();
  test_status_str();
  test_free_functions_accept_null();
  test_policy_parse();
  for (i = 0; i < EXAMPLE_COUNT; ++i) test_doc_round_trip(example_names[i]);
  test_doc_load();
  test_doc_load_errors();
  test_doc_parse_errors();
  test_parse_limits();
  test_doc_to_json_errors();
  test_validate_examples();
  test_validate_errors();
  test_validate_rules();
  test_metrics_example();
  test_metrics_all_examples();
  test_metrics_errors();
  test_score_example();
  test_score_empty_and_errors();
  test_plan_example();
  test_plan_cycle();
  test_plan_errors();
  test_cvss_score_v3();
  test_cvss_score_v4();
  test_cvss_errors();
  test_render_formats();
  test_render_errors();
  test_export_formats();
  test_export_errors();
  test_import_new_document();
  test_import_options();
  test_import_into();
  test_import_with_report();
  test_import_errors();
  test_corpus_new();
  test_corpus_add();
  test_corpus_ndjson_and_progress();
  test_corpus_add_path();
  test_corpus_merge_and_state();
  test_last_error_after_success();

  printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
