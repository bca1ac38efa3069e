"""Stopping `Client.onboard` from its progress callback, and resuming it."""

from __future__ import annotations

import inspect
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


def test_every_request_keyword_defaults_to_the_library() -> None:
    # The request's defaults live in the library (offblocks_onboarding_defaults): each
    # keyword that is a key of the request defaults to None, which sends nothing.
    from offblocks.onboarding import REQUEST_KEYWORDS, onboarding_defaults, request_json

    defaults = onboarding_defaults()
    assert set(REQUEST_KEYWORDS.values()) | {"account"} == set(defaults)
    parameters = inspect.signature(Client.onboard).parameters
    own = {"self", "external_id", "signer", "progress", "chain"}
    for name, parameter in parameters.items():
        if name not in own:
            assert parameter.default is None, name
    assert set(parameters) - own == set(REQUEST_KEYWORDS) | {"account_type", "currencies"}
    assert request_json("u", "eip155:300") == {"externalId": "u", "chain": "eip155:300"}
    # One part of the account set: the other is the library's.
    assert request_json("u", "eip155:300", currencies=["USD"])["account"] == {
        "type": defaults["account"]["type"],
        "currencies": ["USD"],
    }
    with pytest.raises(offblocks.ConfigError):
        request_json("u", "eip155:300", wait="later")  # type: ignore[arg-type]
    with pytest.raises(offblocks.ConfigError):
        request_json("u", "eip155:300", currencies="EUR")


def test_a_waiting_flow_resumes_to_done_creating_nothing_twice(
    client: Client, sandbox: LocalSandbox, wallet: Wallet, external_id: str
) -> None:
    # Without the simulator the emulator's customer waits for verification.
    first = client.onboard(
        external_id, signer=wallet, simulate_verification=False, wait="return_when_waiting"
    )
    assert isinstance(first, offblocks.Waiting)
    assert first.step == "wait_customer" and first.account is None
    assert first.customer.status is not CustomerStatus.ACTIVE
    client.simulator.verify_customer(first.customer.id)
    result: offblocks.Onboarded | offblocks.Waiting = first
    for _ in range(10):
        result = client.onboard(
            external_id, signer=wallet, simulate_verification=False, wait="return_when_waiting"
        )
        if isinstance(result, offblocks.Onboarded):
            break
        assert result.step == "wait_account" and result.account is not None
        # The emulator deploys an account after it has been read a few times.
        client.accounts.get(result.account.id)
    assert isinstance(result, offblocks.Onboarded)
    assert result.customer.id == first.customer.id
    assert result.account.status is AccountStatus.ACTIVE
    customers, accounts = records(sandbox, external_id)
    assert [c["id"] for c in customers] == [result.customer.id]
    assert [a["id"] for a in accounts] == [result.account.id]
    # "finish" (and no wait at all) gives the Onboarded result, the same account.
    again = client.onboard(external_id, signer=wallet, wait="finish")
    assert again.account.id == result.account.id
