"""The OffBlocks onboarding flow in pure Python: the baseline the benchmark compares the
`offblocks` package with.

Written the way a user without the SDK would: one `requests.Session` (keep-alive), the
RFC 9421 signature made by `http-message-signatures`' signer from a `cryptography` P-384
key (through a `requests` auth hook), the RFC 9530 Content-Digest with `hashlib`, a
UUIDv4 Idempotency-Key per operation, and the wallet's EIP-191 `personal_sign`
signatures made by `eth-account`.

It sends the same requests as `offblocks.Client.onboard` (src/onboarding.rs), in the same
order: create the customer (its challenge comes with it), check and sign the EIP-4361
challenge, read the customer, poll it while it is screened, have the simulator verify it,
read it until `active`; list the customer's accounts, create the account (its challenge
comes with it), sign the challenge, read the account and poll it until `active`. Polls
pause `poll_interval` seconds, doubling up to 2 s, as the package does.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import time
import uuid
from dataclasses import dataclass
from typing import Any

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from eth_account.messages import encode_defunct
from eth_account.signers.local import LocalAccount
from http_message_signatures import HTTPMessageSigner, MappingKeyResolver, algorithms

__all__ = ["OnboardingFailed", "PureClient", "PureOnboarded", "onboard"]

COVERED = ("@method", "@authority", "@path", "authorization")
# Covered whenever the request carries them (docs/api.md, Signed requests).
COVERED_IF_PRESENT = ("content-type", "content-digest", "idempotency-key")


class OnboardingFailed(RuntimeError):
    """An unexpected status, a refused challenge or a flow that did not finish."""


class SignedRequests(requests.auth.AuthBase):
    """A `requests` auth hook: Content-Digest (every body needs one, even the token
    request's), then the bearer token when there is one, then the RFC 9421 signature
    (`ecdsa-p384-sha384`, label `sig`) made by `http-message-signatures` when there is a
    key id."""

    def __init__(
        self, token: str | None, key_id: str | None, key: ec.EllipticCurvePrivateKey | None
    ) -> None:
        self.token = token
        self.key_id = key_id
        self.signer: HTTPMessageSigner | None = None
        if key_id is not None and key is not None:
            resolver = MappingKeyResolver(public_keys={}, private_keys={key_id: key})
            self.signer = HTTPMessageSigner(
                signature_algorithm=algorithms.ECDSA_P384_SHA384, key_resolver=resolver
            )

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        if self.token is not None:
            r.headers["Authorization"] = f"Bearer {self.token}"
        body = r.body.encode() if isinstance(r.body, str) else r.body
        if body:
            digest = base64.b64encode(hashlib.sha256(body).digest()).decode()
            r.headers["Content-Digest"] = f"sha-256=:{digest}:"
        if self.signer is not None and self.key_id is not None:
            covered = [*COVERED, *(h for h in COVERED_IF_PRESENT if h in r.headers)]
            if "?" in (r.url or ""):
                covered.append("@query")
            self.signer.sign(
                r,
                key_id=self.key_id,
                label="sig",
                created=datetime.datetime.now(datetime.timezone.utc),
                covered_component_ids=covered,
                use_existing_digest=bool(body),  # the Content-Digest set above
            )
        return r


class PureClient:
    """A session with the API: token, request-signing key, signed calls."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        api_secret: str,
        signing_key_pem: bytes,
        key_id: str | None = None,
        timeout: float = 30.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.api_secret = api_secret
        key = serialization.load_pem_private_key(signing_key_pem, password=None)
        if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SECP384R1):
            raise ValueError("the request-signing key must be a P-384 (secp384r1) EC key")
        self.key = key
        self.key_id = key_id
        self.timeout = timeout
        self.session = requests.Session()
        self._token: str | None = None
        self._expires_at = 0.0

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> PureClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def token(self) -> str:
        """A bearer token, asked again when less than 60 s remain."""
        if self._token is None or self._expires_at - time.time() < 60:
            response = self.session.post(
                self.base_url + "/auth/token",
                json={"apiKey": self.api_key, "apiSecret": self.api_secret},
                auth=SignedRequests(None, None, None),
                timeout=self.timeout,
            )
            data = _expect(response, 200)
            self._token, self._expires_at = data["token"], float(data["expiresAt"])
        assert self._token is not None
        return self._token

    def register_signing_key(self) -> str:
        """`PUT /auth/signing` with the base64 of the public key's PEM; keeps its key id."""
        pem = self.key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        response = self.session.put(
            self.base_url + "/auth/signing",
            json={"publicKey": base64.b64encode(pem).decode()},
            headers={"Idempotency-Key": str(uuid.uuid4())},
            auth=SignedRequests(self.token(), None, self.key),
            timeout=self.timeout,
        )
        data = _expect(response, 200)
        self.key_id = data.get("keyId") or data["id"]
        return str(self.key_id)

    def call(self, method: str, path: str, body: Any = None, expect: int = 200) -> Any:
        """A signed call; mutations carry a fresh Idempotency-Key. Returns the decoded
        JSON (None when empty), or raises OnboardingFailed on another status."""
        if self.key_id is None:
            raise OnboardingFailed("register the request-signing key first")
        headers = {} if method == "GET" else {"Idempotency-Key": str(uuid.uuid4())}
        response = self.session.request(
            method,
            self.base_url + path,
            json=body,
            headers=headers,
            auth=SignedRequests(self.token(), self.key_id, self.key),
            timeout=self.timeout,
        )
        return _expect(response, expect)


