"""One path for every error: ``sys.excepthook``, ``threading.excepthook`` and the asyncio loop's
exception handler all report to one notifier, which logs the detail (with the traceback, secrets
redacted by the log filter) and tells the user in sentences. The UI installs its dialog version;
tests install a recording one.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol

from app.store.logs import redact_known

log = logging.getLogger("app.errors")


@dataclass(frozen=True)
class ErrorReport:
    """An unexpected error, ready for people (``summary``) and for the log (``detail``)."""

    summary: str  # one sentence: what happened (redacted)
    detail: str  # the traceback (redacted)
    where: str  # "main thread", "thread worker-1", "background task"
    exception: BaseException | None = field(default=None, repr=False, compare=False)


class Notifier(Protocol):
    def notify(self, report: ErrorReport) -> None: ...


def report_for(
    exc: BaseException | None,
    *,
    where: str,
    tb: TracebackType | None = None,
    message: str | None = None,
) -> ErrorReport:
    if exc is not None:
        text = "".join(traceback.format_exception(type(exc), exc, tb or exc.__traceback__))
        summary = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    else:
        text = message or ""
        summary = message or "An unknown error"
    return ErrorReport(
        summary=redact_known(summary), detail=redact_known(text), where=where, exception=exc
    )


class LoggingNotifier:
    """Logs every report; the base of the others. ``log_path`` is where the log is, for users."""

    def __init__(self, log_path: Path | None = None) -> None:
        self.log_path = log_path

    def notify(self, report: ErrorReport) -> None:
        # The traceback as the record's own (the log writes it on lines of its own, redacted as
        # ``detail`` is); in the message it would be one line of escaped breaks.
        log.error(
            "Unexpected error in %s: %s", report.where, report.summary, exc_info=report.exception
        )


class RecordingNotifier(LoggingNotifier):
    def __init__(self, log_path: Path | None = None) -> None:
        super().__init__(log_path)
        self.reports: list[ErrorReport] = []

    def notify(self, report: ErrorReport) -> None:
        super().notify(report)
        self.reports.append(report)


@dataclass
class InstalledHooks:
    """What ``install_error_hooks`` replaced, so that ``uninstall`` can put it back."""

    excepthook: Callable[..., Any]
    threading_excepthook: Callable[..., Any]
    loop: asyncio.AbstractEventLoop | None
    loop_handler: Callable[..., Any] | None

    def uninstall(self) -> None:
        sys.excepthook = self.excepthook
        threading.excepthook = self.threading_excepthook
        if self.loop is not None:
            self.loop.set_exception_handler(self.loop_handler)


def install_error_hooks(
    notifier: Notifier, loop: asyncio.AbstractEventLoop | None = None
) -> InstalledHooks:
    """Route uncaught exceptions (main thread, other threads, asyncio) to ``notifier``.

    The app keeps running: a failed slot or task is reported, not fatal. Ctrl+C still stops.
    """
    installed = InstalledHooks(
        sys.excepthook,
        threading.excepthook,
        loop,
        loop.get_exception_handler() if loop is not None else None,
    )

    def _safe(report: ErrorReport) -> None:
        try:
            notifier.notify(report)
        except Exception:
            log.exception("The error notifier itself failed")

    def excepthook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            installed.excepthook(kind, exc, tb)
            return
        _safe(report_for(exc, where="main thread", tb=tb))

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit:
            return
        name = args.thread.name if args.thread is not None else "unknown"
        _safe(report_for(args.exc_value, where=f"thread {name}", tb=args.exc_traceback))

    def loop_handler(_loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        exc = context.get("exception")
        if isinstance(exc, asyncio.CancelledError):
            return
        message = str(context.get("message") or "")
        _safe(
            report_for(
                exc if isinstance(exc, BaseException) else None,
                where="background task",
                message=message,
            )
        )

    sys.excepthook = excepthook
    threading.excepthook = thread_hook
    if loop is not None:
        loop.set_exception_handler(loop_handler)
    return installed
