"""Python callbacks called from the library: signers and progress reports."""

from __future__ import annotations

import gc
import threading
import weakref

import pytest
from eth_account import Account
from eth_account.messages import encode_defunct
from eth_account.signers.local import LocalAccount

import offblocks
from offblocks import (
    AccountStatus,
    CallbackError,
    CallbackSigner,
    Client,
    CloseInCallbackError,
    CustomerStatus,
    EthAccountSigner,
    SignerError,
    Wallet,
)

from conftest import CHAIN


class EthSigner:
    """A signer written the way a user would: eth-account's `Account.sign_message`."""

    def __init__(self) -> None:
        self.account: LocalAccount = Account.create()
        self.calls: list[bytes] = []
        self.threads: set[int] = set()

    @property
    def address(self) -> str:
        return str(self.account.address)

    def sign_personal(self, message: bytes) -> bytes:
        self.calls.append(message)
        self.threads.add(threading.get_ident())
        signed = Account.sign_message(encode_defunct(primitive=message), self.account.key)
        return bytes(signed.signature)


def test_eth_account_signer_runs_the_whole_flow(client: Client, external_id: str) -> None:
    signer = EthSigner()
    steps: list[str] = []
    done = client.onboard(external_id, signer=signer, progress=lambda p: steps.append(p.step))
    assert done.customer.status is CustomerStatus.ACTIVE
    assert done.account.status is AccountStatus.ACTIVE
    assert done.customer.chain_id == f"{CHAIN}:{signer.address}"
    # Called twice (customer and account challenges), on this thread, with the challenges.
    assert len(signer.calls) == 2
    assert signer.threads == {threading.get_ident()}
    assert all(b"wants you to sign in with your Ethereum account" in m for m in signer.calls[:1])
    assert steps[-1] == "done"


def test_eth_account_adapter_and_callback_signer(client: Client, external_id: str) -> None:
    done = client.onboard(external_id, signer=EthAccountSigner(Account.create()))
    assert done.account.status is AccountStatus.ACTIVE
    account = Account.create()

    def sign(message: bytes) -> bytes:
        return bytes(account.sign_message(encode_defunct(primitive=message)).signature)

    done = client.onboard(external_id + "-cb", signer=CallbackSigner(account.address, sign))
    assert done.customer.chain_id.endswith(account.address)


def test_hex_text_answers_are_accepted(client: Client, external_id: str) -> None:
    account = Account.create()
    signer = CallbackSigner(
        account.address,
        lambda m: "0x" + bytes(account.sign_message(encode_defunct(primitive=m)).signature).hex(),  # type: ignore[arg-type, return-value]
    )
    done = client.onboard(external_id, signer=signer)
    assert done.account.status is AccountStatus.ACTIVE


def test_exception_in_signer_is_raised_to_the_caller(client: Client, external_id: str) -> None:
    class Exploding(Exception):
        pass

    class BadSigner:
        address = Account.create().address

        def sign_personal(self, message: bytes) -> bytes:
            raise Exploding("hardware wallet unplugged")

    with pytest.raises(SignerError) as caught:
        client.onboard(external_id, signer=BadSigner())
    assert isinstance(caught.value.__cause__, Exploding)
    assert "hardware wallet unplugged" in str(caught.value)
    # Nothing was signed, and the client still works.
    customer = next(c for c in client.customers.list() if c.external_id == external_id)
    assert customer.status is CustomerStatus.INITIATING
    client.customers.get(customer.id)


def test_exception_in_signer_of_a_single_call(client: Client, wallet: Wallet, external_id: str) -> None:
    customer = client.customers.create(external_id=external_id, chain_id=wallet.account_id(CHAIN))

    def fail(message: bytes) -> bytes:
        raise KeyError("no key")

    with pytest.raises(SignerError) as caught:
        client.customers.sign_challenge(customer, CallbackSigner(wallet.address, fail))
    assert isinstance(caught.value.__cause__, KeyError)
    client.customers.sign_challenge(customer, wallet)  # the same challenge, now signed


