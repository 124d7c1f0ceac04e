"""Uploading a file that is not what it was when queued: the upload fails with a sentence on
the order, the worker thread is free again, and the next file still goes."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from app.domain.attachments import UploadState
from app.domain.berke import CreateAssessmentRequest
from app.domain.smartrecruiters import AssessmentOrder, AssessmentResult, ResultType
from app.workflows.desk import Desk
from app.workflows.order_actions import accept_order, create_assessment
from app.workflows.refusals import StepDeferredError
from app.workflows.results import complete_order, queue_files, run_upload
from tests.fifo_guard import call_near_fifo
from tests.integration.helpers import new_order_body
from tests.integration.test_workflows import run_with_desk

if TYPE_CHECKING:
    from app.sandbox import SandboxServer

posix_only = pytest.mark.skipif(os.name != "posix", reason="FIFOs are POSIX")
RESULT = AssessmentResult(result_type=ResultType.DOCUMENT, result="result.pdf", title="Fit")


async def completed(desk: Desk) -> AssessmentOrder:
    order = await desk.session.sr.create_test_order(new_order_body(email="zoe@example.com"))
    await create_assessment(
        desk, order, CreateAssessmentRequest(first_name="Zoë", last_name="Müller")
    )
    order = await accept_order(desk, order)
    await complete_order(desk, order, RESULT)
    return order


@posix_only
def test_a_file_swapped_for_a_fifo_fails_its_upload_and_the_next_one_goes(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    swapped = tmp_path / "report.pdf"
    swapped.write_bytes(b"%PDF-1.4\n" + b"r" * 5000)
    notes = tmp_path / "notes.txt"
    notes.write_text("Calm, structured, on time.\n", encoding="utf-8")

    async def body(desk: Desk) -> None:
        order = await completed(desk)
        queued, refused = await queue_files(desk, order, [swapped, notes])
        assert refused == []
        swapped.unlink()
        os.mkfifo(swapped)  # before: the upload's worker thread waited on it for ever
        with pytest.raises(StepDeferredError, match=r"report\.pdf was replaced by something"):
            await run_upload(desk, queued[0])
        failed = desk.results.get(queued[0].id)
        assert failed is not None
        assert failed.state is UploadState.FAILED
        assert "is not a file: drop it again" in (failed.message or "")
        done = await run_upload(desk, queued[1])
        assert done.state is UploadState.DONE
        result_id = desk.results.result_id_for(order.id)
        assert result_id is not None
        attached = await desk.session.sr.list_attachments(order.id, result_id)
        assert [a.file_name for a in attached] == ["notes.txt"]

    call_near_fifo(swapped, lambda: run_with_desk(sandbox, tmp_path / "desk.sqlite3", body))


def test_a_file_whose_content_is_not_its_name_is_never_queued(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    fake = tmp_path / "report.pdf"
    fake.write_bytes(b"MZ\x90\x00" + b"\x00" * 100)  # an executable, renamed

    async def body(desk: Desk) -> None:
        order = await completed(desk)
        queued, refused = await queue_files(desk, order, [fake])
        assert queued == []
        assert refused == [
            "report.pdf cannot be attached: its content is not PDF, whatever its name says."
        ]
        assert desk.results.for_order(order.id) == []

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body)
