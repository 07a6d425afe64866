#!/usr/bin/env python3
"""ctest driver of the headless-browser checks (render_check.mjs).

  run_browser_test.py --node NODE --out DIR selftest
      the checker passes tests/browser/selftest/good.html and fails bad.html, naming the
      script that ran, the requests and the event handlers;
  run_browser_test.py --node NODE --cli POSTMORTEM --out DIR reports
      renders the three samples (tests/data/examples) and the hostile document
      (tests/report/make_hostile.py) to HTML with `postmortem report --format html --as-of
      2024-06-01T00:00:00Z`, then loads each in chromium: no script, no request, no console
      error; screenshots go to DIR.

A missing node, chromium or tests/browser/node_modules FAILS the test (it is not skipped):
run scripts/install-deps.sh. Configure with -DPM_BROWSER_TESTS=OFF not to register it.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
CHECKER = HERE / "render_check.mjs"
AS_OF = "2024-06-01T00:00:00Z"
HINT = "run scripts/install-deps.sh (as root) to install nodejs, chromium and tests/browser/node_modules"


def fail(msg: str) -> "NoReturn":  # type: ignore[name-defined]
    print(f"FAIL: {msg}", file=sys.stderr)
    sys.exit(1)


def check_environment(node: str) -> str:
    path = shutil.which(node) if node and "NOTFOUND" not in node else None
    if not path:
        fail(f"no node executable ({node!r}); {HINT}")
    if not (HERE / "node_modules" / "playwright-core").is_dir():
        fail(f"{HERE / 'node_modules' / 'playwright-core'} is missing; {HINT}")
    if not Path("/usr/bin/chromium").exists():
        fail(f"/usr/bin/chromium is missing; {HINT}")
    return path


def run_checker(node: str, out: Path, files: list) -> subprocess.CompletedProcess:
    cmd = [node, str(CHECKER), "--out", str(out), *map(str, files)]
    print("+", " ".join(cmd), flush=True)
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    sys.stdout.write(r.stdout)
    sys.stderr.write(r.stderr)
    if r.returncode == 2:
        fail(f"the checker could not run (exit 2); {HINT}")
    return r


def selftest(node: str, out: Path) -> None:
    good = run_checker(node, out, [HERE / "selftest" / "good.html"])
    if good.returncode != 0:
        fail("the checker rejects selftest/good.html")
    bad = run_checker(node, out, [HERE / "selftest" / "bad.html"])
    expected = ["a script ran", "network request: GET https://evil.example/x.css",
                "<img onerror=", "<a href=\"javascript:", "page error:", "console error: boom",
                "no Content-Security-Policy"]
    missing = [e for e in expected if e not in bad.stderr]
    if bad.returncode != 1 or missing:
        fail(f"the checker should fail selftest/bad.html (exit {bad.returncode}), naming {missing}")
    print("selftest: the checker passes good.html and fails bad.html as expected")


def reports(node: str, cli: str, out: Path) -> None:
    if not cli or not Path(cli).exists():
        fail(f"no postmortem CLI at {cli!r}")
    out.mkdir(parents=True, exist_ok=True)
    hostile = out / "hostile.json"
    subprocess.run([sys.executable, str(REPO / "tests" / "report" / "make_hostile.py"), "-o", str(hostile)],
                   check=True)
    inputs = sorted((REPO / "tests" / "data" / "examples").glob("*.json")) + [hostile]
    pages = []
    for doc in inputs:
        page = out / (doc.stem + ".html")
        cmd = [cli, "report", "--format", "html", "--as-of", AS_OF, "-o", str(page), str(doc)]
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
        if r.returncode != 0 or not page.exists():
            fail(f"{' '.join(cmd)} exited {r.returncode}: {r.stderr.strip()[:2000]}")
        pages.append(page)
    r = run_checker(node, out, pages)
    if r.returncode != 0:
        fail(f"chromium found problems in the HTML reports (screenshots in {out})")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--node", required=True)
    ap.add_argument("--cli")
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("mode", choices=["selftest", "reports"])
    args = ap.parse_args()
    node = check_environment(args.node)
    if args.mode == "selftest":
        selftest(node, args.out)
    else:
        reports(node, args.cli, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
