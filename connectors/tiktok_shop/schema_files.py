"""The connector's own schemas (credential, settings and UI forms; TikTok's response shapes), found inside the
installed package with `importlib.resources`, the way any third-party connector can ship its forms."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def schema_file(*parts: str) -> Path:
    """The path of one file under `connectors/tiktok_shop/schemas/`, e.g. `schema_file("credentials.schema.json")`."""
    resource = files(__package__).joinpath("schemas", *parts)
    path = Path(str(resource))
    if not path.is_file():
        raise FileNotFoundError(
            f"schema file schemas/{'/'.join(parts)} is missing from the tiktok_shop package"
        )
    return path
