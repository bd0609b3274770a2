"""Global options before or after the command, no URL password in any error, and "did you mean" hints."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from connector_core.cli import main

PASSWORD = "s3cretPassw0rd"
URL = f"postgresql://operator:{PASSWORD}@127.0.0.1:1/connectors"


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize(
    "argv",
    [
        ["--database-url", URL, "status", "some-id"],
        ["status", "some-id", "--database-url", URL],
        [f"--database-url={URL}", "integrations", "list"],
        ["integrations", "list", f"--database-url={URL}"],
        ["--database-url", URL, "nope"],
        ["--database-url", URL, "integrations", "lst"],
    ],
)
def test_a_database_url_before_or_after_the_command_never_prints_its_password(
    capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    code, out, err = _run(capsys, *argv)

    assert code in (1, 2)
    assert PASSWORD not in out + err
    assert len(err.splitlines()) == 1, err
    if "nope" not in argv and "lst" not in argv:
        assert "127.0.0.1:1" in err  # the store it tried is named, without the password


def test_home_works_before_and_after_every_command(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    for argv in (
        ["--home", str(tmp_path), "integrations", "list", "--json"],
        ["integrations", "list", "--json", "--home", str(tmp_path)],
        ["integrations", "list", f"--home={tmp_path}", "--json"],
        ["list", "--home", str(tmp_path)],  # a command that needs no store takes it too
    ):
        code, _out, err = _run(capsys, *argv)
        assert code == 0, err
    assert json.loads(_run(capsys, "--home", str(tmp_path), "integrations", "list", "--json")[1]) == {
        "integrations": [],
        "total": 0,
        "next_offset": None,
    }


def test_a_global_option_without_a_value_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "status", "x", "--home")
    assert code == 2 and "--home needs a value" in err


@pytest.mark.parametrize(
    ("argv", "hint"),
    [
        (["integratons", "list"], "did you mean 'integrations'?"),
        (["integrations", "lst"], "did you mean 'list'?"),
        (["pull-order", "X"], "did you mean 'pull-orders'?"),
        (["list", "--jsn"], "did you mean --json?"),
        (["integrations", "list", "--jason"], "did you mean --json?"),
    ],
)
def test_a_mistyped_command_or_option_gets_a_suggestion(
    capsys: pytest.CaptureFixture[str], argv: list[str], hint: str
) -> None:
    code, _, err = _run(capsys, *argv)
    assert code == 2 and hint in err, err


def test_a_mistyped_integration_id_gets_a_suggestion(run, creds_file) -> None:
    added = run("integrations", "add", "tiktok_shop", "--file", str(creds_file))
    integration_id = added.out.split()[2]

    result = run("status", integration_id[:-1] + "x")

    assert result.code == 1
    assert f"did you mean {integration_id!r}?" in result.err
