"""The in-tree PEP 517 backend, and `pip install --no-index bindings/python` into a fresh
venv with no network."""

from __future__ import annotations

import base64
import csv
import hashlib
import importlib
import io
import os
import subprocess
import sys
import tarfile
import tempfile
import unittest
import zipfile
from pathlib import Path
from typing import Dict
from unittest import mock

from _support import BINDINGS, clean_env, library_path, project_version, run_python

import postmortem as pm

sys.path.insert(0, str(BINDINGS / "_build"))
pm_build = importlib.import_module("pm_build")
sys.path.remove(str(BINDINGS / "_build"))

VERSION = project_version()
PURE_WHEEL = f"postmortem-{VERSION}-py3-none-any.whl"


def _without_bundle() -> Dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "PM_BUNDLE_LIBRARY"}


class TomlReader(unittest.TestCase):
    def test_reads_our_pyproject_like_tomllib(self) -> None:
        text = (BINDINGS / "pyproject.toml").read_text(encoding="utf-8")
        ours = pm_build.parse_toml(text)
        self.assertEqual(ours["build-system"], {"requires": [], "build-backend": "pm_build",
                                                "backend-path": ["_build"]})
        self.assertEqual(ours["project"]["name"], "postmortem")
        self.assertEqual(ours["project"]["requires-python"], ">=3.9")
        self.assertIn("Typing :: Typed", ours["project"]["classifiers"])
        try:
            import tomllib
        except ImportError:  # Python < 3.11: the checks above are what can be checked
            return
        self.assertEqual(ours, tomllib.loads(text))

    def test_values(self) -> None:
        text = ('# c\n[a.b]\nk = "x\\"y\\u00e9" # c\n\'q k\' = \'lit\\n\'\nn = 1_000\n'
                't = true\nf = false\narr = [\n  "1", # c\n  "2",\n]\n'
                'inline = {text = "MIT", n = 2}\n[c]\nd.e = []\n')
        self.assertEqual(pm_build.parse_toml(text), {
            "a": {"b": {"k": 'x"yé', "q k": "lit\\n", "n": 1000, "t": True, "f": False,
                        "arr": ["1", "2"], "inline": {"text": "MIT", "n": 2}}},
            "c": {"d": {"e": []}},
        })

    def test_errors_name_the_line(self) -> None:
        for text, line in (('a = "x"\nb = \n', 2), ('a = "x\n', 1), ("a = 1\na = 2\n", 2),
                           ('a = "x" b\n', 1)):
            with self.subTest(text=text):
                with self.assertRaisesRegex(pm_build.TomlError, f"line {line}:"):
                    pm_build.parse_toml(text)


class Backend(unittest.TestCase):
    def setUp(self) -> None:
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        self.out = tmp.name

    def check_record(self, wheel: zipfile.ZipFile) -> None:
        dist_info = f"postmortem-{VERSION}.dist-info"
        rows = list(csv.reader(io.StringIO(wheel.read(f"{dist_info}/RECORD").decode())))
        self.assertEqual(sorted(r[0] for r in rows), sorted(wheel.namelist()))
        for name, digest, size in rows:
            if name == f"{dist_info}/RECORD":
                self.assertEqual((digest, size), ("", ""))
                continue
            data = wheel.read(name)
            expected = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
            self.assertEqual(digest, "sha256=" + expected.decode(), name)
            self.assertEqual(int(size), len(data), name)

    def test_no_build_requirements(self) -> None:
        self.assertEqual(pm_build.get_requires_for_build_wheel(), [])
        self.assertEqual(pm_build.get_requires_for_build_sdist(), [])
        self.assertEqual(pm_build.get_requires_for_build_editable(), [])

    def test_pure_wheel(self) -> None:
        with mock.patch.dict(os.environ, _without_bundle(), clear=True):
            name = pm_build.build_wheel(self.out)
        self.assertEqual(name, PURE_WHEEL)
        with zipfile.ZipFile(os.path.join(self.out, name)) as wheel:
            names = wheel.namelist()
            sources = sorted(p.relative_to(BINDINGS).as_posix()
                             for p in (BINDINGS / "postmortem").glob("*.py"))
            self.assertEqual(sorted(n for n in names if n.endswith(".py")), sources)
            self.assertIn("postmortem/py.typed", names)
            self.assertFalse([n for n in names if "__pycache__" in n or "/_lib/" in n], names)
            meta = wheel.read(f"postmortem-{VERSION}.dist-info/METADATA").decode()
            self.assertIn("Name: postmortem\n", meta)
            self.assertIn(f"Version: {VERSION}\n", meta)
            self.assertIn("Requires-Python: >=3.9\n", meta)
            self.assertIn("# postmortem (Python)", meta)
            info = wheel.read(f"postmortem-{VERSION}.dist-info/WHEEL").decode()
            self.assertIn("Tag: py3-none-any\n", info)
            self.assertIn("Root-Is-Purelib: true\n", info)
            self.check_record(wheel)

    def test_wheel_bundling_the_library(self) -> None:
        with mock.patch.dict(os.environ, {"PM_BUNDLE_LIBRARY": library_path()}):
            name = pm_build.build_wheel(self.out)
        self.assertNotEqual(name, PURE_WHEEL)
        self.assertTrue(name.startswith(f"postmortem-{VERSION}-py3-none-"), name)
        with zipfile.ZipFile(os.path.join(self.out, name)) as wheel:
            bundled = "postmortem/_lib/libpostmortem.so"
            with open(library_path(), "rb") as f:
                self.assertEqual(wheel.read(bundled), f.read())
            self.assertEqual(wheel.getinfo(bundled).external_attr >> 16, 0o755)
            self.assertIn("Root-Is-Purelib: false\n",
                          wheel.read(f"postmortem-{VERSION}.dist-info/WHEEL").decode())
            self.check_record(wheel)

    def test_bundling_a_missing_library_fails_naming_the_variable(self) -> None:
        with mock.patch.dict(os.environ, {"PM_BUNDLE_LIBRARY": "/nonexistent/lib.so"}):
            with self.assertRaisesRegex(FileNotFoundError, "PM_BUNDLE_LIBRARY"):
                pm_build.build_wheel(self.out)
        self.assertEqual(os.listdir(self.out), [])

    def test_wheels_are_reproducible(self) -> None:
        with mock.patch.dict(os.environ, _without_bundle(), clear=True):
            first = Path(self.out, pm_build.build_wheel(self.out)).read_bytes()
            second = Path(self.out, pm_build.build_wheel(self.out)).read_bytes()
        self.assertEqual(first, second)

    def test_metadata_hook_matches_the_wheel(self) -> None:
        with mock.patch.dict(os.environ, _without_bundle(), clear=True):
            dist_info = pm_build.prepare_metadata_for_build_wheel(self.out)
            wheel = pm_build.build_wheel(self.out)
        with zipfile.ZipFile(os.path.join(self.out, wheel)) as z:
            for name in ("METADATA", "WHEEL"):
                self.assertEqual(Path(self.out, dist_info, name).read_bytes(),
                                 z.read(f"{dist_info}/{name}"))

    def test_editable_wheel_points_at_the_tree(self) -> None:
        name = pm_build.build_editable(self.out)
        with zipfile.ZipFile(os.path.join(self.out, name)) as wheel:
            self.assertEqual(wheel.read("postmortem.pth").decode().strip(), str(BINDINGS))
            self.check_record(wheel)

    def test_sdist(self) -> None:
        name = pm_build.build_sdist(self.out)
        self.assertEqual(name, f"postmortem-{VERSION}.tar.gz")
        with tarfile.open(os.path.join(self.out, name)) as tar:
            names = tar.getnames()
            base = f"postmortem-{VERSION}"
            for member in ("pyproject.toml", "README.md", "PKG-INFO", "_build/pm_build.py",
                           "postmortem/__init__.py", "postmortem/_lib.py", "postmortem/py.typed"):
                self.assertIn(f"{base}/{member}", names)
            pkg_info = tar.extractfile(f"{base}/PKG-INFO").read().decode()  # type: ignore
            self.assertIn(f"Version: {VERSION}\n", pkg_info)
        other = Path(self.out, "again")
        self.assertEqual(pm_build.build_sdist(str(other)), name)
        self.assertEqual(Path(self.out, name).read_bytes(), (other / name).read_bytes())


