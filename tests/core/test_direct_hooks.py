"""The per-order status hook called straight: the same answers as pluggy's call, and pluggy's own call
whenever something watches or wraps the hook (call metrics must still count every call)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from core_support import FAKE_ID, FakeChannel, FakeConnector

from connector_core import (
    ConnectorContext,
    ConnectorHost,
    HookMetrics,
    OrderStatus,
    StatusOverride,
    hookimpl,
)
from connector_core.direct_hooks import first_result_caller


def _host(channel: FakeChannel, schemas: Path, *plugins: Any) -> ConnectorHost:
    host = ConnectorHost([StatusOverride({"READY": "cancelled"}), *plugins], group="none", environ={})
    host.add(FAKE_ID, FakeConnector(channel, schemas))
    return host


def test_the_direct_call_answers_as_pluggy_does(
    channel: FakeChannel, fake_schema_dir: Path, bare_context: ConnectorContext
) -> None:
    class LateMapper:
        """Registered last, not tryfirst: asked after the override, before the connector."""

        @hookimpl
        def map_order_status(self, channel_status: str) -> OrderStatus | None:
            return OrderStatus.DELIVERED if channel_status == "LATE" else None

    connector = _host(channel, fake_schema_dir, LateMapper()).get(FAKE_ID)
    hook = connector.known_status_hook()
    direct = first_result_caller(connector.pm, hook)

    assert direct is not hook, "plain implementations: called directly"
    for status in ("READY", "SENT", "LATE", "NOBODY_KNOWS"):
        args = {"ctx": bare_context, "channel_status": status, "channel_order": {}}
        assert direct(**args) == hook(**args), status
    assert direct(ctx=bare_context, channel_status="NOBODY_KNOWS", channel_order={}) is None


def test_with_call_metrics_on_the_manager_pluggy_makes_the_call(
    channel: FakeChannel, fake_schema_dir: Path, bare_context: ConnectorContext
) -> None:
    metrics = HookMetrics()
    connector = _host(channel, fake_schema_dir, metrics).get(FAKE_ID)
    hook = connector.known_status_hook()

    assert first_result_caller(connector.pm, hook) is hook
