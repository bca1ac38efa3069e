"""The webhook inbox from Python, against the emulator's real deliveries: each state handed
over once, duplicates dropped, a forged status ignored (the entity is re-fetched), a host
store plugged in, and signatures verified when the emulator signs."""

from __future__ import annotations

import http.server
import json
import queue
import threading
from typing import Iterator

import pytest

import offblocks
from offblocks import (
    EventStore,
    InvalidInput,
    InvalidKey,
    ReceivedKind,
    StateError,
    WebhookInbox,
)
from offblocks.sandbox import LocalSandbox

from conftest import CHAIN

Delivery = tuple[bytes, dict[str, str]]


class Endpoint:
    """A loopback HTTP endpoint acknowledging every POST and queueing (body, headers)."""

    def __init__(self) -> None:
        self.deliveries: queue.Queue[Delivery] = queue.Queue()
        deliveries = self.deliveries

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the http.server spelling
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                self.send_response(204)
                self.end_headers()
                deliveries.put((body, {k: v for k, v in self.headers.items()}))

            def log_message(self, *_: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def delivery_for(self, entity_id: str) -> Delivery:
        """The first delivery about ``entity_id`` (others are dropped)."""
        while True:
            body, headers = self.deliveries.get(timeout=10)
            if entity_id.encode() in body:
                return body, headers

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def endpoint() -> Iterator[Endpoint]:
    e = Endpoint()
    yield e
    e.close()


def new_customer(client: offblocks.Client, external_id: str) -> offblocks.Customer:
    wallet = offblocks.Wallet.random()
    return client.customers.create(external_id=external_id, chain_id=wallet.account_id(CHAIN))


class DictStore:
    """An EventStore over dicts, as a host would write one over its database."""

    def __init__(self) -> None:
        self.events: set[str] = set()
        self.entities: dict[str, int] = {}
        self.fail = False

    def seen(self, event_id: str) -> bool:
        if self.fail:
            raise ConnectionError("database down")
        return event_id in self.events

    def last_handed(self, entity_id: str) -> int | None:
        return self.entities.get(entity_id)

    def record(self, event_id: str, entity_id: str, updated_at_ns: int) -> None:
        self.events.add(event_id)
        self.entities[entity_id] = max(updated_at_ns, self.entities.get(entity_id, updated_at_ns))


def test_a_delivery_is_handed_over_once_and_a_forged_status_ignored(
    fresh_client: offblocks.Client, endpoint: Endpoint, external_id: str
) -> None:
    hook = fresh_client.webhooks.put(endpoint.url, ["customer.updated"])
    try:
        customer = new_customer(fresh_client, external_id)
        body, _ = endpoint.delivery_for(customer.id)
    finally:
        fresh_client.webhooks.delete(hook.id)
    with WebhookInbox(fresh_client) as inbox:
        got = inbox.receive(body)
        assert got.kind is ReceivedKind.CUSTOMER
        assert got.customer is not None and got.customer.id == customer.id
        again = inbox.receive(body)
        assert again.kind is ReceivedKind.DUPLICATE and again.event_id
    forged = json.loads(body)
    forged.update(eventId="forged-1", status="active", updatedAt="2099-01-01T00:00:00Z")
    with WebhookInbox(fresh_client) as inbox:
        got = inbox.receive(json.dumps(forged).encode())
        assert got.kind is ReceivedKind.CUSTOMER and got.customer is not None
        assert got.customer.status != "active"
        assert got.customer.status == fresh_client.customers.get(customer.id).status


def test_a_host_store_is_used_and_its_failure_raised(
    fresh_client: offblocks.Client, external_id: str
) -> None:
    customer = new_customer(fresh_client, external_id)
    body = json.dumps(
        {
            "webhookType": "customer.updated",
            "eventId": "py-store-1",
            "id": customer.id,
            "externalId": external_id,
            "chainId": customer.chain_id,
            "status": "initiating",
            "createdAt": "2099-01-01T00:00:00Z",
            "updatedAt": "2099-01-01T00:00:00Z",
        }
    ).encode()
    store = DictStore()
    assert isinstance(store, EventStore)
    inbox = WebhookInbox(fresh_client, store=store)
    store.fail = True
    with pytest.raises(StateError) as raised:
        inbox.receive(body)
    assert isinstance(raised.value.__cause__, ConnectionError)
    assert not store.events
    store.fail = False
    assert inbox.receive(body).kind is ReceivedKind.CUSTOMER
    assert store.events == {"py-store-1"} and customer.id in store.entities
    assert inbox.receive(body).kind is ReceivedKind.DUPLICATE
    inbox.close()
    with pytest.raises(offblocks.OffblocksError):
        inbox.receive(body)


def test_bad_deliveries_and_arguments_are_refused(client: offblocks.Client) -> None:
    inbox = WebhookInbox(client, memory_capacity=8)
    with pytest.raises(InvalidInput, match="65536-byte limit"):
        inbox.receive(b" " * (offblocks.inbox.MAX_DELIVERY_BYTES + 1))
    with pytest.raises(offblocks.DecodeError):
        inbox.receive(b"[1]")
    with pytest.raises(TypeError):
        inbox.receive("{}")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        inbox.receive(b"{}", {"a": 1})  # type: ignore[arg-type]
    other = b'{"webhookType":"card.created","eventId":"e1","id":"x"}'
    got = inbox.receive(other)
    assert got.kind is ReceivedKind.IGNORED and got.webhook_type == "card.created"
    with pytest.raises(InvalidKey):
        WebhookInbox(client, verify_with="not a key")


@pytest.fixture(scope="module")
def signing_sandbox() -> Iterator[LocalSandbox]:
    with LocalSandbox.start(webhook_signing=True) as running:
        yield running


def test_signed_deliveries_are_verified(signing_sandbox: LocalSandbox, endpoint: Endpoint) -> None:
    pem = signing_sandbox.webhook_public_key_pem
    assert pem is not None and pem.startswith("-----BEGIN PUBLIC KEY-----")
    with signing_sandbox.client() as client:
        client.auth.register_signing_key()
        client.webhooks.put(endpoint.url, ["customer.updated"])
        customer = new_customer(client, "py-signed-1")
        body, headers = endpoint.delivery_for(customer.id)
        assert "Signature-Input" in headers
        inbox = WebhookInbox(client, verify_with=pem)
        assert inbox.verifies_signatures
        with pytest.raises(InvalidInput, match="does not match the body"):
            inbox.receive(body.replace(b"{", b"{ ", 1), headers)
        with pytest.raises(InvalidInput, match="unsigned"):
            inbox.receive(body)
        other = WebhookInbox(client, verify_with=offblocks.signing_key_public_pem(
            offblocks.generate_signing_key()
        ))
        with pytest.raises(InvalidInput, match="does not verify"):
            other.receive(body, headers)
        assert inbox.receive(body, list(headers.items())).kind is ReceivedKind.CUSTOMER
        # The emulator shows what it sent: the same bytes and signature headers.
        sent = [d for d in signing_sandbox.webhook_deliveries() if d["entityId"] == customer.id]
        assert sent and sent[0]["rawBody"].encode() == body
        assert sent[0]["headers"]["Signature"] == headers["Signature"]
        # Without a key, the same delivery unsigned is accepted (and re-fetched).
        unverified = WebhookInbox(client)
        assert unverified.receive(body).kind is ReceivedKind.CUSTOMER
