#!/usr/bin/env python3
"""End-to-end tests of the `postmortem` command-line tool (Python 3 stdlib only).

Every case runs the real executable with tests/ as the working directory, so the file names in
its output are short and stable (data/examples/phishing-mfa-fatigue.json). Cases either compare
output with a golden file in tests/cli/golden/ or assert behaviour directly (exit codes, the
JSON shape, text and JSON agreeing, --rule removing exactly one code...). Every run also asserts
that stdout and stderr are valid UTF-8 with no control or bidi characters (escaping).

Usage:
  python3 tests/cli/run_cli_tests.py --cli build/examples/cli/postmortem [CASE...]
  python3 tests/cli/run_cli_tests.py --cli ... --list           # the case names (ctest uses it)
  python3 tests/cli/run_cli_tests.py --cli ... --update [CASE...]

--update rewrites the golden files of the selected cases (all when none is named) instead of
comparing, and with no CASE also deletes golden files that no case writes any more. The other
assertions still run. Review the result with `git diff tests/cli/golden` before committing:
a golden is a claim that the output is right. From a build tree, `cmake --build BUILD --target
update_cli_goldens` does the same for every case.
"""

import argparse
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent       # tests/cli
TESTS = HERE.parent                          # tests/: the working directory of every run
GOLDEN = HERE / "golden"
SAMPLES = sorted(p.stem for p in (TESTS / "data" / "examples").glob("*.json"))
# Documents with per-document golden cases: the samples (expected clean) and one document with
# one flaw per rule (tests/cli/data/flawed.json).
DOCUMENTS = {stem: f"data/examples/{stem}.json" for stem in SAMPLES} | {"flawed": "cli/data/flawed.json"}
AS_OF = "--as-of=2024-07-01T00:00:00Z"  # after every time in the samples; never "today"
SEVERITIES = ["error", "warning", "info"]    # most severe first, as --fail-on ranks them
SKIP = 77                                    # ctest SKIP_RETURN_CODE


def drain_pty(master):
    """Reads a pseudo-terminal's master side until the child closes it, then closes it."""
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the other side is closed
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    return b"".join(chunks)


def cli_data(name):
    return f"cli/data/{name}"


# --- The same definition of "unsafe for a terminal" as examples/cli/terminal.cpp -------------
UNSAFE = [(0x00, 0x1F), (0x7F, 0x9F), (0x061C, 0x061C), (0x200B, 0x200F), (0x2028, 0x202E),
          (0x2060, 0x206F), (0xFEFF, 0xFEFF), (0xFFF9, 0xFFFB)]


def unsafe_chars(text, allow="\n"):
    return sorted({c for c in text if c not in allow and any(a <= ord(c) <= b for a, b in UNSAFE)})


class Failure(Exception):
    pass


class Result:
    def __init__(self, args, code, out, err):
        self.args, self.code, self.out, self.err = args, code, out, err

    def describe(self):
        return (f"$ postmortem {shlex.join(self.args)}\n[exit {self.code}]\n"
                f"--- stdout\n{self.out}--- stderr\n{self.err}---")


class Runner:
    def __init__(self, cli, update, version):
        self.cli, self.update, self.version = cli, update, version
        self.written = set()

    def env(self, extra=None):
        env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "TERM")}
        env["LC_ALL"] = "C"  # strerror texts in English
        env.update(extra or {})
        return env

    def run(self, *args, expect=None, stdin=None, env=None, cwd=TESTS, stdout=None):
        """Runs the CLI; checks the exit status (when `expect` is given) and that the output is
        valid UTF-8 without raw control or bidi characters."""
        args = list(args)
        stdin_bytes = Path(TESTS / stdin).read_bytes() if isinstance(stdin, str) else stdin
        p = subprocess.run([self.cli] + args, input=stdin_bytes if stdin_bytes is not None else b"",
                           stdout=stdout if stdout is not None else subprocess.PIPE,
                           stderr=subprocess.PIPE, cwd=cwd, env=self.env(env), timeout=60)
        out, err = (p.stdout or b""), p.stderr
        try:
            r = Result(args, p.returncode, out.decode("utf-8"), err.decode("utf-8"))
        except UnicodeDecodeError as e:
            raise Failure(f"output of `postmortem {shlex.join(args)}` is not valid UTF-8: {e}")
        for name, text in (("stdout", r.out), ("stderr", r.err)):
            bad = unsafe_chars(text)
            if bad:
                raise Failure(f"{name} contains raw unsafe characters {[hex(ord(c)) for c in bad]}:\n"
                              + r.describe())
        if expect is not None and r.code != expect:
            raise Failure(f"expected exit status {expect}, got {r.code}:\n" + r.describe())
        return r

    def check(self, condition, what, result=None):
        if not condition:
            raise Failure(what + ("\n" + result.describe() if result else ""))

    def golden(self, name, actual):
        path = GOLDEN / name
        self.written.add(name)
        if self.update:
            GOLDEN.mkdir(exist_ok=True)
            if not path.exists() or path.read_text(encoding="utf-8") != actual:
                path.write_text(actual, encoding="utf-8")
                print(f"  updated {path.relative_to(TESTS.parent)}")
            return
        if not path.exists():
            raise Failure(f"golden file {path} is missing; create it with --update and review it")
        expected = path.read_text(encoding="utf-8")
        if expected != actual:
            import difflib
            diff = "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True),
                                                f"golden/{name}", "actual"))
            raise Failure(f"output differs from golden/{name} (if the change is intended, run "
                          f"with --update and review the diff):\n{diff}")


def transcript(results):
    """Several runs as one reviewable text: command, stdout, [stderr] lines, exit status."""
    parts = []
    for r in results:
        lines = [f"$ postmortem {shlex.join(r.args)}"]
        lines += r.out.splitlines()
        lines += ["[stderr] " + line for line in r.err.splitlines()]
        lines.append(f"[exit {r.code}]")
        parts.append("\n".join(lines) + "\n")
    return "\n".join(parts)


def usage_errors(t, runs):
    """Runs each argument list expecting a usage or input error: exit 2, nothing on stdout,
    one line on stderr starting "postmortem: ". Returns the results, in order."""
    results = []
    for args in runs:
        r = t.run(*args, expect=2)
        t.check(r.out == "", "nothing on stdout", r)
        t.check(r.err.startswith("postmortem: ") and r.err.count("\n") == 1, "one line on stderr", r)
        results.append(r)
    return results


def findings_of(t, *args, expect=None, **kw):
    """Runs `check --format json`; returns (result, parsed JSON) after checking its shape."""
    r = t.run("check", "--format", "json", *args, expect=expect, **kw)
    try:
        doc = json.loads(r.out)
    except ValueError as e:
        raise Failure(f"--format json output is not JSON: {e}\n" + r.describe())
    check_json_shape(t, doc, r)
    return r, doc


def check_json_shape(t, doc, r):
    t.check(isinstance(doc, dict) and list(doc) == ["files", "summary"],
            "top level must be {files, summary}", r)
    counts = {s: 0 for s in SEVERITIES}
    for entry in doc["files"]:
        t.check(list(entry) == ["file", "findings"], f"bad file entry {entry!r}", r)
        for f in entry["findings"]:
            t.check(set(f) <= {"code", "severity", "path", "message", "hint"}
                    and {"code", "severity", "path", "message"} <= set(f), f"bad finding keys {f!r}", r)
            t.check(re.fullmatch(r"PM\d{3}", f["code"]) is not None, f"bad code {f['code']!r}", r)
            t.check(f["severity"] in SEVERITIES, f"bad severity {f['severity']!r}", r)
            t.check(f["path"] == "" or f["path"].startswith("/"), f"bad JSON Pointer {f['path']!r}", r)
            t.check(f["message"] != "", "empty message", r)
            counts[f["severity"]] += 1
    s = doc["summary"]
    expected = {"files": len(doc["files"]), "unreadable": s.get("unreadable"),
                "errors": counts["error"], "warnings": counts["warning"], "info": counts["info"]}
    t.check(s == expected, f"summary {s} does not match the findings {expected}", r)


def escape_terminal(text):
    """Python twin of escape_for_terminal (valid UTF-8 input only)."""
    out = []
    for c in text:
        if unsafe_chars(c, allow=""):
            out.append({"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(
                c, f"\\x{ord(c):02x}" if ord(c) < 0x80 else f"\\u{ord(c):04x}"))
        else:
            out.append(c)
    return "".join(out)


def text_lines(file, findings):
    """The text format's lines for one file, derived from its JSON findings."""
    lines = []
    for f in findings:
        where = escape_terminal(file) + (f": {escape_terminal(f['path'])}" if f["path"] else "")
        lines.append(f"{where}: {f['severity']} {f['code']}: {escape_terminal(f['message'])}")
        if f.get("hint"):
            lines.append(f"  hint: {escape_terminal(f['hint'])}")
    return lines


def summary_line(files, errors, warnings, info, unreadable=0):
    plural = lambda n, w: f"{n} {w}{'' if n == 1 else 's'}"
    head = f"{plural(files, 'file')} checked" + (f" ({unreadable} could not be read)" if unreadable else "")
    return f"{head}: {plural(errors, 'error')}, {plural(warnings, 'warning')}, {info} info"


# --- Cases ----------------------------------------------------------------------------------
CASES = {}


def case(name):
    def register(fn):
        assert name not in CASES, name
        CASES[name] = fn
        return fn
    return register


def document_cases():
    for stem, path in DOCUMENTS.items():
        @case(f"check_text.{stem}")
        def _(t, stem=stem, path=path):
            # --fail-on none: the golden shows the findings; exit statuses are tested below.
            r = t.run("check", "--fail-on", "none", AS_OF, path, expect=0)
            t.check(r.err == "", "stderr must be empty", r)
            t.golden(f"check_text.{stem}.out", r.out)

        @case(f"check_json.{stem}")
        def _(t, stem=stem, path=path):
            r, doc = findings_of(t, "--fail-on=none", AS_OF, path, expect=0)
            t.check(r.err == "", "stderr must be empty", r)
            t.check([e["file"] for e in doc["files"]] == [path], "file name", r)
            t.golden(f"check_json.{stem}.out", r.out)
            # The text format says exactly what the JSON says.
            text = t.run("check", "--fail-on", "none", AS_OF, path, expect=0)
            s = doc["summary"]
            expected = text_lines(path, doc["files"][0]["findings"]) + [
                summary_line(1, s["errors"], s["warnings"], s["info"])]
            t.check(text.out.splitlines() == expected, "text and JSON output disagree:\n"
                    + "\n".join(expected), text)

        @case(f"fail_on.{stem}")
        def _(t, stem=stem, path=path):
            _, doc = findings_of(t, "--fail-on=none", AS_OF, path, expect=0)
            present = {f["severity"] for f in doc["files"][0]["findings"]}
            for i, level in enumerate(SEVERITIES):
                fails = any(s in present for s in SEVERITIES[:i + 1])
                t.run("check", AS_OF, "--fail-on", level, path, expect=1 if fails else 0)
            if "error" not in present:
                t.run("check", AS_OF, path, expect=0)  # the default is --fail-on error


document_cases()


# --- postmortem metrics -----------------------------------------------------------------------
METRIC_NAMES = ["dwell_time", "time_to_report", "time_to_contain", "time_to_eradicate",
                "time_to_recover", "total_duration"]
MILESTONE_NAMES = ["started_at", "detected_at", "reported_at", "contained_at", "eradicated_at",
                   "recovered_at", "closed_at"]
METRICS_KEYS = ["milestones", "metrics", "events", "types", "assets", "key_moments", "gaps",
                "gap_threshold_hours"]
# The samples' metrics in seconds, worked out by hand in tests/cpp/metrics_test.cpp (None: unknown).
SAMPLE_METRICS = {
    "phishing-mfa-fatigue": [4970, 420, 1560, None, 17700, 634670],
    "network-breach-vpn-appliance": [299760, 1500, 32400, 59400, 118800, 418560],
    "data-exfiltration-cloud-bucket": [560931, 183600, 2100, 424800, 936000, 1496931],
}


def run_json(t, command, *args, expect=0, **kw):
    """Runs `COMMAND --format json ARGS`; returns (result, parsed JSON), failing the case when
    the output is not JSON."""
    r = t.run(command, "--format", "json", *args, expect=expect, **kw)
    try:
        return r, json.loads(r.out)
    except ValueError as e:
        raise Failure(f"{command} --format json output is not JSON: {e}\n" + r.describe())


