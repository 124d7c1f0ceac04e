"""What Berke says once a candidate is done: the completed assessment and its job fits, where an
open one stands, and how a completed one becomes a SmartRecruiters result.

Shapes follow ``shared/api/berke.md`` ("Watching and delivering"); the mapping to a result is
the console's own rule (score text, passed threshold, description), written once here so the
preview shows exactly what is sent.
"""

from __future__ import annotations

import html
import unicodedata
from datetime import UTC
from enum import IntEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from app.domain.attachments import attachment_name
from app.domain.berke import BerkeTime
from app.domain.berke_progress import unix_time
from app.domain.berke_text import BerkeParam
from app.domain.half_characters import holds_half_characters, shown
from app.domain.job_names import closest_job, job_key
from app.domain.smartrecruiters import AssessmentOrder, AssessmentResult, ResultType


class BerkeModel(BaseModel):
    model_config = ConfigDict(defer_build=True, populate_by_name=True, extra="ignore", frozen=True)


#: The most of a job's name kept (one line).
JOB_SHOWN = 200
#: The most job fits a result's description lists besides the order's own: Berke scores every
#: job of the account (25,000 fits made a 1.5 MB description and held the window 15 s).
OTHER_FITS_LISTED = 20


def job_line(name: str) -> str:
    """A job's name on one line, cut to ``JOB_SHOWN`` characters: Berke's, and
    SmartRecruiters' where a result names it (a 200,000-character title went to the service)."""
    name = " ".join(name.split())
    return name if len(name) <= JOB_SHOWN else name[: JOB_SHOWN - 1] + "…"


class FitLevel(IntEnum):
    LOW = 1
    MEDIUM = 2
    HIGH = 3

    @property
    def label(self) -> str:
        return self.name.capitalize()


class JobFit(BerkeModel):
    """How well the candidate fits one job of the account."""

    job: str = ""
    source_job_id: str = Field(default="", alias=BerkeParam.SOURCE_JOB_ID)
    # None when Berke gives no percentage: never a made-up 0 % ("Low fit (0 %)", not passed).
    fit_pct: float | None = Field(default=None, alias="fitPct", ge=0.0, le=1.0)
    fit_id: int | None = Field(default=None, alias="fitId")
    fit: str | None = None
    is_primary_job: bool = Field(default=False, alias="isPrimaryJob")
    report_url: str | None = Field(default=None, alias="reportUrl")
    fit_computed_on_utc: BerkeTime | None = Field(default=None, alias="fitComputedOnUtc")

    _unix = field_validator("fit_computed_on_utc", mode="before")(unix_time)

    @field_validator("job", "source_job_id", mode="before")
    @classmethod
    def _no_text(cls, value: Any) -> Any:
        # Berke fills what it has not with null ("sourceJobId": null, a job without an id):
        # one such fit, for any job, made the whole completed assessment unreadable.
        return "" if value is None else value

    @field_validator("is_primary_job", mode="before")
    @classmethod
    def _no_flag(cls, value: Any) -> Any:
        return False if value is None else value

    @field_validator("job", mode="after")
    @classmethod
    def _one_line(cls, value: str) -> str:
        # Shown in the preview, the result's title and description: a 1 MB name held the
        # window 89 s.
        return job_line(value)

    @property
    def level(self) -> FitLevel | None:
        """The fit's level: Berke's fitId when it gives one in range, else its word, else the
        percentage (below 50 % low, below 75 % medium); None when Berke gave no score."""
        if self.fit_id in (1, 2, 3):
            return FitLevel(self.fit_id)
        word = (self.fit or "").strip().casefold()
        for level in FitLevel:
            if word == level.name.casefold():
                return level
        if self.fit_pct is None:
            return None
        if self.fit_pct < 0.5:
            return FitLevel.LOW
        return FitLevel.MEDIUM if self.fit_pct < 0.75 else FitLevel.HIGH

    @property
    def has_score(self) -> bool:
        return self.level is not None

    @property
    def percent(self) -> int | None:
        return None if self.fit_pct is None else round(self.fit_pct * 100)

    def describe(self) -> str:
        """ "High fit (92 %)"; "High fit" without a percentage; "no score given"."""
        level = self.level
        if level is None:
            return "no score given"
        if self.percent is None:
            return f"{level.label} fit"
        return f"{level.label} fit ({self.percent} %)"


