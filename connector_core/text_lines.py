"""An operator's text file read a line at a time, with the checks every such file gets.

Stock files and connections files are streamed (a file of 100,000 lines is never held whole), and each
line is refused, in one line naming where it is, when it cannot be the text it claims to be: NUL bytes (a
binary file), a line longer than `MAX_LINE` (a file without line ends), bytes that are not UTF-8. A
leading byte-order mark (Excel writes one) is dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import IO

MIB = 1024 * 1024
MAX_LINE = MIB
"""The longest line read; a longer one (a binary file, a file without line ends) is refused."""


class TextLines:
    """The lines of `handle` decoded one at a time; `number` is the line last read (the caller's messages
    name it), `size` the bytes read so far.

    `what` names the kind of file in the messages ("stock file"), `long_line` says what a line should be,
    `error` builds the exception the caller's layer raises; `cap` (bytes) refuses a larger file, and `copy`
    receives every accepted line's bytes (a second pass can then read a copy of standard input)."""

    def __init__(
        self,
        handle: IO[bytes],
        label: str,
        *,
        what: str,
        long_line: str,
        error: Callable[[str], Exception],
        cap: int | None = None,
        copy: IO[bytes] | None = None,
    ) -> None:
        self.handle, self.label, self.what, self.long_line = handle, label, what, long_line
        self.error, self.cap, self.copy = error, cap, copy
        self.number = 0
        self.size = 0

    def __iter__(self) -> Iterator[str]:
        while True:
            raw = self.handle.readline(MAX_LINE + 1)
            if not raw:
                return
            self.number += 1
            self.size += len(raw)
            where = f"{self.label}: line {self.number}"
            if self.cap is not None and self.size > self.cap:
                raise self.error(
                    f"cannot read {self.label}: larger than {self.cap // MIB} MiB, the most a {self.what} "
                    "may hold: check that it is the right file"
                )
            if b"\x00" in raw:
                raise self.error(f"{where}: holds NUL bytes, so it is not a text {self.what}: check the path")
            if len(raw) > MAX_LINE:
                raise self.error(f"{where}: longer than {MAX_LINE // MIB} MiB: {self.long_line}")
            if self.copy is not None:
                self.copy.write(raw)
            try:
                text = raw.decode("utf-8-sig" if self.number == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                raise self.error(
                    f"{where}: not UTF-8 text (byte 0x{raw[exc.start]:02x}): save the file as UTF-8 "
                    "(Excel: 'CSV UTF-8')"
                ) from None
            yield text
