"""Admin sign-in is throttled per client address with a lockout that says when to retry, and signing out
ends the session on the server: the old cookie, replayed, is refused."""

from __future__ import annotations

import base64
import re
from pathlib import Path

from starlette.testclient import TestClient
from web_support import ADMIN_TOKEN, BASE_URL, RecordingSink, Web

from connector_core import ConnectorHost, Integrations
from connector_core.store import SQLiteStore
from connector_core.web import AdminConfig, create_app
from connector_core.web.admin.signin import MAX_FAILURES


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html) or re.search(r'data-csrf="([^"]+)"', html)
    assert match, html[:500]
    return match.group(1)


def test_wrong_tokens_lock_the_address_out_and_the_answer_says_when_to_retry(admin_web: Web) -> None:
    client = admin_web.client
    for _ in range(MAX_FAILURES):
        assert client.post("/admin/login", data={"token": "wrong-token-0123456789"}).status_code == 401
    locked = client.post("/admin/login", data={"token": ADMIN_TOKEN})  # even the right one, now
    assert locked.status_code == 429
    assert int(locked.headers["Retry-After"]) >= 1
    assert "try again in" in locked.text and "UTC" in locked.text
    assert ADMIN_TOKEN not in locked.text
    # The JSON API and a Bearer header share the lockout, and say the same.
    api = client.get("/api/v1/connections", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    assert api.status_code == 429
    assert api.json()["code"] == "locked_out" and api.json()["retry_after"] >= 1


def test_wrong_basic_passwords_are_throttled_too(admin_web: Web) -> None:
    bad = base64.b64encode(b"operator:not-the-password-xx").decode()
    answers = [admin_web.client.get("/admin", headers={"Authorization": f"Basic {bad}"}).status_code
               for _ in range(MAX_FAILURES + 1)]  # fmt: skip
    assert answers[:MAX_FAILURES] == [401] * MAX_FAILURES
    assert answers[-1] == 429


def test_sign_out_revokes_the_session_on_the_server(admin_web: Web) -> None:
    client = admin_web.client
    assert client.post("/admin/login", data={"token": ADMIN_TOKEN}).status_code == 303
    cookie = client.cookies.get("cc_admin")
    assert cookie
    page = client.get("/admin")
    assert page.status_code == 200
    out = client.post(
        "/admin/logout", data={"csrf": _csrf(page.text)}, headers={"Origin": "http://testserver"}
    )
    assert out.status_code == 303
    # An attacker who copied the cookie before the sign-out replays it: refused.
    client.cookies.set("cc_admin", cookie)
    replay = client.get("/admin")
    assert replay.status_code in (303, 401)
    assert "Sign out" not in replay.text


def test_two_web_processes_on_one_store_share_the_lockout(tmp_path: Path) -> None:
    # Two apps, each with its own AdminConfig (its own guard), over one database: what two web processes
    # of one host look like. Wrong tries spread over both count together.
    path = tmp_path / "shared.sqlite3"
    clients = []
    for _ in range(2):
        integrations = Integrations(ConnectorHost().load(), SQLiteStore(path))
        admin = AdminConfig(token=ADMIN_TOKEN, username="operator", password="operator-password-123")
        app = create_app(integrations, base_url=BASE_URL, admin=admin, sink=RecordingSink())
        clients.append(TestClient(app, raise_server_exceptions=False, follow_redirects=False))
    try:
        for attempt in range(MAX_FAILURES):
            wrong = clients[attempt % 2].post("/admin/login", data={"token": "wrong-token-0123456789"})
            assert wrong.status_code == 401
        for client in clients:  # locked out on both, even with the right token, and told when to retry
            locked = client.post("/admin/login", data={"token": ADMIN_TOKEN})
            assert locked.status_code == 429
            assert "try again in" in locked.text and int(locked.headers["Retry-After"]) >= 1
    finally:
        for client in clients:
            client.close()
