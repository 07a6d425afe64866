"""postmortem.cvss() and postmortem.cvss_base(): CVSS v3.0, v3.1 and v4.0 through the C API.

Expected scores come from the reference vector files in tests/data/cvss (their origin and
format are in data/README.md): every line of the Red Hat files and of the polycvss tables is
checked, plus single vectors whose source line is cited.
"""

from __future__ import annotations

import threading
import unittest
from pathlib import Path
from typing import Iterator, List, Tuple

from _support import REPO

import postmortem as pm

CVSS_DATA = REPO / "tests" / "data" / "cvss"

# The four polycvss v4.0 rows where the NVD calculator rounds 0.1 lower than the Red Hat rule
# this library implements (data/README.md, "Rounding used by the expected scores").
POLYCVSS_V4_ROUNDING = {
    "CVSS:4.0/AV:A/AC:H/AT:N/PR:L/UI:P/VC:L/VI:L/VA:L/SC:N/SI:L/SA:N/E:A/CR:M/IR:H/AR:L/MAV:X/"
    "MAC:L/MAT:P/MPR:N/MUI:N/MVC:X/MVI:H/MVA:X/MSC:L/MSI:X/MSA:X",
    "CVSS:4.0/AV:A/AC:H/AT:P/PR:L/UI:P/VC:N/VI:H/VA:N/SC:N/SI:N/SA:L/E:P/CR:X/IR:L/AR:H/MAV:A/"
    "MAC:L/MAT:P/MPR:L/MUI:P/MVC:X/MVI:X/MVA:L/MSC:N/MSI:N/MSA:X",
    "CVSS:4.0/AV:A/AC:L/AT:P/PR:L/UI:N/VC:L/VI:L/VA:L/SC:N/SI:L/SA:N/E:U/CR:H/IR:M/AR:M/MAV:P/"
    "MAC:X/MAT:P/MPR:N/MUI:X/MVC:X/MVI:X/MVA:L/MSC:N/MSI:N/MSA:S",
    "CVSS:4.0/AV:P/AC:L/AT:P/PR:H/UI:N/VC:H/VI:H/VA:H/SC:L/SI:N/SA:N/E:A/CR:M/IR:M/AR:X/MAV:L/"
    "MAC:L/MAT:P/MPR:X/MUI:X/MVC:L/MVI:H/MVA:H/MSC:X/MSI:L/MSA:N",
}


def data_file(name: str) -> Path:
    path = CVSS_DATA / name
    if not path.is_file():
        raise AssertionError(f"missing test data {path} (a copy of the shared data/cvss/{name})")
    return path


def redhat_lines(name: str) -> Iterator[Tuple[str, List[float]]]:
    """`VECTOR - (a, b, c)`, `VECTOR - (a,)` or `VECTOR - a`: the vector and its numbers."""
    for line in data_file(name).read_text(encoding="utf-8").splitlines():
        vector, _, scores = line.partition(" - ")
        numbers = [float(s) for s in scores.strip("()").split(",") if s.strip()]
        yield vector, numbers


def tsv_rows(name: str) -> Iterator[List[str]]:
    lines = data_file(name).read_text(encoding="utf-8").splitlines()
    for line in lines[1:]:  # a header line first
        yield line.split("\t")


def severity_of(score: float) -> str:
    """The qualitative rating of the specification (SCORING-NOTES.md 1.6)."""
    if score == 0.0:
        return "None"
    return "Low" if score < 4.0 else "Medium" if score < 7.0 else "High" if score < 9.0 else "Critical"


