#!/usr/bin/env python3
"""Builds the hostile postmortem/1 document of the report tests.

Takes tests/data/examples/network-breach-vpn-appliance.json, adds the optional free-text
members it lacks, and puts the strings of tests/data/report/hostile-strings.txt into EVERY
free-text string (titles, summaries, descriptions, names, owners, notes, why-chains, lessons,
evidence locations, custody, tags, sources, ticket fields, x_ members…). Enum values,
timestamps, dates, hashes, CVSS vectors and id references stay valid, so the document
parses; the incident id is hostile too (within its rule: 1-128 bytes, no C0 controls or DEL).
Every hostile string appears at least once (all of them are in incident.tags).

Usage: make_hostile.py [-o OUT.json]   (stdout by default). Deterministic output.
Importable: strings() and document().
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import sys
from pathlib import Path
from typing import Any, Iterator, List

REPO = Path(__file__).resolve().parents[2]
STRINGS = REPO / "tests" / "data" / "report" / "hostile-strings.txt"
BASE = REPO / "tests" / "data" / "examples" / "network-breach-vpn-appliance.json"

_ESCAPE = re.compile(r"\\(x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|[nrt\\])")
_SIMPLE = {"n": "\n", "r": "\r", "t": "\t", "\\": "\\"}


def _expand(line: str) -> str:
    def sub(m: "re.Match[str]") -> str:
        e = m.group(1)
        return _SIMPLE[e] if e in _SIMPLE else chr(int(e[1:], 16))
    return _ESCAPE.sub(sub, line)


def _long_word(n: int) -> str:
    unit = "A" * 63 + "\u00e9"  # 65 bytes: ASCII and a 2-byte letter, never a space
    word = (unit * (n // 65 + 1)).encode("utf-8")[:n]
    return word.decode("utf-8", errors="ignore")


def strings() -> List[str]:
    """The hostile strings, escapes expanded, in file order."""
    lines = STRINGS.read_text(encoding="utf-8").split("\n")
    body = lines[lines.index("") + 1:]
    out = []
    for line in body:
        if not line:
            continue
        m = re.fullmatch(r"@long-word (\d+)", line)
        out.append(_long_word(int(m.group(1))) if m else _expand(line))
    return out


# Members whose strings are not free text: enums, times, dates, hashes, vectors, references.
_NOT_TEXT = {
    "schema", "id", "category", "determination", "declared_severity", "status",
    "discovery_method", "techniques", "technique", "confidentiality", "integrity",
    "availability", "rating", "data_types", "recoverability", "currency", "type",
    "criticality", "data_classification", "compromised", "cvss", "time", "precision",
    "sha256", "collected_at", "action", "kind", "due", "date", "completed_at", "result",
    "held_at", "next_review", "remediated_at", "asset_ids", "evidence_ids", "event_ids",
    "addresses", "depends_on", "action_ids", "tlp", "motive", "started_at", "url",
}


def _add_optional_text(doc: dict) -> None:
    """Adds the optional free-text members the sample lacks (placeholders, replaced later)."""
    inc = doc["incident"]
    inc["actor"] = {"type": "external", "motive": "financial", "name": "t"}
    inc["impact"]["notes"] = "t"
    inc["impact"]["regulatory"] = ["t", "t"]
    inc["x_note"] = "t"
    doc["x_top"] = {"nested": ["t", {"deep": "t"}]}
    doc["x_<img src=x onerror=window.__pwned=1>"] = "t"
    for a in doc["assets"]:
        a["x_note"] = "t"
    for e in doc["timeline"]:
        e.setdefault("source", "t")
        e.setdefault("actor", "t")
        e.setdefault("tactic", "t")
    for ev in doc["evidence"]:
        ev.setdefault("location", "t")
        for c in ev.get("custody", []):
            c["notes"] = "t"
            c.setdefault("to", "t") if c.get("action") == "transferred" else None
    doc.setdefault("indicators", [])
    doc["indicators"] += [
        {"id": "ioc-1", "type": "file_name", "value": "t", "description": "t"},
        {"id": "ioc-2", "type": "process_name", "value": "t", "description": "t"},
        {"id": "ioc-3", "type": "other", "value": "t"},
    ]
    for f in doc["factors"]:
        f["description"] = "t"
        f.setdefault("why", ["t", "t"])
        f["tags"] = ["t", "t"]
        f.setdefault("control", "t")
    for i, act in enumerate(doc["actions"]):
        act["description"] = "t"
        act["team"] = "t"
        act["ticket"] = {"system": "t", "key": "t"}
        act.setdefault("verification", [])
        for v in act["verification"]:
            v["notes"] = "t"
    # URLs are kept out of the free-text cycle, but hostile schemes are valid URIs.
    urls = ["javascript:window.__pwned=1", "https://evil.example/ticket\"><script>window.__pwned=1</script>",
            "data:text/html,<script>window.__pwned=1</script>", "JAVASCRIPT:window.__pwned=1",
            "https://evil.example/a?b=<img src=x onerror=window.__pwned=1>", "vbscript:msgbox(1)"]
    for act, url in zip(doc["actions"], urls):
        act["ticket"]["url"] = url
    for p in doc["participants"]:
        p["x_note"] = "t"
    doc["review"]["questions"] = [{"question": "t", "answer": "t"}, {"question": "t"}]
    doc["review"]["x_note"] = "t"
    for le in doc["lessons"]:
        le["x_note"] = "t"


def _text_slots(node: Any, key: str = "") -> Iterator[tuple]:
    """(container, index-or-key) of every free-text string, in document order."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k in _NOT_TEXT:
                continue
            if isinstance(v, str):
                yield node, k
            else:
                yield from _text_slots(v, k)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            if isinstance(v, str):
                yield node, i
            else:
                yield from _text_slots(v, key)


def document() -> dict:
    """The hostile document (a fresh dict)."""
    doc = copy.deepcopy(json.loads(BASE.read_text(encoding="utf-8")))
    _add_optional_text(doc)
    hostile = strings()
    slots = list(_text_slots(doc))
    for n, (container, k) in enumerate(slots):
        container[k] = hostile[n % len(hostile)]
    # Every string at least once, wherever the cycle ended.
    doc["incident"]["tags"] = list(hostile)
    # A URL indicator must hold an absolute URL: hostile, but a URL.
    doc["indicators"].append({"id": "ioc-url", "type": "url", "description": hostile[0],
                              "value": "https://evil.example/\"><script>window.__pwned=1</script>"})
    # Required texts are non-empty (all hostile strings are); the incident id has its own rule.
    doc["incident"]["id"] = "INC-<script>window.__pwned=1</script>\" onmouseover=\"x\u202e\u2066|`*_[x](javascript:y)"
    return doc


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-o", "--output", type=Path)
    args = ap.parse_args()
    text = json.dumps(document(), ensure_ascii=False, indent=1) + "\n"
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
