"""Pins for the words of cancelling a waiting step (``app.domain.step_cancel``) that no
existing test held: which steps may be cancelled, what each confirmation says will not be
sent and to which service, what it says to do instead, and each button's name."""

from __future__ import annotations

import pytest

from app.domain.berke import CreateAssessmentRequest, SendInvitationRequest
from app.domain.journal import (
    AcceptStep,
    CommentStep,
    CompleteStep,
    CreateAssessmentStep,
    CreateResultStep,
    DeleteAssessmentStep,
    InviteStep,
    JournalStep,
    RejectStep,
)
from app.domain.journal_terms import ResultFlow, StepState
from app.domain.smartrecruiters import AcceptRequest, AssessmentResult, RejectRequest, ResultType
from app.domain.step_cancel import (
    after_cancel,
    cancel_button_text,
    cancel_refused,
    service_of,
    what_will_not_be_sent,
)
from tests.unit.test_step_cancel import NOW, waiting

RESULT = AssessmentResult(result_type=ResultType.DOCUMENT, result="report")
FAQ_COMPLETE = CompleteStep(flow=ResultFlow.FAQ, result=RESULT)
CREATE_RESULT = CreateResultStep(result=RESULT, message="Report attached")
DELETE = DeleteAssessmentStep(source_candidate_id="AD-1")
ACCEPT = AcceptStep(request=AcceptRequest(assessment_url="https://berke.test/a/1"))
INVITE = InviteStep(
    request=SendInvitationRequest(source_candidate_id="AD-1", email_address="mia@x.org")
)


def create(first: str | None, last: str | None) -> CreateAssessmentStep:
    return CreateAssessmentStep(
        # Built unchecked: a name left out, as an older journal's request may have it.
        request=CreateAssessmentRequest.model_construct(first_name=first, last_name=last)  # type: ignore[arg-type]
    )


def test_a_failed_step_is_not_cancelled_and_the_refusal_points_to_retry() -> None:
    """A failed step is not "already sent": the words say it waits for a Retry."""
    refused = cancel_refused(waiting(CommentStep(message="hi"), state=StepState.FAILED))
    assert refused == (
        "This step failed and is not sent again unless you retry it: there is nothing to cancel."
    )


def test_a_waiting_single_call_completion_may_be_cancelled_and_says_so() -> None:
    """Only the documented flow's second half (the result already in SmartRecruiters) is
    refused; a completion that carries its own result (the FAQ flow) is not sent yet and may
    be cancelled."""
    entry = waiting(FAQ_COMPLETE)
    assert cancel_refused(entry) is None
    assert what_will_not_be_sent(entry) == (
        "The completion of this order will not be sent to SmartRecruiters."
    )
    assert after_cancel(entry, assessment_linked=True) == (
        "Reports queued for its result wait until the order is completed."
    )
    assert cancel_button_text(entry) == "Cancel the completion"


def test_a_waiting_result_whose_tries_all_failed_plainly_may_be_cancelled() -> None:
    """Only a result whose answer was lost (it may exist already) is kept; one that surely did
    not reach SmartRecruiters is cancelled, with the completion that was to follow it."""
    entry = waiting(CREATE_RESULT)
    assert cancel_refused(entry) is None
    assert what_will_not_be_sent(entry) == (
        "The result of this order will not be sent to SmartRecruiters, nor the completion "
        "that was to follow it."
    )
    assert after_cancel(entry, assessment_linked=True) == (
        "Reports queued for its result wait until the order is completed."
    )
    assert cancel_button_text(entry) == "Cancel the result"


@pytest.mark.parametrize(
    ("first", "last", "said"),
    [
        ("Zoë", "Müller", "The Berke assessment for Zoë Müller will not be created."),
        ("Zoë", None, "The Berke assessment for Zoë will not be created."),
        (None, "Müller", "The Berke assessment for Müller will not be created."),
        (None, None, "The Berke assessment for this order will not be created."),
    ],
)
def test_a_waiting_create_names_the_candidate_it_was_for(
    first: str | None, last: str | None, said: str
) -> None:
    assert what_will_not_be_sent(waiting(create(first, last))) == said


def test_a_waiting_create_and_delete_are_said_to_be_berkes() -> None:
    """An earlier try of a create or a delete may have reached Berke, not SmartRecruiters."""
    berke_steps: tuple[JournalStep, ...] = (create("Zoë", "Müller"), DELETE, INVITE)
    for step in berke_steps:
        entry = waiting(step, gone=True)
        assert service_of(entry) == "Berke"
        assert after_cancel(entry, assessment_linked=False).startswith(
            "An earlier try may have reached Berke before its answer was lost"
        )
    sr_steps: tuple[JournalStep, ...] = (
        ACCEPT, RejectStep(request=RejectRequest(message="x")), FAQ_COMPLETE,
    )  # fmt: skip
    for step in sr_steps:
        assert service_of(waiting(step)) == "SmartRecruiters"


def test_the_sentences_name_the_step_being_cancelled() -> None:
    assert what_will_not_be_sent(waiting(ACCEPT)) == (
        "The accept of this order will not be sent to SmartRecruiters."
    )
    assert what_will_not_be_sent(waiting(DELETE)) == (
        "The order's Berke assessment will not be deleted."
    )


def test_a_reuse_says_the_other_assessment_will_not_be_linked() -> None:
    from app.domain.journal import ReuseAssessmentStep
    from app.domain.journal_terms import LinkedAssessment

    link = LinkedAssessment(
        order_id="o-0", source_candidate_id="AD-0", invitation_code="C0",
        assessment_url="https://berke.test/a/C0", created_at=NOW,
    )  # fmt: skip
    reuse = waiting(ReuseAssessmentStep(from_order_id="o-0", link=link))
    assert what_will_not_be_sent(reuse) == (
        "The candidate's other Berke assessment will not be linked to this order."
    )


def test_an_accept_of_an_order_without_its_assessment_points_to_accept_order() -> None:
    """ "The order keeps its Berke assessment" is said only when it has one."""
    assert after_cancel(waiting(ACCEPT), assessment_linked=False) == (
        "“Accept order” can be asked again later, from the order's actions."
    )


def test_a_waiting_delete_points_to_delete_in_berke() -> None:
    assert after_cancel(waiting(DELETE), assessment_linked=True) == (
        "“Delete in Berke” can be asked again later, from the order's actions."
    )


@pytest.mark.parametrize(
    ("step", "button"),
    [
        (INVITE, "Cancel the invitation"),
        (DELETE, "Cancel the delete"),
        (CommentStep(message="hi"), "Cancel the comment"),
        (CREATE_RESULT, "Cancel the result"),
        (FAQ_COMPLETE, "Cancel the completion"),
        (ACCEPT, "Cancel the accept"),
    ],
)
def test_each_confirmation_button_names_what_it_cancels(step: JournalStep, button: str) -> None:
    assert cancel_button_text(waiting(step)) == button
