"""The app mounted under a prefix inside a host's own Starlette application: every address keeps the prefix."""

from __future__ import annotations

import re
from typing import Any

from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Mount, Route
from starlette.testclient import TestClient
from web_support import ADMIN_TOKEN, state_of

from connector_core.web import AdminConfig, create_app, create_connect_link


def test_mounted_under_a_prefix_the_callback_links_and_admin_all_work(make_web: Any) -> None:
    web = make_web()
    root = "http://testserver/channels"
    app = create_app(web.integrations, base_url=root, admin=AdminConfig(token=ADMIN_TOKEN), sink=web.sink)

    async def home(request: Any) -> PlainTextResponse:
        return PlainTextResponse("the host's own page")

    host = Starlette(routes=[Route("/", home), Mount("/channels", app=app)])
    with TestClient(host, follow_redirects=False) as client:
        assert client.get("/").text == "the host's own page"
        assert client.get("/channels/healthz").json()["ok"] is True
        link = create_connect_link(web.integrations, web.integration_id, base_url=root)
        assert link.startswith(root + "/connect/")
        consent = client.get(link.removeprefix("http://testserver"))
        assert consent.status_code == 302
        callback = client.get(
            "/channels/tiktok/auth/callback",
            params={"code": web.emu.authorize(), "state": state_of(consent.headers["location"])},
        )
        assert callback.status_code == 200
        assert client.get("/channels/admin").headers["location"] == "/channels/admin/login"
        signed_in = client.post("/channels/admin/login", data={"token": ADMIN_TOKEN})
        assert signed_in.headers["location"] == "/channels/admin"
        page = client.get("/channels/admin").text
        hrefs = re.findall(r'(?:href|src|action)="([^"]+)"', page)
        assert hrefs and all(h.startswith("/channels/admin") for h in hrefs), hrefs
        assert client.get("/channels/admin/static/admin.css").status_code == 200
