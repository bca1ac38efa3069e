"""Onboarding driven by webhooks, against the local emulator.

The flow runs with ``wait="return_when_waiting"``: instead of polling while OffBlocks has
the next move (KYC, account activation) it returns at once. The customer and account
events arrive on a small HTTP endpoint (``http.server`` on 127.0.0.1), go through a
:class:`offblocks.WebhookInbox` (duplicates and stale events dropped, each entity
re-fetched through the signed API: a delivery's body is never trusted), and each event
about what the flow waits for resumes it, until the customer and the account are
``active`` and both events have been seen.

Run it from bindings/python (the emulator is found as ``offblocks.sandbox`` finds it)::

    python examples/webhook_onboarding.py

The emulator signs its deliveries here (``webhook_signing=True``) and the inbox verifies
them (``verify_with``); OffBlocks does not document webhook signing, so against it leave
``verify_with`` out unless you have its key.
"""

from __future__ import annotations

import http.server
import queue
import sys
import threading
import time
import uuid

import offblocks
from offblocks import Onboarded, Waiting, Progress, Received, ReceivedKind
from offblocks.sandbox import LocalSandbox

#: How long to wait for an event before resuming the flow anyway (a lost webhook must not
#: stall an onboarding; the flow re-reads the state).
EVENT_WAIT = 5.0
#: The longest the whole example may take.
DEADLINE = 60.0


def start_endpoint(inbox: offblocks.WebhookInbox, events: queue.Queue[Received]) -> tuple[
    http.server.ThreadingHTTPServer, str
]:
    """An HTTP endpoint on 127.0.0.1 handing every delivery to ``inbox``: 204 when the
    inbox handled it, 500 when it failed (OffBlocks then retries)."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the http.server spelling
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(min(length, offblocks.inbox.MAX_DELIVERY_BYTES + 1))
            try:
                received = inbox.receive(body, list(self.headers.items()))
            except offblocks.OffblocksError as e:
                print(f"  webhook refused: {e}", flush=True)
                self.send_response(500)
                self.end_headers()
                return
            self.send_response(204)
            self.end_headers()
            events.put(received)

        def log_message(self, *_: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/offblocks/webhooks"


def describe(r: Received) -> str:
    if r.customer is not None:
        return f"customer {r.customer.id} is {r.customer.status}"
    if r.account is not None:
        return f"account {r.account.id} is {r.account.status}"
    return f"{r.kind}: {r.event_id or r.entity_id or r.webhook_type}"


def main() -> int:
    started = time.monotonic()
    # Time-based activation: the account turns active a second after its challenge is
    # signed, and the emulator announces it by itself.
    args = ["--activation-polls", "0", "--activation-delay-secs", "1"]
    with LocalSandbox.start(args=args, webhook_signing=True) as sandbox, sandbox.client() as client:
        print(f"emulator at {sandbox.base_url}")
        client.auth.register_signing_key()
        events: queue.Queue[Received] = queue.Queue()
        inbox = offblocks.WebhookInbox(client, verify_with=sandbox.webhook_public_key_pem)
        server, url = start_endpoint(inbox, events)
        hook = client.webhooks.put(url, ["customer.updated", "account.updated"])
        print(f"subscribed {url} (webhook {hook.id})")

        wallet = offblocks.Wallet.random()
        external_id = f"webhook-example-{uuid.uuid4()}"
        active: set[str] = set()  # entity ids an event showed active

        def progress(p: Progress) -> None:
            print(f"  flow: {p.step:<24} {p.status:<10} {p.message}", flush=True)

        def run() -> Onboarded | Waiting:
            return client.onboard(
                external_id, signer=wallet, progress=progress, wait="return_when_waiting"
            )

        def next_event(timeout: float) -> Received | None:
            try:
                received = events.get(timeout=timeout)
            except queue.Empty:
                return None
            print(f"  event: {describe(received)}", flush=True)
            entity = received.customer or received.account
            if entity is not None and entity.status == "active":
                active.add(entity.id)
            return received

        print("starting the flow (returns while OffBlocks has the next move)")
        result = run()
        while isinstance(result, Waiting):
            waited_for = result.customer.id if result.step == "wait_customer" else (
                result.account.id if result.account is not None else result.customer.id
            )
            print(f"waiting at {result.step} for {waited_for}: until its webhook arrives")
            deadline = time.monotonic() + EVENT_WAIT
            while time.monotonic() < deadline:
                got = next_event(deadline - time.monotonic())
                if got is None:
                    break
                entity = got.customer or got.account
                if got.kind in (ReceivedKind.CUSTOMER, ReceivedKind.ACCOUNT) and (
                    entity is not None and entity.id == waited_for
                ):
                    break
            else:
                print(f"  no event for {waited_for} in {EVENT_WAIT:.0f} s: resuming anyway")
            if time.monotonic() - started > DEADLINE:
                print("the onboarding did not finish in time", file=sys.stderr)
                return 1
            print("resuming the flow")
            result = run()

        # The flow is done; finish only once the events said so too (the customer may
        # have been active before the flow first returned).
        wanted = {result.customer.id, result.account.id}
        while not wanted <= active:
            if time.monotonic() - started > DEADLINE or next_event(EVENT_WAIT) is None:
                print(f"no active event for {sorted(wanted - active)}", file=sys.stderr)
                return 1
        print(f"done: customer {result.customer.id} and account {result.account.id} are active, "
              "as their webhooks said")
        client.webhooks.delete(hook.id)
        server.shutdown()
        server.server_close()
        inbox.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
