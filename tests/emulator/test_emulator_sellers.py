"""Many sellers and apps in one emulator: lazy sellers, bulk-minted authorizations, tenancy of tokens and
ciphers, per-app webhook signatures, and TikTok's rate-limit profiles (reference.md#rate-limits)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
import requests
from emulator_support import OpenApi, Receiver, make_config

from tiktok_shop_emulator import TikTokShopEmulator, webhook_signature

SHOPS = "/authorization/202309/shops"
ORDERS = "/order/202309/orders/search"


def _emulator(**overrides: object) -> Iterator[TikTokShopEmulator]:
    with TikTokShopEmulator(make_config(**overrides)) as running:
        yield running


@pytest.fixture
def many(session: requests.Session) -> Iterator[TikTokShopEmulator]:
    yield from _emulator(sellers=100_000, apps=2, orders_per_seller=12, seller_orders={7: 40})


def _as(
    emu: TikTokShopEmulator, session: requests.Session, grant: dict[str, object], app: int = 0
) -> OpenApi:
    api = OpenApi(emu, session)
    api._tokens = dict(grant)
    creds = emu.app_credentials(app)
    original = api.request

    def request(*args: object, **kwargs: object) -> requests.Response:
        kwargs.setdefault("app_key", creds["app_key"])
        kwargs.setdefault("secret", creds["app_secret"])
        return original(*args, **kwargs)  # type: ignore[arg-type]

    api.request = request  # type: ignore[method-assign]
    return api


def test_one_seller_by_default_keeps_its_three_shops(emu: TikTokShopEmulator) -> None:
    assert [shop["region"] for shop in emu.shops] == ["US", "GB", "DE"]
    with pytest.raises(KeyError):
        emu.seller(1)


def test_a_hundred_thousand_sellers_are_minted_in_bulk_without_being_built(
    many: TikTokShopEmulator, session: requests.Session
) -> None:
    began = time.perf_counter()
    grants = many.mint_authorizations(first=1, count=20_000)
    assert time.perf_counter() - began < 10  # cheap enough for a benchmark's setup (not a timing target)
    assert len({g["open_id"] for g in grants}) == 20_000
    assert all(1 <= len(g["shops"]) <= 3 for g in grants)
    ciphers = [shop["cipher"] for g in grants for shop in g["shops"]]
    assert len(set(ciphers)) == len(ciphers)
    assert all(len(c) == 42 and c[:4] in ("ROW_", "TTP_") for c in ciphers)
    last = many.mint_authorizations(first=99_999, count=1)[0]
    assert many.seller(99_999)["shops"] == last["shops"]
    with pytest.raises(KeyError):
        many.mint_authorizations(first=99_999, count=2)


def test_a_generated_seller_is_the_same_from_the_same_seed(many: TikTokShopEmulator) -> None:
    with TikTokShopEmulator(make_config(sellers=100_000)) as again:
        assert again.seller(4242) == many.seller(4242)


def test_a_minted_seller_sees_its_own_shops_and_orders_only(
    many: TikTokShopEmulator, session: requests.Session
) -> None:
    seven, eight = many.mint_authorizations(first=7, count=2)
    api = _as(many, session, seven)
    listed = api.ok("GET", SHOPS)["shops"]
    assert listed == seven["shops"]
    orders = [
        order
        for shop in listed
        for order in api.ok("POST", ORDERS, {"page_size": 100}, {}, shop=shop["cipher"])["orders"]
    ]
    assert len(orders) == 40  # seller_orders overrides orders_per_seller
    assert set(many.order_ids(seller=7)) == {o["id"] for o in orders}
    assert not set(many.order_ids(seller=8)) & {o["id"] for o in orders}  # IDs unique across sellers
    assert many.order(orders[0]["id"])["id"] == orders[0]["id"]
    status, code, _ = api.fails("POST", ORDERS, {"page_size": 10}, {}, shop=eight["shops"][0]["cipher"])
    assert (status, code) == (400, 36009004)  # another seller's cipher is not this token's
    first_sellers_shop = many.shops[0]["cipher"]
    assert api.fails("POST", ORDERS, {"page_size": 10}, {}, shop=first_sellers_shop)[1] == 36009004


def test_tokens_belong_to_the_app_that_was_authorized(
    many: TikTokShopEmulator, session: requests.Session
) -> None:
    grant = many.mint_authorizations(first=3, count=1, app=1)[0]
    assert _as(many, session, grant, app=1).ok("GET", SHOPS)["shops"] == grant["shops"]
    assert _as(many, session, grant, app=0).fails("GET", SHOPS)[1] == 36009004


def test_consent_names_the_app_by_service_id_and_the_seller(
    many: TikTokShopEmulator, session: requests.Session
) -> None:
    creds = many.app_credentials(1)
    page = session.get(
        many.consent_base_url + "/open/authorize",
        params={"service_id": creds["service_id"], "state": "s", "seller": "12"},
        allow_redirects=False,
    )
    assert page.status_code == 200 and 'name="seller" value="12"' in page.text
    answer = session.post(
        many.consent_base_url + "/open/authorize",
        data={"service_id": creds["service_id"], "state": "s", "seller": "12"},
        allow_redirects=False,
    )
    code = answer.headers["Location"].split("code=")[1].split("&")[0]
    got = session.get(
        many.auth_base_url + "/api/v2/token/get",
        params={
            **{k: creds[k] for k in ("app_key", "app_secret")},
            "auth_code": code,
            "grant_type": "authorized_code",
        },
    ).json()["data"]
    assert got["open_id"] == many.seller(12)["open_id"]


def test_webhooks_are_signed_with_the_subscribing_apps_secret(
    many: TikTokShopEmulator, session: requests.Session, receiver: Receiver
) -> None:
    grant = many.mint_authorizations(first=5, count=1, app=1)[0]
    shop = grant["shops"][0]
    api = _as(many, session, grant, app=1)
    api.ok(
        "PUT",
        "/event/202309/webhooks",
        body={"event_type": "ORDER_STATUS_CHANGE", "address": receiver.url},
        shop=shop["cipher"],
    )
    order = many.order_ids(seller=5, shop_cipher=shop["cipher"], status="AWAITING_SHIPMENT")
    many.set_order_status(order[0], "IN_TRANSIT")
    assert receiver.event.wait(5)
    headers, body = receiver.received[0]
    signature = headers["authorization"]
    creds = many.app_credentials(1)
    assert signature == webhook_signature(creds["app_key"], creds["app_secret"], body)


def test_the_tiktok_profile_limits_each_app_shop_and_path_per_second(session: requests.Session) -> None:
    for emu in _emulator(sellers=3, rate_limits="tiktok", shop_rps=5, start_time=1_800_000_000):
        a, b = emu.mint_authorizations(first=1, count=2)
        api_a, api_b = _as(emu, session, a), _as(emu, session, b)
        emu.clock.set(1_800_000_000.0)  # the start of a second: the whole burst falls in one window
        shop_a = a["shops"][0]["cipher"]
        answers = [api_a.request("POST", ORDERS, {"page_size": 1}, {}, shop=shop_a) for _ in range(6)]
        assert [r.status_code for r in answers] == [200] * 5 + [429]
        assert answers[-1].json()["code"] == 36009002
        assert api_a.request("GET", SHOPS).status_code == 200  # another path has its own budget
        assert (
            api_b.request("POST", ORDERS, {"page_size": 1}, {}, shop=b["shops"][0]["cipher"]).status_code
            == 200
        )
        emu.clock.advance(1)
        assert api_a.request("POST", ORDERS, {"page_size": 1}, {}, shop=shop_a).status_code == 200
        assert emu.refused_by_limits == 1


def test_the_sandbox_profile_allows_so_many_calls_per_shop_an_hour(session: requests.Session) -> None:
    for emu in _emulator(
        sellers=2, rate_limits="sandbox", sandbox_calls_per_hour=4, start_time=1_800_000_000
    ):
        grant = emu.mint_authorizations(first=1, count=1)[0]
        api = _as(emu, session, grant)
        emu.clock.set(1_800_000_000.0 - 1_800_000_000 % 3600)
        shop = grant["shops"][0]["cipher"]
        codes = [api.request("POST", ORDERS, {"page_size": 1}, {}, shop=shop) for _ in range(5)]
        assert [r.status_code for r in codes] == [200] * 4 + [429]
        assert codes[-1].json()["code"] == 36009037
        assert codes[-1].headers["Retry-After"] == "3600"
        emu.clock.advance(3600)
        assert api.request("POST", ORDERS, {"page_size": 1}, {}, shop=shop).status_code == 200


def test_an_app_wide_ceiling_counts_every_shop_together(session: requests.Session) -> None:
    for emu in _emulator(sellers=4, app_rps=3, start_time=1_800_000_000):
        grants = emu.mint_authorizations(first=1, count=3)
        emu.clock.set(1_800_000_000.0)
        answers = [
            _as(emu, session, g).request("POST", ORDERS, {"page_size": 1}, {}, shop=g["shops"][0]["cipher"])
            for g in grants + grants[:1]
        ]
        assert [r.status_code for r in answers] == [200, 200, 200, 429]


def test_a_label_of_any_seller_serves_its_document(session: requests.Session) -> None:
    # The document URL is served by the emulator's one API host: it must find the package's own seller
    # (it looked only in the first seller's orders, so a second seller's label never downloaded).
    for emu in _emulator(sellers=3, seller_orders={2: 300}):
        grant = emu.mint_authorizations(first=2, count=1)[0]
        api = _as(emu, session, grant)
        cipher, order_id = next(
            (shop["cipher"], found[0])
            for shop in grant["shops"]
            if shop["region"] == "US"
            and (
                found := emu.order_ids(
                    status="AWAITING_SHIPMENT", shop_cipher=shop["cipher"], shipping_type="TIKTOK", seller=2
                )
            )
        )
        lines = [line["id"] for line in emu.order(order_id)["line_items"]]
        body = {"order_id": order_id, "order_line_item_ids": lines}
        package = api.ok("POST", "/fulfillment/202309/packages", body=body, shop=cipher)["package_id"]
        path = f"/fulfillment/202309/packages/{package}/shipping_documents"
        doc = api.ok("GET", path, {"document_type": "SHIPPING_LABEL"}, shop=cipher)
        pdf = session.get(doc["doc_url"])
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
