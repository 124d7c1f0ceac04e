"""The Offers room's one door to the catalogue: pages, create, update, submit, withdraw, the
recorded Costs and an offer's recent orders, as async methods that take and return domain
models and fail with one error type in words.

Built from a session and the database, so the UI never holds a ``Desk``, a client or a store,
and never imports ``app.clients`` to learn what went wrong. Store reads and writes run off the
GUI thread (the workflows in ``app.workflows.offers`` use ``asyncio.to_thread``).
"""

from __future__ import annotations

import logging
import re
import sqlite3
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from app.clients.errors import (
    ApiError,
    NetworkError,
    ServerError,
    StateConflictError,
    ThrottledError,
    ValidationApiError,
)
from app.clients.smartrecruiters import ActiveOfferRefusedError
from app.domain.line_text import PART_SHOWN, one_line
from app.domain.offer_cost import OfferCost
from app.domain.smartrecruiters import AssessmentOrder, Offer, OfferStatus, Page
from app.store.database import Database
from app.store.order_cache import OrderCache
from app.workflows import offers
from app.workflows.session import Session

log = logging.getLogger(__name__)

#: What a "New offer" form keeps of a create that may have gone through (``OfferError.sent``).
SentCreate = offers.SentCreate

#: The offer field a refused status belongs to (the service's spelling).
STATUS_FIELD = "status"
CATALOG_ID_FIELD = "catalogId"
#: The recorded Cost: kept here, not on SmartRecruiters (so not one of its spellings).
COST_FIELD = "cost.kind"

# SmartRecruiters names the field it refuses: "Field 'terms.price.amount' must …", or, in the
# wording its reference documents, "Please provide 'result' field." Plain character classes,
# no nesting: linear on any service text.
_FIELD_NAMED = re.compile(r"Field '([\w.]{1,100})'|'([\w.]{1,100})' field\b", re.IGNORECASE)


class OfferError(Exception):
    """An offer call that failed in a way a coordinator should read.

    ``str()`` is the sentence to show (the service's own words included, as ``ApiError``
    words them); ``field`` is the offer field it names, in the service's spelling
    ("catalogId", "terms.price.amount", "status"), or None.
    """

    def __init__(
        self,
        message: str,
        field: str | None = None,
        *,
        wait_seconds: float | None = None,
        may_have_gone_through: bool = False,
    ) -> None:
        super().__init__(message)
        self.field = field
        #: SmartRecruiters asked to wait this long before calling again (a 429), or None.
        self.wait_seconds = wait_seconds
        #: The call failed here, yet SmartRecruiters may have made the change (the request
        #: left and its answer was lost or unreadable, or only the Cost failed after it).
        self.may_have_gone_through = may_have_gone_through
        #: A create that may have gone through: what it sent, and what was there before it
        #: (what Save again passes back to tell the offer it made from a look-alike); after
        #: a save that took an earlier create's offer, the form now with that create's proof.
        self.sent: SentCreate | None = None


class OfferChangedMeanwhileError(OfferError):
    """Saving an edit would undo a change made in SmartRecruiters since the offer was opened:
    nothing was sent. ``now`` is the offer as it is now."""

    def __init__(self, now: Offer) -> None:
        super().__init__(
            f"“{one_line(now.name, PART_SHOWN)}” was changed in SmartRecruiters after you "
            "opened it here (by a "
            "colleague, or in the Partner Portal). Saving your version would undo that change."
        )
        self.now = now


@dataclass(frozen=True)
class OfferPage:
    """One page of the catalogue with the Costs recorded here, by offer id.

    ``offset`` is where the page really starts, never past the one asked for: when the
    asked-for page was empty (offers moved away, a count too high, or the full page before it
    was the last), the catalogue answers with the last page holding offers before it instead
    (``ended``), or the first page.
    """

    offers: list[Offer]
    costs: dict[str, OfferCost]
    total: int | None  # None: SmartRecruiters gave no count
    offset: int
    page_size: int
    #: No page comes after this one.
    last: bool
    #: The page's offers that could not be read (left out), one line each.
    unreadable: tuple[str, ...] = ()
    #: The page asked for was empty: this one, the last with offers, came instead.
    ended: bool = False

    @property
    def reached(self) -> int:
        """How many offers the listing holds up to the end of this page."""
        return self.offset + len(self.offers) + len(self.unreadable)

    @property
    def count_wrong(self) -> bool:
        """The listing proves SmartRecruiters' count wrong: offers listed past it, or the
        list ended short of it."""
        total = self.total
        return total is not None and (self.reached > total or (self.last and self.reached < total))

    @property
    def total_shown(self) -> int | None:
        """The count to show with the page: None when SmartRecruiters gave none, or a wrong
        one (``count_wrong``)."""
        return None if self.count_wrong else self.total


