"""Shared helpers of the Python tests (not a test module itself).

The tests import the package from bindings/python (CMake sets PYTHONPATH; a direct run
works too, as this file puts that folder first on sys.path) and load the library named by
PM_LIBRARY (CMake sets it to the built libpostmortem). They read only files of this
repository: the sample documents are tests/data/examples/*.json.
"""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional

REPO = Path(__file__).resolve().parents[2]
BINDINGS = REPO / "bindings" / "python"
EXAMPLES = REPO / "tests" / "data" / "examples"
HEADER = REPO / "include" / "postmortem.h"

if str(BINDINGS) not in sys.path:
    sys.path.insert(0, str(BINDINGS))

import postmortem  # noqa: E402  (after the sys.path set-up)

#: A policy that fixes "now", so findings of time-relative rules do not change between calls.
AS_OF = {"as_of": "2024-06-01T00:00:00Z"}

SAMPLE_NAMES = sorted(p.name for p in EXAMPLES.glob("*.json"))
if len(SAMPLE_NAMES) < 3:
    raise RuntimeError(f"expected the three sample documents in {EXAMPLES}, found {SAMPLE_NAMES}")


def sample_path(name: str) -> Path:
    return EXAMPLES / name


def sample_text(name: str) -> str:
    return sample_path(name).read_text(encoding="utf-8")


def sample_dict(name: str) -> Dict[str, Any]:
    return json.loads(sample_text(name))


def first_sample() -> Dict[str, Any]:
    """A fresh, mutable copy of the first sample document."""
    return copy.deepcopy(sample_dict(SAMPLE_NAMES[0]))


def project_version() -> str:
    """The version in the top-level CMakeLists.txt's project(... VERSION x.y.z)."""
    text = (REPO / "CMakeLists.txt").read_text(encoding="utf-8")
    m = re.search(r"project\(\s*postmortem\s+VERSION\s+([0-9.]+)", text)
    if not m:
        raise RuntimeError("no project(postmortem VERSION ...) in CMakeLists.txt")
    return m.group(1)


def header_functions() -> List[str]:
    """Every function include/postmortem.h declares."""
    text = HEADER.read_text(encoding="utf-8")
    return sorted(set(re.findall(r"PM_EXTERN\([^)]*\)\s*(pm_\w+)\s*\(", text)))


def library_path() -> str:
    """The full path of the library the tests use (PM_LIBRARY, set by CMake)."""
    path = postmortem.library_path()
    if not os.path.isabs(path):
        raise RuntimeError(f"the tests need PM_LIBRARY set to the built library; loaded {path}")
    return path


def clean_env(**overrides: Optional[str]) -> Dict[str, str]:
    """os.environ without the variables that steer library loading and imports, plus
    ``overrides`` (a None value removes the variable)."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PM_LIBRARY", "PM_LIBRARY_PATH", "PM_BUNDLE_LIBRARY", "PYTHONPATH",
                        "PYTHONHOME")}
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def run_python(code: str, env: Mapping[str, str], python: str = sys.executable,
               cwd: Optional[str] = None, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([python, "-c", code], env=dict(env), cwd=cwd, capture_output=True,
                          text=True, timeout=timeout)


def nested(depth: int) -> str:
    """A valid document whose x_deep extension nests arrays ``depth`` deep."""
    doc = json.dumps(first_sample())
    return doc[:-1] + ', "x_deep": ' + "[" * depth + "]" * depth + "}"
