"""10,000 calls across the boundary with resident memory stable: no leak of returned
strings, handles, error details or callbacks."""

from __future__ import annotations

import gc
import os
import sys

import pytest

import offblocks
from offblocks import CallbackSigner, Client, Wallet

from conftest import CHAIN

pytestmark = pytest.mark.skipif(
    not os.path.exists("/proc/self/statm"), reason="needs /proc/self/statm (Linux)"
)

CALLS = 10_000
# Each round below makes 10 calls that return library-owned strings or handles; a leak
# of the dry run's text alone would show as 15 MB. Allocator noise stays well below this.
BOUND = 2 * 1024 * 1024


def rss() -> int:
    gc.collect()
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE")


def test_cheap_calls_do_not_leak(client: Client) -> None:
    wallet = Wallet.random()
    customer = client.customers.create(external_id=f"memory-{wallet.address}", chain_id=wallet.account_id(CHAIN))
    assert customer.challenge
    challenge = offblocks.Challenge(customer.challenge)
    text = challenge.text
    sig = wallet.sign_personal(b"x")

    def round_(i: int) -> None:
        assert wallet.account_id(CHAIN)
        assert len(wallet.sign_personal(b"message %d" % i)) == 65
        assert offblocks.recover_address(b"x", sig) == wallet.address
        assert client.dry_run("POST", "/customers", '{"i":%d}' % i, token="t").url
        assert offblocks.parse_siwe(text).nonce
        assert offblocks.ChainId.parse(CHAIN).eip155_chain == 300
        with Wallet.random() as w:  # a handle made and freed
            assert w.address
        try:
            Wallet.from_hex("zz")  # a failure: the last-error strings are replaced
        except offblocks.InvalidKey:
            pass
        assert offblocks.parse_webhook_event(
            '{"eventId":"e","webhookType":"x.y","updatedAt":"2024-01-01T00:00:00Z"}'
        ).event_id == "e"
        assert client.key_id

    for i in range(2_000):  # warm-up: caches, allocator arenas, lazy imports
        round_(i)
    before = rss()
    for i in range(CALLS):
        round_(i)
    grown = rss() - before
    print(f"resident memory grew by {grown / 1024:.0f} KiB over {CALLS} rounds", file=sys.stderr)
    assert grown < BOUND, f"resident memory grew by {grown} bytes over {CALLS} rounds"


def test_network_calls_and_callbacks_do_not_leak(client: Client) -> None:
    wallet = Wallet.random()
    customer = client.customers.create(external_id=f"memory-net-{wallet.address}", chain_id=wallet.account_id(CHAIN))

    def refuse(message: bytes) -> bytes:
        raise PermissionError("user declined")

    declining = CallbackSigner(wallet.address, refuse)

    def round_(i: int) -> None:
        assert client.customers.get(customer.id).id == customer.id
        try:
            client.customers.get("missing")
        except offblocks.NotFoundError as e:
            assert e.body
        if i % 10 == 0:
            # A Python signer called through the ctypes trampoline, raising: the
            # exception crosses back as SignerError, nothing is sent, nothing changes.
            try:
                client.customers.sign_challenge(customer, declining)
            except offblocks.SignerError as e:
                assert isinstance(e.__cause__, PermissionError)
            else:
                raise AssertionError("expected SignerError")

    for i in range(300):
        round_(i)
    before = rss()
    for i in range(1_500):
        round_(i)
    grown = rss() - before
    print(f"resident memory grew by {grown / 1024:.0f} KiB over network rounds", file=sys.stderr)
    assert grown < BOUND
