"""The cassette lint: no secret in any cassette, and no cassette that no test uses.

Secrets are searched two ways. Exactly, for the values of the recording environment (the app secret,
every token and code issued while recording: the session collects them), in their raw and URL-encoded
forms. And by shape, for anything that looks like a credential whoever recorded it: a 64-hex signature,
a secret parameter or JSON field holding something other than a placeholder or a fake, a bearer token,
plus the connector's own patterns (TikTok's ``ROW_``/``TTP_`` tokens). A finding names the file, the
line and what was found, never the value itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, quote_plus

CASSETTE_SUFFIXES = (".yaml", ".yml", ".json")

SECRET_NAMES = r"(?:app_secret|client_secret|access_token|refresh_token|auth_code|id_token|api_key|password)"  # noqa: S105

DEFAULT_PATTERNS: dict[str, str] = {
    "a 64-hex signature (an HMAC-SHA256 sign value)": r"(?<![0-9A-Fa-f])[0-9a-f]{64}(?![0-9A-Fa-f])",
    "a secret query parameter with a real value": (
        rf"(?i)(?<![A-Za-z0-9_]){SECRET_NAMES}=(?!<|%3C|fake_)[^&\s'\"]{{4,}}"
    ),
    "a signature query parameter with a real value": r"(?<![A-Za-z0-9_])sign=(?!<|%3C)[^&\s'\"]{8,}",
    "a secret JSON field with a real value": (
        # JSON inside YAML, or escaped once more inside a JSON cassette
        rf"(?i)\"{SECRET_NAMES}\\?\"\s*:\s*\\?\"(?!<|fake_)[^\"\\]{{8,}}"
    ),
    "a bearer token": r"(?i)\bbearer\s+(?!<|fake_)[A-Za-z0-9._~+/=-]{16,}",
}


@dataclass(frozen=True)
class Finding:
    """One problem in one cassette."""

    path: Path
    kind: str  # "secret", "token-like", "unused", "unreadable"
    detail: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: {self.kind}: {self.detail}"


def cassette_files(directory: Path) -> list[Path]:
    """The cassettes in a directory (not recursive), sorted."""
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.is_file() and p.suffix in CASSETTE_SUFFIXES)


def _line_of(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def _excerpt(found: str) -> str:
    # Enough to find it, not enough to use it.
    return f"{found[:6]}… ({len(found)} characters)"


def lint_text(
    text: str,
    path: Path,
    *,
    secrets: Mapping[str, str] | None = None,
    patterns: Mapping[str, str] | None = None,
) -> list[Finding]:
    """Findings for one cassette's text. `secrets` maps each secret value to a label saying what it is."""
    findings: list[Finding] = []
    for value, label in (secrets or {}).items():
        if not value:
            continue
        for form in dict.fromkeys((value, quote(value, safe=""), quote_plus(value))):
            index = text.find(form)
            if index >= 0:
                findings.append(
                    Finding(
                        path, "secret", f"holds the recording environment's {label}", _line_of(text, index)
                    )
                )
                break
    for description, pattern in {**DEFAULT_PATTERNS, **(patterns or {})}.items():
        for match in re.finditer(pattern, text):
            findings.append(
                Finding(
                    path,
                    "token-like",
                    f"{description}: {_excerpt(match.group(0))}",
                    _line_of(text, match.start()),
                )
            )
    return findings


def lint_cassette(
    path: Path, *, secrets: Mapping[str, str] | None = None, patterns: Mapping[str, str] | None = None
) -> list[Finding]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return [Finding(path, "unreadable", f"{type(exc).__name__}: {exc}")]
    return lint_text(text, path, secrets=secrets, patterns=patterns)


def lint_directory(
    directory: Path, *, secrets: Mapping[str, str] | None = None, patterns: Mapping[str, str] | None = None
) -> list[Finding]:
    """Secret and token-like findings for every cassette in `directory`."""
    findings: list[Finding] = []
    for path in cassette_files(directory):
        findings.extend(lint_cassette(path, secrets=secrets, patterns=patterns))
    return findings


def unused_cassettes(directory: Path, used: Iterable[str]) -> list[Finding]:
    """A finding for each cassette whose name (file name without suffix) is not in `used`."""
    names = set(used)
    return [
        Finding(
            path,
            "unused",
            "no test uses this cassette any more: delete it (or restore the test that recorded it)",
        )
        for path in cassette_files(directory)
        if path.stem not in names
    ]
