"""Validates the STIX 2.1 bundles libpostmortem exports against the official OASIS STIX 2.1
JSON schemas and the Incident Core Extension schema (tests/data/stix, offline).

The bundles come from the C++ test case "stix: write bundles for schema validation"
(PM_CPP_TESTS names pm_cpp_tests; it writes the three samples, their redacted exports, every
TLP level and every determination into a temporary folder) and, when PM_CLI names the command
line tool, from `postmortem export --to stix FILE` for each sample.

Objects are validated one by one, as tests/data/stix/README.md (and the official
cti-stix-validator) does: the plain bundle.json cannot validate an `incident` (its list of
known types omits it, and the custom-object branch's oneOf matches twice).
Needs python3-jsonschema (>= 4.18, with `referencing`); nothing is fetched from the network.
"""
import copy
import json
import os
import pathlib
import re
import subprocess
import sys
import tempfile
import unittest

from jsonschema import Draft202012Validator
from jsonschema.validators import validator_for
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

ROOT = pathlib.Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "stix"
SCHEMAS = DATA / "schemas"
INCIDENT_EXT = "extension-definition--ef765651-680c-498d-9894-99799f2fa126"
SAMPLES = sorted((ROOT / "tests" / "data" / "examples").glob("*.json"))

HTTP = "http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/"
HTTPS = "https://" + HTTP[len("http://"):]


def build_registry():
    pairs = []
    for path in sorted(SCHEMAS.glob("*/*.json")):
        resource = Resource.from_contents(json.loads(path.read_text(encoding="utf-8")),
                                          default_specification=DRAFT202012)
        rel = path.relative_to(SCHEMAS).as_posix()
        pairs += [(HTTP + rel, resource), (HTTPS + rel, resource)]
    return Registry().with_resources(pairs)


REGISTRY = build_registry()


def core_validator(rel):
    return Draft202012Validator(REGISTRY.contents(HTTP + rel), registry=REGISTRY)


def envelope_validator():
    schema = copy.deepcopy(REGISTRY.contents(HTTP + "common/bundle.json"))
    schema["properties"]["objects"] = {"type": "array", "minItems": 1}
    return Draft202012Validator(schema, registry=REGISTRY)


ENVELOPE = envelope_validator()
EXT_SCHEMA = json.loads((DATA / "extensions" / "incident-ef7" / (INCIDENT_EXT + ".json")).read_text(encoding="utf-8"))
INCIDENT_EXT_VALIDATOR = validator_for(EXT_SCHEMA)(EXT_SCHEMA, registry=REGISTRY)
_BY_TYPE = {}


def object_validator(obj_type):
    if obj_type not in _BY_TYPE:
        found = [p for d in ("sdos", "sros", "common") for p in [SCHEMAS / d / (obj_type + ".json")] if p.exists()]
        _BY_TYPE[obj_type] = core_validator(found[0].relative_to(SCHEMAS).as_posix() if found else "common/core.json")
    return _BY_TYPE[obj_type]


def problems(bundle):
    """Every schema error of a bundle, as 'where: message' strings."""
    out = [f"bundle: {e.message}" for e in ENVELOPE.iter_errors(bundle)]
    for i, obj in enumerate(bundle.get("objects", [])):
        where = f"objects/{i} ({obj.get('type')})"
        out += [f"{where}: {e.message}" for e in object_validator(obj.get("type", "")).iter_errors(obj)]
        if obj.get("type") == "incident" and INCIDENT_EXT in obj.get("extensions", {}):
            out += [f"{where} [Incident Core Extension]: {e.message}" for e in INCIDENT_EXT_VALIDATOR.iter_errors(obj)]
    return out


def cross_checks(bundle):
    """What the schemas cannot say: references resolve, ids are unique, modified >= created,
    every non-marking object carries the bundle's marking."""
    out = []
    objs = bundle["objects"]
    ids = [o["id"] for o in objs]
    if len(ids) != len(set(ids)):
        out.append("duplicate ids")
    known = set(ids)
    markings = [o["id"] for o in objs if o["type"] == "marking-definition"]
    for o in objs:
        for key in ("source_ref", "target_ref", "created_by_ref"):
            if key in o and o[key] not in known:
                out.append(f"{o['id']}: {key} {o[key]} is not in the bundle")
        if "created" in o and "modified" in o and o["modified"] < o["created"]:
            out.append(f"{o['id']}: modified before created")
        if o["type"] != "marking-definition" and o.get("object_marking_refs", []) != markings:
            out.append(f"{o['id']}: object_marking_refs {o.get('object_marking_refs')} != {markings}")
        if not re.fullmatch(r"[a-z0-9-]+--[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", o["id"]):
            out.append(f"{o['id']}: not a lower-case <type>--<uuid>")
    return out


