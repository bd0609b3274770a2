"""Order import with read-ahead (the next page asked for while the host takes one) against the emulator:
the same requests in the same order, and the same saved place whenever the host stops, as page by page."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from typing import Any
from urllib.parse import urlparse

import pytest
import requests

from connector_core import read_ahead
from connector_core.flows.orders import stream_name
from connector_core.leases import HeldLease, LeaseLost

EPOCH_WINDOW = timedelta(days=3650)
SEARCH = "/order/202309/orders/search"


def readers() -> list[threading.Thread]:
    """The read-ahead threads alive now (other threads, an emulator's or a watchdog's, come and go)."""
    return [t for t in threading.enumerate() if t.name.startswith(read_ahead.THREAD_NAME)]


def record_requests(world: Any) -> list[tuple[str, Any]]:
    """(path, page_token or the cancellation search's order ids) of every request, in the order sent."""
    sent: list[tuple[str, Any]] = []

    def keep(response: requests.Response, *args: Any, **kwargs: Any) -> None:
        url = urlparse(response.url)
        query = dict(p.split("=", 1) for p in url.query.split("&") if "=" in p)
        body = json.loads(response.request.body or b"{}") if response.request.body else {}
        sent.append((url.path, query.get("page_token") or body.get("order_ids")))

    world.integration.http.session.hooks["response"].append(keep)
    return sent


def saved(world: Any, since: Any, until: Any) -> dict[str, Any]:
    name = stream_name(world.integration.session, since, until, None)
    raw = world.integration.store.get_cursor(world.integration.id, name)
    return {} if raw is None else dict(json.loads(raw))


def window(world: Any) -> tuple[Any, Any]:
    now = world.clock.now() + timedelta(minutes=1)
    return now - EPOCH_WINDOW, now


def import_run(make_world: Any, monkeypatch: pytest.MonkeyPatch, on: bool) -> tuple[list[str], list[Any]]:
    monkeypatch.setenv(read_ahead.ENV, "1" if on else "0")
    world = make_world(orders=1600)
    ids = world.emu.order_ids(shop_cipher=world.shop("GB")["cipher"])
    for order_id in ids[5:400:23]:  # open requests on several pages: a page's own call while it is mapped
        try:
            world.emu.request_cancellation(order_id)
        except Exception:  # noqa: S112 - an order past cancelling (shipped, delivered) cannot be asked
            continue
    sent = record_requests(world)
    since, until = window(world)
    orders = [o.id for page in world.integration.pull_orders(since, until) for o in page.orders]
    return orders, [(path, token if path == SEARCH else sorted(token)) for path, token in sent]


def test_read_ahead_sends_the_same_requests_in_the_same_order_as_page_by_page(
    make_world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    orders_on, sent_on = import_run(make_world, monkeypatch, on=True)
    orders_off, sent_off = import_run(make_world, monkeypatch, on=False)

    assert orders_on == orders_off and len(orders_on) == len(set(orders_on)) > 400
    assert [path for path, _ in sent_on].count(SEARCH) >= 5
    assert any(path != SEARCH for path, _ in sent_on)  # the cancellation searches are in the sequence
    assert [path for path, _ in sent_on] == [path for path, _ in sent_off]
    assert [token is None for _, token in sent_on] == [token is None for _, token in sent_off]


def test_a_sliced_import_saves_the_place_of_the_page_taken_not_of_the_page_read_ahead(
    make_world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(read_ahead.ENV, "1")
    world = make_world(orders=1600)
    expected = world.emu.order_ids(shop_cipher=world.shop("GB")["cipher"])
    since, until = window(world)
    before = threading.active_count()
    taken: list[str] = []
    slices = 0
    while True:
        slices += 1
        got = [
            o.id
            for page in world.integration.pull_orders(since, until, more=lambda: False)
            for o in page.orders
        ]
        taken += got
        place = saved(world, since, until)
        if "resume" not in place:
            break
        # The saved count is what the host took: the page read ahead during the slice is not in it.
        assert int(place["resume"].split("|")[0]) == len(taken)

    assert slices >= 5
    assert sorted(taken) == sorted(expected) and len(taken) == len(set(taken))  # none lost, none twice
    assert not readers() and threading.active_count() <= before


def test_a_host_that_fails_while_taking_a_page_keeps_the_place_before_it(
    make_world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(read_ahead.ENV, "1")
    world = make_world(orders=1600)
    since, until = window(world)
    before = threading.active_count()
    pages = world.integration.pull_orders(since, until)
    first = next(pages)
    second = next(pages)  # page 1's place is saved; page 3 is being read ahead now
    with pytest.raises(RuntimeError):
        pages.throw(RuntimeError("the host's database is down"))

    assert saved(world, since, until)["resume"] == first.resume  # page 2 was not taken: not saved
    assert not readers() and threading.active_count() <= before
    rest = [o.id for page in world.integration.pull_orders(since, until) for o in page.orders]
    assert rest[: len(second.orders)] == [o.id for o in second.orders]  # page 2 comes again


@pytest.mark.parametrize("on", [True, False], ids=["read-ahead", "page-by-page"])
def test_an_import_that_loses_its_lease_stops_with_the_place_it_had(
    make_world: Any, monkeypatch: pytest.MonkeyPatch, on: bool
) -> None:
    monkeypatch.setenv(read_ahead.ENV, "1" if on else "0")
    monkeypatch.setattr(HeldLease, "renew", HeldLease.confirm)  # the import renews after every page
    world = make_world(orders=1600)
    since, until = window(world)
    name = f"import:{world.integration.id}:{stream_name(world.integration.session, since, until, None)}"
    store = world.integration.store
    pages = world.integration.pull_orders(since, until)
    next(pages)
    next(pages)  # page 1's place is saved; page 3 is being read ahead
    place = saved(world, since, until)
    holder = store.lease_holder(name)
    store.unlock(name, holder.owner)  # a stall past the lease: another run holds the window now
    assert store.try_lock(name, "other-host:77:import", timedelta(minutes=1))

    with pytest.raises(LeaseLost):
        next(pages)

    assert saved(world, since, until) == place  # page 2, taken without the lease, is not saved
    assert not readers()
