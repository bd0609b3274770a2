"""The reconciliation sweep against the emulator: an after-sales event whose webhook never arrived (nothing
is subscribed here, so every webhook is dropped) is caught by reading the recent window, and a version the
host already holds (from a webhook re-read or an earlier sweep) is never handed over twice."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from connector_core.aftersales import ReturnPage
from connector_core.models import OrderPage
from connector_core.work.delivery import deliver
from connector_core.work.reconcile import reconcile, sweep_slice


class Host:
    """What the host was handed, in order."""

    def __init__(self) -> None:
        self.orders: list[OrderPage] = []
        self.returns: list[ReturnPage] = []

    def take_orders(self, integration_id: str, shop: str, page: OrderPage, delivery_id: str) -> None:
        self.orders.append(page)

    def take_returns(self, integration_id: str, shop: str, page: ReturnPage) -> None:
        self.returns.append(page)

    def order_ids(self) -> list[str]:
        return [o.id for page in self.orders for o in page.orders]

    def return_ids(self) -> list[str]:
        return [r.id for page in self.returns for r in page.returns]


def sweep(world: Any, host: Host, **options: Any) -> dict[str, Any]:
    world.clock.advance(timedelta(seconds=2))  # past the second the emulator stamped the change with
    options.setdefault("window", timedelta(days=400))
    options.setdefault("page_cap", 1000)
    [report] = reconcile(
        world.integration, receiver=host.take_orders, return_receiver=host.take_returns, **options
    )
    return report.as_dict()


def delivered_order(world: Any, n: int = 0) -> str:
    return str(world.emu.order_ids(status="DELIVERED", shop_cipher=world.shop("GB")["cipher"])[n])


def test_events_whose_webhooks_were_dropped_are_caught_once_by_the_sweep(make_world: Any) -> None:
    world = make_world(orders=60)
    host = Host()
    first = sweep(world, host)  # the baseline: everything in the window, as an import would have
    assert first["handed_over"]["orders"] == len(set(host.order_ids())) > 0
    assert first["capped"] == [] and first["handed_over"]["returns"] == 0
    host.orders.clear()

    awaiting = world.emu.order_ids(status="AWAITING_SHIPMENT", shop_cipher=world.shop("GB")["cipher"])[0]
    world.emu.request_cancellation(awaiting)  # its webhook is dropped: nothing is subscribed
    opened = world.emu.open_return(delivered_order(world))
    caught = sweep(world, host)

    assert host.order_ids() == [awaiting]
    assert host.orders[0].orders[0].cancellation_request is not None
    assert host.return_ids() == [opened["return_id"]]
    assert caught["handed_over"] == {"orders": 1, "cancellations": 1, "returns": 1}

    again = sweep(world, host)  # nothing new: nothing handed over twice
    assert again["handed_over"] == {"orders": 0, "cancellations": 0, "returns": 0}
    assert host.order_ids() == [awaiting] and host.return_ids() == [opened["return_id"]]


def test_an_order_the_webhook_re_read_already_handed_over_is_not_handed_over_again(make_world: Any) -> None:
    world = make_world(orders=60)
    host = Host()
    sweep(world, host)
    host.orders.clear()
    order_id = world.emu.order_ids(status="AWAITING_SHIPMENT", shop_cipher=world.shop("GB")["cipher"])[1]
    world.emu.change_address(order_id)
    world.clock.advance(timedelta(seconds=2))
    # The webhook arrived this time: its re-read hands the new version over (the outbox's path).
    assert deliver(world.integration, world.integration.get_orders([order_id]), host.take_orders) == 1

    report = sweep(world, host)

    assert report["handed_over"]["orders"] == 0 and host.order_ids() == [order_id]


def test_a_sweep_is_bounded_by_its_window_and_its_page_cap(make_world: Any) -> None:
    world = make_world(orders=600)
    host = Host()
    capped = sweep(world, host, page_cap=1, families=["orders", "returns"])
    assert capped["pages"]["orders"] == 1 and capped["capped"] == ["orders"]
    assert "cancellations" not in capped["handed_over"]

    narrow = sweep(world, host, window=timedelta(seconds=1), families=["orders"])
    assert narrow["handed_over"] == {"orders": 0}

    with pytest.raises(ValueError, match="unknown event family 'refunds'"):
        reconcile(world.integration, families=["refunds"])


def test_a_sweep_in_slices_resumes_after_the_last_page_handed_over(make_world: Any) -> None:
    world = make_world(orders=600)
    host = Host()
    world.clock.advance(timedelta(seconds=2))
    everything = {"window": timedelta(days=400), "families": ["orders"], "receiver": host.take_orders}

    slices = [sweep_slice(world.integration, more=lambda: False, page_cap=1000, **everything)]
    while not slices[-1][1]:
        assert len(slices) < 20, "the sweep never ends"
        slices.append(sweep_slice(world.integration, more=lambda: False, page_cap=1000, **everything))

    # One page per slice, each after the last: every order of the shop once, none twice.
    assert [report.pages["orders"] for report, _ in slices] == [1] * len(slices) and len(slices) > 1
    expected = set(world.emu.order_ids(shop_cipher=world.shop("GB")["cipher"]))
    assert sorted(host.order_ids()) == sorted(expected)
    assert [len(page.orders) for page in host.orders] == [
        sum(r.handed_over["orders"] for r, _ in [s]) for s in slices
    ]
    # Done: the place is cleared, so the next sweep reads a fresh window (nothing new: nothing handed over).
    assert (
        world.integration.store.get_cursor(world.integration.id, f"reconcile@{world.integration.account_id}")
        is None
    )
    again, done = sweep_slice(world.integration, more=lambda: True, page_cap=1000, **everything)
    assert done and again.pages["orders"] == len(slices) and again.handed_over["orders"] == 0


def test_the_page_cap_holds_across_slices(make_world: Any) -> None:
    world = make_world(orders=1200)  # more than three pages of the GB shop's orders
    host = Host()
    options = {"window": timedelta(days=400), "families": ["orders"], "receiver": host.take_orders}

    first, done = sweep_slice(world.integration, more=lambda: False, page_cap=3, **options)
    assert not done and first.capped == []
    second, done = sweep_slice(world.integration, more=lambda: False, page_cap=3, **options)
    assert not done and second.capped == []
    third, done = sweep_slice(world.integration, more=lambda: False, page_cap=3, **options)
    assert done and third.capped == ["orders"] and len(host.orders) == 3


def test_the_cli_sweep_hands_over_to_the_host_plugins_and_says_what_it_did(
    make_world: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Any
) -> None:
    import json
    import sys
    import types

    from connector_core import hookimpl
    from connector_core.cli.app import main

    world = make_world(orders=60)
    taken: list[str] = []
    plugin = types.ModuleType("sweep_test_host")
    plugin.order_pages_ready = hookimpl(lambda integration_id, account_id, page, delivery_id: taken.extend(  # type: ignore[attr-defined]
        o.id for o in page.orders))  # fmt: skip
    monkeypatch.setitem(sys.modules, "sweep_test_host", plugin)
    monkeypatch.setenv("CHANNEL_CONNECTORS_HOST_PLUGINS", "sweep_test_host")
    store_url = f"sqlite:///{world.integrations.store.path}"
    args = ["--database-url", store_url, "webhook", "reconcile", world.integration.id, "--family", "orders"]

    assert main([*args, "--hours", "10000", "--json"]) == 0
    [report] = json.loads(capsys.readouterr().out)["shops"]
    assert report["handed_over"]["orders"] == len(taken) > 0
    assert main([*args, "--hours", "10000"]) == 0
    assert "handed over orders 0" in capsys.readouterr().out  # already delivered: not again
