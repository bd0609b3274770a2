"""The pytest plugin of channel-connectors' contract-test kit (entry point ``pytest11: channel_connectors``).

It loads into every pytest run of an environment where channel-connectors is installed, so it costs next to
nothing until a test uses the kit: this module imports only pytest and the standard library, and nothing of
``connector_core`` is imported before a contract suite is collected or a kit fixture is requested. Its options
and fixtures carry a ``channel`` prefix so they cannot collide with other cassette plugins (pytest-recording
owns ``--record-mode`` and the ``record_mode`` fixture).

Command-line switches shared by every connector's suite:

- ``--channel-record-mode``: ``none`` replays only (the default; an unmatched request fails naming the request and
  the cassette, and the network is blocked), ``once`` records the cassettes that do not exist yet,
  ``rewrite`` re-records every cassette the selected tests use;
- ``--channel-target``: where recording sends requests, ``emulator`` (default) or ``live`` (the real
  channel, credentials from environment variables the connector's suite documents).

At the end of a run that collected a contract suite, the cassette lint runs over that suite's cassette
folder and fails the run when a cassette holds a secret (of the recording environment, or anything shaped
like a credential) or when no test uses a cassette any more.

vcrpy is imported only when a cassette is opened, so a project that installs ``channel-connectors`` without
its test extras still runs its own pytest.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from connector_core.testing.contract import ConnectorContract
    from connector_core.testing.lint import Finding
    from connector_core.testing.session import CassetteLedger

RECORD_MODES = ("none", "once", "rewrite")
TARGETS = ("emulator", "live")

LEDGER = pytest.StashKey["CassetteLedger"]()
FINDINGS = pytest.StashKey[list["Finding"]]()
CALL_REPORT = pytest.StashKey[pytest.TestReport]()
"""The outcome of a test's call phase, for its `contract` fixture: a failed recording is not written."""


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("channel-connectors", "channel connector contract tests")
    group.addoption(
        "--channel-record-mode",
        action="store",
        dest="channel_record_mode",
        default="none",
        choices=RECORD_MODES,
        help="cassettes: none replays only, network blocked (default); once records missing cassettes; "
        "rewrite re-records the cassettes of the selected tests",
    )
    group.addoption(
        "--channel-target",
        action="store",
        dest="channel_target",
        default="emulator",
        choices=TARGETS,
        help="where recording sends requests: the local emulator (default) or the live channel, with "
        "credentials from environment variables (see docs/contract-testing.md)",
    )


def _ledger(config: pytest.Config) -> CassetteLedger:
    """The run's ledger, created the first time the kit is used (the import is deferred until then)."""
    ledger = config.stash.get(LEDGER, None)
    if ledger is None:
        from connector_core.testing.session import CassetteLedger

        ledger = config.stash[LEDGER] = CassetteLedger()
    return ledger


@pytest.fixture(scope="session")
def channel_record_mode(request: pytest.FixtureRequest) -> str:
    """The cassette mode chosen on the command line: none, once or rewrite."""
    return str(request.config.getoption("channel_record_mode"))


@pytest.fixture(scope="session")
def channel_target(request: pytest.FixtureRequest) -> str:
    """Where a recording goes: emulator or live."""
    return str(request.config.getoption("channel_target"))


@pytest.fixture(scope="session")
def cassette_ledger(request: pytest.FixtureRequest) -> CassetteLedger:
    """The run's ledger: secrets seen while recording, cassettes opened, contract suites collected."""
    return _ledger(request.config)


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
    for item in items:
        contract = _contract_class(item)
        if contract is not None:
            _ledger(config).collected(contract)


def pytest_deselected(items: list[pytest.Item]) -> None:
    # A deselected contract test still owns its cassette: register its class so the lint knows its names.
    for item in items:
        contract = _contract_class(item)
        if contract is not None:
            _ledger(item.config).collected(contract)


def lint_ledger(ledger: CassetteLedger) -> list[Finding]:
    """The lint over every cassette folder of a collected contract suite (what the end of the run checks)."""
    from connector_core.testing.lint import lint_directory, unused_cassettes

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
