"""GET /healthz: 200 with the loaded connectors when the store answers; 503 saying why when not."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from web_support import Web


def test_healthy_when_the_store_answers_and_connectors_are_loaded(web: Web) -> None:
    answer = web.client.get("/healthz")
    assert answer.status_code == 200
    body = answer.json()
    assert {k: body[k] for k in ("ok", "store", "failures")} == {"ok": True, "store": "ok", "failures": []}
    assert "tiktok_shop" in body["connectors"]  # with every other installed connector (ShopCart in the tests)


def test_503_when_the_store_cannot_be_reached(make_web: Any, tmp_path: Path) -> None:
    web = make_web()
    web.integrations.store.close()
    for database in tmp_path.glob("web-*.sqlite3*"):
        database.write_bytes(b"this is no longer a database " * 200)  # a damaged disk, a wrong mount
    answer = web.client.get("/healthz")
    assert answer.status_code == 503
    assert answer.json()["ok"] is False
    assert answer.json()["store"].startswith("unreachable")
    assert str(tmp_path) not in answer.text  # an unauthenticated answer names no path on the server


def test_503_when_no_connector_is_loaded(make_web: Any, monkeypatch: Any) -> None:
    web = make_web()
    web.integrations.host.connectors.clear()
    answer = web.client.get("/healthz")
    assert answer.status_code == 503
    assert answer.json()["connectors"] == []
