"""TikTok Shop hook implementations: thin on purpose, each one delegates to the module that does the work."""

from __future__ import annotations

from connector_core import Capability, Manifest, hookimpl
from connector_core.resources import schema_path

from . import CONNECTOR_ID, __version__

# Only what is implemented is declared: the host checks each capability's hooks at load time.
CAPABILITIES: frozenset[Capability] = frozenset()

SECRET_PARAMETERS = (
    "sign",
    "timestamp",
    "app_key",
    "app_secret",
    "auth_code",
    "code",
    "refresh_token",
    "access_token",
    "shop_cipher",
    "x-tts-access-token",
    "authorization",
)


@hookimpl
def connector_manifest() -> Manifest:
    return Manifest(
        id=CONNECTOR_ID,
        name="TikTok Shop",
        version=__version__,
        capabilities=CAPABILITIES,
        credentials_schema=str(schema_path(CONNECTOR_ID, "credentials.schema.json")),
        settings_schema=str(schema_path(CONNECTOR_ID, "settings.schema.json")),
        ui_schema=str(schema_path(CONNECTOR_ID, "credentials.ui.json")),
        secret_parameters=SECRET_PARAMETERS,
        docs_url="https://partner.tiktokshop.com/docv2",
    )
