"""Redis and real `celery worker` processes for the worker tests.

Redis: `CHANNEL_CONNECTORS_TEST_REDIS_URL` (CI's .ci/redis.sh sets it); else a throw-away `redis-server`
started here on a free loopback port when the binary is installed; else the tests skip and say why, or
fail when `CHANNEL_CONNECTORS_REQUIRE_REDIS=1`.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import pytest

from connector_core import ConnectorHost, Integration, Integrations
from connector_core.store import open_store
from connectors.tiktok_shop.devtools import emulator_form
from tiktok_shop_emulator import TikTokShopEmulator

REDIS_URL_ENV = "CHANNEL_CONNECTORS_TEST_REDIS_URL"
REQUIRE_REDIS_ENV = "CHANNEL_CONNECTORS_REQUIRE_REDIS"
HERE = Path(__file__).resolve().parent
DAY = 86400


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@contextmanager
def redis_server() -> Iterator[str]:
    """A Redis URL: the configured one, or a redis-server of our own for the session."""
    url = os.environ.get(REDIS_URL_ENV, "").strip()
    if url:
        yield url
        return
    binary = shutil.which("redis-server")
    if binary is None:
        reason = f"no Redis: set {REDIS_URL_ENV} or install redis-server (apt-get install -y redis-server)"
        if os.environ.get(REQUIRE_REDIS_ENV) == "1":
            pytest.fail(f"{REQUIRE_REDIS_ENV}=1 but {reason}", pytrace=False)
        pytest.skip(reason)
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="worker-redis-") as folder:
        server = subprocess.Popen(
            [
                binary,
                "--bind",
                "127.0.0.1",
                "--port",
                str(port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                folder,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 10
            while not _answers(port):
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail("redis-server did not start within 10 s", pytrace=False)
                time.sleep(0.05)
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=10)


def flush(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url, socket_timeout=5)
    try:
        client.flushdb()
    finally:
        client.close()


class Workers:
    """`celery worker` processes, each one process (solo pool), stopped by pid when done."""

    def __init__(self, env: Mapping[str, str], log_folder: Path) -> None:
        self.env = dict(env)
        self.log_folder = log_folder
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(self, count: int, *, concurrency: int = 1) -> None:
        for _ in range(count):
            index = len(self.processes)
            log = (self.log_folder / f"worker-{index}.log").open("wb")
            self.processes.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "celery",
                        "-A",
                        "connector_core.worker.app",
                        "worker",
                        "--pool",
                        "solo" if concurrency == 1 else "prefork",
                        "--concurrency",
                        str(concurrency),
                        "--hostname",
                        f"w{index}@%h",
                        "--without-gossip",
                        "--without-mingle",
                        "--without-heartbeat",
                        "--loglevel",
                        "INFO",
                    ],
                    env=self.env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )

    def kill(self, index: int) -> None:
        process = self.processes[index]
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)

    def logs(self) -> str:
        return "\n".join(
            p.read_text(errors="replace")[-4000:] for p in sorted(self.log_folder.glob("worker-*.log"))
        )


def connect(emu: TikTokShopEmulator, location: str, integrations: Integrations | None = None) -> Integration:
    """A new integration, authorized, with the GB shop selected; its first import covers every order."""
    integrations = integrations or Integrations(ConnectorHost().load(), open_store(location))
    oldest = emu.clock.start - emu.config.history_seconds - DAY
    since = datetime.fromtimestamp(oldest, tz=timezone.utc).date().isoformat()
    record = integrations.create(
        "tiktok_shop",
        emulator_form(emu),
        {"import_unpaid_orders": True, "import_orders_since": since, "stock_sync": True},
    )
    integration = integrations.open(record.id)
    integration.finish_connect({"code": emu.authorize()})
    cipher = next(shop["cipher"] for shop in emu.shops if shop["region"] == "GB")
    account = next(a for a in integration.store.list_accounts(integration.id) if a.selector == cipher)
    integration.select_account(account.id)
    return integrations.open(record.id)


class PrivateRedis:
    """A redis-server of this test's own on a free loopback port (never the shared one), which the test may
    stall (SIGSTOP), resume, restart or empty; stopped by its pid when the test ends."""

    def __init__(self, folder: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.skip(
                "these tests stop and restart Redis: install redis-server (apt-get install -y redis-server)"
            )
        self.binary = binary
        self.folder = folder
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> PrivateRedis:
        self.process = subprocess.Popen(
            [self.binary, "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no",
             "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while not _answers(self.port):
            if time.monotonic() > deadline or self.process.poll() is not None:
                pytest.fail("redis-server did not start within 10 s", pytrace=False)
            time.sleep(0.05)
        return self

    def stall(self) -> None:
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGCONT)

    def stop(self) -> None:
        """Kill it (SIGKILL: nothing saved, as a crashed Redis without persistence loses its queues)."""
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGCONT)
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def empty(self) -> None:
        flush(self.url)


def start_beat(env: Mapping[str, str], folder: Path) -> subprocess.Popen[bytes]:
    """A `celery beat` process (its schedule file in `folder`); the caller stops it by its pid."""
    log = (folder / "beat.log").open("wb")
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "connector_core.worker.app", "beat", "--loglevel", "INFO",
         "--schedule", str(folder / "beat-schedule")],
        env=dict(env), stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip


def stop_process(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
