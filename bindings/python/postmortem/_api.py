"""Documents, policies and findings: the Python face of the C API."""

from __future__ import annotations

import json
import os
from contextlib import contextmanager
from ctypes import byref, c_double
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Dict, Iterator, List, Literal, Mapping, Optional, Sequence, Tuple, Union

from . import _lib
from ._errors import (
    PM_EFORMAT,
    PM_EINVALID,
    PM_EIO,
    PM_ERROR,
    Error,
    FileError,
    FormatError,
    InvalidArgumentError,
    LimitError,
    ParseError,
    VersionError,
)
from ._handles import Handle
from ._lib import DocHandle, FindingsHandle, PolicyHandle

#: A finding's severity.
Severity = Literal["error", "warning", "info"]

#: Text accepted wherever JSON is read: ``str`` (encoded as UTF-8) or bytes-like.
Text = Union[str, bytes, bytearray, memoryview]
#: A policy argument: a :class:`Policy`, a dict in the policy's JSON shape, or None for
#: the defaults.
PolicyLike = Union["Policy", Mapping[str, Any], None]
PathLike = Union[str, "os.PathLike[str]", "os.PathLike[bytes]", bytes]

#: Severity names in the order of the C constants PM_SEVERITY_ERROR (0), _WARNING, _INFO.
SEVERITIES = ("error", "warning", "info")

_PM_JSON_PRETTY = 1


def _utf8(text: Text, what: str) -> bytes:
    """The UTF-8 bytes of ``text`` (``str`` is encoded, bytes-like is taken as is)."""
    if isinstance(text, str):
        return text.encode("utf-8")
    if isinstance(text, (bytes, bytearray, memoryview)):
        return bytes(text)
    raise TypeError(f"{what} must be str or bytes, not {type(text).__name__}")


# --------------------------------------------------------------------------------------
# Policy


class Policy(Handle):
    """A policy: "now" (``as_of``), per-rule severities and the parser's limits.

    The JSON shape (every member optional)::

        {"as_of": "2024-06-01T00:00:00Z",
         "rules": {"PM109": "off", "PM102": "warning"},
         "limits": {"max_depth": 64, "max_document_bytes": 1073741824,
                    "max_string_bytes": 16777216, "max_collection_size": 10000000}}

    Wherever a policy is accepted, a dict of that shape or ``None`` (the defaults) works too.
    A policy may be shared between threads.
    """

    _kind = "Policy"

    def __init__(self, handle: PolicyHandle) -> None:
        """Wraps a handle; use :meth:`parse` or :meth:`from_dict` instead."""
        super().__init__(handle, _lib.lib().pm_policy_free)

    @classmethod
    def parse(cls, text: Text) -> "Policy":
        """Reads a policy from JSON text.

        :raises PolicyError: the text is not JSON, or names an unknown member, rule or
            severity, or a value has the wrong type or range (the message says which).
        """
        data = _utf8(text, "policy text")
        lib = _lib.lib()
        handle = PolicyHandle()
        lib.pm_policy_parse(byref(handle), data, len(data))
        return cls(handle)

    @classmethod
    def from_dict(cls, policy: Mapping[str, Any]) -> "Policy":
        """Builds a policy from a dict of the JSON shape (see the class docstring).

        :raises PolicyError: as :meth:`parse`.
        :raises TypeError, ValueError: the dict cannot be written as JSON.
        """
        if not isinstance(policy, Mapping):
            raise TypeError(f"policy must be a mapping, not {type(policy).__name__}")
        return cls.parse(json.dumps(dict(policy), allow_nan=False))


@contextmanager
def _as_policy(policy: PolicyLike) -> Iterator[Optional[Policy]]:
    """A Policy object (or None) for the duration of a block; dicts are converted once."""
    if policy is None or isinstance(policy, Policy):
        yield policy
    elif isinstance(policy, Mapping):
        with Policy.from_dict(policy) as converted:
            yield converted
    else:
        raise TypeError(f"policy must be a Policy, a dict or None, not {type(policy).__name__}")


@contextmanager
def _policy_handle(policy: PolicyLike) -> Iterator[Optional[PolicyHandle]]:
    """The C handle of a policy argument (NULL = defaults) for the duration of a block."""
    with _as_policy(policy) as converted:
        if converted is None:
            yield None
        else:
            with converted._borrow() as handle:
                yield handle


# --------------------------------------------------------------------------------------
# Finding


