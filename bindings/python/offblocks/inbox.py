"""The webhook inbox: turns a raw delivery into an entity the host can act on.

**A delivery is untrusted.** OffBlocks does not document webhook signing, so anyone who
can reach your endpoint can POST a body that looks like an event. The inbox takes only
the event id, its type and the entity's id from the body, re-fetches the entity through
the signed API, and hands over that answer. It drops a delivery whose event id it has
seen and one whose entity it already handed over at the same or a later ``updatedAt``.

Signatures are optional: given OffBlocks' webhook signing public key (``verify_with``),
the inbox checks each delivery's RFC 9421 signature and RFC 9530 ``Content-Digest``
before anything else and refuses an unsigned or altered one.

>>> inbox = WebhookInbox(client)                                  # doctest: +SKIP
>>> got = inbox.receive(request_body, request_headers)            # doctest: +SKIP
>>> if got.kind is ReceivedKind.CUSTOMER: print(got.customer.status)   # doctest: +SKIP
"""

from __future__ import annotations

import ctypes
import enum
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Protocol, runtime_checkable

from . import _abi, _native
from ._handle import OwnedHandle
from ._native import json_text
from .errors import StateError
from .models import Account, Customer

if TYPE_CHECKING:
    from .client import Client

__all__ = ["EventStore", "Received", "ReceivedKind", "WebhookInbox", "MAX_DELIVERY_BYTES"]

#: The largest delivery body the inbox reads (OffBlocks' events are a few hundred bytes).
MAX_DELIVERY_BYTES = 64 * 1024


@runtime_checkable
class EventStore(Protocol):
    """Where the inbox remembers what it handed over: implement it over your database to
    dedupe across processes and restarts (no need to inherit from this class). Without
    one, the inbox keeps a bounded memory store (100 000 events and entities, about
    36 MB at most).

    Each method may raise: the :meth:`WebhookInbox.receive` call then raises
    :class:`~offblocks.StateError` from it and records nothing, so answer OffBlocks
    non-2xx and it retries. Calls come from the thread calling ``receive``.
    """

    def seen(self, event_id: str) -> bool:
        """Whether ``event_id`` was given to :meth:`record`."""
        ...

    def last_handed(self, entity_id: str) -> int | None:
        """The largest ``updated_at_ns`` recorded for ``entity_id``, or ``None``."""
        ...

    def record(self, event_id: str, entity_id: str, updated_at_ns: int) -> None:
        """Remembers that ``event_id`` was handled and ``entity_id`` handed over at
        ``updated_at_ns`` (nanoseconds since the Unix epoch; keep the largest)."""
        ...


class ReceivedKind(str, enum.Enum):
    """What a delivery turned out to be."""

    CUSTOMER = "customer"
    ACCOUNT = "account"
    DUPLICATE = "duplicate"
    STALE = "stale"
    IGNORED = "ignored"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Received:
    """What the inbox made of a delivery. Answer OffBlocks 2xx for every kind; only an
    exception from :meth:`WebhookInbox.receive` calls for non-2xx (so that it retries).

    Attributes:
        kind: which of the cases below.
        customer: for ``CUSTOMER``, the customer as ``GET /customers/{id}`` answers now.
        account: for ``ACCOUNT``, the account as ``GET /accounts/{id}`` answers now.
        event_id: for ``DUPLICATE``, the event handled before.
        entity_id: for ``STALE``, the entity already handed over at this or a later state.
        webhook_type: for ``IGNORED``, the event type this version does not act on.
    """

    kind: ReceivedKind
    customer: Customer | None = None
    account: Account | None = None
    event_id: str | None = None
    entity_id: str | None = None
    webhook_type: str | None = None

    @classmethod
    def from_json(cls, value: Any) -> Received:
        kind = ReceivedKind(value["received"])
        if kind is ReceivedKind.CUSTOMER:
            return cls(kind, customer=Customer.from_json(value["customer"]))
        if kind is ReceivedKind.ACCOUNT:
            return cls(kind, account=Account.from_json(value["account"]))
        if kind is ReceivedKind.DUPLICATE:
            return cls(kind, event_id=value["eventId"])
        if kind is ReceivedKind.STALE:
            return cls(kind, entity_id=value["entityId"])
        return cls(kind, webhook_type=value["webhookType"])


