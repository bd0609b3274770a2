"""The admin console's frame and small parts: the page shell, sign-in, problem pages, badges, copy buttons.

Only facts that are not secret reach these functions (names, dates, counts, problems the flows recorded,
redacted form values); every value is escaped. Scripts come only from this app (`static/admin.js` wires
the copy buttons and the forms, which the RJSF bundle draws from a JSON block the browser never runs).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from starlette.responses import HTMLResponse

from ..pages import escape
from .urls import admin_url

ADMIN_HEADERS = {
    "Cache-Control": "no-store",
    # same-origin, not no-referrer: under no-referrer a browser sends `Origin: null` with form posts,
    # and the origin check would refuse the operator's own forms.
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # No form-action: Connect's answer redirects the browser to the channel's consent page. 'unsafe-eval':
    # ajv (RJSF's validator) compiles each schema into a function at run time; scripts still come only
    # from this app (no inline script, no other origin).
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "font-src 'self'; connect-src 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
}

STATE_LABELS = {
    "connected": "Connected",
    "not_connected": "Not connected",
    "needs_reauthorization": "Needs re-authorization",
    "failing": "Failing",
}
FLOW_LABELS = {
    "pull_orders": "Order import",
    "push_stock": "Stock push",
    "confirm_shipment": "Shipment",
    "refresh_token": "Token refresh",
    "connect": "Connect",
    "create_labels": "Labels",
    "check_connection": "Connection check",
}
_LOGO = (
    '<svg viewBox="0 0 24 24" aria-hidden="true"><path fill="#7d95ff" d="M4 7l8-4 8 4v10l-8 4-8-4z"/>'
    '<path fill="#fff" d="M12 7l4 2v6l-4 2-4-2V9z"/></svg>'
)


def url(path: str) -> str:
    return escape(admin_url(path))


def badge(kind: str, text: str | None = None) -> str:
    return f'<span class="badge {escape(kind)}">{escape(text or STATE_LABELS.get(kind, kind))}</span>'


def copy_button(value: str, label: str = "Copy") -> str:
    return f'<button type="button" class="copy" data-copy="{escape(value)}" aria-label="{escape(label)}">{escape(label)}</button>'


def flow_label(flow: str) -> str:
    return FLOW_LABELS.get(flow, flow.replace("_", " ").capitalize())


def moment(value: str | datetime | None, missing: str = "—") -> str:
    """An ISO time as `2026-03-01 12:00 UTC` (what the facts hold), or a dash."""
    if value is None:
        return missing
    text = value.isoformat() if isinstance(value, datetime) else value
    return f"{text[:10]} {text[11:16]} UTC"


def empty(title: str, text: str) -> str:
    return f'<div class="empty"><strong>{escape(title)}</strong>{escape(text)}</div>'


def cells(values: Iterable[tuple[str, str]]) -> str:
    """Table cells, each labelled for the stacked layout of narrow screens (values are already HTML)."""
    return "".join(
        f'<td data-label="{escape(label)}"><div class="v">{html}</div></td>' for label, html in values
    )


def post_button(
    path: str, label: str, csrf: str | None, *, cls: str = "", ident: str = "", extra: str = ""
) -> str:
    id_attribute = f' id="{escape(ident)}"' if ident else ""
    return (
        f'<form method="post" action="{url(path)}" class="inline">'
        f'<input type="hidden" name="csrf" value="{escape(csrf or "")}">{extra}'
        f'<button type="submit" class="{escape(cls)}"{id_attribute}>{escape(label)}</button></form>'
    )


def document(
    title: str, body: str, *, csrf: str | None, status: int = 200, scripts: bool = True
) -> HTMLResponse:
    meta = f'<meta name="csrf-token" content="{escape(csrf)}">' if csrf else ""
    logout = (
        f'<form method="post" action="{url("/admin/logout")}" class="logout"><input type="hidden" name="csrf" '
        f'value="{escape(csrf)}"><button type="submit">Sign out</button></form>'
        if csrf
        else ""
    )
    nav = (
        f'<nav><a href="{url("/admin")}">Connections</a> <a href="{url("/admin/import")}">Import</a></nav>'
        if csrf
        else "<nav></nav>"
    )
    js = f'<script type="module" src="{url("/admin/static/admin.js")}"></script>' if scripts else ""
    html = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width,initial-scale=1">{meta}'
        f'<title>{escape(title)} · Channel connections</title><link rel="stylesheet" href="{url("/admin/static/admin.css")}">'
        f'</head><body><header class="top"><a class="brand" href="{url("/admin")}">{_LOGO}Channel connections</a>'
        f"{nav}{logout}</header><main>{body}</main>{js}</body></html>"
    )
    return HTMLResponse(html, status_code=status, headers=ADMIN_HEADERS)


def login_page(message: str | None = None, status: int = 200) -> HTMLResponse:
    note = f'<p class="problem" role="alert">{escape(message)}</p>' if message else ""
    body = (
        f'<div class="card" style="max-width:28rem;margin:3rem auto"><h1>Sign in</h1>{note}'
        f'<p class="hint">Use the admin token your team keeps for this console.</p>'
        f'<form method="post" action="{url("/admin/login")}">'
        '<p><label>Admin token<br><input type="password" name="token" autocomplete="current-password" required '
        'style="width:100%"></label></p><button type="submit" class="primary">Sign in</button></form></div>'
    )
    return document("Sign in", body, csrf=None, status=status, scripts=False)


def problem_page(
    title: str, message: str, csrf: str | None, status: int, back: str | None = None
) -> HTMLResponse:
    link = (
        f'<p><a href="{url(back)}">Back</a></p>'
        if back
        else f'<p><a href="{url("/admin")}">All connections</a></p>'
    )
    body = f'<div class="card"><h1>{escape(title)}</h1><p class="problem">{escape(message)}</p>{link}</div>'
    return document(title, body, csrf=csrf, status=status, scripts=False)
