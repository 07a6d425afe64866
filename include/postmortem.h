/*
 * postmortem.h: the whole C API of libpostmortem, one header, C99 (also compiles as C++).
 *
 * libpostmortem turns a cybersecurity incident post-mortem (a `postmortem/1` JSON document)
 * into structured, checkable data. This header is the stable C ABI over the C++ core.
 *
 * Conventions, which every declaration below follows:
 *
 *  - Status codes. A function that can fail returns `int`: PM_OK (0) or a negative PM_E*
 *    code. Codes are never renumbered or reused; treat an unknown negative code as PM_ERROR.
 *    After a failure, pm_error_last() says why, on the same thread.
 *  - Out-parameters come first and are named `out`. On failure `*out` is set to NULL (and
 *    `*out_len` to 0) before anything else happens, so nothing leaks and nothing dangles.
 *  - Ownership. What comes back through `**out` belongs to the caller, who releases it with
 *    the library's own function: pm_doc_free(), pm_policy_free(), pm_findings_free(), or
 *    pm_free() for strings. Every free function accepts NULL. A `const char *` returned by
 *    an accessor is borrowed: it lives as long as its parent handle and is never freed.
 *  - Strings are UTF-8. Input text is given as (pointer, length) and need not be
 *    NUL-terminated; output strings are NUL-terminated and come with their length.
 *  - NULL. A NULL handle or pointer where one is required fails with PM_EINVALID and a
 *    message naming the parameter. A NULL `const pm_policy *` means the default policy.
 *  - Thread-safety. Every function is thread-safe. A handle may be read by many threads at
 *    once (every function taking a `const` handle only reads it); freeing a handle while
 *    another thread uses it is the caller's bug.
 *  - No C++ exception ever crosses this interface.
 *
 * docs/ describes the document format, the rule catalog and the ABI policy.
 */
#ifndef POSTMORTEM_H
#define POSTMORTEM_H

#include <stddef.h>
#include <stdint.h>

#include <postmortem/version.h>

/* ------------------------------------------------------------------------------------- */
/* Linkage                                                                               */

/* PM_BEGIN_DECL / PM_END_DECL enclose C declarations: extern "C" when compiled as C++. */
#ifdef __cplusplus
#define PM_BEGIN_DECL extern "C" {
#define PM_END_DECL }
#else
#define PM_BEGIN_DECL
#define PM_END_DECL
#endif

/*
 * PM_EXTERN(type) declares a public function returning `type`. Building the library
 * (PM_BUILDING) exports it; on Windows a user of the DLL (PM_SHARED, set by the CMake
 * package and pkg-config) imports it. Elsewhere it has default visibility, as the library
 * is compiled with hidden visibility.
 */
#if defined(_WIN32) || defined(__CYGWIN__)
#if defined(PM_BUILDING)
#define PM_EXTERN(type) __declspec(dllexport) type
#elif defined(PM_SHARED)
#define PM_EXTERN(type) __declspec(dllimport) type
#else
#define PM_EXTERN(type) type
#endif
#elif defined(__GNUC__) || defined(__clang__)
#define PM_EXTERN(type) __attribute__((visibility("default"))) type
#else
#define PM_EXTERN(type) type
#endif

PM_BEGIN_DECL

/* ------------------------------------------------------------------------------------- */
/* Errors                                                                                */

/** Why the last failing call on this thread failed. The layout is frozen in the ABI. */
typedef struct pm_error {
  int code;            /**< a PM_E* status code, or PM_OK */
  const char *message; /**< UTF-8, never NULL: what went wrong and where */
} pm_error;

/**
 * Status codes. Never renumbered, never reused; new codes are only appended, so callers
 * must treat an unknown negative code as PM_ERROR.
 */
enum {
  PM_OK = 0,           /**< success */
  PM_ERROR = -1,       /**< generic failure (an internal error) */
  PM_EINVALID = -2,    /**< bad argument: a NULL pointer, an index or flag out of range */
  PM_EPARSE = -3,      /**< not JSON, or its top level is not an object; the message gives
                            line, column and byte offset */
  PM_EVERSION = -4,    /**< `schema` missing, or not a version this build reads */
  PM_ENOTFOUND = -5,   /**< something asked for does not exist */
  PM_EIO = -6,         /**< a file could not be read or written */
  PM_ELIMIT = -7,      /**< a documented limit of the policy was exceeded (depth, size) */
  PM_ENOMEM = -8,      /**< out of memory */
  PM_EFORMAT = -9,     /**< unknown format constant, or import data not in that format */
  PM_EPOLICY = -10     /**< a policy that does not parse, or names an unknown rule or
                            setting */
};

/** Severities of findings, as returned by pm_findings_severity(). */
enum { PM_SEVERITY_ERROR = 0, PM_SEVERITY_WARNING = 1, PM_SEVERITY_INFO = 2 };

/** Output formats of pm_render(): the post-incident report (docs/report.md). */
enum {
  PM_FORMAT_MARKDOWN = 1, /**< Markdown (GitHub Flavored), readable as plain text */
  PM_FORMAT_HTML = 2,     /**< one self-contained HTML file: inline CSS and SVG, no scripts */
  PM_FORMAT_JSON = 3      /**< the analysis bundle: document, findings, metrics, score, plan */
};

/**
 * Input formats of pm_import(), pm_import_into() and pm_import_with_report(): forensic
 * timelines, described in docs/import.md, and VERIS incidents (docs/interop.md), which
 * pm_import() turns into a whole new document (the other two return PM_EFORMAT for them).
 */
