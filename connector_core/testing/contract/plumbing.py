"""How the contract suite runs a connector: the host it loads the connector with, the scrub policy its
cassettes are written under, the cassette each test uses, and the ``contract`` fixture that opens it."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from importlib.metadata import entry_points
from pathlib import Path
from typing import TYPE_CHECKING, cast

import pytest

from pytest_channel_connectors import CALL_REPORT

from ...host import ENTRY_POINT_GROUP, Connector, ConnectorHost
from ...models import Capability, Manifest
from ..scrub import ScrubPolicy
from ..session import CassetteLedger, ContractSession
from .hooks import ContractHooks

if TYPE_CHECKING:
    from . import ConnectorContract

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


class ContractPlumbing(ContractHooks):
    """The suite's machinery, shared by every group of contract tests."""

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
        harness = cast("ConnectorContract", self)  # a test class is always the whole suite, not one part
        with ContractSession(
            harness,
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
