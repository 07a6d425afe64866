"""Checks docs/postmortem-stats-1.schema.json: a valid 2020-12 schema; the CLI's JSON golden of
`postmortem stats` (tests/cli/golden/stats_json.out, which the CLI tests compare with the real
output) validates against it; what it names agrees with the C++ headers; and it rejects what
the analysis never writes.

Run from ctest (tests/schema/CMakeLists.txt) or by hand, from tests/schema/:
    python3 -m unittest -v test_stats_schema
"""

import copy
import json
import os
import re
import unittest
from pathlib import Path

try:
    from jsonschema import Draft202012Validator
except ImportError as exc:  # fail loudly: a skipped schema test would hide drift
    raise ImportError("tests/schema needs the Python package 'jsonschema' (>= 4.0)") from exc

ROOT = Path(os.environ.get("PM_SOURCE_DIR") or Path(__file__).resolve().parents[2])
SCHEMA_PATH = ROOT / "docs" / "postmortem-stats-1.schema.json"
GOLDEN = ROOT / "tests" / "cli" / "golden" / "stats_json.out"


def load_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def pm_enum(header, name):
    """The JSON names of PM_ENUM(name, ...) in a header (comments stripped)."""
    text = re.sub(r"//[^\n]*", "", (ROOT / "include" / "postmortem" / header).read_text(encoding="utf-8"))
    m = re.search(r"PM_ENUM\(\s*" + name + r"\s*,([^)]*)\)", text)
    if not m:
        raise AssertionError(f"PM_ENUM({name}, ...) not found in {header}")
    return [w.strip().rstrip("_") for w in m.group(1).split(",")]


class StatsSchema(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.schema = load_json(SCHEMA_PATH)
        cls.validator = Draft202012Validator(cls.schema)
        cls.golden = load_json(GOLDEN)

    def errors(self, doc):
        return [f"{e.json_path}: {e.message}" for e in self.validator.iter_errors(doc)]

    def test_is_a_2020_12_schema(self):
        Draft202012Validator.check_schema(self.schema)

    def test_the_cli_golden_validates(self):
        self.assertEqual(self.errors(self.golden), [])
        # The golden exercises the interesting parts, so the validation above means something.
        self.assertGreater(len(self.golden["recurrences"]["items"]), 0)
        self.assertGreater(len(self.golden["factors"]["top"]), 0)
        self.assertGreater(len(self.golden["validation"]["items"]), 0)
        self.assertGreater(len(self.golden["summary"]["problems"]), 0)

    def test_enumerations_agree_with_the_headers(self):
        defs, props = self.schema["$defs"], self.schema["properties"]
        self.assertEqual(list(props["recurrences"]["properties"]["by_signal"]["properties"]),
                         pm_enum("corpus.hpp", "RecurrenceSignal"))
        self.assertEqual(defs["recurrence"]["properties"]["signal"]["enum"], pm_enum("corpus.hpp", "RecurrenceSignal"))
        reason = props["validation"]["properties"]["items"]["items"]["properties"]["reason"]["enum"]
        self.assertEqual(reason, pm_enum("corpus.hpp", "ReverifyReason"))
        self.assertEqual(list(defs["month_period"]["properties"]["by_category"]["properties"]),
                         pm_enum("document.hpp", "Category") + ["unknown"])
        self.assertEqual(list(defs["month_period"]["properties"]["by_severity"]["properties"]),
                         pm_enum("document.hpp", "SeverityTier"))
        self.assertEqual(list(props["factors"]["properties"]["by_category"]["properties"]),
                         pm_enum("document.hpp", "FactorCategory"))
        self.assertEqual(defs["action"]["properties"]["status"]["enum"], pm_enum("document.hpp", "ActionStatus"))

    def test_rejects_what_the_analysis_never_writes(self):
        cases = {
            "an unknown top-level member": lambda d: d.__setitem__("extra", 1),
            "a missing section": lambda d: d.pop("validation"),
            "another schema": lambda d: d.__setitem__("schema", "postmortem-stats/2"),
            "an unknown signal": lambda d: d["recurrences"]["items"][0].__setitem__("signal", "fixed"),
            "a recurrence without a date": lambda d: d["recurrences"]["items"][0].__setitem__("date", None),
            "a negative count": lambda d: d["summary"].__setitem__("bad", -1),
            "a month that is not one": lambda d: d["trends"]["by_month"][0].__setitem__("period", "2024-13"),
            "a group of one incident": lambda d: d["factors"]["top"][0].__setitem__("incidents", 1),
            "a share above 1": lambda d: d["remediation"]["preventive_coverage"].__setitem__("share", 1.5),
        }
        for what, change in cases.items():
            with self.subTest(what):
                doc = copy.deepcopy(self.golden)
                change(doc)
                self.assertNotEqual(self.errors(doc), [], what)


if __name__ == "__main__":
    unittest.main()
