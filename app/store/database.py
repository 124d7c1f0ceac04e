"""The console's SQLite file: cached orders, linked Berke assessments, and the journal.

WAL mode with ``synchronous=FULL``: a committed step survives a crash of the app or of the
machine. The file holds candidates' personal data, so it is created 0600 in a 0700 folder
(whatever the umask); SQLite gives its WAL and shared-memory files the database's own mode.

Every method is synchronous and thread-safe (one connection behind a lock); the workflows call
them off the UI thread with ``asyncio.to_thread``.

SQLite writes to the file it opened, not to its name: a data folder removed while the desk runs
(a clean-up tool), or another file put at the data file's path, left every write "succeeding"
into a file no longer there, all of it lost at the next start. Each write transaction first
checks that the path still names the file opened (one ``stat``), and otherwise puts the data
the connection still holds back at the path (``Database._put_back``).
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from app.domain.service_time import local_time
from app.store.instance_lock import AlreadyRunningError, LockUnavailableError, retake_held
from app.store.paths import (
    data_dir,
    file_in_the_way,
    fsync_folder,
    make_private_dir,
    make_private_file,
    tighten_file,
)
from app.store.score_upgrade import forget_made_up_scores

log = logging.getLogger(__name__)

SCHEMA_VERSION = 22

_MIGRATIONS: dict[int, str] = {
    1: """
    CREATE TABLE orders (
        id            TEXT PRIMARY KEY,
        status        TEXT NOT NULL,
        data          TEXT NOT NULL,          -- the order as SmartRecruiters sent it (JSON)
        first_seen_at TEXT NOT NULL,
        synced_at     TEXT NOT NULL
    );
    CREATE TABLE assessments (
        order_id            TEXT PRIMARY KEY,
        source_candidate_id TEXT NOT NULL,
        invitation_code     TEXT NOT NULL,
        assessment_url      TEXT NOT NULL,
        created_at          TEXT NOT NULL,
        invited_email       TEXT,
        invited_at          TEXT
    );
    CREATE TABLE journal (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        order_id   TEXT NOT NULL,
        action     TEXT NOT NULL,
        state      TEXT NOT NULL CHECK (state IN ('pending', 'done', 'failed')),
        request    TEXT NOT NULL,             -- what was about to be sent (JSON, no secret)
        outcome    TEXT,                      -- what came back (JSON)
        message    TEXT,                      -- the error, in words, when it failed
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE results (
        order_id   TEXT NOT NULL,
        result_id  TEXT NOT NULL,            -- given once, by the call that created the result
        created_at TEXT NOT NULL,
        PRIMARY KEY (order_id, result_id)
    );
    CREATE TABLE uploads (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        order_id      TEXT NOT NULL,
        result_id     TEXT,                  -- NULL until the order has a result
        path          TEXT NOT NULL,
        file_name     TEXT NOT NULL,
        size          INTEGER NOT NULL,
        state         TEXT NOT NULL CHECK (state IN
                        ('queued', 'uploading', 'done', 'failed', 'cancelled')),
        attachment_id TEXT,
        message       TEXT,
        created_at    TEXT NOT NULL,
        updated_at    TEXT NOT NULL
    );
    CREATE INDEX uploads_by_order ON uploads (order_id, id);
    CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    CREATE INDEX journal_by_order ON journal (order_id, id);
    CREATE INDEX journal_pending ON journal (state) WHERE state = 'pending';
    """,
    # The Partner Portal "Cost" of each offer: SmartRecruiters' API does not carry it.
    2: """
    CREATE TABLE offer_costs (
        offer_id   TEXT PRIMARY KEY,
        kind       TEXT NOT NULL CHECK (kind IN ('FLAT_RATE', 'PERCENTAGE')),
        value      TEXT NOT NULL,             -- a decimal, as text: no float rounding
        updated_at TEXT NOT NULL
    );
    """,
    # Journal steps and outcomes become typed (see _DATA_MIGRATIONS). No table changes; the
    # version still goes up, so that an older desk refuses the file instead of misreading
    # its steps.
    3: "",
    # Closing the loop: Berke's side of each assessment, the job an assessment was made for
    # (its fit and report), and what the coordinator has seen of an order (comments, flags).
    4: """
    ALTER TABLE assessments ADD COLUMN source_job_id TEXT;
    CREATE TABLE berke_status (
        source_candidate_id TEXT PRIMARY KEY COLLATE NOCASE,
        progress            TEXT NOT NULL
                              CHECK (progress IN ('not_started', 'started', 'complete', 'deleted')),
        completed_at        TEXT,
        checked_at          TEXT NOT NULL,
        completed           TEXT                 -- GetCompletedAssessment's answer (JSON), once
    );
    CREATE TABLE order_notes (
        order_id            TEXT PRIMARY KEY,
        comments_count      INTEGER NOT NULL DEFAULT 0,   -- as last polled
        comments_seen       INTEGER NOT NULL DEFAULT 0,   -- as last shown to the coordinator
        comments_checked_at TEXT,
        dismissed           TEXT NOT NULL DEFAULT '[]'    -- attention flags left alone (JSON)
    );
    """,
    # An order's comments, results and result files as last fetched, with the lastUpdateDate
    # they were fetched at and when: a snapshot saved again soon after need not ask for a
    # completed or rejected order's (``app.domain.order_details``).
    5: """
    CREATE TABLE order_details (
        order_id    TEXT PRIMARY KEY,
        as_of       TEXT NOT NULL,    -- the order's lastUpdateDate when fetched (UTC ISO)
        comments    TEXT,             -- GET .../comments (JSON), NULL when not fetched
        results     TEXT,             -- GET .../results (JSON), NULL when not fetched
        files       TEXT,             -- {resultId: GET .../attachments} (JSON), NULL likewise
        fetched_at  TEXT NOT NULL
    );
    """,
    # No table changes: Berke's stored answers are corrected (_DATA_MIGRATIONS).
    6: "",
    # When an upload's bytes first began to go, and its content's fingerprint as last sent.
    7: """
    ALTER TABLE uploads ADD COLUMN sending_since TEXT;  -- UTC ISO, the first try (NULL: never sent)
    ALTER TABLE uploads ADD COLUMN fingerprint TEXT;    -- file_identity.file_fingerprint
    """,
    # When the whole file first went out (the service may have it from then on): a file
    # cancelled after the service had it is not attached a second time, and a file that
    # never went whole is not taken for someone else's of that name. An upload an older
    # version began to send (it has a step) may have gone out any time since it began.
    8: """
    ALTER TABLE uploads ADD COLUMN delivered_at TEXT;   -- UTC ISO (NULL: never went whole)
    UPDATE uploads SET delivered_at = COALESCE(sending_since, created_at)
      WHERE state <> 'done' AND id IN (
        SELECT json_extract(request, '$.upload_id') FROM journal
        WHERE action = 'upload' AND json_valid(request))
    """,
    # The address the assessment was created with (the form may have given one SmartRecruiters
    # has not): where its invitation goes. Read back from the create (or reuse) step.
    9: """
    ALTER TABLE assessments ADD COLUMN created_email TEXT;
    UPDATE assessments SET created_email = (
      SELECT json_extract(j.request, '$.request.emailAddress') FROM journal j
      WHERE j.order_id = assessments.order_id AND j.action = 'create_assessment'
        AND j.state = 'done' AND json_valid(j.request)
      ORDER BY j.id DESC LIMIT 1);
    UPDATE assessments SET created_email = (
      SELECT a.created_email FROM journal j
      JOIN assessments a ON a.order_id = json_extract(j.request, '$.from_order_id')
      WHERE j.order_id = assessments.order_id AND j.action = 'reuse_assessment'
        AND j.state = 'done' AND json_valid(j.request)
      ORDER BY j.id DESC LIMIT 1)
    WHERE created_email IS NULL
    """,
    # Since when SmartRecruiters no longer has an order (UTC ISO): a complete sync did not list
    # it, and asking for it was answered 404 (NULL: it has it). Any copy it sends clears it.
    10: """
    ALTER TABLE orders ADD COLUMN gone_since TEXT
    """,
    # What a queued file was when it was checked (its content's SHA-256, where and when it was
    # on disk): one saved over it while its order waits for a result is not sent in its stead.
    # A row queued by an older version has none, and is checked by its size and kind, as then.
    11: """
    ALTER TABLE uploads ADD COLUMN queued_identity TEXT;  -- file_identity.FileIdentity (JSON)
    """,
    # The resumer looks, every round, for results made and not yet followed by a completion
    # (``Journal.results_left_open``): without this it read the whole journal, which is never
    # pruned (15 ms at 100,000 steps, 69 ms at 400,000, the file locked meanwhile).
    12: """
    CREATE INDEX journal_by_action ON journal (action, state)
    """,
    # When a step was last asked for (its first try, or the coordinator's latest Retry; NULL:
    # when it was begun), so that a step done before a Retry was pressed does not count as
    # done after it; and whether a try of it may have gone without its answer seen (a 5xx,
    # a time-out, the app stopped while it went), so that a Retry of a step refused on every
    # try never takes someone else's change for its own. An older desk's step did not say,
    # so it may have.
    13: """
    ALTER TABLE journal ADD COLUMN asked_at TEXT;
    ALTER TABLE journal ADD COLUMN may_have_gone INTEGER NOT NULL DEFAULT 1
    """,
    # A completion now judges a result or a completed order found by whether a try of it may
    # have gone unanswered, as an accept does. Version 13 did not mark its tries: one left
    # waiting may have gone, so that its Retry still finds its own result.
    14: """
    UPDATE journal SET may_have_gone = 1 WHERE action = 'complete' AND state <> 'done'
    """,
    # How far SmartRecruiters' clock was ahead of this machine's when an upload's times were
    # written: its copy is looked for on the service's clock as it was then, not as it is at
    # the resume (a clock put right meanwhile sent the file twice). NULL: not known then, or
    # an older version wrote them: the offset at the resume is used, as before.
    15: """
    ALTER TABLE uploads ADD COLUMN sending_clock_offset REAL;    -- seconds (NULL: not known)
    ALTER TABLE uploads ADD COLUMN delivered_clock_offset REAL;  -- seconds (NULL: not known)
    """,
    # An invitation, too, is judged by whether a try of it may have gone unanswered, where
    # Berke does not count the invitations it sent: one that may have gone is not sent again.
    # Versions 13 to 15 did not mark its tries: one left waiting may have gone.
    16: """
    UPDATE journal SET may_have_gone = 1 WHERE action = 'invite' AND state <> 'done'
    """,
    # Berke's side may be 'unknown': its status answer had no status flag (never taken for
    # 'not_started'). SQLite changes a CHECK only by building the table again.
    17: """
    CREATE TABLE berke_status_17 (
        source_candidate_id TEXT PRIMARY KEY COLLATE NOCASE,
        progress            TEXT NOT NULL CHECK (progress IN
                              ('not_started', 'started', 'complete', 'deleted', 'unknown')),
        completed_at        TEXT,
        checked_at          TEXT NOT NULL,
        completed           TEXT                 -- GetCompletedAssessment's answer (JSON), once
    );
    INSERT INTO berke_status_17 (source_candidate_id, progress, completed_at, checked_at,
      completed)
      SELECT source_candidate_id, progress, completed_at, checked_at, completed
      FROM berke_status;
    DROP TABLE berke_status;
    ALTER TABLE berke_status_17 RENAME TO berke_status
    """,
    # A create, too, is judged by whether a try of it may have gone unanswered: an assessment
    # its retry finds is then its own, never invited. Versions 13 to 17 did not mark its
    # tries: one left waiting may have gone.
    18: """
    UPDATE journal SET may_have_gone = 1 WHERE action = 'create_assessment' AND state <> 'done'
    """,
    # The Berke job each assessment was made for, read back from the create step that linked
    # it (version 4 added the column and left it empty: delivery then judged the order on
    # Berke's default job, not the one chosen). Only that step's own link (same invitation
    # code): a later reuse of another order's assessment stays without a job, as a reuse
    # is made, so that it is judged on this order's job.
    19: """
    UPDATE assessments SET source_job_id = (
      SELECT json_extract(j.request, '$.request.sourceJobId') FROM journal j
      WHERE j.order_id = assessments.order_id AND j.action = 'create_assessment'
        AND j.state = 'done' AND json_valid(j.request)
        AND CASE WHEN json_valid(j.outcome)
          THEN json_extract(j.outcome, '$.link.invitation_code') END
          = assessments.invitation_code
      ORDER BY j.id DESC LIMIT 1)
    WHERE source_job_id IS NULL
    """,
    # A step waiting to be sent may be cancelled by the coordinator: 'cancelled', which the
    # resumer never sends (a failed step is offered for Retry, and says it failed). SQLite
    # changes a CHECK only by building the table again, its ids (and their sequence) kept.
    20: """
    CREATE TABLE journal_20 (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        order_id      TEXT NOT NULL,
        action        TEXT NOT NULL,
        state         TEXT NOT NULL CHECK (state IN ('pending', 'done', 'failed', 'cancelled')),
        request       TEXT NOT NULL,
        outcome       TEXT,
        message       TEXT,
        created_at    TEXT NOT NULL,
        updated_at    TEXT NOT NULL,
        asked_at      TEXT,
        may_have_gone INTEGER NOT NULL DEFAULT 1
    );
    INSERT INTO journal_20 (id, order_id, action, state, request, outcome, message, created_at,
      updated_at, asked_at, may_have_gone)
      SELECT id, order_id, action, state, request, outcome, message, created_at, updated_at,
        asked_at, may_have_gone
      FROM journal;
    UPDATE sqlite_sequence SET seq = MAX(seq, COALESCE(
      (SELECT seq FROM sqlite_sequence WHERE name = 'journal'), 0)) WHERE name = 'journal_20';
    DROP TABLE journal;
    ALTER TABLE journal_20 RENAME TO journal;
    CREATE INDEX journal_by_order ON journal (order_id, id);
    CREATE INDEX journal_pending ON journal (state) WHERE state = 'pending';
    CREATE INDEX journal_by_action ON journal (action, state)
    """,
    # "Leave it" on the failed-step flag leaves alone the failures it said (each failed step
    # and when it failed: ``failed_steps.failure_mark``), no longer the flag's kind, which hid
    # every later failure of the order. The kind kept before is read as the failures present
    # now, at the upgrade: the coordinator saw those (or older ones, retried since) and left
    # them alone, and what fails after is flagged again. Of each kind of step, its latest
    # attempt, where it failed (``inbox_rows.latest_steps``, as ``local_state.load_states``
    # reads the marks). A note that is not JSON is left as it was, as every writer of the
    # notes does.
    21: """
    UPDATE order_notes SET dismissed = (
      SELECT json_group_array(value) FROM (
        SELECT value FROM json_each(order_notes.dismissed) WHERE value <> 'step_failed'
        UNION
        SELECT 'step_failed:' || j.id || '@' || j.updated_at FROM journal AS j
        WHERE j.order_id = order_notes.order_id AND j.state = 'failed'
          AND j.id = (SELECT MAX(id) FROM journal
                      WHERE order_id = j.order_id AND action = j.action)))
    WHERE json_valid(dismissed)
      AND EXISTS (SELECT 1 FROM json_each(dismissed) WHERE value = 'step_failed')
    """,
    # A re-order of the same job that reuses an assessment made with Berke's default job is
    # judged on that job, as the first order was (``LinkedAssessment.on_default_job``).
    # Reuses made before are left as they were judged: on this order's job, by name.
    22: """
    ALTER TABLE assessments ADD COLUMN on_default_job INTEGER NOT NULL DEFAULT 0
    """,
}


def _upgrade_journal_first_form(conn: sqlite3.Connection) -> None:
    # The journal's models load only for a file this old: a working day's first frame opens
    # the database and does not need them (~40 ms, bench/startup.py --cached).
    from app.store.journal_rows import upgrade_first_form

    upgrade_first_form(conn)


#: Data a version's SQL cannot convert, converted in the same transaction after that SQL.
_DATA_MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {
    # The journal's untyped request/outcome dicts become typed steps and outcomes.
    3: _upgrade_journal_first_form,
    # A job fit stored without Berke's percentage as 0 % loses the made-up figure.
    6: forget_made_up_scores,
}


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def default_database_path() -> Path:
    return data_dir() / "assessment-desk.sqlite3"


def data_file_path(data_file: str) -> Path:
    """The SQLite file a profile's data file name (``app.domain.data_files``) stands for;
    "" is the app's own file, which Production keeps."""
    default = default_database_path()
    if not data_file:
        return default
    return default.with_name(f"{default.stem}-{data_file}{default.suffix}")


#: Files SQLite keeps beside the database; each holds rows of it.
_COMPANION_SUFFIXES = ("-wal", "-shm", "-journal")


def _make_private(path: Path) -> None:
    """The database file 0600 in a 0700 folder, before SQLite creates it with the umask's mode
    (SQLite then copies the database's mode to its WAL and shared-memory files)."""
    make_private_dir(path.parent)
    make_private_file(path)
    for suffix in _COMPANION_SUFFIXES:  # left by an older version or a crash
        tighten_file(path.with_name(path.name + suffix))


class NewerSchemaError(RuntimeError):
    """The data file was written by a newer version, which this one cannot read."""


class DataFileError(RuntimeError):
    """The data file cannot be used: said with its path, why, and the way out. It is never
    changed or removed here: it may hold steps not yet sent (results, uploads)."""

    def __init__(self, path: Path, why: str, way_out: str) -> None:
        super().__init__(f"The data file {path} cannot be used: {why}. {way_out}")
        self.path = path


#: SQLite's primary result codes (``sqlite3.Error.sqlite_errorcode & 0xFF``) that say what is
#: wrong with the file itself, or with where it is.
_HELD = {5, 6}  # SQLITE_BUSY, SQLITE_LOCKED
_DAMAGED = {11, 26}  # SQLITE_CORRUPT, SQLITE_NOTADB
_DISK = {3, 8, 10, 13, 14}  # SQLITE_PERM, READONLY, IOERR, FULL, CANTOPEN


def _data_file_error(path: Path, exc: BaseException) -> DataFileError:
    """In words, with the way out that fits: only a damaged file is to be moved aside (a
    healthy one on a full disk may hold steps not yet sent)."""
    if isinstance(exc, NewerSchemaError):
        return DataFileError(path, str(exc), "Use the newer Assessment Desk that wrote it.")
    code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
    if code in _HELD:
        return DataFileError(
            path,
            "another program holds it",
            "Close that program (a copy tool, a backup, a database viewer), then start again.",
        )
    if code in _DAMAGED or isinstance(exc, IsADirectoryError):
        return DataFileError(
            path,
            "it is a folder, not a data file"
            if isinstance(exc, IsADirectoryError)
            else "it is damaged, or is not an Assessment Desk data file",
            "Move it aside (the desk then starts a new one, and reads the orders from "
            "SmartRecruiters again), or put back a copy of it.",
        )
    if code in _DISK or isinstance(exc, OSError):
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        return DataFileError(
            path,
            f"it cannot be read or written there ({why})",
            "Free some space on the disk, or check that the folder may be written, then start "
            "again.",
        )
    return DataFileError(path, str(exc), "Check the file and its folder, then start again.")


def unreadable_data_file(path: Path, exc: Exception) -> DataFileError:
    """A data file whose contents this version cannot read: a damaged page SQLite meets only
    when reading it, or a value another program wrote (a BLOB where text belongs, a date that
    is not one) that the desk's own reading refuses."""
    if isinstance(exc, sqlite3.Error | OSError):
        return _data_file_error(path, exc)
    return DataFileError(
        path,
        "it holds an entry this version cannot read (damaged, or changed by another program; "
        f"the log names it: {type(exc).__name__})",
        "Put back a copy of it, or move it aside (the desk then starts a new one, and reads the "
        "orders from SmartRecruiters again; steps not yet sent stay in the file moved).",
    )


class DataFileLostError(sqlite3.OperationalError):
    """The data file's path no longer names the file the desk opened, and its data could not
    be put back there: nothing is written, and the message says why and what to do. An
    ``OperationalError``, so that every write's caller says it as it says a full disk."""


#: A file as the file system knows it: (device, inode).
_FileId = tuple[int, int]

#: What ``_file_id`` answers when the path cannot be looked at (a folder made unreadable).
_UNKNOWN: _FileId = (-1, -1)

#: The files SQLite keeps open beside a WAL database, by suffix ("": the database itself).
_OPEN_FILES = ("", "-wal", "-shm")


def _file_id(path: Path, *, link: bool = False) -> _FileId | None:
    """The file at ``path``; None when there is none (removed, or its folder); ``_UNKNOWN``
    when it cannot be looked at, which is never taken for a file gone. ``link``: a symbolic
    link at ``path`` is the file (``lstat``), not what it points to, or nothing."""
    try:
        info = os.lstat(path) if link else os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError:
        return _UNKNOWN
    return info.st_dev, info.st_ino


def _with_suffix(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def _aside_name(path: Path) -> Path:
    """Where a file found at the data file's path is moved: its name says what it is and
    when it was found, and takes nothing's place."""
    stamp = local_time(datetime.now(UTC)).strftime("%Y-%m-%d-%H%M%S")
    for count in range(1, 1000):
        again = f"-{count}" if count > 1 else ""
        aside = path.with_name(f"{path.stem}.found-in-its-place-{stamp}{again}{path.suffix}")
        if not any(os.path.lexists(_with_suffix(aside, s)) for s in (*_COMPANION_SUFFIXES, "")):
            return aside
    raise FileExistsError(f"No free name beside {path}")


def _set_up(conn: sqlite3.Connection) -> None:
    """The connection's settings; the first statement reads the file (and opens its WAL)."""
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")


class Database:
    def __init__(self, path: Path | str, *, busy_seconds: float = 5.0) -> None:
        """Open (creating, or bringing up to date) the data file at ``path`` (a ``str`` such
        as ":memory:" as given). ``DataFileError`` when a file cannot be used: SQLite's own
        "file is not a database" named no file and no way out. ``busy_seconds``: how long a
        write waits for another program's to end."""
        self.path = str(path)
        self._busy_seconds = busy_seconds
        self._lock = threading.RLock()
        #: Told, in words, that the data file was put back (called on the writing thread).
        self.on_put_back: Callable[[str], None] | None = None
        # The files opened, by suffix (``_OPEN_FILES``); None while opening, and for a
        # ``str`` path (":memory:"), which is not watched.
        self._opened: dict[str, _FileId | None] | None = None
        # The connection opened by a put-back not yet set up (``_finish_opening``).
        self._set_up_pending = False
        self._file = Path(path)
        if not isinstance(path, Path):
            self._conn = self._connect()
            return
        try:
            _make_private(path)
            self._conn = self._connect()
        except (sqlite3.Error, OSError, NewerSchemaError) as exc:
            raise _data_file_error(path, exc) from exc
        self._opened = self._open_files()

    def _open_files(self) -> dict[str, _FileId | None]:
        return {suffix: _file_id(_with_suffix(self._file, suffix)) for suffix in _OPEN_FILES}

    def _connect(self) -> sqlite3.Connection:
        # Autocommit mode: transactions are explicit (BEGIN IMMEDIATE) in `transaction()`.
        conn = sqlite3.connect(
            self.path, isolation_level=None, check_same_thread=False, timeout=self._busy_seconds
        )
        try:
            _set_up(conn)
            self._conn = conn
            self._migrate()
        except BaseException:
            conn.close()
            raise
        return conn

    def _migrate(self) -> None:
        with self.transaction() as conn:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise NewerSchemaError(
                    f"it was written by a newer Assessment Desk (schema {version})"
                )
            for step in range(version + 1, SCHEMA_VERSION + 1):
                for statement in _MIGRATIONS[step].split(";"):
                    if statement.strip():
                        conn.execute(statement)
                if step in _DATA_MIGRATIONS:
                    _DATA_MIGRATIONS[step](conn)
                conn.execute(f"PRAGMA user_version = {step}")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic unit: everything inside commits together or not at all. Written to the
        file at the data file's path (put back there first if it is not the one opened);
        ``DataFileLostError`` when that cannot be."""
        with self._lock:
            self._keep_file()
            self._finish_opening()
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            yield self._conn

    def close(self) -> None:
        """Closed with its data at its path: a file gone since the last write (no write came
        after the folder was removed) is put back first, else it went with the connection."""
        with self._lock:
            try:
                self._keep_file()
            except DataFileLostError as exc:
                log.error("%s", exc)  # the window is going: the log is where it can be said
            self._conn.close()

    # -- the data file's path no longer names the file opened ------------------------------

    def _keep_file(self) -> None:
        """Put the data back at its path when the path no longer names the file opened: one
        ``stat`` a write, ~1 µs."""
        if self._opened is None:
            return
        now = _file_id(self._file)
        if now == _UNKNOWN or now == self._opened[""]:
            return
        self._put_back(replaced=now is not None)

    def _put_back(self, *, replaced: bool) -> None:
        """The connection still holds every row: copied (SQLite's backup) to a private file
        in the data folder, made again if need be, renamed to the path, and opened there; only
        then is the old connection closed. Another file found there is moved aside, never
        written over; the folder's instance lock is taken again, so that no second desk starts
        on it (or, if one has, nothing is done). Said to ``on_put_back`` and the log. On any
        failure the desk stays on the old connection, which still holds everything, and the
        next write tries again."""
        path = self._file
        what = (
            "was replaced by another file"
            if replaced
            else "was removed (its folder deleted, or the file alone)"
        )
        try:
            make_private_dir(path.parent)
            retake_held(path.parent)
            copy = self._copy_beside(path)
        except AlreadyRunningError as exc:
            raise DataFileLostError(
                f"The data file {path} {what} while the desk was open, and another Assessment "
                f"Desk has started on that folder since"
                f"{f' (process {exc.holder})' if exc.holder else ''}: this desk writes nothing "
                "more, so that the two never send the same steps. Close the other Assessment "
                "Desk, not this one: this one still holds everything, and writes it back at "
                "its next change once the other has closed."
            ) from exc
        except (sqlite3.Error, OSError, LockUnavailableError) as exc:
            raise self._not_put_back(what, exc) from exc
        copied: _FileId | None = None
        try:
            made = os.stat(copy)
            copied = made.st_dev, made.st_ino
            moved = self._move_aside(path)
            os.replace(copy, path)
            fsync_folder(path.parent)
            conn = self._open_copy(path, copied)
        except (sqlite3.Error, OSError) as exc:
            with contextlib.suppress(OSError):  # what was wrong is said, not this
                copy.unlink(missing_ok=True)
                if copied is not None and _file_id(path, link=True) == copied:
                    path.unlink()  # the next try copies what the connection holds then
            raise self._not_put_back(what, exc) from exc
        # The copy is held open, by the connection the desk goes on with: the old one may go.
        # SQLite deletes its WAL and shared-memory files by name as it closes; those at the
        # path are its own, or none (others were moved aside): the copy's are made after, at
        # its first read.
        old, self._conn = self._conn, conn
        old.close()
        self._set_up_pending = True
        try:
            self._finish_opening()
        except sqlite3.Error as exc:
            self._opened = self._open_files()
            raise DataFileLostError(
                f"The data file {path} {what} while the desk was open. Everything it held was "
                f"written back there, but could not be read there yet ({exc}). Nothing is lost "
                "while the desk stays open: the next change tries again."
            ) from exc
        words = (
            f"The data file {path} {what} while the desk was open. Nothing was lost: the desk "
            "has written back there everything it held (orders, results, steps and files "
            "waiting to be sent)."
        )
        if moved:
            words += (
                " What had been put in its place was moved aside, not deleted: "
                f"{', '.join(str(aside) for aside in moved)}."
            )
        log.warning("%s", words)
        if self.on_put_back is not None:
            self.on_put_back(words)

    def _finish_opening(self) -> None:
        """The put-back's connection set up, if that is still to be done (it failed as the
        copy was opened): written to with SQLite's defaults, a commit was not synced."""
        if not self._set_up_pending:
            return
        _set_up(self._conn)
        self._set_up_pending = False
        self._opened = self._open_files()  # its WAL and shared-memory files made now

    def _open_copy(self, path: Path, copy: _FileId) -> sqlite3.Connection:
        """A connection to the copy renamed to ``path``; nothing read yet. Never a file made
        anew (removed again meanwhile: SQLite would make an empty one, and the desk go on
        with nothing), nor another put there meanwhile: ``OperationalError``."""
        conn = sqlite3.connect(
            f"{path.absolute().as_uri()}?mode=rw",
            uri=True,
            isolation_level=None,
            check_same_thread=False,
            timeout=self._busy_seconds,
        )
        # SQLite opened the file as it connected: the path naming the copy now, it was the
        # copy then (a file renamed away does not come back by itself).
        if _file_id(path) != copy:
            conn.close()  # nothing read: it deletes nothing by name
            raise sqlite3.OperationalError("it was removed or replaced again as it was opened")
        return conn

    def _not_put_back(self, what: str, exc: BaseException) -> DataFileLostError:
        """In words, with the way out that fits: a file where the folder should be said only
        "(File exists)", and "check the folder may be written" named nothing to move."""
        folder = self._file.parent
        went = f"The data file {self._file} {what} while the desk was open"
        if file_in_the_way(folder):
            why = f"a file is where the folder {folder}, or one above it, should be"
            way_out = "move that file, and the next change writes the data back"
        else:
            why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            way_out = (
                f"check that the folder {folder} may be written and that the disk has space; "
                "the next change tries again"
            )
        return DataFileLostError(
            f"{went}, and could not be written back ({why}). Nothing is lost while the desk "
            f"stays open: {way_out}. Closing the desk before that loses what it holds."
        )

    def _copy_beside(self, path: Path) -> Path:
        """Every row the connection holds, in a new private file beside ``path``."""
        import tempfile  # rarely needed: not loaded with every start

        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".put-back", dir=path.parent)
        os.close(fd)  # 0600 from mkstemp: SQLite keeps the mode, and gives it its journal
        copy = Path(name)
        try:
            target = sqlite3.connect(copy)
            try:
                self._conn.backup(target)  # a commit, synced: synchronous is FULL by default
            finally:
                target.close()
        except BaseException:
            copy.unlink(missing_ok=True)
            _with_suffix(copy, "-journal").unlink(missing_ok=True)
            raise
        return copy

    def _move_aside(self, path: Path) -> list[Path]:
        """Whatever another program put at ``path`` (and beside it: a WAL or journal that is
        not the connection's own) moved to one name, kept together (SQLite pairs a file with
        its WAL by name); where each went."""
        assert self._opened is not None
        # ``lstat``: a link there (a sync tool's placeholder, dangling) is theirs too; left,
        # SQLite refused to open the copy's WAL through it.
        theirs = [
            suffix
            for suffix in ("", *_COMPANION_SUFFIXES)
            if (found := _file_id(_with_suffix(path, suffix), link=True)) is not None
            and found != self._opened.get(suffix)
        ]
        if not theirs:
            return []
        aside = _aside_name(path)
        moved = []
        for suffix in theirs:
            os.rename(_with_suffix(path, suffix), _with_suffix(aside, suffix))
            moved.append(_with_suffix(aside, suffix))
        return moved


def select_in(
    conn: sqlite3.Connection, prefix: str, ids: list[str], chunk: int = 500, suffix: str = ""
) -> list[sqlite3.Row]:
    """``prefix (?, ?, …) suffix`` in chunks: SQLite caps the number of parameters of a
    statement. Each chunk is in ``suffix``'s order (an ``ORDER BY``), not the whole."""
    rows: list[sqlite3.Row] = []
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        marks = ", ".join("?" * len(part))
        rows.extend(conn.execute(f"{prefix} ({marks}) {suffix}", part).fetchall())
    return rows
