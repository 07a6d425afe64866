"""The corpus: learning across many post-mortems (docs/corpus.md)."""

from __future__ import annotations

import json
import os
import threading
from contextlib import contextmanager
from ctypes import byref, c_uint64
from dataclasses import dataclass
from typing import Any, Callable, Dict, Iterator, Optional, Tuple

from . import _lib
from ._api import Document, PathLike, PolicyLike, Text, _policy_handle, _utf8
from ._errors import (
    PM_EINVALID,
    InvalidArgumentError,
    LimitError,
    ParseError,
    VersionError,
)
from ._handles import Handle
from ._lib import CorpusHandle, ProgressFn


@dataclass(frozen=True)
class CorpusProgress:
    """Where a loading call (:meth:`Corpus.add_ndjson`, :meth:`Corpus.add_path`) is, as
    passed to its ``progress`` function. Counts are for that call only.

    :ivar documents: documents added so far.
    :ivar bad: documents skipped so far (not JSON, wrong ``schema``, a limit exceeded, no
        ``incident.id``).
    :ivar bytes_read: input bytes read so far.
    :ivar bytes_total: the bytes the call will read; 0 when unknown.
    """

    documents: int
    bad: int
    bytes_read: int
    bytes_total: int


#: A progress function: called with a :class:`CorpusProgress` on the calling thread after
#: each block or file, and once at the end. Its return value is ignored.
ProgressCallback = Callable[[CorpusProgress], Any]

#: The NULL ``pm_progress_fn`` (ctypes does not accept None for a function pointer).
_NO_PROGRESS = ProgressFn()

#: What a document that cannot be used makes pm_corpus_add_doc/_add_json return.
_SKIPPED = (ParseError, VersionError, LimitError, InvalidArgumentError)


