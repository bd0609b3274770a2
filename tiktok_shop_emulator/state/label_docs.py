"""Shipping documents and handover slots (reference.md#handover, reference.md#label-document, reference.md#open-questions).

Get Package Shipping Document answers a ``doc_url`` on the emulator's own API host that lives 24 hours of
emulated time and needs no credentials (like TikTok's pre-signed object URL); every call mints a new one.
The document is generated: a PDF label, packing slip or both, or a PNG for ``SHIPPING_LABEL_PICTURE``.
"""

from __future__ import annotations

import base64
import hashlib
import struct
import threading
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tiktok_shop_emulator.state.label_pdf import label_pdf
from tiktok_shop_emulator.state.world import Shop
from tiktok_shop_emulator.wire.error_codes import ApiError
from tiktok_shop_emulator.wire.httpio import HttpResponse

if TYPE_CHECKING:
    from tiktok_shop_emulator.state.backend import Backend

DOC_PREFIX = "/emulator-docs/"
DOC_TTL = 24 * 3600
DOCUMENT_TYPES = (
    "SHIPPING_LABEL",
    "PACKING_SLIP",
    "SHIPPING_LABEL_AND_PACKING_SLIP",
    "SHIPPING_LABEL_PICTURE",
    "HAZMAT_LABEL",
    "INVOICE_LABEL",
)
PICKUP_HOURS = ((9, 12), (13, 17))
HOUR = 3600


@dataclass(frozen=True)
class IssuedDocument:
    package_id: str
    document_type: str
    size: str
    expires_at: int


class DocumentUrls:
    """The doc URLs handed out: token -> what to render, until it expires.

    Tokens derive from the world's seed and a counter, so a recorded session is the same on every recording
    (the emulator serves loopback only; an unguessable token would buy nothing).
    """

    def __init__(self, seed: int = 0) -> None:
        self._lock = threading.Lock()
        self._issued: dict[str, IssuedDocument] = {}
        self._seed = seed

    def issue(self, document: IssuedDocument) -> str:
        with self._lock:
            basis = f"{self._seed}:{len(self._issued)}:{document}".encode()
            token = base64.urlsafe_b64encode(hashlib.sha256(basis).digest()[:18]).decode()
            self._issued[token] = document
        return token

    def find(self, token: str) -> IssuedDocument | None:
        with self._lock:
            return self._issued.get(token)


def _error(code: int, message: str) -> ApiError:
    return ApiError(code, message)


