"""Shipment confirmation, exactly once: every parcel is an intent with the channel line ids it covers,
recorded before the call and never re-chosen.

Under a per-order lease the core reads the order's intents: a parcel whose intent is done is reported
without a call; parcels without an intent (or whose last attempt was refused) are planned by the
connector (`plan_shipment` resolves each to the exact line ids) and recorded pending; then each parcel
is confirmed with its RECORDED line ids and its outcome recorded. A pending intent (lost answer,
exception, kill) is retried with the same ids; the connector's read-back finds those lines already
carry this tracking number and reports it confirmed, so nothing ships twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from ..context import SHIPMENT_INTENT
from ..errors import ConnectorError, ShipmentRejected
from ..models import Interception, ParcelResult, Shipment, ShipmentLine, ShipmentParcel, ShipmentReport
from ..store import FinalIntentStatus, Intent
from .interception import OrderIntercepted, check
from .leases import LeaseBusy, hold
from .parcels import (
    NothingToCorrect,
    corrected_line_ids,
    held_line_ids,
    legacy_fingerprint,
    parcel_fingerprint,
)
from .session import NO_ACCOUNT, Session

SHIPMENT_LEASE_TTL = timedelta(minutes=2)
SHIPMENT_LEASE_WAIT = timedelta(seconds=10)
"""A twin confirmation waits this long for the first one, then reads the ledger."""


def intent_key(order_id: str, fingerprint: str) -> str:
    return f"{order_id}/{fingerprint}"


def confirm_shipment(session: Session, shipment: Shipment) -> ShipmentReport:
    """Confirm each parcel once (see the module docstring); a twin running meanwhile is waited for."""
    started = session.clock.now()
    fingerprints = [parcel_fingerprint(shipment.order_id, p) for p in shipment.parcels]
    # A parcel listed twice in one shipment is still one parcel: send it once, report it for both.
    unique = dict(zip(fingerprints, shipment.parcels, strict=True))
    legacy = {fp: legacy_fingerprint(shipment.order_id, p) for fp, p in unique.items()}
    what = f"a confirmation of order {shipment.order_id}"
    try:
        try:
            with hold(
                session.store,
                f"shipments:{session.id}:{session.account_id}:{shipment.order_id}",
                what=what,
                ttl=SHIPMENT_LEASE_TTL,
                wait=SHIPMENT_LEASE_WAIT,
                settle=session.late_call_bound,
            ):
                by_fingerprint, calls = _confirm_under_lease(
                    session, shipment.order_id, unique, legacy, list(shipment.overrides)
                )
        except LeaseBusy as busy:
            by_fingerprint, calls = _done_by_the_twin(session, shipment.order_id, unique, legacy, busy), 0
    except BaseException as exc:
        session.record_run("confirm_shipment", started, {"order_id": shipment.order_id}, exc)
        raise
    report = ShipmentReport(
        order_id=shipment.order_id, parcels=[by_fingerprint[fp] for fp in fingerprints], calls=calls
    )
    outcomes = [p.outcome for p in report.parcels]
    session.record_run(
        "confirm_shipment", started, {"order_id": shipment.order_id, "calls": calls, "outcomes": outcomes}
    )
    return report


def _done_by_the_twin(
    session: Session,
    order_id: str,
    unique: Mapping[str, ShipmentParcel],
    legacy: Mapping[str, str],
    busy: LeaseBusy,
) -> dict[str, ParcelResult]:
    """The lease stayed taken: if the twin confirmed every parcel, say so; otherwise report who runs."""
    results = {}
    for fingerprint in unique:
        intent = _intent(session, order_id, fingerprint, legacy[fingerprint])
        if intent is None or intent.status != "done":
            raise busy  # its message names the holder and since when
        results[fingerprint] = already_confirmed(intent)
    return results


def _intent(session: Session, order_id: str, fingerprint: str, legacy: str | None = None) -> Intent | None:
    key = intent_key(order_id, fingerprint)
    found = session.store.get_intent(session.id, session.account_id, SHIPMENT_INTENT, key)
    if found is None and legacy is not None and legacy != fingerprint:
        # Recorded by a release that counted the carrier's spelling in the identity: the same parcel.
        found = _intent(session, order_id, legacy)
    if found is None and session.account_id:
        # Confirmed before ledgers were kept per shop: the migration kept those rows under no shop.
        unowned = session.store.get_intent(session.id, NO_ACCOUNT, SHIPMENT_INTENT, key)
        return unowned if unowned is not None and unowned.status == "done" else None
    return found


def _confirm_under_lease(
    session: Session,
    order_id: str,
    unique: Mapping[str, ShipmentParcel],
    legacy: Mapping[str, str],
    overrides: list[Interception],
) -> tuple[dict[str, ParcelResult], int]:
    intents = {fp: _intent(session, order_id, fp, legacy[fp]) for fp in unique}
    results: dict[str, ParcelResult] = {
        fp: already_confirmed(intent)
        for fp, intent in intents.items()
        if intent is not None and intent.status == "done"
    }
    planned: dict[str, list[str]] = {}
    to_plan = [fp for fp, intent in intents.items() if intent is None or intent.status == "refused"]
    if len(results) < len(unique):
        # Before anything is planned or sent (again): the order as the channel has it NOW must be shippable.
        named = {i for fp in unique for line in unique[fp].lines for i in line.channel_line_ids}
        explicit = bool(named) and all(line.channel_line_ids for p in unique.values() for line in p.lines)
        check(session, order_id, overrides, named if explicit else None)
    if to_plan:
        planned, refusals = _plan_or_correct(session, order_id, unique, to_plan, overrides)
        results.update(refusals)
        for fp, line_ids in planned.items():
            parcel = unique[fp]
            payload = {
                "order_id": order_id,
                "tracking_number": parcel.tracking_number,
                "carrier": parcel.carrier,
                "line_ids": line_ids,
            }
            if parcel.replaces:
                payload["replaces"] = parcel.replaces
            intents[fp] = session.store.begin_intent(
                session.id, session.account_id, SHIPMENT_INTENT, intent_key(order_id, fp), payload
            )
    # Send every parcel with a pending intent: the ones just planned and the uncertain ones from before,
    # each with the line ids recorded the first time.
    calls = 0
    for fp, parcel in unique.items():
        intent = intents[fp]
        if fp in results or intent is None:
            continue
        if fp not in planned:  # uncertain from an earlier attempt: count this attempt, keep its payload
            intent = session.store.begin_intent(
                session.id, session.account_id, SHIPMENT_INTENT, intent.key, dict(intent.payload)
            )
        result, made = _send(session, order_id, parcel, intent, overrides)
        calls += made
        results[fp] = result
    return results, calls


def _plan_or_correct(
    session: Session,
    order_id: str,
    unique: Mapping[str, ShipmentParcel],
    to_plan: list[str],
    overrides: list[Interception],
) -> tuple[dict[str, list[str]], dict[str, ParcelResult]]:
    """The line ids of each parcel to record: a correction's are those of the parcel it corrects; a new
    parcel's are chosen by the connector among the units no other parcel holds."""
    planned: dict[str, list[str]] = {}
    refusals: dict[str, ParcelResult] = {}
    for fp in [fp for fp in to_plan if unique[fp].replaces]:
        try:
            planned[fp] = corrected_line_ids(session, order_id, unique[fp])
        except NothingToCorrect as exc:
            refusals[fp] = _rejected(unique[fp], str(exc))
    new = [fp for fp in to_plan if not unique[fp].replaces]
    if not new:
        return planned, refusals
    held = held_line_ids(session, order_id)
    try:
        chosen = _plan(session, order_id, [unique[fp] for fp in new], overrides, held)
    except ShipmentRejected as exc:
        return planned, {**refusals, **{fp: _rejected(unique[fp], _with_hint(str(exc))) for fp in new}}
    for fp, ids in zip(new, chosen, strict=True):
        taken = sorted(set(ids) & held)
        if taken:
            # Whatever the connector chose: a new parcel never re-tracks a unit another parcel holds.
            message = f"order {order_id}, parcel {unique[fp].tracking_number}: line items {taken} belong to another parcel"
            refusals[fp] = _rejected(unique[fp], _with_hint(message))
        else:
            planned[fp] = ids
    return planned, refusals