class _StoreCallbacks:
    """An :class:`EventStore` as an ``offblocks_event_store``: the three trampolines,
    kept referenced while the inbox lives. What the store raises is kept per thread and
    raised by :meth:`WebhookInbox.receive` after the call returns."""

    def __init__(self, store: EventStore) -> None:
        self._store = store
        self._errors = threading.local()
        self.seen_fn = _abi.STORE_SEEN_FN(self._seen)
        self.last_fn = _abi.STORE_LAST_FN(self._last)
        self.record_fn = _abi.STORE_RECORD_FN(self._record)
        self.struct = _abi.EVENT_STORE(None, self.seen_fn, self.last_fn, self.record_fn)

    def _fail(self, error: BaseException) -> int:
        if getattr(self._errors, "error", None) is None:
            self._errors.error = error
        return 1

    def take_error(self) -> BaseException | None:
        error: BaseException | None = getattr(self._errors, "error", None)
        self._errors.error = None
        return error

    def _seen(self, _user_data: Any, event_id: bytes | None, out: Any) -> int:
        try:
            out[0] = bool(self._store.seen((event_id or b"").decode("utf-8")))
            return 0
        except BaseException as e:  # noqa: BLE001 - nothing may unwind into C
            return self._fail(e)

    def _last(self, _user_data: Any, entity_id: bytes | None, found: Any, at: Any) -> int:
        try:
            value = self._store.last_handed((entity_id or b"").decode("utf-8"))
            found[0] = value is not None
            if value is not None:
                at[0] = int(value)
            return 0
        except BaseException as e:  # noqa: BLE001
            return self._fail(e)

    def _record(
        self, _user_data: Any, event_id: bytes | None, entity_id: bytes | None, at: int
    ) -> int:
        try:
            self._store.record(
                (event_id or b"").decode("utf-8"), (entity_id or b"").decode("utf-8"), int(at)
            )
            return 0
        except BaseException as e:  # noqa: BLE001
            return self._fail(e)


def _header_pairs(headers: Mapping[str, str] | Iterable[tuple[str, str]] | None) -> bytes | None:
    if headers is None:
        return None
    items = headers.items() if isinstance(headers, Mapping) else headers
    pairs = []
    for name, value in items:
        if not isinstance(name, str) or not isinstance(value, str):
            raise TypeError("headers must map str names to str values")
        pairs.append([name, value])
    return json_text(pairs)


class WebhookInbox:
    """Parses deliveries, drops duplicates and stale events, and re-fetches each entity
    through ``client``'s signed API. One inbox may serve many threads.

    Args:
        client: the client entities are fetched with (kept alive by the inbox).
        store: an :class:`EventStore` (your database); ``None`` keeps a bounded memory
            store of ``memory_capacity`` events and entities (default 100 000).
        verify_with: OffBlocks' webhook signing public key (P-384 SPKI PEM); when given,
            every delivery's signature is verified first and an unsigned one refused.
            Leave it out unless you have such a key: OffBlocks does not document signing.
        max_signature_age: seconds a signature stays acceptable (default 300).

    Raises:
        InvalidKey: ``verify_with`` is not a P-384 public key.
    """

    def __init__(
        self,
        client: Client,
        store: EventStore | None = None,
        verify_with: str | None = None,
        *,
        max_signature_age: int | None = None,
        memory_capacity: int | None = None,
    ) -> None:
        options: dict[str, Any] = {}
        if verify_with is not None:
            options["verifyWith"] = verify_with
        if max_signature_age is not None:
            options["maxSignatureAgeSecs"] = int(max_signature_age)
        if memory_capacity is not None:
            options["memoryCapacity"] = int(memory_capacity)
        self._callbacks = _StoreCallbacks(store) if store is not None else None
        store_arg = ctypes.byref(self._callbacks.struct) if self._callbacks else None
        self._client = client
        handle = client._enter()
        try:
            inbox = _native.call_handle(
                "offblocks_webhook_inbox_new",
                handle,
                json_text(options) if options else None,
                store_arg,
            )
        finally:
            client._leave()
        self._owned = OwnedHandle(
            inbox,
            _native.free_function("offblocks_webhook_inbox_free"),
            "webhook inbox",
            keep=self._callbacks,
        )
        self.verifies_signatures = verify_with is not None

    def receive(
        self,
        body: bytes,
        headers: Mapping[str, str] | Iterable[tuple[str, str]] | None = None,
    ) -> Received:
        """Handles one delivery: ``body`` exactly as received (at most 65536 bytes) and,
        for an inbox that verifies signatures, its ``headers`` (a mapping or
        ``(name, value)`` pairs; ``Signature-Input``, ``Signature``, ``Content-Digest``).

        Raises:
            InvalidInput: an oversized body, an event id that is not an id, or (when
                verifying) a signature refused: the message starts
                ``webhook signature refused:``.
            DecodeError: the body is not an event.
            NotFoundError: the entity does not exist (a forged delivery).
            StateError: the store raised (``__cause__``).
            ApiError, TransportError…: as the re-fetch.
        """
        data, length = _native.bytes_arg(body, "body")
        headers_arg = _header_pairs(headers)
        handle = self._owned.enter()
        try:
            raw, failure = _native.try_call_string(
                "offblocks_webhook_inbox_receive", handle, data, length, headers_arg
            )
        finally:
            self._owned.leave()
        raised = self._callbacks.take_error() if self._callbacks else None
        if raised is not None:
            if isinstance(raised, (KeyboardInterrupt, SystemExit)):
                raise raised
            raise StateError(
                f"the event store raised {type(raised).__name__}: {raised}"
            ) from raised
        if failure is not None:
            raise failure
        return Received.from_json(_native.parse_json(raw or "null"))

    def close(self) -> None:
        """Frees the inbox (and its memory store); further use raises."""
        self._owned.close()

    def __enter__(self) -> WebhookInbox:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
