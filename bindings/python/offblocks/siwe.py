"""EIP-4361 (Sign-In with Ethereum): the messages customers sign, parsed
(:func:`parse_siwe`) and, for a customer challenge, checked before anyone signs it
(:func:`check_challenge`), by the library, as the SDK does itself."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from . import _native
from ._decode import as_object, field_int, field_str, opt_str, opt_timestamp, parse_timestamp
from ._decode import str_list
from ._native import opt_text, text
from .errors import DecodeError, SiweError

__all__ = ["SiweMessage", "parse_siwe", "check_challenge"]


@dataclass(frozen=True)
class SiweMessage:
    """A parsed EIP-4361 (Sign-In with Ethereum) message.

    The fields are a view of :attr:`raw`, the text exactly as received: what gets signed
    is always that text, never one rebuilt from the fields.
    """

    domain: str
    address: str
    uri: str
    version: str
    chain_id: int
    nonce: str
    issued_at: datetime
    raw: str = field(repr=False)
    scheme: str | None = None
    statement: str | None = None
    expiration_time: datetime | None = None
    not_before: datetime | None = None
    request_id: str | None = None
    resources: list[str] = field(default_factory=list)

    @classmethod
    def from_json(cls, value: Any) -> SiweMessage:
        """A message from the C ABI's JSON."""
        o = as_object(value, "siwe")
        chain = field_int(o, "chainId", "siwe")
        return cls(
            domain=field_str(o, "domain", "siwe"),
            address=field_str(o, "address", "siwe"),
            uri=field_str(o, "uri", "siwe"),
            version=field_str(o, "version", "siwe"),
            chain_id=chain,
            nonce=field_str(o, "nonce", "siwe"),
            issued_at=parse_timestamp(field_str(o, "issuedAt", "siwe")),
            raw=field_str(o, "raw", "siwe") if "raw" in o else field_str(o, "text", "siwe"),
            scheme=opt_str(o, "scheme", "siwe"),
            statement=opt_str(o, "statement", "siwe"),
            expiration_time=opt_timestamp(o, "expirationTime", "siwe"),
            not_before=opt_timestamp(o, "notBefore", "siwe"),
            request_id=opt_str(o, "requestId", "siwe"),
            resources=str_list(o, "resources", "siwe"),
        )


def _siwe(raw_json: str, raw_text: str) -> SiweMessage:
    value = json.loads(raw_json)
    value["raw"] = raw_text
    return SiweMessage.from_json(value)


def parse_siwe(message: str | bytes) -> SiweMessage:
    """Parses the text of an EIP-4361 (Sign-In with Ethereum) message.

    Raises :class:`SiweError` naming the first problem.

    >>> m = parse_siwe("example.com wants you to sign in with your Ethereum account:\\n"
    ...     "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266\\n\\nURI: https://example.com\\n"
    ...     "Version: 1\\nChain ID: 300\\nNonce: 5ufoiEqDaFvmfo78\\n"
    ...     "Issued At: 2024-01-17T18:21:53Z")
    >>> m.domain, m.chain_id
    ('example.com', 300)
    """
    if isinstance(message, bytes):
        try:
            message = message.decode("utf-8")
        except UnicodeDecodeError as e:
            raise SiweError("the message is not UTF-8") from e
    return _siwe(_native.call_string("offblocks_siwe_parse", text(message, "message")), message)


def check_challenge(
    challenge: str,
    *,
    wallet_address: str,
    customer_id: str,
    expected_domain: str | None = None,
    now: datetime | float | None = None,
) -> SiweMessage:
    """Checks a customer challenge (base64, as issued) before anyone signs it, as the SDK
    does itself: it must name ``wallet_address``; ``customer_id`` (the customer's CAIP-10
    ``chain_id``) must be that address on the ``eip155`` chain the message names; the
    domain must be ``expected_domain`` (when given); ``now`` (default: the current time)
    must be inside its validity window, give or take 60 s.

    Returns the parsed message (to show the user what they sign). Raises
    :class:`ChallengeRefused` when a check fails, :class:`SiweError` or
    :class:`InvalidInput` when something does not parse.
    """
    if now is None:
        now_unix = int(time.time())
    elif isinstance(now, datetime):
        now_unix = int(now.timestamp())
    else:
        now_unix = int(now)
    from .models import Challenge

    raw = _native.call_string(
        "offblocks_siwe_guard",
        text(str(challenge), "challenge"),
        text(wallet_address, "wallet_address"),
        text(customer_id, "customer_id"),
        opt_text(expected_domain, "expected_domain"),
        _native.int64(now_unix),
    )
    return _siwe(raw, Challenge(str(challenge)).text)
