"""The ``refused_port`` fixture (tests/conftest.py) really refuses, and keeps its port."""

from __future__ import annotations

import errno
import socket
import sys

import pytest


def test_a_connection_to_it_is_refused(refused_port: int) -> None:
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", refused_port), timeout=5).close()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux's SO_REUSEADDR")
def test_no_server_can_take_it_while_the_test_runs(refused_port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as servers usually do
        with pytest.raises(OSError, match=rf"\[Errno {errno.EADDRINUSE}\]"):
            server.bind(("127.0.0.1", refused_port))
