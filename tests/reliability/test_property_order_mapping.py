"""Order mapping of arbitrary payloads, property-based: `map_or_report` never raises. It returns an `Order`
or an `OrderProblem` that names the order (so the host can say which one was skipped), whatever TikTok
or a broken proxy sends."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connector_core import Order, OrderProblem, OrderStatus
from connectors.tiktok_shop.order_mapping import map_or_report
from connectors.tiktok_shop.statuses import map_status
from tiktok_shop_emulator import EmulatorConfig, TikTokShopEmulator

# Orders of every status and both shipping types, from an emulator world (never started: no server needed).
_WORLD = TikTokShopEmulator(EmulatorConfig(orders=60, seed=4))
SAMPLES = [_WORLD.order(order_id) for order_id in _WORLD.order_ids()]

leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(
        ["", " ", "***", "0", "1.5", "-3", "1e999", "NaN", "sNaN", "GBP", "EURO", "UNPAID", "L1"]
    ),
)
json_values = st.recursive(
    leaves,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


def paths_in(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside a JSON document: dict keys and list indexes."""
    found: list[tuple[Any, ...]] = []
    children = (
        value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    )
    for step, child in children:
        found.append((*prefix, step))
        found.extend(paths_in(child, (*prefix, step)))
    return found


@st.composite
def damaged_orders(draw: st.DrawFn) -> Any:
    """A sample order with a few values replaced by arbitrary JSON, or deleted, anywhere in it."""
    raw = copy.deepcopy(draw(st.sampled_from(SAMPLES)))
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        paths = paths_in(raw)
        if not paths:
            break
        *parents, last = draw(st.sampled_from(paths))
        node = raw
        for step in parents:
            node = node[step]
        if draw(st.booleans()):
            node[last] = draw(json_values)
        elif isinstance(node, dict):
            del node[last]
        else:
            node.pop(last)
    return raw


def default_mapper(channel_status: str, raw: Mapping[str, Any]) -> OrderStatus | None:
    return map_status(channel_status, {})


def expected_id(raw: Any) -> str | None:
    if not isinstance(raw, Mapping) or raw.get("id") is None:
        return None
    return str(raw["id"]).strip() or None


def check(raw: Any) -> Order | OrderProblem:
    result = map_or_report(raw, default_mapper, "7494049642642441002")  # must not raise, whatever raw is
    order_id = expected_id(raw)
    if isinstance(result, Order):
        assert result.id == order_id
    else:
        assert isinstance(result, OrderProblem)
        assert result.order_id == order_id
        if isinstance(raw, Mapping):
            assert f"order {order_id or '(no id)'}:" in result.message  # the host can say which order
        else:
            assert "not an order object" in result.message
    return result


def test_every_sample_order_maps() -> None:
    assert all(isinstance(check(raw), Order) for raw in SAMPLES)


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged_orders())
def test_a_damaged_order_becomes_an_order_or_a_problem_naming_it(raw: Any) -> None:
    check(raw)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(json_values)
def test_any_json_value_becomes_an_order_or_a_problem(raw: Any) -> None:
    check(raw)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(sorted(SAMPLES[0])), json_values, max_size=12), json_values)
def test_an_order_shaped_object_of_arbitrary_values_never_raises(raw: dict, order_id: Any) -> None:
    check({**raw, "id": order_id})
