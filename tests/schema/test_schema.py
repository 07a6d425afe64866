"""Checks docs/postmortem-1.schema.json against the samples, the broken documents and the C++ model.

Run from ctest (tests/schema/CMakeLists.txt) or by hand:
    python3 -m unittest -v test_schema          (from tests/schema/)
The repository root is PM_SOURCE_DIR when set, else two levels above this file.
Needs Python 3.9+ and the `jsonschema` package (Draft 2020-12 support: 4.0 or later).
"""

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
SCHEMA_PATH = ROOT / "docs" / "postmortem-1.schema.json"
EXAMPLES_DIR = ROOT / "tests" / "data" / "examples"
BROKEN_DIR = ROOT / "tests" / "data" / "broken"
DOCUMENT_HPP = ROOT / "include" / "postmortem" / "document.hpp"

DEFS = "#/$defs/"


def load_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def pointer(parts):
    """RFC 6901 JSON Pointer of a path given as a sequence of keys and indexes."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def leaf_errors(errors):
    """The errors that say what is wrong. An `anyOf [X, null]` failure (the schema's way to allow
    null for optional members) is replaced by the errors of its non-null branches."""
    for e in errors:
        if e.validator == "anyOf" and e.context:
            yield from leaf_errors(c for c in e.context if not (
                c.validator == "type" and c.validator_value == "null"))
        else:
            yield e


def error_pointers(errors):
    """Where each validation error points. A `required` error points at the missing member."""
    out = set()
    for e in leaf_errors(errors):
        parts = list(e.absolute_path)
        if e.validator == "required":
            missing = re.match(r"'(.*)' is a required property", e.message)
            if missing:
                parts.append(missing.group(1))
        out.add(pointer(parts))
    return out


# ---------------------------------------------------------------------------------------
# The C++ model, read from document.hpp.

def strip_cpp_comments(text):
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


def parse_enums(text):
    """{EnumName: [json names]} from the PM_ENUM(...) lines; a trailing `_` is dropped."""
    enums = {}
    for m in re.finditer(r"PM_ENUM\(\s*(\w+)\s*,([^)]*)\)", strip_cpp_comments(text)):
        names = [n.strip() for n in m.group(2).split(",")]
        enums[m.group(1)] = [n[:-1] if n.endswith("_") else n for n in names]
    return enums


def parse_structs(text):
    """{StructName: [(cpp type, member name), ...]} for the model structs (those with `extra`)."""
    structs = {}
    body_re = re.compile(r"^struct\s+(\w+)\s*\{(.*?)^\};", re.S | re.M)
    decl_re = re.compile(r"^(?P<type>[\w:]+(?:<.*>)?)\s+(?P<names>[^<>()]+)$", re.S)
    for m in body_re.finditer(strip_cpp_comments(text)):
        members = []
        for decl in m.group(2).split(";"):
            decl = " ".join(decl.split())
            if not decl or decl.startswith(("friend", "static", "using")) or "(" in decl:
                continue
            d = decl_re.match(decl)
            if not d:
                raise AssertionError(f"cannot parse member declaration {decl!r} in struct {m.group(1)}")
            for name in d.group("names").split(","):
                members.append((d.group("type"), name.split("=")[0].strip()))
        if ("Extra", "extra") in members:
            structs[m.group(1)] = [(t, n) for t, n in members if n != "extra"]
    return structs


# ---------------------------------------------------------------------------------------

class SchemaTestCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.schema = load_json(SCHEMA_PATH)
        cls.validator = Draft202012Validator(cls.schema)
        cls.defs = cls.schema["$defs"]

    def errors(self, doc):
        return list(self.validator.iter_errors(doc))

    def assertValid(self, doc, what):
        errors = self.errors(doc)
        if errors:
            self.fail(f"{what} does not validate: " + "; ".join(
                f"{pointer(e.absolute_path)}: {e.message}" for e in leaf_errors(errors)))

    def resolve(self, schema):
        """Follows a local $ref (one level, no sibling keywords kept)."""
        while "$ref" in schema:
            ref = schema["$ref"]
            self.assertTrue(ref.startswith(DEFS), ref)
            schema = self.defs[ref[len(DEFS):]]
        return schema

    def object_schemas(self):
        """{name: schema} of every object in the schema: the root and the object $defs."""
        out = {"Document": self.schema}
        out.update({k: v for k, v in self.defs.items() if v.get("type") == "object"})
        return out


class TestSchemaItself(SchemaTestCase):
    def test_is_a_valid_2020_12_schema(self):
        Draft202012Validator.check_schema(self.schema)
        self.assertEqual(self.schema["$schema"], "https://json-schema.org/draft/2020-12/schema")
        self.assertTrue(self.schema["$id"].startswith("https://libpostmortem.invalid/"))

    def test_every_member_has_a_description(self):
        for name, obj in self.object_schemas().items():
            for member, sub in obj["properties"].items():
                self.assertTrue(sub.get("description"), f"{name}.{member} has no description")

    def test_every_object_allows_extensions_and_unknown_members(self):
        for name, obj in self.object_schemas().items():
            self.assertIn("^x_", obj.get("patternProperties", {}), name)
            self.assertIs(obj.get("additionalProperties"), True, name)

    def test_refs_resolve(self):
        refs = re.findall(r'"\$ref":\s*"([^"]+)"', json.dumps(self.schema))
        self.assertTrue(refs)
        for ref in refs:
            self.assertTrue(ref.startswith(DEFS), ref)
            self.assertIn(ref[len(DEFS):], self.defs, ref)


class TestSamples(SchemaTestCase):
    def sample_paths(self):
        paths = sorted(EXAMPLES_DIR.glob("*.json"))
        self.assertGreaterEqual(len(paths), 3, f"no sample documents in {EXAMPLES_DIR}")
        return paths

    def test_every_sample_validates(self):
        for path in self.sample_paths():
            with self.subTest(sample=path.name):
                self.assertValid(load_json(path), path.name)

    def test_extensions_anywhere_are_accepted(self):
        def add_extension(node):
            if isinstance(node, dict):
                for v in node.values():
                    add_extension(v)
                node["x_test_ext"] = {"any": [1, "json", None]}
            elif isinstance(node, list):
                for v in node:
                    add_extension(v)
        for path in self.sample_paths():
            doc = load_json(path)
            add_extension(doc)
            self.assertValid(doc, path.name + " with x_ members everywhere")

    def test_null_optional_members_are_accepted_and_null_required_ones_rejected(self):
        """null means absent: allowed for optional members, an error for required ones."""
        checked_optional = checked_required = 0
        for path in self.sample_paths():
            doc = load_json(path)

            def visit(node, schema, where):
                nonlocal checked_optional, checked_required
                schema = self.resolve(schema)
                if isinstance(node, list):
                    for i, item in enumerate(node):
                        visit(item, self.resolve(schema.get("items", {})), where + [i])
                    return
                if not isinstance(node, dict) or "properties" not in schema:
                    return
                for member in list(node):
                    sub = schema["properties"].get(member)
                    if sub is None:
                        continue
                    saved = node[member]
                    node[member] = None
                    errors = self.errors(doc)
                    if member in schema.get("required", []):
                        self.assertIn(pointer(where + [member]), error_pointers(errors))
                        checked_required += 1
                    else:
                        self.assertFalse(errors, f"{path.name}: {pointer(where + [member])} = null is rejected")
                        checked_optional += 1
                    node[member] = saved
                    branches = sub.get("anyOf", [sub])
                    for b in branches:
                        b = self.resolve(b)
                        if b.get("type") in ("object", "array"):
                            visit(saved, b, where + [member])
            visit(doc, self.schema, [])
        self.assertGreater(checked_optional, 100)
        self.assertGreater(checked_required, 50)


class TestTimestampsAndDates(SchemaTestCase):
    def check(self, defname, good, bad):
        v = Draft202012Validator({"$ref": DEFS + defname, "$defs": self.defs})
        for s in good:
            self.assertTrue(v.is_valid(s), f"{defname} should accept {s!r}")
        for s in bad:
            self.assertFalse(v.is_valid(s), f"{defname} should reject {s!r}")

    def test_timestamp(self):
        self.check("timestamp",
                   ["2024-01-17T10:05:00Z", "2024-01-17T10:05:00+01:00", "2024-01-17T10:05:00-05:30",
                    "2024-01-17t10:05:00z", "2024-01-17T10:05:00.1Z", "2024-01-17T10:05:00.123456Z",
                    "2024-02-29T00:00:00Z", "2000-02-29T23:59:59Z", "2023-12-31T23:59:59-00:00"],
                   ["2024-01-17T10:05:00", "2023-02-30T00:00:00Z", "2024-01-01T24:00:00Z", "yesterday",
                    "2024-01-17T10:05:00.1234567Z", "2023-02-29T00:00:00Z", "1900-02-29T00:00:00Z",
                    "2024-04-31T00:00:00Z", "2024-01-17 10:05:00Z", "2024-01-17T10:05Z",
                    "2024-01-17T10:05:00+0100", "2024-01-17T10:05:00+24:00", "2024-01-17T10:60:00Z",
                    "2024-01-17T10:05:00.Z", "2024-01-17", "", 1705485900])

    def test_date(self):
        self.check("date",
                   ["2024-01-17", "2024-02-29", "2024-01-17T10:05:00Z", "2024-01-17T23:30:00-05:00"],
                   ["2024-13-01", "2024-02-30", "2023-02-29", "2024-1-17", "17/01/2024",
                    "2024-01-17T10:05:00", "tomorrow", ""])

    def test_ids(self):
        self.check("id", ["a", "INC-1", "CVE-2024-3400", "x.y_z:1-2", "A" * 64],
                   ["", "bad id!", "-a", ".a", "A" * 65, "a/b", "é"])
        self.check("incidentId", ["INC-2024-0042", "Incident #42 (café)", "x" * 128],
                   ["", "x" * 129, "a\tb", "a\nb"])
        self.check("technique", ["T1566", "T1566.001"], ["T156", "T1566.1", "t1566", "TA0001"])


class TestBrokenDocuments(SchemaTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.expected = load_json(BROKEN_DIR / "expected.json")

    def test_index_lists_exactly_the_files(self):
        files = {p.name for p in BROKEN_DIR.glob("*.json")} - {"expected.json"}
        self.assertEqual(files, set(self.expected))
        self.assertGreaterEqual(len(files), 20)

    def test_index_entries_are_well_formed(self):
        for name, exp in self.expected.items():
            with self.subTest(file=name):
                self.assertRegex(exp["code"], r"^PM[0-9]{3}$")
                self.assertTrue(name.startswith(exp["code"] + "-"), "file name must start with the code")
                self.assertIn(exp["severity"], ("error", "warning", "info"))
                self.assertTrue(exp["path"].startswith("/"))
                self.assertIsInstance(exp["schema_rejects"], bool)

    def test_every_schema_checkable_rule_is_covered(self):
        codes = {e["code"] for e in self.expected.values()}
        for code in ("PM102", "PM103", "PM104", "PM105", "PM106", "PM107", "PM108", "PM109", "PM110"):
            self.assertIn(code, codes)

    def test_schema_verdict_matches_index(self):
        for name, exp in sorted(self.expected.items()):
            with self.subTest(file=name):
                doc = load_json(BROKEN_DIR / name)
                self.assertEqual(doc.get("schema"), "postmortem/1")
                errors = self.errors(doc)
                if exp["schema_rejects"]:
                    self.assertTrue(errors, f"{name} should be rejected by the schema")
                    # one problem each, reported where the library reports it
                    self.assertEqual(error_pointers(errors), {exp["path"]},
                                     "; ".join(e.message for e in errors))
                else:
                    self.assertValid(doc, name + " (schema_rejects: false)")

    def test_broken_documents_point_at_something_real(self):
        """The pointer names an existing member, or the missing one's parent exists."""
        for name, exp in self.expected.items():
            with self.subTest(file=name):
                node = load_json(BROKEN_DIR / name)
                parts = [p.replace("~1", "/").replace("~0", "~") for p in exp["path"].split("/")[1:]]
                for i, part in enumerate(parts):
                    key = int(part) if isinstance(node, list) else part
                    if exp["code"] == "PM102" and i == len(parts) - 1:
                        self.assertTrue(node.get(key) is None, "a missing member must be absent or null")
                        break
                    node = node[key]


