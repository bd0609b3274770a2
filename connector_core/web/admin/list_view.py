"""The console's first page: every connection, searchable and filterable by state, connector and shop,
paged (thousands of rows stay fast: only the shown page's statuses are read when no state filter is set)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

from starlette.responses import HTMLResponse

from ..facts import STATES
from ..pages import escape
from .views import STATE_LABELS, badge, cells, document, empty, moment, url


def _shops(row: Mapping[str, Any]) -> str:
    shops = [s for s in row["shops"] if s["status"] == "active"]
    if not shops:
        return '<span class="sub">none yet</span>'
    shown = ", ".join(escape(s["name"] or s["id"]) for s in shops[:3])
    more = f" +{len(shops) - 3}" if len(shops) > 3 else ""
    return shown + more


def _last_import(row: Mapping[str, Any]) -> str:
    last = row["last_import"]
    if last is None:
        return '<span class="sub">no import yet</span>'
    state = badge("ok", "OK") if last["ok"] else badge("failed", "Failed")
    problems = f'<span class="sub">{last["problems"]} orders with problems</span>' if last["problems"] else ""
    return f"{state} {escape(moment(last['at']))}{problems}"


def _row(row: Mapping[str, Any]) -> str:
    link = url(f"/admin/integrations/{row['id']}")
    tags = "".join(
        f'<span class="tag">{escape(k)}: {escape(v)}</span>' for k, v in sorted(row["tags"].items())[:4]
    )
    name = f'<a href="{link}">{escape(row["name"])}</a><span class="sub mono">{escape(row["id"])}</span>' + (
        f'<span class="tags">{tags}</span>' if tags else ""
    )
    uncertain = str(row["uncertain"]) if row["uncertain"] else "—"
    values = [
        ("Name", name),
        ("Status", badge(row["state"])),
        ("Shops", _shops(row)),
        ("Last import", _last_import(row)),
        ("Token expires", escape(moment(row["access_expires_at"]))),
        ("Uncertain", uncertain),
    ]
    return f'<tr data-integration="{escape(row["id"])}">{cells(values)}</tr>'


def _filters(query: Mapping[str, str], connectors: Sequence[tuple[str, str]]) -> str:
    def option(value: str, label: str, current: str | None) -> str:
        chosen = " selected" if value == (current or "") else ""
        return f'<option value="{escape(value)}"{chosen}>{escape(label)}</option>'

    states = option("", "All states", query.get("state")) + "".join(
        option(s, STATE_LABELS[s], query.get("state")) for s in STATES
    )
    connector_filter = ""
    if len(connectors) > 1:
        choices = option("", "All channels", query.get("connector")) + "".join(
            option(cid, name, query.get("connector")) for cid, name in connectors
        )
        connector_filter = f'<label>Channel<select name="connector">{choices}</select></label>'
    return (
        f'<form class="filters" method="get" action="{url("/admin")}" role="search">'
        f'<label>Search<input type="search" name="q" value="{escape(query.get("q", ""))}" placeholder="Name or id"></label>'
        f'<label>Status<select name="state">{states}</select></label>{connector_filter}'
        f'<label>Shop<input name="shop" value="{escape(query.get("shop", ""))}" placeholder="Shop name or id"></label>'
        f'<label>Tag<input name="tag" value="{escape(query.get("tag", ""))}" placeholder="key=value"></label>'
        f'<button type="submit">Filter</button><a class="button" href="{url("/admin")}">Clear</a></form>'
    )


def _pager(page: Mapping[str, Any], query: Mapping[str, str]) -> str:
    kept = {k: v for k, v in query.items() if k in ("q", "state", "connector", "shop", "tag") and v}
    links = []
    if page["offset"] > 0:
        previous = {**kept, "offset": str(max(0, page["offset"] - page["limit"]))}
        links.append(
            f'<a class="button" rel="prev" href="{url("/admin?" + urlencode(previous))}">Previous</a>'
        )
    if page["next_offset"] is not None:
        following = {**kept, "offset": str(page["next_offset"])}
        links.append(f'<a class="button" rel="next" href="{url("/admin?" + urlencode(following))}">Next</a>')
    return f'<nav class="pager" aria-label="Pages">{"".join(links)}</nav>' if links else ""


def list_page(
    page: Mapping[str, Any], query: Mapping[str, str], connectors: Sequence[tuple[str, str]], csrf: str | None
) -> HTMLResponse:
    new = "".join(
        f'<a class="button primary" href="{url("/admin/integrations/new?connector=" + cid)}">New {escape(name)} connection</a>'
        for cid, name in connectors
    )
    filtered = any(query.get(k) for k in ("q", "state", "connector", "shop", "tag"))
    rows = page["items"]
    if rows:
        first, last = page["offset"] + 1, page["offset"] + len(rows)
        count = f'<p class="count">Showing {first:,} to {last:,} of {page["total"]:,}</p>'
        head = "".join(
            f"<th>{h}</th>" for h in ("Name", "Status", "Shops", "Last import", "Token expires", "Uncertain")
        )
        table = f'<table class="stack"><thead><tr>{head}</tr></thead><tbody>{"".join(_row(r) for r in rows)}</tbody></table>'
        content = count + table + _pager(page, query)
    elif filtered:
        content = empty("No connection matches these filters.", "Clear the filters to see every connection.")
    else:
        content = empty(
            "No connection yet.", "Create one with the button above, then Connect it to the seller's shop."
        )
    body = (
        f'<div class="page-head"><h1>Connections</h1><div class="toolbar">{new}</div></div>'
        f'<div class="card">{_filters(query, connectors)}{content}</div>'
    )
    return document("Connections", body, csrf=csrf)
