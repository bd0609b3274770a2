"""The newcomer's walk: the commands `channel-connectors emulator` prints, run as printed in a shell, take
the connector from nothing to pulled orders, pushed stock and a confirmed shipment."""

from __future__ import annotations

import io
import json
import os
import re
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from connectors.tiktok_shop.devtools.commands import print_connect_steps
from tiktok_shop_emulator import EmulatorConfig, TikTokShopEmulator


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _shell(line: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", line], cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.mark.slow
def test_the_printed_commands_work_in_order(tmp_path: Path) -> None:
    port = _free_port()
    config = EmulatorConfig(orders=80, seed=7, redirect_uri=f"http://127.0.0.1:{port}/tiktok/auth/callback")
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "CHANNEL_CONNECTORS_HOME": str(tmp_path / "home"),
        "NO_COLOR": "1",
    }
    with TikTokShopEmulator(config) as emu:
        printed = io.StringIO()
        print_connect_steps(emu, printed)
        steps = [line.strip() for line in printed.getvalue().splitlines()[1:]]
        assert steps[2].startswith(f"channel-connectors connect ID --port {port}")

        for line in steps[:2]:
            done = _shell(line, tmp_path, env)
            assert done.returncode == 0, (line, done.stderr)
        integration = re.search(r"created integration (\S+)", done.stdout).group(1)

        connect = steps[2].split("#")[0].replace(" ID", f" {integration}")
        process = subprocess.Popen(
            ["bash", "-c", connect],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            assert process.stdout is not None
            url = [process.stdout.readline() for _ in range(2)][1].strip()
            base, query = url.split("?", 1)
            approve = urllib.request.Request(base, data=query.encode(), method="POST")  # noqa: S310 - loopback
            with urllib.request.urlopen(approve, timeout=30):  # noqa: S310
                pass
            _, err = process.communicate(timeout=60)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        assert process.returncode == 0, err

        outputs = {}
        for line in steps[3:]:
            done = _shell(line.replace(" ID ", f" {integration} "), tmp_path, env)
            assert done.returncode == 0, (line, done.stdout, done.stderr)
            outputs[line.split()[1] if line.startswith("channel-connectors") else line] = done

    assert (tmp_path / "orders.jsonl").read_text().count("\n") > 0
    assert "updated 1" in outputs["push-stock"].stdout
    assert ": confirmed package" in outputs["confirm-shipment"].stdout
    assert json.loads((tmp_path / "settings.json").read_text()) == {"stock_sync": True}
