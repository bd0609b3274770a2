"""One contract test's world: its cassette, its channel (only while recording), a store, a fixed clock.

A `ContractSession` hands the test a real `Integrations` facade (SQLite store in a temporary folder, the
connector loaded by entry point) whose HTTP traffic goes through the test's cassette:

- **replay** (the default): the cassette answers every request, the socket layer refuses every
  connection (loopback included), no channel or emulator is started, and whatever the recording
  learned from the channel (the clock, the shop picked, the SKUs and orders it used) comes back from
  the cassette's ``metadata`` as *facts*;
- **record**: the connector's harness opens the channel (the local emulator, or the live API with
  credentials from the environment), the facts are computed from it and stored, and every secret seen
  is collected so the lint can prove none reached the file.

The `CassetteLedger` is the test run's memory across sessions: secrets collected while recording, and
which cassettes the tests opened (for the unused-cassette lint).
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import SecretStr

from .. import forms
from ..host import Connector
from ..http import HttpClient
from ..integration import Integration, Integrations
from ..models import TokenSet
from ..store import SQLiteStore
from .cassettes import CassetteMiss, OpenCassette, open_cassette, should_record
from .fixed_clock import FixedClock
from .network import NetworkGuard, block_network
from .scrub import Scrubber, ScrubPolicy, SecretBook, is_placeholder, looks_like_token_field, placeholder

if TYPE_CHECKING:
    from .contract import ConnectorContract

REPLAY = "replay"
SEED_ACCESS_TOKEN = "fake_access_token_seed"  # noqa: S105 - the fake a replay stores in place of a token
SEED_REFRESH_TOKEN = "fake_refresh_token_seed"  # noqa: S105


@dataclass
class CassetteLedger:
    """What a whole test run learned: secrets seen while recording, cassettes opened, contracts collected."""

    secrets: SecretBook = field(default_factory=SecretBook)
    opened: dict[Path, set[str]] = field(default_factory=dict)
    contracts: dict[Path, set[type[ConnectorContract]]] = field(default_factory=dict)
    recorded: set[Path] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def opening(self, directory: Path, name: str) -> None:
        with self._lock:
            self.opened.setdefault(directory.resolve(), set()).add(name)

    def collected(self, contract: type[ConnectorContract]) -> None:
        with self._lock:
            self.contracts.setdefault(contract.cassette_dir.resolve(), set()).add(contract)


class ContractSession:
    """The `contract` fixture: a cassette, an `Integrations` facade through it, and the channel if recording."""

    def __init__(
        self,
        harness: ConnectorContract,
        name: str,
        *,
        mode: str = "none",
        target: str = "emulator",
        workdir: Path,
        ledger: CassetteLedger | None = None,
        cassette_dir: Path | None = None,
    ) -> None:
        self.harness = harness
        self.name = name
        self.mode = mode
        self.workdir = workdir
        self.ledger = ledger or CassetteLedger()
        self.cassette_dir = (cassette_dir or harness.cassette_dir).resolve()
        suffix = "json" if harness.serializer == "json" else "yaml"
        self.path = self.cassette_dir / f"{name}.{suffix}"
        self.recording = should_record(mode, self.path)
        self.target = target if self.recording else REPLAY
        self.channel: Any = None
        self.sleeps: list[float] = []
        self.guard: NetworkGuard | None = None
        self._facts: dict[str, Any] = {}
        self._stack = ExitStack()
        self._cassette: OpenCassette | None = None
        self._integrations: Integrations | None = None
        self._http: HttpClient | None = None
        self.credentials: dict[str, Any] = {}
        self.clock = FixedClock(0)

    # --- lifecycle ----------------------------------------------------------------------------------------

    def discard(self) -> None:
        """The test failed or skipped: write no recording (the committed cassette stays as it was) and skip
        the end-of-replay checks (they would only repeat the failure)."""
        if self._cassette is not None:
            self._cassette.discard = True

    def __enter__(self) -> ContractSession:
        try:
            self._open()
        except BaseException:
            self._stack.close()
            raise
        return self

    def _open(self) -> None:
        harness = self.harness
        self.ledger.opening(self.cassette_dir, self.name)
        connector = harness.connector()
        policy = harness.scrub_policy(connector.manifest)
        aliases: Mapping[str, str] = {}
        if self.recording:
            self.channel = self._stack.enter_context(harness.open_channel(self.target))
            self.credentials = dict(harness.credentials(self.channel, self.target))
            aliases = harness.host_aliases(self.channel)
            self._remember_secrets(connector)
        else:
            self.guard = self._stack.enter_context(block_network(f"replaying {self.path.name}"))
            self.credentials = dict(harness.replay_credentials())
        scrubber = Scrubber(
            policy,
            host_aliases=aliases,
            secrets=self.ledger.secrets if self.recording else None,
            cassette=self.path.name,
        )
        self._cassette = self._stack.enter_context(
            open_cassette(self.path, scrubber, recording=self.recording, serializer=harness.serializer)
        )
        started = self.fact("clock", lambda channel: int(harness.recording_time(channel, self.target)))
        self.clock = FixedClock(int(started))
        store = SQLiteStore(self.workdir / f"{self.name}.sqlite3", clock=self.clock)
        self._http = HttpClient(
            connector.manifest.name,
            secret_parameters=connector.manifest.secret_parameters,
            sleep=self._sleep,
            rng=random.Random(0),
        )
        self._stack.callback(self._http.close)
        self._integrations = Integrations(
            harness.host(), store, clock=self.clock, http_clients={connector.id: self._http}
        )

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        cassette = self._cassette
        if exc is not None and cassette is not None:
            cassette.discard = True
        self._stack.__exit__(exc_type, exc, tb)
        if cassette is None or exc is not None or cassette.discard:
            return
        if self.recording:
            if self.path.exists():
                self.ledger.recorded.add(self.path)
            return
        if cassette.misses:
            raise CassetteMiss(
                cassette.path,
                cassette.misses,
                hint="the connector caught the replay's error and went on, but these requests were never "
                "recorded",
            )
        left = cassette.unplayed()
        if left and self.harness.strict_playback:
            raise AssertionError(
                f"cassette {cassette.path}: {left} recorded interaction(s) were not replayed: the flow now "
                "makes fewer requests than when it was recorded; re-record it (see docs/contract-testing.md)"
            )

    # --- facts: what the recording learned from the channel ----------------------------------------------

    def fact(self, key: str, compute: Callable[[Any], Any]) -> Any:
        """A JSON value computed from the channel while recording and read back from the cassette on replay.

        While recording, `compute(channel)` runs and its result is returned as is; what is stored has every
        secret replaced (fields named like secret parameters become ``<name>``, values the session knows
        to be secret become ``<secret>``). On replay the stored value is returned.
        """
        cassette = self._require_cassette()
        if key in self._facts:
            return self._facts[key]
        if self.recording:
            value = compute(self.channel)
            cassette.set_fact(key, self._scrub_fact(value))
        else:
            try:
                value = cassette.get_fact(key)
            except KeyError:
                raise CassetteMiss(
                    cassette.path,
                    [f"(fact {key!r})"],
                    hint=f"the cassette's metadata has no {key!r}: it was recorded by an older suite",
                ) from None
        self._facts[key] = value
        return value

    def _scrub_fact(self, value: Any) -> Any:
        policy = self.harness.scrub_policy(self.harness.connector().manifest)
        secret_values = dict(self.ledger.secrets.items())

        def clean(node: Any, key: str | None = None) -> Any:
            if isinstance(node, dict):
                return {k: clean(v, str(k)) for k, v in node.items()}
            if isinstance(node, list):
                return [clean(v) for v in node]
            if isinstance(node, str):
                if key is not None and key != "state" and policy.is_secret(key):
                    return placeholder(key)
                if key == "state":
                    return placeholder("state")
                for secret in secret_values:
                    node = node.replace(secret, placeholder("secret"))
                return node
            if isinstance(node, datetime):
                return node.isoformat()
            return node

        return clean(value)

    def _require_cassette(self) -> OpenCassette:
        return _opened(self._cassette)

    # --- what tests use -----------------------------------------------------------------------------------

    @property
    def integrations(self) -> Integrations:
        return _opened(self._integrations)

    @property
    def http(self) -> HttpClient:
        return _opened(self._http)

    @property
    def connector(self) -> Connector:
        return self.harness.connector()

    def new_integration(self, settings: Mapping[str, Any] | None = None) -> Integration:
        """A fresh, unconnected integration with the session's credentials and the harness's settings."""
        record = self.integrations.create(
            self.harness.connector_id, self.credentials, {**self.harness.settings, **(settings or {})}
        )
        return self.integrations.open(record.id)

    def connected(self, settings: Mapping[str, Any] | None = None) -> Integration:
        """An integration holding tokens (issued by the channel, not by a consent flow), its accounts
        discovered (one call to the channel) and the harness's account selected."""
        integration = self.new_integration(settings)
        integration.tokens.store_new_tokens(self.seed_tokens())
        accounts = integration.discover_accounts()
        chosen = self.fact("account", lambda channel: self.harness.choose_account(channel, accounts).id)
        if integration.record.account_id != chosen:
            integration.select_account(str(chosen))
        return integration

    def seed_tokens(self) -> TokenSet:
        """Tokens to start from: the harness's real ones while recording, fakes with the same expiries on
        replay (the filters keep token values out of every request the replay matches)."""
        if self.recording:
            tokens = self.harness.issue_tokens(self.channel)
            self.ledger.secrets.add(tokens.access_token.get_secret_value(), "seeded access token")
            if tokens.refresh_token is not None:
                self.ledger.secrets.add(tokens.refresh_token.get_secret_value(), "seeded refresh token")
            self.fact("tokens", lambda channel: _token_facts(tokens))
            return tokens
        facts = self.fact("tokens", lambda channel: None)
        return TokenSet(
            access_token=SecretStr(SEED_ACCESS_TOKEN),
            access_expires_at=facts["access_expires_at"],
            refresh_token=SecretStr(SEED_REFRESH_TOKEN) if facts.get("has_refresh_token") else None,
            refresh_expires_at=facts.get("refresh_expires_at"),
            scopes=facts.get("scopes") or [],
            extra=facts.get("extra") or {},
        )

    def callback_params(self, authorization_url: str) -> dict[str, str]:
        """The OAuth callback's query after the seller consents on `authorization_url`.

        Recording: the harness obtains it (the emulator approves at once; live needs a code from the
        environment). Replay: the stored callback, with the ``state`` of this run's authorization URL
        (the code is a placeholder: the filters keep it out of what the replay matches).
        """
        params = self.fact(
            "callback", lambda channel: dict(self.harness.seller_consent(channel, authorization_url))
        )
        params = {str(k): str(v) for k, v in params.items()}
        if self.recording:
            for key, value in params.items():
                if key != "state" and (looks_like_token_field(key) or key == "code"):
                    self.ledger.secrets.add(value, f"OAuth callback {key}")
            return params
        state = _query_value(authorization_url, "state")
        if "state" in params and state is not None:
            params["state"] = state
        return params

    def on_channel(self, action: Callable[[Any], object]) -> None:
        """Do something to the channel (inject a fault, move an order) while recording; nothing on replay,
        where the cassette already holds the channel's answers to it."""
        if self.recording:
            action(self.channel)

    def require_faults(self) -> None:
        """Skip, with the reason, when recording against a target that cannot inject faults (live)."""
        import pytest

        if self.recording and self.target not in self.harness.fault_targets:
            pytest.skip(
                f"fault injection needs one of {sorted(self.harness.fault_targets)}; "
                f"recording against {self.target!r} cannot make the channel fail on demand"
            )

    # --- internals ----------------------------------------------------------------------------------------

    def _sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        if self.recording:
            time.sleep(min(seconds, self.harness.max_recording_sleep))

    def _remember_secrets(self, connector: Connector) -> None:
        schema = connector.credentials_schema()
        secret_names = forms.secret_fields(schema) | {
            p for p in connector.manifest.secret_parameters if p in self.credentials
        }
        for name in secret_names:
            value = self.credentials.get(name)
            if isinstance(value, str) and not is_placeholder(value):
                self.ledger.secrets.add(value, f"credential {name}")
        for value, label in self.harness.recording_secrets(self.channel).items():
            self.ledger.secrets.add(value, label)


