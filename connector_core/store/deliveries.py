"""The delivery ledger: which order versions (and which order problems) were handed to the host.

One row per (connection, shop, order): the `updated_at` of the last version handed over, and the last
problem message handed over for that order. `connector_core.work.delivery` reads a whole page's rows in one
query and records a page's hand-over in one transaction, after the host took it.

- `DeliveryRole`: what a backend implements (both backends; `StoreContract` checks it).
- `Delivered`: the record it returns.
- `DeliveryDelegate`: the `Store` front's pass-through, with the checks every backend would repeat.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

MAX_ORDER_ID_LENGTH = 1000
READ_CHUNK = 500
"""Order ids per query: far under SQLite's bound-parameter limit; a page is usually 50 to 100 orders."""


@dataclass(frozen=True)
class Delivered:
    """What the host already holds of one order: `version` (an ISO `updated_at`) and `problem` (a message);
    either is None when none was handed over."""

    version: str | None
    problem: str | None


class DeliveryRole(Protocol):
    def delivered(self, integration_id: str, shop_id: str, order_ids: Iterable[str]) -> dict[str, Delivered]:
        """The rows of those orders that exist (an order never handed over is absent)."""
        ...

    def record_delivered(
        self,
        integration_id: str,
        shop_id: str,
        *,
        versions: Mapping[str, str],
        problems: Mapping[str, str],
    ) -> None:
        """One transaction: each order in `versions` gets that version, each in `problems` that problem;
        what a row already holds and is not named stays."""
        ...


def _order_id(value: str) -> str:
    if not isinstance(value, str) or len(value) > MAX_ORDER_ID_LENGTH or "\x00" in value:
        raise ValueError(
            f"order id {str(value)[:40]!r}: expected at most {MAX_ORDER_ID_LENGTH} characters, no NUL"
        )
    return value


class DeliveryDelegate:
    """Mixed into the `Store` front (`SealedStore`): the backend's delivery rows, inputs checked once here."""

    _deliveries: DeliveryRole

    def delivered(self, integration_id: str, shop_id: str, order_ids: Iterable[str]) -> dict[str, Delivered]:
        wanted = sorted({_order_id(o) for o in order_ids})
        if not wanted:
            return {}
        return self._deliveries.delivered(integration_id, shop_id, wanted)

    def record_delivered(
        self,
        integration_id: str,
        shop_id: str,
        *,
        versions: Mapping[str, str],
        problems: Mapping[str, str],
    ) -> None:
        versions = {_order_id(k): str(v) for k, v in versions.items()}
        problems = {_order_id(k): str(v) for k, v in problems.items()}
        if versions or problems:
            self._deliveries.record_delivered(integration_id, shop_id, versions=versions, problems=problems)


def chunks(order_ids: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(order_ids), READ_CHUNK):
        yield order_ids[start : start + READ_CHUNK]
