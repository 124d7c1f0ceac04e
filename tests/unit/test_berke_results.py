"""A completed Berke assessment as the recruiter will see it, and Berke's answers read in both
of their forms."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime
from typing import Any

import pytest

from app.clients.berke_payload import parse_payload
from app.domain.attachments import attachment_name
from app.domain.berke import AssessmentStatus
from app.domain.berke_progress import BerkeProgress, progress_of
from app.domain.berke_results import (
    JOB_SHOWN,
    OTHER_FITS_LISTED,
    CompletedAssessment,
    CompletedPage,
    FitLevel,
    JobFit,
    fit_reported_in,
    passes,
    report_file_name,
    result_description,
    result_for,
)
from app.domain.smartrecruiters import (
    AssessmentOrder,
    Job,
    ResultType,
    disallowed_description_tags,
)
from tests.zones import living_in

ORDER = AssessmentOrder.model_validate(
    {
        "id": "o1", "status": "IN_PROGRESS",
        "candidate": {"id": "c1", "firstName": "Zoë", "lastName": "Müller"},
        "job": {"name": "Registered Nurse – ICU"},
    }
)  # fmt: skip


def completed_fits() -> list[dict[str, Any]]:
    return [
        {"job": "Registered Nurse – ICU", "sourceJobId": "J-NURSE", "fitPct": 0.92,
         "fitId": 3, "fit": "High", "isPrimaryJob": True},
        {"job": "Sales <Manager>", "sourceJobId": "J-SALES", "fitPct": 0.41,
         "fitId": 1, "fit": "Low", "isPrimaryJob": False},
    ]  # fmt: skip


def completed(**extra: Any) -> CompletedAssessment:
    return CompletedAssessment.model_validate(
        {
            "sourceCandidateId": "AD-1",
            "completedOnUtc": 1764591000.25,
            "jobFit": completed_fits(),
            **extra,
        }
    )


def test_the_result_says_the_fit_for_the_orders_job(monkeypatch: pytest.MonkeyPatch) -> None:
    with living_in(monkeypatch, "America/Los_Angeles"):  # the desk's zone says nothing here
        done = completed()
        fit = done.fit_for("j-nurse")  # Berke ids ignore case
        assert fit is not None
        result = result_for(ORDER, done, fit, report_name="report.pdf")
    assert result.result_type is ResultType.DOCUMENT
    assert result.result == "report.pdf"
    assert result.title == "Berke job fit — Registered Nurse – ICU"
    assert result.score == "High fit (92 %)"
    assert result.passed is True
    description = result.description or ""
    assert disallowed_description_tags(description) == []  # only what SmartRecruiters allows
    assert description.index("Registered Nurse") < description.index("Sales")
    assert "Sales &lt;Manager&gt;" in description  # a job name is text, never markup
    assert "Completed on 2025-12-01 12:10 UTC." in description


@pytest.mark.parametrize(
    "completed_on",
    [datetime(2026, 3, 14, 22, 30, tzinfo=UTC).timestamp(), "2026-03-15T01:30:00+03:00"],
)
def test_the_results_completion_names_its_zone(
    monkeypatch: pytest.MonkeyPatch, completed_on: float | str
) -> None:
    """Finished at 01:30 on 15 March in Istanbul: before, the result (and its preview) said
    "Completed on 2026-03-14" (the UTC day), or the 15th when Berke gave its time with +03:00,
    while the desk showed "Complete 15 Mar"; a day that is nobody's own without its zone."""
    with living_in(monkeypatch, "Europe/Istanbul"):
        done = completed(completedOnUtc=completed_on)
        fit = done.fit_for("J-NURSE")
        assert fit is not None
        description = result_for(ORDER, done, fit, report_name="r.pdf").description or ""
    assert "<p>Completed on 2026-03-14 22:30 UTC. Job fit for each job:</p>" in description


