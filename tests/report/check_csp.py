#!/usr/bin/env python3
"""Checks the Content-Security-Policy of libpostmortem's HTML report.

The report's CSP allows exactly one stylesheet, by the SHA-256 of the <style> element's text
(src/report/html.cpp: kCss, with its hash in kCssSha256). Editing the CSS without updating the
hash makes browsers drop every style, so this script checks both ends:

  check_csp.py REPORT.html [...]           a rendered report: the hash in the CSP meta tag matches
                                            its <style> text, and no script or remote load is allowed
  check_csp.py --check-source html.cpp     kCssSha256 in the source matches kCss
  check_csp.py --print-css-hash html.cpp   prints base64(SHA-256(kCss)), to paste into kCssSha256

Exit status 0 when every check passes, 1 otherwise (messages on stderr).
"""
import base64
import hashlib
import re
import sys


def sha256_b64(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def source_css(path: str):
    src = open(path, encoding="utf-8").read()
    css = re.search(r'kCss\s*=\s*R"css\((.*?)\)css"', src, re.S)
    declared = re.search(r'kCssSha256\s*=\s*"([^"]*)"', src)
    if not css or not declared:
        raise SystemExit(f"{path}: kCss or kCssSha256 not found")
    return css.group(1), declared.group(1)


def check_html(path: str) -> list:
    html = open(path, encoding="utf-8").read()
    errors = []
    styles = re.findall(r"<style>(.*?)</style>", html, re.S)
    if len(styles) != 1:
        errors.append(f"expected exactly one <style> element, found {len(styles)}")
    metas = re.findall(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', html)
    if len(metas) != 1:
        errors.append(f"expected exactly one CSP meta tag, found {len(metas)}")
    if errors:
        return errors
    csp = metas[0]
    directives = {d.strip().split()[0]: d.strip().split()[1:] for d in csp.split(";") if d.strip()}
    want = f"'sha256-{sha256_b64(styles[0])}'"
    if directives.get("style-src") != [want]:
        errors.append(f"style-src is {directives.get('style-src')}, the <style> text needs [{want!r}]")
    if directives.get("default-src") != ["'none'"]:
        errors.append("default-src must be 'none'")
    for name in ("script-src", "connect-src", "font-src", "frame-src"):
        if name in directives:
            errors.append(f"{name} must not be present (default-src 'none' covers it)")
    if directives.get("img-src") != ["data:"]:
        errors.append("img-src must be data: only")
    if "'unsafe-inline'" in csp or "'unsafe-eval'" in csp:
        errors.append("the CSP must not allow unsafe-inline or unsafe-eval")
    if html.find('http-equiv="Content-Security-Policy"') > html.find("<style>"):
        errors.append("the CSP meta tag must come before the <style> element")
    if re.search(r"<script", html, re.I):
        errors.append("the report contains a <script element")
    return errors


def main(argv) -> int:
    if len(argv) == 3 and argv[1] == "--print-css-hash":
        print(sha256_b64(source_css(argv[2])[0]))
        return 0
    if len(argv) == 3 and argv[1] == "--check-source":
        css, declared = source_css(argv[2])
        actual = sha256_b64(css)
        if actual != declared:
            print(f"{argv[2]}: kCssSha256 is {declared!r} but SHA-256 of kCss is {actual!r}; "
                  "update kCssSha256", file=sys.stderr)
            return 1
        return 0
    if len(argv) < 2 or argv[1].startswith("--"):
        print(__doc__, file=sys.stderr)
        return 2
    status = 0
    for path in argv[1:]:
        for e in check_html(path):
            print(f"{path}: {e}", file=sys.stderr)
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
