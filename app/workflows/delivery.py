"""Delivering a completed Berke assessment to SmartRecruiters: its result, and its report
attached.

``plan_delivery`` gathers everything (the scores, the fit for the order's job, the report as
PDF, downloaded with ``GetReportForJob`` rather than the ``reportUrl`` that stops working when
the API key changes) and builds the result the recruiter will see — what the preview shows.
``deliver`` then sends exactly that, through the journal: the report is queued, the order
completed with the result (its resultId recorded in the same transaction), and the queued
report uploads to it. A crash anywhere resumes without a second result or attachment: a report
already queued is not queued again, an order that already has a result is completed with it,
never given a second one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from app.clients.errors import StateConflictError
from app.domain.attachments import CANCELLABLE, RETRIABLE, UploadState, attachment_name
from app.domain.berke_progress import BerkeProgress
from app.domain.berke_results import (
    CompletedAssessment,
    FitLevel,
    JobFit,
    fit_reported_in,
    job_line,
    report_file_name,
    result_for,
)
from app.domain.journal_terms import ResultFlow, StepKind, StepState
from app.domain.smartrecruiters import AssessmentOrder, AssessmentResult, ResultType
from app.domain.uploads import Upload
from app.workflows.desk import Desk
from app.workflows.refusals import ActionNotAllowedError, NothingToDeliverError
from app.workflows.results import check_can_complete, complete_order, queue_files, requeue_upload


@dataclass(frozen=True)
class DeliveryPlan:
    """What will be sent, exactly as the recruiter will see it."""

    order_id: str
    completed: CompletedAssessment
    #: The fit the result is about; for a result made earlier, the one chosen now when Berke
    #: no longer gives that one (only to fill the plan), and None when Berke gives none.
    fit: JobFit | None
    result: AssessmentResult
    report: Path
    report_name: str
    report_size: int
    #: The result was made in SmartRecruiters by an earlier delivery that did not complete
    #: the order (the documented flow): the order is completed with that one, shown here,
    #: whatever Berke or the pass level say now (a second result would be a second verdict).
    made_earlier: bool = False


async def plan_delivery(
    desk: Desk, order: AssessmentOrder, *, threshold: FitLevel = FitLevel.MEDIUM
) -> DeliveryPlan:
    """Fetch the scores and the report for ``order``'s assessment; nothing is sent yet."""
    link = await asyncio.to_thread(desk.journal.assessment_for, order.id)
    if link is None:
        raise ActionNotAllowedError("The order has no Berke assessment to deliver.")
    job_name = order.job.name if order.job else None
    completed = await asyncio.to_thread(desk.berke_watch.completed, link.source_candidate_id)
    if completed is None or _worth_asking_again(completed, link.source_job_id, job_name):
        completed = await _asked_again(desk, link.source_candidate_id)
    # Before: the preview showed the result built now (a pass level changed since, say:
    # "Not passed"), and the order was completed with the one made earlier ("Passed").
    made = await asyncio.to_thread(_result_made_earlier, desk, order.id)
    if made is not None and made.result_type is ResultType.DOCUMENT:  # it names its report
        # Before the fit chosen now is judged: it is not sent. A fit Berke left unscored,
        # unreadable or without a job id since refused the result made earlier for good.
        return await _plan_for_result_made_earlier(
            desk,
            order,
            made,
            source_candidate_id=link.source_candidate_id,
            completed=completed,
            chosen_now=completed.fit_for(link.source_job_id, job_name),
        )
    fit = _fit_to_deliver(completed, link.source_job_id, job_name)
    # A fit for another job is no verdict on this order: one of an assessment reused from an
    # order for another job (made for that order's job; a re-order of the same job keeps the
    # job chosen for it), or the primary job's, given when Berke scored no fit for the job
    # chosen for this order (unassigned since, not computed yet).
    # An assessment made for this order with Berke's default job is judged on that job, as
    # the coordinator chose: the fit Berke flags primary. So is a re-order of the same job
    # that reuses one (``reused_on_default_job``). Before, a fit taken only because
    # Berke listed it first (none flagged) gave the verdict, on a job nobody chose.
    reused = await asyncio.to_thread(
        desk.journal.has_step, order.id, [StepKind.REUSE_ASSESSMENT], StepState.DONE
    )
    judged_on_default_job = link.on_default_job or (not reused and not link.source_job_id)
    # The only fit Berke scored is the default job's whether it is flagged or not.
    default_fit = fit.is_primary_job or (
        len(completed.job_fits) == 1 and not completed.unreadable_fits
    )
    own_job = completed.own_fit(link.source_job_id, job_name) is fit or (
        judged_on_default_job and default_fit
    )
    name = report_file_name(order, fit, own_job=own_job)
    path, size = await _report_for(desk, order.id, link.source_candidate_id, fit, name)
    if made is not None:  # a link, made by hand: it names no report, the one chosen now goes
        return DeliveryPlan(order.id, completed, fit, made, path, name, size, made_earlier=True)
    result = result_for(
        order, completed, fit, report_name=name, threshold=threshold, own_job=own_job
    )
    return DeliveryPlan(order.id, completed, fit, result, path, name, size)


