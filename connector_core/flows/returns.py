"""Returns: an incremental import with its own cursor per shop, and the seller's decisions exactly once.

The import works like the order import: one run per (integration, shop) at a time, each page's resume
saved once the host took it, the watermark moved only when the connector's iterator ended. A decision
(approve the refund, approve the return, mark the returned parcel received, reject with a reason, offer
a partial refund) is an intent keyed by the return and the action, with an idempotency key made once: a
repeat answers from the ledger, a retry after an unknown outcome re-sends the recorded decision, and a
different decision while one is in flight is refused.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from decimal import Decimal

from ..aftersales import DecisionRefused, ReturnAction, ReturnDecision, ReturnPage
from ..models import Money, OrderWindow
from ..store import Intent
from .cancellations import DecisionReport
from .leases import hold
from .orders import INCREMENTAL_OVERLAP, _first_import_start, _save_cursor, load_cursor
from .session import Session

RETURNS_STREAM = "returns"
RETURN_INTENT = "return_decision"
IMPORT_LEASE_TTL = timedelta(minutes=10)
LEASE_WAIT = timedelta(seconds=10)


def stream_name(session: Session) -> str:
    return f"{RETURNS_STREAM}@{session.account_id}" if session.account_id else RETURNS_STREAM


def pull_returns(
    session: Session, since: datetime | None = None, *, more: Callable[[], bool] | None = None
) -> Iterator[ReturnPage]:
    """The returns changed since the last complete run (or `since`), page by page.

    `more`, as for the order import: asked each time the host has taken a page and its place is saved; when
    it answers False the stream ends there, the window left open, and the next run resumes after that page
    (a worker's slice, see connector_core/worker/tasks/slices.py)."""
    name = stream_name(session)
    with hold(
        session.store,
        f"import:{session.id}:{name}",
        what=f"an import of {name} for integration {session.id}",
        ttl=IMPORT_LEASE_TTL,
        wait=LEASE_WAIT,
    ) as lease:
        saved = load_cursor(session, name)
        if "since" in saved and "until" in saved:
            window, resume = OrderWindow(since=saved["since"], until=saved["until"]), saved.get("resume")
        else:
            watermark = saved.get("watermark")
            start = since or (watermark - INCREMENTAL_OVERLAP if watermark else _first_import_start(session))
            window, resume = OrderWindow(since=start, until=session.clock.now()), None
        pages = iter(session.connector.fetch_returns(session.context(), window, resume))
        try:
            for page in pages:
                yield page
                lease.renew()
                if page.resume is not None:
                    # The host took this page: a resumed run starts after it.
                    _save_cursor(
                        session, name, {"since": window.since, "until": window.until, "resume": page.resume}
                    )
                    if more is not None and not more():
                        return  # paused: the window stays open at this page
            _save_cursor(session, name, {"watermark": window.until})
        finally:
            close = getattr(pages, "close", None)
            if close is not None:
                close()  # under the lease: nothing read ahead outlives the run


def decide_return(
    session: Session,
    return_id: str,
    action: ReturnAction,
    reason: str | None = None,
    comment: str | None = None,
    amount: Money | None = None,
) -> DecisionReport:
    """Decide a return once (see the module docstring)."""
    if action == "reject" and not reason:
        raise DecisionRefused(
            f"return {return_id}: rejecting needs one of the channel's reasons "
            f"(`channel-connectors cancellation reasons {session.id} {return_id}` lists them)",
            "reason_required",
        )
    key = f"{return_id}/{action}"
    with hold(
        session.store,
        f"returns:{session.id}:{session.account_id}:{return_id}",
        what=f"a decision on return {return_id}",
        ttl=timedelta(minutes=2),
        wait=LEASE_WAIT,
        settle=session.late_call_bound,
    ):
        earlier = session.store.list_intents(
            session.id, account_id=session.account_id, kind=RETURN_INTENT, key_prefix=f"{return_id}/"
        )
        in_flight = [i for i in earlier if i.status == "pending" and i.key != key]
        if in_flight:
            raise DecisionRefused(
                f"return {return_id}: an earlier decision ({in_flight[0].payload.get('action')}) has no known "
                "outcome yet; repeat it to settle it before deciding otherwise",
                "decision_in_flight",
            )
        found = next((i for i in earlier if i.key == key), None)
        if found is not None and found.status == "done":
            return _report(found, "already_decided", 0, f"decided on {found.updated_at:%Y-%m-%d %H:%M} UTC")
        payload = {
            "return_id": return_id,
            "action": action,
            "reason": reason,
            "comment": comment,
            "amount": {"amount": str(amount.amount), "currency": amount.currency} if amount else None,
            "idempotency_key": uuid.uuid4().hex,
        }
        intent = session.store.begin_intent(session.id, session.account_id, RETURN_INTENT, key, payload)
        recorded = intent.payload
        money = recorded.get("amount")
        decision = ReturnDecision(
            return_id=return_id,
            action=recorded["action"],
            reason=recorded.get("reason"),
            comment=recorded.get("comment"),
            amount=Money(amount=Decimal(money["amount"]), currency=money["currency"]) if money else None,
            idempotency_key=str(recorded["idempotency_key"]),
        )
        try:
            outcome = session.connector.decide_return(session.context(), decision)
        except DecisionRefused as exc:
            session.store.finish_intent(
                session.id,
                session.account_id,
                RETURN_INTENT,
                key,
                "refused",
                {"code": exc.code, "message": str(exc)},
            )
            raise
        done = session.store.finish_intent(
            session.id, session.account_id, RETURN_INTENT, key, "done", outcome.model_dump(mode="json")
        )
        return _report(done, outcome.outcome, 1, None)


def _report(intent: Intent, outcome: str, calls: int, message: str | None) -> DecisionReport:
    return DecisionReport(
        order_id=str(intent.payload.get("return_id")),
        action=str(intent.payload.get("action")),
        outcome=outcome,  # type: ignore[arg-type]
        request_id=str(intent.payload.get("return_id")),
        channel_status=(intent.outcome or {}).get("channel_status"),
        message=message,
        calls=calls,
    )
