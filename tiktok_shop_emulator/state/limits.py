"""TikTok's rate limits (reference.md#rate-limits): per (app, shop, path) per second, sandbox shops per hour,
and an optional app-wide ceiling. Off unless ``EmulatorConfig.rate_limits`` picks a profile.

Fixed windows on the emulator clock (one second, one clock hour): simple, cheap for 100,000 shops (only keys
that were called are held), and an advanced clock opens the next window as it would on TikTok.
"""

from __future__ import annotations

import threading

from tiktok_shop_emulator.config import EmulatorConfig
from tiktok_shop_emulator.state.sim_clock import Clock
from tiktok_shop_emulator.wire import error_codes
from tiktok_shop_emulator.wire.error_codes import ApiError

HOUR = 3600
_PRUNE_AT = 200_000  # keys held before stale windows are dropped


class ApiLimits:
    """Counts calls per key and window; ``admit`` answers the 429 to send, or None."""

    def __init__(self, config: EmulatorConfig, clock: Clock) -> None:
        self.config = config
        self.clock = clock
        self._lock = threading.Lock()
        self._windows: dict[tuple[object, ...], list[int]] = {}  # key -> [window start, calls]
        self.refused = 0

    @property
    def active(self) -> bool:
        return self.config.rate_limits != "off" or self.config.app_rps is not None

    def admit(self, app: int, shop_id: str | None, path: str) -> ApiError | None:
        """Count one call of ``app`` on ``shop_id`` (None: an app-level path) to ``path``."""
        config = self.config
        if not self.active:
            return None
        now = self.clock.time()
        second, hour = int(now), int(now) - int(now) % HOUR
        checks: list[tuple[tuple[object, ...], int, float, bool]] = []
        if config.app_rps is not None:
            checks.append((("app", app), second, config.app_rps, False))
        if config.rate_limits == "tiktok":
            checks.append((("shop", app, shop_id, path), second, config.shop_rps, False))
        elif config.rate_limits == "sandbox":
            checks.append((("sandbox", app, shop_id), hour, config.sandbox_calls_per_hour, True))
        with self._lock:
            for key, window, limit, sandbox in checks:
                slot = self._windows.get(key)
                if slot is None or slot[0] != window:
                    slot = self._windows[key] = [window, 0]
                if slot[1] + 1 > limit:
                    self.refused += 1
                    if sandbox:
                        return error_codes.sandbox_rate_limited(window + HOUR - int(now))
                    return error_codes.rate_limited(1)
            for key, _, _, _ in checks:
                self._windows[key][1] += 1
            if len(self._windows) > _PRUNE_AT:
                self._prune(second, hour)
        return None

    def _prune(self, second: int, hour: int) -> None:
        self._windows = {k: v for k, v in self._windows.items() if v[0] in (second, hour)}
