"""`completion bash`: the script bash runs completes commands, actions and options from the real tree."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from connector_core.cli import main


@pytest.fixture
def script(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    if shutil.which("bash") is None:
        pytest.skip("bash is not installed")
    assert main(["completion", "bash"]) == 0
    path = tmp_path / "complete.sh"
    path.write_text(capsys.readouterr().out)
    return path


def complete(script: Path, line: str) -> list[str]:
    """What bash offers after `line` (the last word is the one being completed)."""
    words = line.split(" ")
    program = (
        f"source {script}\n"
        f"COMP_WORDS=({' '.join(repr(w) for w in words)})\n"
        f"COMP_CWORD={len(words) - 1}\n"
        "_channel_connectors\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    done = subprocess.run(["bash", "-c", program], capture_output=True, text=True, timeout=30, check=True)
    return done.stdout.split()


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("channel-connectors pu", {"pull-orders", "push-stock"}),
        (
            "channel-connectors integrations ",
            {"add", "list", "show", "update", "remove", "tag", "shop-settings", "import"},
        ),
        ("channel-connectors apps ", {"add", "list", "show", "update"}),
        ("channel-connectors integrations up", {"update"}),
        ("channel-connectors pull-orders ID --s", {"--since"}),
        ("channel-connectors --home /tmp/h status ID --j", {"--json"}),
        ("channel-connectors integrations update ID --sh", {"--shop"}),
        ("channel-connectors label ID --ov", {"--overwrite"}),
    ],
)
def test_bash_completes_commands_actions_and_options(script: Path, line: str, expected: set[str]) -> None:
    assert set(complete(script, line)) == expected


def test_an_options_value_completes_file_names(script: Path, tmp_path: Path) -> None:
    (tmp_path / "stock.csv").write_text("sku,quantity\n")
    assert complete(script, f"channel-connectors pull-orders ID --output {tmp_path}/st") == [
        f"{tmp_path}/stock.csv"
    ]
