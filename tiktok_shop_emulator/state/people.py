"""Invented buyers and addresses per market, and TikTok's masking of them on platform-shipped orders."""

from __future__ import annotations

import random
from typing import Any

from tiktok_shop_emulator.state.mixing import random_text

FIRST = {
    "US": ("Emma", "Liam", "Olivia", "Noah", "Ava", "Mason", "Sophia", "Ethan"),
    "GB": ("Jane", "Oliver", "Amelia", "George", "Isla", "Harry", "Freya", "Jack"),
    "DE": ("Lena", "Lukas", "Mia", "Leon", "Hannah", "Felix", "Emilia", "Paul"),
}
LAST = {
    "US": ("Johnson", "Garcia", "Miller", "Davis", "Lopez", "Walker"),
    "GB": ("Example", "Smith", "Jones", "Taylor", "Brown", "Wilson"),
    "DE": ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Wagner"),
}
STREETS = {
    "US": ("Maple Ave", "Sunset Blvd", "Oak Street", "Market St"),
    "GB": ("Invented Street", "High Street", "Station Road", "Church Lane"),
    "DE": ("Hauptstraße", "Gartenweg", "Bahnhofstraße", "Lindenallee"),
}
# (city, state/county, postal code, state code for US)
CITIES = {
    "US": (
        ("Los Angeles", "California", "90012", "CA"),
        ("San Jose", "California", "95110", "CA"),
        ("Austin", "Texas", "78701", "TX"),
        ("Seattle", "Washington", "98101", "WA"),
    ),
    "GB": (
        ("London", "Greater London", "SW1A 1AA", ""),
        ("Manchester", "Greater Manchester", "M1 1AE", ""),
        ("Leeds", "West Yorkshire", "LS1 4AP", ""),
        ("Bristol", "Bristol", "BS1 5TR", ""),
    ),
    "DE": (
        ("Berlin", "Berlin", "10117", ""),
        ("Hamburg", "Hamburg", "20095", ""),
        ("München", "Bayern", "80331", ""),
        ("Köln", "Nordrhein-Westfalen", "50667", ""),
    ),
}
COUNTRY = {"US": "United States", "GB": "United Kingdom", "DE": "Germany"}
LEVEL1 = {"US": "State", "GB": "County", "DE": "State"}
LEVEL3 = {"US": "City", "GB": "Post town", "DE": "City"}
# dial code, fixed start of the national number, random digits after it
PHONE = {"US": ("(+1)", "213", 7), "GB": ("(+44)", "7700", 6), "DE": ("(+49)", "15", 9)}
EMAIL_DOMAIN = {"US": "scs.tiktokw.us", "GB": "scs.tiktokw.eu", "DE": "scs.tiktokw.eu"}


def mask_word(word: str) -> str:
    """``Jane`` -> ``J***``: first character kept, the rest starred (sample style)."""
    return word[:1] + "*" * (len(word) - 1)


def mask_phone(phone: str) -> str:
    """``(+44)7700900123`` -> ``(+44)77******23``."""
    prefix, _, local = phone.rpartition(")")
    if len(local) <= 4:
        return phone
    return f"{prefix})" + local[:2] + "*" * (len(local) - 4) + local[-2:]


def mask_street(full_address: str) -> str:
    """``1 Invented Street, ...`` -> ``1*** Invented Street, ...`` (first token cut to one character)."""
    head, sep, rest = full_address.partition(" ")
    return head[:1] + "***" + sep + rest


def buyer_email(rng: random.Random, region: str) -> str:
    """An anonymised relay address like the sample's ``…@scs.tiktokw.eu``."""
    local = random_text(rng, "abcdefghijklmnopqrstuvwxyz0123456789", 12)
    return f"{local}@{EMAIL_DOMAIN[region]}"


def address(rng: random.Random, region: str, masked: bool) -> dict[str, Any]:
    """A ``recipient_address`` with the sample's keys; name, phone and street masked when ``masked``."""
    first, last = rng.choice(FIRST[region]), rng.choice(LAST[region])
    city, state, postal, state_code = rng.choice(CITIES[region])
    number, street = str(rng.randint(1, 240)), rng.choice(STREETS[region])
    line1 = f"{street} {number}" if region == "DE" else f"{number} {street}"
    flat = f"Flat {rng.randint(1, 30)}" if rng.random() < 0.4 else ""
    if region == "US":
        full = f"{line1}, {city}, {state_code} {postal}"
    elif region == "DE":
        full = f"{line1}, {postal} {city}"
    else:
        full = f"{line1}, {city}, {postal}"
    dial, lead, digits = PHONE[region]
    phone = dial + lead + random_text(rng, "0123456789", digits)
    name = f"{first} {last}"
    if masked:
        name, first, last = " ".join(mask_word(w) for w in name.split()), mask_word(first), mask_word(last)
        phone, full = mask_phone(phone), mask_street(full)
    return {
        "name": name,
        "first_name": first,
        "last_name": last,
        # The katakana name fields (JP); other markets send them empty.
        "first_name_local_script": "",
        "last_name_local_script": "",
        "phone_number": phone,
        "full_address": full,
        "address_detail": flat,
        "address_line1": line1,
        "address_line2": flat,
        "address_line3": "",
        "address_line4": "",
        "postal_code": postal,
        "region_code": region,
        "district_info": [
            {"address_level": "L0", "address_level_name": "Country", "address_name": COUNTRY[region]},
            {"address_level": "L1", "address_level_name": LEVEL1[region], "address_name": state},
            {"address_level": "L3", "address_level_name": LEVEL3[region], "address_name": city},
        ],
        "delivery_preferences": {"drop_off_location": ""},
    }
