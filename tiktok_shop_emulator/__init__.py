"""A faithful local TikTok Shop Open API (202309) for tests, cassette recording, demos and benchmarks.

    from tiktok_shop_emulator import TikTokShopEmulator, EmulatorConfig
    with TikTokShopEmulator(EmulatorConfig(orders=2500, seed=7)) as emu:
        emu.api_base_url, emu.auth_base_url, emu.credentials, emu.shops ...

Standard library only; it shares no code with the connector's request side.
"""

from __future__ import annotations

from tiktok_shop_emulator.config import EmulatorConfig
from tiktok_shop_emulator.emulator import TikTokShopEmulator
from tiktok_shop_emulator.state.notifications import webhook_signature
from tiktok_shop_emulator.state.sim_clock import Clock
from tiktok_shop_emulator.wire.signature import compute_sign

__all__ = [
    "Clock",
    "EmulatorConfig",
    "TikTokShopEmulator",
    "compute_sign",
    "webhook_signature",
]