@pytest.mark.parametrize(
    "answer,why",
    [
        (b"\x00" * 64, "65"),  # too short
        (b"\x01" * 65, None),  # garbage: recovers to no key or another address
    ],
)
def test_wrong_signatures_from_a_signer_are_refused(
    client: Client, wallet: Wallet, external_id: str, answer: bytes, why: str | None
) -> None:
    customer = client.customers.create(external_id=external_id, chain_id=wallet.account_id(CHAIN))
    with pytest.raises(SignerError) as caught:
        client.customers.sign_challenge(customer, CallbackSigner(wallet.address, lambda m: answer))
    if why:
        assert why in str(caught.value)


def test_a_signer_signing_with_another_key_is_caught(
    client: Client, wallet: Wallet, external_id: str
) -> None:
    customer = client.customers.create(external_id=external_id, chain_id=wallet.account_id(CHAIN))
    impostor = Wallet.random()
    with pytest.raises(SignerError, match="recovers"):
        client.customers.sign_challenge(customer, CallbackSigner(wallet.address, impostor.sign_personal))
    assert client.customers.get(customer.id).status is CustomerStatus.INITIATING


def test_exception_in_progress_is_raised_to_the_caller(client: Client, wallet: Wallet, external_id: str) -> None:
    seen: list[str] = []

    def progress(p: offblocks.Progress) -> None:
        seen.append(p.step)
        raise ZeroDivisionError("bad progress bar")

    with pytest.raises(CallbackError) as caught:
        client.onboard(external_id, signer=wallet, progress=progress)
    assert isinstance(caught.value.__cause__, ZeroDivisionError)
    assert "bad progress bar" in str(caught.value)
    assert "after create_customer" in str(caught.value)  # the library's word on where
    assert seen == ["create_customer"]  # the flow stopped there: not called again
    assert caught.value.onboarded is None


def test_progress_raising_stops_before_the_signer_is_called(client: Client, external_id: str) -> None:
    signatures: list[bytes] = []

    def sign(message: bytes) -> bytes:
        signatures.append(message)
        raise RuntimeError("signer down")

    def progress(p: offblocks.Progress) -> None:
        raise ValueError("progress down")

    with pytest.raises(CallbackError) as caught:
        client.onboard(external_id, signer=CallbackSigner(Account.create().address, sign), progress=progress)
    assert isinstance(caught.value.__cause__, ValueError)
    assert signatures == []


def test_keyboard_interrupt_in_a_signer_propagates_as_is(client: Client, external_id: str) -> None:
    def sign(message: bytes) -> bytes:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        client.onboard(external_id, signer=CallbackSigner(Account.create().address, sign))


def test_a_signer_whose_address_fails(client: Client, external_id: str) -> None:
    class NoAddress:
        @property
        def address(self) -> str:
            raise OSError("device locked")

        def sign_personal(self, message: bytes) -> bytes:
            return b""

    with pytest.raises(SignerError) as caught:
        client.onboard(external_id, signer=NoAddress())
    assert isinstance(caught.value.__cause__, OSError)
    with pytest.raises(TypeError):
        client.onboard(external_id, signer=object())  # type: ignore[call-overload]
    with pytest.raises(offblocks.InvalidInput):
        client.onboard(external_id, signer=CallbackSigner("0xnot-an-address", lambda m: m))


def test_callbacks_are_released_after_the_call(client: Client, external_id: str) -> None:
    signer = EthSigner()
    ref = weakref.ref(signer)
    client.onboard(external_id, signer=signer, progress=lambda p: None)
    del signer
    gc.collect()
    assert ref() is None  # no reference kept by the trampoline once the call is over


def test_python_signers_from_many_threads(client: Client) -> None:
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            signer = EthSigner()
            done = client.onboard(f"threaded-signer-{i}-{signer.address}", signer=signer)
            assert done.account.status is AccountStatus.ACTIVE
            assert len(signer.calls) == 2
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors


