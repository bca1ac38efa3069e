"""Watching every attempt of every call a client makes: :class:`Attempt`, what
``Client(observer=…)`` is given (``offblocks_client_new_with_observer``).

An observer watches and must not change a call: what it raises is dropped. Only a
``KeyboardInterrupt`` or ``SystemExit`` (Ctrl-C arrives in whichever Python code runs,
often an observer during a long call) is kept, and raised on the same thread once the
call it interrupted has returned (the call's result is then lost, as with any
interruption).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any, Callable

from . import _native
from ._decode import as_object, field_int, field_str, opt_str
from .errors import DecodeError

__all__ = ["Attempt", "log_attempts"]


@dataclass(frozen=True)
class Attempt:
    """One attempt of one call (a retried call has several, with the same
    ``idempotency_key``). Never a token, a body or a query.

    Attributes:
        method: ``"GET"``, ``"POST"``…
        path: the request's path, e.g. ``"/v1/customers"``.
        attempt: 1 for the first attempt, 2 for the first retry…
        status: the response's HTTP status, or ``None`` when none came (see ``error``).
        error: why no response came (a transport error), else ``None``.
        duration: how long the attempt took, in seconds.
        request_id: the server's ``X-Request-Id`` for it, successes included.
        idempotency_key: the ``Idempotency-Key`` it carried (mutations), else ``None``.

    >>> Attempt.from_json({"method": "GET", "path": "/v1/customers", "attempt": 1,
    ...     "status": 200, "error": None, "durationMs": 12.5, "requestId": "r-1",
    ...     "idempotencyKey": None}).duration
    0.0125
    """

    method: str
    path: str
    attempt: int
    status: int | None
    error: str | None
    duration: float
    request_id: str | None
    idempotency_key: str | None

    @classmethod
    def from_json(cls, value: Any) -> Attempt:
        o = as_object(value, "attempt")
        status, millis = o.get("status"), o.get("durationMs")
        if status is not None and not isinstance(status, int):
            raise DecodeError("attempt.status is not an integer")
        if isinstance(millis, bool) or not isinstance(millis, (int, float)):
            raise DecodeError("attempt.durationMs is not a number")
        return cls(
            method=field_str(o, "method", "attempt"),
            path=field_str(o, "path", "attempt"),
            attempt=field_int(o, "attempt", "attempt"),
            status=status,
            error=opt_str(o, "error", "attempt"),
            duration=millis / 1000,
            request_id=opt_str(o, "requestId", "attempt"),
            idempotency_key=opt_str(o, "idempotencyKey", "attempt"),
        )


def log_attempts(
    logger: logging.Logger | str = "offblocks",
    *,
    level: int = logging.INFO,
    failure_level: int = logging.WARNING,
) -> Callable[[Attempt], None]:
    """An observer that writes one log line per attempt to ``logger`` (a
    :class:`logging.Logger` or its name), for ``Client(observer=log_attempts())``.

    An attempt that got a 2xx or 3xx is logged at ``level``; one that failed (a 4xx or
    5xx status, or no response) at ``failure_level``. The line holds what an
    :class:`Attempt` holds, never a token, a body or a query::

        POST /v1/customers #1 201 12.3 ms request_id=… idempotency_key=…
        GET /v1/accounts/… #2 error: connection refused 0.4 ms request_id=- idempotency_key=-

    The record also carries the attempt itself as ``record.offblocks_attempt``, for
    structured handlers. Formatting is skipped when the level is disabled.
    """
    log = logging.getLogger(logger) if isinstance(logger, str) else logger

    def observe(a: Attempt) -> None:
        failed = a.status is None or a.status >= 400
        lvl = failure_level if failed else level
        if not log.isEnabledFor(lvl):
            return
        outcome = str(a.status) if a.status is not None else f"error: {a.error or 'no response'}"
        log.log(
            lvl,
            "%s %s #%d %s %.1f ms request_id=%s idempotency_key=%s",
            a.method,
            a.path,
            a.attempt,
            outcome,
            a.duration * 1000,
            a.request_id or "-",
            a.idempotency_key or "-",
            extra={"offblocks_attempt": a},
        )

    return observe


# KeyboardInterrupt or SystemExit raised in an observer on this thread, until the call
# returns (Client._leave raises it).
_pending = threading.local()


def native_observer(observer: Callable[[Attempt], object] | None) -> Any:
    """The ``offblocks_observer_fn`` that calls ``observer`` with each :class:`Attempt`
    (NULL for ``None``). Keep it referenced until the client is freed."""
    if observer is None:
        return _native.observer_callback(None)
    known = observer

    def observe(attempt_json: str) -> None:
        try:
            known(Attempt.from_json(_native.parse_json(attempt_json)))
        except (KeyboardInterrupt, SystemExit) as e:
            if getattr(_pending, "error", None) is None:
                _pending.error = e
        except BaseException:  # noqa: BLE001 - a watcher must not change the call
            pass

    return _native.observer_callback(observe)


def raise_pending() -> None:
    """Raises the ``KeyboardInterrupt`` or ``SystemExit`` an observer raised on this
    thread during the call that just returned, if any."""
    error = getattr(_pending, "error", None)
    if error is not None:
        _pending.error = None
        raise error
