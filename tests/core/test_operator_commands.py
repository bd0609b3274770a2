"""The operator's commands (integrations, connect, pull-orders, push-stock, confirm-shipment, status, webhook),
driven through `channel-connectors` against the connector double; plus the progress line and the one-shot
OAuth callback server they use."""

from __future__ import annotations

import argparse
import io
import json
import re
import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from core_support import FAKE_APP_SECRET, FakeChannel

from connector_core import ConnectorError, ConnectorHost, InvalidInput, OffsetClock
from connector_core.callback import CallbackServer
from connector_core.cli import main, session
from connector_core.cli.inputs import InputError, read_stock_csv
from connector_core.cli.parsing import moment
from connector_core.cli.shipments import parse_lines
from connector_core.progress import Progress

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(
    fake_host: ConnectorHost,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> Run:
    """`run("integrations", "list")` -> (exit code, stdout, stderr), with the fake connector and a private home."""
    monkeypatch.setattr(session, "load_host", lambda: fake_host.load())
    home = str(tmp_path / "cli-home")
    (tmp_path / "cli-home").mkdir()

    def invoke(*args: str) -> tuple[int, str, str]:
        code = main([*args, "--home", home])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return invoke


@pytest.fixture
def credentials_file(tmp_path: Path) -> str:
    path = tmp_path / "creds.json"
    path.write_text(json.dumps({"app_key": "demo1", "app_secret": FAKE_APP_SECRET}))
    return str(path)


@pytest.fixture
def integration_id(run: Run, credentials_file: str) -> str:
    code, out, _ = run("integrations", "add", "fake", "--file", credentials_file, "--name", "Shop A")
    assert code == 0, out
    match = re.search(r"created integration (\S+)", out)
    assert match is not None, out
    return match.group(1)


@pytest.fixture
def connected_id(run: Run, integration_id: str) -> str:
    code, _, err = run("connect", integration_id, "--code", "good-code")
    assert code == 0, err
    return integration_id


# --- integrations ---------------------------------------------------------------------------------------


def test_adding_an_integration_says_what_to_do_next(run: Run, credentials_file: str) -> None:
    code, out, _ = run("integrations", "add", "fake", "--file", credentials_file)

    assert code == 0
    assert "(Fake Channel)" in out
    assert "next: channel-connectors connect fake-" in out


def test_adding_with_bad_values_lists_each_field(run: Run, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"app_key": "UPPER", "app_secret": "short"}))

    code, _, err = run("integrations", "add", "fake", "--file", str(bad))

    assert code == 1
    assert err.splitlines() == [
        "error: invalid fake integration: app_key: App Key is not in the expected form; "
        "app_secret: App Secret must be at least 8 characters long"
    ]


def test_adding_without_a_file_or_a_terminal_is_refused(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))

    code, _, err = run("integrations", "add", "fake")

    assert code == 1
    assert "give the credential values with --file" in err


def test_list_and_show_never_print_the_secret(run: Run, integration_id: str) -> None:
    code, listed, _ = run("integrations", "list")
    assert code == 0
    assert re.search(rf"{integration_id}\s+fake\s+Shop A\s+-\s+not connected", listed)

    code, shown, _ = run("integrations", "show", integration_id)
    data = json.loads(shown)
    assert data["credentials"]["app_secret"] == "********"
    assert data["secrets_set"]["app_secret"] is True
    assert FAKE_APP_SECRET not in shown + listed


def test_an_empty_store_says_how_to_add_one(run: Run) -> None:
    assert run("integrations", "list")[1].startswith("no integrations yet")


def test_removing_an_integration(run: Run, integration_id: str) -> None:
    assert run("integrations", "remove", integration_id, "--yes")[0] == 0

    code, _, err = run("status", integration_id)
    assert code == 1
    assert f"no integration {integration_id!r}" in err


# --- connect, status ------------------------------------------------------------------------------------


def test_connect_with_a_code_lists_the_authorized_shops(run: Run, integration_id: str) -> None:
    code, out, _ = run("connect", integration_id, "--code", "good-code")

    assert code == 0
    assert f"connected {integration_id}: 1 shop(s) authorized" in out
    assert "* shop-1" in out and "Fake Shop" in out
    assert (
        f"to serve another shop: channel-connectors integrations update {integration_id} --shop SHOP_ID"
        in out
    )


