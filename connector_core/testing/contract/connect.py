"""The contract's connection tests: connect (authorization URL, code exchange, account discovery, a
single-use state), refresh, and check connection."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from ...errors import OAuthStateError
from ...models import Capability
from ..session import ContractSession
from .plumbing import ContractPlumbing


class ConnectContract(ContractPlumbing):
    """A seller connects, tokens refresh, and the connection checks out."""

    def test_connect(self, contract: ContractSession) -> None:
        self._require(Capability.CONNECT)
        integration = contract.new_integration()
        url = integration.begin_connect(self.redirect_uri)
        parts = urlsplit(url)
        assert parts.scheme in {"http", "https"} and parts.netloc, f"not an absolute URL: {url}"
        self.check_authorization_url(url, contract.credentials)
        params = contract.callback_params(url)
        if "state" in params:  # the host's callback route: checks the state, exchanges, discovers
            integration = contract.integrations.complete_connect(params)
            with pytest.raises(OAuthStateError):
                contract.integrations.complete_connect(params)  # a state is single use: no second exchange
        else:
            integration.finish_connect(params)
        accounts = contract.integrations.store.list_accounts(integration.id)
        assert accounts, "the authorization covers at least one account"
        assert all(a.id for a in accounts)
        tokens = integration.tokens.tokens()
        assert tokens is not None, "the code exchange stored tokens"
        assert tokens.access_expires_at > contract.clock.now(), "expiries are absolute instants in the future"
        state = integration.reauthorization()
        assert not state.needs_reauthorization
        if tokens.refresh_expires_at is not None:
            assert state.deadline == tokens.refresh_expires_at

    def test_refresh(self, contract: ContractSession) -> None:
        self._require(Capability.CONNECT)
        integration = contract.connected()
        before = integration.tokens.tokens()
        assert before is not None
        started = contract.clock.now()
        contract.clock.set(before.access_expires_at - timedelta(minutes=1))  # inside the refresh margin
        integration.access_token()
        after = integration.tokens.tokens()
        assert after is not None
        assert after.access_token.get_secret_value() != before.access_token.get_secret_value()
        assert after.refresh_token is not None, "a refresh keeps (or replaces) the refresh token"
        contract.clock.set(started)
        assert integration.check_connection().ok, "the refreshed token works"

    def test_check_connection(self, contract: ContractSession) -> None:
        self._require(Capability.CONNECT)
        integration = contract.connected()
        check = integration.check_connection()
        assert check.ok, check.message
        assert check.accounts, "a good connection lists the accounts it reaches"
        assert integration.record.account_id in {a.id for a in check.accounts}
