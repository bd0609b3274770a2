"""A channel's JSON answer reads exactly as `requests`' `Response.json()` read it before msgspec: the same
values (integers past 64 bits stay exact), the same bodies accepted, the same errors for the rest."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from functools import partial

import msgspec
import pytest
import requests
from requests.utils import get_encoding_from_headers

from connector_core.json_body import decode_json, response_json

JSON = "application/json"

SAME_AS_BEFORE = [
    b'{"code":0,"data":{"orders":[{"id":"576461413038000001","update_time":1794104212}]}}',
    b'{"user_id": "7021436810468243336", "n": 18446744073709551615, "m": -9223372036854775808}',
    b'{"big":123456789012345678901234567890}',
    b'{"big": [1, -123456789012345678901]}',
    b"[\n  99999999999999999999\n]",
    b"123456789012345678901234567890",
    b'{"a":NaN,"b":Infinity,"c":-Infinity}',  # json.loads takes these; msgspec refuses them
    b'{"lone":"\\ud800"}',
    b'{"a":1e400}',
    b'{"a":1,"a":2}',
    b'"\xed\xa0\x80"',  # a surrogate encoded in UTF-8 bytes
    b"1.7976931348623159e308",
    b'{"\xc3\xa9":"\xe2\x82\xac 5"}',
    b"-0",
    b'{"f":[0.1,5e-324,1.7976931348623157e308,12345678901234567890123.5]}',
]
MALFORMED = [b"", b"{", b"<html>bad gateway</html>", b'{"a":1}x', b"[1,]", b'{"a":"\xe9"}', b"\xef\xbb\xbf{}"]


def answer(body: bytes, content_type: str | None = JSON) -> requests.Response:
    response = requests.Response()
    response.status_code = 200
    response._content = body
    if content_type is not None:
        response.headers["Content-Type"] = content_type
    response.encoding = get_encoding_from_headers(response.headers)
    return response


def same(a: object, b: object) -> bool:
    """Equal, NaN included, and of the same types all the way down (1 is not 1.0 here)."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)  # type: ignore[attr-defined]
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))  # type: ignore[arg-type]
    return a == b


def outcome(read: Callable[[], object]) -> tuple[object, ...]:
    try:
        return ("read", read())
    except ValueError as exc:  # what a caller catches (requests' JSONDecodeError, UnicodeDecodeError)
        return ("refused", type(exc), str(exc))


def same_outcome(a: tuple[object, ...], b: tuple[object, ...]) -> bool:
    return a[0] == b[0] and (same(a[1], b[1]) if a[0] == "read" else a == b)


@pytest.mark.parametrize("body", SAME_AS_BEFORE + MALFORMED)
@pytest.mark.parametrize("content_type", [JSON, "application/json; charset=UTF-8", None])
def test_every_body_reads_or_fails_as_response_json_did(body: bytes, content_type: str | None) -> None:
    before = outcome(answer(body, content_type).json)
    assert same_outcome(outcome(lambda: response_json(answer(body, content_type))), before)


@pytest.mark.parametrize("body", SAME_AS_BEFORE + MALFORMED)
def test_every_body_reads_or_fails_as_json_loads_did(body: bytes) -> None:
    assert same_outcome(outcome(lambda: decode_json(body)), outcome(lambda: json.loads(body)))


def test_the_bodies_above_cover_what_msgspec_alone_reads_otherwise() -> None:
    differs = [
        b
        for b in SAME_AS_BEFORE + MALFORMED
        if not same_outcome(outcome(partial(msgspec.json.decode, b)), outcome(partial(json.loads, b)))
    ]
    assert len(differs) >= 5  # NaN/Infinity, a lone surrogate, 1e400, a BOM, error texts


def test_a_body_in_another_charset_is_read_in_that_charset() -> None:
    body = '{"name":"Zoë"}'.encode("latin-1")
    assert response_json(answer(body, "application/json; charset=ISO-8859-1")) == {"name": "Zoë"}
    assert response_json(answer(b'{"name":"Zo\xc3\xab"}', "application/json; charset=latin-1")) == {
        "name": "ZoÃ«"
    }


def test_an_answer_without_a_body_fails_as_before() -> None:
    response = requests.Response()  # no raw stream: `content` is None
    response.status_code = 502
    with pytest.raises(ValueError) as before:
        requests.Response().json()
    with pytest.raises(type(before.value)):
        response_json(response)
