"""The batch's progress dialog keeps the window responsive however its outcomes come: a Cancel
reports every order not begun in one turn of the loop, and a list that reaches the bottom of
its view must not start a layout loop. Its outcomes read on a dark palette too."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.clients.errors import Service
from app.ui.orders.batch_dialog import BatchDialog
from app.views.text import as_cell
from app.workflows.batch import Outcome, OutcomeKind, daily_limit_reached
from tests.ui.conftest import show_exposed
from tests.ui.contrast import WCAG_MIN, app_palette, cell_contrast, dark_palette

# Outcomes of a real run (bench/ui_lag.py's second batch): three long "reused" lines among
# short ones. At 760×480, the size the dialog takes on an 800-pixel-wide screen, these rows
# just fill the view, and the long lines wrap differently with and without a scroll bar.
REUSED = (
    "Reused the assessment of their Warehouse Team Lead order of 2026-12-02 13:11 (made "
    "2026-12-06); accepted with it (U8Y7FYGZVE), no new invitation."
)
RUN = [
    ("Oliver O'Brien", "Accepted and invited (F7ZPVA7LL4)."),
    ("Beatriz Gonçalves", REUSED),
    ("Astrid Ødegaard", "Accepted and invited (N6MFGUMACR)."),
    ("Çağla Şahin", "Accepted and invited (3VAZ4ZZKXP)."),
    ("José Núñez", "Accepted and invited (9RREHMDRF4)."),
    ("Mehmet Şahin", REUSED.replace("13:11", "19:13")),
    ("Emeka Adeyemi", "Accepted and invited (3F5KHXVGF5)."),
    ("Inês Gonçalves", "Accepted and invited (HUF3VQVZEA)."),
    ("Gonçalo Gonçalves", "Accepted and invited (MHGVNL2999)."),
    ("Małgorzata Nowak", REUSED.replace("Warehouse Team Lead", "Junior QA Analyst")),
    ("Oğuz Öztürk", "Accepted and invited (8NAQ3DDKL2)."),
    ("Anaïs Lefèvre", "Accepted and invited (R534F7UCX6)."),
    ("Minh Trần", "Accepted and invited (VUE2UAYQC7)."),
    ("Anaïs Bérenger", "Accepted and invited (L62T3N5CF8)."),
]
LONG_FAILURE = "SmartRecruiters refused the accept: " + "the order is locked for now " * 12


class Counter(QObject):
    """How many events of one type a widget received."""

    def __init__(self, kind: QEvent.Type) -> None:
        super().__init__()
        self.kind = kind
        self.count = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == self.kind:
            self.count += 1
        return False


def dialog_of(qtbot: QtBot, total: int = 200, width: int = 760, height: int = 480) -> BatchDialog:
    dialog = BatchDialog(total)
    qtbot.addWidget(dialog)
    dialog.resize(width, height)
    show_exposed(qtbot, dialog)
    return dialog


def done(n: int, detail: str = "Accepted and invited.") -> Outcome:
    return Outcome(f"o{n}", f"Candidate {n}", OutcomeKind.DONE, detail)


def not_run(n: int) -> Outcome:
    return Outcome(f"o{n}", f"Candidate {n}", OutcomeKind.SKIPPED, "Cancelled.", not_run=True)


def turns(count: int) -> None:
    """``count`` turns of the event loop: each runs the layouts and paints pending."""
    for _ in range(count):
        QApplication.processEvents()


def test_a_list_filling_its_view_does_not_loop_on_its_scroll_bar(qtbot: QtBot) -> None:
    """The scroll bar appeared as the rows reached the bottom, narrowing the last column; the
    long lines wrapped anew, the bar went, the column widened… each step measuring every row:
    a second batch's dialog spent seconds at a time in that loop (thousands of resizes)."""
    dialog = dialog_of(qtbot)
    resizes: list[int] = []
    dialog.table.horizontalHeader().sectionResized.connect(lambda *_: resizes.append(1))
    width = dialog.table.viewport().width()
    for n, (name, detail) in enumerate(RUN, start=1):
        dialog.add_outcome(n, Outcome(f"o{n}", name, OutcomeKind.DONE, detail))
        turns(2)
    turns(50)
    assert dialog.model.rowCount() == len(RUN)
    assert dialog.table.verticalScrollBar().maximum() > 0  # the rows do overflow the view
    assert len(resizes) == 0
    assert dialog.table.viewport().width() == width  # the rows leave the columns alone


