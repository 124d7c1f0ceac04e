"""A result's files can be told apart in the order's pane at 1280×800.

The desk names each report "Berke report - <candidate> - <job>.pdf" (``report_file_name``).
The pane's attachments table gave the File column ~120 px (the empty Details column stretched
to take as much) and cut the name at its end: every report of an order read the same
"Berke report - Maria…", so the coordinator could not tell from the list which job's report
was attached, or which one Retry/Cancel upload would act on, without hovering each row.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QTextLayout, QTextOption
from PySide6.QtWidgets import QStyle, QTableView

from app.sandbox import SandboxConfig, SandboxServer
from app.sandbox.formats import sr_timestamp
from app.sandbox.sr_state import Attachment, Order, Result
from tests.ui.clipping import settle
from tests.ui.conftest import board_window
from tests.ui.test_console_flows import finish

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

ORDER_ID = "00000000-0000-4000-8000-000000000200"
# As ``report_file_name`` names them, for a candidate with an ordinary two-part name.
NAMES = [
    "Berke report - Maria Fernanda Gonçalves - Registered Nurse.pdf",
    "Berke report - Maria Fernanda Gonçalves - Data Analyst.pdf",
    "Berke report - Maria Fernanda Gonçalves - Store Manager.pdf",
]


@pytest.fixture(scope="module")
def with_files() -> Iterator[SandboxServer]:
    config = SandboxConfig(orders=0, sr_rate_per_second=0, berke_burst=100_000)
    with SandboxServer(config) as server:
        created = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
        document = {
            "requestor": {"firstName": "Rita", "lastName": "Recruiter"},
            "candidate": {"id": "cand-ana", "firstName": "Maria Fernanda", "lastName": "Gonçalves",
                          "email": "ana@example.com"},
            "job": {"id": "1", "name": "Registered Nurse"},
            "company": {"id": "ACME", "name": "Acme"},
        }  # fmt: skip
        order = Order(ORDER_ID, "COMPLETED", created, created, document)
        result = Result({
            "id": "r00000000000000000000001", "createDate": sr_timestamp(created),
            "title": "Berke Job Fit", "description": "<p>High fit</p>", "passed": True,
            "score": "High fit (92 %)", "resultType": "DOCUMENT", "result": NAMES[0],
        })  # fmt: skip
        for n, name in enumerate(NAMES):
            attachment = Attachment(f"a{n:023d}", name, "application/pdf", b"%PDF-1.4\n", created)
            result.attachments[attachment.id] = attachment
        order.results[result.document["id"]] = result
        server.app.state.sr.orders[ORDER_ID] = order
        yield server


def test_the_attached_reports_can_be_told_apart(
    qtbot: QtBot, qsettings: QSettings, with_files: SandboxServer, tmp_path: Path,
    running_loop: asyncio.AbstractEventLoop,
) -> None:  # fmt: skip
    with board_window(qtbot, qsettings, with_files, tmp_path / "desk.sqlite3") as made:
        window, board, _desk = made
        finish(qtbot, board.sync())
        window.orders.select_order(ORDER_ID)
        panel = window.orders.detail.attachments
        qtbot.waitUntil(lambda: panel.model.rowCount() == len(NAMES))
        settle()
        window.orders.detail.scroll_area.ensureWidgetVisible(panel)
        settle()
        table = panel.table
        margin = table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, table) + 1
        width = table.columnWidth(0) - 2 * margin
        lines = max(1, table.rowHeight(0) // table.fontMetrics().lineSpacing())
        shown = [
            _drawn(table, panel.model.index(row, 0).data(), width, lines)
            for row in range(len(NAMES))
        ]
        assert len(set(shown)) == len(NAMES), (
            f"three different reports read {set(shown)} in a File column "
            f"{table.columnWidth(0)} px wide (the Details column: {table.columnWidth(3)} px)"
        )
        # Each with its job and its type in view.
        assert [name.rsplit(" ", 1)[-1] for name in shown] == [
            "Nurse.pdf",
            "Analyst.pdf",
            "Manager.pdf",
        ]


def _drawn(table: QTableView, text: str, width: int, lines: int) -> str:
    """What a cell ``width`` px wide and ``lines`` lines tall draws of ``text``: wrapped as
    the item view wraps it (if it does), its last line cut with "…" where the view cuts
    (QCommonStyle's viewItemDrawText)."""
    mode = table.textElideMode()
    if not table.wordWrap():
        return table.fontMetrics().elidedText(text, mode, width)
    layout = QTextLayout(text, table.font())
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    layout.setTextOption(option)
    layout.beginLayout()
    parts: list[str] = []
    while len(parts) < lines:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(width)
        parts.append(text[line.textStart() : line.textStart() + line.textLength()])
    layout.endLayout()
    rest = text[sum(len(p) for p in parts) :]
    if rest:
        parts[-1] = table.fontMetrics().elidedText(parts[-1] + rest, mode, width)
    return " ".join(p.strip() for p in parts)
