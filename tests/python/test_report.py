"""Document.render(): the post-incident report (docs/report.md) through the C API.

What each format says is tested in tests/cpp/report_test.cpp; here: the format names, the
errors, determinism, and that the JSON bundle holds the same analyses as the other calls.
"""

from __future__ import annotations

import json
import unittest

from _support import SAMPLE_NAMES, sample_path

import postmortem as pm

AS_OF = {"as_of": "2024-06-01T00:00:00Z"}


class Render(unittest.TestCase):
    def test_formats_of_each_sample(self) -> None:
        for name in SAMPLE_NAMES:
            with self.subTest(sample=name), pm.Document.load(sample_path(name)) as doc:
                md = doc.render("markdown", AS_OF)
                self.assertTrue(md.startswith("# "))
                self.assertEqual(doc.render("md", AS_OF), md)  # "md" is "markdown"
                html = doc.render("html", AS_OF)
                self.assertTrue(html.startswith("<!DOCTYPE html>"))
                self.assertNotIn("<script", html)
                self.assertEqual(doc.render("html", AS_OF), html)  # byte-identical
                bundle = json.loads(doc.render("json", AS_OF))
                self.assertEqual(bundle["report"], "postmortem-report/1")

    def test_bundle_holds_the_analyses(self) -> None:
        with pm.Document.load(sample_path("network-breach-vpn-appliance.json")) as doc:
            bundle = json.loads(doc.render("json", AS_OF))
            self.assertEqual(list(bundle), ["report", "as_of", "summary", "document", "findings",
                                            "metrics", "score", "plan"])
            self.assertEqual(bundle["as_of"], "2024-06-01T00:00:00Z")
            self.assertEqual(bundle["document"], json.loads(doc.to_json()))
            self.assertEqual(bundle["plan"], doc.plan(AS_OF))
            self.assertEqual(bundle["score"], doc.score(AS_OF))
            self.assertEqual([f["code"] for f in bundle["findings"]],
                             [f.code for f in doc.validate(AS_OF)])

    def test_unknown_format(self) -> None:
        with pm.Document.parse('{"schema": "postmortem/1"}') as doc:
            with self.assertRaises(pm.FormatError) as caught:
                doc.render("pdf")
            self.assertIn("'markdown', 'html', 'json'", str(caught.exception))
            with self.assertRaises(TypeError):
                doc.render(2)  # type: ignore[arg-type]

    def test_report_formats_constant(self) -> None:
        self.assertEqual(pm.REPORT_FORMATS, ("markdown", "html", "json"))


if __name__ == "__main__":
    unittest.main()
