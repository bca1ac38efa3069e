"""CAIP-2 chain ids and CAIP-10 account ids (``eip155:300``,
``eip155:300:0xf39F…``), parsed and checked by the library (EIP-55 checksums included)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from . import _native
from ._native import text

__all__ = ["ChainId", "AccountId"]


@dataclass(frozen=True)
class ChainId:
    """A CAIP-2 chain id, e.g. ``eip155:300``.

    >>> ChainId.parse("eip155:300").eip155_chain
    300
    """

    chain_id: str
    namespace: str
    reference: str
    eip155_chain: int | None

    @classmethod
    def parse(cls, value: str) -> ChainId:
        """Parses a CAIP-2 id; :class:`InvalidInput` when malformed."""
        o = json.loads(_native.call_string("offblocks_caip_chain_id_parse", text(value, "chain_id")))
        return cls(o["chainId"], o["namespace"], o["reference"], o.get("eip155Chain"))

    def __str__(self) -> str:
        return self.chain_id


@dataclass(frozen=True)
class AccountId:
    """A CAIP-10 account id, e.g. ``eip155:300:0xf39F…``.

    ``evm_address`` is the address with its EIP-55 checksum on ``eip155`` chains.

    >>> AccountId.parse("eip155:1:0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266").evm_address
    '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266'
    """

    account_id: str
    chain_id: str
    namespace: str
    reference: str
    eip155_chain: int | None
    address: str
    evm_address: str | None

    @classmethod
    def parse(cls, value: str) -> AccountId:
        """Parses a CAIP-10 id; :class:`InvalidInput` when malformed (an ``eip155``
        address whose mixed case fails its checksum included)."""
        o = json.loads(
            _native.call_string("offblocks_caip_account_id_parse", text(value, "account_id"))
        )
        return cls(
            o["accountId"],
            o["chainId"],
            o["namespace"],
            o["reference"],
            o.get("eip155Chain"),
            o["address"],
            o.get("evmAddress"),
        )

    def __str__(self) -> str:
        return self.account_id
