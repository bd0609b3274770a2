"""The rules a host meets when it renders our forms: readable messages, one blank rule, edit mode, labels,
ajv-compatible markers, and maps whose RJSF "+" cannot slip an invalid row through."""

from __future__ import annotations

from typing import Any

import pytest

from connector_core import forms
from connector_core.resources import load_json
from connectors.tiktok_shop.schema_files import schema_file

SECRET = "Zq-UNIQUE-secret-7781"
GOOD = {"environment": "production", "region": "non_us", "app_key": "6abc123", "app_secret": SECRET}


@pytest.fixture(scope="module")
def credentials() -> dict[str, Any]:
    return forms.load_schema(schema_file("credentials.schema.json"))


@pytest.fixture(scope="module")
def settings() -> dict[str, Any]:
    return forms.load_schema(schema_file("settings.schema.json"))


def _messages(values: dict[str, Any], schema: dict[str, Any]) -> dict[str, str]:
    return {e.field: e.message for e in forms.validate(values, schema)}


# --- messages a seller can read ------------------------------------------------------------------------


def test_a_pattern_error_says_what_is_allowed_not_the_regex(credentials: dict[str, Any]) -> None:
    messages = _messages({**GOOD, "app_key": "abcd 1234", "service_id": "70/00"}, credentials)

    assert messages == {
        "app_key": "App Key may hold letters, digits, _ and - only",
        "service_id": "Service ID may hold letters, digits, _ and - only",
    }


def test_a_bad_url_is_explained(credentials: dict[str, Any]) -> None:
    messages = _messages({**GOOD, "base_url": "https://exa mple.com"}, credentials)

    assert messages == {"base_url": "API base URL must be a full URL starting with https:// (or http://)"}


def test_no_message_of_either_form_quotes_a_regex_or_a_value(
    credentials: dict[str, Any], settings: dict[str, Any]
) -> None:
    bad_credentials = {
        "environment": "staging",
        "region": 3,
        "app_key": "a b",
        "app_secret": "x" * 200,
        "service_id": "é",
        "shop_cipher": "c" * 300,
        "base_url": "nope",
        "version": "abc",
    }
    bad_settings = {
        "stock_sync": "yes",
        "import_orders_since": "31/12/2024",
        "status_overrides": {"ON_HOLD": "later", "bad name": "on_hold"},
        "carrier_aliases": {"RM48": ""},
        "warehouse_map": {"EAST": "x1"},
    }
    errors = forms.validate(bad_credentials, credentials) + forms.validate(bad_settings, settings)

    assert len(errors) >= 12
    for error in errors:
        assert "^" not in error.message and "$" not in error.message and "[" not in error.message, error
        assert "x" * 20 not in error.message and "later" not in error.message, error


def test_a_bad_map_key_is_named_at_its_own_path(settings: dict[str, Any]) -> None:
    errors = forms.validate({"status_overrides": {"newKey": "on_hold"}}, settings)

    assert [(e.field, e.message) for e in errors] == [
        ("status_overrides.newKey", "a TikTok status is written in capitals and _, such as ON_HOLD")
    ]


@pytest.mark.parametrize("field", ["carrier_aliases", "warehouse_map"])
@pytest.mark.parametrize("placeholder", ["newKey", "newKey-1", "newKey-12"])
def test_a_row_whose_key_was_never_typed_is_refused(
    settings: dict[str, Any], field: str, placeholder: str
) -> None:
    """RJSF names a row added with "+" newKey (newKey-1, ... for more): a filled value is not enough."""
    errors = forms.validate({field: {placeholder: "7000714532876273420"}}, settings)

    assert [e.field for e in errors] == [f"{field}.{placeholder}"]
    assert "key box" in errors[0].message


def test_a_key_that_merely_starts_like_the_placeholder_is_accepted(settings: dict[str, Any]) -> None:
    assert forms.validate({"carrier_aliases": {"newKeyboard Express": "Royal Mail"}}, settings) == []


