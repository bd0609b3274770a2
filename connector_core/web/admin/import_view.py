"""The console's Import page: many sellers' connections under an app from an uploaded CSV or JSON Lines file.

The same checks and writes as `channel-connectors integrations import` (connector_core/flows/
connection_file_import.py): every line checked before anything is written, the first bad one named in one
line (file, line, connection, field), a line whose shops the app already serves skipped. The page's script
(static/admin.js) posts the file's bytes as they are, with the page's CSRF token in the `X-CSRF-Token`
header like the other forms' saves, and shows the one-line answer; a body over `UPLOAD_LIMIT` is refused
before it is read whole. The answer holds counts and names only: no token is ever put on the page or in a
log.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Awaitable, Callable
from typing import IO, Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Route

from ...errors import ConnectorError
from ...flows.connection_file import EXTENSIONS, FileFormat, format_of
from ...flows.connection_file_import import check_file, write_file
from ...integration import Integrations
from ...store.errors import UnknownApp
from ...store.platform_records import AppRecord
from ..pages import escape
from ..webhooks import BodyTooLarge, read_capped
from .auth import AdminSession
from .views import document, empty, url

log = logging.getLogger("connector_core.web.admin")

MIB = 1024 * 1024
UPLOAD_LIMIT = 16 * MIB
"""The largest file the page takes (about 20,000 sellers); the CLI takes any size."""
_UNSAFE = re.compile(r"[^\w .,()+-]")

Guard = Callable[..., Callable[[Request], Awaitable[Response]]]


def import_routes(integrations: Integrations, guarded: Guard) -> list[BaseRoute]:
    async def form(request: Request, session: AdminSession) -> Response:
        apps = await run_in_threadpool(integrations.apps)
        return import_page(apps, session.csrf)

    async def upload(request: Request, session: AdminSession) -> Response:
        app_id = request.query_params.get("app", "").strip()
        dry_run = request.query_params.get("dry_run") in ("1", "true", "on")
        label = _label(request.query_params.get("filename", ""))
        try:
            body = await read_capped(request, UPLOAD_LIMIT)
        except BodyTooLarge:
            return _answer(
                False,
                f"{label}: larger than {UPLOAD_LIMIT // MIB} MiB, the most this page takes: import it with "
                f"`channel-connectors integrations import --app {app_id or 'APP'} FILE`",
                413,
            )
        if not app_id:
            return _answer(False, "Choose the app the sellers connected to.", 422)
        kind: FileFormat = format_of(label, body[:4096])

        def run() -> dict[str, Any]:
            def open_file() -> IO[bytes]:
                return io.BytesIO(body)

            plan = check_file(integrations, app_id, open_file, label, kind)
            created = batches = 0
            if not dry_run:
                created, batches = write_file(integrations, plan, open_file)
            return {
                "entries": plan.entries,
                "skipped": len(plan.skipped),
                "created": created,
                "batches": batches,
            }

        try:
            counts = await run_in_threadpool(run)
        except UnknownApp:
            return _answer(False, "There is no such app: choose one from the list (reload the page).", 422)
        except ConnectorError as exc:  # one line naming file, line, connection and field; never a value
            return _answer(False, " ".join(str(exc).split()), 422)
        if dry_run:
            message = (
                f"{label}: {counts['entries']} connection(s) checked, all good: "
                f"{counts['entries'] - counts['skipped']} to create, {counts['skipped']} already imported. "
                "Nothing was written (check only)."
            )
        else:
            log.info(
                "admin: %d connection(s) imported under app %s (%d already imported)",
                counts["created"],
                app_id,
                counts["skipped"],
            )
            message = (
                f"{label}: {counts['created']} connection(s) imported under app {app_id} in "
                f"{counts['batches']} batch(es); {counts['skipped']} already imported, skipped."
            )
        return _answer(True, message, 200, dry_run=dry_run, **counts)

    return [
        Route("/admin/import", guarded(form), methods=["GET"]),
        Route("/admin/import", guarded(upload, post=True), methods=["POST"]),
    ]


def _label(filename: str) -> str:
    """The uploaded file's name as messages show it: its last part, plain characters only."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    return _UNSAFE.sub("_", name)[:100] or "the uploaded file"


def _answer(ok: bool, message: str, status: int, **counts: Any) -> JSONResponse:
    return JSONResponse({"ok": ok, "message": message, **counts}, status_code=status)


def import_page(apps: list[AppRecord], csrf: str | None) -> HTMLResponse:
    if not apps:
        content = empty(
            "No app yet.",
            "Add the app the sellers connected to first: channel-connectors apps add CONNECTOR.",
        )
    else:
        options = "".join(
            f'<option value="{escape(a.id)}">{escape(a.name)} · {escape(a.connector)} · {escape(a.id)}'
            f"{' (own app of ' + escape(a.owned_by) + ')' if a.owned_by else ''}</option>"
            for a in apps
        )
        accept = ",".join(EXTENSIONS)
        content = (
            f'<form id="import-form" class="import" data-action="{url("/admin/import")}">'
            f'<p><label>App<br><select name="app" required>{options}</select></label></p>'
            f"<p><label>File (CSV or JSON Lines, at most {UPLOAD_LIMIT // MIB} MiB)<br>"
            f'<input type="file" name="file" accept="{escape(accept)}" required></label></p>'
            '<p><label><input type="checkbox" name="dry_run" value="1"> Check only: write nothing</label></p>'
            '<button type="submit" class="primary">Import</button></form>'
            '<noscript><p class="problem">This form needs JavaScript; or use '
            "channel-connectors integrations import.</p></noscript>"
        )
    body = (
        '<div class="page-head"><h1>Import connections</h1></div>'
        '<section class="card"><p class="hint">Many sellers at once, with the tokens and shops you hold: a '
        "CSV with a header row (name, access_token, access_expires_at, refresh_token, refresh_expires_at, "
        "scopes, token_extra, shops as a JSON list, tag.KEY and setting.KEY columns, in any order) or JSON "
        "Lines (one connection a line: name, tokens, shops, tags, settings). Every line is checked before "
        "anything is written, and the first bad one is named. A line whose shops the app already serves is "
        f"skipped, so sending the same file again is safe.</p>{content}"
        '<div id="import-messages" role="status" aria-live="polite"></div>'
        f'<p><a href="{url("/admin")}">All connections</a></p></section>'
    )
    return document("Import connections", body, csrf=csrf)
