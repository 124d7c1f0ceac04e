"""The UI's notifier: every unexpected error is logged with its traceback and told to the user
in a friendly, non-blocking box (what happened, that nothing was lost, where the log is)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from app.store.logs import redact_known
from app.workflows.notifier import ErrorReport, LoggingNotifier
from app.workflows.refusals import not_written


def error_text(report: ErrorReport, log_path: Path | None) -> tuple[str, str]:
    """The box's text and informative text, with every registered secret redacted (a report
    built anywhere may quote a key; the log's filter is the rule). A failure of the disk under
    the desk's files (full, read-only) is no bug: it is said as what to do about it."""
    where = f"The details are in the log: {log_path}" if log_path else "No log file is written."
    disk = not_written(report.exception) if report.exception is not None else None
    if disk is not None:
        return redact_known(disk), where
    text = (
        "Something unexpected went wrong, and Assessment Desk carried on.\n\n"
        f"What happened: {redact_known(report.summary)}"
    )
    informative = (
        "Nothing was lost: every change to an order is written to the journal before it is "
        "sent, and unfinished steps are resumed. If something looks wrong, refresh (F5) or "
        f"restart the app.\n\n{where}"
    )
    return text, informative


class DialogNotifier(LoggingNotifier):
    """Shows at most one box at a time: a burst of errors must not bury the window in dialogs
    (the later ones are counted in the box's title and all are in the log)."""

    def __init__(
        self,
        parent: QWidget | None,
        log_path: Path | None,
        *,
        make_box: Callable[[QWidget | None], QMessageBox] | None = None,
    ) -> None:
        super().__init__(log_path)
        self._parent = parent
        self._make_box = make_box or QMessageBox
        self.box: QMessageBox | None = None
        self.repeats = 0

    def notify(self, report: ErrorReport) -> None:
        super().notify(report)
        if self.box is not None and self.box.isVisible():
            self.repeats += 1
            self.box.setWindowTitle(f"Assessment Desk — {self.repeats + 1} errors")
            return
        self.repeats = 0
        box = self._make_box(self._parent)
        box.setObjectName("crashBox")
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Assessment Desk — an error")
        text, informative = error_text(report, self.log_path)
        box.setText(text)
        box.setInformativeText(informative)
        box.setDetailedText(redact_known(report.detail))
        box.setStandardButtons(QMessageBox.StandardButton.Ok)
        self.box = box
        box.open()  # not exec(): a nested loop inside an excepthook would re-enter the app