def _expect(response: requests.Response, status: int) -> Any:
    if response.status_code != status:
        raise OnboardingFailed(
            f"{response.request.method} {response.url}: {response.status_code} {response.text}"
        )
    return response.json() if response.content else None


@dataclass(frozen=True)
class PureOnboarded:
    customer: dict[str, Any]
    account: dict[str, Any]


class _Poller:
    """Pauses between polls: `interval`, doubling up to 2 s, until `deadline`."""

    def __init__(self, interval: float, deadline: float) -> None:
        self.pause, self.deadline = interval, deadline

    def wait(self, what: str) -> None:
        if time.monotonic() + self.pause > self.deadline:
            raise OnboardingFailed(f"{what} not active in time")
        time.sleep(self.pause)
        self.pause = min(self.pause * 2, 2.0)


def _check_siwe(message: str, address: str, chain_ref: str) -> None:
    """The EIP-4361 challenge must name this wallet and chain before it is signed."""
    lines = message.split("\n")
    if len(lines) < 2 or not lines[0].endswith(" wants you to sign in with your Ethereum account:"):
        raise OnboardingFailed("the customer challenge is not an EIP-4361 message")
    if lines[1] != address:
        raise OnboardingFailed(f"the challenge names {lines[1]}, not the wallet {address}")
    if f"Chain ID: {chain_ref}" not in lines:
        raise OnboardingFailed(f"the challenge is not for chain {chain_ref}")


def onboard(
    client: PureClient,
    external_id: str,
    wallet: LocalAccount,
    chain: str = "eip155:300",
    poll_interval: float = 0.1,
    timeout: float = 120.0,
) -> PureOnboarded:
    """Onboards `external_id` with `wallet`'s address on `chain` (CAIP-2) up to an
    `active` account, with the simulator's verification (sandbox)."""
    deadline = time.monotonic() + timeout
    owner = f"{chain}:{wallet.address}"

    # The customer and its EIP-4361 challenge, signed with EIP-191 personal_sign; the
    # signature field is base64 of the 0x-hex text.
    customer = client.call(
        "POST", "/customers", {"chainId": owner, "externalId": external_id}, expect=201
    )
    cid = customer["id"]
    if customer["status"] == "initiating":
        challenge = customer.get("challenge") or client.call("GET", f"/customers/{cid}/challenge")["challenge"]
        message = base64.b64decode(challenge)
        _check_siwe(message.decode(), wallet.address, chain.split(":")[1])
        signed = wallet.sign_message(encode_defunct(primitive=message))
        hex_text = "0x" + bytes(signed.signature).hex()
        client.call(
            "POST",
            f"/customers/{cid}/challenge/sign",
            {"ownerId": owner, "challenge": challenge, "signature": base64.b64encode(hex_text.encode()).decode()},
            expect=204,
        )
        customer = client.call("GET", f"/customers/{cid}")
    verified = False
    poller = _Poller(poll_interval, deadline)
    while customer["status"] != "active":
        if customer["status"] == "verifying" and not verified:
            client.call("PATCH", f"/simulator/customers/{cid}/verify", expect=202)
            verified = True
        elif customer["status"] in ("initiating", "screening", "verifying"):
            poller.wait("customer")
        else:
            raise OnboardingFailed(f"customer {cid} is {customer['status']}")
        customer = client.call("GET", f"/customers/{cid}")

    # The account, picked up if one is open already, else created; its challenge is
    # signed with EIP-191 too, the field being base64 of the raw 65 bytes.
    open_accounts = [
        a
        for a in client.call("GET", f"/customers/{cid}/accounts")
        if a["type"].lower() == "card_account" and a["currencies"] == ["EUR"]
        and a["status"] not in ("closed", "failed")
    ]
    if open_accounts:
        account = open_accounts[0]
    else:
        account = client.call(
            "POST", f"/customers/{cid}/accounts", {"type": "card_account", "currencies": ["EUR"]}, expect=201
        )
    aid = account["id"]
    if account["status"] == "initiating":
        challenge = account.get("challenge") or client.call("GET", f"/accounts/{aid}/challenge")["challenge"]
        signed = wallet.sign_message(encode_defunct(primitive=base64.b64decode(challenge)))
        client.call(
            "POST",
            f"/accounts/{aid}/challenge/sign",
            {"ownerId": owner, "challenge": challenge, "signature": base64.b64encode(bytes(signed.signature)).decode()},
            expect=204,
        )
        account = client.call("GET", f"/accounts/{aid}")
    poller = _Poller(poll_interval, deadline)
    while account["status"] != "active":
        if account["status"] not in ("initiating", "pending"):
            raise OnboardingFailed(f"account {aid} is {account['status']}")
        poller.wait("account")
        account = client.call("GET", f"/accounts/{aid}")
    return PureOnboarded(customer=customer, account=account)
