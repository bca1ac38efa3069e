"""Every operation of the API, against the emulator."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import datetime, timezone

import pytest

import offblocks
from offblocks import (
    AccountStatus,
    AccountType,
    Client,
    CustomerStatus,
    SignatureEncoding,
    Wallet,
    WebhookType,
)
from offblocks.sandbox import LocalSandbox

from conftest import CHAIN


def test_customer_identifiers_are_keyword_only(client: Client, external_id: str) -> None:
    """A positional (chain_id, external_id) pair, the reverse of onboard's order, is
    refused before anything is sent: swapped, it would file the customer under its CAIP id."""
    owner = Wallet.random().account_id(CHAIN)
    with pytest.raises(TypeError):
        client.customers.create(owner, external_id)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        client.customers.create(external_id, chain_id=owner)  # type: ignore[call-arg]
    assert all(c.external_id != external_id for c in client.customers.list())
    customer = client.customers.create(external_id=external_id, chain_id=owner)
    assert (customer.external_id, customer.chain_id) == (external_id, owner)


def active_customer(client: Client, wallet: Wallet, external_id: str) -> offblocks.Customer:
    customer = client.customers.create(external_id=external_id, chain_id=wallet.account_id(CHAIN))
    client.customers.sign_challenge(customer, wallet)
    client.simulator.verify_customer(customer.id)
    customer = client.customers.get(customer.id)
    assert customer.status is CustomerStatus.ACTIVE
    return customer


def test_version_and_library() -> None:
    assert offblocks.library_version() == offblocks.__version__
    assert offblocks.library_path().endswith(offblocks._native.LIB_FILE)


def test_auth_token(client: Client) -> None:
    token = client.auth.token()
    assert token.token_type == "Bearer"
    assert token.token.count(".") == 2
    assert token.expires_at > datetime.now(timezone.utc)
    assert token.token not in repr(token)


def test_register_and_delete_signing_key(sandbox: LocalSandbox) -> None:
    with sandbox.client() as c:
        assert c.key_id is None
        with pytest.raises(offblocks.ConfigError):
            c.customers.list()  # no key id yet: nothing can be signed
        key_id = c.register_signing_key()
        assert c.key_id == key_id
        c.customers.list()
        c.auth.delete_signing_key()
        assert c.key_id is None
        with pytest.raises(offblocks.ConfigError):
            c.customers.list()
        # A key registered earlier, given back by id.
        key_id = c.auth.register_signing_key()
        c.key_id = None
        assert c.key_id is None
        c.key_id = key_id
        assert c.key_id == key_id
        c.customers.list()


def test_signing_key_from_pem(sandbox: LocalSandbox) -> None:
    pem = offblocks.generate_signing_key()
    assert pem.startswith("-----BEGIN PRIVATE KEY-----")
    public = offblocks.signing_key_public_pem(pem)
    assert public.startswith("-----BEGIN PUBLIC KEY-----")
    with sandbox.client(signing_key_pem=pem) as c:
        key_id = c.auth.register_signing_key()
        with sandbox.client(signing_key_pem=pem, key_id=key_id) as again:
            assert again.key_id == key_id
            again.customers.list()


def test_customer_lifecycle(client: Client, wallet: Wallet, external_id: str) -> None:
    owner = wallet.account_id(CHAIN)
    customer = client.customers.create(external_id=external_id, chain_id=owner)
    assert customer.external_id == external_id
    assert customer.chain_id == owner
    assert customer.status is CustomerStatus.INITIATING
    assert customer.challenge
    assert isinstance(customer.created_at, datetime)

    got = client.customers.get(customer.id)
    assert got.id == customer.id and got.challenge is None
    assert customer.id in {c.id for c in client.customers.list()}

    challenge = client.customers.challenge(customer.id)
    message = offblocks.parse_siwe(challenge.message)
    assert challenge.parse() == message
    assert message.address == wallet.address
    assert message.chain_id == 300
    assert message.raw == challenge.text

    client.customers.sign_challenge(customer, wallet)
    assert client.customers.get(customer.id).status is CustomerStatus.SCREENING or (
        client.customers.get(customer.id).status is CustomerStatus.VERIFYING
    )
    client.simulator.verify_customer(customer.id)
    assert client.customers.get(customer.id).status is CustomerStatus.ACTIVE
    client.customers.deactivate(customer.id)
    assert client.customers.get(customer.id).status is CustomerStatus.INACTIVE


def test_customer_sign_by_id_and_submit_made_elsewhere(
    client: Client, wallet: Wallet, external_id: str
) -> None:
    customer = client.customers.create(external_id=external_id, chain_id=wallet.account_id(CHAIN))
    client.customers.sign_challenge(customer.id, wallet)  # by id: fetches the challenge
    assert client.customers.get(customer.id).status is not CustomerStatus.INITIATING

    other = Wallet.random()
    customer = client.customers.create(external_id=external_id + "-2", chain_id=other.account_id(CHAIN))
    assert customer.challenge
    challenge = offblocks.Challenge(customer.challenge)
    signature = other.sign_personal(challenge.message, SignatureEncoding.BASE64_HEX)
    client.customers.submit_challenge(
        customer.id, owner_id=customer.chain_id, challenge=challenge, signature=signature
    )
    assert client.customers.get(customer.id).status is not CustomerStatus.INITIATING


def test_simulator_reject(client: Client, wallet: Wallet, external_id: str) -> None:
    customer = client.customers.create(external_id=external_id, chain_id=wallet.account_id(CHAIN))
    client.customers.sign_challenge(customer, wallet)
    client.simulator.reject_customer(customer.id)
    assert client.customers.get(customer.id).status is CustomerStatus.REJECTED


def test_account_lifecycle(client: Client, wallet: Wallet, external_id: str) -> None:
    customer = active_customer(client, wallet, external_id)
    account = client.accounts.create(customer.id)
    assert account.customer_id == customer.id
    assert account.status is AccountStatus.INITIATING
    assert account.type is AccountType.CARD_ACCOUNT
    assert account.currencies == ["EUR"]
    assert account.challenge

    assert client.accounts.get(account.id).id == account.id
    assert account.id in {a.id for a in client.accounts.list()}
    assert [a.id for a in client.accounts.list_for_customer(customer.id)] == [account.id]

    challenge = client.accounts.challenge(account.id)  # a new one: the first stops working
    assert challenge.challenge != account.challenge
    client.accounts.sign_challenge(account.id, wallet, owner_id=customer.chain_id)
    status = client.accounts.get(account.id).status
    while status is AccountStatus.PENDING:  # the emulator activates after a few polls
        status = client.accounts.get(account.id).status
    assert status is AccountStatus.ACTIVE
    assert client.accounts.get(account.id).chain_id

    with pytest.raises(offblocks.ConflictError) as wrong_state:  # already active
        client.accounts.activate(account.id)
    assert wrong_state.value.status == 409
    client.accounts.deactivate(account.id)
    assert client.accounts.get(account.id).status is AccountStatus.INACTIVE
    client.accounts.activate(account.id)
    assert client.accounts.get(account.id).status is AccountStatus.ACTIVE
    client.accounts.close(account.id)
    assert client.accounts.get(account.id).status is AccountStatus.CLOSED


def test_account_sign_made_elsewhere(client: Client, wallet: Wallet, external_id: str) -> None:
    customer = active_customer(client, wallet, external_id)
    account = client.accounts.create(customer.id, type="card_account", currencies=["EUR"])
    assert account.challenge
    message = base64.b64decode(account.challenge)
    signature = wallet.sign_personal(message, SignatureEncoding.BASE64_RAW)
    assert len(base64.b64decode(signature)) == 65
    client.accounts.submit_challenge(
        account.id, owner_id=customer.chain_id, challenge=account.challenge, signature=signature
    )
    assert client.accounts.get(account.id).status in (AccountStatus.PENDING, AccountStatus.ACTIVE)


def test_account_sign_with_an_account_object(client: Client, wallet: Wallet, external_id: str) -> None:
    customer = active_customer(client, wallet, external_id)
    account = client.accounts.create(customer.id)
    client.accounts.sign_challenge(account, wallet)  # owner fetched from the customer
    assert client.accounts.get(account.id).status is not AccountStatus.INITIATING


def test_webhooks(client: Client) -> None:
    hook = client.webhooks.put("https://example.com/hooks", [WebhookType.CUSTOMER_UPDATED])
    assert hook.callback_url == "https://example.com/hooks"
    assert hook.types == [WebhookType.CUSTOMER_UPDATED]
    assert client.webhooks.get(hook.id) == hook
    assert hook.id in {h.id for h in client.webhooks.list()}

    replaced = client.webhooks.put(
        "https://example.com/other", ["customer.updated", "account.updated"], id=hook.id
    )
    assert replaced.id == hook.id
    assert replaced.types == [WebhookType.CUSTOMER_UPDATED, WebhookType.ACCOUNT_UPDATED]
    assert client.webhooks.get(hook.id).callback_url == "https://example.com/other"

    client.webhooks.delete(hook.id)
    assert hook.id not in {h.id for h in client.webhooks.list()}
    with pytest.raises(offblocks.NotFoundError):
        client.webhooks.get(hook.id)


def test_webhook_event_parse(client: Client, wallet: Wallet, external_id: str) -> None:
    customer = client.customers.create(external_id=external_id, chain_id=wallet.account_id(CHAIN))
    body = dict(customer.raw)
    body.pop("challenge", None)
    body.update(eventId=str(uuid.uuid4()), webhookType="customer.updated")
    event = offblocks.parse_webhook_event(json.dumps(body).encode())
    assert event.entity == "customer"
    assert event.webhook_type is WebhookType.CUSTOMER_UPDATED
    assert isinstance(event.data, offblocks.Customer)
    assert event.data.id == customer.id
    assert event.updated_at == customer.updated_at
    assert event.event_id == body["eventId"]

    account_event = offblocks.Webhooks.parse_event(
        json.dumps(
            {
                "eventId": "e2",
                "webhookType": "account.updated",
                "id": "a1",
                "customerId": customer.id,
                "status": "active",
                "type": "CARD_ACCOUNT",
                "currencies": ["EUR"],
                "createdAt": "2024-01-17T18:21:53Z",
                "updatedAt": "2024-01-17T18:21:54.5Z",
            }
        )
    )
    assert isinstance(account_event.data, offblocks.Account)
    assert account_event.data.type is AccountType.CARD_ACCOUNT

    unknown = offblocks.parse_webhook_event(
        '{"eventId": "e3", "webhookType": "card.frozen", "cardId": "c1", '
        '"updatedAt": "2024-01-17T18:21:53Z"}'
    )
    assert unknown.entity == "other"
    assert not unknown.webhook_type.is_known and unknown.webhook_type == "card.frozen"
    assert unknown.data == {"cardId": "c1", "updatedAt": "2024-01-17T18:21:53Z"}
    assert unknown.updated_at is not None

    with pytest.raises(offblocks.DecodeError):
        offblocks.parse_webhook_event('{"webhookType": "customer.updated"}')
    with pytest.raises(offblocks.DecodeError):
        offblocks.parse_webhook_event("not json")


def test_dry_run(client: Client) -> None:
    key = str(uuid.uuid4())
    run = client.dry_run(
        "POST", "/customers", {"externalId": "x"}, idempotency_key=key, token="tok"
    )
    assert run.method == "POST"
    assert run.url.endswith("/v1/customers")
    assert run.header("authorization") == "Bearer tok"
    assert run.header("Idempotency-Key") == key
    assert run.header("content-digest", ) is not None
    assert run.header("signature-input", ).startswith("sig=(")  # type: ignore[union-attr]
    assert '"@signature-params": (' in run.signature_base
    assert "tok" not in repr(run)

    get = client.dry_run("GET", "/customers?limit=1")
    assert get.header("content-digest") is None
    assert '"@query": ?limit=1' in get.signature_base
    assert get.header("authorization", ).startswith("Bearer ey")  # type: ignore[union-attr]
    # A mutation without a key gets a fresh one each time.
    a = client.dry_run("DELETE", "/webhooks/x", token="t").header("idempotency-key")
    b = client.dry_run("DELETE", "/webhooks/x", token="t").header("idempotency-key")
    assert a and b and a != b


def test_wallet() -> None:
    from conftest import HARDHAT_ADDRESS, HARDHAT_KEY

    w = Wallet.from_hex(HARDHAT_KEY)
    assert w.address == HARDHAT_ADDRESS
    assert Wallet.from_hex(HARDHAT_KEY[2:].upper()).address == HARDHAT_ADDRESS
    assert w.account_id("eip155:1") == f"eip155:1:{HARDHAT_ADDRESS}"
    assert w.export_secret_hex() == HARDHAT_KEY
    assert "ac0974" not in repr(w)
    sig = w.sign_personal(b"hello")
    assert isinstance(sig, bytes) and len(sig) == 65 and sig[64] in (27, 28)
    assert w.sign_personal(b"hello") == sig  # RFC 6979: deterministic
    assert w.sign_personal(b"hello", SignatureEncoding.HEX) == "0x" + sig.hex()
    assert w.sign_personal(b"hello", "base64_raw") == base64.b64encode(sig).decode()
    assert w.sign_personal(b"hello", SignatureEncoding.BASE64_HEX) == base64.b64encode(
        ("0x" + sig.hex()).encode()
    ).decode()
    assert offblocks.recover_address(b"hello", sig) == HARDHAT_ADDRESS
    assert offblocks.recover_address(b"hello", "0x" + sig.hex()) == HARDHAT_ADDRESS
    assert offblocks.recover_address(b"hellO", sig) != HARDHAT_ADDRESS
    assert w.sign_personal(b"") != sig  # empty messages are fine
    r1, r2 = Wallet.random(), Wallet.random()
    assert r1.address != r2.address
    assert offblocks.recover_address(b"x", r1.sign_personal(bytearray(b"x"))) == r1.address
    assert isinstance(w, offblocks.Signer)
    w.close()
    w.close()
    with pytest.raises(offblocks.OffblocksError):
        w.account_id("eip155:1")


def test_siwe_parse_and_guard(client: Client, wallet: Wallet, external_id: str) -> None:
    customer = client.customers.create(external_id=external_id, chain_id=wallet.account_id(CHAIN))
    assert customer.challenge
    text = offblocks.Challenge(customer.challenge).text
    msg = offblocks.parse_siwe(text)
    assert msg.version == "1"
    assert msg.nonce and msg.uri.startswith("http")
    assert msg.issued_at.tzinfo is not None
    assert msg.expiration_time and msg.expiration_time > msg.issued_at
    assert msg.raw == text

    checked = offblocks.check_challenge(
        customer.challenge, wallet_address=wallet.address, customer_id=customer.chain_id
    )
    assert checked == msg
    checked = offblocks.check_challenge(
        customer.challenge,
        wallet_address=wallet.address,
        customer_id=customer.chain_id,
        expected_domain=msg.domain,
        now=msg.issued_at,
    )
    assert checked.nonce == msg.nonce

    other = Wallet.random()
    with pytest.raises(offblocks.ChallengeRefused):  # another wallet
        offblocks.check_challenge(
            customer.challenge, wallet_address=other.address, customer_id=other.account_id(CHAIN)
        )
    with pytest.raises(offblocks.ChallengeRefused):  # another domain
        offblocks.check_challenge(
            customer.challenge,
            wallet_address=wallet.address,
            customer_id=customer.chain_id,
            expected_domain="api.offblocks.xyz",
        )
    with pytest.raises(offblocks.ChallengeRefused):  # expired
        offblocks.check_challenge(
            customer.challenge,
            wallet_address=wallet.address,
            customer_id=customer.chain_id,
            now=msg.expiration_time.timestamp() + 3600,
        )
    with pytest.raises(offblocks.ChallengeRefused):  # another chain
        offblocks.check_challenge(
            customer.challenge, wallet_address=wallet.address, customer_id=wallet.account_id("eip155:1")
        )
    with pytest.raises(offblocks.SiweError):
        offblocks.parse_siwe("hello")
    with pytest.raises(offblocks.InvalidInput):
        offblocks.check_challenge(
            "not base64!", wallet_address=wallet.address, customer_id=customer.chain_id
        )
    # A signer refuses to sign a challenge for someone else: nothing is signed or sent.
    with pytest.raises(offblocks.ChallengeRefused):
        client.customers.sign_challenge(customer, other)


def test_caip_parse() -> None:
    chain = offblocks.ChainId.parse("eip155:300")
    assert (chain.namespace, chain.reference, chain.eip155_chain) == ("eip155", "300", 300)
    assert str(chain) == "eip155:300"
    other = offblocks.ChainId.parse("cosmos:cosmoshub-4")
    assert other.eip155_chain is None
    account = offblocks.AccountId.parse("eip155:300:0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266")
    assert account.evm_address == "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
    assert account.chain_id == "eip155:300" and account.eip155_chain == 300
    for bad in ("", "eip155", "EIP155:1", "eip155:300:0x1234"):
        with pytest.raises(offblocks.InvalidInput):
            offblocks.AccountId.parse(bad) if bad.count(":") > 1 else offblocks.ChainId.parse(bad)
    with pytest.raises(offblocks.InvalidInput):  # a wrong EIP-55 checksum
        offblocks.AccountId.parse("eip155:1:0xF39fd6e51aad88f6f4ce6ab8827279cfffb92266")


def test_onboard_with_a_wallet(client: Client, wallet: Wallet, external_id: str) -> None:
    steps: list[offblocks.Progress] = []
    done = client.onboard(external_id, signer=wallet, progress=steps.append)
    assert done.customer.status is CustomerStatus.ACTIVE
    assert done.account.status is AccountStatus.ACTIVE
    assert done.customer.chain_id == wallet.account_id(CHAIN)
    assert [p.step for p in steps][0] == "create_customer"
    assert steps[-1].step == "done" and steps[-1].status == "active"
    assert all(b.elapsed >= a.elapsed for a, b in zip(steps, steps[1:]))
    # Resumable: a second run picks everything up, creating nothing.
    again = client.onboard(external_id, signer=wallet)
    assert (again.customer.id, again.account.id) == (done.customer.id, done.account.id)


def test_onboard_without_simulated_verification_times_out(
    client: Client, wallet: Wallet, external_id: str
) -> None:
    with pytest.raises(offblocks.OffblocksTimeoutError) as caught:
        client.onboard(external_id, signer=wallet, simulate_verification=False, timeout=0.3)
    assert isinstance(caught.value, TimeoutError)


def test_onboard_rejected_customer_is_a_state_error(
    client: Client, wallet: Wallet, external_id: str
) -> None:
    customer = client.customers.create(external_id=external_id, chain_id=wallet.account_id(CHAIN))
    client.customers.sign_challenge(customer, wallet)
    client.simulator.reject_customer(customer.id)
    with pytest.raises(offblocks.StateError):
        client.onboard(external_id, signer=wallet)


def test_client_from_config_and_context(sandbox: LocalSandbox) -> None:
    with Client.from_config(
        {
            "baseUrl": sandbox.base_url,
            "apiKey": sandbox.api_key,
            "apiSecret": sandbox.api_secret,
            "generateSigningKey": True,
            "timeoutMs": 5000,
            "retry": {"maxAttempts": 2},
        }
    ) as c:
        c.auth.register_signing_key()
        c.customers.list()
        assert not c.closed
    assert c.closed
    assert "closed" in repr(c)
    with pytest.raises(offblocks.OffblocksError, match="closed"):
        c.customers.list()
    c.close()  # twice is fine


def test_client_keyword_options(sandbox: LocalSandbox) -> None:
    with sandbox.client(
        timeout=5,
        connect_timeout=2,
        retry=offblocks.Retry(max_attempts=3, base_backoff=0.05, max_backoff=0.2),
        user_agent="offblocks-python-test",
        digest="both",
        signature_nonce=True,
        signature_validity=60,
        token_refresh_margin=30,
        clock_skew=0,
        signature_label="sig",
    ) as c:
        c.auth.register_signing_key()
        run = c.dry_run("POST", "/customers", "{}")
        digest = run.header("content-digest") or ""
        assert "sha-256=" in digest and "sha-512=" in digest
        assert ";nonce=" in (run.header("signature-input") or "")
        assert ";expires=" in (run.header("signature-input") or "")
        c.customers.list()


def test_credentials_rotation_and_revocation() -> None:
    """On an emulator of its own: these change what the emulator accepts."""
    with LocalSandbox.start(_binary()) as sandbox, sandbox.client() as c:
        c.auth.register_signing_key()
        c.auth.rotate_credentials("new-key", "new-secret-0123456789abcdef")
        c.customers.list()  # the client switched to the new credentials
        with pytest.raises(offblocks.AuthenticationError):
            with sandbox.client() as old:  # the old ones are gone
                old.auth.token()
        c.auth.revoke_credentials()
        with pytest.raises(offblocks.AuthenticationError):
            c.auth.token()


def test_a_paged_list_is_followed_to_its_end() -> None:
    """The emulator pages its lists (two a page): the list through C is the whole list,
    every page asked for with the cursor the one before gave."""
    with LocalSandbox.start(_binary(), args=["--page-size", "2"]) as sandbox, sandbox.client() as c:
        c.auth.register_signing_key()
        made = [
            c.customers.create(external_id=f"paged-{i}", chain_id=Wallet.random().account_id(CHAIN))
            for i in range(5)
        ]
        assert [x.id for x in c.customers.list()] == [x.id for x in made]
        cursors = [r["path"] for r in sandbox.requests() if "cursor=" in r["path"]]
        assert cursors == ["/v1/customers?cursor=2", "/v1/customers?cursor=4"]
        assert sandbox.settings(page_size=0) == {"verificationDelayMs": 0, "pageSize": 0}
        assert len(c.customers.list()) == 5


def test_control_api_clock_and_faults() -> None:
    with LocalSandbox.start(_binary()) as sandbox, sandbox.client(
        retry={"max_attempts": 1}, follow_server_clock=False
    ) as c:
        c.auth.register_signing_key()
        sandbox.add_fault(kind="status", status=503, pathPrefix="/v1/customers", remaining=1)
        with pytest.raises(offblocks.ApiError) as caught:
            c.customers.list()
        assert caught.value.status == 503 and caught.value.retryable
        c.customers.list()  # the fault is spent
        sandbox.add_fault(kind="drop_before_commit", pathPrefix="/v1/customers")
        with pytest.raises(offblocks.TransportError) as dropped:
            c.customers.list()
        assert dropped.value.status is None
        sandbox.clear_faults()
        c.customers.list()
        # Two hours later on the emulator's clock: the token has expired, and this
        # client, told not to follow the server's clock, dates its signatures two hours
        # back, so they are refused...
        sandbox.advance_clock(7200)
        with pytest.raises(offblocks.AuthenticationError) as old:
            c.customers.list()
        assert old.value.status == 401 and "old" in (old.value.body or "")
        # ...while a client told of the skew signs in the server's time, and fetches a new
        # token (the old one has expired)...
        with sandbox.client(clock_skew=7200, key_id=None) as skewed:
            skewed.auth.register_signing_key()
            skewed.customers.list()
        # ...and so does one left to follow the server's clock (the default) whose bound
        # on corrections covers two hours: it learns the skew from its first `Date`...
        with sandbox.client(key_id=None, max_clock_correction=3 * 3600) as following:
            following.auth.register_signing_key()
            following.customers.list()
        # ...while with the default bound (10 minutes) the client keeps its own clock and
        # the refusal says why.
        with sandbox.client(key_id=None) as bounded:
            with pytest.raises(offblocks.ApiError) as refused:
                bounded.auth.register_signing_key()
                bounded.customers.list()
            assert "beyond the 600 s" in str(refused.value)
        assert sandbox.state()["customers"] == []
        assert any(r["path"] == "/v1/customers" for r in sandbox.requests())


def _binary() -> str:
    from conftest import _sandbox_binary

    return str(_sandbox_binary())


def test_customer_sign_refuses_an_owner_other_than_the_one_stated(
    client: Client, wallet: Wallet, external_id: str
) -> None:
    customer = client.customers.create(chain_id=wallet.account_id(CHAIN), external_id=external_id)
    other = Wallet.random().account_id(CHAIN)
    # The caller states the owner or chain it expects: the server's customer disagrees.
    with pytest.raises(offblocks.ChallengeRefused, match="not the one asked for"):
        client.customers.sign_challenge(customer, wallet, owner_id=other)
    with pytest.raises(offblocks.ChallengeRefused, match="not the one asked for"):
        client.customers.sign_challenge(customer, wallet, chain="eip155:1")
    assert client.customers.get(customer.id).status is CustomerStatus.INITIATING
    client.customers.sign_challenge(
        customer, wallet, owner_id=wallet.account_id(CHAIN), chain=CHAIN
    )
    assert client.customers.get(customer.id).status is not CustomerStatus.INITIATING


def test_account_sign_refuses_an_owner_on_another_chain(
    client: Client, wallet: Wallet, external_id: str
) -> None:
    customer = active_customer(client, wallet, external_id)
    account = client.accounts.create(customer.id)
    # The owner is fetched from the server's customer; the chain is the caller's.
    with pytest.raises(offblocks.ChallengeRefused, match="not the one asked for"):
        client.accounts.sign_challenge(account, wallet, chain="eip155:1")
    assert client.accounts.get(account.id).status is AccountStatus.INITIATING
    client.accounts.sign_challenge(account, wallet, chain=CHAIN)
    assert client.accounts.get(account.id).status is not AccountStatus.INITIATING
