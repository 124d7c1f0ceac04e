"""Result ids and the upload queue: what must survive a crash between two calls."""

from __future__ import annotations

import os
import sqlite3
from datetime import timedelta

from app.domain.attachments import UploadState
from app.domain.file_names import storable_text
from app.domain.uploads import Upload
from app.store.database import Database, utc_now


def upload_of_row(row: sqlite3.Row) -> Upload:
    """An upload as its row in the uploads table holds it (``SELECT *``)."""
    fields = dict(row)
    if isinstance(fields["path"], bytes):  # see _stored_path
        fields["path"] = os.fsdecode(fields["path"])
    return Upload.model_validate(fields)


def _kept(message: str | None) -> str | None:
    return storable_text(message) if message is not None else None


def _stored_path(path: str) -> str | bytes:
    """``path`` as the uploads table keeps it: as text, or, for a name that is not UTF-8
    (a report unzipped from a legacy code page's archive: its bytes kept as surrogate
    escapes), as its bytes. sqlite3 cannot write such a str as text (UnicodeEncodeError: the
    drop failed), and a name written any other way would name another file after a restart.
    The column's TEXT affinity keeps a BLOB as it is; rows of text read as before."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(path)
    return path


def _name_holder(conn: sqlite3.Connection, order_id: str, file_name: str) -> UploadState | None:
    """The state of the order's upload that holds ``file_name``: one on its way or attached
    (a failed or cancelled one holds no name); None when the name is free."""
    row = conn.execute(
        "SELECT state FROM uploads WHERE order_id = ? AND file_name = ?"
        " AND state NOT IN ('failed', 'cancelled') ORDER BY id DESC",
        (order_id, file_name),
    ).fetchone()
    return UploadState(row["state"]) if row is not None else None


class ResultStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    # -- result ids --------------------------------------------------------------------------

    def result_id_for(self, order_id: str) -> str | None:
        """The latest result id of the order (an order normally has one)."""
        with self._db.reading() as conn:
            row = conn.execute(
                "SELECT result_id FROM results WHERE order_id = ? ORDER BY created_at DESC",
                (order_id,),
            ).fetchone()
        return row["result_id"] if row else None

    def forget_result(self, order_id: str, result_id: str) -> None:
        """``result_id`` is not the order's result after all (this desk made it, and another
        completed the order with its own): files dropped later go to that one."""
        with self._db.transaction() as conn:
            conn.execute(
                "DELETE FROM results WHERE order_id = ? AND result_id = ?", (order_id, result_id)
            )

    def adopt_result(self, order_id: str, result_id: str) -> None:
        """Record a result the order already has in SmartRecruiters (made outside this desk):
        reports dropped on the order go to it, and files queued for it know where to go."""
        with self._db.transaction() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO results (order_id, result_id, created_at) VALUES (?, ?, ?)",
                (order_id, result_id, utc_now()),
            )
            conn.execute(
                "UPDATE uploads SET result_id = ? WHERE order_id = ? AND result_id IS NULL",
                (result_id, order_id),
            )

    # -- uploads -----------------------------------------------------------------------------

    def enqueue(
        self, order_id: str, path: str, file_name: str, size: int, *, identity: str | None = None
    ) -> Upload:
        with self._db.transaction() as conn:
            return self._insert(conn, order_id, path, file_name, size, identity=identity)

    @staticmethod
    def _insert(
        conn: sqlite3.Connection,
        order_id: str,
        path: str,
        file_name: str,
        size: int,
        *,
        identity: str | None,
    ) -> Upload:
        now = utc_now()
        result_id = conn.execute(
            "SELECT result_id FROM results WHERE order_id = ? ORDER BY created_at DESC",
            (order_id,),
        ).fetchone()
        cursor = conn.execute(
            "INSERT INTO uploads (order_id, result_id, path, file_name, size, state,"
            " created_at, updated_at, queued_identity)"
            " VALUES (?, ?, ?, ?, ?, 'queued', ?, ?, ?)",
            (order_id, result_id[0] if result_id else None, _stored_path(path), file_name, size,
             now, now, identity),
        )  # fmt: skip
        row = conn.execute("SELECT * FROM uploads WHERE id = ?", (cursor.lastrowid,)).fetchone()
        return upload_of_row(row)

    def enqueue_if_free(
        self, order_id: str, path: str, file_name: str, size: int, *, identity: str | None = None
    ) -> Upload | UploadState:
        """Queue the file unless the order has one of that name on its way or attached: the
        new upload, or the state of the one holding the name. Checked and written in one
        transaction (two quick drops of one file both found the name free, and both went).
        Names identify attachments when an interrupted upload is looked for on the result.
        A failed or cancelled one does not hold its name (the same report, dropped again from
        another folder, replaces it; its own Retry is then refused in words). ``identity``:
        what the file was when it was checked (``file_identity.FileIdentity.to_text``), which
        it must still be when it is sent."""
        with self._db.transaction() as conn:
            holder = _name_holder(conn, order_id, file_name)
            if holder is not None:
                return holder
            return self._insert(conn, order_id, path, file_name, size, identity=identity)

    def queued_identity(self, upload_id: int) -> str | None:
        """What the upload's file was when it was queued (``enqueue_if_free``'s ``identity``);
        None when it is not known (queued by an older version, or without one)."""
        with self._db.reading() as conn:
            row = conn.execute(
                "SELECT queued_identity FROM uploads WHERE id = ?", (upload_id,)
            ).fetchone()
        return row["queued_identity"] if row else None

    def requeue_if_free(self, upload_id: int, order_id: str) -> Upload | UploadState | None:
        """The order's failed or cancelled upload, queued again, unless another upload of its
        name is on its way or attached (that one's state, and nothing changed); None when it
        is not that order's, or not failed or cancelled. Checked and written in one
        transaction: a drop of the same file between Retry's check and its move queued both,
        and both were attached."""
        with self._db.transaction() as conn:
            this = conn.execute(
                "SELECT file_name FROM uploads WHERE id = ? AND order_id = ?"
                " AND state IN ('failed', 'cancelled')",
                (upload_id, order_id),
            ).fetchone()
            if this is None:
                return None
            holder = _name_holder(conn, order_id, this["file_name"])
            if holder is not None:  # not this one: it is failed or cancelled
                return holder
            conn.execute(
                "UPDATE uploads SET state = 'queued', message = NULL, updated_at = ? WHERE id = ?",
                (utc_now(), upload_id),
            )
            row = conn.execute("SELECT * FROM uploads WHERE id = ?", (upload_id,)).fetchone()
        return upload_of_row(row)

    def fail_unsent(self, order_id: str, message: str, *, result_id: str | None = None) -> None:
        """The order's files queued for a result it will not get from this desk (none, or
        another's) fail, saying why, rather than wait for ever or go to another's result.
        ``result_id``: those queued for that result fail too (this desk's, made, and the
        order completed by another with its own)."""
        with self._db.transaction() as conn:
            conn.execute(
                "UPDATE uploads SET state = 'failed', message = ?, updated_at = ?"
                " WHERE order_id = ? AND state = 'queued'"
                " AND (result_id IS NULL OR result_id = ?)",
                (storable_text(message), utc_now(), order_id, result_id),
            )

    def get(self, upload_id: int) -> Upload | None:
        with self._db.reading() as conn:
            row = conn.execute("SELECT * FROM uploads WHERE id = ?", (upload_id,)).fetchone()
        return upload_of_row(row) if row else None

    def for_order(self, order_id: str) -> list[Upload]:
        with self._db.reading() as conn:
            rows = conn.execute(
                "SELECT * FROM uploads WHERE order_id = ? ORDER BY id", (order_id,)
            ).fetchall()
        return [upload_of_row(row) for row in rows]

    def unfinished(self) -> list[Upload]:
        """Queued or interrupted uploads: to resume on start."""
        with self._db.reading() as conn:
            rows = conn.execute(
                "SELECT * FROM uploads WHERE state IN ('queued', 'uploading') ORDER BY id"
            ).fetchall()
        return [upload_of_row(row) for row in rows]

    def set_state(
        self,
        upload_id: int,
        state: UploadState,
        *,
        message: str | None = None,
        attachment_id: str | None = None,
    ) -> None:
        with self._db.transaction() as conn:
            conn.execute(
                "UPDATE uploads SET state = ?, message = ?,"
                " attachment_id = COALESCE(?, attachment_id), updated_at = ? WHERE id = ?",
                (state.value, _kept(message), attachment_id, utc_now(), upload_id),
            )

    def move(
        self,
        upload_id: int,
        order_id: str,
        from_states: frozenset[UploadState],
        to: UploadState,
        *,
        message: str | None = None,
    ) -> Upload | None:
        """The order's upload moved from one of ``from_states`` to ``to``, checked and written
        in one statement (an upload that ends meanwhile is never overwritten); None when it is
        not that order's, or not in one of those states, and nothing changed."""
        marks = ", ".join("?" * len(from_states))
        with self._db.transaction() as conn:
            moved = conn.execute(
                "UPDATE uploads SET state = ?, message = ?, updated_at = ?"
                f" WHERE id = ? AND order_id = ? AND state IN ({marks})",
                (to.value, _kept(message), utc_now(), upload_id, order_id,
                 *(state.value for state in from_states)),
            ).rowcount  # fmt: skip
            row = conn.execute("SELECT * FROM uploads WHERE id = ?", (upload_id,)).fetchone()
        return upload_of_row(row) if moved else None

    def start_sending(
        self,
        upload_id: int,
        order_id: str,
        fingerprint: str | None,
        *,
        service_ahead: timedelta | None = None,
    ) -> Upload | None:
        """The order's upload, queued (or already sending), marked as sending with the file's
        fingerprint; None, and nothing changed, when it was cancelled meanwhile.

        ``sending_since`` is when this try's bytes began to go. A try resumed while still
        "uploading" (the app stopped while it sent) keeps its start: it may have reached the
        service any time since. A try from the queue starts its own: kept from Monday's failed
        try, Wednesday's Retry, cut off, looked since Monday, and took the file a recruiter
        attached under the same name on Tuesday for this one, never sent. A try that did send
        the whole file is remembered apart (``delivered_at``). Each keeps how far
        SmartRecruiters' clock was ahead when it was written (``service_ahead``: None when
        not known yet): a clock put right before the resume does not move it."""
        now = utc_now()
        ahead = service_ahead.total_seconds() if service_ahead is not None else None
        with self._db.transaction() as conn:
            moved = conn.execute(
                "UPDATE uploads SET state = 'uploading', message = NULL,"
                " sending_clock_offset = CASE WHEN state = 'uploading'"
                " AND sending_since IS NOT NULL THEN sending_clock_offset ELSE ? END,"
                " sending_since = CASE WHEN state = 'uploading'"
                " THEN COALESCE(sending_since, ?) ELSE ? END,"
                " fingerprint = ?, updated_at = ?"
                " WHERE id = ? AND order_id = ? AND state IN ('queued', 'uploading')",
                (ahead, now, now, fingerprint, now, upload_id, order_id),
            ).rowcount
            row = conn.execute("SELECT * FROM uploads WHERE id = ?", (upload_id,)).fetchone()
        return upload_of_row(row) if moved else None

    def mark_delivered(self, upload_id: int) -> None:
        """The whole file went out, and no answer came (or a Cancel came after "100 %"): the
        service may have it since this try's bytes began to go (``sending_since``), not only
        since now. Dated at the Cancel, six minutes after "100 %" (its answer slow), the copy
        the service had kept was not found, and the file dropped again was attached twice.
        An earlier try that went whole keeps its earlier date: both copies may be there. The
        date keeps its clock offset; one dated now (an older version's try) has none known."""
        with self._db.transaction() as conn:
            conn.execute(
                "UPDATE uploads SET delivered_clock_offset = CASE"
                " WHEN delivered_at IS NOT NULL THEN delivered_clock_offset"
                " WHEN sending_since IS NOT NULL THEN sending_clock_offset END,"
                " delivered_at = COALESCE(delivered_at, sending_since, ?)"
                " WHERE id = ?",
                (utc_now(), upload_id),
            )

    # -- small facts -------------------------------------------------------------------------

    def meta(self, key: str) -> str | None:
        with self._db.reading() as conn:
            row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row["value"] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self._db.transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))
