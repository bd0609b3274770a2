"""Request signing, property-based: `signing.sign` against an independent re-implementation of reference
reference.md#signing, and the invariants a signature must keep whatever the request."""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping

from hypothesis import given, settings
from hypothesis import strategies as st

from connectors.tiktok_shop.signing import sign
from tiktok_shop_emulator import compute_sign

# Text that can travel in a request: any Unicode except lone surrogates (they cannot be encoded at all).
text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)
keys = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=12)
secrets = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40)
paths = text.map(lambda p: "/" + p)
queries = st.dictionaries(keys, text | st.integers().map(str), max_size=8)
bodies = st.binary(max_size=200)
content_types = st.sampled_from(
    [
        "application/json",
        "application/json; charset=utf-8",
        "multipart/form-data",
        "multipart/form-data; boundary=----x",
        "Multipart/Form-Data ; boundary=x",
        "text/plain",
        "",
        None,
    ]
)
HEX64 = re.compile(r"[0-9a-f]{64}")


def reference_string(path: str, query: Mapping[str, str], body: bytes, content_type: str | None) -> bytes:
    """reference.md#signing steps 1-5, written from the text: every query parameter but sign and access_token,
    keys in ascending byte order, key+value with no separator and no URL encoding, the path first, then the
    exact body bytes unless the media type is multipart/form-data."""
    kept = {k: v for k, v in query.items() if k not in ("sign", "access_token")}
    ordered = sorted(kept, key=lambda k: k.encode("utf-8"))
    joined = b"".join(k.encode("utf-8") + str(kept[k]).encode("utf-8") for k in ordered)
    media = (content_type or "").split(";", 1)[0].strip().lower()
    return path.encode("utf-8") + joined + (b"" if media == "multipart/form-data" else body)


def reference_sign(
    secret: str, path: str, query: Mapping[str, str], body: bytes, content_type: str | None
) -> str:
    """Steps 6-7: wrap in the secret on both sides, HMAC-SHA256 keyed with the secret, lower-case hex."""
    key = secret.encode("utf-8")
    return hmac.new(
        key, key + reference_string(path, query, body, content_type) + key, hashlib.sha256
    ).hexdigest()


@settings(max_examples=300, deadline=None)
@given(secrets, paths, queries, bodies, content_types)
def test_sign_matches_the_reference_algorithm(secret, path, query, body, content_type) -> None:
    signature = sign(secret, path, query, body, content_type)
    assert signature == reference_sign(secret, path, query, body, content_type)
    assert HEX64.fullmatch(signature)


@settings(max_examples=200, deadline=None)
@given(secrets, paths, queries, bodies)
def test_sign_agrees_with_the_emulators_own_verifier(secret, path, query, body) -> None:
    assert sign(secret, path, query, body, "application/json") == compute_sign(secret, path, query, body)


@settings(max_examples=200, deadline=None)
@given(secrets, paths, queries, bodies, content_types, text, text)
def test_sign_and_access_token_parameters_are_never_signed(
    secret, path, query, body, content_type, old_sign, token
) -> None:
    with_extras = {**query, "sign": old_sign, "access_token": token}
    assert sign(secret, path, with_extras, body, content_type) == sign(
        secret,
        path,
        {k: v for k, v in query.items() if k not in ("sign", "access_token")},
        body,
        content_type,
    )


@settings(max_examples=200, deadline=None)
@given(secrets, paths, queries, bodies, content_types)
def test_parameter_order_does_not_matter(secret, path, query, body, content_type) -> None:
    reversed_query = dict(reversed(list(query.items())))
    assert sign(secret, path, query, body, content_type) == sign(
        secret, path, reversed_query, body, content_type
    )


@settings(max_examples=200, deadline=None)
@given(secrets, paths, queries, bodies, bodies)
def test_a_multipart_body_is_not_signed(secret, path, query, body, other_body) -> None:
    assert sign(secret, path, query, body, "multipart/form-data; boundary=b") == sign(
        secret, path, query, other_body, "multipart/form-data"
    )


@settings(max_examples=200, deadline=None)
@given(secrets, secrets, paths, queries, bodies)
def test_only_the_same_secret_gives_the_same_signature(secret, other, path, query, body) -> None:
    same = sign(secret, path, query, body) == sign(other, path, query, body)
    assert same == (secret == other)


@settings(max_examples=300, deadline=None)
@given(secrets, paths, queries, paths, queries, bodies)
def test_equal_signatures_exactly_when_the_signed_strings_are_equal(
    secret, path, query, path2, query2, body
) -> None:
    # The algorithm joins key and value with no separator, so {"ab": "c"} and {"a": "bc"} sign alike: that is
    # the reference's design. Anything else that changes the signed string changes the signature.
    same_string = reference_string(path, query, body, None) == reference_string(path2, query2, body, None)
    assert (sign(secret, path, query, body) == sign(secret, path2, query2, body)) == same_string
