"""The log file and its secret filter, the one error path, pacing state, TLS and rate headers."""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from app.clients.berke import BerkeClient
from app.clients.errors import NetworkError, Service, TlsError, ValidationApiError
from app.clients.http import RetryPolicy
from app.clients.pacing import Pacer
from app.clients.smartrecruiters import SmartRecruitersClient
from app.store import logs
from app.workflows.notifier import RecordingNotifier, install_error_hooks

SECRET = "S3cr3t-" + "x" * 57
#: How a record starts in the log file: a line forged to start so reads as the desk's own.
FORGED = "2026-12-07 09:00:00,000 INFO app.workflows.board [MainThread]: "


@pytest.fixture
def log_file(tmp_path: Path) -> Path:
    """The app's logging into ``tmp_path`` (put back after the test: tests/conftest.py)."""
    path = logs.setup_logging(logging.DEBUG, directory=tmp_path, console_level=logging.CRITICAL)
    assert path is not None
    return path


def test_log_file_rotates_and_never_shows_a_registered_secret(log_file: Path) -> None:
    handler = next(
        h
        for h in logging.getLogger().handlers
        if isinstance(h, logging.handlers.RotatingFileHandler)
    )
    assert (handler.maxBytes, handler.backupCount) == (1024 * 1024, 5)
    logs.register_secrets([SECRET])
    log = logging.getLogger("app.test")
    log.warning("key is %s", SECRET)
    log.warning("head only: %s…", SECRET[:8])
    try:
        raise ValueError(f"boom {SECRET}")
    except ValueError:
        log.exception("failed")
    text = log_file.read_text(encoding="utf-8")
    assert "«redacted»" in text
    assert "boom" in text
    assert SECRET not in text
    assert SECRET[:8] not in text


def _lines(path: Path) -> list[str]:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return path.read_text(encoding="utf-8").splitlines()


def test_a_services_message_cannot_forge_a_log_record(log_file: Path) -> None:
    """An ``ApiError`` logged with %s (``watch.py``, ``board.py``, ``outbox.py``) carries the
    service's own words: with a line break and a time in them, they were a record of their own
    (here a Berke token "logged" by the desk). Each record is one line, its breaks escaped."""
    exc = ValidationApiError(
        Service.BERKE, service_message=f"Invalid value\r\n{FORGED}Berke token is 1234-abcd"
    )
    logging.getLogger("app.workflows.watch").info(
        "The comments of order %s could not be read: %s", "order-1", exc
    )
    (line,) = _lines(log_file)
    assert line.endswith(f"“Invalid value\\r\\n{FORGED}Berke token is 1234-abcd”")


def test_every_control_and_line_separator_is_escaped(log_file: Path) -> None:
    logging.getLogger("app.test").warning(
        "%s", "a\nb\rc\td\x1b[31me\x85f\u2028g\u2029h\x0bi\x0cj\x1ck\u202el\x00m"
    )
    (line,) = _lines(log_file)
    assert line.endswith(
        "a\\nb\\rc\\td\\x1b[31me\\x85f\\u2028g\\u2029h\\x0bi\\x0cj\\x1ck\\u202el\\x00m"
    )


def test_a_secret_is_redacted_and_its_record_kept_on_one_line(log_file: Path) -> None:
    """The secret filter puts the arguments in before the formatter escapes: a secret split
    by nothing, and a break in an argument, are both dealt with."""
    logs.register_secrets([SECRET])
    logging.getLogger("app.test").warning("key %s\nthen %s", SECRET, f"x\n{FORGED}y")
    (line,) = _lines(log_file)
    assert SECRET not in line
    assert line.endswith(f"key «redacted»\\nthen x\\n{FORGED}y")


