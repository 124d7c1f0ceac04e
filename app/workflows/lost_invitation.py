"""An invitation whose answer was lost and that Berke cannot count: the resumer's pass run on
it at once, so that the coordinator is told now that it is not sent again."""

from __future__ import annotations

import asyncio
import logging
from http import HTTPStatus
from typing import NoReturn

from app.clients.errors import ApiError
from app.domain.invitation_doubt import invitation_doubt, latest_invite
from app.domain.journal import InviteStep
from app.workflows.desk import Desk
from app.workflows.refusals import InvitationNotSentAgainError, StepRefusedError
from app.workflows.step_invite import invitation_went
from app.workflows.steps import execute, unexpected_failure

log = logging.getLogger(__name__)


async def settle_lost_invitation(desk: Desk, order_id: str, exc: Exception) -> NoReturn:
    """The order's invitation was just tried and ended with ``exc``, its step left waiting.
    Where that try may have gone (its answer lost, ``invitation_doubt``) and Berke gives no
    count to tell (``invitation_went``: the step kept none, or Berke's status has none, as its
    reference's; the batch's step for an assessment it just made keeps 0 unasked), the resumer's
    pass can only fail it, not sent again (``step_invite.invite``): that pass is run on it now.
    Left waiting for the resumer (30 s, up to 5 min while it backs off after failures), its
    Invite was refused as "retried automatically", though the coordinator had just been told to
    invite them again if they did not get it, and nothing was going to send it.

    Raises ``InvitationNotSentAgainError`` with the try's words and the pass's; ``exc``
    itself where there is no such doubt, or the pass did not end the step (SmartRecruiters
    not reachable either, say: the resumer ends it later, as it would have)."""
    entries = await asyncio.to_thread(desk.journal.entries, order_id)
    doubt = invitation_doubt(entries)
    latest = latest_invite(entries)
    if latest is None or doubt is None or not doubt.waiting:
        raise exc
    assert isinstance(latest.step, InviteStep)
    try:
        # A count tells the pass whether it went (and it sends it again if not): its turn.
        counted = doubt.counted and await invitation_went(desk, latest.step) is not None
    except ApiError:
        counted = True  # Berke not asked now: left to the resumer's pass
    if counted:
        raise exc
    try:
        await execute(desk, latest, retry=True)
    except StepRefusedError as refused:
        raise InvitationNotSentAgainError(f"{_lost_invitation_lead(exc)} {refused}") from exc
    except Exception as still:  # noqa: BLE001 - the try's own failure is what is said
        log.info("The invitation of order %s is left to the resumer: %s", order_id, still)
    raise exc


def _lost_invitation_lead(exc: Exception) -> str:
    """What ended the invitation's try, leading the words that it is not sent again. A
    server's error is said by its status and its own message, without its summary's "trying
    again later usually works": read first, that invited a second email to the candidate."""
    if not isinstance(exc, ApiError):
        return unexpected_failure(exc, "whether Berke got the invitation is not known")
    if exc.http_status is None or exc.http_status < 500:
        return str(exc)  # no answer came (the network's words), or the answer's own words
    try:
        status = f"{exc.http_status}: {HTTPStatus(exc.http_status).phrase}"
    except ValueError:
        status = str(exc.http_status)
    return exc.with_service_words(f"{exc.service.value} did not answer the invitation ({status}).")
