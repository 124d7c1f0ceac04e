"""The comment step: a comment posted on the order in SmartRecruiters, never twice."""

from __future__ import annotations

import asyncio

from app.domain.journal import CommentAdded, CommentStep, JournalEntry
from app.workflows.desk import Desk
from app.workflows.step_base import since_asked, step_author


async def add_comment(
    desk: Desk, entry: JournalEntry, step: CommentStep, retry: bool
) -> CommentAdded:
    order_id = entry.order_id
    if retry:
        existing = await desk.session.sr.list_comments(order_id)
        same = sum(c.message == step.message for c in existing)
        posted_since = await asyncio.to_thread(_same_words_posted_since, desk, entry, step)
        if same > (step.same_words_before or 0) + posted_since:
            await _written_here(desk, order_id, len(existing))
            return CommentAdded(message=step.message, already_there=True)
    author = step_author(desk, step)
    comment = await desk.session.sr.add_comment(order_id, step.message, author=author)
    await _written_here(desk, order_id)
    return CommentAdded(message=comment.message)


def _same_words_posted_since(desk: Desk, entry: JournalEntry, step: CommentStep) -> int:
    """This desk's other comments in the step's words posted since the step counted them:
    the coordinator added the same words again while this one waited, and the one that went
    was taken for this one's, which was never posted."""
    return sum(
        1
        for other in desk.journal.entries(entry.order_id)
        if other.id != entry.id
        and since_asked(other, entry)
        and isinstance(other.step, CommentStep)
        and other.step.message == step.message
        and isinstance(other.outcome, CommentAdded)
        and not other.outcome.already_there
    )


async def _written_here(desk: Desk, order_id: str, comments_now: int | None = None) -> None:
    """The coordinator's own comment is one more seen: the next poll took it for the
    recruiter's ("1 new comment")."""
    await asyncio.to_thread(desk.berke_watch.comment_written_here, order_id, comments_now)
