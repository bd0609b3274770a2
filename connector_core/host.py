"""`ConnectorHost`: finds connectors by entry point and gives host code a typed way to call them.

Each connector gets its own pluggy `PluginManager`, so a hook call reaches one connector; host-wide
plugins (a status-mapping override, a metrics monitor) are registered into every manager, after the
core's own host rules (`connector_core.rules`). Loading is isolated per connector: one that fails to
import, or that declares a capability without its hooks, is reported by name and the others still load.
`CHANNEL_CONNECTORS_STRICT=1` makes any failure fatal (for a connector's own CI);
`CHANNEL_CONNECTORS_LOAD=a,b` loads only the named connectors.

Host code never touches `pm.hook`: it calls the methods of `Connector` (connector.py, re-exported here),
which say what they take and return, and raise a clear error when a connector does not answer.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib.metadata import entry_points
from types import ModuleType

import pluggy
from pydantic import ValidationError

from . import hookspecs
from .connector import Connector as Connector
from .connector import implemented_by as implemented_by
from .errors import ConnectorLoadError, UnknownConnector
from .models import Capability, Manifest
from .rules import default_rules

log = logging.getLogger("connector_core.host")

ENTRY_POINT_GROUP = "channel_connectors"
STRICT_ENV = "CHANNEL_CONNECTORS_STRICT"
LOAD_ENV = "CHANNEL_CONNECTORS_LOAD"


@dataclass(frozen=True)
class LoadFailure:
    """A connector that did not load, and why."""

    connector: str
    reason: str


def missing_hooks(manifest: Manifest, implemented: Iterable[str]) -> dict[Capability, list[str]]:
    """For each declared capability, the hooks it needs that the connector does not implement."""
    have = set(implemented)
    missing = {}
    for capability in sorted(manifest.capabilities, key=lambda c: c.value):
        absent = [h for h in hookspecs.CAPABILITY_HOOKS[capability] if h not in have]
        if absent:
            missing[capability] = absent
    return missing


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


class ConnectorHost:
    """Discovers, loads and hands out connectors."""

    def __init__(
        self,
        plugins: Sequence[object] = (),
        *,
        group: str = ENTRY_POINT_GROUP,
        environ: Mapping[str, str] | None = None,
        rules: Callable[[], Sequence[tuple[str, object]]] = default_rules,
    ) -> None:
        """`plugins`: host-wide plugins registered into every connector's manager (after the core's rules,
        so theirs are asked first within a tier). `rules`: a factory of (name, plugin) pairs, the core's
        host rules by default (`connector_core.rules`); `lambda: []` drops them."""
        env = os.environ if environ is None else environ
        self.plugins = list(plugins)
        self.rules = rules
        self.group = group
        self.strict = _truthy(env.get(STRICT_ENV))
        only = env.get(LOAD_ENV)
        self.only: frozenset[str] | None = (
            None if only is None else frozenset(n.strip() for n in only.split(",") if n.strip())
        )
        self.connectors: dict[str, Connector] = {}
        self.failures: list[LoadFailure] = []
        self._loaded = False

    def load(self) -> ConnectorHost:
        """Load every connector the entry-point group lists (once; later calls do nothing)."""
        if self._loaded:
            return self
        self._loaded = True
        found = {ep.name: ep for ep in entry_points(group=self.group)}
        wanted = sorted(found) if self.only is None else sorted(self.only)
        for name in wanted:
            if name not in found:
                self._fail(name, "not installed (named in CHANNEL_CONNECTORS_LOAD)")
                continue
            ep = found[name]
            try:
                module = ep.load()
            except Exception as exc:  # any import-time error: report it, keep loading the others
                self._fail(name, f"import of {ep.value} failed: {type(exc).__name__}: {exc}", exc)
                continue
            version = ep.dist.version if ep.dist is not None else None
            try:
                self.add(name, module, version=version)
            except ConnectorLoadError as exc:
                self._fail(name, exc.reason, exc)
        return self

    def _fail(self, name: str, reason: str, cause: BaseException | None = None) -> None:
        self.failures.append(LoadFailure(name, reason))
        log.warning("connector %r not loaded: %s", name, reason)
        if self.strict:
            raise ConnectorLoadError(name, reason) from cause

    def add(self, name: str, plugin: ModuleType | object, *, version: str | None = None) -> Connector:
        """Register a connector object or module directly (for tests and connectors living in the host)."""
        pm = pluggy.PluginManager(hookspecs.PROJECT_NAME)
        pm.add_hookspecs(hookspecs)
        try:
            pm.register(plugin, name=name)
            for rule_name, rule in self.rules():
                pm.register(rule, name=rule_name)
            for host_plugin in self.plugins:
                pm.register(host_plugin)
                monitor = getattr(host_plugin, "monitor", None)
                if callable(monitor):  # a host plugin watching every hook call (HookMetrics)
                    monitor(pm)
            pm.check_pending()
        except pluggy.PluginValidationError as exc:
            raise ConnectorLoadError(name, f"invalid hook implementation: {exc}") from exc
        manifest = self._manifest(name, pm)
        missing = missing_hooks(manifest, implemented_by(pm, name))
        if missing:
            details = "; ".join(f"{cap.value} needs {', '.join(hooks)}" for cap, hooks in missing.items())
            raise ConnectorLoadError(name, f"declared capabilities lack hooks: {details}")
        connector = Connector(name, pm, manifest, version)
        self.connectors[name] = connector
        return connector

    @staticmethod
    def _manifest(name: str, pm: pluggy.PluginManager) -> Manifest:
        try:
            manifest = pm.hook.connector_manifest()
        except ValidationError as exc:
            raise ConnectorLoadError(name, f"invalid manifest: {exc}") from exc
        except Exception as exc:
            raise ConnectorLoadError(name, f"connector_manifest raised {type(exc).__name__}: {exc}") from exc
        if not isinstance(manifest, Manifest):
            raise ConnectorLoadError(name, "connector_manifest is not implemented or returned no Manifest")
        if manifest.id != name:
            raise ConnectorLoadError(name, f"manifest id {manifest.id!r} differs from the entry-point name")
        return manifest

    def get(self, name: str) -> Connector:
        self.load()
        try:
            return self.connectors[name]
        except KeyError:
            raise UnknownConnector(name, list(self.connectors)) from None

    def __iter__(self) -> Iterator[Connector]:
        self.load()
        return iter(sorted(self.connectors.values(), key=lambda c: c.id))
