"""``client.accounts`` (``/accounts``, ``/customers/{id}/accounts``)."""

from __future__ import annotations

import builtins
from typing import Iterable

from ._native import json_text, opt_text, text
from ._resource import SIGNER, Resource
from .models import Account, Challenge
from .wallet import Signer, Wallet

__all__ = ["Accounts"]


class Accounts(Resource):
    """``/accounts`` (``client.accounts``)."""

    def create(
        self,
        customer_id: str,
        *,
        type: str = "card_account",
        currencies: Iterable[str] = ("EUR",),
        idempotency_key: str | None = None,
    ) -> Account:
        """``POST /customers/{id}/accounts``: opens an account for an ``active`` customer.
        The result carries its ``challenge``."""
        body = {"type": str(type), "currencies": list(currencies)}
        raw = self._client._call_json(
            "offblocks_accounts_create",
            text(customer_id, "customer_id"),
            json_text(body),
            opt_text(idempotency_key, "idempotency_key"),
        )
        return Account.from_json(raw)

    def get(self, account_id: str) -> Account:
        """``GET /accounts/{id}``."""
        return Account.from_json(
            self._client._call_json("offblocks_accounts_get", text(account_id, "account_id"))
        )

    def list(self) -> list[Account]:
        """``GET /accounts``: every account."""
        return [Account.from_json(a) for a in self._client._call_json("offblocks_accounts_list")]

    def list_for_customer(self, customer_id: str) -> builtins.list[Account]:
        """``GET /customers/{id}/accounts``."""
        raw = self._client._call_json(
            "offblocks_accounts_list_for_customer", text(customer_id, "customer_id")
        )
        return [Account.from_json(a) for a in raw]

    def challenge(self, account_id: str) -> Challenge:
        """``GET /accounts/{id}/challenge``: a new challenge (earlier ones stop
        working)."""
        raw = self._client._call_string("offblocks_accounts_challenge", text(account_id, "account_id"))
        return Challenge(raw)

    def submit_challenge(
        self,
        account_id: str,
        *,
        owner_id: str,
        challenge: str | Challenge,
        signature: str,
        idempotency_key: str | None = None,
    ) -> None:
        """``POST /accounts/{id}/challenge/sign`` with a signature made elsewhere
        (base64 of the raw 65 bytes, :attr:`SignatureEncoding.BASE64_RAW`)."""
        body = {"ownerId": owner_id, "challenge": str(challenge), "signature": signature}
        self._client._call(
            "offblocks_accounts_submit_challenge",
            text(account_id, "account_id"),
            json_text(body),
            opt_text(idempotency_key, "idempotency_key"),
        )

    def sign_challenge(
        self,
        account: Account | str,
        signer: Signer | Wallet,
        *,
        owner_id: str | None = None,
        chain: str | None = None,
        idempotency_key: str | None = None,
    ) -> None:
        """Signs the account's challenge with ``signer`` and submits it
        (``POST /accounts/{id}/challenge/sign``). ``account`` is an :class:`Account` (its
        ``challenge`` is used when present, else a new one is fetched) or an id;
        ``owner_id`` is the customer's CAIP-10 ``chain_id`` (fetched from the server when
        not given), whose address must be the signer's (else :class:`ChallengeRefused`).
        ``chain`` (CAIP-2, ``"eip155:300"``) states the chain this caller expects the
        owner on: another raises :class:`ChallengeRefused` and nothing is signed."""
        if isinstance(account, str):
            account = self.get(account)
        if owner_id is None:
            owner_id = self._client.customers.get(account.customer_id).chain_id
        self._client._with_signer(
            signer,
            "offblocks_accounts_sign_challenge",
            json_text(account.to_json()),
            text(owner_id, "owner_id"),
            opt_text(chain, "chain"),
            SIGNER,
            opt_text(idempotency_key, "idempotency_key"),
        )

    def _action(self, name: str, account_id: str, idempotency_key: str | None) -> None:
        self._client._call(
            name, text(account_id, "account_id"), opt_text(idempotency_key, "idempotency_key")
        )

    def activate(self, account_id: str, *, idempotency_key: str | None = None) -> None:
        """``PATCH /accounts/{id}/activate``."""
        self._action("offblocks_accounts_activate", account_id, idempotency_key)

    def deactivate(self, account_id: str, *, idempotency_key: str | None = None) -> None:
        """``PATCH /accounts/{id}/deactivate``."""
        self._action("offblocks_accounts_deactivate", account_id, idempotency_key)

    def close(self, account_id: str, *, idempotency_key: str | None = None) -> None:
        """``DELETE /accounts/{id}``: closes the account (final)."""
        self._action("offblocks_accounts_close", account_id, idempotency_key)
