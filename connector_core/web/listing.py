"""The connections list both the console and the JSON API page through: filters, then one page of rows.

A filter on names, ids and the connector costs nothing per row; a shop filter reads each row's shops; a
state filter needs each row's status (a few reads by key). Rows outside the page are never built unless
a state filter must look at them, so a page of 50 out of thousands reads about 50 statuses.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..integration import Integrations
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
    """Connections matching every filter given, newest first, one page of them. `tags` go through the
    store's tag index; `q` matches a name, an id or a tag value."""
    store = integrations.store
    records = sorted(integrations.list(), key=lambda r: (r.created_at, r.id), reverse=True)
    if tags:
        tagged = set(store.find_integration_ids(tags, connector=connector))
        records = [r for r in records if r.id in tagged]
    if connector:
        records = [r for r in records if r.connector == connector]
    if q:
        records = [r for r in records if q in r.name.lower() or q in r.id.lower() or _in_tags(q, r.tags)]
    rows: list[dict[str, Any]] = []
    matched = 0
    for record in records:
        if shop is not None:
            accounts = store.list_accounts(record.id)
            if not any(shop in a.id.lower() or shop in (a.name or "").lower() for a in accounts):
                continue
        if state is None and not offset <= matched < offset + limit:
            matched += 1  # outside the page and no state to test: no need to read its status
            continue
        integration = integrations.open(record.id)
        runs = store.last_runs(record.id, limit=1)
        pending = len(store.list_intents(record.id, status="pending"))
        row = facts.summary(integration, runs, pending)
        if state is not None and row["state"] != state:
            continue
        if offset <= matched < offset + limit:
            rows.append(row)
        matched += 1
    following = offset + limit
    return {
        "items": rows,
        "total": matched,
        "offset": offset,
        "limit": limit,
        "next_offset": following if following < matched else None,
    }


def _in_tags(q: str, tags: Mapping[str, str]) -> bool:
    return any(q in str(value).lower() for value in tags.values())


def parse_tags(values: list[str]) -> dict[str, str]:
    """`key=value` filters (as `?tag=customer=42&tag=plan=pro`); raises ValueError naming a bad one."""
    found: dict[str, str] = {}
    for raw in values[:20]:
        key, sep, value = raw.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"tag {raw[:40]!r} must look like key=value")
        found[key.strip()] = value.strip()
    return found