@dataclass(frozen=True)
class Finding:
    """One problem found in a document.

    :ivar code: the stable rule code, ``PM`` and three digits (``"PM102"``).
    :ivar severity: ``"error"``, ``"warning"`` or ``"info"``, after the policy's overrides.
    :ivar path: an RFC 6901 JSON Pointer into the document (``"/incident/title"``);
        ``""`` means the whole document.
    :ivar message: what is wrong, naming the values involved.
    :ivar hint: how to fix it, or None.
    """

    code: str
    severity: Severity
    path: str
    message: str
    hint: Optional[str] = None

    def to_dict(self) -> Dict[str, str]:
        """The finding in the library's JSON shape (``hint`` only when there is one)."""
        d = {"code": self.code, "severity": self.severity, "path": self.path,
             "message": self.message}
        if self.hint is not None:
            d["hint"] = self.hint
        return d


# --------------------------------------------------------------------------------------
# Metrics

#: The lifecycle metrics, in the order docs/metrics.md lists them.
METRIC_NAMES = ("dwell_time", "time_to_report", "time_to_contain", "time_to_eradicate",
                "time_to_recover", "total_duration")


class Metrics(dict):  # type: ignore[type-arg]
    """What :meth:`Document.metrics` returns: a plain ``dict`` of the library's metrics JSON
    (docs/metrics.md), with the members ``milestones``, ``metrics``, ``events``, ``types``,
    ``assets``, ``key_moments``, ``gaps`` and ``gap_threshold_hours``.

    A value that cannot be known is an absent key, never ``None`` or zero. As a shortcut, a
    metric's name indexes ``metrics``: ``m["dwell_time"]`` is ``m["metrics"]["dwell_time"]``
    (``{"seconds": 4970, "duration": "PT1H22M50S", "from": "started_at", ...}``) and raises
    ``KeyError`` when that metric is unknown.
    """

    def __missing__(self, key: str) -> Any:
        if key in METRIC_NAMES:
            metrics = dict.get(self, "metrics")
            if isinstance(metrics, dict) and key in metrics:
                return metrics[key]
        raise KeyError(key)


def _severity_name(value: int) -> Severity:
    try:
        return SEVERITIES[value]  # type: ignore[return-value]
    except IndexError:
        raise Error(PM_ERROR, f"the library returned an unknown severity {value}") from None


def _read_findings(lib: _lib.Library, findings: FindingsHandle) -> List[Finding]:
    result = []
    for i in range(lib.pm_findings_count(findings)):
        hint = lib.pm_findings_hint(findings, i)
        result.append(Finding(
            code=lib.pm_findings_code(findings, i),
            severity=_severity_name(lib.pm_findings_severity(findings, i)),
            path=lib.pm_findings_path(findings, i),
            message=lib.pm_findings_message(findings, i),
            hint=hint or None,
        ))
    return result


def _read_file(path: PathLike) -> bytes:
    """A file's bytes; failures raise FileError worded as pm_doc_load() words them."""
    fspath = os.fspath(path)
    try:
        with open(fspath, "rb") as f:
            return f.read()
    except OSError as e:
        raise FileError(PM_EIO, f"cannot open '{os.fsdecode(fspath)}': "
                                f"{e.strerror or e}") from e


# --------------------------------------------------------------------------------------
# Document


