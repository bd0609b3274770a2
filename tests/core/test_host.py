"""ConnectorHost: entry-point discovery, per-connector isolation, strict mode, the load filter, the facade."""

from __future__ import annotations

import importlib
import logging
import textwrap
import uuid
from collections.abc import Callable
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest
from core_support import FAKE_ID, FakeChannel, FakeConnector

import connector_core.host
from connector_core import (
    Capability,
    CapabilityNotSupported,
    ConnectorError,
    ConnectorHost,
    ConnectorLoadError,
    StockLevel,
    UnknownConnector,
    hookimpl,
)
from connector_core.host import ENTRY_POINT_GROUP

MANIFEST = """
from connector_core import Capability, Manifest, hookimpl

@hookimpl
def connector_manifest():
    return Manifest(
        id={id!r},
        name={id!r},
        version="1.2.3",
        capabilities=frozenset({capabilities}),
        credentials_schema={schema!r},
    )
"""

SOURCES = {
    "good": MANIFEST
    + """
from connector_core import StockReport, StockResult

@hookimpl
def push_stock(levels):
    return StockReport(
        results=[StockResult(sku=lv.sku, outcome="updated", quantity=lv.quantity) for lv in levels], calls=1
    )
""",
    "broken": 'raise RuntimeError("boom: the SDK this connector needs is not installed")\n',
    "lacking": MANIFEST
    + """
@hookimpl
def push_stock(levels):
    return None

@hookimpl
def fetch_orders(ctx, window, resume):
    return iter(())
""",
    "unknown_hook": MANIFEST
    + """
@hookimpl
def fetch_all_the_things(ctx):
    return []
""",
}
CAPABILITIES = {
    "good": "{Capability.STOCK}",
    "broken": "",
    "lacking": "{Capability.STOCK, Capability.ORDERS}",
    "unknown_hook": "",
}


