"""Which Berke job an order that reuses another order's assessment is judged on. A
recruiter's re-order of the same job is judged on the job the coordinator chose for the
first order (Berke may have no job of that name), or on Berke's default job when none was
chosen; an order for another job on its own job's fit, matched by name, or on none."""

from __future__ import annotations

from app.domain.job_names import job_key
from app.domain.journal_terms import LinkedAssessment
from app.domain.smartrecruiters import AssessmentOrder, Job


def same_order_job(job: Job | None, other: Job | None) -> bool:
    """Whether two orders' SmartRecruiters jobs are one: the same job id when both give one
    (two jobs may share a name: one per city), else the same name (``job_key``). An order
    without a job, or with a blank name, is no other order's job."""
    if job is None or other is None:
        return False
    if job.id and other.id:
        return job.id == other.id
    key = job_key(job.name)
    return bool(key) and key == job_key(other.name)


def reused_job_id(
    order: AssessmentOrder, source_order: AssessmentOrder | None, source: LinkedAssessment
) -> str | None:
    """The Berke job ``order``'s link keeps when it reuses ``source``, the link of
    ``source_order``: that link's job when both orders are for the same job, else None (the
    fit for this order's job, by name). A source order this desk no longer has cannot be
    shown to be for the same job: None, as before."""
    if source_order is not None and same_order_job(order.job, source_order.job):
        return source.source_job_id
    return None


def reused_on_default_job(
    order: AssessmentOrder,
    source_order: AssessmentOrder | None,
    source: LinkedAssessment,
    *,
    source_reused: bool,
) -> bool:
    """Whether ``order``'s reuse of ``source`` is judged on Berke's default job, as the first
    order was: a re-order of the same job, of an assessment made for that order with no job
    chosen (``source_reused`` False) or itself such a reuse. Before, the re-order was judged
    on no job at all ("Berke has no fit for this order's job") while the first got a verdict."""
    if source.source_job_id or source_order is None:
        return False
    if not same_order_job(order.job, source_order.job):
        return False
    return source.on_default_job or not source_reused
