"""Pin for ``app.workflows.resume_news``: a pass's report that does not describe its ids (made
by hand, or by an older path) still gives a status line, counting them as steps of no order."""

from __future__ import annotations

from app.workflows.outbox import ResumeReport
from app.workflows.resume_news import ResumeNews, resume_news


def test_a_report_without_its_items_described_still_says_what_happened() -> None:
    report = ResumeReport(done=[1, 2], failed=[3], waiting=[4])  # no ``items``
    assert resume_news(report, at_start=True) == ResumeNews(
        "From before: 2 steps sent; 1 could not be (see its order's Activity); "
        "1 will be tried again",
        failed=1,
    )
