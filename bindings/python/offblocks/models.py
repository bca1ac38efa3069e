"""The data of the OffBlocks API as Python dataclasses and enums.

The library hands objects over as JSON (camelCase, as the API spells it); these classes
give them Python names and types. Statuses are :class:`OpenEnum` s: a value this version
does not know (a status added to the API later) becomes a pseudo-member that keeps the raw
text instead of failing::

    >>> CustomerStatus("active") is CustomerStatus.ACTIVE
    True
    >>> s = CustomerStatus("suspended")      # unknown to this version
    >>> s.value, s.is_known
    ('suspended', False)
    >>> s == "suspended"
    True
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from enum import Enum
from typing import Any, Mapping, TypeVar

from .errors import DecodeError

E = TypeVar("E", bound="OpenEnum")


class OpenEnum(str, Enum):
    """A string enum that keeps values it does not know.

    Looking up an unknown value returns a pseudo-member (``is_known`` false) whose
    ``value`` is the text as sent, so code that only passes statuses along keeps working
    when the API grows. Members compare equal to their wire text.
    """

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, str):
            return None
        member = str.__new__(cls, value)
        member._name_ = "UNKNOWN_" + re.sub(r"\W", "_", value).upper()
        member._value_ = value
        # Remember it, so the same text always gives the same object.
        return cls._value2member_map_.setdefault(value, member)

    @property
    def is_known(self) -> bool:
        """Whether this version of the SDK knows the value."""
        return self._name_ in type(self).__members__

    def __str__(self) -> str:
        return str(self.value)


class CustomerStatus(OpenEnum):
    """Where a customer is in onboarding."""

    INITIATING = "initiating"
    """Created; the challenge is not signed yet."""
    SCREENING = "screening"
    """Challenge signed; screening runs."""
    VERIFYING = "verifying"
    """Screening passed; identity verification pending."""
    ACTIVE = "active"
    """Fully onboarded."""
    INACTIVE = "inactive"
    """Deactivated; can become active again."""
    REJECTED = "rejected"
    """Refused (final)."""


class AccountStatus(OpenEnum):
    """Where an account is in its life."""

    INITIATING = "initiating"
    """Created; the challenge is not signed yet."""
    PENDING = "pending"
    """Signed; the smart account is being deployed."""
    ACTIVE = "active"
    """Deployed and usable."""
    INACTIVE = "inactive"
    """Deactivated; can be activated again."""
    CLOSED = "closed"
    """Closed (final)."""
    FAILED = "failed"
    """Deployment failed (final)."""


class AccountType(OpenEnum):
    """The kind of account."""

    CARD_ACCOUNT = "card_account"
    """A card account (the only kind today)."""


class WebhookType(OpenEnum):
    """The kind of event a webhook receives."""

    CUSTOMER_UPDATED = "customer.updated"
    ACCOUNT_UPDATED = "account.updated"


class SignatureEncoding(OpenEnum):
    """How a 65-byte EIP-191 signature is written for the API."""

    HEX_TEXT = "hex"
    """``0x`` and 130 lowercase hex digits."""
    BASE64_HEX_TEXT = "base64_hex"
    """Base64 of the hex text: the customer-challenge format."""
    BASE64_RAW = "base64_raw"
    """Base64 of the raw 65 bytes: the account-challenge format."""


# ---------------------------------------------------------------------------------------
# Decoding helpers.
# ---------------------------------------------------------------------------------------

_RFC3339 = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})$"
)


def parse_timestamp(text: str) -> datetime:
    """An RFC 3339 timestamp (0 to 9 fractional digits) as an aware ``datetime``.

    >>> parse_timestamp("2024-01-17T18:21:53.123456789Z").isoformat()
    '2024-01-17T18:21:53.123456+00:00'
    """
    m = _RFC3339.match(text)
    if not m:
        raise DecodeError(f"not an RFC 3339 timestamp: {text!r}")
    year, month, day, hour, minute, second = (int(g) for g in m.groups()[:6])
    micros = int((m.group(7) or "0")[:6].ljust(6, "0"))
    zone = m.group(8)
    if zone in ("Z", "z"):
        tz = timezone.utc
    else:
        sign = 1 if zone[0] == "+" else -1
        tz = timezone(sign * timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6])))
    try:
        return datetime(year, month, day, hour, minute, min(second, 59), micros, tzinfo=tz)
    except ValueError as e:
        raise DecodeError(f"not an RFC 3339 timestamp: {text!r}") from e


def _format_timestamp(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def _obj(value: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise DecodeError(f"expected a JSON object for {what}")
    return value


def _str(obj: Mapping[str, Any], key: str, what: str) -> str:
    value = obj.get(key)
    if not isinstance(value, str):
        raise DecodeError(f"{what}.{key} is missing or not a string")
    return value


def _opt_str(obj: Mapping[str, Any], key: str, what: str) -> str | None:
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise DecodeError(f"{what}.{key} is not a string")
    return value


def _opt_ts(obj: Mapping[str, Any], key: str, what: str) -> datetime | None:
    value = _opt_str(obj, key, what)
    return None if value is None else parse_timestamp(value)


def _str_list(obj: Mapping[str, Any], key: str, what: str) -> list[str]:
    value = obj.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise DecodeError(f"{what}.{key} is not a list of strings")
    return list(value)


# ---------------------------------------------------------------------------------------
# The API's objects.
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Customer:
    """A customer.

    Attributes:
        id: OffBlocks' id (opaque).
        external_id: your id for the customer.
        chain_id: the customer's wallet as a CAIP-10 account id (``eip155:300:0x…``).
        status: where the customer is in onboarding.
        created_at, updated_at: when it was created and last changed.
        challenge: the challenge to sign (base64 EIP-4361), on creation only.
        raw: the JSON object as received (fields this version does not know included).
    """

    id: str
    external_id: str
    chain_id: str
    status: CustomerStatus
    created_at: datetime
    updated_at: datetime
    challenge: str | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_json(cls, value: Any) -> Customer:
        """A customer from its JSON object (as the API and the C ABI give it)."""
        o = _obj(value, "customer")
        return cls(
            id=_str(o, "id", "customer"),
            external_id=_str(o, "externalId", "customer"),
            chain_id=_str(o, "chainId", "customer"),
            status=CustomerStatus(_str(o, "status", "customer")),
            created_at=parse_timestamp(_str(o, "createdAt", "customer")),
            updated_at=parse_timestamp(_str(o, "updatedAt", "customer")),
            challenge=_opt_str(o, "challenge", "customer"),
            raw=dict(o),
        )

    def to_json(self) -> dict[str, Any]:
        """The JSON object (camelCase), as received when there is one."""
        if self.raw:
            return dict(self.raw)
        out: dict[str, Any] = {
            "id": self.id,
            "externalId": self.external_id,
            "chainId": self.chain_id,
            "status": self.status.value,
            "createdAt": _format_timestamp(self.created_at),
            "updatedAt": _format_timestamp(self.updated_at),
        }
        if self.challenge is not None:
            out["challenge"] = self.challenge
        return out


@dataclass(frozen=True)
class Account:
    """An account.

    Attributes:
        id: OffBlocks' id (opaque).
        customer_id: the owning customer.
        status: where the account is in its life.
        type: the kind of account.
        currencies: ISO-4217 currencies.
        created_at, updated_at: when it was created and last changed.
        chain_id: the deployed smart account (CAIP-10), once ``active``.
        challenge: the challenge to sign (base64), on creation only.
        raw: the JSON object as received.
    """

    id: str
    customer_id: str
    status: AccountStatus
    type: AccountType
    currencies: list[str]
    created_at: datetime
    updated_at: datetime
    chain_id: str | None = None
    challenge: str | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_json(cls, value: Any) -> Account:
        """An account from its JSON object."""
        o = _obj(value, "account")
        kind = _str(o, "type", "account")
        return cls(
            id=_str(o, "id", "account"),
            customer_id=_str(o, "customerId", "account"),
            status=AccountStatus(_str(o, "status", "account")),
            type=AccountType(kind.lower() if kind == "CARD_ACCOUNT" else kind),
            currencies=_str_list(o, "currencies", "account"),
            created_at=parse_timestamp(_str(o, "createdAt", "account")),
            updated_at=parse_timestamp(_str(o, "updatedAt", "account")),
            chain_id=_opt_str(o, "chainId", "account"),
            challenge=_opt_str(o, "challenge", "account"),
            raw=dict(o),
        )

    def to_json(self) -> dict[str, Any]:
        """The JSON object (camelCase), as received when there is one."""
        if self.raw:
            return dict(self.raw)
        out: dict[str, Any] = {
            "id": self.id,
            "customerId": self.customer_id,
            "status": self.status.value,
            "type": self.type.value,
            "currencies": list(self.currencies),
            "createdAt": _format_timestamp(self.created_at),
            "updatedAt": _format_timestamp(self.updated_at),
        }
        if self.chain_id is not None:
            out["chainId"] = self.chain_id
        if self.challenge is not None:
            out["challenge"] = self.challenge
        return out


@dataclass(frozen=True)
class Challenge:
    """A challenge to sign, as issued: base64 of an EIP-4361 (Sign-In with Ethereum)
    message.

    >>> c = Challenge(base64.b64encode(b"hello").decode())
    >>> c.message
    b'hello'
    """

    challenge: str
    """The challenge, base64 exactly as issued (what the ``challenge`` field takes)."""

    @property
    def message(self) -> bytes:
        """The decoded bytes: exactly what gets signed."""
        try:
            return base64.b64decode(self.challenge, validate=True)
        except (binascii.Error, ValueError) as e:
            raise DecodeError("the challenge is not base64") from e

    @property
    def text(self) -> str:
        """The decoded message as text."""
        return self.message.decode("utf-8", "replace")

    def parse(self) -> SiweMessage:
        """The decoded message parsed as EIP-4361 (raises :class:`SiweError`)."""
        from .wallet import parse_siwe

        return parse_siwe(self.message)

    def __str__(self) -> str:
        return self.challenge


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
        o = _obj(value, "siwe")
        chain = o.get("chainId")
        if not isinstance(chain, int):
            raise DecodeError("siwe.chainId is not an integer")
        return cls(
            domain=_str(o, "domain", "siwe"),
            address=_str(o, "address", "siwe"),
            uri=_str(o, "uri", "siwe"),
            version=_str(o, "version", "siwe"),
            chain_id=chain,
            nonce=_str(o, "nonce", "siwe"),
            issued_at=parse_timestamp(_str(o, "issuedAt", "siwe")),
            raw=_str(o, "raw", "siwe") if "raw" in o else _str(o, "text", "siwe"),
            scheme=_opt_str(o, "scheme", "siwe"),
            statement=_opt_str(o, "statement", "siwe"),
            expiration_time=_opt_ts(o, "expirationTime", "siwe"),
            not_before=_opt_ts(o, "notBefore", "siwe"),
            request_id=_opt_str(o, "requestId", "siwe"),
            resources=_str_list(o, "resources", "siwe"),
        )


@dataclass(frozen=True)
class Webhook:
    """A webhook subscription."""

    id: str
    callback_url: str
    types: list[WebhookType]
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @classmethod
    def from_json(cls, value: Any) -> Webhook:
        """A subscription from its JSON object."""
        o = _obj(value, "webhook")
        return cls(
            id=_str(o, "id", "webhook"),
            callback_url=_str(o, "callbackUrl", "webhook"),
            types=[WebhookType(t) for t in _str_list(o, "types", "webhook")],
            created_at=_opt_ts(o, "createdAt", "webhook"),
            updated_at=_opt_ts(o, "updatedAt", "webhook"),
        )


@dataclass(frozen=True)
class WebhookEvent:
    """One webhook delivery. Deliveries come at least once and in any order: dedupe by
    :attr:`event_id`, order by :attr:`updated_at`.

    Attributes:
        event_id: the delivery's unique id (the dedupe key).
        webhook_type: what happened.
        entity: ``"customer"``, ``"account"`` or ``"other"``.
        data: the :class:`Customer` or :class:`Account` after the change, or the JSON as
            sent for an event type this version does not know.
    """

    event_id: str
    webhook_type: WebhookType
    entity: str
    data: Customer | Account | Mapping[str, Any]

    @property
    def updated_at(self) -> datetime | None:
        """The entity's ``updatedAt``, to order deliveries."""
        if isinstance(self.data, (Customer, Account)):
            return self.data.updated_at
        value = self.data.get("updatedAt")
        return parse_timestamp(value) if isinstance(value, str) else None

    @classmethod
    def from_json(cls, value: Any) -> WebhookEvent:
        """An event from the C ABI's parsed form."""
        o = _obj(value, "event")
        entity = _str(o, "entity", "event")
        raw = _obj(o.get("data"), "event.data")
        data: Customer | Account | Mapping[str, Any]
        if entity == "customer":
            data = Customer.from_json(raw)
        elif entity == "account":
            data = Account.from_json(raw)
        else:
            data = dict(raw)
        return cls(
            event_id=_str(o, "eventId", "event"),
            webhook_type=WebhookType(_str(o, "webhookType", "event")),
            entity=entity,
            data=data,
        )


