"""``client.auth``: tokens, API credentials and the request-signing key; and the P-384
signing keys themselves (:func:`generate_signing_key`, :func:`signing_key_public_pem`),
which need no client."""

from __future__ import annotations

from . import _native
from ._native import opt_text, text
from ._resource import Resource
from .models import Token

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