def test_a_cancel_lands_every_order_not_begun_as_one_block(qtbot: QtBot) -> None:
    """A Cancel after 30 of 200 reports the other 170 in one turn: each used to come as a row
    of its own, measured, with the progress bar repainting itself at once for each (0.4 s
    holding the window)."""
    dialog = dialog_of(qtbot)
    for n in range(1, 31):
        dialog.add_outcome(n, done(n))
    dialog.show_reported()
    inserted: list[tuple[int, int]] = []
    dialog.model.rowsInserted.connect(lambda _parent, first, last: inserted.append((first, last)))
    bar_paints = Counter(QEvent.Type.Paint)
    dialog.progress.installEventFilter(bar_paints)

    dialog.request_cancel()
    for n in range(31, 201):
        dialog.add_outcome(n, not_run(n))
    assert bar_paints.count == 0  # not yet: once the loop turns
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 200)
    assert inserted == [(30, 199)]
    assert dialog.progress.value() == 200
    turns(2)
    assert bar_paints.count <= 1
    dialog.finished_all()
    assert dialog.not_run_ids() == [f"o{n}" for n in range(31, 201)]
    assert "Run the cancelled (170)" in dialog.retry_button.text()


def test_only_the_rows_in_view_are_measured(qtbot: QtBot) -> None:
    """A long failure wraps in full once it is in view; below the view, a row waits at the
    height of one line (measuring each row as it came cost ~0.3 ms a row, every row again at
    each column resize)."""
    dialog = dialog_of(qtbot)
    table = dialog.table
    for n in range(1, 81):
        dialog.add_outcome(n, done(n))
    dialog.add_outcome(81, Outcome("o81", "Dev Rao", OutcomeKind.FAILED, LONG_FAILURE))
    dialog.show_reported()
    one_line = table.rowHeight(0)
    assert table.rowViewportPosition(80) > table.viewport().height()  # below the view
    assert table.rowHeight(80) == one_line

    table.scrollToBottom()
    qtbot.waitUntil(lambda: table.rowHeight(80) > 2 * table.fontMetrics().lineSpacing())
    # The one-line rows kept their height when measured: nothing jumps as they come in view.
    in_view = range(table.rowAt(0), 80)
    assert len(in_view) > 5
    assert {table.rowHeight(row) for row in in_view} == {one_line}


def test_a_retried_order_replaces_its_row_and_is_measured_again(qtbot: QtBot) -> None:
    dialog = dialog_of(qtbot, total=3)
    failed = Outcome("o2", "Candidate 2", OutcomeKind.FAILED, LONG_FAILURE)
    for n, outcome in enumerate([done(1), failed, done(3)], start=1):
        dialog.add_outcome(n, outcome)
    dialog.finished_all()
    tall = dialog.table.rowHeight(1)
    assert tall > 2 * dialog.table.fontMetrics().lineSpacing()
    assert dialog.failed_ids() == ["o2"]

    dialog.start_run(1)
    dialog.add_outcome(1, done(2))
    dialog.finished_all()
    assert [o.order_id for o in dialog.model.rows] == ["o1", "o2", "o3"]
    assert dialog.failed_ids() == []
    assert dialog.table.rowHeight(1) < tall
    assert dialog.progress.value() == 1


def test_a_wider_column_measures_the_rows_in_view_again(qtbot: QtBot) -> None:
    dialog = dialog_of(qtbot, total=1, width=560)
    dialog.add_outcome(1, Outcome("o1", "Dev Rao", OutcomeKind.FAILED, LONG_FAILURE))
    dialog.finished_all()
    narrow = dialog.table.rowHeight(0)
    dialog.resize(780, 480)
    qtbot.waitUntil(lambda: dialog.table.rowHeight(0) < narrow)


def test_orders_left_by_a_daily_limit_are_not_called_cancelled(qtbot: QtBot) -> None:
    """After Berke's daily limit the batch leaves the rest not run, as a Cancel does; the
    button offered them again as "the cancelled", though the coordinator cancelled nothing."""
    dialog = dialog_of(qtbot, total=3)
    dialog.add_outcome(1, done(1))
    limit = daily_limit_reached(Service.BERKE)
    for n in (2, 3):
        left = Outcome(f"o{n}", f"Candidate {n}", OutcomeKind.SKIPPED, limit, not_run=True)
        dialog.add_outcome(n, left)
    dialog.finished_all()
    assert dialog.not_run_ids() == ["o2", "o3"]
    assert dialog.retry_button.text() == "Run the rest (2)"