class Document(Handle):
    """A parsed ``postmortem/1`` document.

    Parsing is lenient and lossless: it fails only when the text is not JSON, ``schema`` is
    not a version this library reads, or a limit is exceeded; every other problem is a
    :class:`Finding` of :meth:`validate`. Use as a context manager, or call :meth:`close`;
    a forgotten document is freed when it is garbage-collected. A document may be read
    from several threads at once.

    >>> with Document.load("incident.json") as doc:          # doctest: +SKIP
    ...     for f in doc.validate():
    ...         print(f.code, f.severity, f.path, f.message)
    """

    _kind = "Document"

    def __init__(self, handle: DocHandle) -> None:
        """Wraps a handle; use :meth:`parse` or :meth:`load` instead."""
        super().__init__(handle, _lib.lib().pm_doc_free)

    @classmethod
    def parse(cls, text: Text, policy: PolicyLike = None) -> "Document":
        """Parses a document from JSON text.

        :param text: the JSON, as ``str`` or UTF-8 bytes (its length is passed, so bytes
            after a NUL are read too).
        :param policy: supplies the limits (nesting depth, sizes); None for the defaults.
        :raises ParseError: not JSON, or the top level is not an object; the message gives
            line, column and byte offset.
        :raises VersionError: ``schema`` is missing or not ``postmortem/1``.
        :raises LimitError: a limit of the policy is exceeded.
        """
        data = _utf8(text, "document text")
        lib = _lib.lib()
        handle = DocHandle()
        if policy is None:
            lib.pm_doc_parse(byref(handle), data, len(data))
        else:
            with _policy_handle(policy) as pol:
                lib.pm_doc_parse_opts(byref(handle), data, len(data), pol)
        return cls(handle)

    @classmethod
    def load(cls, path: PathLike, policy: PolicyLike = None) -> "Document":
        """Reads and parses a document file.

        :raises FileError: the file cannot be read (also an ``OSError``).
        :raises ParseError, VersionError, LimitError: as :meth:`parse`.
        """
        fspath = os.fspath(path)
        if policy is None:
            lib = _lib.lib()
            handle = DocHandle()
            lib.pm_doc_load(byref(handle), os.fsencode(fspath))
            return cls(handle)
        # The C API has no load-with-policy call: read here, parse with the policy's limits,
        # and word failures as pm_doc_load() does ("cannot open 'p': ...", "p: ...").
        data = _read_file(fspath)
        try:
            return cls.parse(data, policy)
        except (ParseError, VersionError, LimitError) as e:
            raise type(e)(e.code, f"{os.fsdecode(fspath)}: {e.message}") from None

    def to_json(self, pretty: bool = False) -> str:
        """The document as JSON, with every member it was read with (unknown members and
        ``x_`` extensions included); ``pretty`` indents it."""
        lib = _lib.lib()
        with self._borrow() as doc:
            return lib.call_string(lib.pm_doc_to_json, doc, _PM_JSON_PRETTY if pretty else 0)

    def to_dict(self) -> Dict[str, Any]:
        """The document as plain Python data (``json.loads(self.to_json())``)."""
        return json.loads(self.to_json())

    def validate(self, policy: PolicyLike = None) -> List[Finding]:
        """Checks the document against every rule the policy leaves on.

        :return: the findings, ordered by JSON Pointer in document order, then by code.
        :raises PolicyError: a dict policy that is not valid.
        """
        lib = _lib.lib()
        findings = FindingsHandle()
        with self._borrow() as doc, _policy_handle(policy) as pol:
            lib.pm_validate(byref(findings), doc, pol)
            try:
                return _read_findings(lib, findings)
            finally:
                lib.pm_findings_free(findings)

    def validate_json(self, policy: PolicyLike = None) -> str:
        """Like :meth:`validate`, as the library's JSON array of
        ``{code, severity, path, message, hint?}``."""
        lib = _lib.lib()
        findings = FindingsHandle()
        with self._borrow() as doc, _policy_handle(policy) as pol:
            lib.pm_validate(byref(findings), doc, pol)
            try:
                return lib.call_string(lib.pm_findings_to_json, findings)
            finally:
                lib.pm_findings_free(findings)

    def metrics(self, policy: PolicyLike = None) -> Metrics:
        """The lifecycle metrics and the timeline breakdown (docs/metrics.md): milestones
        (explicit or derived from the timeline), dwell time, time to report, contain,
        eradicate and recover, total duration, per event type and per asset spans, key
        moments, and the quiet gaps longer than the policy's ``max_gap_hours``.

        >>> m = doc.metrics()                                    # doctest: +SKIP
        >>> m["metrics"]["dwell_time"]["duration"], m["dwell_time"]["seconds"]  # doctest: +SKIP
        ('PT1H22M50S', 4970)

        :param policy: supplies ``thresholds.max_gap_hours`` (default 24); the result does
            not depend on ``as_of``.
        :return: a :class:`Metrics` (a dict); unknown values are absent keys.
        :raises PolicyError: a dict policy that is not valid.
        """
        return Metrics(json.loads(self.metrics_json(policy)))

    def metrics_json(self, policy: PolicyLike = None) -> str:
        """Like :meth:`metrics`, as the library's compact JSON text."""
        lib = _lib.lib()
        with self._borrow() as doc, _policy_handle(policy) as pol:
            return lib.call_string(lib.pm_metrics, doc, pol)

    def score(self, policy: PolicyLike = None) -> Dict[str, Any]:
        """The scores (docs/scoring.md): the incident's severity (0–100 and a tier
        ``critical`` … ``informational``), the post-mortem's quality (0–100), each action's
        priority (0–100 and ``P1``–``P4``, in document order) and each vulnerability's SSVC
        decision (``track``, ``track*``, ``attend``, ``act``). Every score lists its terms
        ``{name, input, level, weight, points, why}``; their points add up to the score.

        >>> s = doc.score()                                      # doctest: +SKIP
        >>> s["severity"]["score"], s["severity"]["tier"], s["actions"][0]["tier"]  # doctest: +SKIP
        (75.9, 'critical', 'P1')

        :param policy: supplies the weights and tier boundaries (``scoring``); the result
            does not depend on ``as_of``.
        :return: a dict with ``severity``, ``quality``, ``actions`` and ``vulnerabilities``.
        :raises PolicyError: a dict policy that is not valid.
        """
        return json.loads(self.score_json(policy))

    def score_json(self, policy: PolicyLike = None) -> str:
        """Like :meth:`score`, as the library's compact JSON text."""
        lib = _lib.lib()
        with self._borrow() as doc, _policy_handle(policy) as pol:
            return lib.call_string(lib.pm_score, doc, pol)

    def plan(self, policy: PolicyLike = None) -> Dict[str, Any]:
        """The prioritized remediation plan (docs/plan.md): the actions in the order to do
        them (after their unfinished dependencies; the highest priority first among the
        ready ones, ties by id; open before done and verified), each with its priority
        ``score`` and ``tier``, ``suggested_due`` (its own ``due``, else ``as_of`` + the SLA
        days of its tier), ``overdue``, ``unverified``, ``blocked_by`` and
        ``on_critical_path``; the dependency ``cycles`` with their members; the
        ``critical_path``; and ``counts``.

        >>> p = doc.plan({"as_of": "2024-06-20T00:00:00Z"})     # doctest: +SKIP
        >>> [i["id"] for i in p["items"]], p["overdue"], p["critical_path"]["actions"]  # doctest: +SKIP
        (['A2', 'A4', 'A5', 'A6', 'A3', 'A1'], ['A4'], ['A4', 'A6'])

        :param policy: supplies ``as_of`` (the day due dates count from; now when absent),
            ``plan.sla_days`` (default ``{"P1": 7, "P2": 30, "P3": 90, "P4": 180}``),
            ``thresholds.verify_within_days`` and the scoring settings.
        :return: a dict with ``as_of``, ``sla_days``, ``items``, ``cycles``,
            ``critical_path``, ``overdue``, ``unverified``, ``unknown_dependencies``,
            ``self_dependencies``, ``rejected`` and ``counts``.
        :raises PolicyError: a dict policy that is not valid.
        """
        result: Dict[str, Any] = json.loads(self.plan_json(policy))
        return result

    def plan_json(self, policy: PolicyLike = None) -> str:
        """Like :meth:`plan`, as the library's compact JSON text."""
        lib = _lib.lib()
        with self._borrow() as doc, _policy_handle(policy) as pol:
            return lib.call_string(lib.pm_plan, doc, pol)

    def render(self, format: str = "html", policy: PolicyLike = None) -> str:
        """The post-incident report (docs/report.md) as text: ``"markdown"`` (or ``"md"``),
        ``"html"`` (one self-contained file: inline CSS and SVG charts, no scripts) or
        ``"json"`` (the analysis bundle: document, findings, metrics, score and plan).

        Document text is escaped for each format. With a fixed ``as_of`` in the policy the
        output is the same, byte for byte, every time.

        >>> html = doc.render("html", {"as_of": "2024-06-01T00:00:00Z"})  # doctest: +SKIP
        >>> html.startswith("<!DOCTYPE html>")                            # doctest: +SKIP
        True

        :param format: one of :data:`REPORT_FORMATS`, or ``"md"``.
        :param policy: supplies ``as_of`` (the report's date; now when absent), thresholds
            and scoring settings.
        :raises FormatError: an unknown format.
        :raises PolicyError: a dict policy that is not valid.
        """
        code = _report_format(format)
        lib = _lib.lib()
        with self._borrow() as doc, _policy_handle(policy) as pol:
            return lib.call_string(lib.pm_render, doc, code, pol)

    def export(self, format: str, *, redact: Union[bool, Sequence[str]] = False,
               organization: Optional[str] = None) -> str:
        """The document in a sharing format (docs/interop.md): ``"veris"`` (VERIS 1.4 JSON)
        or ``"stix"`` (a STIX 2.1 bundle with TLP markings). Exporting twice gives the same
        text.

        >>> bundle = json.loads(doc.export("stix", redact=True))     # doctest: +SKIP

        :param format: one of :data:`EXPORT_FORMATS`.
        :param redact: ``True`` removes people's names, owners, participants, evidence
            locations and ``x_`` extensions first; a list of member paths such as
            ``["incident.summary", "timeline[].description"]`` removes those free-text
            members as well.
        :param organization: the organization the incident happened to (STIX identity,
            VERIS victim).
        :raises FormatError: an unknown format.
        :raises InvalidArgumentError: an unknown redaction path (the message suggests one).
        """
        if not isinstance(format, str):
            raise TypeError(f"format must be a str, not {type(format).__name__}")
        if format not in EXPORT_FORMATS:
            names = ", ".join(repr(n) for n in EXPORT_FORMATS)
            raise FormatError(PM_EFORMAT, f"unknown export format {format!r}; use one of {names}")
        options: Dict[str, Any] = {}
        if isinstance(redact, bool):
            if redact:
                options["redact"] = True
        elif isinstance(redact, (str, bytes)) or not isinstance(redact, Sequence):
            raise TypeError("redact must be a bool or a list of member paths")
        else:
            options["redact"] = {"fields": list(redact)}
        if organization is not None:
            options["organization"] = organization
        lib = _lib.lib()
        with self._borrow() as doc:
            return lib.call_string(lib.pm_export, doc, EXPORT_FORMATS.index(format) + 1,
                                   json.dumps(options).encode("utf-8"))

    def import_timeline(self, data: Text, format: str, *, strict: bool = False,
                        source: Optional[str] = None,
                        offsets: Optional[Mapping[str, Union[str, timedelta]]] = None,
                        time_zone: Optional[str] = None,
                        zone_abbreviations: Optional[Mapping[str, str]] = None,
                        dedupe_seconds: Union[float, timedelta, None] = None,
                        event_type: Optional[str] = None, id_prefix: Optional[str] = None,
                        columns: Optional[Mapping[str, str]] = None,
                        min_time: Optional[str] = None,
                        max_time: Optional[str] = None) -> Dict[str, Any]:
        """Appends the events of a forensic timeline to this document's timeline (after
        its own events, in time order) and returns the import report. Rows that repeat an
        event already there are counted as ``duplicates``, so importing a file twice adds
        nothing the second time. All or nothing: on failure the document is unchanged.

        The arguments are those of :func:`import_timeline`. This changes the document:
        calls on it from other threads wait until the import is done.

        :return: the report, e.g. ``{"format": "plaso_l2tcsv", "rows": 19, "imported": 19,
            "skipped": 0, "duplicates": 0, "problems": []}``.
        :raises FormatError, InvalidArgumentError: as :func:`import_timeline`.
        """
        options = _import_options(strict, source, offsets, time_zone, zone_abbreviations,
                                  dedupe_seconds, event_type, id_prefix, columns, min_time,
                                  max_time)
        return _import(_utf8(data, "timeline data"), _import_format(format), options, self)[1]

    def import_file(self, path: PathLike, format: str, *, strict: bool = False,
                    source: Optional[str] = None,
                    offsets: Optional[Mapping[str, Union[str, timedelta]]] = None,
                    time_zone: Optional[str] = None,
                    zone_abbreviations: Optional[Mapping[str, str]] = None,
                    dedupe_seconds: Union[float, timedelta, None] = None,
                    event_type: Optional[str] = None, id_prefix: Optional[str] = None,
                    columns: Optional[Mapping[str, str]] = None,
                    min_time: Optional[str] = None,
                    max_time: Optional[str] = None) -> Dict[str, Any]:
        """Like :meth:`import_timeline`, reading the timeline from a file.

        :raises FileError: the file cannot be read.
        :raises FormatError: as :func:`import_timeline`; the message starts with the path.
        """
        options = _import_options(strict, source, offsets, time_zone, zone_abbreviations,
                                  dedupe_seconds, event_type, id_prefix, columns, min_time,
                                  max_time)
        fmt = _import_format(format)
        return _import_from_file(path, fmt, options, self)[1]


