"""The Open API routing table: path templates to handlers, with the shop-scope flag of reference.md#hosts"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tiktok_shop_emulator.handlers import (
    api_events,
    api_fulfillment,
    api_labels,
    api_logistics,
    api_orders,
    api_products,
    api_return_refund,
    api_shops,
)
from tiktok_shop_emulator.wire import error_codes
from tiktok_shop_emulator.wire.call import Call

Handler = Callable[[Call], dict[str, Any]]


@dataclass(frozen=True)
class Route:
    """One endpoint: method, compiled path pattern, handler, and whether it needs ``shop_cipher``."""

    method: str
    template: str
    pattern: re.Pattern[str]
    handler: Handler
    shop_scoped: bool
    # The body is a search filter: JSON `[]` (PHP's encoding of an empty filter) means "no filter".
    filter_body: bool = False


def _compile(template: str) -> re.Pattern[str]:
    return re.compile(re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template))


ROUTES: tuple[Route, ...] = tuple(
    Route(
        method,
        template,
        _compile(template),
        handler,
        scoped,
        template in getattr(module, "FILTER_BODIES", ()),
    )
    for module in (
        api_shops,
        api_orders,
        api_products,
        api_logistics,
        api_labels,
        api_fulfillment,
        api_events,
        api_return_refund,
    )
    for method, template, handler, scoped in module.ROUTES
)


def resolve(method: str, path: str) -> tuple[Route, dict[str, str]]:
    """The route for a request: 36009009 when no endpoint has this path, 36009010 when none has this method."""
    path_matched = False
    for route in ROUTES:
        found = route.pattern.fullmatch(path)
        if found is None:
            continue
        path_matched = True
        if route.method == method:
            return route, found.groupdict()
    raise error_codes.invalid_method() if path_matched else error_codes.invalid_path()
