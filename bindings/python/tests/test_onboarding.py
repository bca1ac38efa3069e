"""Stopping `Client.onboard` from its progress callback, and resuming it."""

from __future__ import annotations

from typing import Any

import pytest

import offblocks
from offblocks import AccountStatus, CancelledError, Client, CustomerStatus, Progress, Wallet
from offblocks.sandbox import LocalSandbox


def records(sandbox: LocalSandbox, external_id: str) -> tuple[list[Any], list[Any]]:
    """The emulator's customers with `external_id`, and their accounts."""
    state = sandbox.state()
    customers = [c for c in state["customers"] if c["externalId"] == external_id]
    ids = {c["id"] for c in customers}
    return customers, [a for a in state["accounts"] if a["customerId"] in ids]


def test_false_stops_after_the_step_and_a_second_run_resumes(
    client: Client, sandbox: LocalSandbox, wallet: Wallet, external_id: str
) -> None:
    seen: list[str] = []

    def stop_after_create(p: Progress) -> bool:
        seen.append(p.step)
        return p.step != "create_customer"

    with pytest.raises(CancelledError) as caught:
        client.onboard(external_id, signer=wallet, progress=stop_after_create)
    assert caught.value.code is offblocks.ResultCode.CANCELLED
    assert "after create_customer" in str(caught.value)
    assert caught.value.__cause__ is None
    assert seen == ["create_customer"]
    customers, accounts = records(sandbox, external_id)
    assert [c["status"] for c in customers] == ["initiating"] and accounts == []

    done = client.onboard(external_id, signer=wallet, progress=lambda p: None)
    assert done.account.status is AccountStatus.ACTIVE
    customers, accounts = records(sandbox, external_id)
    assert [c["id"] for c in customers] == [done.customer.id]
    assert [a["id"] for a in accounts] == [done.account.id]


def test_a_stop_while_waiting_resumes_with_the_same_account(
    client: Client, sandbox: LocalSandbox, wallet: Wallet, external_id: str
) -> None:
    # Progress also comes at each poll of the waits, and may stop there.
    with pytest.raises(CancelledError, match="after wait_account"):
        client.onboard(external_id, signer=wallet, progress=lambda p: p.step != "wait_account")
    _, accounts = records(sandbox, external_id)
    assert len(accounts) == 1 and accounts[0]["status"] != "active"
    done = client.onboard(external_id, signer=wallet)
    assert done.account.id == accounts[0]["id"]
    assert len(records(sandbox, external_id)[1]) == 1


def test_only_false_stops(client: Client, wallet: Wallet, external_id: str) -> None:
    answers: list[object] = [None, True, 0, "", [], "stop"]
    steps: list[str] = []

    def progress(p: Progress) -> object:
        steps.append(p.step)
        return answers[len(steps) % len(answers)]

    done = client.onboard(external_id, signer=wallet, progress=progress)
    assert done.customer.status is CustomerStatus.ACTIVE
    assert steps[-1] == "done"


def test_keyboard_interrupt_in_progress_stops_and_propagates(
    client: Client, sandbox: LocalSandbox, wallet: Wallet, external_id: str
) -> None:
    seen: list[str] = []

    def progress(p: Progress) -> None:
        seen.append(p.step)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        client.onboard(external_id, signer=wallet, progress=progress)
    assert seen == ["create_customer"]
    customers, accounts = records(sandbox, external_id)
    assert [c["status"] for c in customers] == ["initiating"] and accounts == []
    client.customers.list()  # the client is still usable
