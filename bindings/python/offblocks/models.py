"""The data of the OffBlocks API as Python dataclasses.

The library hands objects over as JSON (camelCase, as the API spells it); these classes
give them Python names and types. Statuses are :class:`~offblocks.enums.OpenEnum` s
(:mod:`offblocks.enums`), which keep values this version does not know; a parsed EIP-4361
message is a :class:`~offblocks.siwe.SiweMessage` (:mod:`offblocks.siwe`). Both are
importable from here too.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Mapping

from ._decode import as_object, field_int, field_str, format_timestamp, opt_str, opt_timestamp
from ._decode import str_list
from ._decode import parse_timestamp as parse_timestamp
from .enums import AccountStatus as AccountStatus
from .enums import AccountType as AccountType
from .enums import CustomerStatus as CustomerStatus
from .enums import OpenEnum as OpenEnum
from .enums import SignatureEncoding as SignatureEncoding
from .enums import WebhookType as WebhookType
from .errors import DecodeError
from .siwe import SiweMessage as SiweMessage



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
        o = as_object(value, "customer")
        return cls(
            id=field_str(o, "id", "customer"),
            external_id=field_str(o, "externalId", "customer"),
            chain_id=field_str(o, "chainId", "customer"),
            status=CustomerStatus(field_str(o, "status", "customer")),
            created_at=parse_timestamp(field_str(o, "createdAt", "customer")),
            updated_at=parse_timestamp(field_str(o, "updatedAt", "customer")),
            challenge=opt_str(o, "challenge", "customer"),
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
            "createdAt": format_timestamp(self.created_at),
            "updatedAt": format_timestamp(self.updated_at),
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
        o = as_object(value, "account")
        kind = field_str(o, "type", "account")
        return cls(
            id=field_str(o, "id", "account"),
            customer_id=field_str(o, "customerId", "account"),
            status=AccountStatus(field_str(o, "status", "account")),
            type=AccountType(kind.lower() if kind == "CARD_ACCOUNT" else kind),
            currencies=str_list(o, "currencies", "account"),
            created_at=parse_timestamp(field_str(o, "createdAt", "account")),
            updated_at=parse_timestamp(field_str(o, "updatedAt", "account")),
            chain_id=opt_str(o, "chainId", "account"),
            challenge=opt_str(o, "challenge", "account"),
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
            "createdAt": format_timestamp(self.created_at),
            "updatedAt": format_timestamp(self.updated_at),
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
        from .siwe import parse_siwe

        return parse_siwe(self.message)

    def __str__(self) -> str:
        return self.challenge


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
        o = as_object(value, "webhook")
        return cls(
            id=field_str(o, "id", "webhook"),
            callback_url=field_str(o, "callbackUrl", "webhook"),
            types=[WebhookType(t) for t in str_list(o, "types", "webhook")],
            created_at=opt_timestamp(o, "createdAt", "webhook"),
            updated_at=opt_timestamp(o, "updatedAt", "webhook"),
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
        o = as_object(value, "event")
        entity = field_str(o, "entity", "event")
        raw = as_object(o.get("data"), "event.data")
        data: Customer | Account | Mapping[str, Any]
        if entity == "customer":
            data = Customer.from_json(raw)
        elif entity == "account":
            data = Account.from_json(raw)
        else:
            data = dict(raw)
        return cls(
            event_id=field_str(o, "eventId", "event"),
            webhook_type=WebhookType(field_str(o, "webhookType", "event")),
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
        o = as_object(value, "token")
        expires = field_int(o, "expiresAt", "token")
        return cls(
            token=field_str(o, "token", "token"),
            expires_at=datetime.fromtimestamp(expires, tz=timezone.utc),
            token_type=opt_str(o, "tokenType", "token") or "Bearer",
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
        o = as_object(value, "dry run")
        headers = o.get("headers")
        if not isinstance(headers, list) or not all(
            isinstance(h, list) and len(h) == 2 and all(isinstance(x, str) for x in h)
            for h in headers
        ):
            raise DecodeError("dry run.headers is not a list of [name, value]")
        return cls(
            method=field_str(o, "method", "dry run"),
            url=field_str(o, "url", "dry run"),
            headers=[(h[0], h[1]) for h in headers],
            signature_base=field_str(o, "signatureBase", "dry run"),
        )


@dataclass(frozen=True)
class Onboarded:
    """The result of :meth:`offblocks.Client.onboard`: the ``active`` customer and
    account."""

    customer: Customer
    account: Account

    @classmethod
    def from_json(cls, value: Any) -> Onboarded:
        o = as_object(value, "onboarded")
        return cls(
            customer=Customer.from_json(o.get("customer")),
            account=Account.from_json(o.get("account")),
        )


@dataclass(frozen=True)
class Waiting:
    """Where :meth:`offblocks.Client.onboard` stopped with
    ``wait="return_when_waiting"``: OffBlocks has the next move (KYC, the account's
    deployment). Calling it again with the same request and signer when OffBlocks has made
    it (a webhook, a timer, a restart) continues from here, creating nothing twice.

    Attributes:
        step: what it waits for: ``wait_customer`` or ``wait_account``.
        customer: the customer, as last read.
        account: the account, as last read, once there is one.
    """

    step: str
    customer: Customer
    account: Account | None

    @classmethod
    def from_json(cls, value: Any) -> Waiting:
        o = as_object(value, "waiting")
        account = o.get("account")
        return cls(
            step=field_str(o, "step", "waiting"),
            customer=Customer.from_json(o.get("customer")),
            account=None if account is None else Account.from_json(account),
        )


def onboarding_from_json(value: Any) -> Onboarded | Waiting:
    """The ``{"state": "done" | "waiting", …}`` of ``"wait": "returnWhenWaiting"``."""
    o = as_object(value, "onboarding")
    state = o.get("state")
    if state == "done":
        return Onboarded.from_json(o)
    if state == "waiting":
        return Waiting.from_json(o)
    raise DecodeError(f"onboarding: unknown state {state!r}")


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
