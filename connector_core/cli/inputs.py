"""The one reader of operator files for every command: JSON objects, stock CSVs, raw bodies; `-` is standard
input. Every failure is one `InputError` naming the file (and line) and what to do, never a traceback.

Stock CSV rule for bad rows: every bad line is reported and nothing is pushed. Pushing the good rows of a
half-bad file would leave the channel in a state no file describes; fixing the file and re-running is safe
because unchanged levels make no call.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from ..errors import ConnectorError
from ..models import StockLevel

STDIN = "-"
MIB = 1024 * 1024
MAX_SMALL_FILE = 4 * MIB  # a form, a settings file, a webhook body: a few kB in practice
MAX_STOCK_FILE = 512 * MIB  # about 20 million short stock lines
CHUNK = MIB
MAX_QUANTITY = 2**31 - 1
MAX_REPORTED = 50  # bad lines listed in full; beyond this the count is given
_ASCII_DIGITS = re.compile(r"[0-9]+", re.ASCII)
_CONTROL = re.compile(r"[\x00-\x1f]")
_DELIMITERS = (",", ";", "\t")
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}


class InputError(ConnectorError):
    """A file (or standard input) the operator gave cannot be used as it is."""


def _label(path: str) -> str:
    return "standard input" if path == STDIN else path


def _capped(read: Callable[[int], bytes], path: str, what: str, cap: int, text: bool) -> bytes:
    """Read in chunks up to `cap` bytes; a text file holding a NUL byte (a binary file, /dev/zero) is
    refused at its first chunk."""
    data = bytearray()
    while len(data) <= cap:
        chunk = read(min(CHUNK, cap + 1 - len(data)))
        if not chunk:
            return bytes(data)
        if text and b"\x00" in chunk:
            line = data.count(b"\n") + chunk[: chunk.index(b"\x00")].count(b"\n") + 1
            raise InputError(
                f"{_label(path)}: line {line}: holds NUL bytes, so it is not a text {what}: check the path"
            )
        data += chunk
    raise InputError(
        f"cannot read {_label(path)}: larger than {cap // MIB} MiB, the most a {what} may hold: "
        "check that it is the right file"
    )


def read_bytes(path: str, what: str = "file", cap: int = MAX_SMALL_FILE, *, text: bool = False) -> bytes:
    """The raw bytes of `path` (or standard input), at most `cap` of them: `/dev/zero` or a wrong file
    is refused after `cap` bytes instead of filling the memory."""
    if path == STDIN:
        stream = getattr(sys.stdin, "buffer", None)
        if stream is None:
            return _capped(lambda n: sys.stdin.read(n).encode("utf-8"), path, what, cap, text)
        return _capped(stream.read, path, what, cap, text)
    with open_input(path, what) as handle:
        try:
            return _capped(handle.read, path, what, cap, text)
        except OSError as exc:
            raise _unreadable(path, what, exc) from None


def open_input(path: str, what: str = "file") -> IO[bytes]:
    """`path` opened for reading bytes; a file that cannot be opened is one line saying what to do."""
    try:
        return Path(path).open("rb")
    except OSError as exc:
        raise _unreadable(path, what, exc) from None


def _unreadable(path: str, what: str, exc: OSError) -> InputError:
    if isinstance(exc, FileNotFoundError):
        return InputError(f"cannot read {path}: no such {what}: check the path")
    if isinstance(exc, IsADirectoryError):
        return InputError(f"cannot read {path}: a folder, not a {what}: name the file inside it")
    if isinstance(exc, PermissionError):
        return InputError(f"cannot read {path}: permission denied: make the {what} readable by you")
    return InputError(f"cannot read {path}: {exc.strerror or exc}")


def read_text(path: str, what: str = "file", cap: int = MAX_SMALL_FILE) -> str:
    """`path` decoded as UTF-8 (a leading byte-order mark, as Excel writes, is dropped)."""
    data = read_bytes(path, what, cap, text=True)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            f"{_label(path)}: line {line}: not UTF-8 text (byte 0x{data[exc.start]:02x}): "
            "save the file as UTF-8 (Excel: 'CSV UTF-8')"
        ) from None


def read_json_object(path: str, what: str = "JSON file") -> dict[str, Any]:
    """A JSON object of field values."""
    text = read_text(path, what)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{_label(path)} is not valid JSON: line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None
    except RecursionError:
        raise InputError(f"{_label(path)}: JSON nested too deeply: a form is a flat object") from None
    if not isinstance(data, dict):
        raise InputError(f'{_label(path)}: must hold a JSON object of field values ({{"field": value}})')
    return data


# --- stock CSV -------------------------------------------------------------------------------------------


def _delimiter(header_line: str, path: str) -> str:
    counts = {d: header_line.count(d) for d in _DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    if counts[best] == 0:
        raise InputError(
            f"{_label(path)}: line 1: the header needs the columns sku and quantity, separated by "
            "commas, semicolons or tabs"
        )
    return best


def _header(row: list[str], path: str) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, raw in enumerate(row):
        name = raw.strip().lower()
        if name in columns and name in {"sku", "quantity", "warehouse"}:
            raise InputError(f"{_label(path)}: line 1: column {name!r} appears twice: keep one")
        columns.setdefault(name, index)
    missing = [c for c in ("sku", "quantity") if c not in columns]
    if missing:
        raise InputError(
            f"{_label(path)}: line 1: missing column(s) {', '.join(missing)} "
            f"(found: {', '.join(c for c in columns if c) or 'none'}): the header must name sku and quantity"
        )
    return columns


def _quantity(raw: str) -> tuple[int | None, str | None]:
    text = raw.strip()
    if not text:
        return None, "quantity is empty"
    if text.startswith("-") and _ASCII_DIGITS.fullmatch(text[1:]):
        return None, f"quantity {text} is negative: stock is 0 or more"
    if not _ASCII_DIGITS.fullmatch(text):
        return None, f"quantity {text!r} is not a whole number written with the digits 0-9"
    value = int(text)
    if value > MAX_QUANTITY:
        return None, f"quantity {text} is too large (at most {MAX_QUANTITY})"
    return value, None


def read_stock_csv(path: str) -> list[StockLevel]:
    """Every level of a stock CSV as one list (for small files; `push-stock` streams with
    `stock_file.check_stock_file`, which applies the same checks). All bad lines are reported together."""
    from .stock_file import check_stock_file  # the streaming reader builds on the helpers above

    with check_stock_file(path) as stock:
        return [level for batch in stock.batches() for level in batch]
