"""One Client shared by 8 threads."""

from __future__ import annotations

import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

import offblocks
from offblocks import Client, CustomerStatus, NotFoundError, Wallet
from offblocks.sandbox import LocalSandbox

from conftest import CHAIN

THREADS = 8


def worker(client: Client, n: int) -> list[str]:
    """A mix of calls: creations, reads, lists, failures (per-thread last errors), dry runs,
    wallets."""
    ids = []
    for i in range(5):
        wallet = Wallet.random()
        customer = client.customers.create(external_id=f"thread-{n}-{i}-{uuid.uuid4()}", chain_id=wallet.account_id(CHAIN))
        assert client.customers.get(customer.id).id == customer.id
        client.customers.sign_challenge(customer, wallet)
        try:
            client.customers.get(f"missing-{n}-{i}")
        except NotFoundError as e:
            # The error detail is this thread's own, never another thread's.
            assert e.status == 404 and e.error_code == "not_found"
        else:
            raise AssertionError("expected a 404")
        run = client.dry_run("POST", "/customers", '{"n": %d}' % n, token=f"token-{n}")
        assert run.header("authorization") == f"Bearer token-{n}"
        assert client.customers.list()
        ids.append(customer.id)
    return ids


def test_a_shared_client_from_8_threads(client: Client) -> None:
    start = threading.Barrier(THREADS)

    def run(n: int) -> list[str]:
        start.wait()
        return worker(client, n)

    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(run, range(THREADS)))
    ids = [i for r in results for i in r]
    assert len(set(ids)) == THREADS * 5
    listed = {c.id: c for c in client.customers.list()}
    assert all(listed[i].status is not CustomerStatus.INITIATING for i in ids)


def test_onboarding_from_8_threads(client: Client) -> None:
    def run(n: int) -> offblocks.Onboarded:
        with Wallet.random() as wallet:
            return client.onboard(f"parallel-{n}-{uuid.uuid4()}", signer=wallet)

    with ThreadPoolExecutor(THREADS) as pool:
        done = list(pool.map(run, range(THREADS)))
    assert len({d.account.id for d in done}) == THREADS


def test_close_waits_for_calls_in_progress(sandbox: LocalSandbox) -> None:
    """`offblocks_client_free` must never overlap a call: close() waits for the calls in
    progress, and later calls are refused."""
    c = sandbox.client()
    c.auth.register_signing_key()
    sandbox.add_fault(kind="slow", delayMs=300, pathPrefix="/v1/webhooks", method="GET")
    try:
        outcome: list[object] = []

        def slow_call() -> None:
            outcome.append(c.webhooks.list())

        t = threading.Thread(target=slow_call)
        t.start()
        deadline = time.monotonic() + 5
        while c._owned._active == 0 and time.monotonic() < deadline:  # the call is in
            time.sleep(0.001)
        assert c._owned._active == 1
        c.close()  # waits for the slow call
        t.join()
        assert outcome and isinstance(outcome[0], list)
        with pytest.raises(offblocks.OffblocksError, match="closed"):
            c.webhooks.list()
    finally:
        sandbox.clear_faults()
