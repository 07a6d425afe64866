"""postmortem.Corpus: learning across post-mortems (docs/corpus.md) through the C API.

The analysis itself is tested in tests/cpp; here: the Python surface (every way of adding
documents agrees, bad documents are counted and listed, progress functions, errors, closed
handles, wrong types), and the properties a distributed run relies on (shards merge into
exactly the whole; the state survives to_json/from_json; the Spark/Dask recipe of
docs/corpus.md, run with multiprocessing, gives the single-process analysis).

The four fixture documents are small enough that every expected value below is worked out
by hand from them, in the comments next to each assertion. All are judged as of
2024-06-01 (AS_OF), with the default verify_within_days of 90.
"""

from __future__ import annotations

import copy
import functools
import json
import math
import multiprocessing
import os
import random
import tempfile
import threading
import unittest
from pathlib import Path
from typing import Any, Dict, Iterable, Iterator, List

from _support import AS_OF

import postmortem as pm

# --------------------------------------------------------------------------------------
# Fixtures

# INC-A, phishing, dated 2024-01-10 (detected_at). dwell 08:00 -> 09:00 = 3600 s; contain
# 09:00 -> 13:00 = 14400 s; recover 09:00 -> next day 09:00 = 86400 s. Technique T1621 on
# the incident, T1566.002 on event e1, which root cause fA1 cites, and aA1 (not rejected)
# addresses fA1: T1566.002 is addressed in INC-A, T1621 is not.
DOC_A: Dict[str, Any] = {
    "schema": "postmortem/1",
    "incident": {
        "id": "INC-A", "title": "Mailbox takeover", "category": "phishing",
        "techniques": ["T1621"],
        "milestones": {"started_at": "2024-01-10T08:00:00Z", "detected_at": "2024-01-10T09:00:00Z",
                       "contained_at": "2024-01-10T13:00:00Z",
                       "recovered_at": "2024-01-11T09:00:00Z"}},
    "timeline": [
        {"id": "e1", "time": "2024-01-10T08:00:00Z", "type": "attacker_activity",
         "description": "Phishing link clicked", "technique": "T1566.002"}],
    "factors": [
        {"id": "fA1", "kind": "root_cause", "category": "technical", "title": "Weak MFA",
         "control": "CIS 6.3", "event_ids": ["e1"], "tags": ["mfa"]},
        {"id": "fA2", "kind": "contributing", "category": "process",
         "title": "Slow VPN appliance patching"}],
    "actions": [
        # finished, verified twice: the latest (2024-02-10) is effective
        {"id": "aA1", "title": "Enforce phishing-resistant MFA", "type": "prevent",
         "addresses": ["fA1"], "owner": "alice", "team": "identity", "due": "2024-02-01",
         "status": "verified", "completed_at": "2024-01-25T10:00:00Z",
         "verification": [{"date": "2024-01-30", "result": "ineffective"},
                          {"date": "2024-02-10", "result": "effective"}]},
        # open, due 2024-03-01 < as_of: overdue
        {"id": "aA2", "title": "Patch VPN appliances within 72 hours", "type": "process",
         "addresses": ["fA2"], "owner": "bob", "team": "ops", "due": "2024-03-01",
         "status": "in_progress"}],
}

# INC-B, phishing, dated 2024-04-05, declares itself a recurrence of INC-A. dwell 08:00 ->
# 10:00 = 7200 s; contain 10:00 -> 10:30 = 1800 s; no recovery. Its factors fall in INC-A's
# two groups: control "cis-6.3" normalises to "cis 6.3", and the title has the same stems
# as fA2's (applianc, patch, slow, vpn) in the same category.
DOC_B: Dict[str, Any] = {
    "schema": "postmortem/1",
    "incident": {
        "id": "INC-B", "title": "MFA fatigue", "category": "phishing",
        "techniques": ["t1566.002"],  # compared upper-cased
        "recurrence_of": ["INC-A"],
        "milestones": {"started_at": "2024-04-05T08:00:00Z", "detected_at": "2024-04-05T10:00:00Z",
                       "contained_at": "2024-04-05T10:30:00Z"}},
    "factors": [
        {"id": "fB1", "kind": "root_cause", "category": "technical", "title": "MFA push fatigue",
         "control": "cis-6.3", "tags": ["mfa", "identity"]},
        {"id": "fB2", "kind": "contributing", "category": "process",
         "title": "slow vpn appliances patching"}],
    "actions": [
        # done, never verified; due for re-verification 2024-04-20 + 90 = 2024-07-19 > as_of
        {"id": "aB1", "title": "Number matching for push MFA", "type": "prevent",
         "addresses": ["fB1"], "owner": "alice", "team": "identity", "due": "2024-04-30",
         "status": "done", "completed_at": "2024-04-20T00:00:00Z"}],
}

# INC-C, malware, undated (no milestone, no timeline): counted in trends.undated and in the
# CIS 6.3 group, but in no recurrence.
DOC_C: Dict[str, Any] = {
    "schema": "postmortem/1",
    "incident": {"id": "INC-C", "title": "Malware on a laptop", "category": "malware"},
    "factors": [
        {"id": "fC1", "kind": "root_cause", "category": "technical", "title": "Weak MFA",
         "control": "CIS 6.3"}],
}

# INC-D, no category (counted as "unknown"), dated 2023-11-20 by detected_at alone (so no
# dwell time); its recurrence_of names an incident no shared group confirms.
DOC_D: Dict[str, Any] = {
    "schema": "postmortem/1",
    "incident": {"id": "INC-D", "title": "Unknown beaconing", "recurrence_of": ["INC-Z"],
                 "milestones": {"detected_at": "2023-11-20T12:00:00Z"}},
    "actions": [
        {"id": "aD1", "title": "Buy a new firewall", "status": "rejected"},
        # no status: proposed, i.e. open; due after as_of: not overdue
        {"id": "aD2", "title": "Review egress rules", "owner": "carol", "team": "ops",
         "due": "2024-07-01"}],
}

GOOD = [DOC_A, DOC_B, DOC_C, DOC_D]


def line(doc: Dict[str, Any]) -> str:
    return json.dumps(doc, separators=(",", ":"))


# An NDJSON file mixing the four documents with unusable lines. Line numbers matter:
#   1 A | 2 not JSON (PM100) | 3 schema postmortem/2 (PM101) | 4 blank (ignored) | 5 B
#   6 no incident.id (PM102) | 7 C | 8 an array, not an object (PM100) | 9 D
NDJSON_LINES = [
    line(DOC_A),
    "{not json",
    '{"schema": "postmortem/2", "incident": {"id": "X"}}',
    "",
    line(DOC_B),
    '{"schema": "postmortem/1", "incident": {"title": "no id"}}',
    line(DOC_C),
    "[1, 2]",
    line(DOC_D),
]
NDJSON = "\n".join(NDJSON_LINES) + "\n"
EXPECTED_PROBLEMS = [(2, "PM100"), (3, "PM101"), (6, "PM102"), (8, "PM100")]

