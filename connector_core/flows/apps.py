"""Apps: a connector's registration with the channel, held once for every connection under it.

A host keeps one app for all its sellers (`create_app`, then `create_connection(app_id)` per seller), or
one per seller: the credential form (`Integrations.create`) makes an app owned by that connection, so a
host whose form asks each client for its own app key keeps working unchanged. Rotating an app's secret is
`update_app`: one write, read by every connection under it from its next call.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import forms
from ..errors import FieldError, InvalidInput
from ..host import Connector
from ..store import Store
from ..store.platform_records import AppRecord


def validated_credentials(connector: Connector, credentials: Mapping[str, Any]) -> dict[str, Any]:
    schema = connector.credentials_schema()
    creds = forms.apply_defaults(forms.drop_blank(credentials, schema), schema)
    errors = forms.validate(creds, schema)
    if errors:
        raise InvalidInput(f"{connector.id} app", errors)
    return creds


def create_app(
    store: Store, connector: Connector, credentials: Mapping[str, Any], name: str | None = None
) -> AppRecord:
    """Validate the credential form (every bad field named) and store it once as an app, secrets sealed."""
    creds = validated_credentials(connector, credentials)
    split = forms.split_credentials(creds, connector.credentials_schema())
    return store.create_app(connector.id, name or connector.manifest.name, split)


def update_app(
    store: Store,
    connector: Connector,
    app_id: str,
    credentials: Mapping[str, Any] | None = None,
    *,
    name: str | None = None,
) -> AppRecord:
    """An edit of the app's form: a secret left blank (or sent back as the sentinel) keeps its value."""
    app = store.get_app(app_id)
    if credentials is None:
        return store.update_app(app_id, name=name)
    schema = connector.credentials_schema()
    secret = forms.secret_fields(schema)
    merged = forms.merge(dict(app.credentials.items()), credentials, schema)
    merged = {k: forms._plain(v) if k in secret else v for k, v in merged.items()}
    creds = validated_credentials(connector, merged)
    return store.update_app(app_id, name=name, credentials=forms.split_credentials(creds, schema))


def check_owned(store: Store, integration_id: str, app_id: str | None) -> None:
    """A connection's credential form edits only an app it owns: a shared app is edited as the app."""
    if app_id is None:
        return
    app = store.get_app(app_id)
    if app.owned_by != integration_id:
        raise InvalidInput(
            "integration",
            [
                FieldError(
                    "credentials",
                    f"this connection uses the shared app {app_id!r}: change its credentials with "
                    "update_app (every connection under it follows at once)",
                )
            ],
        )