@pytest.fixture
def connector_modules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Real importable modules, one per kind of connector; returns connector id -> module name."""
    schema = tmp_path / "credentials.schema.json"
    schema.write_text('{"$schema": "http://json-schema.org/draft-07/schema#", "type": "object"}')
    suffix = uuid.uuid4().hex[:8]
    modules = {}
    for name, source in SOURCES.items():
        module = f"cc_test_{name}_{suffix}"
        text = source.format(id=name, capabilities=CAPABILITIES[name], schema=str(schema))
        (tmp_path / f"{module}.py").write_text(textwrap.dedent(text))
        modules[name] = module
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.invalidate_caches()
    return modules


@pytest.fixture
def installed(
    connector_modules: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> Callable[..., ConnectorHost]:
    """Install the modules as `channel_connectors` entry points; returns a host factory."""
    eps = [EntryPoint(name=n, value=m, group=ENTRY_POINT_GROUP) for n, m in connector_modules.items()]

    def fake_entry_points(*, group: str) -> list[EntryPoint]:
        return eps if group == ENTRY_POINT_GROUP else []

    monkeypatch.setattr(connector_core.host, "entry_points", fake_entry_points)

    def make(**environ: str) -> ConnectorHost:
        return ConnectorHost(environ=environ)

    return make


def reasons(host: ConnectorHost) -> dict[str, str]:
    return {f.connector: f.reason for f in host.failures}


# --- a broken connector does not stop the others -------------------------------------------------------


def test_the_good_connector_loads_while_each_broken_one_is_reported_by_name(
    installed: Callable[..., ConnectorHost],
) -> None:
    host = installed().load()

    assert list(host.connectors) == ["good"]
    assert set(reasons(host)) == {"broken", "lacking", "unknown_hook"}


def test_an_import_error_is_reported_with_its_type_and_message(
    installed: Callable[..., ConnectorHost],
) -> None:
    reason = reasons(installed().load())["broken"]

    assert "import of cc_test_broken_" in reason
    assert "RuntimeError: boom: the SDK this connector needs is not installed" in reason


def test_a_declared_capability_without_its_hooks_names_every_missing_hook(
    installed: Callable[..., ConnectorHost],
) -> None:
    reason = reasons(installed().load())["lacking"]

    assert "orders needs get_orders, map_order_status" in reason
    assert "stock" not in reason  # push_stock is there


def test_a_hook_the_spec_does_not_define_is_rejected_by_check_pending(
    installed: Callable[..., ConnectorHost],
) -> None:
    reason = reasons(installed().load())["unknown_hook"]

    assert "invalid hook implementation" in reason
    assert "fetch_all_the_things" in reason


def test_each_failure_is_logged_as_a_warning(
    installed: Callable[..., ConnectorHost], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="connector_core.host"):
        installed().load()

    warned = " ".join(r.getMessage() for r in caplog.records)
    for name in ("broken", "lacking", "unknown_hook"):
        assert f"connector {name!r} not loaded" in warned


def test_strict_mode_makes_the_first_failure_fatal(installed: Callable[..., ConnectorHost]) -> None:
    host = installed(CHANNEL_CONNECTORS_STRICT="1")

    with pytest.raises(ConnectorLoadError) as raised:
        host.load()

    assert raised.value.connector == "broken"  # loading goes in name order
    assert "boom" in str(raised.value)


def test_strict_mode_off_for_false_like_values(installed: Callable[..., ConnectorHost]) -> None:
    assert installed(CHANNEL_CONNECTORS_STRICT="0").load().connectors.keys() == {"good"}


def test_the_load_filter_limits_what_is_even_imported(installed: Callable[..., ConnectorHost]) -> None:
    host = installed(CHANNEL_CONNECTORS_LOAD="good, lacking").load()

    assert list(host.connectors) == ["good"]
    assert set(reasons(host)) == {"lacking"}  # broken and unknown_hook were never tried


def test_the_load_filter_reports_a_name_that_is_not_installed(
    installed: Callable[..., ConnectorHost],
) -> None:
    host = installed(CHANNEL_CONNECTORS_LOAD="good,ghost").load()

    assert list(host.connectors) == ["good"]
    assert "not installed" in reasons(host)["ghost"]


def test_a_loaded_connector_answers_through_the_typed_facade(
    installed: Callable[..., ConnectorHost], bare_context: object
) -> None:
    good = installed().get("good")

    report = good.push_stock(bare_context, [StockLevel(sku="A", quantity=3)])

    assert report.count("updated") == 1
    assert good.manifest.version == "1.2.3"
    assert good.capabilities == frozenset({Capability.STOCK})
    assert good.implemented_hooks() == frozenset({"connector_manifest", "push_stock"})


def test_loading_is_done_once(installed: Callable[..., ConnectorHost]) -> None:
    host = installed()
    host.load()
    host.load()

    assert len(host.failures) == 3


# --- the real connector --------------------------------------------------------------------------------


def test_the_installed_tiktok_shop_entry_point_loads() -> None:
    host = ConnectorHost(environ={}).load()

    assert "tiktok_shop" not in {f.connector for f in host.failures}, host.failures
    tiktok = host.get("tiktok_shop")
    assert tiktok.manifest.id == "tiktok_shop"
    assert tiktok.manifest.name == "TikTok Shop"
    assert tiktok.distribution_version is not None
    assert tiktok.credentials_schema()["properties"]["app_secret"]["writeOnly"] is True


# --- manifests and the facade, with connectors added directly -------------------------------------------


def make_manifest_plugin(**overrides: object) -> object:
    class Plugin:
        @hookimpl
        def connector_manifest(self) -> object:
            from connector_core import Manifest

            fields: dict[str, object] = {
                "id": "odd",
                "name": "Odd",
                "version": "0",
                "capabilities": frozenset(),
                "credentials_schema": "/nowhere.json",
            }
            fields.update(overrides)
            if "raise" in fields:
                raise RuntimeError(str(fields["raise"]))
            if fields.get("none"):
                return None
            return Manifest(**fields)

    return Plugin()


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"id": "other"}, "manifest id 'other' differs from the entry-point name"),
        ({"id": "Bad Id"}, "invalid manifest"),
        ({"raise": "kaput"}, "connector_manifest raised RuntimeError: kaput"),
        ({"none": True}, "connector_manifest is not implemented or returned no Manifest"),
    ],
)
def test_a_bad_manifest_is_a_load_error(overrides: dict[str, object], expected: str) -> None:
    host = ConnectorHost(group="none", environ={})

    with pytest.raises(ConnectorLoadError, match="odd") as raised:
        host.add("odd", make_manifest_plugin(**overrides))

    assert expected in raised.value.reason


def test_a_connector_without_a_manifest_does_not_load() -> None:
    class NoManifest:
        pass

    with pytest.raises(ConnectorLoadError, match="no Manifest"):
        ConnectorHost(group="none", environ={}).add("bare", NoManifest())


def test_an_unknown_connector_names_those_loaded(fake_host: ConnectorHost) -> None:
    with pytest.raises(UnknownConnector, match=r"no connector named 'nope' is loaded \(loaded: fake\)"):
        fake_host.get("nope")


def test_iterating_a_host_yields_its_connectors_by_id(fake_host: ConnectorHost) -> None:
    assert [c.id for c in fake_host] == [FAKE_ID]
    assert repr(fake_host.get(FAKE_ID)) == "Connector('fake', version='1.0.0')"


def test_a_capability_not_declared_is_refused_before_any_hook_runs(
    fake_schema_dir: Path, bare_context: object
) -> None:
    channel = FakeChannel()

    class StockOnly(FakeConnector):
        @hookimpl
        def connector_manifest(self) -> object:
            return (
                super()
                .connector_manifest()
                .model_copy(update={"capabilities": frozenset({Capability.STOCK})})
            )

    connector = ConnectorHost(group="none", environ={}).add(FAKE_ID, StockOnly(channel, fake_schema_dir))

    with pytest.raises(CapabilityNotSupported, match="does not declare the 'shipments' capability"):
        connector.confirm_shipment(bare_context, None)
    assert channel.calls["confirm_shipment"] == 0
    assert connector.supports(Capability.STOCK)
    assert not connector.supports(Capability.SHIPMENTS)


def test_a_hook_that_answers_none_is_a_clear_error(fake_host: ConnectorHost, bare_context: object) -> None:
    class Silent:
        @hookimpl
        def get_orders(self) -> None:
            return None

    connector = fake_host.get(FAKE_ID)
    connector.pm.register(Silent(), name="silent")
    connector.pm.unregister(name=FAKE_ID)

    with pytest.raises(ConnectorError, match="no implementation of 'get_orders' returned an answer"):
        connector.get_orders(bare_context, ["1"])


def test_forms_come_from_the_manifest(fake_host: ConnectorHost) -> None:
    connector = fake_host.get(FAKE_ID)

    assert connector.credentials_schema()["required"] == ["app_key", "app_secret"]
    assert "stock_sync" in connector.settings_schema()["properties"]
    assert connector.ui_schema() == {}


def test_a_connector_without_settings_gets_an_empty_settings_form(fake_schema_dir: Path) -> None:
    class NoSettings(FakeConnector):
        @hookimpl
        def connector_manifest(self) -> object:
            return super().connector_manifest().model_copy(update={"settings_schema": None})

    connector = ConnectorHost(group="none", environ={}).add(
        FAKE_ID, NoSettings(FakeChannel(), fake_schema_dir)
    )

    assert connector.settings_schema() == {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object",
        "properties": {},
    }
