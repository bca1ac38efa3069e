"""`offblocks.config`: the client's keyword arguments as the C ABI's JSON configuration."""

from __future__ import annotations

import inspect
from typing import Any

import pytest

from offblocks import Client, ConfigError, Retry, _native, config_defaults
from offblocks.config import SETTINGS, client_config


def test_every_keyword_of_the_client_is_a_setting() -> None:
    keywords = [name for name in inspect.signature(Client.__init__).parameters if name != "self"]
    # The observer and the request signer are callbacks, not settings.
    assert keywords == [*SETTINGS, "observer", "request_signer"]


def test_keywords_become_camel_case_keys_and_milliseconds() -> None:
    config = client_config(
        {
            "base_url": "http://127.0.0.1:1/v1",
            "generate_signing_key": True,
            "connect_timeout": 2,
            "timeout": 0.25,
            "retry": {"max_attempts": 2, "base_backoff": 0.05},
            "covered_components": ("@method", "@path"),
            "clock_skew": 3,
            "call_deadline": 1.5,
            "key_id": None,
        }
    )
    assert config == {
        "baseUrl": "http://127.0.0.1:1/v1",
        "generateSigningKey": True,
        "connectTimeoutMs": 2000,
        "timeoutMs": 250,
        "retry": {"maxAttempts": 2, "baseBackoffMs": 50},
        "coveredComponents": ["@method", "@path"],
        "clockSkewSecs": 3,
        "callDeadlineMs": 1500,
    }
    assert client_config({"generate_signing_key": False, "retry": Retry()}) == {"retry": {}}


@pytest.mark.parametrize(
    "settings",
    [{"timeout": -1}, {"connect_timeout": True}, {"retry": {"attempts": 2}}, {"retry": 5}, {"colour": "red"}],
)
def test_bad_settings_are_config_errors(settings: dict[str, object]) -> None:
    with pytest.raises(ConfigError):
        client_config(settings)


# The library's settings, for the keyword check: every setting it lists is a keyword here,
# and each default it gives is what a keyword left None means.

IDENTITY = {"apiKey", "apiSecret", "signingKeyPem", "generateSigningKey", "baseUrl"}


def library_defaults() -> dict[str, Any]:
    defaults: dict[str, Any] = _native.parse_json(_native.call_string("offblocks_config_defaults"))
    return defaults


def test_the_keywords_write_exactly_the_library_settings() -> None:
    defaults = library_defaults()
    keys = [key for key, _ in SETTINGS.values()]
    assert len(keys) == len(set(keys))
    # A setting added to the library without a keyword here (or a keyword it dropped)
    # fails this; the identity keys and baseUrl are not among its settings.
    assert set(keys) == set(defaults) | IDENTITY
    assert not IDENTITY & set(defaults)
    assert set(Retry(1, 1, 1, 1).to_json()) == set(defaults["retry"])


def test_none_means_the_library_default() -> None:
    defaults = library_defaults()
    # Every keyword's own default writes nothing: the library's applies.
    for name, parameter in inspect.signature(Client.__init__).parameters.items():
        if name in SETTINGS:
            assert client_config({name: parameter.default}) == {}, name
    assert Retry().to_json() == {}
    # config_defaults() reads them through the table, and writes back exactly the same.
    python = config_defaults()
    assert set(python) == {name for name, (key, _) in SETTINGS.items() if key in defaults}
    assert python["timeout"] == defaults["timeoutMs"] / 1000
    assert python["retry"] == Retry.from_json(defaults["retry"])
    assert client_config(python) == {k: v for k, v in defaults.items() if v is not None}
    # …and the library takes every one of them back as written.
    Client(**python, api_key="k", api_secret="s", generate_signing_key=True).close()


def test_the_docs_repeat_no_default_by_hand() -> None:
    # The defaults live in the library (offblocks_config_defaults); the docs point there.
    for doc in (Client.__doc__ or "", Retry.__doc__ or ""):
        assert "config_defaults" in doc
        rest = doc.replace("config_defaults", "").replace("the library's default", "")
        assert "default" not in rest.lower(), rest