def test_the_outcomes_read_on_a_dark_palette(qtbot: QtBot) -> None:
    """On a dark desktop palette "Done", "Failed" and "Skipped" were drawn in fixed shades
    picked for a light one: "Failed", dark red (#b3261e) on the list's dark base, read at
    about 2.4:1, under WCAG's 3:1. They keep those shades on a light palette, and follow a
    switch while open."""
    dialog = BatchDialog(3)
    qtbot.addWidget(dialog)
    show_exposed(qtbot, dialog)
    dialog.add_outcome(1, Outcome("o1", "Ana Silva", OutcomeKind.DONE, "Accepted and invited."))
    dialog.add_outcome(2, Outcome("o2", "Bo Lund", OutcomeKind.FAILED, "Berke: 503."))
    dialog.add_outcome(3, Outcome("o3", "Cy Moe", OutcomeKind.SKIPPED, "Accepted already."))
    dialog.finished_all()
    cells = [dialog.model.index(row, 2) for row in range(3)]
    assert [cell.data() for cell in cells] == ["Done", "Failed", "Skipped"]
    assert [QColor(cell.data(Qt.ItemDataRole.ForegroundRole)).name() for cell in cells] == [
        "#2e7d32", "#b3261e", "#8a6d1f"
    ]  # fmt: skip
    with app_palette(qtbot, dark_palette(), dialog.table):
        for cell in cells:
            ratio = cell_contrast(dialog.table, cell)
            assert ratio >= WCAG_MIN, f"{cell.data()}: {ratio:.2f}:1"


def test_the_plans_skipped_rows_and_jobs_to_check_read_on_a_dark_palette(qtbot: QtBot) -> None:
    """The plan's grey for a row left alone and its amber for a Berke job to look at read at
    about 3.1:1 on a dark list, under the 4.5:1 that words of a line ask (WCAG 1.4.3). They
    keep their shades on a light palette."""
    from PySide6.QtWidgets import QTableView

    from app.domain.smartrecruiters import AssessmentOrder
    from app.ui.orders.batch_plan_dialog import PlanTableModel
    from app.workflows.batch import PlanKind, PlannedOrder

    order = AssessmentOrder.model_validate(
        {"id": "o1", "status": "NEW", "job": {"name": "Underwater Welder"},
         "candidate": {"id": "c1", "firstName": "Ines", "lastName": "L", "email": "i@e.com"}}
    )  # fmt: skip
    model = PlanTableModel([])
    model.set_rows([PlannedOrder(order, PlanKind.SKIP, reason="Accepted already."),
                    PlannedOrder(order, PlanKind.CREATE)])  # fmt: skip
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    show_exposed(qtbot, view)
    cells = [model.index(0, 0), model.index(1, PlanTableModel.JOB_COLUMN)]
    colours = [QColor(cell.data(Qt.ItemDataRole.ForegroundRole)).name() for cell in cells]
    assert colours == ["#707070", "#8a6d1f"]
    with app_palette(qtbot, dark_palette(), view):
        for cell in cells:
            assert cell_contrast(view, cell) >= 4.5, cell.data()


def test_the_plans_job_to_check_is_said_in_words_not_only_in_colour(qtbot: QtBot) -> None:
    """The flagged row's Berke job cell read as any other's ("Personality only"): only its
    ochre, and a tooltip a keyboard never opens, said which order's job to change. A
    colour-blind coordinator, or a screen reader, could not tell which row was meant."""
    from app.domain.berke import BerkeJob
    from app.domain.invitation import InvitationText
    from app.ui.orders.batch_plan_dialog import BatchPlanDialog, PlanTableModel
    from app.workflows.batch import PlanKind, PlannedOrder
    from app.workflows.board import BatchPlan
    from tests.ui.test_dialog_keys import order

    scored = BerkeJob.model_validate(
        {"SourceJobId": "J-SALES", "name": "Sales Manager", "matchEnabled": True}
    )
    unscored = BerkeJob.model_validate(
        {"SourceJobId": "J-PERS", "name": "Personality only", "matchEnabled": False}
    )
    plan = [
        PlannedOrder(order(1, "Ana"), PlanKind.CREATE, job=scored),
        PlannedOrder(order(2, "Bo"), PlanKind.CREATE, job=unscored),
    ]
    dialog = BatchPlanDialog(BatchPlan(plan, [scored, unscored]), InvitationText())
    qtbot.addWidget(dialog)
    show_exposed(qtbot, dialog)
    assert "Check the Berke job of 1 (marked ⚠;" in dialog.summary.text()

    def said(row: int, role: Qt.ItemDataRole) -> str:
        return str(dialog.model.index(row, PlanTableModel.JOB_COLUMN).data(role) or "")

    display, description = Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleDescriptionRole
    assert said(1, display) == "⚠ Personality only (no match score)"
    assert said(1, description) == as_cell(plan[1].warning() or "")
    assert "gives no match score" in said(1, description)
    assert (said(0, display), said(0, description)) == ("Sales Manager", "")
    # Short enough for the column: its words are not cut (the column wraps them).
    view = dialog.table
    index = dialog.model.index(1, PlanTableModel.JOB_COLUMN)
    room = view.visualRect(index)
    needed = view.fontMetrics().boundingRect(room, int(Qt.TextFlag.TextWordWrap), said(1, display))
    assert needed.height() <= room.height(), f"{needed} in {room}"
