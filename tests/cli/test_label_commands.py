"""`label` and `shipping-services`: real PDF files per box, one clear line for every bad input, no double buy."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from connector_core import ConnectorHost, Integrations, SQLiteStore
from tiktok_shop_emulator import TikTokShopEmulator


def select(tmp_path: Path, integration_id: str, emulator: TikTokShopEmulator, region: str) -> None:
    store = SQLiteStore(tmp_path / "home" / "store.sqlite3")
    shop = next(s for s in emulator.shops if s["region"] == region)
    Integrations(ConnectorHost().load(), store).open(integration_id).select_account(shop["id"])


def tiktok_order(emulator: TikTokShopEmulator, region: str, min_lines: int) -> dict[str, Any]:
    cipher = next(s for s in emulator.shops if s["region"] == region)["cipher"]
    for order_id in emulator.order_ids(
        status="AWAITING_SHIPMENT", shop_cipher=cipher, shipping_type="TIKTOK"
    ):
        if len(emulator.order(order_id)["line_items"]) >= min_lines:
            return emulator.order(order_id)
    raise AssertionError("no such order in the seeded world")


def assert_real_pdf(path: Path, tracking: str) -> None:
    data = path.read_bytes()
    assert data.startswith(b"%PDF-")
    reader = PdfReader(path)
    assert len(reader.pages) == 1
    assert tracking in reader.pages[0].extract_text()


@pytest.fixture
def us(connected: str, tmp_path: Path, emulator: TikTokShopEmulator) -> str:
    select(tmp_path, connected, emulator, "US")
    return connected


def test_label_writes_one_pdf_per_box_and_a_repeat_buys_nothing(
    run: Any, us: str, emulator: TikTokShopEmulator, tmp_path: Path
) -> None:
    order = tiktok_order(emulator, "US", 2)
    ids = [line["id"] for line in order["line_items"]]
    out = tmp_path / "labels" / "label.pdf"
    out.parent.mkdir()
    args = ["label", us, "--order", order["id"], "--box", ids[0], "--box", ",".join(ids[1:])]
    first = run(*args, "--weight", "0.5kg", "--size", "20x15x5cm", "--output", str(out))
    assert first.code == 0, first.err
    assert "2 label(s) bought" in first.out
    lines = [line for line in first.out.splitlines() if line.startswith("box ")]
    assert len(lines) == 2 and all(
        "package" in line and "tracking" in line and "carrier" in line for line in lines
    )
    for number, line in enumerate(lines, start=1):
        tracking = line.split("tracking ")[1].split(",")[0]
        assert_real_pdf(out.parent / f"label-{number}.pdf", tracking)

    again = run(*args, "--output", str(out))
    assert again.code == 0 and "0 label(s) bought" in again.out and "already created" in again.out

    package = lines[0].split("package ")[1].split(",")[0]
    reprint = run("label", us, "--reprint", package, "--output", str(tmp_path / "again.pdf"))
    assert reprint.code == 0, reprint.err
    assert (tmp_path / "again.pdf").read_bytes().startswith(b"%PDF-")
    void = run("label", us, "--void", package)
    assert void.code == 1 and "Seller Center" in void.err and len(void.err.strip().splitlines()) == 1


def test_shipping_services_lists_prices_and_the_default(
    run: Any, us: str, emulator: TikTokShopEmulator
) -> None:
    order = tiktok_order(emulator, "US", 1)
    result = run("shipping-services", us, "--order", order["id"], "--weight", "2lb")
    assert result.code == 0, result.err
    assert "USPS" in result.out and "UPS" in result.out and result.out.count("(default)") == 1


def test_one_box_by_default_for_a_uk_order(
    run: Any, connected: str, emulator: TikTokShopEmulator, tmp_path: Path
) -> None:
    order = tiktok_order(emulator, "GB", 1)
    out = tmp_path / "uk.pdf"
    result = run("label", connected, "--order", order["id"], "--output", str(out))
    assert result.code == 0, result.err
    assert out.read_bytes().startswith(b"%PDF-")
    services = run("shipping-services", connected, "--order", order["id"])
    assert services.code == 1 and "AWAITING_COLLECTION" in services.err  # labelled: nothing left to choose


@pytest.mark.parametrize(
    ("extra", "complaint"),
    [
        (["--weight", "heavy"], "--weight"),
        (["--weight", "0kg"], "--weight"),
        (["--size", "20x15cm"], "--size"),
        (["--box", ","], "--box"),
        (["--output", "/nonexistent-folder/x.pdf"], "--output"),
    ],
)
def test_bad_input_is_one_clear_line(
    run: Any, us: str, emulator: TikTokShopEmulator, extra: list[str], complaint: str
) -> None:
    order = tiktok_order(emulator, "US", 1)
    result = run("label", us, "--order", order["id"], *extra)
    assert result.code == 1
    assert complaint in result.err and len(result.err.strip().splitlines()) == 1
    assert "Traceback" not in result.err
    assert emulator.order(order["id"])["status"] == "AWAITING_SHIPMENT"


def test_a_seller_shipping_order_is_refused_with_what_to_do(
    run: Any, us: str, emulator: TikTokShopEmulator
) -> None:
    cipher = next(s for s in emulator.shops if s["region"] == "US")["cipher"]
    order_id = emulator.order_ids(status="AWAITING_SHIPMENT", shop_cipher=cipher, shipping_type="SELLER")[0]
    result = run("label", us, "--order", order_id)
    assert result.code == 1 and "Seller Shipping" in result.err and len(result.err.strip().splitlines()) == 1
    missing = run("label", us)
    assert missing.code == 1 and "--order" in missing.err


def test_a_second_order_never_overwrites_the_first_orders_label(
    run: Any, connected: str, emulator: TikTokShopEmulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    first = tiktok_order(emulator, "GB", 1)
    assert run("label", connected, "--order", first["id"]).code == 0
    assert (tmp_path / f"label-{first['id']}.pdf").exists()  # the default name is the order's own
    (tmp_path / f"label-{first['id']}.pdf").rename(tmp_path / "label.pdf")
    kept = (tmp_path / "label.pdf").read_bytes()
    second = tiktok_order(emulator, "GB", 1)

    result = run("label", connected, "--order", second["id"], "--output", "label.pdf", "--json")

    assert result.code == 0, result.err
    document = json.loads(result.out)
    box = document["boxes"][0]
    assert (tmp_path / "label.pdf").read_bytes() == kept
    assert box["file"] == f"label-{box['package_id']}.pdf" and "holds another document" in box["notes"][0]
    assert document["order_id"] == second["id"] and document["bought"] == 1 and document["ok"] is True


def test_shipping_services_json_names_the_box_item_ids(
    run: Any, us: str, emulator: TikTokShopEmulator
) -> None:
    order = tiktok_order(emulator, "US", 1)

    document = json.loads(run("shipping-services", us, "--order", order["id"], "--json").out)

    assert document["boxes"][0]["channel_line_ids"] == [line["id"] for line in order["line_items"]]
    assert sum(s["is_default"] for s in document["boxes"][0]["services"]) == 1


def test_label_list_names_the_orders_that_can_take_a_label_and_their_item_ids(
    run: Any, us: str, emulator: TikTokShopEmulator, tmp_path: Path
) -> None:
    listing = run("label", us, "--list", "--days", "3650", "--json")
    assert listing.code == 0, listing.err
    orders = {o["order_id"]: o for o in json.loads(listing.out)["orders"]}
    order = tiktok_order(emulator, "US", 1)
    assert order["id"] in orders
    assert set(orders[order["id"]]["item_ids"]) <= {line["id"] for line in order["line_items"]}
    assert all(o["status"] in {"awaiting_shipment", "partially_shipped"} for o in orders.values())

    text = run("label", us, "--list", "--days", "3650")
    assert f"order {order['id']}" in text.out and f"label {us} --order" in text.out

    bought = run("label", us, "--order", order["id"], "--output", str(tmp_path / "bought.pdf"))
    assert bought.code == 0, bought.err
    again = json.loads(run("label", us, "--list", "--days", "3650", "--json").out)
    assert order["id"] not in {o["order_id"] for o in again["orders"]}
