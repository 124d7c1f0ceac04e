"""Text from the services in the inbox's cells and the palette: a cut cell says itself whole when
hovered, a name's line breaks and bidirectional controls never hide or reorder what is drawn."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent
from PySide6.QtGui import QFont, QHelpEvent, QTextLayout
from PySide6.QtWidgets import QApplication, QToolTip

from app.views.inbox_columns import INBOX
from tests.ui.test_console_flows import add_test_order, live_desk, window  # noqa: F401

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from app.ui.main_window import MainWindow

LONG_NAME = "Alexandra Konstantinopoulou-Papadimitriou"


def _hover(window: MainWindow, qtbot: QtBot, column: str) -> str:  # noqa: F811
    """What the inbox's tooltip says over the current order's cell in ``column``."""
    table = window.orders.table
    rect = table.visualRect(table.currentIndex().siblingAtColumn(INBOX.index(column)))
    at = rect.center()
    QToolTip.hideText()
    qtbot.waitUntil(lambda: not QToolTip.isVisible())  # it goes a moment later
    event = QHelpEvent(QEvent.Type.ToolTip, at, table.viewport().mapToGlobal(at))
    QApplication.sendEvent(table.viewport(), event)
    return QToolTip.text() if QToolTip.isVisible() else ""


def test_a_cell_shown_cut_says_itself_whole_when_hovered(
    window: MainWindow,  # noqa: F811
    qtbot: QtBot,
) -> None:
    """Before: at 1280 px about half of the candidate, job and company cells ended in "…", and
    only selecting the order showed them."""
    table = window.orders.table
    add_test_order(window, qtbot, first="Alexandra", last="Konstantinopoulou-Papadimitriou")
    column = INBOX.index("candidate")
    table.setColumnWidth(column, 130)
    assert table.fontMetrics().horizontalAdvance(LONG_NAME) > 130  # drawn cut
    assert _hover(window, qtbot, "candidate") == LONG_NAME
    table.setColumnWidth(column, 600)
    assert _hover(window, qtbot, "candidate") == ""  # shown whole: nothing to add
    assert _hover(window, qtbot, "status").startswith("SmartRecruiters status:")  # the model's own
    QToolTip.hideText()


def test_a_line_break_in_a_name_never_hides_the_rest_of_it(
    window: MainWindow,  # noqa: F811
    qtbot: QtBot,
) -> None:
    """Before: the cell held the breaks, and a row draws only its first line: "Ana…"."""
    add_test_order(window, qtbot, first="Ana\n\n\n\nMaria", last="Silva")
    cell = window.orders.table.currentIndex().siblingAtColumn(INBOX.index("candidate")).data()
    assert cell == "Ana Maria Silva"


def _x(text: str, font: QFont, position: int) -> float:
    layout = QTextLayout(text, font)
    layout.beginLayout()
    line = layout.createLine()
    line.setLineWidth(100_000)
    layout.endLayout()
    x = line.cursorToX(position)
    return float(x[0] if isinstance(x, tuple) else x)  # type: ignore[arg-type]


def test_an_override_in_a_name_never_reorders_what_is_drawn_after_it(
    window: MainWindow,  # noqa: F811
    qtbot: QtBot,
) -> None:
    """Before: a name ending in an unclosed right-to-left override (U+202E) drew the palette's
    facts after it backwards: "Ana Smith emcA · tsylanA ataD · weN"."""
    order = add_test_order(window, qtbot, first="Ana", last="Smith\u202e")
    palette = window.open_palette()
    palette.query.setText("Smith")
    rows = [i for i, item in enumerate(palette.model.items) if item.order_id == order.id]
    assert rows
    shown = palette.model.data(palette.model.index(rows[0]))
    assert "\u202e" not in shown
    assert shown.startswith("Ana Smith")
    font = palette.list.font()
    assert _x(shown, font, shown.index("New")) < _x(shown, font, shown.index(" · ", -10))
    palette.reject()
    cell = window.orders.table.currentIndex().siblingAtColumn(INBOX.index("candidate")).data()
    assert cell == "Ana Smith"


def test_the_candidates_tab_shows_a_name_on_one_line_without_overrides(
    window: MainWindow,  # noqa: F811
    qtbot: QtBot,
) -> None:
    add_test_order(window, qtbot, first="Ana\n\n\n\nMaria", last="Silva\u202e")
    room = window.orders
    room.tabs.setCurrentWidget(room.candidates)
    model = room.candidates.model
    names = [model.index(row, 0).data() for row in range(model.rowCount())]
    assert "Ana Maria Silva" in names


def test_the_batch_outcomes_leave_their_tips_to_the_cut_cells(qtbot: object) -> None:
    """Every outcome cell answered its own text as its tooltip, so the whole text of a cut
    cell was never the rule's: the tip showed on every cell, cut or not."""
    from PySide6.QtCore import Qt

    from app.ui.orders.batch_dialog import OutcomeTableModel
    from app.workflows.batch import Outcome, OutcomeKind

    model = OutcomeTableModel({"o1": "Registered Nurse"})
    model.set_rows([Outcome("o1", "Ana Lima", OutcomeKind.DONE, "Accepted and invited.")])
    for column in range(model.columnCount()):
        assert model.index(0, column).data(Qt.ItemDataRole.ToolTipRole) is None
    assert model.index(0, 3).data() == "Accepted and invited."


def test_the_batch_plan_draws_a_jobs_bidirectional_controls_as_nothing(qtbot: QtBot) -> None:
    """The plan's words quote the order's job: an unclosed right-to-left override in it drew
    the rest of the row backwards ("…fo redro NO SECOND INVITATION moc.elpmaxe@seni etivni"),
    on a row that sends an invitation."""
    from datetime import UTC, datetime

    from PySide6.QtCore import Qt

    from app.domain.smartrecruiters import AssessmentOrder
    from app.ui.orders.batch_plan_dialog import PlanTableModel
    from app.workflows.batch import PlanKind, PlannedOrder, order_in_words

    hostile = "Nurse \u202eNOITATIVNI DNOCES ON"
    order = AssessmentOrder.model_validate(
        {"id": "o2", "status": "NEW", "createDate": datetime(2026, 12, 3, 12, tzinfo=UTC),
         "job": {"name": hostile},
         "candidate": {"id": "c1", "firstName": "Ines", "lastName": "L", "email": "i@e.com"}}
    )  # fmt: skip
    row = PlannedOrder(
        order, PlanKind.REUSE, reuse_from="o1", reuse_from_words=order_in_words(order)
    )
    model = PlanTableModel([])
    model.set_rows([row])
    for column in range(model.columnCount()):
        for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            text = model.index(0, column).data(role)
            assert "\u202e" not in (text or ""), (column, role)
    what = model.index(0, 4).data(Qt.ItemDataRole.DisplayRole)
    assert what.endswith("accept, invite i@e.com")
