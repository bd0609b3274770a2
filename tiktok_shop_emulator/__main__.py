"""``python -m tiktok_shop_emulator``: run the emulator from the command line."""

from __future__ import annotations

import sys

from tiktok_shop_emulator.cli import main

if __name__ == "__main__":
    sys.exit(main())
