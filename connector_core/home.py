"""Where the operator's data lives on disk: the store home folder.

Precedence: `--home`, then `$CHANNEL_CONNECTORS_HOME`, then the platform's per-user data folder
(`$XDG_DATA_HOME/channel-connectors` or `~/.local/share/channel-connectors` on Linux and other Unixes,
`~/Library/Application Support/channel-connectors` on macOS, `%LOCALAPPDATA%\\channel-connectors` on Windows).
Never the current folder: a store created beside wherever the operator happened to stand is how data gets
split in two. A home the operator names but that does not exist is reported rather than silently created,
except by commands whose job is to create (`integrations add`, `demo`). The folder is created owner-only
(0700) and the database file owner-only (0600): it holds buyers' names and addresses.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Mapping
from pathlib import Path

from .errors import ConnectorError

HOME_ENV = "CHANNEL_CONNECTORS_HOME"
APP_FOLDER = "channel-connectors"
STORE_FILE = "store.sqlite3"
FOLDER_MODE = 0o700
FILE_MODE = 0o600


class HomeNotFound(ConnectorError):
    """The home folder the operator named does not exist (or is not a folder)."""


def platform_data_home(environ: Mapping[str, str] | None = None, platform: str | None = None) -> Path:
    """The per-user data folder for this platform, without the app folder."""
    env = os.environ if environ is None else environ
    system = sys.platform if platform is None else platform
    home = Path(env.get("HOME") or Path.home())
    if system == "darwin":
        return home / "Library" / "Application Support"
    if system.startswith("win"):
        local = env.get("LOCALAPPDATA")
        return Path(local) if local else home / "AppData" / "Local"
    xdg = env.get("XDG_DATA_HOME", "")
    # The XDG spec: a relative value is invalid and must be ignored.
    return Path(xdg) if xdg and Path(xdg).is_absolute() else home / ".local" / "share"


def default_home(environ: Mapping[str, str] | None = None, platform: str | None = None) -> Path:
    """`$CHANNEL_CONNECTORS_HOME` if set, else the platform's data folder for channel-connectors."""
    env = os.environ if environ is None else environ
    named = env.get(HOME_ENV, "").strip()
    return Path(named) if named else platform_data_home(env, platform) / APP_FOLDER


def resolve_home(explicit: str | None, *, create: bool, environ: Mapping[str, str] | None = None) -> Path:
    """The home folder a command uses, checked: see the module docstring for the rules."""
    env = os.environ if environ is None else environ
    if explicit is not None:
        named: Path | None = Path(explicit)
        source = f"--home {explicit}"
    elif env.get(HOME_ENV, "").strip():
        named = Path(env[HOME_ENV].strip())
        source = f"{HOME_ENV}={named}"
    else:
        named = None
        source = ""
    folder = named if named is not None else default_home(env)
    if folder.exists() and not folder.is_dir():
        raise HomeNotFound(
            f"{source or folder}: is a file, not a folder: name the folder that holds the store"
        )
    if not folder.exists():
        # The platform default is ours to create; a folder the operator named is created only by a command
        # whose job is to create, so a typo cannot silently start an empty store beside the real one.
        if named is not None and not create:
            raise HomeNotFound(
                f"{source}: no such folder: check the path, or create the store there first with "
                "`channel-connectors integrations add CONNECTOR --home PATH`"
            )
        make_private_folder(folder)
    return folder


def make_private_folder(folder: Path) -> None:
    """Create `folder` (and its parents) with the last level readable by the owner only."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    try:
        folder.mkdir(mode=FOLDER_MODE)
    except FileExistsError:
        return
    os.chmod(folder, FOLDER_MODE)  # mkdir's mode is masked by the umask; the owner-only mode must hold


def private_store_file(folder: Path) -> Path:
    """The store file in `folder`, created empty and owner-only if absent so SQLite never creates it with the
    umask's looser mode (SQLite gives its -wal and -shm files the database file's mode); an existing one
    readable by others is made owner-only."""
    path = folder / STORE_FILE
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    # A store made by an older version (or copied in) may be readable by others: the file is ours to tighten.
    for side in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        with contextlib.suppress(FileNotFoundError, PermissionError):
            if side.stat().st_mode & 0o077:
                os.chmod(side, FILE_MODE)
    return path
