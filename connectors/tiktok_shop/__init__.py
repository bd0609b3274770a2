"""The TikTok Shop connector (Open API 202309): OAuth, order import, stock sync, shipment confirmation, webhooks.

`plugin.py` holds the hook implementations the core calls; each flow lives in its own module.
"""

from __future__ import annotations

from importlib.metadata import version as _distribution_version

CONNECTOR_ID = "tiktok_shop"
__version__ = _distribution_version("channel-connectors")

__all__ = ["CONNECTOR_ID", "__version__"]
