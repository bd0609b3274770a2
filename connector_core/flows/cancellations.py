"""Cancellations decided exactly once: approve or reject a buyer's request, or cancel lines as the seller.

Each decision is an intent recorded before the call, keyed by the order and the channel's request (or, for
a seller cancellation, by the exact lines), with an idempotency key made ONCE and kept in the payload, so
every retry sends the same key. Under a per-order lease:

- a decision already done is reported from the ledger, no call; one that contradicts it (reject after an
  approval) is refused naming what was decided and when;
- a decision whose outcome is unknown (lost answer, exception, kill) is sent again with its RECORDED
  action, reason and key; a different decision for the same request is refused until that one is settled;
- a refused decision (the channel said no) may be decided again, differently.

The connector reconciles a retry whose first attempt did land (the channel's "already approved" becomes
`already_applied` after a read-back), so nothing is decided twice.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from datetime import timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from ..aftersales import CancellationDecision, DecisionOutcome, DecisionRefused
from ..store import Intent
from .interception import current_order
from .leases import hold
from .session import Session

CANCELLATION_INTENT = "cancellation"
SELLER_CANCEL_INTENT = "seller_cancel"
DECISION_LEASE_TTL = timedelta(minutes=2)
DECISION_LEASE_WAIT = timedelta(seconds=10)


class DecisionReport(BaseModel):
    """What happened to one decision: sent now, found in the ledger, or found applied on the channel."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    order_id: str
    action: str
    outcome: Literal["applied", "already_applied", "already_decided"]
    request_id: str | None = None
    channel_status: str | None = None
    message: str | None = None
    calls: int = 0


def _lease(session: Session, order_id: str) -> Any:
    return hold(
        session.store,
        f"cancellations:{session.id}:{session.account_id}:{order_id}",
        what=f"a cancellation decision on order {order_id}",
        ttl=DECISION_LEASE_TTL,
        wait=DECISION_LEASE_WAIT,
        settle=session.late_call_bound,
    )


def _intents(session: Session, kind: str, order_id: str) -> list[Intent]:
    return session.store.list_intents(
        session.id, account_id=session.account_id, kind=kind, key_prefix=f"{order_id}/"
    )


def _from_ledger(intent: Intent, action: str) -> DecisionReport:
    recorded = str(intent.payload.get("action"))
    if recorded != action:
        done = {"approve": "approved", "reject": "rejected"}.get(recorded, recorded)
        raise DecisionRefused(
            f"order {intent.payload.get('order_id')}: the cancellation request was already {done} on "
            f"{intent.updated_at:%Y-%m-%d %H:%M} UTC; a decision is final, nothing was sent",
            "already_decided",
        )
    outcome = intent.outcome or {}
    return DecisionReport(
        order_id=str(intent.payload.get("order_id")),
        action=action,
        outcome="already_decided",
        request_id=outcome.get("request_id") or intent.payload.get("request_id"),
        channel_status=outcome.get("channel_status"),
        message=f"decided on {intent.updated_at:%Y-%m-%d %H:%M} UTC; no call made",
    )


def decide_cancellation(
    session: Session,
    order_id: str,
    action: Literal["approve", "reject"],
    reason: str | None = None,
    comment: str | None = None,
) -> DecisionReport:
    """Approve or reject the order's open cancellation request, once (see the module docstring)."""
    if action == "reject" and not reason:
        raise DecisionRefused(
            f"order {order_id}: rejecting a cancellation needs one of the channel's reasons "
            f"(`channel-connectors cancellation reasons {session.id} {order_id}` lists them)",
            "reason_required",
        )
    with _lease(session, order_id):
        earlier = _intents(session, CANCELLATION_INTENT, order_id)
        pending = [i for i in earlier if i.status == "pending"]
        if pending:
            intent = pending[-1]
            if intent.payload.get("action") != action:
                raise DecisionRefused(
                    f"order {order_id}: an earlier decision to {intent.payload.get('action')} the request has "
                    f"no known outcome yet; repeat that decision to settle it before deciding otherwise",
                    "decision_in_flight",
                )
            intent = session.store.begin_intent(
                session.id, session.account_id, CANCELLATION_INTENT, intent.key, dict(intent.payload)
            )
            return _send_decision(session, intent)
        order = current_order(session, order_id)
        request = order.cancellation_request if order is not None else None
        done = [i for i in earlier if i.status == "done"]
        if request is None:
            if done:
                return _from_ledger(done[-1], action)
            raise DecisionRefused(
                f"order {order_id}: the channel shows no open cancellation request to {action}", "not_pending"
            )
        key = f"{order_id}/{request.id or 'open'}"
        for intent in done:
            if intent.key == key:
                return _from_ledger(intent, action)
        payload = {
            "order_id": order_id,
            "action": action,
            "request_id": request.id,
            "reason": reason,
            "comment": comment,
            "idempotency_key": uuid.uuid4().hex,  # made once; every retry sends this same key
        }
        intent = session.store.begin_intent(session.id, session.account_id, CANCELLATION_INTENT, key, payload)
        return _send_decision(session, intent)


