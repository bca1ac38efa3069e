"""OpenSSL's P-384 sign (through `cryptography`) against a signed request prepared by the
`offblocks` package, interleaved in one process so both see the same machine.

    bindings/python/.venv/bin/python bindings/python/bench/openssl_sign.py [--rounds 31]
        [--per-round 100] [--json RESULTS.jsonl]

`openssl`: `ec.EllipticCurvePrivateKey.sign(base, ECDSA(SHA384))` of the exact signature
base the package signs (OpenSSL's constant-time P-384 with its precomputed tables; its
nonce is random, not RFC 6979, which costs it nothing measurable). `ours`:
`Client.dry_run("POST", "/customers", body)`: serialize, Content-Digest, Idempotency-Key,
RFC 9421 base, ECDSA P-384 (RFC 6979), headers, and the trip through the C ABI and back
as JSON, no network. Reports per-operation times and the median of per-round ratios;
appends one JSON line to --json (scripts/bench.sh's results file). No timing is asserted.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from cryptography.hazmat.backends.openssl import backend
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

import offblocks


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=31)
    ap.add_argument("--per-round", type=int, default=100)
    ap.add_argument("--json", help="append the figures as one JSON line to this file")
    args = ap.parse_args()

    client = offblocks.Client(
        base_url="http://127.0.0.1:9/v1",
        api_key="bench",
        api_secret="bench",
        generate_signing_key=True,
        key_id="k1",
    )
    body = {
        "chainId": "eip155:300:0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
        "externalId": "27c9aa3b-f12d-43b9-8e91-5264ccc998de",
    }
    token = "eyJhbGciOiJIUzI1NiJ9.payload.signature"

    def ours() -> object:
        return client.dry_run("POST", "/customers", body, token=token)

    base = ours().signature_base.encode()  # type: ignore[attr-defined]
    key = ec.generate_private_key(ec.SECP384R1())
    algorithm = ec.ECDSA(hashes.SHA384())

    def openssl() -> bytes:
        return key.sign(base, algorithm)

    def per_op_us(f: object, n: int) -> float:
        t = time.perf_counter_ns()
        for _ in range(n):
            f()  # type: ignore[operator]
        return (time.perf_counter_ns() - t) / n / 1000

    per_op_us(ours, args.per_round)
    per_op_us(openssl, args.per_round)
    ratios, ours_us, openssl_us = [], [], []
    for i in range(args.rounds):
        # Alternate which goes first, so neither always follows the other.
        if i % 2:
            a = per_op_us(openssl, args.per_round)
            b = per_op_us(ours, args.per_round)
        else:
            b = per_op_us(ours, args.per_round)
            a = per_op_us(openssl, args.per_round)
        openssl_us.append(a)
        ours_us.append(b)
        ratios.append(b / a)
    result = {
        "bench": "openssl_sign",
        "openssl": backend.openssl_version_text(),
        "openssl_sign_us": statistics.median(openssl_us),
        "python_prepared_us": statistics.median(ours_us),
        "ratio_median": statistics.median(ratios),
        "ratio_min": min(ratios),
        "ratio_max": max(ratios),
    }
    client.close()
    print(
        f"{result['openssl']}: P-384 sign {result['openssl_sign_us']:.1f} µs/op; "
        f"offblocks (Python) prepared signed POST {result['python_prepared_us']:.1f} µs/op; "
        f"ratio ours/OpenSSL median {result['ratio_median']:.3f} "
        f"(min {result['ratio_min']:.3f}, max {result['ratio_max']:.3f})"
    )
    if args.json:
        with open(args.json, "a", encoding="utf-8") as f:
            f.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
