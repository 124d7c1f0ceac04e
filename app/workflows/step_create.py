"""The create assessment step: Berke's assessment made and linked to the order; one found
under the id linked only when it is provably this order's (``_link_from_status``), else refused
in words (``id_taken_error``)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime

from app.clients.errors import Service, ValidationApiError
from app.domain.assessment_prefill import is_stable_candidate_id
from app.domain.berke import AssessmentStatus, CreateAssessmentRequest, assessment_url_problem
from app.domain.berke_text import BerkeParam
from app.domain.journal import AssessmentLinked, CreateAssessmentStep, JournalEntry
from app.domain.journal_terms import LinkedAssessment
from app.domain.smartrecruiters import AssessmentOrder
from app.workflows.desk import Desk
from app.workflows.refusals import StepDeferredError
from app.workflows.step_base import Attempt, refuse
from app.workflows.step_guards import ended_words

log = logging.getLogger(__name__)

BERKE_URL_PREFIX = "berke_url_prefix"  # meta key: assessment URLs are this prefix + the code


async def create_assessment(
    desk: Desk, order_id: str, step: CreateAssessmentStep, attempt: Attempt, *, retry: bool
) -> AssessmentLinked:
    """Create the assessment; link one found under the id only when it is provably this
    order's: the order's own id (``stable_candidate_id``, made from the order id, which nobody
    else sends) with the names and email this step sends. A typed id is never linked on its
    own authority: a candidate's other order, or another desk, may hold it.

    One found where an earlier try of this step may have made it (``attempt.earlier``) is
    taken for that try's (``own_try``): nobody has invited to it. One found after this try
    was refused as taken was there before it: its invitation is asked about first."""
    request = step.request
    berke = desk.session.berke
    candidate_id = request.source_candidate_id
    assert candidate_id, "create steps always carry a sourceCandidateId"
    own_id = is_stable_candidate_id(order_id, candidate_id)
    if retry:
        # The answer of an earlier try may have been lost after Berke created it.
        existing = await berke.get_assessment_status(candidate_id)
        if existing is not None:
            if own_id and existing.is_for(request):
                return await _link_from_status(
                    desk, order_id, existing, request, own_try=attempt.earlier
                )
            raise id_taken_error(
                candidate_id,
                existing,
                request,
                berke.service_text,
                own_id=own_id,
                maybe_ours=True,
            )
    if retry and not own_id:  # a first try was asked before it was journaled (the form's)
        await refuse_if_id_used_here(desk, order_id, candidate_id)
    try:
        response = await berke.create_assessment(request)
    except ValidationApiError as exc:
        if exc.parameter != BerkeParam.SOURCE_CANDIDATE_ID:
            raise
        await attempt.not_carried_out()  # refused: whatever is under the id was there before
        existing = await berke.get_assessment_status(candidate_id)
        if existing is None:
            raise  # refused for its form, not because it is taken
        if own_id and existing.is_for(request):
            # The order's own id, made for this order's candidate: created for this order
            # before this try (at another desk, or by an earlier step whose answer was lost).
            return await _link_from_status(desk, order_id, existing, request)
        raise id_taken_error(
            candidate_id,
            existing,
            request,
            berke.service_text,
            own_id=own_id,
            service_message=exc.service_message,
        ) from None
    # Berke's answer names this order's id; an invitation code another order here holds
    # would have this order accepted with that order's URL.
    await _refuse_if_linked_elsewhere(desk, order_id, response.invitation_code, "Berke gave")
    # Its URL prefix is written with the link (``steps._write_answer``), or kept with it.
    link = LinkedAssessment(
        order_id=order_id,
        source_candidate_id=response.source_candidate_id,
        invitation_code=response.invitation_code,
        assessment_url=response.assessment_url,
        created_at=datetime.now(UTC),
        source_job_id=request.source_job_id,
        created_email=request.email_address,
    )
    return AssessmentLinked(link=link)


async def create_for_an_ended_order(
    desk: Desk,
    entry: JournalEntry,
    step: CreateAssessmentStep,
    retry: bool,
    order: AssessmentOrder,
) -> AssessmentLinked:
    """A create waiting for an order rejected or completed since: not sent. One an earlier
    try made before its answer was lost is linked, not lost: the order then offers to delete
    it in Berke."""
    request = step.request
    candidate_id = request.source_candidate_id
    assert candidate_id, "create steps always carry a sourceCandidateId"
    ended = f"Not sent: the order was {ended_words(order)} in SmartRecruiters before its Berke"
    berke = desk.session.berke
    existing = await berke.get_assessment_status(candidate_id) if retry else None
    if existing is None:
        await refuse(desk, entry, f"{ended} assessment was created, so none was created.")
    # Berke's copy of the candidate, read as its other words are: a broken or hostile answer
    # may echo the token as a name, and this goes into the journal.
    who = berke.service_text(existing.candidate_label)
    if is_stable_candidate_id(entry.order_id, candidate_id):
        if existing.is_for(request):
            return await _link_from_status(desk, entry.order_id, existing, request)
        # The order's own id (nobody else sends it), with other names or email: made for
        # this order, by another desk or coordinator.
        await refuse(
            desk,
            entry,
            f"{ended} assessment could be made for it here. Berke has one under this order's "
            f"own id {candidate_id} ({who}), made with other names or "
            "email than this desk's (at another desk or by another coordinator): it was not "
            "linked here. Delete it in Berke if it is no longer needed.",
        )
    # A typed id: Berke's may be this step's (its answer lost) or anyone's, and is never
    # linked on the id's authority. Said, so that it is not left there unknown.
    await refuse(
        desk,
        entry,
        f"{ended} assessment could be made for it here. Berke has an assessment under the "
        f"id {candidate_id} ({who}), perhaps made by an earlier try whose "
        "answer was lost: it was not linked, since this desk cannot tell it is this order's. "
        "Delete it in Berke if it is.",
    )


def id_taken_error(
    candidate_id: str,
    holder: AssessmentStatus,
    request: CreateAssessmentRequest,
    service_text: Callable[[str], str],
    *,
    own_id: bool = False,
    maybe_ours: bool = False,
    service_message: str = "",
) -> ValidationApiError:
    """Berke already has an assessment under ``candidate_id`` that this step cannot prove is
    its own: a refusal in words, shown at the id field, never a link to it.

    ``service_text``: the Berke client's (``BerkeClient.service_text``), which reads whom
    ``holder`` names as Berke's text, cut and the token redacted: a broken or hostile answer
    may echo the token as a name, and the refusal goes into a dialog and the journal.
    ``own_id``: the id is the order's own (nothing to clear; only typing another id helps).
    ``maybe_ours``: an earlier try of this very step may have created it before its answer was
    lost; the coordinator decides, this desk does not guess."""
    who = service_text(holder.candidate_label)
    if own_id:
        summary = (
            f"This order's own id {candidate_id} is already used in Berke for {who}, with "
            "other names or email than this form sends — type another id to create a new "
            "assessment."
        )
    elif holder.is_for(request):
        summary = (
            f"This candidate already has a Berke assessment (id {candidate_id}) — reuse it, "
            "or clear the id to create a new one."
        )
        if maybe_ours:
            summary += (
                " It may be the one this step created before its answer was lost; this desk "
                "cannot tell, so it did not link it."
            )
    else:
        summary = (
            f"The id {candidate_id} is already used in Berke for {who} — clear the id to "
            "create a new one, or type another."
        )
    return ValidationApiError(
        Service.BERKE,
        parameter=BerkeParam.SOURCE_CANDIDATE_ID,
        summary=summary,
        service_message=service_message,
    )


async def refuse_if_id_used_here(desk: Desk, order_id: str, candidate_id: str) -> None:
    """A typed id another order's assessment here had (Berke has none under it now, or it
    would have said "taken"): refused, at the id field (``id_used_here_error``)."""
    used = await asyncio.to_thread(desk.journal.orders_with_berke_id, candidate_id)
    others = [other for other in used if other != order_id]
    if others:
        other = await asyncio.to_thread(desk.orders.get, others[0])
        raise id_used_here_error(candidate_id, other)


def id_used_here_error(candidate_id: str, other: AssessmentOrder | None) -> ValidationApiError:
    """A typed id an assessment of another order here had, which Berke has since deleted (it
    would answer "taken" otherwise): refused at the id field. What this desk knows of Berke's
    side (deleted, complete, the scores) is kept by id, so the old order would take the new
    assessment's news, invitation and result for its own."""
    whose = f" ({other.candidate.display_name})" if other is not None else ""
    return ValidationApiError(
        Service.BERKE,
        parameter=BerkeParam.SOURCE_CANDIDATE_ID,
        summary=(
            f"{candidate_id} was the id of another order's assessment here{whose}, "
            "since deleted in Berke. This desk keeps what Berke says by id, so a new "
            "assessment under it would be taken for that one: type another id, or clear it "
            "to use the order's own."
        ),
    )


