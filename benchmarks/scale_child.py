"""A web or worker process of a platform host, reporting its peak RSS: `scale_child.py MODE STORE ARGS.json`.

- ``web``: opens the store, reads the app once, then routes every delivery in ARGS (verify the signature
  with the app's secret, parse, find the connections serving the shop through the index);
- ``worker``: opens the store, runs one beat tick (the due shops, in batches) and opens the connections of
  ARGS as a pull would, without calling the channel.

Prints one JSON line: what it did and its peak RSS (VmHWM, KiB; see memory_child.py for why not ru_maxrss).
"""

from __future__ import annotations

import base64
import json
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from memory_child import status_kib

from connector_core import ConnectorHost, Integrations
from connector_core.store import open_store
from connectors.tiktok_shop import webhooks


def web(store_url: str, args: dict[str, Any]) -> dict[str, Any]:
    store = open_store(store_url)
    app = store.get_app(args["app_id"])
    key, secret_text = str(app.credentials["app_key"]), app.credentials.secret("app_secret")
    routed = 0
    for body_b64, signature in args["deliveries"]:
        body = base64.b64decode(body_b64)
        if not webhooks.verify(key, secret_text, body, signature):
            raise SystemExit("a delivery did not verify")
        shop_id = str(json.loads(body)["shop_id"])
        routed += len(store.route_webhook_shop(app.id, shop_id))
    return {"routed": routed}


def worker(store_url: str, args: dict[str, Any]) -> dict[str, Any]:
    store = open_store(store_url)
    integrations = Integrations(ConnectorHost().load(), store)
    due = store.due_shops(datetime.now(timezone.utc), args.get("batch", 500))
    opened = 0
    for integration_id in args["connections"]:
        integration = integrations.open(integration_id)
        integration.context()
        opened += 1
    return {"due": len(due), "opened": opened}


def main() -> int:
    mode, store_url, args_path = sys.argv[1:4]
    args = json.loads(Path(args_path).read_text())
    done = {"web": web, "worker": worker}[mode](store_url, args)
    print(json.dumps({**done, "peak_rss_kib": status_kib("VmHWM")}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
