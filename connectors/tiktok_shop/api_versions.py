"""Which API version each call uses: TikTok versions each endpoint, not the API (docs/tiktok_shop/reference.md#versions).

The credential form's `version` pins the newest version the connector may use. Each endpoint is then called at
its newest version not after the pin, so pinning 202507 calls Get Order Detail at 202507 while order search,
which has no newer version, stays at 202309. Only versions whose shape the reference documents are offered:
for the endpoints this connector calls, those of docs/tiktok_shop/reference.md#newer-versions.
"""

from __future__ import annotations

from connector_core import ConnectorError

BASE_VERSION = "202309"
# (module, resource) -> the newer versions TikTok serves it at with a shape the connector reads (#newer-versions).
NEWER_VERSIONS: dict[tuple[str, str], tuple[str, ...]] = {
    ("order", "orders"): ("202507",),  # Get Order Detail: the same order object plus a few fields
    ("product", "products/search"): ("202312", "202502"),  # Search Products: more fields, same filter
}
SUPPORTED_VERSIONS: tuple[str, ...] = tuple(
    sorted({BASE_VERSION, *(v for versions in NEWER_VERSIONS.values() for v in versions)})
)


def check_version(chosen: str) -> str:
    """The pinned version, or a `ConnectorError` naming it and the versions the connector can use."""
    if chosen not in SUPPORTED_VERSIONS:
        raise ConnectorError(
            f"TikTok Shop API version {chosen!r} is not supported by this connector: set 'version' to one of "
            f"{', '.join(SUPPORTED_VERSIONS)}, or leave it blank for {BASE_VERSION}"
        )
    return chosen


def version_for(pinned: str, module: str, resource: str) -> str:
    """The newest version of the endpoint `/{module}/…/{resource}` that is not newer than `pinned`."""
    offered = (BASE_VERSION, *NEWER_VERSIONS.get((module, resource), ()))
    return max(version for version in offered if version <= pinned)
