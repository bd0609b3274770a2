"""The host's hooks: where imported orders and returns go (implemented by a host plugin, never a
connector)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .markers import hookspec

if TYPE_CHECKING:  # annotations only: importing the hooks stays cheap (no pydantic)
    from ..aftersales import ReturnPage
    from ..models import OrderPage


@hookspec
def order_pages_ready(integration_id: str, account_id: str, page: OrderPage, delivery_id: str) -> None:
    """Receive imported orders: a hook for the host, not for connectors (register it with
    ``ConnectorHost(plugins=[...])``; the workers load the ``channel_connectors.host_plugins`` entry points).

    Called by the workers (`connector_core.worker`) with each page of orders read for shop `account_id`
    of integration `integration_id`, by a scheduled import, a Pull now or a re-read after a webhook.
    Each order version (order id and `updated_at`) is handed over once: a page holds only versions
    not handed over before, so overlapping windows, duplicate tasks and two schedulers never repeat one.
    Problems (orders the connector could not read) come once per order and message. The one case a page
    comes again is a worker killed after this hook returned and before it recorded the delivery: the
    repeat carries the same `delivery_id` (a digest of the versions in it), so a host that keeps the ids
    it has committed can drop it. Raise to refuse the page: it is not recorded and the import stops
    there, to be retried. Returns nothing; every implementation runs: not ``firstresult``.
    """


@hookspec
def return_pages_ready(integration_id: str, account_id: str, page: ReturnPage) -> None:
    """Receive imported returns: a hook for the host, not for connectors (registered like
    `order_pages_ready`).

    Called by the worker's `pull_returns` task (and the reconciliation sweep) with each page of returns
    changed since the shop's last returns import (refunds, returns, replacements, exchanges, with the
    channel's stated amounts). Each return version is handed over once (the delivery ledger); after a kill
    between the hand-over and its record, a page comes once more: keep the newest `updated_at`. Raise to
    refuse the page (the cursor stays). Returns nothing; every implementation runs:
    not ``firstresult``.
    """
