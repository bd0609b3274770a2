"""Tracking numbers shaped like each carrier's, so shipped orders look real."""

from __future__ import annotations

import random

from tiktok_shop_emulator.state.mixing import random_text

DIGITS = "0123456789"
ALNUM = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"

# carrier name -> (prefix, alphabet, length of the random part, suffix)
FORMATS: dict[str, tuple[str, str, int, str]] = {
    "Royal Mail": ("RM", DIGITS, 9, "GB"),
    "DPD": ("15", DIGITS, 12, ""),
    "Evri": ("H0", ALNUM, 14, ""),
    "Yodel": ("JD", DIGITS, 16, ""),
    "USPS": ("9400", DIGITS, 18, ""),
    "UPS": ("1Z", ALNUM, 16, ""),
    "FedEx": ("", DIGITS, 12, ""),
    "DHL eCommerce": ("GM", DIGITS, 16, ""),
    "DHL": ("JJD", DIGITS, 18, ""),
    "Hermes": ("H", DIGITS, 19, ""),
    "GLS": ("", DIGITS, 11, ""),
}


def tracking_number(carrier: str, rng: random.Random) -> str:
    """A plausible tracking number for ``carrier`` (unknown carriers get 14 alphanumerics)."""
    prefix, alphabet, length, suffix = FORMATS.get(carrier, ("TT", ALNUM, 14, ""))
    return prefix + random_text(rng, alphabet, length) + suffix
