"""Channel-sold shipping labels, exactly once: a label is money spent, so a retry must never buy a second one.

The host says which of the order's lines go in each box. Under a per-order lease the core:

1. reads the order's "label" intents: a box whose intent is done is reported from the ledger, no call;
2. records a "split" intent for the whole box set, then asks the connector to make the channel hold one
   package per box where it needs that before labelling (`split_parcels`, safe to repeat by read-back);
3. for each remaining box records a "label" intent with the exact line ids, service and handover BEFORE
   the call, then asks the connector for the label (`create_label`), keeps the document bytes in the
   store (a channel URL expires) and records the outcome.

A pending intent (lost answer, exception, kill between the call and the ledger write) is retried with the
payload first recorded; the connector reads the order back, finds the label bought the first time and
returns it instead of buying again. A refusal records the reason and buys nothing; the next call may
choose again.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import timedelta
from typing import Any, Protocol

from ..context import ConnectorContext
from ..errors import FieldError, InvalidInput, LabelNotAllowed, LabelRefused
from ..host import Connector
from ..leases import HeldLease, LeaseBusy, hold
from ..models import (
    HandoverChoice,
    Interception,
    Label,
    LabelParcel,
    LabelReport,
    LabelResult,
    ShippingService,
)
from ..store import Intent, Store
from .interception import OrderIntercepted, check

log = logging.getLogger("connector_core.flows.labels")

LABEL_INTENT = "label"
SPLIT_INTENT = "split"
LABEL_LEASE_TTL = timedelta(minutes=2)
"""Renewed while the run goes on (however many boxes, however slow the channel); it only bounds how long a
run killed on another machine blocks the next."""
MEDIA_TYPES = {"pdf": "application/pdf", "png": "image/png", "zpl": "application/zpl"}

Box = LabelParcel | Sequence[str]
"""A box as the host gives it: a full `LabelParcel`, or just the channel line ids it holds."""


class LabelSession(Protocol):
    """What the label flow needs from an opened integration (today's `Integration` or a flows session)."""

    @property
    def id(self) -> str: ...
    @property
    def account_id(self) -> str: ...
    @property
    def store(self) -> Store: ...
    @property
    def connector(self) -> Connector: ...
    @property
    def late_call_bound(self) -> timedelta: ...
    def context(self) -> ConnectorContext: ...


def box_key(order_id: str, line_ids: Sequence[str]) -> str:
    """The intent key of one box: the order and the exact set of line ids in it."""
    digest = hashlib.sha256("|".join(sorted(line_ids)).encode()).hexdigest()[:32]
    return f"{order_id}/{digest}"


def split_key(order_id: str, parcels: Sequence[LabelParcel]) -> str:
    boxes = sorted(",".join(sorted(p.channel_line_ids)) for p in parcels)
    return f"{order_id}/{hashlib.sha256(';'.join(boxes).encode()).hexdigest()[:32]}"


def document_key(package_id: str) -> str:
    return f"label/{package_id}"


def normalise_boxes(order_id: str, boxes: Sequence[Box]) -> list[LabelParcel]:
    """The boxes as parcels of this order; one clear error naming each bad box."""
    if not order_id:
        raise InvalidInput("labels", [FieldError("order_id", "is required")])
    if not boxes:
        raise InvalidInput(f"labels for order {order_id}", [FieldError("boxes", "give at least one box")])
    parcels: list[LabelParcel] = []
    errors: list[FieldError] = []
    owner: dict[str, int] = {}
    for number, box in enumerate(boxes, start=1):
        parcel = box if isinstance(box, LabelParcel) else None
        ids = list(parcel.channel_line_ids) if parcel else [str(i).strip() for i in box if str(i).strip()]
        if parcel is not None and parcel.order_id != order_id:
            errors.append(FieldError(f"box {number}", f"belongs to order {parcel.order_id}, not {order_id}"))
        if not ids:
            errors.append(FieldError(f"box {number}", "lists no line id"))
        for line_id in ids:
            if line_id in owner:
                errors.append(
                    FieldError(f"box {number}", f"line {line_id} is already in box {owner[line_id]}")
                )
            owner.setdefault(line_id, number)
        if ids and not errors:
            parcels.append(parcel or LabelParcel(order_id=order_id, channel_line_ids=ids))
    if errors:
        raise InvalidInput(f"labels for order {order_id}", errors)
    return parcels


@contextmanager
def _order_lease(session: LabelSession, order_id: str) -> Iterator[HeldLease]:
    """The core's lease of the order's labels: no wait (a twin run is told at once), renewed while the run
    goes on, and a dead run's lease taken over only once its last call can no longer land (money spent)."""
    try:
        with hold(
            session.store,
            f"labels:{session.id}:{session.account_id}:{order_id}",
            what=f"a label run of order {order_id}",
            ttl=LABEL_LEASE_TTL,
            wait=timedelta(0),
            settle=session.late_call_bound,
        ) as lease:
            yield lease
    except LeaseBusy as busy:
        if type(busy) is not LeaseBusy:
            raise  # LeaseLost: this run stopped; the run holding the order now reports its boxes
        holder = busy.holder
        raise LabelNotAllowed(
            f"order {order_id}: another label run holds it"
            + (f" ({holder.owner}, until {holder.expires_at:%H:%M:%S} UTC)" if holder else "")
            + "; wait for it to finish, then read the ledger (labels are never bought twice)"
        ) from None


def create_labels(
    session: LabelSession,
    order_id: str,
    boxes: Sequence[Box],
    service_id: str | None = None,
    handover: HandoverChoice | None = None,
    overrides: Sequence[Interception] = (),
) -> LabelReport:
    """Label every box of `order_id` once (see the module docstring); refused, before anything is bought,
    for an order the channel says must not ship now (`interception`), unless the host `overrides` it."""
    parcels = normalise_boxes(order_id, boxes)
    with _order_lease(session, order_id) as lease:
        done = {i.key: i for i in _intents(session, order_id, LABEL_INTENT) if i.status == "done"}
        keys = [box_key(order_id, p.channel_line_ids) for p in parcels]
        results: dict[str, LabelResult] = {
            key: _from_ledger(session, done[key]) for key in keys if key in done
        }
        todo = [key for key in keys if key not in done]
        if todo:
            boxed = {i for p in parcels for i in p.channel_line_ids}
            check(session, order_id, overrides, boxed, action="label")  # type: ignore[arg-type]
            ctx = session.context()
            packaged = _split(session, ctx, order_id, parcels)
            for key in todo:
                results[key] = _label_one(
                    session, ctx, lease, key, packaged[key], service_id, handover, overrides
                )
    return LabelReport(order_id=order_id, results=[results[key] for key in keys])


def _intents(session: LabelSession, order_id: str, kind: str) -> list[Intent]:
    return session.store.list_intents(
        session.id, account_id=session.account_id, kind=kind, key_prefix=f"{order_id}/"
    )


def _split(
    session: LabelSession, ctx: ConnectorContext, order_id: str, parcels: list[LabelParcel]
) -> dict[str, LabelParcel]:
    """Each box's parcel with the channel's package id where the channel made one (split intent first)."""
    key = split_key(order_id, parcels)
    payload = {"order_id": order_id, "boxes": [p.channel_line_ids for p in parcels]}
    intent = session.store.begin_intent(session.id, session.account_id, SPLIT_INTENT, key, payload)
    if intent.status == "done" and intent.outcome is not None:
        packages = list(intent.outcome.get("package_ids") or [])
    else:
        try:
            split = session.connector.split_parcels(ctx, order_id, parcels)
        except LabelNotAllowed as exc:
            session.store.finish_intent(
                session.id, session.account_id, SPLIT_INTENT, key, "refused", {"reason": str(exc)}
            )
            raise
        if len(split) != len(parcels):
            raise LabelNotAllowed(
                f"connector {session.connector.id!r} answered split_parcels for order {order_id} with "
                f"{len(split)} parcels for {len(parcels)} boxes: it must return one per box, in order"
            )
        packages = [p.package_id for p in split]
        session.store.finish_intent(
            session.id, session.account_id, SPLIT_INTENT, key, "done", {"package_ids": packages}
        )
    return {
        box_key(order_id, p.channel_line_ids): p.model_copy(update={"package_id": pkg})
        for p, pkg in zip(parcels, packages, strict=True)
    }


def _label_one(
    session: LabelSession,
    ctx: ConnectorContext,
    lease: HeldLease,
    key: str,
    parcel: LabelParcel,
    service_id: str | None,
    handover: HandoverChoice | None,
    overrides: Sequence[Interception] = (),
) -> LabelResult:
    payload = {
        "parcel": parcel.model_dump(mode="json"),
        "service_id": service_id,
        "handover": handover.model_dump(mode="json") if handover else None,
    }
    lease.confirm()  # a run that lost its lease buys nothing more
    intent = session.store.begin_intent(session.id, session.account_id, LABEL_INTENT, key, payload)
    # The choice first recorded wins: a retry re-sends it, it never re-chooses (the store kept that payload).
    recorded = intent.payload
    parcel = LabelParcel.model_validate(recorded["parcel"])
    chosen_handover = (
        HandoverChoice.model_validate(recorded["handover"]) if recorded.get("handover") else None
    )
    if intent.attempts > 1:
        log.info("label %s of order %s: retrying an attempt whose outcome is unknown", key, parcel.order_id)
    try:
        label = session.connector.create_label(
            ctx, parcel, recorded.get("service_id"), chosen_handover, list(overrides)
        )
    except (LabelNotAllowed, OrderIntercepted) as exc:
        # The channel will not label this box as asked (or the order must not ship now, seen right before
        # buying): nothing was bought, so the box may be chosen again.
        session.store.finish_intent(
            session.id, session.account_id, LABEL_INTENT, key, "refused", {"reason": str(exc), "code": None}
        )
        raise
    except LabelRefused as exc:
        session.store.finish_intent(
            session.id,
            session.account_id,
            LABEL_INTENT,
            key,
            "refused",
            {"reason": str(exc), "code": exc.code},
        )
        return LabelResult(
            channel_line_ids=parcel.channel_line_ids, outcome="refused", code=exc.code, message=str(exc)
        )
    # `created` is said once per box across runs: only by the run that held the order's lease without a
    # gap from before its call until this report. A run that stalled past its lease stops here and leaves
    # the box pending; the run that took the lease over settles it (by read-back) and reports it.
    lease.confirm()
    _keep(session, label)
    before = session.store.get_intent(session.id, session.account_id, LABEL_INTENT, key)
    session.store.finish_intent(session.id, session.account_id, LABEL_INTENT, key, "done", _outcome(label))
    if before is not None and before.status == "done":
        return _from_ledger(session, before)
    return LabelResult(channel_line_ids=parcel.channel_line_ids, outcome="created", label=label)


def _keep(session: LabelSession, label: Label) -> None:
    media_type = MEDIA_TYPES[label.document_format]
    session.store.put_document(session.id, document_key(label.package_id), label.document, media_type)


def _outcome(label: Label) -> dict[str, Any]:
    outcome = label.model_dump(mode="json", exclude={"document", "document_url"})
    outcome["document_key"] = document_key(label.package_id)
    return outcome


def _label_from(session: LabelSession, outcome: dict[str, Any]) -> Label:
    fields = {k: v for k, v in outcome.items() if k != "document_key"}
    stored = session.store.get_document(session.id, str(outcome.get("document_key")))
    return Label.model_validate({**fields, "document": stored[0] if stored else b""})


def _from_ledger(session: LabelSession, intent: Intent) -> LabelResult:
    label = _label_from(session, dict(intent.outcome or {}))
    when = f"bought {intent.updated_at:%Y-%m-%d %H:%M} UTC; no call made"
    return LabelResult(
        channel_line_ids=label.channel_line_ids, outcome="already_created", label=label, message=when
    )


def labels(session: LabelSession, order_id: str) -> list[Label]:
    """The ledger: every label bought for the order, with its kept document, oldest first."""
    return [
        _label_from(session, dict(i.outcome or {}))
        for i in _intents(session, order_id, LABEL_INTENT)
        if i.status == "done"
    ]


def uncertain(session: LabelSession, order_id: str) -> list[Intent]:
    """Boxes whose label call's outcome is unknown (a retry of `create_labels` settles them)."""
    return [i for i in _intents(session, order_id, LABEL_INTENT) if i.status == "pending"]


def reprint(session: LabelSession, package_id: str) -> Label:
    """The label's document fetched again from the channel (and kept); the kept copy if the channel refuses."""
    try:
        label = session.connector.fetch_label(session.context(), package_id)
    except LabelRefused as exc:
        kept = session.store.get_document(session.id, document_key(package_id))
        if kept is None:
            raise
        known = [_label_from(session, dict(i.outcome or {})) for i in _by_package(session, package_id)]
        if not known:
            raise
        return known[0].model_copy(
            update={"warnings": [f"the channel refused a fresh copy ({exc}); this is the kept one"]}
        )
    _keep(session, label)
    return label


def _by_package(session: LabelSession, package_id: str) -> list[Intent]:
    found = session.store.list_intents(
        session.id, account_id=session.account_id, kind=LABEL_INTENT, status="done"
    )
    return [i for i in found if (i.outcome or {}).get("package_id") == package_id]


def shipping_services(session: LabelSession, box: LabelParcel) -> list[ShippingService]:
    return session.connector.shipping_services(session.context(), box)


def handover_choices(session: LabelSession, box: LabelParcel) -> list[HandoverChoice]:
    return session.connector.handover_choices(session.context(), box)


def void_label(session: LabelSession, package_id: str) -> bool:
    return session.connector.void_label(session.context(), package_id)
