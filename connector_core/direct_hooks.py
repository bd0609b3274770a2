"""A first-result hook called straight, for the hooks the core calls once per order.

pluggy's call path (the hook caller, `_hookexec`, `_multicall` with its wrapper and teardown machinery)
costs several microseconds per call; `map_order_status` is called for every imported order when an
implementation reads the order, and that was about a tenth of an order's import CPU (issue 19). For a
hook whose implementations are plain functions (no wrappers, no keyword-only hook arguments, no tracing
or call monitoring on the plugin manager) the result is the same when each implementation is called in
pluggy's order until one answers. Anything else keeps pluggy's own call.

The implementations are read once, when the caller is made: make one per flow, so a plugin registered
later is seen by the next flow.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pluggy

_MULTICALL: Any = None
try:  # pluggy's own call loop: the plugin manager uses it unless tracing or monitoring replaced it
    from pluggy import _callers

    _MULTICALL = getattr(_callers, "_multicall", None)
except ImportError:  # pragma: no cover - a pluggy without it: always use pluggy's call
    pass


def first_result_caller(pm: pluggy.PluginManager, hook: Any) -> Callable[..., Any]:
    """`hook(**kwargs)` (a `firstresult` hook of `pm`), calling its implementations directly when that
    gives the same answer (module docstring); otherwise `hook` itself."""
    impls = hook.get_hookimpls()
    plain = (
        _MULTICALL is not None
        and getattr(pm, "_inner_hookexec", None) is _MULTICALL
        and hook.spec is not None
        and hook.spec.opts.get("firstresult")
        and not any(i.hookwrapper or i.wrapper or i.kwargnames for i in impls)
    )
    if not plain:
        return hook  # type: ignore[no-any-return]
    calls = [(impl.function, impl.argnames) for impl in reversed(impls)]

    def call(**kwargs: Any) -> Any:
        for function, names in calls:
            result = function(*[kwargs[name] for name in names])
            if result is not None:
                return result
        return None

    return call
