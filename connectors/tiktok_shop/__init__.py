"""The TikTok Shop connector (Open API 202309): OAuth, order import, stock sync, shipment confirmation, webhooks.

`plugin.py` holds the hook implementations the core calls; each flow lives in its own module.
"""

from __future__ import annotations

CONNECTOR_ID = "tiktok_shop"
__version__ = "0.1.0"

__all__ = ["CONNECTOR_ID", "__version__"]