def test_a_canonical_status_error_lists_the_choices(settings: dict[str, Any]) -> None:
    messages = _messages({"status_overrides": {"ON_HOLD": "ship_it"}}, settings)

    assert messages["status_overrides.ON_HOLD"].startswith(
        "choose one of the canonical statuses: awaiting_payment"
    )


# --- one blank rule for both forms ---------------------------------------------------------------------


@pytest.mark.parametrize("blank", ["", None])
def test_a_blank_field_is_not_set_in_credentials_and_settings_alike(
    credentials: dict[str, Any], settings: dict[str, Any], blank: Any
) -> None:
    creds = forms.prepare({**GOOD, "base_url": blank, "service_id": blank}, credentials)
    sets = forms.prepare({"import_orders_since": blank, "stock_sync": True}, settings)

    assert "base_url" not in creds and "service_id" not in creds
    assert "import_orders_since" not in sets
    assert forms.validate(creds, credentials) == [] and forms.validate(sets, settings) == []


def test_a_string_of_spaces_is_a_value_and_validated_as_typed(credentials: dict[str, Any]) -> None:
    prepared = forms.prepare({**GOOD, "base_url": "   "}, credentials)

    assert prepared["base_url"] == "   "
    assert {e.field for e in forms.validate(prepared, credentials)} == {"base_url"}


def test_prepare_fills_defaults_only_for_absent_fields(settings: dict[str, Any]) -> None:
    prepared = forms.prepare({"push_shipments": False}, settings)

    assert prepared["push_shipments"] is False
    assert prepared["stock_sync"] is False and prepared["carrier_aliases"] == {}


# --- edit mode -----------------------------------------------------------------------------------------


def test_the_edit_form_requires_no_secret_and_says_blank_keeps_it(credentials: dict[str, Any]) -> None:
    edit = forms.edit_schema(credentials)

    assert set(edit["required"]) == set(credentials["required"]) - {"app_secret"}
    for name in forms.secret_fields(credentials):
        assert edit["properties"][name]["description"].endswith("Leave blank to keep the stored value.")
    assert "Leave blank" not in credentials["properties"]["app_secret"]["description"], (
        "the original is intact"
    )


def test_an_edit_without_the_secret_validates_and_merges_to_the_stored_one(
    credentials: dict[str, Any],
) -> None:
    edited = {"environment": "production", "region": "us", "app_key": "6abc123"}

    assert forms.validate(forms.prepare(edited, credentials), forms.edit_schema(credentials)) == []
    merged = forms.merge(GOOD, forms.prepare({**edited, "app_secret": ""}, credentials), credentials)
    assert merged["app_secret"] == SECRET and merged["region"] == "us"
    assert forms.validate(merged, credentials) == []


def test_the_edit_form_still_refuses_a_bad_new_secret(credentials: dict[str, Any]) -> None:
    errors = forms.validate({**GOOD, "app_secret": "short"}, forms.edit_schema(credentials))

    assert [e.field for e in errors] == ["app_secret"] and "short" not in errors[0].message


STORED = {**GOOD, "service_id": "7000123", "access_token": "tok-stored", "refresh_token": "ref-stored"}


@pytest.mark.parametrize("secret_sent_back", [None, "", forms.SECRET_SENTINEL, "absent"])
def test_an_edit_form_clears_what_was_emptied_and_keeps_secrets_and_tokens(
    credentials: dict[str, Any], secret_sent_back: Any
) -> None:
    submitted: dict[str, Any] = {"environment": "production", "region": "us", "app_key": "6abc999"}
    if secret_sent_back != "absent":
        submitted["app_secret"] = secret_sent_back

    edited = forms.apply_edit_form(STORED, submitted, credentials)

    assert edited == {
        "environment": "production",
        "region": "us",
        "app_key": "6abc999",
        "app_secret": SECRET,
        "access_token": "tok-stored",
        "refresh_token": "ref-stored",
    }, "service_id was emptied in the form, so it is cleared"