GAMMA = 1.02


def estimate(seconds: int) -> int:
    """docs/corpus.md, "Quantiles": the midpoint estimate 2γ^i/(γ+1) of bucket
    i = ⌈log(d)/log(γ)⌉, rounded to whole seconds."""
    i = math.ceil(math.log(seconds) / math.log(GAMMA))
    return round(2 * GAMMA ** i / (GAMMA + 1))


def corpus(**kwargs: Any) -> pm.Corpus:
    return pm.Corpus(policy=AS_OF, **kwargs)


def analysis_of(docs: Iterable[Dict[str, Any]], top: int = 20, **kwargs: Any) -> Dict[str, Any]:
    with corpus(**kwargs) as c:
        for d in docs:
            c.add_json(line(d))
        return c.analyze(top=top)


def without_problems(analysis: Dict[str, Any]) -> Dict[str, Any]:
    """The analysis without the problem list (whose sources and lines depend on how the
    documents were fed)."""
    result = copy.deepcopy(analysis)
    del result["summary"]["problems"]
    return result


# --------------------------------------------------------------------------------------
# A larger synthetic corpus for the shard and thread properties (values not hand-checked:
# those tests compare two ways of computing the same thing).

CATEGORIES = ["phishing", "malware", "ransomware", "misconfiguration", None]
FACTOR_POOL = [
    ("CIS 6.3", "technical", "Weak MFA"), ("cis_6.3", "technical", "MFA not enforced"),
    ("CIS 7.1", "process", "No patch SLA"), (None, "process", "Slow patching of VPN appliances"),
    (None, "process", "VPN appliance patching slow"), (None, "human", "Analyst fatigue"),
    (None, "organizational", "No owner for the firewall"),
    ("NIST PR.AC-1", "technical", "Shared admin accounts"),
]
OWNERS = ["alice", "bob", "carol", None]
TEAMS = ["identity", "ops", None]
STATUSES = ["proposed", "planned", "in_progress", "done", "verified", "rejected", None]
RESULTS = ["effective", "ineffective", "partially_effective"]
TECHNIQUES = ["T1566.002", "T1621", "T1078", "T1190", "t1486"]


