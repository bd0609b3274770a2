"""/api/v1: what a host's own front end does with connections, from the forms to queued work, against the
emulator; every answer checked against the OpenAPI document the app serves, and no secret in any answer."""

from __future__ import annotations

import re
from typing import Any

import jsonschema
import pytest
from starlette.routing import Route
from web_support import ADMIN_TOKEN, Web

from connector_core.web import InProcessSink, JsonLinesOrders
from connectors.tiktok_shop.devtools import emulator_form

BEARER = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
API = "/api/v1"


def _document(web: Web) -> dict[str, Any]:
    answer = web.client.get(f"{API}/openapi.json")
    assert answer.status_code == 200
    return dict(answer.json())


def _conforms(web: Web, method: str, path: str, status: int, body: Any) -> None:
    """The answer matches the schema the served document gives for this operation and status."""
    document = _document(web)
    path = path.split("?")[0]
    [template] = [t for t in document["paths"] if re.fullmatch(re.sub(r"\{[^/]+\}", "[^/]+", t), path)]
    operation = document["paths"][template][method.lower()]
    content = operation["responses"][str(status)].get("content")
    if content is None:
        return
    schema = {**content["application/json"]["schema"], "components": document["components"]}
    jsonschema.Draft202012Validator(schema).validate(body)


def _call(web: Web, method: str, template: str, status: int, **kwargs: Any) -> Any:
    path = template.format(**{"id": web.integration_id, **kwargs.pop("params", {})})
    answer = web.client.request(method, API + path, headers={**BEARER, **kwargs.pop("headers", {})}, **kwargs)
    assert answer.status_code == status, answer.text
    body = answer.json() if answer.content else None
    _conforms(web, method, API + path, status, body)
    assert web.emu.credentials["app_secret"] not in answer.text
    return body


def test_the_served_document_is_valid_openapi_and_describes_every_route_and_nothing_else(
    admin_web: Web,
) -> None:
    from openapi_spec_validator import validate

    document = _document(admin_web)
    validate(document)
    described = {(path, method.upper()) for path, ops in document["paths"].items() for method in ops}
    served = {
        (route.path, method)
        for route in admin_web.client.app.routes  # type: ignore[attr-defined]
        if isinstance(route, Route) and route.path.startswith(API) and not route.path.endswith("openapi.json")
        for method in (route.methods or set()) - {"HEAD"}
    }
    assert served == described


def test_the_checked_in_description_is_the_served_one() -> None:
    import json
    from pathlib import Path

    from connector_core.web.api import openapi_document

    checked_in = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"
    assert json.loads(checked_in.read_text()) == openapi_document(), (
        "docs/openapi.json is out of date: python -m connector_core.web.api > docs/openapi.json"
    )


def test_the_api_is_closed_without_the_admin_credentials(admin_web: Web, web: Web) -> None:
    refused = admin_web.client.get(f"{API}/connections")
    assert refused.status_code == 401
    assert refused.json()["code"] == "unauthorized" and "Bearer" in refused.headers["www-authenticate"]
    wrong = admin_web.client.get(
        f"{API}/connections", headers={"Authorization": "Bearer not-the-token-at-all"}
    )
    assert wrong.status_code == 401
    assert web.client.get(f"{API}/connections", headers=BEARER).status_code == 404  # no admin: no API


def test_a_browser_session_needs_its_csrf_token_for_changes(admin_web: Web) -> None:
    assert admin_web.client.post("/admin/login", data={"token": ADMIN_TOKEN}).status_code == 303
    assert admin_web.client.get(f"{API}/connections").status_code == 200  # the cookie reads
    url = f"{API}/connections/{admin_web.integration_id}/pulls"
    assert admin_web.client.post(url).json()["code"] == "csrf"
    page = admin_web.client.get("/admin").text
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', page)
    assert csrf
    other_site = admin_web.client.post(
        url, headers={"X-CSRF-Token": csrf.group(1), "Origin": "https://evil.example"}
    )
    assert other_site.status_code == 403
    assert admin_web.client.post(url, headers={"X-CSRF-Token": csrf.group(1)}).status_code == 202
    assert admin_web.sink.pulls == [admin_web.integration_id]


