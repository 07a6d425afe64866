"""The base of every class that owns a C handle."""

from __future__ import annotations

import threading
import weakref
from contextlib import contextmanager
from ctypes import c_void_p
from typing import Any, Callable, ClassVar, Iterator, Optional, Type, TypeVar

from ._errors import PM_EINVALID, InvalidArgumentError

_H = TypeVar("_H", bound="Handle")


class Handle:
    """Owns one C handle and frees it exactly once.

    ``close()`` is idempotent; ``with`` closes on exit; a ``weakref.finalize`` frees the
    handle if the object is dropped without being closed. Every use goes through
    :meth:`_borrow`, which counts users, so a ``close()`` from another thread while a call
    is running defers the free until that call returns, instead of freeing memory in use.
    Passing an object to a raw C function (``_as_parameter_``) is not counted.
    """

    _kind: ClassVar[str] = "handle"

    def __init__(self, handle: c_void_p, free: Callable[[Any], None]) -> None:
        if not handle:
            raise InvalidArgumentError(PM_EINVALID, f"cannot wrap a NULL {self._kind}")
        self._handle = handle
        self._lock = threading.Lock()
        self._users = 0
        self._closed = False
        self._finalizer = weakref.finalize(self, free, handle)

    @property
    def closed(self) -> bool:
        """True once :meth:`close` was called."""
        return self._closed

    def close(self) -> None:
        """Frees the C handle (once it is no longer in use). Safe to call twice."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            free_now = self._users == 0
        if free_now:
            self._finalizer()

    def _closed_error(self) -> InvalidArgumentError:
        return InvalidArgumentError(PM_EINVALID, f"operation on a closed {self._kind}")

    @contextmanager
    def _borrow(self) -> Iterator[c_void_p]:
        """The handle, kept alive for the duration of the ``with`` block."""
        with self._lock:
            if self._closed:
                raise self._closed_error()
            self._users += 1
        try:
            yield self._handle
        finally:
            with self._lock:
                self._users -= 1
                free_now = self._closed and self._users == 0
            if free_now:
                self._finalizer()

    @property
    def _as_parameter_(self) -> c_void_p:
        """Lets ctypes pass this object where the C API expects the handle."""
        if self._closed:
            raise self._closed_error()
        return self._handle

    def __enter__(self: _H) -> _H:
        if self._closed:
            raise self._closed_error()
        return self

    def __exit__(self, exc_type: Optional[Type[BaseException]], exc: Optional[BaseException],
                 tb: Any) -> None:
        self.close()

    def __reduce__(self) -> Any:
        # A copy would share the C handle and free it twice: copying and pickling are refused.
        raise TypeError(f"a {self._kind} cannot be copied or pickled; "
                        f"serialize it (to_json) and parse that instead")

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open"
        return f"<{type(self).__module__.split('.')[0]}.{type(self).__name__} {state}>"
