"""`webhook verify ID --body FILE --signature SIG`: check a delivery's signature and show its events.
`webhook receive ID --body FILE --signature SIG`: take a delivery as the web receiver would (verified,
checked, recorded in the store's outbox once), e.g. one captured while the receiver was down; the workers'
outbox sweep handles it, and a delivery any path took already is reported as such, not handled again.
`webhook subscriptions ID [--repair]`: the shop's subscriptions against what the kit needs. `webhook
reconcile ID`: the reconciliation sweep (work/reconcile.py), handing over to the host plugins."""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta
from typing import Any

from ..aftersales import FAMILIES, SWEEP_PAGE_CAP, SWEEP_WINDOW
from .inputs import read_bytes
from .output import print_json
from .parsing import add_command, add_group, non_blank
from .session import open_integrations, store_options

PROG = "channel-connectors"


def signature_argument(text: str) -> str:
    """A header value as received: printable ASCII only (HTTP header values are; anything else was mangled
    by a copy and paste, and would only fail later, less clearly)."""
    value = non_blank(text)
    if not value.isascii() or not value.isprintable():
        raise argparse.ArgumentTypeError(
            "holds characters a signature never has (only printable ASCII): copy the header value again"
        )
    return value


def cmd_verify(args: argparse.Namespace) -> int:
    body = read_bytes(args.body, "body file")
    if args.strip_newline:
        body = body.rstrip(b"\r\n")
    integration = open_integrations(args).open(args.integration)
    ctx = integration.context()
    headers = {"authorization": args.signature}
    valid = integration.connector.verify_webhook(ctx, headers, body)
    events = list(integration.connector.parse_webhook(ctx, headers, body)) if valid else []
    if args.json:
        print_json(
            {
                "integration": integration.id,
                "valid": valid,
                "events": [e.model_dump(mode="json") for e in events],
            }
        )
        return 0 if valid else 1
    if not valid:
        print(
            f"invalid: the signature does not match this body and the app secret of {integration.id} "
            "(an editor's trailing newline? try --strip-newline)",
            file=sys.stderr,
        )
        return 1
    print("valid signature")
    for event in events:
        print(
            f"  {event.kind.value}: {event.channel_type} order={event.order_id or '-'} "
            f"status={event.channel_status or '-'}"
        )
    return 0


def cmd_receive(args: argparse.Namespace) -> int:
    body = read_bytes(args.body, "body file")
    if args.strip_newline:
        body = body.rstrip(b"\r\n")
    integration = open_integrations(args).open(args.integration)
    fresh = integration.receive_webhook({"authorization": args.signature}, body)  # refusals: one line, exit 1
    if args.json:
        print_json({"integration": integration.id, "new_events": [e.model_dump(mode="json") for e in fresh]})
        return 0
    if not fresh:
        print("nothing new: every event of this delivery was recorded already (by this or another path)")
        return 0
    print(f"recorded {len(fresh)} new event(s); the workers' outbox sweep handles them:")
    for event in fresh:
        print(f"  {event.id} {event.kind.value}: order={event.order_id or '-'}")
    return 0


def cmd_subscriptions(args: argparse.Namespace) -> int:
    integration = open_integrations(args).open(args.integration)
    states = integration.webhook_subscriptions(args.address, repair=args.repair)
    if not states:
        print("this channel's webhooks are set in its partner console, not per shop")
        return 0
    for state in states:
        print(f"{state.event}: {state.state}{f' -> {state.address}' if state.address else ''}")
    drift = [s for s in states if s.state in ("missing", "elsewhere")]
    if drift:
        print(f"{len(drift)} needed event(s) not delivered here: repeat with --repair (and --address or "
              "CHANNEL_CONNECTORS_WEBHOOK_BASE_URL)")  # fmt: skip
    return 1 if drift else 0


