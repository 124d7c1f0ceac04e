"""The status bar's words for a pass of the resumer, from what the pass did (no window)."""

from __future__ import annotations

from app.workflows.outbox import ResumeReport
from app.workflows.resume_news import ResumeNews, resume_news


def report(
    done: int = 0, failed: int = 0, waiting: int = 0, *, files: int = 0, orders: int = 0
) -> ResumeReport:
    """A pass's report: the first ``files`` of the done are files, and the failed are of
    ``orders`` orders (one each when 0)."""
    made = ResumeReport()
    ids = iter(range(1, 100))
    for i in range(done):
        made.note(made.done, next(ids), f"d{i}", file=i < files)
    for i in range(failed):
        made.note(made.failed, next(ids), f"f{i % orders if orders else i}", file=False)
    for i in range(waiting):
        made.note(made.waiting, next(ids), f"w{i}", file=False)
    return made


def named(order_id: str) -> str | None:
    return {"f0": "Ana Lind"}.get(order_id)


def test_nothing_waiting_says_nothing() -> None:
    assert resume_news(ResumeReport(), at_start=True) is None
    assert resume_news(ResumeReport(), at_start=False) is None


def test_what_went_at_start_is_said_with_what_could_not_and_where_to_look() -> None:
    assert resume_news(report(3), at_start=True) == ResumeNews(
        "Sent 3 steps left waiting from before"
    )
    assert resume_news(report(3, 1), at_start=True, name_of=named) == ResumeNews(
        "Sent 3 steps left waiting from before; 1 could not be sent — see its order (Ana Lind)",
        failed=1,
    )
    assert resume_news(report(1, 2), at_start=True, name_of=named) == ResumeNews(
        "Sent 1 step left waiting from before; 2 could not be sent — see their orders "
        "(“Failed” in the Activity column)",
        failed=2,
    )


def test_files_are_counted_apart_from_the_other_steps() -> None:
    said = resume_news(report(3, files=2), at_start=True)
    assert said == ResumeNews("Sent 1 step and 2 files left waiting from before")
    said = resume_news(report(1, files=1), at_start=False)
    assert said == ResumeNews("Sent 1 file that was waiting")


def test_nothing_sent_says_what_failed_and_what_still_waits() -> None:
    assert resume_news(report(0, 1), at_start=True) == ResumeNews(
        "1 step left waiting from before could not be sent — see its order "
        "(“Failed” in the Activity column)",
        failed=1,
    )
    assert resume_news(report(0, 0, 2), at_start=True) == ResumeNews(
        "2 steps left waiting from before could not be sent yet (the desk tries again by itself)"
    )
    assert resume_news(report(2, 0, 1), at_start=True) == ResumeNews(
        "Sent 2 steps left waiting from before; 1 could not be sent yet (the desk tries again "
        "by itself)"
    )


def test_a_later_pass_says_only_what_changed() -> None:
    """Each half minute a pass finds the same steps still waiting: said once, at start."""
    assert resume_news(report(0, 0, 2), at_start=False) is None
    assert resume_news(report(2, 0, 1), at_start=False) == ResumeNews(
        "Sent 2 steps that were waiting; 1 could not be sent yet (the desk tries again by itself)"
    )
    assert resume_news(report(0, 2, orders=1), at_start=False, name_of=named) == ResumeNews(
        "2 steps that were waiting could not be sent — see its order (Ana Lind)", failed=2
    )
