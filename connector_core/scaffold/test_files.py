"""The scaffold's emulator stub, contract test and CI files."""

from __future__ import annotations

EMULATOR = '''"""A stub emulator of $title.

Standard library only, on loopback, nothing of the framework imported. Grow it with the channel: every
endpoint the connector calls, answered the way the channel documents it.
"""

from __future__ import annotations

import json
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

CLIENT_ID = "$name-emulator-client"
CLIENT_SECRET = "$name-emulator-secret-0123456789"
TTL = 3600


class World:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.codes: set[str] = set()
        self.access: set[str] = set()
        self.refresh: set[str] = set()
        self.rate_limited = 0

    def authorize(self) -> str:
        with self.lock:
            code = "code_" + secrets.token_hex(16)
            self.codes.add(code)
            return code

    def issue_tokens(self) -> dict[str, Any]:
        with self.lock:
            access, refresh = "at_" + secrets.token_hex(16), "rt_" + secrets.token_hex(16)
            self.access.add(access)
            self.refresh.add(refresh)
            return {"access_token": access, "refresh_token": refresh, "expires_in": TTL}

    def expire_access_tokens(self) -> None:
        with self.lock:
            self.access.clear()

    def revoke(self) -> None:
        with self.lock:
            self.access.clear()
            self.refresh.clear()


class Handler(BaseHTTPRequestHandler):
    world: World
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _send(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        if self.world.rate_limited > 0:
            self.world.rate_limited -= 1
            return self._send(429, {"error": "slow down"}, {"Retry-After": "1"})
        token = self.headers.get("Authorization", "").removeprefix("Bearer ")
        if token not in self.world.access:
            return self._send(401, {"error": "invalid_token"})
        if self.path == "/api/account":
            account = {"id": "acc-1", "name": "$title Test Account"}
            return self._send(200, account)
        self._send(404, {"error": "not_found"})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        grant = json.loads(self.rfile.read(length) or b"{}")
        if self.path != "/oauth/token":
            return self._send(404, {"error": "not_found"})
        if grant.get("client_id") != CLIENT_ID or grant.get("client_secret") != CLIENT_SECRET:
            return self._send(401, {"error": "invalid_client"})
        spent = self.world.codes if grant.get("grant_type") == "authorization_code" else self.world.refresh
        value = (
            grant.get("code")
            if grant.get("grant_type") == "authorization_code"
            else grant.get("refresh_token")
        )
        with self.world.lock:
            if value not in spent:
                return self._send(400, {"error": "invalid_grant"})
            spent.discard(value)
        self._send(200, self.world.issue_tokens())


class Emulator:
    """`with Emulator() as emu:` serves on 127.0.0.1 at a free port until the block ends."""

    def __init__(self) -> None:
        self.world = World()
        handler = type("BoundHandler", (Handler,), {"world": self.world})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> Emulator:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
'''

CONTRACT_TEST = '''"""$title passes channel-connectors' `ConnectorContract`.

From cassettes recorded against its emulator stub: replay (the default) needs only cassettes/.
Re-record: `pytest --channel-record-mode=rewrite`.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qsl, urlsplit

from connector_core import TokenSet
from connector_core.testing import ConnectorContract
from pydantic import SecretStr

from ${name}_emulator import CLIENT_ID, CLIENT_SECRET, Emulator

ALIAS = "http://api.$dist-emulator.invalid"


class Test${camel}Contract(ConnectorContract):
    connector_id = "$name"
    # found before `pip install` too
    plugin_module = "connectors.$name.plugin"
    cassette_dir = Path(__file__).resolve().parents[1] / "cassettes"
    redirect_uri = "http://127.0.0.1:8765/$name/auth/callback"
    token_patterns: ClassVar[Mapping[str, str]] = {
        "a $title token or code": r"\\b(?:at|rt|code)_[0-9a-f]{32}",
    }

    def open_channel(self, target: str) -> Any:
        return Emulator()

    def credentials(self, channel: Any, target: str) -> Mapping[str, Any]:
        return {"base_url": channel.base_url, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}

    def replay_credentials(self) -> Mapping[str, Any]:
        return {"base_url": ALIAS, "client_id": CLIENT_ID, "client_secret": "replay-secret"}

    def host_aliases(self, channel: Any) -> Mapping[str, str]:
        return {channel.base_url: ALIAS}

    def known_secrets(self) -> Mapping[str, str]:
        return {CLIENT_SECRET: "emulator client secret"}

    def recording_time(self, channel: Any, target: str) -> int:
        return int(time.time())

    def issue_tokens(self, channel: Any) -> TokenSet:
        data = channel.world.issue_tokens()
        return TokenSet(
            access_token=SecretStr(data["access_token"]),
            access_expires_at=datetime.now(timezone.utc) + timedelta(seconds=data["expires_in"]),
            refresh_token=SecretStr(data["refresh_token"]),
        )

    def seller_consent(self, channel: Any, authorization_url: str) -> Mapping[str, str]:
        state = dict(parse_qsl(urlsplit(authorization_url).query))["state"]
        return {"code": channel.world.authorize(), "state": state}

    def expire_access_token(self, channel: Any) -> None:
        channel.world.expire_access_tokens()

    def rate_limit(self, channel: Any) -> None:
        channel.world.rate_limited = 1

    def revoke_authorization(self, channel: Any) -> None:
        channel.world.revoke()
'''

CI_SCRIPT = """#!/usr/bin/env bash
# CI for the $title connector: install it beside the framework, lint nothing yet, run the contract suite
# from the committed cassettes (replay: no network, no secrets).
set -euo pipefail
cd "$$(dirname "$$0")/.."
pip install -q -e '.[test]'
pytest -q
"""

WORKFLOW = """name: ci
on: [push, pull_request]
jobs:
  contract:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - run: ci/run
"""

README = """# $title connector

A connector for channel-connectors, generated by `channel-connectors new connector $name`.

- `connectors/$name/plugin.py`: the hook implementations (CONNECT so far; add capabilities as you go);
- `connectors/$name/client.py`: how one call is sent and its answer read (the core's `call_channel` loops);
- `connectors/$name/schemas/`: the credential and settings forms (JSON Schema draft-07);
- `${name}_emulator/`: a stub of the channel to record cassettes against;
- `tests/test_${name}_contract.py` and `cassettes/`: the framework's contract suite, replayed;
- `ci/run` and `.github/workflows/ci.yml`: CI.

```bash
pip install -e '.[test]' && pytest                 # replay the contract suite
pytest --channel-record-mode=rewrite               # re-record the cassettes against the emulator
```
"""
