"""Host plugins are found like connectors and commands, by entry point (`channel_connectors.host_plugins`);
`CHANNEL_CONNECTORS_HOST_PLUGINS` overrides them for a host's own CI, and a plugin that cannot load is
refused in one line, never skipped."""

from __future__ import annotations

from importlib.metadata import EntryPoint

import pytest

import connector_core.host_plugins as host_plugins
from connector_core import plugins as shipped_plugins
from connector_core import rules as shipped_rules
from connector_core.host_plugins import (
    HOST_PLUGINS_GROUP,
    HostPluginError,
    discover_host_plugins,
    override,
)
from connector_core.worker import WorkerSettings


def installed(monkeypatch: pytest.MonkeyPatch, *eps: EntryPoint) -> None:
    def fake_entry_points(*, group: str) -> list[EntryPoint]:
        return [ep for ep in eps if ep.group == group]

    monkeypatch.setattr(host_plugins, "entry_points", fake_entry_points)


def test_the_installed_entry_points_are_the_host_plugins_in_name_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    installed(
        monkeypatch,
        EntryPoint("zz_metrics", "connector_core.plugins", HOST_PLUGINS_GROUP),
        EntryPoint("orders", "connector_core.rules", HOST_PLUGINS_GROUP),
        EntryPoint(
            "tiktok_shop", "connectors.tiktok_shop", "channel_connectors"
        ),  # a connector, not a plugin
    )

    assert discover_host_plugins() == [shipped_rules, shipped_plugins]


def test_the_environment_variable_overrides_the_entry_points(monkeypatch: pytest.MonkeyPatch) -> None:
    installed(monkeypatch, EntryPoint("orders", "connector_core.rules", HOST_PLUGINS_GROUP))
    names = override({"CHANNEL_CONNECTORS_HOST_PLUGINS": " connector_core.plugins , "})

    assert names == ("connector_core.plugins",)
    assert discover_host_plugins(names) == [shipped_plugins]
    assert WorkerSettings.from_environ({"CHANNEL_CONNECTORS_HOST_PLUGINS": "a,b"}).host_plugins == ("a", "b")
    assert WorkerSettings.from_environ({}).host_plugins == ()


def test_an_entry_point_that_cannot_load_is_refused_naming_it(monkeypatch: pytest.MonkeyPatch) -> None:
    installed(monkeypatch, EntryPoint("orders", "no_such_host_module_anywhere", HOST_PLUGINS_GROUP))

    with pytest.raises(HostPluginError, match="host plugin 'orders' \\(no_such_host_module_anywhere"):
        discover_host_plugins()


def test_an_override_naming_a_missing_module_is_refused_naming_the_variable() -> None:
    with pytest.raises(HostPluginError, match="CHANNEL_CONNECTORS_HOST_PLUGINS: host plugin module 'nope_x'"):
        discover_host_plugins(["nope_x"])
