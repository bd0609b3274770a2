"""What the admin page's form is drawn from, and how its answer becomes `Integrations.create/update` input.

The credential and settings schemas are shown as one RJSF form (`credentials` and `settings` side by side in
one object), so one Save sends both. Fields the OAuth flow fills (`x-oauth-managed`) are not shown. In edit
mode a secret is never sent to the browser and is not required: left blank it keeps the stored value.
A non-secret field the operator cleared is sent back as blank, so clearing it really clears it.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from ... import forms
from ...host import Connector
from ...store import IntegrationRecord

KEEP_NOTE = "Stored; leave blank to keep it, or type a new value to replace it."


def _visible(schema: Mapping[str, Any], *, editing: bool, is_set: Mapping[str, bool]) -> dict[str, Any]:
    shown = copy.deepcopy(dict(schema))
    for key in ("$schema", "$id"):
        shown.pop(key, None)  # nested inside one form: a base URI of its own would confuse the validator
    hidden = forms.oauth_managed_fields(schema)
    secrets = forms.secret_fields(schema)
    properties = {k: v for k, v in shown.get("properties", {}).items() if k not in hidden}
    required = [f for f in shown.get("required", []) if f not in hidden and not (editing and f in secrets)]
    if editing:
        for name in secrets & set(properties):
            if is_set.get(name):
                field = dict(properties[name])
                field["description"] = f"{field.get('description', '')} {KEEP_NOTE}".strip()
                properties[name] = field
    shown["properties"] = properties
    shown["required"] = required
    return shown


def _ui(ui: Mapping[str, Any], hidden: frozenset[str]) -> dict[str, Any]:
    shown = {k: v for k, v in ui.items() if k not in hidden}
    if "ui:order" in shown:
        shown["ui:order"] = [name for name in shown["ui:order"] if name not in hidden]
    return shown


def form_payload(connector: Connector, record: IntegrationRecord | None, *, save_url: str) -> dict[str, Any]:
    """The JSON the page embeds: one schema, its uiSchema, the current values (no secret), where to save."""
    cred_schema = connector.credentials_schema()
    editing = record is not None
    is_set: dict[str, bool] = {}
    cred_values: dict[str, Any] = {}
    settings: dict[str, Any] = {}
    if record is not None:
        redacted = forms.redact(dict(record.credentials.items()), cred_schema)
        is_set = redacted.is_set
        secrets = forms.secret_fields(cred_schema) | forms.oauth_managed_fields(cred_schema)
        cred_values = {k: v for k, v in record.credentials.public.items() if k not in secrets}
        settings = dict(record.settings)
    schema = {
        "type": "object",
        "properties": {
            "name": {"type": "string", "title": "Name", "maxLength": 200},
            "credentials": {
                **_visible(cred_schema, editing=editing, is_set=is_set),
                "title": f"{connector.manifest.name} credentials",
            },
            "settings": {
                **_visible(connector.settings_schema(), editing=editing, is_set={}),
                "title": "Settings",
            },
        },
    }
    ui_schema = {"credentials": _ui(connector.ui_schema(), forms.oauth_managed_fields(cred_schema))}
    return {
        "connector": connector.id,
        "save_url": save_url,
        "editing": editing,
        "schema": schema,
        "uiSchema": ui_schema,
        "formData": {
            "name": record.name if record is not None else connector.manifest.name,
            "credentials": cred_values,
            "settings": settings,
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
    if editing:
        secrets = forms.secret_fields(schema)
        for name, _ in forms.iter_fields(schema):
            if name not in secrets and name not in managed:
                creds.setdefault(name, "")
        for name, _ in forms.iter_fields(connector.settings_schema()):
            settings.setdefault(name, None)
    return creds, settings