async def _refuse_if_linked_elsewhere(desk: Desk, order_id: str, code: str, how: str) -> None:
    """Defence in depth: one order never takes an assessment linked to another order here.
    The step stays pending: its retry looks its own id up in Berke again."""
    linked_elsewhere = await asyncio.to_thread(desk.journal.orders_linked_to, code)
    others = [other for other in linked_elsewhere if other != order_id]
    if others:
        raise StepDeferredError(
            f"The assessment {how} ({code}) is already linked to another order here "
            f"({others[0]}); it is not linked to this one."
        )


async def _link_from_status(
    desk: Desk,
    order_id: str,
    status: AssessmentStatus,
    request: CreateAssessmentRequest,
    *,
    own_try: bool = False,
) -> AssessmentLinked:
    code = status.invitation_code
    if not code:
        # Without the code there is no URL to accept with: wait for an answer that has it.
        raise StepDeferredError(
            "The assessment exists in Berke, but Berke did not say its invitation code yet; "
            "it is tried again later."
        )
    await _refuse_if_linked_elsewhere(desk, order_id, code, "found in Berke")
    url = status.assessment_url
    if url and assessment_url_problem(url, code) is not None:
        # Held to the create's own rule: one it would refuse is taken as no URL at all.
        log.warning("Berke's status gave %s an address that is not one (%r)", code, url[:200])
        url = None
    if not url:
        # Without the URL in the status, every URL is the account's prefix + the code.
        prefix = await asyncio.to_thread(desk.results.meta, BERKE_URL_PREFIX)
        if not prefix:
            raise StepDeferredError(
                "The assessment exists in Berke, but its URL is not known yet; "
                "it is recovered after the next assessment is created."
            )
        url = prefix + code
    link = LinkedAssessment(
        order_id=order_id,
        source_candidate_id=status.source_candidate_id,
        invitation_code=code,
        assessment_url=url,
        created_at=datetime.now(UTC),
        source_job_id=request.source_job_id,
        created_email=request.email_address,
    )
    return AssessmentLinked(link=link, recovered=True, own_try=own_try)
