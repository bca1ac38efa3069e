"""Reading the library's JSON objects field by field: each failure is a
:class:`DecodeError` naming the field."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any, Mapping

from .errors import DecodeError

_RFC3339 = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})$"
)


def parse_timestamp(text: str) -> datetime:
    """An RFC 3339 timestamp (0 to 9 fractional digits) as an aware ``datetime``.

    >>> parse_timestamp("2024-01-17T18:21:53.123456789Z").isoformat()
    '2024-01-17T18:21:53.123456+00:00'
    """
    m = _RFC3339.match(text)
    if not m:
        raise DecodeError(f"not an RFC 3339 timestamp: {text!r}")
    year, month, day, hour, minute, second = (int(g) for g in m.groups()[:6])
    micros = int((m.group(7) or "0")[:6].ljust(6, "0"))
    zone = m.group(8)
    if zone in ("Z", "z"):
        tz = timezone.utc
    else:
        sign = 1 if zone[0] == "+" else -1
        tz = timezone(sign * timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6])))
    try:
        return datetime(year, month, day, hour, minute, min(second, 59), micros, tzinfo=tz)
    except ValueError as e:
        raise DecodeError(f"not an RFC 3339 timestamp: {text!r}") from e


def format_timestamp(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def as_object(value: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise DecodeError(f"expected a JSON object for {what}")
    return value


def field_str(obj: Mapping[str, Any], key: str, what: str) -> str:
    value = obj.get(key)
    if not isinstance(value, str):
        raise DecodeError(f"{what}.{key} is missing or not a string")
    return value


def field_int(obj: Mapping[str, Any], key: str, what: str) -> int:
    value = obj.get(key)
    if not isinstance(value, int):
        raise DecodeError(f"{what}.{key} is not an integer")
    return value


def opt_str(obj: Mapping[str, Any], key: str, what: str) -> str | None:
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise DecodeError(f"{what}.{key} is not a string")
    return value


def opt_timestamp(obj: Mapping[str, Any], key: str, what: str) -> datetime | None:
    value = opt_str(obj, key, what)
    return None if value is None else parse_timestamp(value)


def str_list(obj: Mapping[str, Any], key: str, what: str) -> list[str]:
    value = obj.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise DecodeError(f"{what}.{key} is not a list of strings")
    return list(value)
