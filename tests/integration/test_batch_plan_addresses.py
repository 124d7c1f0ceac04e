"""Mutation-audit pins for ``plan_batch``'s rows made for a new assessment
(app/workflows/batch.py): whether a later row of the candidate's finds it invited
(``invited=_can_invite``), and the address it is made with (``request_and_left_out``).

Mutants killed: ``earlier.made(keys, made, invited=_can_invite(...))`` -> ``invited=False``,
and the new assessment's address taken from the order rather than the request. Both survived
test_batch_plan.py."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from app.workflows.batch import PlanKind
from app.workflows.board import OrderBoard
from app.workflows.desk import Desk
from tests.integration.test_batch_plan import day, ines, order_for
from tests.integration.test_close_the_loop import with_board

if TYPE_CHECKING:
    from app.sandbox import SandboxServer

LONG = "ines." + "l" * 59 + "@" + "b" * 50 + ".co"  # 118 characters: Berke takes 100


def test_a_reuse_of_what_a_row_above_creates_and_invites_promises_no_second_invitation(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The first row creates and invites: the candidate's second order reuses that
    assessment, and its row must not say "not invited yet, … invite" (the run sends none)."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        first = await order_for(desk, "Ines", "ines@example.com", "Registered Nurse")
        second = await order_for(desk, "Ines", "ines@example.com", "Staff Accountant")
        await board.sync()
        plan = (await board.plan_batch([first.id, second.id])).orders
        assert [p.kind for p in plan] == [PlanKind.CREATE, PlanKind.REUSE]
        assert [p.what_happens() for p in plan] == [
            "Create, accept, invite ines@example.com",
            "Reuse the assessment of their Registered Nurse order of "
            f"{day(first)} (in this batch), accept; no second invitation",
        ]

    with_board(sandbox, tmp_path / "desk.sqlite3", body)


def test_an_assessment_made_without_an_address_berke_refuses_is_reused_for_the_new_address(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The first order's 118-character address is sent to Berke as none: the assessment holds
    no address, so the candidate's later order with a short one reuses it and invites there,
    rather than being skipped as "the address changed since the assessment was made"."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        first = await ines(desk, "p7", LONG, "Registered Nurse")
        second = await ines(desk, "p7", "ines@example.com", "Staff Accountant")
        await board.sync()
        plan = (await board.plan_batch([first.id, second.id])).orders
        assert [p.kind for p in plan] == [PlanKind.CREATE, PlanKind.REUSE], plan[1].reason
        assert plan[1].what_happens() == (
            f"Reuse the assessment of their Registered Nurse order of {day(first)} "
            "(in this batch; not invited yet), accept, invite ines@example.com"
        )

    with_board(sandbox, tmp_path / "desk.sqlite3", body)
