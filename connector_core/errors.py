"""One exception tree for the framework and every connector.

Each error's text says what happened *and what to do about it*, because the person reading it is usually an
operator looking at a log line, not the author of the connector. No error ever carries a secret: messages are
built from codes, ids and field names, never from credential values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from .redaction import scrub


class ConnectorError(Exception):
    """Base of every error raised by connector_core or a connector.

    Every text argument is scrubbed of registered secrets and secret-named parameters *before* the exception
    exists: a channel that echoes the request (query with `sign`, a token header) cannot carry a secret into a
    message the CLI prints or a traceback shows.
    """

    def __init__(self, *args: object) -> None:
        super().__init__(*(scrub(a) if isinstance(a, str) else a for a in args))


# --- loading -----------------------------------------------------------------------------------------


class ConnectorLoadError(ConnectorError):
    """A connector could not be loaded (import failed, hooks missing, manifest invalid)."""

    def __init__(self, connector: str, reason: str) -> None:
        self.connector = connector
        self.reason = reason
        super().__init__(f"connector {connector!r} could not be loaded: {reason}")


class UnknownConnector(ConnectorError):
    """A connector id was asked for that is not loaded."""

    def __init__(self, connector: str, available: Sequence[str]) -> None:
        self.connector = connector
        names = ", ".join(sorted(available)) or "none"
        super().__init__(f"no connector named {connector!r} is loaded (loaded: {names})")


class CapabilityNotSupported(ConnectorError):
    """The host asked a connector for something its manifest does not declare."""

    def __init__(self, connector: str, capability: str) -> None:
        super().__init__(f"connector {connector!r} does not declare the {capability!r} capability")


# --- input -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldError:
    """One problem with one field: `field` is a dotted path ('' for the whole document)."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field or '(form)'}: {self.message}"


class InvalidInput(ConnectorError):
    """Input from the host or an operator is wrong; `errors` names every bad field."""

    def __init__(self, what: str, errors: Sequence[FieldError]) -> None:
        self.what = what
        self.errors = list(errors)
        details = "; ".join(str(e) for e in self.errors)
        super().__init__(f"invalid {what}: {details}")


class UnknownIntegration(ConnectorError):
    def __init__(self, integration_id: str) -> None:
        self.integration_id = integration_id
        super().__init__(
            f"no integration {integration_id!r} in the store: "
            "list them with `channel-connectors integrations list`"
        )


class OAuthStateError(ConnectorError):
    """The OAuth callback's `state` is unknown, expired or already used (a replayed or forged callback)."""


# --- tokens ------------------------------------------------------------------------------------------


class UnsafeHeader(ConnectorError):
    """A request header value holds a line break or control character; the message names the header only."""

    def __init__(self, channel: str, header: str) -> None:
        self.channel = channel
        self.header = header
        super().__init__(
            f"{channel}: refusing to send header {header!r}: its value holds a line break or control "
            "character (the value is not shown); check where it came from (a token answer?) and reconnect"
        )


class ReauthorizationRequired(ConnectorError):
    """The seller must authorize the app again: the refresh token expired, was revoked, or never existed."""

    def __init__(
        self,
        integration_id: str,
        reason: str,
        deadline: datetime | None = None,
        code: int | str | None = None,
    ) -> None:
        self.integration_id = integration_id
        self.reason = reason
        self.deadline = deadline
        self.code = code
        when = f" (authorization ended {deadline:%Y-%m-%d %H:%M} UTC)" if deadline else ""
        super().__init__(
            f"re-authorize integration {integration_id!r}: {reason}{when}; "
            f"run `channel-connectors connect {integration_id}`"
        )


class RefreshTokenRejected(ReauthorizationRequired):
    """The channel does not know the refresh token (revoked, or rotated away by a refresh whose answer was
    lost), as opposed to one that merely expired. The token lifecycle uses the difference to say which."""


# --- the channel ---------------------------------------------------------------------------------------


