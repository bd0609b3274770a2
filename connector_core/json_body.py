"""Decoding a channel's JSON answer: orjson where it reads the body exactly as `json.loads` would.

A page of 100 orders is about 0.5 MB of JSON; parsing it was the largest single cost of an import after the
HTTP call itself. orjson builds the same values with less CPU, but it reads a narrower language than
`json.loads`: it refuses NaN and Infinity, lone surrogates, a byte order mark and any byte that is not
UTF-8, and, the one silent difference, it turns an integer outside 64 bits into a float. So a body it
refuses, or that holds a number of 19 digits or more, goes the old way (`slow`), and a caller sees exactly
what it saw before: the same values, the same accepted bodies, the same errors.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import orjson
import requests

_LONG = 19
"""Digits from which an integer may not fit in 64 bits (2**63 has 19, 2**64 has 20): then the slow path."""

# A table that keeps only what starts a number (`:` `,` `[` all become `:`; digits and `-` become `0`),
# so `:` followed by 19 zeros marks a value of 19 digits or more; whitespace is deleted first. Digits inside
# strings can look like one too (a string holding ",1234567890123456789"): that only costs the slow path.
_TABLE = bytes(ord(":") if c in b":,[" else ord("0") if c in b"-0123456789" else ord("x") for c in range(256))
_WHITESPACE = b" \t\n\r"
_LONG_NUMBER = b":" + b"0" * _LONG
_UTF8 = ("utf-8", "utf8")


def _may_hold_long_int(body: bytes) -> bool:
    shape = body.translate(_TABLE, _WHITESPACE)
    return _LONG_NUMBER in shape or shape.startswith(_LONG_NUMBER[1:])


def decode_json(body: bytes, slow: Callable[[], Any] | None = None) -> Any:
    """The JSON value in `body` (UTF-8). `slow` decodes it the old way (e.g. `requests.Response.json`, which
    also reads other encodings); by default `json.loads(body)`. Malformed JSON raises what `slow` raises."""
    if not _may_hold_long_int(body):
        try:
            return orjson.loads(body)
        except orjson.JSONDecodeError:
            pass  # maybe valid for json.loads (NaN, a BOM, a lone surrogate): its answer, or its own error
    return slow() if slow is not None else json.loads(body)


def response_json(response: requests.Response) -> Any:
    """`response.json()`, the same values and errors, with less CPU for a UTF-8 body (the usual
    `application/json`); a body declared in another charset is read by requests as before."""
    encoding = response.encoding
    if encoding is not None and encoding.lower().replace("_", "-") not in _UTF8:
        return response.json()
    return decode_json(response.content, response.json)
