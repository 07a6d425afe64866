"""Document.metrics(): the lifecycle metrics and the timeline breakdown (docs/metrics.md).

The expected values are worked out by hand in tests/cpp/metrics_test.cpp; the arithmetic is
repeated here where a value is checked.
"""

from __future__ import annotations

import copy
import json
import threading
import unittest

from _support import SAMPLE_NAMES, sample_dict, sample_path

import postmortem as pm

MEMBERS = ["milestones", "metrics", "events", "types", "assets", "key_moments", "gaps",
           "gap_threshold_hours"]


def minimal(timeline, milestones=None):
    incident = {"id": "I-1", "title": "t", "category": "malware"}
    if milestones is not None:
        incident["milestones"] = milestones
    return json.dumps({"schema": "postmortem/1", "incident": incident, "timeline": timeline})


def event(id, time, type, **extra):
    return dict({"id": id, "time": time, "type": type, "description": "x"}, **extra)


class SampleMetrics(unittest.TestCase):
    def test_phishing_sample(self) -> None:
        with pm.Document.load(sample_path("phishing-mfa-fatigue.json")) as doc:
            m = doc.metrics()
        self.assertIsInstance(m, dict)
        self.assertIsInstance(m, pm.Metrics)
        self.assertEqual(list(m), MEMBERS)
        # 10:05:00 - 08:42:10 = 1 h 22 min 50 s = 4970 s
        self.assertEqual(m["metrics"]["dwell_time"], {
            "seconds": 4970, "duration": "PT1H22M50S", "from": "started_at",
            "to": "detected_at", "precision": "second"})
        # the DESIGN.md shortcut: a metric name indexes "metrics"
        self.assertEqual(m["dwell_time"], m["metrics"]["dwell_time"])
        # reported_at is not in incident.milestones: derived from e7 (escalation, 10:12)
        self.assertEqual(m["milestones"]["reported_at"], {
            "time": "2024-01-17T10:12:00Z", "source": "derived", "event_id": "e7",
            "precision": "second"})
        self.assertEqual(m["milestones"]["detected_at"]["source"], "milestone")
        # 2024-01-24T17:00:00 - 2024-01-17T08:42:10 = 7 d 8 h 17 min 50 s = 634670 s, to closed_at
        self.assertEqual(m["total_duration"]["seconds"], 634670)
        self.assertEqual(m["total_duration"]["to"], "closed_at")
        # no eradication: absent, not zero, and the shortcut raises KeyError
        self.assertNotIn("time_to_eradicate", m["metrics"])
        self.assertNotIn("eradicated_at", m["milestones"])
        with self.assertRaises(KeyError):
            m["time_to_eradicate"]
        with self.assertRaises(KeyError):
            m["no_such_member"]
        self.assertEqual(m["events"], {"count": 10, "timed": 10})
        self.assertEqual([k["event_id"] for k in m["key_moments"]], ["e3", "e6", "e8"])
        self.assertEqual(m["assets"][0], {
            "asset_id": "a-mbx", "first": "2024-01-17T08:58:44Z",
            "last": "2024-01-17T15:00:00Z", "events": ["e2", "e4", "e5", "e8", "e10"]})
        self.assertEqual(m["gaps"], [])
        self.assertEqual(m["gap_threshold_hours"], 24)

    def test_network_breach_sample_falls_back_to_recovered(self) -> None:
        with pm.Document.load(sample_path("network-breach-vpn-appliance.json")) as doc:
            m = doc.metrics()
        # all derived; no closed_at: total_duration is started (t1 04-11T22:14) -> recovered
        # (t10 04-16T18:30) = 4 d 20 h 16 min = 345600 + 72000 + 960 = 418560 s
        self.assertEqual(m["total_duration"], {
            "seconds": 418560, "duration": "P4DT20H16M", "from": "started_at",
            "to": "recovered_at", "precision": "second"})
        # contained_at: the latest containment, t8 (FORMAT.md's example)
        self.assertEqual(m["milestones"]["contained_at"], {
            "time": "2024-04-15T18:30:00Z", "source": "derived", "event_id": "t8",
            "precision": "second"})
        # dwell: 04-11T22:14 -> 04-15T09:30 = 3 d 11 h 16 min = 259200 + 39600 + 960 = 299760 s
        self.assertEqual(m["dwell_time"]["seconds"], 299760)

    def test_every_sample_agrees_with_the_json_text(self) -> None:
        for name in SAMPLE_NAMES:
            with self.subTest(sample=name), pm.Document.load(sample_path(name)) as doc:
                m = doc.metrics()
                self.assertEqual(json.loads(doc.metrics_json()), m)
                self.assertNotIn("null", doc.metrics_json())
                self.assertEqual(m["events"]["count"], len(sample_dict(name)["timeline"]))
                for metric in m["metrics"].values():
                    self.assertEqual(set(metric), {"seconds", "duration", "from", "to", "precision"})

    def test_metric_names(self) -> None:
        self.assertEqual(pm.METRIC_NAMES, ("dwell_time", "time_to_report", "time_to_contain",
                                           "time_to_eradicate", "time_to_recover",
                                           "total_duration"))