def test_forms_then_create_then_edit_keeps_the_secret_and_never_returns_it(admin_web: Web) -> None:
    # Every installed connector is listed (the test install adds ShopCart): TikTok is among them.
    listed = {c["id"]: c for c in _call(admin_web, "GET", "/connectors", 200)["items"]}
    assert "connect" in listed["tiktok_shop"]["capabilities"]
    forms = _call(admin_web, "GET", "/connectors/{c}/forms", 200, params={"c": "tiktok_shop"})
    assert (
        "app_secret" in forms["credentials"]["schema"]["required"] and forms["credentials"]["formData"] == {}
    )

    missing = _call(
        admin_web, "POST", "/connections", 422, json={"connector": "tiktok_shop", "credentials": {}}
    )
    assert {"app_key", "app_secret"} <= {
        e["name"] for e in missing["errors"] if e["section"] == "credentials"
    }
    created = _call(admin_web, "POST", "/connections", 201,
                    json={"connector": "tiktok_shop", "name": "Acme", "credentials": emulator_form(admin_web.emu)})  # fmt: skip
    assert created["name"] == "Acme" and created["state"] == "not_connected"
    assert created["credentials_set"]["app_secret"] is True

    edit = _call(admin_web, "GET", "/connections/{id}/forms", 200, params={"id": created["id"]})
    assert "app_secret" not in edit["credentials"]["formData"]
    assert "app_secret" not in edit["credentials"]["schema"]["required"]
    values = {**edit["credentials"]["formData"], "app_secret": ""}  # blank: keep it
    saved = _call(admin_web, "PATCH", "/connections/{id}", 200, params={"id": created["id"]},
                  json={"name": "Acme EU", "credentials": values, "settings": {"stock_sync": False}})  # fmt: skip
    assert saved["name"] == "Acme EU" and saved["settings"]["stock_sync"] is False
    record = admin_web.integrations.store.get_integration(created["id"])
    assert record.credentials.secret("app_secret") == admin_web.emu.credentials["app_secret"]
    bad = _call(admin_web, "PATCH", "/connections/{id}", 422, params={"id": created["id"]},
                json={"settings": {"orders_since": "yesterday"}})  # fmt: skip
    assert [(e["section"], e["name"]) for e in bad["errors"]] == [("settings", "orders_since")]
    assert _call(admin_web, "PATCH", "/connections/{id}", 400, params={"id": created["id"]}, content=b"[1]")

    _call(admin_web, "DELETE", "/connections/{id}", 204, params={"id": created["id"]})
    assert (
        _call(admin_web, "GET", "/connections/{id}", 404, params={"id": created["id"]})["code"] == "not_found"
    )


def test_connect_then_status_shows_the_shops_and_the_check_proves_it(admin_web: Web) -> None:
    started = _call(admin_web, "POST", "/connections/{id}/connect", 200)
    assert started["consent_url"].startswith(admin_web.emu.consent_base_url)
    admin_web.connect()
    shown = _call(admin_web, "GET", "/connections/{id}", 200)
    assert shown["state"] == "connected"
    assert {s["id"] for s in shown["shops"]} == set(admin_web.shop_ids())
    assert [s["selected"] for s in shown["shops"]].count(True) == 1
    assert _call(admin_web, "POST", "/connections/{id}/check", 200)["ok"] is True


def test_connect_links_are_created_once_listed_renewed_and_revoked(admin_web: Web) -> None:
    made = _call(admin_web, "POST", "/connections/{id}/links", 201, json={"days": 7, "purpose": "renew"})
    token = made["url"].rsplit("/", 1)[-1]
    assert made["link"]["purpose"] == "renew" and made["link"]["hint"] == f"…{token[-4:]}"
    [listed] = _call(admin_web, "GET", "/connections/{id}/links", 200)["items"]
    assert listed == made["link"] and token not in str(listed)

    revoked = _call(
        admin_web, "POST", "/connections/{id}/links/{link}/revoke", 200, params={"link": listed["id"]}
    )
    assert revoked["expired"] is True
    assert admin_web.client.get(f"/connect/{token}").status_code == 410
    renewed = _call(admin_web, "POST", "/connections/{id}/links/{link}/renew", 200,
                    params={"link": listed["id"]}, json={"days": 3})  # fmt: skip
    assert renewed["expired"] is False
    assert admin_web.client.get(f"/connect/{token}").status_code == 302
    _call(admin_web, "POST", "/connections/{id}/links/{link}/revoke", 404, params={"link": "0" * 64})
    _call(admin_web, "POST", "/connections/{id}/links", 422, json={"days": 0})


