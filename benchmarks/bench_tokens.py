"""Token refresh under contention: many processes and threads, one integration, one refresh."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench_support import HERE, REPO, EmulatorProcess, Result, authorize, create, reopen

REFRESH = "/api/v2/token/refresh"
MARGIN = 1.0  # seconds before expiry at which the core refreshes
# seconds: the token dies mid-run; its successor outlives the run with room to spare (TTL - MARGIN >>
# RUN_AFTER): expiry times travel as whole seconds (up to 1 s lost), and on a loaded machine a call that
# began just before the stop can finish seconds later. 6 s was too tight once PostgreSQL shared the cores:
# the successor's own (legitimate) refresh came due and was counted as a second one.
ACCESS_TTL = 10
RUN_AFTER = 2.5  # seconds the workers go on after the refresh point


def token_refresh(
    processes: int, threads: int, workdir: Path, store: Path | str | None = None, label: str = ""
) -> Result:
    """`store`: an SQLite path or a store URL (default: an SQLite file in `workdir`)."""
    result = Result(f"token refresh ({processes} processes x {threads} threads){label}")
    store = store or workdir / "tokens.sqlite3"
    with EmulatorProcess(orders=300, seed=3, access_token_ttl=ACCESS_TTL) as emu:
        cipher = emu.shop("GB")["cipher"]
        order_id = emu.call("order_ids", shop_cipher=cipher)[-1]
        integration = create(emu, store)
        workers = [
            subprocess.Popen(
                [
                    sys.executable,
                    str(HERE / "token_worker.py"),
                    str(store),
                    str(threads),
                    str(MARGIN),
                    order_id,
                ],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                cwd=REPO,
            )
            for _ in range(processes)
        ]
        try:
            for worker in workers:  # every process has loaded the connector before the token starts ticking
                assert worker.stdout is not None
                if worker.stdout.readline().strip() != "ready":
                    raise RuntimeError("a token worker did not start")
            authorize(emu, integration)
            tokens = integration.tokens.tokens()
            assert tokens is not None
            refresh_at = tokens.access_expires_at.timestamp() - MARGIN
            stop = refresh_at + RUN_AFTER
            emu.call("stats.reset")
            started = time.time()
            for worker in workers:
                assert worker.stdin is not None
                worker.stdin.write(json.dumps({"integration": integration.id, "stop": stop}) + "\n")
                worker.stdin.flush()
            reports: list[dict[str, Any]] = []
            for worker in workers:
                out, _ = worker.communicate(timeout=120)
                reports.append(
                    json.loads(out.strip().splitlines()[-1])
                    if worker.returncode == 0
                    else {"ok": 0, "failures": [f"worker exited with {worker.returncode}"]}
                )
        finally:
            for worker in workers:
                if worker.poll() is None:
                    worker.kill()  # our own child, by its handle
                    worker.wait()
        refreshes = emu.calls(REFRESH)
        api_calls = emu.calls("/order/")
    after = reopen(store, integration.id).tokens.tokens()
    assert after is not None
    failures = [f for r in reports for f in r["failures"]]
    refreshed = after.access_token.get_secret_value() != tokens.access_token.get_secret_value()
    result.add("refresh calls reaching TikTok", refreshes, target="= 1", ok=refreshes == 1)
    result.add("failed worker calls", len(failures), target="= 0", ok=not failures)
    result.add("token replaced in the store", int(refreshed), target="= 1", ok=refreshed)
    result.add("API calls made by the workers", sum(r["ok"] for r in reports))
    result.details = {
        "processes": processes,
        "threads": threads,
        "seconds": time.time() - started,
        "refresh_after_start_s": refresh_at - started,
        "api_calls_seen_by_emulator": api_calls,
        "failures": failures[:20],
    }
    return result
