"""Demo mode's services in a process of their own (``app.workflows.demo_services``): they
serve real HTTP, stop with the desk (and when it dies), and a process that cannot serve
leaves demo mode working on the sandbox in a thread instead."""

from __future__ import annotations

import asyncio
import os
import select
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.sandbox import SandboxServer
from app.workflows import demo_services
from app.workflows.demo_services import SERVE_FLAG, DemoServices, DemoServicesError
from app.workflows.session import Session, open_demo_services_session
from tests.waits import HANG_GUARD_SECONDS

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def services() -> Iterator[DemoServices]:
    launched = DemoServices.launch(orders=5)
    yield launched
    launched.stop()


def _ended_within(pid: int, seconds: float) -> bool:
    """Whether process ``pid`` (not necessarily our child) ends within ``seconds``: woken by
    its end (a pidfd becomes readable), not by polling."""
    try:
        pidfd = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        readable, _, _ = select.select([pidfd], [], [], seconds)
        return bool(readable)
    finally:
        os.close(pidfd)


def test_the_services_serve_both_apis_and_stop_when_asked(services: DemoServices) -> None:
    async def scenario() -> tuple[int, int]:
        session = await open_demo_services_session(services)
        try:
            page = await session.sr.list_orders()
            return len(page.content), len(await session.berke.get_jobs())
        finally:
            await session.aclose()

    orders, jobs = asyncio.run(scenario())
    assert orders == 5
    assert jobs > 0
    assert services.process.returncode == 0  # stopped by the session's close, and cleanly


async def _opened_and_listed() -> tuple[Session, int]:
    """A demo session opened with no services launched, its orders listed, then closed."""
    session = await open_demo_services_session()
    try:
        return session, len((await session.sr.list_orders()).content)
    finally:
        await session.aclose()


def test_a_session_without_launched_services_starts_its_own() -> None:
    session, orders = asyncio.run(_opened_and_listed())
    assert isinstance(session.sandbox, DemoServices)
    assert orders > 0
    assert session.sandbox.process.returncode == 0


@pytest.mark.skipif(not hasattr(os, "pidfd_open"), reason="waits on a pidfd (Linux)")
def test_the_services_end_when_the_desk_dies(tmp_path: Path) -> None:
    """The desk killed outright (no close, no clean-up): the system closes the services'
    standard input, and they end: no orphan serves on."""
    desk = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from app.workflows.demo_services import DemoServices\n"
            "s = DemoServices.launch(orders=1)\n"
            "s.wait_listening()\n"
            "print(s.pid, flush=True)\n"
            "import time; time.sleep(600)\n",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert desk.stdout is not None
        child = int(desk.stdout.readline())
        assert not _ended_within(child, 0)  # serving
    finally:
        desk.send_signal(signal.SIGKILL)
        desk.wait()
    assert _ended_within(child, HANG_GUARD_SECONDS)


