"""The client's settings: :class:`Client`'s keyword arguments written as the C ABI's JSON
configuration (``offblocks_client_new``), in one function, :func:`client_config`.

:data:`SETTINGS` names, for each keyword, the configuration key it becomes: the library
deserializes that JSON into its one ``Config`` type (camelCase, unknown keys refused), so a
test can hold the keyword names against the library's settings.

>>> client_config({"base_url": "http://127.0.0.1:8080/v1", "timeout": 2.5, "digest": None})
{'baseUrl': 'http://127.0.0.1:8080/v1', 'timeoutMs': 2500}
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping

from .errors import ConfigError

__all__ = ["Retry", "SETTINGS", "client_config"]


def millis(seconds: float, name: str) -> int:
    """A duration in seconds as whole milliseconds; :class:`ConfigError` unless it is a
    non-negative number."""
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds < 0:
        raise ConfigError(f"{name} must be a non-negative number of seconds")
    return int(round(seconds * 1000))


@dataclass(frozen=True)
class Retry:
    """How calls are retried (connection failures, 429, 5xx), with the same
    Idempotency-Key.

    Attributes:
        max_attempts: attempts in all, the first included (default 4).
        base_backoff: the first pause, in seconds (default 0.2); it doubles each time.
        max_backoff: the longest pause, in seconds (default 5).
    """

    max_attempts: int | None = None
    base_backoff: float | None = None
    max_backoff: float | None = None

    def to_json(self) -> dict[str, int]:
        out: dict[str, int] = {}
        if self.max_attempts is not None:
            out["maxAttempts"] = int(self.max_attempts)
        if self.base_backoff is not None:
            out["baseBackoffMs"] = millis(self.base_backoff, "retry.base_backoff")
        if self.max_backoff is not None:
            out["maxBackoffMs"] = millis(self.max_backoff, "retry.max_backoff")
        return out


# How a keyword's value is written: each takes the value (never None) and the keyword's
# name (for messages), and returns the JSON value, or None to leave the key out.


def _as_is(value: Any, _name: str) -> Any:
    return value


def _true_or_absent(value: Any, _name: str) -> Any:
    return True if value else None


def _listed(value: Any, _name: str) -> Any:
    return list(value)


def _retry(value: Any, _name: str) -> Any:
    if isinstance(value, Retry):
        return value.to_json()
    try:
        return Retry(**dict(value)).to_json()
    except TypeError as e:
        raise ConfigError(f"retry: {e}") from e


#: Each keyword argument of :class:`~offblocks.Client` -> the key of the C ABI's JSON
#: configuration it sets, and how its value is written there (durations in seconds
#: become ``…Ms`` milliseconds).
SETTINGS: dict[str, tuple[str, Callable[[Any, str], Any]]] = {
    "base_url": ("baseUrl", _as_is),
    "environment": ("environment", _as_is),
    "api_key": ("apiKey", _as_is),
    "api_secret": ("apiSecret", _as_is),
    "signing_key_pem": ("signingKeyPem", _as_is),
    "generate_signing_key": ("generateSigningKey", _true_or_absent),
    "key_id": ("keyId", _as_is),
    "connect_timeout": ("connectTimeoutMs", millis),
    "timeout": ("timeoutMs", millis),
    "retry": ("retry", _retry),
    "user_agent": ("userAgent", _as_is),
    "proxy": ("proxy", _as_is),
    "proxy_from_env": ("proxyFromEnv", _as_is),
    "covered_components": ("coveredComponents", _listed),
    "digest": ("digest", _as_is),
    "clock_skew": ("clockSkewSecs", _as_is),
    "follow_server_clock": ("followServerClock", _as_is),
    "allow_insecure_http": ("allowInsecureHttp", _as_is),
    "challenge_domain": ("challengeDomain", _as_is),
    "signature_validity": ("signatureValiditySecs", _as_is),
    "signature_nonce": ("signatureNonce", _as_is),
    "signature_label": ("signatureLabel", _as_is),
    "token_refresh_margin": ("tokenRefreshMarginSecs", _as_is),
    "max_clock_correction": ("maxClockCorrectionSecs", _as_is),
    "call_deadline": ("callDeadlineMs", millis),
    "account_challenge_policy": ("accountChallengePolicy", _as_is),
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
        key, write = SETTINGS[name]
        written = write(value, name)
        if written is not None:
            config[key] = written
    return config