@dataclass(frozen=True)
class _Sources:
    """What the offer workflows read and write (``offers.OfferSources``), and nothing else."""

    session: Session
    db: Database
    orders: OrderCache


def named_field(service_message: str) -> str | None:
    """The offer field a SmartRecruiters refusal names ("Field 'terms.price.amount' must…",
    "Please provide 'targetMarket' field.", "An offer with catalogId 'X' already exists"), or
    None."""
    named = _FIELD_NAMED.search(service_message)
    if named:
        return named.group(1) or named.group(2)
    if CATALOG_ID_FIELD.casefold() in service_message.casefold():
        return CATALOG_ID_FIELD
    return None


#: A refused move, said of the offer (the clients' default speaks of an order).
_OFFER_STATUS_REFUSED = "The offer's status does not allow this change any more."


def _refused(what: str, exc: ApiError) -> OfferError:
    log.warning("%s failed: %r", what, exc)  # the log keeps the detail; people get the words
    words = str(exc)
    if isinstance(exc, StateConflictError):
        words = words.replace(exc.summary, _OFFER_STATUS_REFUSED, 1)
    wait = exc.wait_seconds if isinstance(exc, ThrottledError) else None
    # The field the service listed first, else the one its words name: its words join every
    # listed message, and a later one may quote another field than the one at fault.
    listed = exc.parameter if isinstance(exc, ValidationApiError) else None
    return OfferError(words, listed or named_field(exc.service_message), wait_seconds=wait)


def _cost_not_recorded(offer: Offer, exc: Exception) -> OfferError:
    # Only the local write after the call touches the store: the offer itself went through.
    log.warning("Recording the Cost of %s failed: %r", offer.catalog_id, exc)
    return OfferError(
        f"SmartRecruiters has the offer “{offer.catalog_id}”, but its cost could not be "
        f"recorded here ({str(exc).rstrip('.')}). Save again to record it.",
        COST_FIELD,
        may_have_gone_through=True,
    )


_MAYBE_CREATED = (
    "SmartRecruiters may have created the offer all the same: Save again, unchanged, finds it "
    "(or creates it)."
)


def _earlier_create_not_checked(exc: offers.EarlierCreateNotCheckedError) -> OfferError:
    catalog_id = exc.offer.catalog_id
    if exc.error is not None:
        why = str(_refused(f"Looking for offer {catalog_id}", exc.error)).rstrip(".")
        return OfferError(
            f"Nothing was sent: it could not be checked whether SmartRecruiters already has "
            f"the offer “{catalog_id}” from the earlier save ({why}). Save again to check "
            "again.",
            wait_seconds=exc.error.wait_seconds if isinstance(exc.error, ThrottledError) else None,
            may_have_gone_through=True,
        )
    looked = offers.LOOKUP_PAGES * offers.LOOKUP_PAGE_SIZE
    return OfferError(
        f"Nothing was sent: it could not be checked whether SmartRecruiters already has the "
        f"offer “{catalog_id}” from the earlier save (its catalogue holds more than "
        f"{looked:,} offers). Search the catalogue for it: if it is not there, Cancel and "
        "create it in a new form.",
        may_have_gone_through=True,
    )


def _earlier_create_not_proven(exc: offers.EarlierCreateNotProvenError) -> OfferError:
    found = exc.found
    return OfferError(
        f"Nothing was sent: SmartRecruiters has an offer “{one_line(found.name, PART_SHOWN)}” "
        f"(“{found.catalog_id}”, id {found.id}) holding what your earlier save of "
        f"“{exc.offer.catalog_id}” sent, but it could not be told whether that save made it "
        "or it was there before (the catalogue could not all be read before that save). "
        "Open it from the list: if it is yours, Cancel and edit it there; if not, change "
        "the Catalog id and save.",
        may_have_gone_through=True,
    )


_MAYBE_SAVED = (
    "SmartRecruiters may have saved the edit all the same: Save again, unchanged, makes sure "
    "of it and records the cost."
)


def _sent(error: OfferError, sending: SentCreate | None) -> OfferError:
    """``error``, carrying what its create sent when that may have gone through."""
    if error.may_have_gone_through:
        error.sent = sending
    return error


def _may_have_gone_through(exc: ApiError) -> bool:
    """Whether a failed call may have been carried out all the same: sent, and its answer
    lost (the connection broke, it timed out) or it came as a server fault or unreadable.
    A refusal, a wait asked for (429) or no connection at all means it was not."""
    if isinstance(exc, NetworkError):
        return exc.request_sent
    return isinstance(exc, ServerError)


