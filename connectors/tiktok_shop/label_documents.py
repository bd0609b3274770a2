"""TikTok Shipping documents: ask for the label, download it while its URL lives (24 h), check what came back.

Get Package Shipping Document answers a pre-signed `doc_url`; it is fetched without TikTok's headers and
the bytes are returned to the core, which keeps them. A reprint asks TikTok again (each call may give a new
URL), so an expired URL is never reused.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import requests

from connector_core import ConnectorContext, Label
from connector_core.clock import from_unix
from connector_core.errors import ChannelError, LabelRefused

from .client import TikTokClient

DOC_URL_LIFETIME = timedelta(hours=24)
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
# Refusals of Get Package Shipping Document and what the operator should do (reference.md#label-document).
DOCUMENT_REFUSALS: Mapping[int, str] = {
    21023035: "TikTok has not arranged shipment for this package yet: create the label first",
    21042104: "TikTok prints no document before the package is shipped: create the label first",
    21042102: "the carrier has collected the package; TikTok no longer serves its label",
    21023059: "the package was cancelled; its label is void",
    21008017: "the package is not shipped by TikTok Shipping, so TikTok has no label for it",
    11034002: "the package is not shipped by TikTok Shipping, so TikTok has no label for it",
    21008043: "the order is fulfilled by TikTok; there is no seller label",
    11034037: "the carrier is still generating the label: try again in a minute",
    11034023: "TikTok timed out generating the label: try again",
}


def fetch_document(
    ctx: ConnectorContext, client: TikTokClient, package_id: str, order: Mapping[str, Any] | None = None
) -> Label:
    """The shipping label of `package_id`, downloaded; carrier and lines come from `order` when given."""
    path = client.path("fulfillment", f"packages/{package_id}/shipping_documents")
    try:
        data = client.get(path, {"document_type": "SHIPPING_LABEL", "document_size": "A6"})
    except ChannelError as exc:
        advice = DOCUMENT_REFUSALS.get(exc.code) if isinstance(exc.code, int) else None
        if advice is None:
            raise
        raise LabelRefused(f"package {package_id}: {advice} (TikTok {exc.code})", str(exc.code)) from None
    url = str(data.get("doc_url") or "")
    if not url:
        raise LabelRefused(f"package {package_id}: TikTok answered no document URL; try the reprint again")
    document = download(ctx, url, package_id)
    lines = [li for li in (order or {}).get("line_items") or [] if str(li.get("package_id")) == package_id]
    first = lines[0] if lines else {}
    return Label(
        order_id=str((order or {}).get("id") or first.get("order_id") or ""),
        package_id=package_id,
        channel_line_ids=[str(li["id"]) for li in lines],
        tracking_number=str(data.get("tracking_number") or first.get("tracking_number") or "") or None,
        carrier=str(first.get("shipping_provider_name") or "") or None,
        document=document,
        document_format="pdf",
        document_url=url,
        document_url_expires_at=_expiry(ctx, url),
    )


def download(ctx: ConnectorContext, url: str, package_id: str) -> bytes:
    """The document bytes; anything but a PDF is refused rather than kept as a label."""

    def prepare() -> requests.Request:
        return requests.Request("GET", url, headers={"Accept": "application/pdf"})

    response = ctx.http.send(prepare, safe_to_repeat=True)
    body = response.content
    if response.status_code != 200:
        raise LabelRefused(
            f"package {package_id}: downloading the label failed with HTTP {response.status_code} "
            "(the URL may have expired): reprint to get a fresh one"
        )
    if len(body) > MAX_DOCUMENT_BYTES or not body.startswith(b"%PDF-"):
        raise LabelRefused(f"package {package_id}: TikTok's document is not a PDF; reprint to try again")
    return body


def _expiry(ctx: ConnectorContext, url: str) -> datetime:
    # TikTok documents a 24-hour lifetime; its sample URLs also carry the instant as `expires=`.
    query = urlsplit(url).query
    for part in query.split("&"):
        name, _, value = part.partition("=")
        if name == "expires" and value.isdigit():
            return from_unix(int(value))
    return ctx.clock.now() + DOC_URL_LIFETIME