enum {
  PM_IMPORT_TIMESKETCH_CSV = 1,   /**< Timesketch CSV (message, datetime, timestamp_desc) */
  PM_IMPORT_TIMESKETCH_JSONL = 2, /**< Timesketch JSONL: one JSON object per line */
  PM_IMPORT_PLASO_L2TCSV = 3,     /**< Plaso l2tcsv: the 17 fixed columns */
  PM_IMPORT_PLASO_DYNAMIC = 4,    /**< Plaso dynamic CSV (psort's default output) */
  PM_IMPORT_VERIS = 5             /**< a VERIS 1.3/1.4 incident: pm_import() only, a new document */
};

/** Output formats of pm_export(): the sharing formats (docs/interop.md). */
enum {
  PM_EXPORT_VERIS = 1, /**< VERIS 1.4 JSON (validates against the VERIS schema) */
  PM_EXPORT_STIX = 2   /**< a STIX 2.1 bundle: incident, courses of action, attack patterns... */
};

/** Flags of pm_doc_to_json(). */
enum {
  PM_JSON_PRETTY = 1 /**< two-space indentation, one member per line */
};

/**
 * The reason for the last failure on the calling thread.
 *
 * Never returns NULL. Before any failure on this thread it is {PM_OK, "no error"}. A call
 * that succeeds leaves it unchanged, so check the status a function returns rather than
 * polling this. The returned pointer and its message are valid until the next pm_ call on
 * the same thread; copy the message to keep it.
 *
 * Ownership: borrowed, thread-local storage of the library; never free it.
 * Thread-safety: each thread has its own last error.
 */
PM_EXTERN(const pm_error *) pm_error_last(void);

/**
 * A short, static, English description of a status code, e.g. for PM_EPARSE.
 *
 * Returns "unknown error" for a code this build does not know; never NULL.
 * Ownership: static storage; never free it. Thread-safety: pure.
 */
PM_EXTERN(const char *) pm_status_str(int code);

/**
 * Frees a string the library returned through `char **out` (pm_doc_to_json(),
 * pm_findings_to_json(), ...). Accepts NULL. Do not pass anything else; do not free those
 * strings with another allocator.
 */
PM_EXTERN(void) pm_free(void *p);

/* ------------------------------------------------------------------------------------- */
/* Version                                                                               */

/**
 * The version of the library actually loaded, as PM_VERSION_NUMBER computes it
 * (MAJOR*10000 + MINOR*100 + PATCH). Compare with PM_VERSION_NUMBER to detect a header /
 * library mismatch. Thread-safety: pure.
 */
PM_EXTERN(unsigned) pm_version_number(void);

/**
 * The version of the library actually loaded, e.g. "0.1.0" (PM_VERSION_STRING).
 * Ownership: static storage; never free it. Thread-safety: pure.
 */
PM_EXTERN(const char *) pm_version_string(void);

/**
 * The ABI number of the library actually loaded: its SONAME version, PM_ABI_VERSION when it
 * was built. A binding checks it right after loading the library. Thread-safety: pure.
 */
PM_EXTERN(int) pm_abi_version(void);

/* ------------------------------------------------------------------------------------- */
/* Policy                                                                                */

/**
 * A policy: "now" (`as_of`), per-rule severities, and parser limits, in one place. Every
 * analysis is a pure function of (document, policy). Wherever a `const pm_policy *` is
 * taken, NULL means the default policy.
 */
typedef struct pm_policy pm_policy;

/**
 * Reads a policy from `len` bytes of JSON at `json`, e.g.
 * `{"as_of": "2024-06-01T00:00:00Z", "rules": {"PM109": "off"}, "limits": {"max_depth": 64}}`.
 *
 * @param out   receives the new policy; set to NULL on failure. Required.
 * @param json  UTF-8 JSON text; need not be NUL-terminated. Required, even when len is 0.
 * @param len   number of bytes of `json`.
 * @return PM_OK; PM_EINVALID (`out` or `json` NULL); PM_EPOLICY (not JSON, an unknown
 *   member, a rule code not in the catalog, a value of the wrong type or range; the message
 *   names it); PM_ENOMEM.
 * Ownership: the caller owns `*out` and frees it with pm_policy_free().
 * Thread-safety: thread-safe.
 */
PM_EXTERN(int) pm_policy_parse(pm_policy **out, const char *json, size_t len);

/** Frees a policy. Accepts NULL. Not while another thread uses it. */
PM_EXTERN(void) pm_policy_free(pm_policy *policy);

/* ------------------------------------------------------------------------------------- */
/* Documents                                                                             */

/**
 * A parsed `postmortem/1` document, readable from many threads. Only pm_import_into() and
 * pm_import_with_report() change one (they append timeline events); nothing may use the
 * document from another thread while they run.
 */
typedef struct pm_doc pm_doc;

/**
 * Parses a `postmortem/1` document from `len` bytes of JSON at `json`, with the default
 * limits. Same as pm_doc_parse_opts(out, json, len, NULL).
 *
 * Parsing is lenient and lossless: it fails only when the bytes are not JSON, the top level
 * is not an object, `schema` is not "postmortem/1", or a limit is exceeded. Everything else
 * loads and is reported by pm_validate(); unknown members are kept for pm_doc_to_json().
 *
 * @param out   receives the new document; set to NULL on failure. Required.
 * @param json  UTF-8 JSON text; need not be NUL-terminated. Required, even when len is 0.
 * @param len   number of bytes of `json`; bytes after it are not read.
 * @return PM_OK; PM_EINVALID (`out` or `json` NULL); PM_EPARSE (not JSON or not an object;
 *   the message gives line, column and byte offset); PM_EVERSION (`schema` missing or not a
 *   version this build reads); PM_ELIMIT (nesting depth, document, string or array size over
 *   the default limits); PM_ENOMEM.
 * Ownership: the caller owns `*out` and frees it with pm_doc_free().
 * Thread-safety: thread-safe.
 */
