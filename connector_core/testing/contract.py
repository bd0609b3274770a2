"""The reusable contract suite: every connector proves the same promises by subclassing one class.

```python
class TestMyChannelContract(ConnectorContract):
    connector_id = "my_channel"
    cassette_dir = Path(__file__).parents[2] / "cassettes" / "my_channel"

    def open_channel(self, target): ...          # start the emulator (or check live credentials)
    def credentials(self, channel, target): ...  # the credential form for that channel
    def replay_credentials(self): ...            # a form that validates, for replay (no secret in it)
    ...                                          # the other hooks below, as the channel needs
```

Each ``test_*`` method uses the ``contract`` fixture, a `ContractSession` on the cassette named after
the test (``test_order_import`` -> ``order_import.yaml`` in `cassette_dir`). Nothing here knows a
channel: what differs between channels comes from the hooks, all of them documented below, and what a
recording learned from the channel (which shop, which SKUs, which order) is stored in the cassette, so
a replay needs neither the channel nor the harness's knowledge of it.

The suite checks: manifest and form schemas (draft-07, secrets write-only), each declared capability's
hooks, connect (authorization URL, code exchange, account discovery), refresh, check connection, order
import over several pages with every status mapped, stock push, shipment confirmation, webhook
verification, and the error paths (an expired access token refreshed, a 429 backed off, a revoked
authorization raising `ReauthorizationRequired`). Tests of a capability the manifest does not declare
are skipped.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

import pytest
from jsonschema import Draft7Validator

from pytest_channel_connectors import CALL_REPORT

from .. import forms
from ..errors import LabelVoidUnsupported, OAuthStateError, ReauthorizationRequired
from ..hookspecs import ALWAYS_REQUIRED, CAPABILITY_HOOKS
from ..host import ENTRY_POINT_GROUP, Connector, ConnectorHost, missing_hooks
from ..integration import Integration, WebhookRejected
from ..models import (
    Account,
    Capability,
    Manifest,
    OrderStatus,
    Shipment,
    StockLevel,
    TokenSet,
)
from .scrub import ScrubPolicy, looks_like_token_field
from .session import CassetteLedger, ContractSession

DRAFT_07 = "http://json-schema.org/draft-07/schema#"

_hosts: dict[str, ConnectorHost] = {}

TEST_CAPABILITIES: dict[str, Capability] = {
    "test_connect": Capability.CONNECT,
    "test_refresh": Capability.CONNECT,
    "test_check_connection": Capability.CONNECT,
    "test_order_import": Capability.ORDERS,
    "test_stock_push": Capability.STOCK,
    "test_shipment_confirmation": Capability.SHIPMENTS,
    "test_label_flow": Capability.LABELS,
    "test_webhooks": Capability.WEBHOOKS,
    "test_expired_access_token_is_refreshed": Capability.CONNECT,
    "test_rate_limit_is_backed_off": Capability.CONNECT,
    "test_revoked_authorization_requires_reauthorization": Capability.CONNECT,
}
"""The capability each contract test proves: a connector that does not declare it skips the test (and needs
no cassette for it)."""


class ConnectorContract:
    """Subclass as ``Test<Channel>Contract``, set `connector_id` and `cassette_dir`, implement the hooks."""

    __connector_contract__: ClassVar[bool] = True  # how the pytest plugin recognises contract classes

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

    # --- plumbing ---------------------------------------------------------------------------------------------

    def host(self) -> ConnectorHost:
        """The host the suite loads connectors with (entry points, strict, only this connector)."""
        key = self.connector_id
        if key not in _hosts:
            installed = {ep.name for ep in entry_points(group=ENTRY_POINT_GROUP)}
            if self.plugin_module and key not in installed:
                host = ConnectorHost(
                    environ={"CHANNEL_CONNECTORS_STRICT": "1", "CHANNEL_CONNECTORS_LOAD": ""}
                )
                host.load().add(key, importlib.import_module(self.plugin_module))
                _hosts[key] = host
            else:
                host = ConnectorHost(
                    environ={"CHANNEL_CONNECTORS_STRICT": "1", "CHANNEL_CONNECTORS_LOAD": key}
                )
                _hosts[key] = host.load()
        return _hosts[key]

    def connector(self) -> Connector:
        return self.host().get(self.connector_id)

    def scrub_policy(self, manifest: Manifest) -> ScrubPolicy:
        return ScrubPolicy.from_manifest(
            manifest,
            response_secret_fields=self.response_secret_fields,
            volatile_response_fields=self.volatile_response_fields,
            volatile_headers=self.volatile_headers,
        )

    @staticmethod
    def cassette_name(test_name: str) -> str:
        return test_name.removeprefix("test_")

    @classmethod
    def cassette_names(cls) -> set[str]:
        """The cassette of every test method that uses the ``contract`` fixture (for the unused lint)."""
        import inspect

        names = set()
        for attribute in dir(cls):
            if not attribute.startswith("test_"):
                continue
            method = getattr(cls, attribute)
            if callable(method) and "contract" in inspect.signature(method).parameters:
                names.add(cls.cassette_name(attribute))
        return names

    def _require(self, capability: Capability) -> Connector:
        connector = self.connector()
        if capability not in connector.capabilities:
            pytest.skip(f"{self.connector_id} does not declare the {capability.value!r} capability")
        return connector

    @pytest.fixture
    def contract(
        self,
        request: pytest.FixtureRequest,
        channel_record_mode: str,
        channel_target: str,
        cassette_ledger: CassetteLedger,
        tmp_path: Path,
    ) -> Iterator[ContractSession]:
        """The test's `ContractSession`, on the cassette named after the test."""
        name = self.cassette_name(request.node.originalname)
        capability = TEST_CAPABILITIES.get(request.node.originalname)
        if capability is not None:
            self._require(capability)  # before the cassette: an undeclared capability has none to open
        with ContractSession(
            self,
            name,
            mode=channel_record_mode,
            target=channel_target,
            workdir=tmp_path,
            ledger=cassette_ledger,
        ) as session:
            yield session
            report = request.node.stash.get(CALL_REPORT, None)
            if report is None or not report.passed:
                session.discard()

    # === the contract ===========================================================================================

    # --- description (no cassette) ------------------------------------------------------------------------------

    def test_manifest_and_schemas(self) -> None:
        connector = self.connector()
        manifest = connector.manifest
        assert manifest.id == self.connector_id
        assert manifest.capabilities, "a connector declares at least one capability"
        if Capability.CONNECT in manifest.capabilities:
            assert manifest.secret_parameters, (
                "a connector that authorizes must name its secret wire parameters"
            )
        for label, schema in (
            ("credentials", connector.credentials_schema()),
            ("settings", connector.settings_schema()),
        ):
            assert schema.get("$schema") == DRAFT_07, f"the {label} schema must declare draft-07"
            Draft7Validator.check_schema(schema)
            assert schema.get("type") == "object", f"the {label} schema describes an object"
            for field_name, sub in forms.iter_fields(schema):
                assert sub.get("title"), f"{label}.{field_name} needs a title for the host's form"
                credential_like = label == "credentials" and looks_like_token_field(field_name)
                if credential_like or forms.is_secret(sub):
                    assert sub.get("writeOnly") is True, f"{label}.{field_name} is a secret: writeOnly: true"
                    assert sub.get("format") == "password", (
                        f"{label}.{field_name} is a secret: format password"
                    )
        ui = connector.ui_schema()
        assert isinstance(ui, dict)

    def test_declared_capabilities_have_hooks(self) -> None:
        connector = self.connector()
        implemented = connector.implemented_hooks()
        assert not missing_hooks(connector.manifest, implemented)
        for hook in ALWAYS_REQUIRED:
            assert hook in implemented
        for capability in connector.capabilities:
            for hook in CAPABILITY_HOOKS[capability]:
                assert hook in implemented, f"{capability.value} needs {hook}"

    # --- connect -----------------------------------------------------------------------------------------------

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

    # --- orders ------------------------------------------------------------------------------------------------

    def test_order_import(self, contract: ContractSession) -> None:
        self._require(Capability.ORDERS)
        integration = contract.connected()
        window = contract.fact(
            "order_window",
            lambda channel: [t.isoformat() for t in self.order_window(channel, contract.clock.now())],
        )
        since, until = (datetime.fromisoformat(t) for t in window)
        pages = list(integration.pull_orders(since, until))
        assert len(pages) >= self.min_order_pages, (
            f"the window held {len(pages)} page(s); the contract needs {self.min_order_pages}: "
            "widen the harness's order_window"
        )
        assert all(p.resume for p in pages[:-1]), "every page but the last says how to continue"
        orders = [o for p in pages for o in p.orders]
        problems = [pr for p in pages for pr in p.problems]
        assert not problems, problems[:3]
        assert len({o.id for o in orders}) == len(orders), "no order is imported twice in one window"
        assert [o.updated_at for o in orders] == sorted(o.updated_at for o in orders), "oldest update first"
        assert all(since <= o.updated_at < until for o in orders), "every order was updated inside the window"
        ctx = integration.context()
        seen = {o.channel_status for o in orders}
        for status in sorted(seen):
            mapped = integration.connector.map_known_status(ctx, status, {})  # not the core default
            assert mapped is not None, f"the connector does not map its own status {status!r}"
        missing = self.expected_channel_statuses - seen
        assert not missing, f"the window holds no order in {sorted(missing)}: every status must be mapped"
        for order in orders:
            assert order.status in OrderStatus
            assert order.lines, f"order {order.id} has lines"

        wanted = [orders[0].id, orders[-1].id]
        unknown = [self.unknown_order_id] if self.unknown_order_id else []
        page = integration.get_orders([*wanted, *unknown])
        assert sorted(o.id for o in page.orders) == sorted(wanted)
        assert [p.order_id for p in page.problems] == unknown

    # --- stock -------------------------------------------------------------------------------------------------

    def test_stock_push(self, contract: ContractSession) -> None:
        self._require(Capability.STOCK)
        integration = contract.connected()
        stored = contract.fact(
            "stock_levels",
            lambda channel: [lv.model_dump(mode="json") for lv in self.stock_levels(channel, integration)],
        )
        levels = [StockLevel.model_validate(item) for item in stored]
        assert levels, "the harness names at least one SKU"
        unknown = StockLevel(sku=self.unknown_sku, quantity=1)
        report = integration.push_stock([*levels, unknown])
        outcomes = {(r.sku, r.warehouse): r.outcome for r in report.results}
        for level in levels:
            assert outcomes[(level.sku, level.warehouse)] == "updated", report
        assert outcomes[(unknown.sku, None)] == "unknown_sku"
        assert report.calls >= 1
        again = integration.push_stock(levels)
        assert {r.outcome for r in again.results} == {"unchanged"}
        assert again.calls == 0, "an unchanged level is not sent again"

    # --- shipments ---------------------------------------------------------------------------------------------

    def test_shipment_confirmation(self, contract: ContractSession) -> None:
        self._require(Capability.SHIPMENTS)
        integration = contract.connected()
        stored = contract.fact(
            "shipment", lambda channel: self.shipment(channel, integration).model_dump(mode="json")
        )
        shipment = Shipment.model_validate(stored)
        report = integration.confirm_shipment(shipment)
        assert [p.outcome for p in report.parcels] == ["confirmed"] * len(shipment.parcels), report
        assert report.calls >= 1
        again = integration.confirm_shipment(shipment)
        assert [p.outcome for p in again.parcels] == ["already_confirmed"] * len(shipment.parcels)
        assert again.calls == 0, "a repeated confirmation makes no call"
        if Capability.ORDERS in integration.connector.capabilities:
            order = integration.get_orders([shipment.order_id]).orders[0]
            tracking = {p.tracking_number for p in order.parcels}
            assert {p.tracking_number for p in shipment.parcels} <= tracking, order.parcels

    # --- labels ------------------------------------------------------------------------------------------------

    def test_label_flow(self, contract: ContractSession) -> None:
        self._require(Capability.LABELS)
        integration = contract.connected()
        stored = contract.fact("label_boxes", lambda channel: self.label_boxes(channel, integration))
        order_id, boxes = str(stored["order_id"]), [list(box) for box in stored["boxes"]]
        report = integration.create_labels(order_id, boxes)
        assert [r.outcome for r in report.results] == ["created"] * len(boxes), report
        labels = [r.label for r in report.results if r.label is not None]
        assert [sorted(label.channel_line_ids) for label in labels] == [sorted(box) for box in boxes]
        assert len({label.package_id for label in labels}) == len(boxes)
        for label in labels:
            assert label.document, "the label document is kept as bytes"
            if label.document_format == "pdf":
                assert label.document.startswith(b"%PDF-"), label.document[:16]
        before = contract.http.stats.requests
        again = integration.create_labels(order_id, boxes)
        assert [r.outcome for r in again.results] == ["already_created"] * len(boxes)
        assert contract.http.stats.requests == before, "a repeated label request makes no call"
        ledger = integration.labels(order_id)
        assert sorted(label.package_id for label in ledger) == sorted(label.package_id for label in labels)
        reprinted = integration.reprint(labels[0].package_id)
        assert reprinted.package_id == labels[0].package_id and reprinted.document
        try:
            voided = integration.void_label(labels[0].package_id)
        except LabelVoidUnsupported as exc:
            assert str(exc), "a channel that cannot void says where to do it"
        else:
            assert voided is True

    # --- webhooks ----------------------------------------------------------------------------------------------

    def test_webhooks(self, contract: ContractSession) -> None:
        self._require(Capability.WEBHOOKS)
        integration = contract.connected()
        body = str(
            contract.fact(
                "webhook_body", lambda channel: self.webhook_body(channel, integration).decode("utf-8")
            )
        ).encode("utf-8")
        headers = self.sign_webhook(contract.credentials, body)
        events = integration.receive_webhook(headers, body)
        assert events, "a verified delivery yields at least one event"
        assert integration.receive_webhook(headers, body) == [], "a repeated delivery is de-duplicated"
        with pytest.raises(WebhookRejected):
            integration.receive_webhook(headers, body + b" ")
        with pytest.raises(WebhookRejected):
            integration.receive_webhook({k: "0" * len(v) for k, v in headers.items()}, body)
        order_events = [e for e in events if e.order_id]
        if order_events and Capability.ORDERS in integration.connector.capabilities:
            event = order_events[0]
            page = integration.get_orders([str(event.order_id)])
            assert [o.id for o in page.orders] == [event.order_id]
            if event.status is not None:
                assert event.status in OrderStatus

    # --- error paths ---------------------------------------------------------------------------------------------

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


__all__ = ["ConnectorContract"]
