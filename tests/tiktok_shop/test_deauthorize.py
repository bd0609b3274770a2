"""Removing a connection may withdraw the shop's authorization at TikTok, only when asked (the call needs the
shop cipher although it lives under /authorization)."""

from __future__ import annotations

import pytest

from connector_core import ConnectorError


def test_deauthorizing_the_served_shop_withdraws_it_at_tiktok(make_world):
    world = make_world(orders=50)
    gb = world.shop("GB")["id"]

    assert world.integration.deauthorize() is True

    assert gb not in {a.id for a in world.integration.discover_accounts()}
    with pytest.raises(ConnectorError):  # the shop is gone: 105005 at TikTok, or no shop left to serve
        world.integration.get_orders([world.emu.order_ids(shop_cipher=world.shop("GB")["cipher"])[0]])
