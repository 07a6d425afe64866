"""Document.export() and import_veris() (docs/interop.md) through the C API.

The mappings are tested in tests/cpp (interop tests) and the exports are validated against
the VERIS and STIX schemas in tests/interop; here: the Python surface, determinism,
redaction end to end, and the VERIS round trip of what VERIS can hold.
"""

from __future__ import annotations

import json
import unittest

from _support import SAMPLE_NAMES, sample_path

import postmortem as pm


def strings_of(value):
    """Every string in a JSON value (keys excluded)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings_of(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings_of(v)


class Export(unittest.TestCase):
    def test_formats_and_determinism(self) -> None:
        self.assertEqual(pm.EXPORT_FORMATS, ("veris", "stix"))
        for name in SAMPLE_NAMES:
            with self.subTest(sample=name), pm.Document.load(sample_path(name)) as doc:
                stix = doc.export("stix")
                self.assertEqual(json.loads(stix)["type"], "bundle")
                self.assertEqual(doc.export("stix"), stix)  # deterministic ids and timestamps
                veris = json.loads(doc.export("veris"))
                self.assertTrue(veris["schema_version"].startswith("1.4"))

    def test_redaction_removes_every_listed_string(self) -> None:
        fields = [f for f in pm_fields() if f != "participants"]
        with pm.Document.load(sample_path("network-breach-vpn-appliance.json")) as doc:
            source = json.loads(doc.to_json())
            removed = [p["name"] for p in source["participants"]]
            removed += [a["owner"] for a in source["actions"]]
            removed += [e["location"] for e in source["evidence"] if "location" in e]
            removed += [source["incident"]["summary"], source["timeline"][1]["description"]]
            for fmt in pm.EXPORT_FORMATS:
                with self.subTest(format=fmt):
                    out = doc.export(fmt, redact=fields)
                    for text in removed:
                        self.assertNotIn(text, out)
                    # Without redaction the same strings are there: the check can fail.
                    plain = doc.export(fmt)
                    self.assertIn(source["incident"]["summary"][:40], plain)

    def test_errors(self) -> None:
        with pm.Document.parse('{"schema": "postmortem/1"}') as doc:
            with self.assertRaises(pm.FormatError):
                doc.export("misp")
            with self.assertRaises(pm.InvalidArgumentError) as caught:
                doc.export("stix", redact=["incident.sumary"])
            self.assertIn('did you mean "incident.summary"?', str(caught.exception))
            with self.assertRaises(TypeError):
                doc.export("stix", redact="incident.summary")  # type: ignore[arg-type]


def pm_fields():
    """The redactable paths of docs/interop.md (people first, then free text)."""
    return ["assets[].owner", "timeline[].actor", "evidence[].location", "evidence[].collected_by",
            "evidence[].custody[].by", "evidence[].custody[].to", "actions[].owner", "actions[].team",
            "participants", "review.facilitator", "incident.title", "incident.summary",
            "incident.actor.name", "incident.impact.notes", "assets[].name", "timeline[].description",
            "timeline[].source", "evidence[].description", "evidence[].custody[].notes",
            "indicators[].value", "indicators[].description", "factors[].title",
            "factors[].description", "factors[].why", "actions[].title", "actions[].description",
            "actions[].success_criteria", "actions[].ticket", "actions[].verification[].method",
            "actions[].verification[].notes", "lessons[].text", "review.questions[].question",
            "review.questions[].answer"]


class VerisRoundTrip(unittest.TestCase):
    def test_what_veris_holds_comes_back(self) -> None:
        for name in SAMPLE_NAMES:
            with self.subTest(sample=name), pm.Document.load(sample_path(name)) as doc:
                before = json.loads(doc.to_json())["incident"]
                with pm.import_veris(doc.export("veris")) as back:
                    after = json.loads(back.to_json())["incident"]
                self.assertEqual(after["category"], before["category"])
                self.assertEqual(after["impact"].get("rating"), before["impact"].get("rating"))
                self.assertEqual(after["impact"].get("confidentiality"), before["impact"].get("confidentiality"))

    def test_not_veris(self) -> None:
        with self.assertRaises(pm.ParseError):
            pm.import_veris("{not json")
        with self.assertRaises(pm.FormatError):
            pm.import_veris('{"schema": "postmortem/1"}')


if __name__ == "__main__":
    unittest.main()
