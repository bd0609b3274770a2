"""The tasks that change what the channel knows of the seller's goods: stock levels, shipment
confirmations and shipping labels (the urgent lane: a parcel or an oversold item is waiting)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ...models import LabelParcel, Shipment, StockLevel
from .guard import Result, guarded, open_integration


def push_stock(
    task: Any, integration_id: str, levels: Sequence[Mapping[str, Any]], force: bool = False
) -> Result:
    """Push absolute stock levels (`[{"sku", "quantity", "warehouse"?}]`); the ledger skips unchanged ones."""

    def work() -> Result:
        parsed = [StockLevel.model_validate(level) for level in levels]
        report = open_integration(integration_id).push_stock(parsed, force=force)
        return {"ok": True, "report": report.model_dump(mode="json")}

    return guarded(task, f"stock push for integration {integration_id}", work)


def confirm_shipment(task: Any, integration_id: str, shipment: Mapping[str, Any]) -> Result:
    """Confirm a shipment; a repeat (or a retry after a lost answer) never ships twice (intents)."""

    def work() -> Result:
        report = open_integration(integration_id).confirm_shipment(Shipment.model_validate(shipment))
        return {"ok": True, "report": report.model_dump(mode="json")}

    return guarded(task, f"shipment confirmation for integration {integration_id}", work)


def create_labels(
    task: Any, integration_id: str, order_id: str, boxes: Sequence[Any], service_id: str | None = None
) -> Result:
    """Buy one label per box (a list of channel line ids, or a full parcel); never bought twice."""

    def work() -> Result:
        parsed = [box if isinstance(box, list) else LabelParcel.model_validate(box) for box in boxes]
        report = open_integration(integration_id).create_labels(order_id, parsed, service_id)
        return {
            "ok": True,
            "report": report.model_dump(
                mode="json", exclude={"results": {"__all__": {"label": {"document"}}}}
            ),
        }

    return guarded(task, f"labels of order {order_id} for integration {integration_id}", work)
