"""The flows a host runs for one integration, one module each (labels so far; the others are moving here)."""

from __future__ import annotations

from .labels import LABEL_INTENT, SPLIT_INTENT, box_key, document_key

__all__ = ["LABEL_INTENT", "SPLIT_INTENT", "box_key", "document_key"]
