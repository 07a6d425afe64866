"""Status codes become exceptions carrying the library's own message."""

from __future__ import annotations

import json
import pickle
import unittest
from ctypes import byref

from _support import first_sample, nested

import postmortem as pm
from postmortem import _errors, _lib


class ExceptionClasses(unittest.TestCase):
    EXPECTED = {
        -2: (pm.InvalidArgumentError, ValueError),
        -3: (pm.ParseError, ValueError),
        -4: (pm.VersionError, ValueError),
        -5: (pm.NotFoundError, KeyError),
        -6: (pm.FileError, OSError),
        -7: (pm.LimitError, ValueError),
        -8: (pm.OutOfMemoryError, MemoryError),
        -9: (pm.FormatError, ValueError),
        -10: (pm.PolicyError, ValueError),
    }

    def test_each_code_maps_to_its_class_and_builtin(self) -> None:
        for code, (cls, builtin) in self.EXPECTED.items():
            with self.subTest(code=code):
                e = _errors.make_error(code, "what and where")
                self.assertIs(type(e), cls)
                self.assertIsInstance(e, pm.Error)
                self.assertIsInstance(e, builtin)
                self.assertEqual(e.code, code)
                self.assertEqual(cls.code, code)
                self.assertEqual(str(e), "what and where")

    def test_unknown_negative_codes_are_plain_errors(self) -> None:
        for code in (-1, -11, -99, -(2**31)):
            with self.subTest(code=code):
                e = _errors.make_error(code, "m")
                self.assertIs(type(e), pm.Error)
                self.assertEqual(e.code, code)

    def test_messages_are_not_quoted_or_prefixed_by_the_builtin(self) -> None:
        self.assertEqual(str(pm.NotFoundError(-5, "no such rule")), "no such rule")
        self.assertEqual(str(pm.FileError(-6, "cannot open 'x'")), "cannot open 'x'")

    def test_exceptions_pickle(self) -> None:
        e = pickle.loads(pickle.dumps(pm.ParseError(-3, "line 1, column 2")))
        self.assertIs(type(e), pm.ParseError)
        self.assertEqual((e.code, e.message), (-3, "line 1, column 2"))

    def test_library_errors_are_package_errors(self) -> None:
        self.assertTrue(issubclass(pm.LibraryNotFound, pm.Error))
        self.assertTrue(issubclass(pm.LibraryNotFound, OSError))
        self.assertTrue(issubclass(pm.LibraryMismatch, pm.Error))
        self.assertTrue(issubclass(pm.LibraryMismatch, ImportError))


