"""TikTok's error codes and messages as the emulator answers them, with the HTTP status paired to each.

Codes and message wording come from the reference (reference.md#envelope) and its error samples. Where the reference has no code
for a business rule (mostly fulfillment), the emulator uses its own codes in the 21004xxx block; they are
marked EMULATOR-CHOSEN and listed in the README. A connector should key on "non-zero code" plus the few
documented codes, never on the emulator-chosen ones.
"""

from __future__ import annotations

from typing import Any

HTTP_BAD_REQUEST = 400
HTTP_UNAUTHORIZED = 401
HTTP_NOT_FOUND = 404
HTTP_TOO_MANY = 429


class ApiError(Exception):
    """A rejection with TikTok's envelope: ``code``, ``message`` and the HTTP status to send."""

    def __init__(
        self,
        code: int,
        message: str,
        http_status: int = HTTP_BAD_REQUEST,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.http_status = http_status
        self.headers = headers or {}


# --- gateway (common errors page, reference.md#envelope) ---------------------------------------------------------------


def invalid_path() -> ApiError:
    return ApiError(
        36009009, "Invalid path. The specified path does not match any available endpoint.", HTTP_NOT_FOUND
    )


def invalid_method() -> ApiError:
    # The reference has no HTTP status for 36009010; the brief's rule "others 400" applies.
    return ApiError(36009010, "Invalid method. The HTTP method used is not supported by this endpoint.")


def invalid_content_type() -> ApiError:
    return ApiError(
        36009022,
        "Invalid request format. The request body format must be `application/json` for "
        "structured data or `multipart/form-data` for binary files.",
    )


def invalid_app_key() -> ApiError:
    return ApiError(36009004, "Invalid credentials. Invalid `app_key` query parameter.")


def missing_sign() -> ApiError:
    return ApiError(
        36009004, "Missing credentials. The request does not include a required signature in the query."
    )


def invalid_sign() -> ApiError:
    return ApiError(106001, "Invalid credentials. The `sign` query parameter is invalid.", HTTP_UNAUTHORIZED)


def invalid_timestamp(reason: str) -> ApiError:
    return ApiError(36009004, f"Invalid timestamp. The value of the `timestamp` query parameter {reason}")


def timestamp_missing() -> ApiError:
    return invalid_timestamp("is missing or is not a Unix time in seconds.")


def timestamp_negative() -> ApiError:
    return invalid_timestamp("must not be lesser than 0.")


def timestamp_too_old() -> ApiError:
    return invalid_timestamp("must not be earlier than 5 minutes before the current time.")


def timestamp_too_new() -> ApiError:
    return invalid_timestamp("must not exceed the current time by more than 30 seconds.")


def invalid_access_token() -> ApiError:
    return ApiError(36009004, "Invalid credentials. The `x-tts-access-token` header is invalid.")


def expired_access_token() -> ApiError:
    return ApiError(
        105002, "Expired credentials. The `x-tts-access-token` header has expired.", HTTP_UNAUTHORIZED
    )


def revoked_access_token() -> ApiError:
    # EMULATOR-CHOSEN: the reference lists 105001 among "other access-token problems" without a message.
    return ApiError(
        105001,
        "Invalid credentials. The `x-tts-access-token` header was revoked because the seller "
        "removed the authorization. Ask the seller to authorize the app again.",
        HTTP_UNAUTHORIZED,
    )


def missing_shop_cipher() -> ApiError:
    return ApiError(
        106013,
        "Missing identifier. The `shop_cipher` query parameter is required to identify the target shop.",
    )


def unexpected_shop_cipher() -> ApiError:
    return ApiError(
        36009004, "Unexpected identifier. The `shop_cipher` query parameter is not required for this request."
    )


def invalid_shop_cipher() -> ApiError:
    return ApiError(36009004, "Invalid identifier. The `shop_cipher` query parameter is invalid.")


def rate_limited(retry_after: int | None = None) -> ApiError:
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
    return ApiError(
        36009002,
        "Too many requests. You've made too many requests in a short period of time.",
        HTTP_TOO_MANY,
        headers,
    )


def sandbox_rate_limited(retry_after: int | None = None) -> ApiError:
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
    return ApiError(
        36009037,
        "Too many requests. Sandbox shops are limited to a fixed number of calls per hour.",
        HTTP_TOO_MANY,
        headers,
    )


def internal_error(http_status: int = 500) -> ApiError:
    return ApiError(
        36009003,
        "Internal error. Please try again. If the issue persists after multiple attempts, "
        "please contact platform support.",
        http_status,
    )


def invalid_param(detail: str) -> ApiError:
    """36009004 is TikTok's overloaded parameter error; the message names the parameter."""
    return ApiError(36009004, f"Invalid param. {detail}")


# --- token host (reference.md#oauth-consent) --------------------------------------------------------------------------------


def invalid_auth_code() -> ApiError:
    return ApiError(36004004, "Invalid auth code.")


def auth_record_not_found() -> ApiError:
    return ApiError(36004005, "can not find related auth record")


def refresh_token_expired() -> ApiError:
    return ApiError(36004001, "rt has expired")


def invalid_app_secret() -> ApiError:
    # EMULATOR-CHOSEN wording; the code is the gateway's credentials error.
    return ApiError(36009004, "Invalid credentials. Invalid `app_secret` query parameter.")


# --- products and inventory (reference.md#inventory-update, S6 transcription) -----------------------------------------------


def product_not_found() -> ApiError:
    return ApiError(12019150, "The product ID does not exist.")


def product_not_in_shop() -> ApiError:
    return ApiError(12052034, "This product doesn't belong to this shop")


def stock_count_invalid() -> ApiError:
    return ApiError(12019024, "stock count is invalid")


def multiple_warehouses() -> ApiError:
    return ApiError(
        12019028,
        "Multiple warehouses detected. Include all warehouse IDs and the corresponding "
        "details and try again.",
    )


def warehouse_not_found() -> ApiError:
    return ApiError(12052097, "The warehouse does not exist")


def sku_id_required() -> ApiError:
    return ApiError(12052036, "The SKU ID is necessary")


def sku_not_in_product(sku_id: str) -> ApiError:
    return ApiError(
        12052037,
        f"Couldn't update inventory. Possible causes: SKU {sku_id} does not belong to the "
        "product in the path.",
    )


def too_many_product_ids() -> ApiError:
    return ApiError(12019120, "The number of provided product IDs exceeds the limit.")


def too_many_sku_ids() -> ApiError:
    return ApiError(12019015, "The number of SKU exceed the limit")


def too_many_seller_skus() -> ApiError:
    return ApiError(12019027, "The maximum count of “seller_skus” in the search filter is 10.")


def inventory_item_error(sku_id: str, warehouse_id: str) -> dict[str, Any]:
    """The per-SKU entry of data.errors for a product that is not ACTIVATE (shape and typo from the sample)."""
    return {
        "code": 12052990,
        "message": "batch update inventory error",
        "detail": {
            "sku_id": sku_id,
            "extra_errors": [
                {
                    "code": 12052003,
                    "message": "The current product status can not be actiavted",
                    "warehouse_id": warehouse_id,
                }
            ],
        },
    }


# --- fulfillment (reference.md#ship-package; codes other than 21008111 are EMULATOR-CHOSEN) ------------------------------


def not_seller_resource() -> ApiError:
    return ApiError(21008111, "The order or package does not belong to the current seller.")


def order_status_forbids(status: str) -> ApiError:
    return ApiError(21004030, f"The order status does not allow this operation. Current status: {status}.")


def lines_already_shipped(ids: list[str]) -> ApiError:
    return ApiError(21004031, "Order line items have already been shipped: " + ",".join(ids) + ".")


def lines_not_in_order(ids: list[str]) -> ApiError:
    return ApiError(21004032, "Order line items do not belong to the order: " + ",".join(ids) + ".")


def market_not_supported(region: str) -> ApiError:
    return ApiError(
        21004033,
        f"This API is only available to shops in US, GB, ES and IE; this shop is in {region}."
        " Ship by package ID instead.",
    )


def seller_shipping_only() -> ApiError:
    return ApiError(
        21004034, "Only orders shipped by the seller (shipping_type SELLER) support this operation."
    )


def invalid_provider(provider_id: str) -> ApiError:
    return ApiError(
        21004035, f"The shipping provider {provider_id} is not available for the order's delivery option."
    )


def update_window_closed() -> ApiError:
    return ApiError(
        21004036, "Shipping info can only be updated within 72 hours after the package was shipped."
    )


def split_order_use_package() -> ApiError:
    return ApiError(
        21004037, "The order has several packages. Update the shipping info of each package instead."
    )


def package_already_shipped() -> ApiError:
    return ApiError(21004038, "The package has already been shipped.")


def handover_required() -> ApiError:
    return ApiError(
        21004039,
        "`handover_method` is required for packages shipped by TikTok (shipping_type "
        "TIKTOK); `self_shipment` is only for seller shipping.",
    )


def package_not_shipped() -> ApiError:
    return ApiError(21004040, "The package has not been shipped yet.")


def self_shipment_required() -> ApiError:
    return ApiError(
        21004041,
        "`self_shipment` with `tracking_number` and `shipping_provider_id` is required for "
        "packages shipped by the seller (shipping_type SELLER).",
    )
