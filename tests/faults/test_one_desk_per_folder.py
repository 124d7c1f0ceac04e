"""Two flow runners on one data folder: the second is refused while the first holds it.

Before the lock, a second process resumed the first one's pending uploads while the first was
still sending them: duplicate attachments, and completed orders marked failed.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from app.sandbox import DEMO_BERKE_TOKEN, DEMO_SR_KEY, SandboxConfig, SandboxServer
from tests.faults.flow_runner import ALREADY_RUNNING
from tests.faults.test_kill_and_resume import check_end_state, make_files, make_orders, runner
from tests.waits import HANG_GUARD_SECONDS


@pytest.mark.slow
def test_a_second_runner_on_the_same_folder_is_refused(tmp_path: Path) -> None:
    files = make_files(tmp_path)
    config = SandboxConfig(orders=5, sr_rate_per_second=0, berke_burst=100_000, latency_ms=25)
    env = {**os.environ, "AD_SR_KEY": DEMO_SR_KEY, "AD_BERKE_TOKEN": DEMO_BERKE_TOKEN}
    with SandboxServer(config, port=0) as server:
        orders = make_orders(server)
        command = runner(server, tmp_path / "desk.sqlite3", orders, files)
        first = subprocess.Popen(
            [*command, "--hold-after-first-step"],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert first.stdout is not None
        try:
            # It holds the folder now, and keeps it until told to go on: the second runner may
            # take as long as it likes to start (before, the first could finish meanwhile).
            assert first.stdout.readline().startswith("STEP")
            second = subprocess.run(
                command,
                env=env,
                capture_output=True,
                text=True,
                timeout=HANG_GUARD_SECONDS,
                check=False,
            )
            assert second.returncode == ALREADY_RUNNING, second.stdout + second.stderr
            assert "already running with this data folder" in second.stdout
            assert f"process {first.pid}" in second.stdout
            rest, _ = first.communicate("go on\n", timeout=180)
        finally:
            first.kill()
        assert first.returncode == 0, rest
        assert "ALL DONE" in rest
        check_end_state(server, orders, files)
