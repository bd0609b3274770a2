"""Seller B's calls in the tenant benchmark: confirmations and labels each on an order of its own, sent one
at a time and timed as B sees them (sent -> result), plus B's pulls and the checks the phases wait on."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from bench_support import EmulatorProcess

CARRIER = {"US": "USPS", "GB": "Royal Mail", "DE": "DHL"}
B = 2


def pull_samples(
    app: Any, integration_id: str, shop_id: str, count: int, loaded: Callable[[], bool]
) -> list[dict[str, Any]]:
    from connector_core.worker import PREFIX

    measured = []
    for _ in range(count):
        before = loaded()
        sent, began = time.time(), time.perf_counter()
        sending = app.send_task(f"{PREFIX}pull_orders", args=[integration_id, shop_id])
        outcome = sending.get(timeout=300)
        ms = (time.perf_counter() - began) * 1000
        measured.append(
            {
                "id": sending.id,
                "sent": sent,
                "ms": ms,
                "ok": bool(outcome.get("ok")),
                "loaded": before and loaded(),
            }
        )
    return measured


def imported(store: Any, integration_id: str, shop_ids: list[str]) -> bool:
    """Every shop's first import finished (its cursor holds a watermark, no open window)."""
    for shop_id in shop_ids:
        raw = store.get_cursor(integration_id, f"orders@{shop_id}")
        if raw is None or "watermark" not in json.loads(raw):
            return False
    return True


def work_for(emu: EmulatorProcess, shop: dict[str, Any], count: int) -> list[tuple[str, list[Any]]]:
    """`count` confirmations and `count` labels, alternating: each on an order of its own."""

    def orders(shipping: str) -> list[dict[str, Any]]:
        ids = emu.call(
            "order_ids",
            status="AWAITING_SHIPMENT",
            shop_cipher=shop["cipher"],
            shipping_type=shipping,
            seller=B,
        )
        if len(ids) < count:
            raise RuntimeError(f"seller B has {len(ids)} {shipping} orders awaiting shipment, {count} needed")
        return [emu.call("order", order_id) for order_id in ids[:count]]

    made: list[tuple[str, list[Any]]] = []
    for shipped, labelled in zip(orders("SELLER"), orders("TIKTOK"), strict=True):
        lines = [line["id"] for line in shipped["line_items"]]
        parcel = {"tracking_number": f"TRK-B-{shipped['id'][-8:]}", "carrier": CARRIER[shop["region"]]}
        made.append(
            (
                "confirmation",
                [
                    {
                        "order_id": shipped["id"],
                        "parcels": [{**parcel, "lines": [{"channel_line_ids": lines}]}],
                    }
                ],
            )
        )
        made.append(("label", [labelled["id"], [[line["id"] for line in labelled["line_items"]]]]))
    return made


def sample(
    app: Any, integration_id: str, work: list[tuple[str, list[Any]]], loaded: Callable[[], bool]
) -> list[dict[str, Any]]:
    from connector_core.worker import PREFIX

    task = {"confirmation": "confirm_shipment", "label": "create_labels"}
    measured = []
    for kind, args in work:
        before = loaded()
        sent, began = time.time(), time.perf_counter()
        sending = app.send_task(f"{PREFIX}{task[kind]}", args=[integration_id, *args])
        outcome = sending.get(timeout=300)
        ms = (time.perf_counter() - began) * 1000
        ok = bool(outcome.get("ok")) and _really_done(kind, outcome)
        measured.append(
            {"kind": kind, "id": sending.id, "sent": sent, "ms": ms, "ok": ok, "loaded": before and loaded()}
            | ({} if ok else {"outcome": str(outcome)[:300]})
        )
    return measured


def _really_done(kind: str, outcome: dict[str, Any]) -> bool:
    report = outcome.get("report") or {}
    if kind == "confirmation":
        return all(p.get("outcome") == "confirmed" for p in report.get("parcels") or [{}])
    return all(r.get("outcome") == "created" for r in report.get("results") or [{}])


def until(condition: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"not done within {timeout:.0f}s")
        time.sleep(0.2)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
