"""Sandbox only: ``client.simulator`` (``/simulator``), which moves customers through
verification."""

from __future__ import annotations

from ._native import opt_text, text
from ._resource import Resource

__all__ = ["Simulator"]


class Simulator(Resource):
    """Sandbox only: ``/simulator`` (``client.simulator``). A live environment answers
    404."""

    def verify_customer(self, customer_id: str, *, idempotency_key: str | None = None) -> None:
        """``PATCH /simulator/customers/{id}/verify``: the customer becomes ``active``."""
        self._client._call(
            "offblocks_simulator_verify_customer",
            text(customer_id, "customer_id"),
            opt_text(idempotency_key, "idempotency_key"),
        )

    def reject_customer(self, customer_id: str, *, idempotency_key: str | None = None) -> None:
        """``PATCH /simulator/customers/{id}/reject``: the customer becomes ``rejected``."""
        self._client._call(
            "offblocks_simulator_reject_customer",
            text(customer_id, "customer_id"),
            opt_text(idempotency_key, "idempotency_key"),
        )
