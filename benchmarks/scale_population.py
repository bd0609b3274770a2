"""A platform host's store with N connections under one app, from sellers the emulator mints in bulk.

Each connection is what a finished Connect leaves: a connection under the shared app, its sealed tokens and
every shop of its authorization (due for its first pull). Setup goes through the host's bulk path,
`Integrations.import_connections` (every entry checked against the settings form, then one store
transaction per batch), as a host migrating its sellers would call it; its rate is a figure too.
"""

from __future__ import annotations

import os
import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench_support import EmulatorProcess

from connector_core import Account, ConnectorHost, Integrations, NewConnection
from connector_core.store import Store
from connectors.tiktok_shop.oauth import token_set

MINT_CHUNK = 5_000


@dataclass
class Population:
    """What was made: the app, and per connection its id and shops (id, cipher)."""

    app_id: str
    app_key: str
    app_secret: str
    connections: list[tuple[str, list[tuple[str, str]]]] = field(default_factory=list)
    setup_seconds: float = 0.0

    @property
    def shops(self) -> int:
        return sum(len(shops) for _, shops in self.connections)

    def sample_shops(self, count: int, seed: int = 3) -> list[tuple[str, str, str]]:
        """(connection id, shop id, cipher) of `count` shops picked at random among every connection."""
        rng = random.Random(seed)
        picked = []
        for _ in range(count):
            integration_id, shops = rng.choice(self.connections)
            shop_id, cipher = rng.choice(shops)
            picked.append((integration_id, shop_id, cipher))
        return picked


def populate(emu: EmulatorProcess, store: Store, count: int, first_seller: int = 1) -> Population:
    """`count` connections of sellers first_seller.. under one app (the emulator's app 0)."""
    integrations = Integrations(ConnectorHost().load(), store)
    form = emu.credentials_form()
    app = integrations.create_app("tiktok_shop", form, name="Scale benchmark app")
    population = Population(app.id, form["app_key"], form["app_secret"])
    started = time.perf_counter()
    for chunk_start in range(first_seller, first_seller + count, MINT_CHUNK):
        size = min(MINT_CHUNK, first_seller + count - chunk_start)
        grants = emu.call("mint_authorizations", first=chunk_start, count=size)
        ids = integrations.import_connections(app.id, [_entry(g) for g in grants])
        population.connections.extend(
            (iid, [(shop["id"], shop["cipher"]) for shop in grant["shops"]])
            for iid, grant in zip(ids, grants, strict=True)
        )
    population.setup_seconds = time.perf_counter() - started
    return population


def _entry(grant: dict[str, Any]) -> NewConnection:
    """What a host migrating a seller holds: its name, settings, customer id, tokens and shops."""
    return NewConnection(
        name=grant["seller_name"],
        settings={"import_unpaid_orders": True},
        tags={"customer": f"cust-{grant['seller']}"},
        tokens=token_set(grant),
        shops=[
            Account(
                id=shop["id"],
                name=shop["name"],
                region=shop["region"],
                selector=shop["cipher"],
                extra={"seller_type": shop["seller_type"], "code": shop["code"]},
            )
            for shop in grant["shops"]
        ],
    )


def store_bytes(url: str) -> int:
    """The store's size on disk: the SQLite file and its WAL, or the PostgreSQL schema's relations."""
    if url.startswith("sqlite://"):
        path = Path(url.removeprefix("sqlite://"))
        return sum(p.stat().st_size for p in path.parent.glob(path.name + "*") if p.is_file())
    import psycopg

    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'm')"
        ).fetchone()
    return int(row[0]) if row else 0


def vacuum(url: str) -> None:
    """Checkpoint SQLite's WAL (so the file holds everything) or VACUUM ANALYZE PostgreSQL's tables."""
    if url.startswith("sqlite://"):
        import sqlite3

        with sqlite3.connect(url.removeprefix("sqlite://")) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        # The checkpoint leaves the file's pages dirty (230 MB at 100,000 connections); flushed now, the
        # kernel's writeback does not compete with the routing timed next on these two cores.
        os.sync()
        _read_through(Path(url.removeprefix("sqlite://")))
        return
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        # This schema's tables only: a database-wide VACUUM trips over other schemas dropped meanwhile.
        tables = conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
        ).fetchall()
        for (table,) in tables:
            conn.execute(f'VACUUM ANALYZE "{table}"')


def _read_through(path: Path) -> None:
    """Read the file once, so the kernel's cache holds all of it, as it holds the file of a host serving it.

    Why: this machine (a VM) pages out file pages left idle for about a minute. A 100,000-connection store
    takes about a minute to populate, so the pages written early and not touched since are back on disk by
    the time routing is timed, and the first delivery to need one waits for the disk: 1-10% of deliveries,
    which decided the p99 (of the store call alone: 10x in one run, 1.5-1.6x right after reading the file
    in; the 10-connection store, all of it touched all the time, never pays it). A web process serving
    100,000 connections reads its route pages far more often than once a minute."""
    with path.open("rb") as file:
        while file.read(1 << 20):
            pass


def cpu_seconds(pid: int | None = None) -> float:
    """User + system CPU seconds of a process (this one by default), from /proc."""
    if pid is None:
        return time.process_time()  # every thread of this process, finer than os.times' clock ticks
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks
