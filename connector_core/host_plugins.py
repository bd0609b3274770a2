"""Finding the host's own plugins (its `order_pages_ready`, a status override, metrics) the way connectors
and commands are found: by entry point.

Three groups, one story:

- `channel_connectors`: connectors (`connector_core.host.ConnectorHost.load`);
- `channel_connectors.commands`: command-line additions (`connector_core.cli.app`);
- `channel_connectors.host_plugins`: host-wide plugins, registered into every connector's manager.

A host declares its plugin module in its own `pyproject.toml`; every process that has the host installed
finds it: `load_host` is the one way the command line, the web app (`serve`, `create_app()`) and the workers
build their `ConnectorHost`, so a host's rule (a status override, a refusal) gives one answer for one order
whichever of them reads it. `CHANNEL_CONNECTORS_HOST_PLUGINS` (comma-separated module names) stays as an override, for a
host's own CI or a test that runs a plugin module which is not installed: when set, it replaces the
entry points rather than adding to them, so what runs is exactly what it names.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Mapping, Sequence
from importlib.metadata import entry_points
from typing import TYPE_CHECKING

from .errors import ConnectorError

if TYPE_CHECKING:
    from .host import ConnectorHost

HOST_PLUGINS_GROUP = "channel_connectors.host_plugins"
HOST_PLUGINS_ENV = "CHANNEL_CONNECTORS_HOST_PLUGINS"


class HostPluginError(ConnectorError):
    """A host plugin named by entry point or by the override cannot be loaded: refused, never skipped
    (a missing `order_pages_ready` would otherwise be found only once orders have nowhere to go)."""


def override(environ: Mapping[str, str]) -> tuple[str, ...]:
    """The module names `CHANNEL_CONNECTORS_HOST_PLUGINS` lists (empty when unset)."""
    return tuple(name.strip() for name in environ.get(HOST_PLUGINS_ENV, "").split(",") if name.strip())


def discover_host_plugins(names: Sequence[str] = ()) -> list[object]:
    """The modules `names` lists (the override) if any; else every `channel_connectors.host_plugins`
    entry point, by name order."""
    if names:
        return [_import(name) for name in names]
    found = []
    for ep in sorted(entry_points(group=HOST_PLUGINS_GROUP), key=lambda e: e.name):
        try:
            found.append(ep.load())
        except Exception as exc:  # any import-time error: one line naming the entry point
            raise HostPluginError(
                f"host plugin {ep.name!r} ({ep.value}, entry point group {HOST_PLUGINS_GROUP}) cannot be "
                f"loaded: {type(exc).__name__}: {exc}"
            ) from None
    return found


def _import(name: str) -> object:
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        raise HostPluginError(
            f"{HOST_PLUGINS_ENV}: host plugin module {name!r} cannot be imported ({exc.msg}); "
            "name an importable module holding the host's hookimpls"
        ) from None


def load_host(names: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> ConnectorHost:
    """The connectors with the host's plugins registered into each, as every process builds them: `names`
    (module names) if given, else `CHANNEL_CONNECTORS_HOST_PLUGINS` from `environ`, else the entry points.
    A plugin that cannot load raises `HostPluginError` (one line naming it) before anything runs: a
    process without the host's rules would answer differently from the others."""
    env = os.environ if environ is None else environ
    from .host import ConnectorHost  # here: host.py imports pluggy and pydantic, this module stays light

    plugins = discover_host_plugins(override(env) if names is None else names)
    return ConnectorHost(plugins, environ=env).load()
