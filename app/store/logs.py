"""The log file: rotating, in the platform log folder, private, and never holding a secret.

Secrets are registered when a session opens (``register_secrets``); a filter on every handler
replaces them — in any case, any run of 12 of their characters, percent- or XML-escaped (see
``app.domain.redaction``) — in the message, its arguments and the traceback text. A filter on
the handlers, not on a logger, because records propagated from child loggers (httpx, the app's
modules) skip the root logger's own filters. The same rule
(``redact_known``) cleans the error text the user is shown.

The log names orders and candidates, so it is 0600 in a 0700 folder, whatever the umask, and
so is every file it rotates into.

Each record is one line (``OneLineFormatter``): what a stranger wrote reaches the log (a
candidate's name, a service's error message), and its line breaks made whole records, time
and level and all, that support read as the desk's own.
"""

from __future__ import annotations

import logging
import logging.handlers
import re
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


def _escape(code: int) -> str:
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


#: What ends a line for a reader of the log (``str.splitlines`` takes C0 separators, NEL, U+2028
#: and U+2029 for breaks; an editor may too), what moves the cursor or colours a terminal (the
#: other C0 and C1 controls, DEL), and the bidirectional controls, which show a line's words in
#: another order than they are written. Written as escapes, so the text is still all there.
_ESCAPED = (
    *range(0x20), *range(0x7F, 0xA0), 0x061C, 0x200E, 0x200F, 0x2028, 0x2029,
    *range(0x202A, 0x202F), *range(0x2066, 0x206A),
)  # fmt: skip
_ONE_LINE = str.maketrans(
    {code: _escape(code) for code in _ESCAPED}
    | {ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t"}
)
#: Looked for before translating: most records hold none, and a translation table's every miss
#: raises a KeyError (a record took 12 µs to format instead of 2).
_ANY_ESCAPED = re.compile("[" + "".join(re.escape(chr(code)) for code in _ESCAPED) + "]")
#: What each line of a traceback starts with: never with a time, as a record does.
CONTINUED = "  | "


def one_line(text: str) -> str:
    """``text`` on one line: line breaks and other controls as escapes ("\\n", "\\x1b")."""
    return text.translate(_ONE_LINE) if _ANY_ESCAPED.search(text) else text


class OneLineFormatter(logging.Formatter):
    """Each record on one line, its message's breaks and controls escaped (``one_line``), after
    its arguments are put in: a break is as often in an argument (an error's text) as in the
    message. A traceback (or a stack) still follows on lines of its own, for reading, each
    one escaped and starting with ``CONTINUED``: an exception's message is a stranger's words
    too, and one of its lines, starting with a time, read as a record.

    A formatter, not a filter: the record is left as it is for any other handler, and the secret
    filter, which runs before, has already replaced the secrets in what is formatted here.
    """

    def format(self, record: logging.LogRecord) -> str:
        # As logging.Formatter.format, but for the escapes.
        record.message = record.getMessage()
        if self.usesTime():
            record.asctime = self.formatTime(record, self.datefmt)
        text = one_line(self.formatMessage(record))
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        for more in (record.exc_text, record.stack_info and self.formatStack(record.stack_info)):
            if more:
                text += "".join(f"\n{CONTINUED}{one_line(line)}" for line in more.split("\n"))
        return text


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
    formatter = OneLineFormatter(FORMAT)
    secret_filter = SecretFilter()
    console = logging.StreamHandler(sys.stderr)
    console.setLevel(console_level if console_level is not None else logging.WARNING)
    handlers: list[logging.Handler] = [console]
    path: Path | None = log_file_path(directory)
    assert path is not None
    try:
        _make_private(path)
        # A path that is not UTF-8 (lone surrogates) kept as escapes: written strictly, its
        # line failed with a traceback on stderr instead.
        file_handler = PrivateRotatingFileHandler(
            path,
            maxBytes=MAX_BYTES,
            backupCount=BACKUPS,
            encoding="utf-8",
            errors="backslashreplace",
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