def _package_lines(backend: Backend, shop: Shop, pkg: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    order = backend.book.order(backend.book.find_package(shop, pkg))
    return order, [line for line in order["line_items"] if line.get("package_id") == pkg]


def shipping_document(backend: Backend, shop: Shop, pkg: str, query: dict[str, str]) -> dict[str, Any]:
    """GET /fulfillment/202309/packages/{package_id}/shipping_documents."""
    document_type = query.get("document_type")
    if document_type not in DOCUMENT_TYPES:
        raise _error(
            21001001, "Invalid parameters. `document_type` is required: " + ", ".join(DOCUMENT_TYPES)
        )
    size = query.get("document_size") or "A6"
    if size not in ("A6", "A5"):
        raise _error(21001001, "Invalid parameters. `document_size` must be A6 or A5.")
    if (query.get("document_format") or "PDF") != "PDF":
        raise _error(21001001, "Invalid parameters. `document_format` ZPL is only offered in BR.")
    order, lines = _package_lines(backend, shop, pkg)
    if order["shipping_type"] != "TIKTOK":
        raise _error(21008017, "This package is not shipped by TikTok Shipping: no shipping document.")
    if document_type == "INVOICE_LABEL":
        raise _error(21008106, "This interface cannot be used in this region.")
    if document_type == "HAZMAT_LABEL" and not any(line["is_dangerous_good"] for line in lines):
        raise _error(21001001, "Invalid parameters. The package holds no dangerous goods.")
    if all(line["display_status"] == "CANCELLED" for line in lines):
        raise _error(21023059, "The package has been cancelled.")
    if not lines[0]["tracking_number"]:
        raise _error(21023035, "Arrange shipment first: the package has not been shipped.")
    if lines[0].get("package_status") in ("FULFILLING", "COMPLETED"):
        raise _error(21042102, "The shipping document cannot be printed after the carrier picked it up.")
    expires = backend.clock.unix() + DOC_TTL
    size = "A4" if document_type == "HAZMAT_LABEL" else size
    token = backend.label_docs.issue(IssuedDocument(pkg, document_type, size, expires))
    suffix = "png" if document_type == "SHIPPING_LABEL_PICTURE" else "pdf"
    url = f"{backend.urls.get('api', '')}{DOC_PREFIX}{token}.{suffix}?expires={expires}"
    return {"doc_url": url, "tracking_number": lines[0]["tracking_number"]}


def handover_time_slots(backend: Backend, shop: Shop, pkg: str) -> dict[str, Any]:
    """GET /fulfillment/202309/packages/{package_id}/handover_time_slots: the next three days' slots."""
    order, _ = _package_lines(backend, shop, pkg)
    if order["shipping_type"] != "TIKTOK":
        raise _error(11021009, "No pickup service: the package is shipped by the seller.")
    day_start = backend.clock.unix() // 86400 * 86400
    slots = []
    for day in range(1, 4):
        for position, (start, end) in enumerate(PICKUP_HOURS):
            slots.append(
                {
                    "start_time": day_start + day * 86400 + start * HOUR,
                    "end_time": day_start + day * 86400 + end * HOUR,
                    "avaliable": not (day == 1 and position == 1),  # TikTok's spelling on the wire
                }
            )
    return {
        "can_pickup": True,
        "can_drop_off": True,
        "can_van_collection": shop.region == "GB",
        "drop_off_point_url": f"{backend.urls.get('api', '')}{DOC_PREFIX}drop-off-points?package_id={pkg}",
        "pickup_slots": slots,
    }


def serve(backend: Backend, path: str) -> HttpResponse:
    """GET /emulator-docs/<token>.pdf: the document while its URL lives, 403 after (like an expired object URL)."""
    name = path[len(DOC_PREFIX) :]
    if name == "drop-off-points":
        return HttpResponse(
            200, b"Drop-off points near you: Emulator Parcel Shop, 1 Invented Lane\n", {}, "text/plain"
        )
    token = name.partition(".")[0]
    issued = backend.label_docs.find(token)
    if issued is None:
        return HttpResponse(404, b"NoSuchKey: the document does not exist\n", {}, "text/plain")
    if backend.clock.unix() >= issued.expires_at:
        return HttpResponse(403, b"AccessDenied: the document URL has expired\n", {}, "text/plain")
    if issued.document_type == "SHIPPING_LABEL_PICTURE":
        return HttpResponse(200, _png(), {}, "image/png")
    # One API host serves every seller's documents: the package's own seller renders it.
    return HttpResponse(
        200, render_pdf(backend.package_owner(issued.package_id), issued), {}, "application/pdf"
    )


def render_pdf(backend: Backend, issued: IssuedDocument) -> bytes:
    index = backend.space.index_of_package(issued.package_id)
    assert index is not None
    order = backend.book.order(index)
    lines = [line for line in order["line_items"] if line.get("package_id") == issued.package_id]
    first = lines[0]
    address = order["recipient_address"]
    meta = backend.book.package_meta(issued.package_id)
    service = (meta.get("service") or {}).get("name") or order.get("delivery_option_name", "")
    text = [
        f"Carrier: {first['shipping_provider_name']}   Service: {service}",
        f"Tracking: {first['tracking_number']}",
        f"Package: {issued.package_id}   Order: {order['id']}",
        f"Ship to: {address.get('name', '')}",
        f"{address.get('full_address', '')}"[:60],
        f"{address.get('postal_code', '')} {address.get('region_code', '')}",
        f"Items: {len(lines)}   Document: {issued.document_type}",
    ]
    if "PACKING_SLIP" in issued.document_type:
        text += [f"- {line['seller_sku']}  {line['product_name']} ({line['sku_name']})" for line in lines[:8]]
    return label_pdf("TikTok Shipping (emulator)", text, first["tracking_number"], issued.size)


def _png() -> bytes:
    # A 1x1 white PNG: enough for a host to prove it stored and served the picture form.
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff"))
        + chunk(b"IEND", b"")
    )
