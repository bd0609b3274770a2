"""What one worker process builds once: the connectors (with the host's plugins), the store, and HTTP
clients that pass the shared rate limit before every call.

Built lazily in the process that runs tasks (after Celery forks its pool), never inherited across a fork:
a database connection or a Redis socket shared by two processes would interleave their bytes.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass

from ..flows import Integrations
from ..host_plugins import HostPluginError, load_host
from ..http import HttpClient
from ..store import Store, open_store
from .rate_limit import SharedRateLimit
from .settings import WorkerConfigurationError, WorkerSettings


@dataclass
class Runtime:
    settings: WorkerSettings
    integrations: Integrations
    rate_limit: SharedRateLimit | None

    @property
    def store(self) -> Store:
        return self.integrations.store

    def close(self) -> None:
        self.store.close()


def build_runtime(settings: WorkerSettings, store: Store | None = None) -> Runtime:
    # The `channel_connectors.host_plugins` entry points, unless CHANNEL_CONNECTORS_HOST_PLUGINS overrides them:
    # the same `load_host` the command line and the web app use.
    try:
        host = load_host(settings.host_plugins)
    except HostPluginError as exc:
        raise WorkerConfigurationError(str(exc)) from None
    gate = (
        SharedRateLimit(settings.rate_limit_url, settings.rates)
        if settings.rate_limit_url and settings.rates
        else None
    )
    clients = {
        connector.id: HttpClient(
            connector.manifest.name, secret_parameters=connector.manifest.secret_parameters, rate_gate=gate
        )
        for connector in host
    }
    integrations = Integrations(host, store if store is not None else open_store(), http_clients=clients)
    return Runtime(settings, integrations, gate)


_lock = threading.Lock()
_runtimes: dict[int, Runtime] = {}


def current_runtime() -> Runtime:
    """This process's runtime, built on first use from the environment."""
    pid = os.getpid()
    with _lock:
        runtime = _runtimes.get(pid)
        if runtime is None:
            _runtimes.clear()  # a forked child drops (without closing) what its parent had opened
            runtime = _runtimes[pid] = build_runtime(WorkerSettings.from_environ())
        return runtime
