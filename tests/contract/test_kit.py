"""The contract-test kit's own behaviour: filters, fakes, strict replay, clear misses, no network."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import requests
import test_tiktok_shop_contract as tiktok
from vcr.request import Request

from connector_core.testing import (
    MATCH_ON,
    CassetteLedger,
    CassetteMiss,
    FixedClock,
    NetworkBlocked,
    Scrubber,
    SecretBook,
    block_network,
    contract_session,
    placeholder,
    should_record,
    vcr_config,
)

HARNESS = tiktok.TestTikTokShopContract()
MANIFEST = HARNESS.connector().manifest
POLICY = HARNESS.scrub_policy(MANIFEST)


def _request(uri: str, body: bytes | None = None, **headers: str) -> Request:
    return Request("POST" if body else "GET", uri, body, {"Content-Type": "application/json", **headers})


# --- filters ----------------------------------------------------------------------------------------------


def test_policy_comes_from_the_manifest() -> None:
    assert set(MANIFEST.secret_parameters) <= set(POLICY.secret_parameters)
    assert {"access_token", "refresh_token"} <= set(POLICY.response_secret_fields)
    assert "code" not in POLICY.response_secret_fields, "TikTok's envelope 'code' is not a secret"
    assert "cipher" in POLICY.response_secret_fields  # the TikTok suite's own addition


def test_request_secrets_become_readable_placeholders() -> None:
    book = SecretBook()
    scrubber = Scrubber(POLICY, secrets=book, host_aliases={"http://127.0.0.1:4321": "http://api.invalid"})
    request = _request(
        "http://127.0.0.1:4321/order/202309/orders?ids=1,2&app_key=realkey123&timestamp=1767225600"
        "&shop_cipher=ROW_abcdefghijklmnopqrstuvwxyz&sign=" + "a" * 64,
        json.dumps({"keep": 1, "nested": {"access_token": "ROW_secret-token-value"}}).encode(),
        **{"x-tts-access-token": "ROW_secret-token-value", "User-Agent": "python-requests/9"},
    )
    clean = scrubber.request(request)
    assert clean.uri == (
        "http://api.invalid/order/202309/orders?ids=1,2&app_key=<app_key>&timestamp=<timestamp>"
        "&shop_cipher=<shop_cipher>&sign=<sign>"
    )
    assert clean.headers["x-tts-access-token"] == "<x-tts-access-token>"
    assert "User-Agent" not in clean.headers
    assert json.loads(clean.body) == {"keep": 1, "nested": {"access_token": "<access_token>"}}
    collected = dict(book.items())
    assert "ROW_secret-token-value" in collected and "realkey123" in collected
    assert "1767225600" not in collected, "a timestamp is volatile, not secret"
    assert scrubber.request(clean).uri == clean.uri, "the filter is idempotent (vcrpy reruns it on replay)"


def test_token_values_in_responses_become_fakes_that_still_parse() -> None:
    scrubber = Scrubber(POLICY, secrets=SecretBook())
    body = {
        "code": 0,
        "data": {
            "access_token": "ROW_one",
            "refresh_token": "ROW_two",
            "shops": [{"cipher": "ROW_c", "code": "GB1"}],
        },
        "request_id": "20260101000000ABCDEF",
    }
    raw = json.dumps(body).encode()
    response = {
        "status": {"code": 200, "message": "OK"},
        "headers": {"Content-Type": ["application/json"], "Content-Length": [str(len(raw))], "Date": ["x"]},
        "body": {"string": raw},
    }
    out = scrubber.response(response)
    data = json.loads(out["body"]["string"])
    assert data["data"]["access_token"] == "fake_access_token_1"
    assert data["data"]["refresh_token"] == "fake_refresh_token_1"
    assert data["data"]["shops"] == [{"cipher": "fake_cipher_1", "code": "GB1"}]
    assert data["code"] == 0 and data["request_id"] == "request_id-1"
    assert out["headers"]["Content-Length"] == [str(len(out["body"]["string"]))]
    assert "Date" not in out["headers"]
    again = scrubber.response({**response, "body": {"string": raw}})
    assert json.loads(again["body"]["string"])["data"]["access_token"] == "fake_access_token_1", (
        "the same token is the same fake throughout a cassette"
    )
    assert scrubber.response(out) == out, "fakes are left alone when vcrpy replays them through the filter"


def test_vcr_config_replays_only_by_default() -> None:
    import vcr

    config = vcr_config(MANIFEST)
    assert config["record_mode"] == "none"
    assert config["match_on"] == MATCH_ON and "host" not in MATCH_ON
    assert config["decode_compressed_response"] is True
    engine = vcr.VCR(**config)
    assert engine.record_mode == "none"


def test_record_modes() -> None:
    missing, present = Path("/nonexistent/x.yaml"), Path(__file__)
    assert not should_record("none", missing) and not should_record("none", present)
    assert should_record("once", missing) and not should_record("once", present)
    assert should_record("rewrite", present)
    with pytest.raises(ValueError):
        should_record("all", present)


def test_placeholder_is_readable() -> None:
    assert placeholder("sign") == "<sign>"


def test_fixed_clock_stands_still() -> None:
    clock = FixedClock(1767225600)
    first = clock.now()
    time.sleep(0.01)
    assert clock.now() == first == datetime(2026, 1, 1, tzinfo=timezone.utc)
    assert clock.advance(timedelta(hours=1)) == first + timedelta(hours=1)


# --- replay ------------------------------------------------------------------------------------------------


def test_an_unmatched_request_names_the_request_and_the_cassette(tmp_path: Path) -> None:
    with (
        pytest.raises(CassetteMiss) as caught,
        contract_session(HARNESS, "check_connection", workdir=tmp_path, ledger=CassetteLedger()) as session,
    ):
        integration = session.connected()
        integration.get_orders(["576461413038000001"])  # never recorded in this cassette
    message = str(caught.value)
    assert "GET /order/202309/orders?ids=576461413038000001" in message
    assert "check_connection.yaml" in message
    assert "sign=<sign>" in message, "secrets show as placeholders"


def test_a_request_the_connector_swallowed_still_fails_the_replay(tmp_path: Path) -> None:
    session = contract_session(HARNESS, "check_connection", workdir=tmp_path, ledger=CassetteLedger())
    with pytest.raises(CassetteMiss, match="caught the replay's error"), session as contract:
        integration = contract.connected()
        with contextlib.suppress(AssertionError):  # a connector that catches too much
            integration.get_orders(["576461413038000001"])
        integration.check_connection()  # every recorded interaction is played: only the miss is left


def test_a_replay_that_makes_fewer_requests_fails(tmp_path: Path) -> None:
    with (
        pytest.raises(AssertionError, match="not replayed"),
        contract_session(HARNESS, "check_connection", workdir=tmp_path, ledger=CassetteLedger()) as session,
    ):
        session.connected()  # the recording also checked the connection: one interaction is left


def test_a_missing_cassette_is_a_clear_error(tmp_path: Path) -> None:
    with (
        pytest.raises(CassetteMiss, match="does not exist"),
        contract_session(
            HARNESS, "never_recorded", workdir=tmp_path, ledger=CassetteLedger(), cassette_dir=tmp_path
        ),
    ):
        pass


def test_replayed_429_backs_off_without_sleeping(tmp_path: Path) -> None:
    started = time.perf_counter()
    with contract_session(
        HARNESS, "rate_limit_is_backed_off", workdir=tmp_path, ledger=CassetteLedger()
    ) as s:
        HARNESS.test_rate_limit_is_backed_off(s)
        assert s.sleeps and s.sleeps[0] >= 1.0, "the recorded Retry-After was honoured..."
    assert time.perf_counter() - started < 1.0, "...without waiting for it"


def test_replay_never_starts_the_channel(tmp_path: Path) -> None:
    class NoChannel(tiktok.TestTikTokShopContract):
        def open_channel(self, target: str) -> object:
            raise AssertionError("replay opened the channel")

    with contract_session(NoChannel(), "connect", workdir=tmp_path, ledger=CassetteLedger()) as session:
        NoChannel().test_connect(session)
        assert session.channel is None and session.target == "replay"


# --- network -----------------------------------------------------------------------------------------------


@pytest.fixture
def loopback_server() -> Iterator[tuple[str, int]]:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    threading.Thread(target=lambda: server.accept(), daemon=True).start()
    yield server.getsockname()
    server.close()


def test_the_guard_blocks_loopback_and_the_outside(loopback_server: tuple[str, int]) -> None:
    with block_network("test") as guard:
        with pytest.raises(NetworkBlocked):
            socket.create_connection(loopback_server, timeout=1)
        with pytest.raises(NetworkBlocked):
            socket.socket().connect(loopback_server)
        with pytest.raises((NetworkBlocked, requests.ConnectionError)):
            requests.get("https://example.com/", timeout=1)
    assert len(guard.attempts) >= 3
    with socket.create_connection(loopback_server, timeout=1):
        pass  # restored afterwards


def test_a_replay_session_blocks_the_network(tmp_path: Path, loopback_server: tuple[str, int]) -> None:
    with contract_session(HARNESS, "check_connection", workdir=tmp_path, ledger=CassetteLedger()) as session:
        with pytest.raises(NetworkBlocked):
            socket.create_connection(loopback_server, timeout=1)
        assert session.connected().check_connection().ok
    assert session.guard is not None and session.guard.attempts
