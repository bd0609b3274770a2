"""The operator's commands: integrations, connect, pull-orders, push-stock, confirm-shipment, status, webhook.

Each command is one function over `Integrations`; they work for any connector. Output for people goes to
stdout, progress and errors to stderr; nothing printed ever holds a secret (credentials are shown through
`forms.redact`, tokens only as expiry times).
"""

from __future__ import annotations

import argparse
import csv
import getpass
import json
import sys
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from . import forms
from .callback import CallbackServer, state_of
from .errors import ConnectorError, FieldError, InvalidInput
from .host import ConnectorHost
from .integration import Integration, Integrations
from .models import Shipment, ShipmentLine, ShipmentParcel, StockLevel
from .progress import Progress
from .store import SQLiteStore


def open_integrations(args: argparse.Namespace) -> Integrations:
    home = getattr(args, "home", None)
    store = SQLiteStore(Path(home) / "store.sqlite3" if home else None)
    return Integrations(ConnectorHost().load(), store)


def _when(moment: datetime | None) -> str:
    return "-" if moment is None else f"{moment:%Y-%m-%d %H:%M} UTC"


def _parse_time(value: str | None, flag: str) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput(
            "arguments", [FieldError(flag, f"{value!r} is not an ISO date or date-time")]
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


# --- integrations --------------------------------------------------------------------------------------


def _prompt_values(schema: dict[str, Any]) -> dict[str, Any]:
    """Ask for each field a person types (OAuth-managed fields are skipped); secrets without echo."""
    values: dict[str, Any] = {}
    required = set(schema.get("required", []))
    managed = forms.oauth_managed_fields(schema)
    for name, field in forms.iter_fields(schema):
        if name in managed:
            continue
        label = f"{field.get('title', name)}{' *' if name in required else ''}"
        choices = field.get("enum")
        default = field.get("default")
        hint = f" [{'/'.join(map(str, choices))}]" if choices else ""
        hint += f" (default {default})" if default is not None else ""
        prompt = f"{label}{hint}: "
        answer = getpass.getpass(prompt) if forms.is_secret(field) else input(prompt)
        if answer.strip():
            values[name] = answer.strip()
    return values


def cmd_integrations_add(args: argparse.Namespace) -> int:
    integrations = open_integrations(args)
    connector = integrations.host.get(args.connector)
    if args.file:
        values = _read_json(args.file)
    elif sys.stdin.isatty():
        values = _prompt_values(connector.credentials_schema())
    else:
        raise ConnectorError("give the credential values with --file FILE.json (no terminal to prompt on)")
    settings = _read_json(args.settings) if args.settings else {}
    try:
        record = integrations.create(args.connector, values, settings, name=args.name)
    except InvalidInput as exc:
        print(f"error: {len(exc.errors)} field(s) need fixing:", file=sys.stderr)
        for error in exc.errors:
            print(f"  {error}", file=sys.stderr)
        return 1
    print(f"created integration {record.id} ({connector.manifest.name})")
    print(f"next: channel-connectors connect {record.id}")
    return 0


def _read_json(path: str) -> dict[str, Any]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConnectorError(f"cannot read {path}: {exc.strerror}") from None
    except json.JSONDecodeError as exc:
        raise ConnectorError(f"{path} is not valid JSON: line {exc.lineno}: {exc.msg}") from None
    if not isinstance(data, dict):
        raise ConnectorError(f"{path} must hold a JSON object")
    return data


def cmd_integrations_list(args: argparse.Namespace) -> int:
    integrations = open_integrations(args)
    records = integrations.list()
    if not records:
        print("no integrations yet: add one with `channel-connectors integrations add CONNECTOR`")
    for record in records:
        status = integrations.open(record.id).status()
        account = status.account.name or status.account.id if status.account else "-"
        state = (
            "needs re-authorization"
            if status.reauthorization.needs_reauthorization
            else ("connected" if status.connected else "not connected")
        )
        print(f"{record.id:<24} {record.connector:<14} {record.name:<20} {account:<24} {state}")
    return 0


def cmd_integrations_show(args: argparse.Namespace) -> int:
    integrations = open_integrations(args)
    record = integrations.store.get_integration(args.integration)
    redacted = integrations.redacted(args.integration)
    accounts = integrations.store.list_accounts(args.integration)
    print(
        json.dumps(
            {
                "id": record.id,
                "connector": record.connector,
                "name": record.name,
                "credentials": redacted.values,
                "secrets_set": redacted.is_set,
                "settings": record.settings,
                "accounts": [a.model_dump(exclude={"selector"}) for a in accounts],
                "selected_account": record.account_id,
            },
            indent=2,
            default=str,
        )
    )
    return 0


def cmd_integrations_remove(args: argparse.Namespace) -> int:
    open_integrations(args).remove(args.integration)
    print(f"removed integration {args.integration}")
    return 0


# --- connect -------------------------------------------------------------------------------------------


def cmd_connect(args: argparse.Namespace) -> int:
    integrations = open_integrations(args)
    integration = integrations.open(args.integration)
    if args.code:
        accounts = integration.finish_connect({"code": args.code})
    else:
        path = integration.connector.manifest.callback_path
        with CallbackServer(path, port=args.port) as server:
            url = integration.begin_connect(server.redirect_uri)
            server.expect(state_of(url))  # any other callback (forged, another integration's) is turned away
            print("Open this URL in the browser where the seller is signed in, and approve:")
            print(f"  {url}")
            print(
                f"Waiting for the redirect to {server.redirect_uri} (register it as the app's redirect URL)..."
            )
            params = server.wait(args.timeout)
        integration = integrations.complete_connect(params)
        accounts = integration.store.list_accounts(integration.id)
    print(f"connected {integration.id}: {len(accounts)} shop(s) authorized")
    for account in accounts:
        print(f"  {account.id}  {account.name or ''}  {account.region or ''}")
    return 0


# --- orders --------------------------------------------------------------------------------------------


def cmd_pull_orders(args: argparse.Namespace) -> int:
    integration = open_integrations(args).open(args.integration)
    since = _parse_time(args.since, "--since")
    until = _parse_time(args.until, "--until")
    out = open(args.output, "a", encoding="utf-8") if args.output else sys.stdout  # noqa: SIM115
    progress = Progress("orders")
    problems = 0
    try:
        for page in integration.pull_orders(since, until):
            for order in page.orders:
                out.write(order.model_dump_json() + "\n")
            for problem in page.problems:
                print(f"skipped: {problem.message}", file=sys.stderr)
            problems += len(page.problems)
            out.flush()
            progress.update(len(page.orders) + len(page.problems), page.total)
    finally:
        progress.finish()
        if out is not sys.stdout:
            out.close()
    return 1 if problems else 0


# --- stock ---------------------------------------------------------------------------------------------


def read_stock_csv(path: str) -> list[StockLevel]:
    """Stock levels from a CSV with columns sku, quantity and optionally warehouse; every bad row is named."""
    levels: list[StockLevel] = []
    errors: list[FieldError] = []
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = {"sku", "quantity"} - set(reader.fieldnames or [])
        if missing:
            raise InvalidInput(
                path, [FieldError("header", f"missing column(s) {', '.join(sorted(missing))}")]
            )
        for number, row in enumerate(reader, start=2):
            sku = (row.get("sku") or "").strip()
            raw_quantity = (row.get("quantity") or "").strip()
            if not sku:
                errors.append(FieldError(f"line {number}.sku", "is empty"))
                continue
            try:
                quantity = int(raw_quantity)
            except ValueError:
                errors.append(
                    FieldError(
                        f"line {number}.quantity", f"SKU {sku}: {raw_quantity!r} is not a whole number"
                    )
                )
                continue
            levels.append(
                StockLevel(sku=sku, quantity=quantity, warehouse=(row.get("warehouse") or "").strip() or None)
            )
    if errors:
        raise InvalidInput(path, errors)
    return levels


def cmd_push_stock(args: argparse.Namespace) -> int:
    integration = open_integrations(args).open(args.integration)
    report = integration.push_stock(read_stock_csv(args.file), force=args.force)
    for result in report.results:
        detail = f" [{result.code}]" if result.code else ""
        note = f"  {result.message}" if result.message else ""
        print(
            f"{result.sku:<24} {result.outcome:<12} {result.quantity if result.quantity is not None else '':>6}{detail}{note}"
        )
    counts = ", ".join(
        f"{o} {report.count(o)}" for o in ("updated", "unchanged", "unknown_sku", "rejected", "invalid")
    )
    print(f"{counts}; {report.calls} update call(s)")
    return 0 if all(r.outcome in {"updated", "unchanged"} for r in report.results) else 1


# --- shipments -----------------------------------------------------------------------------------------


def parse_lines(spec: str | None) -> list[ShipmentLine]:
    """`SKU:QTY,SKU:QTY` (QTY optional) into shipment lines."""
    if not spec:
        return []
    lines = []
    for part in spec.split(","):
        sku, _, quantity = part.strip().partition(":")
        if not sku:
            raise InvalidInput("--lines", [FieldError("--lines", f"{part!r} has no SKU")])
        if quantity and not quantity.isdigit():
            raise InvalidInput(
                "--lines", [FieldError("--lines", f"SKU {sku}: quantity {quantity!r} is not a number")]
            )
        lines.append(ShipmentLine(sku=sku, quantity=int(quantity) if quantity else None))
    return lines


def cmd_confirm_shipment(args: argparse.Namespace) -> int:
    integration = open_integrations(args).open(args.integration)
    shipment = Shipment(
        order_id=args.order,
        parcels=[
            ShipmentParcel(tracking_number=args.tracking, carrier=args.carrier, lines=parse_lines(args.lines))
        ],
    )
    report = integration.confirm_shipment(shipment)
    for parcel in report.parcels:
        extra = f" package {parcel.package_id}" if parcel.package_id else ""
        note = f": {parcel.message}" if parcel.message else ""
        print(
            f"order {report.order_id} parcel {parcel.tracking_number} ({parcel.carrier}): {parcel.outcome}{extra}{note}"
        )
    return 0 if all(p.outcome != "rejected" for p in report.parcels) else 1


# --- status and webhooks -------------------------------------------------------------------------------


def status_lines(integration: Integration) -> Iterator[str]:
    status = integration.status()
    reauth = status.reauthorization
    yield f"integration        {status.integration_id} ({status.connector}, {status.name})"
    account = status.account
    shop = f"{account.name or ''} {account.id}".strip() if account else "-"
    yield f"shop               {shop}"
    yield f"connected          {'yes' if status.connected else 'no'}"
    yield f"access token until {_when(status.access_expires_at)}"
    yield f"re-authorize by    {_when(reauth.deadline)}"
    if reauth.needs_reauthorization:
        yield f"RE-AUTHORIZATION NEEDED: {reauth.reason}"
    yield f"last order sync    {_when(status.last_order_sync)}"
    yield f"order cursor       {status.order_cursor or '-'}"


def cmd_status(args: argparse.Namespace) -> int:
    for line in status_lines(open_integrations(args).open(args.integration)):
        print(line)
    return 0


def cmd_webhook_verify(args: argparse.Namespace) -> int:
    integration = open_integrations(args).open(args.integration)
    body = Path(args.body).read_bytes()
    if args.strip_newline:
        body = body.rstrip(b"\r\n")
    ctx = integration.context()
    if not integration.connector.verify_webhook(ctx, {"authorization": args.signature}, body):
        print("invalid: the signature does not match this body and app secret", file=sys.stderr)
        return 1
    print("valid signature")
    for event in integration.connector.parse_webhook(ctx, {"authorization": args.signature}, body):
        print(
            f"  {event.kind.value}: {event.channel_type} order={event.order_id or '-'} status={event.channel_status or '-'}"
        )
    return 0


# --- wiring --------------------------------------------------------------------------------------------


def register(sub: Any) -> None:
    def add(name: str, help_text: str, handler: Any, parent: Any = sub) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = parent.add_parser(name, help=help_text)
        parser.add_argument(
            "--home", help="store directory (default $CHANNEL_CONNECTORS_HOME or ./.channel-connectors)"
        )
        parser.set_defaults(handler=handler)
        return parser

    integ = sub.add_parser("integrations", help="add, list, show or remove integrations")
    integ_sub = integ.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = add("add", "create an integration from a JSON file or prompts", cmd_integrations_add, integ_sub)
    p.add_argument("connector")
    p.add_argument("--file", help="JSON file of credential values (else prompts; secrets without echo)")
    p.add_argument("--settings", help="JSON file of settings values")
    p.add_argument("--name", help="a name for people")
    add("list", "list integrations and their state", cmd_integrations_list, integ_sub)
    add("show", "show one integration (secrets redacted)", cmd_integrations_show, integ_sub).add_argument(
        "integration"
    )
    add("remove", "delete an integration and all it stored", cmd_integrations_remove, integ_sub).add_argument(
        "integration"
    )

    p = add("connect", "authorize an integration (OAuth) through a local callback server", cmd_connect)
    p.add_argument("integration")
    p.add_argument("--code", help="an auth code already obtained (skips the callback server)")
    p.add_argument("--port", type=int, default=8765, help="callback server port on 127.0.0.1 (default 8765)")
    p.add_argument("--timeout", type=float, default=300, help="seconds to wait for the callback")

    p = add(
        "pull-orders",
        "import orders as JSON Lines (resumes from the cursor; a window backfills)",
        cmd_pull_orders,
    )
    p.add_argument("integration")
    p.add_argument("--since", help="backfill from this ISO date/time (UTC)")
    p.add_argument("--until", help="backfill up to this ISO date/time (UTC)")
    p.add_argument("--output", help="append to this file instead of stdout")

    p = add("push-stock", "push stock levels from a CSV (sku,quantity[,warehouse])", cmd_push_stock)
    p.add_argument("integration")
    p.add_argument("file")
    p.add_argument("--force", action="store_true", help="send levels even when unchanged since the last push")

    p = add("confirm-shipment", "confirm a shipment with tracking", cmd_confirm_shipment)
    p.add_argument("integration")
    p.add_argument("--order", required=True)
    p.add_argument("--tracking", required=True)
    p.add_argument("--carrier", required=True)
    p.add_argument("--lines", help="SKU:QTY,... (default: every line not shipped yet)")

    add("status", "token expiry, re-authorization deadline, last sync", cmd_status).add_argument(
        "integration"
    )

    webhook = sub.add_parser("webhook", help="webhook tools")
    webhook_sub = webhook.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = add(
        "verify", "verify a webhook body's signature and show its events", cmd_webhook_verify, webhook_sub
    )
    p.add_argument("integration")
    p.add_argument("--body", required=True, help="file with the raw body bytes as received")
    p.add_argument("--signature", required=True, help="the Authorization header value")
    p.add_argument("--strip-newline", action="store_true", help="drop a trailing newline an editor added")
