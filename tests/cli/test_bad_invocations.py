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
from dataclasses import dataclass
from pathlib import Path

import pytest

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


def _integration_ids(home: Path) -> list[str]:
    with sqlite3.connect(home / "store.sqlite3") as conn:
        return [row[0] for row in conn.execute("SELECT id FROM integrations")]


def _snapshot(world: World) -> dict[str, str]:
    """The store's logical content and every other file's bytes (the broken stores included)."""
    conn = sqlite3.connect(f"file:{world.home / 'store.sqlite3'}?mode=ro", uri=True)
    try:
        state = {"store": hashlib.sha256("\n".join(conn.iterdump()).encode()).hexdigest()}
    finally:
        conn.close()
    for folder in (world.home, world.files):
        for path in sorted(folder.rglob("*")):
            # The live store's bytes move with SQLite's checkpoints: its logical content is compared above.
            if path.is_file() and not (folder == world.home and path.name.startswith("store.sqlite3")):
                state[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return state


# (arguments, exit code, what the one line must name). {id}: the connected integration; {f}: the files folder;
# {port}: a loopback port already in use. Every case runs with `--home HOME` before the command.
CORPUS: list[tuple[str, list[str], int, str]] = [
    ("no command", [], 2, "COMMAND"),
    ("unknown command", ["nope"], 2, "invalid choice: 'nope'"),
    ("unknown option", ["list", "--bogus"], 2, "--bogus"),
    ("schema without connector", ["schema"], 2, "connector"),
    ("schema of an unknown connector", ["schema", "nope"], 1, "nope"),
    ("schema: two forms at once", ["schema", "tiktok_shop", "--settings", "--ui"], 2, "--ui"),
    ("validate: missing file", ["validate", "tiktok_shop", "{f}/missing.json"], 1, "missing.json"),
    (
        "validate: not UTF-8",
        ["validate", "tiktok_shop", "{f}/latin1.json"],
        1,
        "latin1.json: line 1: not UTF-8",
    ),
    (
        "validate: not JSON",
        ["validate", "tiktok_shop", "{f}/notjson.json"],
        1,
        "notjson.json is not valid JSON",
    ),
    (
        "validate: a list",
        ["validate", "tiktok_shop", "{f}/array.json"],
        1,
        "array.json: must hold a JSON object",
    ),
    ("validate: a folder", ["validate", "tiktok_shop", "{f}/adir"], 1, "adir: a folder"),
    (
        "validate: an empty file",
        ["validate", "tiktok_shop", "{f}/empty.json"],
        1,
        "empty.json is not valid JSON",
    ),
    ("validate: one bad field", ["validate", "tiktok_shop", "{f}/one_bad_field.json"], 1, "app_key"),
    ("add: unknown connector", ["integrations", "add", "nope", "--file", "{f}/creds.json"], 1, "nope"),
    (
        "add: missing file",
        ["integrations", "add", "tiktok_shop", "--file", "{f}/missing.json"],
        1,
        "missing.json",
    ),
    ("add: not UTF-8", ["integrations", "add", "tiktok_shop", "--file", "{f}/latin1.json"], 1, "not UTF-8"),
    (
        "add: missing settings file",
        ["integrations", "add", "tiktok_shop", "--file", "{f}/creds.json", "--settings", "{f}/nope.json"],
        1,
        "nope.json",
    ),
    (
        "add: settings not JSON",
        ["integrations", "add", "tiktok_shop", "--file", "{f}/creds.json", "--settings", "{f}/notjson.json"],
        1,
        "notjson.json",
    ),
    (
        "add: a bad setting",
        [
            "integrations",
            "add",
            "tiktok_shop",
            "--file",
            "{f}/creds.json",
            "--settings",
            "{f}/bad_settings.json",
        ],
        1,
        "settings.stock_sync",
    ),
    ("add: no file and no terminal", ["integrations", "add", "tiktok_shop"], 1, "--file"),
    (
        "add: one bad field",
        ["integrations", "add", "tiktok_shop", "--file", "{f}/one_bad_field.json"],
        1,
        "app_key",
    ),
    ("show: unknown id", ["integrations", "show", "nope-id"], 1, "nope-id"),
    ("show: no id", ["integrations", "show"], 2, "integration"),
    ("remove: no --yes, no terminal", ["integrations", "remove", "{id}"], 1, "--yes"),
    ("remove: unknown id", ["integrations", "remove", "nope-id", "--yes"], 1, "nope-id"),
    ("update: nothing to change", ["integrations", "update", "{id}"], 1, "--shop"),
    ("update: unknown shop", ["integrations", "update", "{id}", "--shop", "nowhere"], 1, "--shop 'nowhere'"),
    ("update: not UTF-8", ["integrations", "update", "{id}", "--file", "{f}/latin1.json"], 1, "not UTF-8"),
    (
        "update: a bad setting",
        ["integrations", "update", "{id}", "--settings", "{f}/bad_settings.json"],
        1,
        "settings.stock_sync",
    ),
    ("update: unknown id", ["integrations", "update", "nope-id", "--name", "x"], 1, "nope-id"),
    (
        "home that does not exist",
        ["integrations", "list", "--home", "{f}/nohome"],
        1,
        "nohome: no such folder",
    ),
    ("home that is a file", ["integrations", "list", "--home", "{f}/creds.json"], 1, "is a file"),
    ("home before the command", ["--home", "{f}/nohome", "status", "{id}"], 1, "nohome: no such folder"),
    (
        "corrupt store",
        ["integrations", "list", "--home", "{f}/corrupt"],
        1,
        "corrupt/store.sqlite3 is damaged",
    ),
    (
        "truncated store",
        ["status", "{id}", "--home", "{f}/truncated"],
        1,
        "truncated/store.sqlite3 is truncated",
    ),
    ("a text file as store", ["integrations", "list", "--home", "{f}/text"], 1, "is not a SQLite database"),
    ("connect: port out of range", ["connect", "{id}", "--port", "70000"], 2, "--port"),
    ("connect: negative port", ["connect", "{id}", "--port", "-1"], 2, "--port"),
    ("connect: port not a number", ["connect", "{id}", "--port", "http"], 2, "--port"),
    ("connect: port in use", ["connect", "{id}", "--port", "{port}", "--timeout", "5"], 1, "already in use"),
    ("connect: zero timeout", ["connect", "{id}", "--timeout", "0"], 2, "--timeout"),
    ("connect: empty code", ["connect", "{id}", "--code", ""], 2, "--code"),
    ("connect: unknown id", ["connect", "nope-id", "--code", "x"], 1, "nope-id"),
    (
        "pull: since after until",
        ["pull-orders", "{id}", "--since", "2026-02-01", "--until", "2026-01-01"],
        1,
        "--since 2026-02-01 00:00 is not before --until",
    ),
    ("pull: since not a date", ["pull-orders", "{id}", "--since", "yesterday"], 2, "--since"),
    ("pull: until not a date", ["pull-orders", "{id}", "--until", "2026-13-01"], 2, "--until"),
    (
        "pull: output folder missing",
        ["pull-orders", "{id}", "--output", "{f}/missing/orders.jsonl"],
        1,
        "does not exist",
    ),
    ("pull: output is a folder", ["pull-orders", "{id}", "--output", "{f}/adir"], 1, "adir: is a folder"),
    (
        "pull: output on a full disk",
        ["pull-orders", "{id}", "--since", "2000-01-01", "--output", "/dev/full"],
        1,
        "No space left",
    ),
    ("stock: missing file", ["push-stock", "{id}", "{f}/missing.csv"], 1, "missing.csv"),
    ("stock: a folder", ["push-stock", "{id}", "{f}/adir"], 1, "adir"),
    ("stock: duplicated SKU", ["push-stock", "{id}", "{f}/dup.csv"], 1, "line 3: SKU A also on line 2"),
    ("stock: 1_000", ["push-stock", "{id}", "{f}/underscore.csv"], 1, "line 2: SKU A: quantity '1_000'"),
    ("stock: full-width digits", ["push-stock", "{id}", "{f}/fullwidth.csv"], 1, "line 2: SKU A: quantity"),
    ("stock: negative", ["push-stock", "{id}", "{f}/negative.csv"], 1, "negative"),
    ("stock: decimal", ["push-stock", "{id}", "{f}/decimal.csv"], 1, "'5.0'"),
    ("stock: too large", ["push-stock", "{id}", "{f}/huge.csv"], 1, "too large"),
    (
        "stock: missing columns",
        ["push-stock", "{id}", "{f}/no_columns.csv"],
        1,
        "missing column(s) sku, quantity",
    ),
    ("stock: not UTF-8", ["push-stock", "{id}", "{f}/latin1.csv"], 1, "not UTF-8"),
    ("stock: empty file", ["push-stock", "{id}", "{f}/empty.csv"], 1, "empty.csv: empty"),
    ("stock: only a header", ["push-stock", "{id}", "{f}/only_header.csv"], 1, "nothing to push"),
    ("stock: blank SKU", ["push-stock", "{id}", "{f}/blank_sku.csv"], 1, "line 2: sku is empty"),
    ("stock: a column twice", ["push-stock", "{id}", "{f}/dup_column.csv"], 1, "'sku' appears twice"),
    ("stock: one column", ["push-stock", "{id}", "{f}/one_column.csv"], 1, "one_column.csv: line 1"),
    ("stock: broken quoting", ["push-stock", "{id}", "{f}/quote.csv"], 1, "quote.csv"),
    ("stock: no file argument", ["push-stock", "{id}"], 2, "file"),
    (
        "ship: empty tracking",
        ["confirm-shipment", "{id}", "--order", "1", "--tracking", "", "--carrier", "DPD"],
        2,
        "--tracking",
    ),
    (
        "ship: blank carrier",
        ["confirm-shipment", "{id}", "--order", "1", "--tracking", "T", "--carrier", "  "],
        2,
        "--carrier",
    ),
    ("ship: no carrier", ["confirm-shipment", "{id}", "--order", "1", "--tracking", "T"], 2, "--carrier"),
    (
        "ship: zero quantity",
        [
            "confirm-shipment",
            "{id}",
            "--order",
            "1",
            "--tracking",
            "T",
            "--carrier",
            "DPD",
            "--lines",
            "SKU:0",
        ],
        1,
        "SKU SKU: quantity 0",
    ),
    (
        "ship: negative quantity",
        [
            "confirm-shipment",
            "{id}",
            "--order",
            "1",
            "--tracking",
            "T",
            "--carrier",
            "DPD",
            "--lines",
            "A:-2",
        ],
        1,
        "'-2'",
    ),
    (
        "ship: empty lines",
        ["confirm-shipment", "{id}", "--order", "1", "--tracking", "T", "--carrier", "DPD", "--lines", ""],
        1,
        "--lines",
    ),
    (
        "ship: a line without SKU",
        ["confirm-shipment", "{id}", "--order", "1", "--tracking", "T", "--carrier", "DPD", "--lines", ":3"],
        1,
        "has no SKU",
    ),
    (
        "webhook: missing body",
        ["webhook", "verify", "{id}", "--body", "{f}/missing.json", "--signature", "ab"],
        1,
        "missing.json",
    ),
    (
        "webhook: non-ASCII signature",
        ["webhook", "verify", "{id}", "--body", "{f}/body.json", "--signature", "\u00e9\u00e9\u00e9"],
        2,
        "--signature",
    ),
    (
        "webhook: empty signature",
        ["webhook", "verify", "{id}", "--body", "{f}/body.json", "--signature", ""],
        2,
        "--signature",
    ),
    (
        "webhook: wrong signature",
        ["webhook", "verify", "{id}", "--body", "{f}/body.json", "--signature", "0" * 64],
        1,
        "does not match",
    ),
    ("webhook: no action", ["webhook"], 2, "ACTION"),
    ("demo: zero orders", ["demo", "--orders", "0"], 2, "--orders"),
    ("demo: negative orders", ["demo", "--orders", "-5"], 2, "--orders"),
    ("demo: orders not a number", ["demo", "--orders", "many"], 2, "--orders"),
    ("status: unknown id", ["status", "nope-id"], 1, "nope-id"),
    ("status: unknown option", ["status", "{id}", "--json", "--bogus"], 2, "--bogus"),
]


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
    shutil.copytree(world.home, case / "home")
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
    shutil.copytree(world.home, home)
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
