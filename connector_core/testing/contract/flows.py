"""The contract's flow tests: order import over several pages with every status mapped, stock push,
shipment confirmation, the label flow and webhook verification, each once and never twice."""

from __future__ import annotations

from datetime import datetime

import pytest

from ...errors import LabelVoidUnsupported
from ...integration import WebhookRejected
from ...models import Capability, OrderStatus, Shipment, StockLevel
from ..session import ContractSession
from .plumbing import ContractPlumbing


class FlowsContract(ContractPlumbing):
    """The work a connection does for the seller, each flow of a declared capability."""

    def test_order_import(self, contract: ContractSession) -> None:
        self._require(Capability.ORDERS)
        integration = contract.connected()
        window = contract.fact(
            "order_window",
            lambda channel: [t.isoformat() for t in self.order_window(channel, contract.clock.now())],
        )
        since, until = (datetime.fromisoformat(t) for t in window)
        pages = list(integration.pull_orders(since, until))
        assert len(pages) >= self.min_order_pages, (
            f"the window held {len(pages)} page(s); the contract needs {self.min_order_pages}: "
            "widen the harness's order_window"
        )
        assert all(p.resume for p in pages[:-1]), "every page but the last says how to continue"
        orders = [o for p in pages for o in p.orders]
        problems = [pr for p in pages for pr in p.problems]
        assert not problems, problems[:3]
        assert len({o.id for o in orders}) == len(orders), "no order is imported twice in one window"
        assert [o.updated_at for o in orders] == sorted(o.updated_at for o in orders), "oldest update first"
        assert all(since <= o.updated_at < until for o in orders), "every order was updated inside the window"
        ctx = integration.context()
        seen = {o.channel_status for o in orders}
        for status in sorted(seen):
            mapped = integration.connector.map_known_status(ctx, status, {})  # not the core default
            assert mapped is not None, f"the connector does not map its own status {status!r}"
        missing = self.expected_channel_statuses - seen
        assert not missing, f"the window holds no order in {sorted(missing)}: every status must be mapped"
        for order in orders:
            assert order.status in OrderStatus
            assert order.lines, f"order {order.id} has lines"

        wanted = [orders[0].id, orders[-1].id]
        unknown = [self.unknown_order_id] if self.unknown_order_id else []
        page = integration.get_orders([*wanted, *unknown])
        assert sorted(o.id for o in page.orders) == sorted(wanted)
        assert [p.order_id for p in page.problems] == unknown

    # --- stock -------------------------------------------------------------------------------------------------

    def test_stock_push(self, contract: ContractSession) -> None:
        self._require(Capability.STOCK)
        integration = contract.connected()
        stored = contract.fact(
            "stock_levels",
            lambda channel: [lv.model_dump(mode="json") for lv in self.stock_levels(channel, integration)],
        )
        levels = [StockLevel.model_validate(item) for item in stored]
        assert levels, "the harness names at least one SKU"
        unknown = StockLevel(sku=self.unknown_sku, quantity=1)
        report = integration.push_stock([*levels, unknown])
        outcomes = {(r.sku, r.warehouse): r.outcome for r in report.results}
        for level in levels:
            assert outcomes[(level.sku, level.warehouse)] == "updated", report
        assert outcomes[(unknown.sku, None)] == "unknown_sku"
        assert report.calls >= 1
        again = integration.push_stock(levels)
        assert {r.outcome for r in again.results} == {"unchanged"}
        assert again.calls == 0, "an unchanged level is not sent again"

    # --- shipments ---------------------------------------------------------------------------------------------

    def test_shipment_confirmation(self, contract: ContractSession) -> None:
        self._require(Capability.SHIPMENTS)
        integration = contract.connected()
        stored = contract.fact(
            "shipment", lambda channel: self.shipment(channel, integration).model_dump(mode="json")
        )
        shipment = Shipment.model_validate(stored)
        report = integration.confirm_shipment(shipment)
        assert [p.outcome for p in report.parcels] == ["confirmed"] * len(shipment.parcels), report
        assert report.calls >= 1
        again = integration.confirm_shipment(shipment)
        assert [p.outcome for p in again.parcels] == ["already_confirmed"] * len(shipment.parcels)
        assert again.calls == 0, "a repeated confirmation makes no call"
        if Capability.ORDERS in integration.connector.capabilities:
            order = integration.get_orders([shipment.order_id]).orders[0]
            tracking = {p.tracking_number for p in order.parcels}
            assert {p.tracking_number for p in shipment.parcels} <= tracking, order.parcels

    # --- labels ------------------------------------------------------------------------------------------------

    def test_label_flow(self, contract: ContractSession) -> None:
        self._require(Capability.LABELS)
        integration = contract.connected()
        stored = contract.fact("label_boxes", lambda channel: self.label_boxes(channel, integration))
        order_id, boxes = str(stored["order_id"]), [list(box) for box in stored["boxes"]]
        report = integration.create_labels(order_id, boxes)
        assert [r.outcome for r in report.results] == ["created"] * len(boxes), report
        labels = [r.label for r in report.results if r.label is not None]
        assert [sorted(label.channel_line_ids) for label in labels] == [sorted(box) for box in boxes]
        assert len({label.package_id for label in labels}) == len(boxes)
        for label in labels:
            assert label.document, "the label document is kept as bytes"
            if label.document_format == "pdf":
                assert label.document.startswith(b"%PDF-"), label.document[:16]
        before = contract.http.stats.requests
        again = integration.create_labels(order_id, boxes)
        assert [r.outcome for r in again.results] == ["already_created"] * len(boxes)
        assert contract.http.stats.requests == before, "a repeated label request makes no call"
        ledger = integration.labels(order_id)
        assert sorted(label.package_id for label in ledger) == sorted(label.package_id for label in labels)
        reprinted = integration.reprint(labels[0].package_id)
        assert reprinted.package_id == labels[0].package_id and reprinted.document
        try:
            voided = integration.void_label(labels[0].package_id)
        except LabelVoidUnsupported as exc:
            assert str(exc), "a channel that cannot void says where to do it"
        else:
            assert voided is True

    # --- webhooks ----------------------------------------------------------------------------------------------

    def test_webhooks(self, contract: ContractSession) -> None:
        self._require(Capability.WEBHOOKS)
        integration = contract.connected()
        body = str(
            contract.fact(
                "webhook_body", lambda channel: self.webhook_body(channel, integration).decode("utf-8")
            )
        ).encode("utf-8")
        headers = self.sign_webhook(contract.credentials, body)
        events = integration.receive_webhook(headers, body)
        assert events, "a verified delivery yields at least one event"
        assert integration.receive_webhook(headers, body) == [], "a repeated delivery is de-duplicated"
        with pytest.raises(WebhookRejected):
            integration.receive_webhook(headers, body + b" ")
        with pytest.raises(WebhookRejected):
            integration.receive_webhook({k: "0" * len(v) for k, v in headers.items()}, body)
        order_events = [e for e in events if e.order_id]
        if order_events and Capability.ORDERS in integration.connector.capabilities:
            event = order_events[0]
            page = integration.get_orders([str(event.order_id)])
            assert [o.id for o in page.orders] == [event.order_id]
            if event.status is not None:
                assert event.status in OrderStatus
