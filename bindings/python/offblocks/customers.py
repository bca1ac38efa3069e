"""``client.customers`` (``/customers``): customers and their challenges."""

from __future__ import annotations

from ._native import json_text, opt_text, text
from ._resource import SIGNER, Resource
from .models import Challenge, Customer
from .wallet import Signer, Wallet

__all__ = ["Customers"]


class Customers(Resource):
    """``/customers`` (``client.customers``)."""

    def create(
        self, *, external_id: str, chain_id: str, idempotency_key: str | None = None
    ) -> Customer:
        """``POST /customers``: creates the customer ``external_id`` (your id for it)
        whose wallet is ``chain_id`` (CAIP-10, ``eip155:300:0x…``; see
        :meth:`Wallet.account_id`). The result carries its first ``challenge``. Raises
        :class:`ConflictError` when it already exists.

        Both identifiers are keyword-only: they are strings of similar looks, and a
        swapped pair would create a customer under the wrong id.

        Give your own ``idempotency_key`` (a UUID) to resume safely after a crash.
        """
        raw = self._client._call_json(
            "offblocks_customers_create",
            json_text({"chainId": chain_id, "externalId": external_id}),
            opt_text(idempotency_key, "idempotency_key"),
        )
        return Customer.from_json(raw)

    def get(self, customer_id: str) -> Customer:
        """``GET /customers/{id}``. Raises :class:`NotFoundError` (404) when unknown."""
        raw = self._client._call_json("offblocks_customers_get", text(customer_id, "customer_id"))
        return Customer.from_json(raw)

    def list(self) -> list[Customer]:
        """``GET /customers``."""
        return [Customer.from_json(c) for c in self._client._call_json("offblocks_customers_list")]

    def challenge(self, customer_id: str) -> Challenge:
        """``GET /customers/{id}/challenge``: the customer's current challenge."""
        raw = self._client._call_string(
            "offblocks_customers_challenge", text(customer_id, "customer_id")
        )
        return Challenge(raw)

    def submit_challenge(
        self,
        customer_id: str,
        *,
        owner_id: str,
        challenge: str | Challenge,
        signature: str,
        idempotency_key: str | None = None,
    ) -> None:
        """``POST /customers/{id}/challenge/sign`` with a signature made elsewhere:
        ``owner_id`` is the CAIP-10 id, ``challenge`` the base64 challenge as issued,
        ``signature`` base64 of the ``0x…`` hex signature
        (:attr:`SignatureEncoding.BASE64_HEX`). Raises :class:`ApiError` (400) when
        the server rejects it (it then issues a new challenge)."""
        body = {"ownerId": owner_id, "challenge": str(challenge), "signature": signature}
        self._client._call(
            "offblocks_customers_submit_challenge",
            text(customer_id, "customer_id"),
            json_text(body),
            opt_text(idempotency_key, "idempotency_key"),
        )

    def sign_challenge(
        self,
        customer: Customer | str,
        signer: Signer | Wallet,
        *,
        owner_id: str | None = None,
        chain: str | None = None,
        idempotency_key: str | None = None,
    ) -> None:
        """Checks the customer's challenge, signs it with ``signer`` and submits it
        (``POST /customers/{id}/challenge/sign``). ``customer`` is a :class:`Customer`
        (its ``challenge`` is used when present, else the current one is fetched) or an
        id.

        ``owner_id`` (CAIP-10, ``"eip155:300:0x…"``) and ``chain`` (CAIP-2,
        ``"eip155:300"``) state what this caller expects, so that the server's customer
        object does not decide alone who signs: a customer whose ``chain_id`` is another
        account or on another chain raises :class:`ChallengeRefused` (not the one asked
        for) and nothing is signed. ``None`` (the default) checks nothing more.

        Raises :class:`ChallengeRefused` (nothing signed) when the challenge names
        another address, chain or domain or is out of its validity window;
        :class:`ChallengeRejected` when the server refuses the signature (its
        ``reissued_challenge`` is the new one); :class:`SignerError` when the signer
        fails.
        """
        if isinstance(customer, str):
            customer = self.get(customer)
        self._client._with_signer(
            signer,
            "offblocks_customers_sign_challenge",
            json_text(customer.to_json()),
            opt_text(owner_id, "owner_id"),
            opt_text(chain, "chain"),
            SIGNER,
            opt_text(idempotency_key, "idempotency_key"),
        )

    def deactivate(self, customer_id: str, *, idempotency_key: str | None = None) -> None:
        """``PATCH /customers/{id}/deactivate``."""
        self._client._call(
            "offblocks_customers_deactivate",
            text(customer_id, "customer_id"),
            opt_text(idempotency_key, "idempotency_key"),
        )
