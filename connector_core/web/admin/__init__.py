"""The admin page: integrations and their status, the forms, Connect, connect links, Pull now."""

from __future__ import annotations

from .auth import AdminConfig
from .routes import admin_routes

__all__ = ["AdminConfig", "admin_routes"]
