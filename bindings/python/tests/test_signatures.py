"""Independent checks of what the SDK signs.

- RFC 9421 request signatures verified by the `http-message-signatures` package, and by
  hand (a signature base rebuilt here, verified with `cryptography` after turning the raw
  96-byte r‖s into DER);
- RFC 9530 Content-Digest recomputed with hashlib;
- EIP-191 signatures recovered with `eth-account`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from eth_account import Account
from eth_account.messages import encode_defunct
from http_message_signatures import HTTPMessageVerifier, InvalidSignature as HmsInvalid
from http_message_signatures import MappingKeyResolver, algorithms

import offblocks
from offblocks import Client, SignatureEncoding, Wallet
from offblocks.sandbox import LocalSandbox

from conftest import CHAIN, HARDHAT_ADDRESS, HARDHAT_KEY

COVERED = ("@method", "@authority", "@path", "authorization")
COVERED_BODY = (*COVERED, "content-type", "content-digest", "idempotency-key")


@dataclass
class Signed:
    """A request as `http-message-signatures` reads it."""

    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)


@pytest.fixture(scope="module")
def signing_pem() -> str:
    return offblocks.generate_signing_key()


@pytest.fixture(scope="module")
def public_pem(signing_pem: str) -> bytes:
    """The public key, derived by `cryptography` (not by the SDK)."""
    key = serialization.load_pem_private_key(signing_pem.encode(), password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    assert isinstance(key.curve, ec.SECP384R1)
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


@pytest.fixture(scope="module")
def signing_client(sandbox: LocalSandbox, signing_pem: str) -> Iterator[Client]:
    with sandbox.client(signing_key_pem=signing_pem, digest="both") as c:
        c.auth.register_signing_key()
        yield c


def verifier(key_id: str, public_pem: bytes) -> HTTPMessageVerifier:
    return HTTPMessageVerifier(
        signature_algorithm=algorithms.ECDSA_P384_SHA384,
        key_resolver=MappingKeyResolver(public_keys={key_id: public_pem}, private_keys={}),
    )


def as_request(run: offblocks.DryRun) -> Signed:
    return Signed(run.method, run.url, {k: v for k, v in run.headers})


def test_public_key_matches(signing_pem: str, public_pem: bytes) -> None:
    ours = offblocks.signing_key_public_pem(signing_pem).encode()
    load = serialization.load_pem_public_key
    assert load(ours).public_numbers() == load(public_pem).public_numbers()  # type: ignore[union-attr]


def test_post_signature_verifies_with_http_message_signatures(
    signing_client: Client, public_pem: bytes
) -> None:
    body = json.dumps({"chainId": "eip155:300:" + HARDHAT_ADDRESS, "externalId": "über"})
    run = signing_client.dry_run("POST", "/customers", body)
    key_id = signing_client.key_id
    assert key_id
    results = verifier(key_id, public_pem).verify(
        as_request(run), max_age=None, require_components=COVERED_BODY, body=body.encode()
    )
    assert len(results) == 1
    assert results[0].parameters["alg"] == "ecdsa-p384-sha384"
    assert results[0].parameters["keyid"] == key_id
    assert results[0].body == body.encode()  # the Content-Digest matched too


def test_get_with_query_verifies(signing_client: Client, public_pem: bytes) -> None:
    run = signing_client.dry_run("GET", "/customers?limit=2&after=x")
    assert signing_client.key_id
    verifier(signing_client.key_id, public_pem).verify(
        as_request(run), max_age=None, require_components=(*COVERED, "@query")
    )


def test_tampering_is_detected(signing_client: Client, public_pem: bytes) -> None:
    assert signing_client.key_id
    v = verifier(signing_client.key_id, public_pem)
    run = signing_client.dry_run("POST", "/customers", '{"a":1}')
    with pytest.raises(HmsInvalid):  # another body than the digest's
        v.verify(as_request(run), max_age=None, body=b'{"a":2}')
    tampered = as_request(run)
    tampered.method = "PUT"
    with pytest.raises(HmsInvalid):
        v.verify(tampered, max_age=None)
    tampered = as_request(run)
    tampered.headers["Authorization"] = "Bearer another"
    with pytest.raises(HmsInvalid):
        v.verify(tampered, max_age=None)


def rebuild_base(run: offblocks.DryRun) -> tuple[str, str]:
    """The RFC 9421 signature base rebuilt from the request (section 2.5), and the
    signature's label."""
    sig_input = run.header("signature-input") or ""
    m = re.fullmatch(r'([a-z0-9_\-\*\.]+)=\(([^)]*)\)(.*)', sig_input)
    assert m, sig_input
    label, inner, _params = m.groups()
    parts = urlsplit(run.url)
    lines = []
    for component in re.findall(r'"([^"]+)"', inner):
        if component == "@method":
            value = run.method.upper()
        elif component == "@authority":
            value = parts.netloc.lower()
        elif component == "@path":
            value = parts.path or "/"
        elif component == "@query":
            value = "?" + parts.query
        elif component == "@target-uri":
            value = run.url
        else:
            header = run.header(component)
            assert header is not None, component
            value = header.strip()
        lines.append(f'"{component}": {value}')
    lines.append(f'"@signature-params": {sig_input[len(label) + 1:]}')
    return "\n".join(lines), label


