"""A host process that dies at a chosen point: `flow_child.py STORE INTEGRATION ACTION KILL_AT`.

ACTION is JSON: {"confirm": <Shipment>} | {"push": [<StockLevel>...]} | {"pull": true} |
{"decide": ["cancellation" | "return", ORDER_OR_RETURN_ID, ACTION, REASON]}.
KILL_AT names the store write the process SIGKILLs itself at, BEFORE the write is made (so the channel
has applied the call and the ledger does not know): "finish_intent", "finish_stock_push",
"watermark" (the write that ends an import), or "after:watermark" (right after it). "never" runs to the
end. Each page of an import is printed as "page <ids...>" once the host has it, then "done".
"""

from __future__ import annotations

import json
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from reliability_support import reopen

from connector_core import Shipment, StockLevel


def die() -> None:
    sys.stdout.flush()
    os.kill(os.getpid(), signal.SIGKILL)


def dying_before(method: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        die()
        return method(*args, **kwargs)  # never reached

    return wrapper


def dying_at_watermark(method: Callable[..., Any], after: bool) -> Callable[..., Any]:
    def wrapper(integration_id: str, stream: str, value: str | None) -> Any:
        ends_the_window = value is not None and "watermark" in json.loads(value)
        if ends_the_window and not after:
            die()
        result = method(integration_id, stream, value)
        if ends_the_window and after:
            die()
        return result

    return wrapper


def main() -> int:
    store_path, integration_id, action_text, kill_at = sys.argv[1:5]
    integration = reopen(Path(store_path), integration_id)
    store: Any = integration.session.store
    if kill_at in ("finish_intent", "finish_stock_push"):
        setattr(store, kill_at, dying_before(getattr(store, kill_at)))
    elif kill_at in ("watermark", "after:watermark"):
        store.set_cursor = dying_at_watermark(store.set_cursor, after=kill_at.startswith("after"))
    action = json.loads(action_text)
    if "confirm" in action:
        report = integration.confirm_shipment(Shipment.model_validate(action["confirm"]))
        print(json.dumps([p.outcome for p in report.parcels]), flush=True)
    elif "decide" in action:  # an after-sales decision: {"decide": [flow, target, action, reason]}
        flow, target, verb, reason = action["decide"]
        decide = integration.decide_cancellation if flow == "cancellation" else integration.decide_return
        print(json.dumps(decide(target, verb, reason).outcome), flush=True)
    elif "push" in action:
        report = integration.push_stock([StockLevel.model_validate(level) for level in action["push"]])
        print(json.dumps([r.outcome for r in report.results]), flush=True)
    else:
        for page in integration.pull_orders():
            print("page " + " ".join(o.id for o in page.orders), flush=True)
    print("done", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
