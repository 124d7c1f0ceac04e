"""Refusals a coordinator reads: a sentence first, the service's own words as the detail; and a
text longer than the desk sends is refused before anything goes, never cut. Over HTTP against
the sandbox."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from app.clients.errors import ValidationApiError
from app.domain.berke import CreateAssessmentRequest
from app.domain.berke_text import BerkeParam
from app.domain.smartrecruiters import OrderStatus
from app.domain.sr_limits import SR_MESSAGE_MAX
from app.workflows.desk import Desk
from app.workflows.order_actions import add_comment, reject_order
from app.workflows.refusals import ActionNotAllowedError
from tests.integration.helpers import new_order_body
from tests.integration.test_workflows import run_with_desk

if TYPE_CHECKING:
    from app.sandbox import SandboxServer


def test_berke_refusing_a_duplicate_id_says_so_in_a_sentence(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    async def body(desk: Desk) -> None:
        berke = desk.session.berke
        request = CreateAssessmentRequest(
            first_name="Ines", last_name="Duarte", source_candidate_id="HR-DUPLICATE-77"
        )
        await berke.create_assessment(request)
        with pytest.raises(ValidationApiError) as refused:
            await berke.create_assessment(request.model_copy(update={"first_name": "Rui"}))
        error = refused.value
        assert error.parameter == BerkeParam.SOURCE_CANDIDATE_ID
        text = str(error)
        assert "refused the value of" not in text
        assert text.startswith(
            "Berke: Another Berke assessment already has the candidate id “HR-DUPLICATE-77”"
        )
        assert "leave the id empty" in text
        # Berke's own words, kept as the detail.
        assert "The service said: “sourceCandidateId must be unique" in text

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body)


def test_an_unknown_job_is_named_in_words(sandbox: SandboxServer, tmp_path: Path) -> None:
    async def body(desk: Desk) -> None:
        request = CreateAssessmentRequest(
            first_name="Ines", last_name="Duarte", source_job_id="NO-SUCH-JOB"
        )
        with pytest.raises(ValidationApiError) as refused:
            await desk.session.berke.create_assessment(request)
        assert str(refused.value).startswith("Berke: The job “NO-SUCH-JOB” is not known to Berke.")

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body)


def test_a_long_reason_or_comment_is_refused_before_anything_is_sent(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    async def body(desk: Desk) -> None:
        order = await desk.session.sr.create_test_order(new_order_body(first="Kai", last="Berg"))
        reason = "x" * 10_828
        with pytest.raises(ActionNotAllowedError) as refused:
            await reject_order(desk, order, reason=reason)
        assert str(refused.value) == (
            f"The reason is too long. At most {SR_MESSAGE_MAX:,} characters: this has 10,828 "
            "(8,828 too many). Shorten it; nothing is cut."
        )
        with pytest.raises(ActionNotAllowedError, match="The comment is too long"):
            await add_comment(desk, order, "c" * (SR_MESSAGE_MAX + 1))
        assert desk.journal.entries(order.id) == []  # nothing journaled, nothing sent
        assert (await desk.session.sr.get_order(order.id)).status is OrderStatus.NEW
        assert await desk.session.sr.list_comments(order.id) == []
        # At the limit it goes, whole.
        await add_comment(desk, order, "c" * SR_MESSAGE_MAX)
        (comment,) = await desk.session.sr.list_comments(order.id)
        assert len(comment.message) == SR_MESSAGE_MAX

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body)
