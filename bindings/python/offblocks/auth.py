"""``client.auth``: tokens, API credentials and the request-signing key; and the P-384
signing keys themselves (:func:`generate_signing_key`, :func:`signing_key_public_pem`),
which need no client."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import _native
from ._native import opt_text, text
from ._resource import Resource
from .models import Token

if TYPE_CHECKING:
    from .request_signer import RequestSigner

__all__ = ["Auth", "generate_signing_key", "signing_key_public_pem"]


class Auth(Resource):
    """``/auth``: tokens, credentials and the request-signing key (``client.auth``)."""

    def token(self) -> Token:
        """``POST /auth/token``: a fresh bearer token (calls fetch and refresh tokens by
        themselves; this is for inspection). Raises :class:`AuthenticationError` for
        wrong credentials."""
        return Token.from_json(self._client._call_json("offblocks_auth_token"))

    def register_signing_key(self, *, idempotency_key: str | None = None) -> str:
        """``PUT /auth/signing``: registers the public half of the client's signing key and
        makes the returned key id the one the client signs with. Returns the key id."""
        return self._client._call_string(
            "offblocks_auth_register_signing_key", opt_text(idempotency_key, "idempotency_key")
        )

    def delete_signing_key(self, *, idempotency_key: str | None = None) -> None:
        """``DELETE /auth/signing``: removes the registered signing key; signed calls fail
        with :class:`ConfigError` until one is registered again."""
        self._client._call(
            "offblocks_auth_delete_signing_key", opt_text(idempotency_key, "idempotency_key")
        )

    def rotate_signing_key(
        self, new_key: str | RequestSigner, *, idempotency_key: str | None = None
    ) -> str:
        """Replaces the request-signing key without a failed request, and returns the new
        key id (the client's from then on). ``new_key`` is a P-384 private key PEM (e.g.
        :func:`generate_signing_key`) or a :class:`~offblocks.RequestSigner`.

        Registers the new key (``PUT /auth/signing``, signed with the current key), signs
        every later request with it, then deletes the old key (``DELETE /auth/signing``,
        signed with the old key). Calls on other threads keep working: one signed with the
        old key and refused after the switch is signed again, once, with the new key.

        Raises :class:`ConfigError` when no key is registered yet. A failed registration
        leaves the client as it was; after a failed deletion the client signs with the new
        key already (``client.key_id``) and the old key stays registered."""
        from .request_signer import RequestSigner

        client = self._client
        if isinstance(new_key, RequestSigner):
            signer_handle = new_key._handle()
            try:
                client._signers.append(new_key._keep())
                return client._call_string(
                    "offblocks_auth_rotate_signing_key",
                    None,
                    signer_handle,
                    opt_text(idempotency_key, "idempotency_key"),
                )
            finally:
                new_key._release()
        if not isinstance(new_key, str):
            raise TypeError("new_key must be a PEM string or an offblocks.RequestSigner")
        return client._call_string(
            "offblocks_auth_rotate_signing_key",
            text(new_key, "new_key"),
            None,
            opt_text(idempotency_key, "idempotency_key"),
        )

    def rotate_credentials(
        self, api_key: str, api_secret: str, *, idempotency_key: str | None = None
    ) -> None:
        """``PUT /auth/credentials``: replaces the API key and secret; the client switches
        to them (and keeps the old ones on failure)."""
        self._client._call(
            "offblocks_auth_rotate_credentials",
            text(api_key, "api_key"),
            text(api_secret, "api_secret"),
            opt_text(idempotency_key, "idempotency_key"),
        )

    def revoke_credentials(self, *, idempotency_key: str | None = None) -> None:
        """``DELETE /auth/credentials``: revokes API access for the client's
        credentials."""
        self._client._call(
            "offblocks_auth_revoke_credentials", opt_text(idempotency_key, "idempotency_key")
        )


def generate_signing_key() -> str:
    """A new random P-384 request-signing key as PKCS#8 PEM. **A secret**: store it
    safely."""
    return _native.call_string("offblocks_signing_key_generate")


def signing_key_public_pem(private_pem: str) -> str:
    """The public half (SPKI PEM) of a P-384 private key. Raises :class:`InvalidKey`."""
    return _native.call_string("offblocks_signing_key_public_pem", text(private_pem, "private_pem"))
