"""connector_core.testing: the contract-test kit for connectors (its pytest plugin: `pytest_channel_connectors`).

- `ConnectorContract`: the reusable suite; a connector's test module subclasses it and implements the
  hooks for its channel (how to start the emulator, build credentials, pick SKUs and orders, inject faults).
- `ContractSession` (the ``contract`` fixture): one test's cassette, store, fixed clock and channel.
- `vcr_config` / `ScrubPolicy` / `Scrubber`: vcrpy configured from a connector's manifest.
- `lint_directory` / `unused_cassettes`: the cassette lint (the plugin runs it at the end of every run).
- `block_network`, `FixedClock`: replay without a network, with time standing still.
- `connector_core.testing.store_contract.StoreContract`: the reusable suite for a store backend; import it
  from there (neither this package nor the plugin loads it).
- `connector_core.testing.redis_server` / `celery_workers`: a throw-away Redis and real `celery worker`
  processes, for testing a worker deployment (docs/contract-testing.md); imported from there too.

Nothing in vcrpy is imported until a cassette is opened. See docs/contract-testing.md.
"""

from __future__ import annotations

from .cassettes import MATCH_ON, CassetteMiss, open_cassette, should_record, vcr_config
from .contract import ConnectorContract
from .fixed_clock import FixedClock
from .lint import DEFAULT_PATTERNS, Finding, lint_cassette, lint_directory, lint_text, unused_cassettes
from .network import NetworkBlocked, NetworkGuard, block_network
from .scrub import Scrubber, ScrubPolicy, SecretBook, placeholder
from .session import CassetteLedger, ContractSession, contract_session

__all__ = [
    "DEFAULT_PATTERNS",
    "MATCH_ON",
    "CassetteLedger",
    "CassetteMiss",
    "ConnectorContract",
    "ContractSession",
    "Finding",
    "FixedClock",
    "NetworkBlocked",
    "NetworkGuard",
    "ScrubPolicy",
    "Scrubber",
    "SecretBook",
    "block_network",
    "contract_session",
    "lint_cassette",
    "lint_directory",
    "lint_text",
    "open_cassette",
    "placeholder",
    "should_record",
    "unused_cassettes",
    "vcr_config",
]