def _failed(what: str, exc: ApiError, maybe: str) -> OfferError:
    """The refusal in words; for a call that may have been carried out all the same, with
    ``maybe`` said after it."""
    error = _refused(what, exc)
    if not _may_have_gone_through(exc):
        return error
    return OfferError(
        f"{error} {maybe}",
        error.field,
        wait_seconds=error.wait_seconds,
        may_have_gone_through=True,
    )


def _listed(page: Page[Offer]) -> int:
    """The offers a page holds, those that could not be read included."""
    return len(page.content) + len(page.unreadable)


def _reaches_its_count(page: Page[Offer], offset: int, size: int) -> bool:
    """A full page that ends where SmartRecruiters' count does (or past it)."""
    counted = page.counted
    return counted is not None and _listed(page) >= size and offset + size >= counted


#: The most pages read walking back from an empty one before the first page is read instead.
_BACK_READS = 4


async def _last_with_offers(
    read: Callable[[int], Awaitable[Page[Offer]]], offset: int, size: int, empty: Page[Offer]
) -> tuple[Page[Offer], int, int]:
    """The last page holding offers before the empty one at ``offset`` (or the first page),
    with the offset of the empty page read after it (just after it when it is the last), and
    its own offset.

    Always back, never forward: the count's last page, taken whatever it held, was an empty
    page past the one asked for under a count too high, and Previous led back to it."""
    at = offset - size
    counted = empty.counted
    if counted is not None and counted < offset:
        # Offers moved away: the count tells where the last page is now (checked all the same).
        at = min(at, (counted - 1) // size * size) if counted else 0
    empty_at, back = offset, 1
    while True:
        at = max(0, at) if back < _BACK_READS else 0
        page = await read(at)
        if _listed(page) >= size and at + size < empty_at:
            # A full page short of the empty one (the count's): the end only if the page after
            # it is empty too. Else a count too small may hide the offers between.
            if not _listed(await read(at + size)):
                empty_at = at + size
            return page, empty_at, at
        if _listed(page) or not at:
            return page, empty_at, at
        empty_at, at, back = at, at - size, back + 1


class OfferCatalog:
    """The vendor's Marketplace catalogue on SmartRecruiters, with the local Costs."""

    def __init__(self, session: Session, db: Database) -> None:
        self._sources = _Sources(session, db, OrderCache(db))

    # -- rules (no call) ---------------------------------------------------------------------

    @staticmethod
    def why_not_submit(offer: Offer | None) -> str | None:
        """None when ``offer`` may be submitted for review, else why not, in words."""
        return offers.why_not_submit(offer)

    @staticmethod
    def why_not_withdraw(offer: Offer | None) -> str | None:
        """None when ``offer`` may be withdrawn, else why not, in words."""
        return offers.why_not_withdraw(offer)

    @property
    def recent_limit(self) -> int:
        """How many of an offer's orders ``recent_orders`` gives at most."""
        return offers.RECENT_ORDERS

    # -- reading ------------------------------------------------------------------------------

    async def page(
        self, *, query: str = "", status: OfferStatus | None = None, offset: int = 0
    ) -> OfferPage:
        """The page at ``offset`` of the offers matching ``query`` (SmartRecruiters' own
        full-text search) and ``status``, with the recorded Costs."""
        size = offers.PAGE_SIZE  # read per call, not frozen at import
        asked = offset

        async def read(at: int) -> Page[Offer]:
            return await offers.list_offers(
                self._sources, q=query, status=status, limit=size, offset=at
            )

        try:
            found = await read(offset)
            empty_at: int | None = None  # the empty page the one shown came back from
            if offset and not _listed(found):
                found, empty_at, offset = await _last_with_offers(read, offset, size, found)
            elif _reaches_its_count(found, offset, size) and not _listed(await read(offset + size)):
                # A full page reaching the count: the page after it, read now, says whether it
                # is the last (a count too small hid the offers past it). Left to a Next, it
                # led to an empty page that came back here.
                empty_at = offset + size
        except ApiError as exc:
            raise _refused("Listing offers", exc) from exc
        try:
            costs = await offers.all_costs(self._sources)
        except (sqlite3.Error, OSError) as exc:
            log.warning("Reading the recorded Costs failed: %r", exc)
            raise OfferError(f"Could not read the recorded costs: {exc}") from exc
        listed = _listed(found)
        total = found.counted
        # A short page ends the list, once past the count if there is one (a count too high
        # leaves Next on: the empty page it leads to brings the list back here). A full page
        # never does, whatever the count says: a count too small (re-counted by a proxy) hid
        # the offers past it, as ``offers._listing`` knows. Only an empty page after it does
        # (read at once when the full page reaches the count).
        if not listed:
            last = True  # the first page (any other empty one was walked back from)
        elif listed < size:
            last = total is None or offset + listed >= total or empty_at is not None
        else:
            last = empty_at is not None and offset + size >= empty_at
        return OfferPage(
            found.content,
            costs,
            total,
            offset,
            size,
            last,
            tuple(found.unreadable),
            ended=last and empty_at is not None and empty_at <= asked and bool(listed),
        )

    async def recent_orders(self, offer: Offer) -> list[AssessmentOrder]:
        """The offer's most recent orders in the local copy, newest first (no call out)."""
        try:
            return await offers.recent_orders_for(self._sources, offer)
        except (sqlite3.Error, OSError) as exc:
            log.warning("Reading the orders of offer %s failed: %r", offer.id, exc)
            raise OfferError(f"Could not read the local orders: {exc}") from exc

    # -- changing -----------------------------------------------------------------------------

    async def create(
        self, offer: Offer, cost: OfferCost | None, *, sent_before: Sequence[SentCreate] = ()
    ) -> Offer:
        """Create ``offer`` (SmartRecruiters makes it INACTIVE) and record its Cost.

        ``sent_before``: the ``OfferError.sent`` of the same form's earlier creates that
        failed with ``may_have_gone_through``; an offer one of them made is then taken as that
        create, and brought up to date with ``offer`` (see ``offers.create_offer``), never
        a look-alike made elsewhere."""
        record = offers.CreateRecord()
        try:
            return await offers.create_offer(
                self._sources, offer, cost, sent_before=sent_before, record=record
            )
        except offers.EarlierCreateNotCheckedError as exc:
            raise _earlier_create_not_checked(exc) from exc
        except offers.EarlierCreateNotProvenError as exc:
            raise _earlier_create_not_proven(exc) from exc
        except ActiveOfferRefusedError as exc:
            raise OfferError(str(exc), STATUS_FIELD) from exc
        except ApiError as exc:
            error = _failed("Creating an offer", exc, _MAYBE_CREATED)
            raise _sent(error, record.sent) from exc
        except (sqlite3.Error, OSError, offers.OfferIdMissingError) as exc:
            raise _sent(_cost_not_recorded(offer, exc), record.sent) from exc

    async def read(self, offer_id: str) -> Offer:
        """The offer as SmartRecruiters holds it now (what an edit starts from)."""
        try:
            return await offers.get_offer(self._sources, offer_id)
        except ApiError as exc:
            raise _refused(f"Reading offer {offer_id}", exc) from exc

    async def update(
        self,
        offer_id: str,
        offer: Offer,
        cost: OfferCost | None,
        *,
        read: Offer | None = None,
        sent_before: Sequence[Offer] = (),
    ) -> Offer:
        """Send ``offer`` as the new content of ``offer_id`` and record its Cost. ``read``:
        the offer the edit started from; changed since in SmartRecruiters, nothing is sent
        (``OfferChangedMeanwhileError``), unless into what this edit sent before in a save
        that failed with ``may_have_gone_through`` (``sent_before``): that is its own."""
        try:
            return await offers.update_offer(
                self._sources, offer_id, offer, cost, read=read, sent_before=sent_before
            )
        except offers.OfferChangedError as exc:
            raise OfferChangedMeanwhileError(exc.now) from exc
        except offers.OfferNotCheckedError as exc:
            raise _refused(f"Reading offer {offer_id} before saving it", exc.error) from exc
        except ActiveOfferRefusedError as exc:
            raise OfferError(str(exc), STATUS_FIELD) from exc
        except ApiError as exc:
            raise _failed(f"Saving offer {offer_id}", exc, _MAYBE_SAVED) from exc
        except (sqlite3.Error, OSError) as exc:
            raise _cost_not_recorded(offer, exc) from exc

    async def submit(self, offer_id: str) -> Offer:
        """INACTIVE → UNDER_REVIEW: ask SmartRecruiters' partners team to review it."""
        try:
            return await offers.submit_offer(self._sources, offer_id)
        except ApiError as exc:
            raise _refused(f"Submitting offer {offer_id}", exc) from exc

    async def withdraw(self, offer_id: str) -> Offer:
        """Back to INACTIVE: off the Marketplace, out of review."""
        try:
            return await offers.withdraw_offer(self._sources, offer_id)
        except ApiError as exc:
            raise _refused(f"Withdrawing offer {offer_id}", exc) from exc

    async def record_cost(self, offer_id: str, cost: OfferCost | None) -> None:
        """Record the offer's Partner Portal Cost here (None forgets it); nothing is sent."""
        try:
            await offers.set_cost(self._sources, offer_id, cost)
        except (sqlite3.Error, OSError) as exc:
            log.warning("Recording the Cost of offer %s failed: %r", offer_id, exc)
            raise OfferError(f"Could not record the cost: {exc}") from exc
