"""What the admin page's forms are drawn from, and how their answer becomes `Integrations.create/update` input.

The credential and settings forms are the connector's own schemas and uiSchemas, exactly as
`channel-connectors schema` prints them (each its own RJSF form, so each keeps its `$ref`s). In edit mode
the credential form is the edit schema (no secret required; blank keeps the stored value) and no secret
or token ever reaches the browser. A non-secret field the operator cleared is sent back as blank, so
clearing it really clears it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ... import forms
from ...host import Connector
from ...store import IntegrationRecord


def form_payload(connector: Connector, record: IntegrationRecord | None, *, save_url: str) -> dict[str, Any]:
    """The JSON the page embeds: both forms (schema, uiSchema, values without secrets) and where to save."""
    editing = record is not None
    cred_values: dict[str, Any] = {}
    settings: dict[str, Any] = {}
    if record is not None:
        schema = connector.credentials_schema()
        hidden = forms.secret_fields(schema) | forms.oauth_managed_fields(schema)
        cred_values = {k: v for k, v in record.credentials.public.items() if k not in hidden}
        settings = dict(record.settings)
    return {
        "connector": connector.id,
        "save_url": save_url,
        "editing": editing,
        "name": record.name if record is not None else connector.manifest.name,
        "credentials": {
            "schema": connector.credentials_schema(edit=editing),
            "uiSchema": connector.ui_schema(),
            "formData": cred_values,
        },
        "settings": {
            "schema": connector.settings_schema(),
            "uiSchema": connector.settings_ui_schema(),
            "formData": settings,
        },
    }


def submitted_values(
    connector: Connector, data: Mapping[str, Any], *, editing: bool
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(credentials, settings) from the page's JSON; in edit mode, absent non-secret fields become blank."""
    raw_creds, raw_settings = data.get("credentials"), data.get("settings")
    creds: dict[str, Any] = dict(raw_creds) if isinstance(raw_creds, dict) else {}
    settings: dict[str, Any] = dict(raw_settings) if isinstance(raw_settings, dict) else {}
    schema = connector.credentials_schema()
    managed = forms.oauth_managed_fields(schema)
    creds = {k: v for k, v in creds.items() if k not in managed}  # tokens come from Connect, never a form
    if editing:  # only the sections the page sent: an absent section keeps everything it stored
        secrets = forms.secret_fields(schema)
        if isinstance(raw_creds, dict):
            for name, _ in forms.iter_fields(schema):
                if name not in secrets and name not in managed:
                    creds.setdefault(name, "")
        if isinstance(raw_settings, dict):
            for name, _ in forms.iter_fields(connector.settings_schema()):
                settings.setdefault(name, None)
    return creds, settings
