"""Addresses inside the admin page, correct under a mount prefix (`Mount("/channels", app)` -> /channels/admin)."""

from __future__ import annotations

from contextvars import ContextVar

from starlette.requests import Request

ROOT: ContextVar[str] = ContextVar("admin_root", default="")


def enter(request: Request) -> None:
    """Remember, for this request, the prefix the app is mounted under."""
    ROOT.set(str(request.scope.get("root_path", "")).rstrip("/"))


def admin_url(path: str) -> str:
    """`/admin/...` as the browser must ask for it."""
    return ROOT.get() + path
