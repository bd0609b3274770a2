"""The cassette lint: the committed cassettes hold no secret and are all used; the lint finds what it must."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import test_tiktok_shop_contract as tiktok

from connector_core.testing import CassetteLedger, lint_directory, lint_text, unused_cassettes
from pytest_channel_connectors import lint_ledger
from tiktok_shop_emulator.config import DEFAULT_APP_SECRET

HARNESS = tiktok.TestTikTokShopContract()
CONTRACT = tiktok.TestTikTokShopContract
REPO = Path(__file__).resolve().parents[2]
SIGN = "3f" * 32


def test_committed_cassettes_hold_no_secret() -> None:
    findings = lint_directory(
        CONTRACT.cassette_dir, secrets=HARNESS.known_secrets(), patterns=CONTRACT.token_patterns
    )
    assert findings == [], "\n".join(map(str, findings))


def test_every_cassette_is_used_and_every_flow_has_one() -> None:
    assert unused_cassettes(CONTRACT.cassette_dir, CONTRACT.cassette_names()) == []
    recorded = {p.stem for p in CONTRACT.cassette_dir.glob("*.yaml")}
    assert CONTRACT.cassette_names() <= recorded, "a contract test has no cassette: record it"
    flows = {"connect", "refresh", "check_connection", "order_import", "stock_push", "shipment_confirmation"}
    assert flows | {"webhooks", "rate_limit_is_backed_off", "expired_access_token_is_refreshed"} <= recorded


def _kinds(text: str, **kwargs: object) -> list[str]:
    return [f.kind + ": " + f.detail for f in lint_text(text, Path("x.yaml"), **kwargs)]  # type: ignore[arg-type]


def test_the_lint_finds_token_like_strings() -> None:
    patterns = CONTRACT.token_patterns
    assert any("64-hex" in k for k in _kinds(f"uri: /x?sign={SIGN}"))
    assert any(
        "query parameter" in k for k in _kinds("uri: /token/get?app_key=<app_key>&app_secret=hunter2hunter2")
    )
    assert any("JSON field" in k for k in _kinds('string: \'{"access_token":"abcdefghijklmnop"}\''))
    assert any("bearer" in k for k in _kinds("Authorization: Bearer abcdefghijklmnopqrstuvwxyz"))
    assert any("ROW_" in k for k in _kinds("cipher: ROW_aBcDeFgHiJkLmNoPqRsTuVwXyZ012", patterns=patterns))
    assert any("ROW_" in k for k in _kinds("token: TTP_aBcDeFgHiJkLmNoPqRsTuVwXyZ012", patterns=patterns))


def test_the_lint_lets_placeholders_and_fakes_pass() -> None:
    clean = (
        "uri: /token/get?app_key=<app_key>&app_secret=<app_secret>&auth_code=<auth_code>&sign=<sign>\n"
        'string: \'{"access_token":"fake_access_token_1","refresh_token":"fake_refresh_token_1",'
        '"cipher":"fake_cipher_2","request_id":"request_id-3","id":"576461413038000049"}\'\n'
        "x-tts-access-token: <x-tts-access-token>\n"
    )
    assert _kinds(clean, patterns=CONTRACT.token_patterns) == []


def test_the_lint_finds_recording_secrets_without_printing_them() -> None:
    text = f"uri: /x?app_secret={DEFAULT_APP_SECRET}"
    findings = lint_text(text, Path("x.yaml"), secrets={DEFAULT_APP_SECRET: "emulator app secret"})
    assert [f.kind for f in findings if f.kind == "secret"] == ["secret"]
    assert all(DEFAULT_APP_SECRET not in str(f) for f in findings)
    encoded = lint_text("a=ROW%2Fsecret%2Bvalue", Path("x"), secrets={"ROW/secret+value": "token"})
    assert [f.kind for f in encoded] == ["secret"], "URL-encoded forms are found too"


def test_the_ledger_lint_covers_secrets_and_unused_cassettes(tmp_path: Path) -> None:
    class Elsewhere(tiktok.TestTikTokShopContract):
        cassette_dir = tmp_path

    (tmp_path / "connect.yaml").write_text("interactions: []\n")
    (tmp_path / "forgotten.yaml").write_text("interactions: []\n")
    (tmp_path / "leaky.yaml").write_text(f"uri: /x?access_token=ROW_{'a' * 40}\n")
    ledger = CassetteLedger()
    ledger.collected(Elsewhere)
    ledger.secrets.add("ROW_" + "a" * 40, "issued access token")
    findings = lint_ledger(ledger)
    by_file = {(f.path.name, f.kind) for f in findings}
    assert ("forgotten.yaml", "unused") in by_file
    assert ("leaky.yaml", "unused") in by_file
    assert ("leaky.yaml", "secret") in by_file and ("leaky.yaml", "token-like") in by_file
    assert not any(name == "connect.yaml" for name, _ in by_file)


def test_a_lint_finding_fails_the_whole_run(tmp_path: Path) -> None:
    """End to end: a suite whose cassette folder holds an unused, leaky cassette fails at session end,
    even though every test it ran passed."""
    cassettes = tmp_path / "cassettes"
    cassettes.mkdir()
    (cassettes / "stray.yaml").write_text(f"uri: /x?sign={SIGN}\n")
    (tmp_path / "test_stray.py").write_text(
        textwrap.dedent(
            f"""
            import sys
            from pathlib import Path
            sys.path.insert(0, {str(Path(__file__).parent)!r})
            import test_tiktok_shop_contract as tiktok

            class TestStray(tiktok.TestTikTokShopContract):
                cassette_dir = Path({str(cassettes)!r})
            """
        )
    )
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            str(tmp_path / "test_stray.py"),
            "-q",
            "-p",
            "no:cacheprovider",
            "-k",
            "manifest_and_schemas",
            f"--rootdir={tmp_path}",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        timeout=120,
    )
    output = run.stdout + run.stderr
    assert "1 passed" in output, output
    assert run.returncode == 1, output
    assert "cassette lint" in output and "stray.yaml" in output
    assert "unused" in output and "64-hex" in output
    assert SIGN not in output, "a finding never prints the value"
