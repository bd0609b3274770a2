"""Errors the store raises, each saying what to do about it and never carrying a secret."""

from __future__ import annotations

from ..errors import ConnectorError


class UnknownIntent(ConnectorError, KeyError):
    """`finish_intent` for an intent that never began: a flow bug, never a channel answer."""

    def __init__(self, integration_id: str, account_id: str, kind: str, key: str) -> None:
        self.integration_id, self.account_id, self.kind, self.key = integration_id, account_id, kind, key
        shop = f" shop {account_id!r}" if account_id else ""
        super().__init__(
            f"integration {integration_id!r}{shop}: no {kind} intent {key!r} was begun, so its outcome "
            "cannot be recorded: begin_intent must come before the call to the channel"
        )

    def __str__(self) -> str:  # KeyError would quote the whole message
        return str(self.args[0])


class UnknownConnectLink(ConnectorError):
    def __init__(self) -> None:
        super().__init__("this connect link is unknown: ask for a new link")


class StoreUnavailable(ConnectorError):
    """The database cannot be reached or dropped the connection; `where` is host:port, never a password."""

    def __init__(self, where: str, reason: str) -> None:
        self.where = where
        self.reason = reason
        super().__init__(f"the store database at {where} is unavailable: {reason}")


class StoreConfigurationError(ConnectorError):
    """The store URL or its options cannot be used."""


class UnknownApp(ConnectorError, KeyError):
    def __init__(self, app_id: str) -> None:
        self.app_id = app_id
        super().__init__(f"no app {app_id!r} in the store: list them with Integrations.apps()")

    def __str__(self) -> str:
        return str(self.args[0])


class AppInUse(ConnectorError):
    def __init__(self, app_id: str, connections: int) -> None:
        self.app_id = app_id
        super().__init__(
            f"app {app_id!r} is used by {connections} connection(s): remove them first, or keep the app"
        )


class UnknownShop(ConnectorError, KeyError):
    def __init__(self, integration_id: str, shop_id: str) -> None:
        self.integration_id, self.shop_id = integration_id, shop_id
        super().__init__(
            f"integration {integration_id!r} has no shop {shop_id!r}: connect again to list its shops"
        )

    def __str__(self) -> str:
        return str(self.args[0])


class StoreFileUnusable(StoreUnavailable):
    """SQLite refused the store's file (locked, read-only, damaged, not a database): one line naming the file
    and what to do. `cause` is the driver's own error, kept for a caller that words it differently."""

    def __init__(self, path: str, message: str, cause: BaseException) -> None:
        ConnectorError.__init__(self, message)
        self.where = f"sqlite file {path}"
        self.reason = str(cause)
        self.cause = cause
