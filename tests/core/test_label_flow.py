"""The core's label flow against the fake channel: a label is bought once, whatever goes wrong around it."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from core_support import FakeChannel
from kill_points import killed_before_the_outcome_is_written

from connector_core import (
    ChannelUnavailable,
    ConnectorHost,
    Integrations,
    InvalidInput,
    LabelNotAllowed,
    LabelParcel,
    LabelVoidUnsupported,
    SQLiteStore,
    Weight,
)
from connector_core.flows import LABEL_INTENT, SPLIT_INTENT, box_key


def test_each_box_is_bought_once_and_kept(connected: Any, channel: FakeChannel) -> None:
    report = connected.create_labels("o1", [["l1", "l2"], ["l3"]])
    assert [r.outcome for r in report.results] == ["created", "created"]
    again = connected.create_labels("o1", [["l2", "l1"], ["l3"]])  # the same boxes, lines in another order
    assert [r.outcome for r in again.results] == ["already_created", "already_created"]
    assert channel.labels.purchases["o1"] == 2
    ledger = connected.labels("o1")
    assert [label.channel_line_ids for label in ledger] == [["l1", "l2"], ["l3"]]
    assert all(label.document.startswith(b"%PDF") for label in ledger)


def test_the_intent_holds_the_exact_lines_before_the_call(connected: Any, channel: FakeChannel) -> None:
    seen: list[Any] = []
    real = channel.labels.package_with

    def spy(order_id: str, line_ids: Any) -> Any:
        seen.append(
            connected.store.get_intent(
                connected.id, connected.account_id, LABEL_INTENT, box_key("o1", ["l1"])
            )
        )
        return real(order_id, line_ids)

    channel.labels.package_with = spy  # type: ignore[method-assign]
    connected.create_labels("o1", [["l1"]])
    assert seen[0] is not None and seen[0].status == "pending"
    assert seen[0].payload["parcel"]["channel_line_ids"] == ["l1"]
    splits = connected.store.list_intents(connected.id, kind=SPLIT_INTENT)
    assert [(i.status, i.payload["boxes"]) for i in splits] == [("done", [["l1"]])]


def test_a_lost_answer_leaves_the_box_uncertain_and_the_retry_buys_nothing(
    connected: Any, channel: FakeChannel
) -> None:
    channel.labels.lose_answers = 1
    with pytest.raises(ChannelUnavailable):
        connected.create_labels("o2", [["a"], ["b"]])
    assert channel.labels.purchases["o2"] == 1
    pending = connected.store.list_intents(connected.id, kind=LABEL_INTENT, status="pending")
    assert len(pending) == 1 and connected.labels("o2") == []

    retry = connected.create_labels("o2", [["a"], ["b"]])
    assert [r.outcome for r in retry.results] == ["created", "created"]
    assert channel.labels.purchases["o2"] == 2, "the retry bought the first box again"


def test_a_kill_between_the_purchase_and_the_ledger_write_buys_nothing_more(
    tmp_path: Path,
    fake_host: ConnectorHost,
    record: Any,
    connected: Any,
    channel: FakeChannel,
    monkeypatch: Any,
) -> None:
    with killed_before_the_outcome_is_written(monkeypatch, LABEL_INTENT):
        connected.create_labels("o3", [["x"]])
    assert channel.labels.purchases["o3"] == 1

    # A new process opens the same store: it sees an uncertain box and settles it without a purchase.
    store_path = next(tmp_path.glob("*.sqlite3"))
    restarted = Integrations(fake_host, SQLiteStore(store_path)).open(record.id)
    report = restarted.create_labels("o3", [["x"]])
    assert report.results[0].outcome == "created"
    assert channel.labels.purchases["o3"] == 1
    assert len(restarted.labels("o3")) == 1


def test_a_refused_box_buys_nothing_and_may_be_chosen_again(connected: Any, channel: FakeChannel) -> None:
    heavy = LabelParcel(order_id="o4", channel_line_ids=["h"], weight=Weight(value=Decimal(40), unit="kg"))
    refused = connected.create_labels("o4", [heavy])
    assert refused.results[0].outcome == "refused" and refused.results[0].code == "too_heavy"
    assert "split it" in (refused.results[0].message or "")
    lighter = heavy.model_copy(update={"weight": Weight(value=Decimal(4), unit="kg")})
    assert connected.create_labels("o4", [lighter]).results[0].outcome == "created"
    assert channel.labels.purchases["o4"] == 1


@pytest.mark.parametrize(
    ("boxes", "complaint"),
    [
        ([], "at least one box"),
        ([["a"], ["a"]], "box 2: line a is already in box 1"),
        ([[]], "box 1: lists no line id"),
        ([LabelParcel(order_id="other", channel_line_ids=["a"])], "belongs to order other"),
    ],
)
def test_bad_boxes_are_named_and_nothing_is_recorded(connected: Any, boxes: Any, complaint: str) -> None:
    with pytest.raises(InvalidInput, match=complaint):
        connected.create_labels("o5", boxes)
    assert connected.store.list_intents(connected.id, key_prefix="o5/") == []


def test_reprint_and_void(connected: Any, channel: FakeChannel) -> None:
    label = connected.create_labels("o6", [["r"]]).results[0].label
    again = connected.reprint(label.package_id)
    assert again.document == label.document and channel.labels.reprints == 1
    with pytest.raises(LabelVoidUnsupported, match="Fake Seller Portal"):
        connected.void_label(label.package_id)


def test_a_box_the_channel_will_not_label_is_recorded_refused(connected: Any, channel: FakeChannel) -> None:
    connected.create_labels("o7", [["p", "q"]])
    with pytest.raises(LabelNotAllowed, match="already have a label"):
        connected.create_labels("o7", [["p"]])
    refused = connected.store.list_intents(
        connected.id, kind=LABEL_INTENT, key_prefix="o7/", status="refused"
    )
    assert len(refused) == 1 and "already have a label" in refused[0].outcome["reason"]
    assert channel.labels.purchases["o7"] == 1
