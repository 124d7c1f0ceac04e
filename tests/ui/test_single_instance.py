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


def start_a_second_desk(qtbot: QtBot, home: Path) -> tuple[str, int]:
    """``python -m app --self-test`` on ``home``, to its end: what it wrote to stderr, and
    its exit status. Qt's events run meanwhile: an "activate" it sends arrives."""
    second = subprocess.Popen(
        [sys.executable, "-m", "app", "--self-test"],
        env={**os.environ, "ASSESSMENT_DESK_HOME": str(home)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    qtbot.waitUntil(lambda: second.poll() is not None)  # not communicate(): no events there
    _out, err = second.communicate(timeout=HANG_GUARD_SECONDS)
    return err, second.returncode


@pytest.mark.slow
def test_second_start_is_refused_and_raises_the_first(qtbot: QtBot, tmp_path: Path) -> None:
    data = tmp_path / "data"  # where the app keeps its database under ASSESSMENT_DESK_HOME
    with InstanceLock(data):
        server = ActivationServer(data)
        assert server.listen()
        try:
            with qtbot.waitSignal(server.activate_requested):
                err, returncode = start_a_second_desk(qtbot, tmp_path)
        finally:
            server.close()
    assert returncode == ALREADY_RUNNING_EXIT
    assert "already running with this data folder" in err
    assert str(data) in err


@pytest.mark.slow
def test_a_start_while_the_desk_closes_is_told_to_wait_not_to_use_its_window(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """Its window closed, the desk holds the folder until its work has ended. A start then
    was told "use that window, or close it first": there was none to use."""
    from app.ui.application import CLOSING_DESK

    data = tmp_path / "data"
    with InstanceLock(data) as lock:
        server = ActivationServer(data)
        assert server.listen()  # still listening: the role alone must keep the start away
        asked: list[bool] = []
        server.activate_requested.connect(lambda: asked.append(True))
        lock.hold_as(CLOSING_DESK)
        err, returncode = start_a_second_desk(qtbot, tmp_path)
        server.close()
    assert returncode == ALREADY_RUNNING_EXIT
    assert (
        f"An Assessment Desk that is closing is using this data folder (process {os.getpid()}):"
        " let it finish, then try again." in err
    )
    assert "use that window" not in err
    assert asked == []


def test_a_closing_desk_names_itself_so_and_stops_answering(qtbot: QtBot, tmp_path: Path) -> None:
    from app.ui.application import CLOSING_DESK, _stop_answering_second_starts

    with InstanceLock(tmp_path) as lock:
        server = ActivationServer(tmp_path)
        assert server.listen()
        _stop_answering_second_starts(lock, server)
        assert not server.listening
        role = (tmp_path / "assessment-desk.lock").read_text().splitlines()[1]
        assert role == CLOSING_DESK


def test_bring_to_front_restores_a_minimised_window(qtbot: QtBot) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    window.showMinimized()
    bring_to_front(window)
    assert window.isVisible()
    assert not window.isMinimized()