@pytest.mark.parametrize(
    ("pct", "fit_id", "word", "level"),
    [(0.92, 3, "High", FitLevel.HIGH), (0.6, None, "Medium", FitLevel.MEDIUM),
     (0.6, None, None, FitLevel.MEDIUM), (0.3, None, None, FitLevel.LOW),
     (0.8, 9, None, FitLevel.HIGH),  # an out-of-range fitId falls back to the percentage
     (0.3, None, " High ", FitLevel.HIGH),  # an XML attribute with spaces around the word
     # A percentage alone, at its edges: below 50 % low, below 75 % medium.
     (0.49, None, None, FitLevel.LOW), (0.5, None, None, FitLevel.MEDIUM),
     (0.74, None, None, FitLevel.MEDIUM), (0.75, None, None, FitLevel.HIGH)],
)  # fmt: skip
def test_fit_levels(pct: float, fit_id: int | None, word: str | None, level: FitLevel) -> None:
    fit = JobFit.model_validate({"job": "J", "fitPct": pct, "fitId": fit_id, "fit": word})
    assert fit.level is level


def test_passing_follows_the_threshold() -> None:
    medium = JobFit.model_validate({"fitPct": 0.6, "fitId": 2})
    assert passes(medium)
    assert not passes(medium, FitLevel.HIGH)
    assert passes(JobFit.model_validate({"fitPct": 0.2}), FitLevel.LOW)


def test_exactly_fifty_percent_passes_the_default_threshold() -> None:
    """A 50 % fit is Medium, the default threshold: read as Low, the verdict sent to
    SmartRecruiters would say the candidate did not pass."""
    assert passes(JobFit.model_validate({"job": "Nurse", "fitPct": 0.5}))
    assert not passes(JobFit.model_validate({"job": "Nurse", "fitPct": 0.49}))


@pytest.mark.parametrize(("pct", "shown"), [(0.29, "29 %"), (0.57, "57 %"), (0.58, "58 %")])
def test_the_percentage_is_rounded_not_cut(pct: float, shown: str) -> None:
    """0.29 * 100 is 28.999…: cut, the recruiter's score would read "28 %" for Berke's 29 %."""
    fit = JobFit.model_validate({"job": "Nurse", "fitPct": pct, "fitId": 1})
    assert fit.describe() == f"Low fit ({shown})"


def test_the_fit_falls_back_to_the_job_name_then_the_primary_job() -> None:
    done = completed()
    assert done.fit_for(None, "registered  nurse – icu") is done.job_fits[0]
    assert done.fit_for("UNKNOWN", None) is done.job_fits[0]  # the primary job
    assert CompletedAssessment.model_validate({"sourceCandidateId": "x"}).fit_for("J") is None


def test_without_the_orders_job_the_primary_jobs_fit_is_used_not_the_first_listed() -> None:
    """The first listed fit (here a Low for Cashier) would be delivered as the result of an
    order whose job Berke does not know, instead of Berke's primary job's."""
    done = CompletedAssessment.model_validate(
        {"sourceCandidateId": "AD-1", "jobFit": [
            {"job": "Cashier", "sourceJobId": "J-CASH", "fitId": 1, "isPrimaryJob": False},
            {"job": "Welder", "sourceJobId": "J-WELD", "fitId": 3, "isPrimaryJob": True},
        ]}
    )  # fmt: skip
    assert done.fit_for("J-UNKNOWN", "Astronaut") is done.job_fits[1]


def test_the_fit_by_name_matches_as_the_assessment_form_does() -> None:
    """A second order reusing the assessment has no Berke job of its own: its job's name is
    matched as the form matches it, a name inside another too (before: exact names only, and
    else the primary job's fit, another job's score)."""
    done = completed()
    assert done.fit_for(None, "Sales") is done.job_fits[1]  # not the primary job
    assert done.fit_for(None, "Senior Registered Nurse – ICU") is done.job_fits[0]


