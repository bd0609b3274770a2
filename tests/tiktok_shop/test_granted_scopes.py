"""At Connect, the scopes the seller granted are compared with what the enabled features need, and the
missing Partner Center packages are named before the first 105005."""

from __future__ import annotations

import logging

from connectors.tiktok_shop.scopes import missing_packages


def test_missing_packages_are_named_whatever_the_spelling():
    granted = ["SELLER_AUTHORIZATION_INFO", "seller.order.info", "seller.fulfillment.basic"]

    assert missing_packages(granted, {"stock_sync": True}) == ["Product Basic", "Return & Refund Basic"]
    assert missing_packages(granted, {"stock_sync": False}) == ["Return & Refund Basic"]
    assert missing_packages([], {}) == []  # TikTok listed nothing: nothing to compare


def test_connect_with_every_scope_granted_warns_of_nothing(make_world, caplog):
    with caplog.at_level(logging.WARNING, logger="connectors.tiktok_shop.scopes"):
        world = make_world(orders=50)
    assert "lacks the API scope package" not in caplog.text
    assert world.integration.tokens.tokens() is not None
