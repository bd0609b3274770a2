"""The loopback HTTP servers (one per host role) and the request pipeline: stats, faults, handler, answer."""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tiktok_shop_emulator import control, gateway
from tiktok_shop_emulator.handlers import auth_pages
from tiktok_shop_emulator.state import label_docs
from tiktok_shop_emulator.state.backend import Backend
from tiktok_shop_emulator.state.faults import DROP
from tiktok_shop_emulator.wire.envelope import request_id, success
from tiktok_shop_emulator.wire.error_codes import ApiError
from tiktok_shop_emulator.wire.httpio import HttpRequest, HttpResponse, json_response

log = logging.getLogger("tiktok_shop_emulator")

LOOPBACK = "127.0.0.1"
API_ROLE, AUTH_ROLE = "api", "auth"


class EmulatorHTTPServer(ThreadingHTTPServer):
    """A threaded server bound to 127.0.0.1 that remembers its open connections so it can close them."""

    daemon_threads = True
    allow_reuse_address = True
    # Benchmarks open dozens of connections at once; the default backlog of 5 would stall them on SYN retries.
    request_queue_size = 256

    def __init__(self, port: int, role: str, backend: Backend) -> None:
        self.role = role
        self.backend = backend
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        super().__init__((LOOPBACK, port), _Handler)

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def handle_error(self, request: Any, client_address: Any) -> None:
        log.debug("connection error from %s", client_address, exc_info=True)

    def close_connections(self) -> None:
        """Shut down keep-alive connections still open, so no handler thread outlives the server."""
        with self.connections_lock:
            open_sockets = list(self.connections)
        for sock in open_sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "TikTokShopEmulator/1.0"
    # Headers and body leave in one buffered write with Nagle off; otherwise keep-alive clients wait on
    # delayed ACKs (about 40 ms per call).
    disable_nagle_algorithm = True
    wbufsize = 64 * 1024
    server: EmulatorHTTPServer

    def setup(self) -> None:
        super().setup()
        with self.server.connections_lock:
            self.server.connections.add(self.connection)

    def finish(self) -> None:
        with self.server.connections_lock:
            self.server.connections.discard(self.connection)
        with contextlib.suppress(OSError):
            super().finish()

    def log_message(self, format: str, *args: Any) -> None:
        """Silenced: the default line has the query string, which can hold app_secret, codes and tokens."""

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def do_PATCH(self) -> None:
        self._dispatch()

    def _read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _dispatch(self) -> None:
        path, _, raw_query = self.path.partition("?")
        request = HttpRequest(
            self.command, path, raw_query, self.headers, self._read_body(), self.client_address[0]
        )
        backend = self.server.backend
        if path == control.PREFIX or path.startswith(control.PREFIX + "/"):
            self._send(control.handle(backend, request))
            return
        backend.stats.record(path)
        response = self._faulted(backend, path)
        if response is None:
            response = self._route(backend, request)
            if backend.faults.should_lose(path):
                log.info("%s %s -> answer lost on purpose", request.method, path)
                response = HttpResponse(0, drop=True)
            elif response.status == 200 and backend.faults.should_misattribute(path):
                log.info(
                    "%s %s -> applied, answered with an unattributed error on purpose", request.method, path
                )
                response = _unattributed_error(backend)
        self._send(response)

    def _faulted(self, backend: Backend, path: str) -> HttpResponse | None:
        delay = backend.faults.delay_for(path)
        if delay:
            time.sleep(delay)
        verdict = backend.faults.admit(path)
        if verdict is None:
            return None
        if verdict == DROP:
            log.info("%s %s -> connection dropped on purpose", self.command, path)
            return HttpResponse(0, drop=True)
        assert isinstance(verdict, ApiError)
        log.info("%s %s -> %d %d (fault)", self.command, path, verdict.http_status, verdict.code)
        return gateway.error_response(verdict, request_id(backend.clock.time()))

    def _route(self, backend: Backend, request: HttpRequest) -> HttpResponse:
        if self.server.role == API_ROLE and request.path.startswith(label_docs.DOC_PREFIX):
            return label_docs.serve(backend, request.path)  # a pre-signed document URL: no TikTok signature
        if self.server.role == API_ROLE:
            return gateway.handle(backend, request)
        return auth_pages.handle(backend, request)

    def _send(self, response: HttpResponse) -> None:
        if response.drop:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(response.body)
        self.wfile.flush()


def _unattributed_error(backend: Backend) -> HttpResponse:
    """Code 0 with an error entry that has no ``detail.sku_id``: the batch-error shape of the official
    sample, minus the part that says which SKU it concerns."""
    rid = request_id(backend.clock.time())
    errors = {"errors": [{"code": 12052990, "message": "batch update inventory error"}]}
    return json_response(200, success(errors, rid), {"X-Tt-Logid": rid})


def start_server(port: int, role: str, backend: Backend) -> tuple[EmulatorHTTPServer, threading.Thread]:
    """Bind and serve in a daemon thread."""
    server = EmulatorHTTPServer(port, role, backend)
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.05},
        name=f"tiktok-emulator-{role}",
        daemon=True,
    )
    thread.start()
    return server, thread