# --------------------------------------------------------------------------------------
# Import

#: The sharing formats :meth:`Document.export` writes, in the order of the C constants
#: PM_EXPORT_VERIS (1), PM_EXPORT_STIX (2).
EXPORT_FORMATS = ("veris", "stix")

#: The C constant of a VERIS incident for pm_import().
_PM_IMPORT_VERIS = 5


def import_veris(data: Text) -> Document:
    """Reads a VERIS 1.3 or 1.4 incident (JSON) into a new ``postmortem/1`` document, mapped
    as docs/interop.md says; what has no place in postmortem/1 is kept under
    ``incident.x_veris``.

    >>> doc = import_veris(open("veris-incident.json").read())     # doctest: +SKIP

    :raises ParseError: not JSON.
    :raises FormatError: JSON, but not a VERIS incident.
    """
    payload = _utf8(data, "VERIS data")
    lib = _lib.lib()
    handle = DocHandle()
    lib.pm_import(byref(handle), _PM_IMPORT_VERIS, payload, len(payload), None)
    return Document(handle)


#: The report formats :meth:`Document.render` writes, in the order of the C constants
#: PM_FORMAT_MARKDOWN (1), PM_FORMAT_HTML (2), PM_FORMAT_JSON (3).
REPORT_FORMATS = ("markdown", "html", "json")


