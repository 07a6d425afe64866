"""Finding and loading the library, versions, the ABI check and the declaration table."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import unittest
from ctypes import c_int
from unittest import mock

from _support import (
    BINDINGS,
    REPO,
    clean_env,
    header_functions,
    library_path,
    project_version,
    run_python,
)

import postmortem as pm
from postmortem import _lib


class Versions(unittest.TestCase):
    def test_runtime_version_is_the_projects(self) -> None:
        self.assertEqual(pm.version(), project_version())

    def test_version_number_matches_the_string(self) -> None:
        major, minor, patch = (int(x) for x in pm.version().split("."))
        self.assertEqual(pm.version_number(), major * 10000 + minor * 100 + patch)

    def test_package_version_is_the_projects(self) -> None:
        self.assertEqual(pm.__version__, project_version())

    def test_abi_version_is_what_the_bindings_expect(self) -> None:
        self.assertEqual(pm.abi_version(), pm.ABI_VERSION)
        self.assertEqual(pm.ABI_VERSION, 1)


class DeclarationTable(unittest.TestCase):
    def test_the_table_declares_every_function_of_the_header(self) -> None:
        declared = sorted(name for name, *_ in _lib._FUNCS)
        self.assertEqual(len(declared), len(set(declared)), "a function is declared twice")
        self.assertEqual(declared, header_functions())

    def test_every_function_is_documented_in_the_c_api_reference(self) -> None:
        # docs/c-api.md gives each function's C declaration at the start of a line of a
        # code block: "int pm_doc_parse(pm_doc **out, ...", "const char *pm_status_str(".
        text = (REPO / "docs" / "c-api.md").read_text(encoding="utf-8")
        undocumented = [name for name in header_functions()
                        if not re.search(rf"^[A-Za-z_][\w ]*[ *]{name}\(", text, re.M)]
        self.assertEqual(undocumented, [], "functions missing from docs/c-api.md")

    def test_every_function_has_argtypes_and_restype(self) -> None:
        lib = _lib.lib()
        for name, argtypes, restype, errcheck in _lib._FUNCS:
            with self.subTest(function=name):
                func = getattr(lib, name)
                self.assertEqual(func.argtypes, list(argtypes))
                self.assertIs(func.restype, restype)
                # An int status needs errcheck; pointer results are never plain int.
                if restype is c_int and name not in ("pm_abi_version",):
                    self.assertIs(errcheck, _lib._check)

    def test_owned_strings_are_void_pointers_not_char_pointers(self) -> None:
        for name, argtypes, _restype, _errcheck in _lib._FUNCS:
            if name.endswith("_to_json"):
                self.assertIs(argtypes[0]._type_, _lib.OwnedStr, name)

    def test_abi_mismatch_is_detected_on_load(self) -> None:
        with mock.patch.object(_lib, "ABI_VERSION", _lib.ABI_VERSION + 1):
            with self.assertRaises(pm.LibraryMismatch) as cm:
                _lib._load_library()
        message = str(cm.exception)
        self.assertIn("bindings/library version mismatch", message)
        self.assertIn(f"ABI version {pm.abi_version()}", message)
        self.assertIn(f"ABI version {pm.ABI_VERSION + 1}", message)

    def test_check_abi(self) -> None:
        _lib.check_abi(_lib.ABI_VERSION)
        with self.assertRaises(pm.LibraryMismatch):
            _lib.check_abi(_lib.ABI_VERSION + 1)
        with self.assertRaises(pm.LibraryMismatch):
            _lib.check_abi(0, expected=1)

    def test_a_missing_function_is_a_version_mismatch(self) -> None:
        table = _lib._FUNCS + [("pm_no_such_function", [], c_int, None)]
        with mock.patch.object(_lib, "_FUNCS", table):
            with self.assertRaises(pm.LibraryMismatch) as cm:
                _lib._load_library()
        self.assertIn("bindings/library version mismatch", str(cm.exception))
        self.assertIn("pm_no_such_function", str(cm.exception))

    def test_a_reload_gives_a_working_library(self) -> None:
        again = _lib._load_library()
        self.assertEqual(again.pm_abi_version(), _lib.ABI_VERSION)
        self.assertEqual(again.path, library_path())


class Loading(unittest.TestCase):
    """Each case runs in a fresh interpreter, as loading happens once per process."""

    PROBE = (
        "import postmortem\n"
        "try:\n"
        "    print(postmortem.version())\n"
        "    print(postmortem.library_path())\n"
        "except postmortem.LibraryNotFound as e:\n"
        "    print('LibraryNotFound', isinstance(e, OSError))\n"
        "    print(e)\n"
    )

    def env(self, **overrides: str) -> dict:
        return clean_env(PYTHONPATH=str(BINDINGS), **overrides)

    def test_a_nonexistent_pm_library_fails_naming_the_variable(self) -> None:
        missing = "/nonexistent/dir/libpostmortem.so"
        r = run_python("import postmortem; postmortem.version()", self.env(PM_LIBRARY=missing))
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("LibraryNotFound", r.stderr)
        self.assertIn("PM_LIBRARY", r.stderr)
        self.assertIn(missing, r.stderr)

    def test_import_works_without_the_library_and_the_error_is_catchable(self) -> None:
        r = run_python(self.PROBE, self.env(PM_LIBRARY="/nonexistent/libpostmortem.so"))
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stdout.splitlines()
        self.assertEqual(lines[0], "LibraryNotFound True")
        self.assertIn("PM_LIBRARY", lines[1])

    def test_pm_library_wins(self) -> None:
        r = run_python(self.PROBE, self.env(PM_LIBRARY=library_path(),
                                            PM_LIBRARY_PATH="/nonexistent"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.splitlines(), [pm.version(), library_path()])

    def test_pm_library_path_names_a_directory(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            copy = os.path.join(tmp, _lib.library_file_names()[0])
            shutil.copyfile(library_path(), copy)
            r = run_python(self.PROBE, self.env(PM_LIBRARY_PATH=tmp))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.splitlines(), [pm.version(), copy])

    def test_an_empty_pm_library_path_fails_naming_that_variable(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            r = run_python(self.PROBE, self.env(PM_LIBRARY_PATH=tmp))
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stdout.splitlines()
        self.assertEqual(lines[0], "LibraryNotFound True")
        self.assertIn("PM_LIBRARY_PATH", lines[1])
        self.assertIn(tmp, lines[1])

    def test_a_file_that_is_not_a_library_fails_naming_pm_library(self) -> None:
        with tempfile.NamedTemporaryFile(suffix=".so") as f:
            f.write(b"not an ELF file")
            f.flush()
            r = run_python(self.PROBE, self.env(PM_LIBRARY=f.name))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.splitlines()[0], "LibraryNotFound True")
        self.assertIn("PM_LIBRARY", r.stdout)

    def test_the_bundled_library_is_found_in_the_package_folder(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            package = os.path.join(tmp, "postmortem")
            shutil.copytree(BINDINGS / "postmortem", package,
                            ignore=shutil.ignore_patterns("__pycache__", "_lib"))
            os.mkdir(os.path.join(package, "_lib"))
            bundled = os.path.join(package, "_lib", _lib.library_file_names()[0])
            shutil.copyfile(library_path(), bundled)
            r = run_python(self.PROBE, clean_env(PYTHONPATH=tmp))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.splitlines(), [pm.version(), bundled])


if __name__ == "__main__":
    unittest.main()
