"""Runs the TikTok Shop emulator in its own process, so a benchmark measures the connector and not the emulator.

    python benchmarks/emulator_server.py '{"orders": 30000, "seed": 7}'

Prints one JSON line (URLs, credentials, shops, clock), then answers JSON-line commands on stdin until stdin
closes: ``{"call": "faults.rate_limit", "args": [10]}`` calls that attribute of the `TikTokShopEmulator`
(a property is read when it takes no arguments) and prints ``{"ok": result}`` or ``{"error": text}``.
Only loopback ports are bound; the process ends when its parent closes the pipe.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from tiktok_shop_emulator import EmulatorConfig, TikTokShopEmulator


def resolve(emu: TikTokShopEmulator, dotted: str) -> Any:
    target: Any = emu
    for part in dotted.split("."):
        if part.startswith("_"):
            raise AttributeError(f"{dotted}: private attributes are not served")
        target = getattr(target, part)
    return target


def answer(emu: TikTokShopEmulator, command: dict[str, Any]) -> dict[str, Any]:
    try:
        target = resolve(emu, str(command["call"]))
        args, kwargs = command.get("args") or [], command.get("kwargs") or {}
        result = target(*args, **kwargs) if callable(target) else target
        return {"ok": result}
    except Exception as exc:  # reported to the benchmark, which decides
        return {"error": f"{type(exc).__name__}: {exc}"}


def main() -> int:
    config = EmulatorConfig(**json.loads(sys.argv[1] if len(sys.argv) > 1 else "{}"))
    with TikTokShopEmulator(config) as emu:
        info = {
            "api_base_url": emu.api_base_url,
            "auth_base_url": emu.auth_base_url,
            "consent_base_url": emu.consent_base_url,
            "credentials": emu.credentials,
            "shops": emu.shops,
            "clock_start": emu.clock.start,
            "history_seconds": config.history_seconds,
        }
        print(json.dumps(info), flush=True)
        for line in sys.stdin:
            if line.strip():
                print(json.dumps(answer(emu, json.loads(line)), default=str), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
