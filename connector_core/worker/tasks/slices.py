"""How long one import task may hold its worker process before it queues the rest of its work again.

A worker process runs one task at a time and is never interrupted, so what an urgent task (a label, a
shipment confirmation) waits for on a worker that serves every lane is whatever that process has in hand.
Long imports therefore run in slices: after each page the task asks its budget whether to go on, and once
the budget is spent the import pauses (its place saved, `flows.orders.pull_orders(more=...)`) and the task
queues its next slice at the end of its lane, behind other sellers' work. A seller with a huge backlog then
holds a process for about one slice at a time and has one slice queued at a time: the others' pulls and
every urgent task get their turn between its slices.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field


@dataclass
class SliceBudget:
    """Pages and seconds one slice may take; `more` is what the import asks after each page it handed over."""

    pages: int
    seconds: float
    started: float = field(default_factory=time.monotonic)
    taken: int = 0
    paused: bool = False
    """The budget said stop while the import had more to read: the task queues the next slice."""

    def more(self) -> bool:
        self.taken += 1
        if self.taken >= self.pages or time.monotonic() - self.started >= self.seconds:
            self.paused = True
            return False
        return True

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started
