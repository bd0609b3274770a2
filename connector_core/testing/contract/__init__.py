"""The reusable contract suite: every connector proves the same promises by subclassing one class.

```python
class TestMyChannelContract(ConnectorContract):
    connector_id = "my_channel"
    cassette_dir = Path(__file__).parents[2] / "cassettes" / "my_channel"

    def open_channel(self, target): ...          # start the emulator (or check live credentials)
    def credentials(self, channel, target): ...  # the credential form for that channel
    def replay_credentials(self): ...            # a form that validates, for replay (no secret in it)
    ...                                          # the other hooks (hooks.py), as the channel needs
```

Each ``test_*`` method uses the ``contract`` fixture, a `ContractSession` on the cassette named after
the test (``test_order_import`` -> ``order_import.yaml`` in `cassette_dir`). Nothing here knows a
channel: what differs between channels comes from the hooks, all of them documented in `hooks.py`, and
what a recording learned from the channel (which shop, which SKUs, which order) is stored in the
cassette, so a replay needs neither the channel nor the harness's knowledge of it.

The suite checks: manifest and form schemas (draft-07, secrets write-only), each declared capability's
hooks, connect (authorization URL, code exchange, account discovery), refresh, check connection, order
import over several pages with every status mapped, stock push, shipment confirmation, webhook
verification, and the error paths (an expired access token refreshed, a 429 backed off, a revoked
authorization raising `ReauthorizationRequired`). Tests of a capability the manifest does not declare
are skipped.

The suite is composed from one module per group of tests (description, connect, flows, faults) on top of
`hooks` (what a subclass sets and implements) and `plumbing` (host, cassettes, the ``contract`` fixture).
pytest runs them in that order.
"""

from __future__ import annotations

from typing import ClassVar

from .connect import ConnectContract
from .description import DRAFT_07, DescriptionContract
from .faults import FaultsContract
from .flows import FlowsContract
from .hooks import ContractHooks
from .plumbing import TEST_CAPABILITIES, ContractPlumbing


# Listed last group first: pytest collects inherited tests from the most basic class down, so the suite
# runs description, connect, flows, then faults, as it always has.
class ConnectorContract(FaultsContract, FlowsContract, ConnectContract, DescriptionContract):
    """Subclass as ``Test<Channel>Contract``, set `connector_id` and `cassette_dir`, implement the hooks."""

    __connector_contract__: ClassVar[bool] = True  # how the pytest plugin recognises contract classes


__all__ = [
    "DRAFT_07",
    "TEST_CAPABILITIES",
    "ConnectContract",
    "ConnectorContract",
    "ContractHooks",
    "ContractPlumbing",
    "DescriptionContract",
    "FaultsContract",
    "FlowsContract",
]
