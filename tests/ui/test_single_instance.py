"""A second start on the same data folder is refused and brings the first window to the front."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMainWindow
from pytestqt.qtbot import QtBot

from app.store.instance_lock import InstanceLock
from app.ui.application import ALREADY_RUNNING_EXIT
from app.ui.single_instance import ActivationServer, bring_to_front
from tests.waits import HANG_GUARD_SECONDS


@pytest.mark.slow
def test_second_start_is_refused_and_raises_the_first(qtbot: QtBot, tmp_path: Path) -> None:
    data = tmp_path / "data"  # where the app keeps its database under ASSESSMENT_DESK_HOME
    with InstanceLock(data):
        server = ActivationServer(data)
        assert server.listen()
        try:
            with qtbot.waitSignal(server.activate_requested):
                second = subprocess.Popen(
                    [sys.executable, "-m", "app", "--self-test"],
                    env={**os.environ, "ASSESSMENT_DESK_HOME": str(tmp_path)},
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                )
                # The signal can only come while Qt processes events here, not in communicate().
                qtbot.waitUntil(lambda: second.poll() is not None)
            _out, err = second.communicate(timeout=HANG_GUARD_SECONDS)
        finally:
            server.close()
    assert second.returncode == ALREADY_RUNNING_EXIT
    assert "already running with this data folder" in err
    assert str(data) in err


def test_bring_to_front_restores_a_minimised_window(qtbot: QtBot) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    window.showMinimized()
    bring_to_front(window)
    assert window.isVisible()
    assert not window.isMinimized()
