"""The tests' signing helper and the emulator's verifier both reproduce the reference.md#signing-vectors vectors."""

from __future__ import annotations

from emulator_support import tiktok_sign
from signing_vectors import BY_NAME, V6_BODY, V6_QUERY, V8_QUERY, SigningVector, every_vector

from tiktok_shop_emulator import compute_sign
from tiktok_shop_emulator.wire.signature import sign_matches


@every_vector
def test_reference_vectors(vector: SigningVector) -> None:
    assert tiktok_sign(vector.secret, vector.path, vector.query, vector.body) == vector.sign
    assert compute_sign(vector.secret, vector.path, vector.query, vector.body) == vector.sign


def test_sign_and_access_token_params_are_not_signed() -> None:
    query = {"app_key": "29a39d", "timestamp": "1623812664", "sign": "x", "access_token": "y"}
    assert (
        compute_sign("e59af819cc", "/authorization/202309/shops", query)
        == BY_NAME["V1-official-example"].sign
    )


def test_empty_object_body_is_accepted_with_and_without_the_body() -> None:
    path = "/order/202309/orders/search"
    with_body, without = BY_NAME["V8-empty-object-appended"].sign, BY_NAME["V8-no-body"].sign
    for given in (with_body, without):
        assert sign_matches("testsecret", path, V8_QUERY, b"{}", given)
    assert not sign_matches("testsecret", path, V8_QUERY, b"", with_body)
    assert not sign_matches("testsecret", path, V6_QUERY, V6_BODY, tiktok_sign("testsecret", path, V6_QUERY))
