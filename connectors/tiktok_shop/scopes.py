"""Granted scopes versus what the enabled features need (reference.md#granted-scopes).

The token answer lists the scopes the seller granted (`granted_scopes`; a changelog shows upper-snake names),
so a missing package can be named at Connect instead of surfacing later as 105005 on the first call that
needs it. Names are compared without case or punctuation, which covers both spellings.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from typing import Any

log = logging.getLogger("connectors.tiktok_shop.scopes")

# scope key -> (Partner Center package name, setting that switches the feature off, or None: always used)
NEEDED: dict[str, tuple[str, str | None]] = {
    "seller.authorization.info": ("Shop Authorized Information", None),
    "seller.order.info": ("Order Information", None),
    "seller.fulfillment.basic": ("Fulfillment Basic", "push_shipments"),
    "seller.product.basic": ("Product Basic", "stock_sync"),
    "seller.return_refund.basic": ("Return & Refund Basic", None),
}


def _key(scope: str) -> str:
    return re.sub(r"[^a-z0-9]", "", scope.lower())


def missing_packages(granted: Sequence[str], settings: Mapping[str, Any]) -> list[str]:
    """The Partner Center packages the enabled features need and the grant lacks ([] when TikTok listed
    no scopes at all: nothing to compare)."""
    if not granted:
        return []
    have = {_key(s) for s in granted}
    return [
        package
        for scope, (package, switch) in NEEDED.items()
        if _key(scope) not in have and (switch is None or settings.get(switch) is not False)
    ]


def warn_if_missing(
    integration_id: str | None, granted: Sequence[str], settings: Mapping[str, Any]
) -> list[str]:
    missing = missing_packages(granted, settings)
    if missing:
        log.warning(
            "integration %s: the seller's authorization lacks the API scope package(s) %s; calls needing them "
            "will fail (105005): enable them for the app in TikTok Shop Partner Center, then re-authorize",
            integration_id,
            ", ".join(missing),
        )
    return missing
