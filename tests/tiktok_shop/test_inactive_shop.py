"""An inactive shop or seller (TikTok's gateway, from 2026-07-20): a terminal answer with a clear message,
never a token refresh or a retry loop."""

from __future__ import annotations

import pytest

from connector_core import AccountInactive


@pytest.mark.parametrize(("seller", "code"), [(False, 36009043), (True, 36009044)])
def test_an_inactive_shop_is_refused_once_without_retries(make_world, seller, code):
    world = make_world(orders=100)
    world.emu.deactivate(world.shop("GB")["id"], seller=seller)
    world.emu.stats.reset()

    with pytest.raises(AccountInactive) as refused:
        world.integration.get_orders([world.emu.order_ids(shop_cipher=world.shop("GB")["cipher"])[0]])

    assert refused.value.code == code and refused.value.http_status == 401
    assert "inactive" in str(refused.value) and "\n" not in str(refused.value)
    assert world.emu.stats.calls() == 1  # no refresh, no retry