class TestModelConsistency(SchemaTestCase):
    """Schema and include/postmortem/document.hpp must name the same members and enum values."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        text = DOCUMENT_HPP.read_text(encoding="utf-8")
        cls.enums = parse_enums(text)
        cls.structs = parse_structs(text)

    def test_model_was_parsed(self):
        self.assertGreaterEqual(len(self.enums), 28)
        self.assertIn("Document", self.structs)
        self.assertIn(("std::vector<Event>", "timeline"), self.structs["Document"])
        self.assertEqual(self.enums["DataClassification"][0], "public")

    def test_enum_lists_equal_pm_enum_lists(self):
        schema_enums = {k: v["enum"] for k, v in self.defs.items() if "enum" in v}
        self.assertEqual(set(schema_enums), set(self.enums), "enum $defs vs PM_ENUM names")
        for name, values in self.enums.items():
            with self.subTest(enum=name):
                self.assertEqual(schema_enums[name], values)

    def test_objects_equal_model_structs(self):
        self.assertEqual(set(self.object_schemas()), set(self.structs), "object $defs vs model structs")

    def test_member_names_equal_model_members(self):
        for struct, members in self.structs.items():
            with self.subTest(struct=struct):
                props = self.object_schemas()[struct]["properties"]
                # same names, same order (FORMAT.md order, which serialization follows)
                self.assertEqual(list(props), [n for _, n in members])

    def kind_of_schema(self, schema):
        """A comparable description of a member schema: ('string',), ('ref', 'Category'),
        ('array', <kind of items>)... A top-level `anyOf [X, null]` is X."""
        if "anyOf" in schema and {"type": "null"} in schema["anyOf"] and "$ref" not in schema:
            rest = [b for b in schema["anyOf"] if b != {"type": "null"}]
            self.assertEqual(len(rest), 1)
            schema = rest[0]
        if "$ref" in schema:
            name = schema["$ref"][len(DEFS):]
            target = self.defs[name]
            if name in self.enums or name in self.structs or name in ("timestamp", "date"):
                return ("ref", name)
            return self.kind_of_schema(target)
        if schema.get("type") == "array":
            return ("array", self.kind_of_schema(schema["items"]))
        if isinstance(schema.get("const"), str):
            return ("string",)
        return (schema["type"],)

    def kind_of_cpp(self, cpp):
        m = re.fullmatch(r"std::(optional|vector)<(.+)>", cpp)
        if m and m.group(1) == "vector":
            return ("array", self.kind_of_cpp(m.group(2)))
        inner = m.group(2) if m else cpp
        simple = {"Text": ("string",), "std::string": ("string",), "bool": ("boolean",),
                  "std::int64_t": ("integer",), "double": ("number",),
                  "Strings": ("array", ("string",)), "Timestamp": ("ref", "timestamp"),
                  "Date": ("ref", "date")}
        if inner in simple:
            return simple[inner]
        self.assertTrue(inner in self.enums or inner in self.structs, f"unknown C++ type {cpp}")
        return ("ref", inner)

    def test_member_types_match_model_types(self):
        for struct, members in self.structs.items():
            props = self.object_schemas()[struct]["properties"]
            for cpp, name in members:
                with self.subTest(member=f"{struct}.{name}"):
                    self.assertIn(name, props)
                    self.assertEqual(self.kind_of_schema(props[name]), self.kind_of_cpp(cpp), cpp)


if __name__ == "__main__":
    unittest.main()
