"""Document.plan(): the prioritized remediation plan (docs/plan.md).

The orders and dates are worked out by hand in tests/cpp/plan_test.cpp; here the documents
are built so that the result does not depend on the scoring's weights: actions that differ
only in id score the same, so ties are broken by id.
"""

from __future__ import annotations

import json
import unittest

from _support import SAMPLE_NAMES, sample_path

import postmortem as pm

MEMBERS = ["as_of", "sla_days", "items", "cycles", "critical_path", "overdue", "unverified",
           "unknown_dependencies", "self_dependencies", "rejected", "counts"]


def document(*actions):
    return pm.Document.parse(json.dumps({
        "schema": "postmortem/1",
        "incident": {"id": "I-1", "title": "t", "category": "phishing"},
        "actions": [dict({"title": "t", "impact": 3, "effort": 2}, **a) for a in actions]}))


def ids(plan):
    return [item["id"] for item in plan["items"]]


class SamplePlan(unittest.TestCase):
    def test_network_breach_sample(self) -> None:
        # as_of 2024-06-20: A4 (due 06-15, planned) is 5 days overdue; A1 is done with no
        # verification; A4 (effort 3) -> A6 (effort 4) is the heaviest open chain.
        with pm.Document.load(sample_path("network-breach-vpn-appliance.json")) as doc:
            plan = doc.plan({"as_of": "2024-06-20T09:00:00Z"})
        self.assertEqual(list(plan), MEMBERS)
        self.assertEqual(plan["as_of"], "2024-06-20")
        self.assertEqual(plan["overdue"], ["A4"])
        self.assertEqual(plan["unverified"], ["A1"])
        self.assertEqual(plan["critical_path"], {"actions": ["A4", "A6"], "effort": 7, "weight": "effort"})
        self.assertEqual(plan["cycles"], [])
        a4 = next(i for i in plan["items"] if i["id"] == "A4")
        self.assertEqual(a4["days_overdue"], 5)
        self.assertEqual(a4["suggested_due"], "2024-06-15")
        # open actions first, A6 after A4 which it depends on; done and verified last
        order = ids(plan)
        self.assertLess(order.index("A4"), order.index("A6"))
        self.assertEqual(sorted(order[4:]), ["A1", "A3"])
        self.assertEqual(plan["counts"]["open"], 4)

    def test_every_sample_plans_every_action(self) -> None:
        for name in SAMPLE_NAMES:
            with self.subTest(name), pm.Document.load(sample_path(name)) as doc:
                plan = doc.plan({"as_of": "2024-06-01T00:00:00Z"})
                self.assertEqual([i["position"] for i in plan["items"]],
                                 list(range(1, len(plan["items"]) + 1)))
                self.assertEqual(plan["counts"]["actions"], len(doc.to_dict()["actions"]))
                # the scores are the scoring's
                scores = {a["id"]: a["score"] for a in doc.score()["actions"]}
                for item in plan["items"]:
                    self.assertEqual(item["score"], scores[item["id"]])
                self.assertEqual(json.loads(doc.plan_json({"as_of": "2024-06-01T00:00:00Z"})), plan)


class Ordering(unittest.TestCase):
    def test_ties_by_id_after_dependencies(self) -> None:
        with document({"id": "c"}, {"id": "a", "depends_on": ["c"]}, {"id": "b"}) as doc:
            plan = doc.plan({"as_of": "2024-06-01T00:00:00Z"})
        self.assertEqual(ids(plan), ["b", "c", "a"])
        self.assertEqual(plan["items"][2]["blocked_by"], ["c"])

    def test_cycles_reported_with_members_and_placed_last(self) -> None:
        with document({"id": "x", "depends_on": ["y"]}, {"id": "y", "depends_on": ["x"]},
                      {"id": "z"}, {"id": "w", "depends_on": ["nope"]}) as doc:
            plan = doc.plan({"as_of": "2024-06-01T00:00:00Z"})
        self.assertEqual(plan["cycles"], [["x", "y"]])
        self.assertEqual(ids(plan), ["w", "z", "x", "y"])
        self.assertTrue(all(i["in_cycle"] for i in plan["items"][2:]))
        self.assertEqual(plan["unknown_dependencies"],
                         [{"action": "w", "depends_on": "nope", "path": "/actions/3/depends_on/0"}])

    def test_rejected_actions_are_listed_apart(self) -> None:
        with document({"id": "r", "status": "rejected"}, {"id": "s", "depends_on": ["r"]}) as doc:
            plan = doc.plan({"as_of": "2024-06-01T00:00:00Z"})
        self.assertEqual(ids(plan), ["s"])
        self.assertEqual(plan["rejected"], ["r"])
        self.assertEqual(plan["items"][0]["blocked_by"], ["r"])


class Dates(unittest.TestCase):
    def test_sla_from_the_policy(self) -> None:
        # 2024-01-31 + 1 day = 2024-02-01 whatever the tier: every tier's SLA is 1 day.
        policy = {"as_of": "2024-01-31T12:00:00Z",
                  "plan": {"sla_days": {"P1": 1, "P2": 1, "P3": 1, "P4": 1}}}
        with document({"id": "a"}, {"id": "b", "due": "2024-03-01"}) as doc:
            plan = doc.plan(policy)
        a, b = plan["items"]
        self.assertEqual(a["suggested_due"], "2024-02-01")
        self.assertNotIn("due", a)
        self.assertNotIn("due_after_sla", a)
        self.assertEqual(b["suggested_due"], "2024-03-01")   # its own due is kept
        self.assertTrue(b["due_after_sla"])
        self.assertEqual(plan["sla_days"], {"P1": 1, "P2": 1, "P3": 1, "P4": 1})

    def test_bad_sla_is_a_policy_error(self) -> None:
        with document({"id": "a"}) as doc:
            with self.assertRaises(pm.PolicyError) as cm:
                doc.plan({"plan": {"sla_days": {"P1": 0}}})
        self.assertIn("/plan/sla_days/P1 must be a whole number of days", str(cm.exception))


if __name__ == "__main__":
    unittest.main()
