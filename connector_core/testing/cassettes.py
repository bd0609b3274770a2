"""vcrpy, configured from a connector's manifest: replay only by default, matched on what the connector
chose (method, path, the non-secret query parameters, the body), never on secrets or on the host.

`vcr_config(manifest)` gives the keyword arguments for ``vcr.VCR(...)`` (or pytest-recording's
``vcr_config`` fixture) for a host that wires vcrpy itself; `open_cassette` is what the contract suite
uses: one cassette, recorded from scratch or replayed strictly, with every request the cassette does
not hold collected and reported by `CassetteMiss` (naming the request and the cassette) even when the
connector under test swallowed vcrpy's own error.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from ..models import Manifest
from .scrub import Scrubber, ScrubPolicy, SecretBook

MATCH_ON = ("method", "path", "query", "body")
"""Host and port are left out: an emulator's port changes every run, and replay never connects anyway."""

RECORD_MODES = ("none", "once", "rewrite")


class CassetteMiss(AssertionError):
    """The code under test made a request its cassette does not hold (replay never reaches the network)."""

    def __init__(self, cassette: Path, requests: list[str], hint: str = "") -> None:
        self.cassette = cassette
        self.requests = requests
        shown = "\n".join(f"  {line}" for line in requests[:5])
        more = f"\n  ... and {len(requests) - 5} more" if len(requests) > 5 else ""
        super().__init__(
            f"cassette {cassette} holds no recorded answer for:\n{shown}{more}\n"
            f"{hint or 'the connector now makes a request it did not make when the cassette was recorded'}; "
            "re-record it (see docs/contract-testing.md: pytest tests/contract --channel-record-mode=rewrite)"
        )


def describe_request(request: Any) -> str:
    """``METHOD /path?non-secret=query`` plus a short body: what names a request in an error."""
    parts = urlsplit(str(request.uri))
    query = "&".join(f"{k}={v}" for k, v in parse_qsl(parts.query, keep_blank_values=True))
    line = f"{request.method} {parts.path}{'?' + query if query else ''}"
    body = request.body
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    if isinstance(body, str) and body:
        line += f"  body: {body if len(body) <= 200 else body[:200] + '...'}"
    return line


def should_record(mode: str, path: Path) -> bool:
    """none: never; once: only a cassette that does not exist yet; rewrite: always."""
    if mode not in RECORD_MODES:
        raise ValueError(f"record mode {mode!r} is not one of {', '.join(RECORD_MODES)}")
    return mode == "rewrite" or (mode == "once" and not path.exists())


def vcr_config(
    manifest: Manifest,
    *,
    record_mode: str = "none",
    policy: ScrubPolicy | None = None,
    host_aliases: dict[str, str] | None = None,
    secrets: SecretBook | None = None,
) -> dict[str, Any]:
    """Keyword arguments for ``vcr.VCR(**vcr_config(manifest))``: the kit's filters and matching.

    `record_mode` is vcrpy's (``none`` replays only: an unmatched request raises). The filters replace
    every name in `manifest.secret_parameters` wherever it appears in a request, fake token values in
    responses, and drop volatile headers; see `connector_core.testing.scrub`. vcrpy's own default
    ``allow_playback_repeats=False`` is what makes a 429 and its retry replay in order: keep it.
    """
    scrubber = Scrubber(
        policy or ScrubPolicy.from_manifest(manifest), host_aliases=host_aliases, secrets=secrets
    )
    return {
        "record_mode": record_mode,
        "match_on": MATCH_ON,
        "serializer": "yaml",
        **scrubber.vcr_options(),
    }


@dataclass
class OpenCassette:
    """A cassette in use: vcrpy's cassette object, whether it records, and the requests it could not play."""

    path: Path
    recording: bool
    cassette: Any
    misses: list[str] = field(default_factory=list)
    discard: bool = False
    """Set when the test failed or skipped: a recording is then not written (the old file stays)."""

    def get_fact(self, key: str) -> Any:
        """A value stored beside the interactions (``metadata`` in the file); KeyError if absent."""
        metadata: dict[str, Any] = self.cassette._metadata
        return metadata[key]

    def set_fact(self, key: str, value: Any) -> None:
        self.cassette._metadata[key] = value
        self.cassette.dirty = True

    def unplayed(self) -> int:
        """Recorded interactions the replay did not use."""
        if self.recording:
            return 0
        return len(self.cassette.data) - len(self.cassette.play_counts)


@contextmanager
def open_cassette(
    path: Path, scrubber: Scrubber, *, recording: bool, serializer: str = "yaml"
) -> Iterator[OpenCassette]:
    """Use one cassette: recorded afresh (the old file is neither read nor kept) or replayed strictly.

    Replay plays each recorded interaction once, in order among those that match (a 429 then its retry's
    200 replay in the order they were recorded). A recording that raises is not saved, so a failed
    re-record leaves the committed cassette as it was.
    """
    import vcr
    from vcr.cassette import Cassette, CassetteContextDecorator

    handle = OpenCassette(path, recording, None)

    class ContractCassette(Cassette):  # type: ignore[misc]
        def _load(self) -> None:
            if not recording:
                super()._load()

        def _save(self, force: bool = False) -> None:
            if recording and handle.discard:
                return
            super()._save(force)

        def can_play_response_for(self, request: Any) -> bool:
            playable = bool(super().can_play_response_for(request))
            if not playable and self.write_protected:
                filtered = self._before_record_request(request)
                handle.misses.append(describe_request(filtered if filtered is not None else request))
                already = any(True for _ in self._responses(request))
                raise CassetteMiss(
                    path,
                    handle.misses[-1:],
                    hint="every recorded answer to it was already played (the flow now repeats it)"
                    if already
                    else "",
                )
            return playable

    engine = vcr.VCR(
        serializer=serializer,
        record_mode="all" if recording else "none",
        match_on=MATCH_ON,
        record_on_exception=False,
        **scrubber.vcr_options(),
    )
    config = engine.get_merged_config(path=str(path), allow_playback_repeats=False)
    if not recording and not path.exists():
        raise CassetteMiss(path, ["(no request yet)"], hint="the cassette does not exist")
    with CassetteContextDecorator(ContractCassette, lambda: dict(config)) as cassette:
        handle.cassette = cassette
        yield handle
