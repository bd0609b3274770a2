"""The admin page's HTML: the integrations list, one integration's status and forms, the login page.

Only facts that are not secret reach these functions (names, dates, counts, problems the flows recorded,
redacted form values); every value is escaped. The forms themselves are drawn in the browser by the RJSF
bundle (`static/forms.js`) from the JSON in a `<script type="application/json">` block, which the browser
never runs; `static/admin.js` wires them up. No asset comes from outside this app.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import quote

from starlette.responses import HTMLResponse

from ...integration import IntegrationStatus
from ...models import Account
from ...store import ConnectLink, Intent, RunRecord
from ..pages import escape, when
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


def _url(path: str) -> str:
    return escape(admin_url(path))


def document(
    title: str, body: str, *, csrf: str | None, status: int = 200, scripts: bool = False
) -> HTMLResponse:
    meta = f'<meta name="csrf-token" content="{escape(csrf)}">' if csrf else ""
    logout = (
        f'<form method="post" action="{_url("/admin/logout")}" class="logout"><input type="hidden" name="csrf" '
        f'value="{escape(csrf)}"><button type="submit">Sign out</button></form>'
        if csrf
        else ""
    )
    js = f'<script type="module" src="{_url("/admin/static/admin.js")}"></script>'
    css = f'<link rel="stylesheet" href="{_url("/admin/static/admin.css")}">'
    html = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width,initial-scale=1">{meta}'
        f"<title>{escape(title)} · channel-connectors</title>{css}"
        f'</head><body><header><a href="{_url("/admin")}">Integrations</a>{logout}</header><main>{body}</main>'
        f"{js if scripts else ''}</body></html>"
    )
    return HTMLResponse(html, status_code=status, headers=ADMIN_HEADERS)


def login_page(message: str | None = None, status: int = 200) -> HTMLResponse:
    note = f'<p class="problem" role="alert">{escape(message)}</p>' if message else ""
    body = (
        f'<h1>Sign in</h1>{note}<form method="post" action="{_url("/admin/login")}">'
        '<label>Admin token <input type="password" name="token" autocomplete="current-password" required>'
        '</label> <button type="submit">Sign in</button></form>'
    )
    return document("Sign in", body, csrf=None, status=status)


@dataclass(frozen=True)
class IntegrationView:
    """Everything the page shows about one integration, gathered from the store by the routes."""

    status: IntegrationStatus
    accounts: Sequence[Account]
    runs: Sequence[RunRecord]
    pending: Sequence[Intent]
    links: Sequence[ConnectLink]
    forms: Mapping[str, Any] = field(default_factory=dict)


def _deadline(status: IntegrationStatus) -> str:
    reauth = status.reauthorization
    text = when(reauth.deadline) if reauth.deadline else "none known"
    if reauth.needs_reauthorization:
        text = f"needed now ({reauth.reason or 'the channel withdrew it'})"
    return text


def _last_run(runs: Sequence[RunRecord]) -> str:
    imports = [r for r in runs if r.flow == "pull_orders"]
    if not imports:
        return "no import yet"
    run = imports[0]
    problems = _problems(run.summary)
    outcome = "ok" if run.ok else "failed"
    return f"{when(run.finished_at)}, {outcome}, {len(problems)} problems"


def _problems(summary: Mapping[str, Any]) -> list[str]:
    found = summary.get("problems") or []
    return [str(p.get("message", p)) if isinstance(p, dict) else str(p) for p in found][:50]


def _shops(accounts: Iterable[Account]) -> str:
    return ", ".join(f"{a.name or a.id}" + (f" ({a.region})" if a.region else "") for a in accounts) or "none"


def list_page(
    rows: Sequence[IntegrationView], connectors: Sequence[tuple[str, str]], csrf: str | None
) -> HTMLResponse:
    lines = []
    for row in rows:
        s = row.status
        lines.append(
            f'<tr data-integration="{escape(s.integration_id)}"><td><a href="'
            f'{_url("/admin/integrations/" + s.integration_id)}">{escape(s.name)}</a></td><td>{escape(s.connector)}</td>'
            f"<td>{'connected' if s.connected else 'not connected'}</td><td>{escape(_shops(row.accounts))}</td>"
            f"<td>{escape(when(s.access_expires_at))}</td><td>{escape(_deadline(s))}</td>"
            f"<td>{escape(_last_run(row.runs))}</td><td>{len(row.pending)}</td></tr>"
        )
    table = (
        "<table><thead><tr><th>Name</th><th>Connector</th><th>Status</th><th>Shops</th><th>Token expires</th>"
        "<th>Re-authorize by</th><th>Last import</th><th>Uncertain</th></tr></thead>"
        f"<tbody>{''.join(lines)}</tbody></table>"
        if lines
        else "<p>No integration yet.</p>"
    )
    new = "".join(
        f'<li><a href="{_url("/admin/integrations/new?connector=" + quote(cid))}">New {escape(name)} integration</a></li>'
        for cid, name in connectors
    )
    return document("Integrations", f"<h1>Integrations</h1>{table}<ul>{new}</ul>", csrf=csrf)


def _action(integration_id: str, action: str, label: str, csrf: str | None, extra: str = "") -> str:
    return (
        f'<form method="post" action="{_url(f"/admin/integrations/{integration_id}/{action}")}" class="action">'
        f'<input type="hidden" name="csrf" value="{escape(csrf or "")}">{extra}'
        f'<button type="submit" id="{action}">{escape(label)}</button></form>'
    )


def _forms_block(forms: Mapping[str, Any]) -> str:
    # No way out of the script element, whatever a value holds.
    data = json.dumps(forms).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return (
        f'<script type="application/json" id="form-data">{data}</script>'
        '<div id="form-messages" role="status"></div>'
        '<section><label>Name <input id="integration-name" maxlength="200"></label></section>'
        '<section><h2>Credentials</h2><div id="credentials-form"></div></section>'
        '<section><h2>Settings</h2><div id="settings-form"></div></section>'
    )


def detail_page(view: IntegrationView, csrf: str | None, notice: str | None = None) -> HTMLResponse:
    s = view.status
    facts = [
        ("Status", "connected" if s.connected else "not connected"),
        ("Connector", s.connector),
        ("Shops", _shops(view.accounts)),
        ("Access token expires", when(s.access_expires_at)),
        ("Refresh token expires", when(s.refresh_expires_at)),
        ("Re-authorize by", _deadline(s)),
        ("Last import", _last_run(view.runs)),
        ("Uncertain intents", str(len(view.pending))),
    ]
    dl = "".join(f'<dt>{escape(k)}</dt><dd id="fact-{i}">{escape(v)}</dd>' for i, (k, v) in enumerate(facts))
    runs = "".join(
        f"<li>{escape(r.flow)} {escape(when(r.finished_at))}: {'ok' if r.ok else 'failed'}"
        + "".join(f'<br><span class="problem">{escape(p)}</span>' for p in _problems(r.summary))
        + "</li>"
        for r in view.runs
    )
    pending = "".join(
        f"<li>{escape(i.kind)} {escape(i.key)} (shop {escape(i.account_id or '-')}, since {escape(when(i.created_at))}, "
        f"{i.attempts} attempts)</li>"
        for i in view.pending
    )
    links = "".join(
        f"<li>{escape(link.purpose)} link …{escape(link.token_hint)}, valid until {escape(when(link.expires_at))}"
        f", last opened {escape(when(link.last_used_at))}</li>"
        for link in view.links
    )
    days = '<label>valid for <input type="number" name="days" value="30" min="1" max="365"> days</label>'
    purpose = '<label><input type="checkbox" name="purpose" value="renew"> renewal</label>'
    actions = (
        _action(s.integration_id, "connect", "Connect", csrf)
        + _action(s.integration_id, "links", "Create connect link", csrf, days + purpose)
        + _action(s.integration_id, "pull", "Pull now", csrf)
    )
    note = f'<p class="notice" role="status">{escape(notice)}</p>' if notice else ""
    body = (
        f'<h1>{escape(s.name)}</h1>{note}<dl class="facts">{dl}</dl><div class="actions">{actions}</div>'
        f"<h2>Recent runs</h2><ul>{runs or '<li>none</li>'}</ul>"
        f"<h2>Uncertain intents</h2><ul>{pending or '<li>none</li>'}</ul>"
        f"<h2>Connect links</h2><ul>{links or '<li>none</li>'}</ul>{_forms_block(view.forms)}"
    )
    return document(s.name, body, csrf=csrf, scripts=True)


def new_page(connector_name: str, forms: Mapping[str, Any], csrf: str | None) -> HTMLResponse:
    body = f"<h1>New {escape(connector_name)} integration</h1>{_forms_block(forms)}"
    return document(f"New {connector_name} integration", body, csrf=csrf, scripts=True)


def link_page(
    integration_id: str, name: str, url: str, expires_at: datetime, csrf: str | None
) -> HTMLResponse:
    body = (
        f"<h1>Connect link for {escape(name)}</h1><p>Send this address to the seller. It is shown once: "
        f'only its last characters are kept.</p><p><input id="link" readonly size="80" value="{escape(url)}"></p>'
        f"<p>Valid until {escape(when(expires_at))}.</p>"
        f'<p><a href="{_url("/admin/integrations/" + integration_id)}">Back to the integration</a></p>'
    )
    return document("Connect link", body, csrf=csrf)


def problem_page(title: str, message: str, csrf: str | None, status: int) -> HTMLResponse:
    return document(
        title, f'<h1>{escape(title)}</h1><p class="problem">{escape(message)}</p>', csrf=csrf, status=status
    )