class MetricRules(unittest.TestCase):
    def test_negative_duration_keeps_its_sign(self) -> None:
        # detected 08:12, started 08:42: -30 min = -1800 s
        text = minimal([event("d", "2024-01-01T08:12:00Z", "alert")],
                       {"started_at": "2024-01-01T08:42:00Z"})
        with pm.Document.parse(text) as doc:
            self.assertEqual(doc.metrics()["dwell_time"]["seconds"], -1800)
            self.assertEqual(doc.metrics()["dwell_time"]["duration"], "-PT30M")
            self.assertIn("PM301", [f.code for f in doc.validate()])

    def test_day_precision_is_approximate(self) -> None:
        # started 2024-03-03T12:00 (second), detected 2024-03-04 (day): 12 h = 43200 s
        text = minimal([event("a", "2024-03-03T12:00:00Z", "attacker_activity"),
                        event("d", "2024-03-04T00:00:00Z", "detection", precision="day")])
        with pm.Document.parse(text) as doc:
            dwell = doc.metrics()["dwell_time"]
        self.assertEqual(dwell, {"seconds": 43200, "duration": "PT12H", "from": "started_at",
                                 "to": "detected_at", "precision": "day", "approximate": True,
                                 "note": "detected_at is known only to the day"})

    def test_policy_sets_the_gap_threshold(self) -> None:
        with pm.Document.load(sample_path("phishing-mfa-fatigue.json")) as doc:
            # e9 11:20 -> e10 15:00 = 3 h 40 min = 13200 s, the only step over 1 h
            for policy in ({"thresholds": {"max_gap_hours": 1}},
                           pm.Policy.parse('{"thresholds": {"max_gap_hours": 1}}')):
                with self.subTest(policy=type(policy).__name__):
                    m = doc.metrics(policy)
                    self.assertEqual(m["gap_threshold_hours"], 1)
                    self.assertEqual(m["gaps"], [{
                        "from_event": "e9", "to_event": "e10", "from": "2024-01-17T11:20:00Z",
                        "to": "2024-01-17T15:00:00Z", "seconds": 13200, "duration": "PT3H40M",
                        "after_detection": True}])
            with self.assertRaises(pm.PolicyError):
                doc.metrics({"thresholds": {"max_gap_hours": -1}})
            with self.assertRaises(TypeError):
                doc.metrics(42)  # type: ignore[arg-type]

    def test_events_without_time_are_left_out(self) -> None:
        text = minimal([{"id": "n", "type": "containment", "description": "x", "key": True},
                        event("d", "2024-01-01T10:00:00Z", "detection")])
        with pm.Document.parse(text) as doc:
            m = doc.metrics()
        self.assertEqual(m["events"], {"count": 2, "timed": 1})
        self.assertEqual(m["key_moments"], [])
        self.assertNotIn("contained_at", m["milestones"])
        self.assertEqual([t["type"] for t in m["types"]], ["detection"])

    def test_nothing_to_measure(self) -> None:
        with pm.Document.parse('{"schema": "postmortem/1"}') as doc:
            self.assertEqual(doc.metrics(), {
                "milestones": {}, "metrics": {}, "events": {"count": 0, "timed": 0},
                "types": [], "assets": [], "key_moments": [], "gaps": [],
                "gap_threshold_hours": 24})


class Handles(unittest.TestCase):
    def test_closed_document_raises(self) -> None:
        doc = pm.Document.load(sample_path(SAMPLE_NAMES[0]))
        doc.close()
        with self.assertRaisesRegex(pm.InvalidArgumentError, "closed Document"):
            doc.metrics()

    def test_metrics_from_many_threads(self) -> None:
        with pm.Document.load(sample_path("network-breach-vpn-appliance.json")) as doc:
            expected = doc.metrics()
            results = []

            def work() -> None:
                for _ in range(20):
                    results.append(doc.metrics())

            threads = [threading.Thread(target=work) for _ in range(4)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        self.assertEqual(len(results), 80)
        self.assertTrue(all(r == expected for r in results))

    def test_the_result_is_independent_data(self) -> None:
        with pm.Document.load(sample_path("phishing-mfa-fatigue.json")) as doc:
            m = doc.metrics()
        copied = copy.deepcopy(m)
        copied["metrics"].clear()
        self.assertIn("dwell_time", m["metrics"])  # the document is closed; m still works


if __name__ == "__main__":
    unittest.main()
