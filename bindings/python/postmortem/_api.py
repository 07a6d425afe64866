"""Documents, policies and findings: the Python face of the C API."""

from __future__ import annotations

import json
import os
from contextlib import contextmanager
from ctypes import byref
from dataclasses import dataclass
from typing import Any, Dict, Iterator, List, Literal, Mapping, Optional, Union

from . import _lib
from ._errors import (
    PM_EIO,
    PM_ERROR,
    Error,
    FileError,
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
