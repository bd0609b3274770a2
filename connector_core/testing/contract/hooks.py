"""What a connector's contract test module sets and implements: the class attributes that describe the
channel under test, and the hooks the suite calls while recording (the channel, its data, its faults).

Every hook here is documented where it is declared; the ones without a default raise NotImplementedError
naming themselves, so a harness learns what it still owes from the first test that needs it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

from ...integration import Integration
from ...models import Account, Shipment, StockLevel, TokenSet


class ContractHooks:
    """The settings and hooks of `ConnectorContract` (see its docstring for a connector's subclass)."""

    # --- what the connector's test module sets ------------------------------------------------------------

    connector_id: ClassVar[str]
    """The entry-point name of the connector under test."""
    plugin_module: ClassVar[str | None] = None
    """The connector's hookimpl module ("connectors.my_channel.plugin"), loaded directly when no entry point
    of `connector_id` is installed: a freshly scaffolded package passes its suite before `pip install`."""
    cassette_dir: ClassVar[Path]
    """Where this connector's cassettes live (``cassettes/<connector_id>/``)."""
    serializer: ClassVar[str] = "yaml"
    settings: ClassVar[Mapping[str, Any]] = {}
    """Integration settings every flow runs with (for example, stock sync switched on)."""
    redirect_uri: ClassVar[str | None] = None
    expected_channel_statuses: ClassVar[frozenset[str]] = frozenset()
    """Channel statuses the order import must meet (each must be mapped by the connector itself)."""
    min_order_pages: ClassVar[int] = 2
    unknown_sku: ClassVar[str] = "CONTRACT-NO-SUCH-SKU"
    unknown_order_id: ClassVar[str | None] = None
    """An order id the channel does not know, for `get_orders`' problem report (None: not checked)."""
    response_secret_fields: ClassVar[tuple[str, ...]] = ()
    """JSON response fields faked besides the manifest's token-like secret parameters."""
    volatile_response_fields: ClassVar[tuple[str, ...]] = ()
    """JSON response fields that differ on every call (request ids): made stable in cassettes."""
    volatile_headers: ClassVar[tuple[str, ...]] = ()
    """Response headers dropped from cassettes besides Date and Server."""
    token_patterns: ClassVar[Mapping[str, str]] = {}
    """The lint's extra regexes for this channel's credentials: description -> pattern."""
    fault_targets: ClassVar[frozenset[str]] = frozenset({"emulator"})
    """Targets that can inject faults; recording the error paths elsewhere skips them."""
    strict_playback: ClassVar[bool] = True
    """Replay fails when a flow leaves recorded interactions unplayed (it makes fewer calls than it did)."""
    max_recording_sleep: ClassVar[float] = 5.0
    """While recording, backoff sleeps are real but capped at this; replay records them without sleeping."""

    # --- hooks: the channel (called only while recording) ---------------------------------------------------

    def open_channel(self, target: str) -> AbstractContextManager[Any]:
        """A context manager giving the channel handle for `target` ("emulator" or "live").

        Start the emulator here (with a fixed seed and start time, so a re-recording differs only where
        the data did), or check that the live credentials are in the environment and skip if not.
        Never called on replay.
        """
        raise NotImplementedError(f"{type(self).__name__} must implement open_channel(target)")

    def credentials(self, channel: Any, target: str) -> Mapping[str, Any]:
        """The credential form for the channel (real secrets: the session collects them for the lint)."""
        raise NotImplementedError(f"{type(self).__name__} must implement credentials(channel, target)")

    def replay_credentials(self) -> Mapping[str, Any]:
        """A credential form that validates and holds no secret: what a replay runs with."""
        raise NotImplementedError(f"{type(self).__name__} must implement replay_credentials()")

    def host_aliases(self, channel: Any) -> Mapping[str, str]:
        """Real base URL -> the stable name written to cassettes (an emulator's ports change every run)."""
        return {}

    def recording_secrets(self, channel: Any) -> Mapping[str, str]:
        """Secret values of the recording environment besides the credentials (value -> label)."""
        return {}

    def known_secrets(self) -> Mapping[str, str]:
        """Secret values the lint searches for on every run, replay included (value -> label); for
        example the emulator's own app secret, which is public but must still never be recorded."""
        return {}

    def recording_time(self, channel: Any, target: str) -> int:
        """The instant (Unix seconds) the recording's clock stands at; stored, and replayed with."""
        return int(datetime.now().timestamp())

    def issue_tokens(self, channel: Any) -> TokenSet:
        """Valid tokens for the channel without a consent flow (the emulator issues them; live reads them
        from the environment)."""
        raise NotImplementedError(f"{type(self).__name__} must implement issue_tokens(channel)")

    def seller_consent(self, channel: Any, authorization_url: str) -> Mapping[str, str]:
        """Play the seller: consent on `authorization_url` and return the OAuth callback's query
        (``code``, ``state`` and whatever else the channel adds). Skip when it cannot be done."""
        raise NotImplementedError(f"{type(self).__name__} must implement seller_consent(channel, url)")

    def check_authorization_url(self, url: str, credentials: Mapping[str, Any]) -> None:
        """Channel-specific checks of the consent URL (default: none beyond the generic ones)."""

    def choose_account(self, channel: Any, accounts: Sequence[Account]) -> Account:
        """The account (shop) the flows use, among those discovered."""
        return accounts[0]

    def order_window(self, channel: Any, now: datetime) -> tuple[datetime, datetime]:
        """The window the order import reads: it must hold more than `min_order_pages` - 1 pages."""
        return now - timedelta(days=30), now

    def stock_levels(self, channel: Any, integration: Integration) -> list[StockLevel]:
        """Levels for SKUs that exist on the selected account (the suite adds an unknown one)."""
        raise NotImplementedError(f"{type(self).__name__} must implement stock_levels(channel, integration)")

    def shipment(self, channel: Any, integration: Integration) -> Shipment:
        """A shipment for an order of the selected account that is waiting to be shipped by the seller."""
        raise NotImplementedError(f"{type(self).__name__} must implement shipment(channel, integration)")

    def label_boxes(self, channel: Any, integration: Integration) -> dict[str, Any]:
        """An order of the selected account whose label the channel sells (awaiting shipment), and its boxes:
        ``{"order_id": ..., "boxes": [[channel line ids], ...]}``, two boxes where the order has two lines."""
        raise NotImplementedError(f"{type(self).__name__} must implement label_boxes(channel, integration)")

    def webhook_body(self, channel: Any, integration: Integration) -> bytes:
        """A webhook delivery's raw body about an order of the selected account (an order status change)."""
        raise NotImplementedError(f"{type(self).__name__} must implement webhook_body(channel, integration)")

    def sign_webhook(self, credentials: Mapping[str, Any], body: bytes) -> dict[str, str]:
        """The headers the channel would send with `body`, signed with `credentials`, computed by the test
        independently of the connector's own code."""
        raise NotImplementedError(f"{type(self).__name__} must implement sign_webhook(credentials, body)")

    # --- hooks: faults (recording against a fault target only) -----------------------------------------------

    def expire_access_token(self, channel: Any) -> None:
        """Make the channel treat the current access token as expired."""
        raise NotImplementedError

    def rate_limit(self, channel: Any) -> None:
        """Make the channel answer 429 (with a short Retry-After) to the second of two quick calls."""
        raise NotImplementedError

    def revoke_authorization(self, channel: Any) -> None:
        """The seller withdraws the authorization: access and refresh tokens stop working."""
        raise NotImplementedError