def test_a_traceback_stays_on_lines_none_of_which_can_pass_for_a_record(log_file: Path) -> None:
    """A traceback is read line by line, so it keeps them; but an exception's message is the
    service's words too, and its lines started as records do. Every line of the traceback
    starts with ``CONTINUED``; its own controls are escaped."""
    logs.register_secrets([SECRET])
    try:
        raise ValueError(f"boom {SECRET}\n{FORGED}forged\rtoo")
    except ValueError:
        logging.getLogger("app.test").exception("failed for %s", "Ana\nSilva")
    first, *traceback = _lines(log_file)
    assert first.endswith("ERROR app.test [MainThread]: failed for Ana\\nSilva")
    assert traceback[0] == f"{logs.CONTINUED}Traceback (most recent call last):"
    assert all(line.startswith(logs.CONTINUED) for line in traceback)
    assert traceback[-2:] == [
        f"{logs.CONTINUED}ValueError: boom «redacted»",
        f"{logs.CONTINUED}{FORGED}forged\\rtoo",
    ]


def test_the_console_writes_each_record_on_one_line_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    logs.setup_logging(logging.INFO, directory=tmp_path, console_level=logging.WARNING)
    logging.getLogger("app.test").warning("name %s", f"Silva\n{FORGED}Delivered")
    (line,) = capsys.readouterr().err.splitlines()
    assert line.endswith(f"name Silva\\n{FORGED}Delivered")


def test_hooks_route_every_uncaught_error_to_one_notifier(log_file: Path) -> None:
    logs.register_secrets([SECRET])
    notifier = RecordingNotifier(log_file)
    loop = asyncio.new_event_loop()
    hooks = install_error_hooks(notifier, loop)
    try:
        try:
            raise RuntimeError(f"slot failed with {SECRET}")
        except RuntimeError:
            sys.excepthook(*sys.exc_info())

        def worker() -> None:
            raise KeyError("thread failed")

        thread = threading.Thread(target=worker, name="worker-1")
        thread.start()
        thread.join()

        def callback() -> None:
            raise LookupError("task failed")

        async def main() -> None:
            loop.call_soon(callback)  # a failing callback goes to the loop's exception handler
            await asyncio.sleep(0.01)

        loop.run_until_complete(main())
    finally:
        hooks.uninstall()
        loop.close()
    wheres = [r.where for r in notifier.reports]
    assert wheres[:2] == ["main thread", "thread worker-1"]
    assert "background task" in wheres
    assert "task failed" in notifier.reports[2].detail
    assert all(SECRET not in r.summary + r.detail for r in notifier.reports)
    assert sys.excepthook is hooks.excepthook
    text = log_file.read_text(encoding="utf-8")
    assert "Traceback" in text
    assert f"\n{logs.CONTINUED}Traceback (most recent call last):\n" in text  # on its lines
    assert "slot failed" in text
    assert SECRET not in text


def test_pacer_state_tells_calls_left_queue_wait_and_daily_limit() -> None:
    async def main() -> None:
        pacer = Pacer(max_calls=2, window_seconds=60, max_concurrent=1)
        assert pacer.state().calls_left == 2
        release = asyncio.Event()

        async def call() -> None:
            async with pacer.slot():
                await release.wait()

        tasks = [asyncio.create_task(call()) for _ in range(3)]
        await asyncio.sleep(0.01)
        state = pacer.state()
        assert (state.calls_left, state.in_flight, state.queued) == (1, 1, 2)
        release.set()
        await asyncio.sleep(0.01)
        tasks[-1].cancel()  # waits for the window: cancelled, no longer queued
        await asyncio.gather(*tasks, return_exceptions=True)
        assert pacer.state().queued == 0
        pacer.block_for(30)
        assert pacer.state().wait_seconds > 29
        now = datetime.now(UTC)
        pacer.note_daily_limit(now + timedelta(hours=3))
        assert pacer.state(now).daily_limit_until is not None
        assert pacer.state(now + timedelta(hours=4)).daily_limit_until is None

    asyncio.run(main())


