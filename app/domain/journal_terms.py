"""The journal's words that need no service's model: how a result reaches SmartRecruiters, the
Berke assessment an order is linked to, and the kinds and states of a step (from
``app.domain.step_kinds``, which needs no pydantic either).

``app.domain.journal`` holds the steps and outcomes, built on both services' request models.
These live apart so that reading the local state of cached orders (a working day's first
frame, ``app.store.local_state``) does not build those models (~30 ms before that frame,
``bench/startup.py --cached``).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from app.domain.step_kinds import StepKind, StepState

# The step's words are kept here too: most of the journal's readers import them from here.
__all__ = ["LinkedAssessment", "ResultFlow", "StepKind", "StepState"]


class ResultFlow(StrEnum):
    """How a result reaches SmartRecruiters; both are supported because both are in use."""

    FAQ = "faq"  # POST .../complete with the result: the answer carries the resultId
    DOCUMENTED = "documented"  # POST .../results (answer: the id), then complete with a comment


class LinkedAssessment(BaseModel):
    """The Berke assessment created for an SR order."""

    model_config = ConfigDict(defer_build=True, frozen=True)

    order_id: str
    source_candidate_id: str
    invitation_code: str
    assessment_url: str
    created_at: datetime
    invited_email: str | None = None
    invited_at: datetime | None = None
    #: The Berke job it was created for: whose fit and report go to the order's result
    #: (None: the company default job, or a link made before this was kept). A reuse keeps
    #: the other order's when both orders are for the same job (``reused_job_id``), else None.
    source_job_id: str | None = None
    #: A reuse, for the same job, of an assessment judged on Berke's default job (made with
    #: no job chosen): judged on that job too, as the first order was. An assessment made
    #: for its own order with no job chosen is judged so without this (``plan_delivery``).
    on_default_job: bool = False
    #: The address it was created with: Berke's, where its invitation goes (the form may have
    #: given one SmartRecruiters has not). None: none, or a link made before this was kept.
    created_email: str | None = None

    @property
    def invitation_sent(self) -> bool:
        return self.invited_at is not None

    def invitation_address(self, order_email: str | None) -> str:
        """Where its invitation goes: the address Berke was given, else the order's ("")."""
        return self.created_email or order_email or ""
