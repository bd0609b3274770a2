"""The ShopCart connector: a made-up Shopify-style REST channel (bearer OAuth, Link-header cursors,
inventory per location, fulfillments per line item). Only ShopCart's specifics live here; the call loop,
the host rules, leases and ledgers are the core's (`connector_core`)."""

CONNECTOR_ID = "shopcart"
__version__ = "0.1.0"
