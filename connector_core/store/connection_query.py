"""The one SQL query behind `find_connections`, for both backends (they differ in placeholders and in how
they take text apart). Every filter is a condition on the connection's own rows, its state included:

- `needs_reauthorization`: the stored flag (`reauthorization.needed`);
- `not_connected`: no tokens row;
- `failing`: the connection's newest run (the `runs_newest` index: one probe per row) did not end ok;
- `connected`: the rest.

So a filtered list costs one query over the connections' rows (no connection opened, nothing decrypted),
and the caller opens only the page it shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .index_roles import ConnectionQuery


@dataclass(frozen=True)
class Dialect:
    mark: str
    """The driver's placeholder: `?` or `%s`."""
    contains: str
    """`{haystack}` contains `{needle}` (already a placeholder), as an SQL condition."""
    shop_name: str
    """The shop's name out of `a.data`."""


SQLITE = Dialect(
    mark="?", contains="instr({haystack}, {needle}) > 0", shop_name="json_extract(a.data, '$.name')"
)
POSTGRES = Dialect(mark="%s", contains="strpos({haystack}, {needle}) > 0", shop_name="(a.data ->> 'name')")

STATE = (
    "CASE WHEN r.needed = TRUE THEN 'needs_reauthorization' "
    "WHEN t.integration_id IS NULL THEN 'not_connected' "
    "WHEN (SELECT ru.ok FROM runs ru WHERE ru.integration_id = i.id "
    "ORDER BY ru.finished_at DESC, ru.id DESC LIMIT 1) = FALSE THEN 'failing' "
    "ELSE 'connected' END"
)


def connection_sql(query: ConnectionQuery, dialect: Dialect) -> tuple[str, str, list[Any]]:
    """(page query, count query, parameters of both but the page's limit and offset)."""
    m = dialect.mark
    where: list[str] = []
    params: list[Any] = []
    if query.connector:
        where.append(f"i.connector = {m}")
        params.append(query.connector)
    for key, value in query.tags.items():
        where.append(
            f"EXISTS (SELECT 1 FROM integration_tags g WHERE g.integration_id = i.id AND g.key = {m} "
            f"AND g.value = {m})"
        )
        params.extend([key, value])
    if query.q:
        needle = query.q.lower()
        tag_value = dialect.contains.format(haystack="lower(g.value)", needle=m)
        where.append(
            "("
            + dialect.contains.format(haystack="lower(i.name)", needle=m)
            + " OR "
            + dialect.contains.format(haystack="lower(i.id)", needle=m)
            + f" OR EXISTS (SELECT 1 FROM integration_tags g WHERE g.integration_id = i.id AND {tag_value}))"
        )
        params.extend([needle, needle, needle])
    if query.shop:
        needle = query.shop.lower()
        name = f"lower(coalesce({dialect.shop_name}, ''))"
        where.append(
            "EXISTS (SELECT 1 FROM accounts a WHERE a.integration_id = i.id AND a.status = 'active' AND ("
            + dialect.contains.format(haystack="lower(a.account_id)", needle=m)
            + " OR "
            + dialect.contains.format(haystack=name, needle=m)
            + "))"
        )
        params.extend([needle, needle])
    inner = (
        f"SELECT i.id, i.created_at, {STATE} AS state FROM integrations i "
        "LEFT JOIN reauthorization r ON r.integration_id = i.id "
        "LEFT JOIN tokens t ON t.integration_id = i.id" + (" WHERE " + " AND ".join(where) if where else "")
    )
    outer = ""
    if query.state is not None:
        outer = f" WHERE c.state = {m}"
        params.append(query.state)
    order = "DESC" if query.newest_first else "ASC"
    page = (
        f"SELECT c.id, c.state, count(*) OVER () AS total FROM ({inner}) c{outer} "
        f"ORDER BY c.created_at {order}, c.id {order} LIMIT {m} OFFSET {m}"
    )
    count = f"SELECT count(*) AS total FROM ({inner}) c{outer}"
    return page, count, params
