"""A real HTTP server on the loopback interface for the core's HTTP tests: each path answers the replies a
test scripts for it, in order, and every request it saw is kept for the test to read."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    status: int = 200
    body: str = '{"ok": true}'
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    """Seconds to wait before answering (to make a client's read time out)."""


@dataclass
class SeenRequest:
    method: str
    path: str
    body: bytes


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that timed out and hung up is what some tests want: no traceback on stderr."""


class ScriptedServer:
    """A ThreadingHTTPServer that answers each path from a script of replies (the last one repeats)."""

    def __init__(self) -> None:
        self.scripts: dict[str, list[Reply]] = {}
        self.seen: list[SeenRequest] = []
        self._lock = threading.Lock()
        self.httpd = _QuietServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.02,), daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def script(self, path: str, *replies: Reply) -> None:
        with self._lock:
            self.scripts[path] = list(replies)

    def requests_to(self, path: str) -> list[SeenRequest]:
        with self._lock:
            return [r for r in self.seen if r.path.split("?")[0] == path]

    def _next(self, path: str) -> Reply:
        with self._lock:
            replies = self.scripts.get(path.split("?")[0])
            if not replies:
                return Reply(404, '{"error": "no script"}')
            return replies.pop(0) if len(replies) > 1 else replies[0]

    def _record(self, seen: SeenRequest) -> None:
        with self._lock:
            self.seen.append(seen)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                server._record(SeenRequest(self.command, self.path, body))
                reply = server._next(self.path)
                if reply.delay:
                    time.sleep(reply.delay)
                payload = reply.body.encode()
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = _answer
            do_POST = _answer

            def log_message(self, format: str, *args: Any) -> None:
                return

        return Handler

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)
