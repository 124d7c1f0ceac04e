"""Closing the loop when this side gets in the way: a report name too long for the file
system, a disk that will not keep the report, one order's surprise in an automatic round,
and a report larger than the client downloads. Each is said on its order, in words, and the
other orders are delivered all the same."""

from __future__ import annotations

import errno
import logging
import os
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.clients.errors import ServerError, Service
from app.domain.attention import Attention
from app.domain.berke import CreateAssessmentRequest
from app.domain.smartrecruiters import OrderStatus
from app.sandbox import SandboxConfig, SandboxServer
from app.sandbox.data import BERKE_JOBS
from app.workflows.board import BoardOptions, OrderBoard
from app.workflows.desk import Desk
from app.workflows.refusals import NothingToDeliverError
from tests.integration.helpers import RealNetwork, new_order_body
from tests.integration.test_close_the_loop import finished, nurse_order, results_of, with_board

#: A real Japanese job title (they routinely run 60-100 characters): 3 bytes a character.
JP_TITLE = (
    "【東京本社・大阪支社】法人営業マネージャー候補（ITソリューション・クラウドサービス）"
    "／未経験歓迎・研修制度充実・年間休日125日以上・リモートワーク可・賞与年2回"
)


@pytest.fixture(scope="module")
def sandbox() -> Any:
    with SandboxServer(SandboxConfig(sr_rate_per_second=0, berke_burst=100_000)) as server:
        yield server


@pytest.fixture
def japanese_job(monkeypatch: pytest.MonkeyPatch) -> None:
    nurse = next(job for job in BERKE_JOBS if job["sourceJobId"] == "NURSE-RN")
    monkeypatch.setitem(nurse, "name", JP_TITLE)  # the Berke account's job, named in Japanese


def delivery_flag(board: OrderBoard, order_id: str) -> str:
    (flag,) = [f for f in board.flags(order_id) if f.kind is Attention.DELIVER]
    return flag.text


def status_of(board: OrderBoard, order_id: str) -> OrderStatus:
    order = board.order(order_id)
    assert order is not None
    return order.status


def refuse_saving(
    monkeypatch: pytest.MonkeyPatch, desk: Desk, order_id: str, error: Exception
) -> None:
    """Saving ``order_id``'s report raises ``error``; every other order's is saved."""
    save = desk.reports.save

    def refusing(for_order: str, file_name: str, data: bytes) -> Path:
        if for_order == order_id:
            raise error
        return save(for_order, file_name, data)

    monkeypatch.setattr(desk.reports, "save", refusing)