class ErrorsFromTheLibrary(unittest.TestCase):
    def test_invalid_json_is_a_parse_error_with_line_and_column(self) -> None:
        text = '{\n  "schema": "postmortem/1",\n  "incident": {,}\n}'
        with self.assertRaises(pm.ParseError) as cm:
            pm.Document.parse(text)
        e = cm.exception
        self.assertIsInstance(e, ValueError)
        self.assertEqual(e.code, -3)
        self.assertRegex(str(e), r"line 3, column \d+")
        self.assertRegex(str(e), r"byte offset \d+")

    def test_parse_error_positions_are_exact(self) -> None:
        text = '{"schema": "postmortem/1",\n"incident": }'
        with self.assertRaises(pm.ParseError) as cm:
            pm.Document.parse(text)
        self.assertIn("line 2, column 13 (byte offset 39)", str(cm.exception))

    def test_other_parse_failures(self) -> None:
        for text in ("", "   ", "[]", '"postmortem/1"', "{", '{"schema": "postmortem/1"} {}'):
            with self.subTest(text=text), self.assertRaises(pm.ParseError):
                pm.Document.parse(text)

    def test_a_wrong_schema_is_a_version_error_naming_the_supported_one(self) -> None:
        for schema in ("postmortem/2", "postmortem/0", "", 1):
            with self.subTest(schema=schema):
                with self.assertRaises(pm.VersionError) as cm:
                    pm.Document.parse(json.dumps({**first_sample(), "schema": schema}))
                self.assertIsInstance(cm.exception, ValueError)
                self.assertEqual(cm.exception.code, -4)
                self.assertIn("postmortem/1", str(cm.exception))

    def test_a_missing_schema_is_a_version_error(self) -> None:
        d = first_sample()
        del d["schema"]
        with self.assertRaises(pm.VersionError) as cm:
            pm.Document.parse(json.dumps(d))
        self.assertIn("schema", str(cm.exception))

    def test_nesting_deeper_than_the_policys_max_depth_is_a_limit_error(self) -> None:
        text = nested(20)
        pm.Document.parse(text).close()  # fine with the default limit (64)
        with pm.Policy.from_dict({"limits": {"max_depth": 16}}) as policy:
            with self.assertRaises(pm.LimitError) as cm:
                pm.Document.parse(text, policy)
        self.assertIsInstance(cm.exception, ValueError)
        self.assertEqual(cm.exception.code, -7)
        self.assertIn("max_depth", str(cm.exception))
        self.assertIn("16", str(cm.exception))

    def test_hostile_nesting_is_a_limit_error_with_the_defaults(self) -> None:
        for depth in (65, 10_000, 200_000):
            with self.subTest(depth=depth), self.assertRaises(pm.LimitError):
                pm.Document.parse(nested(depth))

    def test_other_limits_of_the_policy(self) -> None:
        text = json.dumps(first_sample())
        for limits in ({"max_document_bytes": 100}, {"max_string_bytes": 8},
                       {"max_collection_size": 1}):
            with self.subTest(limits=limits), self.assertRaises(pm.LimitError) as cm:
                pm.Document.parse(text, {"limits": limits})
            self.assertIn(next(iter(limits)), str(cm.exception))

    def test_an_invalid_policy_is_a_policy_error(self) -> None:
        cases = [
            "{not json",
            '{"rules": {"PM999": "off"}}',
            '{"rules": {"PM102": "fatal"}}',
            '{"bogus": 1}',
            '{"limits": {"max_depth": "deep"}}',
            '{"limits": {"max_depth": 0}}',
            '{"as_of": "yesterday"}',
            "[]",
        ]
        for text in cases:
            with self.subTest(policy=text):
                with self.assertRaises(pm.PolicyError) as cm:
                    pm.Policy.parse(text)
                self.assertIsInstance(cm.exception, ValueError)
                self.assertEqual(cm.exception.code, -10)
                self.assertTrue(str(cm.exception))

    def test_the_message_names_the_offending_rule(self) -> None:
        with self.assertRaises(pm.PolicyError) as cm:
            pm.Policy.from_dict({"rules": {"PM999": "off"}})
        self.assertIn("PM999", str(cm.exception))

    def test_a_failure_does_not_leave_a_stale_message_for_the_next_one(self) -> None:
        with self.assertRaises(pm.PolicyError):
            pm.Policy.parse('{"bogus": 1}')
        with self.assertRaises(pm.ParseError) as cm:
            pm.Document.parse("{")
        self.assertNotIn("bogus", str(cm.exception))

    def test_accessors_out_of_range_raise_invalid_argument(self) -> None:
        lib = _lib.lib()
        with pm.Document.parse(json.dumps(first_sample())) as doc, doc._borrow() as handle:
            findings = _lib.FindingsHandle()
            lib.pm_validate(byref(findings), handle, None)
            try:
                count = lib.pm_findings_count(findings)
                for accessor in (lib.pm_findings_code, lib.pm_findings_path,
                                 lib.pm_findings_message, lib.pm_findings_hint,
                                 lib.pm_findings_severity):
                    with self.subTest(accessor=accessor.__name__):
                        with self.assertRaises(pm.InvalidArgumentError):
                            accessor(findings, count)
            finally:
                lib.pm_findings_free(findings)
        self.assertEqual(lib.pm_findings_count(None), 0)
        with self.assertRaises(pm.InvalidArgumentError):
            lib.pm_findings_code(None, 0)

    def test_null_arguments_are_invalid_argument_errors(self) -> None:
        lib = _lib.lib()
        with self.assertRaises(pm.InvalidArgumentError):
            lib.pm_doc_parse(None, b"{}", 2)
        with self.assertRaises(pm.InvalidArgumentError):
            lib.pm_validate(byref(_lib.FindingsHandle()), None, None)

    def test_errcheck_falls_back_to_the_status_text(self) -> None:
        lib = _lib.lib()
        e = lib.error_for(-9)  # the last error on this thread is not a PM_EFORMAT
        self.assertIs(type(e), pm.FormatError)
        self.assertEqual(str(e), lib.pm_status_str(-9))
        self.assertTrue(str(e))


if __name__ == "__main__":
    unittest.main()
