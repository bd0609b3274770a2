"""Replay never touches the network: the whole TikTok contract suite passes in a fresh interpreter where
every socket connection (loopback included) and every name lookup raises before pytest even starts.

This does not rest on the kit's own guard (switched off here): the sockets are broken from outside,
by a Python audit hook on the C socket module and by patching ``socket.socket.connect``, so a replay
that reached for any server, local or not, would fail here and be counted.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]

NO_SOCKETS = textwrap.dedent(
    """
    import contextlib, socket, sys

    attempts = []

    def audit(event, args):
        # Raised by the C socket module itself, whatever Python-level patch sits above it.
        if event in ("socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "socket.sendto"):
            attempts.append(event)
            raise OSError(f"sockets are disabled for this run ({event})")

    sys.addaudithook(audit)

    def refuse(name):
        def refused(*args, **kwargs):
            attempts.append(name)
            raise OSError(f"sockets are disabled for this run ({name})")
        return refused

    socket.socket.connect = refuse("connect")
    socket.socket.connect_ex = refuse("connect_ex")
    socket.create_connection = refuse("create_connection")
    socket.getaddrinfo = refuse("getaddrinfo")

    # Switch the kit's own guard off: the proof must not rest on the code it proves.
    import connector_core.testing.session as session
    from connector_core.testing.network import NetworkGuard

    @contextlib.contextmanager
    def no_guard(reason=""):
        yield NetworkGuard("switched off for this proof")

    session.block_network = no_guard

    import pytest

    code = pytest.main(sys.argv[1:])
    print(f"SOCKET ATTEMPTS: {len(attempts)} {sorted(set(attempts))}")
    sys.exit(code)
    """
)


def test_replay_passes_with_every_socket_disabled(channel_record_mode: str) -> None:
    if channel_record_mode != "none":
        pytest.skip("proves replay: run it without --channel-record-mode")
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            NO_SOCKETS,
            str(HERE / "test_tiktok_shop_contract.py"),
            "-q",
            "-p",
            "no:cacheprovider",
            "--channel-record-mode=none",
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        timeout=120,
    )
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    assert "15 passed" in output, output
    assert "SOCKET ATTEMPTS: 0 []" in output, output
