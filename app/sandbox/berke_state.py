"""What the simulated Berke account holds: its assessments, how far each candidate got, and the
scores of the finished ones.

Every time here is Unix seconds (the reference's unit), rounded to the millisecond as served,
so a time a client reads back and sends as a window bound compares equal. They follow the
sandbox's injectable clock (``SandboxConfig.clock``): a test that moves a fake clock moves
Berke's wall time with it, and invited assessments complete on their own (``auto_complete_after``)
when a request finds that their time has come; nothing runs in the background.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from app.sandbox import berke_fits
from app.sandbox.berke_fits import JobFit
from app.sandbox.config import SandboxConfig
from app.sandbox.formats import now_utc

# The reference fixes only "StatusId = 2 means complete"; 0 and 1 are the sandbox's choice.
STATUS_NOT_STARTED = 0
STATUS_STARTED = 1
STATUS_COMPLETE = 2
STATUS_NAMES = {
    STATUS_NOT_STARTED: "Not started",
    STATUS_STARTED: "Started",
    STATUS_COMPLETE: "Complete",
}
PROGRESS = {
    STATUS_NOT_STARTED: "not_started",
    STATUS_STARTED: "started",
    STATUS_COMPLETE: "complete",
}


def as_datetime(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


@dataclass
class Assessment:
    source_candidate_id: str
    invitation_code: str
    assessment_url: str
    first_name: str
    last_name: str
    source_job_id: str
    created: float
    details: dict[str, Any]
    started: float | None = None
    completed: float | None = None
    formal_title: str | None = None
    fits: list[JobFit] = field(default_factory=list)
    invitations: list[dict[str, Any]] = field(default_factory=list)
    # Monotonic-clock moments of the candidate's own progress (auto-complete), if any.
    auto_start_at: float | None = None
    auto_complete_at: float | None = None

    @property
    def status_id(self) -> int:
        if self.completed is not None:
            return STATUS_COMPLETE
        return STATUS_NOT_STARTED if self.started is None else STATUS_STARTED

    @property
    def progress(self) -> str:
        return PROGRESS[self.status_id]

    def reference(self) -> dict[str, Any]:
        return {
            "sourceCandidateId": self.source_candidate_id,
            "invitationCode": self.invitation_code,
            "assessmentUrl": self.assessment_url,
        }

    def status(self) -> dict[str, Any]:
        return {
            **self.reference(),
            "statusId": self.status_id,
            "statusName": STATUS_NAMES[self.status_id],
            "completedOnUtc": self.completed,
            "invitationsSent": len(self.invitations),
            # "the assessment's identity and status" (the reference): who it is for.
            "firstName": self.first_name,
            "lastName": self.last_name,
            "emailAddress": self.details.get("emailAddress"),
        }

    def updated(self) -> dict[str, Any]:
        """UpdateAssessment's answer: the reference's "the assessment as updated"."""
        return {
            **self.reference(),
            "firstName": self.first_name,
            "lastName": self.last_name,
            "emailAddress": self.details.get("emailAddress"),
            "completeWithinDays": self.details.get("completeWithinDays"),
            "sourceDepartmentId": self.details.get("sourceDepartmentId"),
        }

    def fit_for(self, source_job_id: str) -> JobFit | None:
        wanted = source_job_id.casefold()
        return next((f for f in self.fits if f.source_job_id.casefold() == wanted), None)


class BerkeStore:
    """Assessments by (case-insensitive) candidate id and by invitation code, report links by
    id, and the candidate's progress. Not thread-safe: the sandbox serves on one event loop."""

    def __init__(self, config: SandboxConfig, rng: random.Random) -> None:
        self.config = config
        self.rng = rng
        self.by_candidate: dict[str, Assessment] = {}
        self.by_code: dict[str, Assessment] = {}
        self.reports: dict[str, tuple[Assessment, str]] = {}
        # Ids deleted and not used since (casefolded): a look-up of one is refused in the
        # reference's own words for a removed id, so the desk meets more than one wording.
        self.deleted: set[str] = set()
        self._waiting: list[Assessment] = []
        # Berke's wall time runs at the pace of the injectable clock from this anchor.
        self._mono_anchor = config.clock()
        self._wall_anchor = now_utc().timestamp()

    def wall_at(self, monotonic: float) -> float:
        return round(self._wall_anchor + (monotonic - self._mono_anchor), 3)

    def now(self) -> float:
        return self.wall_at(self.config.clock())

    def find(self, source_candidate_id: str) -> Assessment | None:
        return self.by_candidate.get(source_candidate_id.casefold())

    def add(self, assessment: Assessment) -> None:
        self.by_candidate[assessment.source_candidate_id.casefold()] = assessment
        self.by_code[assessment.invitation_code] = assessment
        self.deleted.discard(assessment.source_candidate_id.casefold())

    def delete(self, assessment: Assessment) -> None:
        """Gone for good: the id and the code are free again and its report links dead."""
        del self.by_candidate[assessment.source_candidate_id.casefold()]
        del self.by_code[assessment.invitation_code]
        self.deleted.add(assessment.source_candidate_id.casefold())
        for fit in assessment.fits:
            self.reports.pop(fit.report_id, None)
        if assessment in self._waiting:
            self._waiting.remove(assessment)

    def rekey(self, assessment: Assessment, new_id: str) -> None:
        del self.by_candidate[assessment.source_candidate_id.casefold()]
        assessment.source_candidate_id = new_id
        self.by_candidate[new_id.casefold()] = assessment
        self.deleted.discard(new_id.casefold())

    # -- the candidate's progress ----------------------------------------------------------
    def start(self, assessment: Assessment, at: float | None = None) -> None:
        if assessment.started is None and assessment.completed is None:
            assessment.started = self.now() if at is None else at

    def complete(self, assessment: Assessment, jobs: Sequence[dict[str, Any]], at: float) -> None:
        """Finish the assessment and score it against every job of the account."""
        if assessment.completed is not None:
            return
        self.start(assessment, at)
        assessment.completed = at
        seed, candidate_id = self.config.seed, assessment.source_candidate_id
        assessment.formal_title = berke_fits.formal_title(seed, candidate_id)
        report_ids = [self._new_report_id() for _ in jobs]
        assessment.fits = berke_fits.score(seed, candidate_id, jobs, at, report_ids)
        for fit in assessment.fits:
            self.reports[fit.report_id] = (assessment, fit.source_job_id)
        if assessment in self._waiting:
            self._waiting.remove(assessment)

    def _new_report_id(self) -> str:
        while True:
            report_id = f"{self.rng.getrandbits(128):032x}"
            if report_id not in self.reports:
                return report_id

    def invited(self, assessment: Assessment) -> None:
        """Schedule the candidate's own progress from the first invitation: started halfway,
        complete after ``auto_complete_after`` seconds, for a seeded share of assessments."""
        after = self.config.auto_complete_after
        if (
            after is None
            or assessment.auto_complete_at is not None
            or assessment.completed is not None
            or not self._takes_part(assessment)
        ):
            return
        now = self.config.clock()
        assessment.auto_start_at = now + after / 2
        assessment.auto_complete_at = now + after
        self._waiting.append(assessment)

    def _takes_part(self, assessment: Assessment) -> bool:
        draw = random.Random(
            f"sandbox-berke-auto-{self.config.seed}-{assessment.source_candidate_id.casefold()}"
        ).random()
        return draw < self.config.auto_complete_share

    def advance(self, jobs: Sequence[dict[str, Any]]) -> None:
        """Apply whatever progress is due by now, at the moments it was due."""
        if not self._waiting:
            return
        now = self.config.clock()
        for assessment in list(self._waiting):
            start_at, complete_at = assessment.auto_start_at, assessment.auto_complete_at
            assert start_at is not None
            assert complete_at is not None
            if now >= start_at:
                self.start(assessment, self.wall_at(start_at))
            if now >= complete_at:
                self.complete(assessment, jobs, self.wall_at(complete_at))

    def auto_complete_on(self, assessment: Assessment) -> float | None:
        """When the candidate will finish on their own, while that is still ahead."""
        if assessment.completed is not None or assessment.auto_complete_at is None:
            return None
        return self.wall_at(assessment.auto_complete_at)
