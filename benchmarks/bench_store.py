"""The store under load, on SQLite and on PostgreSQL over loopback (issue 11).

- token refresh single-flight: many processes x threads, one integration, the token expiring mid-run;
- lease contention: processes competing for one import lease, one of them SIGKILLed while holding it;
- store cost per imported page: store calls (each one round trip, or one transaction) and milliseconds.

PostgreSQL is measured when CHANNEL_CONNECTORS_BENCH_POSTGRES_URL (or the tests' variable
CHANNEL_CONNECTORS_TEST_POSTGRES_URL) names a server (scripts/postgres-dev.sh start prints one): each run
uses a fresh schema, dropped afterwards. Without one, that half is skipped and the reason printed.
"""

from __future__ import annotations

import itertools
import json
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench_orders import import_all
from bench_support import HERE, REPO, EmulatorProcess, Result, at_most, authorize, create, open_location
from bench_tokens import token_refresh
from cryptography.fernet import Fernet

URL_ENVS = ("CHANNEL_CONNECTORS_BENCH_POSTGRES_URL", "CHANNEL_CONNECTORS_TEST_POSTGRES_URL")
LEASE = "bench:import:shop-gb"
LEASE_TTL = 2.0
HOLD = 0.02


def postgres_base_url() -> str | None:
    return next((os.environ[name] for name in URL_ENVS if os.environ.get(name)), None)


@contextmanager
def fresh_schema(url: str) -> Iterator[str]:
    import psycopg

    schema = f"bench_{secrets.token_hex(5)}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


@contextmanager
def backends(workdir: Path) -> Iterator[list[tuple[str, str]]]:
    """(label, store URL) of each backend to measure; the key in the environment reaches every child."""
    previous = os.environ.get("CHANNEL_CONNECTORS_KEY")
    os.environ["CHANNEL_CONNECTORS_KEY"] = Fernet.generate_key().decode()
    try:
        found = [("SQLite", f"sqlite://{workdir / 'bench-store.sqlite3'}")]
        base = postgres_base_url()
        if base is None:
            print(f"store benchmark: PostgreSQL skipped (set {URL_ENVS[0]})", file=sys.stderr)
            yield found
            return
        with fresh_schema(base) as url:
            yield [*found, ("PostgreSQL", url)]
    finally:
        if previous is None:
            os.environ.pop("CHANNEL_CONNECTORS_KEY", None)
        else:
            os.environ["CHANNEL_CONNECTORS_KEY"] = previous


# --- lease contention -----------------------------------------------------------------------------------


def lease_contention(location: str, processes: int, seconds: float, label: str) -> Result:
    result = Result(f"lease contention ({processes} processes, one SIGKILLed){label}")
    open_location(location).close()  # migrate once before the workers race
    command = [sys.executable, str(HERE / "lease_worker.py"), location, LEASE, str(LEASE_TTL), str(HOLD)]
    workers = [
        subprocess.Popen(
            [*command, *(["victim"] if n == 0 else [])],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=REPO,
        )
        for n in range(processes)
    ]
    victim = workers[0]
    try:
        for worker in workers:
            assert worker.stdout is not None and worker.stdin is not None
            if worker.stdout.readline().strip() != "ready":
                raise RuntimeError("a lease worker did not start")
        assert victim.stdin is not None and victim.stdout is not None
        stop = time.time() + seconds + LEASE_TTL
        victim.stdin.write(f"{stop}\n")
        victim.stdin.flush()
        _, began, expires = victim.stdout.readline().split()  # the victim holds the lease...
        for worker in workers[1:]:
            assert worker.stdin is not None
            worker.stdin.write(f"{stop}\n")
            worker.stdin.flush()
        time.sleep(0.2)
        victim.send_signal(signal.SIGKILL)  # ...and dies holding it (our own child, by its handle)
        killed_at = time.time()
        victim.wait(timeout=30)
        tenures: list[tuple[float, float]] = [(float(began), float(expires))]
        for worker in workers[1:]:
            out, _ = worker.communicate(timeout=seconds + 60)
            tenures.extend(tuple(t) for t in json.loads(out.strip().splitlines()[-1])["tenures"])  # type: ignore[misc]
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
    tenures.sort()
    overlaps = sum(1 for (_, end), (start, _) in itertools.pairwise(tenures) if start < end - 0.001)
    after_kill = [start for start, _ in tenures[1:] if start > killed_at - 1]
    handover = (min(after_kill) - float(expires)) if after_kill else float("inf")
    result.add("tenures overlapping another", overlaps, target="= 0", ok=overlaps == 0)
    result.add("tenures after the kill", len(after_kill), target=">= 1", ok=bool(after_kill))
    result.add(
        "hand-over after the dead holder's expiry",
        handover * 1000,
        "ms",
        target=f"0..{int(LEASE_TTL * 500)} ms",
        ok=0 <= handover <= LEASE_TTL / 2,
    )
    result.details = {
        "tenures": len(tenures),
        "lease_ttl_s": LEASE_TTL,
        "killed_at_s_before_expiry": float(expires) - killed_at,
    }
    return result


# --- store cost per imported page -----------------------------------------------------------------------


class CountingStore:
    """A store whose every call is counted and timed (each call is one round trip or one transaction)."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self.calls = 0
        self.seconds = 0.0

    def __getattr__(self, name: str) -> Any:
        target = getattr(self._inner, name)
        if not callable(target):
            return target

        def counted(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return target(*args, **kwargs)
            finally:
                self.calls += 1
                self.seconds += time.perf_counter() - started

        return counted


def store_cost_per_page(location: str, orders: int, label: str) -> Result:
    result = Result(f"store cost per imported page ({orders:,} orders){label}")
    with EmulatorProcess(orders=orders * 3, seed=5) as emu:
        counting = CountingStore(open_location(location))
        integration = authorize(emu, create(emu, location, store=counting))  # type: ignore[arg-type]
        counting.calls, counting.seconds = 0, 0.0
        run = import_all(integration, emu)
    pages = max(run["pages"], 1)
    per_page_calls = counting.calls / pages
    per_page_ms = counting.seconds / pages * 1000
    result.add("store calls per page", per_page_calls, target="<= 6", ok=at_most(per_page_calls, 6))
    result.add(
        "time in the store per page",
        per_page_ms,
        "ms",
        target="<= 20 ms",
        ok=at_most(per_page_ms, 20),
        timing=True,
    )
    result.details = {**run, "store_calls": counting.calls, "store_seconds": counting.seconds}
    return result


def store_benchmarks(
    processes: int, threads: int, lease_processes: int, orders: int, workdir: Path
) -> list[Result]:
    results: list[Result] = []
    with backends(workdir) as chosen:
        for label, url in chosen:
            suffix = f" on {label}"
            results.append(token_refresh(processes, threads, workdir, store=url, label=suffix))
            results.append(lease_contention(url, lease_processes, 3.0, suffix))
            results.append(store_cost_per_page(url, orders, suffix))
    return results