class SchemaSelfTest(unittest.TestCase):
    """The validator works: it accepts a known-good object and rejects broken ones."""

    def test_rejects_what_the_schemas_forbid(self):
        good = {"type": "incident", "spec_version": "2.1", "id": "incident--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
                "created": "2024-01-01T00:00:00.000Z", "modified": "2024-01-01T00:00:00.000Z", "name": "x",
                "extensions": {INCIDENT_EXT: {"extension_type": "property-extension", "determination": "confirmed",
                                              "investigation_status": "new"}}}
        bundle = {"type": "bundle", "id": "bundle--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "objects": [good]}
        self.assertEqual(problems(bundle), [])
        for broken in ({"created": "2024-01-01T00:00:00Z"},            # no milliseconds
                       {"name": None},                                   # name required
                       {"extensions": {INCIDENT_EXT: {"extension_type": "property-extension",
                                                      "determination": "near_miss",
                                                      "investigation_status": "new"}}}):
            obj = {k: v for k, v in {**good, **broken}.items() if v is not None}
            with self.subTest(broken=broken):
                self.assertNotEqual(problems({**bundle, "objects": [obj]}), [])


class ExportedBundles(unittest.TestCase):
    """Every exported bundle validates, object by object."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        out = pathlib.Path(cls.tmp.name)
        cls.bundles = {}
        cpp = os.environ.get("PM_CPP_TESTS")
        if cpp:
            env = dict(os.environ, PM_STIX_OUT=str(out / "cpp"))
            subprocess.run([cpp, "--test-case=stix: write bundles for schema validation"], env=env, check=True,
                           stdout=subprocess.DEVNULL)
            for path in sorted((out / "cpp").glob("*.json")):
                cls.bundles["cpp/" + path.name] = json.loads(path.read_text(encoding="utf-8"))
        cli = os.environ.get("PM_CLI")
        if cli:
            for sample in SAMPLES:
                run = subprocess.run([cli, "export", "--to", "stix", str(sample)], capture_output=True, text=True)
                if run.returncode != 0:
                    raise AssertionError(f"{cli} export --to stix {sample.name} failed ({run.returncode}): {run.stderr}")
                cls.bundles["cli/" + sample.name] = json.loads(run.stdout)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_there_are_bundles(self):
        if not os.environ.get("PM_CPP_TESTS") and not os.environ.get("PM_CLI"):
            self.fail("set PM_CPP_TESTS (pm_cpp_tests) or PM_CLI (postmortem_cli) to say where the bundles come from")
        if os.environ.get("PM_CPP_TESTS"):
            # 3 samples x 2 + 5 TLP levels + 4 determinations + 1 minimal document
            self.assertEqual(len([k for k in self.bundles if k.startswith("cpp/")]), 16)

    def test_every_object_validates(self):
        for name, bundle in self.bundles.items():
            with self.subTest(bundle=name):
                self.assertEqual(problems(bundle), [])

    def test_cross_checks(self):
        for name, bundle in self.bundles.items():
            with self.subTest(bundle=name):
                self.assertEqual(cross_checks(bundle), [])

    def test_incident_uses_the_core_extension(self):
        for name, bundle in self.bundles.items():
            incidents = [o for o in bundle["objects"] if o["type"] == "incident"]
            with self.subTest(bundle=name):
                self.assertEqual(len(incidents), 1)
                self.assertIn(INCIDENT_EXT, incidents[0]["extensions"])

    def test_cli_matches_the_library(self):
        for name, bundle in self.bundles.items():
            if name.startswith("cli/"):
                twin = "cpp/" + pathlib.Path(name).stem + ".stix.json"
                if twin in self.bundles:
                    with self.subTest(bundle=name):
                        self.assertEqual(bundle, self.bundles[twin])


if __name__ == "__main__":
    unittest.main()
