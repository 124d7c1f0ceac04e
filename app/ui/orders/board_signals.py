"""The order board's news as Qt signals: the one thin adapter between ``app.workflows.board``
(no Qt) and the widgets. It only forwards; it keeps no state."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from app.workflows.board import BoardListener, SyncOutcome
from app.workflows.resume_news import ResumeNews


class BoardSignals(QObject):
    orders_changed = Signal(list)  # order ids
    steps_changed = Signal(list)  # order ids whose journal moved
    orders_arrived = Signal(list)  # order ids a poll saw for the first time
    sync_started = Signal(bool)  # poll?
    sync_finished = Signal(object)  # SyncOutcome
    upload_progress = Signal(int, int, int)  # upload id, bytes sent, total
    # None, or why watching Berke failed (str); whether it failed on this computer
    berke_watched = Signal(object, bool)
    resume_ended = Signal(object)  # ResumeNews: what a pass of the resumer did, in words

    def listener(self) -> BoardListener:
        """A listener for ``OrderBoard`` that emits these signals."""
        return _Forward(self)


class _Forward(BoardListener):
    def __init__(self, signals: BoardSignals) -> None:
        self._signals = signals

    def orders_changed(self, order_ids: list[str]) -> None:
        self._signals.orders_changed.emit(order_ids)

    def steps_changed(self, order_ids: list[str]) -> None:
        self._signals.steps_changed.emit(order_ids)

    def orders_arrived(self, order_ids: list[str]) -> None:
        self._signals.orders_arrived.emit(order_ids)

    def sync_started(self, *, poll: bool) -> None:
        self._signals.sync_started.emit(poll)

    def sync_finished(self, report: SyncOutcome) -> None:
        self._signals.sync_finished.emit(report)

    def upload_progress(self, upload_id: int, sent: int, total: int) -> None:
        self._signals.upload_progress.emit(upload_id, sent, total)

    def berke_watched(self, problem: str | None, *, local: bool = False) -> None:
        self._signals.berke_watched.emit(problem, local)

    def resume_ended(self, news: ResumeNews) -> None:
        self._signals.resume_ended.emit(news)
