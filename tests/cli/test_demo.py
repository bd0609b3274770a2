"""The main job: `channel-connectors demo` runs every flow, exits 0, and prints no secret."""

from __future__ import annotations

import re

from connector_core.cli import main
from tiktok_shop_emulator.config import DEFAULT_APP_SECRET


def test_demo_runs_every_flow_and_exits_zero(tmp_path, capsys):
    assert main(["demo", "--orders", "400", "--home", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    for step in ("Credential form", "Connect (OAuth)", "Pull orders", "Push stock", "Confirm shipments",
                 "refreshed silently", "Re-authorization deadline", "demo finished"):  # fmt: skip
        assert step in out
    assert "multi-parcel" in out and "already_confirmed, 0 call(s)" in out
    assert "refresh calls that reached TikTok: 1" in out
    assert "the warehouse marks it received: TikTok says RETURN_OR_REFUND_REQUEST_COMPLETE" in out
    assert "TikTok Shipping labels" in out and "nothing new - 2 already created, 0 bought, 0 call(s)" in out
    pdfs = sorted((tmp_path / "labels").glob("*.pdf"))
    assert len(pdfs) == 2 and all(p.read_bytes().startswith(b"%PDF-") for p in pdfs)


def test_demo_output_and_store_hold_no_secret(tmp_path, capsys):
    assert main(["--debug", "demo", "--orders", "200", "--home", str(tmp_path)]) == 0
    captured = capsys.readouterr()
    text = captured.out + captured.err
    assert DEFAULT_APP_SECRET not in text
    assert not re.search(r"\b(ROW|TTP)_[A-Za-z0-9_-]{20,}", text), "a token-like string was printed"
    assert not re.search(r"sign=[0-9a-f]{64}", text)
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("store.sqlite3*"))
    assert DEFAULT_APP_SECRET.encode() not in raw
