"""A throwaway D-Bus session with a real, unlocked gnome-keyring-daemon, for the tests that run
the key store through ``keyring``'s real SecretService backend.

Everything lives in a fresh temporary folder (HOME, the XDG folders, the bus socket, the login
keyring with a known password) and ends with the test: the user's own keyring and session bus
are never touched. The bus is a private ``dbus-daemon`` with no service files, so nothing is
started behind the test's back (no unlock prompt, no second keyring) and an absent daemon is
really absent.

Waiting is event-driven: the bus prints its address when it listens, and the keyring is ready
when it owns ``org.freedesktop.secrets`` (it unlocks the login keyring before taking the name),
which the bus announces with NameOwnerChanged. The time limits only turn a hang into a failure.

The tools come from the Debian packages ``dbus`` and ``gnome-keyring``, which scripts/test.sh
installs; there (``ASSESSMENT_DESK_REQUIRE_SECRET_SERVICE=1``) a missing tool fails the run,
elsewhere it skips these tests with the reason.
"""

from __future__ import annotations

import json
import os
import selectors
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import pytest

from tests.waits import HANG_GUARD_SECONDS

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "assessment-desk-tests"
SECRETS_NAME = "org.freedesktop.secrets"
# Guards against a hang, never waited out in a passing run (a 20 s one ran out once on a
# loaded machine and cost a landing).
START_LIMIT = HANG_GUARD_SECONDS
PROBE_LIMIT = HANG_GUARD_SECONDS

BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir={socket_dir}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


def _require_tools() -> None:
    missing = [tool for tool in ("dbus-daemon", "gnome-keyring-daemon") if not shutil.which(tool)]
    if not missing:
        return
    reason = (
        f"{' and '.join(missing)} not installed: the Debian packages dbus and gnome-keyring "
        "(scripts/test.sh installs them)"
    )
    if os.environ.get("ASSESSMENT_DESK_REQUIRE_SECRET_SERVICE") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


def _first_line(stream: IO[str], limit: float) -> str:
    with selectors.DefaultSelector() as selector:
        selector.register(stream, selectors.EVENT_READ)
        if not selector.select(limit):
            raise TimeoutError("dbus-daemon did not say where it listens")
    return stream.readline().strip()


