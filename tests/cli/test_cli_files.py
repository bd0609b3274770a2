"""The files operators really have: stock CSVs from spreadsheets, and the orders file a re-run appends to."""

from __future__ import annotations

import io
import json
import os
from datetime import datetime, timezone
from pathlib import Path

import pytest

from connector_core.cli.inputs import InputError, read_json_object, read_stock_csv
from connector_core.cli.order_file import OrderFile
from connector_core.models import Order


def _csv(tmp_path: Path, data: bytes | str, name: str = "stock.csv") -> str:
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return str(path)


def _levels(path: str) -> list[tuple[str, int, str | None]]:
    return [(lv.sku, lv.quantity, lv.warehouse) for lv in read_stock_csv(path)]


def test_excel_csv_utf8_with_a_bom_and_odd_header_case(tmp_path: Path) -> None:
    path = _csv(tmp_path, "\ufeff SKU ;Quantity ; Warehouse\r\nA;5;W1\r\nB;0;\r\n".encode())

    assert _levels(path) == [("A", 5, "W1"), ("B", 0, None)]


@pytest.mark.parametrize("separator", [",", ";", "\t"])
def test_each_separator_is_recognised(tmp_path: Path, separator: str) -> None:
    path = _csv(tmp_path, f"quantity{separator}sku\n3{separator}A\n")

    assert _levels(path) == [("A", 3, None)]


def test_a_quoted_sku_with_the_separator_inside(tmp_path: Path) -> None:
    assert _levels(_csv(tmp_path, 'sku,quantity\n"A,1",2\n')) == [("A,1", 2, None)]


def test_standard_input_is_dash(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"sku,quantity\nA,7\n")))

    assert _levels("-") == [("A", 7, None)]


def test_every_bad_line_is_reported_and_nothing_returned(tmp_path: Path) -> None:
    path = _csv(tmp_path, "sku,quantity\nA,1\nB,1_000\nC,\uff15\nD,-1\nE,\nA,2\n,4\nF,1e3\n")

    with pytest.raises(InputError) as raised:
        read_stock_csv(path)

    message = str(raised.value)
    assert "7 bad line(s), nothing pushed" in message
    for fragment in (
        "line 3: SKU B: quantity '1_000'",
        "line 4: SKU C: quantity",
        "line 5: SKU D: quantity -1 is negative",
        "line 6: SKU E: quantity is empty",
        "line 7: SKU A also on line 2",
        "line 8: sku is empty",
        "line 9: SKU F: quantity '1e3'",
    ):
        assert fragment in message
    assert "\n" not in message


def test_the_same_sku_in_two_warehouses_is_not_a_duplicate(tmp_path: Path) -> None:
    path = _csv(tmp_path, "sku,quantity,warehouse\nA,1,W1\nA,2,W2\n")

    assert _levels(path) == [("A", 1, "W1"), ("A", 2, "W2")]


def test_a_duplicate_in_one_warehouse_names_both_lines(tmp_path: Path) -> None:
    path = _csv(tmp_path, "sku,quantity,warehouse\nA,1,W1\n\nA,2,W1\n")

    with pytest.raises(InputError, match="line 4: SKU A in warehouse W1 also on line 2"):
        read_stock_csv(path)


def test_a_huge_bad_file_is_one_line_with_a_count(tmp_path: Path) -> None:
    path = _csv(tmp_path, "sku,quantity\n" + "".join(f"S{i},x\n" for i in range(500)))

    with pytest.raises(InputError) as raised:
        read_stock_csv(path)

    assert "500 bad line(s)" in str(raised.value) and "and 450 more" in str(raised.value)


def test_json_that_nests_without_end_is_refused_cleanly(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)

    with pytest.raises(InputError, match=r"deep\.json"):
        read_json_object(str(path))


# --- the orders file ---------------------------------------------------------------------------------------


def _order(order_id: str, updated: int) -> Order:
    sample = json.loads((Path(__file__).parent / "order_sample.json").read_text())
    sample["id"] = order_id
    sample["updated_at"] = datetime.fromtimestamp(updated, tz=timezone.utc).isoformat()
    return Order.model_validate(sample)


def _ids(path: Path) -> list[tuple[str, str]]:
    return [(d["id"], d["updated_at"]) for d in map(json.loads, path.read_text().splitlines())]


