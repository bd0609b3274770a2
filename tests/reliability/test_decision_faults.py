"""After-sales decisions through the fault matrix: a lost answer, SIGKILL between the call and the ledger
write, and a concurrent twin. After the retry: the decision is applied once on TikTok, the ledger says done,
the idempotency key sent on every attempt is the one recorded, and a repeat sends no decision."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from matrix_support import calls_to, quick_http, run_child
from reliability_support import connect, reopen, shop_cipher

from connector_core import ChannelUnavailable, Integration
from tiktok_shop_emulator import EmulatorConfig, TikTokShopEmulator

FAULTS = ["lost", "kill", "twin"]
DECISIONS = {
    # name: (flow, the call's path, action, reason, TikTok's status once applied)
    "approve_cancellation": (
        "cancellation",
        r"/cancellations/\d+/approve$",
        "approve",
        None,
        "CANCELLATION_REQUEST_COMPLETE",
    ),
    "reject_cancellation": (
        "cancellation",
        r"/cancellations/\d+/reject$",
        "reject",
        "seller_reject_apply_product_has_been_packed",
        "CANCELLATION_REQUEST_CANCELLED",
    ),
    "approve_return": ("return", r"/returns/\d+/approve$", "approve_return", None, "AWAITING_BUYER_SHIP"),
    "reject_return": (
        "return",
        r"/returns/\d+/reject$",
        "reject",
        "seller_reject_apply_item_is_correct",
        "REFUND_OR_RETURN_REQUEST_REJECT",
    ),
}


def prepare(emu: TikTokShopEmulator, integration: Integration, flow: str) -> tuple[str, Any]:
    cipher = shop_cipher(emu, "GB")
    if flow == "cancellation":
        order_id = emu.order_ids(status="AWAITING_SHIPMENT", shop_cipher=cipher, shipping_type="SELLER")[0]
        emu.request_cancellation(order_id)
        return order_id, lambda: emu.cancellations(order_id)[-1]["cancel_status"]
    order_id = emu.order_ids(status="DELIVERED", shop_cipher=cipher)[0]
    return_id = emu.open_return(order_id, "RETURN_AND_REFUND")["return_id"]
    return return_id, lambda: emu.returns(order_id)[-1]["return_status"]


def decide(integration: Integration, flow: str, target: str, action: str, reason: str | None) -> Any:
    if flow == "cancellation":
        return integration.decide_cancellation(target, action, reason)  # type: ignore[arg-type]
    return integration.decide_return(target, action, reason)  # type: ignore[arg-type]


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("name", sorted(DECISIONS))
def test_a_decision_through_each_fault_is_applied_once(tmp_path: Path, name: str, fault: str) -> None:
    flow, path, action, reason, applied = DECISIONS[name]
    with TikTokShopEmulator(EmulatorConfig(orders=400, seed=31)) as emu:
        store = tmp_path / "store.sqlite3"
        integration = connect(emu, store, "GB", http_clients=quick_http())
        target, status = prepare(emu, integration, flow)
        emu.stats.reset()

        if fault == "lost":
            emu.faults.lose_answer(path)
            with pytest.raises(ChannelUnavailable):
                decide(integration, flow, target, action, reason)
        elif fault == "kill":
            child = run_child(
                store, integration.id, {"decide": [flow, target, action, reason]}, "finish_intent"
            )
            assert child.returncode == -9, child.stderr[-2000:]
        else:
            emu.faults.latency(0.3, path)
            twins = [reopen(store, integration.id) for _ in range(2)]
            answers: list[Any] = [None, None]

            def run(index: int) -> None:
                try:
                    answers[index] = decide(twins[index], flow, target, action, reason)
                except Exception as exc:  # reported with the other twin's answer
                    answers[index] = exc

            threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(60)
            assert sorted(a.outcome for a in answers) == ["already_decided", "applied"], answers
        emu.faults.clear()
        retried = decide(integration, flow, target, action, reason)

        assert status() == applied
        assert calls_to(emu, path) in (1, 2)  # once, plus the retry the emulator replays for the same key
        [intent] = integration.store.list_intents(
            integration.id, kind="cancellation" if flow == "cancellation" else "return_decision"
        )
        assert intent.status == "done", intent
        keys = {key for _, key in emu.idempotency_keys()}
        assert keys == {intent.payload["idempotency_key"]}, "a retry sent another idempotency key"
        writes = calls_to(emu, path)
        again = decide(integration, flow, target, action, reason)
        # A repeat reads (is there a new request?) but decides nothing: no write reaches TikTok.
        assert again.outcome == "already_decided" and calls_to(emu, path) == writes, retried
