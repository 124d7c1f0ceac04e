"""What a pass of the resumer did, in the coordinator's words, for the status bar.

The resumer sends what was left waiting (at start, what an earlier run left; later, what a
503 or a lost connection held back) with no window of its own: each order showed its own
outcome, and nothing said that 3 steps went and 1 did not. One line per pass that ended
something; none when nothing was waiting, and none for a later pass that only found the same
steps still waiting (said each round, it would fill the bar every half minute).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

from app.workflows.outbox import ResumedItem, ResumeReport

#: What becomes of a step that could not be sent yet (a 503, no connection).
AGAIN = "the desk tries again by itself"

#: Where a step that failed for good is shown: its order's row says "Failed: …" there.
FAILED_WHERE = "“Failed” in the Activity column"


@dataclass(frozen=True)
class ResumeNews:
    """The status bar's line for a resume pass; ``failed``: how many could not be sent (a
    line to be read, not glimpsed)."""

    text: str
    failed: int = 0


def resume_news(
    report: ResumeReport,
    *,
    at_start: bool,
    name_of: Callable[[str], str | None] = lambda _order_id: None,
) -> ResumeNews | None:
    """The line for ``report``; None when there is nothing to say. ``at_start``: the desk's
    first pass, whose steps were left waiting from before it started. ``name_of``: an
    order's candidate, by the order's id (None: not known here)."""
    done, failed, waiting = report.done, report.failed, report.waiting
    if not (done or failed or (waiting and at_start)):
        return None
    later = f"could not be sent yet ({AGAIN})"
    if done:
        parts = [f"Sent {_things(report, done)} {_origin(done, at_start)}"]
        if failed:
            parts.append(f"{len(failed)} could not be sent — {_see(report, failed, name_of)}")
    elif failed:
        see = _see(report, failed, name_of)
        parts = [f"{_things(report, failed)} {_origin(failed, at_start)} could not be sent — {see}"]
    else:
        return ResumeNews(f"{_things(report, waiting)} {_origin(waiting, at_start)} {later}")
    if waiting:
        parts.append(f"{len(waiting)} {later}")
    return ResumeNews("; ".join(parts), failed=len(failed))


def _things(report: ResumeReport, ids: Collection[int]) -> str:
    """How many steps and files ``ids`` are: "3 steps and 1 file"."""
    files = sum(1 for i in ids if _item(report, i).file)
    steps = len(ids) - files
    parts = [
        f"{count} {word}{'s' if count != 1 else ''}"
        for count, word in ((steps, "step"), (files, "file"))
        if count
    ]
    return " and ".join(parts)


def _origin(ids: Collection[int], at_start: bool) -> str:
    if at_start:
        return "left waiting from before"
    return "that was waiting" if len(ids) == 1 else "that were waiting"


def _see(
    report: ResumeReport, failed: Collection[int], name_of: Callable[[str], str | None]
) -> str:
    """Where the coordinator finds what failed: its order, by its candidate where known."""
    orders = {_item(report, i).order_id for i in failed}
    if len(orders) == 1:
        name = name_of(next(iter(orders)))
        return f"see its order ({name})" if name else f"see its order ({FAILED_WHERE})"
    return f"see their orders ({FAILED_WHERE})"


def _item(report: ResumeReport, item_id: int) -> ResumedItem:
    # An id the pass did not describe (a report made by hand) counts as a step of no order.
    return report.items.get(item_id, ResumedItem(order_id=""))
