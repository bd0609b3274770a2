"""The operator's commands: one clear line and a non-zero exit on bad input; no secret in any output."""

from __future__ import annotations

import json

from connectors.tiktok_shop.webhooks import signature


def test_add_names_every_bad_field_and_stores_nothing(run, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"environment": "staging", "app_secret": "short", "version": "2023"}))
    result = run("integrations", "add", "tiktok_shop", "--file", str(bad))
    assert result.code == 1
    for field in ("environment", "app_key", "app_secret", "version"):
        assert field in result.err
    assert "short" not in result.err
    assert "no integrations yet" in run("integrations", "list").out


def test_add_list_show_remove(run, creds_file, emulator):
    added = run("integrations", "add", "tiktok_shop", "--file", str(creds_file), "--name", "Shop A")
    integration_id = added.out.split()[2]
    assert integration_id in run("integrations", "list").out
    shown = run("integrations", "show", integration_id)
    assert json.loads(shown.out)["credentials"]["app_secret"] == "********"
    assert emulator.credentials["app_secret"] not in shown.out
    assert run("integrations", "remove", integration_id, "--yes").code == 0
    assert run("integrations", "show", integration_id).code == 1


def test_connect_with_a_code_discovers_the_shops(run, connected):
    shown = json.loads(run("integrations", "show", connected).out)
    assert {a["region"] for a in shown["accounts"]} == {"US", "GB", "DE"}
    assert all("selector" not in a for a in shown["accounts"])


def test_pull_orders_writes_json_lines_and_resumes(run, connected, tmp_path, emulator):
    out = tmp_path / "orders.jsonl"
    result = run("pull-orders", connected, "--since", "2000-01-01", "--output", str(out))
    assert result.code == 0, result.err
    ids = [json.loads(line)["id"] for line in out.read_text().splitlines()]
    gb = next(s for s in emulator.shops if s["region"] == "GB")
    assert sorted(ids) == sorted(emulator.order_ids(shop_cipher=gb["cipher"]))
    assert "orders" in result.err  # progress goes to stderr


def test_push_stock_reports_every_sku_and_bad_rows_by_line(run, connected, tmp_path, emulator):
    gb = next(s for s in emulator.shops if s["region"] == "GB")
    sku = emulator.seller_skus(shop_cipher=gb["cipher"])[0]
    good = tmp_path / "stock.csv"
    good.write_text(f"sku,quantity\n{sku},5\nNOPE,2\n")
    result = run("push-stock", connected, str(good))
    assert sku in result.out and "unknown_sku" in result.out and result.code == 1
    bad = tmp_path / "bad.csv"
    bad.write_text(f"sku,quantity\n{sku},five\n,3\n")
    result = run("push-stock", connected, str(bad))
    assert result.code == 1 and "line 2: SKU" in result.err and "line 3: sku is empty" in result.err
    assert len(result.err.strip().splitlines()) == 1


def test_confirm_shipment_and_status(run, connected, emulator):
    gb = next(s for s in emulator.shops if s["region"] == "GB")
    order_id = emulator.order_ids(
        status="AWAITING_SHIPMENT", shop_cipher=gb["cipher"], shipping_type="SELLER"
    )[0]
    bad_carrier = run(
        "confirm-shipment", connected, "--order", order_id, "--tracking", "T1", "--carrier", "Nope"
    )
    assert bad_carrier.code == 1 and "valid carriers" in bad_carrier.out
    status = run("status", connected)
    assert "access token until" in status.out and "re-authorize by" in status.out


def test_channel_errors_are_one_line_without_traceback(run, connected, emulator):
    emulator.revoke_tokens()
    emulator.expire_access_tokens()
    result = run("pull-orders", connected)
    assert result.code == 1
    assert "Traceback" not in result.err
    assert "re-authorize" in result.err and "channel-connectors connect" in result.err


def test_webhook_verify(run, connected, emulator, tmp_path):
    body = b'{"type":1,"tts_notification_id":"1","shop_id":"1","timestamp":1,"data":{"order_id":"9","order_status":"IN_TRANSIT"}}'
    path = tmp_path / "body.json"
    path.write_bytes(body)
    creds = emulator.credentials
    good = signature(creds["app_key"], creds["app_secret"], body)
    ok = run("webhook", "verify", connected, "--body", str(path), "--signature", good)
    assert ok.code == 0 and "order_status_changed" in ok.out
    bad = run("webhook", "verify", connected, "--body", str(path), "--signature", "0" * 64)
    assert bad.code == 1 and "invalid" in bad.err


def test_list_schema_validate(run, tmp_path):
    assert "tiktok_shop" in run("list").out
    assert '"writeOnly": true' in run("schema", "tiktok_shop").out
    assert "stock_sync" in run("schema", "tiktok_shop", "--settings").out
    assert "ui:order" in run("schema", "tiktok_shop", "--ui").out
    unknown = run("schema", "shopify")
    assert unknown.code == 1 and unknown.err.count("\n") == 1 and "tiktok_shop" in unknown.err


def test_a_huge_stock_report_lists_the_problems_up_to_a_cap_and_counts_the_rest(
    run, connected, tmp_path, emulator
):
    gb = next(s for s in emulator.shops if s["region"] == "GB")
    sku = emulator.seller_skus(shop_cipher=gb["cipher"])[0]
    stock = tmp_path / "many.csv"
    stock.write_text("sku,quantity\n" + f"{sku},3\n" + "".join(f"NOPE-{i},1\n" for i in range(450)))

    result = run("push-stock", connected, str(stock))

    lines = result.out.splitlines()
    assert result.code == 1
    assert len(lines) < 210 and sku not in result.out  # the updated SKU is counted, not listed
    assert "251 more SKU(s) not listed" in result.out and "unknown_sku 450" in result.out


def test_webhook_receive_records_a_delivery_once_whichever_path_took_it(run, connected, emulator, tmp_path):
    import time

    gb = next(s for s in emulator.shops if s["region"] == "GB")
    order_id = emulator.order_ids(shop_cipher=gb["cipher"])[0]
    body = json.dumps(
        {"type": 1, "tts_notification_id": "7327112393000000777", "shop_id": gb["id"], "timestamp": int(time.time()),
         "data": {"order_id": order_id, "order_status": "AWAITING_SHIPMENT", "update_time": int(time.time())}}
    ).encode()  # fmt: skip
    path = tmp_path / "body.json"
    path.write_bytes(body)
    creds = emulator.credentials
    good = signature(creds["app_key"], creds["app_secret"], body)
    first = run("webhook", "receive", connected, "--body", str(path), "--signature", good, "--json")
    assert first.code == 0, first.err
    assert [e["order_id"] for e in json.loads(first.out)["new_events"]] == [order_id]
    again = run("webhook", "receive", connected, "--body", str(path), "--signature", good)
    assert again.code == 0 and "nothing new" in again.out
    bad = run("webhook", "receive", connected, "--body", str(path), "--signature", "0" * 64)
    assert bad.code == 1 and "does not verify" in bad.err and creds["app_secret"] not in bad.err
