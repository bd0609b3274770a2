"""The connections list filtered by state costs one store query plus the page shown: no connection outside
the page is opened (issue 19: a state filter used to open every connection, about 2.4 s at 3,000)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr

from connector_core import ConnectorHost, Integrations, SQLiteStore
from connector_core.credentials import Credentials
from connector_core.flows import Integration
from connector_core.models import TokenSet
from connector_core.web.listing import connection_page


@pytest.fixture
def integrations(tmp_path: Path) -> Integrations:
    return Integrations(ConnectorHost().load(), SQLiteStore(tmp_path / "store.sqlite3"))


def test_a_state_filter_opens_only_the_connections_on_the_page(
    integrations: Integrations, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = integrations.store
    app = store.create_app("tiktok_shop", "Our app", Credentials({"app_key": "k"}, {"app_secret": "s"}))
    connected = []
    for n in range(40):
        record = store.create_integration("tiktok_shop", f"Seller {n:02d}", None, {}, app_id=app.id)
        if n % 4 == 0:  # every fourth seller went through Connect
            expires = store.clock.now() + timedelta(hours=4)
            store.save_tokens(record.id, TokenSet(access_token=SecretStr(f"t{n}"), access_expires_at=expires))
            connected.append(record.id)
    opened: list[str] = []
    real_open = Integrations.open

    def counting_open(self: Integrations, integration_id: str) -> Integration:
        opened.append(integration_id)
        return real_open(self, integration_id)

    monkeypatch.setattr(Integrations, "open", counting_open)

    page = connection_page(
        integrations, q="", state="connected", connector=None, shop=None, limit=3, offset=3
    )

    assert page["total"] == 10 and page["next_offset"] == 6
    assert [row["id"] for row in page["items"]] == list(reversed(connected))[3:6]
    assert {row["state"] for row in page["items"]} == {"connected"}
    assert opened == [row["id"] for row in page["items"]], "only the page's connections are opened"
