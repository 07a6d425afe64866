"""VERIS export against the VERIS 1.4.1 JSON Schema (tests/data/veris/verisc-merged.json,
draft-04, CC BY-SA 4.0: see tests/data/README.md), through the CLI named by $PM_CLI.

- every sample post-mortem of tests/data/examples, exported with `postmortem export --to
  veris` (plain, with --organization, and with --redact), must validate;
- every `pass` case of the VERIS tests is imported (`postmortem import --from veris`) and
  exported again; the export must validate too, except for members that import kept from a
  VERIS 1.3 record and that the 1.4.1 schema no longer accepts (KNOWN_13 below, with why).

Standard library plus jsonschema (Debian python3-jsonschema, scripts/install-deps.sh).
"""
import json
import os
import pathlib
import subprocess
import tempfile
import unittest

import jsonschema

HERE = pathlib.Path(__file__).resolve().parent
DATA = HERE.parent / "data"
SCHEMA = DATA / "veris" / "verisc-merged.json"
SAMPLES = sorted((DATA / "examples").glob("*.json"))
CASES = sorted((DATA / "veris" / "tests").glob("*.json"))

# pass cases whose re-export keeps a VERIS 1.3 member that the 1.4.1 schema rejects. Export
# puts kept unmapped members back as they were (it does not rewrite another version's
# vocabulary); the message names the schema error path that is expected.
KNOWN_13 = {
    "asset.assets_missing": ["/asset/cloud"],           # 1.3: "cloud": "Other" (a string)
    "valid_asset": ["/asset", "/asset/cloud"],          # 1.3: asset.governance; cloud a string
    "valid_timeline": ["/timeline/incident/time"],      # 1.3: "16:20"; 1.4 wants "hh:mm:ss AM"
    "valid_victim.industry_two": ["/victim/industry"],  # NAICS "12" is no longer a sector code
}


def cli():
    path = os.environ.get("PM_CLI")
    if not path:
        raise unittest.SkipTest("PM_CLI is not set (run through ctest)")
    return path


def run(*args):
    p = subprocess.run([cli(), *args], capture_output=True, text=True)
    if p.returncode != 0:
        raise AssertionError(f"{' '.join(args)}: exit {p.returncode}\n{p.stderr}")
    return p.stdout


def problems(instance):
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft4Validator(schema)
    return sorted(("/" + "/".join(str(p) for p in e.absolute_path), e.message)
                  for e in validator.iter_errors(instance))


class VerisSchema(unittest.TestCase):
    def test_samples_validate(self):
        self.assertEqual(len(SAMPLES), 3)
        for sample in SAMPLES:
            for extra in ([], ["--organization", "Example Corp"], ["--redact"]):
                with self.subTest(sample=sample.name, options=extra):
                    out = json.loads(run("export", "--to", "veris", *extra, str(sample)))
                    self.assertEqual(out["schema_version"], "1.4.1")
                    errs = problems(out)
                    self.assertEqual(errs, [], "\n".join(f"{p}: {m}" for p, m in errs))

    def test_pass_cases_reexport(self):
        seen = 0
        with tempfile.TemporaryDirectory() as tmp:
            for case in CASES:
                data = json.loads(case.read_text(encoding="utf-8"))
                if data["should"] != "pass":
                    continue
                seen += 1
                with self.subTest(case=case.stem):
                    src = pathlib.Path(tmp) / "in.json"
                    doc = pathlib.Path(tmp) / "doc.json"
                    src.write_text(json.dumps(data["incident"]), encoding="utf-8")
                    run("import", "--from", "veris", "-o", str(doc), str(src))
                    out = json.loads(run("export", "--to", "veris", str(doc)))
                    errs = problems(out)
                    if case.stem in KNOWN_13:
                        self.assertTrue(errs, f"{case.stem} now validates: remove it from KNOWN_13")
                        self.assertEqual(sorted({p for p, _ in errs}), KNOWN_13[case.stem])
                    else:
                        self.assertEqual(errs, [], "\n".join(f"{p}: {m}" for p, m in errs))
        self.assertEqual(seen, 26)


if __name__ == "__main__":
    unittest.main()
