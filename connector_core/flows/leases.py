"""The flows' leases are the core's one lease primitive: see `connector_core.leases`."""

from __future__ import annotations

from ..leases import HeldLease, LeaseBusy, LeaseLost, acquire, hold, release

__all__ = ["HeldLease", "LeaseBusy", "LeaseLost", "acquire", "hold", "release"]