class ChannelError(ConnectorError):
    """The channel's API refused or failed a call. Keeps the channel's own code, message and request id."""

    hint = "see the channel's error code documentation"

    def __init__(
        self,
        channel: str,
        code: int | str | None,
        message: str,
        request_id: str | None = None,
        http_status: int | None = None,
        hint: str | None = None,
    ) -> None:
        self.channel = channel
        self.code = code
        self.channel_message = scrub(message)
        self.request_id = request_id
        self.http_status = http_status
        if hint is not None:
            self.hint = hint
        super().__init__(self._text())

    def _text(self) -> str:
        parts = [f"{self.channel} API returned {self.code}"]
        if self.http_status:
            parts.append(f" (HTTP {self.http_status})")
        parts.append(f": {self.channel_message}")
        if self.request_id:
            parts.append(f" [request_id {self.request_id}]")
        parts.append(f"; {self.hint}")
        return "".join(parts)


class AccessTokenExpired(ChannelError):
    hint = "refreshing the access token and retrying once"


class SignatureInvalid(ChannelError):
    hint = "the request signature was rejected: check the app secret and that the machine clock is correct"


class PermissionDenied(ChannelError):
    hint = "enable the API's scope package for the app in the channel's partner console, then re-authorize"


class AccountInactive(ChannelError):
    """The channel refuses every call for this shop or seller account: it is inactive there (deactivated,
    closing). Terminal for the account: not retried, not a token problem; the seller must reactivate it."""

    hint = (
        "the channel says this shop or seller is inactive: nothing is retried; once the seller reactivates it, "
        "run a connection check"
    )


class RateLimited(ChannelError):
    hint = "rate limited: backing off and retrying"

    def __init__(self, *args: object, retry_after: float | None = None, **kwargs: object) -> None:
        self.retry_after = retry_after
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]


class ChannelUnavailable(ChannelError):
    hint = "the channel failed or could not be reached; the call is retried with backoff, try again later"


class CallDeadlineExceeded(ChannelUnavailable):
    """No complete answer within the call's overall deadline (connect, every retry and the body together)."""

    hint = "the channel answered too slowly; nothing was taken from the partial answer, try again later"


class ResponseTooLarge(ChannelError):
    """The answer's body exceeded the response-size cap; reading stopped there and the answer was dropped."""

    hint = "the channel sent far more than any answer of this call holds; nothing was taken from it"


class InconsistentAnswer(ChannelError):
    """An answer that contradicts itself or the rest of a paged run: `code 0` without its data, a page token
    that repeats, a middle page without a next token, more items than the stated total, a body that is not
    the JSON the channel always sends (HTML error page, truncated). Retryable: the caller asks again a
    bounded number of times, then raises it; a run that meets it never ends as if complete."""

    hint = "the channel's answer was inconsistent; asked again and gave up: nothing was marked done, try again later"


class ItemRejected(ChannelError):
    """One item (SKU, package, order line) inside an otherwise successful call was refused."""

    hint = "the rest of the batch went through; fix this item and send it again"


class ShipmentNotAllowed(ConnectorError):
    """A shipment confirmation the channel will not take for this order (e.g. channel-arranged shipping)."""


class ShipmentRejected(ConnectorError):
    """The parcels of a shipment cannot be matched to the order's lines as described (`plan_shipment`).

    Nothing was sent and nothing recorded; the message names the order and the parcel or SKU to fix.
    """


class LabelNotAllowed(ConnectorError):
    """The channel will not label this order or these boxes as asked; the text names the rule and what to do."""


class LabelRefused(ConnectorError):
    """The channel answered and refused one box's label (nothing was bought); the text says what to change."""

    def __init__(self, message: str, code: str | None = None) -> None:
        self.code = code
        super().__init__(message)


class LabelVoidUnsupported(ConnectorError):
    """The channel cannot void a label through its API; the text says where the seller does it instead."""
