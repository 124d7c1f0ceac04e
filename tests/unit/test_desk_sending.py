"""Cancel stops a file being sent wherever it was started, even when it comes between the
step's last check and the registration of its sending."""

from __future__ import annotations

import asyncio

from app.store.database import Database
from app.workflows.desk import Desk


def bare_desk() -> Desk:
    """A desk whose session is never used: only its in-flight registries are."""
    return Desk(session=None, db=Database(":memory:"))  # type: ignore[arg-type]


def test_a_stop_that_comes_before_the_sending_stops_it_as_it_starts() -> None:
    async def body() -> None:
        desk = bare_desk()
        assert desk.stop_sending(7) is False  # nothing registered yet
        sending = asyncio.ensure_future(asyncio.Event().wait())
        desk.sending_started("o", 7, sending)
        await asyncio.sleep(0)
        assert sending.cancelled()
        desk.sending_ended(7, sending)
        # Queued again (Retry): the old stop no longer applies.
        desk.stop_sending(8)
        desk.may_send_again(8)
        again = asyncio.ensure_future(asyncio.sleep(0))
        desk.sending_started("o", 8, again)
        await again
        assert not again.cancelled()

    asyncio.run(body())


def test_a_stop_cancels_what_is_being_sent() -> None:
    async def body() -> None:
        desk = bare_desk()
        sending = asyncio.ensure_future(asyncio.Event().wait())
        desk.sending_started("o", 3, sending)
        assert desk.stop_sending(3) is True
        await asyncio.sleep(0)
        assert sending.cancelled()

    asyncio.run(body())
