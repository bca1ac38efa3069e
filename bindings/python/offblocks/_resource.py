"""What the resources (``client.customers``, ``client.accounts``…) share."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .client import Client

#: Stands for the signer's handle among the arguments given to ``Client._with_signer``.
SIGNER = object()


class Resource:
    """A part of the API, handed out by a :class:`~offblocks.Client`: its calls go
    through the client, and end with it."""

    def __init__(self, client: Client) -> None:
        self._client = client
