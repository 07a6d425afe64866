"""Documents: loading, serialization, validation findings, handle life cycle."""

from __future__ import annotations

import copy
import gc
import json
import os
import pathlib
import pickle
import re
import tempfile
import unittest
from ctypes import byref, c_size_t

from _support import (
    AS_OF,
    SAMPLE_NAMES,
    first_sample,
    sample_dict,
    sample_path,
    sample_text,
)

import postmortem as pm
from postmortem import _lib

SEVERITIES = {"error", "warning", "info"}


class LoadAndValidateSamples(unittest.TestCase):
    def test_each_sample_loads_from_str_and_pathlike_paths(self) -> None:
        for name in SAMPLE_NAMES:
            with self.subTest(sample=name):
                for path in (str(sample_path(name)), sample_path(name)):
                    with pm.Document.load(path) as doc:
                        self.assertIsInstance(doc, pm.Document)
                        self.assertFalse(doc.closed)
                    self.assertTrue(doc.closed)

    def test_validate_returns_a_list_of_well_formed_findings(self) -> None:
        for name in SAMPLE_NAMES:
            with self.subTest(sample=name), pm.Document.load(sample_path(name)) as doc:
                findings = doc.validate()
                self.assertIsInstance(findings, list)
                for f in findings:
                    self.assertIsInstance(f, pm.Finding)
                    self.assertRegex(f.code, r"^PM\d{3}$")
                    self.assertIn(f.severity, SEVERITIES)
                    self.assertTrue(f.path == "" or f.path.startswith("/"), f.path)
                    self.assertTrue(f.message)
                    self.assertTrue(f.hint is None or f.hint)

    def test_samples_have_no_error_findings(self) -> None:
        for name in SAMPLE_NAMES:
            with self.subTest(sample=name), pm.Document.load(sample_path(name)) as doc:
                errors = [f for f in doc.validate() if f.severity == "error"]
                self.assertEqual(errors, [])

    def test_validate_agrees_with_the_librarys_json(self) -> None:
        doc_dict = first_sample()
        doc_dict["incident"]["sumary"] = doc_dict["incident"].pop("summary")
        del doc_dict["incident"]["title"]
        with pm.Document.parse(json.dumps(doc_dict)) as doc:
            findings = doc.validate(AS_OF)
            self.assertGreaterEqual(len(findings), 2)
            self.assertEqual([f.to_dict() for f in findings],
                             json.loads(doc.validate_json(AS_OF)))

    def test_parse_accepts_str_and_bytes(self) -> None:
        text = sample_text(SAMPLE_NAMES[0])
        for arg in (text, text.encode("utf-8"), bytearray(text.encode("utf-8")),
                    memoryview(text.encode("utf-8"))):
            with self.subTest(type=type(arg).__name__), pm.Document.parse(arg) as doc:
                self.assertEqual(doc.to_dict(), json.loads(text))

    def test_parse_rejects_other_types(self) -> None:
        with self.assertRaises(TypeError):
            pm.Document.parse(42)  # type: ignore[arg-type]
        with self.assertRaises(TypeError):
            pm.Document.parse("{}", policy=["not", "a", "policy"])  # type: ignore[arg-type]

    def test_the_whole_length_is_passed_not_up_to_a_nul(self) -> None:
        # If the bindings passed strlen(), the bytes after the NUL would go unseen.
        text = sample_text(SAMPLE_NAMES[0]).encode("utf-8") + b"\x00 garbage"
        with self.assertRaises(pm.ParseError):
            pm.Document.parse(text)

    def test_non_ascii_text_survives_a_round_trip(self) -> None:
        d = first_sample()
        d["incident"]["title"] = "Rechnung überfällig: 不请自来 🎣 \"quoted\" <b>"
        with pm.Document.parse(json.dumps(d, ensure_ascii=False)) as doc:
            self.assertEqual(doc.to_dict()["incident"]["title"], d["incident"]["title"])


class RoundTrip(unittest.TestCase):
    def test_to_json_gives_back_the_original_data(self) -> None:
        for name in SAMPLE_NAMES:
            with self.subTest(sample=name), pm.Document.load(sample_path(name)) as doc:
                self.assertEqual(json.loads(doc.to_json()), sample_dict(name))
                self.assertEqual(doc.to_dict(), sample_dict(name))

    def test_pretty_json_is_indented_and_equal(self) -> None:
        with pm.Document.load(sample_path(SAMPLE_NAMES[0])) as doc:
            compact, pretty = doc.to_json(), doc.to_json(pretty=True)
        self.assertNotIn("\n", compact)
        self.assertIn('\n  "schema"', pretty)
        self.assertEqual(json.loads(pretty), json.loads(compact))

    def test_unknown_members_and_extensions_are_kept(self) -> None:
        d = first_sample()
        d["x_acme"] = {"ticket": "SEC-1", "n": [1, 2.5, None, True]}
        d["incident"]["sumary"] = "typo"
        with pm.Document.parse(json.dumps(d)) as doc:
            self.assertEqual(doc.to_dict(), d)

    def test_a_reparsed_document_serializes_identically(self) -> None:
        with pm.Document.load(sample_path(SAMPLE_NAMES[-1])) as doc:
            once = doc.to_json()
        with pm.Document.parse(once) as again:
            self.assertEqual(again.to_json(), once)