@dataclass
class SecretServiceSession:
    """A session bus of its own; ``start_keyring`` puts an unlocked keyring on it."""

    root: Path
    address: str
    env: dict[str, str]
    bus: subprocess.Popen[str]
    keyring: subprocess.Popen[bytes] | None = None
    _logs: list[IO[bytes]] = field(default_factory=list)

    def start_keyring(self) -> None:
        """gnome-keyring-daemon with the Secret Service only, its login keyring created (first
        time) or unlocked with ``PASSWORD``; returns once it serves on the bus."""
        from jeepney.bus_messages import MatchRule, message_bus
        from jeepney.io.blocking import Proxy, open_dbus_connection

        log = (self.root / "gnome-keyring.log").open("ab")
        self._logs.append(log)
        with open_dbus_connection(bus=self.address) as connection:
            bus = Proxy(message_bus, connection)
            appeared = MatchRule(
                type="signal",
                sender="org.freedesktop.DBus",
                interface="org.freedesktop.DBus",
                member="NameOwnerChanged",
                path="/org/freedesktop/DBus",
            )
            appeared.add_arg_condition(0, SECRETS_NAME)
            bus.AddMatch(appeared)
            # Listening before starting it: the announcement cannot be missed.
            with connection.filter(appeared) as queue:
                self.keyring = subprocess.Popen(
                    ["gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets"],
                    stdin=subprocess.PIPE,
                    stdout=log,
                    stderr=log,
                    env=self.env,
                )
                assert self.keyring.stdin is not None
                self.keyring.stdin.write(PASSWORD.encode())
                self.keyring.stdin.close()
                if not bus.NameHasOwner(SECRETS_NAME)[0]:
                    connection.recv_until_filtered(queue, timeout=START_LIMIT)

    def stop_keyring(self) -> None:
        if self.keyring is not None and self.keyring.poll() is None:
            self.keyring.terminate()
            try:
                self.keyring.wait(timeout=START_LIMIT)
            except subprocess.TimeoutExpired:
                self.keyring.kill()
                self.keyring.wait()
        self.keyring = None

    def app(self, *operations: dict[str, Any]) -> list[Any]:
        """Start the app's key store in a new process and run ``operations`` through it."""
        done = subprocess.run(
            [sys.executable, "-m", "tests.secret_service.probe"],
            input=json.dumps(list(operations)),
            capture_output=True,
            text=True,
            env=self.env,
            cwd=ROOT,
            timeout=PROBE_LIMIT,
            check=False,
        )
        if done.returncode != 0:
            raise AssertionError(f"the probe failed ({done.returncode}):\n{done.stderr}")
        results: list[Any] = json.loads(done.stdout.splitlines()[-1])
        return results

    def files_containing(self, secret: str) -> list[Path]:
        """Files under the session's folders that hold ``secret`` as plain text."""
        found = []
        for path in self.root.rglob("*"):
            if path.is_file() and not path.is_symlink():
                try:
                    if secret.encode() in path.read_bytes():
                        found.append(path)
                except OSError:
                    continue
        return found

    def close(self) -> None:
        self.stop_keyring()
        if self.bus.poll() is None:
            self.bus.terminate()
            try:
                self.bus.wait(timeout=START_LIMIT)
            except subprocess.TimeoutExpired:
                self.bus.kill()
                self.bus.wait()
        if self.bus.stdout is not None:
            self.bus.stdout.close()
        for log in self._logs:
            log.close()
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture
def session_bus() -> Iterator[SecretServiceSession]:
    """A private session bus and a private home, with no keyring on it yet."""
    _require_tools()
    # Short paths: a unix socket's path must stay under 108 bytes.
    root = Path(tempfile.mkdtemp(prefix="ad-keyring-"))
    home, runtime = root / "home", root / "run"
    for folder in (home, runtime, root / "desk"):
        folder.mkdir(mode=0o700)
    config = root / "bus.conf"
    config.write_text(BUS_CONFIG.format(socket_dir=runtime), encoding="utf-8")
    # The app's process sees this session only: its keyring choice is keyring's own discovery
    # (no forced backend), as on a user's machine, and no display for an unlock prompt.
    env = {
        name: value
        for name, value in os.environ.items()
        if name
        not in {
            "PYTHON_KEYRING_BACKEND",
            "DBUS_SESSION_BUS_ADDRESS",
            "DISPLAY",
            "WAYLAND_DISPLAY",
            "ASSESSMENT_DESK_HOME",
        }
    }
    env.update(
        HOME=str(home),
        XDG_RUNTIME_DIR=str(runtime),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_CACHE_HOME=str(home / ".cache"),
        ASSESSMENT_DESK_HOME=str(root / "desk"),
    )
    bus_log = (root / "dbus-daemon.log").open("ab")
    bus = subprocess.Popen(
        ["dbus-daemon", f"--config-file={config}", "--nofork", "--print-address=1"],
        stdout=subprocess.PIPE,
        stderr=bus_log,
        text=True,
        env=env,
    )
    assert bus.stdout is not None
    try:
        address = _first_line(bus.stdout, START_LIMIT)
    except BaseException:
        bus.kill()
        bus.wait()
        bus_log.close()
        raise
    env["DBUS_SESSION_BUS_ADDRESS"] = address
    session = SecretServiceSession(root, address, env, bus, _logs=[bus_log])
    try:
        yield session
    finally:
        session.close()


@pytest.fixture
def secret_service(session_bus: SecretServiceSession) -> SecretServiceSession:
    """The private session bus with an unlocked gnome-keyring-daemon serving on it."""
    session_bus.start_keyring()
    return session_bus
