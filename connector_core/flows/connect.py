"""Connect: the consent URL with a single-use state, the code exchange, the shops the grant covers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

from pydantic import SecretStr

from ..errors import FieldError, InvalidInput
from ..models import Account, ConnectionCheck
from .session import Session
from .subscriptions import subscribe_after_connect

OAUTH_STATE_TTL = timedelta(minutes=15)


def begin_connect(
    session: Session, redirect_uri: str | None = None, *, data: Mapping[str, Any] | None = None
) -> str:
    """Store a single-use `state` and return the consent URL to send the seller to. `data` rides along with
    the state to the callback (the web pages keep the host's return URL there)."""
    state = session.store.create_oauth_state(
        session.id, OAUTH_STATE_TTL, {**(data or {}), "redirect_uri": redirect_uri}
    )
    return session.connector.authorization_url(session.bare_context(), state.state, redirect_uri)


def finish_connect(session: Session, callback_params: Mapping[str, str]) -> list[Account]:
    """Exchange the callback's code, store the tokens, discover and store the accounts."""
    code = callback_params.get("code")
    if not code:
        error = callback_params.get("error") or callback_params.get("error_description")
        raise InvalidInput(
            "OAuth callback",
            [FieldError("code", f"is missing{f' (the channel said: {error})' if error else ''}")],
        )
    extra = {k: v for k, v in callback_params.items() if k not in {"code", "state"}}
    tokens = session.connector.exchange_code(session.bare_context(), SecretStr(code), extra)
    session.tokens.store_new_tokens(tokens)
    accounts = discover_accounts(session)
    subscribe_after_connect(session)  # connect and renewal both come through here
    return accounts


def discover_accounts(session: Session) -> list[Account]:
    accounts = session.connector.discover_accounts(session.context())
    session.store.save_accounts(session.id, accounts)
    named = shop_named_by_credentials(session.record.credentials.public, accounts)
    if named is not None and session.record.account_id != named:
        select_account(session, named)  # the host's form named the shop: that one only
    elif session.record.account_id is None and len(accounts) == 1:
        select_account(session, accounts[0].id)
    return accounts


def shop_named_by_credentials(public: Mapping[str, Any], accounts: Sequence[Account]) -> str | None:
    """The shop a credential form names (a field holding a discovered shop's id or selector), if any: a
    host whose form asks for the shop serves that shop only, and a changed field switches it."""
    values = {str(v).strip() for v in public.values() if isinstance(v, (str, int)) and str(v).strip()}
    named = {a.id for a in accounts if a.id in values or (a.selector and a.selector in values)}
    return named.pop() if len(named) == 1 else None


def select_account(session: Session, account_id: str) -> None:
    """Serve another shop: cursors, ledgers, caches and leases are keyed by it, so they switch with it."""
    known = {a.id for a in session.store.list_accounts(session.id)}
    if account_id not in known:
        raise InvalidInput(
            "account", [FieldError("account_id", f"{account_id!r} is not one of {sorted(known)}")]
        )
    session.switch_record(session.store.update_integration(session.id, account_id=account_id))


def check_connection(session: Session) -> ConnectionCheck:
    return session.connector.check_connection(session.context())
