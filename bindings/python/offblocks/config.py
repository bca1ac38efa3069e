"""The client's settings: :class:`Client`'s keyword arguments written as the C ABI's JSON
configuration (``offblocks_client_new``), in one function, :func:`client_config`.

:data:`SETTINGS` names, for each keyword, the configuration key it becomes: the library
deserializes that JSON into its one ``Config`` type (camelCase, unknown keys refused), so a
test can hold the keyword names against the library's settings. :func:`config_defaults`
reads the library's defaults back through the same table: what a keyword left ``None``
means.

>>> client_config({"base_url": "http://127.0.0.1:8080/v1", "timeout": 2.5, "digest": None})
{'baseUrl': 'http://127.0.0.1:8080/v1', 'timeoutMs': 2500}
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Callable, Mapping

from . import _native
from .errors import ConfigError

__all__ = ["Retry", "SETTINGS", "client_config", "config_defaults"]


def millis(seconds: float, name: str) -> int:
    """A duration in seconds as whole milliseconds; :class:`ConfigError` unless it is a
    non-negative number."""
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds < 0:
        raise ConfigError(f"{name} must be a non-negative number of seconds")
    return int(round(seconds * 1000))


@dataclass(frozen=True)
class Retry:
    """How calls are retried (connection failures, 429, 5xx), with the same
    Idempotency-Key. A field left ``None`` takes the library's default
    (:func:`config_defaults` lists them).

    Attributes:
        max_attempts: attempts in all, the first included.
        base_backoff: the first pause, in seconds; it doubles each time.
        max_backoff: the longest computed pause, in seconds.
        max_retry_after: the longest ``Retry-After`` waited out, in whole seconds; a
            longer one ends the retries.
    """

    max_attempts: int | None = None
    base_backoff: float | None = None
    max_backoff: float | None = None
    max_retry_after: int | None = None

    def to_json(self) -> dict[str, int]:
        out: dict[str, int] = {}
        if self.max_attempts is not None:
            out["maxAttempts"] = int(self.max_attempts)
        if self.base_backoff is not None:
            out["baseBackoffMs"] = millis(self.base_backoff, "retry.base_backoff")
        if self.max_backoff is not None:
            out["maxBackoffMs"] = millis(self.max_backoff, "retry.max_backoff")
        if self.max_retry_after is not None:
            seconds = self.max_retry_after
            if isinstance(seconds, bool) or not isinstance(seconds, int) or seconds < 0:
                raise ConfigError("retry.max_retry_after must be a whole number of seconds")
            out["maxRetryAfterSecs"] = self.max_retry_after
        return out

    @classmethod
    def from_json(cls, value: Mapping[str, Any]) -> Retry:
        """The inverse of :meth:`to_json`."""

        def seconds(key: str) -> float | None:
            ms = value.get(key)
            return None if ms is None else ms / 1000

        return cls(
            value.get("maxAttempts"),
            seconds("baseBackoffMs"),
            seconds("maxBackoffMs"),
            value.get("maxRetryAfterSecs"),
        )


@dataclass(frozen=True)
class Form:
    """How a keyword's value is written in the JSON configuration: ``write`` takes the
    value (never ``None``) and the keyword's name (for messages) and returns the JSON
    value, or ``None`` to leave the key out; ``read`` is its inverse, for the library's
    defaults."""

    write: Callable[[Any, str], Any]
    read: Callable[[Any], Any]


def _retry(value: Any, _name: str) -> Any:
    if isinstance(value, Retry):
        return value.to_json()
    try:
        return Retry(**dict(value)).to_json()
    except TypeError as e:
        raise ConfigError(f"retry: {e}") from e


_AS_IS = Form(lambda value, _name: value, lambda value: value)
_TRUE_OR_ABSENT = Form(lambda value, _name: True if value else None, bool)
_LISTED = Form(lambda value, _name: list(value), list)
_SECONDS_AS_MS = Form(millis, lambda ms: ms / 1000)
_RETRY = Form(_retry, Retry.from_json)
_PATH = Form(lambda value, _name: os.fspath(value), lambda value: value)

#: Each keyword argument of :class:`~offblocks.Client` -> the key of the C ABI's JSON
#: configuration it sets, and how its value is written there (durations in seconds
#: become ``…Ms`` milliseconds).
SETTINGS: dict[str, tuple[str, Form]] = {
    "base_url": ("baseUrl", _AS_IS),
    "environment": ("environment", _AS_IS),
    "api_key": ("apiKey", _AS_IS),
    "api_secret": ("apiSecret", _AS_IS),
    "signing_key_pem": ("signingKeyPem", _AS_IS),
    "generate_signing_key": ("generateSigningKey", _TRUE_OR_ABSENT),
    "key_id": ("keyId", _AS_IS),
    "connect_timeout": ("connectTimeoutMs", _SECONDS_AS_MS),
    "timeout": ("timeoutMs", _SECONDS_AS_MS),
    "retry": ("retry", _RETRY),
    "user_agent": ("userAgent", _AS_IS),
    "proxy": ("proxy", _AS_IS),
    "proxy_from_env": ("proxyFromEnv", _AS_IS),
    "covered_components": ("coveredComponents", _LISTED),
    "digest": ("digest", _AS_IS),
    "clock_skew": ("clockSkewSecs", _AS_IS),
    "follow_server_clock": ("followServerClock", _AS_IS),
    "allow_insecure_http": ("allowInsecureHttp", _AS_IS),
    "challenge_domain": ("challengeDomain", _AS_IS),
    "challenge_clock_tolerance": ("challengeClockToleranceSecs", _AS_IS),
    "signature_validity": ("signatureValiditySecs", _AS_IS),
    "signature_nonce": ("signatureNonce", _AS_IS),
    "signature_label": ("signatureLabel", _AS_IS),
    "token_refresh_margin": ("tokenRefreshMarginSecs", _AS_IS),
    "max_clock_correction": ("maxClockCorrectionSecs", _AS_IS),
    "call_deadline": ("callDeadlineMs", _SECONDS_AS_MS),
    "account_challenge_policy": ("accountChallengePolicy", _AS_IS),
    "root_store": ("rootStore", _AS_IS),
    "ca_pem": ("caPem", _AS_IS),
    "ca_file": ("caFile", _PATH),
    "spki_pins": ("spkiPins", _LISTED),
}


def client_config(settings: Mapping[str, Any]) -> dict[str, Any]:
    """The C ABI's JSON configuration (camelCase keys) for :class:`~offblocks.Client`'s
    keyword arguments ``settings``; those that are ``None`` are left out (the library's
    defaults apply).

    Raises:
        ConfigError: a duration that is not a non-negative number, a ``retry`` that is
            not a :class:`Retry` or a mapping of its fields, or an unknown keyword.
    """
    config: dict[str, Any] = {}
    for name, value in settings.items():
        if name not in SETTINGS:
            raise ConfigError(f"unknown setting {name!r}")
        if value is None:
            continue
        key, form = SETTINGS[name]
        written = form.write(value, name)
        if written is not None:
            config[key] = written
    return config


def config_defaults() -> dict[str, Any]:
    """What each keyword of :class:`~offblocks.Client` left ``None`` means: the library's
    default (``offblocks_config_defaults``), by keyword, in this package's units (seconds,
    a :class:`Retry`); ``None`` where the library has none (no proxy, no key id…). The
    identity keywords (``api_key``, ``api_secret``, ``signing_key_pem``,
    ``generate_signing_key``) and ``base_url`` (another way to give ``environment``) are
    not listed.

    >>> config_defaults()["timeout"], config_defaults()["proxy"]
    (30.0, None)
    """
    library = _native.parse_json(_native.call_string("offblocks_config_defaults"))
    out: dict[str, Any] = {}
    for name, (key, form) in SETTINGS.items():
        if key in library:
            value = library[key]
            out[name] = None if value is None else form.read(value)
    return out
