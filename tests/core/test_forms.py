"""Credential and settings forms: every bad field named, secrets never echoed, redact/merge, the TikTok forms."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator
from pydantic import SecretStr

from connector_core import FieldError, InvalidInput, forms
from connector_core.forms import SECRET_SENTINEL
from connector_core.resources import load_json
from connectors.tiktok_shop.schema_files import schema_file

SECRET = "Zq-UNIQUE-secret-7781"


@pytest.fixture(scope="module")
def tiktok_credentials() -> dict[str, Any]:
    return forms.load_schema(schema_file("credentials.schema.json"))


@pytest.fixture(scope="module")
def tiktok_settings() -> dict[str, Any]:
    return forms.load_schema(schema_file("settings.schema.json"))


GOOD = {"environment": "production", "region": "non_us", "app_key": "6abc123", "app_secret": SECRET}


# --- validation names every bad field -------------------------------------------------------------------


def test_a_good_form_has_no_errors(tiktok_credentials: dict[str, Any]) -> None:
    assert forms.validate(GOOD, tiktok_credentials) == []


def test_every_bad_field_gets_one_error_at_its_own_path(tiktok_credentials: dict[str, Any]) -> None:
    values = {
        "environment": "staging",
        "region": "non_us",
        "app_secret": SECRET,
        "version": "2023",
        "favourite_colour": "teal",
        "nickname": "x",
    }

    errors = forms.validate(values, tiktok_credentials)

    assert [e.field for e in errors] == ["app_key", "environment", "favourite_colour", "nickname", "version"]
    by_field = {e.field: e.message for e in errors}
    assert by_field["app_key"] == "App Key is required"
    assert by_field["environment"] == "Environment must be one of: production, sandbox"
    assert by_field["version"] == "API version must be one of 202309, 202312, 202502 or 202507"
    assert by_field["favourite_colour"] == "unknown field"


def test_nested_fields_get_dotted_paths(tiktok_settings: dict[str, Any]) -> None:
    values = {
        "status_overrides": {"ON_HOLD": "ship_it"},
        "warehouse_map": {"MAIN": "not-a-number"},
        "import_orders_since": "2024-13-45",
    }

    fields = [e.field for e in forms.validate(values, tiktok_settings)]

    assert fields == ["import_orders_since", "status_overrides.ON_HOLD", "warehouse_map.MAIN"]


def test_unknown_nested_fields_are_named_by_path() -> None:
    schema = {
        "type": "object",
        "properties": {
            "address": {
                "type": "object",
                "properties": {"city": {"type": "string"}},
                "additionalProperties": False,
            }
        },
    }

    errors = forms.validate({"address": {"city": "Bonn", "planet": "Earth"}}, schema)

    assert errors == [FieldError("address.planet", "unknown field")]


def test_a_nested_required_field_is_named_by_its_own_title() -> None:
    schema = {
        "type": "object",
        "properties": {
            "contact": {
                "type": "object",
                "required": ["email"],
                "properties": {"email": {"title": "Contact e-mail", "type": "string"}},
            }
        },
    }

    assert forms.validate({"contact": {}}, schema) == [
        FieldError("contact.email", "Contact e-mail is required")
    ]


@pytest.mark.parametrize("bad", ["short", "x" * 129, 12345678])
def test_a_bad_secret_is_named_but_its_value_never_echoed(
    tiktok_credentials: dict[str, Any], bad: Any
) -> None:
    errors = forms.validate({**GOOD, "app_secret": bad}, tiktok_credentials)

    assert [e.field for e in errors] == ["app_secret"]
    assert str(bad) not in errors[0].message
    assert errors[0].message.startswith("App Secret ")


def test_an_object_level_error_does_not_quote_the_values() -> None:
    schema = {
        "type": "object",
        "properties": {"password": {"type": "string", "writeOnly": True, "format": "password"}},
        "minProperties": 2,
        "not": {"required": ["password"]},
    }

    errors = forms.validate({"password": SECRET}, schema)

    assert len(errors) == 2
    assert all(SECRET not in str(e) for e in errors)
    assert {e.field for e in errors} == {""}


def test_require_valid_raises_naming_every_field(tiktok_credentials: dict[str, Any]) -> None:
    with pytest.raises(InvalidInput) as raised:
        forms.require_valid({"environment": "x", "region": "y"}, tiktok_credentials, "TikTok credentials")

    error = raised.value
    assert {e.field for e in error.errors} == {"environment", "region", "app_key", "app_secret"}
    assert str(error).startswith("invalid TikTok credentials: ")
    assert "app_secret: App Secret is required" in str(error)


def test_require_valid_is_quiet_for_a_good_form(tiktok_credentials: dict[str, Any]) -> None:
    forms.require_valid(GOOD, tiktok_credentials, "TikTok credentials")


def test_blank_optional_fields_are_dropped_and_defaults_applied(tiktok_credentials: dict[str, Any]) -> None:
    submitted = {"app_key": "6abc", "app_secret": SECRET, "service_id": "", "base_url": None}

    filled = forms.apply_defaults(forms.drop_blank(submitted), tiktok_credentials)

    assert filled == {
        "app_key": "6abc",
        "app_secret": SECRET,
        "environment": "production",
        "region": "non_us",
    }
    assert forms.validate(filled, tiktok_credentials) == []


# --- secrets: redact, merge, split ----------------------------------------------------------------------


def test_redact_replaces_secrets_with_the_sentinel_and_flags_them(tiktok_credentials: dict[str, Any]) -> None:
    shown = forms.redact(
        {**GOOD, "access_token": SecretStr("tok-abc"), "refresh_token": ""}, tiktok_credentials
    )

    assert shown.values["app_secret"] == SECRET_SENTINEL
    assert shown.values["access_token"] == SECRET_SENTINEL
    assert shown.values["refresh_token"] is None
    assert shown.values["app_key"] == "6abc123"
    assert shown.is_set == {"app_secret": True, "access_token": True, "refresh_token": False}
    assert SECRET not in repr(shown)


def test_redact_flags_a_secret_the_values_lack_as_unset(tiktok_credentials: dict[str, Any]) -> None:
    shown = forms.redact({"app_key": "k"}, tiktok_credentials)

    assert shown.is_set == {"app_secret": False, "access_token": False, "refresh_token": False}
    assert "app_secret" not in shown.values


@pytest.mark.parametrize("left_as", ["", None, SECRET_SENTINEL])
def test_merge_keeps_the_stored_secret_when_the_edit_leaves_it(
    tiktok_credentials: dict[str, Any], left_as: str | None
) -> None:
    merged = forms.merge(GOOD, {"app_secret": left_as, "app_key": "newkey"}, tiktok_credentials)

    assert merged["app_secret"] == SECRET
    assert merged["app_key"] == "newkey"


def test_merge_takes_a_new_secret_and_clears_a_plain_field(tiktok_credentials: dict[str, Any]) -> None:
    merged = forms.merge(
        {**GOOD, "service_id": "777"},
        {"app_secret": "brand-new-secret", "service_id": ""},
        tiktok_credentials,
    )

    assert merged["app_secret"] == "brand-new-secret"
    assert merged["service_id"] == ""


def test_split_credentials_holds_secrets_apart(tiktok_credentials: dict[str, Any]) -> None:
    creds = forms.split_credentials({**GOOD, "access_token": ""}, tiktok_credentials)

    assert creds.public == {"environment": "production", "region": "non_us", "app_key": "6abc123"}
    assert creds.secret_names == frozenset({"app_secret"})
    assert creds.secret("app_secret") == SECRET
    assert forms.credentials_as_form(creds)["app_secret"] == SecretStr(SECRET)


def test_secret_and_oauth_managed_fields_are_found(tiktok_credentials: dict[str, Any]) -> None:
    assert forms.secret_fields(tiktok_credentials) == {"app_secret", "access_token", "refresh_token"}
    assert forms.oauth_managed_fields(tiktok_credentials) == {"access_token", "refresh_token"}


def test_fields_iterate_in_schema_order(tiktok_credentials: dict[str, Any]) -> None:
    names = [name for name, _ in forms.iter_fields(tiktok_credentials)]

    assert names[:4] == ["environment", "region", "app_key", "app_secret"]


# --- loading --------------------------------------------------------------------------------------------


def test_loading_an_invalid_schema_fails(tmp_path: Path) -> None:
    broken = tmp_path / "broken.schema.json"
    broken.write_text('{"type": "objekt"}')

    with pytest.raises(Exception, match="objekt"):
        forms.load_schema(broken)


def test_loading_a_schema_that_is_not_an_object_fails(tmp_path: Path) -> None:
    odd = tmp_path / "odd.schema.json"
    odd.write_text("true")

    with pytest.raises(ValueError, match="must be a JSON object"):
        forms.load_schema(odd)


# --- the TikTok Shop forms, the core's first customer ---------------------------------------------------


@pytest.mark.parametrize("name", ["credentials.schema.json", "settings.schema.json"])
def test_the_tiktok_schemas_are_draft_07(name: str) -> None:
    schema = load_json(schema_file(name))

    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    Draft7Validator.check_schema(schema)


@pytest.mark.parametrize("name", ["credentials.schema.json", "settings.schema.json"])
def test_every_tiktok_field_has_a_title_and_help_text(name: str) -> None:
    schema = load_json(schema_file(name))

    for field, sub in forms.iter_fields(schema):
        assert sub.get("title"), f"{name}: {field} has no title"
        assert sub.get("description"), f"{name}: {field} has no description"


def test_every_tiktok_secret_is_write_only_and_a_password(tiktok_credentials: dict[str, Any]) -> None:
    for field in forms.secret_fields(tiktok_credentials):
        sub = tiktok_credentials["properties"][field]
        assert sub.get("writeOnly") is True, field
        assert sub.get("format") == "password", field


def test_the_tiktok_ui_schema_names_only_real_fields(tiktok_credentials: dict[str, Any]) -> None:
    ui = load_json(schema_file("credentials.ui.json"))
    fields = set(tiktok_credentials["properties"])

    named = {k for k in ui if not k.startswith("ui:")} | set(ui.get("ui:order", [])) - {"*"}
    assert named <= fields


def test_the_tiktok_ui_schema_hides_the_oauth_managed_fields(tiktok_credentials: dict[str, Any]) -> None:
    ui = load_json(schema_file("credentials.ui.json"))

    for field in forms.oauth_managed_fields(tiktok_credentials):
        assert ui.get(field, {}).get("ui:widget") == "hidden", field
