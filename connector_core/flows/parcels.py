"""A parcel's identity, decided once from what the host asked, and explicit tracking corrections.

A retry is the same parcel when the host means the same parcel: the identity is the order, the tracking
number as carriers print it (case and spaces do not count), the lines asked for and, for a correction,
the tracking it corrects. The carrier is not part of it: 'Royal Mail' then 'royal-mail' after a lost
answer is one parcel, sent again with the carrier recorded the first time, never a second unit.

A new parcel only takes units no other parcel of the order holds. Changing the tracking of a shipped
parcel is a correction the host asks for by name (`ShipmentParcel.replaces`): exactly the units recorded
for that tracking get the new one, never another parcel's.
"""

from __future__ import annotations

import hashlib
import re

from ..context import SHIPMENT_INTENT
from ..models import ShipmentParcel
from ..store import Intent
from .session import Session


def normal_tracking(tracking: str) -> str:
    """A tracking number as carriers mean it: case and whitespace do not count."""
    return re.sub(r"\s+", "", tracking).upper()


def parcel_fingerprint(order_id: str, parcel: ShipmentParcel) -> str:
    """Identifies 'this parcel of this order': equal fingerprints, same confirmation."""
    lines = sorted(
        f"{line.sku or ''}:{line.quantity or ''}:{','.join(sorted(line.channel_line_ids))}"
        for line in parcel.lines
    )
    parts = [order_id, normal_tracking(parcel.tracking_number), *lines]
    if parcel.replaces:
        parts.append(f"replaces:{normal_tracking(parcel.replaces)}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


def legacy_fingerprint(order_id: str, parcel: ShipmentParcel) -> str:
    """The fingerprint releases before this one recorded (the carrier's spelling was part of it), so a
    parcel still uncertain in an upgraded store is found again, not planned anew."""
    lines = sorted(
        f"{line.sku or ''}:{line.quantity or ''}:{','.join(sorted(line.channel_line_ids))}"
        for line in parcel.lines
    )
    key = "|".join([order_id, parcel.tracking_number.strip().upper(), parcel.carrier.strip().lower(), *lines])
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def order_intents(session: Session, order_id: str) -> list[Intent]:
    return session.store.list_intents(
        session.id, account_id=session.account_id, kind=SHIPMENT_INTENT, key_prefix=f"{order_id}/"
    )


def recorded_line_ids(intent: Intent) -> list[str]:
    outcome = intent.outcome or {}
    return [str(i) for i in outcome.get("channel_line_ids") or intent.payload.get("line_ids") or []]


def held_line_ids(session: Session, order_id: str) -> set[str]:
    """Units another parcel of this order holds, shipped or uncertain: no new parcel may take them."""
    held: set[str] = set()
    for intent in order_intents(session, order_id):
        if intent.status != "refused":
            held.update(recorded_line_ids(intent))
    return held


class NothingToCorrect(ValueError):
    """The tracking a correction names was never confirmed for this order, or is still uncertain."""


def corrected_line_ids(session: Session, order_id: str, parcel: ShipmentParcel) -> list[str]:
    """The units of the parcel `parcel.replaces` names: the ones a correction re-tracks, and only those."""
    assert parcel.replaces is not None
    if parcel.lines:
        raise NothingToCorrect(
            f"order {order_id}, parcel {parcel.tracking_number}: a correction re-tracks exactly the units of "
            f"{parcel.replaces}; leave its lines out"
        )
    wanted = normal_tracking(parcel.replaces)
    matches = [
        i
        for i in order_intents(session, order_id)
        if normal_tracking(str(i.payload.get("tracking_number", ""))) == wanted and i.status != "refused"
    ]
    if any(i.status == "pending" for i in matches):
        raise NothingToCorrect(
            f"order {order_id}: the parcel with tracking {parcel.replaces} is still uncertain; confirm it again "
            "first, then correct it"
        )
    if not matches:
        raise NothingToCorrect(
            f"order {order_id}: no parcel was confirmed with tracking {parcel.replaces}, so there is nothing "
            "to correct"
        )
    newest = max(matches, key=lambda i: i.updated_at)
    return sorted(recorded_line_ids(newest))
