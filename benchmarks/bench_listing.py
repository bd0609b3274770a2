"""The connections list filtered by state, at thousands of connections (issue 19).

Before, a state filter opened every connection to read its status (2.4 s at 3,000 connections on SQLite);
now the filter is one store query (`store.find_connections`) and only the page shown is opened. Measured on
SQLite and PostgreSQL over N connections under one app (a tenth never connected, a tenth whose last run
failed): the store query alone, a page of 50 filtered by state and the same page unfiltered (both through
`web.listing.connection_page`, what the console and the API run), and the old way (every connection opened)
once, for comparison.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from bench_store import fresh_schema, postgres_base_url
from bench_support import Result
from cryptography.fernet import Fernet
from pydantic import SecretStr

from connector_core import ConnectorHost, Integrations, NewConnection
from connector_core.credentials import Credentials
from connector_core.models import Account, TokenSet
from connector_core.store import RunRecord, Store, open_store
from connector_core.store.index_roles import ConnectionQuery
from connector_core.web import facts
from connector_core.web.listing import connection_page

PAGE = 50
BATCH = 500
REPEATS = 5
PAGE_TARGET_RATIO = 2.0
"""A page filtered by state may cost at most this many times the unfiltered page: it reads the page, not N."""


def _populate(store: Store, count: int) -> int:
    """`count` connections under one app; returns how many are failing (their newest run failed)."""
    app = store.create_app(
        "tiktok_shop", "Listing benchmark", Credentials({"app_key": "k"}, {"app_secret": "s"})
    )
    now = datetime.now(timezone.utc)
    tokens = TokenSet(
        access_token=SecretStr("listing-access"),
        access_expires_at=now + timedelta(hours=4),
        refresh_token=SecretStr("listing-refresh"),
        refresh_expires_at=now + timedelta(days=300),
    )
    ids: list[str] = []
    for start in range(0, count, BATCH):
        batch = [
            NewConnection(
                name=f"Seller {n:06d}",
                tokens=None if n % 10 == 3 else tokens,
                shops=[Account(id=f"{7_000_000 + n}", name=f"Shop {n}")],
            )
            for n in range(start, min(count, start + BATCH))
        ]
        ids.extend(store.import_connections(app.id, batch))
    failing = 0
    for n, integration_id in enumerate(ids):
        if n % 10 == 7:
            store.record_run(
                RunRecord(integration_id, "", "pull_orders", now, now, False, {"error": "HTTP 503"})
            )
            failing += 1
    return failing


def _median_ms(work: Callable[[], Any]) -> float:
    timings = []
    for _ in range(REPEATS):
        began = time.perf_counter()
        work()
        timings.append((time.perf_counter() - began) * 1000)
    return statistics.median(timings)


def _old_way(integrations: Integrations, state: str) -> int:
    """What the list did before: open every connection and read its status to test the state."""
    matched = 0
    store = integrations.store
    for record in integrations.list():
        integration = integrations.open(record.id)
        runs = store.last_runs(record.id, limit=1)
        pending = len(store.list_intents(record.id, status="pending"))
        if facts.summary(integration, runs, pending)["state"] == state:
            matched += 1
    return matched


@contextmanager
def _urls(workdir: Path, count: int) -> Iterator[list[tuple[str, Any]]]:
    @contextmanager
    def sqlite() -> Iterator[str]:
        yield f"sqlite://{workdir / f'listing-{count}.sqlite3'}"

    found: list[tuple[str, Any]] = [("SQLite", sqlite)]
    base = postgres_base_url()
    if base:
        found.append(("PostgreSQL", lambda: fresh_schema(base)))
    else:
        print(
            "listing benchmark: PostgreSQL skipped (no CHANNEL_CONNECTORS_TEST_POSTGRES_URL)", file=sys.stderr
        )
    yield found


def connection_listing(count: int, workdir: Path) -> list[Result]:
    previous, os.environ["CHANNEL_CONNECTORS_KEY"] = (
        os.environ.get("CHANNEL_CONNECTORS_KEY"),
        Fernet.generate_key().decode(),
    )
    results = []
    try:
        with _urls(workdir, count) as backends:
            for label, fresh in backends:
                with fresh() as url:
                    store = open_store(url)
                    try:
                        results.append(_one_backend(label, store, count))
                    finally:
                        store.close()
    finally:
        if previous is None:
            os.environ.pop("CHANNEL_CONNECTORS_KEY", None)
        else:
            os.environ["CHANNEL_CONNECTORS_KEY"] = previous
    return results


def _one_backend(label: str, store: Store, count: int) -> Result:
    result = Result(f"connections list by state ({label}, {count:,} connections)")
    failing = _populate(store, count)
    integrations = Integrations(ConnectorHost().load(), store)

    def page(state: str | None) -> dict[str, Any]:
        return connection_page(
            integrations, q="", state=state, connector=None, shop=None, limit=PAGE, offset=0
        )

    found = page("failing")
    correct = found["total"] == failing and all(row["state"] == "failing" for row in found["items"])
    query_ms = _median_ms(lambda: store.find_connections(ConnectionQuery(state="failing", limit=PAGE)))
    filtered_ms = _median_ms(lambda: page("failing"))
    unfiltered_ms = _median_ms(lambda: page(None))
    began = time.perf_counter()
    old_matched = _old_way(integrations, "failing")
    old_ms = (time.perf_counter() - began) * 1000
    result.add("failing connections found, the same as the old way", found["total"], "", f"{failing}",
               correct and old_matched == failing)  # fmt: skip
    result.add("store query (state = failing, 50 rows)", round(query_ms, 2), "ms")
    result.add("page of 50 filtered by state", round(filtered_ms, 1), "ms",
               f"<= {PAGE_TARGET_RATIO:g}x unfiltered", filtered_ms <= PAGE_TARGET_RATIO * unfiltered_ms,
               timing=True)  # fmt: skip
    result.add("page of 50 unfiltered", round(unfiltered_ms, 1), "ms")
    result.add("the old way: every connection opened", round(old_ms, 1), "ms")
    result.details = {"connections": count, "failing": failing, "page": PAGE}
    return result
