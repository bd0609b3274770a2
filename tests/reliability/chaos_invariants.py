"""The chaos run's model of the world: which operation comes next, what the host was told, and the
invariants that must hold between TikTok (read from the emulator) and the store after every step."""

from __future__ import annotations

import json
import random
from collections import Counter, defaultdict
from datetime import timedelta
from typing import Any

from chaos_aftersales import AfterSales
from reliability_support import reopen

from connector_core import Integration, Shipment, ShipmentLine, ShipmentParcel, StockLevel
from connectors.tiktok_shop.webhooks import signature
from tiktok_shop_emulator import TikTokShopEmulator

REGIONS = ("GB", "DE")  # a mark-shipped market and a ship-package market, one warehouse each
WEIGHTS = {
    "pull": 18,
    "backfill": 5,
    "push": 25,
    "confirm_partial": 14,
    "confirm_whole": 10,
    "reconfirm": 8,
    "webhook": 10,
    "refresh": 5,
    "switch": 5,
    "cancel_decision": 6,  # after the sale: the host decides buyers' requests (GB only)
    "return_decision": 6,
}


class Chaos:
    def __init__(self, emu: TikTokShopEmulator, integration: Integration, rng: random.Random) -> None:
        self.emu = emu
        self.integration = integration
        self.rng = rng
        accounts = integration.store.list_accounts(integration.id)
        by_cipher = {a.selector: a.id for a in accounts}
        self.shops = {region: next(s for s in emu.shops if s["region"] == region) for region in REGIONS}
        self.account = {region: by_cipher[shop["cipher"]] for region, shop in self.shops.items()}
        self.region_of = {account: region for region, account in self.account.items()}
        self.orders = {
            region: emu.order_ids(
                status="AWAITING_SHIPMENT", shop_cipher=shop["cipher"], shipping_type="SELLER"
            )
            for region, shop in self.shops.items()
        }
        self.sku_ids = {
            region: {
                s["seller_sku"]: s["id"]
                for p in emu.products(shop["cipher"])
                if p["status"] == "ACTIVATE"
                for s in p["skus"]
            }
            for region, shop in self.shops.items()
        }
        self.aftersales = AfterSales(emu, integration, rng, self.orders["GB"])
        self.expected = {
            region: set(emu.order_ids(shop_cipher=shop["cipher"])) for region, shop in self.shops.items()
        }
        self.delivered: dict[str, set[str]] = defaultdict(set)
        self.shipments: dict[str, list[Shipment]] = defaultdict(list)  # per region: every confirmation tried
        self.newest: dict[str, dict[str, tuple[int, int]]] = defaultdict(dict)
        """Per region and SKU: (as_of, quantity) of the newest level the host asked for."""
        self.pushes: dict[str, list[list[dict[str, Any]]]] = defaultdict(list)
        self.applied: dict[str, dict[str, int]] = defaultdict(dict)
        self.stale = 0
        """Levels the kit refused as older than one applied or in flight (reported `stale`)."""
        self.version = 0
        self.parcels = 0
        self.duplicates: list[str] = []
        self.deliveries: list[dict[str, Any]] = []

    # --- choosing the next operation ------------------------------------------------------------------

    def region(self) -> str:
        account = self.integration.store.get_integration(self.integration.id).account_id
        return self.region_of[account or ""]

    def next_operation(self) -> dict[str, Any]:
        kind = self.rng.choices(list(WEIGHTS), weights=list(WEIGHTS.values()))[0]
        region = self.region()
        op: dict[str, Any] | None = getattr(self, f"_{kind}")(region)
        if op is None:
            op = self._pull(region)
        op["region"] = region
        return op

    def _pull(self, region: str) -> dict[str, Any]:
        return {"op": "pull"}

    def _backfill(self, region: str) -> dict[str, Any]:
        now = self.integration.clock.now()
        since = now - timedelta(days=self.rng.uniform(1, 40))
        until = since + timedelta(days=self.rng.uniform(0.5, 10))
        return {"op": "backfill", "since": since.isoformat(), "until": min(until, now).isoformat()}

    def _push(self, region: str) -> dict[str, Any]:
        if self.pushes[region] and self.rng.random() < 0.15:
            # A late task or a message redelivered long after: an older push again, with its old as_of.
            return {"op": "push", "levels": self.rng.choice(self.pushes[region]), "late": True}
        self.version += 1
        skus = self.rng.sample(
            sorted(self.sku_ids[region]), k=min(len(self.sku_ids[region]), self.rng.randint(1, 6))
        )
        levels = [{"sku": sku, "quantity": self.rng.randint(0, 500), "as_of": self.version} for sku in skus]
        if self.rng.random() < 0.05:
            levels.append({"sku": "NO-SUCH-SKU", "quantity": 1, "as_of": self.version})
        self.pushes[region].append(levels)
        return {"op": "push", "levels": levels}

    def _asked(self, region: str, levels: list[dict[str, Any]]) -> None:
        for level in levels:
            known = self.newest[region].get(level["sku"])
            if level["sku"] in self.sku_ids[region] and (known is None or level["as_of"] > known[0]):
                self.newest[region][level["sku"]] = (level["as_of"], level["quantity"])

    def _open_lines(self, order_id: str, region: str) -> list[dict[str, Any]]:
        """Lines TikTok has not shipped and no uncertain parcel of the ledger holds."""
        held = {
            str(i)
            for intent in self.integration.store.list_intents(
                self.integration.id,
                account_id=self.account[region],
                kind="shipment",
                key_prefix=f"{order_id}/",
                status="pending",
            )
            for i in intent.payload["line_ids"]
        }
        return [
            li
            for li in self.emu.order(order_id)["line_items"]
            if not li.get("tracking_number") and str(li["id"]) not in held
        ]

    def _confirm(self, region: str, partial: bool) -> dict[str, Any] | None:
        order_id = self.rng.choice(self.orders[region])
        lines = self._open_lines(order_id, region)
        if not lines:
            return self._reconfirm(region)
        self.parcels += 1
        tracking = f"CH{self.parcels:05d}{region}"
        wanted = [ShipmentLine(sku=self.rng.choice(lines)["seller_sku"], quantity=1)] if partial else []
        carrier = "DPD"
        shipment = Shipment(
            order_id=order_id,
            parcels=[ShipmentParcel(tracking_number=tracking, carrier=carrier, lines=wanted)],
        )
        self.shipments[region].append(shipment)
        return {"op": "confirm", "shipment": shipment.model_dump(mode="json")}

    def _confirm_partial(self, region: str) -> dict[str, Any] | None:
        return self._confirm(region, partial=True)

    def _confirm_whole(self, region: str) -> dict[str, Any] | None:
        return self._confirm(region, partial=False)

    def _reconfirm(self, region: str) -> dict[str, Any] | None:
        if not self.shipments[region]:
            return None
        return {"op": "confirm", "shipment": self.rng.choice(self.shipments[region]).model_dump(mode="json")}

    def _webhook(self, region: str) -> dict[str, Any]:
        if self.deliveries and self.rng.random() < 0.3:
            return dict(self.deliveries[-1])  # a duplicate delivery
        shop = self.account[region] if self.rng.random() < 0.8 else "7494049642642449999"
        age = 0 if self.rng.random() < 0.9 else 30 * 86400
        body = json.dumps(
            {
                "type": 1,
                "tts_notification_id": f"chaos-{self.rng.randrange(10**9)}",
                "shop_id": shop,
                "timestamp": int(self.integration.clock.now().timestamp()) - age,
                "data": {
                    "order_id": self.rng.choice(self.orders[region]),
                    "order_status": "AWAITING_SHIPMENT",
                },
            }
        )
        creds = self.emu.credentials
        op = {
            "op": "webhook",
            "headers": {"Authorization": signature(creds["app_key"], creds["app_secret"], body.encode())},
            "body": body,
        }
        self.deliveries.append(op)
        return op

    def _cancel_decision(self, region: str) -> dict[str, Any] | None:
        return self.aftersales.operation("cancellation", region)

    def _return_decision(self, region: str) -> dict[str, Any] | None:
        return self.aftersales.operation("return", region)

    def _refresh(self, region: str) -> dict[str, Any]:
        return {"op": "refresh"}

    def _switch(self, region: str) -> dict[str, Any]:
        other = next(r for r in REGIONS if r != region)
        return {"op": "switch", "account_id": self.account[other]}

    # --- what the host was told -----------------------------------------------------------------------

    def after(self, op: dict[str, Any], result: dict[str, Any]) -> None:
        region = op["region"]
        if op["op"] == "push":
            self._asked(region, op["levels"])
        if not result["ok"]:
            return
        if op["op"] == "push":
            # An older level than one TikTok applied (and the host was told) must never be sent after it.
            self.stale += sum(1 for outcome in result["result"].values() if outcome == "stale")
            for level in op["levels"]:
                sku, as_of = level["sku"], level["as_of"]
                if result["result"].get(sku) != "updated":
                    continue
                applied = self.applied[region].get(sku, 0)
                if as_of < applied:
                    self.duplicates.append(
                        f"{region} {sku}: as of {as_of} sent after as of {applied} was applied"
                    )
                self.applied[region][sku] = max(applied, as_of)
        if op["op"] in ("pull", "backfill"):
            ids = result["result"]
            twice = [i for i, n in Counter(ids).items() if n > 1]
            if twice:
                self.duplicates.append(f"{op['op']} in {region} delivered {twice[:3]} twice in one run")
            self.delivered[region].update(ids)

    def after_kill(self, op: dict[str, Any]) -> None:
        if op["op"] == "push":
            self._asked(op["region"], op["levels"])

    # --- the invariants -------------------------------------------------------------------------------

    def violations(self, final: bool = False) -> list[str]:
        problems = list(self.duplicates)
        self.duplicates.clear()
        for region in REGIONS:
            problems += self._shipment_violations(region, final)
            problems += self._stock_violations(region, final)
        problems += self.aftersales.violations(final)
        for region in REGIONS:
            if final and not self.expected[region] <= self.delivered[region]:
                missing = self.expected[region] - self.delivered[region]
                problems.append(
                    f"{region}: {len(missing)} orders never delivered, e.g. {sorted(missing)[:3]}"
                )
        return problems

    def _shipment_violations(self, region: str, final: bool) -> list[str]:
        problems = []
        intents = self.integration.store.list_intents(
            self.integration.id, account_id=self.account[region], kind="shipment"
        )
        by_order: dict[str, list[Any]] = defaultdict(list)
        for intent in intents:
            by_order[intent.payload["order_id"]].append(intent)
        for order_id, order_intents in by_order.items():
            lines = {str(li["id"]): li for li in self.emu.order(order_id)["line_items"]}
            # A line may be claimed by several parcels only when a later one changed its tracking number:
            # the parcel recorded last is what TikTok must show.
            claims: dict[str, list[Any]] = defaultdict(list)
            for intent in sorted(order_intents, key=lambda i: i.updated_at):
                if intent.status == "pending" and final:
                    problems.append(f"{intent.key} still uncertain after settling")
                if intent.status != "refused":
                    for line_id in map(str, intent.payload["line_ids"]):
                        claims[line_id].append(intent)
            for line_id, line in lines.items():
                on_tiktok = line.get("tracking_number") or None
                claimants = claims.get(line_id, [])
                trackings = {i.payload["tracking_number"] for i in claimants}
                done = [i for i in claimants if i.status == "done"]
                if any(i.status == "pending" for i in claimants):
                    if on_tiktok is not None and on_tiktok not in trackings | {
                        d.payload["tracking_number"] for d in done
                    }:
                        problems.append(
                            f"order {order_id} line {line_id}: TikTok shows {on_tiktok}, parcels say {trackings}"
                        )
                elif done and on_tiktok != done[-1].payload["tracking_number"]:
                    problems.append(f"{done[-1].key}: done, but TikTok line {line_id} shows {on_tiktok}")
                elif on_tiktok and on_tiktok.startswith("CH") and on_tiktok not in trackings:
                    problems.append(
                        f"order {order_id}: TikTok line {line_id} shipped as {on_tiktok}, unknown to the ledger"
                    )
            packages: dict[str, set[str]] = defaultdict(set)
            for line in lines.values():
                if line.get("tracking_number"):
                    packages[line["tracking_number"]].add(str(line.get("package_id")))
            problems += [
                f"order {order_id}: {t} shipped in packages {sorted(p)}"
                for t, p in packages.items()
                if len(p) > 1
            ]
        return problems

    def _stock_violations(self, region: str, final: bool) -> list[str]:
        problems = []
        for (sku, _), row in self.integration.store.stock_levels(
            self.integration.id, self.account[region]
        ).items():
            if sku not in self.sku_ids[region]:
                continue
            held = sum(self.emu.inventory(self.sku_ids[region][sku]).values())
            if row.pending is not None:
                # Uncertain: some level sent may or may not have landed; the next push sends it again.
                if final:
                    problems.append(f"{region} {sku}: still uncertain after settling")
            elif row.quantity is not None and held != row.quantity:
                problems.append(f"{region} {sku}: TikTok holds {held}, the ledger confirmed {row.quantity}")
        if final:
            for sku, (as_of, quantity) in self.newest[region].items():
                held = sum(self.emu.inventory(self.sku_ids[region][sku]).values())
                if held != min(quantity, 99_999):
                    problems.append(
                        f"{region} {sku}: TikTok holds {held}, the host's newest (as of {as_of}) is {quantity}"
                    )
        return problems

    # --- settling, with the channel healthy -------------------------------------------------------------

    def settle(self, integration: Integration) -> None:
        for region in REGIONS:
            host = reopen_serving(integration, self.account[region])
            for shipment in self.shipments[region]:
                host.confirm_shipment(shipment)
            levels = [
                StockLevel(sku=sku, quantity=q, as_of=as_of)
                for sku, (as_of, q) in self.newest[region].items()
            ]
            if levels:
                host.push_stock(levels)
            self.delivered[region].update(o.id for page in host.pull_orders() for o in page.orders)
        self.aftersales.settle(reopen_serving(integration, self.account["GB"]))


def reopen_serving(integration: Integration, account_id: str) -> Integration:
    path = integration.store.sqlite.path  # type: ignore[attr-defined]
    again = reopen(path, integration.id)
    again.select_account(account_id)
    return again
