"""The benchmark's baseline (bench/pure_onboarding.py: requests, cryptography,
http-message-signatures, eth-account) is a real, correct onboarding: run once against
the emulator, which verifies every signature, digest and challenge, it ends with one
active customer and one active account, and sends the same requests as the package."""

from __future__ import annotations

import sys
import uuid
from pathlib import Path

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from eth_account import Account
from http_message_signatures import HTTPMessageVerifier, MappingKeyResolver, algorithms

from offblocks.sandbox import LocalSandbox

from conftest import CHAIN

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import pure_onboarding  # noqa: E402  (bench/ is not a package)


def test_pure_python_flow_onboards(sandbox: LocalSandbox) -> None:
    key = ec.generate_private_key(ec.SECP384R1())
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    wallet = Account.create()
    external_id = f"pure-{uuid.uuid4()}"
    logged_before = len(sandbox.requests())

    with pure_onboarding.PureClient(sandbox.base_url, sandbox.api_key, sandbox.api_secret, pem) as client:
        key_id = client.register_signing_key()
        done = pure_onboarding.onboard(client, external_id, wallet, CHAIN, poll_interval=0.0)

    assert done.customer["status"] == "active"
    assert done.account["status"] == "active"
    assert done.account["chainId"].startswith(CHAIN + ":0x")

    state = sandbox.state()
    customers = [c for c in state["customers"] if c["externalId"] == external_id]
    assert len(customers) == 1
    customer = customers[0]
    assert customer["id"] == done.customer["id"]
    assert customer["status"] == "active"
    assert customer["chainId"] == f"{CHAIN}:{wallet.address}"
    accounts = [a for a in state["accounts"] if a["customerId"] == customer["id"]]
    assert [(a["id"], a["status"]) for a in accounts] == [(done.account["id"], "active")]

    # What the emulator received: the same 14 requests as Client.onboard with a new
    # client (token, key registration, 12 flow calls), each accepted, every one after the
    # registration signed with the registered key.
    sent = sandbox.requests()[logged_before:]
    assert [r["status"] for r in sent if r["status"] >= 300] == []
    cid, aid = customer["id"], done.account["id"]
    assert [(r["method"], r["path"].removeprefix("/v1")) for r in sent] == [
        ("POST", "/auth/token"),
        ("PUT", "/auth/signing"),
        ("POST", "/customers"),
        ("POST", f"/customers/{cid}/challenge/sign"),
        ("GET", f"/customers/{cid}"),
        ("GET", f"/customers/{cid}"),
        ("PATCH", f"/simulator/customers/{cid}/verify"),
        ("GET", f"/customers/{cid}"),
        ("GET", f"/customers/{cid}/accounts"),
        ("POST", f"/customers/{cid}/accounts"),
        ("POST", f"/accounts/{aid}/challenge/sign"),
        ("GET", f"/accounts/{aid}"),
        ("GET", f"/accounts/{aid}"),
        ("GET", f"/accounts/{aid}"),
    ]

    # The customer creation, verified once more here by http-message-signatures.
    entry = sent[2]
    headers = entry["headers"]
    pairs = headers.items() if isinstance(headers, dict) else headers
    request = requests.Request(
        "POST", sandbox.root_url + entry["path"], headers={k: v for k, v in pairs}
    ).prepare()
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    verifier = HTTPMessageVerifier(
        signature_algorithm=algorithms.ECDSA_P384_SHA384,
        key_resolver=MappingKeyResolver(public_keys={key_id: public_pem}, private_keys={}),
    )
    covered = ("@method", "@authority", "@path", "authorization", "content-type", "content-digest", "idempotency-key")
    results = verifier.verify(request, max_age=None, require_components=covered, body=entry["body"].encode())
    assert results[0].parameters["keyid"] == key_id
    assert results[0].label == "sig"
