"""The core's schedule setting: seconds between a shop's scheduled pulls, per connection or per shop.

It is kept with the schedule in the store (`store.set_pull_interval`), not in the connector's settings, so
it works whatever the connector's settings schema says. A value is whole seconds within
MIN..MAX; anything else (0, -5, "5m", 10**9) is refused with one line that says what to type.
"""

from __future__ import annotations

import re
from datetime import timedelta

SETTING = "pull_interval"
"""The name the CLI (`shop-settings ID SHOP pull_interval=600`) and the API use."""
MIN_SECONDS = 60
MAX_SECONDS = 7 * 24 * 3600


def parse(value: object) -> int:
    """Whole seconds from an int or its text; ValueError naming the value and the fix otherwise."""
    seconds: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        seconds = value
    elif isinstance(value, float) and value.is_integer():
        seconds = int(value)
    elif isinstance(value, str) and re.fullmatch(r"[+-]?\d{1,12}", value.strip()):
        seconds = int(value.strip())
    shown = repr(value)[:40]
    if seconds is None:
        raise ValueError(
            f"pull_interval {shown} is not a whole number of seconds: give seconds, e.g. 300 for 5 minutes"
        )
    if not MIN_SECONDS <= seconds <= MAX_SECONDS:
        raise ValueError(
            f"pull_interval {shown} is outside {MIN_SECONDS}..{MAX_SECONDS} seconds (1 minute to 7 days)"
        )
    return seconds


def describe(seconds: int) -> str:
    """`600 s (10 min)` for people."""
    if seconds % 3600 == 0:
        return f"{seconds} s ({seconds // 3600} h)"
    if seconds % 60 == 0:
        return f"{seconds} s ({seconds // 60} min)"
    return f"{seconds} s ({timedelta(seconds=seconds)})"
