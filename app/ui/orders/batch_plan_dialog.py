"""The plan of "Create, accept and invite", shown before anything is sent: each order, its
candidate, the Berke job a new assessment gets (changeable), what will be done, and the
messages the candidates receive.

Like the other forms it calls nothing: ``submitted`` carries the coordinator's choice and the
controller runs the batch.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QPlainTextEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from app.domain.berke import BerkeJob
from app.domain.berke_jobs import job_label
from app.domain.invitation import InvitationText
from app.domain.sr_limits import SR_MESSAGE_MAX, message_too_long
from app.ui.common.colours import GREY_ON_DARK, OCHRE, Shade
from app.ui.common.cut_text_tips import CutTextTips
from app.ui.common.labels import plain_label
from app.ui.common.row_table import RowTableView
from app.ui.common.screens import available_room
from app.ui.common.table_model import RowsTableModel
from app.ui.orders.invitation_form import InvitationForm
from app.views.text import as_cell
from app.workflows.batch import PlanKind, PlannedOrder, plan_summary
from app.workflows.board import BatchPlan

AnyIndex = QModelIndex | QPersistentModelIndex

#: The message to candidates (SmartRecruiters' accept, shown on the candidate portal).
PORTAL_MESSAGE = "messageToCandidate"
DEFAULT_JOB = "Berke's default job"


@dataclass(frozen=True)
class BatchChoice:
    """What the coordinator settled on: the plan (with any job changed) and the messages."""

    plan: list[PlannedOrder]
    invitation: InvitationText
    message_to_candidate: str | None

    @property
    def order_ids(self) -> list[str]:
        """Every planned order: a skipped one is reported as skipped, with the reason."""
        return [p.order_id for p in self.plan]


#: A row the run leaves alone, and a Berke job to look at before running: on a dark palette
#: their light shades read at about 3:1 on the list, under the 4.5:1 words of a line ask.
SKIPPED = Shade("#707070", GREY_ON_DARK)
JOB_TO_CHECK = OCHRE


class PlanTableModel(RowsTableModel[PlannedOrder]):
    HEADERS = ("Candidate", "Company", "Order's job", "Berke job", "What will be done")
    JOB_COLUMN = 3

    def __init__(self, jobs: list[BerkeJob], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.jobs = jobs

    def cell(self, row: PlannedOrder, column: int, role: int) -> Any:
        order = row.order
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            # Names and jobs are the recruiter's, and the words quote them: one line each,
            # no bidirectional control drawing "invite" backwards after a job's name.
            return as_cell(
                (
                    order.candidate.display_name,
                    order.company.name if order.company else "",
                    order.job.name if order.job else "",
                    row.job_in_words(),
                    row.what_happens(),
                )[column]
            )
        if role == Qt.ItemDataRole.ToolTipRole:
            warning = as_cell(row.job_warning() or "")  # quotes the order's job: one line
            if column == self.JOB_COLUMN and row.kind is PlanKind.CREATE:
                tip = "Double-click (or F2) to choose another Berke job."
                return f"{warning}\n\n{tip}" if warning else tip
            return warning or as_cell(row.what_happens())
        if role == Qt.ItemDataRole.AccessibleDescriptionRole and column == self.JOB_COLUMN:
            # The warning the tooltip shows a mouse, for a screen reader at the flagged cell.
            return as_cell(row.job_warning() or "")
        if role == Qt.ItemDataRole.ForegroundRole:
            if row.kind is PlanKind.SKIP:
                return SKIPPED.on(QGuiApplication.palette())
            if column == self.JOB_COLUMN and row.warning():
                return JOB_TO_CHECK.on(QGuiApplication.palette())
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        base = super().flags(index)
        if (
            index.isValid()
            and index.column() == self.JOB_COLUMN
            and self.rows[index.row()].kind is PlanKind.CREATE
        ):
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def choose_job(self, position: int, job: BerkeJob | None) -> None:
        self.replace_row(position, self.rows[position].with_job(job))


class JobDelegate(QStyledItemDelegate):
    """A combo of Berke's jobs (with length and match score) for a planned order's job."""

    def __init__(self, model: PlanTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: AnyIndex
    ) -> QWidget:
        combo = QComboBox(parent)
        combo.setObjectName("planJobPicker")
        combo.addItem(DEFAULT_JOB, None)
        for job in self._model.jobs:
            combo.addItem(job_label(job), job.source_job_id)
        return combo

    def setEditorData(self, editor: QWidget, index: AnyIndex) -> None:
        assert isinstance(editor, QComboBox)
        job = self._model.row(index.row()).job
        found = editor.findData(job.source_job_id if job is not None else None)
        editor.setCurrentIndex(max(found, 0))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: AnyIndex) -> None:
        assert isinstance(editor, QComboBox)
        chosen = editor.currentData()
        job = next((j for j in self._model.jobs if j.source_job_id == chosen), None)
        self._model.choose_job(index.row(), job)


class BatchPlanDialog(InvitationForm[BatchChoice]):
    """Collects the coordinator's go for a batch, with the plan as it will run."""

    submitted = Signal(object)  # BatchChoice

    def __init__(
        self,
        plan: BatchPlan,
        default: InvitationText | None = None,
        parent: QWidget | None = None,
    ) -> None:
        runnable = sum(1 for p in plan.orders if p.kind is not PlanKind.SKIP)
        super().__init__(
            submit_text=f"Run for {runnable} order{'s' if runnable != 1 else ''}",
            busy_text="Running…",
            submit_name="runBatchButton",
            submit_tip="Create, accept and invite as planned (Ctrl+Enter)",
            parent=parent,
        )
        self.setObjectName("batchPlanDialog")
        self.setWindowTitle("Create, accept and invite — the plan")
        self._runnable = runnable
        self.summary = plain_label(plan_summary(plan.orders), "planSummary")
        self.model = PlanTableModel(plan.jobs, self)
        self.model.set_rows(plan.orders)
        self.table = self._plan_table()

        self.portal_message = QPlainTextEdit()
        self.portal_message.setTabChangesFocus(True)
        self.portal_message.setPlaceholderText(
            "Optional: shown to each candidate in SmartRecruiters when the order is accepted"
        )
        spacing = self.portal_message.fontMetrics().lineSpacing()
        self.portal_message.setMinimumHeight(3 * spacing + 12)
        self.portal_message.setMaximumHeight(5 * spacing + 12)
        self._section("Messages to the candidates", first=True)
        self._add(
            PORTAL_MESSAGE,
            "&Portal message",
            self.portal_message,
            f"Optional, up to {SR_MESSAGE_MAX:,} characters: SmartRecruiters shows it to the "
            "candidate with the assessment link.",
        )
        self._next_column()
        self._section("Berke's invitation email", first=True)
        self._add_invitation_rows(default, label="Invitation &message", lines=3)
        self._finish()
        self.model.dataChanged.connect(self._revalidate)  # a job chosen changes the value
        # The plan above the fields, taking the spare height.
        self._outer.insertWidget(0, self.summary)
        self._outer.insertWidget(1, self.table, 3)
        self._outer.setStretchFactor(self._scroll, 2)
        screen = available_room(self)
        self.resize(min(1100, screen.width() - 40), min(720, int(screen.height() * 0.9)))

    def _unsaved_extra(self) -> object:
        return [planned.job for planned in self.model.rows]  # the Berke jobs chosen by hand

    def _plan_table(self) -> QTableView:
        table = RowTableView(
            self
        )  # in the dialog already: the tab order is set before it is laid out
        table.setObjectName("planTable")
        CutTextTips(table)
        # Tab leaves the table for the messages and Run (it walked cell by cell, wrapping).
        table.setTabKeyNavigation(False)
        table.setAccessibleName("The plan, one row per order")
        table.setModel(self.model)
        table.setItemDelegateForColumn(PlanTableModel.JOB_COLUMN, JobDelegate(self.model, self))
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        table.setWordWrap(True)
        table.verticalHeader().setVisible(False)
        table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        for column, width in enumerate((150, 120, 140, 210)):  # the rest: what will be done
            table.setColumnWidth(column, width)
        table.setMinimumHeight(160)
        return table

    def _tab_order(self) -> list[QWidget]:
        return [self.table, *super()._tab_order()]

    def _check(self) -> tuple[BatchChoice | None, dict[str, str]]:
        invitation, errors = self._invitation()
        portal = self.portal_message.toPlainText().strip() or None
        too_long = message_too_long(portal)
        if too_long is not None:
            errors = {**errors, PORTAL_MESSAGE: too_long}
        if invitation is None or errors:
            return None, errors
        return BatchChoice(list(self.model.rows), invitation, portal), {}

    def _ready(self) -> bool:
        return self._runnable > 0

    def _send(self, value: BatchChoice) -> None:
        self.submitted.emit(value)
