"""A snapshot of orders, kept to look at later offline or to hand to a colleague.

The shapes of the versioned file format (``docs/snapshot-format.md``): the metadata in
``snapshot.json``, the table index in ``index.json`` (one column per field, so a reader can list
100,000 orders without parsing each one), and one ``SnapshotOrder`` per line of the
``orders/NNNNN.jsonl`` chunks (a reader decompresses only the chunk of an order it shows).
No I/O here; ``app.store.snapshot_file`` reads and writes the archive.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    field_serializer,
    field_validator,
    model_serializer,
    model_validator,
)

from app.domain.journal import JournalEntry
from app.domain.journal_terms import LinkedAssessment, StepKind, StepState
from app.domain.journal_v1 import outcome_to_v1, step_to_v1
from app.domain.line_text import cut
from app.domain.order_summary import OrderSummary
from app.domain.smartrecruiters import (
    AssessmentComment,
    AssessmentOrder,
    AssessmentResult,
    OrderStatus,
)
from app.domain.sr_limits import SR_MESSAGE_MAX

META_MEMBER = "snapshot.json"
INDEX_MEMBER = "index.json"
ORDERS_FOLDER = "orders/"
ORDERS_PER_CHUNK = 1000


def orders_member(chunk: int) -> str:
    """The archive member holding orders ``chunk * per_chunk`` onwards, one JSON per line."""
    return f"{ORDERS_FOLDER}{chunk:05d}.jsonl"


ATTACHMENTS_FOLDER = "attachments/"


#: Keys of the filter added to format 1 later, and what they are when they say nothing.
_LATER_FILTER_KEYS = {"attention": False, "tab": "inbox"}


class SnapshotFilter(BaseModel):
    """Which orders went in: all of them, or those a tab showed: the inbox's (its search and
    status filter), or the Candidates tab's (every order of each candidate its search finds)."""

    model_config = ConfigDict(defer_build=True, extra="forbid")

    scope: Literal["all", "view"] = "all"
    search: str = ""
    statuses: list[OrderStatus] = Field(default_factory=list)
    #: The inbox's status filter was "Needs attention" (flagged orders, of any status).
    attention: bool = False
    tab: Literal["inbox", "candidates"] = "inbox"

    @model_serializer(mode="wrap")
    def _later_keys_when_used(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # Written only when they say something: an older reader of version 1 refuses unknown
        # keys, and a file saved without them is still one it reads.
        data: dict[str, Any] = handler(self)
        for key, nothing in _LATER_FILTER_KEYS.items():
            if data.get(key) == nothing:
                del data[key]
        return data

    def describe(self) -> str:
        if self.scope == "all":
            return "All orders"
        parts = ["Orders in view"]
        if self.tab == "candidates":
            parts.append("Candidates tab")
        if self.search:
            parts.append(f"search “{self.search}”")
        if self.attention:
            parts.append("needs attention")
        if self.statuses:
            parts.append("status " + ", ".join(s.value for s in self.statuses))
        return " · ".join(parts)


SAVED_FROM_YEAR, SAVED_UNTIL_YEAR = 2000, 9000


class SnapshotMeta(BaseModel):
    """``snapshot.json``: what the file is, when and from where it was made. Never a key."""

    model_config = ConfigDict(defer_build=True, extra="forbid")

    format: Literal["assessment-desk-snapshot"] = "assessment-desk-snapshot"
    version: Literal[1] = 1
    # With its time zone, and years from any date's edges: one without compared with one with
    # raised TypeError, and 9999-12-31 shown in Tokyo's time raised OverflowError.
    created_at: AwareDatetime
    app_version: str
    source: str  # where the orders came from, without credentials (see ``redact_source``)
    filter: SnapshotFilter = Field(default_factory=SnapshotFilter)
    order_count: int = Field(ge=0)
    orders_per_chunk: int = Field(default=ORDERS_PER_CHUNK, ge=1, le=100_000)
    attachment_count: int = Field(default=0, ge=0)

    @field_validator("created_at")
    @classmethod
    def _a_real_year(cls, value: datetime) -> datetime:
        if not SAVED_FROM_YEAR <= value.year <= SAVED_UNTIL_YEAR:
            raise ValueError(
                f"a snapshot is saved between {SAVED_FROM_YEAR} and {SAVED_UNTIL_YEAR}"
            )
        return value

    @field_validator("version", mode="before")
    @classmethod
    def _integer_version(cls, value: object) -> object:
        # ``Literal[1]`` alone takes True and 1.0 (both equal 1 in Python); a format version
        # is an integer, and a reader must not take another shape for version 1.
        if type(value) is not int:
            raise ValueError("the format version must be the integer 1")
        return value


#: Starts the note naming a result's files that SmartRecruiters keeps and the snapshot cannot.
REMOTE_FILES_NOTE = "Files kept by SmartRecruiters, not in this snapshot"
#: Starts the note saying a result's files could not even be listed.
FILES_NOT_LISTED_NOTE = "The files of a result could not be listed"
#: Starts the note naming reports sent from this desk whose file here is no longer the one
#: sent (another saved under its name since): a snapshot is handed around, never with those.
CHANGED_FILES_NOTE = "Changed since it was sent: not kept"


def is_file_note(note: str) -> bool:
    """Whether an order's note is about its files (shown with them in the detail pane)."""
    return note.startswith((REMOTE_FILES_NOTE, FILES_NOT_LISTED_NOTE, CHANGED_FILES_NOTE))


#: Start the notes saying SmartRecruiters refused an order's comments, or its results.
COMMENTS_REFUSED_NOTE = "Comments could not be fetched"
RESULTS_REFUSED_NOTE = "Results could not be fetched"
#: The note of each order of a snapshot saved without "Fetch comments and results".
DETAILS_NOT_ASKED_NOTE = (
    "Comments and results were not fetched: the snapshot was saved without them."
)
#: Starts the note of an order SmartRecruiters no longer had: kept without comments and results.
GONE_NOTE = "SmartRecruiters no longer had this order"


def comments_not_kept(record: SnapshotOrder) -> str:
    """Why the record holds none of the order's comments, in its notes' words; "": it holds
    them as they were (an empty list is then "no comments")."""
    return _notes_starting(record, (COMMENTS_REFUSED_NOTE, DETAILS_NOT_ASKED_NOTE, GONE_NOTE))


def results_not_kept(record: SnapshotOrder) -> str:
    """Why the record holds none of the order's results, in its notes' words; "": it holds
    them as they were."""
    return _notes_starting(record, (RESULTS_REFUSED_NOTE, DETAILS_NOT_ASKED_NOTE, GONE_NOTE))


def _notes_starting(record: SnapshotOrder, starts: tuple[str, ...]) -> str:
    return " ".join(note for note in record.notes if note.startswith(starts))


class SnapshotAttachment(BaseModel):
    """A file kept with an order: where it sits in the archive (``member``), what it is."""

    model_config = ConfigDict(defer_build=True, extra="forbid")

    file_name: str = Field(min_length=1, max_length=255)
    member: str = Field(min_length=1, max_length=1024)
    size: int = Field(ge=0)
    attachment_id: str | None = None
    result_id: str | None = None


class SnapshotStep(BaseModel):
    """One step of an order's timeline as format 1 keeps it: ``request`` and ``outcome`` are
    the journal's first form (dicts), whatever form the desk's own journal has moved to."""

    model_config = ConfigDict(defer_build=True, frozen=True)

    id: int
    order_id: str
    action: StepKind
    state: StepState
    request: dict[str, Any]
    outcome: dict[str, Any] | None = None
    message: str | None = None
    created_at: datetime
    updated_at: datetime
    #: Cancelled by the coordinator while it waited: written as "failed" in ``state`` too, a
    #: state every desk reading format 1 knows (an older one said the whole order "damaged"
    #: at "cancelled"), and read back as cancelled here.
    cancelled: bool = Field(default=False, exclude_if=lambda cancelled: not cancelled)
    #: A try of the step whose answer was lost may have been carried out (an invitation the
    #: candidate may have): said so, as the desk says it, not "failed". Written only when
    #: set; a desk before it ignores it and says the step failed, as it always did.
    may_have_gone: bool = Field(default=False, exclude_if=lambda gone: not gone)

    @model_validator(mode="before")
    @classmethod
    def _cancelled_as_written(cls, data: Any) -> Any:
        marked = isinstance(data, dict) and data.get("cancelled") is True
        if marked and data.get("state") == StepState.FAILED.value:
            return {**data, "state": StepState.CANCELLED.value}
        return data

    @field_serializer("state")
    def _state_as_written(self, state: StepState) -> str:
        return (StepState.FAILED if state is StepState.CANCELLED else state).value

    @classmethod
    def of(cls, entry: JournalEntry) -> SnapshotStep:
        return cls(
            id=entry.id,
            order_id=entry.order_id,
            action=entry.action,
            state=entry.state,
            cancelled=entry.state is StepState.CANCELLED,
            # Only where the desk says it: a step done was carried out, whatever came before.
            may_have_gone=entry.may_have_gone and entry.state is not StepState.DONE,
            request=step_to_v1(entry.step),
            outcome=outcome_to_v1(entry.outcome) if entry.outcome is not None else None,
            message=entry.message,
            created_at=entry.created_at,
            updated_at=entry.updated_at,
        )


class SnapshotOrder(BaseModel):
    """One line of ``orders.jsonl``: an order with everything the detail pane shows."""

    model_config = ConfigDict(defer_build=True, extra="forbid")

    order: AssessmentOrder
    comments: list[AssessmentComment] = Field(default_factory=list)
    results: list[AssessmentResult] = Field(default_factory=list)
    linked_assessment: LinkedAssessment | None = None
    timeline: list[SnapshotStep] = Field(default_factory=list)
    attachments: list[SnapshotAttachment] = Field(default_factory=list)
    #: What could not be gathered, in words ("Comments could not be fetched: …").
    notes: list[str] = Field(default_factory=list)


#: The most of one text of an order (a comment, a step's message, a note) a reader keeps, the
#: rest cut to "…": anything the desk sends SmartRecruiters (``SR_MESSAGE_MAX``) is whole. A
#: file may hold a comment of 300,000 lines within its limits, and the detail pane froze the
#: window for 10-30 s laying it out each time the order was selected.
TEXT_READ = 3 * SR_MESSAGE_MAX // 2


def with_texts_cut(record: SnapshotOrder) -> SnapshotOrder:
    """``record`` as a reader keeps it: each comment, step message and note cut to
    ``TEXT_READ`` (a note keeps its start, which says what it is). The record itself when
    nothing is that long: the common case costs no copy."""

    def long(text: str | None) -> bool:
        return text is not None and len(text) > TEXT_READ

    comments = record.comments
    if any(long(c.message) for c in comments):
        comments = [
            c.model_copy(update={"message": cut(c.message, TEXT_READ)}) if long(c.message) else c
            for c in comments
        ]
    timeline = record.timeline
    if any(long(s.message) for s in timeline):
        timeline = [
            s.model_copy(update={"message": cut(s.message or "", TEXT_READ)})
            if long(s.message)
            else s
            for s in timeline
        ]
    notes = record.notes
    if any(long(n) for n in notes):
        notes = [cut(n, TEXT_READ) for n in notes]
    if comments is record.comments and timeline is record.timeline and notes is record.notes:
        return record
    return record.model_copy(update={"comments": comments, "timeline": timeline, "notes": notes})


class SnapshotIndex(BaseModel):
    """``index.json``: the table's columns, one list per field, all of the same length.

    Derived from the orders when the file is written; a reader trusts it for the list only and
    takes the details from ``orders.jsonl``, checking that both name the same order.
    """

    model_config = ConfigDict(defer_build=True, extra="forbid")

    id: list[str]
    status: list[OrderStatus]
    candidate_id: list[str]
    candidate: list[str]
    email: list[str]
    job: list[str]
    company: list[str]
    requestor: list[str]
    created: list[str]
    #: Since when SmartRecruiters no longer had each order (UTC text, as ``created``; "": it
    #: had it). Not of the order lines: what the desk knew when saving. Written only when an
    #: order is gone (an older reader refuses an unknown column); None in a file without it.
    gone: list[str] | None = None

    @model_validator(mode="after")
    def _same_length(self) -> SnapshotIndex:
        lengths = {len(getattr(self, name)) for name in OrderSummary._fields}
        if self.gone is not None:
            lengths.add(len(self.gone))
        if len(lengths) > 1:
            raise ValueError("the index columns have different lengths")
        return self

    def __len__(self) -> int:
        return len(self.id)

    @classmethod
    def of(cls, summaries: list[OrderSummary], gone: list[str] | None = None) -> SnapshotIndex:
        """The index of ``summaries``; ``gone``: each one's gone time, "" for most."""
        columns = {name: [getattr(s, name) for s in summaries] for name in OrderSummary._fields}
        # Built from validated orders: nothing left to check, and 100,000 rows is not free.
        return cls.model_construct(None, **columns, gone=gone if gone and any(gone) else None)

    def gone_since(self, row: int) -> datetime | None:
        """Since when SmartRecruiters no longer had the order of ``row`` when the snapshot was
        saved; None: it had it (or the file, older than the column, does not say)."""
        when = self.gone[row] if self.gone is not None else ""
        return datetime.fromisoformat(when) if when else None

    def summary(self, row: int) -> OrderSummary:
        return OrderSummary(*(getattr(self, name)[row] for name in OrderSummary._fields))


_USERINFO = re.compile(r"(?<=://)[^/@\s]*@")
_QUERY = re.compile(r"\?[^\s]*")
_LONG_TOKEN = re.compile(r"\b[A-Za-z0-9_\-]{24,}\b")


def redact_source(text: str) -> str:
    """A connection description safe to write down: no user:password@, no query strings (keys
    sometimes ride in them), no long token-like words."""
    text = _USERINFO.sub("", text)
    text = _QUERY.sub("", text)
    return _LONG_TOKEN.sub("[redacted]", text)
