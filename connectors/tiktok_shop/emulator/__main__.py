"""``python -m connectors.tiktok_shop.emulator``: run the emulator from the command line."""

from __future__ import annotations

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
