"""What the step executors share: a refusal that fails the step, the order as
SmartRecruiters has it now, whom a step goes as, and the runner's try as they see it."""

from __future__ import annotations

import asyncio
from typing import NoReturn, Protocol

from app.domain.journal import AuthoredStep, JournalEntry
from app.domain.smartrecruiters import AssessmentOrder, ContactPerson
from app.workflows.desk import Desk
from app.workflows.refusals import StepRefusedError


class Attempt(Protocol):
    """The runner's try of a step (``steps._Try``), as an executor sees it. ``earlier``: a try
    of it may have been carried out without its answer seen."""

    earlier: bool

    async def none_went(self) -> None:
        """An answer showed no earlier try was carried out."""

    async def not_carried_out(self) -> None:
        """The request was denied or refused: not carried out, whatever comes next."""


async def refuse(desk: Desk, entry: JournalEntry, message: str) -> NoReturn:
    await asyncio.to_thread(desk.journal.fail, entry.id, message)
    raise StepRefusedError(message)


async def order_now(desk: Desk, order_id: str) -> AssessmentOrder:
    """The order as SmartRecruiters has it now, stored, so that the window shows it so."""
    current = await desk.session.sr.get_order(order_id)
    await asyncio.to_thread(desk.orders.put, current)
    return current


def step_author(desk: Desk, step: AuthoredStep) -> ContactPerson | None:
    """Who ``step`` goes as: the result author in force when the coordinator asked for it,
    not the one in force when it is resumed (a restart after the setting changed)."""
    return step.author_or(desk.author)


def since_asked(other: JournalEntry, entry: JournalEntry) -> bool:
    """Whether ``other`` was begun, or done, after ``entry`` was asked. The id decides first:
    the clock may have been set back in between (a time written while it ran ahead)."""
    return other.id > entry.id or other.updated_at >= entry.created_at