PM_EXTERN(int) pm_doc_parse(pm_doc **out, const char *json, size_t len);

/**
 * Parses a document as pm_doc_parse() does, with the limits (nesting depth, sizes) of
 * `policy`.
 *
 * @param policy the limits to apply; NULL means the default policy. Borrowed for the call.
 * @return as pm_doc_parse(); PM_ELIMIT refers to the limits of `policy`.
 * Ownership: the caller owns `*out` and frees it with pm_doc_free().
 * Thread-safety: thread-safe; `policy` is only read.
 */
PM_EXTERN(int)
pm_doc_parse_opts(pm_doc **out, const char *json, size_t len, const pm_policy *policy);

/**
 * Reads the file at `path` and parses it as pm_doc_parse() does (default limits).
 *
 * @param out  receives the new document; set to NULL on failure. Required.
 * @param path a file name, NUL-terminated, as the operating system takes it. Required.
 * @return PM_OK; PM_EINVALID (`out` or `path` NULL); PM_EIO (the file cannot be read; the
 *   message names it); otherwise as pm_doc_parse().
 * Ownership: the caller owns `*out` and frees it with pm_doc_free().
 * Thread-safety: thread-safe.
 */
PM_EXTERN(int) pm_doc_load(pm_doc **out, const char *path);

/**
 * Serializes a document to JSON. Lossless: parsing the result gives the same document,
 * unknown members and `x_` extensions included.
 *
 * @param out     receives the JSON text (UTF-8, NUL-terminated); set to NULL on failure.
 *                Required.
 * @param out_len receives its length in bytes, without the NUL; set to 0 on failure. May be
 *                NULL when the length is not wanted.
 * @param doc     the document. Required; only read.
 * @param flags   0 for compact output, or PM_JSON_PRETTY.
 * @return PM_OK; PM_EINVALID (`out` or `doc` NULL, or a flag this build does not know);
 *   PM_ENOMEM.
 * Ownership: the caller owns `*out` and frees it with pm_free().
 * Thread-safety: thread-safe.
 */
PM_EXTERN(int) pm_doc_to_json(char **out, size_t *out_len, const pm_doc *doc, unsigned flags);

/** Frees a document. Accepts NULL. Not while another thread uses it. */
PM_EXTERN(void) pm_doc_free(pm_doc *doc);

/* ------------------------------------------------------------------------------------- */
/* Validation                                                                            */

/** The findings of one validation run: an immutable list, indexed from 0. */
typedef struct pm_findings pm_findings;

/**
 * Checks a document against every rule of the catalog that the policy leaves on.
 * Findings are ordered by JSON Pointer in document order, then by rule code.
 *
 * @param out    receives the findings (possibly none); set to NULL on failure. Required.
 * @param doc    the document. Required; only read.
 * @param policy rule severities and "now" (`as_of`); NULL means the default policy, whose
 *               "now" is the system clock. Borrowed for the call.
 * @return PM_OK (also when there are findings); PM_EINVALID (`out` or `doc` NULL);
 *   PM_ENOMEM.
 * Ownership: the caller owns `*out` and frees it with pm_findings_free().
 * Thread-safety: thread-safe; `doc` and `policy` are only read.
 */
PM_EXTERN(int) pm_validate(pm_findings **out, const pm_doc *doc, const pm_policy *policy);

/**
 * The number of findings. Returns 0 when `findings` is NULL (and sets the last error to
 * PM_EINVALID). Thread-safety: thread-safe.
 */
PM_EXTERN(size_t) pm_findings_count(const pm_findings *findings);

/**
 * The rule code of finding `i`, e.g. "PM102".
 *
 * Returns NULL when `findings` is NULL or `i` >= pm_findings_count() (and sets the last
 * error to PM_EINVALID). Ownership: borrowed; valid until pm_findings_free(findings).
 * Thread-safety: thread-safe.
 */
PM_EXTERN(const char *) pm_findings_code(const pm_findings *findings, size_t i);

/**
 * The severity of finding `i` after the policy's overrides: PM_SEVERITY_ERROR,
 * PM_SEVERITY_WARNING or PM_SEVERITY_INFO.
 *
 * Returns PM_EINVALID (negative) when `findings` is NULL or `i` >= pm_findings_count() (and
 * sets the last error to PM_EINVALID). Thread-safety: thread-safe.
 */
PM_EXTERN(int) pm_findings_severity(const pm_findings *findings, size_t i);

/**
 * Where finding `i` is: an RFC 6901 JSON Pointer into the document, e.g.
 * "/timeline/3/time"; "" for the document itself.
 *
 * Returns NULL when `findings` is NULL or `i` is out of range (and sets the last error to
 * PM_EINVALID). Ownership: borrowed; valid until pm_findings_free(findings).
 * Thread-safety: thread-safe.
 */
PM_EXTERN(const char *) pm_findings_path(const pm_findings *findings, size_t i);

