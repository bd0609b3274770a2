"""ShopCart passes the framework's `ConnectorContract` from cassettes recorded against its own emulator.

Replay (the default) needs only packages/shopcart/cassettes/. Re-record with
`pytest packages/shopcart/tests --channel-record-mode=rewrite` (the emulator's world is pinned: seed,
order count, start time, its clock stopped).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qsl, urlsplit

from pydantic import SecretStr
from shopcart_harness import (
    ALIAS,
    CLIENT_ID,
    CLIENT_SECRET,
    ShopCartEmulator,
    config,
    form,
    require_installed,
)

from connector_core import Integration, Shipment, ShipmentParcel, StockLevel, TokenSet
from connector_core.testing import ConnectorContract

require_installed()

CASSETTES = Path(__file__).resolve().parents[1] / "cassettes"
REDIRECT = "http://127.0.0.1:8765/shopcart/auth/callback"


class TestShopCartContract(ConnectorContract):
    connector_id = "shopcart"
    cassette_dir = CASSETTES
    settings: ClassVar[Mapping[str, Any]] = {"stock_sync": True}
    redirect_uri = REDIRECT
    expected_channel_statuses = frozenset(
        {
            "paid/unfulfilled",
            "paid/partial",
            "paid/fulfilled",
            "pending/unfulfilled",
            "authorized/unfulfilled",
            "refunded/unfulfilled",
            "cancelled",
        }
    )
    unknown_order_id = "5999999"
    token_patterns: ClassVar[Mapping[str, str]] = {
        "a ShopCart token or code (scat_/scrt_/scc_ prefix)": r"\bsc(?:at|rt|c)_[0-9a-f]{16,}",
    }

    @contextmanager
    def _emulator(self) -> Iterator[ShopCartEmulator]:
        with ShopCartEmulator(config()) as emu:
            yield emu

    def open_channel(self, target: str) -> Any:
        return self._emulator()

    def credentials(self, channel: Any, target: str) -> Mapping[str, Any]:
        return form(channel)

    def replay_credentials(self) -> Mapping[str, Any]:
        return {"shop_url": ALIAS, "client_id": CLIENT_ID, "client_secret": "replay-client-secret"}

    def host_aliases(self, channel: Any) -> Mapping[str, str]:
        return {channel.base_url: ALIAS}

    def known_secrets(self) -> Mapping[str, str]:
        return {CLIENT_SECRET: "emulator client secret"}

    def recording_time(self, channel: Any, target: str) -> int:
        return int(channel.world.now())

    def issue_tokens(self, channel: Any) -> TokenSet:
        data = channel.world.issue_tokens()
        now = datetime.fromtimestamp(channel.world.now(), timezone.utc)
        return TokenSet(
            access_token=SecretStr(data["access_token"]),
            access_expires_at=now + timedelta(seconds=data["expires_in"]),
            refresh_token=SecretStr(data["refresh_token"]),
            refresh_expires_at=now + timedelta(seconds=data["refresh_token_expires_in"]),
        )

    def seller_consent(self, channel: Any, authorization_url: str) -> Mapping[str, str]:
        query = dict(parse_qsl(urlsplit(authorization_url).query))
        # The seller approves on the consent page; the emulator hands out the one-time code it would redirect with.
        return {
            "code": channel.world.authorize(),
            "state": query["state"],
            "shop": channel.config.shop_domain,
        }

    def check_authorization_url(self, url: str, credentials: Mapping[str, Any]) -> None:
        parts = urlsplit(url)
        query = dict(parse_qsl(parts.query))
        assert parts.path == "/admin/oauth/authorize"
        assert query["client_id"] == credentials["client_id"]
        assert query["redirect_uri"] == REDIRECT and query["state"]

    def stock_levels(self, channel: Any, integration: Integration) -> list[StockLevel]:
        return [
            StockLevel(sku="MUG-WHITE", quantity=7, warehouse="71001"),
            StockLevel(sku="TEE-M", quantity=11, warehouse="71002"),
        ]

    def shipment(self, channel: Any, integration: Integration) -> Shipment:
        order_id = channel.world.order_ids("paid", None)[0]
        return Shipment(
            order_id=str(order_id),
            parcels=[ShipmentParcel(tracking_number="SC100000001NL", carrier="PostNL")],
        )

    def expire_access_token(self, channel: Any) -> None:
        channel.world.expire_access_tokens()

    def rate_limit(self, channel: Any) -> None:
        channel.world.rate_limit(1, retry_after=1)

    def revoke_authorization(self, channel: Any) -> None:
        channel.world.revoke()


def test_the_cassettes_hold_no_secret_and_are_all_used() -> None:
    from connector_core.testing import lint_directory, unused_cassettes

    contract = TestShopCartContract
    findings = lint_directory(
        contract.cassette_dir, secrets=contract().known_secrets(), patterns=contract.token_patterns
    )
    assert findings == [], "\n".join(map(str, findings))
    declared = {
        "connect",
        "refresh",
        "check_connection",
        "order_import",
        "stock_push",
        "shipment_confirmation",
    }
    recorded = {p.stem for p in contract.cassette_dir.glob("*.yaml")}
    assert declared <= recorded
    assert unused_cassettes(contract.cassette_dir, contract.cassette_names()) == []
