"""A box as TikTok's label calls take it: its lines, weight (grams or pounds) and size (cm or inches)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from connector_core.models import LabelParcel

GRAMS = {"g": Decimal(1), "kg": Decimal(1000)}
POUNDS = {"lb": Decimal(1), "oz": Decimal(1) / Decimal(16)}


def wire_weight(parcel: LabelParcel) -> dict[str, str] | None:
    weight = parcel.weight
    if weight is None:
        return None
    if weight.unit in GRAMS:
        return {"value": _plain(weight.value * GRAMS[weight.unit]), "unit": "GRAM"}
    return {"value": _plain(weight.value * POUNDS[weight.unit]), "unit": "POUND"}


def wire_dimension(parcel: LabelParcel) -> dict[str, str] | None:
    size = parcel.dimensions
    if size is None:
        return None
    unit = "CM" if size.unit == "cm" else "INCH"
    return {
        "length": _plain(size.length),
        "width": _plain(size.width),
        "height": _plain(size.height),
        "unit": unit,
    }


def _plain(value: Decimal) -> str:
    text = format(value.quantize(Decimal("0.001")).normalize(), "f")
    return text


def box_body(parcel: LabelParcel) -> dict[str, Any]:
    body: dict[str, Any] = {"order_line_item_ids": list(parcel.channel_line_ids)}
    if (weight := wire_weight(parcel)) is not None:
        body["weight"] = weight
    if (dimension := wire_dimension(parcel)) is not None:
        body["dimension"] = dimension
    return body