def _report_format(name: str) -> int:
    """The PM_FORMAT_* constant of a report format name (``"md"`` is ``"markdown"``)."""
    if not isinstance(name, str):
        raise TypeError(f"format must be a str, not {type(name).__name__}")
    key = "markdown" if name == "md" else name
    try:
        return REPORT_FORMATS.index(key) + 1
    except ValueError:
        names = ", ".join(repr(n) for n in REPORT_FORMATS)
        raise FormatError(PM_EFORMAT, f"unknown report format {name!r}; "
                                      f"use one of {names} (or 'md')") from None


#: The timeline formats :func:`import_timeline` reads, in the order of the C constants
#: PM_IMPORT_TIMESKETCH_CSV (1), _TIMESKETCH_JSONL (2), _PLASO_L2TCSV (3), _PLASO_DYNAMIC (4).
IMPORT_FORMATS = ("timesketch_csv", "timesketch_jsonl", "plaso_l2tcsv", "plaso_dynamic")


def _import_format(name: str) -> int:
    """The PM_IMPORT_* constant of a format name."""
    if not isinstance(name, str):
        raise TypeError(f"format must be a str, not {type(name).__name__}")
    try:
        return IMPORT_FORMATS.index(name) + 1
    except ValueError:
        names = ", ".join(repr(n) for n in IMPORT_FORMATS)
        raise FormatError(PM_EFORMAT, f"unknown timeline format {name!r}; "
                                      f"use one of {names}") from None


