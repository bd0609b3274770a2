"""The seam for a rate limit shared beyond one process: `RateGate`.

A channel counts calls per app and shop, however many processes or machines make them. `HttpClient`
asks its gate before every attempt (retries included) whether the call's bucket admits one more call;
the gate answers with how long to wait, and the client waits within the call's rate-limit bound. The
connector names the bucket (`rate_key`, e.g. app and shop); the core knows nothing of what the key
means. `connector_core.worker` provides a gate on Redis shared by all workers.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

__all__ = ["RateGate"]


@runtime_checkable
class RateGate(Protocol):
    """Admits calls per bucket across every process that shares it."""

    def admit(self, key: str) -> float:
        """Take one call from bucket `key`: 0 when admitted (the call is counted), else the seconds to
        wait before asking again (nothing counted). Must not block; must not raise for a bucket's state."""
