"""Exceptions: one class per C status code, all under :class:`Error`.

Each subclass also derives from the built-in exception a Python caller would expect
(``ParseError`` is a ``ValueError``, ``FileError`` an ``OSError``...), so code that knows
nothing about this package still catches the right thing.
"""

from __future__ import annotations

from typing import Dict, Type

# Status codes of include/postmortem.h: never renumbered, never reused.
PM_OK = 0
PM_ERROR = -1
PM_EINVALID = -2
PM_EPARSE = -3
PM_EVERSION = -4
PM_ENOTFOUND = -5
PM_EIO = -6
PM_ELIMIT = -7
PM_ENOMEM = -8
PM_EFORMAT = -9
PM_EPOLICY = -10


class Error(Exception):
    """Base class of every error this package raises.

    ``code`` is the C status code (``PM_E...``, negative); ``message`` is the library's
    own explanation (``pm_error_last()``), which says what went wrong and where.
    """

    code: int = PM_ERROR

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        # Fixed here so that KeyError's quoting or OSError's "[Errno n]" never applies.
        return self.message

    def __reduce__(self):  # keeps exceptions picklable (multiprocessing, logging)
        return (type(self), (self.code, self.message))


class InvalidArgumentError(Error, ValueError):
    """PM_EINVALID: a bad argument, e.g. a closed (NULL) handle."""

    code = PM_EINVALID


class ParseError(Error, ValueError):
    """PM_EPARSE: the text is not JSON, or its top level is not an object.

    The message gives the line, column and byte offset of the problem.
    """

    code = PM_EPARSE


class VersionError(Error, ValueError):
    """PM_EVERSION: ``schema`` is missing or not a version this library reads."""

    code = PM_EVERSION


class NotFoundError(Error, KeyError):
    """PM_ENOTFOUND: something named does not exist."""

    code = PM_ENOTFOUND


class FileError(Error, OSError):
    """PM_EIO: a file could not be read or written."""

    code = PM_EIO


class LimitError(Error, ValueError):
    """PM_ELIMIT: a documented limit (nesting depth, size) was exceeded."""

    code = PM_ELIMIT


class OutOfMemoryError(Error, MemoryError):
    """PM_ENOMEM: the library ran out of memory."""

    code = PM_ENOMEM


class FormatError(Error, ValueError):
    """PM_EFORMAT: an unknown format, or data that is not in the format named."""

    code = PM_EFORMAT


class PolicyError(Error, ValueError):
    """PM_EPOLICY: a policy that does not parse or names an unknown rule or setting."""

    code = PM_EPOLICY


class LibraryNotFound(Error, OSError):
    """The shared library ``libpostmortem`` could not be found or loaded.

    The message says where it looked and which environment variable to set
    (``PM_LIBRARY``, the full path of the library).
    """


class LibraryMismatch(Error, ImportError):
    """The loaded ``libpostmortem`` does not match these bindings.

    Raised when its ABI number differs from the one the bindings were written for, or
    when a function the bindings declare is missing from it.
    """


_BY_CODE: Dict[int, Type[Error]] = {
    cls.code: cls
    for cls in (
        InvalidArgumentError,
        ParseError,
        VersionError,
        NotFoundError,
        FileError,
        LimitError,
        OutOfMemoryError,
        FormatError,
        PolicyError,
    )
}


def error_class(code: int) -> Type[Error]:
    """The exception class for a negative status code; :class:`Error` for unknown codes
    (the C API says callers must treat unknown negatives as PM_ERROR)."""
    return _BY_CODE.get(code, Error)


def make_error(code: int, message: str) -> Error:
    """An exception instance of the right class for ``code``."""
    return error_class(code)(code, message)
