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

#: How many failed orders are named by their candidate before the rest are counted: the line
#: must fit the status bar beside its permanent widgets (the tooltip keeps it whole).
NAMED = 3


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
    # Short, as the bar is narrow: "From before: 3 steps sent; 2 could not be (Ana Lind, …)".
    origin = "From before" if at_start else "After a wait"
    if done:
        parts = [f"{_things(report, done)} sent"]
        if failed:
            parts.append(f"{len(failed)} could not be ({_who(report, failed, name_of)})")
    elif failed:
        who = _who(report, failed, name_of)
        parts = [f"{_things(report, failed)} could not be sent ({who})"]
    else:
        return ResumeNews(f"{origin}: {_things(report, waiting)} could not be sent yet ({AGAIN})")
    if waiting:
        parts.append(f"{len(waiting)} will be tried again")
    return ResumeNews(f"{origin}: " + "; ".join(parts), failed=len(failed))


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


def _who(
    report: ResumeReport, failed: Collection[int], name_of: Callable[[str], str | None]
) -> str:
    """Whose orders failed, by their candidates: the orders' rows are found by the name (their
    Activity column, which says what was not done, "Invitation not sent", is hidden by
    default)."""
    orders = list(dict.fromkeys(_item(report, i).order_id for i in sorted(failed)))
    names = [name for name in map(name_of, orders) if name]
    if not names:  # orders not on the board: their own Activity lists say it
        return "see its order's Activity" if len(orders) == 1 else "see their orders' Activity"
    if len(names) == len(orders) <= NAMED:
        return ", ".join(names)
    shown = names[: NAMED - 1]
    others = len(orders) - len(shown)
    return f"{', '.join(shown)} and {others} other{'s' if others != 1 else ''}"


def _item(report: ResumeReport, item_id: int) -> ResumedItem:
    # An id the pass did not describe (a report made by hand) counts as a step of no order.
    return report.items.get(item_id, ResumedItem(order_id=""))
