"""The pytest plugin of the contract-test kit (entry point ``pytest11: channel_connectors``).

Command-line switches shared by every connector's suite:

- ``--record-mode``: ``none`` replays only (the default; an unmatched request fails naming the request and
  the cassette, and the network is blocked), ``once`` records the cassettes that do not exist yet,
  ``rewrite`` re-records every cassette the selected tests use;
- ``--channel-target``: where recording sends requests, ``emulator`` (default) or ``live`` (the real
  channel, credentials from environment variables the connector's suite documents).

At the end of a run that collected a contract suite, the cassette lint runs over that suite's cassette
folder and fails the run when a cassette holds a secret (of the recording environment, or anything shaped
like a credential) or when no test uses a cassette any more.

The plugin stays light: vcrpy is imported only when a cassette is opened, so a project that installs
``channel-connectors`` without its test extras still runs its own pytest.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from .session import CassetteLedger

if TYPE_CHECKING:
    from .contract import ConnectorContract
    from .lint import Finding

RECORD_MODES = ("none", "once", "rewrite")
TARGETS = ("emulator", "live")

LEDGER = pytest.StashKey[CassetteLedger]()
FINDINGS = pytest.StashKey[list["Finding"]]()
CALL_REPORT = pytest.StashKey[pytest.TestReport]()
"""The outcome of a test's call phase, for its `contract` fixture: a failed recording is not written."""


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("channel-connectors", "channel connector contract tests")
    group.addoption(
        "--record-mode",
        action="store",
        default="none",
        choices=RECORD_MODES,
        help="cassettes: none replays only, network blocked (default); once records missing cassettes; "
        "rewrite re-records the cassettes of the selected tests",
    )
    group.addoption(
        "--channel-target",
        action="store",
        default="emulator",
        choices=TARGETS,
        help="where recording sends requests: the local emulator (default) or the live channel, with "
        "credentials from environment variables (see docs/contract-testing.md)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.stash[LEDGER] = CassetteLedger()
    config.stash[FINDINGS] = []


@pytest.fixture(scope="session")
def record_mode(request: pytest.FixtureRequest) -> str:
    """The cassette mode chosen on the command line: none, once or rewrite."""
    return str(request.config.getoption("--record-mode"))


@pytest.fixture(scope="session")
def channel_target(request: pytest.FixtureRequest) -> str:
    """Where a recording goes: emulator or live."""
    return str(request.config.getoption("--channel-target"))


@pytest.fixture(scope="session")
def cassette_ledger(request: pytest.FixtureRequest) -> CassetteLedger:
    """The run's ledger: secrets seen while recording, cassettes opened, contract suites collected."""
    return request.config.stash[LEDGER]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if call.when == "call":
        item.stash[CALL_REPORT] = report
    return report


def _contract_class(item: pytest.Item) -> type[ConnectorContract] | None:
    cls = getattr(item, "cls", None)
    if cls is not None and getattr(cls, "__connector_contract__", False) and hasattr(cls, "cassette_dir"):
        contract: type[ConnectorContract] = cls
        return contract
    return None


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    ledger = config.stash[LEDGER]
    for item in items:
        contract = _contract_class(item)
        if contract is not None:
            ledger.collected(contract)


def pytest_deselected(items: list[pytest.Item]) -> None:
    # A deselected contract test still owns its cassette: register its class so the lint knows its names.
    for item in items:
        contract = _contract_class(item)
        if contract is not None:
            item.config.stash[LEDGER].collected(contract)


def lint_ledger(ledger: CassetteLedger) -> list[Finding]:
    """The lint over every cassette folder of a collected contract suite (what the end of the run checks)."""
    from .lint import lint_directory, unused_cassettes

    findings: list[Finding] = []
    for directory, contracts in sorted(ledger.contracts.items()):
        secrets = dict(ledger.secrets.values)
        patterns: dict[str, str] = {}
        used = set(ledger.opened.get(directory, set()))
        for contract in contracts:
            harness = contract()
            for value, label in harness.known_secrets().items():
                secrets.setdefault(value, label)
            patterns.update(contract.token_patterns)
            used |= contract.cassette_names()
        findings.extend(lint_directory(directory, secrets=secrets, patterns=patterns))
        findings.extend(unused_cassettes(directory, used))
    return findings


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    ledger = config.stash.get(LEDGER, None)
    if ledger is None or not ledger.contracts:
        return
    findings = lint_ledger(ledger)
    config.stash[FINDINGS] = findings
    if findings and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    ledger = config.stash.get(LEDGER, None)
    findings = config.stash.get(FINDINGS, [])
    if ledger is None:
        return
    if ledger.secrets.swept:
        terminalreporter.section("cassette filters", sep="-", yellow=True)
        for line in ledger.secrets.swept:
            terminalreporter.line(f"swept by the last filter (a gap in the others): {line}")
    if ledger.recorded:
        terminalreporter.section("cassettes recorded", sep="-")
        for path in sorted(ledger.recorded):
            terminalreporter.line(_relative(path))
    if findings:
        terminalreporter.section("cassette lint", sep="-", red=True)
        for finding in findings:
            terminalreporter.line(str(finding))
        terminalreporter.line(f"{len(findings)} cassette lint finding(s): the run fails")


def _relative(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
