"""An in-tree PEP 517 build backend for the ``postmortem`` package, standard library only.

It exists so that ``pip install --no-index bindings/python`` works with no network: the
package is pure Python, so a wheel is a zip of ``postmortem/`` plus the ``.dist-info``
files (METADATA, WHEEL, RECORD with sha256 digests). pyproject.toml names it with
``backend-path = ["_build"]`` and ``requires = []``.

Bundling the C library: when the environment variable ``PM_BUNDLE_LIBRARY`` (or the
config setting ``bundle-library``, ``pip install --config-settings bundle-library=PATH``)
names a built ``libpostmortem``, the wheel carries it as ``postmortem/_lib/<name>`` and is
tagged for this platform instead of ``py3-none-any``.

Hooks: build_wheel, build_sdist, build_editable (PEP 660: a ``.pth`` file pointing at this
tree), prepare_metadata_for_build_wheel/_editable and the get_requires_for_build_* hooks
(all return ``[]``). Output is reproducible: archive timestamps come from
``SOURCE_DATE_EPOCH`` when set, else 1980-01-01.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import os
import re
import sysconfig
import tarfile
import time
import zipfile
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple

ROOT = Path(__file__).resolve().parent.parent  # bindings/python
PACKAGE = "postmortem"
BUNDLE_ENV = "PM_BUNDLE_LIBRARY"
BUNDLE_SETTING = "bundle-library"
GENERATOR = "pm_build"

# --------------------------------------------------------------------------------------
# pyproject.toml: tomllib on Python >= 3.11, else the small reader below, which handles
# what our pyproject.toml uses (tables, strings, integers, booleans, arrays, inline tables).


class TomlError(ValueError):
    pass


class _TomlReader:
    def __init__(self, text: str) -> None:
        self.s = text
        self.i = 0

    def error(self, what: str) -> TomlError:
        line = self.s.count("\n", 0, self.i) + 1
        return TomlError(f"pyproject.toml line {line}: {what}")

    def skip(self, newlines: bool) -> None:
        while self.i < len(self.s):
            c = self.s[self.i]
            if c in " \t\r" or (newlines and c == "\n"):
                self.i += 1
            elif c == "#":
                while self.i < len(self.s) and self.s[self.i] != "\n":
                    self.i += 1
            else:
                return

    def peek(self) -> str:
        return self.s[self.i] if self.i < len(self.s) else ""

    def expect(self, c: str) -> None:
        if self.peek() != c:
            raise self.error(f"expected {c!r}")
        self.i += 1

    def key(self) -> List[str]:
        parts = []
        while True:
            self.skip(False)
            c = self.peek()
            if c in "\"'":
                parts.append(self.string())
            else:
                m = re.compile(r"[A-Za-z0-9_-]+").match(self.s, self.i)
                if not m:
                    raise self.error("expected a key")
                parts.append(m.group())
                self.i = m.end()
            self.skip(False)
            if self.peek() != ".":
                return parts
            self.i += 1

    def string(self) -> str:
        quote = self.s[self.i]
        if self.s.startswith(quote * 3, self.i):
            raise self.error("multi-line strings are not supported")
        self.i += 1
        out = []
        escapes = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\"}
        while True:
            if self.i >= len(self.s) or self.s[self.i] == "\n":
                raise self.error("unterminated string")
            c = self.s[self.i]
            self.i += 1
            if c == quote:
                return "".join(out)
            if c == "\\" and quote == '"':
                e = self.s[self.i : self.i + 1]
                self.i += 1
                if e in escapes:
                    out.append(escapes[e])
                elif e in ("u", "U"):
                    n = 4 if e == "u" else 8
                    out.append(chr(int(self.s[self.i : self.i + n], 16)))
                    self.i += n
                else:
                    raise self.error(f"bad escape \\{e}")
            else:
                out.append(c)

    def value(self) -> Any:
        self.skip(False)
        c = self.peek()
        if c in "\"'":
            return self.string()
        if c == "[":
            self.i += 1
            items = []
            while True:
                self.skip(True)
                if self.peek() == "]":
                    self.i += 1
                    return items
                items.append(self.value())
                self.skip(True)
                if self.peek() == ",":
                    self.i += 1
                elif self.peek() != "]":
                    raise self.error("expected ',' or ']'")
        if c == "{":
            self.i += 1
            table: Dict[str, Any] = {}
            self.skip(False)
            if self.peek() == "}":
                self.i += 1
                return table
            while True:
                k = self.key()
                self.expect("=")
                self.assign(table, k, self.value())
                self.skip(False)
                if self.peek() == "}":
                    self.i += 1
                    return table
                self.expect(",")
        m = re.compile(r"true|false|[+-]?[0-9][0-9_]*").match(self.s, self.i)
        if not m:
            raise self.error("unsupported value")
        self.i = m.end()
        word = m.group()
        if word in ("true", "false"):
            return word == "true"
        return int(word.replace("_", ""))

    def assign(self, table: Dict[str, Any], key: List[str], value: Any) -> None:
        for part in key[:-1]:
            table = table.setdefault(part, {})
        if key[-1] in table:
            raise self.error(f"duplicate key {'.'.join(key)}")
        table[key[-1]] = value

    def document(self) -> Dict[str, Any]:
        root: Dict[str, Any] = {}
        current = root
        while True:
            self.skip(True)
            if self.i >= len(self.s):
                return root
            if self.peek() == "[":
                self.i += 1
                if self.peek() == "[":
                    raise self.error("arrays of tables are not supported")
                current = root
                for part in self.key():
                    current = current.setdefault(part, {})
                self.expect("]")
            else:
                k = self.key()
                self.expect("=")
                self.assign(current, k, self.value())
            self.skip(False)
            if self.peek() not in ("\n", ""):
                raise self.error("expected a new line")


def parse_toml(text: str) -> Dict[str, Any]:
    """Reads the subset of TOML that pyproject.toml uses."""
    return _TomlReader(text).document()


def read_pyproject(root: Path = ROOT) -> Dict[str, Any]:
    text = (root / "pyproject.toml").read_text(encoding="utf-8")
    try:
        import tomllib  # Python >= 3.11
    except ImportError:
        return parse_toml(text)
    return tomllib.loads(text)


# --------------------------------------------------------------------------------------
# Metadata


def package_version(root: Path = ROOT) -> str:
    text = (root / PACKAGE / "_version.py").read_text(encoding="utf-8")
    m = re.search(r'^__version__\s*=\s*"([^"]+)"', text, re.M)
    if not m:
        raise RuntimeError(f"no __version__ in {root / PACKAGE / '_version.py'}")
    return m.group(1)


def metadata(root: Path = ROOT) -> str:
    """The core metadata (METADATA in a wheel, PKG-INFO in an sdist)."""
    project = read_pyproject(root)["project"]
    lines = [
        "Metadata-Version: 2.1",
        f"Name: {project['name']}",
        f"Version: {package_version(root)}",
    ]
    if "description" in project:
        lines.append(f"Summary: {project['description']}")
    if project.get("keywords"):
        lines.append(f"Keywords: {','.join(project['keywords'])}")
    lines += [f"Classifier: {c}" for c in project.get("classifiers", [])]
    if "requires-python" in project:
        lines.append(f"Requires-Python: {project['requires-python']}")
    body = ""
    readme = project.get("readme")
    if isinstance(readme, str):
        body = (root / readme).read_text(encoding="utf-8")
        kind = "text/markdown" if readme.endswith(".md") else "text/plain"
        lines.append(f"Description-Content-Type: {kind}")
    return "\n".join(lines) + "\n\n" + body


def _names(root: Path = ROOT) -> Tuple[str, str]:
    project = read_pyproject(root)["project"]
    name = re.sub(r"[-_.]+", "_", project["name"]).lower()
    return name, package_version(root)


# --------------------------------------------------------------------------------------
# Archives


def _epoch() -> int:
    """Archive timestamps: SOURCE_DATE_EPOCH, else (and never before) 1980-01-01,
    the earliest time a zip file can hold."""
    return max(int(os.environ.get("SOURCE_DATE_EPOCH", "315532800")), 315532800)


def _date_time() -> Tuple[int, int, int, int, int, int]:
    return time.gmtime(_epoch())[:6]


def _package_files(root: Path = ROOT) -> List[Path]:
    """The package's source files, sorted; caches and the bundled-library folder excluded."""
    files = []
    for path in sorted((root / PACKAGE).rglob("*")):
        rel = path.relative_to(root)
        if not path.is_file() or "__pycache__" in rel.parts or rel.parts[1:2] == ("_lib",):
            continue
        if path.suffix in (".py", ".pyi") or path.name == "py.typed":
            files.append(path)
    return files