def _fit_to_deliver(
    completed: CompletedAssessment, source_job_id: str | None, job_name: str | None
) -> JobFit:
    """The fit a result is built from (or whose report goes with a link made by hand): the
    order's job's (``fit_for``), refused in words when Berke's answer cannot give it."""
    if completed.unreadable_fits and completed.exact_fit(source_job_id, job_name) is None:
        # A fit left out may be the order's own: another fit in its place would be a wrong
        # result, delivered unattended.
        own = job_line(job_name) if job_name else "this order's job"
        unread = ", ".join(completed.unreadable_fits[:3])
        raise NothingToDeliverError(
            f"Berke sent job fits this desk cannot read ({unread}), and one of them may be "
            f"the fit for {own}, so there is no result to deliver. Ask Berke, or complete the "
            "order by hand."
        )
    disagreeing = completed.disagreeing_fits(source_job_id, job_name)
    if disagreeing:
        # Berke said two things of the order's own job (a repeated jobFit, its id in another
        # case): the first listed was delivered, unattended too, as if it were the verdict.
        job = disagreeing[0].job or (job_line(job_name) if job_name else "this order's job")
        said = " and ".join(fit.describe() for fit in disagreeing[:3])
        raise NothingToDeliverError(
            f"Berke gave different fits for {job} ({said}), so there is no result to "
            "deliver. Ask Berke which is right, or complete the order by hand."
        )
    fit = completed.fit_for(source_job_id, job_name)
    if fit is None:
        raise NothingToDeliverError(
            "Berke gave no job fit for this assessment, so there is no result to deliver."
        )
    job = fit.job or job_name or "the job"
    if not fit.has_score:
        # Before: a fit without a score was delivered as "Low fit (0 %)", not passed.
        raise NothingToDeliverError(
            f"Berke gave no score for {job}, so there is no result to deliver. Ask Berke, or "
            "complete the order by hand."
        )
    _check_job_id(fit, job)
    return fit


def _check_job_id(fit: JobFit, job: str) -> None:
    """Refused unless Berke can be asked for ``fit``'s own report."""
    if not fit.source_job_id and not fit.is_primary_job:
        # Asked for without a job, Berke sends the primary job's report: it went out under
        # this job's name.
        raise NothingToDeliverError(
            f"Berke names no job id for {job}, so its report cannot be asked for (Berke would "
            "send the primary job's). Attach the report by hand, or ask Berke."
        )


async def _plan_for_result_made_earlier(
    desk: Desk,
    order: AssessmentOrder,
    made: AssessmentResult,
    *,
    source_candidate_id: str,
    completed: CompletedAssessment,
    chosen_now: JobFit | None,
) -> DeliveryPlan:
    """The plan that completes the order with ``made``, and attaches the one report it
    names (its ``result``): the copy kept here, or the one already queued or sent (nothing
    more is attached), else the report Berke gives for the fit it was made for. Before, the
    report for the fit chosen now (a job Berke scored since) went beside it: one result, two
    reports, one for a job the result is not about."""
    name = made.result
    fit = fit_reported_in(order, completed, name)
    path = desk.reports.path_for(order.id, name)
    with _report_kept(name):
        kept = await asyncio.to_thread(path.is_file)
    uploads = [] if kept else await asyncio.to_thread(desk.results.for_order, order.id)
    sent = next((u for u in uploads if _same_name(u, name) and u.state not in RETRIABLE), None)
    if kept:
        with _report_kept(name):
            size = (await asyncio.to_thread(path.stat)).st_size
    elif sent is not None:  # on its way or there: nothing to fetch, nothing more to attach
        path, size = Path(sent.path), sent.size
    elif fit is not None:
        _check_job_id(fit, fit.job or "the job the result is about")
        path, size = await _report_for(desk, order.id, source_candidate_id, fit, name)
    else:
        raise NothingToDeliverError(
            f"The result made earlier ({made.title or name}) is sent with the report {name}, "
            "and Berke no longer gives a fit for its job, so that report cannot be fetched. "
            "Attach the report by hand, or ask Berke."
        )
    # The fit the result is about when Berke still gives it; else the one chosen now, only
    # to fill the plan (the result and its report are the earlier ones).
    return DeliveryPlan(
        order.id, completed, fit or chosen_now, made, path, name, size, made_earlier=True
    )


async def _report_for(
    desk: Desk, order_id: str, source_candidate_id: str, fit: JobFit, name: str
) -> tuple[Path, int]:
    """``fit``'s report kept here as ``name`` (fetched from Berke unless it already is), and
    its size."""
    path = desk.reports.path_for(order_id, name)
    with _report_kept(name):
        kept = await asyncio.to_thread(path.is_file)
    if not kept:
        data = await desk.session.berke.get_report_for_job(
            source_candidate_id, fit.source_job_id or None
        )
        with _report_kept(name):
            path = await asyncio.to_thread(desk.reports.save, order_id, name, data)
    with _report_kept(name):
        size = (await asyncio.to_thread(path.stat)).st_size
    return path, size


