"""A small emulator of ShopCart, a made-up Shopify-style REST channel: OAuth, paged orders, inventory per
location, fulfillments. Standard library only; imports nothing of the framework's."""

from .server import ShopCartEmulator
from .world import CLIENT_ID, CLIENT_SECRET, EmulatorConfig, World

__all__ = ["CLIENT_ID", "CLIENT_SECRET", "EmulatorConfig", "ShopCartEmulator", "World"]