def _with_hint(message: str) -> str:
    return (
        f"{message} (to change the tracking of a parcel already confirmed, send the new tracking with "
        "replaces=<its tracking number>)"
    )


def _plan(
    session: Session,
    order_id: str,
    parcels: list[ShipmentParcel],
    overrides: list[Interception],
    held: set[str],
) -> list[list[str]]:
    """The line ids each parcel covers, chosen once by the connector (or as the host gave them)."""
    shipment = Shipment(order_id=order_id, parcels=parcels, overrides=overrides)
    if not session.connector.implements("plan_shipment"):
        # A connector that cannot plan confirms the parcels as the host described them.
        return [sorted({i for line in p.lines for i in line.channel_line_ids}) for p in parcels]
    plan = session.connector.plan_shipment(session.context(), shipment, sorted(held))
    if len(plan.parcels) != len(parcels):
        raise ConnectorError(
            f"connector {session.connector.id!r} planned {len(plan.parcels)} parcels for {len(parcels)} of order "
            f"{order_id}: plan_shipment must return one parcel per parcel, in order"
        )
    chosen = []
    for asked, resolved in zip(parcels, plan.parcels, strict=True):
        ids = sorted({i for line in resolved.lines for i in line.channel_line_ids})
        if not ids or resolved.tracking_number != asked.tracking_number:
            raise ConnectorError(
                f"connector {session.connector.id!r} planned parcel {asked.tracking_number} of order {order_id} "
                "without channel line ids: plan_shipment must resolve every parcel to the lines it covers"
            )
        chosen.append(ids)
    return chosen