def _bundled_library(config_settings: Optional[Mapping[str, Any]]) -> Optional[Path]:
    value = (config_settings or {}).get(BUNDLE_SETTING) or os.environ.get(BUNDLE_ENV)
    if not value:
        return None
    path = Path(value)
    if not path.is_file():
        raise FileNotFoundError(
            f"{BUNDLE_ENV}={value!r} is not a file: point it at the built libpostmortem "
            f"(e.g. build/capi/libpostmortem.so), or unset it for a pure-Python wheel")
    return path


def _bundled_name(library: Path) -> str:
    """The name the loader looks for in postmortem/_lib/ (libpostmortem.so.1 -> .so)."""
    name = library.name
    if ".dylib" in name:
        return "libpostmortem.dylib"
    if name.endswith(".dll"):
        return "postmortem.dll"
    return "libpostmortem.so"


def _platform_tag() -> str:
    return re.sub(r"[^A-Za-z0-9]", "_", sysconfig.get_platform())


class _Wheel:
    """Writes a wheel and its RECORD."""

    def __init__(self, path: Path) -> None:
        self.zip = zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED)
        self.record: List[str] = []

    def add(self, arcname: str, data: bytes, executable: bool = False) -> None:
        info = zipfile.ZipInfo(arcname, date_time=_date_time())
        info.external_attr = (0o755 if executable else 0o644) << 16
        info.compress_type = zipfile.ZIP_DEFLATED
        self.zip.writestr(info, data)
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
        self.record.append(f"{arcname},sha256={digest.decode('ascii')},{len(data)}")

    def close(self, record_name: str) -> None:
        self.record.append(f"{record_name},,")
        info = zipfile.ZipInfo(record_name, date_time=_date_time())
        info.external_attr = 0o644 << 16
        self.zip.writestr(info, "\n".join(self.record) + "\n", zipfile.ZIP_DEFLATED)
        self.zip.close()