class KnownVectors(unittest.TestCase):
    def test_v31_critical(self) -> None:
        # tests/data/cvss/v3/vectors_simple31 line 28: ... - (9.8, 9.8, 9.8)
        vector = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
        self.assertEqual(pm.cvss(vector), {
            "version": "3.1", "vector": vector, "base": 9.8, "severity": "Critical"})
        self.assertEqual(pm.cvss_base(vector), 9.8)
        self.assertIsInstance(pm.cvss_base(vector), float)

    def test_v31_order_is_normalised(self) -> None:
        result = pm.cvss("CVSS:3.1/A:H/I:H/C:H/S:U/UI:N/PR:N/AC:L/AV:N")
        self.assertEqual(result["vector"], "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")
        self.assertEqual(result["base"], 9.8)

    def test_v31_temporal_and_environmental(self) -> None:
        # tests/data/cvss/v3/polycvss_cvss31_vectors.tsv line 7: 6.2, 5.6, 4.1
        result = pm.cvss("CVSS:3.1/AV:A/AC:H/PR:H/UI:N/S:C/C:N/I:L/A:H/E:P/RL:U/RC:R/CR:L/IR:L/"
                         "AR:H/MAV:A/MAC:H/MPR:L/MUI:X/MS:C/MC:N/MI:L/MA:L")
        self.assertEqual(list(result), ["version", "vector", "base", "temporal", "environmental",
                                        "severity"])
        self.assertEqual((result["base"], result["temporal"], result["environmental"]),
                         (6.2, 5.6, 4.1))
        self.assertEqual(result["severity"], "Medium")  # of the environmental score

    def test_v30(self) -> None:
        # tests/data/cvss/v3/vectors_simple3 line 109: ... - (9.9, 9.9, 9.9)
        result = pm.cvss("CVSS:3.0/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H")
        self.assertEqual((result["version"], result["base"]), ("3.0", 9.9))

    def test_v40_base(self) -> None:
        # tests/data/cvss/v4/polycvss_cvss40_vectors.tsv line 3: MacroVector 000200, 9.3
        vector = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"
        self.assertEqual(pm.cvss(vector), {
            "version": "4.0", "vector": vector, "base": 9.3, "severity": "Critical",
            "macro_vector": "000200"})
        self.assertEqual(pm.cvss_base(vector), 9.3)

    def test_v40_threat(self) -> None:
        # tests/data/cvss/v4/vectors_threat4 line 6: with E:U the vector scores 4.1; its base
        # metrics alone score 7.3 (data/README.md: "7.3 with nothing else set").
        vector = "CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:U"
        result = pm.cvss(vector)
        self.assertEqual((result["base"], result["overall"], result["severity"]), (7.3, 4.1, "Medium"))
        self.assertNotIn("temporal", result)
        self.assertEqual(pm.cvss_base(vector), 7.3)

    def test_bytes_are_accepted(self) -> None:
        self.assertEqual(pm.cvss_base(b"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"), 9.8)


class ReferenceFiles(unittest.TestCase):
    """Every line of the reference files, through the C API."""

    def test_vectors_simple31(self) -> None:
        rows = list(redhat_lines("v3/vectors_simple31"))
        self.assertEqual(len(rows), 2592)
        for vector, (base, _temporal, _env) in rows:
            result = pm.cvss(vector)
            self.assertEqual((result["base"], result["severity"]), (base, severity_of(base)), vector)
            self.assertEqual(pm.cvss_base(vector), base, vector)

    def test_vectors_simple3(self) -> None:
        rows = list(redhat_lines("v3/vectors_simple3"))
        self.assertEqual(len(rows), 2592)
        for vector, (base, _temporal, _env) in rows:
            self.assertEqual(pm.cvss_base(vector), base, vector)

    def test_polycvss_v31(self) -> None:
        count = 0
        for vector, base, temporal, environmental in tsv_rows("v3/polycvss_cvss31_vectors.tsv"):
            count += 1
            result = pm.cvss(vector)
            self.assertEqual(result["base"], float(base), vector)
            if temporal:
                self.assertEqual(result["temporal"], float(temporal), vector)
            else:  # E, RL and RC all X: no temporal group
                self.assertNotIn("temporal", result, vector)
            most_specific = result.get("environmental", result.get("temporal", result["base"]))
            self.assertEqual(most_specific, float(environmental), vector)
            self.assertEqual(result["severity"], severity_of(most_specific), vector)
        self.assertEqual(count, 498)

    def test_redhat_v4_files(self) -> None:
        sizes = {"vectors_simple4": 1058, "vectors_supplemental4": 576, "vectors_security4": 54,
                 "vectors_threat4": 6}
        for name, size in sizes.items():
            rows = list(redhat_lines(f"v4/{name}"))
            self.assertEqual(len(rows), size, name)
            for vector, (score,) in rows:
                result = pm.cvss(vector)
                self.assertEqual(result.get("overall", result["base"]), score, f"{name}: {vector}")
                self.assertEqual(result["severity"], severity_of(score), vector)
                self.assertRegex(result["macro_vector"], r"^[0-2]{6}$")

    def test_polycvss_v4(self) -> None:
        count = 0
        for vector, macro_vector, score in tsv_rows("v4/polycvss_cvss40_vectors.tsv"):
            count += 1
            result = pm.cvss(vector)
            self.assertEqual(result["macro_vector"], macro_vector, vector)
            if vector not in POLYCVSS_V4_ROUNDING:
                self.assertEqual(result.get("overall", result["base"]), float(score), vector)
        self.assertEqual(count, 1110)