def test_callbacks_may_call_the_library(client: Client, external_id: str) -> None:
    """A progress callback and a signer making their own calls, failing ones included:
    the outer call's result and error are its own."""
    statuses: list[str] = []
    wallet = Wallet.random()

    def progress(p: offblocks.Progress) -> None:
        try:
            client.customers.get("missing")
        except offblocks.NotFoundError:
            pass
        statuses.append(offblocks.ChainId.parse(CHAIN).chain_id)

    def sign(message: bytes) -> bytes:
        try:
            Wallet.from_hex("bad")
        except offblocks.InvalidKey:
            pass
        return wallet.sign_personal(message)

    done = client.onboard(external_id, signer=CallbackSigner(wallet.address, sign), progress=progress)
    assert done.account.status is AccountStatus.ACTIVE
    assert len(statuses) >= 8  # after each of the 8 steps, and at each poll of the waits

    def failing(message: bytes) -> bytes:
        client.customers.list()  # a successful inner call…
        raise RuntimeError("…then the signer fails")

    with pytest.raises(SignerError) as caught:
        client.onboard(external_id + "-2", signer=CallbackSigner(Wallet.random().address, failing))
    assert caught.value.code is offblocks.ResultCode.SIGNER
    assert isinstance(caught.value.__cause__, RuntimeError)


def test_close_from_a_progress_callback_raises_instead_of_hanging(
    fresh_client: Client, wallet: Wallet, external_id: str
) -> None:
    # close() waits for the calls in progress; from inside a callback of one of them it
    # would wait for itself. It must refuse instead, and leave the client usable.
    def progress(p: offblocks.Progress) -> None:
        fresh_client.close()

    with pytest.raises(CallbackError) as caught:
        fresh_client.onboard(external_id, signer=wallet, progress=progress)
    cause = caught.value.__cause__
    assert isinstance(cause, CloseInCallbackError)
    assert isinstance(cause, offblocks.OffblocksError) and isinstance(cause, RuntimeError)
    assert "close() called from inside a callback of this client" in str(cause)
    assert "close it after the call returns" in str(cause)
    assert not fresh_client.closed
    # The flow stopped at its first step; it resumes on the client still open.
    done = fresh_client.onboard(external_id, signer=wallet)
    assert done.customer.status is CustomerStatus.ACTIVE
    fresh_client.close()
    assert fresh_client.closed


def test_close_from_a_signer_raises_instead_of_hanging(
    fresh_client: Client, external_id: str
) -> None:
    account = Account.create()
    attempts: list[bytes] = []

    def sign(message: bytes) -> bytes:
        attempts.append(message)
        fresh_client.close()
        raise AssertionError("close() returned inside the signer")

    with pytest.raises(SignerError) as caught:
        fresh_client.onboard(external_id, signer=CallbackSigner(account.address, sign))
    assert isinstance(caught.value.__cause__, CloseInCallbackError)
    assert "close it after the call returns" in str(caught.value.__cause__)
    assert len(attempts) == 1
    assert not fresh_client.closed
    # Still usable: the same flow resumes with a signer that signs.
    done = fresh_client.onboard(external_id, signer=EthAccountSigner(account))
    assert done.account.status is AccountStatus.ACTIVE
    fresh_client.close()
    assert fresh_client.closed


def test_close_refuses_on_a_thread_inside_a_use_even_nested() -> None:
    from offblocks._handle import OwnedHandle

    freed: list[int] = []
    owned = OwnedHandle(5, freed.append, "client")
    owned.enter()
    owned.enter()  # a call made from inside a callback of another call
    with pytest.raises(CloseInCallbackError):
        owned.close()
    owned.leave()
    with pytest.raises(CloseInCallbackError):  # the outer call is still in progress
        owned.close()
    assert not owned.closed and freed == []
    owned.leave()
    owned.close()
    assert owned.closed and freed == [5]
    owned.close()  # closing twice stays harmless
    assert freed == [5]