def cmd_reconcile(args: argparse.Namespace) -> int:
    """The reconciliation sweep from the terminal, handing over to the host plugins as the worker does."""
    from ..work.reconcile import reconcile  # the worker's modules load only when the command runs

    integration = open_integrations(args).open(args.integration)  # with the host plugins, as workers do
    reports = reconcile(
        integration,
        window=timedelta(hours=args.hours),
        page_cap=args.pages,
        families=args.family or FAMILIES,
        shop=args.shop,
    )
    if args.json:
        print_json({"shops": [r.as_dict() for r in reports]})
        return 0
    for report in reports:
        counts = ", ".join(f"{family} {n}" for family, n in report.handed_over.items())
        print(f"shop {report.shop}: handed over {counts or 'nothing'}")
        if report.capped:
            print(f"  cut at {args.pages} page(s): {', '.join(report.capped)} (the imports read the rest)")
        for family, why in report.skipped.items():
            print(f"  {family} skipped: {why}")
    return 0


def register(sub: Any) -> None:
    actions = add_group(sub, "webhook", "webhook tools")
    sweep = add_command(
        actions,
        "reconcile",
        "hand the host what webhooks missed: re-read each shop's recent orders, cancellations and returns",
        examples=[f"{PROG} webhook reconcile ID --hours 6 --pages 10 --family returns"],
        parents=[store_options()],
    )
    sweep.add_argument("integration", help="the integration's id, as `integrations list` shows it")
    sweep.add_argument("--hours", type=float, default=SWEEP_WINDOW.total_seconds() / 3600,
                       help="how far back to read (default: %(default)s)")  # fmt: skip
    sweep.add_argument("--pages", type=int, default=SWEEP_PAGE_CAP,
                       help="pages read at most per shop and family (default: %(default)s)")  # fmt: skip
    sweep.add_argument("--family", action="append", choices=FAMILIES, help="only these event families")
    sweep.add_argument("--shop", help="only this shop (default: every shop served)")
    sweep.add_argument("--json", action="store_true", help="print the per-shop reports as JSON")
    sweep.set_defaults(handler=cmd_reconcile)
    subs = add_command(
        actions,
        "subscriptions",
        "show the shop's webhook subscriptions against what the kit needs; --repair subscribes the rest",
        examples=[
            f"{PROG} webhook subscriptions ID --repair --address https://host.example/webhooks/tiktok_shop"
        ],
        parents=[store_options()],
    )
    subs.add_argument("integration", help="the integration's id, as `integrations list` shows it")
    subs.add_argument("--repair", action="store_true", help="subscribe every needed event that is not")
    subs.add_argument("--address", help="the webhook URL (default: CHANNEL_CONNECTORS_WEBHOOK_BASE_URL)")
    subs.set_defaults(handler=cmd_subscriptions)
    p = add_command(
        actions,
        "verify",
        "verify a webhook body's signature and show its events",
        examples=[f"{PROG} webhook verify ID --body body.json --signature 3f9a...e1"],
        parents=[store_options()],
    )
    _delivery_arguments(p)
    p.add_argument("--json", action="store_true", help="print the result as JSON (shape: docs/cli.md)")
    p.set_defaults(handler=cmd_verify)
    r = add_command(
        actions,
        "receive",
        "take a captured delivery as the web receiver would: verified, recorded once in the outbox",
        examples=[f"{PROG} webhook receive ID --body body.json --signature 3f9a...e1"],
        parents=[store_options()],
    )
    _delivery_arguments(r)
    r.add_argument("--json", action="store_true", help="print the new events as JSON (shape: docs/cli.md)")
    r.set_defaults(handler=cmd_receive)


def _delivery_arguments(parser: argparse.ArgumentParser) -> None:
    """What `verify` and `receive` both read: the integration and one captured delivery (body, signature)."""
    parser.add_argument("integration", help="the integration's id, as `integrations list` shows it")
    parser.add_argument(
        "--body", required=True, help="file with the raw body bytes as received, or - for stdin"
    )
    parser.add_argument(
        "--signature", required=True, type=signature_argument, help="the Authorization header value"
    )
    parser.add_argument(
        "--strip-newline", action="store_true", help="drop a trailing newline an editor added"
    )
