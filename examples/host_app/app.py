"""An example host: the host's own web app, with channel connections built on the JSON API.

What a host does, in one file:

* mounts the connector runtime (`create_app`) under `/channels`, so OAuth callbacks, webhooks, connect
  links and the API live beside the host's own pages;
* keeps the admin token on the server: the browser talks only to the host's `/backend/...`, which checks
  the host's own user (here: a placeholder) and forwards to `/channels/api/v1/...` with the Bearer token;
* serves one page (`static/index.html`, `static/host.js`) that lists connections and draws the credential
  and settings forms with the forms bundle (`connector_core/web/static/forms.js`), straight from the API;
* brands the seller's pages and has the seller sent back to its page with the outcome (`return_to`).

Run it against the emulator:

    channel-connectors emulator &               # prints its addresses
    CHANNEL_CONNECTORS_ADMIN_TOKEN=$(python -c 'import secrets; print(secrets.token_urlsafe(24))') \\
        python examples/host_app/app.py         # then open http://127.0.0.1:8100/
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from connector_core import Integrations
from connector_core.host_plugins import load_host
from connector_core.store import open_store
from connector_core.web import AdminConfig, Branding, InProcessSink, WorkSink, create_app

HERE = Path(__file__).resolve().parent
FORMS_BUNDLE = Path(create_app.__code__.co_filename).resolve().parent / "static" / "forms.js"
FORWARDED = ("GET", "POST", "PATCH", "DELETE")
MAX_BODY = 1024 * 1024


def host_app(
    integrations: Integrations, *, base_url: str, token: str, sink: WorkSink | None = None
) -> Starlette:
    """The host's app. `base_url` is the host's public address (the runtime lives at base_url + /channels)."""
    parts = urlsplit(base_url)
    channels = create_app(
        integrations,
        base_url=f"{base_url.rstrip('/')}/channels",
        admin=AdminConfig(token=token),
        sink=sink if sink is not None else InProcessSink(integrations),
        # The seller's pages look like the host's, and may send the seller back to the host's own pages.
        branding=Branding(
            name="Example host", color="#4b2bd6", return_origins=(f"{parts.scheme}://{parts.netloc}",)
        ),
    )
    transport = httpx.ASGITransport(app=channels)

    async def backend(request: Request) -> Response:
        # A real host checks its own signed-in user here (and that they may manage connections).
        if request.headers.get("x-host-user") is None:
            return JSONResponse(
                {"ok": False, "code": "unauthorized", "message": "Sign in to the host first."}, 401
            )
        body = await request.body()
        if len(body) > MAX_BODY:
            return JSONResponse({"ok": False, "code": "too_large", "message": "Too large."}, 413)
        async with httpx.AsyncClient(transport=transport, base_url="http://channels") as client:
            answer = await client.request(
                request.method,
                f"/api/v1/{request.path_params['path']}",
                params=request.query_params,
                content=body,
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            )
        kept = {k: v for k, v in answer.headers.items() if k.lower() in ("content-type", "cache-control")}
        return Response(answer.content, status_code=answer.status_code, headers=kept)

    async def forms_bundle(request: Request) -> Response:
        return FileResponse(FORMS_BUNDLE, media_type="text/javascript")

    async def index(request: Request) -> Response:
        return FileResponse(HERE / "static" / "index.html", headers={"Cache-Control": "no-store"})

    return Starlette(
        routes=[
            Route("/", index),
            Route("/static/forms.js", forms_bundle),
            Mount("/static", StaticFiles(directory=HERE / "static")),
            Route("/backend/{path:path}", backend, methods=list(FORWARDED)),
            Mount("/channels", app=channels),
        ]
    )


def main() -> None:
    import uvicorn

    token = os.environ.get("CHANNEL_CONNECTORS_ADMIN_TOKEN") or ""
    if len(token) < 16:
        raise SystemExit("set CHANNEL_CONNECTORS_ADMIN_TOKEN to a random value of at least 16 characters")
    integrations = Integrations(load_host(), open_store())  # the host's plugins, as workers load them
    port = int(os.environ.get("PORT", "8100"))
    app = host_app(integrations, base_url=f"http://127.0.0.1:{port}", token=token)
    uvicorn.run(app, host="127.0.0.1", port=port, access_log=False)


if __name__ == "__main__":
    main()
