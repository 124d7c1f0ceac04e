"""The batch plan's words for a reuse: which of the candidate's orders the assessment comes
from, so that a coordinator with a candidate's three orders knows which one is meant."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from app.domain.berke import BerkeJob
from app.domain.service_time import local_time
from app.domain.smartrecruiters import AssessmentOrder, OrderStatus
from app.workflows.batch import (
    MAY_HAVE_GONE_ELSEWHERE_STEP,
    PlanKind,
    PlannedOrder,
    order_in_words,
    plan_summary,
)

PLACED = datetime(2026, 12, 3, 9, 30, tzinfo=UTC)
DAY = f"{local_time(PLACED):%Y-%m-%d %H:%M}"


def order(
    job: str | None = "Registered Nurse",
    *,
    email: str | None = "ines@example.com",
    placed: datetime = PLACED,
) -> Any:
    body: dict[str, Any] = {
        "id": "o2", "status": "NEW", "createDate": placed,
        "candidate": {"id": "c1", "firstName": "Ines", "lastName": "Lindqvist", "email": email},
    }  # fmt: skip
    if job is not None:
        body["job"] = {"name": job}
    return AssessmentOrder.model_validate(body)


def test_an_order_in_words_names_its_job_and_day() -> None:
    assert order_in_words(order()) == f"their Registered Nurse order of {DAY}"
    assert order_in_words(order(job=None)) == f"their order of {DAY}"
    assert order_in_words(None) == ""  # not known here: the words stay general


def test_a_candidates_two_orders_for_one_job_on_one_day_read_apart() -> None:
    """A recruiter's second try the same afternoon: the day alone named both orders."""
    morning = order_in_words(order())
    afternoon = order_in_words(order(placed=PLACED.replace(hour=14, minute=10)))
    assert morning != afternoon
    assert afternoon.endswith(f"{local_time(PLACED.replace(hour=14, minute=10)):%H:%M}")


def test_a_reuse_row_says_which_order_its_assessment_comes_from() -> None:
    source = order_in_words(order())
    sent = PlannedOrder(
        order(job="Data Analyst"), PlanKind.REUSE, reuse_from="o1", reuse_from_words=source,
        invited_already=True,
    )  # fmt: skip
    assert sent.what_happens() == (
        f"Reuse the assessment of their Registered Nurse order of {DAY}, accept; no second "
        "invitation"
    )
    above = PlannedOrder(
        order(job="Data Analyst"), PlanKind.REUSE, reuse_from="o1", in_this_batch=True,
        reuse_from_words=source,
    )  # fmt: skip
    assert above.what_happens() == (
        f"Reuse the assessment of their Registered Nurse order of {DAY} (in this batch; not "
        "invited yet), accept, invite ines@example.com"
    )
    unknown = PlannedOrder(order(email=None), PlanKind.REUSE, reuse_from="o1", in_this_batch=True)
    assert unknown.what_happens() == (
        "Reuse the candidate's Berke assessment (not invited yet), accept, no email: give the "
        "candidate the code"
    )


def test_a_long_job_title_is_cut_so_the_row_still_says_what_it_will_do() -> None:
    """A recruiter's 100-character title pushed "accept, invite …" out of the row's lines."""
    title = "Senior Registered Nurse, Intensive Care Unit (Nights, Weekends and Public Holidays)"
    words = order_in_words(order(job=f" {title} "))
    assert words == f"their {title[:35].rstrip()}… order of {DAY}"
    assert len(words) < 70


def test_an_assessment_another_desk_made_is_planned_as_the_run_does_it() -> None:
    """Its assessment found in Berke (another desk made it, and may have invited): the plan
    said "invite …" where the run's invitation step sends none unless Berke shows none went
    (Invite asks first). Said so per row, and counted apart in the summary."""
    in_progress = order().model_copy(update={"status": OrderStatus.IN_PROGRESS})
    carry_on = PlannedOrder(
        in_progress, PlanKind.CARRY_ON, invite_to="ines@example.com", invited_elsewhere_maybe=True
    )
    assert carry_on.what_happens() == (
        f"Already created and accepted: {MAY_HAVE_GONE_ELSEWHERE_STEP}"
    )
    assert "invite ines@example.com" not in carry_on.what_happens()
    reuse = PlannedOrder(
        order(job="Data Analyst"), PlanKind.REUSE, reuse_from="o1",
        reuse_from_words=order_in_words(order()), invite_to="ines@example.com",
        invited_elsewhere_maybe=True,
    )  # fmt: skip
    assert reuse.what_happens() == (
        f"Reuse the assessment of their Registered Nurse order of {DAY} (found in Berke), "
        f"accept, {MAY_HAVE_GONE_ELSEWHERE_STEP}"
    )
    # No address: no invitation either way, said as before.
    no_email = PlannedOrder(order(email=None), PlanKind.CARRY_ON, invited_elsewhere_maybe=True)
    assert no_email.what_happens().endswith("no email: give the candidate the code")
    plain = PlannedOrder(order(), PlanKind.CARRY_ON, invite_to="ines@example.com")
    summary = plan_summary([carry_on, reuse, plain])
    assert summary.startswith("3 of 3 selected orders will be run. 2 have assessments another")
    assert "no invitation goes for them unless Berke shows none went (Invite asks first)" in summary
    assert "another desk" not in plan_summary([plain])
    assert ". 1 has an assessment another desk made" in plan_summary([carry_on, plain])


