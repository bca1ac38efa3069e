"""Python bindings of the OffBlocks SDK."""
from __future__ import annotations

from . import _native
from ._version import __version__
from .client import Client, Retry, generate_signing_key, parse_webhook_event, signing_key_public_pem
from .errors import *  # noqa: F403
from .models import *  # noqa: F403

_native.lib()
