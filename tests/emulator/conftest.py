"""Fixtures for the emulator tests: a running emulator, a signing client bound to it, a webhook receiver."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from emulator_support import OpenApi, Receiver, World, make_config

from tiktok_shop_emulator import TikTokShopEmulator


@pytest.fixture
def emu() -> Iterator[TikTokShopEmulator]:
    with TikTokShopEmulator(make_config()) as running:
        yield running


@pytest.fixture
def session() -> Iterator[requests.Session]:
    with requests.Session() as http:
        http.trust_env = False  # never route loopback calls through a proxy from the environment
        yield http


@pytest.fixture
def api(emu: TikTokShopEmulator, session: requests.Session) -> OpenApi:
    return OpenApi(emu, session)


@pytest.fixture
def ciphers(emu: TikTokShopEmulator) -> dict[str, str]:
    """Region -> shop_cipher."""
    return {shop["region"]: shop["cipher"] for shop in emu.shops}


@pytest.fixture
def world() -> Iterator[World]:
    """A larger world (900 orders), so every market has seller- and TikTok-shipped orders of several lines:
    the shipping and label tests pick theirs from it."""
    with TikTokShopEmulator(make_config(orders=900)) as emu, requests.Session() as session:
        session.trust_env = False
        yield emu, OpenApi(emu, session), {s["region"]: s["cipher"] for s in emu.shops}


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    running = Receiver()
    yield running
    running.close()
