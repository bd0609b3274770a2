"""A host migrating many sellers imports their connections at once: every entry is checked before anything is
written, a bad one is named in one line, the imported sellers are served like connected ones, and no token
reaches a message or a log."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from connector_core import Account, ConnectorHost, Integrations, InvalidInput, NewConnection, SQLiteStore
from connector_core.flows.webhook_routing import route_delivery
from connectors.tiktok_shop.devtools.emulator_form import emulator_form
from connectors.tiktok_shop.oauth import token_set
from tiktok_shop_emulator import EmulatorConfig, TikTokShopEmulator, webhook_signature

SELLERS = 12


@pytest.fixture
def emu() -> Iterator[TikTokShopEmulator]:
    with TikTokShopEmulator(
        EmulatorConfig(orders=20, seed=11, sellers=SELLERS + 1, orders_per_seller=3)
    ) as e:
        yield e


def _host(tmp_path: Path, emu: TikTokShopEmulator) -> tuple[Integrations, str]:
    integrations = Integrations(ConnectorHost().load(), SQLiteStore(tmp_path / "store.sqlite3"))
    return integrations, integrations.create_app("tiktok_shop", emulator_form(emu), name="Our app").id


def _entry(grant: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    """What a host migrating a seller holds: its tokens and shops, its customer id, its settings."""
    return {
        "name": grant["seller_name"],
        "settings": {"import_unpaid_orders": True},
        "tags": {"customer": f"cust-{grant['seller']}"},
        "tokens": token_set(grant),
        "shops": [
            Account(id=s["id"], name=s["name"], region=s["region"], selector=s["cipher"])
            for s in grant["shops"]
        ],
        **overrides,
    }


def test_imported_sellers_are_served_like_connected_ones(tmp_path: Path, emu: TikTokShopEmulator) -> None:
    integrations, app_id = _host(tmp_path, emu)
    grants = emu.mint_authorizations(first=1, count=SELLERS)

    ids = integrations.import_connections(app_id, [_entry(g) for g in grants], batch_size=5)

    assert len(ids) == SELLERS and [r.id for r in integrations.list()] == ids
    seller = integrations.find({"customer": f"cust-{grants[3]['seller']}"})
    assert [r.id for r in seller] == [ids[3]]
    assert seller[0].settings["import_unpaid_orders"] is True
    # The tokens work: the imported connection pulls its seller's orders from every shop.
    integration = integrations.open(ids[3])
    pulled = [o for page in integration.pull_orders() for o in page.orders]
    assert {o.account_id for o in pulled} <= {s["id"] for s in grants[3]["shops"]} and pulled
    # A webhook for one of its shops is routed to it through the shop index.
    shop = grants[3]["shops"][0]["id"]
    payload = {"type": 1, "tts_notification_id": "1", "shop_id": shop, "timestamp": int(emu.clock.unix())}
    body = json.dumps({**payload, "data": {"order_id": "1", "order_status": "AWAITING_SHIPMENT"}}).encode()
    signature = webhook_signature(emu.credentials["app_key"], emu.credentials["app_secret"], body)
    connector = integrations.host.get("tiktok_shop")
    routed = route_delivery(integrations, connector, {"authorization": signature}, body)
    assert routed.targets == [ids[3]], (routed.refusal, routed.message)
    due = integrations.store.due_shops(integrations.clock.now(), 100)
    assert {(d.integration_id, d.shop_id) for d in due} >= {(ids[3], s["id"]) for s in grants[3]["shops"]}


def test_a_bad_entry_is_named_in_one_line_and_nothing_is_written(
    tmp_path: Path, emu: TikTokShopEmulator
) -> None:
    integrations, app_id = _host(tmp_path, emu)
    grants = emu.mint_authorizations(first=1, count=SELLERS)
    entries = [_entry(g) for g in grants]
    entries[6] = _entry(grants[6], settings={"import_unpaid_orders": "sometimes"})

    with pytest.raises(InvalidInput) as refused:
        integrations.import_connections(app_id, entries, batch_size=2)

    message = str(refused.value)
    assert "\n" not in message
    assert f"connection 7 of the import ({grants[6]['seller_name']!r})" in message
    assert "settings.import_unpaid_orders" in message
    assert integrations.list() == []


def test_tokens_never_reach_a_refusal_or_a_log(
    tmp_path: Path, emu: TikTokShopEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    integrations, app_id = _host(tmp_path, emu)
    [grant] = emu.mint_authorizations(first=2, count=1)
    access, refresh = grant["access_token"], grant["refresh_token"]
    bad_tokens = {"access_token": access, "refresh_token": refresh, "access_expires_at": "not a date"}
    caplog.set_level(logging.DEBUG)

    with pytest.raises(InvalidInput) as refused:
        integrations.import_connections(app_id, [_entry(grant, tokens=bad_tokens)])
    assert "tokens.access_expires_at" in str(refused.value)
    [iid] = integrations.import_connections(app_id, [NewConnection(**_entry(grant))])

    for text in (
        str(refused.value),
        repr(refused.value),
        caplog.text,
        repr(integrations.store.get_integration(iid)),
    ):
        assert access not in text and refresh not in text
    assert isinstance(integrations.store, SQLiteStore)
    dump = integrations.store.sqlite.raw_dump()
    assert access.encode() not in dump and refresh.encode() not in dump


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"shops": [{"id": "s1"}, {"id": "s1"}]}, "shops: shop ids must be distinct"),
        ({"shops": [{"name": "no id"}]}, "shops.0.id: is missing"),
        ({"tags": {"customer": 7}}, "tags: tag 'customer'"),
        ({"colour": "blue"}, "colour: is not a field of an imported connection"),
    ],
)
def test_each_kind_of_bad_entry_is_named(
    tmp_path: Path, emu: TikTokShopEmulator, change: dict[str, Any], named: str
) -> None:
    integrations, app_id = _host(tmp_path, emu)
    [grant] = emu.mint_authorizations(first=1, count=1)

    with pytest.raises(InvalidInput, match="connection 2 of the import") as refused:
        integrations.import_connections(app_id, [_entry(grant), _entry(grant, **change)])

    assert named in str(refused.value)
    assert integrations.list() == []