/**
 * What is wrong, naming the values involved (UTF-8, one line).
 *
 * Returns NULL when `findings` is NULL or `i` is out of range (and sets the last error to
 * PM_EINVALID). Ownership: borrowed; valid until pm_findings_free(findings).
 * Thread-safety: thread-safe.
 */
PM_EXTERN(const char *) pm_findings_message(const pm_findings *findings, size_t i);

/**
 * How to fix finding `i`; "" when there is no hint.
 *
 * Returns NULL when `findings` is NULL or `i` is out of range (and sets the last error to
 * PM_EINVALID). Ownership: borrowed; valid until pm_findings_free(findings).
 * Thread-safety: thread-safe.
 */
PM_EXTERN(const char *) pm_findings_hint(const pm_findings *findings, size_t i);

/**
 * The findings as a compact JSON array of `{"code", "severity", "path", "message", "hint"?}`
 * objects, `severity` spelled "error", "warning" or "info".
 *
 * @param out      receives the JSON text (UTF-8, NUL-terminated); set to NULL on failure.
 *                 Required.
 * @param out_len  receives its length in bytes, without the NUL; set to 0 on failure. May
 *                 be NULL when the length is not wanted.
 * @param findings the findings. Required; only read.
 * @return PM_OK; PM_EINVALID (`out` or `findings` NULL); PM_ENOMEM.
 * Ownership: the caller owns `*out` and frees it with pm_free().
 * Thread-safety: thread-safe.
 */
PM_EXTERN(int) pm_findings_to_json(char **out, size_t *out_len, const pm_findings *findings);

/**
 * Frees findings, and with them every string their accessors returned. Accepts NULL. Not
 * while another thread uses them.
 */
PM_EXTERN(void) pm_findings_free(pm_findings *findings);

/* ------------------------------------------------------------------------------------- */
/* Metrics                                                                               */

/**
 * The lifecycle metrics and the timeline breakdown of a document, as compact JSON:
 * `{"milestones", "metrics", "events", "types", "assets", "key_moments", "gaps",
 * "gap_threshold_hours"}`. Milestones come from `incident.milestones` or are derived from
 * the timeline; the metrics (dwell_time, time_to_report, time_to_contain,
 * time_to_eradicate, time_to_recover, total_duration) are `{seconds, duration, from, to,
 * precision}`, plus `approximate` and `note` when an end is known only to the minute, hour
 * or day. A value that cannot be known (an end is missing) is an absent key, never null or
 * zero; a negative duration keeps its sign. docs/metrics.md documents every member.
 *
 * @param out     receives the JSON text (UTF-8, NUL-terminated); set to NULL on failure.
 *                Required.
 * @param out_len receives its length in bytes, without the NUL; set to 0 on failure. May be
 *                NULL when the length is not wanted.
 * @param doc     the document. Required; only read.
 * @param policy  supplies `thresholds.max_gap_hours` (the gaps reported); NULL means the
 *                default policy (24 hours). The result does not depend on `as_of`.
 *                Borrowed for the call.
 * @return PM_OK; PM_EINVALID (`out` or `doc` NULL); PM_ENOMEM.
 * Ownership: the caller owns `*out` and frees it with pm_free().
 * Thread-safety: thread-safe; `doc` and `policy` are only read.
 * Complexity: O(n log n) in the number of timeline events.
 */
PM_EXTERN(int) pm_metrics(char **out, size_t *out_len, const pm_doc *doc, const pm_policy *policy);

/* ------------------------------------------------------------------------------------- */
/* Score                                                                                 */

/**
 * The scores of a document, as compact JSON: `{"severity", "quality", "actions",
 * "vulnerabilities"}`. `severity` is the incident's `{score, tier, declared?, tiers_apart?,
 * terms}`: a score from 0 to 100 (one decimal) and a tier (`critical`, `high`, `medium`, `low`,
 * `informational`) computed from impact, scope, threat and determination; `quality` is
 * `{score, terms}`, how completely the post-mortem covers the essentials; `actions` holds,
 * in document order, each action's `{id?, index, score, tier, terms}` with a tier `P1`–`P4`;
 * `vulnerabilities` each vulnerability's SSVC decision `{id?, index, decision, table,
 * points}` from the CISA coordinator table (`track`, `track*`, `attend`, `act`), with the four
 * decision points `{name, value, why}`. Every term is `{name, input, level, weight, points,
 * why}`: the points of a score's terms add up to the score. docs/scoring.md documents every
 * formula and weight.
 *
 * @param out     receives the JSON text (UTF-8, NUL-terminated); set to NULL on failure.
 *                Required.
 * @param out_len receives its length in bytes, without the NUL; set to 0 on failure. May be
 *                NULL when the length is not wanted.
 * @param doc     the document. Required; only read.
 * @param policy  supplies the weights and tier boundaries (`scoring`) and
 *                `thresholds.min_events`; NULL means the default policy. The result does not
 *                depend on `as_of`. Borrowed for the call.
 * @return PM_OK; PM_EINVALID (`out` or `doc` NULL); PM_ENOMEM.
 * Ownership: the caller owns `*out` and frees it with pm_free().
 * Thread-safety: thread-safe; `doc` and `policy` are only read.
 * Complexity: O(n log n) in the size of the document.
 */
PM_EXTERN(int) pm_score(char **out, size_t *out_len, const pm_doc *doc, const pm_policy *policy);

/* ------------------------------------------------------------------------------------- */
/* Plan                                                                                  */

