"""Test set-up shared by every test: headless Qt, a private home, the sandbox on loopback."""

from __future__ import annotations

import os
import tempfile

# Before anything imports Qt: with no display and no platform set, Qt aborts the whole run.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_API", "pyside6")
# Nothing a test does may touch the real user's settings, data or keyring.
os.environ["ASSESSMENT_DESK_HOME"] = tempfile.mkdtemp(prefix="assessment-desk-tests-")
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from app.sandbox import SandboxServer


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
