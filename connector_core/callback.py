"""A one-shot OAuth callback server on loopback, for operators and the demo running Connect from a terminal.

It serves the redirect URL the app registered (TikTok's convention: /tiktok/auth/callback), takes the
first request on that path, answers the browser with a short page, and hands the query to the caller.
"""

from __future__ import annotations

import html
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import parse_qsl, urlsplit

from .errors import ConnectorError


class CallbackServer:
    """`with CallbackServer(path) as server: ... server.wait(timeout)` -> the callback's query parameters."""

    def __init__(self, path: str = "/callback", host: str = "127.0.0.1", port: int = 0) -> None:
        self.path = path
        self._received: dict[str, str] | None = None
        self._event = threading.Event()
        self._server = ThreadingHTTPServer((host, port), self._handler())
        self._server.daemon_threads = True
        # A short poll interval: shutdown waits for the serve loop's next poll.
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="oauth-callback",
            daemon=True,
        )

    @property
    def redirect_uri(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}{self.path}"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                if parts.path != server.path:
                    self.send_error(404, "not the OAuth callback")
                    return
                params = dict(parse_qsl(parts.query, keep_blank_values=True))
                ok = "code" in params
                body = (
                    "<h1>Connected</h1><p>You can close this window and return to the terminal.</p>"
                    if ok
                    else f"<h1>Not connected</h1><p>{html.escape(params.get('error', 'no code received'))}</p>"
                ).encode()
                self.send_response(200 if ok else 400)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                if server._received is None:
                    server._received = params
                    server._event.set()

            def log_message(self, format: str, *args: object) -> None:
                return  # the query holds the auth code: never log it

        return Handler

    def __enter__(self) -> CallbackServer:
        self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._server.shutdown()
        self._server.server_close()

    def wait(self, timeout: float) -> dict[str, str]:
        if not self._event.wait(timeout):
            raise ConnectorError(f"no OAuth callback reached {self.redirect_uri} within {timeout:.0f}s")
        assert self._received is not None
        return self._received