def verify_by_hand(run: offblocks.DryRun, public_pem: bytes) -> None:
    base, label = rebuild_base(run)
    assert base == run.signature_base
    sig_header = run.header("signature") or ""
    m = re.fullmatch(rf"{re.escape(label)}=:([A-Za-z0-9+/=]+):", sig_header)
    assert m, sig_header
    raw = base64.b64decode(m.group(1))
    assert len(raw) == 96  # raw r‖s, 48 bytes each (RFC 9421 section 3.3.5)
    r, s = int.from_bytes(raw[:48], "big"), int.from_bytes(raw[48:], "big")
    key = serialization.load_pem_public_key(public_pem)
    assert isinstance(key, ec.EllipticCurvePublicKey)
    key.verify(encode_dss_signature(r, s), base.encode(), ec.ECDSA(hashes.SHA384()))


@pytest.mark.parametrize(
    "method,path,body",
    [
        ("POST", "/customers", '{"externalId":"x"}'),
        ("PATCH", "/accounts/a1/activate", None),
        ("PUT", "/webhooks", '{"callbackUrl":"https://example.com","types":[]}'),
        ("DELETE", "/accounts/a1", None),
        ("GET", "/accounts?customer=c%201", None),
    ],
)
def test_signature_by_hand_with_cryptography(
    signing_client: Client, public_pem: bytes, method: str, path: str, body: str | None
) -> None:
    run = signing_client.dry_run(method, path, body)
    verify_by_hand(run, public_pem)
    with pytest.raises(InvalidSignature):
        bad = offblocks.DryRun(run.method, run.url, run.headers, run.signature_base + "x")
        base, _ = rebuild_base(bad)
        key = serialization.load_pem_public_key(public_pem)
        assert isinstance(key, ec.EllipticCurvePublicKey)
        raw = base64.b64decode((run.header("signature") or "").split(":")[1])
        sig = encode_dss_signature(int.from_bytes(raw[:48], "big"), int.from_bytes(raw[48:], "big"))
        key.verify(sig, (base + "x").encode(), ec.ECDSA(hashes.SHA384()))


def test_content_digest_with_hashlib(signing_client: Client) -> None:
    body = '{"callbackUrl":"https://example.com/ü","types":["customer.updated"]}'
    run = signing_client.dry_run("PUT", "/webhooks", body)
    digest = run.header("content-digest") or ""
    members = dict(m.split("=", 1) for m in (x.strip() for x in digest.split(",")))
    sha256 = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
    sha512 = base64.b64encode(hashlib.sha512(body.encode()).digest()).decode()
    assert members == {"sha-256": f":{sha256}:", "sha-512": f":{sha512}:"}


def test_requests_actually_sent_verify(
    sandbox: LocalSandbox, signing_client: Client, public_pem: bytes
) -> None:
    """The requests the emulator received (its log), checked here too."""
    wallet = Wallet.random()
    customer = signing_client.customers.create(external_id="signed-" + wallet.address, chain_id=wallet.account_id(CHAIN))
    assert signing_client.key_id
    v = verifier(signing_client.key_id, public_pem)
    sent = [
        r
        for r in sandbox.requests()
        if r["method"] == "POST" and r["path"] == "/v1/customers" and customer.external_id in r["body"]
    ]
    assert len(sent) == 1
    entry = sent[0]
    headers = entry["headers"]
    pairs = headers.items() if isinstance(headers, dict) else headers
    request = Signed("POST", sandbox.root_url + entry["path"], {k: v for k, v in pairs})
    results = v.verify(
        request, max_age=None, require_components=COVERED_BODY, body=entry["body"].encode()
    )
    assert results[0].body == entry["body"].encode()


# ---------------------------------------------------------------------------------------
# EIP-191, cross-checked with eth-account.
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("message", [b"hello", b"", "Grüße 👋".encode(), bytes(range(256)) * 3])
def test_sign_personal_recovers_with_eth_account(message: bytes) -> None:
    wallet = Wallet.random()
    sig = wallet.sign_personal(message)
    assert Account.recover_message(encode_defunct(primitive=message), signature=sig) == wallet.address
    # The same key in eth-account gives the very same bytes (RFC 6979, low s, v 27/28).
    theirs = Account.from_key(wallet.export_secret_hex()).sign_message(encode_defunct(primitive=message))
    assert bytes(theirs.signature) == sig
    # And the SDK recovers eth-account's signatures.
    assert offblocks.recover_address(message, bytes(theirs.signature)) == wallet.address


def test_known_key_matches_eth_account() -> None:
    wallet = Wallet.from_hex(HARDHAT_KEY)
    assert Account.from_key(HARDHAT_KEY).address == wallet.address == HARDHAT_ADDRESS
    sig_text = wallet.sign_personal(b"OffBlocks", SignatureEncoding.HEX)
    signed = Account.sign_message(encode_defunct(text="OffBlocks"), private_key=HARDHAT_KEY)
    assert sig_text == "0x" + bytes(signed.signature).hex()


def test_challenge_signature_recovers_with_eth_account(client: Client) -> None:
    wallet = Wallet.random()
    customer = client.customers.create(external_id="eip191-" + wallet.address, chain_id=wallet.account_id(CHAIN))
    assert customer.challenge
    message = offblocks.Challenge(customer.challenge).message
    field = wallet.sign_personal(message, SignatureEncoding.BASE64_HEX)
    hex_text = base64.b64decode(field).decode()
    assert re.fullmatch(r"0x[0-9a-f]{130}", hex_text)
    recovered = Account.recover_message(encode_defunct(primitive=message), signature=hex_text)
    assert recovered == wallet.address
