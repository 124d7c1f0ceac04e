"""An order's result as SmartRecruiters holds it, and what the order's result panel says of it.

An order completed outside this desk (in SmartRecruiters, by another desk or another vendor
tool) has a result this desk never recorded: it is found with ``GET .../results``, shown, and
reports dropped on the order are attached to it. One completed without a result has nowhere
for a report to go: said so, at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from app.domain.service_time import local_time
from app.domain.smartrecruiters import AssessmentResult, Attachment, OrderStatus


@dataclass(frozen=True)
class ResultOnFile:
    """The order's result as SmartRecruiters holds it, and the files on it."""

    #: None: the order is completed and SmartRecruiters lists no result for it.
    result_id: str | None
    #: The result itself; None when SmartRecruiters did not list it (or there is none).
    result: AssessmentResult | None = None
    attachments: list[Attachment] = field(default_factory=list)
    #: Made outside this desk (found with GET .../results, not recorded by a step here).
    found_elsewhere: bool = False


#: The most of a result's title or score a line shows: a result made by another tool may
#: hold a title of a megabyte, and laying it out held the window for a second and a half,
#: again at each resize.
RESULT_PART_SHOWN = 120


def result_part(text: str) -> str:
    """A result's title or score on one line, cut to ``RESULT_PART_SHOWN`` with "…"."""
    text = " ".join(text[: RESULT_PART_SHOWN * 4].split())
    if len(text) <= RESULT_PART_SHOWN:
        return text
    return text[: RESULT_PART_SHOWN - 1].rstrip() + "…"


def describe_result(result: AssessmentResult) -> str:
    """ "“Berke Job Fit” — 73/100, passed (a document, created 2026-10-03)"."""
    title = (
        f"“{result_part(result.title)}”" if result.title else f"A {result.result_type.label} result"
    )
    facts = [result_part(result.score or "")]
    if result.passed is not None:
        facts.append("passed" if result.passed else "not passed")
    text = title + (f" — {', '.join(f for f in facts if f)}" if any(facts) else "")
    label = result.result_type.label
    kind = label if label.isupper() else label[0].lower() + label[1:]  # "URL", "video URL"
    made = f", created {local_time(result.create_date):%Y-%m-%d}" if result.create_date else ""
    return f"{text} (a {kind}{made})"


def saved_result_text(results: list[AssessmentResult]) -> str:
    """What a snapshot's result panel says of the results it kept: the newest, in the live
    panel's words ("": none)."""
    oldest = datetime.min.replace(tzinfo=UTC)
    newest = max(results, key=lambda r: r.create_date or oldest, default=None)
    return f"Result: {describe_result(newest)}." if newest is not None else ""


def result_panel_text(
    status: OrderStatus, recorded_id: str | None, found: ResultOnFile | None
) -> str:
    """What the order's result panel says: the result, or why there is none and what a
    dropped report will do. ``recorded_id`` is the result this desk recorded; ``found`` what
    SmartRecruiters said (None: not asked yet)."""
    if found is not None and found.result_id is None:
        return (
            "This order was completed outside this desk without a result: there is no result "
            "to attach a report to."
        )
    if found is not None and found.result is not None:
        where = (
            "It was made outside this desk; reports dropped here are attached to it."
            if found.found_elsewhere
            else "Reports dropped here are attached to it."
        )
        return f"Result: {describe_result(found.result)}. {where}"
    result_id = found.result_id if found is not None else recorded_id
    if result_id is not None:
        return f"The order has its result (id {result_id}); reports dropped here go to it."
    if status is OrderStatus.COMPLETED:
        return (
            "This order was completed outside this desk: its result is read from "
            "SmartRecruiters, and reports dropped here are attached to it."
        )
    if status is OrderStatus.IN_PROGRESS:
        return (
            "No result yet: completing the order creates one; files dropped before are "
            "queued until then."
        )
    return "Reports are attached to the result of an accepted or completed order."
