"""The store contract is part of the testing kit but costs nothing until a test module imports it."""

from __future__ import annotations

import subprocess
import sys


def test_the_pytest_plugin_does_not_import_the_store_contract() -> None:
    probe = (
        "import sys, pytest_channel_connectors, connector_core.testing; "
        "print('connector_core.testing.store_contract' in sys.modules, 'multiprocessing' in sys.modules)"
    )
    answer = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )

    assert answer.stdout.split()[0] == "False"


def test_the_store_contract_imports_on_demand() -> None:
    from connector_core.testing.store_contract import StoreContract

    assert any(name.startswith("test_") for name in dir(StoreContract))
