"""The fault matrix: every state-changing flow x every fault point, against the emulator.

Flows: shipment confirmations (whole order, a partial parcel, two parcels at once, the rest of a partly
shipped order) on a mark-shipped market (GB, US) and a ship-package market (DE); the stock push; the
order import. Fault points: refused before sending; applied, then the answer lost; SIGKILL between the
call and the ledger write (a child host kills itself right there); a concurrent twin; a duplicate
webhook. After the retry that follows each fault: TikTok's state equals the ledger's, each parcel
shipped once, each SKU's level on TikTok equals the ledger, every order delivered, none twice in a run.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from matrix_support import (
    SHIP_PATHS,
    calls_to,
    quick_http,
    run_child,
    shipment_shapes,
    shipment_violations,
    shippable_orders,
    shipped_packages,
)
from reliability_support import connect, reopen, shop_cipher

from connector_core import ChannelUnavailable, Integration, LeaseBusy, Shipment, ShipmentReport, StockLevel
from connectors.tiktok_shop.webhooks import signature
from tiktok_shop_emulator import EmulatorConfig, TikTokShopEmulator

MARKETS = ["GB", "US", "DE"]
SHAPES = ["whole", "partial", "multi", "rest"]
FAULTS = ["refused", "lost", "kill", "twin", "webhook"]
MARK_SHIPPED_MARKETS = {"GB", "US"}
FINE = {"confirmed", "already_confirmed"}


def outcomes(report: ShipmentReport) -> list[str]:
    return [p.outcome for p in report.parcels]


def order_webhook(
    emu: TikTokShopEmulator, integration: Integration, order_id: str
) -> tuple[dict[str, str], bytes]:
    body = json.dumps(
        {
            "type": 1,
            "tts_notification_id": f"n-{order_id}",
            "shop_id": integration.account_id,
            "timestamp": int(integration.clock.now().timestamp()),
            "data": {"order_id": order_id, "order_status": "AWAITING_COLLECTION"},
        }
    ).encode()
    creds = emu.credentials
    return {"Authorization": signature(creds["app_key"], creds["app_secret"], body)}, body


def with_carrier(shipment: Shipment, carrier: str) -> Shipment:
    return shipment.model_copy(
        update={"parcels": [p.model_copy(update={"carrier": carrier}) for p in shipment.parcels]}
    )


def hit_with(
    fault: str, emu: TikTokShopEmulator, integration: Integration, store: Path, shipment: Shipment
) -> list[ShipmentReport]:
    """Run the confirmation through the fault, then the retry a host makes; returns every report seen."""
    reports: list[ShipmentReport] = []
    if fault == "refused":
        refused = integration.confirm_shipment(with_carrier(shipment, "No Such Carrier"))
        assert set(outcomes(refused)) == {"rejected"}, refused
        assert calls_to(emu, SHIP_PATHS) == 0, "a refused parcel reached TikTok"
    elif fault == "lost":
        emu.faults.lose_answer(SHIP_PATHS)
        try:
            integration.confirm_shipment(shipment)
        except ChannelUnavailable:
            pass  # TikTok applied it; the host never heard
        else:
            assert calls_to(emu, SHIP_PATHS) == 0, "a parcel reached TikTok and its answer was not lost"
        assert emu.faults.describe()["lose_answer"] == [] or calls_to(emu, SHIP_PATHS) == 0
    elif fault == "kill":
        child = run_child(
            store, integration.id, {"confirm": shipment.model_dump(mode="json")}, "finish_intent"
        )
        assert child.returncode == -9, child.stderr[-2000:]
    elif fault == "twin":
        emu.faults.latency(0.3, SHIP_PATHS)  # the first twin is mid-call when the second arrives
        twins = [reopen(store, integration.id) for _ in range(2)]
        answers: list[Any] = [None, None]

        def run(index: int) -> None:
            try:
                answers[index] = twins[index].confirm_shipment(shipment)
            except Exception as exc:  # reported below with the other twin's answer
                answers[index] = exc

        threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        emu.faults.clear()
        assert all(isinstance(a, ShipmentReport) for a in answers), answers
        reports.extend(answers)
    elif fault == "webhook":
        reports.append(integration.confirm_shipment(shipment))
        headers, body = order_webhook(emu, integration, shipment.order_id)
        assert len(integration.receive_webhook(headers, body)) == 1
        assert integration.receive_webhook(headers, body) == [], "a duplicate delivery was applied twice"
    emu.faults.clear()
    reports.append(integration.confirm_shipment(shipment))  # the host's retry (or repeat)
    return reports


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("market", MARKETS)
def test_a_confirmation_through_each_fault_ships_each_parcel_once(
    tmp_path: Path, market: str, shape: str, fault: str
) -> None:
    with TikTokShopEmulator(EmulatorConfig(orders=900, seed=31)) as emu:
        store = tmp_path / "store.sqlite3"
        integration = connect(emu, store, market, http_clients=quick_http())
        order = emu.order(shippable_orders(emu, market, units_of_one_sku=2)[0])
        before, shipment = shipment_shapes(order, f"{market}{shape[:2].upper()}{fault[:2].upper()}", market)[
            shape
        ]
        for earlier in before:
            integration.confirm_shipment(earlier)
        emu.stats.reset()

        reports = hit_with(fault, emu, integration, store, shipment)

        assert shipment_violations(emu, integration, order["id"]) == []
        intents = integration.store.list_intents(
            integration.id, account_id=integration.account_id, kind="shipment"
        )
        done_now = [
            i
            for i in intents
            if i.status == "done"
            and i.payload["tracking_number"] in {p.tracking_number for p in shipment.parcels}
        ]
        assert calls_to(emu, SHIP_PATHS) == len(done_now), "a parcel was shipped more (or less) than once"
        if market in MARK_SHIPPED_MARKETS:
            assert all(set(outcomes(r)) <= FINE for r in reports), reports
            assert len(done_now) == len({p.tracking_number for p in shipment.parcels})
            assert shipped_packages(emu, order["id"]) == len([i for i in intents if i.status == "done"])
        calls = emu.stats.calls()
        again = integration.confirm_shipment(shipment)
        assert emu.stats.calls() - calls == 0 or set(outcomes(again)) == {"rejected"}, (
            "a settled parcel made a call"
        )


# --- stock ------------------------------------------------------------------------------------------------


def shop_skus(emu: TikTokShopEmulator, integration: Integration, count: int) -> dict[str, str]:
    """Seller SKU -> TikTok SKU id of active products in the served shop."""
    cipher = next(
        a.selector for a in integration.store.list_accounts(integration.id) if a.id == integration.account_id
    )
    skus = {
        s["seller_sku"]: s["id"] for p in emu.products(cipher) if p["status"] == "ACTIVATE" for s in p["skus"]
    }
    return dict(sorted(skus.items())[:count])


def tiktok_level(emu: TikTokShopEmulator, sku_id: str) -> int:
    return sum(emu.inventory(sku_id).values())


def stock_violations(emu: TikTokShopEmulator, integration: Integration, skus: dict[str, str]) -> list[str]:
    ledger = integration.store.stock_levels(integration.id, integration.account_id)
    problems = []
    for seller_sku, sku_id in skus.items():
        row = ledger.get((seller_sku, None))
        if row is None or row.pending is not None:
            problems.append(f"{seller_sku}: ledger row {row} is missing or uncertain after the next push")
        elif row.quantity != tiktok_level(emu, sku_id):
            problems.append(f"{seller_sku}: ledger {row.quantity}, TikTok {tiktok_level(emu, sku_id)}")
    return problems


def levels(skus: dict[str, str], base: int) -> list[dict[str, Any]]:
    return [{"sku": sku, "quantity": base + n} for n, sku in enumerate(skus)]


@pytest.mark.parametrize("fault", FAULTS)
def test_a_stock_push_through_each_fault_leaves_tiktok_equal_to_the_ledger(
    tmp_path: Path, fault: str
) -> None:
    with TikTokShopEmulator(EmulatorConfig(orders=50, seed=5)) as emu:
        store = tmp_path / "store.sqlite3"
        integration = connect(emu, store, "GB", http_clients=quick_http(), stock_sync=True)
        skus = shop_skus(emu, integration, 4)
        old, new = levels(skus, 10), levels(skus, 50)
        as_levels = lambda raw: [StockLevel.model_validate(level) for level in raw]  # noqa: E731
        integration.push_stock(as_levels(old))
        assert stock_violations(emu, integration, skus) == []

        if fault == "refused":
            report = integration.push_stock(
                as_levels(
                    [
                        *new,
                        {"sku": "NO-SUCH-SKU", "quantity": 1},
                        {"sku": next(iter(skus)), "quantity": 10**20},
                    ]
                )
            )
            by_sku = {r.sku: r for r in report.results}
            assert by_sku["NO-SUCH-SKU"].outcome == "unknown_sku"
            # The last level listed for a SKU wins: the impossible one is refused by name, nothing is sent for it.
            first = next(iter(skus))
            assert by_sku[first].outcome == "invalid" and first in (by_sku[first].message or "")
        elif fault == "lost":
            emu.faults.lose_answer(r"/inventory/update$", times=100)  # every retry loses its answer too
            report = integration.push_stock(as_levels(new))
            assert {r.code for r in report.results} == {"uncertain"}, report
            assert all(tiktok_level(emu, sku_id) >= 50 for sku_id in skus.values()), "TikTok did not apply it"
        elif fault == "kill":
            child = run_child(store, integration.id, {"push": new}, "finish_stock_push")
            assert child.returncode == -9, child.stderr[-2000:]
            assert all(tiktok_level(emu, sku_id) >= 50 for sku_id in skus.values()), "TikTok did not apply it"
        elif fault == "twin":
            emu.faults.latency(0.3, r"/inventory/update$")
            twins = [reopen(store, integration.id) for _ in range(2)]
            threads = [
                threading.Thread(target=twin.push_stock, args=(as_levels(values),))
                for twin, values in zip(twins, [new, levels(skus, 70)], strict=True)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(60)
            emu.faults.clear()
            assert stock_violations(emu, integration, skus) == []  # whichever came last, both agree
        elif fault == "webhook":
            integration.push_stock(as_levels(new))
            headers, body = order_webhook(emu, integration, "576461413038000001")
            assert len(integration.receive_webhook(headers, body)) == 1
            assert integration.receive_webhook(headers, body) == []
        emu.faults.clear()

        # The host pushes its levels again; after the lost answer and the kill they are the OLD levels: they
        # must be sent (the ledger does not know what TikTok holds), not skipped as unchanged.
        again = integration.push_stock(as_levels(old if fault in ("lost", "kill") else new))
        assert stock_violations(emu, integration, skus) == []
        if fault in ("lost", "kill"):
            assert {r.outcome for r in again.results} == {"updated"}, again


@pytest.mark.parametrize("fault", ["lost", "kill", "twin"])
def test_after_each_fault_an_older_level_is_stale_and_tiktok_ends_at_the_newest(
    tmp_path: Path, fault: str
) -> None:
    """Levels carry `as_of`: whatever happened to the newer push, an older level arriving late is not sent."""
    with TikTokShopEmulator(EmulatorConfig(orders=50, seed=5)) as emu:
        store = tmp_path / "store.sqlite3"
        integration = connect(emu, store, "GB", http_clients=quick_http(), stock_sync=True)
        skus = shop_skus(emu, integration, 3)
        stamped = lambda base, as_of: [{**lv, "as_of": as_of} for lv in levels(skus, base)]  # noqa: E731
        as_levels = lambda raw: [StockLevel.model_validate(level) for level in raw]  # noqa: E731
        integration.push_stock(as_levels(stamped(10, 1)))
        if fault == "lost":
            emu.faults.lose_answer(r"/inventory/update$", times=100)
            integration.push_stock(as_levels(stamped(50, 2)))
        elif fault == "kill":
            child = run_child(store, integration.id, {"push": stamped(50, 2)}, "finish_stock_push")
            assert child.returncode == -9, child.stderr[-2000:]
        else:  # two workers take v2 and v3 together; whichever runs last, v3 is what TikTok keeps
            emu.faults.latency(0.3, r"/inventory/update$")
            twins = [reopen(store, integration.id) for _ in range(2)]
            threads = [
                threading.Thread(target=twin.push_stock, args=(as_levels(values),))
                for twin, values in zip(twins, [stamped(70, 3), stamped(50, 2)], strict=True)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(60)
        emu.faults.clear()

        late = integration.push_stock(as_levels(stamped(10, 1)))  # the first push, redelivered

        assert {r.outcome for r in late.results} == {"stale"}, late
        newest = stamped(70, 3) if fault == "twin" else stamped(50, 2)
        integration.push_stock(as_levels(newest))  # the host's newest again: settles anything uncertain
        assert stock_violations(emu, integration, skus) == []
        assert [tiktok_level(emu, skus[lv["sku"]]) for lv in newest] == [lv["quantity"] for lv in newest]


# --- imports ----------------------------------------------------------------------------------------------


def pull_ids(integration: Integration) -> list[str]:
    return [o.id for page in integration.pull_orders() for o in page.orders]


@pytest.mark.parametrize("fault", FAULTS)
def test_an_import_through_each_fault_delivers_every_order_and_none_twice_in_a_run(
    tmp_path: Path, fault: str
) -> None:
    with TikTokShopEmulator(EmulatorConfig(orders=1200, seed=17)) as emu:
        store = tmp_path / "store.sqlite3"
        integration = connect(emu, store, "GB", http_clients=quick_http())
        expected = set(emu.order_ids(shop_cipher=shop_cipher(emu, "GB")))
        delivered: Counter[str] = Counter()
        runs: list[list[str]] = []

        if fault == "refused":
            emu.faults.error_rate(1.0, ("500",), r"/orders/search$")
            with pytest.raises(ChannelUnavailable):
                pull_ids(integration)
            assert integration.store.get_cursor(integration.id, f"orders@{integration.account_id}") is None
        elif fault == "lost":
            emu.faults.lose_answer(r"/orders/search$", times=2)  # a search is safe to repeat: retried
        elif fault == "kill":
            for kill_at in ("watermark", "after:watermark"):
                child = run_child(store, integration.id, {"pull": True}, kill_at)
                assert child.returncode == -9, child.stderr[-2000:]
                ids = [
                    i
                    for line in child.stdout.splitlines()
                    if line.startswith("page")
                    for i in line.split()[1:]
                ]
                runs.append(ids)
        elif fault == "twin":
            emu.faults.latency(0.2, r"/orders/search$")
            first = integration.pull_orders()
            runs.append([o.id for o in next(first).orders])  # the first import holds the stream now
            with pytest.raises(
                LeaseBusy, match=r"an import of orders@\d+ .* is running since .* \(owner [^:]+:\d+\)"
            ):
                pull_ids(reopen(store, integration.id))
            runs[-1].extend(o.id for page in first for o in page.orders)
            emu.faults.clear()
        elif fault == "webhook":
            order_id = sorted(expected)[0]
            headers, body = order_webhook(emu, integration, order_id)
            assert [e.order_id for e in integration.receive_webhook(headers, body)] == [order_id]
            assert integration.receive_webhook(headers, body) == []
        emu.faults.clear()
        runs.append(pull_ids(integration))

        for ids in runs:
            delivered.update(ids)
            assert max(Counter(ids).values(), default=1) == 1, "an order was delivered twice in one run"
        assert set(delivered) == expected, f"lost {len(expected - set(delivered))} orders"
        if fault == "kill":
            # Killed before the watermark: only the last page comes again. Killed after it: the next run starts
            # at the watermark, so the window is not imported again.
            _, second_kill, last = runs
            assert len(second_kill) <= 100 and len(last) < 100