def _wheel_file(tag: str, pure: bool) -> str:
    return (f"Wheel-Version: 1.0\nGenerator: {GENERATOR}\n"
            f"Root-Is-Purelib: {'true' if pure else 'false'}\nTag: {tag}\n")


def _write_dist_info(directory: Path, tag: str, pure: bool) -> str:
    name, version = _names()
    dist_info = f"{name}-{version}.dist-info"
    target = directory / dist_info
    target.mkdir(parents=True, exist_ok=True)
    (target / "METADATA").write_text(metadata(), encoding="utf-8")
    (target / "WHEEL").write_text(_wheel_file(tag, pure), encoding="utf-8")
    return dist_info


def _build(wheel_directory: str, config_settings: Optional[Mapping[str, Any]],
           editable: bool) -> str:
    name, version = _names()
    library = None if editable else _bundled_library(config_settings)
    tag = "py3-none-any" if library is None else f"py3-none-{_platform_tag()}"
    filename = f"{name}-{version}-{tag}.whl"
    dist_info = f"{name}-{version}.dist-info"
    out = Path(wheel_directory)
    out.mkdir(parents=True, exist_ok=True)
    wheel = _Wheel(out / filename)
    try:
        if editable:
            wheel.add(f"{name}.pth", (str(ROOT) + "\n").encode("utf-8"))
        else:
            for path in _package_files():
                wheel.add(path.relative_to(ROOT).as_posix(), path.read_bytes())
            if library is not None:
                wheel.add(f"{PACKAGE}/_lib/{_bundled_name(library)}", library.read_bytes(),
                          executable=True)
        wheel.add(f"{dist_info}/METADATA", metadata().encode("utf-8"))
        wheel.add(f"{dist_info}/WHEEL", _wheel_file(tag, library is None).encode("utf-8"))
        wheel.add(f"{dist_info}/top_level.txt", f"{PACKAGE}\n".encode("utf-8"))
        wheel.close(f"{dist_info}/RECORD")
    except BaseException:
        wheel.zip.close()
        (out / filename).unlink()
        raise
    return filename


# --------------------------------------------------------------------------------------
# PEP 517 / PEP 660 hooks


def get_requires_for_build_wheel(config_settings: Optional[Mapping[str, Any]] = None) -> List[str]:
    return []


def get_requires_for_build_sdist(config_settings: Optional[Mapping[str, Any]] = None) -> List[str]:
    return []


def get_requires_for_build_editable(
        config_settings: Optional[Mapping[str, Any]] = None) -> List[str]:
    return []


def prepare_metadata_for_build_wheel(metadata_directory: str,
                                     config_settings: Optional[Mapping[str, Any]] = None) -> str:
    library = _bundled_library(config_settings)
    tag = "py3-none-any" if library is None else f"py3-none-{_platform_tag()}"
    return _write_dist_info(Path(metadata_directory), tag, library is None)


def prepare_metadata_for_build_editable(
        metadata_directory: str, config_settings: Optional[Mapping[str, Any]] = None) -> str:
    return _write_dist_info(Path(metadata_directory), "py3-none-any", True)


def build_wheel(wheel_directory: str, config_settings: Optional[Mapping[str, Any]] = None,
                metadata_directory: Optional[str] = None) -> str:
    return _build(wheel_directory, config_settings, editable=False)


def build_editable(wheel_directory: str, config_settings: Optional[Mapping[str, Any]] = None,
                   metadata_directory: Optional[str] = None) -> str:
    return _build(wheel_directory, config_settings, editable=True)


def _sdist_members(root: Path = ROOT) -> Iterable[Path]:
    yield root / "pyproject.toml"
    yield root / "README.md"
    yield root / "_build" / "pm_build.py"
    yield from _package_files(root)


def build_sdist(sdist_directory: str, config_settings: Optional[Mapping[str, Any]] = None) -> str:
    name, version = _names()
    base = f"{name}-{version}"
    filename = f"{base}.tar.gz"
    out = Path(sdist_directory)
    out.mkdir(parents=True, exist_ok=True)
    mtime = _epoch()

    def add(tar: tarfile.TarFile, arcname: str, data: bytes) -> None:
        info = tarfile.TarInfo(f"{base}/{arcname}")
        info.size = len(data)
        info.mtime = mtime
        info.mode = 0o644
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        tar.addfile(info, io.BytesIO(data))

    # gzip's own header holds a timestamp too: fix it for reproducible archives.
    with open(out / filename, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=mtime) as gz:
            with tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT) as tar:
                for path in _sdist_members():
                    add(tar, path.relative_to(ROOT).as_posix(), path.read_bytes())
                add(tar, "PKG-INFO", metadata().encode("utf-8"))
    return filename
