"""Helpers for the emulator tests: an independent signing client, a config maker and a webhook receiver.

Kept out of conftest.py under a unique module name so test modules can import them safely."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import requests

from tiktok_shop_emulator import EmulatorConfig, TikTokShopEmulator

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "tiktok_shop"
SCHEMAS = Path(__file__).resolve().parents[2] / "connectors" / "tiktok_shop" / "schemas" / "api"
DEFAULT = object()


def tiktok_sign(secret: str, path: str, params: dict[str, str], body: bytes = b"") -> str:
    """reference.md#signing, written for the tests: path + sorted key+value (sign/access_token left out) + body,
    wrapped in the secret on both sides, HMAC-SHA256 keyed with the secret, lower-case hex."""
    pairs = "".join(key + str(params[key]) for key in sorted(params) if key not in ("sign", "access_token"))
    wrapped = secret.encode() + path.encode() + pairs.encode() + body + secret.encode()
    return hmac.new(secret.encode(), wrapped, hashlib.sha256).hexdigest()


class OpenApi:
    """Signed calls to the emulator, with every knob a test needs to break one rule at a time."""

    def __init__(self, emu: TikTokShopEmulator, session: requests.Session) -> None:
        self.emu = emu
        self.session = session
        self._tokens: dict[str, Any] | None = None

    @property
    def tokens(self) -> dict[str, Any]:
        if self._tokens is None:
            self._tokens = self.token_get(self.emu.authorize()).json()["data"]
        return self._tokens

    def token_get(self, code: str, **overrides: str) -> requests.Response:
        creds = self.emu.credentials
        params = {
            "app_key": creds["app_key"],
            "app_secret": creds["app_secret"],
            "auth_code": code,
            "grant_type": "authorized_code",
            **overrides,
        }
        return self.session.get(self.emu.auth_base_url + "/api/v2/token/get", params=params)

    def token_refresh(self, refresh_token: str, **overrides: str) -> requests.Response:
        creds = self.emu.credentials
        params = {
            "app_key": creds["app_key"],
            "app_secret": creds["app_secret"],
            "refresh_token": refresh_token,
            "grant_type": "refresh_token",
            **overrides,
        }
        return self.session.get(self.emu.auth_base_url + "/api/v2/token/refresh", params=params)

    def request(
        self,
        method: str,
        path: str,
        params: dict[str, Any] | None = None,
        body: Any = None,
        *,
        shop: str | None = None,
        token: Any = DEFAULT,
        timestamp: int | None = None,
        content_type: str | None = "application/json",
        sign_body: bytes | None = None,
        sign: str | None = None,
        app_key: str | None = None,
        secret: str | None = None,
    ) -> requests.Response:
        query = {k: str(v) for k, v in (params or {}).items()}
        query["app_key"] = app_key or self.emu.credentials["app_key"]
        query["timestamp"] = str(self.emu.clock.unix() if timestamp is None else timestamp)
        if shop is not None:
            query["shop_cipher"] = shop
        raw = (
            body
            if isinstance(body, bytes)
            else b""
            if body is None
            else json.dumps(body, separators=(",", ":")).encode()
        )
        query["sign"] = (
            sign
            if sign is not None
            else tiktok_sign(
                secret or self.emu.credentials["app_secret"],
                path,
                query,
                raw if sign_body is None else sign_body,
            )
        )
        headers = {}
        if content_type is not None:
            headers["Content-Type"] = content_type
        access = self.tokens["access_token"] if token is DEFAULT else token
        if access is not None:
            headers["x-tts-access-token"] = access
        return self.session.request(
            method, self.emu.api_base_url + path, params=query, data=raw or None, headers=headers
        )

    def ok(
        self, method: str, path: str, params: dict[str, Any] | None = None, body: Any = None, **kwargs: Any
    ) -> Any:
        response = self.request(method, path, params, body, **kwargs)
        assert response.status_code == 200, response.text
        document = response.json()
        assert document["code"] == 0, document
        return document["data"]

    def fails(
        self, method: str, path: str, params: dict[str, Any] | None = None, body: Any = None, **kwargs: Any
    ) -> tuple[int, int, str]:
        response = self.request(method, path, params, body, **kwargs)
        document = response.json()
        return response.status_code, document["code"], document["message"]


World = tuple[TikTokShopEmulator, OpenApi, dict[str, str]]
"""The `world` fixture: a running emulator, a signing client bound to it, region -> shop_cipher."""


def make_config(**overrides: Any) -> EmulatorConfig:
    settings: dict[str, Any] = {
        "orders": 300,
        "seed": 7,
        "webhook_retry_delays": (0.05, 0.1),
        "redirect_uri": "http://127.0.0.1:8765/tiktok/auth/callback",
    }
    settings.update(overrides)
    return EmulatorConfig(**settings)


class Receiver:
    """A loopback webhook receiver that records what it gets and answers with ``status``."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.status = 200
        self.event = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                receiver.event.set()
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/tiktok/webhook"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
