"""`channel-connectors demo`: every flow, end to end, against the local emulator and the store
(SQLite by default; --database-url or CHANNEL_CONNECTORS_DATABASE_URL picks another).

What a host platform would do with a new TikTok Shop seller, narrated: validate the credential form,
Connect through the consent page and a local callback, import orders with status mapping, push stock,
confirm shipments (one in two parcels) and see them move on, buy TikTok Shipping labels for a two-box
order (the PDFs written under the demo folder; a repeat buys nothing), survive an expired access token, and show
when the seller must re-authorize. No credentials and no network beyond loopback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import requests

from connector_core import (
    ConnectorHost,
    Integration,
    Integrations,
    OffsetClock,
    OrderStatus,
    Shipment,
    ShipmentLine,
    ShipmentParcel,
    StockLevel,
)
from connector_core.callback import CallbackServer, state_of
from connector_core.cli.session import describe_store
from connector_core.home import private_store_file, resolve_home
from connector_core.progress import Progress
from connector_core.store import DATABASE_URL_ENV, open_store
from tiktok_shop_emulator import EmulatorConfig, TikTokShopEmulator

from ..client import TikTokClient
from ..fulfillment import shipping_providers
from .demo_aftersales import after_the_sale
from .emulator_form import emulator_form

EPOCH = datetime(2000, 1, 1, tzinfo=timezone.utc)


def heading(text: str) -> None:
    print(f"\n== {text} " + "=" * max(0, 70 - len(text)))


def table(rows: list[tuple[Any, ...]], headers: tuple[str, ...]) -> None:
    widths = [max(len(str(x)) for x in column) for column in zip(headers, *rows, strict=True)]
    for row in (headers, tuple("-" * w for w in widths), *rows):
        print("  " + "  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)))


class Demo:
    def __init__(self, emu: TikTokShopEmulator, integrations: Integrations, clock: OffsetClock) -> None:
        self.emu = emu
        self.integrations = integrations
        self.clock = clock
        self.integration: Integration | None = None
        self.summary: list[str] = []

    @property
    def live(self) -> Integration:
        assert self.integration is not None
        return self.integration

    def create(self) -> None:
        heading("1. Credential form (JSON Schema draft-07) -> the store, secrets encrypted")
        form = emulator_form(self.emu)
        settings = {"stock_sync": True, "push_shipments": True, "carrier_aliases": {"RM": "Royal Mail"}}
        record = self.integrations.create("tiktok_shop", form, settings, name="Demo seller")
        shown = self.integrations.redacted(record.id)
        print(f"  integration {record.id} created; the form passed validation")
        print(
            f"  as a host may show it: app_key={shown.values['app_key']} app_secret={shown.values['app_secret']}"
        )
        self.integration = self.integrations.open(record.id)

    def connect(self, callback: CallbackServer) -> None:
        heading("2. Connect (OAuth): consent page -> callback -> state check -> code exchange -> shops")
        url = self.live.begin_connect(callback.redirect_uri)
        callback.expect(state_of(url))
        print(f"  authorization URL: {url.split('state=')[0]}state=<single-use>")
        requests.get(url, timeout=10)  # the seller's browser: the consent page approves and redirects
        params = callback.wait(10)
        print(
            f"  callback received on {callback.path} with code, state, {', '.join(sorted(set(params) - {'code', 'state'}))}"
        )
        integration = self.integrations.complete_connect(params)
        shops = integration.store.list_accounts(integration.id)
        table([(s.id, s.name, s.region) for s in shops], ("shop id", "name", "region"))
        gb = next(s for s in shops if s.region == "GB")
        integration.select_account(gb.id)
        self.integration = self.integrations.open(integration.id)
        print(f"  serving shop {gb.name} ({gb.id}); ciphers for all {len(shops)} shops stored")
        self.summary.append(f"connected {len(shops)} shops, serving {gb.name}")

    def pull(self, label: str) -> dict[str, Any]:
        progress = Progress(f"  {label}")
        orders: dict[str, Any] = {}
        problems = 0
        left_out = 0
        until = self.clock.now() + timedelta(minutes=1)
        for page in self.live.pull_orders(EPOCH, until):
            orders.update({o.id: o for o in page.orders})
            problems += len(page.problems)
            left_out += sum(page.left_out.values())
            # Count what was left out too, so the bar ends at the total TikTok gave.
            progress.update(len(page.orders) + len(page.problems) + sum(page.left_out.values()), page.total)
        progress.finish()
        if left_out:
            print(f"  {left_out} unpaid order(s) left out (setting import_unpaid_orders is off)")
        if problems:
            print(f"  {problems} order(s) reported and skipped (see warnings above)")
        return orders

    def import_orders(self) -> dict[str, Any]:
        heading("3. Pull orders (paginated, 100 a page, oldest update first) with status mapping")
        orders = self.pull("importing")
        counts = Counter((o.channel_status, o.status.value) for o in orders.values())
        table(
            [(t, c, n) for (t, c), n in sorted(counts.items())], ("TikTok status", "mapped status", "orders")
        )
        masked = sum(1 for o in orders.values() if o.ship_to.is_masked)
        print(
            f"  {masked} order(s) have masked buyer details (TikTok Shipping): full details need Seller Shipping"
        )
        self.summary.append(f"imported {len(orders)} orders, {masked} with masked addresses")
        return orders

    def push_stock(self) -> None:
        heading("4. Push stock (host is the stock master): per-SKU report")
        cipher = self.live.context().account.selector  # type: ignore[union-attr]
        skus = self.emu.seller_skus(shop_cipher=cipher)[:8]
        levels = [StockLevel(sku=s, quantity=10 + i) for i, s in enumerate(skus)]
        levels += [StockLevel(sku=skus[0], quantity=120_000), StockLevel(sku="NOT-ON-TIKTOK", quantity=4)]
        report = self.live.push_stock(levels)
        table([(r.sku, r.outcome, r.quantity if r.quantity is not None else "", r.code or "", (r.message or "")[:60])
               for r in report.results], ("seller SKU", "outcome", "qty", "code", "note"))  # fmt: skip
        again = self.live.push_stock(levels)
        print(f"  {report.calls} update call(s); pushing the same levels again: {again.calls} call(s), "
              f"{again.count('unchanged')} unchanged")  # fmt: skip
        self.summary.append(f"stock: {report.count('updated')} updated, {report.count('rejected')} rejected, "
                            f"{report.count('unknown_sku')} unknown; the repeat re-sent only the rejected product")  # fmt: skip

    def ship(self, orders: dict[str, Any]) -> None:
        heading("5. Confirm shipments (Seller Shipping), one in two parcels; repeat makes no call")
        waiting = [
            o
            for o in orders.values()
            if o.status is OrderStatus.AWAITING_SHIPMENT and o.shipping_by == "seller"
        ]
        multi = next((o for o in waiting if sum(line.quantity for line in o.lines) >= 2), None)
        chosen = ([multi] if multi else []) + [o for o in waiting if o is not multi][:2]
        for number, order in enumerate(chosen, start=1):
            carrier = self._carrier(order.channel_data.get("delivery_option_id"))
            parcels = self._parcels(order, carrier, number, split=order is multi)
            report = self.live.confirm_shipment(Shipment(order_id=order.id, parcels=parcels))
            for p in report.parcels:
                print(f"  order {order.id}: parcel {p.tracking_number} via {p.carrier}: {p.outcome} "
                      f"(package {p.package_id}, {len(p.channel_line_ids)} unit(s))")  # fmt: skip
        repeat = self.live.confirm_shipment(Shipment(order_id=chosen[-1].id, parcels=self._parcels(
            chosen[-1], self._carrier(chosen[-1].channel_data.get("delivery_option_id")), len(chosen), split=False)))  # fmt: skip
        print(
            f"  confirming order {chosen[-1].id} again: {repeat.parcels[0].outcome}, {repeat.calls} call(s)"
        )
        after = self.pull("second pull")
        table([(o.id, o.status.value, after[o.id].channel_status, after[o.id].status.value) for o in chosen],
              ("order", "before", "TikTok now", "mapped now"))  # fmt: skip
        self.summary.append(
            f"confirmed {len(chosen)} shipments ({'one' if multi else 'no'} multi-parcel); repeat made 0 calls"
        )

    def labels(self, orders: dict[str, Any], folder: Path) -> None:
        heading("6. TikTok Shipping labels: a two-box label set, PDFs kept; repeating buys nothing")
        served = self.live.record.account_id
        found = self._label_order(orders)
        if found is None:
            print("  no TikTok Shipping order awaits shipment in this world; skipped")
            return
        order_id, units = found
        boxes = [units[:1], units[1:]] if len(units) > 1 else [units]
        folder.mkdir(parents=True, exist_ok=True)
        try:
            report = self.live.create_labels(order_id, boxes)
            for number, result in enumerate(report.results, start=1):
                label = result.label
                if label is None:
                    print(f"  box {number}: refused: {result.message}")
                    continue
                path = folder / f"{order_id}-{number}.pdf"
                path.write_bytes(label.document)
                print(f"  order {order_id} box {number} ({len(label.channel_line_ids)} unit(s)): package "
                      f"{label.package_id}, tracking {label.tracking_number} via {label.carrier} -> {path}")  # fmt: skip
            calls_before = self.emu.stats.calls("/")
            again = self.live.create_labels(order_id, boxes)
            made = self.emu.stats.calls("/") - calls_before
        finally:
            if served and self.live.record.account_id != served:
                self.live.select_account(served)
        outcomes = Counter(r.outcome for r in again.results)
        print(f"  repeating the step: nothing new - {outcomes['already_created']} already created, "
              f"{outcomes['created']} bought, {made} call(s) to TikTok")  # fmt: skip
        print(f"  TikTok now says the order is {self.emu.order(order_id)['status']}; a label cannot be voided "
              "by API (Seller Center does it)")  # fmt: skip
        self.summary.append(f"labels: {len(boxes)} box(es) of order {order_id} labelled, PDFs in {folder}; "
                            f"the repeat bought nothing ({made} calls)")  # fmt: skip

    def _label_order(self, orders: dict[str, Any]) -> tuple[str, list[str]] | None:
        """A waiting TikTok Shipping order with two units or more: the served shop's, else another shop's
        (the integration then serves that shop for this step)."""
        waiting = [
            o
            for o in orders.values()
            if o.status is OrderStatus.AWAITING_SHIPMENT and o.shipping_by == "channel"
        ]
        units = {o.id: [u for line in o.lines for u in line.channel_line_ids] for o in waiting}
        best = max(units, key=lambda i: len(units[i]), default=None)
        if best is not None and len(units[best]) > 1:
            return best, units[best]
        for shop in self.live.store.list_accounts(self.live.id):
            for order_id in self.emu.order_ids(
                status="AWAITING_SHIPMENT", shop_cipher=shop.selector, shipping_type="TIKTOK"
            ):
                lines = [line["id"] for line in self.emu.order(order_id)["line_items"]]
                if len(lines) > 1:
                    print(f"  the served shop has no multi-item TikTok Shipping order waiting; using shop "
                          f"{shop.name} ({shop.region}) for this step")  # fmt: skip
                    self.live.select_account(shop.id)
                    return order_id, lines
        return (best, units[best]) if best is not None else None

    def _carrier(self, delivery_option_id: str | None) -> str:
        ctx = self.live.context()
        providers = shipping_providers(ctx, TikTokClient(ctx), str(delivery_option_id))
        return providers[0]["name"]

    @staticmethod
    def _parcels(order: Any, carrier: str, number: int, split: bool) -> list[ShipmentParcel]:
        if not split:
            return [ShipmentParcel(tracking_number=f"DEMO{number:04d}A", carrier=carrier)]
        first = order.lines[0]
        rest = [ShipmentLine(sku=line.sku, quantity=line.quantity) for line in order.lines[1:]]
        head = [ShipmentLine(sku=first.sku, quantity=1)]
        if first.quantity > 1:
            rest.insert(0, ShipmentLine(sku=first.sku, quantity=first.quantity - 1))
        return [
            ShipmentParcel(tracking_number=f"DEMO{number:04d}A", carrier=carrier, lines=head),
            ShipmentParcel(tracking_number=f"DEMO{number:04d}B", carrier=carrier, lines=rest),
        ]

    def expire_token(self) -> None:
        heading("7. The access token expires: refreshed silently, nothing for the seller to do")
        before = self.live.status().access_expires_at
        assert before is not None
        jump = before - self.clock.now() + timedelta(minutes=1)
        self.emu.clock.advance(int(jump.total_seconds()))
        self.clock.advance(jump)
        print(f"  clocks moved {jump.days} days ahead, past the expiry at {before:%Y-%m-%d %H:%M} UTC")
        check = self.live.check_connection()
        after = self.live.status().access_expires_at
        print(
            f"  connection check: {'ok' if check.ok else 'FAILED'}; new access token valid until {after:%Y-%m-%d %H:%M} UTC"
        )
        refreshes = self.emu.stats.calls("/api/v2/token/refresh")
        print(f"  refresh calls that reached TikTok: {refreshes}")
        self.summary.append(f"access token refreshed silently ({refreshes} refresh call)")

    def reauthorization(self) -> None:
        heading("8. Re-authorization deadline")
        state = self.live.reauthorization()
        if state.deadline is None:
            print("  TikTok gave no deadline")
            return
        left = state.deadline - self.clock.now()
        print(f"  the seller must re-authorize by {state.deadline:%Y-%m-%d} UTC ({left.days} days from now);")
        print(
            "  TikTok's UPCOMING_AUTHORIZATION_EXPIRATION webhook starts 30 days before and moves this date"
        )
        self.summary.append(f"re-authorize by {state.deadline:%Y-%m-%d}")


def run(args: argparse.Namespace) -> int:
    # The demo creates its store: a --home that does not exist yet is made (owner-only), never refused.
    if args.home:
        home = resolve_home(args.home, create=True)
    else:  # the data home first, so it too is created owner-only, then this run's folder inside it
        home = resolve_home(
            str(resolve_home(None, create=True) / f"demo-{datetime.now():%Y%m%d-%H%M%S}"), create=True
        )
    url = getattr(args, "database_url", None)
    if not (url or os.environ.get(DATABASE_URL_ENV)):
        private_store_file(home)  # the embedded store: created owner-only before SQLite opens it
    print(f"TikTok Shop connector demo: emulator on 127.0.0.1, store: {describe_store(url, home)}")
    clock = OffsetClock()
    with CallbackServer("/tiktok/auth/callback") as callback:
        config = EmulatorConfig(
            orders=args.orders, seed=args.seed, redirect_uri=callback.redirect_uri, auto_approve=True
        )
        with TikTokShopEmulator(config) as emu:
            print(f"emulator: API {emu.api_base_url}, auth {emu.auth_base_url}, {args.orders} orders seeded")
            store = open_store(url, home=home, clock=clock)
            integrations = Integrations(ConnectorHost().load(), store, clock=clock)
            demo = Demo(emu, integrations, clock)
            steps: list[Callable[[], Any]] = [demo.create, lambda: demo.connect(callback)]
            for step in steps:
                step()
            orders = demo.import_orders()
            demo.push_stock()
            demo.ship(orders)
            after_the_sale(demo, emu, orders)
            demo.labels(orders, home / "labels")
            demo.expire_token()
            demo.reauthorization()
    heading("Summary")
    for line in demo.summary:
        print(f"  - {line}")
    print("\ndemo finished: every flow ran against the local emulator")
    return 0


if __name__ == "__main__":
    sys.exit(run(argparse.Namespace(orders=2000, seed=7, home=None, database_url=None)))
