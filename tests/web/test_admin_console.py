"""The admin console as an operations team uses it daily: find a connection among many, see its shops,
orders and runs in words, settle an uncertain change, manage connect links, delete, against the emulator."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

from web_support import ADMIN_TOKEN, Web

from connector_core.store import RunRecord
from connectors.tiktok_shop.devtools import emulator_form


def _login(web: Web) -> str:
    assert web.client.post("/admin/login", data={"token": ADMIN_TOKEN}).status_code == 303
    found = re.search(r'name="csrf-token" content="([^"]+)"', web.client.get("/admin").text)
    assert found
    return found.group(1)


def _rows(html: str) -> list[str]:
    return re.findall(r'<tr data-integration="([^"]+)"', html)


def test_the_list_is_searchable_filterable_and_paged(admin_web: Web) -> None:
    _login(admin_web)
    for n in range(60):
        admin_web.integrations.create("tiktok_shop", emulator_form(admin_web.emu), name=f"Store {n:02d}")
    admin_web.connect()
    first = admin_web.client.get("/admin").text
    assert len(_rows(first)) == 50 and "Showing 1 to 50 of 61" in first
    following = re.search(r'rel="next" href="([^"]+)"', first)
    assert following
    second = admin_web.client.get(following.group(1).replace("&amp;", "&")).text
    assert len(_rows(second)) == 11 and 'rel="prev"' in second and 'rel="next"' not in second

    assert len(_rows(admin_web.client.get("/admin?q=store+0").text)) == 10
    connected = admin_web.client.get("/admin?state=connected").text
    assert _rows(connected) == [admin_web.integration_id] and 'class="badge connected">Connected' in connected
    shop = admin_web.emu.shops[1]["name"]
    assert _rows(admin_web.client.get("/admin", params={"shop": shop}).text) == [admin_web.integration_id]
    nothing = admin_web.client.get("/admin?q=no-such-store").text
    assert "No connection matches these filters." in nothing


def test_an_empty_console_says_what_to_do(make_web: object, admin_web: Web) -> None:
    admin_web.integrations.remove(admin_web.integration_id)
    page = admin_web.client.get("/admin", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}).text
    assert "No connection yet." in page and "New TikTok Shop connection" in page


def test_a_connection_shows_its_shops_and_runs_in_words_with_the_request_id(admin_web: Web) -> None:
    _login(admin_web)
    admin_web.connect()
    moment = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
    error = (
        "ChannelError: TikTok Shop API returned 105001 (HTTP 401): Access token is expired "
        "[request_id 20260301ABCDEF]; see the channel's error code documentation"
    )
    admin_web.integrations.store.record_run(
        RunRecord(admin_web.integration_id, "7494049642642441001", "pull_orders", moment, moment, False,
                  {"error": error, "left_out": {"unpaid": 2}})
    )  # fmt: skip
    page = admin_web.client.get(f"/admin/integrations/{admin_web.integration_id}").text
    assert 'class="badge failing">Failing' in page  # the last call's truth, not the stored tokens
    for shop in admin_web.emu.shops:
        assert str(shop["id"]) in page
    assert "imports run here" in page and 'class="badge active">Active' in page
    assert "Order import" in page and "TikTok Shop said: Access token is expired." in page
    assert "20260301ABCDEF" in page and "105001" not in page and "ChannelError" not in page
    assert "2 left out: unpaid" in page


def test_orders_are_found_by_id_and_listed_without_moving_the_import(admin_web: Web) -> None:
    _login(admin_web)
    admin_web.connect()
    base = f"/admin/integrations/{admin_web.integration_id}"
    cursor = admin_web.integrations.open(admin_web.integration_id).status().order_cursor
    order_id = admin_web.emu.order_ids(shop_cipher=admin_web.emu.shops[0]["cipher"])[0]
    found = admin_web.client.get(base, params={"order_id": order_id}).text
    assert order_id in found and "Channel status" in found
    recent = admin_web.client.get(f"{base}?orders=recent").text
    assert len(re.findall(r'data-label="Order"', recent)) >= 1
    missing = admin_web.client.get(base, params={"order_id": "5999999999999999999"}).text
    assert "no such order" in missing  # the channel's answer, in the "why" column
    assert admin_web.integrations.open(admin_web.integration_id).status().order_cursor == cursor


def test_connect_links_are_listed_renewed_and_revoked(admin_web: Web) -> None:
    csrf = _login(admin_web)
    base = f"/admin/integrations/{admin_web.integration_id}"
    made = admin_web.client.post(f"{base}/links", data={"csrf": csrf, "days": "2"}).text
    url = re.search(r'id="link" readonly value="([^"]+)"', made)
    assert url
    token = url.group(1).rsplit("/", 1)[-1]
    [link] = admin_web.integrations.store.list_connect_links(admin_web.integration_id)
    page = admin_web.client.get(base).text
    assert token not in page and 'class="badge active">Active' in page
    revoked = admin_web.client.post(f"{base}/links/{link.link_id}/revoke", data={"csrf": csrf})
    assert revoked.status_code == 303
    assert 'class="badge expired">Expired' in admin_web.client.get(revoked.headers["location"]).text
    assert admin_web.client.get(f"/connect/{token}").status_code == 410
    assert admin_web.client.post(f"{base}/links/{link.link_id}/renew", data={"csrf": csrf}).status_code == 303
    assert admin_web.client.get(f"/connect/{token}").status_code == 302
    assert (
        admin_web.client.post(f"{base}/links/{link.link_id}/explode", data={"csrf": csrf}).status_code == 404
    )
    assert admin_web.client.post(f"{base}/links/{'0' * 64}/revoke", data={"csrf": csrf}).status_code == 404


def test_an_uncertain_change_is_settled_once_by_the_operator(admin_web: Web) -> None:
    csrf = _login(admin_web)
    store = admin_web.integrations.store
    store.begin_intent(admin_web.integration_id, "shop-1", "shipment", "5764/abc", {"line_ids": ["1"]})
    base = f"/admin/integrations/{admin_web.integration_id}"
    assert "Uncertain changes" in admin_web.client.get(base).text
    form = {"csrf": csrf, "kind": "shipment", "key": "5764/abc", "shop": "shop-1", "outcome": "done"}
    assert admin_web.client.post(f"{base}/intents/resolve", data=form).status_code == 303
    settled = store.get_intent(admin_web.integration_id, "shop-1", "shipment", "5764/abc")
    assert settled is not None and settled.status == "done" and settled.outcome == {
        "resolved_by": "operator", "at": settled.outcome["at"]}  # fmt: skip
    assert admin_web.client.post(f"{base}/intents/resolve", data=form).status_code == 409
    assert "Nothing uncertain." in admin_web.client.get(base).text


def test_check_connection_and_delete(admin_web: Web) -> None:
    csrf = _login(admin_web)
    admin_web.connect()
    base = f"/admin/integrations/{admin_web.integration_id}"
    checked = admin_web.client.post(f"{base}/check", data={"csrf": csrf})
    assert checked.status_code == 200 and "The connection works" in checked.text
    assert admin_web.client.post(f"{base}/delete", data={"csrf": csrf}).status_code == 422  # not confirmed
    gone = admin_web.client.post(f"{base}/delete", data={"csrf": csrf, "confirm": "yes"})
    assert gone.status_code == 303
    assert admin_web.client.get(base).status_code == 404


def test_tags_filter_the_list_and_a_shop_that_left_says_so(admin_web: Web) -> None:
    _login(admin_web)
    admin_web.connect()
    admin_web.integrations.set_tags(admin_web.integration_id, {"customer": "C-42", "plan": "pro"})
    admin_web.integrations.create(
        "tiktok_shop", emulator_form(admin_web.emu), name="Other", tags={"customer": "C-7"}
    )
    tagged = admin_web.client.get("/admin", params={"tag": "customer=C-42"}).text
    assert _rows(tagged) == [admin_web.integration_id] and "customer: C-42" in tagged
    assert len(_rows(admin_web.client.get("/admin", params={"q": "c-7"}).text)) == 1  # a tag value matches q
    assert "No connection matches" in admin_web.client.get("/admin", params={"tag": "customer=nobody"}).text

    left = str(admin_web.emu.shops[2]["id"])
    admin_web.integrations.store.set_shop_status(
        admin_web.integration_id, left, "left", "the seller removed it"
    )
    page = admin_web.client.get(f"/admin/integrations/{admin_web.integration_id}").text
    assert 'class="badge idle">Left' in page and "the seller removed it" in page


def test_pull_now_is_explained_not_offered_when_orders_have_nowhere_to_go(make_web: Any) -> None:
    from connector_core.web import AdminConfig, InProcessSink

    holder: list[InProcessSink] = []

    class Late:
        def __getattr__(self, name: str) -> Any:
            return getattr(holder[0], name)

    web = make_web(admin=AdminConfig(token=ADMIN_TOKEN), sink=Late())
    holder.append(InProcessSink(web.integrations))  # no order handler
    try:
        page = web.client.get(
            f"/admin/integrations/{web.integration_id}", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}
        )
        assert (
            '<button type="button" id="pull" disabled' in page.text and "serve --orders-to DIR" in page.text
        )
    finally:
        holder[0].close()


def test_a_shop_is_paused_and_resumed_but_a_shop_that_left_needs_connect(admin_web: Web) -> None:
    csrf = _login(admin_web)
    admin_web.connect()
    store = admin_web.integrations.store
    base = f"/admin/integrations/{admin_web.integration_id}"
    shop = str(admin_web.emu.shops[1]["id"])
    assert admin_web.client.post(f"{base}/shops/{shop}/pause", data={"csrf": csrf}).status_code == 303
    record = store.get_shop(admin_web.integration_id, shop)
    assert record is not None and not record.active and record.next_pull_at is None
    assert 'class="badge pending">Paused' in admin_web.client.get(base).text
    assert admin_web.client.post(f"{base}/shops/{shop}/resume", data={"csrf": csrf}).status_code == 303
    record = store.get_shop(admin_web.integration_id, shop)
    assert record is not None and record.active and record.next_pull_at is not None

    gone = str(admin_web.emu.shops[2]["id"])
    store.set_shop_status(admin_web.integration_id, gone, "left", "the seller removed it")
    assert admin_web.client.post(f"{base}/shops/{gone}/resume", data={"csrf": csrf}).status_code == 409
    assert admin_web.client.post(f"{base}/shops/nope/pause", data={"csrf": csrf}).status_code == 404


def test_a_connection_is_disabled_and_enabled_with_all_its_shops(admin_web: Web) -> None:
    csrf = _login(admin_web)
    admin_web.connect()
    base = f"/admin/integrations/{admin_web.integration_id}"
    assert admin_web.client.post(f"{base}/every-shop/pause", data={"csrf": csrf}).status_code == 303
    shops = admin_web.integrations.store.list_shops(admin_web.integration_id)
    assert shops and not any(s.active for s in shops)
    assert admin_web.integrations.store.due_shops(admin_web.clock.now(), 10) == []
    page = admin_web.client.get(base).text
    assert 'id="enable"' in page and 'id="disable"' not in page
    assert admin_web.client.post(f"{base}/every-shop/resume", data={"csrf": csrf}).status_code == 303
    assert all(s.active for s in admin_web.integrations.store.list_shops(admin_web.integration_id))


def test_a_check_after_the_channel_revoked_the_tokens_shows_the_truth_in_words(admin_web: Web) -> None:
    csrf = _login(admin_web)
    admin_web.connect()
    base = f"/admin/integrations/{admin_web.integration_id}"
    assert 'class="badge connected">Connected' in admin_web.client.get(base).text
    admin_web.emu.revoke_tokens()
    checked = admin_web.client.post(f"{base}/check", data={"csrf": csrf})
    assert "authorization ended or was withdrawn. Use Re-connect" in checked.text
    listing = admin_web.client.get("/admin").text
    assert 'class="badge needs_reauthorization">Needs re-authorization' in listing  # the last call's truth
    page = admin_web.client.get(base).text
    assert "Connection check" in page and "36004005" not in page and "channel-connectors connect" not in page