def test_status_shows_tokens_by_expiry_only(run: Run, connected_id: str) -> None:
    code, out, _ = run("status", connected_id)

    assert code == 0
    assert "connected          yes" in out
    assert "shop               Fake Shop shop-1" in out
    assert re.search(r"re-authorize by    \d{4}-\d\d-\d\d \d\d:\d\d UTC", out)
    assert "access-1" not in out


# --- orders, stock, shipments ---------------------------------------------------------------------------


def test_pull_orders_writes_json_lines(run: Run, connected_id: str, channel: FakeChannel) -> None:
    clock = OffsetClock()
    for n in range(3):
        channel.add_order(f"o{n}", "READY", clock.now() - timedelta(hours=n + 1))

    code, out, _ = run("pull-orders", connected_id)

    assert code == 0
    assert sorted(json.loads(line)["id"] for line in out.splitlines()) == ["o0", "o1", "o2"]


def test_pull_orders_appends_to_a_file_and_fails_when_orders_were_skipped(
    run: Run, connected_id: str, channel: FakeChannel, tmp_path: Path
) -> None:
    now = OffsetClock().now()
    channel.add_order("fine", "READY", now - timedelta(hours=1))
    channel.add_order("broken", "READY", now - timedelta(minutes=30), quantity=0)
    output = tmp_path / "orders.jsonl"

    code, out, err = run("pull-orders", connected_id, "--output", str(output), "--since", "2020-01-01")

    assert code == 1
    assert out == ""
    assert [json.loads(line)["id"] for line in output.read_text().splitlines()] == ["fine"]
    assert "1 problem(s), skipped" in err and "broken" in err


def test_push_stock_from_csv(run: Run, connected_id: str, channel: FakeChannel, tmp_path: Path) -> None:
    channel.stock.update({"A": 0, "B": 0})
    csv_file = tmp_path / "stock.csv"
    csv_file.write_text("sku,quantity\nA,5\nB,2\n")

    code, out, _ = run("push-stock", connected_id, str(csv_file))
    assert code == 0
    assert "updated 2, unchanged 0, unknown_sku 0, rejected 0, invalid 0, stale 0; 1 update call(s)" in out

    code, out, _ = run("push-stock", connected_id, str(csv_file))
    assert "unchanged 2" in out
    assert "0 update call(s)" in out


def test_push_stock_fails_on_an_unknown_sku(run: Run, connected_id: str, tmp_path: Path) -> None:
    csv_file = tmp_path / "stock.csv"
    csv_file.write_text("sku,quantity\nGHOST,5\n")

    code, out, _ = run("push-stock", connected_id, str(csv_file))

    assert code == 1
    assert "GHOST" in out
    assert "unknown_sku" in out


def test_a_stock_csv_names_every_bad_row(tmp_path: Path) -> None:
    csv_file = tmp_path / "stock.csv"
    csv_file.write_text("sku,quantity,warehouse\nA,5,W1\n,3,\nB,lots,\n")

    with pytest.raises(InputError) as raised:
        read_stock_csv(str(csv_file))

    message = str(raised.value)
    assert "2 bad line(s), nothing pushed" in message
    assert "line 3: sku is empty" in message and "line 4: SKU B: quantity 'lots'" in message


def test_a_stock_csv_needs_its_columns(tmp_path: Path) -> None:
    csv_file = tmp_path / "stock.csv"
    csv_file.write_text("item,count\nA,5\n")

    with pytest.raises(InputError, match="missing column"):
        read_stock_csv(str(csv_file))


def test_confirm_shipment_once_then_already_confirmed(
    run: Run, connected_id: str, channel: FakeChannel
) -> None:
    args = ("confirm-shipment", connected_id, "--order", "o1", "--tracking", "T1", "--carrier", "DHL")

    code, out, _ = run(*args, "--lines", "SKU-1:1")
    assert code == 0
    assert "order o1 parcel T1 (DHL): confirmed package pkg-1" in out

    code, out, _ = run(*args, "--lines", "SKU-1:1")
    assert "already_confirmed" in out
    assert channel.calls["confirm_shipment"] == 1


def test_shipment_lines_parse_and_refuse_nonsense() -> None:
    lines = parse_lines("A:2, B")

    assert [(line.sku, line.quantity) for line in lines] == [("A", 2), ("B", None)]
    assert parse_lines(None) == []
    with pytest.raises(InvalidInput, match="has no SKU"):
        parse_lines(":3")
    with pytest.raises(InvalidInput, match="is not a whole number"):
        parse_lines("A:two")
    with pytest.raises(InvalidInput, match="SKU A: quantity 0 must be from 1"):
        parse_lines("A:0")