class Findings(unittest.TestCase):
    def test_misspelled_summary_is_pm109_with_a_suggestion(self) -> None:
        d = first_sample()
        d["incident"]["sumary"] = d["incident"].pop("summary")
        with pm.Document.parse(json.dumps(d)) as doc:
            found = [f for f in doc.validate() if f.path == "/incident/sumary"]
        self.assertEqual(len(found), 1, found)
        self.assertEqual(found[0].code, "PM109")
        self.assertEqual(found[0].severity, "warning")
        self.assertIn("summary", found[0].message)

    def test_missing_incident_title_is_pm102_at_the_missing_member(self) -> None:
        d = first_sample()
        del d["incident"]["title"]
        with pm.Document.parse(json.dumps(d)) as doc:
            findings = doc.validate()
        pm102 = [f for f in findings if f.code == "PM102"]
        self.assertEqual(len(pm102), 1, findings)
        self.assertEqual(pm102[0].path, "/incident/title")
        self.assertEqual(pm102[0].severity, "error")
        self.assertIn("title", pm102[0].message)

    def test_findings_are_ordered_by_document_position(self) -> None:
        # FORMAT.md's order of the top-level members, then array index.
        order = ["schema", "incident", "assets", "vulnerabilities", "timeline", "evidence",
                 "indicators", "factors", "actions", "lessons", "participants", "review"]

        def position(path: str) -> tuple:
            tokens = path.split("/")[1:] + ["", ""]
            index = int(tokens[1]) if tokens[1].isdigit() else -1
            return order.index(tokens[0]) if tokens[0] in order else len(order), index

        d = first_sample()
        del d["incident"]["title"]
        d["timeline"][0]["sorce"] = "EDR"
        d["timeline"][-1]["sorce"] = "EDR"
        d["actions"][0]["owner"] = 42
        with pm.Document.parse(json.dumps(d)) as doc:
            paths = [f.path for f in doc.validate({"as_of": "2030-01-01T00:00:00Z"})]
        self.assertEqual(paths, sorted(paths, key=position))
        last_event = f"/timeline/{len(d['timeline']) - 1}/sorce"
        for path in ("/incident/title", "/timeline/0/sorce", last_event, "/actions/0/owner"):
            self.assertIn(path, paths)
        self.assertLess(paths.index("/timeline/0/sorce"), paths.index(last_event))

    def test_as_of_in_the_policy_fixes_now(self) -> None:
        with pm.Document.load(sample_path(SAMPLE_NAMES[0])) as doc:
            early = doc.validate({"as_of": "2020-01-01T00:00:00Z"})
            late = doc.validate({"as_of": "2040-01-01T00:00:00Z"})
            self.assertEqual(late, doc.validate({"as_of": "2040-01-01T00:00:00Z"}))
        # Actions that are not done are overdue (PM504) in 2040, not in 2020.
        self.assertNotIn("PM504", [f.code for f in early])
        self.assertIn("PM504", [f.code for f in late])

    def test_finding_is_a_frozen_dataclass(self) -> None:
        f = pm.Finding("PM102", "error", "/incident/title", "missing", None)
        with self.assertRaises(AttributeError):
            f.code = "PM103"  # type: ignore[misc]
        self.assertEqual(f, pm.Finding("PM102", "error", "/incident/title", "missing"))
        self.assertEqual(f.to_dict(), {"code": "PM102", "severity": "error",
                                       "path": "/incident/title", "message": "missing"})


