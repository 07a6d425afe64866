"""Hostile document text never survives unescaped in a report (docs/report.md, "Safety").

The hostile document (make_hostile.py) has the strings of tests/data/report/hostile-strings.txt
in every free-text field. Each format is rendered by the CLI (PM_CLI, set by CMake) with a fixed
--as-of, and:

- HTML: parsed with html.parser: only allow-listed tags, no on* attribute, no URL other than a
  #fragment, no raw hostile markup or character, and the same tag sequence as the "benign
  twin" (the same document with every hostile string replaced by plain letters of the same
  length), so no text added or removed an element;
- Markdown: rendered by cmark-gfm --unsafe (raw HTML would pass through), then the same HTML
  checks against cmark's tags (no <a>, no <img>), the twin's tag sequence again (no heading,
  list, emphasis, code span, link or table cell came from the text), and every table row has
  as many cells as its header;
- JSON: valid, and the document inside the bundle equals the input: every string round-trips;
- terminal: `postmortem report` writing Markdown (and JSON) to stdout has no raw control,
  bidi or invisible character (newline excepted).

Needs cmark-gfm (scripts/install-deps.sh); missing, the test fails. Artifacts are written to
PM_REPORT_OUT (default: a temporary folder) for a look after a failure.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
from html.parser import HTMLParser
from pathlib import Path
from typing import Dict, List, Optional, Tuple

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import make_hostile  # noqa: E402

AS_OF = "2024-06-01T00:00:00Z"
HINT = "run scripts/install-deps.sh"

# is_unsafe_code_point() of include/postmortem/report.hpp.
UNSAFE_RANGES = [(0x00, 0x1F), (0x7F, 0x9F), (0x61C, 0x61C), (0x200B, 0x200F), (0x2028, 0x202E),
                 (0x2060, 0x206F), (0xFEFF, 0xFEFF), (0xFFF9, 0xFFFB)]


def is_unsafe(c: str) -> bool:
    o = ord(c)
    return any(a <= o <= b for a, b in UNSAFE_RANGES)


def unsafe_chars(text: str, allowed: str = "") -> List[Tuple[int, str]]:
    return [(i, f"U+{ord(c):04X}") for i, c in enumerate(text) if is_unsafe(c) and c not in allowed]


# Tags the HTML writer may use: structure, text, tables, and inline SVG charts. Nothing that
# loads, runs, embeds or submits (script, img, iframe, object, embed, link, base, form, input,
# button, textarea, foreignObject, math, meta refresh…).
HTML_TAGS = {
    "html", "head", "meta", "title", "style", "body", "header", "footer", "main", "section",
    "article", "nav", "aside", "h1", "h2", "h3", "h4", "h5", "h6", "p", "div", "span", "ul",
    "ol", "li", "dl", "dt", "dd", "table", "thead", "tbody", "tfoot", "tr", "th", "td",
    "caption", "colgroup", "col", "strong", "em", "b", "i", "code", "pre", "small", "sup",
    "sub", "abbr", "time", "a", "br", "hr", "details", "summary", "figure", "figcaption",
    "blockquote", "kbd", "samp", "mark", "del", "ins", "s", "q", "cite", "wbr", "progress",
    "meter", "data",
    # SVG (html.parser lower-cases names)
    "svg", "g", "rect", "line", "polyline", "polygon", "path", "circle", "ellipse", "text",
    "tspan", "desc", "defs", "marker", "clippath", "lineargradient", "stop", "pattern",
}
# What cmark-gfm writes for the Markdown constructs a report uses; no a, img or raw HTML.
CMARK_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6", "p", "ul", "ol", "li", "table", "thead",
              "tbody", "tr", "th", "td", "strong", "em", "code", "pre", "br", "hr",
              "blockquote", "del"}
URL_ATTRS = {"href", "src", "xlink:href", "action", "formaction", "data", "poster", "srcset",
             "background", "ping", "cite"}
# Written raw, any of these means hostile markup came through (compared lower-cased).
RAW_MARKERS = ["<script", "<img", "<iframe", "<object", "<embed", "<svg onload", "<foreignobject",
               "<math", "<![cdata[", "<base", "<link", "<form", "<details open", "<video",
               "<body onload", "<meta http-equiv=\"refresh", "<!-- unterminated", "<a href=\"javascript",
               "<victim@", "<https://evil", "<javascript:", "<style>body", "<b>bold", "<div style"]
# (An on*= or javascript: in escaped text is inert; the parser checks real attributes.)


class Page(HTMLParser):
    """Everything the checks need from one HTML text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: List[str] = []
        self.attrs: List[Tuple[str, str, str]] = []
        self.comments: List[str] = []
        self.decls: List[str] = []
        self.text: List[str] = []
        self.rows: List[List[str]] = []  # per <tr>: its cell tags
        self.raw_text_of: Dict[str, List[str]] = {"style": [], "title": []}
        self._open: List[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for k, v in attrs:
            self.attrs.append((tag, k, v or ""))
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th") and self.rows:
            self.rows[-1].append(tag)
        self._open.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self._open.pop()

    def handle_endtag(self, tag):
        if tag in self._open:
            while self._open and self._open.pop() != tag:
                pass

    def handle_data(self, data):
        self.text.append(data)
        if self._open and self._open[-1] in self.raw_text_of:
            self.raw_text_of[self._open[-1]].append(data)

    def handle_comment(self, data):
        self.comments.append(data)

    def handle_decl(self, decl):
        self.decls.append(decl)

    def unknown_decl(self, data):
        self.decls.append(data)

    def handle_pi(self, data):
        self.decls.append(data)


def parse(html: str) -> Page:
    p = Page()
    p.feed(html)
    p.close()
    return p


def twin(doc: dict) -> dict:
    """The benign twin: each hostile string replaced by letters of the same length (equal
    strings stay equal), so content-dependent layout and findings are the same."""
    hostile = make_hostile.strings()
    index = {h: i for i, h in reversed(list(enumerate(hostile)))}

    def benign(s: str) -> str:
        if s not in index:
            return s
        stem = "benign" + "abcdefghij"[index[s] % 10] * 2
        return (stem * (len(s) // len(stem) + 1))[:len(s)]

    def walk(node):
        if isinstance(node, dict):
            return {benign(k) if k.startswith("x_") else k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return benign(node) if isinstance(node, str) else node

    out = walk(doc)
    out["incident"]["id"] = "INC-" + "b" * (len(doc["incident"]["id"]) - 4)
    return out


def find_cli() -> Optional[str]:
    return os.environ.get("PM_CLI")


class HostileReport(unittest.TestCase):
    maxDiff = 4000

    @classmethod
    def setUpClass(cls) -> None:
        cls.cli = find_cli()
        if not cls.cli or not Path(cls.cli).exists():
            raise RuntimeError(f"PM_CLI must name the postmortem CLI (got {cls.cli!r})")
        out = os.environ.get("PM_REPORT_OUT")
        cls.out = Path(out) if out else Path(tempfile.mkdtemp(prefix="pm-hostile-"))
        cls.out.mkdir(parents=True, exist_ok=True)
        cls.doc = make_hostile.document()
        cls.doc_path = cls.out / "hostile.json"
        cls.doc_path.write_text(json.dumps(cls.doc, ensure_ascii=False, indent=1), encoding="utf-8")
        cls.twin_path = cls.out / "twin.json"
        cls.twin_path.write_text(json.dumps(twin(cls.doc), ensure_ascii=False, indent=1), encoding="utf-8")
        cls.reports: Dict[Tuple[str, str], str] = {}

    def report(self, which: str, fmt: str) -> str:
        """The report of "hostile" or "twin" in fmt, written with -o (cached)."""
        key = (which, fmt)
        if key not in self.reports:
            src = self.doc_path if which == "hostile" else self.twin_path
            dst = self.out / f"report-{which}.{fmt}"
            r = subprocess.run([self.cli, "report", "--format", fmt, "--as-of", AS_OF, "-o", str(dst),
                                str(src)], capture_output=True, timeout=300)
            self.assertEqual(r.returncode, 0, f"postmortem report --format {fmt} {src}: {r.stderr!r}")
            self.reports[key] = dst.read_bytes().decode("utf-8")  # strict: invalid UTF-8 fails
        return self.reports[key]

    def cmark(self, md: str, name: str) -> str:
        exe = shutil.which(os.environ.get("PM_CMARK_GFM", "cmark-gfm"))
        if not exe:
            self.fail(f"cmark-gfm is not installed; {HINT}")
        r = subprocess.run([exe, "--unsafe", "-e", "table", "-e", "autolink", "-e", "strikethrough"],
                           input=md.encode("utf-8"), capture_output=True, timeout=300)
        self.assertEqual(r.returncode, 0, r.stderr)
        html = r.stdout.decode("utf-8")
        (self.out / f"{name}.cmark.html").write_text(html, encoding="utf-8")
        return html

    # -- shared HTML checks -------------------------------------------------------------------

    def check_html(self, html: str, allowed_tags: set, what: str) -> Page:
        page = parse(html)
        problems = []
        for tag in sorted(set(page.tags) - allowed_tags):
            problems.append(f"tag <{tag}> is not allowed")
        for tag, name, value in page.attrs:
            if name.startswith("on"):
                problems.append(f"<{tag} {name}={value[:80]!r}>")
            if name in URL_ATTRS and not value.startswith("#"):
                problems.append(f"<{tag} {name}={value[:80]!r}>: only #fragment links")
            if name == "style" and re.search(r"url\s*\(|expression\s*\(|@import", value, re.I):
                problems.append(f"<{tag} style={value[:80]!r}>")
            if re.search(r"pwned|evil\.example", value):
                problems.append(f"document text in an attribute: <{tag} {name}={value[:120]!r}>")
        for kind, chunks in page.raw_text_of.items():
            for c in chunks:
                if kind == "style" and re.search(r"pwned|evil\.example|url\s*\(|@import", c, re.I):
                    problems.append(f"<style> holds {c[:120]!r}")
        for c in page.comments:
            if re.search(r"pwned|evil|unterminated|benign", c):
                problems.append(f"document text in a comment: <!--{c[:120]!r}-->")
        for d in page.decls:
            if d.lower() != "doctype html":
                problems.append(f"declaration or CDATA <!{d[:120]!r}>")
        low = html.lower()
        for m in RAW_MARKERS:
            i = low.find(m)
            if i >= 0:
                problems.append(f"raw {m!r}: …{html[max(0, i - 60):i + 100]!r}…")
        for i, cp in unsafe_chars(html, "\n\t\r")[:20]:
            problems.append(f"raw {cp} at {i}: …{html[max(0, i - 40):i + 40]!r}…")
        decoded = "".join(page.text)
        for i, cp in unsafe_chars(decoded, "\n\t\r")[:20]:
            problems.append(f"{cp} (from a character reference) in the text: …{decoded[max(0, i - 40):i + 40]!r}…")
        if problems:
            self.fail(f"{what}: {len(problems)} problem(s):\n  " + "\n  ".join(problems[:60]))
        return page

    def check_same_structure(self, hostile: Page, benign: Page, what: str) -> None:
        if hostile.tags != benign.tags:
            for i, (a, b) in enumerate(zip(hostile.tags, benign.tags)):
                if a != b:
                    break
            else:
                i = min(len(hostile.tags), len(benign.tags))
            self.fail(f"{what}: the hostile text changed the element structure at tag #{i}: "
                      f"hostile {hostile.tags[max(0, i - 5):i + 8]} vs benign {benign.tags[max(0, i - 5):i + 8]} "
                      f"({len(hostile.tags)} vs {len(benign.tags)} tags)")

    # -- the formats --------------------------------------------------------------------------

    def test_html(self) -> None:
        html = self.report("hostile", "html")
        page = self.check_html(html, HTML_TAGS, "HTML report")
        self.assertNotIn("script", page.tags)
        self.check_same_structure(page, parse(self.report("twin", "html")), "HTML report")
        # The text is all there, shown (one sample): the first hostile string, decoded.
        self.assertIn("<script>window.__pwned=1</script>", "".join(page.text))

    def cmark_of(self, which: str) -> str:
        key = (which, "cmark")
        if key not in self.reports:
            self.reports[key] = self.cmark(self.report(which, "md"), which)
        return self.reports[key]

    def test_markdown_text(self) -> None:
        md = self.report("hostile", "md")
        bad = unsafe_chars(md, "\n")
        self.assertEqual(bad[:10], [], f"raw characters in the Markdown, e.g. "
                                       f"{[md[max(0, i - 40):i + 40] for i, _ in bad[:3]]!r}")

    def test_markdown_html(self) -> None:
        page = self.check_html(self.cmark_of("hostile"), CMARK_TAGS,
                               "Markdown report rendered by cmark-gfm --unsafe")
        self.assertFalse({"a", "img"} & set(page.tags))

    def test_markdown_structure(self) -> None:
        # The one element document text may add: escape_markdown writes an e-mail address as a
        # code span, since GFM would otherwise link it whatever its escapes. Every code span in
        # the hostile report must hold exactly such an address; then, without them, the
        # structure is the benign twin's.
        hostile_html = self.cmark_of("hostile")
        spans = re.findall(r"<code>(.*?)</code>", hostile_html, re.S)
        self.assertTrue(spans, "the corpus has e-mail addresses: they should appear as code spans")
        for text in spans:
            self.assertRegex(text, r"^[A-Za-z0-9._+-]+@[A-Za-z0-9._-]+$", "a code span from document text")
        hostile, benign = parse(hostile_html), parse(self.cmark_of("twin"))
        hostile.tags = [t for t in hostile.tags if t != "code"]
        self.assertNotIn("code", benign.tags)
        self.check_same_structure(hostile, benign, "Markdown report rendered by cmark-gfm")

    def test_markdown_tables(self) -> None:
        self.check_tables(self.report("hostile", "md"), parse(self.cmark_of("hostile")))

    def check_tables(self, md: str, page: Page) -> None:
        # cmark's view: every <tr> has as many cells as the table's header row…
        # (a row's count is compared with the last header row, <th> cells, before it)
        header = None
        for row in page.rows:
            if row and all(c == "th" for c in row):
                header = len(row)
            elif header is not None:
                self.assertEqual(len(row), header, "a table row of the Markdown report (cmark) has "
                                                   f"{len(row)} cells, its header {header}")
        # …and the text's, counted as cmark-gfm splits rows.
        def cells(line: str) -> int:
            # As cmark-gfm splits a row: a pipe right after a backslash is escaped, whatever
            # precedes that backslash (GFM removes the pipe escapes before inline parsing).
            s = line.strip()
            n, prev, last_was_pipe = 0, "", False
            for ch in s:
                last_was_pipe = ch == "|" and prev != "\\"
                n += last_was_pipe
                prev = ch
            return n + 1 - s.startswith("|") - last_was_pipe
        lines = md.split("\n")
        for k in range(1, len(lines)):
            if re.fullmatch(r"\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*", lines[k]) and "|" in lines[k]:
                width = cells(lines[k - 1])
                self.assertEqual(cells(lines[k]), width, f"delimiter row {lines[k]!r}")
                j = k + 1
                while j < len(lines) and lines[j].strip().startswith("|"):
                    self.assertEqual(cells(lines[j]), width,
                                     f"Markdown table row has {cells(lines[j])} cells, header {width}: "
                                     f"{lines[j][:300]!r}")
                    j += 1

    def test_json_round_trip(self) -> None:
        bundle = json.loads(self.report("hostile", "json"))
        self.assertEqual(bundle["document"], self.doc)  # every hostile string, exactly
        self.assertIn(make_hostile.strings()[-1], bundle["document"]["incident"]["tags"])

    def test_terminal(self) -> None:
        for fmt in ("md", "json"):
            with self.subTest(format=fmt):
                r = subprocess.run([self.cli, "report", "--format", fmt, "--as-of", AS_OF, str(self.doc_path)],
                                   capture_output=True, timeout=300)
                self.assertEqual(r.returncode, 0, r.stderr)
                text = r.stdout.decode("utf-8")
                bad = unsafe_chars(text, "\n")
                self.assertEqual(bad[:10], [], f"raw control/bidi/invisible characters in `postmortem report "
                                               f"--format {fmt}` on stdout, e.g. "
                                               f"{[text[max(0, i - 30):i + 30] for i, _ in bad[:3]]!r}")
                self.assertNotIn("\x1b", text)
                if fmt == "json":
                    self.assertEqual(json.loads(text)["document"], self.doc)


if __name__ == "__main__":
    unittest.main()
