"""The small HTML pages a seller or an operator reads: every value escaped, no script, no remote asset but the
host's own logo.

A page says in words what happened and what to do next. Nothing passed to these functions is a secret
(the callers pass shop names, dates and messages that the error classes already keep secret-free), and
every dynamic value goes through `html.escape`.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from datetime import datetime

from starlette.responses import HTMLResponse

from .branding import Branding

# Pages that carry a bearer value in their URL (connect links, callbacks) must not leak it onward.
PRIVATE_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
}

_STYLE = (
    "body{font-family:system-ui,-apple-system,sans-serif;margin:0;color:#1c2430;background:#f5f7fa;line-height:1.5}"
    ".bar{background:#fff;border-bottom:3px solid var(--brand);padding:.8rem 1.2rem;display:flex;align-items:center;gap:.6rem}"
    ".bar img{height:32px;width:auto}.bar strong{font-size:1.05rem}"
    "main{max-width:34rem;margin:2.5rem auto;padding:0 1rem}"
    ".card{background:#fff;border-radius:12px;padding:1.4rem 1.5rem;box-shadow:0 1px 3px #0002}"
    "h1{font-size:1.35rem;margin:.2rem 0 .8rem}.ok h1{color:#136c34}.plain h1{color:inherit}.fail h1{color:#9b1c1c}"
    ".mark{font-size:2rem;line-height:1}li{margin:.2rem 0}"
    ".button{display:inline-block;margin-top:1rem;background:var(--brand);color:#fff;text-decoration:none;"
    "font-weight:600;padding:.6rem 1.1rem;border-radius:8px}"
)


def escape(value: object) -> str:
    return html.escape(str(value), quote=True)


def when(moment: datetime | None) -> str:
    return "never" if moment is None else f"{moment:%Y-%m-%d %H:%M} UTC"


def page(
    title: str,
    paragraphs: Iterable[str],
    *,
    ok: bool,
    status: int,
    items: Iterable[str] = (),
    brand: Branding | None = None,
    action: tuple[str, str] | None = None,
    mark: bool = True,
) -> HTMLResponse:
    """A complete page in the host's look: a heading, paragraphs, an optional list and an optional button
    (`(label, address)`, e.g. back to the host's app), all given as plain text."""
    look = brand or Branding()
    tone = ("ok" if ok else "fail") if mark else "plain"
    sign = f'<div class="mark" aria-hidden="true">{"&#10003;" if ok else "!"}</div>' if mark else ""
    body = [f"{sign}<h1>{escape(title)}</h1>"]
    body += [f"<p>{escape(text)}</p>" for text in paragraphs]
    listed = [f"<li>{escape(item)}</li>" for item in items]
    if listed:
        body.append("<ul>" + "".join(listed) + "</ul>")
    if action is not None:
        body.append(f'<a class="button" href="{escape(action[1])}">{escape(action[0])}</a>')
    logo = f'<img src="{escape(look.logo_url)}" alt="">' if look.logo_url else ""
    bar = f'<div class="bar">{logo}<strong>{escape(look.name)}</strong></div>' if (logo or look.name) else ""
    document = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{escape(title)}</title><style>:root{{--brand:{look.color}}}{_STYLE}</style></head>"
        f'<body class="{tone}">{bar}<main><div class="card">{"".join(body)}</div></main></body></html>'
    )
    headers = dict(PRIVATE_HEADERS)
    if look.logo_source:
        headers["Content-Security-Policy"] += f"; img-src {look.logo_source}"
    return HTMLResponse(document, status_code=status, headers=headers)