def _offset_text(value: Union[str, timedelta], source: str) -> str:
    """A clock offset as the library reads it: ``+HH:MM:SS`` (a timedelta is converted)."""
    if isinstance(value, str):
        return value
    if isinstance(value, timedelta):
        micros = (value.days * 86400 + value.seconds) * 1_000_000 + value.microseconds
        sign = "-" if micros < 0 else "+"
        seconds, fraction = divmod(abs(micros), 1_000_000)
        text = f"{sign}{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
        return text + (f".{fraction:06d}" if fraction else "")
    raise TypeError(f"offsets[{source!r}] must be a str such as '+00:05:00' or a "
                    f"datetime.timedelta, not {type(value).__name__}")


def _import_options(strict: bool, source: Optional[str],
                    offsets: Optional[Mapping[str, Union[str, timedelta]]],
                    time_zone: Optional[str], zone_abbreviations: Optional[Mapping[str, str]],
                    dedupe_seconds: Union[float, timedelta, None], event_type: Optional[str],
                    id_prefix: Optional[str], columns: Optional[Mapping[str, str]],
                    min_time: Optional[str], max_time: Optional[str]) -> Optional[bytes]:
    """The options as the C API's ``options_json``: only the members given (None when
    none is), so the library's defaults apply to the rest. The library checks the values."""
    options: Dict[str, Any] = {}
    if strict:
        options["strict"] = True
    if source is not None:
        options["source"] = source
    if offsets is not None:
        if not isinstance(offsets, Mapping):
            raise TypeError(f"offsets must be a mapping, not {type(offsets).__name__}")
        options["offsets"] = {k: _offset_text(v, k) for k, v in offsets.items()}
    if time_zone is not None:
        options["time_zone"] = time_zone
    if zone_abbreviations is not None:
        options["zone_abbreviations"] = dict(zone_abbreviations)
    if dedupe_seconds is not None:
        options["dedupe_seconds"] = (dedupe_seconds.total_seconds()
                                     if isinstance(dedupe_seconds, timedelta) else dedupe_seconds)
    if event_type is not None:
        options["event_type"] = event_type
    if id_prefix is not None:
        options["id_prefix"] = id_prefix
    if columns is not None:
        options["columns"] = dict(columns)
    if min_time is not None:
        options["min_time"] = min_time
    if max_time is not None:
        options["max_time"] = max_time
    if not options:
        return None
    return json.dumps(options, allow_nan=False).encode("utf-8")


def _import(data: bytes, fmt: int, options: Optional[bytes],
            into: Optional[Document]) -> Tuple[Document, Dict[str, Any]]:
    """pm_import_with_report: into a new document, or appended to ``into``."""
    lib = _lib.lib()
    if into is not None:
        with into._borrow_exclusive() as doc:
            handle = DocHandle(doc.value)  # the C call appends in place: the handle stays
            report = lib.call_string(lib.pm_import_with_report, byref(handle), fmt, data,
                                     len(data), options)
        return into, json.loads(report)
    handle = DocHandle()
    try:
        report = lib.call_string(lib.pm_import_with_report, byref(handle), fmt, data, len(data),
                                 options)
    except BaseException:
        if handle:  # the import succeeded but its report could not be read
            lib.pm_doc_free(handle)
        raise
    return Document(handle), json.loads(report)


