"""`integrations add` at a terminal, driven through a pseudo-terminal like a person: each field's help text
shown, a bad answer re-asked for that field only, settings asked too, the secret never echoed; Ctrl-D and
Ctrl-C at a prompt end cleanly with nothing stored."""

from __future__ import annotations

import os
import pty
import select
import signal
import sqlite3
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tiktok_shop_emulator import EmulatorConfig, TikTokShopEmulator

# The number of read(2) in /proc/PID/syscall: x86-64, then arm64.
READ_CALLS = ("0", "63")
CONSOLE_SCRIPT = str(Path(sys.executable).with_name("channel-connectors"))
pytestmark = pytest.mark.skipif(not hasattr(pty, "fork"), reason="needs a Unix pseudo-terminal")


class Terminal:
    """The console script running on a pseudo-terminal; `expect` reads until a text shows up."""

    def __init__(self, *argv: str) -> None:
        # PYTHONFAULTHANDLER: a command that does not end is sent SIGABRT, which prints every thread's stack.
        env = {**os.environ, "NO_COLOR": "1", "TERM": "dumb", "PYTHONFAULTHANDLER": "1"}
        pid, fd = pty.fork()
        if pid == 0:  # the child: becomes the command, the pty its controlling terminal
            # A terminal starts its shell with every signal at its default and none blocked; a child of this
            # test process would inherit whatever the test process has, and Python leaves an ignored SIGINT
            # ignored (Ctrl-C would then do nothing).
            signal.pthread_sigmask(signal.SIG_SETMASK, [])
            for number in (signal.SIGINT, signal.SIGQUIT, signal.SIGTSTP):
                signal.signal(number, signal.SIG_DFL)
            os.execve(CONSOLE_SCRIPT, [CONSOLE_SCRIPT, *argv], env)  # noqa: S606 - our own console script
        self.pid, self.fd, self.seen = pid, fd, ""

    def expect(self, text: str, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while text not in self.seen:
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"{text!r} never came; the terminal shows:\n{self.seen[-2000:]}"
            ready, _, _ = select.select([self.fd], [], [], remaining)
            if ready:
                try:
                    chunk = os.read(self.fd, 4096)
                except OSError:
                    chunk = b""
                assert chunk, f"the command ended before {text!r}:\n{self.seen[-2000:]}"
                self.seen += chunk.decode("utf-8", "replace")
        return self.seen

    def press(self, key: bytes) -> None:
        """Type `key` once the command waits at its prompt, as a person who has read the prompt does.

        A signal key (Ctrl-C) sent in the moment between the prompt's write and the read that follows is
        lost in CPython's `input()`: the handler only marks the signal and the read then blocks. A person
        presses again; a test waits until the command is blocked reading the terminal."""
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not self._reading():
            time.sleep(0.01)
        os.write(self.fd, key)

    def _reading(self) -> bool:
        try:  # the first field of /proc/PID/syscall is the number of the call it is blocked in (0: read)
            return Path(f"/proc/{self.pid}/syscall").read_text().split()[0] in READ_CALLS
        except (OSError, IndexError):
            time.sleep(0.2)  # no /proc: give the command time to reach its read
            return True

    def answer(self, prompt: str, text: str) -> None:
        self.expect(prompt)
        self.seen = self.seen[self.seen.index(prompt) + len(prompt) :]  # later expectations look further on
        os.write(self.fd, text.encode() + b"\r")

    def finish(self, timeout: float = 30) -> tuple[int, str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            done, status = os.waitpid(self.pid, os.WNOHANG)
            try:
                ready, _, _ = select.select([self.fd], [], [], 0.1)
                if ready:
                    self.seen += os.read(self.fd, 4096).decode("utf-8", "replace")
            except OSError:
                pass
            if done:
                os.close(self.fd)
                return os.waitstatus_to_exitcode(status), self.seen
        raise AssertionError(f"the command did not end:\n{self._post_mortem()}")

    def _post_mortem(self) -> str:
        """What the stuck command was doing: its signal masks and state, then its Python stacks."""
        try:
            status = Path(f"/proc/{self.pid}/status").read_text()
            kernel = [line for line in status.splitlines() if line.startswith(("State", "Sig", "Threads"))]
        except OSError:
            kernel = []
        os.kill(self.pid, signal.SIGABRT)  # faulthandler prints the stacks before the process dies
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                ready, _, _ = select.select([self.fd], [], [], 0.2)
                if ready:
                    self.seen += os.read(self.fd, 65536).decode("utf-8", "replace")
            except OSError:
                break
            if os.waitpid(self.pid, os.WNOHANG)[0]:
                break
        else:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        return "\n".join([*kernel, self.seen[-6000:]])


@pytest.fixture
def emulator() -> Iterator[TikTokShopEmulator]:
    with TikTokShopEmulator(EmulatorConfig(orders=10, seed=4)) as emu:
        yield emu


def _rows(home: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(home / "store.sqlite3") as conn:
        return list(conn.execute(sql))


def test_add_asks_each_field_reasks_only_the_bad_one_and_never_echoes_the_secret(tmp_path, emulator):
    home = tmp_path / "home"
    secret = emulator.credentials["app_secret"]
    term = Terminal("integrations", "add", "tiktok_shop", "--home", str(home))

    term.answer("Environment", "")
    term.answer("Service region", "")
    term.expect("Partner Center")  # the field's help text says where to find the value
    term.answer("App Key (required)", "not a key!")
    term.answer("App Key (required)", emulator.credentials["app_key"])  # asked again, and only it
    term.answer("App Secret (required)", secret)
    term.answer("Service ID", emulator.credentials["service_id"])
    term.answer("Shop cipher", "")
    term.answer("API base URL", emulator.api_base_url)
    term.answer("Token host override", emulator.auth_base_url)
    term.answer("Consent page URL override", emulator.consent_base_url + "/open/authorize")
    term.answer("API version", "")
    term.answer("Enable stock sync", "maybe")
    term.expect("answer yes or no")
    term.answer("Enable stock sync", "yes")
    for _ in range(3):
        term.expect(": ")
        os.write(term.fd, b"\r")
    code, screen = term.finish()

    assert code == 0, screen
    assert "created integration tiktok_shop-" in screen
    assert secret not in screen
    assert "Environment" not in screen.split("App Key (required)")[-1], "a good field was asked again"
    (settings,) = _rows(home, "SELECT settings FROM integrations")
    assert '"stock_sync": true' in str(settings[0]).replace("True", "true")


@pytest.mark.parametrize(("key", "exit_code", "says"), [(b"\x04", 1, "Ctrl-D"), (b"\x03", 130, "Ctrl-C")])
def test_ending_input_at_a_prompt_stores_nothing(tmp_path, key, exit_code, says):
    home = tmp_path / "home"
    term = Terminal("integrations", "add", "tiktok_shop", "--home", str(home))
    term.expect("Environment")
    term.press(key)

    code, screen = term.finish()

    assert code == exit_code, screen
    assert says in screen and "Traceback" not in screen
    assert _rows(home, "SELECT COUNT(*) FROM integrations") == [(0,)]


def test_ctrl_d_at_the_secret_prompt_too(tmp_path, emulator):
    home = tmp_path / "home"
    term = Terminal("integrations", "add", "tiktok_shop", "--home", str(home))
    term.answer("Environment", "")
    term.answer("Service region", "")
    term.answer("App Key (required)", emulator.credentials["app_key"])
    term.expect("App Secret")
    term.press(b"\x04")

    code, screen = term.finish()

    assert code == 1 and "input ended (Ctrl-D) at App Secret: nothing was stored" in screen
    assert _rows(home, "SELECT COUNT(*) FROM integrations") == [(0,)]


def test_update_at_a_terminal_asks_each_field_and_enter_keeps_the_current_value(tmp_path, emulator):
    import json
    import subprocess

    from connectors.tiktok_shop.devtools import emulator_form

    home = tmp_path / "home"
    creds = tmp_path / "creds.json"
    creds.write_text(json.dumps(emulator_form(emulator)))
    added = subprocess.run(
        [
            CONSOLE_SCRIPT,
            "integrations",
            "add",
            "tiktok_shop",
            "--file",
            str(creds),
            "--home",
            str(home),
            "--json",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    integration_id = json.loads(added.stdout)["id"]
    term = Terminal("integrations", "update", integration_id, "--home", str(home))

    screen = ""
    for prompt, text in [
        ("Environment", ""),  # Enter: keeps the current value
        ("Service region", ""),
        ("App Key", ""),
        ("App Secret", ""),  # a secret left blank keeps the stored one
        ("Service ID", ""),
        ("Shop cipher", ""),
        ("API base URL", ""),
        ("Token host override", ""),
        ("Consent page URL override", ""),
        ("API version", "202312"),
        ("Enable stock sync", "yes"),
        ("Push shipment", ""),
        ("Import unpaid", ""),
        ("Order import start date", ""),
    ]:
        screen += term.expect(prompt)
        term.answer(prompt, text)
    code, rest = term.finish()
    screen += rest

    assert code == 0, screen
    assert emulator.credentials["app_secret"] not in screen
    assert f"Enter for {emulator.credentials['app_key']}" in screen  # the current value is shown
    shown = json.loads(
        subprocess.run(
            [CONSOLE_SCRIPT, "integrations", "show", integration_id, "--home", str(home)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    assert shown["credentials"]["version"] == "202312"
    assert shown["credentials"]["app_key"] == emulator.credentials["app_key"]
    assert shown["secrets_set"]["app_secret"] is True
    assert shown["settings"]["stock_sync"] is True
