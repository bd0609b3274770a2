"""A host's `order_pages_ready` as the worker tests run it: every page appended, as one JSON line, to
`$WORKER_TEST_ORDERS_DIR/<pid>.jsonl` (one file per worker process, so processes never interleave a line).
`WORKER_TEST_REFUSE_ORDER` names an order whose page is refused (the host raises), to test that a refused
page is not recorded. `WORKER_TEST_SLOW_ONCE` names a marker file: the first page any process receives
writes its pid there and then hangs for a minute (a slow host), so a test can kill that worker mid-task.
`return_pages_ready` appends each page of returns to `<pid>.returns` in the same folder;
`WORKER_TEST_SLOW_RETURNS_ONCE` names a marker file as above, for the `WORKER_TEST_SLOW_RETURNS_PAGE`-th
page of returns any process receives (1 when unset): that page hangs before the host takes it."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from connector_core import OrderPage, hookimpl
from connector_core.aftersales import ReturnPage

ORDERS_DIR_ENV = "WORKER_TEST_ORDERS_DIR"
REFUSE_ENV = "WORKER_TEST_REFUSE_ORDER"
SLOW_ONCE_ENV = "WORKER_TEST_SLOW_ONCE"
SLOW_RETURNS_ONCE_ENV = "WORKER_TEST_SLOW_RETURNS_ONCE"
SLOW_RETURNS_PAGE_ENV = "WORKER_TEST_SLOW_RETURNS_PAGE"


class HostRefused(Exception):
    pass


@hookimpl
def order_pages_ready(integration_id: str, account_id: str, page: OrderPage, delivery_id: str) -> None:
    refused = os.environ.get(REFUSE_ENV)
    if refused and any(order.id == refused for order in page.orders):
        raise HostRefused(f"order {refused} refused by the test host")
    marker = os.environ.get(SLOW_ONCE_ENV)
    if marker:
        try:
            with open(marker, "x", encoding="utf-8") as out:  # only the first page anywhere
                out.write(str(os.getpid()))
        except FileExistsError:
            pass
        else:
            time.sleep(60)
    line = {
        "integration_id": integration_id,
        "account_id": account_id,
        "delivery_id": delivery_id,
        "orders": [[order.id, order.updated_at.isoformat()] for order in page.orders],
        "problems": [[p.order_id, p.message] for p in page.problems],
    }
    with (Path(os.environ[ORDERS_DIR_ENV]) / f"{os.getpid()}.jsonl").open("a", encoding="utf-8") as out:
        out.write(json.dumps(line) + "\n")


def received(folder: Path) -> list[dict[str, object]]:
    """Every page the host received, from every process."""
    lines = []
    for path in sorted(folder.glob("*.jsonl")):
        lines += [json.loads(text) for text in path.read_text(encoding="utf-8").splitlines() if text]
    return lines


def order_versions(folder: Path) -> list[tuple[str, str]]:
    """(order id, updated_at) of every order received, repeats included."""
    return [(str(o[0]), str(o[1])) for page in received(folder) for o in page["orders"]]  # type: ignore[union-attr]


@hookimpl
def return_pages_ready(integration_id: str, account_id: str, page: ReturnPage) -> None:
    folder = Path(os.environ[ORDERS_DIR_ENV])
    marker = os.environ.get(SLOW_RETURNS_ONCE_ENV)
    if marker and len(received_returns(folder)) + 1 == int(os.environ.get(SLOW_RETURNS_PAGE_ENV) or 1):
        try:
            with open(marker, "x", encoding="utf-8") as out:  # once, whichever process gets there
                out.write(str(os.getpid()))
        except FileExistsError:
            pass
        else:
            time.sleep(60)
    line = {"account_id": account_id, "returns": [[r.id, r.updated_at.isoformat()] for r in page.returns]}
    with (folder / f"{os.getpid()}.returns").open("a", encoding="utf-8") as out:
        out.write(json.dumps(line) + "\n")


def received_returns(folder: Path) -> list[dict[str, object]]:
    """Every page of returns the host received, from every process."""
    lines = []
    for path in sorted(folder.glob("*.returns")):
        lines += [json.loads(text) for text in path.read_text(encoding="utf-8").splitlines() if text]
    return lines


def return_versions(folder: Path) -> list[tuple[str, str]]:
    """(return id, updated_at) of every return received, repeats included."""
    return [(str(r[0]), str(r[1])) for page in received_returns(folder) for r in page["returns"]]  # type: ignore[union-attr]
