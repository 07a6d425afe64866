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
    A call that changes the C object (an import into a document) uses
    :meth:`_borrow_exclusive` instead: it waits until no other call uses the handle, and
    new calls wait until it is done. Passing an object to a raw C function
    (``_as_parameter_``) is not counted.
    """

    _kind: ClassVar[str] = "handle"

    def __init__(self, handle: c_void_p, free: Callable[[Any], None]) -> None:
        if not handle:
            raise InvalidArgumentError(PM_EINVALID, f"cannot wrap a NULL {self._kind}")
        self._handle = handle
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)  # notified when a borrow ends
        self._users = 0
        self._writer = False  # an exclusive borrow is running
        self._writers_waiting = 0  # exclusive borrows waiting: new borrows let them go first
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
            self._idle.notify_all()  # borrows waiting for a writer now fail at once
        if free_now:
            self._finalizer()

    def _closed_error(self) -> InvalidArgumentError:
        return InvalidArgumentError(PM_EINVALID, f"operation on a closed {self._kind}")

    @contextmanager
    def _borrow(self) -> Iterator[c_void_p]:
        """The handle, kept alive for the duration of the ``with`` block, for calls that
        only read the C object (many may run at once)."""
        with self._lock:
            while (self._writer or self._writers_waiting) and not self._closed:
                self._idle.wait()
            if self._closed:
                raise self._closed_error()
            self._users += 1
        try:
            yield self._handle
        finally:
            self._release(exclusive=False)

    @contextmanager
    def _borrow_exclusive(self) -> Iterator[c_void_p]:
        """The handle, for a call that changes the C object: waits until no other borrow
        is running, and keeps new ones waiting from the moment it starts waiting until the
        ``with`` block ends (so a stream of readers cannot starve it). Must not be entered
        by a thread that already borrows this handle (it would wait for itself)."""
        with self._lock:
            self._writers_waiting += 1
            try:
                while (self._writer or self._users > 0) and not self._closed:
                    self._idle.wait()
            finally:
                self._writers_waiting -= 1
            if self._closed:
                self._idle.notify_all()
                raise self._closed_error()
            self._writer = True
            self._users += 1
        try:
            yield self._handle
        finally:
            self._release(exclusive=True)

    def _release(self, exclusive: bool) -> None:
        with self._lock:
            self._users -= 1
            if exclusive:
                self._writer = False
            free_now = self._closed and self._users == 0
            self._idle.notify_all()
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
