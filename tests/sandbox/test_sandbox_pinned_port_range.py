"""Pins the sandbox's ``--port`` range (app/sandbox/__main__.py ``_port``): 0 and 65535 are
ports, 65536 and -1 are not.

Mutant killed: ``0 <= port <= 65535`` -> ``0 <= port < 65535`` (the highest port refused).
It survived tests/sandbox/test_conformance.py, which tries 70000, -1 and 0 only."""

from __future__ import annotations

import pytest

from app.sandbox.__main__ import _parser


@pytest.mark.parametrize("port", [0, 1, 65535])
def test_every_tcp_port_is_taken(port: int) -> None:
    assert _parser().parse_args(["--port", str(port)]).port == port


@pytest.mark.parametrize("text", ["65536", "-1", "http"])
def test_what_is_no_port_is_refused_in_words(text: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as refused:
        _parser().parse_args(["--port", text])
    assert refused.value.code == 2
    assert "port" in capsys.readouterr().err