class CheckFile(unittest.TestCase):
    def setUp(self) -> None:
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def write(self, name: str, data: str) -> pathlib.Path:
        path = pathlib.Path(self.tmp.name) / name
        path.write_text(data, encoding="utf-8")
        return path

    def test_a_truncated_file_gives_exactly_one_pm100(self) -> None:
        text = sample_text(SAMPLE_NAMES[0])
        path = self.write("truncated.json", text[: len(text) // 2])
        findings = pm.check_file(path)
        self.assertEqual(len(findings), 1, findings)
        f = findings[0]
        self.assertEqual((f.code, f.severity, f.path), ("PM100", "error", ""))
        self.assertRegex(f.message, r"line \d+, column \d+")

    def test_a_wrong_schema_gives_pm101(self) -> None:
        path = self.write("v2.json", json.dumps({**first_sample(), "schema": "postmortem/2"}))
        findings = pm.check_file(str(path))
        self.assertEqual([(f.code, f.path) for f in findings], [("PM101", "")])
        self.assertIn("postmortem/1", findings[0].message)

    def test_an_exceeded_limit_gives_pm100(self) -> None:
        path = self.write("deep.json", json.dumps(first_sample()))
        findings = pm.check_file(path, policy={"limits": {"max_depth": 2}})
        self.assertEqual([(f.code, f.path) for f in findings], [("PM100", "")])
        self.assertIn("max_depth", findings[0].message)

    def test_a_parsable_file_gives_its_validation_findings(self) -> None:
        d = first_sample()
        del d["incident"]["title"]
        path = self.write("no-title.json", json.dumps(d))
        with pm.Document.load(path) as doc:
            expected = doc.validate(AS_OF)
        self.assertEqual(pm.check_file(path, AS_OF), expected)
        self.assertIn("PM102", [f.code for f in expected])

    def test_check_file_reports_like_check_text(self) -> None:
        text = sample_text(SAMPLE_NAMES[1])[:-3]
        path = self.write("cut.json", text)
        from_text = pm.check_text(text)
        self.assertEqual([f.code for f in from_text], ["PM100"])
        self.assertEqual(pm.check_file(path), from_text)
        self.assertEqual(pm.check_file(path, policy=AS_OF), from_text)

    def test_load_errors_name_the_file_with_or_without_a_policy(self) -> None:
        text = sample_text(SAMPLE_NAMES[1])[:-3]
        path = self.write("cut.json", text)
        with self.assertRaises(pm.ParseError) as from_text:
            pm.Document.parse(text)
        for policy in (None, AS_OF):
            with self.subTest(policy=policy), self.assertRaises(pm.ParseError) as cm:
                pm.Document.load(path, policy)
            self.assertEqual(str(cm.exception), f"{path}: {from_text.exception}")

    def test_loading_a_directory_raises_file_error(self) -> None:
        for policy in (None, AS_OF):
            with self.subTest(policy=policy), self.assertRaises(pm.FileError):
                pm.Document.load(self.tmp.name, policy)

    def test_an_unreadable_file_raises_file_error(self) -> None:
        missing = pathlib.Path(self.tmp.name) / "missing.json"
        messages = []
        for policy in (None, {"limits": {"max_depth": 64}}):
            with self.subTest(policy=policy):
                with self.assertRaises(pm.FileError) as cm:
                    pm.check_file(missing, policy=policy)
                self.assertIsInstance(cm.exception, OSError)
                self.assertEqual(cm.exception.code, -6)
                self.assertIn("missing.json", str(cm.exception))
                messages.append(str(cm.exception))
        self.assertEqual(messages[0], messages[1])


class HandleLifeCycle(unittest.TestCase):
    def test_using_a_closed_document_raises(self) -> None:
        doc = pm.Document.load(sample_path(SAMPLE_NAMES[0]))
        doc.close()
        for call in (doc.to_json, doc.validate, doc.validate_json, doc.to_dict):
            with self.subTest(call=call.__name__):
                with self.assertRaises(pm.InvalidArgumentError) as cm:
                    call()
                self.assertIsInstance(cm.exception, ValueError)
                self.assertIn("closed", str(cm.exception))
        with self.assertRaises(pm.Error):
            doc._as_parameter_
        with self.assertRaises(pm.Error):
            with doc:
                pass

    def test_close_is_idempotent_and_the_context_manager_closes(self) -> None:
        with pm.Document.load(sample_path(SAMPLE_NAMES[0])) as doc:
            pass
        self.assertTrue(doc.closed)
        doc.close()
        doc.close()
        self.assertIn("closed", repr(doc))

    def test_the_context_manager_closes_on_exceptions_too(self) -> None:
        with self.assertRaises(KeyError):
            with pm.Document.load(sample_path(SAMPLE_NAMES[0])) as doc:
                raise KeyError("boom")
        self.assertTrue(doc.closed)

    def test_a_dropped_document_is_freed_by_its_finalizer(self) -> None:
        doc = pm.Document.load(sample_path(SAMPLE_NAMES[0]))
        finalizer = doc._finalizer
        self.assertTrue(finalizer.alive)
        del doc
        gc.collect()
        self.assertFalse(finalizer.alive)

    def test_close_frees_once_and_detaches_the_finalizer(self) -> None:
        doc = pm.Document.load(sample_path(SAMPLE_NAMES[0]))
        doc.close()
        self.assertFalse(doc._finalizer.alive)

    def test_a_document_cannot_be_copied_or_pickled(self) -> None:
        with pm.Document.load(sample_path(SAMPLE_NAMES[0])) as doc:
            for clone in (copy.copy, copy.deepcopy, pickle.dumps):
                with self.subTest(clone=clone.__name__), self.assertRaises(TypeError):
                    clone(doc)
            self.assertEqual(doc.to_dict(), sample_dict(SAMPLE_NAMES[0]))

    def test_a_document_can_be_passed_straight_to_the_c_api(self) -> None:
        lib = _lib.lib()
        with pm.Document.load(sample_path(SAMPLE_NAMES[0])) as doc:
            out, length = _lib.OwnedStr(), c_size_t()
            self.assertEqual(lib.pm_doc_to_json(byref(out), byref(length), doc, 0), 0)
            self.assertEqual(json.loads(lib.take_string(out, length.value)),
                             sample_dict(SAMPLE_NAMES[0]))


if __name__ == "__main__":
    unittest.main()
