#!/usr/bin/env python3
"""Checks post-mortem documents with the Python bindings and prints the findings.

    PM_LIBRARY=build/capi/libpostmortem.so PYTHONPATH=bindings/python \\
        python3 examples/python/check.py tests/data/examples/*.json
"""
import sys

import postmortem as pm


def main(paths: list[str]) -> int:
    policy = pm.Policy.from_dict({"as_of": "2024-06-01T00:00:00Z"})
    worst = 0
    for path in paths:
        # check_file reports a file that is not JSON (PM100) or not postmortem/1 (PM101)
        # as a finding, like any other problem.
        for f in pm.check_file(path, policy=policy):
            print(f"{path}: {f.path or '(document)'}: {f.severity} {f.code}: {f.message}")
            if f.severity == "error":
                worst = 1
    return worst


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