def test_a_folder_with_its_own_app_package_is_not_served_instead(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Started from a folder of the user's with an ``app`` package of its own, the process
    still serves this desk's services (its folder is first on the path, ``-P``)."""
    impostor = tmp_path / "app"
    impostor.mkdir()
    (impostor / "__init__.py").write_text("raise SystemExit(7)\n")
    (impostor / "__main__.py").write_text("raise SystemExit(7)\n")
    monkeypatch.chdir(tmp_path)
    launched = DemoServices.launch(orders=1)
    try:
        assert launched.wait_listening().startswith("http://127.0.0.1:")
    finally:
        launched.stop()


def test_the_command_is_this_program_again_with_the_serve_flag(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    command = demo_services.serve_command(orders=3, seed=4)
    assert command[:4] == [sys.executable, "-P", "-m", "app"]
    assert command[4] == SERVE_FLAG
    assert command[command.index("--orders") + 1] == "3"
    assert command[command.index("--seed") + 1] == "4"
    monkeypatch.setattr(demo_services.site, "getsitepackages", list)  # (the tree, not installed)
    monkeypatch.setattr(demo_services.site, "getusersitepackages", lambda: "/nonexistent")
    assert demo_services.child_env()["PYTHONPATH"].split(os.pathsep)[0] == str(ROOT)
    # Installed (in site-packages): already on the path, and never before the standard library.
    monkeypatch.setattr(demo_services.site, "getsitepackages", lambda: [str(ROOT)])
    monkeypatch.delenv("PYTHONPATH", raising=False)
    assert "PYTHONPATH" not in demo_services.child_env()
    # The installed program is its own interpreter: no -m, no path of ours.
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    frozen = demo_services.serve_command()
    assert frozen[:2] == [sys.executable, SERVE_FLAG]
    assert "-m" not in frozen


def _pretend_command(monkeypatch: pytest.MonkeyPatch, code: str) -> None:
    monkeypatch.setattr(demo_services, "serve_command", lambda **_: [sys.executable, "-c", code])


def test_a_process_that_ends_without_listening_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    _pretend_command(monkeypatch, "raise SystemExit(3)")
    launched = DemoServices.launch()
    with pytest.raises(DemoServicesError, match="ended with code 3"):
        launched.wait_listening()
    launched.stop()


def test_a_process_that_never_listens_is_ended_after_the_start_timeout(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Says nothing, and waits for its input to close (as the services do).
    _pretend_command(monkeypatch, "import sys; sys.stdin.buffer.read()")
    launched = DemoServices.launch()
    launched.start_timeout = 0.2

    with pytest.raises(DemoServicesError, match=r"did not start within 0\.2 s"):
        asyncio.run(launched.base_url())
    assert launched.process.returncode is not None  # ended, not left waiting


def test_demo_mode_opens_on_a_thread_of_the_desk_when_no_process_can_serve(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    _pretend_command(monkeypatch, "raise SystemExit(3)")

    session, orders = asyncio.run(_opened_and_listed())
    assert isinstance(session.sandbox, SandboxServer)
    assert orders > 0
    assert "The sandbox runs in the desk instead" in caplog.text


def test_a_program_that_cannot_be_started_also_falls_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(
        demo_services, "serve_command", lambda **_: [str(Path("/nonexistent/program"))]
    )

    async def scenario() -> Session:
        session = await open_demo_services_session()
        await session.aclose()
        return session

    assert isinstance(asyncio.run(scenario()).sandbox, SandboxServer)


def test_a_process_that_says_something_else_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    _pretend_command(monkeypatch, "import sys; print('hello'); sys.stdin.buffer.read()")
    launched = DemoServices.launch()
    with pytest.raises(DemoServicesError, match="said something else than where it listens"):
        launched.wait_listening()
    launched.stop()
    assert launched.process.returncode == 0


@pytest.mark.skipif(not hasattr(os, "pidfd_open"), reason="waits on a pidfd (Linux)")
def test_a_demo_start_cancelled_while_waiting_leaves_no_services(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The desk closed while its demo services were still starting: the open is cancelled,
    and the process is ended without the event loop waiting for it."""
    # Silent until its input closes, as services still loading are.
    _pretend_command(monkeypatch, "import sys; sys.stdin.buffer.read()")
    launched = DemoServices.launch()

    async def scenario() -> None:
        opening = asyncio.ensure_future(open_demo_services_session(launched))
        await asyncio.sleep(0.2)  # waiting for the base URL (the process says nothing)
        opening.cancel()
        with pytest.raises(asyncio.CancelledError):
            await opening

    asyncio.run(scenario())
    assert _ended_within(launched.pid, HANG_GUARD_SECONDS)


def test_services_stopped_before_they_listened_say_so(services: DemoServices) -> None:
    """Stopped (the desk closing) while a session was about to wait for them: a clear error,
    which demo mode answers with the sandbox in a thread, not a closed file's ValueError."""
    services.stop()
    with pytest.raises(DemoServicesError):
        services.wait_listening()
