"""The hook contract documents itself: an undocumented hook fails here."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import pytest

from connector_core import hookspecs
from connector_core.hookspecs import ALWAYS_REQUIRED, CAPABILITY_HOOKS, HOST_HOOKS, OPTIONAL_HOOKS, hookspec
from connector_core.models import Capability

SPEC_MARKER = "connector_core_spec"


def spec_options(func: Callable[..., Any]) -> dict[str, Any] | None:
    options = getattr(func, SPEC_MARKER, None)
    return options if isinstance(options, dict) else None


def all_hookspecs() -> dict[str, Callable[..., Any]]:
    return {
        name: func
        for name, func in vars(hookspecs).items()
        if inspect.isfunction(func) and spec_options(func) is not None
    }


def documentation_problems(func: Callable[..., Any]) -> list[str]:
    """What a hook's docstring fails to say: when it is called, what it returns, firstresult or not.

    A docstring claims ``firstresult`` when it names it other than in "not ``firstresult``"; that claim
    must match the spec's option, and a hook that is not firstresult must say so.
    """
    options = spec_options(func) or {}
    doc = inspect.getdoc(func) or ""
    problems = []
    if not doc:
        return ["has no docstring"]
    if "Called" not in doc:
        problems.append("does not say when it is called ('Called ...')")
    if "Return" not in doc:
        problems.append("does not say what it returns ('Returns ...')")
    claims_firstresult = "``firstresult``" in doc.replace("not ``firstresult``", "")
    if claims_firstresult != bool(options.get("firstresult")):
        problems.append(
            f"says firstresult={claims_firstresult} but the spec has firstresult={options.get('firstresult')}"
        )
    if not options.get("firstresult") and "not ``firstresult``" not in doc:
        problems.append("is not firstresult and does not say so")
    return problems


def test_the_spec_module_defines_the_hooks_the_design_lists() -> None:
    assert set(all_hookspecs()) == {
        "connector_manifest",
        "authorization_url",
        "exchange_code",
        "refresh_token",
        "discover_accounts",
        "check_connection",
        "fetch_orders",
        "get_orders",
        "map_order_status",
        "push_stock",
        "stock_locations",
        "plan_shipment",
        "confirm_shipment",
        "verify_webhook",
        "parse_webhook",
        "order_pages_ready",
        "shipping_services",
        "split_parcels",
        "create_label",
        "fetch_label",
        "handover_choices",
        "void_label",
        "decide_cancellation",
        "cancel_order",
        "decision_reasons",
        "fetch_returns",
        "decide_return",
        "return_pages_ready",
        "webhook_subscriptions",
        "deauthorize_account",
        "subscribe_webhook",
    }


@pytest.mark.parametrize("name", sorted(all_hookspecs()))
def test_every_hook_is_documented(name: str) -> None:
    assert documentation_problems(all_hookspecs()[name]) == []


def test_every_hook_but_the_manifest_and_the_host_hooks_belongs_to_a_capability() -> None:
    by_capability = [hook for hooks in CAPABILITY_HOOKS.values() for hook in hooks]
    by_capability += [hook for hooks in OPTIONAL_HOOKS.values() for hook in hooks]

    assert len(by_capability) == len(set(by_capability)), "a hook is listed under two capabilities"
    assert set(by_capability) == set(all_hookspecs()) - {"connector_manifest", *HOST_HOOKS}
    assert not set(HOST_HOOKS) & set(by_capability)
    assert set(ALWAYS_REQUIRED) == {"connector_manifest"}
    assert set(CAPABILITY_HOOKS) == set(Capability)


# --- the check itself is checked ------------------------------------------------------------------------


@hookspec(firstresult=True)
def undocumented_hook(ctx: object) -> None:
    pass


@hookspec(firstresult=True)
def vague_hook(ctx: object) -> None:
    """Does something with the context."""


@hookspec
def misdocumented_hook(ctx: object) -> None:
    """Called now and then. Returns nothing. ``firstresult``."""


@hookspec
def honest_broadcast_hook(ctx: object) -> None:
    """Called on every event. Returns nothing; every implementation runs: not ``firstresult``."""


def test_the_check_fails_an_undocumented_hook() -> None:
    assert documentation_problems(undocumented_hook) == ["has no docstring"]


def test_the_check_names_each_missing_part() -> None:
    problems = documentation_problems(vague_hook)

    assert any("when it is called" in p for p in problems)
    assert any("what it returns" in p for p in problems)
    assert any("firstresult=False but the spec has firstresult=True" in p for p in problems)


def test_the_check_catches_a_docstring_claiming_firstresult_wrongly() -> None:
    problems = documentation_problems(misdocumented_hook)

    assert any("firstresult=True but the spec has firstresult=False" in p for p in problems)


def test_the_check_accepts_a_hook_that_says_it_is_not_firstresult() -> None:
    assert documentation_problems(honest_broadcast_hook) == []
