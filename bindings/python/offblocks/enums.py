"""The API's statuses and kinds, as :class:`OpenEnum` s: a value this version does not
know (a status added to the API later) becomes a pseudo-member that keeps the raw text
instead of failing::

    >>> CustomerStatus("active") is CustomerStatus.ACTIVE
    True
    >>> s = CustomerStatus("suspended")      # unknown to this version
    >>> s.value, s.is_known
    ('suspended', False)
    >>> s == "suspended"
    True
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Any, TypeVar

__all__ = [
    "OpenEnum",
    "CustomerStatus",
    "AccountStatus",
    "AccountType",
    "WebhookType",
    "SignatureEncoding",
]

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

    HEX = "hex"
    """``0x`` and 130 lowercase hex digits."""
    BASE64_HEX = "base64_hex"
    """Base64 of the hex text: the customer-challenge format."""
    BASE64_RAW = "base64_raw"
    """Base64 of the raw 65 bytes: the account-challenge format."""