def _send_decision(session: Session, intent: Intent) -> DecisionReport:
    p = intent.payload
    decision = CancellationDecision(
        order_id=str(p["order_id"]),
        action=p["action"],
        request_id=p.get("request_id"),
        reason=p.get("reason"),
        comment=p.get("comment"),
        idempotency_key=str(p["idempotency_key"]),
    )
    try:
        outcome = session.connector.decide_cancellation(session.context(), decision)
    except DecisionRefused as exc:
        session.store.finish_intent(
            session.id,
            session.account_id,
            CANCELLATION_INTENT,
            intent.key,
            "refused",
            {"code": exc.code, "message": str(exc)},
        )
        raise
    return _finish(session, CANCELLATION_INTENT, intent, outcome, decision.order_id, decision.action)


def _finish(
    session: Session, kind: str, intent: Intent, outcome: DecisionOutcome, order_id: str, action: str
) -> DecisionReport:
    session.store.finish_intent(
        session.id, session.account_id, kind, intent.key, "done", outcome.model_dump(mode="json")
    )
    return DecisionReport(
        order_id=order_id,
        action=action,
        outcome=outcome.outcome,
        request_id=outcome.request_id,
        channel_status=outcome.channel_status,
        calls=1,
    )


def lines_key(order_id: str, line_ids: Sequence[str]) -> str:
    lines = ",".join(sorted(line_ids)) or "*"
    return f"{order_id}/{hashlib.sha256(lines.encode()).hexdigest()[:32]}"


def cancel_order(session: Session, order_id: str, line_ids: Sequence[str], reason: str) -> DecisionReport:
    """Cancel the order (no line ids) or some of its units as the seller, once: a retry after a lost answer
    is sent with the recorded lines and reason, and the connector's read-back finds the earlier one."""
    if not reason:
        raise DecisionRefused(f"order {order_id}: a seller cancellation needs a reason", "reason_required")
    key = lines_key(order_id, line_ids)
    with _lease(session, order_id):
        found = session.store.get_intent(session.id, session.account_id, SELLER_CANCEL_INTENT, key)
        if found is not None and found.status == "done":
            return DecisionReport(
                order_id=order_id,
                action="cancel",
                outcome="already_decided",
                request_id=(found.outcome or {}).get("request_id"),
                message=f"cancelled on {found.updated_at:%Y-%m-%d %H:%M} UTC; no call made",
            )
        payload = {"order_id": order_id, "line_ids": sorted(line_ids), "reason": reason}
        intent = session.store.begin_intent(
            session.id, session.account_id, SELLER_CANCEL_INTENT, key, payload
        )
        recorded = intent.payload
        try:
            outcome = session.connector.cancel_order(
                session.context(), order_id, list(recorded.get("line_ids") or []), str(recorded["reason"])
            )
        except DecisionRefused as exc:
            session.store.finish_intent(
                session.id,
                session.account_id,
                SELLER_CANCEL_INTENT,
                key,
                "refused",
                {"code": exc.code, "message": str(exc)},
            )
            raise
        return _finish(session, SELLER_CANCEL_INTENT, intent, outcome, order_id, "cancel")