def _import_from_file(path: PathLike, fmt: int, options: Optional[bytes],
                      into: Optional[Document]) -> Tuple[Document, Dict[str, Any]]:
    data = _read_file(path)
    try:
        return _import(data, fmt, options, into)
    except FormatError as e:  # the data is not that format, or a strict-mode row: say which file
        raise FormatError(e.code, f"{os.fsdecode(os.fspath(path))}: {e.message}") from None


def import_timeline(data: Text, format: str, *, strict: bool = False,
                    source: Optional[str] = None,
                    offsets: Optional[Mapping[str, Union[str, timedelta]]] = None,
                    time_zone: Optional[str] = None,
                    zone_abbreviations: Optional[Mapping[str, str]] = None,
                    dedupe_seconds: Union[float, timedelta, None] = None,
                    event_type: Optional[str] = None, id_prefix: Optional[str] = None,
                    columns: Optional[Mapping[str, str]] = None,
                    min_time: Optional[str] = None,
                    max_time: Optional[str] = None) -> Tuple[Document, Dict[str, Any]]:
    """Imports a forensic timeline into a new document.

    The document has ``schema``, a skeleton ``incident`` (an ``id`` and a ``title`` to
    complete) and one timeline event per row: its UTC time, a description (the row's
    message), a source, a deterministic id, and the row's other columns as ``x_`` members.
    docs/import.md describes the column mappings and every option. To add the events to a
    document you have, use :meth:`Document.import_timeline`.

    >>> doc, report = import_timeline(csv_text, "timesketch_csv")   # doctest: +SKIP
    >>> report["imported"], report["skipped"]                       # doctest: +SKIP
    (3, 1)

    :param data: the timeline, as ``str`` or UTF-8 bytes.
    :param format: ``"timesketch_csv"``, ``"timesketch_jsonl"``, ``"plaso_l2tcsv"`` or
        ``"plaso_dynamic"`` (:data:`IMPORT_FORMATS`).
    :param strict: fail on the first row that cannot be read (:class:`FormatError`, with
        its line and column) instead of skipping it and counting it in the report.
    :param source: the ``source`` of every event; by default taken from the row.
    :param offsets: clock corrections per event source, added to every time from that
        source: ``{"syslog": "+00:05:00"}`` (or a :class:`datetime.timedelta`) moves a
        clock that runs five minutes slow to true time.
    :param time_zone: zone of times written without an offset: an IANA name
        (``"Europe/Berlin"``), an abbreviation (``"CET"``) or an offset (``"+05:30"``).
        The default is UTC.
    :param zone_abbreviations: additions to and overrides of the abbreviation table, e.g.
        ``{"IST": "+01:00"}``.
    :param dedupe_seconds: also merge events with the same source and description whose
        times differ by at most this many seconds (exact repeats are always merged).
    :param event_type: the ``type`` of every event (default ``"other"``).
    :param id_prefix: the start of every generated id (default ``"ts"`` or ``"plaso"``).
    :param columns: column names to use instead of the format's own, e.g.
        ``{"datetime": "DT"}``.
    :param min_time, max_time: RFC 3339 timestamps; times outside the range are
        unreadable rows (defaults: 1970-01-01T00:00:00Z and 9999-12-31T23:59:59Z).
    :return: ``(document, report)``. The report is a dict: ``format``, ``rows`` (data rows
        read), ``imported``, ``skipped``, ``duplicates``, and ``problems``, the first rows
        that could not be read as ``{"line", "column", "field", "message"}``.
    :raises FormatError: an unknown format name, data not in that format (no header, a
        mandatory column missing), or in strict mode an unreadable row.
    :raises InvalidArgumentError: an option the library does not accept (the message
        names it), e.g. an unknown time zone.
    """
    options = _import_options(strict, source, offsets, time_zone, zone_abbreviations,
                              dedupe_seconds, event_type, id_prefix, columns, min_time, max_time)
    return _import(_utf8(data, "timeline data"), _import_format(format), options, None)


def import_file(path: PathLike, format: str, *, strict: bool = False,
                source: Optional[str] = None,
                offsets: Optional[Mapping[str, Union[str, timedelta]]] = None,
                time_zone: Optional[str] = None,
                zone_abbreviations: Optional[Mapping[str, str]] = None,
                dedupe_seconds: Union[float, timedelta, None] = None,
                event_type: Optional[str] = None, id_prefix: Optional[str] = None,
                columns: Optional[Mapping[str, str]] = None,
                min_time: Optional[str] = None,
                max_time: Optional[str] = None) -> Tuple[Document, Dict[str, Any]]:
    """Like :func:`import_timeline`, reading the timeline from a file.

    >>> doc, report = import_file("l2tcsv.log", "plaso_l2tcsv")   # doctest: +SKIP

    :raises FileError: the file cannot be read.
    :raises FormatError: as :func:`import_timeline`; the message starts with the path.
    """
    options = _import_options(strict, source, offsets, time_zone, zone_abbreviations,
                              dedupe_seconds, event_type, id_prefix, columns, min_time, max_time)
    fmt = _import_format(format)
    return _import_from_file(path, fmt, options, None)


