"""A faithful local TikTok Shop Open API (202309) for tests, cassette recording, demos and benchmarks.

    from connectors.tiktok_shop.emulator import TikTokShopEmulator, EmulatorConfig
    with TikTokShopEmulator(EmulatorConfig(orders=2500, seed=7)) as emu:
        emu.api_base_url, emu.auth_base_url, emu.credentials, emu.shops ...

Standard library only; it shares no code with the connector's request side.
"""

from __future__ import annotations

from .clock import Clock
from .config import EmulatorConfig
from .emulator import TikTokShopEmulator
from .form import connector_form
from .signature import compute_sign
from .webhooks import webhook_signature

__all__ = [
    "Clock",
    "EmulatorConfig",
    "TikTokShopEmulator",
    "compute_sign",
    "connector_form",
    "webhook_signature",
]
