"""Tools for developers and demos around the TikTok Shop connector: the demo, the emulator command, the form
that points the connector at the emulator. Imported only when used: loading the connector never imports them."""

from __future__ import annotations

from .emulator_form import emulator_form

__all__ = ["emulator_form"]
