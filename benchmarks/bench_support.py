"""What every benchmark shares: the emulator in its own process, a connected integration, and figures.

The emulator runs in a child process (see emulator_server.py) so the measured process holds the connector
alone: no emulator threads competing for the GIL, no emulator memory in a peak-RSS figure.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from connector_core import ConnectorHost, Integration, Integrations, SQLiteStore, Store
from connector_core.store import open_store
from connectors.tiktok_shop.devtools import emulator_form

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
CONNECTOR = "tiktok_shop"


class EmulatorProcess:
    """The TikTok Shop emulator in a child process, driven over a JSON-lines pipe."""

    def __init__(self, **config: Any) -> None:
        self.config = config
        self.info: dict[str, Any] = {}
        self._proc: subprocess.Popen[str] | None = None

    def __enter__(self) -> EmulatorProcess:
        self._proc = subprocess.Popen(
            [sys.executable, str(HERE / "emulator_server.py"), json.dumps(self.config)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=REPO,
        )
        assert self._proc.stdout is not None
        first = self._proc.stdout.readline()
        if not first:
            self.__exit__(None, None, None)
            raise RuntimeError(f"the emulator process did not start (config {self.config})")
        self.info = json.loads(first)
        return self

    def __exit__(self, *exc: object) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.stdin:
            proc.stdin.close()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.terminate()  # our own child, by its handle
            proc.wait(timeout=10)
        if proc.stdout:
            proc.stdout.close()

    def call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        """Call (or read) an attribute of the emulator object: `call("faults.rate_limit", 10)`."""
        assert self._proc is not None and self._proc.stdin and self._proc.stdout
        self._proc.stdin.write(json.dumps({"call": name, "args": args, "kwargs": kwargs}) + "\n")
        self._proc.stdin.flush()
        reply = json.loads(self._proc.stdout.readline())
        if "error" in reply:
            raise RuntimeError(f"emulator {name}: {reply['error']}")
        return reply["ok"]

    # --- conveniences --------------------------------------------------------------------------------

    def shop(self, region: str) -> dict[str, Any]:
        return next(s for s in self.info["shops"] if s["region"] == region)

    def calls(self, fragment: str | None = None) -> int:
        """Requests the emulator received (both hosts), optionally only those whose path contains `fragment`."""
        by_path: dict[str, int] = self.call("stats.by_path")
        return sum(n for path, n in by_path.items() if fragment is None or fragment in path)

    def credentials_form(self) -> dict[str, Any]:
        info = self.info
        addresses = SimpleNamespace(
            **{k: info[k] for k in ("api_base_url", "auth_base_url", "consent_base_url", "credentials")}
        )
        return emulator_form(addresses)

    def whole_history(self) -> tuple[datetime, datetime]:
        """A window holding every seeded order: from before the first to a minute after now."""
        start = self.info["clock_start"]
        since = datetime.fromtimestamp(start - self.info["history_seconds"] - 60, tz=timezone.utc)
        return since, datetime.now(timezone.utc) + timedelta(minutes=1)


def open_location(location: Path | str) -> Store:
    """A store URL (sqlite:///..., postgresql://...) or the path of an SQLite file."""
    text = str(location)
    return open_store(text) if "://" in text else SQLiteStore(Path(text))


def create(emu: EmulatorProcess, store_path: Path | str, store: Store | None = None) -> Integration:
    """A new integration against the emulator, not yet authorized (in `store` if given)."""
    integrations = Integrations(ConnectorHost().load(), store or open_location(store_path))
    record = integrations.create(
        CONNECTOR, emu.credentials_form(), {"stock_sync": True, "import_unpaid_orders": True}
    )
    return integrations.open(record.id)


def authorize(emu: EmulatorProcess, integration: Integration, region: str = "GB") -> Integration:
    """Connect (the seller consents, the code is exchanged) and select the shop of `region`."""
    integration.finish_connect({"code": emu.call("authorize")})
    cipher = emu.shop(region)["cipher"]
    account = next(a for a in integration.store.list_accounts(integration.id) if a.selector == cipher)
    integration.select_account(account.id)
    return integration


def connect(emu: EmulatorProcess, store_path: Path, region: str = "GB") -> Integration:
    """A new integration against the emulator, authorized, with the shop of `region` selected."""
    return authorize(emu, create(emu, store_path), region)


def reopen(store_path: Path | str, integration_id: str) -> Integration:
    """The same integration opened again (in another process, say): a fresh store connection and HTTP pool."""
    return Integrations(ConnectorHost().load(), open_location(store_path)).open(integration_id)


# --- figures ---------------------------------------------------------------------------------------------


@dataclass
class Figure:
    """One measured figure, beside its target. `ok` is None for figures reported without a target.

    A `timing` figure depends on the machine's speed and load; `--quick` (CI) reports it without failing.
    """

    name: str
    value: float | int
    unit: str = ""
    target: str = ""
    ok: bool | None = None
    timing: bool = False

    def shown(self) -> str:
        if isinstance(self.value, float):
            text = f"{self.value:,.2f}" if abs(self.value) < 100 else f"{self.value:,.0f}"
        else:
            text = f"{self.value:,}"
        return f"{text} {self.unit}".strip()


@dataclass
class Result:
    """The figures of one benchmark, plus details worth keeping in the JSON."""

    name: str
    figures: list[Figure] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0

    def add(
        self,
        name: str,
        value: float | int,
        unit: str = "",
        target: str = "",
        ok: bool | None = None,
        *,
        timing: bool = False,
    ) -> None:
        self.figures.append(Figure(name, value, unit, target, ok, timing))

    @property
    def passed(self) -> bool:
        return all(f.ok is not False for f in self.figures)

    def failed(self, *, count_timing: bool) -> list[Figure]:
        return [f for f in self.figures if f.ok is False and (count_timing or not f.timing)]

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "passed": self.passed}


def at_most(value: float, limit: float) -> bool:
    return value <= limit


def machine() -> dict[str, Any]:
    """Where the figures were taken."""
    info: dict[str, Any] = {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
    }
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["memory_gb"] = round(int(line.split()[1]) / 1024 / 1024, 1)
                break
    except OSError:
        pass
    return info