def test_rerunning_a_window_adds_each_order_version_once(tmp_path: Path) -> None:
    path = tmp_path / "orders.jsonl"
    with OrderFile(str(path)) as out:
        assert out.write_page([_order("1", 100), _order("2", 100)]) == 2
    with OrderFile(str(path)) as out:
        assert out.write_page([_order("1", 100), _order("2", 200), _order("2", 200)]) == 1
        assert out.already_there == 2

    assert [i for i, _ in _ids(path)] == ["1", "2", "2"]
    assert len(set(_ids(path))) == 3


def test_a_line_torn_by_a_kill_is_cut_off_when_the_file_is_next_opened(tmp_path: Path) -> None:
    path = tmp_path / "orders.jsonl"
    with OrderFile(str(path)) as out:
        out.write_page([_order("1", 100)])
    with path.open("ab") as handle:
        handle.write(b'{"id": "2", "upd')

    with OrderFile(str(path)) as out:
        out.write_page([_order("2", 100)])

    assert [i for i, _ in _ids(path)] == ["1", "2"]


def test_a_failed_write_leaves_the_file_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "orders.jsonl"
    with OrderFile(str(path)) as out:
        out.write_page([_order("1", 100)])
    before = path.read_bytes()
    real_write = os.write
    calls = {"n": 0}

    def disk_fills_up(fd: int, data: bytes | memoryview) -> int:
        calls["n"] += 1
        if calls["n"] == 1:
            return real_write(fd, bytes(data)[:37])  # part of the page lands, then the disk is full
        raise OSError(28, "No space left on device")

    with OrderFile(str(path)) as out:
        monkeypatch.setattr(os, "write", disk_fills_up)
        with pytest.raises(InputError, match=r"No space left on device.*run the same command again"):
            out.write_page([_order("2", 100), _order("3", 100)])
        monkeypatch.undo()

    assert path.read_bytes() == before


def test_the_file_is_created_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "orders.jsonl"
    with OrderFile(str(path)) as out:
        out.write_page([_order("1", 100)])

    assert path.stat().st_mode & 0o777 == 0o600


def test_ctrl_c_in_the_middle_of_a_page_leaves_whole_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "orders.jsonl"
    real_write = os.write
    calls = {"n": 0}

    def interrupted(fd: int, data: bytes | memoryview) -> int:
        calls["n"] += 1
        if calls["n"] == 1:
            return real_write(fd, bytes(data)[:50])
        raise KeyboardInterrupt

    with OrderFile(str(path)) as out:
        out.write_page([_order("1", 100)])
        monkeypatch.setattr(os, "write", interrupted)
        with pytest.raises(KeyboardInterrupt):
            out.write_page([_order("2", 100)])
        monkeypatch.undo()

    assert [i for i, _ in _ids(path)] == ["1"]


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
        b"sku,quantity\nA,5\n",
        b'{"name": "not an order"}\n',
    ],
    ids=["a PDF", "a CSV", "other JSON lines"],
)
def test_a_file_that_is_not_ours_is_refused_untouched(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "label.pdf"
    path.write_bytes(content)

    with (
        pytest.raises(InputError, match=r"label\.pdf: line 1 is not an order.*nothing was written"),
        OrderFile(str(path)) as out,
    ):
        out.write_page([_order("1", 100)])

    assert path.read_bytes() == content


def test_an_order_line_without_its_newline_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "orders.jsonl"
    with OrderFile(str(path)) as out:
        out.write_page([_order("1", 100)])
    first = path.read_bytes()
    path.write_bytes(first.rstrip(b"\n"))  # an editor saved it without the final newline

    with OrderFile(str(path)) as out:
        assert out.write_page([_order("1", 100), _order("2", 100)]) == 1

    assert path.read_bytes().startswith(first)
    assert [i for i, _ in _ids(path)] == ["1", "2"]


def test_an_endless_input_is_refused_without_filling_the_memory() -> None:
    with pytest.raises(InputError, match=r"/dev/zero: line 1: holds NUL bytes"):
        read_json_object("/dev/zero")
    with pytest.raises(InputError, match=r"/dev/zero: line 1: holds NUL bytes"):
        read_stock_csv("/dev/zero")


def test_a_form_file_larger_than_the_cap_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    path.write_bytes(b" " * (5 * 1024 * 1024))

    with pytest.raises(InputError, match=r"huge\.json: larger than 4 MiB"):
        read_json_object(str(path))


def test_a_one_line_file_without_a_newline_that_is_not_an_order_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(b"remember the milk")

    with pytest.raises(InputError, match=r"notes\.txt: line 1 is not an order"), OrderFile(str(path)):
        pass

    assert path.read_bytes() == b"remember the milk"
