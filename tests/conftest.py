"""Test set-up shared by every test: headless Qt, a private home, the sandbox on loopback."""

from __future__ import annotations

import os
import tempfile

from tests.screens import DEFAULT_SCREEN, offscreen_platform

# Before anything imports Qt: with no display and no platform set, Qt aborts the whole run.
# Offscreen is given a coordinator's screen (1280×800 unless ASSESSMENT_DESK_TEST_SCREEN names
# another of tests/screens.py), not its own 800×800.
if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":
    os.environ["QT_QPA_PLATFORM"] = offscreen_platform(
        os.environ.get("ASSESSMENT_DESK_TEST_SCREEN", DEFAULT_SCREEN)
    )
os.environ.setdefault("QT_API", "pyside6")
# Nothing a test does may touch the real user's settings, data or keyring: the data folder
# and Qt's settings (window layout, recent snapshots: in the desk folder's config, and under
# XDG_CONFIG_HOME for a desk started without one) are this run's own, for the app started
# in-process and in subprocesses alike, and go with it.
os.environ["ASSESSMENT_DESK_HOME"] = tempfile.mkdtemp(prefix="assessment-desk-tests-")
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="assessment-desk-tests-config-")
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")

import atexit
import contextlib
import functools
import gc
import logging
import shutil
import socket
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, settings

import app.workflows.heap
from tests.waits import HANG_GUARD_MS

for _private in ("ASSESSMENT_DESK_HOME", "XDG_CONFIG_HOME"):  # this run's, gone with it
    atexit.register(shutil.rmtree, os.environ[_private], ignore_errors=True)

# Property tests explore new examples on a developer's bare pytest run; on CI, and through
# scripts/test.sh (the landing command, which sets HYPOTHESIS_PROFILE=ci), they replay the
# same ones, so a landing is never failed by an example found by chance (one found is a bug to
# fix and pin with @example). HYPOTHESIS_PROFILE=explore explores in either.
# Nor by the machine's speed: on a loaded machine an example may be slow, never wrong for it.
settings.register_profile(
    "ci",
    derandomize=True,
    database=None,
    print_blob=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("explore", print_blob=True)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "explore")
)

# gc.freeze() pins every object alive at that moment for the life of the process: an app's
# long-lived state, but a test run's leftovers of earlier tests. The app freezes; tests do not.
app.workflows.heap.enabled = False
# As the app does, garbage is collected on the main thread only, after each test: a
# collection in another thread (the built-in sandbox's) that freed a Qt object's wrapper hung
# a test for good (see app.workflows.heap).
app.workflows.heap.collect_on_one_thread()

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from app.sandbox import SandboxServer

#: pytest-qt's waits, whose own default limit (5 s) would be each test's guess at a hang guard.
_WAITS = ("waitUntil", "waitSignal", "waitSignals", "waitCallback", "waitExposed", "waitActive")


@pytest.fixture
def qtbot(qtbot: QtBot) -> QtBot:
    """pytest-qt's ``qtbot``, whose waits default to the suite's one hang guard
    (``tests/waits.py``); a limit given in the call still wins."""
    for name in _WAITS:
        setattr(qtbot, name, functools.partial(getattr(qtbot, name), timeout=HANG_GUARD_MS))
    return qtbot


@pytest.fixture(autouse=True)
def _secrets_of_its_own() -> Iterator[None]:
    """The secrets a test registers for redaction (a session's keys) go with it: the list is
    the process's, and another test's "A" * 64 turned every later run of eight "a"s into
    «redacted»."""
    from app.store import logs

    with logs._secrets_lock:  # a session's thread may be registering some
        before = set(logs._secrets)
    yield
    with logs._secrets_lock:
        logs._secrets.intersection_update(before)


@pytest.fixture(autouse=True)
def _logging_as_it_was() -> Iterator[None]:
    """What ``setup_logging`` sets is put back after the test: the root logger's level and
    the ``httpx`` logger's; the app's handlers it added to the root logger (the ones it marks)
    are taken off and closed (one it replaced, it closed: that one is not put back). Tests
    that set it up left httpx at WARNING, and the root at INFO, for every later test in the
    process. pytest's own capture handlers are left to pytest."""
    root, httpx = logging.getLogger(), logging.getLogger("httpx")
    levels = root.level, httpx.level
    ours = [h for h in root.handlers if getattr(h, "_assessment_desk", False)]
    yield
    for handler in list(root.handlers):
        if getattr(handler, "_assessment_desk", False) and handler not in ours:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(levels[0])
    httpx.setLevel(levels[1])


@pytest.fixture(autouse=True)
def _garbage_collected_here() -> Iterator[None]:
    """What a test left is collected after it, on the main thread, when due (the app's timer,
    ``app.workflows.heap.collect_due``); a test that turned the collector on again for every
    thread is failed here, since it would let the hang above back in."""
    yield
    left_on = gc.isenabled()
    gc.disable()  # before the verdict: one such test must not let the hang into the others
    assert not left_on, "the test left Python collecting garbage in any thread"
    app.workflows.heap.collect_due()


@pytest.fixture
def refused_port() -> Iterator[int]:
    """A loopback port (127.0.0.1) where a connection is refused for the whole test.

    A TCP socket bound to it but never listening: a connect gets ECONNREFUSED, and while it
    stays bound no other program can take the port and answer. (A fixed port such as 9
    assumed nothing on the machine listened there.)
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as held:
        if sys.platform == "win32":  # there SO_REUSEADDR would let another socket share it
            held.setsockopt(socket.SOL_SOCKET, socket.SO_EXCLUSIVEADDRUSE, 1)
        held.bind(("127.0.0.1", 0))
        yield held.getsockname()[1]


@pytest.fixture
def hanging_port() -> Iterator[int]:
    """A loopback port where a connect neither succeeds nor fails, as on a network gone away:
    its one-place queue is full and it never accepts, so a SYN is dropped. Cancelling a connect
    under way there takes httpx (anyio) some turns of the loop, as in real life."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen(0)
        port = server.getsockname()[1]
        fillers = [socket.socket(socket.AF_INET, socket.SOCK_STREAM) for _ in range(3)]
        try:
            for filler in fillers:
                filler.setblocking(False)
                with contextlib.suppress(BlockingIOError):
                    filler.connect(("127.0.0.1", port))
            yield port
        finally:
            for filler in fillers:
                filler.close()


@pytest.fixture(scope="session")
def sandbox() -> Iterator[SandboxServer]:
    """One sandbox for the run, without SR rate limits so unrelated tests never see a 429.

    Tests that change orders create their own (POST /assessments), so they do not interfere.
    """
    from app.sandbox import SandboxConfig, SandboxServer

    server = SandboxServer(SandboxConfig(sr_rate_per_second=0, berke_burst=100_000), port=0)
    server.start()
    yield server
    server.stop()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The files holding a test marked ``slow`` first, each file's tests in their own order.

    With two workers (``scripts/test.sh``: ``--dist loadfile --no-loadscope-reorder``) each
    file goes whole to the next free worker, in the order collected: the long ones handed out
    first, none is left to run alone at the end while the other worker stands idle.
    """
    slow_files = {item.path for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.path not in slow_files)  # stable: the rest keep theirs
