"""A snapshot as the Orders room's source: read-only, offline, its own records for the detail.

Rows come straight from the snapshot's index (no order is parsed to list 100,000 of them); an
order is parsed when it is shown. Nothing here opens a connection.
"""

from __future__ import annotations

import asyncio
import html
import logging
from dataclasses import dataclass
from pathlib import Path

from app.domain.count_words import counted
from app.domain.file_names import shown_in_sentence
from app.domain.journal_terms import LinkedAssessment
from app.domain.line_text import cut
from app.domain.order_result import saved_result_text
from app.domain.order_state import NO_STATE, OrderState
from app.domain.service_time import local_time
from app.domain.smartrecruiters import AssessmentOrder, Candidate
from app.domain.snapshot import (
    TEXT_READ,
    SnapshotAttachment,
    SnapshotOrder,
    comments_not_kept,
    is_file_note,
    results_not_kept,
)
from app.store.snapshot_file import Snapshot, SnapshotError, open_snapshot
from app.ui.orders.sources import Comments, OrderSource, Records, SnapshotFiles
from app.views.inbox_columns import INBOX
from app.views.order_rows import SNAPSHOT_EMPTY_FIELDS, OrderColumns
from app.views.order_search import PreparedSearch
from app.views.text import one_line, title_name

log = logging.getLogger(__name__)

READ_ONLY_TIP = "This is a read-only snapshot: nothing can be changed or sent from here."


def snapshot_title(snapshot: Snapshot) -> str:
    # A name that is not UTF-8 as file managers show it: Qt dropped its bytes from the title.
    return f"Snapshot (read-only) — {title_name(shown_in_sentence(snapshot.path.name))}"


#: What a file says of itself (where it was saved from, the search then) is shown at most this
#: long: one 60 KB word made the window 425,652 pixels wide.
SHOWN_FROM_FILE = 120


def from_the_file(text: str) -> str:
    """Text the snapshot file holds, fit for a line of the window: one line, at most
    ``SHOWN_FROM_FILE`` characters. Still text: escape it before putting it in rich text."""
    return one_line(text, SHOWN_FROM_FILE)


def banner_text(snapshot: Snapshot) -> str:
    """The banner's rich text: everything the file says in it is escaped (a file's own
    tags were rendered: a spoofed "LIVE — connected" line, or nested tables that hung Qt)."""
    meta = snapshot.meta
    when = local_time(meta.created_at).strftime("%Y-%m-%d %H:%M")
    count = counted(meta.order_count, "order")
    source = html.escape(from_the_file(meta.source))
    scope = html.escape(from_the_file(meta.filter.describe()))
    return (
        f"<b>Read-only snapshot</b> of {count}, saved {when} from {source} "
        f"({scope}). Offline: nothing here changes SmartRecruiters or Berke."
    )


@dataclass(frozen=True)
class ReadSnapshot:
    """A snapshot read and checked, with the search over its rows: all a window needs that
    costs time at 100,000 orders, made by ``read_snapshot`` in a worker thread."""

    snapshot: Snapshot
    prepared: PreparedSearch


def read_snapshot(path: Path) -> ReadSnapshot:
    """Open ``path`` (raises ``SnapshotError``) and build its rows' search. It blocks: call it
    off the GUI thread (``asyncio.to_thread``)."""
    snapshot = open_snapshot(path)
    return ReadSnapshot(snapshot, PreparedSearch.of(INBOX, OrderColumns.of_index(snapshot.index)))


class SnapshotOrders(OrderSource):
    """``snapshot``'s orders and records. A damaged record still lists (from the index) and
    says why it could not be read where its comments and files go."""

    read_only_reason = READ_ONLY_TIP
    empty_fields = SNAPSHOT_EMPTY_FIELDS

    def __init__(self, snapshot: Snapshot, prepared: PreparedSearch | None = None) -> None:
        super().__init__()
        self.snapshot = snapshot
        self._prepared = prepared
        self._rows = (
            prepared.rows if prepared is not None else OrderColumns.of_index(snapshot.index)
        )

    @property
    def title(self) -> str:
        return snapshot_title(self.snapshot)

    @property
    def description(self) -> str:
        return f"Offline snapshot · {from_the_file(self.snapshot.meta.source)}"

    def all_rows(self) -> tuple[OrderColumns, dict[str, int] | None]:
        return self._rows, self.snapshot.row_ids()

    def prepared_search(self) -> PreparedSearch | None:
        return self._prepared

    def record(self, order_id: str) -> SnapshotOrder | None:
        return self._read(order_id)[0]

    def _read(self, order_id: str) -> tuple[SnapshotOrder | None, str]:
        """The order's record, or None and why it could not be read ("" when the file has
        no such order)."""
        row = self.snapshot.row_of(order_id)
        if row is None:
            return None, ""
        try:
            return self.snapshot.record(row), ""
        except SnapshotError as exc:
            log.info("Snapshot record %s unreadable: %s", order_id, exc)
            return None, str(exc)

    def order(self, order_id: str) -> AssessmentOrder | None:
        record = self.record(order_id)
        if record is not None:
            return record.order
        row = self.snapshot.row_of(order_id)
        if row is None:
            return None
        # A damaged record still shows what the index knows of it.
        summary = self.snapshot.index.summary(row)
        first, _, last = summary.candidate.partition(" ")
        return AssessmentOrder.model_construct(
            id=summary.id,
            status=summary.status,
            candidate=Candidate.model_construct(
                id=summary.candidate_id, first_name=first, last_name=last,
                email=summary.email or None,
            ),
        )  # fmt: skip

    def link(self, order_id: str) -> LinkedAssessment | None:
        record = self.record(order_id)
        return record.linked_assessment if record is not None else None

    def state(self, order_id: str) -> OrderState:
        link = self.link(order_id)
        row = self.snapshot.row_of(order_id)
        gone_since = self.snapshot.index.gone_since(row) if row is not None else None
        if link is None and gone_since is None:
            return NO_STATE
        return OrderState(link=link, gone_since=gone_since)

    def records_at_hand(self, order_id: str) -> Records:
        record, unread = self._read(order_id)
        if record is None:
            # Unreadable (the file replaced on disk since it was opened, say): said where the
            # comments go, not "No comments yet." for an order whose record has some.
            return Records([], Comments(None if unread else [], unread))
        # Not fetched when saved (refused, not asked, the order gone): said so, in the file's
        # words, rather than "No comments yet." for the empty list the file holds then.
        # Each note is cut when read (``with_texts_cut``); so is what they say together.
        not_kept = cut(comments_not_kept(record), TEXT_READ)
        comments = Comments(None, not_kept=not_kept) if not_kept else Comments(record.comments)
        return Records(list(record.timeline), comments)

    def result_as_saved(self, order_id: str) -> str:
        record = self.record(order_id)
        if record is None:
            return ""
        return cut(results_not_kept(record), TEXT_READ) or saved_result_text(record.results)

    def snapshot_files(self, order_id: str) -> SnapshotFiles:
        record, unread = self._read(order_id)
        if record is None:
            return SnapshotFiles([], f"The files could not be read. {unread}" if unread else "")
        left_out = cut("; ".join(n for n in record.notes if is_file_note(n)), TEXT_READ)
        return SnapshotFiles(list(record.attachments), left_out)

    async def extract(self, attachment: SnapshotAttachment) -> Path:
        """A temporary copy of a file the snapshot keeps (off the GUI thread)."""
        return await asyncio.to_thread(self.snapshot.extract_attachment, attachment)
