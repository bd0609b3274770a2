"""A corpus of bad invocations run through the real `channel-connectors` console script, each asserting:
a non-zero exit (2 for a malformed command line, 1 for bad input), exactly one line on stderr naming the
argument, file or field, no traceback, and nothing half-written (the store's content and every file in the
work folder unchanged)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest
from bad_invocation_cases import CORPUS

from connector_core.cli import main
from connectors.tiktok_shop.devtools import emulator_form
from tiktok_shop_emulator import EmulatorConfig, TikTokShopEmulator

CONSOLE_SCRIPT = str(Path(sys.executable).with_name("channel-connectors"))


@dataclass
class World:
    home: Path
    files: Path
    integration: str
    busy_port: int
    env: dict[str, str]


def _write_fixtures(files: Path, emu: TikTokShopEmulator) -> None:
    files.mkdir()
    (files / "adir").mkdir()
    (files / "creds.json").write_text(json.dumps(emulator_form(emu)))
    (files / "one_bad_field.json").write_text(json.dumps(emulator_form(emu, app_key="x")))
    (files / "latin1.json").write_bytes('{"app_key": "caf\u00e9"}'.encode("latin-1"))
    (files / "notjson.json").write_text("{app_key: 1")
    (files / "array.json").write_text("[1, 2]")
    (files / "empty.json").write_text("")
    (files / "bad_settings.json").write_text(json.dumps({"stock_sync": "maybe"}))
    (files / "body.json").write_bytes(b'{"type":1,"shop_id":"1","timestamp":1,"data":{}}')
    stock = {
        "dup.csv": "sku,quantity\nA,1\nA,2\n",
        "underscore.csv": "sku,quantity\nA,1_000\n",
        "fullwidth.csv": "sku,quantity\nA,\uff11\uff12\n",
        "negative.csv": "sku,quantity\nA,-3\n",
        "decimal.csv": "sku,quantity\nA,5.0\n",
        "huge.csv": "sku,quantity\nA,99999999999999999999\n",
        "no_columns.csv": "item,count\nA,5\n",
        "empty.csv": "",
        "only_header.csv": "sku,quantity\n",
        "blank_sku.csv": "sku,quantity\n ,5\n",
        "dup_column.csv": "sku,quantity,SKU\nA,5,B\n",
        "one_column.csv": "sku\nA\n",
        "quote.csv": 'sku,quantity\n"A,5\n',
    }
    for name, text in stock.items():
        (files / name).write_text(text, encoding="utf-8")
    (files / "latin1.csv").write_bytes("sku,quantity\ncaf\u00e9,5\n".encode("latin-1"))


def _broken_stores(files: Path, good_store: Path) -> None:
    for name in ("corrupt", "truncated", "text"):
        (files / name).mkdir()
    (files / "corrupt" / "store.sqlite3").write_bytes(b"SQLite format 3\x00" + os.urandom(4096))
    (files / "truncated" / "store.sqlite3").write_bytes(good_store.read_bytes()[:700])
    (files / "text" / "store.sqlite3").write_text("these are not the rows you are looking for\n" * 50)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    assert Path(CONSOLE_SCRIPT).exists(), (
        f"no console script at {CONSOLE_SCRIPT}: pip install -e '.[test]' first"
    )
    root = tmp_path_factory.mktemp("bad-invocations")
    home = root / "home"
    home.mkdir()
    files = root / "files"
    with TikTokShopEmulator(EmulatorConfig(orders=60, seed=5)) as emu:
        _write_fixtures(files, emu)
        creds = str(files / "creds.json")
        assert main(["integrations", "add", "tiktok_shop", "--file", creds, "--home", str(home)]) == 0
        integration = next(iter(_integration_ids(home)))
        assert main(["connect", integration, "--code", emu.authorize(), "--home", str(home)]) == 0
        gb = next(s for s in emu.shops if s["region"] == "GB")
        assert main(["integrations", "update", integration, "--shop", gb["id"], "--home", str(home)]) == 0
        _broken_stores(files, home / "store.sqlite3")
        with socket.socket() as busy:
            busy.bind(("127.0.0.1", 0))
            busy.listen(1)
            env = {
                **os.environ,
                "NO_COLOR": "1",
                "HOME": str(root / "user"),
                "XDG_DATA_HOME": str(root / "user" / "data"),
            }
            env.pop("CHANNEL_CONNECTORS_HOME", None)
            yield World(home, files, integration, busy.getsockname()[1], env)


def _copy_home(source: Path, target: Path) -> None:
    """A consistent copy of a home whose store may still be open in this process: the database through
    SQLite's backup (its -wal and -shm files come and go as connections close, so a file copy can race them),
    everything else as files, modes kept."""
    target.mkdir(mode=0o700, parents=True)
    for path in source.iterdir():
        if path.name.endswith(("-wal", "-shm")):
            continue
        if path.name == "store.sqlite3":
            with closing(sqlite3.connect(path)) as live, closing(sqlite3.connect(target / path.name)) as copy:
                live.backup(copy)
            (target / path.name).chmod(path.stat().st_mode & 0o777)
        elif path.is_dir():
            shutil.copytree(path, target / path.name)
        else:
            shutil.copy2(path, target / path.name)


def _integration_ids(home: Path) -> list[str]:
    with sqlite3.connect(home / "store.sqlite3") as conn:
        return [row[0] for row in conn.execute("SELECT id FROM integrations")]


def _snapshot(world: World) -> dict[str, str]:
    """The store's logical content and every other file's bytes (the broken stores included)."""
    conn = sqlite3.connect(f"file:{world.home / 'store.sqlite3'}?mode=ro", uri=True)
    try:
        # The `cache` table (which shop an order belongs to) and `shop_skus` (which shop lists a SKU, learned
        # from order lines) hold what the channel told us: derived data a failed command may keep, not a
        # record it half-wrote.
        derived = ('INSERT INTO "cache"', 'INSERT INTO "shop_skus"')
        rows = [row for row in conn.iterdump() if not row.startswith(derived)]
        state = {"store": hashlib.sha256("\n".join(rows).encode()).hexdigest()}
    finally:
        conn.close()
    for folder in (world.home, world.files):
        for path in sorted(folder.rglob("*")):
            # The live store's bytes move with SQLite's checkpoints: its logical content is compared above.
            if path.is_file() and not (folder == world.home and path.name.startswith("store.sqlite3")):
                state[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return state


def test_the_corpus_is_large_enough() -> None:
    assert len(CORPUS) >= 60


@dataclass
class Outcome:
    code: int
    stderr: str
    values: dict[str, str]
    changed: bool


def _run_case(world: World, name: str, argv: list[str], scratch: Path) -> Outcome:
    """One case in its own copy of the home and the files, so cases run side by side and a change to the
    store or a file is traced to the case that made it."""
    case = scratch / name.replace(" ", "_").replace(":", "").replace("/", "_")
    _copy_home(world.home, case / "home")
    shutil.copytree(world.files, case / "files")
    mine = World(case / "home", case / "files", world.integration, world.busy_port, world.env)
    values = {"id": world.integration, "f": str(mine.files), "port": str(world.busy_port)}
    before = _snapshot(mine)
    done = subprocess.run(
        [CONSOLE_SCRIPT, "--home", str(mine.home), *(a.format(**values) for a in argv)],
        capture_output=True,
        text=True,
        env=world.env,
        stdin=subprocess.DEVNULL,
        timeout=120,
        check=False,
    )
    changed = _snapshot(mine) != before or (mine.files / "missing").exists()
    return Outcome(done.returncode, done.stderr, values, changed)


@pytest.fixture(scope="module")
def outcomes(world: World, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Outcome]:
    """Every case, run four at a time (each is a fresh process: start-up dominates)."""
    scratch = tmp_path_factory.mktemp("cases")
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = {name: pool.submit(_run_case, world, name, argv, scratch) for name, argv, _, _ in CORPUS}
        return {name: future.result() for name, future in futures.items()}


@pytest.mark.parametrize(
    ("name", "code", "names"), [(c[0], c[2], c[3]) for c in CORPUS], ids=[c[0] for c in CORPUS]
)
@pytest.mark.slow
def test_a_bad_invocation_is_one_clear_line(
    outcomes: dict[str, Outcome], name: str, code: int, names: str
) -> None:
    outcome = outcomes[name]

    assert outcome.code == code, outcome.stderr
    assert "Traceback" not in outcome.stderr
    lines = outcome.stderr.splitlines()
    assert len(lines) == 1, outcome.stderr
    assert names.format(**outcome.values) in lines[0]
    assert not outcome.changed, "the store or a file changed"


def test_a_read_only_store_is_one_clear_line(world: World, tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root writes through read-only modes")
    home = tmp_path / "ro"
    _copy_home(world.home, home)
    for path in home.iterdir():
        path.chmod(0o400)
    home.chmod(0o500)
    try:
        done = subprocess.run(
            [CONSOLE_SCRIPT, "integrations", "update", world.integration, "--name", "x", "--home", str(home)],
            capture_output=True,
            text=True,
            env=world.env,
            timeout=60,
            check=False,
        )
    finally:
        home.chmod(0o700)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert len(done.stderr.splitlines()) == 1 and "store.sqlite3" in done.stderr
