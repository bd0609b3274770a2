"""`connector_core.trusted` builds models from checked values without validating them again; instances of a
frozen model built from the same names share one fields-set, which must never let one instance's copy
change what another reports as set."""

from __future__ import annotations

from decimal import Decimal

import pytest

from connector_core import Money, Parcel
from connector_core.trusted import trusted


def test_a_trusted_model_equals_the_validated_one_and_reports_the_names_it_was_given() -> None:
    built = trusted(Parcel, id="p1", tracking_number="T1", carrier=None, channel_line_ids=["1"])

    assert built == Parcel(id="p1", tracking_number="T1", carrier=None, channel_line_ids=["1"])
    assert built.model_fields_set == {"id", "tracking_number", "carrier", "channel_line_ids"}
    assert built.model_dump_json() == Parcel.model_validate(built.model_dump()).model_dump_json()


def test_a_copy_with_an_update_marks_the_field_set_on_the_copy_only() -> None:
    first = trusted(Parcel, id="p1", channel_line_ids=["1"])
    second = trusted(Parcel, id="p2", channel_line_ids=["2"])

    updated = first.model_copy(update={"carrier": "DHL"})

    assert updated.model_fields_set == {"id", "channel_line_ids", "carrier"}
    assert first.model_fields_set == second.model_fields_set == {"id", "channel_line_ids"}
    assert first.model_dump(exclude_unset=True) == {"id": "p1", "channel_line_ids": ["1"]}


def test_a_frozen_trusted_model_refuses_assignment_like_a_validated_one() -> None:
    built = trusted(Parcel, id="p1", channel_line_ids=["1"])

    with pytest.raises(ValueError):
        built.carrier = "DHL"
    assert built.model_fields_set == {"id", "channel_line_ids"}


def test_an_unknown_or_missing_field_is_refused_every_time_not_only_the_first() -> None:
    for _ in range(2):
        with pytest.raises(TypeError, match="has no field 'colour'"):
            trusted(Money, amount=Decimal("1"), currency="USD", colour="red")
        with pytest.raises(TypeError, match="needs"):
            trusted(Money, currency="USD")


def test_every_field_given_in_declared_order_or_not_the_instance_is_the_same() -> None:
    in_order = trusted(Parcel, id="p1", tracking_number="T1", carrier="DHL", channel_line_ids=["1"])
    shuffled = trusted(Parcel, channel_line_ids=["1"], carrier="DHL", tracking_number="T1", id="p1")

    assert in_order == shuffled
    assert list(in_order.__dict__) == list(shuffled.__dict__) == list(Parcel.model_fields)
    assert in_order.model_dump_json() == shuffled.model_dump_json()