def test_a_job_in_turkish_capitals_gets_its_own_fit() -> None:
    """A reused assessment's fit for an order's job typed in Turkish capitals: "UZMANI" did
    not meet "Uzmanı" (``str.casefold``), and the primary job's fit was given instead."""
    done = CompletedAssessment.model_validate(
        {"sourceCandidateId": "AD-1", "jobFit": [
            {"job": "Satış Müdürü", "sourceJobId": "J1", "fitPct": 0.9, "fitId": 3,
             "fit": "High", "isPrimaryJob": True},
            {"job": "Muhasebe Uzmanı", "sourceJobId": "J2", "fitPct": 0.2, "fitId": 1,
             "fit": "Low", "isPrimaryJob": False},
        ]}
    )  # fmt: skip
    assert done.fit_for(None, "MUHASEBE UZMANI") is done.job_fits[1]
    assert done.exact_fit(None, "MUHASEBE UZMANI") is done.job_fits[1]


def test_a_name_matches_on_whole_words_and_only_the_same_name_is_exact() -> None:
    done = completed()
    # "Salesforce" is not "Sales": the primary job's fit, not a 41 % for another trade.
    assert done.fit_for(None, "Salesforce Developer") is done.job_fits[0]
    # Only an id or the same name is exact; a name inside another sends delivery back to
    # Berke for a fit computed since (exact_fit None), and is used only after that.
    assert done.exact_fit(None, "Senior Registered Nurse – ICU") is None
    assert done.exact_fit(None, "registered nurse  – ICU") is done.job_fits[0]
    assert done.exact_fit("j-sales", None) is done.job_fits[1]


#: Berke's answer naming the order's job twice: a repeated jobFit, its id in another case.
TWICE_XML = (
    b'<?xml version="1.0" encoding="utf-8"?>'
    b'<berkeResponse status="ok" responseCode="200">'
    b'<assessment sourceCandidateId="AD-1" completedOnUtc="1764591000">'
    b'<jobFit job="Registered Nurse" sourceJobId="NURSE-RN" fitPct="0.12" fitId="1" fit="Low"'
    b' isPrimaryJob="true"/>'
    b'<jobFit job="Sales" sourceJobId="J-SALES" fitPct="0.41" fitId="1" fit="Low"/>'
    b'<jobFit job="Registered Nurse" sourceJobId="nurse-rn" fitPct="0.91" fitId="3" fit="High"'
    b' isPrimaryJob="true"/>'
    b"</assessment></berkeResponse>"
)


def test_two_different_fits_for_the_orders_job_are_found_disagreeing() -> None:
    """Before: ``exact_fit`` gave the first listed ("Low fit (12 %)") as the verdict, and
    nothing looked for the "High fit (91 %)" Berke gave the same job further down."""
    _, payload = parse_payload(TWICE_XML)
    done = CompletedAssessment.model_validate(payload["assessment"])
    low, _sales, high = done.job_fits
    assert done.exact_fits("NURSE-RN", "Registered Nurse") == (low, high)
    assert done.disagreeing_fits("NURSE-RN", None) == (low, high)
    assert done.disagreeing_fits(None, "REGISTERED  NURSE") == (low, high)  # by name too
    assert done.disagreeing_fits("J-SALES", None) == ()  # another job: one fit


def test_the_orders_fit_listed_twice_alike_is_one_verdict() -> None:
    nurse = completed_fits()[0]
    done = completed(jobFit=[nurse, {**nurse, "sourceJobId": "j-nurse"}, completed_fits()[1]])
    assert done.disagreeing_fits("J-NURSE", None) == ()
    assert done.exact_fit("J-NURSE", None) is done.job_fits[0]
    # Listed once in the result, not again among the other jobs.
    described = result_description(done, done.job_fits[0])
    assert described.count("Registered Nurse") == 1
    assert "Sales" in described


def test_a_fit_without_a_score_beside_a_scored_one_for_the_same_job_disagrees() -> None:
    nurse = completed_fits()[0]
    scoreless = {**nurse, "fitPct": None, "fitId": None, "fit": None}
    done = completed(jobFit=[nurse, scoreless])
    assert done.disagreeing_fits("J-NURSE", None) == done.job_fits


