"""`channel-connectors`: list, schema, validate; one clear line and exit 1 on bad input, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from connector_core.cli import main

SECRET = "Cli-Secret-UNIQUE-9931"


def write_json(path: Path, data: object) -> str:
    path.write_text(json.dumps(data))
    return str(path)


def test_list_shows_each_connector_with_version_and_capabilities(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list"]) == 0

    out = capsys.readouterr().out
    assert out.splitlines()[0].split() == ["CONNECTOR", "VERSION", "NAME", "CAPABILITIES"]
    line = next(line for line in out.splitlines() if line.startswith("tiktok_shop"))
    assert "TikTok Shop" in line
    assert "orders" in line and "stock" in line


def test_list_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list", "--json"]) == 0

    data = json.loads(capsys.readouterr().out)
    tiktok = next(c for c in data["connectors"] if c["id"] == "tiktok_shop")
    assert tiktok["name"] == "TikTok Shop"
    assert isinstance(tiktok["capabilities"], list)
    assert "tiktok_shop" not in {f["connector"] for f in data["failures"]}


def test_list_shows_load_failures(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHANNEL_CONNECTORS_LOAD", "tiktok_shop,not_installed")

    assert main(["list"]) == 0

    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("not_installed"))
    assert line.split()[:3] == ["not_installed", "FAILED", "not"]


def test_list_with_nothing_loaded(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import connector_core.host

    monkeypatch.setattr(connector_core.host, "entry_points", lambda group: [])

    assert main(["list"]) == 0

    assert capsys.readouterr().out == "no connectors loaded\n"


def test_schema_prints_the_credentials_form(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "tiktok_shop"]) == 0

    schema = json.loads(capsys.readouterr().out)
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert "app_secret" in schema["properties"]


def test_schema_settings(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "tiktok_shop", "--settings"]) == 0

    assert "stock_sync" in json.loads(capsys.readouterr().out)["properties"]


def test_schema_ui(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "tiktok_shop", "--ui"]) == 0

    assert "ui:order" in json.loads(capsys.readouterr().out)


def test_an_unknown_connector_is_one_line_and_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "nope"]) == 1

    captured = capsys.readouterr()
    assert captured.out == ""
    [line] = captured.err.splitlines()
    assert line.startswith("error: no connector named 'nope' is loaded (loaded: ")
    assert "tiktok_shop" in line
    assert "Traceback" not in captured.err


def test_debug_shows_the_traceback_instead() -> None:
    from connector_core import UnknownConnector

    with pytest.raises(UnknownConnector):
        main(["--debug", "schema", "nope"])


def test_validate_a_good_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_json(
        tmp_path / "good.json",
        {
            "environment": "production",
            "region": "us",
            "app_key": "abc123",
            "app_secret": SECRET,
            "version": "",
        },
    )

    assert main(["validate", "tiktok_shop", path]) == 0

    assert capsys.readouterr().out == f"{path}: valid tiktok_shop credentials\n"


def test_validate_prints_each_bad_field_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_json(
        tmp_path / "bad.json",
        {
            "environment": "staging",
            "region": "us",
            "app_secret": "x" + SECRET[:4],
            "version": "1",
            "color": 1,
        },
    )

    assert main(["validate", "tiktok_shop", path]) == 1

    err = capsys.readouterr().err.splitlines()
    assert [line.split(": ")[1] for line in err] == [
        "app_key",
        "app_secret",
        "color",
        "environment",
        "version",
    ]
    assert all(line.startswith(f"{path}: ") for line in err)
    assert not any(SECRET[:4] in line for line in err)


def test_validate_settings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_json(tmp_path / "settings.json", {"stock_sync": "sometimes"})

    assert main(["validate", "tiktok_shop", path, "--settings"]) == 1

    assert "stock_sync" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "is not valid JSON: line 1 column 2"),
        ("[1, 2]", "must hold a JSON object of field values"),
    ],
)
def test_validate_a_file_that_is_not_a_form(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    path = tmp_path / "weird.json"
    path.write_text(content)

    assert main(["validate", "tiktok_shop", str(path)]) == 1

    err = capsys.readouterr().err
    assert message in err
    assert len(err.splitlines()) == 1


def test_validate_a_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "tiktok_shop", str(tmp_path / "absent.json")]) == 1

    assert "cannot read" in capsys.readouterr().err


def test_validate_reads_standard_input(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO('{"region": "us"}'))

    assert main(["validate", "tiktok_shop", "-"]) == 1

    assert "-: app_key: App Key is required" in capsys.readouterr().err


def test_a_broken_command_plugin_does_not_take_the_cli_down(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from importlib.metadata import EntryPoint

    import connector_core.cli.app

    broken = EntryPoint(
        name="broken", value="no_such_module_anywhere:register", group="channel_connectors.commands"
    )
    monkeypatch.setattr(connector_core.cli.app, "entry_points", lambda group: [broken])

    assert main(["list"]) == 0


def test_two_providers_of_one_command_name_fail_loudly(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from importlib.metadata import EntryPoint

    import connector_core.cli.app

    first = EntryPoint(
        name="tiktok_shop",
        value="connectors.tiktok_shop.devtools.commands:register",
        group="channel_connectors.commands",
    )
    second = EntryPoint(
        name="copycat",
        value="connectors.tiktok_shop.devtools.commands:register",
        group="channel_connectors.commands",
    )
    monkeypatch.setattr(connector_core.cli.app, "entry_points", lambda group: [first, second])

    assert main(["list"]) == 2

    err = capsys.readouterr().err
    assert "command 'demo' is offered by both 'tiktok_shop' and 'copycat'" in err
    assert "Traceback" not in err


def test_validate_accepts_what_create_accepts_relying_on_defaults(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_json(tmp_path / "minimal.json", {"app_key": "abc123", "app_secret": SECRET})

    assert main(["validate", "tiktok_shop", path]) == 0  # environment and region have defaults

    assert "valid tiktok_shop credentials" in capsys.readouterr().out
