"""An owned handle of the library, safe to close while other threads use it."""

from __future__ import annotations

import threading
from typing import Callable

from .errors import CloseInCallbackError, OffblocksError


class OwnedHandle:
    """A handle (an address) with its ``_free`` function, and what must stay alive until
    it is freed (``keep``).

    :meth:`enter` / :meth:`leave` bracket each use; :meth:`close` marks the handle closed,
    waits until no use is in progress (a handle's ``_free`` must never overlap a call on
    it), then frees it. Uses after ``close`` raise :class:`OffblocksError`.

    It also remembers which threads are inside a use: a ``close`` on one of them can only
    come from a callback of that very use (a progress callback, a signer), and waiting
    there would wait for itself, so it raises :class:`CloseInCallbackError` instead.
    """

    __slots__ = ("_handle", "_free", "_keep", "_active", "_threads", "_closed", "_cond", "_what")

    def __init__(
        self, handle: int, free: Callable[[int], None], what: str, keep: object = None
    ) -> None:
        self._handle: int | None = handle
        self._free = free
        # What the library may call until the handle is freed (a ctypes callback).
        self._keep = keep
        self._active = 0
        # thread ident -> how many uses that thread is inside (calls may nest)
        self._threads: dict[int, int] = {}
        self._closed = False
        self._cond = threading.Condition()
        self._what = what

    @property
    def closed(self) -> bool:
        return self._closed

    def enter(self) -> int:
        with self._cond:
            if self._closed or not self._handle:
                raise OffblocksError(f"the {self._what} is closed")
            self._active += 1
            me = threading.get_ident()
            self._threads[me] = self._threads.get(me, 0) + 1
            return self._handle

    def leave(self) -> None:
        with self._cond:
            self._active -= 1
            me = threading.get_ident()
            if self._threads.get(me, 0) <= 1:
                self._threads.pop(me, None)
            else:
                self._threads[me] -= 1
            if not self._active:
                self._cond.notify_all()

    def close(self) -> None:
        with self._cond:
            if self._closed:
                return
            if threading.get_ident() in self._threads:
                raise CloseInCallbackError(
                    f"close() called from inside a callback of this {self._what}; "
                    "close it after the call returns"
                )
            self._closed = True
            while self._active:
                self._cond.wait()
            handle, self._handle = self._handle, None
        if handle:
            self._free(handle)
        self._keep = None

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # pragma: no cover - interpreter shutdown
            pass