def test_a_fit_for_another_job_is_titled_with_that_job() -> None:
    """No Berke job like the order's: the primary job's fit is given, under its own name,
    never under the order's job (one job's score under another's name)."""
    done = completed()
    analyst = ORDER.model_copy(update={"job": Job(name="Analyst")})
    fit = done.fit_for(None, "Analyst")
    assert fit is done.job_fits[0]
    result = result_for(analyst, done, fit, report_name="report.pdf")
    assert result.title == "Berke job fit — Registered Nurse – ICU"
    assert report_file_name(analyst, fit).endswith("Registered Nurse – ICU.pdf")


def test_xml_shapes_read_the_same() -> None:
    # XML attributes come as text, a single child as an object, not a list.
    one = CompletedAssessment.model_validate(
        {"sourceCandidateId": "AD-1", "completedOnUtc": "1764591000",
         "jobFit": {"job": "Nurse", "sourceJobId": "J1", "fitPct": "0.92", "fitId": "3",
                    "isPrimaryJob": "true"}}
    )  # fmt: skip
    assert one.job_fits[0].fit_pct == 0.92
    assert one.job_fits[0].is_primary_job
    assert one.completed_on_utc == datetime(2025, 12, 1, 12, 10, tzinfo=UTC)
    page = CompletedPage.model_validate(
        {"totalAssessments": "1", "totalPages": "1", "assessment": {"sourceCandidateId": "AD-1"}}
    )
    assert [a.source_candidate_id for a in page.assessments] == ["AD-1"]


@pytest.mark.parametrize(
    ("status_id", "name", "progress"),
    [(2, "Complete", BerkeProgress.COMPLETE), (1, "Started", BerkeProgress.STARTED),
     (0, "Not started", BerkeProgress.NOT_STARTED), (None, "In progress", BerkeProgress.STARTED),
     (None, "Not started", BerkeProgress.NOT_STARTED), (None, None, BerkeProgress.UNKNOWN),
     (None, "Complete", BerkeProgress.COMPLETE), (0, None, BerkeProgress.NOT_STARTED),
     (0, "In progress", BerkeProgress.STARTED), (None, "not_started", BerkeProgress.NOT_STARTED),
     # An id the reference never defines: only a name that says so.
     (3, "Completed", BerkeProgress.COMPLETE), (3, None, BerkeProgress.UNKNOWN),
     (9, "Scored", BerkeProgress.UNKNOWN), (-1, None, BerkeProgress.UNKNOWN),
     (7, "InProgress", BerkeProgress.STARTED), (4, "Not started", BerkeProgress.NOT_STARTED),
     (None, "Started, not completed", BerkeProgress.UNKNOWN)],
)  # fmt: skip
def test_progress(status_id: int | None, name: str | None, progress: BerkeProgress) -> None:
    """An answer that says nothing of where the assessment stands was "not started", and a
    completed assessment, scores and all, could be deleted; so was a StatusId the reference
    never defines (3, 9, -1...), whatever its name said ("Completed")."""
    assert progress_of(status_id, name) is progress
    status = AssessmentStatus.model_validate(
        {"sourceCandidateId": "x", "statusId": status_id, "statusName": name}
    )
    assert status.progress is progress


@pytest.mark.parametrize("key", ["StatusId", "statusId", "STATUSID", "statusid"])
@pytest.mark.parametrize("value", [2, "2"])  # XML attributes come as text
def test_the_status_flag_is_read_whatever_its_case(key: str, value: object) -> None:
    """The reference writes "StatusId = 2 means complete"; only the sandbox's "statusId" was
    read, so against Berke a completed assessment read as not started and was deleted."""
    status = AssessmentStatus.model_validate({"sourceCandidateId": "x", key: value})
    assert status.progress is BerkeProgress.COMPLETE
    pascal = AssessmentStatus.model_validate({"SourceCandidateId": "x", "StatusId": value})
    assert (pascal.source_candidate_id, pascal.progress) == ("x", BerkeProgress.COMPLETE)
    # The key spelled exactly as the model's wins over another case of it.
    both = AssessmentStatus.model_validate({"sourceCandidateId": "x", key: 1, "statusId": 2})
    assert both.progress is BerkeProgress.COMPLETE


