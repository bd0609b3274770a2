"""Admin sign-in is throttled per client address with a lockout that says when to retry, and signing out
ends the session on the server: the old cookie, replayed, is refused."""

from __future__ import annotations

import base64
import re

from web_support import ADMIN_TOKEN, Web

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
