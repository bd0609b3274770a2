"""Writing many connections at once: what a host migrating thousands of sellers hands the store.

One connection written one call at a time costs several transactions (the connection, its tags, its
tokens, its re-authorization deadline, its shops): 40-100 connections a second, so 100,000 sellers take
most of an hour. `import_connections` writes a whole batch in one transaction with one multi-row insert per
table, and leaves exactly the rows the one-at-a-time path (a finished Connect) leaves: the connection under
the app with its tags (JSON column and index rows), its sealed tokens (version 1), a re-authorization
deadline at the refresh token's expiry, and every shop active and due at once. All of a batch or none of it.

The sealing layer (`SealedStore.import_connections`) encrypts the tokens with the same code as
`save_tokens`; a backend only ever sees `SealedNewConnection`.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..models import Account, TokenSet
from .records import SealedTokens

ID_HEX_DIGITS = 12
"""Random hex digits of a connection id: 48 bits, so 100,000 connections collide with odds of about 2 in
100 million (8 digits, 32 bits, made a collision more likely than not at 100,000)."""


def new_connection_id(connector: str) -> str:
    """A fresh connection id: the connector's id and random hex digits."""
    return f"{connector}-{uuid.uuid4().hex[:ID_HEX_DIGITS]}"


def fresh_connection_ids(connector: str, count: int) -> list[str]:
    """`count` distinct fresh ids (distinct among themselves; the table's primary key guards the rest)."""
    ids: dict[str, None] = {}
    while len(ids) < count:
        ids[new_connection_id(connector)] = None
    return list(ids)


@dataclass(frozen=True)
class NewConnection:
    """One seller's connection as a host brings it: settings already validated (`Integrations` does that),
    tokens the seller granted (None: not connected yet), and every shop the authorization covers."""

    name: str
    settings: Mapping[str, Any] = field(default_factory=dict)
    tags: Mapping[str, str] = field(default_factory=dict)
    tokens: TokenSet | None = None  # SecretStr inside: a repr shows no token
    shops: Sequence[Account] = ()


@dataclass(frozen=True)
class SealedNewConnection:
    """A `NewConnection` as a backend receives it: the tokens as ciphertext."""

    name: str
    settings: Mapping[str, Any]
    tags: Mapping[str, str]
    tokens: SealedTokens | None = field(repr=False)
    shops: Sequence[Account]


class ConnectionImportRole(Protocol):
    def import_connections(self, app_id: str, connections: Sequence[NewConnection]) -> list[str]:
        """Write every connection under `app_id` in one transaction (all or nothing) and return their ids,
        in order. Raises UnknownApp, or ValueError naming the entry (by position) and the field."""
        ...


class SealedConnectionImportRole(Protocol):
    def import_connections(self, app_id: str, connections: Sequence[SealedNewConnection]) -> list[str]:
        """One transaction; raises UnknownApp. The rows are those of create_integration + save_tokens +
        set_reauthorization(deadline = refresh expiry) + save_accounts for each connection."""
        ...
