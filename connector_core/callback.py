"""A one-shot OAuth callback server on loopback, for operators and the demo running Connect from a terminal.

It serves the redirect URL the app registered (TikTok's convention: /tiktok/auth/callback) and hands the
caller the query of the one request that carries the `state` it was told to wait for (`expect(state)`, or
the constructor's `state`). Any other request on that path (no state, another integration's state, a
forged link) gets a 400 page saying this is not the link the terminal is waiting for, and waiting goes on:
the first request to arrive is no longer the one that counts, so a forged callback cannot connect the
integration nor make the real redirect fail.
"""

from __future__ import annotations

import hmac
import html
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import parse_qs, parse_qsl, urlsplit

from .errors import ConnectorError

NOT_THIS_LINK = "this link is not the one this terminal is waiting for"


def state_of(consent_url: str) -> str:
    """The `state` a consent URL carries (OAuth sends it back unchanged in the redirect)."""
    states = parse_qs(urlsplit(consent_url).query).get("state") or [""]
    if not states[0]:
        raise ConnectorError("the consent URL carries no state: the connector must put it into the URL")
    return states[0]


class CallbackServer:
    """`with CallbackServer(path) as server: server.expect(state); ... server.wait(timeout)` -> the query."""

    def __init__(
        self, path: str = "/callback", host: str = "127.0.0.1", port: int = 0, *, state: str | None = None
    ) -> None:
        self.path = path
        self._expected = state
        self._received: dict[str, str] | None = None
        self.refused = 0
        """Requests on the callback path turned away (without the expected state)."""
        self._lock = threading.Lock()
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

    def expect(self, state: str) -> None:
        """Wait for the callback carrying this `state` (the one the consent URL was built with)."""
        if not state:
            raise ValueError("the expected OAuth state must not be empty")
        with self._lock:
            self._expected = state

    def _accept(self, params: dict[str, str]) -> bool:
        """True, once, for the callback with the expected state; the query is then handed to `wait`."""
        offered = params.get("state", "")
        with self._lock:
            expected = self._expected
            matches = bool(expected) and hmac.compare_digest(offered.encode(), (expected or "").encode())
            if not matches or self._received is not None:
                self.refused += 1
                return False
            self._received = params
        self._event.set()
        return True

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                if parts.path != server.path:
                    self.send_error(404, "not the OAuth callback")
                    return
                params = dict(parse_qsl(parts.query, keep_blank_values=True))
                if not server._accept(params):
                    self._page(
                        400,
                        "<h1>Not connected</h1><p>"
                        + NOT_THIS_LINK.capitalize()
                        + ". Open the link the terminal printed, in the browser where the seller is signed in.</p>",
                    )
                    return
                if "code" in params:
                    self._page(
                        200, "<h1>Connected</h1><p>You can close this window and return to the terminal.</p>"
                    )
                else:
                    reason = html.escape(params.get("error", "no code received"))
                    self._page(400, f"<h1>Not connected</h1><p>{reason}</p>")

            def _page(self, status: int, text: str) -> None:
                body = text.encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

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
            turned_away = (
                f" ({self.refused} request(s) with another or no state were turned away: {NOT_THIS_LINK})"
                if self.refused
                else ""
            )
            raise ConnectorError(
                f"no OAuth callback reached {self.redirect_uri} within {timeout:.0f}s{turned_away}; "
                "run connect again and open the link it prints"
            )
        assert self._received is not None
        return self._received