def test_an_edit_form_replaces_a_typed_secret_but_never_the_tokens(credentials: dict[str, Any]) -> None:
    submitted = {**GOOD, "app_secret": "a-new-secret-42", "access_token": "forged", "refresh_token": ""}

    edited = forms.apply_edit_form(STORED, submitted, credentials)

    assert edited["app_secret"] == "a-new-secret-42"
    assert (edited["access_token"], edited["refresh_token"]) == ("tok-stored", "ref-stored")


def test_a_connector_serves_its_edit_form() -> None:
    from connector_core.host import ConnectorHost

    connector = ConnectorHost().get("tiktok_shop")

    assert connector.credentials_schema(edit=True) == forms.edit_schema(connector.credentials_schema())
    assert "app_secret" in connector.credentials_schema()["required"]


# --- what RJSF needs from the schemas and ui schemas ---------------------------------------------------


def test_every_choice_has_a_label(credentials: dict[str, Any], settings: dict[str, Any]) -> None:
    credentials_ui = load_json(schema_file("credentials.ui.json"))
    for name, field in forms.iter_fields(credentials):
        if "enum" in field:
            assert set(credentials_ui[name]["ui:enumNames"]) == set(field["enum"]), name
    settings_ui = load_json(schema_file("settings.ui.json"))
    canonical = settings["definitions"]["canonical_status"]["enum"]
    for status in settings["properties"]["status_overrides"]["properties"]:
        assert list(settings_ui["status_overrides"][status]["ui:enumNames"]) == canonical, status


def test_the_retired_sandbox_is_not_offered_as_an_equal_choice() -> None:
    environment = load_json(schema_file("credentials.ui.json"))["environment"]

    assert environment["ui:enumDisabled"] == ["sandbox"]
    assert "legacy" in environment["ui:enumNames"]["sandbox"]


def test_the_advanced_overrides_come_last_among_the_fields_a_seller_types(
    credentials: dict[str, Any],
) -> None:
    ui = load_json(schema_file("credentials.ui.json"))
    advanced = [
        n for n, sub in ui.items() if isinstance(sub, dict) and sub.get("ui:options", {}).get("group")
    ]
    typed = [n for n in ui["ui:order"] if n not in forms.oauth_managed_fields(credentials)]

    assert set(advanced) == {"base_url", "auth_base_url", "authorize_url", "version"}
    assert typed[-len(advanced) :] == [n for n in typed if n in advanced]
    assert all("advanced" in credentials["properties"][n]["title"] for n in advanced)


def test_the_status_map_offers_every_known_status_and_no_plus(settings: dict[str, Any]) -> None:
    ui = load_json(schema_file("settings.ui.json"))

    assert ui["status_overrides"]["ui:options"]["expandable"] is False
    assert {"ON_HOLD", "AWAITING_SHIPMENT", "CANCELLED"} <= set(
        settings["properties"]["status_overrides"]["properties"]
    )


@pytest.mark.parametrize("field", ["carrier_aliases", "warehouse_map"])
def test_a_row_added_with_plus_and_left_empty_is_refused_not_stored(
    settings: dict[str, Any], field: str
) -> None:
    added_row = settings["properties"][field]["additionalProperties"]["default"]

    errors = forms.validate(forms.prepare({field: {"newKey": added_row}}, settings), settings)

    assert {e.field for e in errors} == {f"{field}.newKey"}
    assert len(errors) == 2, "the untyped key and the empty value are both named"


def test_the_settings_ui_schema_is_served() -> None:
    from connector_core.host import ConnectorHost

    connector = ConnectorHost().get("tiktok_shop")

    assert connector.settings_ui_schema() == load_json(schema_file("settings.ui.json"))
    assert set(connector.settings_ui_schema()["ui:order"]) == set(connector.settings_schema()["properties"])
