"""Cancel stops a file being sent wherever it was started, even when it comes between the
step's last check and the registration of its sending."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

import pytest

from app.domain.attachments import UploadState
from app.domain.uploads import Upload
from app.store.database import Database
from app.workflows.desk import Desk


def bare_desk() -> Desk:
    """A desk whose session is never used: only its in-flight registries are."""
    return Desk(session=None, db=Database(":memory:"))  # type: ignore[arg-type]


def on_its_way(upload_id: int) -> Upload:
    """An upload as ``ResultStore.start_sending`` returns it: on its way."""
    now = datetime.now(UTC)
    return Upload(
        id=upload_id, order_id="o", result_id="r", path="/r.pdf", file_name="r.pdf", size=1,
        state=UploadState.UPLOADING, created_at=now, updated_at=now, sending_since=now,
    )  # fmt: skip


def test_a_stop_that_comes_before_the_sending_stops_it_as_it_starts() -> None:
    async def body() -> None:
        desk = bare_desk()
        assert desk.stop_sending(7) is False  # nothing registered yet
        task = asyncio.ensure_future(asyncio.Event().wait())
        desk.sending_started(on_its_way(7), task)
        await asyncio.sleep(0)
        assert task.cancelled()
        desk.sending_ended(7, task)
        # Queued again (Retry): the old stop no longer applies.
        desk.stop_sending(8)
        desk.may_send_again(8)
        again = asyncio.ensure_future(asyncio.sleep(0))
        desk.sending_started(on_its_way(8), again)
        await again
        assert not again.cancelled()

    asyncio.run(body())


def test_a_stop_cancels_what_is_being_sent() -> None:
    async def body() -> None:
        desk = bare_desk()
        task = asyncio.ensure_future(asyncio.Event().wait())
        desk.sending_started(on_its_way(3), task)
        assert desk.stop_sending(3) is True
        await asyncio.sleep(0)
        assert task.cancelled()

    asyncio.run(body())


def test_the_listener_hears_each_file_that_begins_to_go_and_never_stops_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The board hears each file on its way (as stored: "uploading"), not one stopped as it
    started; a listener that fails is logged, and the file goes on."""

    async def body() -> None:
        desk = bare_desk()
        heard: list[Upload] = []
        desk.on_sending = heard.append
        task = asyncio.ensure_future(asyncio.sleep(0))
        desk.sending_started(on_its_way(5), task)
        assert [upload.id for upload in heard] == [5]
        desk.stop_sending(6)
        stopped = asyncio.ensure_future(asyncio.Event().wait())
        desk.sending_started(on_its_way(6), stopped)
        assert [upload.id for upload in heard] == [5]

        def fails(upload: Upload) -> None:
            raise RuntimeError("a listener's bug")

        desk.on_sending = fails
        going = asyncio.ensure_future(asyncio.sleep(0))
        with caplog.at_level(logging.ERROR, logger="app.workflows.desk"):
            desk.sending_started(on_its_way(9), going)
        await going
        assert not going.cancelled()
        assert "Could not show upload 9 as on its way" in caplog.text
        await task
        await asyncio.gather(stopped, return_exceptions=True)

    asyncio.run(body())