def test_a_long_japanese_job_name_is_delivered_with_its_report(
    sandbox: SandboxServer, tmp_path: Path, japanese_job: None
) -> None:
    """Before: the name was cut at 120 characters, 360 bytes here, and the file system's
    limit is 255 bytes: OSError (ENAMETOOLONG), and the order could never be delivered."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        order = await desk.session.sr.create_test_order(
            {**new_order_body(first="Yui", last="Sandoval", email="yui@example.com"),
             "job": {"name": JP_TITLE}}
        )  # fmt: skip
        await board.sync()
        request = CreateAssessmentRequest(
            first_name="Yui", last_name="Sandoval", email_address="yui@example.com",
            source_job_id="NURSE-RN",
        )  # fmt: skip
        await board.create_assessment(order.id, request)
        await board.accept(order.id)
        await board.invite(order.id)
        await finished(board, sandbox, order.id)
        plan = await board.preview_delivery(order.id)
        assert plan.report.read_bytes().startswith(b"%PDF-")
        assert len(plan.report_name.encode()) <= 255
        assert JP_TITLE[:20] in plan.report_name  # still recognisable
        await board.deliver(order.id, plan)
        await board.wait_uploads()
        assert status_of(board, order.id) is OrderStatus.COMPLETED
        (result,) = results_of(sandbox, order.id)
        assert result["files"] == [plan.report_name]  # attached under the name it was saved

    with_board(sandbox, tmp_path / "desk.sqlite3", body)


def test_a_report_the_disk_will_not_keep_is_said_in_words_and_held(
    sandbox: SandboxServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: the OSError reached the coordinator as a crash, and in an automatic round it
    ended the round: the order after it was never delivered."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        full = await nurse_order(board, desk, "Ema", "ema@example.com")
        other = await nurse_order(board, desk, "Oto", "oto@example.com")
        for order_id in (full, other):
            await finished(board, sandbox, order_id)
        refuse_saving(monkeypatch, desk, full, OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)))
        said = "could not be kept on this computer: No space left on device"
        with pytest.raises(NothingToDeliverError, match=said):
            await board.preview_delivery(full)

        board.set_options(BoardOptions(auto_deliver=True))
        failures = await board.deliver_ready([full, other], unattended=True)
        assert [order_id for order_id, _ in failures] == [full]
        assert said in failures[0][1]
        await board.wait_uploads()
        assert status_of(board, other) is OrderStatus.COMPLETED
        # Held, said once on its flag: not fetched from Berke again every round.
        assert said in delivery_flag(board, full)
        assert "automatic delivery did not send the result" in delivery_flag(board, full)
        assert results_of(sandbox, full) == []

    with_board(sandbox, tmp_path / "desk.sqlite3", body)


def test_an_automatic_delivery_that_met_a_wait_is_not_held(
    sandbox: SandboxServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only a lasting refusal holds an order: one whose automatic delivery met a 503 (or a
    429) is tried again next round, and its flag says nothing of a hold. Held, the order was
    left alone for an hour, its flag saying "automatic delivery did not send the result", for
    what was only a wait."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        busy = await nurse_order(board, desk, "Ema", "ema@example.com")
        await finished(board, sandbox, busy)
        board.set_options(BoardOptions(auto_deliver=True))
        with monkeypatch.context() as patched:
            refuse_saving(patched, desk, busy, ServerError(Service.BERKE, http_status=503))
            failures = await board.deliver_ready([busy], unattended=True)
        assert [order_id for order_id, _ in failures] == [busy]
        assert "automatic delivery did not send the result" not in delivery_flag(board, busy)
        # The next round, the service back, delivers it.
        await board.watch()
        await board.wait_uploads()
        assert status_of(board, busy) is OrderStatus.COMPLETED

    with_board(sandbox, tmp_path / "desk.sqlite3", body)


def test_one_orders_surprise_does_not_stop_the_automatic_round(
    sandbox: SandboxServer,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Before: an exception that was no service's answer nor a refusal escaped
    ``deliver_ready`` and ended the round: no order after it was delivered automatically."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        broken = await nurse_order(board, desk, "Ugo", "ugo@example.com")
        other = await nurse_order(board, desk, "Ivo", "ivo@example.com")
        for order_id in (broken, other):
            await finished(board, sandbox, order_id)
        refuse_saving(monkeypatch, desk, broken, RuntimeError("a bug of this desk's own"))
        board.set_options(BoardOptions(auto_deliver=True))
        with caplog.at_level(logging.ERROR, logger="app.workflows.board"):
            failures = await board.deliver_ready([broken, other], unattended=True)
        assert [order_id for order_id, _ in failures] == [broken]
        assert failures[0][1].startswith(
            "Something unexpected went wrong (RuntimeError); the next round tries again."
        )
        (logged,) = [r for r in caplog.records if broken in r.getMessage()]
        assert logged.exc_info is not None  # the log keeps the traceback
        await board.wait_uploads()
        assert status_of(board, other) is OrderStatus.COMPLETED
        assert status_of(board, broken) is OrderStatus.IN_PROGRESS
        # Delivered by hand (several selected orders), nothing tries it again by itself.
        ((_, said),) = await board.deliver_ready([broken])
        assert said.startswith("Something unexpected went wrong (RuntimeError); deliver it again.")

    with_board(sandbox, tmp_path / "desk.sqlite3", body)


HUGE = 60 * 1024 * 1024  # over the client's 50 MB for a report


class HugeReport(RealNetwork):
    """Berke answers GetReportForJob with a PDF of 60 MiB (declared; only its start is here)."""

    def __init__(self) -> None:
        super().__init__()
        self.report_calls = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/GetReportForJob"):
            self.report_calls += 1
            return httpx.Response(
                200,
                headers={"Content-Type": "application/pdf", "Content-Length": str(HUGE)},
                stream=httpx.ByteStream(b"%PDF-1.7\n" + b"0" * 1000),
                request=request,
            )
        return await self.inner.handle_async_request(request)


def test_a_report_over_the_clients_download_limit_holds_automatic_delivery(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Before: the too-large answer was a wait (transient), so every watch round asked Berke
    for the same report again, without end, and the flag said only "deliver the result"
    (a report between the profile's 20 MB and the client's 50 MB was held)."""
    berke = HugeReport()

    async def body(board: OrderBoard, desk: Desk) -> None:
        board.set_options(BoardOptions(auto_deliver=True))
        order_id = await nurse_order(board, desk, "Mia", "mia@example.com")
        await finished(board, sandbox, order_id)  # a watch round: the report is refused
        assert berke.report_calls == 1
        await board.watch()
        await board.watch()
        assert berke.report_calls == 1  # held: not fetched again every round
        text = delivery_flag(board, order_id)
        assert "automatic delivery did not send the result" in text
        assert "Berke's report is larger than 50.0 MB" in text
        assert results_of(sandbox, order_id) == []

    with_board(sandbox, tmp_path / "desk.sqlite3", body, berke_transport=berke)


def test_one_delivery_refused_at_its_preview_is_held_on_its_order_until_one_goes(
    sandbox: SandboxServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Delivering one order (its preview, then Send): a refusal at the preview was said in an
    error box and then forgotten, where "Deliver all" keeps it on the order's flag. Now held
    the same way, in the same words, and let go once a delivery goes through."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        order_id = await nurse_order(board, desk, "Pia", "pia@example.com")
        await finished(board, sandbox, order_id)
        save = desk.reports.save
        refuse_saving(monkeypatch, desk, order_id, OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)))
        said = "could not be kept on this computer: No space left on device"
        with pytest.raises(NothingToDeliverError, match=said):
            await board.preview_delivery(order_id)
        assert said in delivery_flag(board, order_id)
        assert "delivering the result was refused" in delivery_flag(board, order_id)

        monkeypatch.setattr(desk.reports, "save", save)  # the disk has room again
        plan = await board.preview_delivery(order_id)
        await board.deliver(order_id, plan)
        await board.wait_uploads()
        assert status_of(board, order_id) is OrderStatus.COMPLETED
        assert board.flags(order_id) == []

    with_board(sandbox, tmp_path / "desk.sqlite3", body)
