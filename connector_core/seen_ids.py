"""A set of record ids kept as 8-byte hashes, for the page check's count of distinct records in one window.

An import run must count the distinct records it took in a window (connector_core.paging), and a window
can hold millions of records: a `set` of the id strings costs 100-200 bytes per record (the string, the
set's slot), so memory grew with the run. This keeps only each id's 64-bit hash, in an open-addressing
table (an `array` of unsigned 64-bit slots, linear probing, doubled at four fifths full): 10 to 20 bytes
per id (1 MB for 100,000 ids), and for a moment while the table doubles the old and the new one together.
The fill is allowed that high for memory: a lookup then probes about 2 slots on average, more for an id
not there just before the table doubles. Nothing here outlives the process, so Python's own string hash
(SipHash, salted per process) is the digest.

Two different ids with the same 64-bit hash count as one. With n ids in a window that happens with a
probability of about n^2 / 2^65 (1e-8 for a million ids); its only consequence is that the run counts one
record less, which at worst makes the check call an honest last page short and fail the run, which the
next run repeats. It never drops a record: which records are handed over is decided by the run's emitted
keys (`PageCheck.emitted`), which are kept exactly.
"""

from __future__ import annotations

from array import array
from collections.abc import Hashable

_MASK = (1 << 64) - 1
_FIRST_SLOTS = 256


def _zeros(count: int) -> array[int]:
    # Repeating a one-slot array allocates the table once; array("Q", bytes(8 * count)) first built a bytes
    # object of the same size, and at the last doubling of a 100,000-id run that transient megabyte was on
    # top of the old and new tables in the importing process's peak RSS.
    return array("Q", [0]) * count


class SeenIds:
    """Which ids were seen (`in`, `add`), in 10 to 20 bytes per id; see the module docstring."""

    __slots__ = ("_count", "_mask", "_slots")

    def __init__(self) -> None:
        self._slots = _zeros(_FIRST_SLOTS)
        self._mask = _FIRST_SLOTS - 1
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def __contains__(self, key: Hashable) -> bool:
        digest = hash(key) & _MASK or 1  # 0 marks an empty slot
        slots, mask = self._slots, self._mask
        index = digest & mask
        while True:
            found = slots[index]
            if found == digest:
                return True
            if not found:
                return False
            index = (index + 1) & mask

    def add(self, key: Hashable) -> bool:
        """Remember `key`; False when it was there already."""
        digest = hash(key) & _MASK or 1
        slots, mask = self._slots, self._mask
        index = digest & mask
        while True:
            found = slots[index]
            if found == digest:
                return False
            if not found:
                break
            index = (index + 1) & mask
        slots[index] = digest
        self._count += 1
        if self._count * 5 > mask * 4:
            self._grow()
        return True

    def _grow(self) -> None:
        mask = len(self._slots) * 2 - 1
        slots = _zeros(mask + 1)
        for digest in self._slots:
            if digest:
                index = digest & mask
                while slots[index]:
                    index = (index + 1) & mask
                slots[index] = digest
        self._slots, self._mask = slots, mask
