"""What every release-store generator shares: the test-only key, the emulator, and the files it writes.

A generator (make_old_stores.py, make_release_b9a19ba.py) only says how its release fills a store; this
module runs that against the emulator once for SQLite and, given a PostgreSQL URL, once for a fresh
schema, and writes `release_<name>.sqlite3`, `release_<name>.postgres.sql` (a pg_dump of that schema, its
name replaced by __SCHEMA__) and `release_<name>.facts.json`. It is run with an old release's code first
on PYTHONPATH, so it imports nothing the old release may lack beyond the emulator and tests/postgres_support.py.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

from cryptography.fernet import Fernet

from tiktok_shop_emulator import EmulatorConfig, TikTokShopEmulator

HERE = Path(__file__).parent
FIXTURE_KEY = "a1lcDvpQGgnwIz5uZBtKQxL7OfNrxG4rNhhV6sKS_Z8="
"""Test-only Fernet key sealing the fixtures' secrets (the emulator's made-up app secret and tokens).

Committed on purpose; the migration tests read it from this line (tests/store/release_stores.py)."""
SEED = 7

Populate = Callable[[str, TikTokShopEmulator], dict[str, object]]
"""Fills the store at a URL against the emulator; returns the facts a migration test checks (no secrets)."""


def write_release_store(release: str, populate: Populate) -> None:
    """Write release `release`'s sample store files next to this module; argv[1], if given, is PostgreSQL."""
    os.environ["CHANNEL_CONNECTORS_KEY"] = FIXTURE_KEY
    Fernet(FIXTURE_KEY.encode())  # a valid key, or stop here
    sqlite_name = f"release_{release}.sqlite3"
    postgres_name = f"release_{release}.postgres.sql"
    facts_name = f"release_{release}.facts.json"
    with TikTokShopEmulator(EmulatorConfig(orders=120, seed=SEED)) as emu:
        sqlite_path = HERE / sqlite_name
        sqlite_path.unlink(missing_ok=True)
        facts = populate(f"sqlite://{sqlite_path}", emu)
        for suffix in ("-wal", "-shm"):
            Path(f"{sqlite_path}{suffix}").unlink(missing_ok=True)
        (HERE / "store.key").unlink(missing_ok=True)
        if len(sys.argv) > 1:
            sys.path.insert(0, str(HERE.parent.parent))
            from postgres_support import dump_schema, fresh_schema

            with fresh_schema(sys.argv[1]) as url:
                pg_facts = populate(url, emu)
                (HERE / postgres_name).write_text(dump_schema(sys.argv[1], url))
                facts["postgres"] = dict(pg_facts)
    (HERE / facts_name).write_text(json.dumps(facts, indent=2) + "\n")
    print("wrote", sqlite_name, postgres_name if len(sys.argv) > 1 else "", facts_name)