class PipInstall(unittest.TestCase):
    """A fresh venv, no network: pip must build the package with the in-tree backend."""

    @classmethod
    def setUpClass(cls) -> None:
        cls.tmp = tempfile.TemporaryDirectory()
        cls.venv = Path(cls.tmp.name, "venv")
        r = subprocess.run([sys.executable, "-m", "venv", str(cls.venv)],
                           capture_output=True, text=True, timeout=300)
        if r.returncode != 0:
            cls.tmp.cleanup()
            raise AssertionError(
                f"python -m venv failed (on Debian install python3-venv):\n{r.stdout}{r.stderr}")
        bindir = "Scripts" if os.name == "nt" else "bin"
        cls.python = str(cls.venv / bindir / ("python.exe" if os.name == "nt" else "python"))

    @classmethod
    def tearDownClass(cls) -> None:
        cls.tmp.cleanup()

    def pip_install(self, **env: str) -> None:
        r = subprocess.run(
            [self.python, "-m", "pip", "install", "--no-index", "--no-cache-dir",
             "--force-reinstall", "--disable-pip-version-check", str(BINDINGS)],
            env=clean_env(**env), cwd=self.tmp.name, capture_output=True, text=True,
            timeout=300)
        self.assertEqual(r.returncode, 0, f"pip install failed:\n{r.stdout}\n{r.stderr}")

    def probe(self, **env: str) -> list:
        r = run_python("import postmortem; print(postmortem.version()); "
                       "print(postmortem.__file__); print(postmortem.library_path())",
                       clean_env(**env), python=self.python, cwd=self.tmp.name)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout.splitlines()

    def site_package(self) -> Path:
        r = run_python("import sysconfig; print(sysconfig.get_paths()['purelib'])",
                       clean_env(), python=self.python)
        return Path(r.stdout.strip()) / "postmortem"

    def test_1_install_then_load_through_pm_library(self) -> None:
        self.pip_install()
        version, module, loaded = self.probe(PM_LIBRARY=library_path())
        self.assertEqual(version, pm.version())
        self.assertEqual(Path(module).parent, self.site_package())
        self.assertEqual(loaded, library_path())
        self.assertFalse((self.site_package() / "_lib").exists())

    def test_2_install_bundling_the_library(self) -> None:
        self.pip_install(PM_BUNDLE_LIBRARY=library_path())
        version, module, loaded = self.probe()
        self.assertEqual(version, pm.version())
        self.assertEqual(Path(loaded), self.site_package() / "_lib" / "libpostmortem.so")

    def test_3_uninstall_removes_every_file(self) -> None:
        self.pip_install()
        r = subprocess.run([self.python, "-m", "pip", "uninstall", "-y", "postmortem"],
                           env=clean_env(), capture_output=True, text=True, timeout=300)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertFalse(self.site_package().exists())


if __name__ == "__main__":
    unittest.main()
