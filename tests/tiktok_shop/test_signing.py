"""Request signing matches the reference's reference.md#signing-vectors vectors byte for byte."""

from __future__ import annotations

from signing_vectors import SigningVector, every_vector

from connectors.tiktok_shop.signing import media_type, sign, string_to_sign


@every_vector
def test_reference_vectors(vector: SigningVector) -> None:
    assert sign(vector.secret, vector.path, vector.query, vector.body) == vector.sign


def test_sign_and_access_token_parameters_are_not_signed():
    base = {"app_key": "k", "timestamp": "1"}
    assert sign("s", "/p", base) == sign("s", "/p", {**base, "sign": "x", "access_token": "y"})


def test_multipart_body_is_left_out_whatever_its_boundary():
    with_body = sign("s", "/p", {"a": "1"}, b"--xyz\r\nfile", "multipart/form-data; boundary=xyz")
    assert with_body == sign("s", "/p", {"a": "1"})


def test_json_body_with_parameters_in_content_type_is_still_signed():
    assert media_type("application/json; charset=utf-8") == "application/json"
    assert sign("s", "/p", {}, b"{}", "application/json; charset=utf-8") != sign("s", "/p", {})


def test_keys_sorted_and_values_raw():
    assert string_to_sign("/p", {"b": "2", "a": "x y,z"}) == b"/pax y,zb2"
