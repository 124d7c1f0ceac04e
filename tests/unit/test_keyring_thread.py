"""The Settings dialog's keyring thread (``app.ui.settings.key_places.KeyringThread``): calls
served in turn on a thread of its own, which outlives a loop closed before its answer."""

from __future__ import annotations

import asyncio
import threading

from app.ui.settings.key_places import KeyringThread
from tests.waits import HANG_GUARD_SECONDS


def test_calls_are_served_in_turn_off_the_callers_thread() -> None:
    worker = KeyringThread()

    async def two() -> list[str]:
        return list(
            await asyncio.gather(
                worker.run(lambda: threading.current_thread().name),
                worker.run(lambda: threading.current_thread().name),
            )
        )

    assert asyncio.run(two()) == ["keyring", "keyring"]


def test_an_error_reaches_the_caller() -> None:
    worker = KeyringThread()

    def refuse() -> None:
        raise OSError("No space left on device")

    async def call() -> str:
        try:
            await worker.run(refuse)
        except OSError as exc:
            return str(exc)
        return "no error"

    assert asyncio.run(call()) == "No space left on device"


def test_an_answer_for_a_loop_closed_meanwhile_does_not_stop_the_thread() -> None:
    """A Settings dialog reading the keyring as the app (or a test) closed its loop: the
    answer had nowhere to go, the thread died on it, and every later call waited for ever."""
    worker = KeyringThread()
    prompt = threading.Event()
    loop = asyncio.new_event_loop()
    waiting = loop.create_task(worker.run(prompt.wait, HANG_GUARD_SECONDS))
    loop.run_until_complete(asyncio.sleep(0))  # the call is with the thread
    waiting.cancel()
    loop.run_until_complete(asyncio.gather(waiting, return_exceptions=True))
    loop.close()
    prompt.set()  # answered, to a closed loop

    async def later() -> int:
        return await asyncio.wait_for(worker.run(lambda: 42), HANG_GUARD_SECONDS)

    assert asyncio.run(later()) == 42
