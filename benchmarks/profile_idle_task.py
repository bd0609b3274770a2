"""Where the CPU of an idle pull task goes: a profiling aid for the scale benchmark's idle figures, not a
benchmark (it prints no target).

    python benchmarks/profile_idle_task.py [--backend postgresql|sqlite] [--polls 300]

Sets up a small store the way the scale benchmark does (100 connections: the CPU of one poll does not depend
on N), runs the worker's pull task for one idle shop under cProfile with a CPU clock, and sums each
function's own time by where it lives (our code, psycopg, requests, urllib3, the standard library...). Then
it times the floors the task cannot go under with its libraries: one HTTP call of the same shape through
`requests`, through the kit's `HttpClient` and through urllib3 directly, and one trivial statement through
the store's connection pool.
Profiling inflates pure-Python code several times over: read the shares, not the absolute figures.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from bench_store import fresh_schema, postgres_base_url
from bench_support import EmulatorProcess
from cryptography.fernet import Fernet
from scale_idle_task import idle_pull_task
from scale_population import populate

from connector_core.http import HttpClient
from connector_core.store import open_store

CONNECTIONS = 100


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--polls", type=int, default=300)
    args = parser.parse_args()
    os.environ.setdefault("CHANNEL_CONNECTORS_KEY", Fernet.generate_key().decode())
    with EmulatorProcess(orders=30, seed=19, sellers=CONNECTIONS + 2) as emu, _store_url(args.backend) as url:
        store = open_store(url)
        population = populate(emu, store, CONNECTIONS)
        cpu_ms, _ = idle_pull_task(store, population, args.polls, batches=3)
        print(f"{args.backend}: CPU per idle pull task {cpu_ms:.2f} ms (unprofiled, best of 3 batches)")
        profile = cProfile.Profile(time.process_time)
        profile.enable()
        idle_pull_task(store, population, args.polls, batches=1)
        profile.disable()
        _print_shares(pstats.Stats(profile))
        _print_floors(emu.info["api_base_url"], store)


@contextmanager
def _store_url(backend: str) -> Iterator[str]:
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite://{folder}/profile.sqlite3"
        return
    base = postgres_base_url()
    if not base:
        sys.exit("set CHANNEL_CONNECTORS_TEST_POSTGRES_URL for PostgreSQL")
    with fresh_schema(base) as url:
        yield url


def _where(filename: str, name: str) -> str:
    if "site-packages/" in filename:
        return filename.split("site-packages/")[1].split("/")[0]
    for ours in ("connector_core", "connectors", "benchmarks"):
        if f"/{ours}/" in filename:
            return f"ours: {ours}"
    if "/lib/python3" in filename:
        module = filename.split("/lib/python3")[1].split("/", 2)[-1]
        return "stdlib: " + module.split("/")[0].removesuffix(".py")
    return f"builtin: {name}"


def _print_shares(stats: pstats.Stats) -> None:
    by_place: Counter[str] = Counter()
    entries: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    for (filename, _, name), (_, _, own, _, _) in entries.items():
        by_place[_where(filename, name)] += own
    total = sum(by_place.values())
    print("share of the profiled CPU by where the time is spent (own time):")
    for place, seconds in by_place.most_common(25):
        print(f"  {seconds / total:6.1%}  {place}")


def _best_us(work: Callable[[], object], count: int = 500, rounds: int = 5) -> float:
    best = float("inf")
    for _ in range(rounds):
        began = time.process_time()
        for _ in range(count):
            work()
        best = min(best, (time.process_time() - began) / count * 1e6)
    return best


def _print_floors(api_base_url: str, store: Any) -> None:
    import requests
    import urllib3

    url = api_base_url.rstrip("/") + "/order/202309/orders/search"
    query = {
        "app_key": "k" * 12,
        "timestamp": "1700000000",
        "shop_cipher": "ROW_" + "c" * 20,
        "sign": "s" * 64,
    }
    headers = {"content-type": "application/json", "x-tts-access-token": "t" * 80}
    session, pool = requests.Session(), urllib3.PoolManager()
    full_url = requests.Request("POST", url, params=query).prepare().url or url

    def through_requests() -> None:
        prepared = session.prepare_request(
            requests.Request("POST", url, params=query, data=b"{}", headers=headers)
        )
        session.send(prepared, timeout=(5, 30), stream=True, proxies={}).close()

    def through_urllib3() -> None:
        pool.request("POST", full_url, body=b"{}", headers=headers).release_conn()

    client = HttpClient("profile")

    def through_the_kit() -> None:
        client.send(
            lambda: requests.Request("POST", url, params=query, data=b"{}", headers=headers),
            safe_to_repeat=True,
        )

    print("floors (CPU, best of 5 rounds; the emulator answers in its own process):")
    print(f"  one HTTP call through requests: {_best_us(through_requests):6.0f} us")
    print(
        f"  the same through the kit's HttpClient (body read, limits kept): {_best_us(through_the_kit):6.0f} us"
    )
    print(f"  the same through urllib3:       {_best_us(through_urllib3):6.0f} us")
    backend = store.backend
    if hasattr(backend, "_pool_here"):

        def one_statement() -> None:
            with backend._pool_here().connection() as conn:
                conn.execute("SELECT 1 AS one").fetchone()

        print(f"  one trivial statement through the store's pool: {_best_us(one_statement, 2000):6.0f} us")


if __name__ == "__main__":
    main()
