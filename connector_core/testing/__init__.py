"""connector_core.testing: the contract-test kit for connectors (a pytest plugin, loaded through `pytest11`)."""

from __future__ import annotations
