"""`channel-connectors cancellation ...` and `return ...`: decide after-sales requests from the terminal.

`cancellation approve|reject ID ORDER [--reason NAME]` decides the order's open cancellation request,
`cancellation cancel ID ORDER --reason NAME [--line ITEM ...]` cancels as the seller, `cancellation reasons
ID REQUEST` lists the channel's reasons for rejecting one request. Each decision is recorded before the
call, so repeating a command never decides twice; a contradicting one is refused with one line.
"""

from __future__ import annotations

import argparse
from decimal import Decimal
from typing import Any

from ..aftersales import ReturnAction
from ..models import Money
from .parsing import add_command, add_group
from .session import open_integrations, store_options


def _report(report: Any) -> int:
    what = {
        "applied": "done",
        "already_applied": "already done on the channel",
        "already_decided": "already decided",
    }
    extra = f" ({report.message})" if report.message else ""
    status = f", channel status {report.channel_status}" if report.channel_status else ""
    print(f"order {report.order_id}: {report.action} {what[report.outcome]}{status}{extra}")
    return 0


def cmd_decide(args: argparse.Namespace) -> int:
    integration = open_integrations(args).open(args.integration)
    report = integration.decide_cancellation(args.order, args.action, args.reason, args.comment)
    return _report(report)


def cmd_cancel(args: argparse.Namespace) -> int:
    integration = open_integrations(args).open(args.integration)
    return _report(integration.cancel_order(args.order, args.line or [], args.reason))


def cmd_reasons(args: argparse.Namespace) -> int:
    integration = open_integrations(args).open(args.integration)
    for reason in integration.decision_reasons(args.request):
        print(f"{reason.name}\t{reason.text}")
    return 0


RETURN_ACTIONS: dict[str, ReturnAction] = {
    "approve-refund": "approve_refund",
    "approve-return": "approve_return",
    "received": "mark_received",
    "reject": "reject",
    "partial-refund": "partial_refund",
}


def cmd_return_list(args: argparse.Namespace) -> int:
    integration = open_integrations(args).open(args.integration)
    count = 0
    for page in integration.pull_returns():
        for ret in page.returns:
            count += 1
            refund = f"{ret.refund_total.amount} {ret.refund_total.currency}" if ret.refund_total else "-"
            tracking = (
                f", return parcel {ret.tracking_number} ({ret.carrier or '-'})" if ret.tracking_number else ""
            )
            print(
                f"return {ret.id} of order {ret.order_id}: {ret.kind.value}, {ret.status.value}, refund {refund}{tracking}"
            )
        for problem in page.problems:
            print(f"skipped: {problem.message}")
    print(f"{count} return(s) changed since the last import")
    return 0


def cmd_return_decide(args: argparse.Namespace) -> int:
    integration = open_integrations(args).open(args.integration)
    amount = None
    if args.amount:
        value, _, currency = args.amount.partition(" ")
        amount = Money(amount=Decimal(value), currency=currency.strip().upper())
    report = integration.decide_return(
        args.return_id, RETURN_ACTIONS[args.decision], args.reason, args.comment, amount
    )
    return _report(report)


def register(sub: Any) -> None:
    """Add the `cancellation` and `return` groups to the CLI."""
    returns = add_group(sub, "return", "import buyers' returns and refunds, and decide them")
    listing = add_command(
        returns,
        "list",
        "import the returns changed since the last import of this shop's returns",
        examples=["channel-connectors return list ID"],
        parents=[store_options()],
    )
    listing.add_argument("integration", help="the integration's id, as `integrations list` shows it")
    listing.set_defaults(handler=cmd_return_list)
    for name, return_action in RETURN_ACTIONS.items():
        parser = add_command(
            returns,
            name,
            f"{return_action.replace('_', ' ')} on one return (once: repeating it decides nothing new)",
            examples=[f"channel-connectors return {name} ID 4035318812340000001"],
            parents=[store_options()],
        )
        parser.add_argument("integration", help="the integration's id, as `integrations list` shows it")
        parser.add_argument("return_id", help="the channel's return id")
        parser.add_argument("--reason", help="reject: a reason name from `cancellation reasons`")
        parser.add_argument("--comment", help="a note for the buyer")
        parser.add_argument("--amount", help="partial-refund: the amount offered, like '2.50 GBP'")
        parser.set_defaults(handler=cmd_return_decide, decision=name)
    group = add_group(sub, "cancellation", "decide buyers' cancellation requests, or cancel as the seller")
    for action in ("approve", "reject"):
        parser = add_command(
            group,
            action,
            f"{action} the order's open cancellation request (once: repeating it decides nothing new)",
            examples=[
                f"channel-connectors cancellation {action} ID 5770001"
                + (" --reason seller_reject_apply_product_has_been_packed" if action == "reject" else "")
            ],
            parents=[store_options()],
        )
        parser.add_argument("integration", help="the integration's id, as `integrations list` shows it")
        parser.add_argument("order", help="the channel's order id")
        parser.add_argument("--reason", help="reject: a reason name from `cancellation reasons`")
        parser.add_argument("--comment", help="a note for the buyer")
        parser.set_defaults(handler=cmd_decide, action=action)
    cancel = add_command(
        group,
        "cancel",
        "cancel the order (or some of its units) as the seller",
        examples=[
            "channel-connectors cancellation cancel ID 5770001 --reason seller_cancel_reason_out_of_stock"
        ],
        parents=[store_options()],
    )
    cancel.add_argument("integration", help="the integration's id, as `integrations list` shows it")
    cancel.add_argument("order", help="the channel's order id")
    cancel.add_argument("--reason", required=True, help="one of the channel's seller reasons, by name")
    cancel.add_argument("--line", action="append", metavar="ITEM_ID", help="cancel only this unit (repeat)")
    cancel.set_defaults(handler=cmd_cancel)
    reasons = add_command(
        group,
        "reasons",
        "list the channel's reasons for rejecting one cancellation or return request",
        examples=["channel-connectors cancellation reasons ID 4035318704710000001"],
        parents=[store_options()],
    )
    reasons.add_argument("integration", help="the integration's id, as `integrations list` shows it")
    reasons.add_argument("request", help="the channel's cancellation or return id")
    reasons.set_defaults(handler=cmd_reasons)
