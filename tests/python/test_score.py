"""Document.score(): severity, quality, action priorities and SSVC (docs/scoring.md).

The expected values are worked out by hand in tests/cpp/score_test.cpp; the arithmetic is
repeated here where a value is checked.
"""

from __future__ import annotations

import json
import threading
import unittest

from _support import SAMPLE_NAMES, sample_path

import postmortem as pm

TERM_KEYS = ["name", "input", "level", "weight", "points", "why"]


def minimal(impact=None, declared=None, **rest):
    incident = {"id": "I-1", "title": "t", "category": "malware"}
    if impact is not None:
        incident["impact"] = impact
    if declared is not None:
        incident["declared_severity"] = declared
    return json.dumps(dict({"schema": "postmortem/1", "incident": incident}, **rest))


class SampleScores(unittest.TestCase):
    def test_vpn_sample(self) -> None:
        with pm.Document.load(sample_path("network-breach-vpn-appliance.json")) as doc:
            s = doc.score()
        self.assertEqual(list(s), ["severity", "quality", "actions", "vulnerabilities"])
        sev = s["severity"]
        # 8 + 6 + 3 + 11.2 + 3.84 + 4.8 + 2.80 + 3.41 + 5.41 + 1.67 + 1.80 + 8 + 10 + 6 = 75.94
        self.assertEqual((sev["score"], sev["tier"], sev["declared"], sev["tiers_apart"]),
                         (75.9, "critical", "critical", 0))
        self.assertEqual(list(sev["terms"][0]), TERM_KEYS)
        self.assertAlmostEqual(sum(t["points"] for t in sev["terms"]), 75.9, delta=0.05)
        # quality: full but verification, 1 of 2 done actions verified → 5 of 10 → 95
        self.assertEqual(s["quality"]["score"], 95)
        # A3: 35 + 15 × 0.75 + 20 + 10 (rc2 on vpn-gw, CVE-2024-3400 exploited and in KEV)
        # + 20 × 0.759 = 91.43
        a3 = s["actions"][2]
        self.assertEqual((a3["id"], a3["index"], a3["score"], a3["tier"]), ("A3", 2, 91.4, "P1"))
        self.assertEqual([t["name"] for t in a3["terms"]],
                         ["impact", "feasibility", "addresses", "vulnerability", "severity"])
        (v,) = s["vulnerabilities"]
        self.assertEqual(v["decision"], "act")
        self.assertEqual([(p["name"], p["value"]) for p in v["points"]],
                         [("exploitation", "active"), ("automatable", "yes"),
                          ("technical_impact", "total"), ("mission_wellbeing", "high")])

    def test_every_sample_in_its_tier(self) -> None:
        expected = {"data-exfiltration-cloud-bucket.json": (51.6, "high"),
                    "network-breach-vpn-appliance.json": (75.9, "critical"),
                    "phishing-mfa-fatigue.json": (35.2, "medium")}
        self.assertEqual(sorted(expected), SAMPLE_NAMES)
        for name in SAMPLE_NAMES:
            with self.subTest(name), pm.Document.load(sample_path(name)) as doc:
                s = doc.score()
                self.assertEqual((s["severity"]["score"], s["severity"]["tier"]), expected[name])
                self.assertEqual(len(s["actions"]), len(doc.to_dict()["actions"]))
                self.assertEqual(json.loads(doc.score_json()), s)


class PolicyAndErrors(unittest.TestCase):
    def test_weights_from_a_dict_policy(self) -> None:
        with pm.Document.parse(minimal({"confidentiality": "high"})) as doc:
            self.assertEqual(doc.score()["severity"]["score"], 8)
            # weights 108 + 92 = 200: 100 × 108 / 200 = 54 → high
            s = doc.score({"scoring": {"severity_weights": {"confidentiality": 108}}})
            self.assertEqual((s["severity"]["score"], s["severity"]["tier"]), (54, "high"))
            with pm.Policy.parse('{"scoring": {"severity_tiers": {"low": 5}}}') as policy:
                self.assertEqual(doc.score(policy)["severity"]["tier"], "low")

    def test_unknown_scoring_name(self) -> None:
        with pm.Document.parse(minimal()) as doc:
            with self.assertRaises(pm.PolicyError) as cm:
                doc.score({"scoring": {"severity_weights": {"cvs": 1}}})
            self.assertIn('did you mean "cvss"', str(cm.exception))

    def test_pm410(self) -> None:
        # computed 8 (informational), declared medium: two tiers apart
        with pm.Document.parse(minimal({"confidentiality": "high"}, "medium")) as doc:
            codes = [f.code for f in doc.validate()]
            self.assertIn("PM410", codes)
        with pm.Document.parse(minimal({"confidentiality": "high"}, "low")) as doc:
            self.assertNotIn("PM410", [f.code for f in doc.validate()])

    def test_empty_document(self) -> None:
        with pm.Document.parse('{"schema": "postmortem/1"}') as doc:
            s = doc.score()
        self.assertEqual((s["severity"]["score"], s["severity"]["tier"]), (0, "informational"))
        self.assertEqual(s["quality"]["score"], 10)
        self.assertEqual((s["actions"], s["vulnerabilities"]), ([], []))

    def test_threads_agree(self) -> None:
        with pm.Document.load(sample_path("phishing-mfa-fatigue.json")) as doc:
            expected = doc.score_json()
            results = []

            def work() -> None:
                results.append(doc.score_json())

            threads = [threading.Thread(target=work) for _ in range(8)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        self.assertEqual(results, [expected] * 8)


if __name__ == "__main__":
    unittest.main()