def test_times_are_iso_and_default_to_utc() -> None:
    assert moment("2026-01-02").isoformat() == "2026-01-02T00:00:00+00:00"
    assert moment("2026-01-02T10:00:00+02:00").isoformat() == "2026-01-02T10:00:00+02:00"
    with pytest.raises(argparse.ArgumentTypeError, match="not an ISO date"):
        moment("last week")


# --- webhooks -------------------------------------------------------------------------------------------


def test_webhook_verify(run: Run, connected_id: str, channel: FakeChannel, tmp_path: Path) -> None:
    body = b'{"id": "e1", "type": "ORDER", "order_id": "o1"}'
    body_file = tmp_path / "body.json"
    body_file.write_bytes(body + b"\n")

    code, out, _ = run(
        "webhook",
        "verify",
        connected_id,
        "--body",
        str(body_file),
        "--signature",
        channel.sign(body),
        "--strip-newline",
    )
    assert code == 0
    assert "valid signature" in out
    assert "order_status_changed: ORDER order=o1" in out

    code, _, err = run("webhook", "verify", connected_id, "--body", str(body_file), "--signature", "0" * 64)
    assert code == 1
    assert "does not match" in err


# --- progress and the callback server -------------------------------------------------------------------


def test_progress_on_a_pipe_writes_whole_lines() -> None:
    stream = io.StringIO()
    progress = Progress("orders", total=10, stream=stream, width=10)

    progress.update(5)
    progress.finish()

    lines = stream.getvalue().splitlines()
    assert lines[0].startswith("orders [#####.....] 5/10")
    assert lines[-1].startswith("orders [#####.....] 5/10")
    assert "\r" not in stream.getvalue()


def test_progress_without_a_total_counts() -> None:
    stream = io.StringIO()
    progress = Progress("orders", stream=stream)

    progress.update(3)
    progress.finish()

    assert stream.getvalue().splitlines()[-1].startswith("orders 3 (")


def test_the_callback_server_hands_over_the_callback_with_the_expected_state() -> None:
    with CallbackServer("/tiktok/auth/callback") as server:
        server.expect("s1")
        assert server.redirect_uri.startswith("http://127.0.0.1:")
        with pytest.raises(urllib.error.HTTPError) as wrong_path:
            urllib.request.urlopen(server.redirect_uri.replace("/tiktok/auth/callback", "/other"))  # noqa: S310
        assert wrong_path.value.code == 404

        with urllib.request.urlopen(f"{server.redirect_uri}?code=abc&state=s1") as page:  # noqa: S310
            assert b"Connected" in page.read()

        assert server.wait(timeout=5) == {"code": "abc", "state": "s1"}


def test_the_callback_server_reports_a_denied_consent() -> None:
    with CallbackServer(state="s2") as server:
        with pytest.raises(urllib.error.HTTPError) as denied:
            urllib.request.urlopen(f"{server.redirect_uri}?error=access_denied&state=s2")  # noqa: S310
        assert denied.value.code == 400
        assert server.wait(timeout=5) == {"error": "access_denied", "state": "s2"}


@pytest.mark.parametrize(
    "forged", ["?code=forged", "?code=forged&state=", "?code=forged&state=other", "?error=x"]
)
def test_a_forged_callback_is_turned_away_and_the_real_one_still_completes(forged: str) -> None:
    with CallbackServer(state="the-real-state") as server:
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(server.redirect_uri + forged)  # noqa: S310
        assert refused.value.code == 400
        assert b"not the one this terminal is waiting for" in refused.value.read()

        with urllib.request.urlopen(f"{server.redirect_uri}?code=real&state=the-real-state") as page:  # noqa: S310
            assert b"Connected" in page.read()

        assert server.wait(timeout=5)["code"] == "real"
        assert server.refused == 1


def test_a_server_not_told_its_state_completes_nothing() -> None:
    with CallbackServer() as server:
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(f"{server.redirect_uri}?code=abc&state=s1")  # noqa: S310
        with pytest.raises(ConnectorError, match="1 request"):
            server.wait(timeout=0.05)


def test_the_callback_server_gives_up_after_its_timeout() -> None:
    with CallbackServer() as server, pytest.raises(ConnectorError, match="no OAuth callback reached"):
        server.wait(timeout=0.05)
