"""``client.webhooks`` (``/webhooks``), and :func:`parse_webhook_event` for the deliveries
OffBlocks sends to your callback URL (it needs no client)."""

from __future__ import annotations

from typing import Any, Iterable

from . import _native
from ._native import json_text, opt_text, text
from ._resource import Resource
from .errors import DecodeError
from .models import Webhook, WebhookEvent, WebhookType

__all__ = ["Webhooks", "parse_webhook_event"]


class Webhooks(Resource):
    """``/webhooks`` (``client.webhooks``)."""

    def put(
        self,
        callback_url: str,
        types: Iterable[WebhookType | str] = (WebhookType.CUSTOMER_UPDATED, WebhookType.ACCOUNT_UPDATED),
        *,
        id: str | None = None,
        idempotency_key: str | None = None,
    ) -> Webhook:
        """``PUT /webhooks``: creates a subscription, or replaces the one with ``id``."""
        body: dict[str, Any] = {"callbackUrl": callback_url, "types": [str(t) for t in types]}
        if id is not None:
            body["id"] = id
        raw = self._client._call_json(
            "offblocks_webhooks_put", json_text(body), opt_text(idempotency_key, "idempotency_key")
        )
        return Webhook.from_json(raw)

    def get(self, webhook_id: str) -> Webhook:
        """``GET /webhooks/{id}``."""
        return Webhook.from_json(
            self._client._call_json("offblocks_webhooks_get", text(webhook_id, "webhook_id"))
        )

    def list(self) -> list[Webhook]:
        """``GET /webhooks``."""
        return [Webhook.from_json(w) for w in self._client._call_json("offblocks_webhooks_list")]

    def delete(self, webhook_id: str, *, idempotency_key: str | None = None) -> None:
        """``DELETE /webhooks/{id}``."""
        self._client._call(
            "offblocks_webhooks_delete",
            text(webhook_id, "webhook_id"),
            opt_text(idempotency_key, "idempotency_key"),
        )

    @staticmethod
    def parse_event(body: str | bytes) -> WebhookEvent:
        """Same as :func:`parse_webhook_event`."""
        return parse_webhook_event(body)


def parse_webhook_event(body: str | bytes) -> WebhookEvent:
    """Parses the body of a webhook delivery (what OffBlocks POSTs to your callback URL).
    Needs no client. Raises :class:`DecodeError` when it is not such a delivery.

    >>> event = parse_webhook_event(request_body)   # doctest: +SKIP
    >>> event.entity, event.data.status             # doctest: +SKIP
    ('customer', <CustomerStatus.ACTIVE: 'active'>)
    """
    if isinstance(body, bytes):
        try:
            body = body.decode("utf-8")
        except UnicodeDecodeError as e:
            raise DecodeError("the webhook body is not UTF-8") from e
    raw = _native.call_string("offblocks_webhook_event_parse", text(body, "body"))
    return WebhookEvent.from_json(_native.parse_json(raw))
