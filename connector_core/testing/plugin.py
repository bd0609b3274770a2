"""The pytest plugin of the contract-test kit: command-line switches shared by every connector's suite.

`--record-mode` chooses how cassettes are used (none: replay only, the default; once; rewrite), and
`--channel-target` points the suite at the local emulator or at the real channel (credentials then come
from environment variables the connector documents).
"""

from __future__ import annotations

import pytest

RECORD_MODES = ("none", "once", "new_episodes", "all", "rewrite")
TARGETS = ("emulator", "live")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("channel-connectors", "channel connector contract tests")
    group.addoption(
        "--record-mode",
        action="store",
        default="none",
        choices=RECORD_MODES,
        help="cassette mode: none replays only (default), once records missing cassettes, rewrite re-records all",
    )
    group.addoption(
        "--channel-target",
        action="store",
        default="emulator",
        choices=TARGETS,
        help="where recording sends requests: the local emulator (default) or the live channel",
    )


@pytest.fixture(scope="session")
def record_mode(request: pytest.FixtureRequest) -> str:
    """The cassette record mode chosen on the command line ('rewrite' means vcrpy's 'all')."""
    mode = str(request.config.getoption("--record-mode"))
    return "all" if mode == "rewrite" else mode


@pytest.fixture(scope="session")
def channel_target(request: pytest.FixtureRequest) -> str:
    return str(request.config.getoption("--channel-target"))
