"""The connections list both the console and the JSON API page through: filters, then one page of rows.

Every filter (a name, an id, a tag value, the connector, a shop, the state) is one store query over the
connections' own rows (`store.find_connections`); only the connections on the page shown are opened to
build their rows. Before, a state filter opened every connection to read its status (about 2.4 s at
3,000 connections); now its cost is the query plus the page.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from ..integration import Integrations
from ..store.index_roles import ConnectionQuery, ConnectionState
from . import facts


def connection_page(
    integrations: Integrations,
    *,
    q: str,
    state: str | None,
    connector: str | None,
    shop: str | None,
    limit: int,
    offset: int,
    tags: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Connections matching every filter given, newest first, one page of them. `q` matches a name, an id
    or a tag value; `tags` go through the store's tag index."""
    store = integrations.store
    found = store.find_connections(
        ConnectionQuery(
            q=q,
            connector=connector,
            state=cast("ConnectionState | None", state),
            shop=shop,
            tags=dict(tags or {}),
            limit=limit,
            offset=offset,
        )
    )
    rows: list[dict[str, Any]] = []
    for listed in found.rows:
        integration = integrations.open(listed.id)
        runs = store.last_runs(listed.id, limit=1)
        pending = len(store.list_intents(listed.id, status="pending"))
        rows.append(facts.summary(integration, runs, pending))
    following = offset + limit
    return {
        "items": rows,
        "total": found.total,
        "offset": offset,
        "limit": limit,
        "next_offset": following if following < found.total else None,
    }


def parse_tags(values: list[str]) -> dict[str, str]:
    """`key=value` filters (as `?tag=customer=42&tag=plan=pro`); raises ValueError naming a bad one."""
    found: dict[str, str] = {}
    for raw in values[:20]:
        key, sep, value = raw.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"tag {raw[:40]!r} must look like key=value")
        found[key.strip()] = value.strip()
    return found
