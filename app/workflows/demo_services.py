"""Demo mode's simulated services (the sandbox) in a process of their own, started with the
desk so that they are listening by the time its first sync asks them.

Why a process and not a thread of the desk's: the sandbox's imports (starlette, uvicorn) and
every answer it computes then run beside the desk, on another core, instead of taking turns
with the window for Python's one lock (the first sync: see ``bench/startup.py``); and no
thread of the desk's runs a server whose garbage could meet Qt's (``app.workflows.heap``).

The process stops when the desk closes its standard input, which the system also does when
the desk dies: no orphan serves on.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import site
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO, Protocol

from app import SERVE_FLAG

log = logging.getLogger(__name__)

DEMO_ORDERS = 200
DEMO_SEED = 1
# The demo's candidates play their part: most invited assessments finish within a minute,
# so a coordinator sees results arrive and can deliver them (some stay open, as in life).
DEMO_COMPLETE_AFTER_SECONDS = 45.0
DEMO_COMPLETE_SHARE = 0.7

#: How long the services may take to listen: a cold disk and a busy machine, not a hang.
START_TIMEOUT_SECONDS = 30.0
STOP_TIMEOUT_SECONDS = 5.0


class DemoServicesError(RuntimeError):
    """The demo's services process did not start listening."""


def serve_command(*, orders: int = DEMO_ORDERS, seed: int = DEMO_SEED) -> list[str]:
    """The command that serves the demo's services: this program again, with ``SERVE_FLAG``.

    The installed program (PyInstaller) is its own interpreter. From the source tree, ``-P``
    keeps a folder of the user's own (the current one) off the module path, where another
    ``app`` package could stand: this one's folder is put first instead (``child_env``)."""
    program = [sys.executable] if getattr(sys, "frozen", False) else [sys.executable, "-P", "-m"]
    if not getattr(sys, "frozen", False):
        program.append("app")
    return [
        *program,
        SERVE_FLAG,
        "--port",
        "0",
        "--orders",
        str(orders),
        "--seed",
        str(seed),
        "--auto-complete-after",
        f"{DEMO_COMPLETE_AFTER_SECONDS:g}",
        "--auto-complete-share",
        f"{DEMO_COMPLETE_SHARE:g}",
    ]


def child_env() -> dict[str, str]:
    """The desk's environment, with the folder holding this ``app`` package first on the path
    (unless it is an installed one's site-packages, already on it, and which must not come
    before the standard library)."""
    env = dict(os.environ)
    if getattr(sys, "frozen", False):
        return env
    root = Path(__file__).resolve().parents[2]
    folders = [*site.getsitepackages(), site.getusersitepackages()]
    installed = {Path(folder).resolve() for folder in folders}
    if root not in installed:
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(root), env.get("PYTHONPATH")) if p)
    return env


class DemoServices:
    """One running services process: ``launch`` returns at once, ``base_url`` waits for it to
    listen (off the event loop), ``stop`` ends it (and waits, then kills, if it must)."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self.process = process
        self._base_url: str | None = None
        self.start_timeout = START_TIMEOUT_SECONDS

    @classmethod
    def launch(cls, *, orders: int = DEMO_ORDERS, seed: int = DEMO_SEED) -> DemoServices:
        """Start the process; ``OSError`` when it cannot be started at all."""
        kwargs: dict[str, object] = {}
        if sys.platform == "win32":
            # Ctrl+C in the desk's console is the desk's; no console window of its own.
            kwargs["creationflags"] = (
                subprocess.CREATE_NEW_PROCESS_GROUP | subprocess.CREATE_NO_WINDOW
            )
        else:
            kwargs["start_new_session"] = True  # Ctrl+C in the terminal is the desk's
        process = subprocess.Popen(
            serve_command(orders=orders, seed=seed),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=child_env(),
            **kwargs,  # type: ignore[call-overload]
        )
        log.info("Demo services starting (process %d)", process.pid)
        return cls(process)

    @property
    def pid(self) -> int:
        return self.process.pid

    def wait_listening(self) -> str:
        """Block until the process says where it listens; its base URL (``http://host:port``).

        ``DemoServicesError`` when it ended (or closed its output) without saying so."""
        if self._base_url is None:
            stdout = self.process.stdout
            try:
                line = stdout.readline() if stdout is not None else b""
            except ValueError:  # its output closed here: stopped meanwhile
                raise DemoServicesError(
                    "The demo's services were stopped before they started."
                ) from None
            url = line.decode("ascii", "replace").strip()
            if not url.startswith("http://127.0.0.1:"):
                raise DemoServicesError(
                    f"The demo's services did not start: the process {self._why_silent(line)}."
                )
            if stdout is not None:
                stdout.close()  # nothing more is said there
            self._base_url = url
        return self._base_url

    def _why_silent(self, line: bytes) -> str:
        if line:
            return "said something else than where it listens"
        try:  # the end of its output: it is ending (reaped in a moment) or closed it
            code = self.process.wait(STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            return "closed its output"
        return f"ended with code {code}"

    async def base_url(self) -> str:
        """The base URL once the services listen; after ``start_timeout`` the process is
        ended instead."""
        try:
            async with asyncio.timeout(self.start_timeout):
                return await asyncio.to_thread(self.wait_listening)
        except TimeoutError:
            await asyncio.to_thread(self.stop)  # its output closes: the reading thread ends
            raise DemoServicesError(
                f"The demo's services did not start within {self.start_timeout:g} s."
            ) from None

    @property
    def sr_base_url(self) -> str:
        return self._listening_url() + "/sr/v1"

    @property
    def berke_base_url(self) -> str:
        return self._listening_url() + "/berke"

    def _listening_url(self) -> str:
        if self._base_url is None:
            raise RuntimeError("the demo's services are not listening yet")
        return self._base_url

    def stop(self, timeout: float = STOP_TIMEOUT_SECONDS) -> None:
        """End the process: its standard input closed, it stops its server and exits; killed
        when it has not within ``timeout``. Safe to call again."""
        process = self.process
        if process.poll() is None:
            _close(process.stdin)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                log.warning("The demo's services did not stop within %g s: ended", timeout)
                process.kill()
                process.wait()
        _close(process.stdin)
        # Only now, the process ended: a reader still in ``readline`` (``base_url`` timed
        # out) holds the stream's lock until the end of output, which has come.
        _close(process.stdout)


class _Stoppable(Protocol):
    def stop(self, timeout: float = ...) -> None: ...


def stop_in_background(server: _Stoppable) -> None:
    """``server.stop()`` in a thread of its own, for a caller that must not wait (a start or
    a close cancelled on the event loop); the program's exit still waits for it."""
    threading.Thread(target=server.stop, name="stop-demo-services").start()


def _close(stream: IO[bytes] | None) -> None:
    if stream is not None:
        with contextlib.suppress(OSError):
            stream.close()