def _result_made_earlier(desk: Desk, order_id: str) -> AssessmentResult | None:
    """The result an earlier delivery made for the order in SmartRecruiters (the documented
    flow's first step), when it is the order's result here; None when there is none."""
    made = desk.journal.result_made(order_id)
    if made is None or made[0] != desk.results.result_id_for(order_id):
        return None
    return made[1]


@contextmanager
def _report_kept(name: str) -> Iterator[None]:
    """The report's file on this computer, with a failure of the disk (full, read-only, a
    name it refuses) said in words: an OSError escaped an automatic round and stopped the
    delivery of every order after it. Refused as a lasting problem: automatic delivery holds
    the order (said once) rather than fetch the report from Berke again every round."""
    try:
        yield
    except OSError as exc:
        raise NothingToDeliverError(
            f"Berke's report ({name}) could not be kept on this computer: "
            f"{exc.strerror or exc}. Free some disk space, or make the desk's folder "
            "writable, then deliver again."
        ) from exc


def _worth_asking_again(
    stored: CompletedAssessment, source_job_id: str | None, job_name: str | None
) -> bool:
    """Whether Berke may say more now than its stored answer: it has no fit for exactly this
    order's job (Berke computes the fit for a job added since: a candidate's second order,
    for a new job), or the fit it would give has no score (Berke's fit was not computed yet,
    or an older version stored a missing score), or it gives several that disagree."""
    exact = stored.exact_fit(source_job_id, job_name)
    return (
        exact is None
        or not exact.has_score
        or bool(stored.disagreeing_fits(source_job_id, job_name))
    )


async def _queue_report(
    desk: Desk, order: AssessmentOrder, plan: DeliveryPlan, max_bytes: int
) -> list[Upload]:
    """The report queued for the order, unless it is already queued, on its way or sent;
    a copy that failed (an earlier delivery's "Not sent") is queued again rather than left
    failed beside the result. Returns what this call queued."""
    uploads = await asyncio.to_thread(desk.results.for_order, order.id)
    same = [u for u in uploads if _same_name(u, plan.report_name)]
    if any(u.state not in RETRIABLE for u in same):
        return []
    failed = next((u for u in same if u.state is UploadState.FAILED), None)
    if failed is not None:
        again = await requeue_upload(desk, order.id, failed.id)
        return [again] if again is not None else []
    accepted, refused = await queue_files(desk, order, [plan.report], max_bytes=max_bytes)
    if refused:  # the same report is refused the same way next time (larger than allowed)
        raise NothingToDeliverError(" ".join(refused))
    return accepted


def _same_name(upload: Upload, report_name: str) -> bool:
    """Whether ``upload`` is the report named ``report_name``, both as attached
    (``attachment_name``): a result an older version made, or an upload it queued, names the
    report decomposed ("Zoe\u0308"), and the same report was refused as "already on its way"
    or queued a second time."""
    return attachment_name(upload.file_name) == attachment_name(report_name)


async def _asked_again(desk: Desk, source_candidate_id: str) -> CompletedAssessment:
    """Berke's answer now, stored. Asked only when the stored one may be out of date for this
    order's job (``_worth_asking_again``), so Berke's failure goes to the caller as it is (a
    network failure: tried again, not held). Before, the stored answer was used instead: its
    "Berke gave no score" held the order although Berke had not been asked."""
    fresh = await desk.session.berke.get_completed_assessment(source_candidate_id)
    await asyncio.to_thread(
        desk.berke_watch.record,
        source_candidate_id,
        BerkeProgress.COMPLETE,
        completed_at=fresh.completed_on_utc,
        completed=fresh,
    )
    return fresh


async def deliver(
    desk: Desk,
    order: AssessmentOrder,
    plan: DeliveryPlan,
    *,
    flow: ResultFlow = ResultFlow.FAQ,
    max_bytes: int,
) -> str:
    """Queue the report, complete the order with the plan's result; returns the resultId.
    The report uploads once the result exists (the caller starts queued uploads). A delivery
    that is refused (a completion already under way) queues nothing. ``max_bytes`` is the
    profile's upload limit, as for a file dropped on the order."""
    await check_can_complete(desk, order)
    accepted = await _queue_report(desk, order, plan, max_bytes)
    existing = await asyncio.to_thread(desk.results.result_id_for, order.id)
    if existing is not None and await asyncio.to_thread(
        desk.journal.has_step, order.id, [StepKind.COMPLETE], StepState.DONE
    ):
        return existing  # completed by an earlier delivery: only the upload was left
    # An order with a result but not completed is completed with that result (complete_order):
    # in the documented flow it may come from a resumed step whose completion never began.
    try:
        return await complete_order(desk, order, plan.result, flow=flow, with_result_made=True)
    except StateConflictError as exc:
        # Completed (or rejected) elsewhere meanwhile: the report was for this desk's result,
        # which was not made; it must not go to someone else's.
        for upload in accepted:
            await asyncio.to_thread(
                desk.results.move, upload.id, order.id, CANCELLABLE, UploadState.FAILED,
                message=f"Not sent: {exc.summary}",
            )  # fmt: skip
        raise