@dataclass(frozen=True)
class Token:
    """A bearer token. ``repr`` hides it: it is a secret."""

    token: str = field(repr=False)
    expires_at: datetime
    token_type: str = "Bearer"

    @classmethod
    def from_json(cls, value: Any) -> Token:
        o = _obj(value, "token")
        expires = o.get("expiresAt")
        if not isinstance(expires, int):
            raise DecodeError("token.expiresAt is not an integer")
        return cls(
            token=_str(o, "token", "token"),
            expires_at=datetime.fromtimestamp(expires, tz=timezone.utc),
            token_type=_opt_str(o, "tokenType", "token") or "Bearer",
        )


@dataclass(frozen=True)
class DryRun:
    """What a request would carry, from :meth:`offblocks.Client.dry_run`.

    **Holds the bearer token** (in the ``Authorization`` header): treat it as a secret.
    """

    method: str
    url: str
    headers: list[tuple[str, str]] = field(repr=False)
    signature_base: str = field(repr=False)

    def header(self, name: str) -> str | None:
        """The value of the first header called ``name`` (any case), or ``None``."""
        wanted = name.lower()
        for key, value in self.headers:
            if key.lower() == wanted:
                return value
        return None

    @classmethod
    def from_json(cls, value: Any) -> DryRun:
        o = _obj(value, "dry run")
        headers = o.get("headers")
        if not isinstance(headers, list) or not all(
            isinstance(h, list) and len(h) == 2 and all(isinstance(x, str) for x in h)
            for h in headers
        ):
            raise DecodeError("dry run.headers is not a list of [name, value]")
        return cls(
            method=_str(o, "method", "dry run"),
            url=_str(o, "url", "dry run"),
            headers=[(h[0], h[1]) for h in headers],
            signature_base=_str(o, "signatureBase", "dry run"),
        )


@dataclass(frozen=True)
class Onboarded:
    """The result of :meth:`offblocks.Client.onboard`: the ``active`` customer and
    account."""

    customer: Customer
    account: Account

    @classmethod
    def from_json(cls, value: Any) -> Onboarded:
        o = _obj(value, "onboarded")
        return cls(
            customer=Customer.from_json(o.get("customer")),
            account=Account.from_json(o.get("account")),
        )


@dataclass(frozen=True)
class Progress:
    """One report of :meth:`offblocks.Client.onboard`'s progress, after each step.

    Attributes:
        step: the step just done (``create_customer``, ``sign_customer_challenge``,
            ``verify_customer``, ``wait_customer``, ``create_account``,
            ``sign_account_challenge``, ``wait_account``, ``done``).
        status: the resource's status after it.
        elapsed: the time since the flow started, in seconds.
        message: a short description (ids, what happened).
    """

    step: str
    status: str
    elapsed: float
    message: str
