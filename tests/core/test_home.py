"""Where the store lives: the platform's user data folder, `$CHANNEL_CONNECTORS_HOME`, `--home`; a named
folder that does not exist is reported unless the command creates; owner-only folder and file."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from connector_core.home import HomeNotFound, default_home, private_store_file, resolve_home


def test_linux_follows_xdg_and_falls_back_to_local_share() -> None:
    assert default_home({"HOME": "/h", "XDG_DATA_HOME": "/x"}, "linux") == Path("/x/channel-connectors")
    assert default_home({"HOME": "/h"}, "linux") == Path("/h/.local/share/channel-connectors")
    # A relative XDG_DATA_HOME is invalid by the spec and ignored.
    assert default_home({"HOME": "/h", "XDG_DATA_HOME": "rel"}, "linux") == Path(
        "/h/.local/share/channel-connectors"
    )


def test_macos_and_windows_use_their_conventions() -> None:
    assert default_home({"HOME": "/Users/a"}, "darwin") == Path(
        "/Users/a/Library/Application Support/channel-connectors"
    )
    assert default_home({"HOME": "C:/Users/a", "LOCALAPPDATA": "C:/L"}, "win32") == Path(
        "C:/L/channel-connectors"
    )


def test_the_environment_variable_wins_over_the_platform() -> None:
    assert default_home({"HOME": "/h", "CHANNEL_CONNECTORS_HOME": "/data/cc"}, "linux") == Path("/data/cc")


def test_a_named_home_that_does_not_exist_is_reported_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "typo"

    with pytest.raises(HomeNotFound, match="no such folder"):
        resolve_home(str(missing), create=False, environ={})
    with pytest.raises(HomeNotFound, match="CHANNEL_CONNECTORS_HOME"):
        resolve_home(None, create=False, environ={"CHANNEL_CONNECTORS_HOME": str(missing)})
    assert not missing.exists()


def test_a_command_that_creates_makes_the_home_owner_only(tmp_path: Path) -> None:
    folder = resolve_home(str(tmp_path / "new" / "home"), create=True, environ={})

    assert folder.is_dir()
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    store = private_store_file(folder)
    assert stat.S_IMODE(store.stat().st_mode) == 0o600


def test_the_platform_default_is_created_without_being_named(tmp_path: Path) -> None:
    folder = resolve_home(None, create=False, environ={"HOME": str(tmp_path), "XDG_DATA_HOME": ""})

    assert folder == tmp_path / ".local" / "share" / "channel-connectors"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_a_file_named_as_home_is_refused(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x")

    with pytest.raises(HomeNotFound, match="is a file"):
        resolve_home(str(tmp_path / "f"), create=True, environ={})


def test_an_existing_store_file_keeps_its_content(tmp_path: Path) -> None:
    (tmp_path / "store.sqlite3").write_bytes(b"data")

    assert private_store_file(tmp_path).read_bytes() == b"data"


def test_an_existing_store_readable_by_others_is_made_owner_only(tmp_path: Path) -> None:
    for name in ("store.sqlite3", "store.sqlite3-wal"):
        (tmp_path / name).write_bytes(b"data")
        (tmp_path / name).chmod(0o644)

    private_store_file(tmp_path)

    for name in ("store.sqlite3", "store.sqlite3-wal"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600
