"""The coordinator's cancel of a step that waits to be sent (not a file's: see
``results.cancel_upload``).

The step is marked cancelled in the journal by one conditional write (``Journal.cancel``), so
the resumer, a restart or a Retry never sends it. Its race with the resumer is settled on the
step's in-flight key (``desk.step_key``), which ``steps.execute`` holds while it sends: held,
the cancel is refused in words; taken by the cancel, the resumer's turn finds the step
cancelled and sends nothing. Nothing else is touched: a Berke assessment linked to the order
stays linked, whichever step is cancelled.
"""

from __future__ import annotations

import asyncio

from app.domain.journal import JournalEntry
from app.domain.step_cancel import BEING_SENT, CANCELLED_BY_COORDINATOR, cancel_refused
from app.workflows.desk import Desk, step_key
from app.workflows.refusals import ActionNotAllowedError

NOT_THIS_ORDERS = "That step is not one of this order's: it was left alone."
WENT_ANSWER_KEPT = (
    "This step went through, so it cannot be cancelled: this computer could not write its "
    "answer yet, and writes it by itself once the desk's data file can be written again."
)


async def cancel_waiting_step(desk: Desk, order_id: str, step_id: int) -> JournalEntry:
    """Cancel the order's step ``step_id``, which waits to be sent; returns it, cancelled.
    Refused (``ActionNotAllowedError``, in words, nothing changed) when it is not the order's,
    is a file's, no longer waits, or is being sent this moment."""
    entry = await asyncio.to_thread(desk.journal.get, step_id)
    if entry is None or entry.order_id != order_id:
        raise ActionNotAllowedError(NOT_THIS_ORDERS)
    refused = cancel_refused(entry)
    if refused is not None:
        raise ActionNotAllowedError(refused)
    key = step_key(step_id)
    if not desk.claim(key):
        raise ActionNotAllowedError(BEING_SENT)
    kept = desk.kept_outcomes.get(step_id)
    if kept is not None and kept.answers(entry):  # it went: only its answer waits to be written
        desk.release(key)
        raise ActionNotAllowedError(WENT_ANSWER_KEPT)
    try:
        won = await asyncio.to_thread(desk.journal.cancel, step_id, CANCELLED_BY_COORDINATOR)
        now = await asyncio.to_thread(desk.journal.get, step_id)
    finally:
        desk.release(key)
    if now is None:
        raise ActionNotAllowedError(NOT_THIS_ORDERS)
    if not won:
        # Sent (or failed) between the look and the write: said as it is now.
        raise ActionNotAllowedError(cancel_refused(now) or BEING_SENT)
    return now
