"""`offblocks.config`: the client's keyword arguments as the C ABI's JSON configuration."""

from __future__ import annotations

import inspect

import pytest

from offblocks import Client, ConfigError, Retry
from offblocks.config import SETTINGS, client_config


def test_every_keyword_of_the_client_is_a_setting() -> None:
    keywords = [name for name in inspect.signature(Client.__init__).parameters if name != "self"]
    assert keywords == list(SETTINGS)


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