def test_tls_failures_are_told_apart_from_network_ones() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "tls.example":
            raise httpx.ConnectError(
                "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed "
                "certificate (_ssl.c:1006)"
            )
        raise httpx.ConnectError("[Errno 111] Connection refused")

    async def main() -> None:
        for host, kind in (("tls.example", TlsError), ("down.example", NetworkError)):
            client = SmartRecruitersClient(
                f"https://{host}/v1",
                "k" * 64,
                transport=httpx.MockTransport(handler),
                retry=RetryPolicy(read_retries=0),
            )
            with pytest.raises(NetworkError) as caught:
                await client.list_orders(limit=1)
            assert type(caught.value) is kind
            await client.aclose()

    asyncio.run(main())


class ConnectionFaults:
    """A server on 127.0.0.1 that fails every call, counting its connections. ``tls``: its
    address is https, and it answers the TLS greeting in plain HTTP (a real TLS failure:
    "wrong version number"). Otherwise its address is plain http, and it hangs up without an
    answer (a plain network fault, the request sent)."""

    def __init__(self, *, tls: bool) -> None:
        self.tls = tls
        self.connections = 0
        self._server: asyncio.Server | None = None

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        if self.tls:
            writer.write(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
        writer.close()

    async def __aenter__(self) -> str:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        scheme = "https" if self.tls else "http"
        return f"{scheme}://127.0.0.1:{self._server.sockets[0].getsockname()[1]}"

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()


_TWO_RETRIES = RetryPolicy(read_retries=2, read_backoff_seconds=0)


async def _sr_get(base: str) -> object:
    async with SmartRecruitersClient(f"{base}/sr/v1", "k" * 64, retry=_TWO_RETRIES) as sr:
        return await sr.list_orders(limit=1)


async def _sr_post(base: str) -> object:
    async with SmartRecruitersClient(f"{base}/sr/v1", "k" * 64, retry=_TWO_RETRIES) as sr:
        return await sr.add_comment("order-1", "Called the candidate")


async def _berke_read(base: str) -> object:  # a POST, and a read
    async with BerkeClient(f"{base}/berke", "t" * 20, retry=_TWO_RETRIES) as berke:
        return await berke.get_jobs()


async def _berke_change(base: str) -> None:
    async with BerkeClient(f"{base}/berke", "t" * 20, retry=_TWO_RETRIES) as berke:
        await berke.delete_assessment("HRIS-1")


@pytest.mark.parametrize(
    ("call", "read"),
    [(_sr_get, True), (_berke_read, True), (_sr_post, False), (_berke_change, False)],
    ids=["sr-get", "berke-read-post", "sr-change-post", "berke-change-post"],
)
@pytest.mark.parametrize("tls", [True, False], ids=["tls-failure", "network-fault"])
def test_a_tls_failure_is_never_tried_again_where_a_network_fault_on_a_read_is(
    call: Callable[[str], Awaitable[object]], read: bool, tls: bool
) -> None:
    """A certificate (or a port that does not speak TLS) does not fix itself in a second:
    a TLS failure ends the call at once, a read (a GET, or a Berke read, though a POST) as a
    change, and the request never left. A plain network fault is tried again on a read
    only."""
    faults = ConnectionFaults(tls=tls)

    async def main() -> NetworkError:
        async with faults as base:
            with pytest.raises(NetworkError) as caught:
                await call(base)
        return caught.value

    error = asyncio.run(main())
    assert type(error) is (TlsError if tls else NetworkError), repr(error)
    assert faults.connections == (3 if read and not tls else 1)
    assert error.request_sent is not tls
    if tls:
        assert "The secure (TLS) connection failed" in str(error)


def test_smartrecruiters_rate_headers_are_kept_beside_the_pacer() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200,
            json={"limit": 1, "offset": 0, "totalFound": 0, "content": []},
            headers={"X-RateLimit-Limit": "10", "X-RateLimit-Remaining": "7"},
        )

    async def main() -> None:
        client = SmartRecruitersClient(
            "https://sr.example/v1", "k" * 64, transport=httpx.MockTransport(handler)
        )
        await client.list_orders(limit=1)
        assert client.pacer is not None
        state = client.pacer.state()
        assert (state.service_limit, state.service_remaining) == (10, 7)
        await client.aclose()

    asyncio.run(main())
