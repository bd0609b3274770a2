"""Both TikTok forms rendered by our RJSF bundle in headless Chromium: an empty, an invalid and a valid
submission each, plus an edit. What the browser accepts must pass Python's `forms.validate`; what it
refuses, Python refuses on the same fields, with the same words where the schema gives them.

Needs Node (frontend/node_modules, with playwright-core) and Debian's chromium; skips with the reason when
either is missing, unless CI set CHANNEL_CONNECTORS_REQUIRE_BROWSER=1. No browser is ever downloaded."""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from forms_support import BUNDLE, FRONTEND, require_node, skip_or_fail

from connector_core import forms
from connector_core.host import ConnectorHost

pytestmark = pytest.mark.slow  # starts a browser

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SECRET = "Zq-UNIQUE-secret-7781"

# Typed into the forms as a seller would; ids are RJSF's (root_<field>, root_<map>_<key>).
OPEN_ADVANCED = {"click": "details.cc-group summary"}
VALID_CREDENTIALS = [
    {"fill": "#root_app_key", "value": "6abc123"},
    {"fill": "#root_app_secret", "value": SECRET},
    {"check": "#root_region-1"},
    {"fill": "#root_service_id", "value": "7000123"},
    OPEN_ADVANCED,
    {"fill": "#root_base_url", "value": "https://open-api.example.com"},
]
INVALID_CREDENTIALS = [
    {"fill": "#root_app_key", "value": "bad key!"},
    {"fill": "#root_app_secret", "value": "short"},
    OPEN_ADVANCED,
    {"fill": "#root_base_url", "value": "https://exa mple.com"},
    {"fill": "#root_version", "value": "2023"},
]
VALID_SETTINGS = [
    {"check": "#root_stock_sync"},
    {"fill": "#root_import_orders_since", "value": "2024-02-29"},
    {"select": "#root_status_overrides_ON_HOLD", "label": "Awaiting shipment"},
    {"click": "#root_carrier_aliases__add"},
    {"fill": "#root_carrier_aliases_newKey-key", "value": "RM48"},
    {"click": "#root_stock_sync"},  # leaving the key field renames the row
    {"check": "#root_stock_sync"},
    {"fill": "#root_carrier_aliases_RM48", "value": "Royal Mail"},
    {"click": "#root_warehouse_map__add"},
    {"fill": "#root_warehouse_map_newKey-key", "value": "EAST"},
    {"click": "#root_import_unpaid_orders"},
    {"fill": "#root_warehouse_map_EAST", "value": "7000714532876273420"},
]
INVALID_SETTINGS = [
    {"click": "#root_carrier_aliases__add"},
    {"click": "#root_warehouse_map__add"},
    {"fill": "#root_warehouse_map_newKey", "value": "not digits"},
]
UNRENAMED_ROW = [
    {"click": "#root_carrier_aliases__add"},
    {"fill": "#root_carrier_aliases_newKey", "value": "Royal Mail"},
]
STORED = {
    "environment": "production",
    "region": "non_us",
    "app_key": "6abc123",
    "app_secret": SECRET,
    "service_id": "7000123",
}
SCENARIOS = [
    {"name": "credentials-empty", "form": "credentials"},
    {"name": "credentials-invalid", "form": "credentials", "steps": INVALID_CREDENTIALS},
    {"name": "credentials-valid", "form": "credentials", "steps": VALID_CREDENTIALS},
    {"name": "settings-empty", "form": "settings"},
    {"name": "settings-invalid", "form": "settings", "steps": INVALID_SETTINGS},
    {"name": "settings-valid", "form": "settings", "steps": VALID_SETTINGS},
    {"name": "settings-unrenamed-row", "form": "settings", "steps": UNRENAMED_ROW},
    {
        "name": "credentials-edit",
        "form": "credentials-edit",
        "data": True,
        "steps": [
            {"fill": "#root_app_key", "value": "6abc999"},
            {"fill": "#root_service_id", "value": ""},
        ],
    },
]


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The page, the committed bundle and the forms exactly as the connector serves them."""
    folder = tmp_path_factory.mktemp("site")
    connector = ConnectorHost().get("tiktok_shop")
    shutil.copy(FRONTEND / "test-page.html", folder / "index.html")
    shutil.copy(BUNDLE, folder / "forms.js")
    files = {
        "credentials.schema.json": connector.credentials_schema(),
        "credentials.ui.json": connector.ui_schema(),
        "credentials-edit.schema.json": connector.credentials_schema(edit=True),
        "credentials-edit.ui.json": connector.ui_schema(),
        # An edit form starts from the stored values, the secret left out (hosts never show it).
        "credentials-edit.data.json": forms.redact(STORED, connector.credentials_schema()).values
        | {"app_secret": None},
        "settings.schema.json": connector.settings_schema(),
        "settings.ui.json": connector.settings_ui_schema(),
    }
    for name, content in files.items():
        text = json.dumps({k: v for k, v in content.items() if v is not None} if "data" in name else content)
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(site)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser(server: str) -> dict[str, Any]:
    """Every scenario's outcome: what the form reported (submit or error) and the errors it showed."""
    if not Path(CHROMIUM).exists():
        skip_or_fail(
            f"no chromium at {CHROMIUM} (apt-get install chromium)", "CHANNEL_CONNECTORS_REQUIRE_BROWSER"
        )
    node = require_node()
    plan = json.dumps({"url": server, "scenarios": SCENARIOS})
    done = subprocess.run(
        [node, str(FRONTEND / "scripts" / "browser-check.mjs")],
        input=plan,
        cwd=FRONTEND,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, f"browser-check failed: {done.stderr[-3000:]}"
    results: dict[str, Any] = json.loads(done.stdout)["results"]
    return results


def _only_event(result: dict[str, Any]) -> dict[str, Any]:
    assert result["consoleErrors"] == []
    [event] = result["events"]
    return event


def _python_fields(values: dict[str, Any], schema: dict[str, Any]) -> set[str]:
    return {e.field for e in forms.validate(forms.prepare(values, schema), schema)}


def test_an_empty_credential_form_is_refused_naming_the_required_fields(browser: dict[str, Any]) -> None:
    event = _only_event(browser["credentials-empty"])

    assert event["kind"] == "error"
    assert {e["property"] for e in event["errors"]} == {"app_key", "app_secret"}
    assert _python_fields({}, ConnectorHost().get("tiktok_shop").credentials_schema()) == {
        "app_key",
        "app_secret",
    }


def test_an_invalid_credential_form_is_refused_on_the_same_fields_and_in_the_same_words(
    browser: dict[str, Any],
) -> None:
    schema = ConnectorHost().get("tiktok_shop").credentials_schema()
    result = browser["credentials-invalid"]
    event = _only_event(result)
    typed = {
        "app_key": "bad key!",
        "app_secret": "short",
        "base_url": "https://exa mple.com",
        "version": "2023",
    }

    assert event["kind"] == "error"
    assert {e["property"].lstrip(".") for e in event["errors"]} == {
        "app_key",
        "app_secret",
        "base_url",
        "version",
    }
    assert _python_fields(typed, schema) == {"app_key", "app_secret", "base_url", "version"}
    python_messages = {e.message for e in forms.validate(forms.prepare(typed, schema), schema)}
    assert "App Key may hold letters, digits, _ and - only" in result["shownErrors"]
    assert "API version must be one of 202309, 202312, 202502 or 202507" in result["shownErrors"]
    assert {
        "App Key may hold letters, digits, _ and - only",
        "API version must be one of 202309, 202312, 202502 or 202507",
    } <= (python_messages)
    assert not any("^" in shown or SECRET in shown or "short" in shown for shown in result["shownErrors"])


def test_a_valid_credential_submission_passes_python_validation(browser: dict[str, Any]) -> None:
    schema = ConnectorHost().get("tiktok_shop").credentials_schema()
    event = _only_event(browser["credentials-valid"])

    assert event["kind"] == "submit"
    submitted = event["formData"]
    assert submitted["region"] == "us" and submitted["base_url"] == "https://open-api.example.com"
    assert forms.validate(submitted, schema) == []
    assert forms.validate(forms.prepare(submitted, schema), schema) == []


def test_the_credential_form_shows_labels_and_groups_the_advanced_overrides(browser: dict[str, Any]) -> None:
    result = browser["credentials-empty"]

    assert {"Production", "Sandbox (legacy, retired by TikTok)", "Non-US", "US"} <= set(result["labels"])
    assert result["groups"] == [{"title": "Advanced overrides (usually leave blank)", "open": False}]
    assert browser["credentials-invalid"]["groups"][0]["open"] is True


def test_an_empty_settings_form_submits_and_maps_no_status(browser: dict[str, Any]) -> None:
    schema = ConnectorHost().get("tiktok_shop").settings_schema()
    event = _only_event(browser["settings-empty"])

    assert event["kind"] == "submit"
    assert not event["formData"].get("status_overrides"), "no status may be overridden by an untouched form"
    assert forms.validate(forms.prepare(event["formData"], schema), schema) == []


def test_rows_added_with_plus_and_left_unfinished_are_refused_by_both(browser: dict[str, Any]) -> None:
    schema = ConnectorHost().get("tiktok_shop").settings_schema()
    event = _only_event(browser["settings-invalid"])
    typed = {"carrier_aliases": {"newKey": ""}, "warehouse_map": {"newKey": "not digits"}}

    assert event["kind"] == "error"
    # ajv reports a bad key at the map that holds it, a bad value at the row: compare by map.
    assert {e["property"].lstrip(".").split(".")[0] for e in event["errors"]} == {
        "carrier_aliases",
        "warehouse_map",
    }
    assert _python_fields(typed, schema) == {"carrier_aliases.newKey", "warehouse_map.newKey"}


def test_a_row_whose_key_was_never_typed_is_refused_by_both(browser: dict[str, Any]) -> None:
    schema = ConnectorHost().get("tiktok_shop").settings_schema()
    result = browser["settings-unrenamed-row"]
    event = _only_event(result)

    assert event["kind"] == "error"
    [python_error] = forms.validate(
        forms.prepare({"carrier_aliases": {"newKey": "Royal Mail"}}, schema), schema
    )
    assert python_error.message in result["shownErrors"]


def test_a_valid_settings_submission_passes_python_validation(browser: dict[str, Any]) -> None:
    schema = ConnectorHost().get("tiktok_shop").settings_schema()
    event = _only_event(browser["settings-valid"])

    assert event["kind"] == "submit"
    submitted = event["formData"]
    assert submitted["status_overrides"] == {"ON_HOLD": "awaiting_shipment"}
    assert submitted["carrier_aliases"] == {"RM48": "Royal Mail"}
    assert submitted["warehouse_map"] == {"EAST": "7000714532876273420"}
    assert submitted["import_orders_since"] == "2024-02-29"
    assert forms.validate(forms.prepare(submitted, schema), schema) == []


def test_an_edit_submits_without_the_secret_keeps_it_and_clears_an_emptied_field(
    browser: dict[str, Any],
) -> None:
    schema = ConnectorHost().get("tiktok_shop").credentials_schema()
    event = _only_event(browser["credentials-edit"])

    assert event["kind"] == "submit"
    submitted = event["formData"]
    assert "app_secret" not in submitted and submitted["app_key"] == "6abc999"
    assert "service_id" not in submitted, "RJSF leaves an emptied field out"
    edited = forms.apply_edit_form(STORED, submitted, schema)
    assert edited["app_secret"] == SECRET and "service_id" not in edited
    assert forms.validate(forms.prepare(edited, schema), schema) == []