def test_an_order_without_an_address_is_not_counted_as_one_whose_invitation_may_go() -> None:
    """Its row says "no email: give the candidate the code"; the summary counted it among
    those "another desk may have invited to: no invitation goes for them unless Berke shows
    none went", as if one might."""
    row = PlannedOrder(order(email=None), PlanKind.CARRY_ON, invited_elsewhere_maybe=True)
    assert "no email" in row.what_happens()
    assert "another desk made" not in plan_summary([row])
    with_address = PlannedOrder(order(), PlanKind.CARRY_ON, invited_elsewhere_maybe=True)
    assert "1 has an assessment another desk made" in plan_summary([row, with_address])


def test_a_job_to_check_is_said_in_words_not_only_in_colour() -> None:
    """The plan's Berke job column named a job to check exactly as any other, only its
    colour (and a tooltip) told it apart; the summary pointed at the colour."""
    personality = BerkeJob.model_validate(
        {"SourceJobId": "J-PERS", "name": "Personality only", "matchEnabled": False}
    )
    nurse = BerkeJob.model_validate(
        {"SourceJobId": "J-RN", "name": "Registered Nurse", "matchEnabled": True}
    )
    unscored = PlannedOrder(order(), PlanKind.CREATE, job=personality)
    assert unscored.job_in_words() == "⚠ Personality only (no match score)"
    # The reason to check it, in the column's two lines; how it was chosen, in the warning.
    matched = PlannedOrder(order(), PlanKind.CREATE, job=personality, matched=True)
    assert matched.job_in_words() == "⚠ Personality only (no match score)"
    assert matched.job_warning() == f"{matched.warning()} It was chosen from the order's job."
    assert unscored.job_warning() == unscored.warning()
    unmatched = PlannedOrder(order(job="Underwater Welder"), PlanKind.CREATE)
    assert unmatched.job_in_words() == "⚠ Berke's default job (no job matched)"
    no_job = PlannedOrder(order(job=None), PlanKind.CREATE)
    assert no_job.job_in_words() == "⚠ Berke's default job (order names no job)"
    fine = PlannedOrder(order(), PlanKind.CREATE, job=nurse, matched=True)
    assert fine.job_in_words() == "Registered Nurse (chosen from the order's job)"
    assert PlannedOrder(order(), PlanKind.CARRY_ON).job_in_words() == "—"
    for row in (unscored, matched, unmatched, no_job):
        assert row.warning()  # each one marked is one the desk warns about
    assert ". Check the Berke job of 2 (marked ⚠; double-click to change it)." in plan_summary(
        [unscored, fine, no_job]
    )


def test_a_job_matched_without_a_warning_has_no_warning_tooltip() -> None:
    """Every matched, fine job's tooltip and accessible description read "None It was chosen
    from the order's job." (``job_warning`` not asking for a warning; pinned by the
    mutation audit)."""
    nurse = BerkeJob.model_validate(
        {"SourceJobId": "J-RN", "name": "Registered Nurse", "matchEnabled": True}
    )
    fine = PlannedOrder(order(), PlanKind.CREATE, job=nurse, matched=True)
    assert fine.warning() is None
    assert fine.job_warning() is None


def test_an_order_with_a_blank_job_name_is_said_to_name_no_job_in_both_places() -> None:
    """An order whose job has an empty name was marked "(no job matched)" in the column
    while its warning said "The order names no job" (pinned by the mutation audit)."""
    blank = PlannedOrder(order(job=""), PlanKind.CREATE)
    warning = blank.warning()
    assert warning is not None
    assert warning.startswith("The order names no job")
    assert blank.job_in_words() == "⚠ Berke's default job (order names no job)"
