"""Policies: parsing, their effect on validation and parsing, handle life cycle."""

from __future__ import annotations

import json
import unittest

from _support import first_sample, nested

import postmortem as pm


def _typo_doc() -> str:
    """A document with one PM102 (no incident title) and one PM109 (`sumary`)."""
    d = first_sample()
    d["incident"]["sumary"] = d["incident"].pop("summary")
    del d["incident"]["title"]
    return json.dumps(d)


def _codes(findings: list) -> dict:
    return {f.code: f.severity for f in findings}


class PolicyEffects(unittest.TestCase):
    def setUp(self) -> None:
        self.doc = pm.Document.parse(_typo_doc())
        self.addCleanup(self.doc.close)

    def test_defaults(self) -> None:
        codes = _codes(self.doc.validate())
        self.assertEqual(codes["PM102"], "error")
        self.assertEqual(codes["PM109"], "warning")

    def test_a_rule_can_be_turned_off_or_change_severity(self) -> None:
        with pm.Policy.parse('{"rules": {"PM109": "off", "PM102": "info"}}') as policy:
            codes = _codes(self.doc.validate(policy))
        self.assertNotIn("PM109", codes)
        self.assertEqual(codes["PM102"], "info")

    def test_a_dict_works_wherever_a_policy_does(self) -> None:
        policy = {"rules": {"PM109": "error"}, "as_of": "2024-06-01T00:00:00Z"}
        self.assertEqual(_codes(self.doc.validate(policy))["PM109"], "error")
        with pm.Policy.from_dict(policy) as p:
            self.assertEqual(self.doc.validate(policy), self.doc.validate(p))
        self.assertEqual(json.loads(self.doc.validate_json(policy)),
                         [f.to_dict() for f in self.doc.validate(policy)])

    def test_an_invalid_dict_policy_raises_before_validating(self) -> None:
        with self.assertRaises(pm.PolicyError):
            self.doc.validate({"rules": {"PM999": "off"}})
        with self.assertRaises(TypeError):
            pm.Policy.from_dict([("rules", {})])  # type: ignore[arg-type]
        with self.assertRaises(ValueError):
            pm.Policy.from_dict({"limits": {"max_depth": float("nan")}})

    def test_one_policy_serves_many_documents_and_calls(self) -> None:
        with pm.Policy.from_dict({"limits": {"max_depth": 16}, "rules": {"PM109": "off"}}) as p:
            for _ in range(3):
                with pm.Document.parse(_typo_doc(), p) as doc:
                    self.assertNotIn("PM109", _codes(doc.validate(p)))
            with self.assertRaises(pm.LimitError):
                pm.Document.parse(nested(20), p)

    def test_check_file_uses_the_policy_for_limits_and_rules(self) -> None:
        findings = pm.check_text(_typo_doc(), {"rules": {"PM102": "off"}})
        self.assertNotIn("PM102", _codes(findings))
        self.assertEqual([f.code for f in pm.check_text(nested(20), {"limits": {"max_depth": 8}})],
                         ["PM100"])


class PolicyHandle(unittest.TestCase):
    def test_a_closed_policy_cannot_be_used(self) -> None:
        policy = pm.Policy.parse("{}")
        policy.close()
        policy.close()
        self.assertTrue(policy.closed)
        with pm.Document.parse(json.dumps(first_sample())) as doc:
            with self.assertRaises(pm.InvalidArgumentError):
                doc.validate(policy)
        with self.assertRaises(pm.InvalidArgumentError):
            pm.Document.parse("{}", policy)

    def test_context_manager_and_empty_policy(self) -> None:
        with pm.Policy.parse(b"{}") as policy:
            self.assertFalse(policy.closed)
            self.assertIn("open", repr(policy))
        self.assertTrue(policy.closed)

    def test_policy_text_must_be_str_or_bytes(self) -> None:
        with self.assertRaises(TypeError):
            pm.Policy.parse({"rules": {}})  # type: ignore[arg-type]


if __name__ == "__main__":
    unittest.main()
