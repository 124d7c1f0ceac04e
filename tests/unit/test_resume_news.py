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
    return {"f0": "Ana Lind", "f1": "Bo Berg", "f2": "Cy Ng", "f3": "Di Oh"}.get(order_id)


def test_nothing_waiting_says_nothing() -> None:
    assert resume_news(ResumeReport(), at_start=True) is None
    assert resume_news(ResumeReport(), at_start=False) is None


def test_what_went_at_start_is_said_with_whose_orders_could_not_go() -> None:
    assert resume_news(report(3), at_start=True) == ResumeNews("From before: 3 steps sent")
    assert resume_news(report(3, 1), at_start=True, name_of=named) == ResumeNews(
        "From before: 3 steps sent; 1 could not be (Ana Lind)", failed=1
    )
    assert resume_news(report(1, 2), at_start=True, name_of=named) == ResumeNews(
        "From before: 1 step sent; 2 could not be (Ana Lind, Bo Berg)", failed=2
    )


def test_the_failed_orders_are_named_up_to_three_then_counted() -> None:
    """The line must fit the status bar at 1280 px; the Activity column saying "Failed" is
    hidden by default, so the candidates' names are what finds the orders."""
    assert resume_news(report(2, 3), at_start=True, name_of=named) == ResumeNews(
        "From before: 2 steps sent; 3 could not be (Ana Lind, Bo Berg, Cy Ng)", failed=3
    )
    assert resume_news(report(2, 5), at_start=True, name_of=named) == ResumeNews(
        "From before: 2 steps sent; 5 could not be (Ana Lind, Bo Berg and 3 others)", failed=5
    )
    # Two steps of one order: the order is named once.
    assert resume_news(report(0, 2, orders=1), at_start=True, name_of=named) == ResumeNews(
        "From before: 2 steps could not be sent (Ana Lind)", failed=2
    )
    # An order not known here is counted, not named.
    some = {"f0": "Ana Lind"}.get
    assert resume_news(report(1, 2), at_start=True, name_of=some) == ResumeNews(
        "From before: 1 step sent; 2 could not be (Ana Lind and 1 other)", failed=2
    )


def test_files_are_counted_apart_from_the_other_steps() -> None:
    said = resume_news(report(3, files=2), at_start=True)
    assert said == ResumeNews("From before: 1 step and 2 files sent")
    said = resume_news(report(1, files=1), at_start=False)
    assert said == ResumeNews("After a wait: 1 file sent")


def test_nothing_sent_says_what_failed_and_what_still_waits() -> None:
    assert resume_news(report(0, 1), at_start=True) == ResumeNews(
        "From before: 1 step could not be sent (see its order's Activity)", failed=1
    )
    assert resume_news(report(0, 2), at_start=True) == ResumeNews(
        "From before: 2 steps could not be sent (see their orders' Activity)", failed=2
    )
    assert resume_news(report(0, 0, 2), at_start=True) == ResumeNews(
        "From before: 2 steps could not be sent yet (the desk tries again by itself)"
    )
    assert resume_news(report(2, 0, 1), at_start=True) == ResumeNews(
        "From before: 2 steps sent; 1 will be tried again"
    )
    assert resume_news(report(0, 1, 1), at_start=True, name_of=named) == ResumeNews(
        "From before: 1 step could not be sent (Ana Lind); 1 will be tried again", failed=1
    )


def test_a_later_pass_says_only_what_changed() -> None:
    """Each half minute a pass finds the same steps still waiting: said once, at start."""
    assert resume_news(report(0, 0, 2), at_start=False) is None
    assert resume_news(report(2, 0, 1), at_start=False) == ResumeNews(
        "After a wait: 2 steps sent; 1 will be tried again"
    )
    assert resume_news(report(0, 2, orders=1), at_start=False, name_of=named) == ResumeNews(
        "After a wait: 2 steps could not be sent (Ana Lind)", failed=2
    )