class CompletedAssessment(BerkeModel):
    """GetCompletedAssessment: the participant and one job fit per job."""

    source_candidate_id: str = Field(alias=BerkeParam.SOURCE_CANDIDATE_ID, min_length=1)
    invitation_code: str | None = Field(default=None, alias=BerkeParam.INVITATION_CODE)
    first_name: str | None = Field(default=None, alias=BerkeParam.FIRST_NAME)
    last_name: str | None = Field(default=None, alias=BerkeParam.LAST_NAME)
    formal_title: str | None = Field(default=None, alias="formalTitle")
    email_address: str | None = Field(default=None, alias=BerkeParam.EMAIL_ADDRESS)
    phone_number: str | None = Field(default=None, alias=BerkeParam.PHONE_NUMBER)
    completed_on_utc: BerkeTime | None = Field(default=None, alias="completedOnUtc")
    job_fits: tuple[JobFit, ...] = Field(default=(), alias="jobFit")
    #: Berke's job fits this version could not read (a percentage over 100 %, say), by job,
    #: left out and kept with the stored answer: before, one of them made the whole
    #: assessment unreadable. One may be the order's own, so ``exact_fit`` decides then.
    unreadable_fits: tuple[str, ...] = ()

    _unix = field_validator("completed_on_utc", mode="before")(unix_time)

    @model_validator(mode="before")
    @classmethod
    def _readable_fits(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        value = _taken_out(data, "jobFit", "job_fits")
        # One jobFit comes as an object (XML: a single child), several as a list; Berke may
        # also wrap them: {"jobFit": [...]}.
        if isinstance(value, dict) and "jobFit" in value:
            value = value["jobFit"]
        if value is None or value == "":
            value = []
        kept: list[JobFit] = []
        earlier = data.get("unreadable_fits")
        left_out = list(earlier) if isinstance(earlier, list | tuple) else []
        for entry in value if isinstance(value, list | tuple) else [value]:
            try:
                kept.append(JobFit.model_validate(entry))
            except ValidationError:
                left_out.append(_fit_named(entry))
        return {**data, "jobFit": kept, "unreadable_fits": tuple(left_out)}

    def fit_for(self, source_job_id: str | None, job_name: str | None = None) -> JobFit | None:
        """The fit for the order's job (``own_fit``), else the primary job's."""
        matching = self.own_fit(source_job_id, job_name)
        if matching is not None:
            return matching
        primary = [fit for fit in self.job_fits if fit.is_primary_job]
        if primary:
            return primary[0]
        return self.job_fits[0] if self.job_fits else None

    def own_fit(self, source_job_id: str | None, job_name: str | None) -> JobFit | None:
        """The fit for the order's own job: ``exact_fit``, else by a name like it as the
        assessment form matches it (``closest_job``); None when Berke scored no such job (a
        reused assessment, for another job)."""
        return self.exact_fit(source_job_id, job_name) or closest_job(
            job_name, self.job_fits, lambda fit: fit.job
        )

    def exact_fit(self, source_job_id: str | None, job_name: str | None) -> JobFit | None:
        """The fit for exactly the order's job: by id (Berke ids ignore case), else by the
        same name; None when this answer has none for it (Berke may have one since)."""
        fits = self.exact_fits(source_job_id, job_name)
        return fits[0] if fits else None

    def exact_fits(self, source_job_id: str | None, job_name: str | None) -> tuple[JobFit, ...]:
        """Every fit for exactly the order's job, as ``exact_fit`` finds the first: Berke
        may list one job twice (a repeated jobFit, its id in another case)."""
        if source_job_id:
            wanted = source_job_id.casefold()
            by_id = tuple(fit for fit in self.job_fits if fit.source_job_id.casefold() == wanted)
            if by_id:
                return by_id
        key = job_key(job_name)
        if not key:
            return ()
        return tuple(fit for fit in self.job_fits if job_key(fit.job) == key)

    def disagreeing_fits(
        self, source_job_id: str | None, job_name: str | None
    ) -> tuple[JobFit, ...]:
        """The fits for exactly the order's job when Berke gives several that say different
        things (level or percentage), one of each; () when it gives one, or copies. Taking
        the first listed made a verdict of whichever Berke happened to write first."""
        distinct: dict[tuple[FitLevel | None, int | None], JobFit] = {}
        for fit in self.exact_fits(source_job_id, job_name):
            # What the result would say (``JobFit.describe``): copies that round alike agree.
            distinct.setdefault((fit.level, fit.percent), fit)
        return tuple(distinct.values()) if len(distinct) > 1 else ()


def _taken_out(data: dict[str, Any], alias: str, name: str) -> Any:
    """A list's value taken out of ``data`` by Berke's name for it (``alias``) or by the
    field's own (``name``: an answer made in code), to be read item by item."""
    value = data.pop(alias, None)
    by_name = data.pop(name, None)
    return by_name if value is None else value


def _fit_named(entry: Any) -> str:
    """A job fit that could not be read, named as Berke names its job (cut to 50)."""
    if isinstance(entry, dict):
        for key in ("job", BerkeParam.SOURCE_JOB_ID):
            name = entry.get(key)
            if isinstance(name, str) and name.strip():
                return job_line(name)[:50]
    return "a job fit without a job"


class CompletedPage(BerkeModel):
    """One page of GetCompletedAssessments (at most 50 per page)."""

    total_assessments: int = Field(default=0, alias="totalAssessments", ge=0)
    current_page_assessments: int = Field(default=0, alias="currentPageAssessments", ge=0)
    current_page: int = Field(default=1, alias="currentPage", ge=0)
    total_pages: int = Field(default=0, alias="totalPages", ge=0)
    max_assessments_per_page: int = Field(default=50, alias="maxAssessmentsPerPage", ge=0)
    assessments: tuple[CompletedAssessment, ...] = Field(default=(), alias="assessment")
    #: Entries of the page this version could not read (another integration's, a date of
    #: year 1, a text holding half a character): left out, so that one of them no longer
    #: fails every page, every round.
    unreadable: tuple[str, ...] = Field(default=(), exclude=True)

    @model_validator(mode="before")
    @classmethod
    def _readable(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        value = _taken_out(data, "assessment", "assessments")
        if value is None or value == "":
            value = []
        entries = value if isinstance(value, list | tuple) else [value]
        kept: list[CompletedAssessment] = []
        left_out: list[str] = []
        for entry in entries:
            # Half a character (a lone surrogate, which JSON allows as an escape) cannot be
            # stored, and the watch stores a completion as read: left out, as unreadable.
            if not holds_half_characters(entry):
                try:
                    kept.append(CompletedAssessment.model_validate(entry))
                    continue
                except ValidationError:
                    pass
            name = entry.get("sourceCandidateId") if isinstance(entry, dict) else None
            left_out.append(shown(str(name))[:50] if name else "an entry without an id")
        return {**data, "assessment": kept, "unreadable": tuple(left_out)}


# -- a completed assessment as a SmartRecruiters result -------------------------------------


def passes(fit: JobFit, threshold: FitLevel = FitLevel.MEDIUM) -> bool:
    """Passed: the fit for the order's job is at least ``threshold`` (default Medium)."""
    level = fit.level
    return level is not None and level >= threshold


def fit_job_name(order: AssessmentOrder, fit: JobFit, *, own_job: bool) -> str:
    """The name of the job ``fit`` is for: Berke's; else the order's job's when the fit is
    the order's own, else Berke's id for the job. Before, a fit for another job without a
    name was titled and named after the order's job: one job's score under another's name."""
    if fit.job:
        return fit.job
    if own_job:
        return order.job.name if order.job and order.job.name else ""
    return fit.source_job_id or "another job"


def result_title(order: AssessmentOrder, fit: JobFit, *, own_job: bool = True) -> str:
    """Named after the job the fit is for (``fit_job_name``)."""
    job = job_line(fit_job_name(order, fit, own_job=own_job))
    return f"Berke job fit — {job}" if job else "Berke job fit"


def result_description(
    completed: CompletedAssessment, fit: JobFit, *, not_for: str | None = None
) -> str:
    """The job fits, the order's first (then at most ``OTHER_FITS_LISTED``), in the HTML
    SmartRecruiters allows (p, ul, li, strong): the recruiter sees where else the candidate
    would fit. ``not_for``: the order's job, when Berke scored no such job."""
    # A copy of the order's fit (Berke listed the job twice, alike) is not another job.
    others = [
        other for other in completed.job_fits if other is not fit and not _copy_of(other, fit)
    ]
    rows = [fit, *others[:OTHER_FITS_LISTED]]
    items = "".join(
        f"<li><strong>{html.escape(row.job or row.source_job_id)}</strong>: "
        f"{html.escape(row.describe())}</li>"
        for row in rows
    )
    if len(others) > OTHER_FITS_LISTED:
        items += f"<li>and {len(others) - OTHER_FITS_LISTED} more jobs</li>"
    when = ""
    if completed.completed_on_utc is not None:
        # Its zone named: the recruiter may read it in another zone than the desk's, and Berke
        # may give any offset; a bare day would be some zone's without saying which.
        when = f" on {completed.completed_on_utc.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
    note = ""
    if not_for is not None:
        note = (
            f"<p>Berke has no fit for this order's job ({html.escape(not_for)}): the fit "
            "shown is for another job, so this result says neither passed nor failed.</p>"
        )
    return f"<p>Completed{when}. Job fit for each job:</p><ul>{items}</ul>{note}"


def _copy_of(fit: JobFit, other: JobFit) -> bool:
    """Whether two fits are the same job's (its id in any case, as Berke compares them)
    saying the same thing."""
    return (fit.source_job_id.casefold(), job_key(fit.job), fit.describe()) == (
        other.source_job_id.casefold(),
        job_key(other.job),
        other.describe(),
    )


def result_for(
    order: AssessmentOrder,
    completed: CompletedAssessment,
    fit: JobFit,
    *,
    report_name: str,
    threshold: FitLevel = FitLevel.MEDIUM,
    own_job: bool = True,
) -> AssessmentResult:
    """The result the recruiter sees: a document (the report, attached), scored by the fit.
    Not ``own_job`` (Berke scored no job like the order's: a reused assessment, or one made
    for a job Berke gave no fit for), it says neither passed nor failed: another job's
    verdict is no verdict on this one."""
    job = job_line(order.job.name) if order.job and order.job.name else "its job"
    return AssessmentResult(
        result_type=ResultType.DOCUMENT,
        result=report_name,  # required and non-empty even for a document (FAQ)
        title=result_title(order, fit, own_job=own_job),
        score=fit.describe(),
        passed=passes(fit, threshold) if own_job else None,
        description=result_description(completed, fit, not_for=None if own_job else job),
    )


_UNSAFE = frozenset('/\\:*?"<>|')
#: The most characters of a report's name before its ".pdf" (Windows counts characters).
REPORT_STEM_CHARACTERS = 120
#: ... and the most UTF-8 bytes: Linux and macOS allow a name 255 bytes, and a kana or kanji
#: takes 3, so a long Japanese job name made a report that could not be saved at all. The
#: rest of the 255 is room for a copy's " (1)" and the like.
REPORT_STEM_BYTES = 200


def report_file_name(order: AssessmentOrder, fit: JobFit, *, own_job: bool = True) -> str:
    """A name the recruiter recognises, safe on every file system, after the job the fit is
    for (``fit_job_name``). It is attached under this very name (``attachment_name`` leaves
    it as it is): a report already queued is found by it, and not queued twice."""
    person = order.candidate.display_name
    job = fit_job_name(order, fit, own_job=own_job)
    raw = f"Berke report - {person} - {job}".strip(" -")
    # Only what a file system refuses goes (path separators, reserved characters, controls).
    safe = "".join("_" if c in _UNSAFE or not c.isprintable() else c for c in raw)
    # Composed (NFC), as ``attachment_name`` composes the name it is queued under: a
    # decomposed "Zoe\u0308" made a name the queued report never had, so a second Deliver
    # did not find it and refused ("already on its way"). Composed before the cut, which
    # counts characters and bytes of the name as it is kept.
    stem = unicodedata.normalize("NFC", " ".join(safe.split()))[:REPORT_STEM_CHARACTERS]
    return _cut_to_bytes(stem, REPORT_STEM_BYTES) + ".pdf"


def fit_reported_in(
    order: AssessmentOrder, completed: CompletedAssessment, report_name: str
) -> JobFit | None:
    """The fit a result was made for, found by the report it names (``result_for`` names its
    report in ``result``); None when Berke's answer has no such fit now. A result made
    earlier is only ever sent with its own report: the report for the fit chosen now was
    attached beside it, a second report, for a job the result is not about."""
    # As attached: a result an older version made names its report decomposed ("Zoe\u0308").
    named = attachment_name(report_name)
    for fit in completed.job_fits:
        if any(report_file_name(order, fit, own_job=own) == named for own in (True, False)):
            return fit
    return None


def _cut_to_bytes(text: str, limit: int) -> str:
    """``text`` in at most ``limit`` bytes of UTF-8, cut between characters, never inside one
    (the partial character the byte cut leaves at the end is dropped)."""
    return text.encode()[:limit].decode(errors="ignore")
