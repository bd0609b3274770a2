"""One host process of the chaos run: reads one operation per line (JSON) on stdin, runs it against the
shared store and the emulator, answers one JSON line per operation. The parent SIGKILLs it at random."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from chaos_aftersales import decide
from matrix_support import quick_http

from connector_core import ConnectorError, ConnectorHost, Integrations, Shipment, SQLiteStore, StockLevel


def run(integrations: Integrations, integration_id: str, op: dict[str, Any]) -> Any:
    integration = integrations.open(integration_id)  # re-read: another process may have switched the shop
    kind = op["op"]
    if kind == "pull":
        return [o.id for page in integration.pull_orders() for o in page.orders]
    if kind == "backfill":
        since, until = datetime.fromisoformat(op["since"]), datetime.fromisoformat(op["until"])
        return [o.id for page in integration.pull_orders(since, until) for o in page.orders]
    if kind == "push":
        report = integration.push_stock([StockLevel.model_validate(level) for level in op["levels"]])
        return {r.sku: r.outcome for r in report.results}
    if kind == "confirm":
        report = integration.confirm_shipment(Shipment.model_validate(op["shipment"]))
        return [p.outcome for p in report.parcels]
    if kind == "webhook":
        return [e.id for e in integration.receive_webhook(op["headers"], op["body"].encode())]
    if kind == "decide":
        return decide(integration, op["flow"], op["target"], op["action"], op["reason"])
    if kind == "refresh":
        integration.tokens.refresh_after_rejection(integration.access_token())
        return "refreshed"
    if kind == "switch":
        integration.select_account(op["account_id"])
        return op["account_id"]
    raise ValueError(f"unknown operation {kind!r}")


def main() -> int:
    store_path, integration_id = sys.argv[1], sys.argv[2]
    integrations = Integrations(
        ConnectorHost().load(), SQLiteStore(Path(store_path)), http_clients=quick_http()
    )
    for line in sys.stdin:
        op = json.loads(line)
        try:
            answer: dict[str, Any] = {"ok": True, "result": run(integrations, integration_id, op)}
        except ConnectorError as exc:  # an expected failure: outage, lease taken, refusal...
            answer = {"ok": False, "error": type(exc).__name__, "message": str(exc)[:300]}
        except Exception as exc:  # a bug: the parent counts it as a violation
            answer = {"ok": False, "error": type(exc).__name__, "message": str(exc)[:300], "bug": True}
        print(json.dumps(answer), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
