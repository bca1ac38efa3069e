"""The request-signing key outside the process (:class:`offblocks.RequestSigner`): a
"KMS" in another Python process holds the P-384 key and signs every request of a whole
onboarding; failures in the signer become :class:`SignerError`; and key rotation while
other threads keep calling fails no request."""

from __future__ import annotations

import struct
import subprocess
import sys
import threading
from collections.abc import Iterator

import pytest

import offblocks
from offblocks import RequestSigner, SignerError
from offblocks.sandbox import LocalSandbox

# The stand-in KMS: makes a P-384 key, prints its public PEM then a blank line, then
# answers each base on stdin (4-byte length, bytes) with a DER signature (same framing).
KMS = r"""
import struct, sys
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
key = ec.generate_private_key(ec.SECP384R1())
pem = key.public_key().public_bytes(
    serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
out, inp = sys.stdout.buffer, sys.stdin.buffer
out.write(pem + b"\n"); out.flush()
while True:
    head = inp.read(4)
    if len(head) < 4:
        break
    base = inp.read(struct.unpack(">I", head)[0])
    sig = key.sign(base, ec.ECDSA(hashes.SHA384()))
    out.write(struct.pack(">I", len(sig)) + sig); out.flush()
"""


class Kms:
    """The client side of the KMS process: ``sign`` is thread-safe."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", KMS], stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
        assert self.process.stdout is not None and self.process.stdin is not None
        self._in, self._out = self.process.stdin, self.process.stdout
        lines = []
        while True:
            line = self._out.readline()
            if line.strip() == b"":
                break
            lines.append(line)
        self.public_key_pem = b"".join(lines).decode()
        self.calls = 0
        self._lock = threading.Lock()

    def sign(self, base: bytes) -> bytes:
        with self._lock:
            self.calls += 1
            self._in.write(struct.pack(">I", len(base)) + base)
            self._in.flush()
            (length,) = struct.unpack(">I", self._out.read(4))
            return self._out.read(length)

    def close(self) -> None:
        self._in.close()
        self.process.wait(timeout=10)
        self._out.close()


@pytest.fixture
def kms() -> Iterator[Kms]:
    running = Kms()
    yield running
    running.close()


def _external_client(sandbox: LocalSandbox, signer: RequestSigner) -> offblocks.Client:
    return offblocks.Client(
        base_url=sandbox.base_url,
        api_key=sandbox.api_key,
        api_secret=sandbox.api_secret,
        request_signer=signer,
        ca_file=sandbox.ca_file,
    )


def test_an_onboarding_signed_in_another_process(
    sandbox: LocalSandbox, kms: Kms, external_id: str
) -> None:
    signer = RequestSigner(kms.public_key_pem, kms.sign)
    assert signer.public_key_pem.strip() == kms.public_key_pem.strip()
    assert repr(signer) == "RequestSigner(external)"
    with _external_client(sandbox, signer) as client:
        signer.close()  # the client keeps what it needs
        key_id = client.auth.register_signing_key()
        done = client.onboard(external_id, signer=offblocks.Wallet.random())
        assert done.account.status == offblocks.AccountStatus.ACTIVE
        assert kms.calls >= 6
        assert key_id in sandbox.state()["signingKeys"]


def test_what_the_signer_raises_is_a_signer_error(sandbox: LocalSandbox, kms: Kms) -> None:
    def offline(base: bytes) -> bytes:
        raise ConnectionError("hsm offline")

    with _external_client(sandbox, RequestSigner(kms.public_key_pem, offline)) as client:
        client.key_id = "k-any"  # the signer fails before anything is sent
        with pytest.raises(SignerError) as raised:
            client.customers.list()
        assert "ConnectionError: hsm offline" in str(raised.value)
        assert isinstance(raised.value.__cause__, ConnectionError)
        # The client stays usable, and the next failure is its own.
        with pytest.raises(SignerError):
            client.customers.list()

    def not_bytes(base: bytes) -> bytes:
        return "a signature"  # type: ignore[return-value]

    def too_long(base: bytes) -> bytes:
        return b"\x30" * 200

    for sign, why in ((not_bytes, "not bytes"), (too_long, "200 bytes")):
        with _external_client(sandbox, RequestSigner(kms.public_key_pem, sign)) as client:
            client.key_id = "k-any"
            with pytest.raises(SignerError, match=why):
                client.customers.list()


def test_a_signature_by_another_key_is_refused_before_sending(
    sandbox: LocalSandbox, kms: Kms
) -> None:
    other = offblocks.signing_key_public_pem(offblocks.generate_signing_key())
    before = len(sandbox.requests())
    with _external_client(sandbox, RequestSigner(other, kms.sign)) as client:
        client.key_id = "k-any"
        with pytest.raises(SignerError, match="does not verify"):
            client.customers.list()
    sent = sandbox.requests()[before:]
    assert all(r["path"].endswith("/auth/token") for r in sent), sent


def test_a_bad_public_key_is_refused() -> None:
    with pytest.raises(offblocks.InvalidKey):
        RequestSigner("not a key", lambda base: b"")
    with pytest.raises(TypeError):
        RequestSigner("x", "not callable")  # type: ignore[arg-type]


def test_rotation_while_threads_call_fails_nothing(sandbox: LocalSandbox, kms: Kms) -> None:
    first_pem = offblocks.generate_signing_key()
    with sandbox.client(signing_key_pem=first_pem) as client:
        first = client.auth.register_signing_key()
        stop = threading.Event()
        failures: list[BaseException] = []
        calls = [0]

        def work() -> None:
            while not stop.is_set():
                try:
                    client.customers.list()
                except BaseException as e:  # noqa: BLE001
                    failures.append(e)
                calls[0] += 1

        def wait_calls(n: int) -> None:
            start = calls[0]
            while calls[0] < start + n:
                stop.wait(0.001)

        threads = [threading.Thread(target=work) for _ in range(3)]
        for t in threads:
            t.start()
        ids = [first]
        try:
            for new_key in (
                offblocks.generate_signing_key(),
                RequestSigner(kms.public_key_pem, kms.sign),
                offblocks.generate_signing_key(),
            ):
                wait_calls(6)
                ids.append(client.auth.rotate_signing_key(new_key))
                assert client.key_id == ids[-1]
            wait_calls(6)
        finally:
            stop.set()
            for t in threads:
                t.join()
        assert failures == []
        registered = sandbox.state()["signingKeys"]
        assert ids[-1] in registered and not set(ids[:-1]) & set(registered)
        assert len(set(ids)) == len(ids)
        # The first key is gone: a client signing with it is refused.
        with sandbox.client(signing_key_pem=first_pem, key_id=first) as old:
            with pytest.raises(offblocks.ApiError):
                old.customers.list()


def test_rotation_needs_a_registered_key(sandbox: LocalSandbox) -> None:
    with sandbox.client() as client:
        with pytest.raises(offblocks.ConfigError):
            client.auth.rotate_signing_key(offblocks.generate_signing_key())
        with pytest.raises(TypeError):
            client.auth.rotate_signing_key(42)  # type: ignore[arg-type]
