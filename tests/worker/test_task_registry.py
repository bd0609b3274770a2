"""The worker's public face: every task a host or a queued message names is registered under the same
name, takes the same arguments and goes to the same lane. Messages already in a broker when a worker is
upgraded carry these names and arguments, so a refactor must leave them exactly as they are."""

from __future__ import annotations

import inspect

from connector_core.worker import WorkerSettings, create_app
from connector_core.worker.lanes import BACKFILL, EVENTS, PULLS, URGENT

REGISTERED = {
    "backfill_orders": ("integration_id, since, until, account_id=None, slice_pages=5", BACKFILL),
    "cancel_order": ("integration_id, order_id, reason, line_ids=()", URGENT),
    "confirm_shipment": ("integration_id, shipment", URGENT),
    "create_labels": ("integration_id, order_id, boxes, service_id=None", URGENT),
    "decide_cancellation": ("integration_id, order_id, action, reason=None", URGENT),
    "decide_return": ("integration_id, return_id, action, reason=None, amount=None", URGENT),
    "drain_webhooks": ("integration_id", EVENTS),
    "process_webhook_events": ("integration_id, events", EVENTS),
    "pull_all": ("", PULLS),
    "pull_orders": ("integration_id, account_id=None", PULLS),
    # account_id came last and optional (a slice names its shop): messages sent before still run.
    "pull_returns": ("integration_id, account_id=None", PULLS),
    "push_stock": ("integration_id, levels, force=False", URGENT),
    "receive_webhook": ("integration_id, headers, body_base64", EVENTS),
    "reconcile_all": ("", PULLS),
    "reconcile_events": (
        "integration_id, families=('orders', 'cancellations', 'returns'), account_id=None",
        PULLS,
    ),
    "refresh_token": ("integration_id", PULLS),
    "refresh_tokens": ("", PULLS),
    "run_work": ("integration_id, kind, keys", URGENT),
    "sweep_outbox": ("", URGENT),
    "warn_reauthorization": ("", PULLS),
}


def arguments(function: object) -> str:
    """The arguments a message must carry, as a caller writes them (annotations left out)."""
    parameters = inspect.signature(function).parameters.values()  # type: ignore[arg-type]
    return ", ".join(
        p.name if p.default is inspect.Parameter.empty else f"{p.name}={p.default!r}" for p in parameters
    )


def test_every_task_keeps_its_name_arguments_and_lane() -> None:
    app = create_app(WorkerSettings(broker_url="memory://", rates={}))
    ours = {name for name in app.tasks if name.startswith("channel_connectors.")}

    assert ours == {f"channel_connectors.{short}" for short in REGISTERED}
    for short, (expected, lane) in REGISTERED.items():
        name = f"channel_connectors.{short}"
        assert arguments(app.tasks[name].run) == expected, name
        assert app.amqp.router.route({}, name)["queue"].name == lane, name


def test_the_tasks_module_still_offers_what_hosts_import() -> None:
    from connector_core.worker import tasks

    for short in REGISTERED:
        assert callable(getattr(tasks, short)), short
    assert tasks.PREFIX == "channel_connectors."
    assert set(tasks.TASKS) == set(REGISTERED)
