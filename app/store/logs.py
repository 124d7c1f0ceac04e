"""The log file: rotating, in the platform log folder, private, and never holding a secret.

Secrets are registered when a session opens (``register_secrets``); a filter on every handler
replaces them — in any case, any run of 12 of their characters, percent- or XML-escaped (see
``app.domain.redaction``) — in the message, its arguments and the traceback text. A filter on
the handlers, not on a logger, because records propagated from child loggers (httpx, the app's
modules) skip the root logger's own filters. The same rule
(``redact_known``) cleans the error text the user is shown.

The log names orders and candidates, so it is 0600 in a 0700 folder, whatever the umask, and
so is every file it rotates into.
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
import threading
from collections.abc import Iterable
from io import TextIOWrapper
from pathlib import Path

from app.domain.redaction import redact
from app.store.paths import (
    log_dir,
    make_private_dir,
    make_private_file,
    regular_file,
    tighten_file,
)

LOG_FILE_NAME = "assessment-desk.log"
MAX_BYTES = 1024 * 1024
BACKUPS = 5
FORMAT = "%(asctime)s %(levelname)s %(name)s [%(threadName)s]: %(message)s"

_secrets: set[str] = set()
_secrets_lock = threading.Lock()


def register_secrets(secrets: Iterable[str]) -> None:
    """Keys the logs must never show, from now on."""
    with _secrets_lock:
        _secrets.update(s for s in secrets if s)


def known_secrets() -> list[str]:
    with _secrets_lock:
        # Longest first: a key that contains another is replaced whole.
        return sorted(_secrets, key=len, reverse=True)


def redact_known(text: str) -> str:
    """``text`` with every registered secret replaced: for the log and for what users see."""
    return redact(text, known_secrets())


class SecretFilter(logging.Filter):
    """Rewrites each record with the known secrets replaced; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        secrets = known_secrets()
        if not secrets:
            return True
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = str(record.msg)
        record.msg = redact(message, secrets)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text, secrets)
        if record.stack_info:
            record.stack_info = redact(record.stack_info, secrets)
        return True


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """Opens (and, after each rollover, re-creates) the log file 0600."""

    def _open(self) -> TextIOWrapper:
        path = Path(self.baseFilename)
        make_private_file(path)
        # A FIFO there blocked the start until a reader came (no window, no word); refused,
        # the desk logs to stderr only.
        regular_file(path)
        return super()._open()


def _make_private(path: Path) -> None:
    make_private_dir(path.parent)
    for number in range(1, BACKUPS + 1):  # files rotated by an older version
        tighten_file(path.with_name(f"{path.name}.{number}"))


def log_file_path(directory: Path | None = None) -> Path:
    return (directory or log_dir()) / LOG_FILE_NAME


def setup_logging(
    level: int = logging.INFO, *, directory: Path | None = None, console_level: int | None = None
) -> Path | None:
    """The rotating file (1 MB × 5) at ``level`` plus stderr at ``console_level``.

    Returns the log file, or None when the folder cannot be written (the app still runs, with
    stderr only). Calling it again replaces the handlers it added before.
    """
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_assessment_desk", False):
            root.removeHandler(handler)
            handler.close()
    formatter = logging.Formatter(FORMAT)
    secret_filter = SecretFilter()
    console = logging.StreamHandler(sys.stderr)
    console.setLevel(console_level if console_level is not None else logging.WARNING)
    handlers: list[logging.Handler] = [console]
    path: Path | None = log_file_path(directory)
    assert path is not None
    try:
        _make_private(path)
        file_handler = PrivateRotatingFileHandler(
            path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"
        )
        file_handler.setLevel(level)
        handlers.append(file_handler)
    except OSError as exc:
        print(f"Assessment Desk: cannot write the log file {path}: {exc}", file=sys.stderr)  # noqa: T201
        path = None
    for handler in handlers:
        handler.setFormatter(formatter)
        handler.addFilter(secret_filter)
        handler._assessment_desk = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.setLevel(min(level, console.level))
    # httpx logs every request line at INFO; the URLs carry no secret, but they drown the log.
    logging.getLogger("httpx").setLevel(max(level, logging.WARNING))
    return path
