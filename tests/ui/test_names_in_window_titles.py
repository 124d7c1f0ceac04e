"""A dialog's title names the candidate on one line, without bidirectional controls, and cut
(``title_name``), as its body does (``order_line``): the Reject, Accept and Complete dialogs'
titles took the name as sent, a 5,000-character one with its line breaks, and an unclosed
right-to-left override drew the rest of the title backwards."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog

from app.domain.journal_terms import LinkedAssessment
from app.domain.smartrecruiters import AssessmentOrder
from app.ui.orders.berke_form import BerkeAssessmentForm
from app.ui.orders.complete_dialog import CompleteDialog
from app.ui.orders.invite_dialog import InviteDialog
from app.ui.orders.order_dialogs import AcceptDialog, RejectDialog
from app.views.text import PART_SHOWN

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

NAME = "Ana\u202e Silva\n" + "x" * 5000


def _order(order_id: str = "order-9", first: str = NAME) -> AssessmentOrder:
    return AssessmentOrder.model_validate(
        {
            "id": order_id,
            "status": "IN_PROGRESS",
            "candidate": {"id": "c-9", "firstName": first, "lastName": "Silva",
                          "email": "ana@example.com"},
        }
    )  # fmt: skip


def _name_in(qtbot: QtBot, dialog: QDialog, before: str) -> str:
    qtbot.addWidget(dialog)
    title = dialog.windowTitle()
    assert title.startswith(before), repr(title[:60])
    return title.removeprefix(before)


def _one_cut_line(name: str) -> None:
    assert name.startswith("Ana Silva xxx"), repr(name[:60])  # no U+202E, no line break
    assert name.endswith("…")
    assert len(name) == PART_SHOWN


def test_the_reject_dialogs_title(qtbot: QtBot) -> None:
    _one_cut_line(_name_in(qtbot, RejectDialog([_order()]), "Reject — "))


def test_the_reject_dialogs_title_once_one_order_is_left(qtbot: QtBot) -> None:
    left = _order()
    dialog = RejectDialog([left, _order("order-10", "Bo")])
    dialog.show_refusals("Ana: SmartRecruiters refused the reject (409).", [left])
    _one_cut_line(_name_in(qtbot, dialog, "Reject — "))


def test_the_accept_dialogs_title(qtbot: QtBot) -> None:
    link = LinkedAssessment(
        order_id="order-9",
        source_candidate_id="S1",
        invitation_code="ABC123",
        assessment_url="https://assess.example/a/ABC123",
        created_at=datetime.now(UTC),
    )
    _one_cut_line(_name_in(qtbot, AcceptDialog(_order(), link), "Accept order — "))


def test_the_complete_dialogs_title(qtbot: QtBot) -> None:
    _one_cut_line(_name_in(qtbot, CompleteDialog(_order()), "Complete order — "))


def test_the_invite_dialogs_title(qtbot: QtBot) -> None:
    _one_cut_line(_name_in(qtbot, InviteDialog(_order()), "Send invitation — "))


def test_the_berke_forms_title(qtbot: QtBot) -> None:
    form = BerkeAssessmentForm(_order())
    _one_cut_line(_name_in(qtbot, form, "Create Berke assessment — "))
