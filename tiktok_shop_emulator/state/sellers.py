"""Many sellers from the seed alone: each seller's shops, ciphers and profile, computed without building it.

Seller 0 is the classic world (US, GB and DE shops). Seller s >= 1 has 1 to 3 shops numbered ``3 s + k``;
its ciphers carry that number, so a request naming any of 100,000 sellers' shops is resolved without a
table. Order indices of seller s start at ``s * ORDER_STRIDE``, which keeps order and package IDs unique
across sellers.
"""

from __future__ import annotations

from dataclasses import dataclass

from tiktok_shop_emulator.state.catalog import MARKETS
from tiktok_shop_emulator.state.mixing import mix64
from tiktok_shop_emulator.state.world import (
    CIPHER_ALPHABET,
    FIRST_SELLER,
    SHOP_ID_BASE,
    ShopSpec,
)

ORDER_STRIDE = 12_000_000
"""Room for each seller's orders; a multiple of 1, 2 and 3 so an order's shop stays ``index % shops``."""
SHOPS_PER_SELLER = 3
_NUMBER_DIGITS = 6  # 64**6 shop numbers: enough for 20 million sellers
_MARK = "S"  # a first-seller cipher is random text; a generated seller's starts with this mark
OPEN_ID_BASE = 7010736057180326000


@dataclass(frozen=True)
class SellerProfile:
    """What the token host says about a seller."""

    open_id: str
    name: str
    base_region: str


def _hash(seed: int, *salt: int) -> int:
    value = mix64(seed ^ 0x53454C4C)
    for item in salt:
        value = mix64(value ^ item)
    return value


def _text(number: int, length: int) -> str:
    digits = []
    for _ in range(length):
        number, digit = divmod(number, len(CIPHER_ALPHABET))
        digits.append(CIPHER_ALPHABET[digit])
    return "".join(digits)


def generated_cipher(seed: int, number: int, region: str) -> str:
    """The cipher of generated shop ``number``: 38 characters after the prefix, like TikTok's."""
    prefix = "TTP_" if region == "US" else "ROW_"
    tail = _text(_hash(seed, number, 1), 11) + _text(_hash(seed, number, 2), 11) + _text(_hash(seed, 3), 9)
    return prefix + _MARK + _text(number, _NUMBER_DIGITS) + tail


def shop_number_of(cipher: str) -> int | None:
    """The shop number a generated cipher names (not checked against the seed), or None."""
    body = cipher[4:]
    if len(body) != 38 or not body.startswith(_MARK):
        return None
    number = 0
    for char in reversed(body[1 : 1 + _NUMBER_DIGITS]):
        position = CIPHER_ALPHABET.find(char)
        if position < 0:
            return None
        number = number * len(CIPHER_ALPHABET) + position
    return number


def layout(seed: int, seller: int) -> tuple[ShopSpec, ...]:
    """The shops of ``seller``: the classic three for seller 0, else 1 to 3 in rotating markets."""
    if seller == 0:
        return FIRST_SELLER
    h = _hash(seed, seller)
    count = 1 + h % SHOPS_PER_SELLER
    first_market = (h >> 8) % len(MARKETS)
    specs = []
    for k in range(count):
        market = (first_market + k) % len(MARKETS)
        number = SHOPS_PER_SELLER * seller + k
        region = MARKETS[market].region
        specs.append(
            ShopSpec(
                number, market, generated_cipher(seed, number, region), f"Emulator Seller {seller} {region}"
            )
        )
    return tuple(specs)


def brief(spec: ShopSpec, seed: int) -> dict[str, str]:
    """A shop as /authorization/202309/shops lists it, without building the shop."""
    market = MARKETS[spec.market]
    return {
        "id": str(SHOP_ID_BASE + spec.number + 1),
        "name": spec.name or market.name,
        "region": market.region,
        "seller_type": "LOCAL",
        "cipher": spec.cipher or "",
        "code": f"{market.region}LCEMU{spec.number + 1:03d}",
    }


def profile(seed: int, seller: int, first_open_id: str, first_name: str, first_region: str) -> SellerProfile:
    """Seller 0 keeps the configured name and region; the others are numbered."""
    if seller == 0:
        return SellerProfile(first_open_id, first_name, first_region)
    region = MARKETS[layout(seed, seller)[0].market].region
    return SellerProfile(str(OPEN_ID_BASE + seller), f"Emulator Seller {seller}", region)