def synthetic(count: int, seed: int) -> List[str]:
    """`count` NDJSON lines: varied documents, and every 7th line an unusable one."""
    rng = random.Random(seed)
    lines = []
    for n in range(count):
        if n % 7 == 3:
            lines.append(rng.choice(['{"schema": "postmortem/1", "incident": {}}', "{oops",
                                     '{"schema": "postmortem/9", "incident": {"id": "Z"}}']))
            continue
        incident: Dict[str, Any] = {"id": f"SYN-{seed}-{n:03d}", "title": f"incident {n}"}
        category = rng.choice(CATEGORIES)
        if category:
            incident["category"] = category
        if rng.random() < 0.85:
            day = rng.randrange(0, 500)
            month, dom = 1 + (day // 28) % 12, 1 + day % 28
            year = 2023 if day < 336 else 2024
            hour = rng.randrange(1, 20)
            date = f"{year}-{month:02d}-{dom:02d}"
            incident["milestones"] = {
                "started_at": f"{date}T{hour - 1:02d}:{rng.randrange(60):02d}:00Z",
                "detected_at": f"{date}T{hour:02d}:00:00Z"}
            if rng.random() < 0.7:
                incident["milestones"]["contained_at"] = \
                    f"{date}T{hour + rng.randrange(1, 4):02d}:30:00Z"
        incident["techniques"] = rng.sample(TECHNIQUES, rng.randrange(0, 3))
        if n > 5 and rng.random() < 0.3:
            incident["recurrence_of"] = [f"SYN-{seed}-{rng.randrange(0, n):03d}"]
        factors, actions = [], []
        for k, (control, cat, title) in enumerate(rng.sample(FACTOR_POOL, rng.randrange(0, 4))):
            factor = {"id": f"f{k}", "kind": rng.choice(["root_cause", "contributing"]),
                      "category": cat, "title": title}
            if control:
                factor["control"] = control
            factors.append(factor)
            for j in range(rng.randrange(0, 3)):
                action: Dict[str, Any] = {"id": f"a{k}{j}", "title": f"fix {k}.{j}",
                                          "type": rng.choice(["prevent", "detect", "process"]),
                                          "addresses": [f"f{k}"]}
                status = rng.choice(STATUSES)
                if status:
                    action["status"] = status
                for key, pool in (("owner", OWNERS), ("team", TEAMS)):
                    value = rng.choice(pool)
                    if value:
                        action[key] = value
                if rng.random() < 0.8:
                    action["due"] = f"2024-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
                if status in ("done", "verified"):
                    action["completed_at"] = \
                        f"2024-{rng.randrange(1, 6):02d}-{rng.randrange(1, 29):02d}T12:00:00Z"
                    if rng.random() < 0.6:
                        action["verification"] = [
                            {"date": f"2024-{rng.randrange(1, 6):02d}-{rng.randrange(1, 29):02d}",
                             "result": rng.choice(RESULTS)}]
                actions.append(action)
        doc = {"schema": "postmortem/1", "incident": incident, "factors": factors,
               "actions": actions}
        lines.append(json.dumps(doc, separators=(",", ":")))
    return lines


# --------------------------------------------------------------------------------------
# The docs/corpus.md recipe, as written there (module level, so multiprocessing can pickle
# the functions). POLICY is the recipe's.

POLICY = {"as_of": "2024-06-01T00:00:00Z"}   # the same "now" in every partition


def partial(lines):                      # one partition of NDJSON lines -> one state
    with pm.Corpus(policy=POLICY, threads=1) as corpus:
        for line in lines:
            corpus.add_json(line, source="spark")
        yield corpus.to_json()


def merge(a, b):                         # two states -> one state
    with pm.Corpus.from_json(a) as x, pm.Corpus.from_json(b) as y:
        x.merge(y)
        return x.to_json()


def map_partition(lines: List[str]) -> List[str]:
    """mapPartitions: a partition's states as a list (a generator cannot be pickled)."""
    return list(partial(lines))


# --------------------------------------------------------------------------------------
# The hand-checked analysis


class Analysis(unittest.TestCase):
    """Every section of postmortem-stats/1 for the four fixture documents."""

    @classmethod
    def setUpClass(cls) -> None:
        with corpus() as c:
            c.add_ndjson(NDJSON, source="fixture.ndjson")
            cls.stats = c.analyze(top=0)
            cls.counts = (c.documents, c.bad)

    def test_members_and_header(self) -> None:
        self.assertEqual(list(self.stats), ["schema", "as_of", "verify_within_days", "summary",
                                            "trends", "factors", "recurrences", "remediation",
                                            "techniques", "validation"])
        self.assertEqual(self.stats["schema"], "postmortem-stats/1")
        self.assertEqual(self.stats["as_of"], "2024-06-01")
        self.assertEqual(self.stats["verify_within_days"], 90)

    def test_summary(self) -> None:
        s = self.stats["summary"]
        # 4 documents (A, B, C, D); 4 bad lines (2, 3, 6, 8); the blank line 4 is nothing
        self.assertEqual(self.counts, (4, 4))
        self.assertEqual(list(s), ["documents", "bad", "dated", "undated", "first_period",
                                   "last_period", "problems", "problems_kept"])
        self.assertEqual((s["documents"], s["bad"]), (4, 4))
        # dated: A 2024-01-10, B 2024-04-05, D 2023-11-20; undated: C
        self.assertEqual((s["dated"], s["undated"]), (3, 1))
        self.assertEqual((s["first_period"], s["last_period"]), ("2023-11", "2024-04"))
        self.assertEqual([(p["line"], p["code"]) for p in s["problems"]], EXPECTED_PROBLEMS)
        self.assertEqual({p["source"] for p in s["problems"]}, {"fixture.ndjson"})
        self.assertEqual(s["problems_kept"], 4)
        self.assertIn("not valid JSON", s["problems"][0]["message"])

    def test_trends(self) -> None:
        t = self.stats["trends"]
        # months: D 2023-11, A 2024-01, B 2024-04; quarters 2023-Q4, 2024-Q1, 2024-Q2
        self.assertEqual([(p["period"], p["incidents"]) for p in t["by_month"]],
                         [("2023-11", 1), ("2024-01", 1), ("2024-04", 1)])
        self.assertEqual([(p["period"], p["incidents"]) for p in t["by_quarter"]],
                         [("2023-Q4", 1), ("2024-Q1", 1), ("2024-Q2", 1)])
        self.assertNotIn("period", t["undated"])
        self.assertNotIn("period", t["overall"])
        # every category of the format in its order, zeros included, then unknown
        self.assertEqual(list(t["overall"]["by_category"]),
                         ["network_breach", "phishing", "malware", "ransomware",
                          "data_exfiltration", "credential_compromise", "denial_of_service",
                          "insider_threat", "misconfiguration", "web_application_attack",
                          "supply_chain", "lost_or_stolen_device", "other", "unknown"])
        nonzero = {k: v for k, v in t["overall"]["by_category"].items() if v}
        self.assertEqual(nonzero, {"phishing": 2, "malware": 1, "unknown": 1})  # A B | C | D
        self.assertEqual(t["undated"]["incidents"], 1)
        self.assertEqual(t["undated"]["by_category"]["malware"], 1)          # C
        self.assertEqual(t["by_month"][0]["by_category"]["unknown"], 1)       # D
        self.assertEqual(t["overall"]["incidents"], 4)
        self.assertEqual(sum(t["overall"]["by_severity"].values()), 4)
        self.assertEqual(list(t["overall"]["by_severity"]),
                         ["critical", "high", "medium", "low", "informational"])

    def test_duration_quantiles(self) -> None:
        overall = self.stats["trends"]["overall"]["metrics"]
        # dwell: A 3600, B 7200 (D has no started_at). Nearest rank: median = rank
        # ⌈0.5·2⌉ = 1 -> 3600, p90 = rank ⌈0.9·2⌉ = 2 -> 7200.
        self.assertEqual(overall["dwell_time"],
                         {"count": 2, "negative": 0, "median_seconds": estimate(3600),
                          "p90_seconds": estimate(7200)})
        # contain: A 14400, B 1800 -> sorted [1800, 14400]
        self.assertEqual(overall["time_to_contain"],
                         {"count": 2, "negative": 0, "median_seconds": estimate(1800),
                          "p90_seconds": estimate(14400)})
        # recover: A 86400 only
        self.assertEqual(overall["time_to_recover"],
                         {"count": 1, "negative": 0, "median_seconds": estimate(86400),
                          "p90_seconds": estimate(86400)})
        # the estimate is within 1 % (+ 0.5 s rounding) of the exact value
        for exact, got in ((3600, overall["dwell_time"]["median_seconds"]),
                           (14400, overall["time_to_contain"]["p90_seconds"]),
                           (86400, overall["time_to_recover"]["median_seconds"])):
            self.assertLessEqual(abs(got - exact), exact * (GAMMA - 1) / (GAMMA + 1) + 0.5)
        # 2024-04 (B) has no recovery: count 0, and median/p90 absent
        april = self.stats["trends"]["by_month"][2]
        self.assertEqual(april["metrics"]["time_to_recover"], {"count": 0, "negative": 0})

    def test_factor_groups(self) -> None:
        f = self.stats["factors"]
        # groups: control:cis 6.3 (fA1, fB1, fC1) and the process title group (fA2, fB2)
        self.assertEqual((f["groups"], f["recurring"], f["factors"], f["grouped"]), (2, 2, 5, 5))
        self.assertEqual(f["by_category"],
                         {"technical": 3, "process": 2, "human": 0, "organizational": 0,
                          "external": 0})
        first, second = f["top"]
        self.assertEqual(first["key"], "control:cis 6.3")
        # spellings: "CIS 6.3" twice (A, C), "cis-6.3" once; titles: "Weak MFA" twice
        self.assertEqual((first["control"], first["title"], first["category"]),
                         ("CIS 6.3", "Weak MFA", "technical"))
        self.assertEqual((first["incidents"], first["factors"], first["root_causes"],
                          first["contributing"]), (3, 3, 3, 0))
        # date order, undated last
        self.assertEqual(first["occurrences"],
                         [{"incident": "INC-A", "date": "2024-01-10", "factor": "fA1"},
                          {"incident": "INC-B", "date": "2024-04-05", "factor": "fB1"},
                          {"incident": "INC-C", "date": None, "factor": "fC1"}])
        # "Slow VPN appliance patching" / "slow vpn appliances patching": the same stems
        self.assertEqual(second["key"], "title:process:applianc patch slow vpn")
        self.assertEqual((second["incidents"], second["factors"], second["root_causes"],
                          second["contributing"]), (2, 2, 0, 2))
        self.assertEqual(f["by_control"], [{"control": "cis 6.3", "incidents": 3, "factors": 3}])
        by_tag = {t["tag"]: (t["incidents"], t["factors"]) for t in f["by_tag"]}
        self.assertEqual(by_tag, {"mfa": (2, 2), "identity": (1, 1)})   # fA1, fB1 | fB1

    def test_recurrences(self) -> None:
        r = self.stats["recurrences"]
        # INC-B repeats both of INC-A's groups, and declares INC-A in recurrence_of
        self.assertEqual((r["count"], r["declared"], r["undeclared"]), (2, 2, 0))
        self.assertEqual(r["by_signal"], {"verified_fix_failed": 1, "ineffective_fix": 0,
                                          "unverified_fix": 0, "open_fix": 1, "no_fix": 0})
        first = r["items"][0]
        # CIS 6.3: INC-A's aA1 was verified, and its latest verification was effective:
        # fixed, verified, and it happened again
        self.assertEqual(first["signal"], "verified_fix_failed")
        self.assertEqual((first["incident"], first["date"], first["group"], first["factor"],
                          first["declared"], first["occurrence"]),
                         ("INC-B", "2024-04-05", "control:cis 6.3", "fB1", True, 2))
        self.assertEqual(first["first"], {"incident": "INC-A", "date": "2024-01-10"})
        earlier = first["earlier"]
        self.assertEqual((earlier["incident"], earlier["date"], earlier["factor"]),
                         ("INC-A", "2024-01-10", "fA1"))
        self.assertEqual([a["id"] for a in earlier["actions"]], ["aA1"])
        self.assertEqual(earlier["actions"][0]["status"], "verified")
        self.assertEqual(earlier["actions"][0]["verification"],
                         {"date": "2024-02-10", "result": "effective"})
        # the process group: INC-A's aA2 is still in progress
        second = r["items"][1]
        self.assertEqual((second["signal"], second["group"], second["factor"]),
                         ("open_fix", "title:process:applianc patch slow vpn", "fB2"))
        # INC-D says it repeats INC-Z: no shared group confirms it
        self.assertEqual(r["declared_unmatched"],
                         [{"incident": "INC-D", "date": "2023-11-20", "of": "INC-Z"}])

    def test_remediation(self) -> None:
        rem = self.stats["remediation"]
        # aA1 verified+effective; aA2 open, overdue; aB1 done, unverified; aD1 rejected;
        # aD2 open (no status), due after as_of
        self.assertEqual(rem["total"], {"actions": 5, "open": 2, "overdue": 1,
                                        "done_unverified": 1, "ineffective": 0,
                                        "verified_effective": 1, "rejected": 1})
        # ranked by overdue, open, done_unverified, ineffective, then name (null last)
        self.assertEqual([o["owner"] for o in rem["by_owner"]], ["bob", "carol", "alice", None])
        self.assertEqual(rem["by_owner"][2],
                         {"owner": "alice", "actions": 2, "open": 0, "overdue": 0,
                          "done_unverified": 1, "ineffective": 0, "verified_effective": 1,
                          "rejected": 0})
        self.assertEqual(list(rem["by_owner"][0])[0], "owner")
        self.assertEqual([t["team"] for t in rem["by_team"]], ["ops", "identity", None])
        self.assertEqual((rem["by_team"][0]["actions"], rem["by_team"][0]["open"],
                          rem["by_team"][0]["overdue"]), (2, 2, 1))          # aA2, aD2
        # aA1: done 01-25, due 02-01 -> -7; aB1: done 04-20, due 04-30 -> -10. Sorted
        # [-10, -7]: median rank 1 -> -10, p90 rank 2 -> -7.
        self.assertEqual(rem["due_to_done_days"],
                         {"count": 2, "early": 2, "on_time": 0, "late": 0, "median": -10,
                          "p90": -7})
        # root causes fA1, fB1, fC1; with a prevent action: fA1 (aA1), fB1 (aB1)
        self.assertEqual(rem["preventive_coverage"],
                         {"root_causes": 3, "with_preventive": 2, "share": 0.667})

    def test_techniques(self) -> None:
        t = self.stats["techniques"]
        # T1566.002: INC-A (event e1) and INC-B ("t1566.002"), addressed in INC-A only;
        # T1621: INC-A, not addressed (no factor cites an event with it)
        self.assertEqual((t["distinct"], t["incidents_with_techniques"]), (2, 2))
        self.assertEqual(t["top"][0], {"id": "T1566.002", "name": "Spearphishing Link",
                                       "incidents": 2, "addressed": 1, "share_addressed": 0.5})
        self.assertEqual((t["top"][1]["id"], t["top"][1]["incidents"], t["top"][1]["addressed"]),
                         ("T1621", 1, 0))

    def test_validation_worklist(self) -> None:
        v = self.stats["validation"]
        # aA1: latest verification effective on 2024-02-10 -> stale, due 2024-02-10 + 90 days
        # = 2024-05-10 (Feb 10 -> Mar 10: 29 days, -> Apr 10: 31, -> May 10: 30), which is
        # 22 days before as_of 2024-06-01. aB1 is due only on 2024-07-19.
        self.assertEqual(v["count"], 1)
        item = v["items"][0]
        self.assertEqual((item["incident"], item["action"], item["status"], item["reason"]),
                         ("INC-A", "aA1", "verified", "stale"))
        self.assertEqual((item["completed"], item["last_verified"], item["due_on"],
                          item["days_overdue"]), ("2024-01-25", "2024-02-10", "2024-05-10", 22))
        self.assertEqual((item["owner"], item["team"]), ("alice", "identity"))

    def test_top_limits_the_ranked_lists(self) -> None:
        with corpus() as c:
            c.add_ndjson(NDJSON)
            limited = c.analyze(top=1)
        self.assertEqual([o["owner"] for o in limited["remediation"]["by_owner"]], ["bob"])
        self.assertEqual(len(limited["factors"]["top"]), 1)
        self.assertEqual(len(limited["techniques"]["top"]), 1)
        # counts are not cut
        self.assertEqual(limited["remediation"]["total"], self.stats["remediation"]["total"])


class Recurrence(unittest.TestCase):
    def test_verified_fix_that_failed_comes_first(self) -> None:
        # Two incidents share factor control "CIS 6.3"; the earlier one's action addressed
        # it, is "verified", and its latest verification is "effective".
        earlier = {"schema": "postmortem/1",
                   "incident": {"id": "R-1", "title": "t", "category": "phishing",
                                "milestones": {"detected_at": "2024-02-01T00:00:00Z"}},
                   "factors": [{"id": "f", "kind": "root_cause", "category": "technical",
                                "title": "MFA gap", "control": "CIS 6.3"}],
                   "actions": [{"id": "a", "title": "fix", "addresses": ["f"],
                                "status": "verified", "completed_at": "2024-02-05T00:00:00Z",
                                "verification": [{"date": "2024-02-20", "result": "effective"}]}]}
        later = {"schema": "postmortem/1",
                 "incident": {"id": "R-2", "title": "t", "category": "phishing",
                              "milestones": {"detected_at": "2024-05-01T00:00:00Z"}},
                 "factors": [{"id": "g", "kind": "contributing", "category": "technical",
                              "title": "something else entirely", "control": "CIS 6.3"}]}
        stats = analysis_of([later, earlier])  # order of adding does not matter
        items = stats["recurrences"]["items"]
        self.assertEqual(len(items), 1)
        self.assertEqual(items[0]["signal"], "verified_fix_failed")
        self.assertEqual((items[0]["incident"], items[0]["earlier"]["incident"]), ("R-2", "R-1"))
        self.assertFalse(items[0]["declared"])   # R-2 has no recurrence_of
        self.assertEqual(stats["recurrences"]["undeclared"], 1)
        # The same action verified "ineffective" instead: a weaker signal.
        earlier["actions"][0]["verification"][0]["result"] = "ineffective"
        self.assertEqual(analysis_of([earlier, later])["recurrences"]["items"][0]["signal"],
                         "ineffective_fix")
        # ... never verified:
        del earlier["actions"][0]["verification"]
        self.assertEqual(analysis_of([earlier, later])["recurrences"]["items"][0]["signal"],
                         "unverified_fix")
        # ... rejected: as if nothing addressed it
        earlier["actions"][0]["status"] = "rejected"
        self.assertEqual(analysis_of([earlier, later])["recurrences"]["items"][0]["signal"],
                         "no_fix")


# --------------------------------------------------------------------------------------
# Adding


class Adding(unittest.TestCase):
    def test_every_way_of_adding_agrees(self) -> None:
        with corpus() as by_doc:
            for d in GOOD:
                with pm.Document.parse(json.dumps(d)) as doc:
                    self.assertIs(by_doc.add(doc, source="x.json"), True)
            expected = by_doc.analyze(top=0)
            self.assertEqual((by_doc.documents, by_doc.bad), (4, 0))
        self.assertEqual(expected["summary"]["documents"], 4)
        self.assertEqual(expected["trends"]["overall"]["incidents"], 4)

        with corpus() as by_json:
            for d in GOOD:
                self.assertIs(by_json.add_json(json.dumps(d, indent=2)), True)
            self.assertEqual(by_json.analyze(top=0), expected)

        with corpus() as by_bytes:
            for d in GOOD:
                self.assertIs(by_bytes.add_json(line(d).encode("utf-8")), True)
            self.assertEqual(by_bytes.analyze(top=0), expected)

        with corpus() as by_ndjson:
            by_ndjson.add_ndjson("\n".join(line(d) for d in GOOD))  # no final newline
            self.assertEqual(by_ndjson.analyze(top=0), expected)

        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            (root / "sub").mkdir()
            # A pretty-printed single document, an NDJSON file, a .jsonl file in a sub-folder
            (root / "a.json").write_text(json.dumps(DOC_A, indent=2), encoding="utf-8")
            (root / "bd.ndjson").write_text(line(DOC_B) + "\n" + line(DOC_D) + "\n",
                                            encoding="utf-8")
            (root / "sub" / "c.jsonl").write_text(line(DOC_C) + "\n", encoding="utf-8")
            # Not read: a hidden file, and a file with another extension
            (root / ".hidden.json").write_text(line(DOC_A), encoding="utf-8")
            (root / "notes.txt").write_text("{not json", encoding="utf-8")
            with corpus() as by_path:
                by_path.add_path(root)
                self.assertEqual((by_path.documents, by_path.bad), (4, 0))
                self.assertEqual(by_path.analyze(top=0), expected)
            with corpus() as by_files:  # files one by one, as str and bytes paths
                by_files.add_path(str(root / "a.json"))
                by_files.add_path(os.fsencode(root / "bd.ndjson"))
                by_files.add_path(root / "sub" / "c.jsonl")
                self.assertEqual(by_files.analyze(top=0), expected)

    def test_bad_documents_are_counted_not_raised(self) -> None:
        with corpus() as c:
            self.assertIs(c.add_json("{not json", source="one.json"), False)               # PM100
            self.assertIs(c.add_json('{"schema": "postmortem/0", "incident": {"id": "I"}}',
                                     source="two.json"), False)                             # PM101
            self.assertIs(c.add_json('{"schema": "postmortem/1", "incident": {}}',
                                     source="three.json"), False)                           # PM102
            self.assertIs(c.add_json("", source="four.json"), False)                        # PM100
            self.assertIs(c.add_json(b"\xff\xfe", source="five.json"), False)              # PM100
            with pm.Document.parse('{"schema": "postmortem/1", "incident": {"title": "t"}}') as d:
                self.assertIs(c.add(d, source="six.json"), False)                           # PM102
            self.assertIs(c.add_json(line(DOC_A), source="ok.json"), True)
            self.assertEqual((c.documents, c.bad), (1, 6))
            problems = c.analyze()["summary"]["problems"]
        # ordered by source, then line
        self.assertEqual([(p["source"], p["code"]) for p in problems],
                         [("five.json", "PM100"), ("four.json", "PM100"), ("one.json", "PM100"),
                          ("six.json", "PM102"), ("three.json", "PM102"), ("two.json", "PM101")])

    def test_bad_lines_with_their_line_numbers(self) -> None:
        with corpus() as c:
            self.assertIsNone(c.add_ndjson(NDJSON.encode("utf-8"), source="mixed.ndjson"))
            self.assertEqual((c.documents, c.bad), (4, 4))
            summary = c.analyze()["summary"]
        self.assertEqual([(p["source"], p["line"], p["code"]) for p in summary["problems"]],
                         [("mixed.ndjson", n, code) for n, code in EXPECTED_PROBLEMS])

    def test_bad_lines_in_a_file_keep_their_line_numbers(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "mixed.ndjson"
            path.write_text(NDJSON, encoding="utf-8")
            with corpus() as c:
                c.add_path(path)
                self.assertEqual((c.documents, c.bad), (4, 4))
                problems = c.analyze()["summary"]["problems"]
        self.assertEqual([(p["line"], p["code"]) for p in problems], EXPECTED_PROBLEMS)
        self.assertTrue(all(p["source"].endswith("mixed.ndjson") for p in problems))

    def test_max_problems_keeps_the_first_and_counts_all(self) -> None:
        with corpus(max_problems=2) as c:
            c.add_ndjson(NDJSON, source="m.ndjson")
            summary = c.analyze()["summary"]
        self.assertEqual(summary["bad"], 4)
        self.assertEqual(summary["problems_kept"], 2)
        self.assertEqual([(p["line"], p["code"]) for p in summary["problems"]],
                         EXPECTED_PROBLEMS[:2])

    def test_a_limit_of_the_policy_skips_the_document(self) -> None:
        # DOC_B nests 4 deep (root, factors, a factor, its tags); x_deep adds 10 levels
        deep = dict(DOC_A, x_deep=json.loads("[" * 10 + "]" * 10))
        with pm.Corpus(policy=dict(AS_OF, limits={"max_depth": 8})) as c:
            self.assertIs(c.add_json(line(deep), source="deep.json"), False)
            self.assertIs(c.add_json(line(DOC_B)), True)
            problems = c.analyze()["summary"]["problems"]
        self.assertEqual([(p["source"], p["code"]) for p in problems], [("deep.json", "PM100")])

    def test_the_result_does_not_depend_on_threads_or_order(self) -> None:
        lines = synthetic(120, seed=7)
        text = "\n".join(lines) + "\n"
        with corpus(threads=1) as one, corpus(threads=4) as four:
            one.add_ndjson(text)
            four.add_ndjson(text)
            self.assertEqual(one.analyze_json(top=0), four.analyze_json(top=0))
        shuffled = list(lines)
        random.Random(3).shuffle(shuffled)
        with corpus() as a, corpus() as b:
            for text_line in lines:
                a.add_json(text_line, source="s")
            for text_line in shuffled:
                b.add_json(text_line, source="s")
            self.assertEqual(a.analyze_json(top=0), b.analyze_json(top=0))

    def test_missing_path(self) -> None:
        with corpus() as c, tempfile.TemporaryDirectory() as tmp:
            with self.assertRaises(pm.NotFoundError):
                c.add_path(Path(tmp) / "no-such-dir")
            self.assertEqual((c.documents, c.bad), (0, 0))

    def test_empty_inputs(self) -> None:
        with corpus() as c, tempfile.TemporaryDirectory() as tmp:
            c.add_ndjson("")
            c.add_ndjson("\n\n  \n")
            c.add_path(tmp)  # an empty directory
            self.assertEqual((c.documents, c.bad), (0, 0))
            stats = c.analyze()
        self.assertEqual(stats["summary"]["documents"], 0)
        self.assertEqual(stats["trends"]["overall"]["incidents"], 0)
        self.assertEqual(stats["trends"]["by_month"], [])


# --------------------------------------------------------------------------------------
# Progress


class Progress(unittest.TestCase):
    def assert_progress(self, calls: List[pm.CorpusProgress], documents: int, bad: int,
                        total: int) -> None:
        self.assertGreaterEqual(len(calls), 1)
        for before, after in zip(calls, calls[1:]):
            self.assertLessEqual(before.documents, after.documents)
            self.assertLessEqual(before.bad, after.bad)
            self.assertLessEqual(before.bytes_read, after.bytes_read)
        last = calls[-1]
        self.assertEqual((last.documents, last.bad), (documents, bad))
        self.assertEqual(last.bytes_read, total)
        for call in calls:
            self.assertIsInstance(call, pm.CorpusProgress)
            self.assertIn(call.bytes_total, (0, total))
            self.assertLessEqual(call.bytes_read, total)

    def test_ndjson_progress(self) -> None:
        calls: List[pm.CorpusProgress] = []
        data = NDJSON.encode("utf-8")
        with corpus() as c:
            c.add_ndjson(data, progress=calls.append)
            self.assertEqual((c.documents, c.bad), (4, 4))
        self.assert_progress(calls, 4, 4, len(data))
        self.assertEqual(calls[-1].bytes_total, len(data))   # known for in-memory data
        # the calls are on the calling thread
        threads: List[int] = []
        with corpus(threads=2) as c:
            c.add_ndjson(data, progress=lambda p: threads.append(threading.get_ident()))
        self.assertEqual(set(threads), {threading.get_ident()})

    def test_directory_progress_is_per_call(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            sizes = 0
            for i, d in enumerate(GOOD):
                text = line(d) + "\n"
                (root / f"{i}.ndjson").write_text(text, encoding="utf-8")
                sizes += len(text.encode("utf-8"))
            (root / "9-bad.json").write_text("{oops", encoding="utf-8")
            sizes += 5
            calls: List[pm.CorpusProgress] = []
            with corpus() as c:
                c.add_json(line(DOC_A).replace("INC-A", "INC-0"))  # counts are per call
                c.add_path(root, progress=calls.append)
                self.assertEqual((c.documents, c.bad), (5, 1))
        self.assert_progress(calls, 4, 1, sizes)
        self.assertGreaterEqual(len(calls), 5)  # after each of the five files

    def test_an_exception_in_progress_is_raised_after_the_call(self) -> None:
        calls: List[pm.CorpusProgress] = []

        def progress(p: pm.CorpusProgress) -> None:
            calls.append(p)
            raise ValueError("stop here")

        with tempfile.TemporaryDirectory() as tmp:
            for i, d in enumerate(GOOD):
                Path(tmp, f"{i}.json").write_text(line(d), encoding="utf-8")
            with corpus() as c:
                try:
                    c.add_path(tmp, progress=progress)
                except ValueError as e:
                    self.assertEqual(str(e), "stop here")
                    # the traceback reaches into the progress function
                    self.assertIn("progress", [f.co_name for f in _frames(e)])
                else:
                    self.fail("the progress function's ValueError was not raised")
                # not called again after it raised; the loading itself finished
                self.assertEqual(len(calls), 1)
                self.assertEqual(c.documents, 4)
                # the corpus is usable afterwards
                self.assertEqual(c.analyze()["summary"]["documents"], 4)
        with corpus() as c:
            with self.assertRaises(KeyError):
                c.add_ndjson(NDJSON, progress=lambda p: {}["missing"])
            self.assertEqual((c.documents, c.bad), (4, 4))

    def test_progress_must_not_use_the_corpus(self) -> None:
        with corpus() as c:
            with self.assertRaises(pm.InvalidArgumentError) as caught:
                c.add_ndjson(NDJSON, progress=lambda p: c.documents)
            self.assertIn("must not use the corpus", str(caught.exception))
            self.assertEqual(c.documents, 4)
            # another corpus may be used
            with corpus() as other:
                c.add_ndjson(line(DOC_A).replace("INC-A", "INC-E"),
                             progress=lambda p: other.documents)
            self.assertEqual(c.documents, 5)

    def test_progress_must_be_callable(self) -> None:
        with corpus() as c:
            with self.assertRaises(TypeError):
                c.add_ndjson(NDJSON, progress=42)  # type: ignore[arg-type]
            with self.assertRaises(TypeError):
                c.add_path(".", progress="no")  # type: ignore[arg-type]
            self.assertEqual(c.documents, 0)


def _frames(exc: BaseException) -> Iterator[Any]:
    tb = exc.__traceback__
    while tb is not None:
        yield tb.tb_frame.f_code
        tb = tb.tb_next


# --------------------------------------------------------------------------------------
# Merging and state


class Merging(unittest.TestCase):
    def test_shards_merge_into_the_whole(self) -> None:
        lines = synthetic(90, seed=11) + NDJSON_LINES
        lines = [text_line for text_line in lines if text_line]
        with corpus() as whole:
            for text_line in lines:
                whole.add_json(text_line, source="in")
            expected = whole.analyze(top=0)
            expected_counts = (whole.documents, whole.bad)
        self.assertGreater(expected["recurrences"]["count"], 0)
        self.assertGreater(expected["summary"]["bad"], 0)
        rng = random.Random(2024)
        for trial in range(6):
            shard_count = rng.randrange(1, 6)
            shards: List[List[str]] = [[] for _ in range(shard_count)]
            for text_line in lines:
                shards[rng.randrange(shard_count)].append(text_line)
            with self.subTest(trial=trial, shards=[len(s) for s in shards]):
                corpora = []
                try:
                    for shard in shards:
                        c = corpus(threads=1)
                        corpora.append(c)
                        for text_line in shard:
                            c.add_json(text_line, source="in")
                    rng.shuffle(corpora)
                    into = corpora[0]
                    for other in corpora[1:]:
                        into.merge(other)
                    self.assertEqual((into.documents, into.bad), expected_counts)
                    self.assertEqual(into.analyze(top=0), expected)
                finally:
                    for c in corpora:
                        c.close()

    def test_merge_leaves_the_other_unchanged_and_keeps_the_first_problems(self) -> None:
        with corpus(max_problems=2) as a, corpus(max_problems=2) as b, \
                corpus(max_problems=2) as whole:
            a.add_ndjson("\n".join(NDJSON_LINES[:5]), source="f")   # lines 1-5 of NDJSON
            b.add_ndjson("\n".join(NDJSON_LINES[5:]), source="g")   # lines 6-9, as 1-4
            whole.add_ndjson("\n".join(NDJSON_LINES[:5]), source="f")
            whole.add_ndjson("\n".join(NDJSON_LINES[5:]), source="g")
            b_before = b.to_json()
            a.merge(b)
            self.assertEqual(b.to_json(), b_before)
            self.assertEqual((a.documents, a.bad), (4, 4))
            merged = a.analyze(top=0)
            self.assertEqual(merged, whole.analyze(top=0))
        # kept: the first two in source and line order: f:2 (PM100) and f:3 (PM101)
        self.assertEqual([(p["source"], p["line"], p["code"])
                          for p in merged["summary"]["problems"]],
                         [("f", 2, "PM100"), ("f", 3, "PM101")])
        self.assertEqual(merged["summary"]["problems_kept"], 2)

    def test_merge_needs_the_same_as_of_day(self) -> None:
        with pm.Corpus(policy={"as_of": "2024-06-01T23:59:00Z"}) as same_day, corpus() as c:
            c.merge(same_day)  # another time on the same day: fine
            with pm.Corpus(policy={"as_of": "2024-07-01T00:00:00Z"}) as other:
                with self.assertRaises(pm.InvalidArgumentError) as caught:
                    c.merge(other)
                self.assertIn("as_of", str(caught.exception))
            with pm.Corpus(policy=dict(AS_OF, thresholds={"verify_within_days": 30})) as other:
                with self.assertRaises(pm.InvalidArgumentError) as caught:
                    c.merge(other)
                self.assertIn("verify_within_days", str(caught.exception))
            with self.assertRaises(pm.InvalidArgumentError):
                c.merge(c)

    def test_state_round_trip(self) -> None:
        with corpus() as c:
            c.add_ndjson(NDJSON, source="rt.ndjson")
            state = c.to_json()
            expected = c.analyze(top=0)
        parsed = json.loads(state)
        self.assertEqual(parsed["schema"], "postmortem-corpus/1")
        self.assertEqual(parsed["as_of"], "2024-06-01")
        self.assertEqual(parsed["verify_within_days"], 90)
        with pm.Corpus.from_json(state) as back:
            self.assertEqual((back.documents, back.bad), (4, 4))
            self.assertEqual(back.analyze(top=0), expected)
            self.assertEqual(back.to_json(), state)
            # a rebuilt corpus takes more documents, judged at the state's as_of
            back.add_json(line(DOC_A).replace("INC-A", "INC-E"))
            self.assertEqual(back.documents, 5)
        with pm.Corpus.from_json(state.encode("utf-8"), policy=AS_OF, threads=1) as back:
            self.assertEqual(back.analyze(top=0), expected)

    def test_from_json_errors(self) -> None:
        with self.assertRaises(pm.ParseError):
            pm.Corpus.from_json("{not json")
        with self.assertRaises(pm.FormatError):
            pm.Corpus.from_json('{"schema": "postmortem-corpus/2"}')
        with self.assertRaises(pm.FormatError):
            pm.Corpus.from_json("{}")
        with self.assertRaises(pm.FormatError):
            pm.Corpus.from_json("[]")
        with corpus() as c:
            state = json.loads(c.to_json())
        state["verify_within_days"] = "ninety"
        with self.assertRaises(pm.FormatError):
            pm.Corpus.from_json(json.dumps(state))


POOL_TIMEOUT = 300  # seconds; the whole recipe takes about one


class SparkRecipe(unittest.TestCase):
    """docs/corpus.md, "Distributed runs": mapPartitions is pool.map over partitions of the
    NDJSON lines, reduce is functools.reduce with the recipe's merge."""

    def test_the_recipe_equals_the_single_process_analysis(self) -> None:
        lines = [text_line for text_line in synthetic(80, seed=5) + NDJSON_LINES if text_line]
        partitions = [lines[i::4] for i in range(4)] + [[]]   # one empty partition too
        context = multiprocessing.get_context("spawn")
        with context.Pool(2) as pool:
            # (a worker that dies makes Pool.map wait forever: bound the wait instead)
            mapped = pool.map_async(map_partition, partitions).get(timeout=POOL_TIMEOUT)
            states = [s for part in mapped for s in part]
            state = functools.reduce(merge, states)
            # Spark's reduce runs on the executors: merging there gives the same state
            pairwise = pool.starmap_async(
                merge, [(states[0], states[1]), (states[2], states[3])]).get(timeout=POOL_TIMEOUT)
        with pm.Corpus.from_json(state) as whole:
            report = whole.analyze(top=50)
        [single] = map_partition(lines)                    # one partition: everything
        with pm.Corpus.from_json(single) as one:
            self.assertEqual(report, one.analyze(top=50))
        with pm.Corpus.from_json(functools.reduce(merge, pairwise + [states[4]])) as again:
            self.assertEqual(again.analyze(top=50), report)
        # and add_ndjson of the whole file agrees, apart from the problems' lines
        with corpus() as direct:
            direct.add_ndjson("\n".join(lines), source="spark")
            self.assertEqual(without_problems(direct.analyze(top=50)), without_problems(report))
        self.assertEqual(report["summary"]["documents"] + report["summary"]["bad"], len(lines))


# --------------------------------------------------------------------------------------
# Handles and arguments


class Handles(unittest.TestCase):
    def test_closed_corpus_raises(self) -> None:
        c = corpus()
        c.add_json(line(DOC_A))
        c.close()
        c.close()  # idempotent
        self.assertTrue(c.closed)
        for use in (lambda: c.add_json(line(DOC_B)), lambda: c.add_ndjson(NDJSON),
                    lambda: c.add_path("."), lambda: c.analyze(), lambda: c.analyze_json(),
                    lambda: c.to_json(), lambda: c.documents, lambda: c.bad):
            with self.assertRaises(pm.InvalidArgumentError):
                use()
        with self.assertRaises(pm.InvalidArgumentError):
            with c:
                pass
        with corpus() as open_one:
            with self.assertRaises(pm.InvalidArgumentError):
                open_one.merge(c)
            with self.assertRaises(pm.InvalidArgumentError):
                c.merge(open_one)
            with pm.Document.parse(line(DOC_A)) as doc:
                with self.assertRaises(pm.InvalidArgumentError):
                    c.add(doc)
            doc.close()
            with self.assertRaises(pm.InvalidArgumentError):
                open_one.add(doc)       # a closed document
            self.assertEqual(open_one.documents, 0)

    def test_context_manager_closes(self) -> None:
        with corpus() as c:
            self.assertFalse(c.closed)
            self.assertIn("open", repr(c))
        self.assertTrue(c.closed)
        self.assertIn("closed", repr(c))
        self.assertEqual(repr(c), "<postmortem.Corpus closed>")

    def test_not_copyable(self) -> None:
        with corpus() as c:
            with self.assertRaises(TypeError):
                copy.copy(c)

    def test_wrong_types_raise_type_error(self) -> None:
        with self.assertRaises(TypeError):
            pm.Corpus(policy=42)  # type: ignore[arg-type]
        with self.assertRaises(TypeError):
            pm.Corpus(threads="2")  # type: ignore[arg-type]
        with self.assertRaises(TypeError):
            pm.Corpus(threads=True)  # type: ignore[arg-type]
        with self.assertRaises(TypeError):
            pm.Corpus(max_problems=1.5)  # type: ignore[arg-type]
        with self.assertRaises(TypeError):
            pm.Corpus(AS_OF, 2)  # type: ignore[misc]   # threads is keyword-only
        with self.assertRaises(TypeError):
            pm.Corpus.from_json(42)  # type: ignore[arg-type]
        with corpus() as c:
            for call in (lambda: c.add(line(DOC_A)),                 # type: ignore[arg-type]
                         lambda: c.add_json(42),                     # type: ignore[arg-type]
                         lambda: c.add_json(DOC_A),                  # type: ignore[arg-type]
                         lambda: c.add_json(line(DOC_A), source=3),  # type: ignore[arg-type]
                         lambda: c.add_ndjson(None),                 # type: ignore[arg-type]
                         lambda: c.add_ndjson(NDJSON_LINES),         # type: ignore[arg-type]
                         lambda: c.add_path(42),                     # type: ignore[arg-type]
                         lambda: c.merge(c.to_json()),               # type: ignore[arg-type]
                         lambda: c.analyze(top="5"),                 # type: ignore[arg-type]
                         lambda: c.analyze_json(top=None)):          # type: ignore[arg-type]
                with self.assertRaises(TypeError):
                    call()
            self.assertEqual((c.documents, c.bad), (0, 0))

    def test_values_out_of_range(self) -> None:
        with self.assertRaises(pm.InvalidArgumentError) as caught:
            pm.Corpus(threads=257)
        self.assertIn("threads", str(caught.exception))
        with self.assertRaises(pm.InvalidArgumentError) as caught:
            pm.Corpus(threads=-1)
        self.assertIn("threads", str(caught.exception))
        with self.assertRaises(pm.InvalidArgumentError) as caught:
            pm.Corpus(max_problems=-1)
        self.assertIn("max_problems", str(caught.exception))
        with self.assertRaises(pm.PolicyError):
            pm.Corpus(policy={"as_of": "yesterday"})
        pm.Corpus(threads=256).close()
        with corpus() as c:
            with self.assertRaises(pm.InvalidArgumentError) as caught:
                c.analyze(top=-1)
            self.assertIn("top", str(caught.exception))
            with self.assertRaises(pm.InvalidArgumentError):
                c.add_json(line(DOC_A), source="a\0b")
            with self.assertRaises(pm.InvalidArgumentError):
                c.add_path("a\0b")
            self.assertEqual((c.documents, c.bad), (0, 0))

    def test_analyze_json(self) -> None:
        with corpus() as c:
            c.add_ndjson(NDJSON)
            compact = c.analyze_json()
            pretty = c.analyze_json(pretty=True)
            self.assertEqual(json.loads(compact), c.analyze())
        self.assertNotIn("\n", compact)
        self.assertIn("\n", pretty)
        self.assertEqual(json.loads(pretty), json.loads(compact))

    def test_reads_from_threads_while_another_writes(self) -> None:
        # add_* hold the corpus exclusively; analyze/counts from other threads wait, and
        # never see a half-added document.
        lines = synthetic(60, seed=9)
        text = "\n".join(lines)
        with corpus(threads=2) as c:
            errors: List[BaseException] = []
            seen: List[int] = []

            def reader() -> None:
                try:
                    for _ in range(20):
                        seen.append(c.analyze()["summary"]["documents"])
                except BaseException as e:  # pragma: no cover - reported below
                    errors.append(e)

            workers = [threading.Thread(target=reader) for _ in range(2)]
            for w in workers:
                w.start()
            c.add_ndjson(text)
            for w in workers:
                w.join()
            total = c.documents
        self.assertEqual(errors, [])
        self.assertTrue(all(n in (0, total) for n in seen), seen)


if __name__ == "__main__":
    unittest.main()