def _int(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be an int, not {type(value).__name__}")
    return value


def _options(threads: Any, max_problems: Any) -> bytes:
    """The ``options_json`` of pm_corpus_new/pm_corpus_from_json (the library checks the
    ranges: threads 0..256, max_problems >= 0)."""
    options = {"threads": _int(threads, "threads"),
               "max_problems": _int(max_problems, "max_problems")}
    return json.dumps(options).encode("utf-8")


def _source(source: Optional[str]) -> Optional[bytes]:
    """A source name as the C API takes it: NUL-terminated UTF-8 (None is "")."""
    if source is None:
        return None
    if not isinstance(source, str):
        raise TypeError(f"source must be a str, not {type(source).__name__}")
    data = source.encode("utf-8")
    if b"\0" in data:
        raise InvalidArgumentError(PM_EINVALID, "source: contains a NUL character")
    return data


class _Progress:
    """A Python progress function wrapped as a ``pm_progress_fn``. An exception it raises
    cannot cross the C call: it is kept (and the function not called again) until
    :meth:`raise_pending` re-raises it once the call has returned."""

    def __init__(self, progress: Optional[ProgressCallback]) -> None:
        if progress is not None and not callable(progress):
            raise TypeError(f"progress must be callable or None, not {type(progress).__name__}")
        self._progress = progress
        self.error: Optional[BaseException] = None
        # Kept referenced by this object for the duration of the C call.
        self.c_function = _NO_PROGRESS if progress is None else ProgressFn(self._call)

    def _call(self, documents: int, bad: int, bytes_read: int, bytes_total: int,
              payload: Any) -> None:
        if self.error is not None or self._progress is None:
            return
        try:
            self._progress(CorpusProgress(int(documents), int(bad), int(bytes_read),
                                          int(bytes_total)))
        except BaseException as e:  # noqa: B902 - re-raised after the C call
            self.error = e

    def raise_pending(self) -> None:
        error, self.error = self.error, None
        if error is not None:
            raise error


class Corpus(Handle):
    """Aggregates over many post-mortems, and their analysis (docs/corpus.md): trends by
    month and quarter, recurring root causes and contributing factors, recurrences and what
    the earlier remediation had come to, remediation health by owner and team, ATT&CK
    technique coverage, and the re-verification worklist.

    A corpus never keeps the documents, only mergeable aggregates, so its results do not
    depend on the order documents are added in, on the number of threads, or on how they
    were split between corpora later merged with :meth:`merge`. Documents that cannot be
    used (not JSON, wrong ``schema``, a limit exceeded, no ``incident.id``) are skipped and
    counted in :attr:`bad`, never raised; the first ``max_problems`` are listed with their
    source and line in ``analyze()["summary"]["problems"]``.

    >>> with Corpus(policy={"as_of": "2024-06-01T00:00:00Z"}) as corpus:   # doctest: +SKIP
    ...     corpus.add_path("postmortems/")
    ...     stats = corpus.analyze(top=10)
    >>> stats["recurrences"]["by_signal"]["verified_fix_failed"]            # doctest: +SKIP
    1

    Use as a context manager, or call :meth:`close`; a forgotten corpus is freed when it is
    garbage-collected. Calls that add or merge change the corpus: calls on it from other
    threads wait until they are done; :meth:`analyze`, :meth:`to_json` and the counts may
    run at the same time as each other.
    """

    _kind = "Corpus"

    def __init__(self, policy: PolicyLike = None, *, threads: int = 0,
                 max_problems: int = 1000) -> None:
        """An empty corpus.

        :param policy: a :class:`~postmortem.Policy`, a dict of the policy's JSON shape or
            None. Its ``as_of`` is the day "overdue" and "due for re-verification" are judged
            on (today when absent: set it for reproducible results, and to the same value in
            every shard of a distributed run); it also supplies ``thresholds``
            (``verify_within_days``) and the scoring settings. Copied.
        :param threads: loading threads of :meth:`add_ndjson` and :meth:`add_path`; 0 means
            one per core, at most 256.
        :param max_problems: how many skipped documents are kept with their location (all
            are counted).
        :raises InvalidArgumentError: ``threads`` or ``max_problems`` out of range.
        :raises PolicyError: a dict policy that is not valid.
        :raises TypeError: an argument of the wrong type.
        """
        options = _options(threads, max_problems)
        lib = _lib.lib()
        handle = CorpusHandle()
        with _policy_handle(policy) as pol:
            lib.pm_corpus_new(byref(handle), pol, options)
        self._init_handle(handle)

    def _init_handle(self, handle: CorpusHandle) -> None:
        super().__init__(handle, _lib.lib().pm_corpus_free)
        self._loading_thread: Optional[int] = None  # the thread inside a loading call

    @classmethod
    def from_json(cls, text: Text, policy: PolicyLike = None, *, threads: int = 0,
                  max_problems: int = 1000) -> "Corpus":
        """A corpus rebuilt from :meth:`to_json` (a ``postmortem-corpus/1`` state), e.g. one
        partition's result in a distributed run. Its ``as_of`` and ``verify_within_days``
        are the state's.

        :param text: the state, as ``str`` or UTF-8 bytes.
        :param policy: supplies only the ATT&CK technique names used by :meth:`analyze`;
            None means the built-in table.
        :param threads, max_problems: as for :class:`Corpus`, for documents added later.
        :raises ParseError: the text is not JSON.
        :raises FormatError: JSON, but not a ``postmortem-corpus/1`` state (the message
            gives the JSON Pointer of the problem).
        """
        data = _utf8(text, "corpus state")
        options = _options(threads, max_problems)
        lib = _lib.lib()
        handle = CorpusHandle()
        with _policy_handle(policy) as pol:
            lib.pm_corpus_from_json(byref(handle), data, len(data), pol, options)
        corpus = cls.__new__(cls)
        corpus._init_handle(handle)
        return corpus

    # Borrowing. A progress function runs on the thread of the loading call, which holds
    # the corpus exclusively: a borrow from that thread would wait for itself forever.

    def _refuse_reentry(self) -> None:
        if self._loading_thread == threading.get_ident():
            raise InvalidArgumentError(
                PM_EINVALID, "a progress function must not use the corpus being loaded")

    @contextmanager
    def _borrow(self) -> Iterator[Any]:
        self._refuse_reentry()
        with super()._borrow() as handle:
            yield handle

    @contextmanager
    def _borrow_exclusive(self) -> Iterator[Any]:
        self._refuse_reentry()
        with super()._borrow_exclusive() as handle:
            yield handle

    @contextmanager
    def _loading(self) -> Iterator[Any]:
        """The handle, exclusively, for a call that may run a progress function."""
        with self._borrow_exclusive() as handle:
            self._loading_thread = threading.get_ident()
            try:
                yield handle
            finally:
                self._loading_thread = None

    @staticmethod
    def _count_of(lib: _lib.Library, handle: Any) -> Tuple[int, int]:
        documents = c_uint64(0)
        bad = c_uint64(0)
        lib.pm_corpus_count(handle, byref(documents), byref(bad))
        return documents.value, bad.value

    @classmethod
    def _added(cls, lib: _lib.Library, handle: Any, call: Callable[[], Any]) -> bool:
        """Runs a pm_corpus_add_doc/_add_json call: True when the document was added, False
        when it was skipped (the call failed and the corpus counted one more bad document);
        any other failure raises."""
        bad_before = cls._count_of(lib, handle)[1]
        try:
            call()
        except _SKIPPED:
            if cls._count_of(lib, handle)[1] > bad_before:
                return False
            raise
        return True

    # Adding

    def add(self, doc: Document, source: Optional[str] = "") -> bool:
        """Adds one parsed document.

        :param doc: the document; read, not kept.
        :param source: the name problems are reported with (a file name).
        :return: True when it was added; False when it was skipped because it has no
            ``incident.id`` (it is counted in :attr:`bad` and listed as a ``PM102``
            problem).
        :raises TypeError: ``doc`` is not a :class:`~postmortem.Document`.
        :raises InvalidArgumentError: the corpus or the document is closed.
        """
        if not isinstance(doc, Document):
            raise TypeError(f"doc must be a postmortem.Document, not {type(doc).__name__}")
        name = _source(source)
        lib = _lib.lib()
        with self._borrow_exclusive() as corpus, doc._borrow() as document:
            return self._added(lib, corpus,
                               lambda: lib.pm_corpus_add_doc(corpus, document, name))

    def add_json(self, text: Text, source: Optional[str] = "") -> bool:
        """Parses and adds one document.

        :param text: the document, as ``str`` or UTF-8 bytes.
        :param source: the name problems are reported with.
        :return: True when it was added; False when it was skipped: not JSON, not an
            object, ``schema`` missing or not ``postmortem/1``, a limit exceeded, or no
            ``incident.id``. A skipped document is counted in :attr:`bad` and listed in
            ``analyze()["summary"]["problems"]`` (codes PM100, PM101, PM102); it never
            raises.
        :raises TypeError: ``text`` is neither ``str`` nor bytes-like.
        :raises InvalidArgumentError: the corpus is closed.
        """
        data = _utf8(text, "document text")
        name = _source(source)
        lib = _lib.lib()
        with self._borrow_exclusive() as corpus:
            return self._added(lib, corpus,
                               lambda: lib.pm_corpus_add_json(corpus, data, len(data), name))

    def add_ndjson(self, data: Text, source: Optional[str] = "",
                   progress: Optional[ProgressCallback] = None) -> None:
        """Adds every non-blank line of NDJSON as one document, parsing on the corpus's
        threads. Lines that cannot be used are skipped, counted in :attr:`bad` and listed
        with their line number in ``analyze()["summary"]["problems"]``.

        :param data: the NDJSON, as ``str`` or UTF-8 bytes.
        :param source: the name problems are reported with.
        :param progress: None, or a function called with a :class:`CorpusProgress` on this
            thread after each block of input and once at the end. It must not use this
            corpus. If it raises, it is not called again, the loading finishes (the
            documents stay added), and its exception is raised when the call returns.
        :raises TypeError: an argument of the wrong type.
        :raises InvalidArgumentError: the corpus is closed, or ``progress`` used it.
        """
        payload = _utf8(data, "NDJSON data")
        name = _source(source)
        watcher = _Progress(progress)
        lib = _lib.lib()
        with self._loading() as corpus:
            self._run(watcher, lambda: lib.pm_corpus_add_ndjson(
                corpus, payload, len(payload), name, watcher.c_function, None))

    def add_path(self, path: PathLike, progress: Optional[ProgressCallback] = None) -> None:
        """Adds a file or a directory. A file is NDJSON when its first line is a complete
        JSON value, else one (pretty-printed) document; a directory contributes every
        ``*.json``, ``*.ndjson`` and ``*.jsonl`` file under it, recursively, in path order
        (names starting with ``.`` are skipped). Files are read in blocks and parsed on the
        corpus's threads; unusable documents are skipped and counted as in
        :meth:`add_ndjson`.

        :param path: a file or directory name (``str``, bytes or ``os.PathLike``).
        :param progress: as for :meth:`add_ndjson`; called after each block or file.
        :raises NotFoundError: no such file or directory.
        :raises FileError: a file cannot be read (documents already added stay added).
        :raises InvalidArgumentError: the corpus is closed, or ``progress`` used it.
        """
        if not isinstance(path, (str, bytes, os.PathLike)):
            raise TypeError(f"path must be a str, bytes or os.PathLike, "
                            f"not {type(path).__name__}")
        encoded = os.fsencode(path)
        if b"\0" in encoded:
            raise InvalidArgumentError(PM_EINVALID, "path: contains a NUL character")
        watcher = _Progress(progress)
        lib = _lib.lib()
        with self._loading() as corpus:
            self._run(watcher, lambda: lib.pm_corpus_add_path(
                corpus, encoded, watcher.c_function, None))

    @staticmethod
    def _run(watcher: _Progress, call: Callable[[], Any]) -> None:
        """Runs a loading call, then raises what the progress function raised, if anything.
        When the call itself fails, its error is raised, chained to the progress error."""
        try:
            call()
        except BaseException as e:
            pending, watcher.error = watcher.error, None
            if pending is not None and e.__context__ is None:
                e.__context__ = pending
            raise
        watcher.raise_pending()

    # Merging and state

    def merge(self, other: "Corpus") -> None:
        """Folds the aggregates of ``other`` into this corpus; ``other`` is unchanged.
        Analysing shards and merging them gives exactly the analysis of the whole.

        :raises TypeError: ``other`` is not a :class:`Corpus`.
        :raises InvalidArgumentError: ``other`` is this corpus, either is closed, or they
            were built with a different ``as_of`` day or ``verify_within_days`` (the message
            says which).
        """
        if not isinstance(other, Corpus):
            raise TypeError(f"other must be a postmortem.Corpus, not {type(other).__name__}")
        if other is self:
            raise InvalidArgumentError(PM_EINVALID, "cannot merge a corpus into itself")
        lib = _lib.lib()
        with self._borrow_exclusive() as into, other._borrow() as source:
            lib.pm_corpus_merge(into, source)

    def to_json(self) -> str:
        """The corpus's aggregates as JSON, ``postmortem-corpus/1``: what a shard of a
        distributed run returns, to be read back with :meth:`from_json` and merged. Its
        members are internal and may change between minor versions."""
        lib = _lib.lib()
        with self._borrow() as corpus:
            return lib.call_string(lib.pm_corpus_to_json, corpus)

    # Analysis

    def analyze(self, top: int = 20) -> Dict[str, Any]:
        """The analysis, ``postmortem-stats/1`` (docs/corpus.md), as a dict with
        ``schema``, ``as_of``, ``verify_within_days``, ``summary`` (counts and the kept
        problems), ``trends``, ``factors``, ``recurrences``, ``remediation``,
        ``techniques`` and ``validation``.

        >>> corpus.analyze()["recurrences"]["items"][0]["signal"]   # doctest: +SKIP
        'verified_fix_failed'

        :param top: entries in the ranked lists (factor groups, owners, teams, techniques);
            0 lists them all.
        :raises InvalidArgumentError: ``top`` out of range, or the corpus is closed.
        :raises TypeError: ``top`` is not an int.
        """
        result: Dict[str, Any] = json.loads(self.analyze_json(top))
        return result

    def analyze_json(self, top: int = 20, pretty: bool = False) -> str:
        """Like :meth:`analyze`, as the library's JSON text; ``pretty`` indents it."""
        options = json.dumps({"top": _int(top, "top"),
                              "pretty": bool(pretty)}).encode("utf-8")
        lib = _lib.lib()
        with self._borrow() as corpus:
            return lib.call_string(lib.pm_corpus_analyze, corpus, options)

    # Counts

    @property
    def documents(self) -> int:
        """Documents added to the corpus (merged corpora included)."""
        lib = _lib.lib()
        with self._borrow() as corpus:
            return self._count_of(lib, corpus)[0]

    @property
    def bad(self) -> int:
        """Documents skipped (merged corpora included)."""
        lib = _lib.lib()
        with self._borrow() as corpus:
            return self._count_of(lib, corpus)[1]
