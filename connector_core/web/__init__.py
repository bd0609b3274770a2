"""The host runtime's web part: an ASGI application (Starlette) a host serves or mounts.

    from connector_core.web import create_app, AdminConfig
    app = create_app(integrations, base_url="https://connect.example.com", admin=AdminConfig(token=...))

Needs the `[web]` extra (Starlette, uvicorn). See docs/web.md for the routes and how to mount the app.
"""

from __future__ import annotations

from .admin import AdminConfig
from .app import create_app
from .branding import Branding
from .links import create_connect_link, extend_connect_link, resolve_base_url
from .sink import InProcessSink, JsonLinesOrders, NoOrderHandler, OrdersHandler, SinkFull, WorkSink

__all__ = [
    "AdminConfig",
    "Branding",
    "InProcessSink",
    "JsonLinesOrders",
    "NoOrderHandler",
    "OrdersHandler",
    "SinkFull",
    "WorkSink",
    "create_app",
    "create_connect_link",
    "extend_connect_link",
    "resolve_base_url",
]
