"""What every canonical model shares: frozen, no unknown fields, and instants always in UTC."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict


def _require_utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("must be timezone-aware (UTC)")
    return value.astimezone(timezone.utc)


UtcDatetime = Annotated[datetime, AfterValidator(_require_utc)]
"""A datetime that is always timezone-aware and normalised to UTC."""


# The base of every canonical model: frozen (safe to share) and strict (an unknown field is an error). No
# docstring on purpose: pydantic could publish it as the description of a model that has none of its own.
class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
