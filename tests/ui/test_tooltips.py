"""Tooltips show the services' and files' words as written: Qt reads a tooltip holding a tag
as HTML (nested tables in a candidate's email took 5 s to show; "<b>LIVE</b>" came out bold)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import Qt as GuiQt  # the namespace that holds mightBeRichText
from PySide6.QtGui import QTextDocument

from app.ui.common.labels import ValueLabel
from app.ui.common.tooltips import plain_tooltip
from app.ui.orders.candidate_table_model import CandidateTableModel
from app.views.candidate_groups import Column
from app.views.text import CELL_SHOWN
from tests.ui.test_candidates_view import ZOE, make_order, rows_of

HOSTILE = "<table><tr><td>" * 16 + "x<b>LIVE — verified</b>"


def shown(tooltip: str) -> str:
    """What a tooltip reads as, once Qt has rendered it."""
    document = QTextDocument()
    if GuiQt.mightBeRichText(tooltip):
        document.setHtml(tooltip)
    else:
        document.setPlainText(tooltip)
    return document.toPlainText()


def test_plain_text_stays_as_it_is_and_tags_are_shown_as_written(qapp: Any) -> None:
    assert plain_tooltip("Order order-1") == "Order order-1"
    assert plain_tooltip(None) is None
    tip = plain_tooltip(HOSTILE)
    assert "<table>" not in tip
    assert shown(tip) == HOSTILE


def test_a_company_and_a_cut_value_are_given_as_written(qtbot: Any) -> None:
    model = CandidateTableModel()
    model.set_rows(rows_of([make_order("o1", ZOE, "Data Analyst", HOSTILE, "2025-05-01")]))
    tip = model.index(0, Column.COMPANY).data(Qt.ItemDataRole.ToolTipRole)
    assert "<table>" not in tip
    assert shown(tip) == HOSTILE
    label = ValueLabel()
    qtbot.addWidget(label)
    label.resize(80, 20)
    label.setText(HOSTILE.replace(" ", ""))  # one word, cut at the edge
    assert label.toolTip()
    assert "<table>" not in label.toolTip()


def test_the_assessment_links_tip_is_its_address_not_its_markup(qtbot: Any) -> None:
    """The URL field is our link around the address: cut at the pane's edge, its tooltip
    showed '<a href="…">' and the address twice."""
    from app.ui.orders.detail_pane import OrderDetailPane, _link

    pane = OrderDetailPane([])
    qtbot.addWidget(pane)
    pane.resize(420, 700)
    pane.show()
    url = "https://assess.example.com/start?code=" + "A" * 120
    field = pane.fields["assessmentUrl"]
    field.setText(_link(url))
    assert shown(field.toolTip()) == url


def test_a_huge_company_or_order_id_is_cut_in_its_tooltip(qapp: Any) -> None:
    """The Candidates tab gave a company and "Order <id>" whole: a 200,000-character value
    is not a tooltip. Cut as a cut cell's tip is (``TIP_SHOWN``). An order row's company and
    "Candidate <id>" were still given whole: Qt laid out a file's 3 MB of it at each hover,
    the window frozen for seconds."""
    from app.ui.common.cut_text_tips import TIP_SHOWN

    huge = "Acme" + "x" * 200_000
    model = CandidateTableModel()
    zoe = (huge, *ZOE[1:])
    model.set_rows(rows_of([make_order(huge, zoe, "Data Analyst", huge, "2025-05-01")]))
    for row in (0, 1):  # the candidate's row, then their order's
        company = model.index(row, Column.COMPANY).data(Qt.ItemDataRole.ToolTipRole)
        assert company.startswith("Acme")
        assert len(company) == TIP_SHOWN
    candidate = model.index(0, Column.NAME).data(Qt.ItemDataRole.ToolTipRole)
    order = model.index(1, Column.NAME).data(Qt.ItemDataRole.ToolTipRole)
    assert candidate.startswith("Candidate Acme")
    assert len(candidate) <= TIP_SHOWN + len("Candidate ")
    assert order.startswith("Order Acme")
    assert len(order) <= TIP_SHOWN + len("Order ")
    # What a screen reader is told of a cell is cut as the cell is.
    for row in (0, 1):
        spoken = model.index(row, Column.COMPANY).data(Qt.ItemDataRole.AccessibleTextRole)
        assert len(spoken) <= CELL_SHOWN


def test_an_actions_refusal_on_its_button_is_shown_as_written(qtbot: Any) -> None:
    # A refusal names another order's candidate and job (still_in_use): the pane's button
    # copied the action's tooltip, and Qt read it as HTML.
    from PySide6.QtGui import QAction

    from app.ui.common.action_button import ActionButton

    action = QAction("Delete in Berke…")
    action.setEnabled(False)
    action.setToolTip(f"Another open order uses this Berke assessment (Timo for {HOSTILE})")
    button = ActionButton(action, "Delete in Berke…")
    qtbot.addWidget(button)
    assert "<table>" not in button.toolTip()
    assert shown(button.toolTip()).endswith(f"(Timo for {HOSTILE})")


def test_every_rows_model_gives_its_tooltips_as_written(qapp: Any) -> None:
    # The batch's outcomes, its plan and the attachments' reasons come through this base.
    from app.ui.common.table_model import RowsTableModel

    class Reasons(RowsTableModel[str]):
        HEADERS = ("Why",)

        def cell(self, row: str, column: int, role: int) -> Any:
            return (
                row if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole) else None
            )

    model = Reasons()
    model.set_rows([HOSTILE])
    assert model.index(0, 0).data() == HOSTILE  # the cell itself is plain text already
    assert shown(model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)) == HOSTILE
