"""`channel-connectors new connector NAME`: the scaffold writes a package whose contract suite passes out of
the box (recorded against its emulator stub, then replayed from the cassettes alone) and that is ruff-clean
under the project's own lint and format rules, whatever the name's length; it refuses a bad name or an
existing folder in one line without writing anything."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from connector_core.cli import main
from connector_core.scaffold import files_for, generate

try:
    import tomllib
except ImportError:  # Python 3.10: pytest's own dependency
    import tomli as tomllib

REPO = Path(__file__).resolve().parents[2]


def ruff(target: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Ruff as the generated package's developer runs it: from its folder, with its pyproject's rules."""
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args, "--no-cache", "."],
        cwd=target,
        capture_output=True,
        text=True,
        timeout=60,
    )


def assert_ruff_clean(target: Path) -> None:
    for args in (("check",), ("format", "--check")):
        run = ruff(target, *args)
        assert run.returncode == 0, run.stdout + run.stderr


def test_a_scaffolded_connector_passes_its_contract_suite_from_cassettes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "acme-market"
    assert main(["new", "connector", "acme_market", "--dir", str(target)]) == 0
    out = capsys.readouterr().out
    assert "recorded 6 cassettes" in out and "the contract suite passes" in out
    for path in (
        "pyproject.toml",
        "connectors/acme_market/plugin.py",
        "connectors/acme_market/py.typed",
        "connectors/acme_market/schemas/credentials.schema.json",
        "acme_market_emulator/__init__.py",
        "tests/test_acme_market_contract.py",
        "ci/run",
        ".github/workflows/ci.yml",
    ):
        assert (target / path).is_file(), path
    assert not (target / "connectors/__init__.py").exists(), "connectors/ stays a PEP 420 namespace"
    assert 'acme_market = "connectors.acme_market.plugin"' in (target / "pyproject.toml").read_text()
    assert os.access(target / "ci/run", os.X_OK)

    # Replay: the cassettes alone (the kit blocks the network), the plugin loaded without `pip install`.
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=target,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    assert "8 passed" in output and "failed" not in output
    assert_ruff_clean(target)


@pytest.mark.parametrize("name", ["ab", "acme_market", "a" + "bcdefghij_" * 3 + "klmnopqrs"])
def test_a_scaffolded_connector_is_ruff_clean_whatever_its_name(name: str, tmp_path: Path) -> None:
    target = tmp_path / "generated"
    generate(name, target)

    assert_ruff_clean(target)


def test_the_generated_package_lints_with_the_projects_rules() -> None:
    ours = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["ruff"]
    theirs = tomllib.loads(files_for("acme_market")["pyproject.toml"])["tool"]["ruff"]

    for key in ("line-length", "target-version"):
        assert theirs[key] == ours[key], key
    for key in ("select", "ignore"):
        assert theirs["lint"][key] == ours["lint"][key], key
    assert theirs["lint"]["pycodestyle"] == ours["lint"]["pycodestyle"]
    assert theirs["lint"]["per-file-ignores"]["tests/**"] == ours["lint"]["per-file-ignores"]["tests/**"]


@pytest.mark.parametrize("name", ["Acme", "9acme", "acme-market", "a", "acme__x", "class", "x" * 41])
def test_a_bad_name_is_refused_in_one_line(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["new", "connector", name, "--dir", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and repr(name) in err, err
    assert not (tmp_path / "out").exists()


def test_an_existing_folder_is_refused_and_left_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "taken"
    target.mkdir()
    (target / "mine.txt").write_text("keep me")
    assert main(["new", "connector", "acme", "--dir", str(target)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "already exists" in err and str(target) in err
    assert sorted(p.name for p in target.iterdir()) == ["mine.txt"]


def test_the_generated_files_name_the_connector_everywhere() -> None:
    files = files_for("acme_market")
    assert "$" not in files["connectors/acme_market/plugin.py"], "every template placeholder is filled"
    assert 'name = "channel-connectors-acme-market"' in files["pyproject.toml"]
    assert "class TestAcmeMarketContract(ConnectorContract)" in files["tests/test_acme_market_contract.py"]