def test_absurd_times_are_refused_not_crashed_on() -> None:
    with pytest.raises(ValueError, match="out of range"):
        CompletedAssessment.model_validate({"sourceCandidateId": "x", "completedOnUtc": 1e30})


@pytest.mark.parametrize("when", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"])
def test_a_time_a_datetime_holds_but_cannot_move_to_utc_is_refused(when: str) -> None:
    """Parsed, such a time would raise OverflowError in the inbox row that shows it. A fit so
    dated is left out of its assessment, named (``unreadable_fits``)."""
    job_fit = {"jobId": 1, "job": "Nurse", "fitComputedOnUtc": when}
    with pytest.raises(ValueError, match="out of range"):
        CompletedAssessment.model_validate({"sourceCandidateId": "x", "completedOnUtc": when})
    done = CompletedAssessment.model_validate({"sourceCandidateId": "x", "jobFit": [job_fit]})
    assert (done.job_fits, done.unreadable_fits) == ((), ("Nurse",))
    with pytest.raises(ValueError, match="out of range"):
        AssessmentStatus.model_validate({"sourceCandidateId": "x", "completedOnUtc": when})


def test_a_berke_time_without_an_offset_is_utc() -> None:
    """ISO text without an offset stayed a naive datetime: the inbox read it as UTC, as the
    fields' names say, and the detail pane as local time (Kolkata: 15:30 in one, 10:00 in
    the other)."""
    utc = datetime(2026, 3, 29, 10, tzinfo=UTC)
    status = AssessmentStatus.model_validate(
        {"sourceCandidateId": "x", "statusId": 2, "completedOnUtc": "2026-03-29T10:00:00"}
    )
    job_fit = {"jobId": 1, "job": "Nurse", "fitComputedOnUtc": "2026-03-29T10:00:00"}
    done = CompletedAssessment.model_validate(
        {"sourceCandidateId": "x", "completedOnUtc": "2026-03-29T10:00:00", "jobFit": [job_fit]}
    )
    assert status.completed_on_utc == done.completed_on_utc == utc
    assert done.job_fits[0].fit_computed_on_utc == utc  # a naive time is never equal to it


def test_the_report_name_is_safe_and_recognisable() -> None:
    fit = completed().job_fits[0]
    name = report_file_name(ORDER, fit)
    assert name == "Berke report - Zoë Müller - Registered Nurse – ICU.pdf"
    hostile = ORDER.model_copy(
        update={"candidate": ORDER.candidate.model_copy(update={"first_name": "../../x"})}
    )
    assert "/" not in report_file_name(hostile, fit)
    assert report_file_name(hostile, fit).startswith("Berke report - .._.._x")


@pytest.mark.parametrize(
    "job",
    [
        "【東京本社・大阪支社】法人営業マネージャー候補（ITソリューション・クラウドサービス）"
        "／未経験歓迎・研修制度充実・年間休日125日以上・リモートワーク可・賞与年2回",
        "Медицинская сестра отделения реанимации и интенсивной терапии " * 3,
        "😀" * 100,
        "x" * 300,
    ],
    ids=["japanese", "russian", "emoji", "latin"],
)
def test_a_long_name_fits_the_file_systems_255_bytes(job: str) -> None:
    """Before: cut at 120 characters, a Japanese job made 360 bytes (3 per kana), and the
    report could not be saved (ENAMETOOLONG): the order could never be delivered."""
    fit = JobFit.model_validate({"job": job, "sourceJobId": "J-1", "fitPct": 0.5})
    name = report_file_name(ORDER, fit)
    assert name.endswith(".pdf")
    assert len(name.encode()) <= 204  # the stem's 200 bytes, and ".pdf"
    assert len(name) <= 124
    assert name.startswith("Berke report - Zoë Müller - " + job[:10])
    assert "\ufffd" not in name  # cut between characters, never inside one
    # Attached under the very same name: a report already queued is found by it.
    assert attachment_name(name) == name


def test_a_decomposed_name_makes_the_report_name_it_is_attached_under() -> None:
    """Before: "Zoe\u0308" (a Mac's file system, a pasted CV) made a decomposed report name,
    queued composed (``attachment_name``): a second Deliver did not find the report it had
    queued, and refused the delivery as "already on its way"."""
    decomposed = ORDER.model_copy(
        update={"candidate": ORDER.candidate.model_copy(update={"first_name": "Zoe\u0308"})}
    )
    fit = completed().job_fits[0]
    name = report_file_name(decomposed, fit)
    assert name == report_file_name(ORDER, fit)  # one name, whichever form it came in
    assert attachment_name(name) == name


def test_a_result_naming_its_report_decomposed_finds_its_fit() -> None:
    """A result an older version made names its report as that version made it, decomposed:
    its fit is still the one it is about, and its report is fetched for it."""
    done = completed()
    made = unicodedata.normalize("NFD", report_file_name(ORDER, done.job_fits[1]))
    assert made != report_file_name(ORDER, done.job_fits[1])
    assert fit_reported_in(ORDER, done, made) is done.job_fits[1]


def test_a_fit_without_a_score_is_no_score_never_a_made_up_zero() -> None:
    """Before: no fitPct read as 0 %: "Low fit (0 %)", not passed; with fitId 3, "High fit
    (0 %)"."""
    bare = JobFit.model_validate({"job": "Nurse"})
    assert bare.level is None
    assert not bare.has_score
    assert bare.describe() == "no score given"
    assert not passes(bare, FitLevel.LOW)
    high = JobFit.model_validate({"job": "Nurse", "fitId": 3})
    assert high.describe() == "High fit"  # no percentage invented beside the level


def test_the_description_lists_the_orders_fit_and_twenty_others() -> None:
    """25,000 fits made a 1.5 MB description (and held the preview 15 s); a 1 MB job name
    89 s."""
    fits = [
        {"job": f"Job {n}", "sourceJobId": f"J{n}", "fitPct": 0.5, "isPrimaryJob": n == 0}
        for n in range(25_000)
    ]
    fits[1]["job"] = "Nurse " + "x" * 1_000_000
    done = CompletedAssessment.model_validate({"sourceCandidateId": "AD-1", "jobFit": fits})
    assert len(done.job_fits[1].job) == JOB_SHOWN
    description = result_description(done, done.job_fits[7])
    assert description.count("<li>") == 1 + OTHER_FITS_LISTED + 1
    assert description.index("Job 7") < description.index("Job 0")
    assert f"and {25_000 - 1 - OTHER_FITS_LISTED} more jobs" in description
    assert len(description) < 10_000


def test_the_orders_own_job_is_cut_in_the_title_and_the_note_as_berkes_is() -> None:
    """Berke's job name was cut to ``JOB_SHOWN``, SmartRecruiters' was not: a 200,000-character
    job made a 200,015-character title, sent to the service and shown in the preview."""
    order = ORDER.model_copy(update={"job": Job(name="Analyst\n" * 25_000)})
    done = completed()
    unnamed = JobFit.model_validate({"job": "", "sourceJobId": "J-X", "fitPct": 0.8})
    title = result_for(order, done, unnamed, report_name="r.pdf").title or ""
    assert len(title) <= len("Berke job fit — ") + JOB_SHOWN
    assert title.startswith("Berke job fit — Analyst Analyst")
    assert title.endswith("…")
    result = result_for(order, done, unnamed, report_name="r.pdf", own_job=False)
    assert len(result.description or "") < 2_000  # the "no fit for this order's job" note


def test_an_unnamed_fit_for_another_job_is_never_titled_with_the_orders_job() -> None:
    """Berke's primary job's fit, given because Berke has no fit like the order's job, and
    without its job's name: it was titled "Berke job fit — Analyst" and its report named
    after Analyst, another job's score under the order's job, beside a note saying the fit
    is for another job. Now it goes by Berke's id for its job, else "another job"."""
    analyst = ORDER.model_copy(update={"job": Job(name="Analyst")})
    done = CompletedAssessment.model_validate(
        {"sourceCandidateId": "AD-1",
         "jobFit": [{"sourceJobId": "SW-ENG", "fitPct": 0.91, "fitId": 3, "isPrimaryJob": True},
                    {"job": "Nurse", "sourceJobId": "J-NURSE", "fitPct": 0.2}]}
    )  # fmt: skip
    fit = done.fit_for(None, "Analyst")
    assert fit is done.job_fits[0]
    assert done.own_fit(None, "Analyst") is None
    result = result_for(analyst, done, fit, report_name="r.pdf", own_job=False)
    assert result.title == "Berke job fit — SW-ENG"
    assert report_file_name(analyst, fit, own_job=False) == "Berke report - Zoë Müller - SW-ENG.pdf"
    no_id = fit.model_copy(update={"source_job_id": ""})
    other = result_for(analyst, done, no_id, report_name="r.pdf", own_job=False)
    assert other.title == "Berke job fit — another job"
    # The order's own fit, unnamed, still goes by the order's job.
    assert result_for(analyst, done, fit, report_name="r.pdf").title == "Berke job fit — Analyst"


def test_a_null_in_a_fit_is_an_absent_value() -> None:
    """Berke fills what it has not with null: a fit with "sourceJobId": null (a job without
    an id), "job": null or "isPrimaryJob": null made the whole completed assessment
    unreadable, so its completion never showed and its result was never delivered."""
    nulls = {"job": None, "sourceJobId": None, "isPrimaryJob": None, "fitPct": None,
             "fitId": None, "fit": None, "reportUrl": None, "fitComputedOnUtc": None}  # fmt: skip
    done = completed(jobFit=[*completed_fits(), nulls])
    assert done.unreadable_fits == ()
    extra = done.job_fits[-1]
    assert (extra.job, extra.source_job_id, extra.is_primary_job) == ("", "", False)
    assert done.fit_for("J-NURSE") is done.job_fits[0]


def test_a_fit_that_cannot_be_read_is_left_out_not_the_assessment() -> None:
    """One fit Berke scored out of range (fitPct 1.5) made the whole completed assessment
    unreadable, for good. Now that fit is left out and named; the stored answer keeps the
    name, so delivery can tell the order's own fit may be the one missing."""
    odd = {"job": "Clerk", "sourceJobId": "J-CLERK", "fitPct": 1.5}
    done = completed(jobFit=[*completed_fits(), odd, "not a fit"])
    assert [fit.source_job_id for fit in done.job_fits] == ["J-NURSE", "J-SALES"]
    assert done.unreadable_fits == ("Clerk", "a job fit without a job")
    stored = CompletedAssessment.model_validate_json(done.model_dump_json(by_alias=True))
    assert stored == done


def test_exactly_the_listed_number_of_other_fits_says_no_more() -> None:
    """The description would end "and 0 more jobs"."""
    fits = [
        {"job": f"Job {n}", "sourceJobId": f"J{n}", "fitId": 2}
        for n in range(1 + OTHER_FITS_LISTED)
    ]
    done = CompletedAssessment.model_validate({"sourceCandidateId": "AD-1", "jobFit": fits})
    description = result_description(done, done.job_fits[0])
    assert "more jobs" not in description
    assert description.count("<li>") == 1 + OTHER_FITS_LISTED