class Errors(unittest.TestCase):
    def assertInvalid(self, vector: str, *words: str) -> None:
        for func in (pm.cvss, pm.cvss_base):
            with self.subTest(func=func.__name__, vector=vector):
                with self.assertRaises(pm.InvalidArgumentError) as cm:
                    func(vector)
                self.assertIsInstance(cm.exception, ValueError)
                self.assertEqual(cm.exception.code, -2)  # PM_EINVALID
                for word in words:
                    self.assertIn(word, str(cm.exception))

    def test_bad_value_names_the_metric(self) -> None:
        self.assertInvalid("CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "`AV`", "`Q`")

    def test_missing_metric(self) -> None:
        self.assertInvalid("CVSS:3.1/AV:N/AC:L/UI:N/S:U/C:H/I:H/A:H", "`PR`")
        self.assertInvalid("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N", "`SA`")

    def test_duplicate_and_unknown_metrics(self) -> None:
        self.assertInvalid("CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "`AV`")
        self.assertInvalid("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/XX:Y", "`XX`")
        self.assertInvalid("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/AT:N", "`AT`")

    def test_not_a_cvss_vector(self) -> None:
        self.assertInvalid("CVSS:2.0/AV:N/AC:L/Au:N/C:C/I:C/A:C", "CVSS:3.1/")
        self.assertInvalid("")
        self.assertInvalid("AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")

    def test_embedded_nul_is_refused(self) -> None:
        # C would see only the part before the NUL, a valid vector: refused before the call.
        self.assertInvalid("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\0/AV:L", "NUL")

    def test_wrong_type(self) -> None:
        for bad in (None, 9.8, ["CVSS:3.1/AV:N"]):
            with self.assertRaises(TypeError):
                pm.cvss(bad)  # type: ignore[arg-type]
            with self.assertRaises(TypeError):
                pm.cvss_base(bad)  # type: ignore[arg-type]

    def test_exported(self) -> None:
        self.assertIn("cvss", pm.__all__)
        self.assertIn("cvss_base", pm.__all__)


class Threads(unittest.TestCase):
    def test_concurrent_scoring_and_errors(self) -> None:
        # Each thread's failures carry its own message (pm_error_last() is per thread).
        good = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"
        problems: List[str] = []

        def work(i: int) -> None:
            for _ in range(200):
                if pm.cvss_base(good) != 9.3:
                    problems.append("wrong score")
                metric = "AV" if i % 2 else "AC"
                bad = good.replace(f"{metric}:", f"{metric}:Q", 1)
                try:
                    pm.cvss(bad)
                    problems.append(f"{bad} accepted")
                except pm.InvalidArgumentError as e:
                    if f"`{metric}`" not in str(e):
                        problems.append(f"thread {i}: {e}")

        threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(problems, [])


if __name__ == "__main__":
    unittest.main()
