"""One connection in the console: its state and actions, shops, orders, runs with their reasons, uncertain
changes with a safe way to settle them, connect links, the forms, and delete."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from starlette.responses import HTMLResponse

from ..pages import escape
from .views import badge, cells, copy_button, document, empty, flow_label, moment, post_button, url


def _table(head: tuple[str, ...], rows: list[list[tuple[str, str]]], attrs: str = "") -> str:
    header = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "".join(f"<tr>{cells(r)}</tr>" for r in rows)
    return f'<table class="stack"{attrs}><thead><tr>{header}</tr></thead><tbody>{body}</tbody></table>'


def _overview(c: Mapping[str, Any]) -> str:
    deadline = moment(c["reauthorize_by"], "none known")
    if c["state"] == "needs_reauthorization":
        deadline = f"now ({c['reauthorization_reason'] or 'the channel withdrew the authorization'})"
    facts = [
        ("Connection id", f'<span class="mono">{escape(c["id"])}</span> {copy_button(c["id"])}'),
        ("Channel", escape(c["connector_name"])),
        (
            "Tags",
            "".join(
                f'<span class="tag">{escape(k)}: {escape(v)}</span>' for k, v in sorted(c["tags"].items())
            )
            or "none",
        ),
        ("Access token expires", escape(moment(c["access_expires_at"]))),
        ("Authorization renews by", escape(moment(c["refresh_expires_at"]))),
        ("Re-authorize by", escape(deadline)),
        ("Created", escape(moment(c["created_at"]))),
    ]
    items = "".join(f"<dt>{escape(k)}</dt><dd>{v}</dd>" for k, v in facts)
    return f'<section class="card"><h2>Overview</h2><dl class="facts">{items}</dl></section>'


def _shop_status(s: Mapping[str, Any]) -> str:
    if s["status"] == "paused":
        return badge("pending", "Paused") + '<span class="sub">nothing is pulled, pushed or routed</span>'
    if s["status"] == "left":
        reason = s["status_reason"] or "no longer in the authorization"
        return badge("idle", "Left") + f'<span class="sub">{escape(reason)}</span>'
    if s["failures"]:
        error = f'<span class="sub reason">{escape(s["last_error"])}</span>' if s["last_error"] else ""
        return badge("failing", f"Failing, {s['failures']} in a row") + error
    return badge("active", "Active")


def _shop_action(c: Mapping[str, Any], s: Mapping[str, Any], csrf: str | None) -> str:
    base = f"/admin/integrations/{c['id']}/shops/{s['id']}"
    if s["status"] == "active":
        return post_button(f"{base}/pause", "Pause", csrf, cls="small")
    if s["status"] == "paused":
        return post_button(f"{base}/resume", "Resume", csrf, cls="small")
    return '<span class="sub">Connect again to serve it</span>'


def _shops(c: Mapping[str, Any], csrf: str | None) -> str:
    if not c["shops"]:
        return (
            '<section class="card"><h2>Shops</h2>'
            + empty("No shop yet.", "Shops appear here once the seller has authorized the app (Connect).")
            + "</section>"
        )
    rows = [
        [
            (
                "Shop",
                escape(s["name"] or s["id"])
                + (' <span class="sub">imports run here</span>' if s["selected"] else ""),
            ),
            ("Shop id", f'<span class="mono">{escape(s["id"])}</span> {copy_button(s["id"])}'),
            ("Region", escape(s["region"] or "—")),
            ("Status", _shop_status(s)),
            ("Next pull", escape(moment(s["next_pull_at"], "not scheduled"))),
            ("", _shop_action(c, s, csrf)),
        ]
        for s in c["shops"]
    ]
    table = _table(("Shop", "Shop id", "Region", "Status", "Next pull", ""), rows)
    base = f"/admin/integrations/{c['id']}/every-shop"
    if any(s["status"] == "active" for s in c["shops"]):
        switch = post_button(
            f"{base}/pause",
            "Disable connection (pause every shop)",
            csrf,
            cls="small danger",
            ident="disable",
        )
    elif any(s["status"] == "paused" for s in c["shops"]):
        switch = post_button(
            f"{base}/resume", "Enable connection (resume every shop)", csrf, cls="small", ident="enable"
        )
    else:
        switch = ""
    return (
        f'<section class="card" id="shops"><h2>Shops</h2>{table}<div class="toolbar">{switch}</div></section>'
    )


def _orders(
    c: Mapping[str, Any], orders: Mapping[str, Any] | None, order_id: str, problem: str | None
) -> str:
    base = f"/admin/integrations/{c['id']}"
    search = (
        f'<form class="filters" method="get" action="{url(base)}#orders"><label>Order id'
        f'<input name="order_id" value="{escape(order_id)}" inputmode="numeric" placeholder="e.g. 5764…"></label>'
        f'<button type="submit">Find</button><a class="button" href="{url(base + "?orders=recent#orders")}">'
        "Recent orders</a></form>"
    )
    if problem:
        content = f'<p class="problem">{escape(problem)}</p>'
    elif orders is None:
        content = (
            '<p class="hint">Look up an order by its id, or list the last 7 days. '
            "Reading orders never moves the import.</p>"
        )
    elif not orders["items"]:
        content = empty(
            "No order found.", "Check the id, or that the order belongs to the shop imports run on."
        )
    else:
        rows = [
            [
                ("Order", f'<span class="mono">{escape(o["id"])}</span> {copy_button(o["id"])}'),
                (
                    "Status",
                    badge("ok", o["status"].replace("_", " "))
                    if o["status"]
                    else badge("failed", "Not imported"),
                ),
                ("Channel status", f'<span class="mono">{escape(o["channel_status"] or "—")}</span>'),
                ("Updated", escape(moment(o["updated_at"]))),
                ("Total", escape(o["total"] or "—")),
                (
                    "Why left out",
                    f'<span class="reason">{escape(o["reason"])}</span>' if o["reason"] else "—",
                ),
            ]
            for o in orders["items"]
        ]
        left = "".join(f"<li>{n} {escape(reason)}</li>" for reason, n in orders["left_out"].items() if n)
        note = f'<p class="hint">Left out on purpose:</p><ul class="hint">{left}</ul>' if left else ""
        content = (
            _table(("Order", "Status", "Channel status", "Updated", "Total", "Why left out"), rows) + note
        )
    return f'<section class="card" id="orders"><h2>Orders</h2>{search}{content}</section>'


def _run_reason(r: Mapping[str, Any]) -> str:
    parts = []
    if r["error"]:
        parts.append(f'<span class="reason">{escape(r["error"])}</span>')
    parts += [f'<span class="sub">{escape(p)}</span>' for p in r["problems"][:5]]
    if len(r["problems"]) > 5:
        parts.append(f'<span class="sub">and {len(r["problems"]) - 5} more problems</span>')
    parts += [
        f'<span class="sub">{n} left out: {escape(why)}</span>' for why, n in r["left_out"].items() if n
    ]
    return "".join(parts) or "—"


def _runs(c: Mapping[str, Any]) -> str:
    if not c["runs"]:
        return (
            '<section class="card" id="runs"><h2>Runs</h2>'
            + empty("No run yet.", "Imports, stock pushes and shipments appear here.")
            + "</section>"
        )
    rows = [
        [
            ("When", escape(moment(r["finished_at"]))),
            ("What", escape(flow_label(r["flow"]))),
            ("Result", badge("ok", "OK") if r["ok"] else badge("failed", "Failed")),
            ("Reason", _run_reason(r)),
            (
                "Request id",
                f'<span class="mono">{escape(r["request_id"])}</span> {copy_button(r["request_id"])}'
                if r["request_id"]
                else "—",
            ),
        ]
        for r in c["runs"]
    ]
    table = _table(("When", "What", "Result", "Reason", "Request id"), rows)
    return f'<section class="card" id="runs"><h2>Runs</h2>{table}</section>'


def _intents(c: Mapping[str, Any], csrf: str | None) -> str:
    intro = (
        '<p class="hint">A change was sent to the channel but its answer was lost. The next attempt of the same '
        "work settles it without doing it twice. If you checked in the channel's seller center, record what you "
        "found: <em>Applied</em> closes it; <em>Not applied</em> lets the next attempt send it again.</p>"
    )
    if not c["intents"]:
        return (
            '<section class="card" id="intents"><h2>Uncertain changes</h2>'
            + empty("Nothing uncertain.", "Every change sent has a known outcome.")
            + "</section>"
        )
    base = f"/admin/integrations/{c['id']}/intents"
    rows = []
    for i in c["intents"]:
        hidden = "".join(
            f'<input type="hidden" name="{k}" value="{escape(v or "")}">'
            for k, v in (("kind", i["kind"]), ("key", i["key"]), ("shop", i["shop_id"]))
        )
        actions = (
            post_button(
                f"{base}/resolve",
                "Applied",
                csrf,
                cls="small",
                extra=hidden + '<input type="hidden" name="outcome" value="done">',
            )
            + " "
            + post_button(
                f"{base}/resolve",
                "Not applied",
                csrf,
                cls="small",
                extra=hidden + '<input type="hidden" name="outcome" value="refused">',
            )
        )
        rows.append(
            [
                ("Change", f'{escape(i["kind"])} <span class="mono">{escape(i["key"])}</span>'),
                ("Shop", escape(i["shop_id"] or "—")),
                ("Since", escape(moment(i["created_at"]))),
                ("Attempts", str(i["attempts"])),
                ("Settle", actions),
            ]
        )
    table = _table(("Change", "Shop", "Since", "Attempts", "Settle"), rows)
    title = f"Uncertain changes {badge('pending', str(len(rows)))}"
    return f'<section class="card" id="intents"><h2>{title}</h2>{intro}{table}</section>'


def _webhooks(c: Mapping[str, Any]) -> str:
    seen = c.get("webhook_subscriptions") or {}
    fix = f"channel-connectors webhook subscriptions {c['id']} --repair"
    if not seen:
        listing = empty("Not checked yet.", f" Run `{fix}` to compare and subscribe.")
    else:
        rows = [
            [
                ("Shop", f'<span class="mono">{escape(shop)}</span>'),
                ("Subscribed", escape(", ".join(x.get("subscribed") or []) or "-")),
                (
                    "Missing",
                    badge("failing", ", ".join(x["missing"])) if x.get("missing") else "-",
                ),
                ("Checked", escape(moment(x.get("checked_at")))),
            ]
            for shop, x in sorted(seen.items())
        ]
        listing = _table(("Shop", "Subscribed", "Missing", "Checked"), rows)
        if any(x.get("missing") for x in seen.values()):
            listing += f'<p class="hint">Subscribe what is missing: <code>{escape(fix)}</code></p>'
    return f'<section class="card" id="webhooks"><h2>Webhook subscriptions</h2>{listing}</section>'


def _links(c: Mapping[str, Any], csrf: str | None, fresh: str | None) -> str:
    base = f"/admin/integrations/{c['id']}/links"
    days = '<label>Valid for <input type="number" name="days" value="30" min="1" max="365" style="width:5rem"> days</label> '
    purpose = '<label><input type="checkbox" name="purpose" value="renew"> for a renewal</label> '
    create = post_button(
        base, "Create connect link", csrf, cls="primary", ident="links", extra=days + purpose
    )
    once = ""
    if fresh:
        once = (
            '<div class="notice"><p>Send this address to the seller. It is shown only now: only its last characters are kept.</p>'
            f'<div class="link-once"><input id="link" readonly value="{escape(fresh)}">'
            f"{copy_button(fresh, 'Copy link')}</div></div>"
        )
    if not c["links"]:
        listing = empty("No connect link yet.", "A link lets the seller authorize without an account here.")
    else:
        rows = [
            [
                ("Link", f'<span class="mono">{escape(x["hint"])}</span>'),
                ("Purpose", "Renewal" if x["purpose"] == "renew" else "First connection"),
                ("Status", badge("expired", "Expired") if x["expired"] else badge("active", "Active")),
                ("Valid until", escape(moment(x["expires_at"]))),
                ("Last opened", escape(moment(x["last_opened_at"], "never"))),
                (
                    "",
                    post_button(f"{base}/{x['id']}/renew", "Renew 30 days", csrf, cls="small")
                    + (
                        ""
                        if x["expired"]
                        else " " + post_button(f"{base}/{x['id']}/revoke", "Revoke", csrf, cls="small danger")
                    ),
                ),
            ]
            for x in reversed(c["links"])
        ]
        listing = _table(("Link", "Purpose", "Status", "Valid until", "Last opened", ""), rows)
    head = f'<h2>Connect links</h2>{once}<div class="toolbar">{create}</div>'
    return f'<section class="card" id="connect-links">{head}{listing}</section>'


def forms_block(forms: Mapping[str, Any]) -> str:
    # No way out of the script element, whatever a value holds.
    data = json.dumps(forms).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return (
        f'<script type="application/json" id="form-data">{data}</script>'
        '<div id="form-messages" role="status"></div>'
        '<section class="card"><label>Name <input id="integration-name" maxlength="200"></label></section>'
        '<section class="card"><h2>Credentials</h2><div id="credentials-form"></div></section>'
        '<section class="card"><h2>Settings</h2><div id="settings-form"></div></section>'
    )


def detail_page(
    c: Mapping[str, Any],
    forms: Mapping[str, Any],
    csrf: str | None,
    *,
    notice: str | None = None,
    orders: Mapping[str, Any] | None = None,
    order_id: str = "",
    orders_problem: str | None = None,
    fresh_link: str | None = None,
    can_pull: bool = True,
) -> HTMLResponse:
    base = f"/admin/integrations/{c['id']}"
    connect_label = (
        "Re-connect" if c["state"] in ("connected", "failing", "needs_reauthorization") else "Connect"
    )
    toolbar = (
        post_button(f"{base}/connect", connect_label, csrf, cls="primary", ident="connect")
        + post_button(f"{base}/check", "Check connection", csrf, ident="check")
        + (
            post_button(f"{base}/pull", "Pull now", csrf, ident="pull")
            if can_pull
            else '<button type="button" id="pull" disabled aria-describedby="pull-note">Pull now</button>'
        )
    )
    if not can_pull:
        toolbar += (
            '<p class="hint" id="pull-note">Pull now needs somewhere to put the orders, and this server has '
            "none: start it with <code>serve --orders-to DIR</code>, or run the workers.</p>"
        )
    note = f'<p class="notice" role="status">{escape(notice)}</p>' if notice else ""
    danger = (
        '<section class="card danger" id="delete"><h2>Delete this connection</h2><p class="hint">Removes its '
        "credentials, tokens, links and history here. The seller's shop is not changed.</p>"
        + post_button(
            f"{base}/delete",
            "Delete connection",
            csrf,
            cls="danger",
            ident="delete-button",
            extra='<label><input type="checkbox" name="confirm" value="yes" required> I understand</label> ',
        )
        + "</section>"
    )
    body = (
        f'<p class="crumbs"><a href="{url("/admin")}">Connections</a> / {escape(c["name"])}</p>'
        f'<div class="page-head"><div class="title"><h1>{escape(c["name"])}</h1>{badge(c["state"])}</div>'
        f'<div class="toolbar">{toolbar}</div></div>{note}'
        + _overview(c)
        + _shops(c, csrf)
        + _orders(c, orders, order_id, orders_problem)
        + _runs(c)
        + _intents(c, csrf)
        + _links(c, csrf, fresh_link)
        + _webhooks(c)
        + forms_block(forms)
        + danger
    )
    return document(c["name"], body, csrf=csrf)


def new_page(connector_name: str, forms: Mapping[str, Any], csrf: str | None) -> HTMLResponse:
    body = (
        f'<p class="crumbs"><a href="{url("/admin")}">Connections</a> / new</p>'
        f"<h1>New {escape(connector_name)} connection</h1>"
        '<p class="hint">Fill in the app credentials from the channel\'s developer portal, create, then Connect.</p>'
        + forms_block(forms)
    )
    return document(f"New {connector_name} connection", body, csrf=csrf)
