"""`Integrations`: creates, edits, lists and opens integrations; the entry point for host code."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Any

from .. import forms
from ..auth import DEFAULT_MARGIN
from ..clock import Clock, SystemClock
from ..errors import FieldError, InvalidInput
from ..host import Connector, ConnectorHost
from ..http import HttpClient
from ..store import IntegrationRecord, Store
from ..store.platform_records import AppRecord
from . import apps, bulk_import
from .bulk_import import DEFAULT_BATCH, ImportEntry
from .connect import shop_named_by_credentials
from .integration import Integration
from .webhooks import DEFAULT_WEBHOOK_MAX_AGE


class Integrations:
    """Creates, edits, lists and opens integrations; the entry point for host code."""

    def __init__(
        self,
        host: ConnectorHost,
        store: Store,
        *,
        clock: Clock | None = None,
        token_margin: timedelta = DEFAULT_MARGIN,
        http_clients: dict[str, HttpClient] | None = None,
        webhook_max_age: timedelta = DEFAULT_WEBHOOK_MAX_AGE,
    ) -> None:
        self.host = host
        self.store = store
        self.clock = clock or SystemClock()
        self.token_margin = token_margin
        self.webhook_max_age = webhook_max_age
        self._http = http_clients if http_clients is not None else {}

    # --- forms ----------------------------------------------------------------------------------------

    def _validated(
        self, connector: Connector, credentials: Mapping[str, Any], settings: Mapping[str, Any]
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        cred_schema = connector.credentials_schema()
        settings_schema = connector.settings_schema()
        creds = forms.apply_defaults(forms.drop_blank(credentials, cred_schema), cred_schema)
        sets = forms.apply_defaults(forms.drop_blank(settings, settings_schema), settings_schema)
        errors = forms.validate(creds, cred_schema) + [
            FieldError(f"settings.{e.field}" if e.field else "settings", e.message)
            for e in forms.validate(sets, settings_schema)
        ]
        if errors:
            raise InvalidInput(f"{connector.id} integration", errors)
        return creds, sets

    def create(
        self,
        connector_id: str,
        credentials: Mapping[str, Any],
        settings: Mapping[str, Any] | None = None,
        *,
        name: str | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> IntegrationRecord:
        """Validate the forms (naming every bad field) and store a new connection with an app of its own
        holding these credentials (one app per seller); secrets are encrypted."""
        connector = self.host.get(connector_id)
        creds, sets = self._validated(connector, credentials, settings or {})
        split = forms.split_credentials(creds, connector.credentials_schema())
        return self.store.create_integration(
            connector_id, name or connector.manifest.name, split, sets, tags=tags
        )

    # --- apps (one registration, many connections) ----------------------------------------------------

    def create_app(
        self, connector_id: str, credentials: Mapping[str, Any], *, name: str | None = None
    ) -> AppRecord:
        """Store a connector's app (its credential form) once, for every connection made under it."""
        return apps.create_app(self.store, self.host.get(connector_id), credentials, name)

    def update_app(
        self, app_id: str, credentials: Mapping[str, Any] | None = None, *, name: str | None = None
    ) -> AppRecord:
        """Edit an app (rotate its secret): every connection under it uses the new values at once."""
        connector = self.host.get(self.store.get_app(app_id).connector)
        return apps.update_app(self.store, connector, app_id, credentials, name=name)

    def apps(self, connector_id: str | None = None) -> list[AppRecord]:
        return self.store.list_apps(connector_id)

    def create_connection(
        self,
        app_id: str,
        settings: Mapping[str, Any] | None = None,
        *,
        name: str | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> IntegrationRecord:
        """A new seller's connection under an existing app: validate the settings form, then Connect it."""
        app = self.store.get_app(app_id)
        connector = self.host.get(app.connector)
        sets = forms.apply_defaults(
            forms.drop_blank(settings or {}, connector.settings_schema()), connector.settings_schema()
        )
        errors = [
            FieldError(f"settings.{e.field}" if e.field else "settings", e.message)
            for e in forms.validate(sets, connector.settings_schema())
        ]
        if errors:
            raise InvalidInput(f"{connector.id} connection", errors)
        return self.store.create_integration(
            connector.id, name or connector.manifest.name, None, sets, app_id=app_id, tags=tags
        )

    def import_connections(
        self, app_id: str, entries: Iterable[ImportEntry], *, batch_size: int = DEFAULT_BATCH
    ) -> list[str]:
        """Many sellers' connections under an existing app at once (a host migrating its sellers with the
        tokens and shops it holds): every entry is checked first and the first bad one refused naming it,
        before anything is written; then one store transaction per `batch_size` entries. Returns the new
        connection ids in the entries' order. See docs/platform.md, "Importing many sellers"."""
        connector = self.host.get(self.store.get_app(app_id).connector)
        return bulk_import.import_connections(self.store, connector, app_id, entries, batch_size)

    def set_tags(self, integration_id: str, tags: Mapping[str, str]) -> IntegrationRecord:
        """Replace the host's tags of a connection (its customer id ...)."""
        self.store.set_tags(integration_id, tags)
        return self.store.get_integration(integration_id)

    def find(self, tags: Mapping[str, str], *, connector_id: str | None = None) -> list[IntegrationRecord]:
        """The connections holding every one of `tags`, through the tag index."""
        return [
            self.store.get_integration(i)
            for i in self.store.find_integration_ids(tags, connector=connector_id)
        ]

    def update(
        self,
        integration_id: str,
        credentials: Mapping[str, Any] | None = None,
        settings: Mapping[str, Any] | None = None,
        *,
        name: str | None = None,
    ) -> IntegrationRecord:
        """Apply an edit form: a secret left blank (or sent back as the sentinel) keeps its stored value."""
        record = self.store.get_integration(integration_id)
        connector = self.host.get(record.connector)
        if credentials is not None:
            apps.check_owned(self.store, integration_id, record.app_id)
        schema = connector.credentials_schema()
        merged_creds = forms.merge(dict(record.credentials.items()), credentials or {}, schema)
        merged_creds = {
            k: forms._plain(v) if k in forms.secret_fields(schema) else v for k, v in merged_creds.items()
        }
        merged_settings = {**record.settings, **(settings or {})}
        creds, sets = self._validated(connector, merged_creds, merged_settings)
        split = forms.split_credentials(creds, schema)
        # A form that names another shop switches the shop served, and with it every per-shop cursor and
        # ledger (issue 22: the new shop was imported from the old shop's cursor).
        named = shop_named_by_credentials(split.public, self.store.list_accounts(integration_id))
        return self.store.update_integration(
            integration_id,
            name=name,
            credentials=split,
            settings=sets,
            account_id=named if named is not None and named != record.account_id else None,
        )

    def redacted(self, integration_id: str) -> forms.RedactedForm:
        record = self.store.get_integration(integration_id)
        schema = self.host.get(record.connector).credentials_schema()
        return forms.redact(dict(record.credentials.items()), schema)

    # --- lifecycle ------------------------------------------------------------------------------------

    def list(self) -> list[IntegrationRecord]:
        return self.store.list_integrations()

    def remove(self, integration_id: str) -> None:
        self.store.delete_integration(integration_id)

    def open(self, integration_id: str) -> Integration:
        record = self.store.get_integration(integration_id)
        connector = self.host.get(record.connector)
        return Integration(
            record,
            connector,
            self.store,
            self._client(connector),
            self.clock,
            self.token_margin,
            webhook_max_age=self.webhook_max_age,
        )

    def _client(self, connector: Connector) -> HttpClient:
        if connector.id not in self._http:
            self._http[connector.id] = HttpClient(
                connector.manifest.name, secret_parameters=connector.manifest.secret_parameters
            )
        return self._http[connector.id]

    def complete_connect(self, callback_params: Mapping[str, str]) -> Integration:
        """Finish Connect from the OAuth callback's query: check `state`, exchange the code, find accounts."""
        state = callback_params.get("state")
        if not state:
            raise InvalidInput("OAuth callback", [FieldError("state", "is missing")])
        oauth_state = self.store.consume_oauth_state(state)
        integration = self.open(oauth_state.integration_id)
        integration.finish_connect(callback_params)
        return integration