def human_duration(seconds):
    """Python twin of the CLI's readable durations: 1h 22m 50s, 7d 8h, -30m, 0s."""
    s = abs(seconds)
    parts = [f"{n}{u}" for n, u in ((s // 86400, "d"), (s // 3600 % 24, "h"), (s // 60 % 60, "m"),
                                    (s % 60, "s")) if n]
    return ("-" if seconds < 0 else "") + (" ".join(parts) or "0s")


def metrics_of(t, *args, expect=0, **kw):
    """Runs `metrics --format json`; returns (result, parsed JSON) after checking its shape:
    the members in order, no null anywhere, every metric and milestone well-formed."""
    r, m = run_json(t, "metrics", *args, expect=expect, **kw)
    t.check(list(m) == METRICS_KEYS, f"top-level members must be {METRICS_KEYS}", r)
    t.check("null" not in r.out, "absent values are absent keys, never null", r)
    t.check(list(m["milestones"]) == [n for n in MILESTONE_NAMES if n in m["milestones"]],
            "milestones in lifecycle order", r)
    for name, ms in m["milestones"].items():
        t.check(set(ms) <= {"time", "source", "event_id", "precision"}
                and ms["source"] in ("milestone", "derived")
                and ("event_id" in ms) <= (ms["source"] == "derived"), f"milestone {name}: {ms}", r)
    t.check(list(m["metrics"]) == [n for n in METRIC_NAMES if n in m["metrics"]], "metric order", r)
    for name, v in m["metrics"].items():
        t.check(list(v)[:5] == ["seconds", "duration", "from", "to", "precision"]
                and (v["precision"] == "second") == ("approximate" not in v and "note" not in v),
                f"metric {name}: {v}", r)
        t.check(v["from"] in m["milestones"] and v["to"] in m["milestones"],
                f"metric {name} must name known milestones", r)
    return r, m


def metrics_text_agrees(t, m, text):
    """The text tables say what the JSON says: every milestone and metric row."""
    lines = text.out.splitlines()

    def row(name):
        found = [line for line in lines if re.match(rf"  {re.escape(name)}\s", line)]
        t.check(len(found) == 1, f"one row for {name}", text)
        return found[0]

    for name in MILESTONE_NAMES:
        ms = m["milestones"].get(name)
        expected = (rf"  {name}\s+unknown$" if ms is None else
                    rf"  {name}\s+{re.escape(ms['time'])}\s+{ms['precision']}\s+{ms['source']}"
                    + (rf"\s+{re.escape(escape_terminal(ms['event_id']))}$" if "event_id" in ms else "$"))
        t.check(re.match(expected, row(name)) is not None, f"milestone row {name}: {expected}", text)
    for name in METRIC_NAMES:
        v = m["metrics"].get(name)
        if v is None:
            t.check(re.match(rf"  {name}\s+unknown\s", row(name)) is not None, f"{name} unknown", text)
            continue
        mark = "≈ " if v.get("approximate") else ""
        expected = (rf"  {name}\s+{re.escape(mark + human_duration(v['seconds']))}\s+{v['seconds']}"
                    rf"\s+{v['from']} -> {v['to']}")
        t.check(re.match(expected, row(name)) is not None, f"metric row {name}: {expected}", text)
    t.check(f"{m['events']['count']} event" in lines[1] and f"{m['events']['timed']} with a valid time"
            in lines[1], "the event counts", text)


def metrics_cases():
    for stem in SAMPLES:
        path = DOCUMENTS[stem]

        @case(f"metrics_text.{stem}")
        def _(t, stem=stem, path=path):
            r = t.run("metrics", path, expect=0)
            t.check(r.err == "", "stderr must be empty", r)
            t.golden(f"metrics_text.{stem}.out", r.out)

        @case(f"metrics_json.{stem}")
        def _(t, stem=stem, path=path):
            r, m = metrics_of(t, path)
            t.check(r.err == "", "stderr must be empty", r)
            t.golden(f"metrics_json.{stem}.out", r.out)
            expected = SAMPLE_METRICS[stem]
            actual = [m["metrics"].get(n, {}).get("seconds") for n in METRIC_NAMES]
            t.check(actual == expected, f"hand-computed metrics {expected}, got {actual}", r)
            metrics_text_agrees(t, m, t.run("metrics", path, expect=0))
            # --as-of changes nothing; the text and JSON of stdin are those of the file.
            t.check(t.run("metrics", "--format=json", AS_OF, path, expect=0).out == r.out, "--as-of", r)
            t.check(t.run("metrics", "--format=json", "-", stdin=path, expect=0).out == r.out, "stdin", r)


metrics_cases()


# --- postmortem score --------------------------------------------------------------------------

SCORE_KEYS = ["severity", "quality", "actions", "vulnerabilities"]
# The samples' severity (score, tier, declared) and quality, worked out by hand in
# tests/cpp/score_test.cpp, and the SSVC decisions of their vulnerabilities.
SAMPLE_SCORES = {
    "data-exfiltration-cloud-bucket": ((51.6, "high", "high"), 84, []),
    "network-breach-vpn-appliance": ((75.9, "critical", "critical"), 95, ["act"]),
    "phishing-mfa-fatigue": ((35.2, "medium", "high"), 93.3, []),
}


def score_of(t, *args, expect=0, **kw):
    """Runs `score --format json`; returns (result, parsed JSON) after checking its shape: the
    points of every score's terms add up to the score (to rounding)."""
    r, s = run_json(t, "score", *args, expect=expect, **kw)
    t.check(list(s) == SCORE_KEYS, f"score keys {list(s)}", r)
    for what, obj in [("severity", s["severity"]), ("quality", s["quality"])] + \
            [(f"action {a.get('id')}", a) for a in s["actions"]]:
        total = sum(term["points"] for term in obj["terms"])
        t.check(abs(total - obj["score"]) <= 0.06, f"{what}: terms add up to {total}, score {obj['score']}", r)
    return r, s


def score_cases():
    for stem in SAMPLES:
        path = DOCUMENTS[stem]

        @case(f"score_text.{stem}")
        def _(t, stem=stem, path=path):
            r = t.run("score", path, expect=0)
            t.check(r.err == "", "stderr must be empty", r)
            t.golden(f"score_text.{stem}.out", r.out)

        @case(f"score_json.{stem}")
        def _(t, stem=stem, path=path):
            r, s = score_of(t, path)
            t.check(r.err == "", "stderr must be empty", r)
            t.golden(f"score_json.{stem}.out", r.out)
            (score, tier, declared), quality, ssvc = SAMPLE_SCORES[stem]
            sev = s["severity"]
            t.check((sev["score"], sev["tier"], sev["declared"]) == (score, tier, declared),
                    f"severity {score} {tier} (declared {declared}), got {sev['score']} {sev['tier']}", r)
            t.check(s["quality"]["score"] == quality, f"quality {quality}", r)
            t.check([v["decision"] for v in s["vulnerabilities"]] == ssvc, f"SSVC {ssvc}", r)
            text = t.run("score", path, expect=0).out
            t.check(f"Severity: {score} of 100, {tier} (declared {declared}" in text, "the text agrees", r)
            for a in s["actions"]:
                t.check(re.search(rf"^  {re.escape(a['id'])}\s+{a['score']}\s+{a['tier']}\s", text, re.M) is not None,
                        f"the text lists {a['id']} at {a['score']} {a['tier']}", r)
            # --as-of changes nothing; stdin gives the same as the file.
            t.check(t.run("score", "--format=json", AS_OF, path, expect=0).out == r.out, "--as-of", r)
            t.check(t.run("score", "--format=json", "-", stdin=path, expect=0).out == r.out, "stdin", r)


score_cases()


@case("score_policy")
def _(t):
    """The policy's scoring sets tier boundaries; a misspelt name is an input error (exit 2)
    that suggests the right one."""
    path = DOCUMENTS["network-breach-vpn-appliance"]
    _, s = score_of(t, "--policy", "-", path, stdin=b'{"scoring": {"severity_tiers": {"critical": 80}}}')
    t.check((s["severity"]["tier"], s["severity"]["tiers_apart"]) == ("high", 1), "75.9 is high below 80")
    r = t.run("score", "--policy", "-", path, stdin=b'{"scoring": {"severity_weights": {"cvs": 1}}}', expect=2)
    t.check(r.out == "" and "did you mean" in r.err and "cvss" in r.err, "the error suggests cvss", r)


@case("score_errors")
def _(t):
    """Usage and input errors: exit 2, nothing on stdout, one line on stderr."""
    path = DOCUMENTS["phishing-mfa-fatigue"]
    runs = [
        ["score"],
        ["score", path, path],
        ["score", "--format", "sarif", path],
        ["score", "--policy", "-", "-"],
        ["score", cli_data("no-such-file.json")],
        ["score", cli_data("truncated.json")],
    ]
    results = usage_errors(t, runs)
    t.golden("score_errors.txt", transcript(results))


@case("score_escaping")
def _(t):
    """Attacker-written text in a document is escaped in the text output."""
    r = t.run("score", cli_data("hostile.json"), expect=0)  # run() asserts no raw control character
    t.check(r.out.startswith("Incident INC-2025-0666: Invoice \\u202egpj.exe\\u202c opened\\x1b[2J\n"),
            "the title is escaped", r)


@case("metrics_policy_gaps")
def _(t):
    """The policy's max_gap_hours decides which gaps are listed (tests/cpp/metrics_test.cpp has
    the arithmetic): phishing e9 11:20 -> e10 15:00 = 13200 s is the only step over 1 h."""
    path = DOCUMENTS["phishing-mfa-fatigue"]
    _, default = metrics_of(t, path)
    t.check(default["gaps"] == [] and default["gap_threshold_hours"] == 24, "no gap over 24 h")
    _, m = metrics_of(t, "--policy", "-", path, stdin=b'{"thresholds": {"max_gap_hours": 1}}')
    t.check(m["gap_threshold_hours"] == 1 and m["gaps"] == [{
        "from_event": "e9", "to_event": "e10", "from": "2024-01-17T11:20:00Z",
        "to": "2024-01-17T15:00:00Z", "seconds": 13200, "duration": "PT3H40M",
        "after_detection": True}], f"one gap with max_gap_hours 1: {m['gaps']}")
    with tempfile.TemporaryDirectory() as tmp:
        policy = Path(tmp) / "gaps.json"
        policy.write_text('{"thresholds": {"max_gap_hours": 1}}', encoding="utf-8")
        r = t.run("metrics", "--policy", str(policy), path, expect=0)
    t.check("Gaps longer than 1 h (max_gap_hours)" in r.out and
            re.search(r"2024-01-17T11:20:00Z\s+e9\s+2024-01-17T15:00:00Z\s+e10\s+3h 40m\s+yes$",
                      r.out, re.M) is not None, "the gap in the text table", r)


@case("metrics_approximate")
def _(t):
    """A day-precise detection makes metrics approximate: '≈' and the precision in text, and
    approximate/note in JSON. hostile-free document written here; 12:00 -> next day 00:00 is
    12 h = 43200 s; 2024-03-04T00:00 -> 2024-03-05T15:00 = 1 day 15 h = 140400 s."""
    doc = {"schema": "postmortem/1",
           "incident": {"id": "I-1", "title": "t", "category": "malware"},
           "timeline": [
               {"id": "a", "time": "2024-03-03T12:00:00Z", "type": "attacker_activity",
                "description": "x"},
               {"id": "d", "time": "2024-03-04T00:00:00Z", "precision": "day", "type": "detection",
                "description": "x"},
               {"id": "c", "time": "2024-03-05T15:00:00Z", "type": "containment", "description": "x"}]}
    data = json.dumps(doc).encode("utf-8")
    _, m = metrics_of(t, "-", stdin=data)
    t.check(m["metrics"]["dwell_time"] == {
        "seconds": 43200, "duration": "PT12H", "from": "started_at", "to": "detected_at",
        "precision": "day", "approximate": True, "note": "detected_at is known only to the day"},
        f"dwell_time {m['metrics']['dwell_time']}")
    t.check(m["metrics"]["time_to_contain"]["seconds"] == 140400, "time_to_contain")
    r = t.run("metrics", "-", stdin=data, expect=0)
    t.check(re.search(r"^  dwell_time\s+≈ 12h\s+43200\s+started_at -> detected_at\s+day precision: "
                      r"detected_at is known only to the day$", r.out, re.M) is not None,
            "'≈' and the precision in the text", r)
    t.check(re.search(r"^  time_to_contain\s+≈ 1d 15h\s+140400\s", r.out, re.M) is not None,
            "time_to_contain row", r)
    metrics_text_agrees(t, m, r)


@case("metrics_escaping")
def _(t):
    """Attacker-written text in a document is escaped in the tables and kept in the JSON."""
    doc = cli_data("hostile.json")
    r = t.run("metrics", doc, expect=0)  # run() asserts no raw control or bidi character
    t.check(r.out.startswith("Incident INC-2025-0666: Invoice \\u202egpj.exe\\u202c opened\\x1b[2J\n"),
            "the title is escaped", r)
    _, m = metrics_of(t, doc)
    t.check(m["events"] == {"count": 2, "timed": 1}, "the event with a hostile 'time' is left out")


@case("metrics_errors")
def _(t):
    """Usage and input errors: exit 2, nothing on stdout, one line on stderr."""
    path = DOCUMENTS["phishing-mfa-fatigue"]
    runs = [
        ["metrics"],
        ["metrics", path, path],
        ["metrics", "--format", "sarif", path],
        ["metrics", "--fail-on", "none", path],
        ["metrics", "--as-of", "2024-06-01T00:00:00", path],
        ["metrics", "--policy", "-", "-"],
        ["metrics", cli_data("no-such-file.json")],
        ["metrics", cli_data("truncated.json")],
        ["metrics", cli_data("wrong-schema.json")],
        ["metrics", "--policy", cli_data("policy-not-json.json"), path],
        ["metrics", "--policy", cli_data("policy-small-limit.json"), path],
    ]
    results = usage_errors(t, runs)
    t.check("line 12, column 34" in results[7].err, "a parse error says where", results[7])
    t.golden("metrics_errors.txt", transcript(results))


@case("help_metrics")
def _(t):
    top = t.run("--help", expect=0)
    t.check(re.search(r"^  metrics\s+lifecycle metrics", top.out, re.M) is not None,
            "the top-level help lists metrics", top)
    h = t.run("metrics", "--help", expect=0)
    for word in ("--format", "--policy", "--as-of", "--help", "text", "json", "max_gap_hours",
                 "dwell_time", "total_duration", "unknown", "≈", "Exit status", "Examples:", "'-'"):
        t.check(word in h.out, f"metrics --help mentions {word}", h)
    for args in (["metrics", "-h"], ["help", "metrics"], ["metrics", "x.json", "--help"]):
        t.check(t.run(*args, expect=0).out == h.out, f"{args} prints the metrics help")
    t.check(all(len(line) <= 90 for line in h.out.splitlines()), "help lines fit a terminal", h)
    t.golden("help_metrics.out", h.out)


# --- postmortem plan --------------------------------------------------------------------------

PLAN_KEYS = ["as_of", "sla_days", "items", "cycles", "critical_path", "overdue", "unverified",
             "unknown_dependencies", "self_dependencies", "rejected", "counts"]
# The samples at AS_OF (2024-07-01), worked out from the documents' dates, statuses and
# efforts (tests/cpp/plan_test.cpp does the same at other dates): overdue open actions,
# unverified finished ones, and the effort-heaviest chain of open actions.
PLAN_EXPECTED = {
    # r4 (due 06-15) waits for r3; r1 and r2 are done with no verification.
    "data-exfiltration-cloud-bucket": (["r4"], ["r1", "r2"], ["r3", "r4"]),
    # A4 due 06-15; A2 due 06-30: both overdue on 07-01. A1 done, unverified. A4 -> A6 = 3 + 4.
    "network-breach-vpn-appliance": (["A2", "A4"], ["A1"], ["A4", "A6"]),
    # act3 due 02-29, act4 due 03-31; act2 and act5 done without verification; act1's
    # verification (03-15) is 108 days old at 07-01, over verify_within_days (90): stale.
    # act3 and act4 both weigh 2: the first in plan order is the critical path.
    "phishing-mfa-fatigue": (["act3", "act4"], ["act1", "act2", "act5"], None),
}


def plan_of(t, *args, expect=0, **kw):
    """Runs `plan --format json`; returns (result, parsed JSON) after checking its shape."""
    r, p = run_json(t, "plan", *args, expect=expect, **kw)
    t.check(list(p) == PLAN_KEYS, f"plan keys {list(p)}", r)
    t.check([i["position"] for i in p["items"]] == list(range(1, len(p["items"]) + 1)), "positions", r)
    position = {i["id"]: i["position"] for i in p["items"]}
    for i in p["items"]:
        for dep in i["blocked_by"]:
            t.check(dep not in position or position[dep] < i["position"] or i["in_cycle"],
                    f"{i['id']} after what it waits for ({dep})", r)
    return r, p


def plan_cases():
    for stem in SAMPLES:
        path = DOCUMENTS[stem]

        @case(f"plan_text.{stem}")
        def _(t, stem=stem, path=path):
            r = t.run("plan", AS_OF, path, expect=0)
            t.golden(f"plan_text.{stem}.out", r.out)

        @case(f"plan_json.{stem}")
        def _(t, stem=stem, path=path):
            r, p = plan_of(t, AS_OF, path)
            t.golden(f"plan_json.{stem}.out", r.out)
            overdue, unverified, critical = PLAN_EXPECTED[stem]
            t.check(p["overdue"] == overdue, f"overdue {overdue}, got {p['overdue']}", r)
            t.check(p["unverified"] == unverified, f"unverified {unverified}, got {p['unverified']}", r)
            if critical is not None:
                t.check(p["critical_path"]["actions"] == critical, f"critical path {critical}", r)
            t.check(t.run("plan", "--format=json", AS_OF, "-", stdin=path, expect=0).out == r.out, "stdin", r)
            text = t.run("plan", AS_OF, path, expect=0).out
            for item in p["items"]:
                t.check(re.search(rf"^\s+{item['position']}\s+{re.escape(item['id'])}\s+{item['tier']}\s", text, re.M)
                        is not None, f"the text lists {item['id']} at {item['position']}", r)


plan_cases()


@case("plan_cycle")
def _(t):
    """A cycle is listed with its members and placed last, an unknown dependency and a
    rejected one are reported, and a hostile title is escaped."""
    doc = cli_data("plan-cycle.json")
    r, p = plan_of(t, AS_OF, doc)
    t.check(p["cycles"] == [["x", "y"]], "the cycle and its members", r)
    t.check([i["id"] for i in p["items"]][-3:] in (["x", "y", "z"], ["y", "x", "z"]),
            "the cycle's members and their dependant come last", r)
    t.check(p["rejected"] == ["r"] and "r" not in [i["id"] for i in p["items"]], "rejected apart", r)
    t.check(p["unknown_dependencies"] == [{"action": "w", "depends_on": "nope",
                                           "path": "/actions/3/depends_on/0"}], "unknown dependency", r)
    text = t.run("plan", AS_OF, doc, expect=0)  # run() asserts no raw control or bidi character
    t.check("\\u202egpj.exe\\u202c" in text.out, "the title is escaped", text)
    t.golden("plan_cycle.out", text.out)


@case("plan_policy_sla")
def _(t):
    """The policy's plan.sla_days sets the suggested due date of actions without one."""
    doc = cli_data("plan-cycle.json")
    policy = b'{"plan": {"sla_days": {"P1": 1, "P2": 2, "P3": 3, "P4": 4}}}'
    _, p = plan_of(t, "--policy", "-", AS_OF, doc, stdin=policy)
    t.check(p["sla_days"] == {"P1": 1, "P2": 2, "P3": 3, "P4": 4}, "sla_days echoed")
    for item in p["items"]:
        if "due" not in item:
            days = int(item["tier"][1])
            t.check(item["suggested_due"] == f"2024-07-0{1 + days}", f"{item['id']}: as_of + {days} days")


@case("plan_errors")
def _(t):
    """Usage and input errors: exit 2, nothing on stdout, one line on stderr."""
    path = DOCUMENTS["phishing-mfa-fatigue"]
    runs = [
        ["plan"],
        ["plan", path, path],
        ["plan", "--format", "sarif", path],
        ["plan", "--as-of", "2024-06-01", path],
        ["plan", "--policy", "-", "-"],
        ["plan", cli_data("no-such-file.json")],
        ["plan", cli_data("wrong-schema.json")],
    ]
    results = usage_errors(t, runs)
    r = t.run("plan", "--policy", "-", path, stdin=b'{"plan": {"sla_days": {"p1": 3}}}', expect=2)
    t.check('did you mean \\"P1\\"?' in r.err or 'did you mean "P1"?' in r.err, "a bad tier gets a suggestion", r)
    results.append(r)
    t.golden("plan_errors.txt", transcript(results))


@case("help_plan")
def _(t):
    top = t.run("--help", expect=0)
    t.check(re.search(r"^  plan\s+the remediation plan", top.out, re.M) is not None,
            "the top-level help lists plan", top)
    h = t.run("plan", "--help", expect=0)
    for word in ("--format", "--policy", "--as-of", "--help", "text", "json", "sla_days",
                 "depends_on", "critical path", "overdue", "cycle", "Exit status", "Examples:", "'-'"):
        t.check(word in h.out, f"plan --help mentions {word}", h)
    for args in (["plan", "-h"], ["help", "plan"], ["plan", "x.json", "--help"]):
        t.check(t.run(*args, expect=0).out == h.out, f"{args} prints the plan help")
    t.check(all(len(line) <= 90 for line in h.out.splitlines()), "help lines fit a terminal", h)
    t.golden("help_plan.out", h.out)


# --- postmortem report ------------------------------------------------------------------------
# What each format says is tested in tests/cpp/report_test.cpp and byte for byte against the
# golden reports (tests/data/report/golden, as of 2024-06-01); here: the command's options,
# files and errors.
REPORT_AS_OF = "--as-of=2024-06-01T00:00:00Z"


def report_cases():
    for stem in SAMPLES:
        path = DOCUMENTS[stem]

        @case(f"report.{stem}")
        def _(t, stem=stem, path=path):
            md = t.run("report", REPORT_AS_OF, path, expect=0)  # run() asserts no raw control character
            t.check(md.out.startswith("# ") and md.err == "", "Markdown on stdout, nothing on stderr", md)
            t.check(t.run("report", "--format", "markdown", REPORT_AS_OF, path, expect=0).out == md.out,
                    "'markdown' is 'md', the default", md)
            t.check(t.run("report", "--format=md", REPORT_AS_OF, "-", stdin=path, expect=0).out == md.out,
                    "stdin", md)
            golden_md = (TESTS / "data" / "report" / "golden" / f"{stem}.md").read_text(encoding="utf-8")
            t.check(md.out == golden_md, "the CLI writes the golden report", md)
            html = t.run("report", "--format", "html", REPORT_AS_OF, path, expect=0)
            t.check(html.out.startswith("<!DOCTYPE html>") and "<script" not in html.out, "HTML", html)
            r = t.run("report", "--format", "json", REPORT_AS_OF, path, expect=0)
            bundle = json.loads(r.out)
            t.check(bundle["report"] == "postmortem-report/1" and bundle["as_of"] == "2024-06-01T00:00:00Z",
                    "the bundle's schema and as_of", r)
            t.check(bundle["plan"] == plan_of(t, REPORT_AS_OF, path)[1], "the bundle's plan is `plan`'s", r)


report_cases()


@case("report_output_file")
def _(t):
    """-o writes the file (nothing on stdout); the file holds what stdout would."""
    path = DOCUMENTS["phishing-mfa-fatigue"]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.html"
        r = t.run("report", "--format", "html", REPORT_AS_OF, "-o", str(out), path, expect=0)
        t.check(r.out == "" and r.err == "", "nothing printed", r)
        t.check(out.read_text(encoding="utf-8") == t.run("report", "--format", "html", REPORT_AS_OF, path, expect=0).out,
                "the file is the report", r)


@case("report_errors")
def _(t):
    """Usage and input errors: exit 2, nothing on stdout, one line on stderr."""
    path = DOCUMENTS["phishing-mfa-fatigue"]
    runs = [
        ["report"],
        ["report", path, path],
        ["report", "--format", "pdf", path],
        ["report", "--as-of", "yesterday", path],
        ["report", "-o", "", path],
        ["report", "-o", cli_data("no-such-dir/report.md"), path],
        ["report", cli_data("wrong-schema.json")],
    ]
    results = usage_errors(t, runs)
    t.golden("report_errors.txt", transcript(results))


@case("help_report")
def _(t):
    top = t.run("--help", expect=0)
    t.check(re.search(r"^  report\s+the post-incident report", top.out, re.M) is not None,
            "the top-level help lists report", top)
    h = t.run("report", "--help", expect=0)
    for word in ("--format", "--output", "--policy", "--as-of", "md", "html", "json", "Exit status",
                 "Examples:", "'-'", "Content-Security-Policy"):
        t.check(word in h.out, f"report --help mentions {word}", h)
    t.check(all(len(line) <= 90 for line in h.out.splitlines()), "help lines fit a terminal", h)
    t.golden("help_report.out", h.out)


# --- postmortem export and import --from veris -------------------------------------------------
# The mappings are tested in tests/cpp/interop_test.cpp and the outputs against the VERIS and
# STIX schemas in tests/interop; here: the commands' options, redaction flags and errors.


@case("export_stix_and_veris")
def _(t):
    path = DOCUMENTS["network-breach-vpn-appliance"]
    stix = t.run("export", "--to", "stix", "--organization", "Example Corp", path, expect=0)
    bundle = json.loads(stix.out)
    t.check(bundle["type"] == "bundle", "a STIX bundle", stix)
    names = [o.get("name") for o in bundle["objects"] if o["type"] == "identity"]
    t.check(names == ["Example Corp"], f"the organization is the identity, got {names}", stix)
    t.check(t.run("export", "--to", "stix", "--organization", "Example Corp", path, expect=0).out == stix.out,
            "exporting twice gives the same bytes", stix)
    veris = t.run("export", "--to", "veris", path, expect=0)
    t.check(json.loads(veris.out)["schema_version"].startswith("1.4"), "VERIS 1.4", veris)
    # --redact removes the owners; --redact-field removes the summary as well.
    doc = json.loads((TESTS / path).read_text(encoding="utf-8"))
    owners = [a["owner"] for a in doc["actions"]]
    t.check(any(o in stix.out for o in owners), "without --redact the owners are exported", stix)
    r = t.run("export", "--to", "stix", "--redact", path, expect=0)
    t.check(not any(o in r.out for o in owners), "--redact removes every owner", r)
    t.check(doc["incident"]["summary"] in r.out, "--redact keeps the free text", r)
    r = t.run("export", "--to", "veris", "--redact-field", "incident.summary", path, expect=0)
    t.check(doc["incident"]["summary"] not in r.out, "--redact-field removes the summary", r)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "bundle.json"
        r = t.run("export", "--to", "stix", "-o", str(out), path, expect=0)
        t.check(r.out == "" and out.read_text(encoding="utf-8") == t.run("export", "--to", "stix", path,
                                                                         expect=0).out, "-o writes the file", r)


@case("export_errors")
def _(t):
    """Usage and input errors: exit 2, nothing on stdout, one line on stderr."""
    path = DOCUMENTS["phishing-mfa-fatigue"]
    runs = [
        ["export", path],
        ["export", "--to", "misp", path],
        ["export", "--to", "stix"],
        ["export", "--to", "stix", path, path],
        ["export", "--to", "stix", "--redact-field", "incident.sumary", path],
        ["export", "--to", "veris", cli_data("wrong-schema.json")],
    ]
    results = usage_errors(t, runs)
    t.golden("export_errors.txt", transcript(results))


@case("import_veris")
def _(t):
    """A VERIS pass case (tests/data/veris) becomes a new document; timeline flags are refused."""
    case_file = TESTS / "data" / "veris" / "tests" / "valid_action.hacking.json"
    incident = json.dumps(json.loads(case_file.read_text(encoding="utf-8"))["incident"]).encode()
    r = t.run("import", "--from", "veris", "-", stdin=incident, expect=0)
    doc = json.loads(r.out)
    t.check(doc["schema"] == "postmortem/1" and "incident" in doc, "a postmortem/1 document", r)
    t.check(r.err.startswith("imported VERIS incident "), "a summary on stderr", r)
    # It is a well-formed postmortem/1 document: no structure (PM1xx) or reference (PM2xx) error.
    checked = t.run("check", "--format", "json", "--fail-on", "none", "-", stdin=r.out.encode(), expect=0)
    structural = [f["code"] for f in json.loads(checked.out)["files"][0]["findings"]
                  if f["severity"] == "error" and f["code"][:3] in ("PM1", "PM2")]
    t.check(structural == [], f"no structure or reference errors, got {structural}", checked)
    bad = [t.run("import", "--from", "veris", "--into", DOCUMENTS["phishing-mfa-fatigue"], "-", stdin=incident, expect=2),
           t.run("import", "--from", "veris", "--strict", "-", stdin=incident, expect=2),
           t.run("import", "--from", "veris", "-", stdin=b'{"schema": "postmortem/1"}', expect=2)]
    for b in bad:
        t.check(b.out == "" and b.err.count("\n") == 1, "one line on stderr", b)
    t.golden("import_veris_errors.txt", transcript(bad))


@case("flawed_document")
def _(t):
    """Each flaw planted in flawed.json (see its x_flaw members) is reported where it is, and
    the x_ extension members are not reported."""
    _, doc = findings_of(t, "--fail-on=none", AS_OF, DOCUMENTS["flawed"], expect=0)
    found = {(f["code"], f["path"]) for f in doc["files"][0]["findings"]}
    planted = {("PM102", "/incident/title"), ("PM104", "/incident/category"),
               ("PM105", "/incident/milestones/detected_at"), ("PM107", "/assets/1/id"),
               ("PM108", "/timeline/1/id"), ("PM109", "/factors/0/descripton"),
               ("PM103", "/actions/0/owner"), ("PM106", "/actions/0/due"),
               ("PM110", "/actions/0/impact")}
    t.check(planted <= found, f"missing findings: {sorted(planted - found)}")
    t.check(not any("/x_" in path for _, path in found), "x_ members must not be reported")
    r = t.run("check", AS_OF, DOCUMENTS["flawed"], expect=1)
    t.check("did you mean \"description\"?" in r.out, "PM109 suggests the closest member", r)


@case("check_multiple_files")
def _(t):
    """One run over several documents: findings grouped by file in argument order, one summary."""
    paths = list(DOCUMENTS.values())
    expected, totals = [], {s: 0 for s in SEVERITIES}
    for path in paths:
        _, doc = findings_of(t, "--fail-on=none", AS_OF, path)
        expected += text_lines(path, doc["files"][0]["findings"])
        for s in SEVERITIES:
            totals[s] += sum(f["severity"] == s for f in doc["files"][0]["findings"])
    expected.append(summary_line(len(paths), totals["error"], totals["warning"], totals["info"]))
    r = t.run("check", "--fail-on=none", AS_OF, *paths, expect=0)
    t.check(r.out.splitlines() == expected, "multi-file output is not the per-file outputs in "
            "order plus one summary", r)
    _, doc = findings_of(t, "--fail-on=none", AS_OF, *paths, expect=0)
    t.check([e["file"] for e in doc["files"]] == paths, "JSON file order", r)


@case("check_stdin")
def _(t):
    """'-' reads standard input, shown as <stdin>; the findings are those of the file."""
    path = DOCUMENTS["flawed"]
    by_file = t.run("check", "--fail-on=none", AS_OF, path, expect=0)
    by_stdin = t.run("check", "--fail-on=none", AS_OF, "-", stdin=path, expect=0)
    t.check(by_stdin.out == by_file.out.replace(path, "<stdin>"),
            "stdin output differs from the file's:\n" + by_file.out, by_stdin)
    t.check("<stdin>: /incident/title: error PM102: " in by_stdin.out, "findings of stdin", by_stdin)
    _, doc = findings_of(t, "--fail-on=none", AS_OF, "--", "-", stdin=path, expect=0)
    t.check(doc["files"][0]["file"] == "<stdin>", "JSON names stdin <stdin>")
    r = t.run("check", "-", stdin="cli/data/truncated.json", expect=1)
    t.check("<stdin>: error PM100: " in r.out, "a truncated document on stdin is PM100", r)


@case("check_parse_errors")
def _(t):
    """Documents that are not JSON or not an object: one PM100 error each, with a location."""
    files = [cli_data(n) for n in ("truncated.json", "not-an-object.json", "empty.json")]
    r = t.run("check", *files, expect=1)
    for f in files:
        t.check(f"{f}: error PM100: " in r.out, f"{f} must give PM100", r)
    t.check(r.out.count("PM100") == 3 and r.out.splitlines()[-1] == summary_line(3, 3, 0, 0),
            "exactly one PM100 per file", r)
    _, doc = findings_of(t, *files, expect=1)
    for entry in doc["files"]:
        t.check([(f["code"], f["path"]) for f in entry["findings"]] == [("PM100", "")],
                "PM100 is about the whole document (path '')")
    t.golden("check_parse_errors.out", r.out)


@case("check_wrong_schema")
def _(t):
    """A schema other than postmortem/1, or none: PM101."""
    files = [cli_data("wrong-schema.json"), cli_data("missing-schema.json")]
    r = t.run("check", *files, expect=1)
    for f in files:
        t.check(f"{f}: error PM101: " in r.out, f"{f} must give PM101", r)
    t.check("postmortem/1" in r.out, "the message names the version this build reads", r)
    t.golden("check_wrong_schema.out", r.out)


def sarif_of(t, *args, expect=None, **kw):
    """Runs `check --format sarif`; returns (result, parsed log) after checking its structure:
    rules has every catalog code once (the codes of --format json's findings among them), and
    every result's ruleIndex points at the rule with its ruleId."""
    r = t.run("check", "--format", "sarif", *args, expect=expect, **kw)
    try:
        log = json.loads(r.out)
    except ValueError as e:
        raise Failure(f"--format sarif output is not JSON: {e}\n" + r.describe())
    t.check(log.get("$schema") == "https://json.schemastore.org/sarif-2.1.0.json"
            and log.get("version") == "2.1.0" and len(log.get("runs", [])) == 1, "SARIF header", r)
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    t.check(driver["name"] == "postmortem" and driver["version"] == t.version, "tool.driver", r)
    ids = [rule["id"] for rule in driver["rules"]]
    t.check(len(ids) == len(set(ids)), f"duplicate rule ids in {ids}", r)
    t.check(ids == sorted(ids) and all(re.fullmatch(r"PM\d{3}", i) for i in ids), "rule ids", r)
    for rule in driver["rules"]:
        t.check(rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
                and rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
                and rule["help"]["text"] and rule["properties"]["family"] and rule["name"],
                f"incomplete rule {rule!r}", r)
    for res in run["results"]:
        t.check(res["ruleId"] in ids and ids[res["ruleIndex"]] == res["ruleId"],
                f"ruleIndex of {res!r} does not point at its rule", r)
        t.check(res["level"] in ("error", "warning", "note") and res["message"]["text"], "result", r)
        loc = res["locations"][0]
        t.check(loc["logicalLocations"][0]["kind"] == "member"
                and loc["physicalLocation"]["artifactLocation"]["uri"], "result location", r)
    return r, log


@case("check_sarif_structure")
def _(t):
    """SARIF results say what --format json says (codes, levels, pointers, messages, hints,
    files), the rules are the whole catalog, and exit statuses do not change."""
    paths = list(DOCUMENTS.values()) + [cli_data("truncated.json")]
    _, doc = findings_of(t, "--fail-on=none", AS_OF, *paths, expect=0)
    _, log = sarif_of(t, "--fail-on=none", AS_OF, *paths, expect=0)
    level = {"error": "error", "warning": "warning", "info": "note"}
    expected = [(e["file"], f["code"], level[f["severity"]], f["path"], f["message"], f.get("hint"))
                for e in doc["files"] for f in e["findings"]]
    actual = [(res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], res["ruleId"],
               res["level"], res["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
               res["message"]["text"], res.get("properties", {}).get("hint"))
              for res in log["runs"][0]["results"]]
    t.check(actual == expected, "SARIF results differ from the JSON findings")
    # Every code a document can produce is in rules: the flawed document's codes, PM100, PM101.
    ids = {rule["id"] for rule in log["runs"][0]["tool"]["driver"]["rules"]}
    t.check({c for _, c, *_ in expected} | {"PM100", "PM101"} <= ids, "rules miss a used code")
    t.check(len(ids) > 40, "rules is the whole catalog")
    # PM100 has the region of the parse error.
    res = [x for x in log["runs"][0]["results"] if x["ruleId"] == "PM100"][0]
    t.check(res["locations"][0]["physicalLocation"]["region"] == {"startLine": 12, "startColumn": 34},
            "PM100 region from 'line 12, column 34'")
    # Exit statuses as in the other formats; '-' is the artifact "stdin"; policy levels apply.
    sarif_of(t, cli_data("truncated.json"), expect=1)
    _, log = sarif_of(t, "--rule=PM100=info", "-", stdin="cli/data/truncated.json", expect=0)
    res = log["runs"][0]["results"][0]
    t.check(res["level"] == "note" and
            res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "stdin",
            "stdin artifact, info is note")
    r, log = sarif_of(t, cli_data("no-such-file.json"), cli_data("truncated.json"), expect=2)
    t.check(log["runs"][0]["invocations"][0]["executionSuccessful"] is False
            and len(log["runs"][0]["results"]) == 1 and "cannot read" in r.err, "unreadable file", r)
    # Attacker text stays escaped (run() checked no raw control or bidi character got out).
    r, log = sarif_of(t, "--fail-on=none", AS_OF, cli_data("hostile.json"), expect=0)
    texts = "".join(x["message"]["text"] for x in log["runs"][0]["results"])
    t.check("\x1b" in texts and "\u202e" in texts and "\\u202e" in r.out, "hostile text escaped", r)


@case("check_sarif.phishing-mfa-fatigue")
def _(t):
    r, _ = sarif_of(t, "--fail-on=none", AS_OF, DOCUMENTS["phishing-mfa-fatigue"], expect=0)
    t.check(r.err == "", "stderr must be empty", r)
    t.golden("check_sarif.phishing-mfa-fatigue.out", r.out)


@case("check_sarif.truncated")
def _(t):
    r, _ = sarif_of(t, cli_data("truncated.json"), expect=1)
    t.check(r.err == "", "stderr must be empty", r)
    t.golden("check_sarif.truncated.out", r.out)


@case("fail_on_thresholds")
def _(t):
    """Exit 1 exactly when a finding is at or above --fail-on (PM100 re-ranked by --rule)."""
    for rank, severity in enumerate(SEVERITIES):
        for level_rank, level in enumerate(SEVERITIES + ["none"]):
            fails = level != "none" and rank <= level_rank
            t.run("check", "--rule", f"PM100={severity}", f"--fail-on={level}",
                  cli_data("truncated.json"), expect=1 if fails else 0)
    t.run("check", "--rule", "PM100=warning", cli_data("truncated.json"), expect=0)


@case("rule_off_removes_a_code")
def _(t):
    """--rule CODE=off removes exactly that code's findings; CODE=LEVEL re-ranks only them."""
    candidates = [(path, f["code"]) for path in DOCUMENTS.values()
                  for f in findings_of(t, "--fail-on=none", AS_OF, path)[1]["files"][0]["findings"]]
    for path, code in candidates[:1] + [(cli_data("truncated.json"), "PM100")]:
        _, before = findings_of(t, "--fail-on=none", AS_OF, path)
        _, off = findings_of(t, "--fail-on=none", AS_OF, "--rule", f"{code}=off", path)
        all_before = before["files"][0]["findings"]
        t.check(any(f["code"] == code for f in all_before), f"{code} must be reported without --rule")
        t.check(off["files"][0]["findings"] == [f for f in all_before if f["code"] != code],
                f"--rule {code}=off must remove exactly the {code} findings")
        _, info = findings_of(t, "--fail-on=none", AS_OF, f"--rule={code}=info", path)
        t.check(info["files"][0]["findings"] ==
                [dict(f, severity="info") if f["code"] == code else f for f in all_before],
                f"--rule {code}=info must change only the severity of {code}")
    # Repeated --rule: each applies.
    files = [cli_data("truncated.json"), cli_data("wrong-schema.json")]
    r = t.run("check", "--rule", "PM100=off", "--rule", "PM101=off", *files, expect=0)
    t.check(r.out == summary_line(2, 0, 0, 0) + "\n", "both codes off", r)


@case("policy_file")
def _(t):
    """--policy sets rule severities; --rule overrides it."""
    files = [cli_data("truncated.json"), cli_data("wrong-schema.json")]
    r = t.run("check", "--policy", cli_data("policy.json"), *files, expect=0)
    t.check("warning PM100" in r.out and "PM101" not in r.out, "policy.json: PM100 warning, PM101 off", r)
    r = t.run("check", "--policy", cli_data("policy.json"), "--rule", "PM100=error",
              "--rule", "PM101=info", *files, expect=1)
    t.check("error PM100" in r.out and "info PM101" in r.out, "--rule overrides the policy", r)
    r = t.run("check", "--policy", "-", files[0], stdin=cli_data("policy.json"), expect=0)
    t.check("warning PM100" in r.out, "the policy can come from stdin", r)
    # A document over limits.max_document_bytes is PM100 without being read whole.
    r = t.run("check", "--policy", cli_data("policy-small-limit.json"), DOCUMENTS["flawed"],
              cli_data("wrong-schema.json"), expect=1)
    t.check(r.out.startswith(f"{DOCUMENTS['flawed']}: error PM100: the document is over the limit "
                             "of 1000 bytes (max_document_bytes)")
            and "wrong-schema.json: error PM101" in r.out, "the limit applies per document", r)


@case("usage_errors")
def _(t):
    """Mistakes on the command line: exit 2, nothing on stdout, one line on stderr that says
    what is wrong and where to read more."""
    doc = cli_data("truncated.json")
    runs = [
        ["check"],
        ["check", "--formt", "json", doc],
        ["check", "--format", "xml", doc],
        ["check", doc, "--format"],
        ["check", "--format", "--no-color", doc],
        ["check", "--format", "json", "--format=text", doc],
        ["check", "--fail-on", "warn", doc],
        ["check", "--fail-on=fatal", doc],
        ["check", "--no-color=yes", doc],
        ["check", "--rule", "PM999=off", doc],
        ["check", "--rule", "PM100=loud", doc],
        ["check", "--rule", "PM100", doc],
        ["check", "--as-of", "2024-06-01T00:00:00", doc],
        ["check", "--as-of", "2023-02-30T00:00:00Z", doc],
        ["check", "-", "-"],
        ["check", "--policy", "-", "-"],
        ["check", "-x", doc],
        ["chek", doc],
        ["frobnicate"],
        ["--formt"],
        ["--format", "json", "check", doc],
        ["help", "chek"],
        ["help", "check", "extra"],
    ]
    results = []
    for args in runs:
        r = t.run(*args, expect=2)
        t.check(r.out == "", "nothing on stdout", r)
        t.check(r.err.startswith("postmortem: ") and r.err.count("\n") == 1, "one line on stderr", r)
        t.check(re.search(r"see 'postmortem( \w+)? --help'\n$", r.err) is not None,
                "the message says where to read more", r)
        results.append(r)
    t.golden("usage_errors.txt", transcript(results))


@case("input_errors")
def _(t):
    """Files and policies that cannot be used: exit 2, the other files are still checked."""
    good = cli_data("truncated.json")
    runs = [
        (["check", cli_data("no-such-file.json")], None),
        (["check", "cli/data"], None),
        (["check", cli_data("no-such-file.json"), good], None),
        (["check", "--format", "json", cli_data("no-such-file.json"), good], None),
        (["check", "--policy", cli_data("no-such-policy.json"), good], None),
        (["check", "--policy", cli_data("policy-not-json.json"), good], None),
        (["check", "--policy", cli_data("policy-unknown-rule.json"), good], None),
    ]
    results = [t.run(*args, expect=2, stdin=stdin) for args, stdin in runs]
    t.check(results[0].err == "postmortem: cannot read 'cli/data/no-such-file.json': "
            "No such file or directory\n", "missing file message", results[0])
    t.check(results[1].err == "postmortem: cannot read 'cli/data': Is a directory\n",
            "directory message", results[1])
    t.check("error PM100" in results[2].out and "(1 could not be read)" in results[2].out,
            "the readable file is still checked and the summary counts the other", results[2])
    doc = json.loads(results[3].out)
    check_json_shape(t, doc, results[3])
    t.check(doc["summary"]["unreadable"] == 1 and doc["summary"]["files"] == 1, "JSON summary", results[3])
    for r in results[4:]:
        t.check(r.out == "" and "policy" in r.err, "a bad policy stops before any file", r)
    t.golden("input_errors.txt", transcript(results))


@case("stdout_write_error")
def _(t):
    if not os.path.exists("/dev/full"):
        raise SystemExit(SKIP)
    with open("/dev/full", "wb") as full:
        r = t.run("check", DOCUMENTS["flawed"], stdout=full, expect=2)
    t.check(r.err == "postmortem: cannot write standard output: No space left on device\n",
            "a failed write is reported and is exit 2", r)


@case("help")
def _(t):
    top = t.run("--help", expect=0)
    t.check(top.err == "", "help goes to stdout", top)
    for word in ("check", "--help", "--version", "help COMMAND", "Exit status"):
        t.check(word in top.out, f"top-level help mentions {word}", top)
    for args in (["-h"], ["help"]):
        t.check(t.run(*args, expect=0).out == top.out, f"{args} prints the top-level help")

    check = t.run("check", "--help", expect=0)
    for option in ("--format", "--fail-on", "--policy", "--rule", "--as-of", "--no-color", "--help",
                   "text", "json", "sarif", "error", "warning", "info", "none", "Examples:", "Exit status",
                   "PM100", "PM101", "'-'", "NO_COLOR"):
        t.check(option in check.out, f"check --help mentions {option}", check)
    for args in (["check", "-h"], ["help", "check"], ["check", "x.json", "--help"],
                 ["check", "--formt", "--help"]):
        t.check(t.run(*args, expect=0).out == check.out, f"{args} prints the check help")
    t.check(all(len(line) <= 90 for line in top.out.splitlines() + check.out.splitlines()),
            "help lines fit a terminal", check)

    none = t.run(expect=2)
    t.check(none.out == "" and none.err.startswith("postmortem: no command given")
            and top.out in none.err, "no command: an error, then the help, on stderr", none)
    t.golden("help.out", top.out)
    t.golden("help_check.out", check.out)


@case("version")
def _(t):
    r = t.run("--version", expect=0)
    t.check(r.out == f"postmortem {t.version}\n", f"--version prints 'postmortem {t.version}'", r)


@case("escaping")
def _(t):
    """Attacker-written text (ESC sequences, newlines, bidi overrides) in a document is shown
    escaped in text output and stays the same characters in JSON output."""
    doc = cli_data("hostile.json")
    r = t.run("check", "--fail-on=none", AS_OF, doc, expect=0)
    # run() already asserted that no raw control or bidi character reached the output.
    t.check("\\x1b" in r.out, "ESC is shown as \\x1b", r)
    lines = r.out.splitlines()
    t.check(all(line.startswith((doc + ": ", "  hint: ")) for line in lines[:-1])
            and lines[-1].startswith("1 file checked: "),
            "every line is a finding of the file, a hint or the summary: an embedded newline "
            "cannot fake a finding line", r)
    t.golden("escaping.out", r.out)
    jr, parsed = findings_of(t, "--fail-on=none", AS_OF, doc, expect=0)
    texts = "".join(f["path"] + f["message"] for f in parsed["files"][0]["findings"])
    t.check("\x1b" in texts and "\u202e" in texts and "\n" in texts,
            "JSON output keeps the characters themselves (as \\u001b, \\u202e, \\n escapes)", jr)
    t.check("\\u202e" in jr.out, "U+202E is written as \\u202e in JSON", jr)
    t.golden("escaping.json.out", jr.out)


@case("escaping_file_names")
def _(t):
    """File names are attacker-controlled too (a shared folder of exported incidents)."""
    with tempfile.TemporaryDirectory() as tmp:
        name = "evil\x1b[2J\u202e\n.json"
        shutil.copy(TESTS / "cli/data/truncated.json", Path(tmp) / name)
        r = t.run("check", name, cwd=tmp, expect=1)
        t.check(r.out.startswith("evil\\x1b[2J\\u202e\\n.json: error PM100: "), "escaped file name", r)
        r = t.run("check", "missing\x1b]0;x\x07.json", cwd=tmp, expect=2)
        t.check(r.err.startswith("postmortem: cannot read 'missing\\x1b]0;x\\x07.json': "),
                "escaped name in an error", r)
        _, doc = findings_of(t, name, cwd=tmp, expect=1)
        t.check(doc["files"][0]["file"] == name, "JSON keeps the name exactly")
        # A name that is not UTF-8 (byte 0xff): \xff on the terminal, U+FFFD in the JSON.
        raw = "bad\udcffname.json"  # surrogateescape: the byte 0xff in the file name
        shutil.copy(TESTS / "cli/data/truncated.json", Path(tmp) / raw)
        r = t.run("check", raw, cwd=tmp, expect=1)
        t.check(r.out.startswith("bad\\xffname.json: error PM100: "), "invalid UTF-8 is shown as \\xff", r)
        _, doc = findings_of(t, raw, cwd=tmp, expect=1)
        t.check(doc["files"][0]["file"] == "bad\ufffdname.json", "JSON output stays valid UTF-8")


@case("colour")
def _(t):
    """Severity words are coloured only on a terminal, without NO_COLOR and --no-color."""
    try:
        import pty
    except ImportError:
        raise SystemExit(SKIP)

    def on_tty(*args, env=None):
        master, slave = pty.openpty()
        p = subprocess.Popen([t.cli] + list(args), stdin=subprocess.DEVNULL, stdout=slave,
                             stderr=subprocess.PIPE, cwd=TESTS, env=t.env(env))
        os.close(slave)
        output = drain_pty(master)
        p.wait(timeout=60)
        p.stderr.close()
        return output.decode("utf-8")

    doc = cli_data("truncated.json")
    red = "\x1b[1;31merror\x1b[0m PM100"
    t.check(red in on_tty("check", doc), "error is red on a terminal")
    t.check(red in on_tty("check", doc, env={"NO_COLOR": ""}), "an empty NO_COLOR does not count")
    t.check("\x1b[1;33mwarning\x1b[0m" in on_tty("check", "--rule=PM100=warning", doc), "warning colour")
    t.check("\x1b[1;36minfo\x1b[0m" in on_tty("check", "--rule=PM100=info", doc), "info colour")
    for why, args, env in (("--no-color", ["--no-color"], None), ("NO_COLOR=1", [], {"NO_COLOR": "1"}),
                           ("TERM=dumb", [], {"TERM": "dumb"})):
        out = on_tty("check", *args, doc, env=env)
        t.check("error PM100" in out and "\x1b" not in out, f"no colour with {why}: {out!r}")
    t.check("\x1b[" not in t.run("check", doc).out, "no colour into a pipe")


# --- postmortem cvss --------------------------------------------------------------------------
# Expected scores come from the reference vector files in tests/data/cvss (data/README.md says
# where each comes from); each vector below cites its file and line.
CVSS_DATA = TESTS / "data" / "cvss"
CVSS_VECTORS = [
    # v3/vectors_simple31 line 28: (9.8, 9.8, 9.8)
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
    # v3/vectors_simple31 line 1458: (0.0, 0.0, 0.0), severity None
    "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:N/I:N/A:N",
    # v3/vectors_simple3 line 109: (9.9, 9.9, 9.9)
    "CVSS:3.0/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H",
    # v3/polycvss_cvss31_vectors.tsv line 7: base 6.2, temporal 5.6, environmental 4.1
    "CVSS:3.1/AV:A/AC:H/PR:H/UI:N/S:C/C:N/I:L/A:H/E:P/RL:U/RC:R/CR:L/IR:L/AR:H/MAV:A/MAC:H/MPR:L/"
    "MUI:X/MS:C/MC:N/MI:L/MA:L",
    # v4/polycvss_cvss40_vectors.tsv line 3: MacroVector 000200, 9.3
    "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
    # v4/vectors_threat4 line 6: 4.1 with E:U; the base metrics alone score 7.3 (data/README.md)
    "CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:U",
]
# What the files say about CVSS_VECTORS, in order: (base, temporal, environmental, overall,
# severity, macro_vector); None where the key is absent. The macro vector of the E:U vector
# is worked out from SCORING-NOTES.md 2.2: AV:P 2, AC:H 1, VC/VI:H 0, SC/SI/SA:H 1, E:U 2,
# CR:X(=H) with VC:H 0.
CVSS_EXPECTED = [
    (9.8, None, None, None, "Critical", None),
    (0.0, None, None, None, "None", None),
    (9.9, None, None, None, "Critical", None),
    (6.2, 5.6, 4.1, None, "Medium", None),
    (9.3, None, None, None, "Critical", "000200"),
    (7.3, None, None, 4.1, "Medium", "210120"),
]
CVSS_KEYS = ["version", "vector", "base", "temporal", "environmental", "overall", "severity",
             "macro_vector"]


def cvss_of(t, *args, expect=0, **kw):
    """Runs `cvss --format json`; returns (result, parsed JSON) after checking its shape."""
    r = t.run("cvss", "--format", "json", *args, expect=expect, **kw)
    try:
        scores = json.loads(r.out)
    except ValueError as e:
        raise Failure(f"cvss --format json output is not JSON: {e}\n" + r.describe())
    t.check(isinstance(scores, list), "cvss --format json prints an array", r)
    for s in scores:
        t.check(isinstance(s, dict) and list(s) == [k for k in CVSS_KEYS if k in s]
                and {"version", "vector", "base", "severity"} <= set(s), f"bad score object {s!r}", r)
    return r, scores


def cvss_text_agrees(t, scores, text):
    """The text table says what the JSON says: one row per vector, same numbers and words."""
    lines = text.out.splitlines()
    t.check(len(lines) == len(scores) + 1 and lines[0].startswith("VERSION  BASE"),
            "one header line and one row per vector", text)
    for s, line in zip(scores, lines[1:]):
        cells = line.split()
        expected = [s["version"]] + [f"{s[k]:.1f}" for k in ("base", "temporal", "environmental", "overall")
                                     if k in s] + [s["severity"]] + ([s["macro_vector"]] if "macro_vector" in s else [])
        t.check(cells == expected + [s["vector"]], f"row {cells} vs JSON {expected + [s['vector']]}", text)


def cvss_reference_rows():
    """(vector, base, most specific score) from every 50th line of each reference file."""
    rows = []
    for name in ("v3/vectors_simple31", "v3/vectors_simple3"):
        for line in (CVSS_DATA / name).read_text(encoding="utf-8").splitlines()[::50]:
            vector, _, numbers = line.partition(" - ")
            base, _temporal, _env = (float(n) for n in numbers.strip("()").split(","))
            rows.append((vector, base, base))  # base metrics only: nothing more specific
    for name in ("v4/vectors_simple4", "v4/vectors_threat4", "v4/vectors_security4"):
        for line in (CVSS_DATA / name).read_text(encoding="utf-8").splitlines()[::50 if "simple" in name else 5]:
            vector, _, score = line.partition(" - ")
            rows.append((vector, None, float(score.strip("(,)"))))
    for line in (CVSS_DATA / "v3/polycvss_cvss31_vectors.tsv").read_text(encoding="utf-8").splitlines()[1::50]:
        vector, base, _temporal, env = line.split("\t")
        rows.append((vector, float(base), float(env)))
    return rows


@case("cvss_text")
def _(t):
    r = t.run("cvss", *CVSS_VECTORS, expect=0)
    t.check(r.err == "", "stderr must be empty", r)
    _, scores = cvss_of(t, *CVSS_VECTORS)
    actual = [(s["base"], s.get("temporal"), s.get("environmental"), s.get("overall"), s["severity"],
               s.get("macro_vector")) for s in scores]
    t.check(actual == CVSS_EXPECTED, f"scores from the reference files {CVSS_EXPECTED}, got {actual}", r)
    t.check([s["vector"] for s in scores] == CVSS_VECTORS, "already normalised vectors are unchanged", r)
    cvss_text_agrees(t, scores, r)
    t.golden("cvss_text.out", r.out)


@case("cvss_json")
def _(t):
    r, scores = cvss_of(t, *CVSS_VECTORS[:1], CVSS_VECTORS[4])
    t.check(r.err == "", "stderr must be empty", r)
    t.check(scores == [
        {"version": "3.1", "vector": CVSS_VECTORS[0], "base": 9.8, "severity": "Critical"},
        {"version": "4.0", "vector": CVSS_VECTORS[4], "base": 9.3, "severity": "Critical",
         "macro_vector": "000200"}], "the library's score objects", r)
    # vectors_simple31 line 109: (9.9, 9.9, 10.0); a score of 10 is written 10.0
    r10, top = cvss_of(t, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H")
    t.check('"base": 10.0' in r10.out and top[0]["severity"] == "Critical", "10.0 stays 10.0", r10)
    t.golden("cvss_json.out", r.out)


@case("cvss_reference")
def _(t):
    """A sample of every reference file, scored in one run: each line's expected score."""
    rows = cvss_reference_rows()
    r, scores = cvss_of(t, *[v for v, _, _ in rows])
    t.check(len(scores) == len(rows) > 100, f"{len(rows)} vectors, {len(scores)} scores", r)
    for (vector, base, score), s in zip(rows, scores):
        specific = s.get("environmental", s.get("temporal", s.get("overall", s["base"])))
        t.check((base is None or s["base"] == base) and specific == score,
                f"{vector}: expected base {base}, score {score}; got {s}")
    cvss_text_agrees(t, scores, t.run("cvss", *[v for v, _, _ in rows], expect=0))


@case("cvss_order")
def _(t):
    """Metric order is free; the output puts the metrics in the specification's order."""
    _, scores = cvss_of(t, "CVSS:3.1/A:H/I:H/C:H/S:U/UI:N/PR:N/AC:L/AV:N")
    t.check(scores[0]["vector"] == CVSS_VECTORS[0] and scores[0]["base"] == 9.8, f"normalised: {scores}")


@case("cvss_stdin")
def _(t):
    """'-' reads one vector per line; blank lines and '#' comments are skipped, CRLF and
    surrounding blanks are fine, and operands around '-' keep their order."""
    lines = "# from the reference files\r\n" + "".join(f"  {v}\r\n" for v in CVSS_VECTORS[1:5]) + "\n\n"
    piped = t.run("cvss", CVSS_VECTORS[0], "-", CVSS_VECTORS[5], stdin=lines.encode(), expect=0)
    direct = t.run("cvss", *CVSS_VECTORS, expect=0)
    t.check(piped.out == direct.out and piped.err == "", "stdin gives what the operands give", piped)
    r = t.run("cvss", "-", stdin=b"", expect=0)
    t.check(r.out == "" and r.err == "", "no vectors on stdin: nothing to print", r)
    r = t.run("cvss", "--format", "json", "-", stdin=b"\n# none\n", expect=0)
    t.check(r.out == "[]\n", "an empty JSON array", r)
    r = t.run("cvss", "-", "-", expect=2)
    t.check("can be read only once" in r.err, "stdin twice is a usage error", r)


@case("cvss_errors")
def _(t):
    """A bad vector: one stderr line naming the metric; the others are still printed; exit 2."""
    good = CVSS_VECTORS[0]
    runs = [
        ["cvss", good, "CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", CVSS_VECTORS[4]],
        ["cvss", "--format", "json", "CVSS:3.1/AV:N/AC:L/UI:N/S:U/C:H/I:H/A:H", good],
        ["cvss", "CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"],
        ["cvss", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/XX:Y"],
        ["cvss", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:Z"],
        ["cvss", "CVSS:2.0/AV:N/AC:L/Au:N/C:C/I:C/A:C", ""],
        ["cvss"],
        ["cvss", "--format", "xml", good],
    ]
    results = [t.run(*args, expect=2) for args in runs]
    for r in results[:6]:
        for line in r.err.splitlines():
            t.check(line.startswith("postmortem: cvss: "), "postmortem: cvss: VECTOR: message", r)
    t.check(results[0].err == "postmortem: cvss: CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H: "
            "metric `AV` has no value `Q` (expected N, A, L or P)\n", "the metric and its values", results[0])
    t.check(len(results[0].out.splitlines()) == 3 and "9.8" in results[0].out and "000200" in results[0].out,
            "the good vectors before and after the bad one are printed", results[0])
    _, scores = cvss_of(t, *runs[1][3:], expect=2)
    t.check([s["vector"] for s in scores] == [good], "JSON holds the vectors that scored", results[1])
    t.check("`PR`" in results[1].err, "missing PR", results[1])
    t.check("`AV`" in results[2].err, "duplicate AV", results[2])
    t.check("`XX`" in results[3].err, "unknown XX", results[3])
    t.check("`E`" in results[4].err, "v4 E:Z", results[4])
    t.check(results[5].err.count("\n") == 2 and "postmortem: cvss: '': " in results[5].err,
            "each bad vector has its line; an empty one is shown as ''", results[5])
    for r in results[6:]:
        t.check(r.out == "" and "see 'postmortem cvss --help'" in r.err, "usage error", r)
    t.golden("cvss_errors.txt", transcript(results))


@case("cvss_escaping")
def _(t):
    """A vector is echoed in error messages escaped, and cut when very long."""
    r = t.run("cvss", "CVSS:3.1/AV:N\x1b[2J/AC:L\u202e", expect=2)  # run() asserts nothing raw
    t.check("\\x1b[2J" in r.err and "\\u202e" in r.err, "control and bidi characters escaped", r)
    long = "CVSS:3.1/" + "AV:N/" * 1000
    r = t.run("cvss", long, expect=2)
    t.check(r.err.count("\n") == 1 and len(r.err) < 600 and "(5009 bytes)" in r.err, "a long vector is cut", r)


@case("help_cvss")
def _(t):
    top = t.run("--help", expect=0)
    t.check(re.search(r"^  cvss\s+score CVSS", top.out, re.M) is not None, "the top-level help lists cvss", top)
    h = t.run("cvss", "--help", expect=0)
    for word in ("--format", "--help", "text", "json", "3.0", "3.1", "4.0", "MacroVector", "SEVERITY",
                 "postmortem: cvss: VECTOR:", "Exit status", "Examples:", "'-'", "docs/cvss.md"):
        t.check(word in h.out, f"cvss --help mentions {word}", h)
    for args in (["cvss", "-h"], ["help", "cvss"], ["cvss", "CVSS:3.1/AV:N", "--help"]):
        t.check(t.run(*args, expect=0).out == h.out, f"{args} prints the cvss help")
    t.check(all(len(line) <= 90 for line in h.out.splitlines()), "help lines fit a terminal", h)
    t.golden("help_cvss.out", h.out)


# --- import -----------------------------------------------------------------------------------
TIMELINES = "data/timelines"
L2TCSV = f"{TIMELINES}/plaso/l2tcsv.log"
DYNAMIC = f"{TIMELINES}/plaso/dynamic.log"
SIGMA_CSV = f"{TIMELINES}/timesketch/test_events/sigma_events.csv"
SIGMA_JSONL = f"{TIMELINES}/timesketch/test_events/sigma_events.jsonl"
INVALID_CSV = f"{TIMELINES}/timesketch/test_events/invalid_datetime.csv"
INTO = DOCUMENTS["phishing-mfa-fatigue"]


def summary_of(imported, file, fmt, skipped=0, duplicates=0, into=None):
    plural = lambda n, w: f"{n} {w}{'' if n == 1 else 's'}"
    where = f" into {into}" if into else ""
    return (f"imported {plural(imported, 'event')} from {file} as {fmt}{where} "
            f"({skipped} skipped, {plural(duplicates, 'duplicate')})")


def imported(t, *args, expect=0, **kw):
    """Runs `import`; returns (result, the document it wrote to stdout)."""
    r = t.run("import", *args, expect=expect, **kw)
    try:
        doc = json.loads(r.out)
    except ValueError as e:
        raise Failure(f"import output is not JSON: {e}\n" + r.describe())
    t.check(doc.get("schema") == "postmortem/1" and isinstance(doc.get("timeline"), list),
            "import writes a postmortem/1 document with a timeline", r)
    return r, doc


def utc_seconds(time):
    from datetime import datetime
    return datetime.fromisoformat(time.replace("Z", "+00:00")).timestamp()


@case("import_plaso_l2tcsv")
def _(t):
    r, doc = imported(t, "--from", "plaso", L2TCSV)
    t.check(r.err == summary_of(19, L2TCSV, "plaso_l2tcsv") + "\n", "summary line", r)
    events = doc["timeline"]
    t.check(len(events) == 19 and len({e["id"] for e in events}) == 19, "19 events, unique ids", r)
    t.check(all({"id", "time", "description", "source"} <= set(e) for e in events), "event members", r)
    times = [utc_seconds(e["time"]) for e in events]
    t.check(times == sorted(times), "events in time order", r)
    t.golden("import_plaso_l2tcsv.out", transcript([r]))
    # The explicit format, standard input and the same events in CET/CEST give the same document.
    t.check(t.run("import", "--from", "plaso-l2tcsv", L2TCSV, expect=0).out == r.out, "--from plaso-l2tcsv")
    stdin = t.run("import", "--from", "plaso", "-", stdin=L2TCSV, expect=0)
    t.check(stdin.out == r.out and stdin.err == summary_of(19, "<stdin>", "plaso_l2tcsv") + "\n",
            "standard input", stdin)
    _, cet = imported(t, "--from", "plaso", f"{TIMELINES}/plaso/l2tcsv_time_zone.log")
    t.check([e["time"] for e in cet["timeline"]] == [e["time"] for e in events],
            "times are UTC whatever zone Plaso wrote them in")
    # The result is a document `check` reads (no PM100/PM101).
    _, findings = findings_of(t, "--fail-on=none", AS_OF, "-", stdin=r.out.encode("utf-8"), expect=0)
    codes = {f["code"] for f in findings["files"][0]["findings"]}
    t.check(not codes & {"PM100", "PM101"}, f"check reads the imported document: {sorted(codes)}")


@case("import_plaso_dynamic")
def _(t):
    r, doc = imported(t, "--from", "plaso", DYNAMIC)
    # 20 rows; a file's content and metadata modification times are two rows with the same
    # source, message and time (one l2tcsv row, MACB M.C.): one event and one duplicate.
    t.check(r.err == summary_of(19, DYNAMIC, "plaso_dynamic", duplicates=1) + "\n",
            "--from plaso picks dynamic CSV", r)
    _, l2t = imported(t, "--from", "plaso", L2TCSV)
    # l2tcsv merges two timestamps of one file into one row (MACB M.C.), dynamic has two rows.
    # l2tcsv has whole seconds; dynamic CSV (--dynamic-time) the source's own precision.
    t.check({e["time"][:19] for e in doc["timeline"]} == {e["time"][:19] for e in l2t["timeline"]},
            "dynamic and l2tcsv give the same times")
    t.check(t.run("import", "--from", "plaso-dynamic", DYNAMIC, expect=0).out == r.out, "--from plaso-dynamic")


@case("import_timesketch_csv")
def _(t):
    results = []
    for path in (SIGMA_CSV, INVALID_CSV):
        r, doc = imported(t, "--from", "timesketch", path)
        results.append(r)
    t.check(results[0].err == summary_of(4, SIGMA_CSV, "timesketch_csv") + "\n", "sigma_events.csv", results[0])
    # invalid_datetime.csv: the `1234 19:01:01` row is skipped, the other three are imported.
    err = results[1].err.splitlines()
    t.check(err[0] == summary_of(3, INVALID_CSV, "timesketch_csv", skipped=1)
            and len(err) == 2 and err[1].startswith(f"{INVALID_CSV}:") and "skipped row: " in err[1]
            and "1234 19:01:01" in err[1], "a skipped row is listed with its line and column", results[1])
    t.check(re.match(re.escape(INVALID_CSV) + r":\d+:\d+: ", err[1]) is not None, "FILE:LINE:COLUMN", results[1])
    t.golden("import_timesketch_csv.out", transcript(results))


@case("import_timesketch_detect")
def _(t):
    """--from timesketch: JSONL for a .jsonl name or a first '{', else CSV."""
    r, doc = imported(t, "--from", "timesketch", SIGMA_JSONL)
    t.check(r.err == summary_of(5, SIGMA_JSONL, "timesketch_jsonl") + "\n", "a .jsonl file is JSONL", r)
    t.check(t.run("import", "--from", "timesketch-jsonl", SIGMA_JSONL, expect=0).out == r.out, "explicit")
    s = t.run("import", "--from", "timesketch", "-", stdin=SIGMA_JSONL, expect=0)
    t.check(s.out == r.out and "as timesketch_jsonl" in s.err, "standard input starting with '{' is JSONL", s)
    s = t.run("import", "--from", "timesketch", "-", stdin=SIGMA_CSV, expect=0)
    t.check("as timesketch_csv" in s.err, "standard input starting otherwise is CSV", s)
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copy(TESTS / SIGMA_JSONL, Path(tmp) / "events.txt")
        s = t.run("import", "--from", "timesketch", "events.txt", cwd=tmp, expect=0)
        t.check(s.out == r.out and "as timesketch_jsonl" in s.err, "sniffed by content", s)
    # A JSONL file named .csv, read as CSV on request: not that format.
    s = t.run("import", "--from", "timesketch-csv", SIGMA_JSONL, expect=2)
    t.check(s.out == "" and f"postmortem: {SIGMA_JSONL} (read as timesketch_csv): " in s.err, "wrong format", s)


@case("import_into")
def _(t):
    r, doc = imported(t, "--from", "timesketch-jsonl", "--into", INTO, SIGMA_JSONL)
    original = json.loads((TESTS / INTO).read_text(encoding="utf-8"))
    n = len(original["timeline"])
    t.check(r.err == summary_of(5, SIGMA_JSONL, "timesketch_jsonl", into=INTO) + "\n", "summary", r)
    t.check(doc["timeline"][:n] == original["timeline"] and len(doc["timeline"]) == n + 5,
            "the document's own events first, then the new ones", r)
    t.check({k: v for k, v in doc.items() if k != "timeline"} ==
            {k: v for k, v in original.items() if k != "timeline"}, "nothing else changes", r)
    t.golden("import_into.out", transcript([r]))
    with tempfile.TemporaryDirectory() as tmp:
        out = str(Path(tmp) / "incident.json")
        # -o writes the same document and nothing to stdout; then import into it in place, twice.
        w = t.run("import", "--from", "timesketch-jsonl", "--into", INTO, "-o", out, SIGMA_JSONL, expect=0)
        t.check(w.out == "" and Path(out).read_text(encoding="utf-8") == r.out, "-o FILE", w)
        again = t.run("import", "--from", "timesketch", "--into", out, "-o", out, SIGMA_JSONL, expect=0)
        t.check(again.err == summary_of(0, SIGMA_JSONL, "timesketch_jsonl", duplicates=5, into=out) + "\n"
                and Path(out).read_text(encoding="utf-8") == r.out, "re-importing changes nothing", again)
        more = t.run("import", "--from", "plaso", "--into", out, "-o", out, L2TCSV, expect=0)
        final = json.loads(Path(out).read_text(encoding="utf-8"))
        t.check(len(final["timeline"]) == n + 5 + 19 and final["timeline"][:n + 5] == doc["timeline"],
                "a second timeline is added after the first", more)
        t.check(os.listdir(tmp) == ["incident.json"], "no temporary file is left behind")
        # Standard input as the document.
        s = t.run("import", "--from", "timesketch-jsonl", "--into", "-", SIGMA_JSONL, stdin=INTO, expect=0)
        t.check(s.out == r.out, "--into -", s)


@case("import_options")
def _(t):
    _, base = imported(t, "--from", "plaso", L2TCSV)
    events = base["timeline"]
    source = events[0]["source"]
    t.check(len({e["source"] for e in events}) > 1, "the sample has several sources")
    # Ids are made from the (corrected) time too, so events are matched by everything else
    # (events alike but for the time are matched in time order: an offset keeps their order).
    def times_by_content(timeline):
        out = {}
        for e in timeline:
            content = json.dumps({k: v for k, v in e.items() if k not in ("id", "time")}, sort_keys=True)
            out.setdefault(content, []).append(utc_seconds(e["time"]))
        return {k: sorted(v) for k, v in out.items()}
    base_times = times_by_content(events)
    for offset, seconds in (("+00:05:00", 300), ("-00:05", -300), ("+1:00:01", 3601)):
        r, shifted = imported(t, "--from", "plaso", f"--offset={source}={offset}", L2TCSV)
        shifted_times = times_by_content(shifted["timeline"])
        t.check(set(shifted_times) == set(base_times), "the same events", r)
        for content, times in base_times.items():
            delta = seconds if json.loads(content)["source"] == source else 0
            t.check(shifted_times[content] == [x + delta for x in times],
                    f"--offset {offset} moves only {source} events, by {seconds} s: {content}", r)
        times = [utc_seconds(e["time"]) for e in shifted["timeline"]]
        t.check(times == sorted(times), "still in time order", r)
    r, doc = imported(t, "--from", "timesketch", "--source", "edr", "--type", "attacker_activity",
                      "--id-prefix", "edr", SIGMA_CSV)
    t.check({e["source"] for e in doc["timeline"]} == {"edr"}
            and {e["type"] for e in doc["timeline"]} == {"attacker_activity"}
            and all(e["id"].startswith("edr") for e in doc["timeline"]), "--source, --type, --id-prefix", r)
    csv = (b"message,DT,timestamp_desc\n"
           b"beacon,2024-01-15 10:00:00,Event Recorded\n"
           b"beacon,2024-01-15 10:00:30,Event Recorded\n")
    r, doc = imported(t, "--from", "timesketch-csv", "--column", "datetime=DT", "--time-zone",
                      "Europe/Berlin", "-", stdin=csv)
    t.check([e["time"][:19] for e in doc["timeline"]] == ["2024-01-15T09:00:00", "2024-01-15T09:00:30"],
            "--column and --time-zone", r)
    r, doc = imported(t, "--from", "timesketch-csv", "--column", "datetime=DT", "--dedupe", "60", "-",
                      stdin=csv)
    t.check(len(doc["timeline"]) == 1 and "1 duplicate)" in r.err, "--dedupe merges near repeats", r)
    csv = b"message,datetime,timestamp_desc\nx,2024-01-15 10:00:00 IST,Event Recorded\n"
    r, doc = imported(t, "--from", "timesketch-csv", "--zone", "IST=+01:00", "-", stdin=csv)
    t.check(doc["timeline"][0]["time"].startswith("2024-01-15T09:00:00"), "--zone", r)
    # --options FILE: the JSON form; the flags override it.
    with tempfile.TemporaryDirectory() as tmp:
        options = Path(tmp) / "options.json"
        options.write_text(json.dumps({"source": "fw", "offsets": {"fw": "+00:05:00"},
                                       "event_type": "alert"}), encoding="utf-8")
        r, doc = imported(t, "--from", "timesketch", "--options", str(options), SIGMA_CSV)
        t.check([e["time"] for e in doc["timeline"]][0] == "2015-07-24T19:06:01Z"
                and {(e["source"], e["type"]) for e in doc["timeline"]} == {("fw", "alert")},
                "--options", r)
        r, doc = imported(t, "--from", "timesketch", "--options", str(options), "--type", "detection",
                          "--offset", "fw=+00:10:00", SIGMA_CSV)
        t.check([e["time"] for e in doc["timeline"]][0] == "2015-07-24T19:11:01Z"
                and {(e["source"], e["type"]) for e in doc["timeline"]} == {("fw", "detection")},
                "the flags override --options", r)
        s = t.run("import", "--from", "timesketch", "--options", "-", "-", stdin=str(options), expect=2)
        t.check("can be read only once" in s.err, "--options - and FILE -", s)


@case("import_errors")
def _(t):
    """Exit 2, nothing on stdout, one line on stderr that says what is wrong."""
    runs = [
        ["import", "--from", "timesketch", "--strict", INVALID_CSV],
        ["import", "--from", "plaso", "--offset", "syslog=5min", L2TCSV],
        ["import", "--from", "plaso", "--offset", "+00:05:00", L2TCSV],
        ["import", "--from", "plaso", "--offset", "syslog=+00:65", L2TCSV],
        ["import", "--from", "plaso", f"{TIMELINES}/plaso/no-such-file.log"],
        ["import", "--from", "plaso", TIMELINES],
        ["import", L2TCSV],
        ["import", "--from", "csv", L2TCSV],
        ["import", "--from", "plaso"],
        ["import", "--from", "plaso", L2TCSV, DYNAMIC],
        ["import", "--from", "plaso", "--dedupe=-1", L2TCSV],
        ["import", "--from", "plaso", "--dedupe", "soon", L2TCSV],
        ["import", "--from", "plaso", "--time-zone", "Mars/Olympus_Mons", L2TCSV],
        ["import", "--from", "plaso", "--zone", "IST", L2TCSV],
        ["import", "--from", "plaso", "--type", "explosion", L2TCSV],
        ["import", "--from", "plaso", "--into", cli_data("no-such-file.json"), L2TCSV],
        ["import", "--from", "plaso", "--into", cli_data("truncated.json"), L2TCSV],
        ["import", "--from", "plaso", "--into", "-", "-"],
        ["import", "--from", "plaso", "--options", cli_data("truncated.json"), L2TCSV],
        ["import", "--from", "plaso", "--options", cli_data("policy.json"), L2TCSV],
        ["import", "--from", "plaso", "--options", cli_data("no-such-file.json"), L2TCSV],
        ["import", "--from", "plaso-l2tcsv", SIGMA_CSV],
        ["import", "--from", "plaso", "-o", "no-such-dir/out.json", L2TCSV],
    ]
    results = usage_errors(t, runs)
    t.check("line " in results[0].err and "1234 19:01:01" in results[0].err
            and results[0].err.startswith(f"postmortem: {INVALID_CSV} (read as timesketch_csv): "),
            "a strict failure names the file, the line and the value", results[0])
    t.check("see 'postmortem import --help'" in results[1].err, "usage errors point at the help", results[1])
    t.golden("import_errors.txt", transcript(results))


@case("import_escaping")
def _(t):
    """Attacker-written rows (ESC sequences, bidi overrides, newlines) are escaped in the summary
    and kept as the same characters in the document."""
    with tempfile.TemporaryDirectory() as tmp:
        name = "evil\x1b[2J\u202e.csv"
        (Path(tmp) / name).write_text(
            "message,datetime,timestamp_desc\n"
            "\"pwn\x1b]0;title\x07\u202eed\nline\",2024-01-15T10:00:00+00:00,Event Recorded\n"
            "bad,\x1b[31mnot a date\u202e,Event Recorded\n", encoding="utf-8")
        r, doc = imported(t, "--from", "timesketch", name, cwd=tmp)
        # run() already asserted that no raw control or bidi character reached the output.
        t.check(doc["timeline"][0]["description"] == "pwn\x1b]0;title\x07\u202eed\nline",
                "the document keeps the text", r)
        t.check("\\u202e" in r.out and "\\u001b" in r.out, "JSON escapes", r)
        lines = r.err.splitlines()
        t.check(len(lines) == 2 and lines[0].startswith("imported 1 event from evil\\x1b[2J\\u202e.csv ")
                and lines[1].startswith("evil\\x1b[2J\\u202e.csv:4:") and "\\x1b[31mnot a date\\u202e" in lines[1],
                "file names and skipped rows are escaped on stderr", r)


@case("import_progress")
def _(t):
    """A progress bar on stderr only for a large file when stderr is a terminal."""
    try:
        import pty
    except ImportError:
        raise SystemExit(SKIP)
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "big.csv"
        row = "event number {},2024-01-15T10:{:02d}:{:02d}+00:00,Event Recorded," + "x" * 60 + "\n"
        with big.open("w", encoding="utf-8") as f:
            f.write("message,datetime,timestamp_desc,padding\n")
            for i in range(100_000):
                f.write(row.format(i, i // 60 % 60, i % 60))
        t.check(big.stat().st_size > 9 << 20, "the file is large enough for a progress bar")
        master, slave = pty.openpty()
        p = subprocess.Popen([t.cli, "import", "--from", "timesketch", str(big)], stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL, stderr=slave, cwd=tmp, env=t.env())
        os.close(slave)
        output = drain_pty(master)
        t.check(p.wait(timeout=120) == 0, "exit 0")
        err = output.decode("utf-8")
        t.check("importing [" in err and "100%" in err and "\r" in err, f"a progress bar: {err[:200]!r}")
        t.check(err.rstrip().endswith("(0 skipped, 0 duplicates)"), f"then the summary: {err[-200:]!r}")
        r = t.run("import", "--from", "timesketch", str(big), cwd=tmp, expect=0, stdout=subprocess.DEVNULL)
        t.check(r.err == summary_of(100_000, str(big), "timesketch_csv") + "\n", "no bar into a pipe", r)


@case("help_import")
def _(t):
    r = t.run("import", "--help", expect=0)
    for word in ("--from", "--into", "--options", "--offset", "--time-zone", "--zone", "--source", "--dedupe",
                 "--type", "--id-prefix", "--column", "--strict", "--output", "timesketch", "plaso",
                 "Exit status", "Examples:", "'-'"):
        t.check(word in r.out, f"import --help mentions {word}", r)
    t.check(all(len(line) <= 90 for line in r.out.splitlines()), "help lines fit a terminal", r)
    t.check(t.run("help", "import", expect=0).out == r.out, "help import")
    t.check("  import " in t.run("--help", expect=0).out, "the command list has import")
    t.golden("help_import.out", r.out)


# --- postmortem stats ---------------------------------------------------------------------------
# The analysis itself is tested in tests/cpp (corpus) against docs/corpus.md; here: the command's
# operands (files, directories, NDJSON, '-'), options, bad documents, errors and the text report.
# cli/data/corpus holds the three samples plus documents that recur their root causes:
#   mfa-push-bombing-sales.json  INC-2024-0603 names control "cis-6.5", like the phishing sample's
#                                f1 ("CIS 6.5"), whose fix act1 was verified effective:
#                                verified_fix_failed, undeclared
#   appliance-alerting-gap.json  INC-2024-0612 re-phrases the VPN sample's cf1 title (order, plurals,
#                                punctuation; same words): same group, whose fix A4 is only planned
#   batch.ndjson                 line 1: INC-2024-0620 declares recurrence_of INC-2024-0511 and
#                                re-phrases its c2 with stop words; line 2: truncated JSON (PM100);
#                                line 3: no incident.id (PM102)
CORPUS = cli_data("corpus")
CORPUS_BATCH = cli_data("corpus/batch.ndjson")
CORPUS_BAD = [(CORPUS_BATCH, 2, "PM100"), (CORPUS_BATCH, 3, "PM102")]  # (source, line, code) planted
STATS_KEYS = ["schema", "as_of", "verify_within_days", "summary", "trends", "factors", "recurrences",
              "remediation", "techniques", "validation"]
PROBLEM_LINE = re.compile(r"postmortem: (.+?):(\d+)(?::(\d+))?: (PM\d{3}): (.+)")


def planted_bad(path):
    """The lines of an NDJSON file a corpus must skip, worked out here: not JSON, or no incident.id."""
    bad = []
    for number, line in enumerate((TESTS / path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            doc = json.loads(line)
        except ValueError:
            bad.append((number, "PM100"))
            continue
        if not isinstance(doc.get("incident"), dict) or "id" not in doc["incident"]:
            bad.append((number, "PM102"))
    return bad


def stats_of(t, *args, expect=0, **kw):
    """Runs `stats --format json`; returns (result, parsed JSON) after checking its shape."""
    r, s = run_json(t, "stats", *args, expect=expect, **kw)
    t.check(list(s) == STATS_KEYS, f"top-level members must be {STATS_KEYS}, got {list(s)}", r)
    t.check(s["schema"] == "postmortem-stats/1", "schema postmortem-stats/1", r)
    return r, s


def problem_lines(t, r):
    """The problem lines on stderr, parsed: [(source, line, column, code, message)]."""
    out = []
    for line in r.err.splitlines():
        if line.startswith("postmortem: ... and "):
            continue
        m = PROBLEM_LINE.fullmatch(line)
        t.check(m is not None, f"stderr line is not PATH:LINE[:COLUMN]: CODE: MESSAGE: {line!r}", r)
        out.append((m[1], int(m[2]), int(m[3]) if m[3] else None, m[4], m[5]))
    return out


@case("stats_text")
def _(t):
    r = t.run("stats", AS_OF, CORPUS, expect=0)
    t.golden("stats_text.out", transcript([r]))
    lines = r.out.splitlines()
    t.check(lines[0] == "Post-mortem statistics as of 2024-07-01 (re-verification due after 90 days)",
            "the heading says the as_of day", r)
    t.check(lines[1] == "6 documents read, 2 skipped as unusable; 6 incidents (6 dated, 0 undated), "
            "from 2024-01 to 2024-06", "the summary line", r)
    for title in ("Trends by quarter", "Recurring root causes", "Recurrences: 3", "Remediation health",
                  "ATT&CK techniques", "Due for re-verification"):
        t.check(any(line.startswith(title) for line in lines), f"a section {title!r}", r)
    # The fix that was verified effective comes first and stands out.
    marked = [line for line in lines if line.startswith("  !! ")]
    t.check(len(marked) == 2 and marked[0] == "  !! 1 recurrence after a fix verified effective"
            and marked[1].startswith("  !! INC-2024-0603 (2024-06-03) repeats INC-2024-0117 (2024-01-17)"),
            f"the verified_fix_failed recurrence is marked '!!' and listed first: {marked}", r)
    t.check("fixed, verified effective, and it happened again" in r.out, "says what failed", r)
    t.check(re.search(r"^  2024-Q1\s+1\s", r.out, re.M) and re.search(r"^  2024-Q2\s+5\s", r.out, re.M)
            and re.search(r"^  all\s+6\s", r.out, re.M), "incidents per quarter", r)
    t.check([p[:2] + p[3:4] for p in problem_lines(t, r)] == CORPUS_BAD, "the bad documents on stderr", r)
    t.check("\x1b[" not in r.out, "no colour into a pipe", r)


@case("stats_json")
def _(t):
    r, s = stats_of(t, AS_OF, CORPUS)
    t.golden("stats_json.out", r.out)
    summary = s["summary"]
    planted = planted_bad(CORPUS_BATCH)
    t.check(summary["bad"] == len(planted) == 2, f"summary.bad is the {len(planted)} planted bad lines", r)
    t.check([(p["source"], p["line"], p["code"]) for p in summary["problems"]]
            == [(CORPUS_BATCH, n, code) for n, code in planted] == CORPUS_BAD, "the problems, in line order", r)
    t.check(summary["documents"] == 6 and summary["dated"] + summary["undated"] == 6 and s["as_of"] == "2024-07-01",
            f"6 documents, each dated or undated, at 2024-07-01: {summary}", r)
    items = {i["incident"]: i for i in s["recurrences"]["items"]}
    t.check(set(items) == {"INC-2024-0603", "INC-2024-0612", "INC-2024-0620"}, f"recurrences {list(items)}", r)
    t.check(s["recurrences"]["items"][0]["incident"] == "INC-2024-0603", "strongest signal first", r)
    mfa, fw, token = items["INC-2024-0603"], items["INC-2024-0612"], items["INC-2024-0620"]
    t.check(mfa["group"] == "control:cis 6.5" and mfa["signal"] == "verified_fix_failed" and not mfa["declared"]
            and mfa["earlier"]["incident"] == "INC-2024-0117", f"control 'cis-6.5' meets 'CIS 6.5': {mfa}", r)
    t.check(fw["group"] == "title:technical:alert applianc connect file new outbound" and fw["signal"] == "open_fix"
            and fw["earlier"]["incident"] == "INC-2024-0302" and fw["earlier"]["factor"] == "cf1",
            f"the re-phrased title meets cf1: {fw}", r)
    t.check(token["declared"] and token["earlier"]["incident"] == "INC-2024-0511"
            and token["signal"] == "unverified_fix", f"the declared recurrence: {token}", r)
    t.check(s["recurrences"]["declared_unmatched"] == [{"incident": "INC-2024-0511", "date": "2024-05-09",
                                                         "of": "INC-2022-0210"}],
            "a recurrence_of no shared group confirms", r)
    # The text report says what the JSON says.
    text = t.run("stats", AS_OF, CORPUS, expect=0)
    for item in s["recurrences"]["items"]:
        t.check(f"{item['incident']} ({item['date']}) repeats {item['earlier']['incident']}" in text.out,
                f"the text lists recurrence {item['incident']}", text)
    for g in s["factors"]["top"]:
        t.check(re.search(rf"^  +{g['incidents']} +{g['factors']} +{g['root_causes']} +{g['category']} .*"
                          + re.escape(g["title"]) + "$", text.out, re.M) is not None,
                f"the text lists group {g['key']}", text)
    for v in s["validation"]["items"]:
        t.check(re.search(rf"^  {v['due_on']} +{v['days_overdue']}d +{v['incident']} +{re.escape(v['action'])} ",
                          text.out, re.M) is not None, f"the worklist lists {v['incident']}/{v['action']}", text)
    total = s["remediation"]["total"]
    t.check(f"Remediation health: {total['actions']} actions" in text.out
            and f"{total['open']} ({total['overdue']} overdue)" in text.out, "remediation totals", text)


@case("stats_stdin")
def _(t):
    """'-' reads standard input like a file: NDJSON and a single pretty-printed document."""
    by_file = t.run("stats", AS_OF, CORPUS_BATCH, expect=0)
    by_stdin = t.run("stats", AS_OF, "-", stdin=CORPUS_BATCH, expect=0)
    t.check(by_stdin.out == by_file.out, "the same report", by_stdin)
    t.check(by_stdin.err == by_file.err.replace(CORPUS_BATCH, "<stdin>"), "problems name <stdin>", by_stdin)
    _, from_file = stats_of(t, AS_OF, CORPUS_BATCH)
    _, from_stdin = stats_of(t, AS_OF, "-", stdin=CORPUS_BATCH)
    for p in from_stdin["summary"]["problems"]:
        p["source"] = CORPUS_BATCH
    t.check(from_stdin == from_file, "the same analysis")
    sample = DOCUMENTS["phishing-mfa-fatigue"]
    r1, a = stats_of(t, AS_OF, sample)
    r2, b = stats_of(t, AS_OF, "--", "-", stdin=sample)
    t.check(a == b and a["summary"]["documents"] == 1 and a["summary"]["bad"] == 0,
            "a pretty-printed document on standard input", r2)
    # Standard input with the other operands: the corpus is the same whatever the order.
    _, whole = stats_of(t, AS_OF, CORPUS)
    files = sorted(str(p.relative_to(TESTS)) for p in (TESTS / CORPUS).iterdir() if p.name != "batch.ndjson")
    r, mixed = stats_of(t, AS_OF, *reversed(files), "-", stdin=CORPUS_BATCH)
    for p in mixed["summary"]["problems"]:
        p["source"] = CORPUS_BATCH
    t.check(mixed == whole, "files and standard input, in any order, make the directory's corpus", r)


@case("stats_threads")
def _(t):
    """The result does not depend on the number of threads nor on the order of the operands."""
    r1, one = stats_of(t, AS_OF, "--threads", "1", CORPUS)
    for threads in ("2", "0", "7"):
        r, other = stats_of(t, AS_OF, f"--threads={threads}", CORPUS)
        t.check(r.out == r1.out and r.err == r1.err, f"--threads {threads} gives the same bytes as --threads 1", r)
    text1 = t.run("stats", AS_OF, "--threads", "1", CORPUS, expect=0)
    text2 = t.run("stats", AS_OF, "--threads", "2", CORPUS, expect=0)
    t.check(text1.out == text2.out and text1.err == text2.err, "the text too", text2)
    paths = sorted(str(p.relative_to(TESTS)) for p in (TESTS / CORPUS).iterdir())
    r, reordered = stats_of(t, AS_OF, "--threads", "2", *reversed(paths))
    t.check(reordered == one, "the files one by one, in reverse order, make the directory's corpus", r)
    # NDJSON over several 4 MiB blocks, parsed by several threads.
    with tempfile.TemporaryDirectory() as tmp:
        lines = (TESTS / CORPUS_BATCH).read_text(encoding="utf-8").splitlines()
        good = json.loads(lines[0])
        big = Path(tmp) / "big.ndjson"
        with big.open("w", encoding="utf-8") as f:
            good["x_padding"] = "x" * 3000  # few documents, several blocks: quick even under sanitizers
            for i in range(2000):
                good["incident"]["id"] = f"INC-{i:05d}"
                good["incident"]["milestones"]["detected_at"] = f"2024-{i % 12 + 1:02d}-{i % 28 + 1:02d}T08:00:00Z"
                f.write(json.dumps(good) + "\n")
                if i % 200 == 0:
                    f.write(lines[1] + "\n")
        t.check(big.stat().st_size > 5 << 20, "more than one block")
        runs = [stats_of(t, AS_OF, f"--threads={n}", str(big)) for n in (1, 2, 3)]
        t.check(all(r.out == runs[0][0].out for r, _ in runs), "the same bytes with 1, 2 and 3 threads")
        s = runs[0][1]["summary"]
        t.check(s["documents"] == 2000 and s["bad"] == 10, f"2000 documents, 10 bad: {s}", runs[0][0])


@case("stats_bad_documents")
def _(t):
    """Bad documents never stop the run: listed on stderr (the first 20), counted, exit 0."""
    r = t.run("stats", AS_OF, CORPUS_BATCH, expect=0)
    problems = problem_lines(t, r)
    t.check([(p[0], p[1], p[3]) for p in problems] == CORPUS_BAD, f"PATH:LINE: CODE: {problems}", r)
    t.check(problems[0][2] is not None, "a JSON error has its column", r)
    t.check("1 document read, 2 skipped as unusable; 1 incident" in r.out, "the summary counts them", r)
    with tempfile.TemporaryDirectory() as tmp:
        many = Path(tmp) / "many.ndjson"
        good = (TESTS / CORPUS_BATCH).read_text(encoding="utf-8").splitlines()[0]
        many.write_text(good + "\n" + "".join(f'{{"schema": "postmortem/1", "n": {i}\n' for i in range(25)),
                        encoding="utf-8")
        r = t.run("stats", AS_OF, str(many), expect=0)
        errs = r.err.splitlines()
        t.check(len(errs) == 21 and errs[-1] == "postmortem: ... and 5 more documents skipped"
                and all(e.startswith(f"postmortem: {many}:") for e in errs[:20]),
                "the first 20, then how many more", r)
        t.check([p[1] for p in problem_lines(t, r)] == list(range(2, 22)), "in line order", r)
        _, s = stats_of(t, AS_OF, str(many))
        t.check(s["summary"]["bad"] == 25 and s["summary"]["documents"] == 1, "all 25 are counted", r)
        # A directory: only *.json, *.ndjson and *.jsonl files, not names starting with '.'.
        (Path(tmp) / "notes.txt").write_text("not a post-mortem", encoding="utf-8")
        (Path(tmp) / ".hidden.json").write_text("{", encoding="utf-8")
        _, s = stats_of(t, AS_OF, tmp)
        t.check(s["summary"]["bad"] == 25 and s["summary"]["documents"] == 1, "other files are not read", r)


@case("stats_empty")
def _(t):
    """No documents: every section says it is empty."""
    with tempfile.TemporaryDirectory() as tmp:
        r = t.run("stats", AS_OF, tmp, expect=0)
        t.check(r.err == "", "nothing on stderr", r)
        for words in ("0 documents read, 0 skipped as unusable; 0 incidents", "No incidents.",
                      "No recurring root causes.", "No recurrences.", "No techniques recorded.",
                      "Nothing is due for re-verification."):
            t.check(words in r.out, f"says {words!r}", r)
        _, s = stats_of(t, AS_OF, tmp)
        t.check(s["summary"]["documents"] == 0 and s["recurrences"]["items"] == [], "an empty analysis")


@case("stats_top")
def _(t):
    _, all_ = stats_of(t, AS_OF, "--top", "0", CORPUS)
    r, one = stats_of(t, AS_OF, "--top", "1", CORPUS)
    t.check(len(one["techniques"]["top"]) == 1 and len(one["factors"]["top"]) == 1
            and one["techniques"]["top"][0] == all_["techniques"]["top"][0], "--top 1 keeps the first", r)
    count = all_["validation"]["count"]
    t.check(count >= 3, f"the worklist has several items ({count})", r)
    text = t.run("stats", AS_OF, "--top", "1", CORPUS, expect=0)
    worklist = text.out[text.out.index("Due for re-verification"):].splitlines()
    t.check(len(worklist) == 4 and worklist[-1] == f"  ... and {count - 1} more (--top)",
            "the text worklist shows --top items and how many more", text)
    text = t.run("stats", AS_OF, "--top", "0", CORPUS, expect=0)
    worklist = text.out[text.out.index("Due for re-verification"):].splitlines()
    t.check(len(worklist) == 2 + count, "--top 0 shows the whole worklist", text)


@case("stats_output_file")
def _(t):
    """-o writes the file (nothing on stdout, the problems still on stderr)."""
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in ("text", "json"):
            out = Path(tmp) / f"stats.{fmt}"
            r = t.run("stats", AS_OF, "--format", fmt, "-o", str(out), CORPUS, expect=0)
            expected = t.run("stats", AS_OF, "--format", fmt, CORPUS, expect=0)
            t.check(r.out == "" and r.err == expected.err, "nothing on stdout, problems on stderr", r)
            t.check(out.read_text(encoding="utf-8") == expected.out, f"the file holds the {fmt} report", r)


@case("stats_errors")
def _(t):
    """Usage and input errors: exit 2, nothing on stdout, one line on stderr."""
    runs = [
        ["stats"],
        ["stats", AS_OF, cli_data("corpus/no-such-file.json")],
        ["stats", AS_OF, CORPUS, cli_data("no-such-dir")],
        ["stats", "--format", "csv", CORPUS],
        ["stats", "--threads", "many", CORPUS],
        ["stats", "--threads", "257", CORPUS],
        ["stats", "--top=-1", CORPUS],
        ["stats", "--progress", "sometimes", CORPUS],
        ["stats", "--as-of", "yesterday", CORPUS],
        ["stats", "-", "-"],
        ["stats", "--policy", "-", "-"],
        ["stats", "--policy", cli_data("policy-not-json.json"), CORPUS],
        ["stats", "-o", "", CORPUS],
        ["stats", "-o", cli_data("no-such-dir/stats.txt"), AS_OF, DOCUMENTS["phishing-mfa-fatigue"]],
    ]
    results = usage_errors(t, runs)
    t.check(cli_data("corpus/no-such-file.json") in results[1].err and cli_data("no-such-dir") in results[2].err,
            "a missing PATH is named", results[1])
    t.golden("stats_errors.txt", transcript(results))


@case("stats_escaping")
def _(t):
    """Document text and file names reach the terminal escaped; JSON keeps the characters."""
    hostile = "Rule\x1b[2J exposed\u202e the\nportal"
    with tempfile.TemporaryDirectory() as tmp:
        for n, day in ((1, "2024-02-01"), (2, "2024-05-01")):
            doc = {"schema": "postmortem/1",
                   "incident": {"id": f"EVIL-{n}\x1b]0;x\x07", "title": "t", "category": "other",
                                "milestones": {"detected_at": f"{day}T00:00:00Z"}},
                   "factors": [{"id": "f", "kind": "root_cause", "category": "technical", "title": hostile,
                                "control": "X\u202e1"}],
                   "actions": [{"id": "a\x1b", "title": hostile, "owner": "Eve\u202e", "addresses": ["f"],
                                "status": "done", "completed_at": f"{day}T00:00:00Z"}]}
            (Path(tmp) / f"{n}.json").write_text(json.dumps(doc), encoding="utf-8")
        (Path(tmp) / "evil\x1b[2J\u202e.ndjson").write_text('{"schema": "postmortem/1"}\n{\n', encoding="utf-8")
        r = t.run("stats", AS_OF, tmp, expect=0)  # run() asserts no raw control or bidi character
        t.check("\\x1b[2J" in r.out and "\\u202e" in r.out and "EVIL-2\\x1b]0;x\\x07" in r.out,
                "document text is escaped", r)
        t.check("evil\\x1b[2J\\u202e.ndjson:1: PM102" in r.err or "evil\\x1b[2J\\u202e.ndjson:1: PM101" in r.err,
                f"the file name is escaped on stderr", r)
        j, s = stats_of(t, AS_OF, tmp)
        t.check(s["recurrences"]["items"][0]["incident"] == "EVIL-2\x1b]0;x\x07"
                and "\\u202e" in j.out, "JSON keeps the characters", j)


def stats_on_tty(t, *args, env=None, which="stderr"):
    """Runs stats with `which` (stdout or stderr) on a pseudo-terminal; returns its bytes as text."""
    import pty
    master, slave = pty.openpty()
    streams = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    streams[which] = slave
    p = subprocess.Popen([t.cli, "stats", *args], stdin=subprocess.DEVNULL, cwd=TESTS, env=t.env(env),
                         **streams)
    os.close(slave)
    output = drain_pty(master)
    t.check(p.wait(timeout=60) == 0, f"stats {args} exits 0")
    return output.decode("utf-8")


@case("stats_progress")
def _(t):
    """--progress auto draws on stderr only when it is a terminal; the bar is cleared at the end."""
    try:
        import pty  # noqa: F401
    except ImportError:
        raise SystemExit(SKIP)
    err = stats_on_tty(t, AS_OF, CORPUS)
    t.check(re.search(r"\rstats: \d+ documents?, \d+ bad, .* of .* \(\d+%\)", err) is not None,
            f"a progress line: {err!r}")
    t.check("postmortem: cli/data/corpus/batch.ndjson:2" in err, f"then the problems: {err!r}")
    before_problems = err[:err.index("postmortem: ")]
    t.check(before_problems.endswith("\r") and before_problems.rstrip("\r ").count("\r") >= 1,
            f"the line is cleared before the problems: {before_problems!r}")
    err = stats_on_tty(t, AS_OF, "--progress", "never", CORPUS)
    t.check("\r" not in err.replace("\r\n", "\n"), f"--progress never: no bar: {err!r}")
    r = t.run("stats", AS_OF, CORPUS, expect=0)
    t.check(r.err == t.run("stats", AS_OF, "--progress", "never", CORPUS, expect=0).err, "no bar into a pipe", r)
    # --progress always draws into a pipe too (run() would refuse the '\r').
    p = subprocess.run([t.cli, "stats", AS_OF, "--progress", "always", CORPUS], capture_output=True, cwd=TESTS,
                       env=t.env(), timeout=60)
    err = p.stderr.decode("utf-8")
    t.check(p.returncode == 0 and "\rstats: " in err and re.search(r"\(\d+%\)", err) is not None,
            f"--progress always: a bar with a percentage: {err!r}")
    t.check(p.stdout.decode("utf-8") == r.out, "the same report")


@case("stats_colour")
def _(t):
    """The verified-fix recurrence is red on a terminal, never with --no-color, NO_COLOR, or a pipe."""
    try:
        import pty  # noqa: F401
    except ImportError:
        raise SystemExit(SKIP)
    out = stats_on_tty(t, AS_OF, CORPUS, which="stdout")
    t.check("\x1b[1;31m  !! INC-2024-0603 (2024-06-03) repeats" in out, f"red on a terminal: {out[:300]!r}")
    for why, args, env in (("--no-color", ["--no-color"], None), ("NO_COLOR=1", [], {"NO_COLOR": "1"})):
        out = stats_on_tty(t, AS_OF, *args, CORPUS, env=env, which="stdout")
        t.check("  !! INC-2024-0603" in out and "\x1b" not in out, f"no colour with {why}")


@case("help_stats")
def _(t):
    top = t.run("--help", expect=0)
    t.check(re.search(r"^  stats\s+trends, recurring root causes", top.out, re.M) is not None,
            "the top-level help lists stats", top)
    h = t.run("stats", "--help", expect=0)
    for word in ("--format", "--output", "--policy", "--as-of", "--top", "--threads", "--progress", "--no-color",
                 "text", "json", "NDJSON", "PM100", "PM101", "PM102", "'-'", "Exit status", "Examples:",
                 "docs/corpus.md"):
        t.check(word in h.out, f"stats --help mentions {word}", h)
    for args in (["stats", "-h"], ["help", "stats"], ["stats", "dir", "--help"]):
        t.check(t.run(*args, expect=0).out == h.out, f"{args} prints the stats help")
    t.check(all(len(line) <= 90 for line in h.out.splitlines()), "help lines fit a terminal", h)
    t.golden("help_stats.out", h.out)


# --- Driver -----------------------------------------------------------------------------------
def project_version():
    text = (TESTS.parent / "CMakeLists.txt").read_text(encoding="utf-8")
    return re.search(r"project\(\s*\w+\s+VERSION\s+([0-9.]+)", text).group(1)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cli", help="path to the postmortem executable")
    ap.add_argument("--version", dest="expected_version", help="expected version (default: "
                    "from the top-level CMakeLists.txt)")
    ap.add_argument("--update", action="store_true", help="rewrite golden files instead of comparing")
    ap.add_argument("--list", action="store_true", help="print the case names and exit")
    ap.add_argument("cases", nargs="*", help="cases to run (default: all)")
    opts = ap.parse_args()
    if opts.list:
        print("\n".join(CASES))
        return 0
    if not opts.cli:
        ap.error("--cli is required")
    unknown = [c for c in opts.cases if c not in CASES]
    if unknown:
        ap.error(f"unknown case(s) {unknown}; see --list")
    t = Runner(os.path.abspath(opts.cli), opts.update, opts.expected_version or project_version())
    failed, skipped = [], []
    for name in opts.cases or CASES:
        try:
            CASES[name](t)
            print(f"ok    {name}")
        except SystemExit as e:
            if e.code != SKIP:
                raise
            skipped.append(name)
            print(f"skip  {name}")
        except Failure as e:
            failed.append(name)
            print(f"FAIL  {name}\n{e}\n")
    if opts.update and not opts.cases:
        for path in sorted(GOLDEN.glob("*")):
            if path.name not in t.written:
                path.unlink()
                print(f"  removed stale {path.relative_to(TESTS.parent)}")
    print(f"{len(CASES if not opts.cases else opts.cases) - len(failed) - len(skipped)} passed, "
          f"{len(failed)} failed, {len(skipped)} skipped")
    if failed:
        return 1
    return SKIP if skipped and len(skipped) == len(opts.cases or CASES) else 0


if __name__ == "__main__":
    sys.exit(main())
