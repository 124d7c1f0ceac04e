"""``app.clients.http_stack``: what it loads ahead is what a client's first request would load."""

from __future__ import annotations

import ast
import asyncio
import logging
import subprocess
import sys
import types

import pytest

from app.clients import http_stack
from app.clients.http_stack import HTTP_STACK, load_http_stack
from app.domain.connection import ConnectionProfile
from app.workflows.session import prepare_session

#: A fresh interpreter: a plain HTTP server on loopback, then an httpx client's first request;
#: it prints the modules that request loaded (argv[1] == "ahead": after ``load_http_stack``).
FIRST_REQUEST = """
import asyncio, sys, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx

from app.clients.http_stack import load_http_stack


class Answer(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Answer)
threading.Thread(target=server.serve_forever, daemon=True).start()
if sys.argv[1] == "ahead":
    load_http_stack()


async def first_request():
    before = set(sys.modules)
    async with httpx.AsyncClient(verify=False) as client:  # as the desk's http:// clients
        response = await client.get(f"http://127.0.0.1:{server.server_port}/")
        assert response.text == "ok"
    print(sorted(set(sys.modules) - before))


asyncio.run(first_request())
server.shutdown()
"""


def _loaded_by_first_request(ahead: bool) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-c", FIRST_REQUEST, "ahead" if ahead else "not ahead"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    loaded: list[str] = ast.literal_eval(out.stdout.strip())
    return loaded


def test_what_is_loaded_ahead_is_what_the_first_request_would_load() -> None:
    """Without it, the first request loads every module ``HTTP_STACK`` names (on the GUI
    thread, in the desk); after it, nothing of the HTTP stack is left to load. A newer httpx
    that loads something else fails this, and the list is brought up to date."""
    assert set(HTTP_STACK) <= set(_loaded_by_first_request(ahead=False))
    assert _loaded_by_first_request(ahead=True) == []


@pytest.mark.parametrize(
    "error",
    [ImportError("no module named 'anyio._backends._asyncio'"), OSError(13, "Permission denied"),
     RuntimeError("deadlock detected")],
    ids=["gone", "unreadable", "deadlock"],
)  # fmt: skip
def test_a_module_that_cannot_be_loaded_is_left_to_httpx(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, error: Exception
) -> None:
    """An aid, never a failure: a module that cannot be loaded is logged and skipped, and the
    rest are loaded; opening a session goes on."""
    asked: list[str] = []

    def import_module(name: str) -> None:
        asked.append(name)
        if name == "anyio":
            raise error

    # One name never loaded, so that ``http_stack_loaded`` does not find everything loaded.
    stack = ("anyio", "app.not_loaded_yet")
    monkeypatch.setattr(http_stack, "HTTP_STACK", stack)
    monkeypatch.setattr(http_stack, "importlib", types.SimpleNamespace(import_module=import_module))
    profile = ConnectionProfile(
        name="Day", sr_base_url="http://127.0.0.1:9/sr", berke_base_url="http://127.0.0.1:9/b"
    )
    with caplog.at_level(logging.WARNING, logger="app.clients.http_stack"):
        load_http_stack()
        asyncio.run(prepare_session(profile))  # goes on
    assert asked == [*stack, *stack]  # each tried, the one after the failure too, each time
    assert "anyio not loaded ahead" in caplog.text


PREPARE = """
import asyncio, sys

from app.clients.http_stack import HTTP_STACK
from app.domain.connection import ConnectionProfile
from app.workflows.session import prepare_session

assert not [name for name in HTTP_STACK if name in sys.modules], "loaded before"
profile = ConnectionProfile(
    name="Day", sr_base_url="http://127.0.0.1:9/sr/v1", berke_base_url="http://127.0.0.1:9/b"
)
asyncio.run(prepare_session(profile))
print([name for name in HTTP_STACK if name not in sys.modules])
"""


def test_opening_a_session_loads_it_while_it_waits_for_the_keys() -> None:
    """``prepare_session`` (run beside the keyring's answer) loads the HTTP stack, so that
    making the clients and their first request load nothing on the loop."""
    out = subprocess.run(
        [sys.executable, "-c", PREPARE], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "[]", out.stderr
