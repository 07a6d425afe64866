"""Finding, loading and declaring the C library ``libpostmortem``.

Search order (the first that applies wins):

1. ``PM_LIBRARY``: the full path of the library. When set, nothing else is tried.
2. ``PM_LIBRARY_PATH``: a directory holding it. When set, nothing else is tried.
3. The package's own ``_lib/`` folder (filled by the wheel build when
   ``PM_BUNDLE_LIBRARY`` names a built library). Note: that folder has no
   ``__init__.py``, so ``import postmortem._lib`` still finds this module.
4. The system: ``ctypes.util.find_library("postmortem")``.

Right after loading, ``pm_abi_version()`` is compared with :data:`ABI_VERSION`, then every
function of :data:`_FUNCS` is declared; a missing one means the library is older or newer
than these bindings. Both raise :class:`~postmortem.LibraryMismatch`.

The library is loaded once, lazily, on first use (:func:`lib`), so ``import postmortem``
works even where the library is missing and ``postmortem.LibraryNotFound`` can be caught.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys
import threading
from ctypes import (
    CFUNCTYPE,
    POINTER,
    Structure,
    byref,
    c_char_p,
    c_double,
    c_int,
    c_size_t,
    c_uint,
    c_uint64,
    c_void_p,
)
from pathlib import Path
from typing import Any, Callable, List, Optional, Sequence, Tuple

from ._errors import (
    PM_ERROR,
    Error,
    LibraryMismatch,
    LibraryNotFound,
    make_error,
)

#: The ABI number these bindings are written for; ``pm_abi_version()`` must return it.
ABI_VERSION = 1

ENV_LIBRARY = "PM_LIBRARY"
ENV_LIBRARY_PATH = "PM_LIBRARY_PATH"

_PACKAGE_LIB_DIR = Path(__file__).resolve().parent / "_lib"


def library_file_names() -> List[str]:
    """File names the library may have on this platform, most usual first."""
    if sys.platform == "win32":
        return ["postmortem.dll", "libpostmortem.dll"]
    if sys.platform == "darwin":
        return ["libpostmortem.dylib", f"libpostmortem.{ABI_VERSION}.dylib"]
    return ["libpostmortem.so", f"libpostmortem.so.{ABI_VERSION}"]


# --------------------------------------------------------------------------------------
# C types


class PmError(Structure):
    """``typedef struct pm_error { int code; const char *message; } pm_error;``"""

    _fields_ = [("code", c_int), ("message", c_char_p)]


class DocHandle(c_void_p):
    """``pm_doc *``"""


class PolicyHandle(c_void_p):
    """``pm_policy *``"""


class FindingsHandle(c_void_p):
    """``pm_findings *``"""


class CorpusHandle(c_void_p):
    """``pm_corpus *``"""


#: ``typedef void (*pm_progress_fn)(uint64_t documents, uint64_t bad, uint64_t bytes_read,
#: uint64_t bytes_total, void *payload);`` A Python function wrapped in it must be kept
#: referenced for as long as the C call that uses it runs.
ProgressFn = CFUNCTYPE(None, c_uint64, c_uint64, c_uint64, c_uint64, c_void_p)


#: ``char *`` that the library allocates and the caller frees with ``pm_free``. Declared as
#: c_void_p so ctypes keeps the pointer (c_char_p would copy and lose it: a leak).
OwnedStr = c_void_p


# --------------------------------------------------------------------------------------
# errcheck functions. Each runs on the calling thread right after the call, so
# pm_error_last() still describes that call.


def _library_of(func: Any) -> "Library":
    return func._pm_library  # set by Library._declare


def _check(rc: int, func: Any, args: Tuple[Any, ...]) -> int:
    """errcheck of every ``int``-returning function: a negative code raises."""
    if rc < 0:
        raise _library_of(func).error_for(rc)
    return rc


def _check_borrowed(result: Optional[bytes], func: Any, args: Tuple[Any, ...]) -> str:
    """errcheck of accessors returning a borrowed ``const char *``: NULL raises the error
    the accessor recorded (PM_EINVALID for a NULL handle or an index out of range)."""
    if result is None:
        lib = _library_of(func)
        code = lib.pm_error_last().contents.code
        raise lib.error_for(code if code < 0 else PM_ERROR, f"{func.__name__} returned NULL")
    return result.decode("utf-8")


def _static_str(result: Optional[bytes], func: Any, args: Tuple[Any, ...]) -> str:
    """errcheck of functions returning static text (never NULL by contract)."""
    return "" if result is None else result.decode("utf-8")


Decl = Tuple[str, Sequence[Any], Any, Optional[Callable[..., Any]]]

#: Every C function the bindings use: (name, argtypes, restype, errcheck). The C
#: declaration is the comment above each line; out-parameters always come first.
_FUNCS: List[Decl] = [
    # const pm_error *pm_error_last(void);
    ("pm_error_last", [], POINTER(PmError), None),
    # const char *pm_status_str(int code);
    ("pm_status_str", [c_int], c_char_p, _static_str),
    # void pm_free(void *p);
    ("pm_free", [c_void_p], None, None),
    # unsigned pm_version_number(void);
    ("pm_version_number", [], c_uint, None),
    # const char *pm_version_string(void);
    ("pm_version_string", [], c_char_p, _static_str),
    # int pm_abi_version(void);
    ("pm_abi_version", [], c_int, None),
    # int pm_policy_parse(pm_policy **out, const char *json, size_t len);
    ("pm_policy_parse", [POINTER(PolicyHandle), c_char_p, c_size_t], c_int, _check),
    # void pm_policy_free(pm_policy *policy);
    ("pm_policy_free", [PolicyHandle], None, None),
    # int pm_doc_parse(pm_doc **out, const char *json, size_t len);
    ("pm_doc_parse", [POINTER(DocHandle), c_char_p, c_size_t], c_int, _check),
    # int pm_doc_parse_opts(pm_doc **out, const char *json, size_t len, const pm_policy *policy);
    ("pm_doc_parse_opts", [POINTER(DocHandle), c_char_p, c_size_t, PolicyHandle], c_int, _check),
    # int pm_doc_load(pm_doc **out, const char *path);
    ("pm_doc_load", [POINTER(DocHandle), c_char_p], c_int, _check),
    # int pm_doc_to_json(char **out, size_t *out_len, const pm_doc *doc, unsigned flags);
    ("pm_doc_to_json", [POINTER(OwnedStr), POINTER(c_size_t), DocHandle, c_uint], c_int, _check),
    # void pm_doc_free(pm_doc *doc);
    ("pm_doc_free", [DocHandle], None, None),
    # int pm_validate(pm_findings **out, const pm_doc *doc, const pm_policy *policy);
    ("pm_validate", [POINTER(FindingsHandle), DocHandle, PolicyHandle], c_int, _check),
    # size_t pm_findings_count(const pm_findings *findings);
    ("pm_findings_count", [FindingsHandle], c_size_t, None),
    # const char *pm_findings_code(const pm_findings *findings, size_t i);
    ("pm_findings_code", [FindingsHandle, c_size_t], c_char_p, _check_borrowed),
    # int pm_findings_severity(const pm_findings *findings, size_t i);
    ("pm_findings_severity", [FindingsHandle, c_size_t], c_int, _check),
    # const char *pm_findings_path(const pm_findings *findings, size_t i);
    ("pm_findings_path", [FindingsHandle, c_size_t], c_char_p, _check_borrowed),
    # const char *pm_findings_message(const pm_findings *findings, size_t i);
    ("pm_findings_message", [FindingsHandle, c_size_t], c_char_p, _check_borrowed),
    # const char *pm_findings_hint(const pm_findings *findings, size_t i);  /* "" if none */
    ("pm_findings_hint", [FindingsHandle, c_size_t], c_char_p, _check_borrowed),
    # int pm_findings_to_json(char **out, size_t *out_len, const pm_findings *findings);
    ("pm_findings_to_json", [POINTER(OwnedStr), POINTER(c_size_t), FindingsHandle], c_int, _check),
    # void pm_findings_free(pm_findings *findings);
    ("pm_findings_free", [FindingsHandle], None, None),
    # int pm_metrics(char **out, size_t *out_len, const pm_doc *doc, const pm_policy *policy);
    ("pm_metrics", [POINTER(OwnedStr), POINTER(c_size_t), DocHandle, PolicyHandle], c_int, _check),
    # int pm_score(char **out, size_t *out_len, const pm_doc *doc, const pm_policy *policy);
    ("pm_score", [POINTER(OwnedStr), POINTER(c_size_t), DocHandle, PolicyHandle], c_int, _check),
    # int pm_plan(char **out, size_t *out_len, const pm_doc *doc, const pm_policy *policy);
    ("pm_plan", [POINTER(OwnedStr), POINTER(c_size_t), DocHandle, PolicyHandle], c_int, _check),
    # int pm_export(char **out, size_t *out_len, const pm_doc *doc, int format,
    #               const char *options_json);
    ("pm_export", [POINTER(OwnedStr), POINTER(c_size_t), DocHandle, c_int, c_char_p], c_int,
     _check),
    # int pm_render(char **out, size_t *out_len, const pm_doc *doc, int format,
    #               const pm_policy *policy);
    ("pm_render", [POINTER(OwnedStr), POINTER(c_size_t), DocHandle, c_int, PolicyHandle], c_int,
     _check),
    # int pm_cvss_score(char **out, size_t *out_len, const char *vector);
    ("pm_cvss_score", [POINTER(OwnedStr), POINTER(c_size_t), c_char_p], c_int, _check),
    # int pm_cvss_base(double *out, const char *vector);
    ("pm_cvss_base", [POINTER(c_double), c_char_p], c_int, _check),
    # int pm_import(pm_doc **out, int format, const char *data, size_t len,
    #               const char *options_json);
    ("pm_import", [POINTER(DocHandle), c_int, c_char_p, c_size_t, c_char_p], c_int, _check),
    # int pm_import_into(pm_doc *doc, int format, const char *data, size_t len,
    #                    const char *options_json);
    ("pm_import_into", [DocHandle, c_int, c_char_p, c_size_t, c_char_p], c_int, _check),
    # int pm_import_with_report(char **report, size_t *report_len, pm_doc **doc, int format,
    #                           const char *data, size_t len, const char *options_json);
    ("pm_import_with_report",
     [POINTER(OwnedStr), POINTER(c_size_t), POINTER(DocHandle), c_int, c_char_p, c_size_t,
      c_char_p], c_int, _check),
    # int pm_corpus_new(pm_corpus **out, const pm_policy *policy, const char *options_json);
    ("pm_corpus_new", [POINTER(CorpusHandle), PolicyHandle, c_char_p], c_int, _check),
    # int pm_corpus_add_doc(pm_corpus *corpus, const pm_doc *doc, const char *source);
    ("pm_corpus_add_doc", [CorpusHandle, DocHandle, c_char_p], c_int, _check),
    # int pm_corpus_add_json(pm_corpus *corpus, const char *json, size_t len,
    #                        const char *source);
    ("pm_corpus_add_json", [CorpusHandle, c_char_p, c_size_t, c_char_p], c_int, _check),
    # int pm_corpus_add_ndjson(pm_corpus *corpus, const char *data, size_t len,
    #                          const char *source, pm_progress_fn progress, void *payload);
    ("pm_corpus_add_ndjson", [CorpusHandle, c_char_p, c_size_t, c_char_p, ProgressFn, c_void_p],
     c_int, _check),
    # int pm_corpus_add_path(pm_corpus *corpus, const char *path, pm_progress_fn progress,
    #                        void *payload);
    ("pm_corpus_add_path", [CorpusHandle, c_char_p, ProgressFn, c_void_p], c_int, _check),
    # int pm_corpus_merge(pm_corpus *into, const pm_corpus *from);
    ("pm_corpus_merge", [CorpusHandle, CorpusHandle], c_int, _check),
    # int pm_corpus_analyze(char **out, size_t *out_len, const pm_corpus *corpus,
    #                       const char *options_json);
    ("pm_corpus_analyze", [POINTER(OwnedStr), POINTER(c_size_t), CorpusHandle, c_char_p], c_int,
     _check),
    # int pm_corpus_to_json(char **out, size_t *out_len, const pm_corpus *corpus);
    ("pm_corpus_to_json", [POINTER(OwnedStr), POINTER(c_size_t), CorpusHandle], c_int, _check),
    # int pm_corpus_from_json(pm_corpus **out, const char *json, size_t len,
    #                         const pm_policy *policy, const char *options_json);
    ("pm_corpus_from_json",
     [POINTER(CorpusHandle), c_char_p, c_size_t, PolicyHandle, c_char_p], c_int, _check),
    # int pm_corpus_count(const pm_corpus *corpus, uint64_t *documents, uint64_t *bad);
    ("pm_corpus_count", [CorpusHandle, POINTER(c_uint64), POINTER(c_uint64)], c_int, _check),
    # void pm_corpus_free(pm_corpus *corpus);
    ("pm_corpus_free", [CorpusHandle], None, None),
]


# --------------------------------------------------------------------------------------
# The loaded library


class Library:
    """A loaded ``libpostmortem`` with every function of :data:`_FUNCS` declared as an
    attribute (``lib.pm_doc_parse(...)``)."""

    #: Where it was loaded from (a path, or a bare name found by ``find_library``).
    path: str

    def __init__(self, dll: ctypes.CDLL, path: str) -> None:
        self._dll = dll
        self.path = path
        abi = self._declare("pm_abi_version", [], c_int, None)()
        check_abi(abi, path)
        for name, argtypes, restype, errcheck in _FUNCS:
            setattr(self, name, self._declare(name, argtypes, restype, errcheck))

    def _declare(self, name: str, argtypes: Sequence[Any], restype: Any,
                 errcheck: Optional[Callable[..., Any]]) -> Any:
        try:
            func = getattr(self._dll, name)
        except AttributeError:
            raise LibraryMismatch(
                PM_ERROR,
                f"bindings/library version mismatch: {self.path} has no function {name}; "
                f"these bindings (ABI {ABI_VERSION}) need a libpostmortem that provides it",
            ) from None
        func.argtypes = list(argtypes)
        func.restype = restype
        if errcheck is not None:
            func.errcheck = errcheck
        func._pm_library = self
        return func

    def error_for(self, rc: int, fallback: Optional[str] = None) -> Error:
        """The exception for status ``rc``, carrying ``pm_error_last()``'s message when that
        describes this failure, else the code's static text."""
        last = self.pm_error_last().contents
        message = ""
        if last.code == rc and last.message:
            message = last.message.decode("utf-8", errors="replace")
        if not message:
            message = fallback or self.pm_status_str(rc) or f"error {rc}"
        return make_error(rc, message)

    def take_string(self, ptr: c_void_p, length: int) -> str:
        """Copies a library-owned UTF-8 string, then frees it with ``pm_free``."""
        try:
            if not ptr.value:
                raise Error(PM_ERROR, "the library returned success but no string")
            return ctypes.string_at(ptr.value, length).decode("utf-8")
        finally:
            self.pm_free(ptr)

    def call_string(self, func: Any, *args: Any) -> str:
        """Calls ``int f(char **out, size_t *out_len, ...)`` and returns the string."""
        out = OwnedStr()
        length = c_size_t(0)
        try:
            func(byref(out), byref(length), *args)
        except BaseException:
            self.pm_free(out)  # NULL by contract on failure; pm_free(NULL) is a no-op
            raise
        return self.take_string(out, length.value)


