"""Naming a shop on the command line (id, selector or name) and listing a connection's shops with what is served."""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import ConnectorError
from ..integration import Integration
from ..models import Account

PROG = "channel-connectors"


def find_account(accounts: Sequence[Account], wanted: str) -> Account:
    """The shop `wanted` names: its id, its selector (TikTok: the cipher) or its name (case-insensitive)."""
    text = wanted.strip()
    for match in (
        [a for a in accounts if a.id == text],
        [a for a in accounts if a.selector and a.selector == text],
        [a for a in accounts if a.name and a.name.casefold() == text.casefold()],
    ):
        if len(match) == 1:
            return match[0]
        if len(match) > 1:
            raise ConnectorError(f"--shop {text!r} names {len(match)} shops: give the shop id instead")
    known = ", ".join(f"{a.id} ({a.name})" if a.name else a.id for a in accounts) or "none: run connect first"
    raise ConnectorError(f"--shop {text!r} is none of the authorized shops: {known}")


def shop_lines(integration: Integration) -> list[str]:
    """Every shop of the authorization with its status; all active ones are served unless an older
    `--shop` limited the integration to one (and the exact command that lifts it)."""
    shops = integration.shops()
    selected = integration.record.account_id or None
    lines = []
    for shop in shops:
        account = shop.account
        mark = "*" if shop.active and selected in (None, account.id) else " "
        state = "" if shop.active else f"left: {shop.status_reason or 'no longer authorized'}"
        lines.append(
            f"  {mark} {account.id:<20} {account.name or '':<28} {account.region or '':<4} {state}".rstrip()
        )
    if selected:
        lines.append(
            f"serving only shop {selected}; to serve another shop: {PROG} integrations update "
            f"{integration.id} --shop SHOP_ID (every shop: --all-shops)"
        )
    elif any(s.active for s in shops):
        lines.append("every active shop is served (*): pulls cover each, shipments go to the order's shop")
    return lines
