"""The TikTok Shop credential form that points the connector at an emulator (for tests, demos, host developers)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def connector_form(
    api_base_url: str,
    auth_base_url: str,
    consent_base_url: str,
    credentials: Mapping[str, str],
    **overrides: Any,
) -> dict[str, Any]:
    """Credential-form values (the fields of schemas/tiktok_shop/credentials.schema.json) for this emulator."""
    return {
        "environment": "production",
        "region": "non_us",
        **credentials,
        "base_url": api_base_url,
        "auth_base_url": auth_base_url,
        "authorize_url": consent_base_url + "/open/authorize",
        **overrides,
    }
