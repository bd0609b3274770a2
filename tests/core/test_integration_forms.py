"""Creating and editing an integration through `Integrations`: both forms validated with every bad field
named, defaults applied, secrets shown only as set and kept unless replaced, and removal."""

from __future__ import annotations

from typing import Any

import pytest
from core_support import (
    FAKE_APP_SECRET,
    FAKE_ID,
)

from connector_core import (
    Integrations,
    InvalidInput,
    UnknownIntegration,
)
from connector_core.forms import SECRET_SENTINEL


def test_create_names_every_bad_field_in_both_forms(integrations: Integrations) -> None:
    with pytest.raises(InvalidInput) as raised:
        integrations.create(
            FAKE_ID,
            {"app_key": "UPPER CASE", "app_secret": "short", "region": "mars", "colour": "red"},
            {"stock_sync": "yes", "import_orders_since": "yesterday"},
        )

    fields = [e.field for e in raised.value.errors]
    assert fields == [
        "app_key",
        "app_secret",
        "colour",
        "region",
        "settings.import_orders_since",
        "settings.stock_sync",
    ]
    assert "short" not in str(raised.value)
    assert integrations.list() == []


def test_create_stores_the_integration_with_defaults_applied(integrations: Integrations) -> None:
    record = integrations.create(FAKE_ID, {"app_key": "demo1", "app_secret": FAKE_APP_SECRET, "region": ""})

    assert record.name == "Fake Channel"
    assert record.credentials["region"] == "eu"  # blank dropped, default applied
    assert record.credentials.secret("app_secret") == FAKE_APP_SECRET
    assert record.settings == {"stock_sync": True}
    assert [r.id for r in integrations.list()] == [record.id]


def test_the_edit_form_shows_secrets_only_as_set(integrations: Integrations, record: Any) -> None:
    shown = integrations.redacted(record.id)

    assert shown.values["app_secret"] == SECRET_SENTINEL
    assert shown.is_set["app_secret"] is True
    assert shown.is_set["access_token"] is False


@pytest.mark.parametrize("left_as", ["", SECRET_SENTINEL])
def test_an_edit_that_leaves_the_secret_keeps_it(
    integrations: Integrations, record: Any, left_as: str
) -> None:
    updated = integrations.update(
        record.id, {"app_key": "demo2", "app_secret": left_as}, {"stock_sync": False}
    )

    assert updated.credentials["app_key"] == "demo2"
    assert updated.credentials.secret("app_secret") == FAKE_APP_SECRET
    assert updated.settings["stock_sync"] is False


def test_an_edit_with_a_new_secret_replaces_it(integrations: Integrations, record: Any) -> None:
    updated = integrations.update(record.id, {"app_secret": "a-new-secret-value"}, name="Renamed")

    assert updated.credentials.secret("app_secret") == "a-new-secret-value"
    assert updated.name == "Renamed"


def test_an_invalid_edit_is_refused_and_changes_nothing(integrations: Integrations, record: Any) -> None:
    with pytest.raises(InvalidInput, match="region"):
        integrations.update(record.id, {"region": "moon"})

    assert integrations.store.get_integration(record.id).credentials["region"] == "eu"


def test_removing_an_integration(integrations: Integrations, record: Any) -> None:
    integrations.remove(record.id)

    with pytest.raises(UnknownIntegration):
        integrations.open(record.id)


def test_blank_optional_settings_mean_not_set(integrations: Integrations, record: Any) -> None:
    updated = integrations.update(record.id, settings={"import_orders_since": ""})

    assert "import_orders_since" not in updated.settings