def test_the_connections_list_filters_and_pages(admin_web: Web) -> None:
    for n in range(11):
        admin_web.integrations.create("tiktok_shop", emulator_form(admin_web.emu), name=f"Shop {n:02d}")
    admin_web.connect()
    first = _call(admin_web, "GET", "/connections?limit=5", 200)
    assert (first["total"], len(first["items"]), first["next_offset"]) == (12, 5, 5)
    last = _call(admin_web, "GET", "/connections?limit=5&offset=10", 200)
    assert (len(last["items"]), last["next_offset"]) == (2, None)
    assert _call(admin_web, "GET", "/connections?q=shop%200", 200)["total"] == 10
    [connected] = _call(admin_web, "GET", "/connections?state=connected", 200)["items"]
    assert connected["id"] == admin_web.integration_id
    shop = admin_web.emu.shops[0]["name"]
    assert _call(admin_web, "GET", f"/connections?shop={shop}", 200)["total"] == 1
    assert _call(admin_web, "GET", "/connections?state=sleepy", 422)["errors"][0]["field"] == "state"
    assert _call(admin_web, "GET", "/connections?limit=0", 422)["code"] == "invalid_input"


def test_a_pull_is_queued_and_refusals_say_why(admin_web: Web) -> None:
    assert (
        _call(admin_web, "POST", "/connections/{id}/pulls", 202)["task"] == "channel_connectors.pull_orders"
    )
    assert admin_web.sink.pulls == [admin_web.integration_id]
    _call(admin_web, "POST", "/connections/{id}/pulls", 404, params={"id": "nope"})
    no_workers = _call(
        admin_web,
        "POST",
        "/connections/{id}/stock-pushes",
        501,
        json={"levels": [{"sku": "A", "quantity": 1}]},
    )
    assert "worker" in no_workers["message"]


@pytest.fixture
def working_web(make_web: Any, tmp_path: Any) -> Any:
    from connector_core.web import AdminConfig

    holder: dict[str, InProcessSink] = {}

    class Late:
        """The in-process sink, built once the integrations exist."""

        def __getattr__(self, name: str) -> Any:
            return getattr(holder["sink"], name)

    web = make_web(admin=AdminConfig(token=ADMIN_TOKEN), sink=Late())
    holder["sink"] = InProcessSink(web.integrations, JsonLinesOrders(tmp_path / "orders"))
    yield web
    holder["sink"].close()


def test_stock_pushes_and_shipments_reach_the_channel_through_the_sink(working_web: Web) -> None:
    working_web.connect()
    shop = working_web.emu.shops[0]
    product_sku = working_web.emu.products(shop["cipher"])[0]["skus"][0]
    sku = product_sku["seller_sku"]
    main = shop["warehouse_ids"][0]
    _call(
        working_web,
        "PATCH",
        "/connections/{id}",
        200,
        json={"settings": {"stock_sync": True, "warehouse_map": {"MAIN": main}}},
    )
    level = {"sku": sku, "quantity": 7, "warehouse": "MAIN"}
    queued = _call(working_web, "POST", "/connections/{id}/stock-pushes", 202, json={"levels": [level]})
    assert (queued["task"], queued["kind"]) == ("channel_connectors.run_work", "push_stock")
    bad = _call(
        working_web,
        "POST",
        "/connections/{id}/stock-pushes",
        422,
        json={"levels": [{"sku": "", "quantity": "x"}]},
    )
    assert {e["field"] for e in bad["errors"]} == {"levels.0.sku", "levels.0.quantity"}
    missing = _call(
        working_web, "POST", "/connections/{id}/shipments", 422, json={"shipment": {"order_id": "1"}}
    )
    assert missing["errors"][0]["field"] == "shipment.parcels"
    assert working_web.sink.join(timeout=30)
    followed = working_web.client.get(queued["status_url"], headers=BEARER)
    assert followed.status_code == 200 and followed.json()["status"] == "done", followed.text
    _conforms(working_web, "GET", queued["status_url"], 200, followed.json())
    _call(working_web, "GET", "/connections/{id}/requests/push_stock/nope", 404)
    account = working_web.integrations.open(working_web.integration_id).account_id
    levels = working_web.integrations.store.stock_levels(working_web.integration_id, account)
    assert [(r.sku, r.quantity) for r in levels.values()] == [(sku, 7)]
    assert working_web.emu.inventory(product_sku["id"])[main] == 7


