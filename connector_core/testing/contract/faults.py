"""The contract's error paths (recorded against a fault target only): an expired access token is
refreshed, a 429 is backed off, and a revoked authorization raises `ReauthorizationRequired`."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ...errors import ReauthorizationRequired
from ...integration import Integration
from ...models import Capability
from ..session import ContractSession
from .plumbing import ContractPlumbing


class FaultsContract(ContractPlumbing):
    """What the connection does when the channel misbehaves."""

    def test_expired_access_token_is_refreshed(self, contract: ContractSession) -> None:
        self._require(Capability.CONNECT)
        contract.require_faults()
        integration = contract.connected()
        before = integration.tokens.tokens()
        assert before is not None
        contract.on_channel(self.expire_access_token)
        check = integration.check_connection()
        assert check.ok, check.message
        after = integration.tokens.tokens()
        assert after is not None
        assert after.access_token.get_secret_value() != before.access_token.get_secret_value()

    def test_rate_limit_is_backed_off(self, contract: ContractSession) -> None:
        self._require(Capability.CONNECT)
        contract.require_faults()
        integration = contract.connected()
        contract.on_channel(self.rate_limit)
        checks = [integration.check_connection() for _ in range(2)]
        assert all(c.ok for c in checks), [c.message for c in checks]
        assert contract.http.stats.by_status.get(429), "the channel refused a call with 429"
        assert contract.sleeps, "the client waited before retrying"

    def test_revoked_authorization_requires_reauthorization(self, contract: ContractSession) -> None:
        self._require(Capability.CONNECT)
        contract.require_faults()
        integration = contract.connected()
        contract.on_channel(self.revoke_authorization)
        with pytest.raises(ReauthorizationRequired):
            self._any_authorized_call(integration)
        state = integration.reauthorization()
        assert state.needs_reauthorization, "the integration is marked for re-authorization"
        with pytest.raises(ReauthorizationRequired):
            integration.access_token()  # now without asking the channel again

    def _any_authorized_call(self, integration: Integration) -> None:
        if Capability.ORDERS in integration.connector.capabilities:
            now = integration.clock.now()
            next(iter(integration.pull_orders(now - timedelta(days=1), now)))
        else:
            integration.discover_accounts()