/**
 * The prioritized remediation plan of a document, as compact JSON:
 * `{"as_of", "sla_days", "items", "cycles", "critical_path", "overdue", "unverified",
 * "unknown_dependencies", "self_dependencies", "rejected", "counts"}`. `items` are the
 * actions that are not rejected, in plan order: each after the unfinished actions it
 * depends on; among the ready ones the highest priority score first (pm_score), ties by id;
 * open actions before done and verified ones. Each item has its `position`, `id`, `score`,
 * `tier` (P1–P4), `suggested_due` (its own `due`, else as_of + the SLA days of its tier),
 * `overdue`, `unverified`, `blocked_by`, `in_cycle` and `on_critical_path`. Dependency
 * cycles are listed with their members (`cycles`) and their actions placed after the others;
 * nothing is dropped. docs/plan.md documents every member.
 *
 * @param out     receives the JSON text (UTF-8, NUL-terminated); set to NULL on failure.
 *                Required.
 * @param out_len receives its length in bytes, without the NUL; set to 0 on failure. May be
 *                NULL when the length is not wanted.
 * @param doc     the document. Required; only read.
 * @param policy  supplies `as_of` (the day due dates count from), `plan.sla_days`,
 *                `thresholds.verify_within_days` and the scoring settings; NULL means the
 *                default policy, whose "now" is the system clock. Borrowed for the call.
 * @return PM_OK; PM_EINVALID (`out` or `doc` NULL); PM_ENOMEM.
 * Ownership: the caller owns `*out` and frees it with pm_free().
 * Thread-safety: thread-safe; `doc` and `policy` are only read.
 * Complexity: O((V + E) log V) in the actions and their dependencies.
 */
PM_EXTERN(int) pm_plan(char **out, size_t *out_len, const pm_doc *doc, const pm_policy *policy);

/* ------------------------------------------------------------------------------------- */
/* Report                                                                                */

/**
 * The post-incident report of a document (docs/report.md): executive summary, impact,
 * timeline, root causes and contributing factors with their why-chains, the remediation plan
 * in plan order, open risks, lessons learned, evidence with hashes and custody, and the
 * post-mortem's quality score and open findings. Sections with no data say so.
 *
 * Every piece of document text is escaped for its output context (attackers write some of
 * it); HTML carries a Content-Security-Policy that forbids scripts and remote loads. The
 * output depends only on the document and the policy: with a fixed `as_of` it is
 * byte-identical from run to run.
 *
 * @param out     receives the report (UTF-8, NUL-terminated); set to NULL on failure. Required.
 * @param out_len receives its length in bytes, without the NUL; set to 0 on failure. May be
 *                NULL when the length is not wanted.
 * @param doc     the document. Required; only read.
 * @param format  PM_FORMAT_MARKDOWN, PM_FORMAT_HTML or PM_FORMAT_JSON (pretty-printed).
 * @param policy  supplies `as_of` (the report's date and the plan's "now"), thresholds and
 *                scoring settings; NULL means the default policy, whose "now" is the system
 *                clock. Borrowed for the call.
 * @return PM_OK; PM_EINVALID (`out` or `doc` NULL); PM_EFORMAT (`format` is not one of the
 *         PM_FORMAT_* constants); PM_ENOMEM.
 * Ownership: the caller owns `*out` and frees it with pm_free().
 * Thread-safety: thread-safe; `doc` and `policy` are only read.
 * Complexity: the analyses' cost (pm_validate, pm_metrics, pm_score, pm_plan) plus the size
 * of the output.
 */
PM_EXTERN(int) pm_render(char **out, size_t *out_len, const pm_doc *doc, int format, const pm_policy *policy);

/* ------------------------------------------------------------------------------------- */
/* Export                                                                                */

/**
 * The document in a sharing format (docs/interop.md maps every field): VERIS 1.4 JSON, which
 * validates against the VERIS schema, or a STIX 2.1 bundle (the incident, a course-of-action
 * per action, attack-patterns, vulnerabilities, the organization's identity, relationships,
 * TLP markings), with deterministic ids, so exporting twice gives the same bytes.
 *
 * `options_json` (NULL: the defaults) may hold `"redact": true` (remove people's names,
 * owners, participants, evidence locations and x_ extensions first) or
 * `"redact": {"fields": ["incident.summary", "timeline[].description", ...]}` (those free-text
 * members too), and `"organization": "Example Corp"` (the STIX identity, the VERIS victim).
 * VERIS has no TLP marking: a VERIS export of a TLP:RED document carries none; redact it.
 *
 * @param out          receives the JSON (UTF-8, NUL-terminated, pretty-printed); set to NULL
 *                     on failure. Required.
 * @param out_len      receives its length in bytes; set to 0 on failure. May be NULL.
 * @param doc          the document. Required; only read.
 * @param format       PM_EXPORT_VERIS or PM_EXPORT_STIX.
 * @param options_json the options as JSON text, or NULL.
 * @return PM_OK; PM_EINVALID (`out` or `doc` NULL, or options that do not parse or name an
 *         unknown member or field, said in pm_error_last()); PM_EFORMAT (an unknown format);
 *         PM_ENOMEM.
 * Ownership: the caller owns `*out` and frees it with pm_free().
 * Thread-safety: thread-safe; `doc` is only read.
 * Complexity: O(size of the document).
 */
PM_EXTERN(int) pm_export(char **out, size_t *out_len, const pm_doc *doc, int format, const char *options_json);

/* ------------------------------------------------------------------------------------- */
/* CVSS                                                                                  */