def test_tags_are_kept_and_searched(admin_web: Web) -> None:
    made = _call(admin_web, "POST", "/connections", 201, json={
        "connector": "tiktok_shop", "credentials": emulator_form(admin_web.emu), "tags": {"customer": "C-42"}})  # fmt: skip
    assert made["tags"] == {"customer": "C-42"}
    [found] = _call(admin_web, "GET", "/connections?tag=customer=C-42", 200)["items"]
    assert found["id"] == made["id"]
    edited = _call(
        admin_web,
        "PATCH",
        "/connections/{id}",
        200,
        params={"id": made["id"]},
        json={"tags": {"plan": "pro"}},
    )
    assert edited["tags"] == {"plan": "pro"}
    assert _call(admin_web, "GET", "/connections?tag=customer=C-42", 200)["total"] == 0
    assert _call(
        admin_web, "PATCH", "/connections/{id}", 422, params={"id": made["id"]}, json={"tags": {"x": 1}}
    )
    assert _call(admin_web, "GET", "/connections?tag=nonsense", 422)["errors"][0]["field"] == "tag"


def test_orders_are_read_without_moving_the_import_and_an_uncertain_change_is_settled_once(
    admin_web: Web,
) -> None:
    admin_web.connect()
    order_id = admin_web.emu.order_ids(shop_cipher=admin_web.emu.shops[0]["cipher"])[0]
    [found] = _call(admin_web, "GET", f"/connections/{{id}}/orders?order_id={order_id}", 200)["items"]
    assert found["id"] == order_id and found["imported"] and found["channel_status"]
    recent = _call(admin_web, "GET", "/connections/{id}/orders?days=30", 200)
    assert recent["items"] and recent["days"] == 30
    assert admin_web.integrations.open(admin_web.integration_id).status().order_cursor is None

    store = admin_web.integrations.store
    store.begin_intent(admin_web.integration_id, "shop-1", "shipment", "5764/abc", {"line_ids": ["1"]})
    [pending] = _call(admin_web, "GET", "/connections/{id}/intents", 200)["items"]
    body = {
        "kind": pending["kind"],
        "key": pending["key"],
        "shop_id": pending["shop_id"],
        "outcome": "refused",
    }
    settled = _call(admin_web, "POST", "/connections/{id}/intents/resolve", 200, json=body)
    assert settled["status"] == "refused"
    assert (
        _call(admin_web, "POST", "/connections/{id}/intents/resolve", 409, json=body)["code"]
        == "not_uncertain"
    )
    _call(admin_web, "POST", "/connections/{id}/intents/resolve", 422, json={**body, "outcome": "maybe"})


def test_a_shop_is_paused_and_resumed_through_the_api(admin_web: Web) -> None:
    admin_web.connect()
    shop = str(admin_web.emu.shops[0]["id"])
    paused = _call(admin_web, "POST", "/connections/{id}/shops/{shop}/pause", 200, params={"shop": shop})
    assert paused["status"] == "paused"
    shown = _call(admin_web, "GET", "/connections/{id}", 200)
    assert [s["status"] for s in shown["shops"] if s["id"] == shop] == ["paused"]
    assert (
        _call(admin_web, "POST", "/connections/{id}/shops/{shop}/resume", 200, params={"shop": shop})[
            "status"
        ]
        == "active"
    )
    _call(admin_web, "POST", "/connections/{id}/shops/{shop}/pause", 404, params={"shop": "nope"})


def test_pull_intervals_are_set_per_connection_and_per_shop_and_bad_ones_refused(admin_web: Web) -> None:
    admin_web.connect()
    shops = [str(s["id"]) for s in admin_web.emu.shops]
    put = "/connections/{id}/pull-interval"
    assert _call(admin_web, "PUT", put, 200, json={"seconds": 900}) == {"shop": None, "seconds": 900}
    answered = _call(admin_web, "PUT", "/connections/{id}/shops/{shop}/pull-interval", 200,
                     params={"shop": shops[0]}, json={"seconds": 3600})  # fmt: skip
    assert answered == {"shop": shops[0], "seconds": 3600}
    shown = {s["id"]: s["pull_interval"] for s in _call(admin_web, "GET", "/connections/{id}", 200)["shops"]}
    assert shown == {shops[0]: 3600, **{s: 900 for s in shops[1:]}}
    for bad in (0, -5, "5m", 10**9):
        refused = _call(admin_web, "PUT", put, 422, json={"seconds": bad})
        assert refused["errors"][0]["field"] == "seconds" and "pull_interval" in refused["message"]
    _call(admin_web, "PUT", "/connections/{id}/shops/nope/pull-interval", 404, json={"seconds": 600})
    assert _call(admin_web, "PUT", put, 200, json={"seconds": None})["seconds"] is None
    assert admin_web.integrations.store.pull_intervals(admin_web.integration_id) == {shops[0]: 3600}