# --------------------------------------------------------------------------------------
# CVSS


def _cvss_vector(vector: Union[str, bytes]) -> bytes:
    """The vector as NUL-terminated UTF-8 for the C API; an embedded NUL would cut it short
    there (and score only its start), so it is refused here."""
    if not isinstance(vector, (str, bytes)):
        raise TypeError(f"vector must be str or bytes, not {type(vector).__name__}")
    data = _utf8(vector, "vector")
    if b"\0" in data:
        raise InvalidArgumentError(PM_EINVALID, "CVSS vector: contains a NUL character")
    return data


def cvss(vector: Union[str, bytes]) -> Dict[str, Any]:
    """Scores a CVSS v3.0, v3.1 or v4.0 vector exactly as the FIRST specifications do
    (docs/cvss.md).

    >>> pm.cvss("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")   # doctest: +SKIP
    {'version': '3.1', 'vector': 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 'base': 9.8, 'severity': 'Critical'}

    :return: a dict with ``version`` (``"3.0"``, ``"3.1"`` or ``"4.0"``), ``vector``
        (normalised: metrics in the specification's order), ``base``, ``severity``
        (``"None"`` … ``"Critical"`` of the most specific score), and, when they apply,
        ``temporal`` and ``environmental`` (v3: a temporal or environmental metric is
        given), ``overall`` (v4: the CVSS-BT/BE/BTE score) and ``macro_vector`` (v4: the six
        EQ digits, e.g. ``"000200"``). Absent values are absent keys.
    :raises InvalidArgumentError: the vector is not valid (an unknown prefix, an unknown or
        duplicate metric, a value the metric does not take, a missing base metric); the
        message names the metric. It is also a ``ValueError``.
    :raises TypeError: ``vector`` is neither ``str`` nor ``bytes``.
    """
    data = _cvss_vector(vector)
    lib = _lib.lib()
    return json.loads(lib.call_string(lib.pm_cvss_score, data))


def cvss_base(vector: Union[str, bytes]) -> float:
    """The base score of a CVSS vector (v4.0: the CVSS-B score, from the base metrics only),
    e.g. ``9.8`` for ``"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"``. The whole vector
    is checked, as :func:`cvss` checks it.

    :raises InvalidArgumentError: as :func:`cvss`.
    :raises TypeError: ``vector`` is neither ``str`` nor ``bytes``.
    """
    data = _cvss_vector(vector)
    out = c_double(0.0)
    _lib.lib().pm_cvss_base(byref(out), data)
    return out.value


# --------------------------------------------------------------------------------------
# Linting helpers


def _unparsable(e: Error) -> List[Finding]:
    """The finding a lint run reports for a document that cannot be parsed (DESIGN.md):
    PM100 for a parse error or an exceeded limit, PM101 for a schema version error."""
    code = "PM101" if isinstance(e, VersionError) else "PM100"
    return [Finding(code=code, severity="error", path="", message=e.message)]


def check_file(path: PathLike, policy: PolicyLike = None) -> List[Finding]:
    """Lints a document file: its findings, or, when it cannot be parsed, one finding
    ``PM100`` (not JSON, or a limit exceeded) or ``PM101`` (wrong or missing ``schema``)
    with path ``""`` and the library's message, so every problem reads the same way (as
    the CLI's ``postmortem check`` reports it; the file name is the caller's to show).

    :raises FileError: the file cannot be read (that is not a finding of the document).
    :raises PolicyError: the policy is not valid.
    """
    return check_text(_read_file(path), policy)


def check_text(text: Text, policy: PolicyLike = None) -> List[Finding]:
    """Like :func:`check_file`, for a document given as text."""
    with _as_policy(policy) as pol:
        try:
            doc = Document.parse(text, pol)
        except (ParseError, LimitError, VersionError) as e:
            return _unparsable(e)
        with doc:
            return doc.validate(pol)


# --------------------------------------------------------------------------------------
# Versions


def version() -> str:
    """The C library's version string, e.g. ``"0.1.0"``."""
    return _lib.lib().pm_version_string()


def version_number() -> int:
    """The C library's version as MAJOR*10000 + MINOR*100 + PATCH."""
    return int(_lib.lib().pm_version_number())


def abi_version() -> int:
    """The C library's ABI number (the SONAME version)."""
    return int(_lib.lib().pm_abi_version())


def library_path() -> str:
    """Where the C library was loaded from."""
    return _lib.lib().path