def check_abi(found: int, path: str = "libpostmortem", expected: Optional[int] = None) -> None:
    """Raises :class:`LibraryMismatch` unless ``found`` is the ABI these bindings expect."""
    want = ABI_VERSION if expected is None else expected
    if found != want:
        raise LibraryMismatch(
            PM_ERROR,
            f"bindings/library version mismatch: {path} has ABI version {found}, "
            f"these bindings need ABI version {want}; install matching versions "
            f"or point {ENV_LIBRARY} at a matching libpostmortem",
        )


_dll_dirs: List[Any] = []  # Windows DLL directory handles, kept alive


def _open(path: str) -> ctypes.CDLL:
    directory = os.path.dirname(path)
    if directory and hasattr(os, "add_dll_directory"):
        _dll_dirs.append(os.add_dll_directory(directory))
    return ctypes.CDLL(path)


def _find_in(directory: Path) -> Optional[Path]:
    for name in library_file_names():
        candidate = directory / name
        if candidate.is_file():
            return candidate
    return None


def _load_library() -> Library:
    """Finds, loads and checks the library; a new :class:`Library` on every call."""
    names = " or ".join(library_file_names())
    explicit = os.environ.get(ENV_LIBRARY)
    if explicit:
        try:
            dll = _open(explicit)
        except OSError as e:
            raise LibraryNotFound(
                PM_ERROR,
                f"cannot load the postmortem library from {ENV_LIBRARY}={explicit!r}: {e}. "
                f"Set {ENV_LIBRARY} to the full path of an existing {library_file_names()[0]} "
                f"(e.g. build/capi/{library_file_names()[0]}), or unset it to search the "
                f"package folder and the system",
            ) from e
        return Library(dll, explicit)

    directory = os.environ.get(ENV_LIBRARY_PATH)
    if directory:
        found = _find_in(Path(directory))
        if found is None:
            raise LibraryNotFound(
                PM_ERROR,
                f"{ENV_LIBRARY_PATH}={directory!r} holds no {names}. Set {ENV_LIBRARY_PATH} "
                f"to the directory of the built library, or {ENV_LIBRARY} to its full path",
            )
        try:
            dll = _open(str(found))
        except OSError as e:
            raise LibraryNotFound(
                PM_ERROR, f"cannot load {found} (from {ENV_LIBRARY_PATH}): {e}") from e
        return Library(dll, str(found))

    bundled = _find_in(_PACKAGE_LIB_DIR)
    if bundled is not None:
        try:
            return Library(_open(str(bundled)), str(bundled))
        except OSError as e:
            raise LibraryNotFound(
                PM_ERROR, f"cannot load the bundled library {bundled}: {e}; "
                          f"set {ENV_LIBRARY} to the full path of another libpostmortem") from e

    system = ctypes.util.find_library("postmortem")
    if system:
        try:
            return Library(ctypes.CDLL(system), system)
        except OSError as e:
            raise LibraryNotFound(
                PM_ERROR, f"cannot load the system's {system}: {e}; "
                          f"set {ENV_LIBRARY} to the full path of libpostmortem") from e

    raise LibraryNotFound(
        PM_ERROR,
        f"cannot find the postmortem C library ({names}): {ENV_LIBRARY} and "
        f"{ENV_LIBRARY_PATH} are not set, the package folder {_PACKAGE_LIB_DIR} holds none, "
        f"and the system has none. Set {ENV_LIBRARY} to the full path of the built library "
        f"(e.g. build/capi/{library_file_names()[0]})",
    )


_instance: Optional[Library] = None
_instance_lock = threading.Lock()


def lib() -> Library:
    """The process-wide library, loaded on first use (thread-safe)."""
    global _instance
    instance = _instance
    if instance is None:
        with _instance_lock:
            if _instance is None:
                _instance = _load_library()
            instance = _instance
    return instance
