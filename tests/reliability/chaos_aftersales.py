"""The chaos run's after-sales part: buyers' cancellation requests and returns, decided by the host (approve
or reject, repeated, contradicted) under the run's faults; the invariants say each decision reached TikTok at
most once, only with the idempotency key its intent recorded, and TikTok shows what the ledger says was done."""

from __future__ import annotations

import random
from collections import defaultdict
from typing import Any

from connector_core import Integration
from connector_core.aftersales import DecisionRefused
from tiktok_shop_emulator import TikTokShopEmulator

REGION = "GB"  # decisions are made in one market (its reasons); the run switches shops around them
TARGETS = 6  # requests of each kind opened at the start
DECISION_PATHS = r"/(cancellations|returns)/\d+/(approve|reject)$"
INTENT_KIND = {"cancellation": "cancellation", "return": "return_decision"}
ACTIONS = {
    # flow: {action: (reason, TikTok's status once it is applied)}
    "cancellation": {
        "approve": (None, "CANCELLATION_REQUEST_COMPLETE"),
        "reject": ("seller_reject_apply_product_has_been_packed", "CANCELLATION_REQUEST_CANCELLED"),
    },
    "return": {
        "approve_return": (None, "AWAITING_BUYER_SHIP"),
        "reject": ("seller_reject_apply_item_is_correct", "REFUND_OR_RETURN_REQUEST_REJECT"),
    },
}


class AfterSales:
    def __init__(self, emu: TikTokShopEmulator, integration: Integration, rng: random.Random,
                 to_ship: list[str]) -> None:  # fmt: skip
        """Takes its cancellation orders off the end of `to_ship` (the shipments' pool), so no shipment and
        no cancellation ever meet on one order: each part checks its own ledger against TikTok."""
        self.emu, self.integration, self.rng = emu, integration, rng
        cipher = next(s["cipher"] for s in emu.shops if s["region"] == REGION)
        self.targets: dict[str, list[str]] = {"cancellation": [], "return": []}
        for _ in range(min(TARGETS, len(to_ship) // 2)):
            order_id = to_ship.pop()
            emu.request_cancellation(order_id)
            self.targets["cancellation"].append(order_id)
        self.return_order: dict[str, str] = {}
        for order_id in emu.order_ids(status="DELIVERED", shop_cipher=cipher)[:TARGETS]:
            return_id = str(emu.open_return(order_id, "RETURN_AND_REFUND")["return_id"])
            self.targets["return"].append(return_id)
            self.return_order[return_id] = order_id
        self.chosen: dict[str, str] = {}  # target -> the action the host last asked for
        self.decisions = 0

    def operation(self, flow: str, region: str) -> dict[str, Any] | None:
        if region != REGION or not self.targets[flow]:
            return None
        target = self.rng.choice(self.targets[flow])
        actions = sorted(ACTIONS[flow])
        # Mostly the same decision again (a retry, a double click), sometimes the contrary one.
        action = self.chosen.get(target) if self.rng.random() < 0.7 else None
        action = action or self.rng.choice(actions)
        self.chosen[target] = action
        self.decisions += 1
        reason = ACTIONS[flow][action][0]
        return {"op": "decide", "flow": flow, "target": target, "action": action, "reason": reason}

    def status(self, flow: str, target: str) -> str:
        if flow == "cancellation":
            return str(self.emu.cancellations(target)[-1]["cancel_status"])
        return str(
            next(r for r in self.emu.returns(self.return_order[target]) if str(r["return_id"]) == target)[
                "return_status"
            ]
        )

    # --- the invariants -------------------------------------------------------------------------------

    def violations(self, final: bool = False) -> list[str]:
        problems: list[str] = []
        recorded_keys: set[str] = set()
        for flow, targets in self.targets.items():
            intents = self.integration.store.list_intents(self.integration.id, kind=INTENT_KIND[flow])
            by_target: dict[str, list[Any]] = defaultdict(list)
            for intent in intents:
                recorded_keys.add(str(intent.payload["idempotency_key"]))
                by_target[intent.key.split("/", 1)[0]].append(intent)
            for target in targets:
                problems += self._target(flow, target, by_target.get(target, []), final)
        # Every decision TikTok applied carried the key its intent recorded before the call: a key the ledger
        # does not hold is a decision sent outside it, or a retry that made up a new key. (A refused
        # decision's key may go: deciding again, differently, reuses its intent with a new key.)
        stray = {key for _, key in self.emu.applied_idempotency_keys()} - recorded_keys
        if stray:
            problems.append(f"decisions reached TikTok under keys no intent recorded: {sorted(stray)[:3]}")
        return problems

    def _target(self, flow: str, target: str, intents: list[Any], final: bool) -> list[str]:
        problems = []
        status = self.status(flow, target)
        applied = {state: action for action, (_, state) in ACTIONS[flow].items()}
        done = [i for i in intents if i.status == "done"]
        if len({i.payload["action"] for i in done}) > 1:
            problems.append(
                f"{flow} {target}: the ledger says both {sorted(i.payload['action'] for i in done)}"
            )
        if done and status != ACTIONS[flow][done[-1].payload["action"]][1]:
            problems.append(f"{flow} {target}: done as {done[-1].payload['action']}, TikTok shows {status}")
        if status in applied:
            asked = {i.payload["action"] for i in intents if i.status in ("done", "pending")}
            if applied[status] not in asked:
                problems.append(f"{flow} {target}: TikTok shows {status}, no intent to {applied[status]} it")
        if final:
            problems += [
                f"{i.kind} {i.key} still uncertain after settling" for i in intents if i.status == "pending"
            ]
        return problems

    # --- settling, with the channel healthy -------------------------------------------------------------

    def settle(self, host: Integration) -> None:
        """Repeat each uncertain decision as recorded: the ledger settles it (sent again with its key, or
        found applied)."""
        for flow in self.targets:
            for intent in host.store.list_intents(host.id, kind=INTENT_KIND[flow], status="pending"):
                target, action, reason = (
                    intent.key.split("/", 1)[0],
                    intent.payload["action"],
                    intent.payload["reason"],
                )
                try:
                    decide(host, flow, target, action, reason)
                except DecisionRefused:
                    # TikTok refusing settles the intent too (recorded as refused): the contrary decision
                    # was applied first, while this one's answer was uncertain. violations(final) then
                    # checks that TikTok's status is the decision the ledger calls done.
                    continue


def decide(integration: Integration, flow: str, target: str, action: str, reason: str | None) -> str:
    if flow == "cancellation":
        return integration.decide_cancellation(target, action, reason).outcome  # type: ignore[arg-type]
    return integration.decide_return(target, action, reason).outcome  # type: ignore[arg-type]
