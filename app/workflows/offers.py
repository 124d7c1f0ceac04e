"""The vendor's Marketplace catalogue: list, read, create, update, submit and withdraw offers,
keep each offer's Partner Portal Cost, and find the orders that came from an offer.

Offers are changed on SmartRecruiters directly (no journal): unlike an order step, a failed
offer call leaves nothing half-done to resume, and the coordinator sees the answer at once.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from app.clients.errors import (
    ApiError,
    Service,
    StateConflictError,
    UnexpectedResponseError,
    ValidationApiError,
)
from app.domain.offer_cost import OfferCost
from app.domain.smartrecruiters import OFFER_STAMPS, AssessmentOrder, Offer, OfferStatus, Page
from app.store.database import Database
from app.store.offer_costs import OfferCostStore
from app.store.order_cache import OrderCache
from app.workflows.session import Session

PAGE_SIZE = 25
RECENT_ORDERS = 20
#: Looking for the offer an unsure create may have made: pages of the reference's largest
#: size (100), so 2,000 offers at most, a few seconds at SmartRecruiters' 10 calls a second.
LOOKUP_PAGE_SIZE = 100
LOOKUP_PAGES = 20

# What SmartRecruiters answers when a partner key sends ACTIVE (FAQ): the words alone do not
# say what to do, so the error is given the FAQ's explanation.
_UNAUTHORIZED = "unauthorized to access resource"
_UNAUTHORIZED_SUMMARY = (
    "SmartRecruiters refused the offer's status: a partner key may set INACTIVE, UNDER_REVIEW "
    "or REJECTED, never ACTIVE (the partners team activates offers after review)."
)

#: Where each move is allowed from (the reference: INACTIVE → submit → UNDER_REVIEW; withdraw
#: → INACTIVE from any other status).
SUBMITTABLE = frozenset({OfferStatus.INACTIVE})
WITHDRAWABLE = frozenset({OfferStatus.UNDER_REVIEW, OfferStatus.ACTIVE, OfferStatus.REJECTED})


class OfferSources(Protocol):
    """What the offer workflows use: the session (its SmartRecruiters client), the database
    (the Costs) and the order cache (an offer's recent orders). ``Desk`` has all three, and so
    has what ``OfferCatalog`` is built from: naming only these keeps offers apart from orders."""

    @property
    def session(self) -> Session: ...

    @property
    def db(self) -> Database: ...

    @property
    def orders(self) -> OrderCache: ...


def why_not_submit(offer: Offer | None) -> str | None:
    """None when the offer can be submitted for review, else the reason in words."""
    if offer is None:
        return "Select an offer first."
    if offer.status in SUBMITTABLE:
        return None
    status = offer.status.value if offer.status else "unknown"
    return f"Only INACTIVE offers can be submitted for review; this one is {status}."


def why_not_withdraw(offer: Offer | None) -> str | None:
    """None when the offer can be withdrawn, else the reason in words."""
    if offer is None:
        return "Select an offer first."
    if offer.status in WITHDRAWABLE:
        return None
    status = offer.status.value if offer.status else "unknown"
    return f"This offer is {status}: there is nothing to withdraw."


def _explained(exc: ApiError) -> ApiError:
    if _UNAUTHORIZED in exc.service_message.casefold():
        return ValidationApiError(
            Service.SMARTRECRUITERS,
            http_status=exc.http_status,
            service_code=exc.service_code,
            service_message=exc.service_message,
            summary=_UNAUTHORIZED_SUMMARY,
            parameter=exc.parameter if isinstance(exc, ValidationApiError) else None,
        )
    return exc


def _costs(sources: OfferSources) -> OfferCostStore:
    return OfferCostStore(sources.db)


async def list_offers(
    sources: OfferSources,
    *,
    q: str | None = None,
    status: OfferStatus | None = None,
    limit: int = PAGE_SIZE,
    offset: int = 0,
) -> Page[Offer]:
    """One page of the catalogue; ``q`` is SmartRecruiters' full-text search."""
    return await sources.session.sr.list_offers(
        status=status, q=(q or "").strip() or None, limit=limit, offset=offset
    )


async def get_offer(sources: OfferSources, offer_id: str) -> Offer:
    return await sources.session.sr.get_offer(offer_id)


@dataclass(frozen=True)
class SentCreate:
    """A create about to leave (kept when its answer is lost): what it sends, and the ids of
    every offer the catalogue held just before, case-folded (None: they could not all be
    read for sure, or one had no id to know it by). Only an offer not among them can be
    the one it made: a look-alike made elsewhere (another form, a colleague), however
    alike, was there before.
    Every offer, not only those of its catalogId: a correction may change the catalogId (the
    record of a create taken since holds the corrected offer, see ``create_offer``), and an
    offer there before may have been given that catalogId since."""

    offer: Offer
    there_before: frozenset[str] | None


@dataclass
class CreateRecord:
    """What one save of a "New offer" form leaves for its Save again, filled in by
    ``create_offer`` as it goes (None while nothing was sent nor taken): the create it sent,
    or, when it took the offer an earlier create of the form made, that offer's proof (what
    was there before that create) with the form as it is now."""

    sent: SentCreate | None = None


@dataclass(frozen=True)
class _LookedUp:
    """What looking through the catalogue for an earlier create's offer gave: ``found``, made
    by ``by``; or, when none was, the ids of every offer the whole listing held (``there_now``,
    None when one had no id), what a create sent next finds there before it."""

    found: Offer | None
    by: SentCreate | None
    there_now: frozenset[str] | None


async def about_to_create(sources: OfferSources, offer: Offer) -> SentCreate:
    """``offer`` with the ids of the offers the catalogue holds now, read before its create is
    sent: what later tells the offer that create made from a look-alike."""
    ids: set[str] | None = set()
    try:
        async for page in _listing(sources):
            ids = _with_ids_of(page, ids)
            if ids is None:
                break  # unknown already: the rest cannot make it known
    except (ApiError, _CatalogueTooLongError):
        return SentCreate(offer, None)
    return SentCreate(offer, None if ids is None else frozenset(ids))


async def create_offer(
    sources: OfferSources,
    offer: Offer,
    cost: OfferCost | None = None,
    *,
    sent_before: Sequence[SentCreate] = (),
    record: CreateRecord | None = None,
) -> Offer:
    """Create the offer (SmartRecruiters makes it INACTIVE), then record its Cost here.

    ``sent_before``: what this form already sent in creates that may have gone through (their
    answer was lost, or their Cost could not be recorded), the coordinator's corrections
    since left out of them. The catalogue is looked through first, and an offer holding
    exactly what one of them sent (and what the service fills in), and not there before it
    was sent, is taken as that create: no create is sent, and if the form was corrected
    since, that offer is updated to hold ``offer``. A look-alike that was there before is
    never taken (nor updated, nor its Cost replaced); one that cannot be told apart (what was
    there before is not known) is not either: ``EarlierCreateNotProvenError``, nothing sent.
    The reference never says a catalogId is unique, so a second create could well be taken,
    and the catalogue hold two offers alike. Only when none is found is the offer created; if
    it cannot be looked through, nothing is sent (``EarlierCreateNotCheckedError``). A create
    refused as taken is still checked the same way (the first may have been listed only
    since).

    ``record``: where to keep what a Save again after this one needs (``CreateRecord``).
    Given, the catalogue is read before a create is sent (unless looking for an earlier
    create just read it whole); an offer taken is kept with the proof it is the form's own
    (the earlier record's), so the next Save again, however corrected, takes it again. That
    reading also finds the new offer when the answer leaves its id out."""
    looked = await _earlier_create(sources, sent_before) if sent_before else None
    if looked is not None and looked.found is not None:
        found: Offer | None = looked.found
        _keep(record, looked, offer)
    else:
        found = None
        if looked is not None:
            sending = SentCreate(offer, looked.there_now)  # just read whole: not read again
        elif record is not None:
            sending = await about_to_create(sources, offer)
        else:
            sending = SentCreate(offer, None)
        if record is not None:
            record.sent = sending
        try:
            created = await sources.session.sr.create_offer(offer)
        except (ValidationApiError, StateConflictError) as exc:
            taken = await _saved_before_or_none(sources, sent_before) if sent_before else None
            if taken is None or taken.found is None:
                raise _explained(exc) from exc
            found = taken.found
            _keep(record, taken, offer)
        except ApiError as exc:
            raise _explained(exc) from exc
        else:
            known = sending.there_before
            if created.id and known is not None and _folded(created.id) in known:
                # An offer there before (a colleague's look-alike): not the one this create
                # made, which may still have gone through: Save again looks for that one.
                raise sources.session.sr.about_another(f"id {created.id}")
            if created.id is None:
                # The answer left the new offer's id out: the offer is there, found by its
                # catalogId and its content, among those that were not there before.
                # Not told apart from a look-alike: no Cost recorded on either.
                with contextlib.suppress(EarlierCreateNotProvenError):
                    again = await _saved_before_or_none(sources, [sending])
                    created = (again.found if again else None) or created
    if found is not None:
        created = await _corrected(sources, found, offer)
    if created.id is not None:
        await set_cost(sources, created.id, cost)
    elif cost is not None:
        raise OfferIdMissingError(created)
    return created


def _keep(record: CreateRecord | None, taken: _LookedUp, offer: Offer) -> None:
    """Keeps, for the next Save again, the offer ``taken`` as this form's own: the proof of
    the create that made it (what was there before that one) with the form as it is now. The
    record of this save's own look-up would not do: the offer was there before it."""
    if record is not None and taken.by is not None:
        record.sent = SentCreate(offer, taken.by.there_before)


async def _corrected(sources: OfferSources, found: Offer, offer: Offer) -> Offer:
    """``found``, the offer an earlier create of this form made, brought to hold ``offer``:
    the form was corrected since that create was sent (a typo, before Save again)."""
    if found.id is None or _holds(found, offer):
        return found  # unchanged since (or no id to name it by: the caller looks it up)
    try:
        return await sources.session.sr.update_offer(found.id, offer)
    except ApiError as exc:
        raise _explained(exc) from exc


async def _earlier_create(sources: OfferSources, sent: Sequence[SentCreate]) -> _LookedUp:
    """What looking for the offer an earlier, unsure create of one of ``sent`` made gave.
    ``EarlierCreateNotCheckedError`` when that could not be told."""
    try:
        return await _saved_before(sources, sent)
    except ApiError as exc:
        raise EarlierCreateNotCheckedError(sent[-1].offer, exc) from exc
    except _CatalogueTooLongError as exc:
        raise EarlierCreateNotCheckedError(sent[-1].offer, None) from exc


async def _saved_before_or_none(
    sources: OfferSources, sent: Sequence[SentCreate]
) -> _LookedUp | None:
    """``_saved_before``, None when the catalogue could not be looked through."""
    try:
        return await _saved_before(sources, sent)
    except (ApiError, _CatalogueTooLongError):
        return None


async def _saved_before(sources: OfferSources, sent: Sequence[SentCreate]) -> _LookedUp:
    """The offer one of ``sent`` made (it holds what that one sent, and was not there
    before it), or, when the catalogue has none, the ids of all it holds.

    The reference does not say what ``q`` searches (names only, perhaps): searches by the
    catalogIds and by the names come first, as the cheap ways to find it, and then the
    whole listing, page by page, up to ``LOOKUP_PAGES``. Raises ``ApiError`` when a page
    could not be read, ``_CatalogueTooLongError`` when the listing goes on past that, and
    ``EarlierCreateNotProvenError`` when only an offer that cannot be told apart from a
    look-alike holds it."""
    sr = sources.session.sr
    words = [s.offer.catalog_id for s in sent] + [s.offer.name for s in sent]
    unproven: Offer | None = None
    for word in dict.fromkeys(words):
        page = await sr.list_offers(q=word, limit=LOOKUP_PAGE_SIZE)
        taken = _made_by(page, sent)
        if taken is not None:
            return taken
        unproven = unproven or _unproven(page, sent)
    ids: set[str] | None = set()
    try:
        async for page in _listing(sources):
            taken = _made_by(page, sent)
            if taken is not None:
                return taken
            unproven = unproven or _unproven(page, sent)
            ids = _with_ids_of(page, ids)
    except _CatalogueTooLongError:
        if unproven is None:
            raise
    if unproven is not None:
        raise EarlierCreateNotProvenError(unproven, sent[-1].offer)
    return _LookedUp(None, None, None if ids is None else frozenset(ids))


async def _listing(sources: OfferSources) -> AsyncIterator[Page[Offer]]:
    """The whole catalogue, page by page, up to ``LOOKUP_PAGES``: ``ApiError`` when a page
    could not be read or the listing cannot be trusted to have given it all (it repeats
    offers: it does not move on; more after its count), ``_CatalogueTooLongError`` when
    it goes on past that."""
    offset = 0
    seen: set[str] = set()
    confirming = False  # the count said it was all, after a full page: one more read
    counting = True  # the service's count ends the walk (until the catalogue outgrows it)
    # One read more than LOOKUP_PAGES, only ever to see the end: a catalogue of exactly
    # LOOKUP_PAGES full pages is not too long.
    for read in range(LOOKUP_PAGES + 1):
        page = await sources.session.sr.list_offers(limit=LOOKUP_PAGE_SIZE, offset=offset)
        listed = len(page.content) + len(page.unreadable)
        if not listed:
            return
        if confirming:
            # More than it counted: offers added meanwhile (a colleague's), or a count too
            # small. Offers added hide none that was there: read on as a listing without a
            # count does, to a short or empty page. Refused, a normal catalogue growing
            # during the walk read as "not whole".
            confirming = counting = False
        if read == LOOKUP_PAGES:
            raise _CatalogueTooLongError
        ids = [_folded(i) for i in (*(o.id for o in page.content), *page.unreadable_ids) if i]
        if ids and (len(set(ids)) < len(ids) or not seen.isdisjoint(ids)):
            # The same offers again (an offset ignored, the catalogue changed meanwhile):
            # what was passed over is not known.
            raise _not_whole(f"offers listed again at offset {offset}")
        seen.update(ids)
        yield page
        offset += listed
        # A page is full at what was asked, whatever larger limit it echoes (none: asked).
        full = listed >= min(LOOKUP_PAGE_SIZE, page.limit or LOOKUP_PAGE_SIZE)
        counted = page.counted if counting else None
        if counted is not None and offset >= counted:
            # A count too small (re-counted by a proxy) would end the walk early: a full
            # last page is trusted only with an empty one after it.
            if not full:
                return
            confirming = True
        elif counted is None and not full:
            return
    raise _CatalogueTooLongError


def _not_whole(why: str) -> UnexpectedResponseError:
    return UnexpectedResponseError(
        Service.SMARTRECRUITERS,
        summary=f"The listing of offers could not be read whole ({why}).",
    )


def _folded(offer_id: str) -> str:
    """An id as compared: SmartRecruiters' ids are UUIDs, which are case-insensitive."""
    return offer_id.casefold()


def _with_ids_of(page: Page[Offer], ids: set[str] | None) -> set[str] | None:
    """``ids`` with those of every offer of ``page`` (case-folded), the unreadable ones
    too: one read later (corrected by a colleague meanwhile) was there all the same. None
    (unknown) when one has no id to know it by (or a blank one): it could later be taken
    for an offer made since."""
    unreadable = page.unreadable_ids
    unnamed = len(unreadable) < len(page.unreadable) or not all(unreadable)
    if ids is None or unnamed or not all(o.id for o in page.content):
        return None
    ids.update(_folded(o.id) for o in page.content if o.id)
    ids.update(_folded(i) for i in unreadable if i)
    return ids


def _made_by(page: Page[Offer], sent: Sequence[SentCreate]) -> _LookedUp | None:
    """The offer of the page that one of ``sent`` made (it holds what that one sent, and
    was not there before it), with that one."""
    return next(
        (
            _LookedUp(found, s, None)
            for found in page.content
            for s in sent
            if s.there_before is not None
            and found.id
            and _folded(found.id) not in s.there_before
            and _holds(found, s.offer)
        ),
        None,
    )


def _unproven(page: Page[Offer], sent: Sequence[SentCreate]) -> Offer | None:
    """The offer of the page that holds what one of ``sent`` sent, when what was there
    before that one is not known: it cannot be told from a look-alike."""
    return next(
        (o for o in page.content for s in sent if s.there_before is None and _holds(o, s.offer)),
        None,
    )


def _holds(found: Offer, sent: Offer) -> bool:
    """Whether ``found`` is of ``sent``'s catalogId and holds what it sent. What the form
    left out, the service filled in (availability, target market): not compared."""
    if found.catalog_id != sent.catalog_id:
        return False
    held = _edited_content(found)
    return all(held.get(k) == v for k, v in _edited_content(sent).items())


class _CatalogueTooLongError(Exception):
    """The catalogue holds more offers than ``LOOKUP_PAGES`` pages: looked through no
    further."""


class EarlierCreateNotCheckedError(Exception):
    """Saving again after a create that may have gone through: the catalogue could not be
    looked through for the offer that create may have made, so nothing was sent (a create
    could make a second one alike). ``error`` says why; None: the catalogue holds more
    offers than were looked through (``LOOKUP_PAGES`` pages)."""

    def __init__(self, offer: Offer, error: ApiError | None) -> None:
        super().__init__(
            f"Could not look through the catalogue for the offer {offer.catalog_id}: "
            f"{error if error is not None else 'it holds too many offers'}"
        )
        self.offer = offer
        self.error = error


class EarlierCreateNotProvenError(Exception):
    """Saving again after a create that may have gone through: ``found`` holds what it sent,
    but what the catalogue held before it was sent is not known, so ``found`` may as well
    be a look-alike made elsewhere. Nothing was sent (an update would overwrite it)."""

    def __init__(self, found: Offer, offer: Offer) -> None:
        super().__init__(
            f"Could not tell whether offer {found.id} is the one the earlier create of "
            f"{offer.catalog_id} made."
        )
        self.found = found
        self.offer = offer


class OfferIdMissingError(Exception):
    """SmartRecruiters created the offer but its answer gave no id, and no offer of its
    catalogId could be found either: the Cost has no offer to be recorded against. Saving
    again (``sent_before``) finds the offer by its catalogId and records it."""

    def __init__(self, created: Offer) -> None:
        super().__init__("SmartRecruiters' answer did not say the new offer's id.")
        self.created = created


class OfferChangedError(Exception):
    """The offer changed in SmartRecruiters after it was read for the edit (a colleague, the
    Partner Portal): saving would undo that change. Nothing was sent; ``now`` is the offer
    as SmartRecruiters holds it now."""

    def __init__(self, now: Offer) -> None:
        super().__init__("The offer changed in SmartRecruiters after it was opened here.")
        self.now = now


class OfferNotCheckedError(Exception):
    """The offer could not be read to check it before an update: nothing was sent.
    ``error`` says why."""

    def __init__(self, error: ApiError) -> None:
        super().__init__(str(error))
        self.error = error


def _edited_content(offer: Offer) -> dict[str, Any]:
    """What an edit sends back: the offer without its id and status (an edit sends no
    status) and the service's own time stamps."""
    body = offer.model_dump(mode="json", by_alias=True, exclude_none=True, exclude={"id", "status"})
    for stamp in OFFER_STAMPS:
        body.pop(stamp, None)
    return body


async def update_offer(
    sources: OfferSources,
    offer_id: str,
    offer: Offer,
    cost: OfferCost | None = None,
    *,
    read: Offer | None = None,
    sent_before: Sequence[Offer] = (),
) -> Offer:
    """Update the offer (a POST, not a PUT), then record its Cost here. ``read``: the offer as
    read when the edit began; if SmartRecruiters holds something else now, nothing is sent
    (``OfferChangedError``): the update replaces the whole offer, and would undo it. (The
    reference has no conditional update: the window left is the read and the POST.)

    ``sent_before``: what this edit already sent in updates that may have gone through
    (their answer was lost, or the Cost failed after them). SmartRecruiters holding one of
    them is this edit's own change, not someone else's: it is taken as the starting point."""
    if read is not None:
        try:
            now = await sources.session.sr.get_offer(offer_id)
        except ApiError as exc:
            raise OfferNotCheckedError(exc) from exc
        held = _edited_content(now)
        # Changed since it was read, and neither into what is sent now nor into what an
        # earlier save of this very edit sent (its answer or its Cost failed, and it went
        # through): it would be undone.
        if held != _edited_content(read) and not any(
            _holds(now, mine) for mine in (*sent_before, offer)
        ):
            raise OfferChangedError(now)
    try:
        updated = await sources.session.sr.update_offer(offer_id, offer)
    except ApiError as exc:
        raise _explained(exc) from exc
    await set_cost(sources, offer_id, cost)
    return updated


async def submit_offer(sources: OfferSources, offer_id: str) -> Offer:
    """INACTIVE → UNDER_REVIEW. SmartRecruiters refuses any other start (StateConflictError)."""
    return await sources.session.sr.submit_offer(offer_id)


async def withdraw_offer(sources: OfferSources, offer_id: str) -> Offer:
    """Back to INACTIVE, from UNDER_REVIEW, ACTIVE or REJECTED."""
    return await sources.session.sr.withdraw_offer(offer_id)


async def get_cost(sources: OfferSources, offer_id: str) -> OfferCost | None:
    return await asyncio.to_thread(_costs(sources).get, offer_id)


async def set_cost(sources: OfferSources, offer_id: str, cost: OfferCost | None) -> None:
    await asyncio.to_thread(_costs(sources).set, offer_id, cost)


async def all_costs(sources: OfferSources) -> dict[str, OfferCost]:
    return await asyncio.to_thread(_costs(sources).all)


async def recent_orders_for(sources: OfferSources, offer: Offer) -> list[AssessmentOrder]:
    """The offer's most recent orders (matched by catalogId) from the local cache, newest
    first (no call to SmartRecruiters)."""
    return await asyncio.to_thread(sources.orders.recent_for_offer, offer.catalog_id, RECENT_ORDERS)
