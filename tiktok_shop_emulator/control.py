"""The loopback-only control endpoint ``/_emulator/...``: faults, clock, tokens, stats and order state over HTTP.

Plain JSON in and out (no TikTok envelope). Requests from a non-loopback address get 403; calls here are not
counted in the stats and never hit faults.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Callable
from typing import Any

from tiktok_shop_emulator.state import buyers, returns, shipping
from tiktok_shop_emulator.state.backend import Backend
from tiktok_shop_emulator.wire.error_codes import ApiError
from tiktok_shop_emulator.wire.httpio import HttpRequest, HttpResponse, json_response

PREFIX = "/_emulator"
Action = Callable[[Backend, dict[str, Any], dict[str, str]], Any]


class ControlError(Exception):
    """A bad control request (answered with HTTP 400 or 404)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def _summary(backend: Backend, body: dict[str, Any], params: dict[str, str]) -> Any:
    return {
        "urls": backend.urls,
        "clock": backend.clock.unix(),
        "orders": backend.config.orders,
        "seed": backend.config.seed,
        "sellers": backend.config.sellers,
        "apps": len(backend.apps),
        "rate_limits": backend.config.rate_limits,
        "shops": [shop.summary() for shop in backend.world.shops],
        "faults": backend.faults.describe(),
    }


def _get_faults(backend: Backend, body: dict[str, Any], params: dict[str, str]) -> Any:
    return backend.faults.describe()


def _set_faults(backend: Backend, body: dict[str, Any], params: dict[str, str]) -> Any:
    faults = backend.faults
    if body.get("clear"):
        faults.clear()
    if "rate_limit" in body:
        spec = body["rate_limit"] or {}
        faults.rate_limit(spec.get("rps"), spec.get("retry_after"), spec.get("path"))
    if "error_rate" in body:
        spec = body["error_rate"] or {}
        faults.error_rate(spec.get("share"), tuple(spec.get("kinds", ("5xx", "drop"))), spec.get("path"))
    if "latency" in body:
        spec = body["latency"]
        spec = spec if isinstance(spec, dict) else {"seconds": spec}
        faults.latency(spec.get("seconds"), spec.get("path"))
    if body.get("lose_answer"):
        spec = body["lose_answer"]
        faults.lose_answer(spec["path"], int(spec.get("times", 1)))
    if "churn_orders" in body:
        faults.churn_orders(body["churn_orders"])
    if body.get("unattributed_error"):
        spec = body["unattributed_error"]
        faults.unattributed_error(spec["path"], int(spec.get("times", 1)))
    return faults.describe()


def _clock(backend: Backend, body: dict[str, Any], params: dict[str, str]) -> Any:
    if "advance" in body:
        backend.clock.advance(float(body["advance"]))
    if "set" in body:
        backend.clock.set(float(body["set"]))
    return {"now": backend.clock.unix()}


def _stats(backend: Backend, body: dict[str, Any], params: dict[str, str]) -> Any:
    return {"total": backend.stats.calls(), "by_path": backend.stats.by_path()}


def _reset_stats(backend: Backend, body: dict[str, Any], params: dict[str, str]) -> Any:
    backend.stats.reset()
    return {"total": 0}


def _revoke(backend: Backend, body: dict[str, Any], params: dict[str, str]) -> Any:
    backend.revoke()
    return {"revoked": True}


def _expire_refresh(backend: Backend, body: dict[str, Any], params: dict[str, str]) -> Any:
    backend.auth.expire_refresh_tokens()
    return {"expired": "refresh_tokens"}


def _expire_access(backend: Backend, body: dict[str, Any], params: dict[str, str]) -> Any:
    backend.auth.expire_access_tokens()
    return {"expired": "access_tokens"}


def _seller_and_app(backend: Backend, body: dict[str, Any]) -> tuple[int, int]:
    seller, app = int(body.get("seller", 0)), int(body.get("app", 0))
    if backend.seller_backend(seller) is None:
        raise ControlError(f"no seller {seller}: the emulator has {backend.config.sellers}", 404)
    if not 0 <= app < len(backend.apps):
        raise ControlError(f"no app {app}: the emulator has {len(backend.apps)}", 404)
    return seller, app


def _authorize(backend: Backend, body: dict[str, Any], params: dict[str, str]) -> Any:
    return {"code": backend.auth.issue_code(*_seller_and_app(backend, body))}


