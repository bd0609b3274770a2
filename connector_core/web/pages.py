"""The small HTML pages a seller or an operator reads: every value escaped, no script, no remote asset.

A page says in words what happened and what to do next. Nothing passed to these functions is a secret
(the callers pass shop names, dates and messages that the error classes already keep secret-free), and
every dynamic value goes through `html.escape`.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from datetime import datetime

from starlette.responses import HTMLResponse

# Pages that carry a bearer value in their URL (connect links, callbacks) must not leak it onward.
PRIVATE_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
}

_STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#222}"
    "h1{font-size:1.4rem}.ok h1{color:#186a3b}.fail h1{color:#922b21}li{margin:.2rem 0}"
)


def escape(value: object) -> str:
    return html.escape(str(value), quote=True)


def when(moment: datetime | None) -> str:
    return "never" if moment is None else f"{moment:%Y-%m-%d %H:%M} UTC"


def page(
    title: str, paragraphs: Iterable[str], *, ok: bool, status: int, items: Iterable[str] = ()
) -> HTMLResponse:
    """A complete page: a heading, paragraphs and an optional list, all given as plain text."""
    body = [f"<h1>{escape(title)}</h1>"]
    body += [f"<p>{escape(text)}</p>" for text in paragraphs]
    listed = [f"<li>{escape(item)}</li>" for item in items]
    if listed:
        body.append("<ul>" + "".join(listed) + "</ul>")
    document = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head>"
        f'<body class="{"ok" if ok else "fail"}">{"".join(body)}</body></html>'
    )
    return HTMLResponse(document, status_code=status, headers=PRIVATE_HEADERS)