/*
 * CVSS v3.0, v3.1 and v4.0 vectors, scored exactly as the FIRST specifications define
 * (v4.0 rounded as the Red Hat reference calculator does). A vector starts with `CVSS:3.0/`,
 * `CVSS:3.1/` or `CVSS:4.0/`, then `METRIC:VALUE` pairs joined by `/`, every mandatory base
 * metric present, none twice; docs/cvss.md has the details. These functions need no document.
 */

/**
 * Scores a CVSS vector, as compact JSON:
 * `{"version", "vector", "base", "temporal"?, "environmental"?, "overall"?, "severity",
 * "macro_vector"?}`, e.g. for `CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H`:
 * `{"version":"3.1","vector":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H","base":9.8,
 * "severity":"Critical"}`.
 *
 * `version` is "3.0", "3.1" or "4.0"; `vector` is normalised (metrics in the
 * specification's order); scores are numbers with one decimal, 0.0 to 10.0. `temporal`
 * and `environmental` (v3) are present when a temporal or environmental metric is given
 * (not X); `overall` (v4: the CVSS-BT, -BE or -BTE score) when a threat or environmental
 * metric is; `macro_vector` (v4 only) is the six EQ digits, e.g. "000200". `severity` is
 * "None", "Low", "Medium", "High" or "Critical" of the most specific score. Absent values
 * are absent keys, never null.
 *
 * @param out     receives the JSON text (UTF-8, NUL-terminated); set to NULL on failure.
 *                Required.
 * @param out_len receives its length in bytes, without the NUL; set to 0 on failure. May be
 *                NULL when the length is not wanted.
 * @param vector  the vector, UTF-8, NUL-terminated. Required.
 * @return PM_OK; PM_EINVALID (`out` or `vector` NULL, or a vector that is not valid: an
 *   unknown prefix, an unknown or duplicate metric, a value the metric does not take, a
 *   missing mandatory metric; the message names the metric); PM_ENOMEM.
 * Ownership: the caller owns `*out` and frees it with pm_free().
 * Thread-safety: thread-safe (a pure function of `vector`).
 */
PM_EXTERN(int) pm_cvss_score(char **out, size_t *out_len, const char *vector);

/**
 * The base score of a CVSS vector (v4.0: the CVSS-B score, from the base metrics only),
 * e.g. 9.8 for `CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H`. The vector is checked as
 * pm_cvss_score() checks it, threat and environmental metrics included.
 *
 * @param out    receives the score, 0.0 to 10.0 with one decimal; set to NaN on failure.
 *               Required.
 * @param vector the vector, UTF-8, NUL-terminated. Required.
 * @return PM_OK; PM_EINVALID (`out` or `vector` NULL, or a vector that is not valid, as for
 *   pm_cvss_score(); the message names the metric); PM_ENOMEM.
 * Thread-safety: thread-safe (a pure function of `vector`).
 */
PM_EXTERN(int) pm_cvss_base(double *out, const char *vector);

/* ------------------------------------------------------------------------------------- */
/* Import                                                                                */

/*
 * Forensic timelines (Timesketch CSV and JSONL, Plaso l2tcsv and dynamic CSV) turned into
 * `postmortem/1` timeline events: each gets its UTC time, a description, a source, a
 * deterministic id and the row's other columns as `x_` members. docs/import.md documents the
 * column mappings, the options and the report.
 *
 * `options_json` (NULL: the defaults) is a NUL-terminated JSON object, e.g.
 * `{"strict": true, "offsets": {"syslog": "+00:05:00"}, "time_zone": "Europe/Berlin"}`;
 * its members are `strict`, `source`, `offsets`, `time_zone`, `zone_abbreviations`,
 * `dedupe_seconds`, `event_type`, `id_prefix`, `columns`, `min_time` and `max_time`.
 *
 * Rows that cannot be read are skipped and counted (pm_import_with_report() says which and
 * why); with `"strict": true` the first one fails the import with PM_EFORMAT instead.
 */

/**
 * Imports a timeline into a new document: `schema`, a skeleton `incident` (an `id` and a
 * `title` to complete) and the imported events, in time order.
 *
 * @param out          receives the new document; set to NULL on failure. Required.
 * @param format       a PM_IMPORT_* constant.
 * @param data         the timeline, UTF-8; need not be NUL-terminated. May be NULL only
 *                     when `len` is 0 (an empty input, which has no header: PM_EFORMAT).
 * @param len          number of bytes of `data`.
 * @param options_json the import options as JSON (see above), NUL-terminated; NULL means
 *                     the defaults.
 * @return PM_OK (also when rows were skipped); PM_EINVALID (`out` NULL, `data` NULL with
 *   `len` > 0, or `options_json` not valid: the message names the member);
 *   PM_EFORMAT (an unknown `format`, data not in that format (no header, a mandatory column
 *   missing; for PM_IMPORT_VERIS: JSON that is not a VERIS incident), or in strict mode an
 *   unreadable row: the message gives its line and column); PM_EPARSE (PM_IMPORT_VERIS:
 *   not JSON); PM_ENOMEM. PM_IMPORT_VERIS takes no options (NULL or `{}`).
 * Ownership: the caller owns `*out` and frees it with pm_doc_free().
 * Thread-safety: thread-safe.
 */
PM_EXTERN(int)
pm_import(pm_doc **out, int format, const char *data, size_t len, const char *options_json);