def _token_facts(tokens: TokenSet) -> dict[str, Any]:
    return {
        "access_expires_at": tokens.access_expires_at.isoformat(),
        "refresh_expires_at": tokens.refresh_expires_at.isoformat() if tokens.refresh_expires_at else None,
        "has_refresh_token": tokens.refresh_token is not None,
        "scopes": list(tokens.scopes),
        "extra": dict(tokens.extra),
    }


def _query_value(url: str, name: str) -> str | None:
    from urllib.parse import parse_qsl, urlsplit

    for key, value in parse_qsl(urlsplit(url).query):
        if key == name:
            return value
    return None


@contextmanager
def contract_session(
    harness: ConnectorContract,
    name: str,
    *,
    mode: str = "none",
    target: str = "emulator",
    workdir: Path,
    ledger: CassetteLedger | None = None,
    cassette_dir: Path | None = None,
) -> Iterator[ContractSession]:
    """`ContractSession` as a context manager function (for tests that drive a flow outside the fixture)."""
    with ContractSession(
        harness, name, mode=mode, target=target, workdir=workdir, ledger=ledger, cassette_dir=cassette_dir
    ) as session:
        yield session


__all__ = ["REPLAY", "CassetteLedger", "ContractSession", "ScrubPolicy", "contract_session"]


_T = TypeVar("_T")


def _opened(value: _T | None) -> _T:
    """What the open session set up; outside the `with` block there is nothing, and that is a usage error."""
    if value is None:
        raise RuntimeError("the contract session is not open: use it as a context manager")
    return value