def _send(
    session: Session, order_id: str, parcel: ShipmentParcel, intent: Intent, overrides: list[Interception]
) -> tuple[ParcelResult, int]:
    """One parcel with its recorded lines to the connector; the outcome goes into the ledger."""
    payload = intent.payload
    recorded = ShipmentParcel(
        tracking_number=str(payload.get("tracking_number") or parcel.tracking_number),
        carrier=str(payload.get("carrier") or parcel.carrier),
        lines=[ShipmentLine(channel_line_ids=[str(i) for i in payload.get("line_ids") or []])]
        if payload.get("line_ids")
        else parcel.lines,
    )
    # An exception (outage, lost answer, kill) leaves the intent pending: the next attempt re-sends it.
    # The connector reads the order right before its write and refuses one that must not ship (a
    # cancellation that arrived after the plan): nothing was sent, so the intent is refused, not pending.
    try:
        report = session.connector.confirm_shipment(
            session.context(), Shipment(order_id=order_id, parcels=[recorded], overrides=overrides)
        )
    except OrderIntercepted as exc:
        refused = {
            "outcome": "rejected",
            "code": exc.reason.value if exc.reason else None,
            "message": str(exc),
        }
        session.store.finish_intent(
            session.id, session.account_id, SHIPMENT_INTENT, intent.key, "refused", refused
        )
        raise
    if len(report.parcels) != 1:
        raise ConnectorError(
            f"connector {session.connector.id!r} answered confirm_shipment for order {order_id} with "
            f"{len(report.parcels)} parcel results for 1 parcel: it must return one result per parcel, in order"
        )
    result = report.parcels[0]
    outcome: dict[str, Any] = {
        "outcome": result.outcome,
        "package_id": result.package_id,
        "channel_line_ids": list(result.channel_line_ids),
        "code": result.code,
        "message": result.message,
    }
    status: FinalIntentStatus = "refused" if result.outcome == "rejected" else "done"
    session.store.finish_intent(session.id, session.account_id, SHIPMENT_INTENT, intent.key, status, outcome)
    return result.model_copy(
        update={"tracking_number": parcel.tracking_number, "carrier": parcel.carrier}
    ), report.calls


def already_confirmed(intent: Intent) -> ParcelResult:
    outcome = intent.outcome or {}
    payload = intent.payload
    return ParcelResult(
        tracking_number=str(payload.get("tracking_number", "")),
        carrier=str(payload.get("carrier", "")),
        outcome="already_confirmed",
        package_id=outcome.get("package_id"),
        channel_line_ids=[str(i) for i in outcome.get("channel_line_ids") or payload.get("line_ids") or []],
        message=f"confirmed on {intent.updated_at:%Y-%m-%d %H:%M} UTC; no call made",
    )


def _rejected(parcel: ShipmentParcel, message: str) -> ParcelResult:
    return ParcelResult(
        tracking_number=parcel.tracking_number, carrier=parcel.carrier, outcome="rejected", message=message
    )