/**
 * Imports a timeline into an existing document: the events are appended to its timeline,
 * after the events it has, in time order; rows that repeat an event of the document (same
 * source, description and time) are counted as duplicates, not added again, so importing a
 * file twice changes nothing the second time.
 *
 * All or nothing: on failure `doc` is unchanged.
 *
 * @param doc the document to extend. Required.
 * @return as pm_import(); PM_EINVALID also when `doc` is NULL.
 * Thread-safety: changes `doc`: no other thread may use it during the call.
 */
PM_EXTERN(int)
pm_import_into(pm_doc *doc, int format, const char *data, size_t len, const char *options_json);

/**
 * Imports a timeline as pm_import() or pm_import_into() do, and returns the import report:
 * how many rows were read, imported, skipped and merged as duplicates, and the first
 * problems with their line and column, e.g.
 * `{"format":"timesketch_csv","rows":4,"imported":3,"skipped":1,"duplicates":0,
 *   "problems":[{"line":5,"column":2,"field":"datetime","message":"..."}]}`
 * (docs/import.md has every member). This is how a caller learns about skipped rows
 * without strict mode.
 *
 * @param report     receives the report as compact JSON (UTF-8, NUL-terminated); set to
 *                   NULL on failure. Required.
 * @param report_len receives its length in bytes, without the NUL; set to 0 on failure.
 *                   May be NULL when the length is not wanted.
 * @param doc        Required. When `*doc` is NULL, a new document (as pm_import() makes)
 *                   is stored in `*doc` on success; otherwise the events are appended to
 *                   `*doc` as pm_import_into() does. On failure `*doc` is unchanged (still
 *                   NULL, or the same, unchanged document).
 * @return as pm_import(); PM_EINVALID also when `report` or `doc` is NULL.
 * Ownership: the caller owns `*report` (free it with pm_free()) and a document stored in
 *   `*doc` (free it with pm_doc_free()).
 * Thread-safety: thread-safe; an existing `*doc` is changed: no other thread may use it
 *   during the call.
 */
PM_EXTERN(int)
pm_import_with_report(char **report, size_t *report_len, pm_doc **doc, int format,
                      const char *data, size_t len, const char *options_json);

/* ------------------------------------------------------------------------------------- */
/* Corpus: learning across post-mortems                                                  */

/*
 * A corpus folds many documents into mergeable aggregates (it never keeps the documents)
 * and analyses them: trends by month and quarter, recurring root causes, recurrences and
 * what the earlier remediation had come to, remediation health by owner and team, ATT&CK
 * technique coverage, and the re-verification worklist. docs/corpus.md documents the
 * analysis JSON (`postmortem-stats/1`) and the state JSON (`postmortem-corpus/1`).
 *
 * Results do not depend on the order documents are added in, on the number of threads, or
 * on how documents were split between corpora later merged with pm_corpus_merge().
 * Documents that cannot be used (not JSON, wrong `schema`, a limit exceeded, no
 * `incident.id`) are skipped and counted; the first `max_problems` are kept with their file
 * and line and appear in the analysis.
 */

/** A corpus: aggregates over many post-mortems (opaque). */
typedef struct pm_corpus pm_corpus;

/**
 * Progress of a loading call: documents added and skipped so far, bytes read so far and
 * the bytes the call will read (0 when unknown). Called on the calling thread after each
 * block or file and once at the end; it must not use the corpus being loaded.
 */
typedef void (*pm_progress_fn)(uint64_t documents, uint64_t bad, uint64_t bytes_read,
                               uint64_t bytes_total, void *payload);

/**
 * Makes an empty corpus.
 *
 * @param out          receives the corpus; set to NULL on failure. Required.
 * @param policy       supplies `as_of` (the day "overdue" and "due for re-verification" are
 *                     judged on; the system clock's day when absent), `thresholds` and the
 *                     scoring settings; copied. NULL means the default policy.
 * @param options_json NULL (defaults) or a JSON object: `threads` (loading threads, 0 = one
 *                     per core, at most 256) and `max_problems` (problems kept; default 1000).
 * @return PM_OK; PM_EINVALID (`out` NULL, or options that are not valid: the message names
 *   the member); PM_ENOMEM.
 * Ownership: the caller owns `*out` and frees it with pm_corpus_free().
 * Thread-safety: thread-safe.
 */
PM_EXTERN(int) pm_corpus_new(pm_corpus **out, const pm_policy *policy, const char *options_json);

/**
 * Adds one parsed document.
 *
 * @param corpus Required.
 * @param doc    Required; read, not kept.
 * @param source the name problems are reported with (a file name); NULL means "".
 * @return PM_OK when it was added; PM_EINVALID (`corpus` or `doc` NULL, or a document
 *   without `incident.id`, which is also counted as skipped); PM_ENOMEM.
 * Thread-safety: changes `corpus`: no other thread may use it during the call.
 */
PM_EXTERN(int) pm_corpus_add_doc(pm_corpus *corpus, const pm_doc *doc, const char *source);

/**
 * Parses and adds one document.
 *
 * @param json   the document, UTF-8; need not be NUL-terminated. May be NULL only when
 *               `len` is 0.
 * @param source the name problems are reported with; NULL means "".
 * @return PM_OK when it was added; PM_EPARSE, PM_EVERSION or PM_ELIMIT when it does not
 *   parse and PM_EINVALID when it has no `incident.id` (each also counted as skipped and
 *   kept as a problem); PM_EINVALID (`corpus` NULL, `json` NULL with `len` > 0); PM_ENOMEM.
 * Thread-safety: changes `corpus`: no other thread may use it during the call.
 */