def _mint(backend: Backend, body: dict[str, Any], params: dict[str, str]) -> Any:
    """Tokens for sellers first..first+count-1 at once: a benchmark's 100,000 connections in seconds."""
    first, count = int(body.get("first", 1)), int(body.get("count", 1))
    _, app = _seller_and_app(backend, {"app": body.get("app", 0)})
    if count < 0 or first < 0 or first + count > backend.config.sellers:
        raise ControlError(
            f"sellers {first}..{first + count - 1} are not all within 0..{backend.config.sellers - 1}"
        )
    grants = backend.auth.mint(range(first, first + count), app, backend.describe_seller)
    return {"app_key": backend.apps[app].key, "grants": grants}


def _seller(backend: Backend, body: dict[str, Any], params: dict[str, str]) -> Any:
    seller, _ = _seller_and_app(backend, {"seller": params["seller"]})
    return backend.describe_seller(seller)


def _limits(backend: Backend, body: dict[str, Any], params: dict[str, str]) -> Any:
    return {"profile": backend.config.rate_limits, "refused": backend.limits.refused}


def _order(backend: Backend, body: dict[str, Any], params: dict[str, str]) -> Any:
    owner = backend.order_owner(params["order_id"])
    index = owner.space.index_of(params["order_id"])
    if index is None:
        raise ControlError("unknown order", 404)
    return owner.book.order(index)


def _order_status(backend: Backend, body: dict[str, Any], params: dict[str, str]) -> Any:
    try:
        owner = backend.order_owner(params["order_id"])
        return shipping.set_status(owner, params["order_id"], str(body.get("status")))
    except KeyError as exc:
        raise ControlError("unknown order", 404) from exc


def _buyer_action(action: Callable[[Backend, str], Any]) -> Action:
    def run(backend: Backend, body: dict[str, Any], params: dict[str, str]) -> Any:
        try:
            return action(backend, params["order_id"])
        except KeyError as exc:
            raise ControlError("unknown order", 404) from exc
        except ApiError as exc:
            raise ControlError(exc.message, 409) from exc

    return run


def _deliveries(backend: Backend, body: dict[str, Any], params: dict[str, str]) -> Any:
    return [
        {
            "event_type": d.event_type,
            "address": d.address,
            "attempts": d.attempts,
            "status": d.status,
            "delivered": d.delivered,
            "payload": d.payload,
        }
        for d in list(backend.webhooks.deliveries)
    ]


ACTIONS: tuple[tuple[str, re.Pattern[str], Action], ...] = tuple(
    (method, re.compile(PREFIX + pattern), action)
    for method, pattern, action in (
        ("GET", "/?", _summary),
        ("GET", "/faults", _get_faults),
        ("POST", "/faults", _set_faults),
        ("GET", "/clock", _clock),
        ("POST", "/clock", _clock),
        ("GET", "/stats", _stats),
        ("POST", "/stats/reset", _reset_stats),
        ("POST", "/revoke", _revoke),
        ("POST", "/expire_refresh_tokens", _expire_refresh),
        ("POST", "/expire_access_tokens", _expire_access),
        ("POST", "/authorize", _authorize),
        ("POST", "/sellers/mint", _mint),
        ("GET", r"/sellers/(?P<seller>\d+)", _seller),
        ("GET", "/limits", _limits),
        ("GET", r"/orders/(?P<order_id>\d+)", _order),
        ("POST", r"/orders/(?P<order_id>\d+)/status", _order_status),
        ("GET", "/webhooks/deliveries", _deliveries),
        (
            "POST",
            r"/orders/(?P<order_id>\d+)/cancellation_request",
            _buyer_action(buyers.request_cancellation),
        ),
        ("POST", r"/orders/(?P<order_id>\d+)/address", _buyer_action(buyers.change_address)),
        ("POST", r"/orders/(?P<order_id>\d+)/fbt", _buyer_action(buyers.fulfil_by_tiktok)),
        ("POST", r"/orders/(?P<order_id>\d+)/return", _buyer_action(returns.open_return)),
    )
)


def _loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def handle(backend: Backend, request: HttpRequest) -> HttpResponse:
    """Answer one control request."""
    if not _loopback(request.client_ip):
        return json_response(403, {"error": "the control endpoint only answers loopback clients"})
    for method, pattern, action in ACTIONS:
        found = pattern.fullmatch(request.path)
        if found and method == request.method:
            try:
                body = json.loads(request.body) if request.body.strip() else {}
                return json_response(
                    200, action(backend, body if isinstance(body, dict) else {}, found.groupdict())
                )
            except ControlError as exc:
                return json_response(exc.status, {"error": str(exc)})
            except (ValueError, TypeError, KeyError, re.error) as exc:
                return json_response(400, {"error": f"{type(exc).__name__}: {exc}"})
    return json_response(404, {"error": "unknown control path", "path": request.path})
