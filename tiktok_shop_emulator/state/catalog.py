"""The seed data of the emulator's world: the markets its shops sell in (currency, carriers, warehouses,
address) and the product catalogue every shop lists."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Market:
    region: str
    name: str
    currency: str
    price_factor: Decimal
    seller_carriers: tuple[str, ...]
    platform_carriers: tuple[str, ...]
    sales_warehouses: int
    return_warehouse: bool
    address: dict[str, str]


MARKETS: tuple[Market, ...] = (
    Market(
        "US",
        "Emulator Outfitters US",
        "USD",
        Decimal("1.25"),
        ("USPS", "UPS", "FedEx", "DHL eCommerce"),
        ("USPS", "UPS"),
        2,
        False,
        {
            "region": "United States",
            "region_code": "US",
            "state": "California",
            "city": "Los Angeles",
            "distict": "Los Angeles County",
            "town": "",
            "postal_code": "90012",
            "full_address": "200 N Spring St",
            "contact_person": "Warehouse Team",
            "phone_number": "(+1)213******00",
        },
    ),
    Market(
        "GB",
        "Emulator Test Shop GB",
        "GBP",
        Decimal("1.00"),
        ("Royal Mail", "DPD", "Evri", "Yodel"),
        ("Evri", "Royal Mail"),
        1,
        True,
        {
            "region": "United Kingdom",
            "region_code": "GB",
            "state": "England",
            "city": "London",
            "distict": "Westminster",
            "town": "",
            "postal_code": "SW1A 2AA",
            "full_address": "10 Invented Road",
            "contact_person": "Warehouse Team",
            "phone_number": "(+44)20******00",
        },
    ),
    Market(
        "DE",
        "Emulator Test Shop DE",
        "EUR",
        Decimal("1.15"),
        ("DHL", "Hermes", "DPD", "GLS"),
        ("DHL",),
        1,
        False,
        {
            "region": "Germany",
            "region_code": "DE",
            "state": "Berlin",
            "city": "Berlin",
            "distict": "Mitte",
            "town": "",
            "postal_code": "10117",
            "full_address": "Invented Strasse 5",
            "contact_person": "Lager Team",
            "phone_number": "(+49)30******00",
        },
    ),
)

# (title, seller_sku prefix, [(sku name, seller_sku suffix)], base price in GBP)
CATALOG: tuple[tuple[str, str, tuple[tuple[str, str], ...], str], ...] = (
    (
        "Cotton T-Shirt",
        "TSHIRT",
        (("Red, M", "RED-M"), ("Red, L", "RED-L"), ("Blue, M", "BLUE-M"), ("Blue, L", "BLUE-L")),
        "12.50",
    ),
    ("Ceramic Mug", "MUG", (("White", "WHITE"), ("Black", "BLACK")), "9.00"),
    ("Zip Hoodie", "HOODIE", (("Grey, M", "GREY-M"), ("Grey, L", "GREY-L"), ("Navy, M", "NAVY-M")), "34.00"),
    ("Phone Case", "CASE", (("Clear", "CLEAR"), ("Matte Black", "MATTE")), "14.99"),
    ("Wool Socks 3-Pack", "SOCKS", (("S/M", "SM"), ("L/XL", "LXL")), "11.00"),
    ("Steel Water Bottle", "BOTTLE", (("500 ml", "500"), ("750 ml", "750")), "18.50"),
    ("Canvas Tote Bag", "TOTE", (("Natural", "NAT"), ("Black", "BLK")), "8.75"),
    ("Baseball Cap", "CAP", (("Black", "BLACK"), ("Beige", "BEIGE"), ("Olive", "OLIVE")), "16.00"),
    ("Dotted Notebook", "NOTEBOOK", (("A5", "A5"), ("A4", "A4")), "7.25"),
    ("Soy Candle", "CANDLE", (("Vanilla", "VAN"), ("Cedar", "CED")), "13.40"),
)
# Products at these catalogue positions are not sellable: inventory updates on them fail per SKU.
INACTIVE_STATUS = {8: "SELLER_DEACTIVATED", 9: "DRAFT"}