PM_EXTERN(int)
pm_corpus_add_json(pm_corpus *corpus, const char *json, size_t len, const char *source);

/**
 * Adds every non-blank line of NDJSON as one document, parsing on the corpus's threads.
 * Lines that cannot be used are skipped, counted and kept as problems with their line.
 *
 * @param data     the NDJSON, UTF-8; need not be NUL-terminated. May be NULL only when
 *                 `len` is 0.
 * @param source   the name problems are reported with; NULL means "".
 * @param progress NULL, or called as described at pm_progress_fn.
 * @param payload  passed to `progress` unchanged.
 * @return PM_OK (also when lines were skipped); PM_EINVALID (`corpus` NULL, `data` NULL with
 *   `len` > 0); PM_ENOMEM.
 * Thread-safety: changes `corpus`: no other thread may use it during the call.
 */
PM_EXTERN(int)
pm_corpus_add_ndjson(pm_corpus *corpus, const char *data, size_t len, const char *source,
                     pm_progress_fn progress, void *payload);

/**
 * Adds a file or a directory. A file is NDJSON when its first line is a complete JSON value,
 * else one document; a directory contributes every `*.json`, `*.ndjson` and `*.jsonl` file
 * under it, recursively, in path order (names starting with `.` are skipped). Files are
 * read in blocks and parsed on the corpus's threads.
 *
 * @param path     NUL-terminated. Required.
 * @param progress NULL, or called as described at pm_progress_fn.
 * @param payload  passed to `progress` unchanged.
 * @return PM_OK (also when documents were skipped); PM_ENOTFOUND (no such path); PM_EIO (a
 *   file cannot be read; documents already added stay added); PM_EINVALID (`corpus` or
 *   `path` NULL); PM_ENOMEM.
 * Thread-safety: changes `corpus`: no other thread may use it during the call.
 */
PM_EXTERN(int)
pm_corpus_add_path(pm_corpus *corpus, const char *path, pm_progress_fn progress, void *payload);

/**
 * Folds the aggregates of `from` into `into`; `from` is unchanged. Analysing shards and
 * merging them gives exactly the analysis of the whole.
 *
 * @return PM_OK; PM_EINVALID (a NULL argument, `into` == `from`, or corpora built with a
 *   different `as_of` day or `verify_within_days`: the message says which); PM_ENOMEM.
 * Thread-safety: changes `into`; `from` may be read by other threads meanwhile.
 */
PM_EXTERN(int) pm_corpus_merge(pm_corpus *into, const pm_corpus *from);

/**
 * The analysis as JSON, `postmortem-stats/1` (docs/corpus.md).
 *
 * @param out          receives the JSON (UTF-8, NUL-terminated); set to NULL on failure.
 *                     Required.
 * @param out_len      receives its length in bytes, without the NUL; may be NULL.
 * @param corpus       Required.
 * @param options_json NULL (defaults) or a JSON object: `top` (entries in the ranked lists,
 *                     default 20, 0 = all) and `pretty` (bool).
 * @return PM_OK; PM_EINVALID (a NULL required argument, options that are not valid);
 *   PM_ENOMEM.
 * Ownership: the caller owns `*out` and frees it with pm_free().
 * Thread-safety: reads `corpus`; other threads may read it meanwhile.
 */
PM_EXTERN(int)
pm_corpus_analyze(char **out, size_t *out_len, const pm_corpus *corpus, const char *options_json);

/**
 * The corpus's aggregates as JSON, `postmortem-corpus/1`: what a shard of a distributed run
 * returns, to be read back with pm_corpus_from_json() and merged.
 *
 * @return PM_OK; PM_EINVALID (`out` or `corpus` NULL); PM_ENOMEM.
 * Ownership: the caller owns `*out` and frees it with pm_free().
 * Thread-safety: reads `corpus`; other threads may read it meanwhile.
 */
PM_EXTERN(int) pm_corpus_to_json(char **out, size_t *out_len, const pm_corpus *corpus);

/**
 * A corpus rebuilt from pm_corpus_to_json(). Its as_of and thresholds are the state's.
 *
 * @param out          receives the corpus; set to NULL on failure. Required.
 * @param json         the state; need not be NUL-terminated. Required.
 * @param len          number of bytes of `json`.
 * @param policy       supplies only the ATT&CK names used by the analysis; NULL: built in.
 * @param options_json as for pm_corpus_new().
 * @return PM_OK; PM_EPARSE (not JSON); PM_EFORMAT (not a `postmortem-corpus/1` state: the
 *   message gives the JSON Pointer); PM_EINVALID (a NULL required argument); PM_ENOMEM.
 * Ownership: the caller owns `*out` and frees it with pm_corpus_free().
 * Thread-safety: thread-safe.
 */
PM_EXTERN(int)
pm_corpus_from_json(pm_corpus **out, const char *json, size_t len, const pm_policy *policy,
                    const char *options_json);

/**
 * Documents added to the corpus, and documents skipped.
 *
 * @param corpus    Required.
 * @param documents receives the count of documents added; may be NULL.
 * @param bad       receives the count of documents skipped; may be NULL.
 * @return PM_OK; PM_EINVALID (`corpus` NULL).
 * Thread-safety: reads `corpus`.
 */
PM_EXTERN(int) pm_corpus_count(const pm_corpus *corpus, uint64_t *documents, uint64_t *bad);

/** Frees a corpus. Accepts NULL. */
PM_EXTERN(void) pm_corpus_free(pm_corpus *corpus);

PM_END_DECL

#endif /* POSTMORTEM_H */
