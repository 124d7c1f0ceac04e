"""SmartRecruiters Marketplace partner API: one async method per endpoint.

Takes and returns the domain models of :mod:`app.domain.smartrecruiters`; bodies are built from
them with ``exclude_none`` (never by hand), so a reject can never carry an ``assessmentURL``.
SmartRecruiters has no envelope: a success is an answer of the documented shape, and anything
else (a proxy's HTML page, ``{"hello": "world"}``) is an :class:`UnexpectedResponseError`.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel, SecretStr, TypeAdapter, ValidationError

from app.clients.answer_problems import answer_problem
from app.clients.answers import ACCEPT_ENCODING, AnswerLimits, PayloadError, parse_json
from app.clients.errors import (
    ApiError,
    AuthError,
    NotFoundError,
    ServerError,
    Service,
    StateConflictError,
    ThrottledError,
    UnexpectedResponseError,
    ValidationApiError,
)
from app.clients.http import (
    MAX_SERVICE_WAIT_SECONDS,
    RetryPolicy,
    ServiceHttp,
    answer_date,
    answer_guard,
    retry_after_seconds,
)
from app.clients.multipart import MultipartFile, ProgressCallback
from app.clients.pacing import Pacer
from app.clients.page_words import answer_words, looks_like_a_page
from app.domain.build_when_used import BUILD_WHEN_USED
from app.domain.half_characters import (
    has_half_character,
    holds_half_characters,
    shown,
    whole_characters,
)
from app.domain.lenient_read import read_leniently
from app.domain.listing_walk import ListingWalk
from app.domain.marketplace_config import (
    MarketplaceConfig,
    MarketplaceConfigId,
    MarketplaceConfigUpdate,
)
from app.domain.smartrecruiters import (
    DOT_SEGMENTS,
    PARTNER_SETTABLE_OFFER_STATUSES,
    AcceptRequest,
    AssessmentComment,
    AssessmentOrder,
    AssessmentResult,
    Attachment,
    CompleteComment,
    ContactPerson,
    Offer,
    OfferStatus,
    OrderStatus,
    Page,
    RejectRequest,
    SRErrorBody,
    listed_id_problem,
)

MAX_PAGE_SIZE = 100
# SR's limit is per second: without a usable Retry-After (absent, "0", "nan", a past date)
# a second is the wait, and never less.
DEFAULT_RETRY_AFTER_SECONDS = 1.0
CUSTOMER_KEY_LENGTH = 32  # a customer API key; the partner key is 64 characters

# SR answers a refused transition with a 400 whose message speaks of state or status.
_STATE_WORDS = re.compile(
    r"\b(state|status)\b|\bcannot (change|move|accept|reject|complete)\b", re.I
)

# The field a refusal names, as SmartRecruiters words it: "Please provide 'result' field."
# (the reference's example), "Field 'assessmentURL' must be …" (the sandbox, after it). A
# name is a bounded run of word characters and dots ("terms.price.amount"), between quotes
# that end it: no backtracking over the service's text.
_FIELD_NAMED = (
    re.compile(r"'([A-Za-z_][\w.]{0,99})' field\b"),
    re.compile(r"\b[Ff]ield '([A-Za-z_][\w.]{0,99})'"),
)

#: Why a listed order holding half a character (``app.domain.half_characters``) in its text
#: is left out: kept as listed (``app.store.order_cache``), it could not be stored.
HALF_CHARACTER_TEXT = "a text in the order holds half of a character, which cannot be stored"

M = TypeVar("M", bound=BaseModel)
_attachments = TypeAdapter(list[Attachment], config=BUILD_WHEN_USED)
_results = TypeAdapter(list[AssessmentResult], config=BUILD_WHEN_USED)
_comments = TypeAdapter(list[AssessmentComment], config=BUILD_WHEN_USED)
_configs = TypeAdapter(list[MarketplaceConfig], config=BUILD_WHEN_USED)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OrderPage:
    """One page of the order listing as the service wrote it (``read_order_page``). Each item
    is checked to be an object with a string ``id``, and is not parsed: a caller that holds the
    same text already need not parse it (``app.store.order_cache``), and one that must parses
    it where it chooses (``parse_listed_order``)."""

    total_found: int | None  # None: the page gave no count (see ``app.domain.listing_walk``)
    items: list[dict[str, Any]]  # the page's objects with a string id, in its order
    #: The page's other items (no id, an id that is not text or holds half a character, not
    #: an object), by their text: a line each, left out and said as an order that does not
    #: parse is. Refusing the page for one of them stopped every sync and poll for as long as
    #: SmartRecruiters listed it.
    unkeyed: dict[str, str] = field(default_factory=dict)

    @property
    def size(self) -> int:
        """Items on the page, read or not: what moves the listing's offset."""
        return len(self.items) + len(self.unkeyed)


def read_order_page(body: bytes) -> OrderPage:
    """The answer of ``order_page`` as JSON, its shape checked; any thread. Reading 100 orders'
    JSON (and checking its depth) is the costly part of a page: do it off the GUI thread.
    Raises ``UnexpectedResponseError`` for anything that is not a page of orders."""
    try:
        data = parse_json(body)
    except PayloadError as exc:
        raise UnexpectedResponseError(Service.SMARTRECRUITERS, problem=str(exc)) from None
    if not isinstance(data, dict) or not isinstance(data.get("content"), list):
        raise UnexpectedResponseError(
            Service.SMARTRECRUITERS, problem="the answer was not a page of items"
        )
    # Only what keys an item is checked here; an id that is blank, has white space around it
    # or is over ``ORDER_ID_MAX`` characters is refused when the item is parsed
    # (``parse_listed_order``): that order is left out and said, and the rest of its page read.
    items: list[dict[str, Any]] = []
    unkeyed: dict[str, str] = {}
    for item in data["content"]:
        # An id with half a character (a lone surrogate) cannot key it either: SQLite cannot
        # store it, and the first look for it in the cache stopped every sync. (Any other
        # text of an order is checked when it is parsed: ``parse_listed_order``.)
        if (
            isinstance(item, dict)
            and isinstance(item.get("id"), str)
            and not has_half_character(item["id"])
        ):
            items.append(item)
        else:
            # Told apart by their text, as nothing else tells them apart (a repeat is one).
            unkeyed[json.dumps(item, sort_keys=True, ensure_ascii=False)] = _unkeyed_line(item)
    total = data.get("totalFound")
    if total is not None and (not isinstance(total, int) or isinstance(total, bool) or total < 0):
        raise UnexpectedResponseError(
            Service.SMARTRECRUITERS, problem="the page's totalFound was not a count"
        )
    return OrderPage(total_found=total, items=items, unkeyed=unkeyed)


#: The most of an unreadable id a line quotes (as ``app.store.order_cache.ID_SHOWN``).
_ID_SHOWN = 40


def _unkeyed_line(item: object) -> str:
    if not isinstance(item, dict):
        return "an item that is not an order"
    if "id" not in item or item["id"] is None:
        return "an order without an id"
    said = shown(json.dumps(item["id"], ensure_ascii=False))
    said = said if len(said) <= _ID_SHOWN else f"{said[:_ID_SHOWN]}…"
    if isinstance(item["id"], str):
        return f"an order whose id holds half of a character ({said})"
    return f"an order whose id is not text ({said})"


@dataclass(frozen=True)
class CompletedWithResult:
    """The answer of the FAQ's complete-with-result: the order and the one-time resultId."""

    order: AssessmentOrder | None  # None: the answer's order could not be read (the id could)
    result_id: str


def sr_pacer() -> Pacer:
    """SmartRecruiters allows 10 requests/s and 8 concurrent per credential; stay just under."""
    return Pacer(max_calls=10, window_seconds=1.1, max_concurrent=8)


class SmartRecruitersClient:
    def __init__(
        self,
        base_url: str,
        partner_key: str | SecretStr,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        pacer: Pacer | None = None,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], Awaitable[None]] | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        answer_limits: AnswerLimits | None = None,
    ) -> None:
        key = partner_key.get_secret_value() if isinstance(partner_key, SecretStr) else partner_key
        self._key_length = len(key)
        self._clock = clock
        self._clock_offset: timedelta | None = None
        extra: dict[str, Any] = {"sleep": sleep} if sleep else {}
        self._http = ServiceHttp(
            Service.SMARTRECRUITERS,
            base_url,
            secrets=[key],
            headers={
                "X-SmartToken": key,
                "Accept": "application/json",
                "Accept-Encoding": ACCEPT_ENCODING,
            },
            pacer=pacer if pacer is not None else sr_pacer(),
            retry=retry,
            transport=transport,
            answer_limits=answer_limits,
            utc_now=clock,
            observe=self._observe,
            **extra,
        )

    @property
    def base_url(self) -> str:
        return self._http.base_url

    @property
    def pacer(self) -> Pacer | None:
        return self._http.pacer

    @property
    def clock_offset(self) -> timedelta:
        """SmartRecruiters' clock minus this machine's, as its latest answer's ``Date`` said
        (to the second; zero until one did): the dates it gives (an attachment's) are on its
        clock, the desk's own on this machine's."""
        return self._clock_offset if self._clock_offset is not None else timedelta(0)

    @property
    def measured_clock_offset(self) -> timedelta | None:
        """``clock_offset``, or None while no answer has said it: a time the desk keeps is
        then not known on SmartRecruiters' clock (zero would be a guess)."""
        return self._clock_offset

    def _observe(self, response: httpx.Response) -> None:
        self._note_rate_headers(response)
        self._note_clock(response)

    def _note_clock(self, response: httpx.Response) -> None:
        """Keep how far SmartRecruiters' clock is from this machine's. A ``Date`` a day or
        more away is not believed (a proxy's broken clock): the offset stays as it was."""
        now = self._clock()
        theirs = answer_date(response, now)
        if theirs is not None:
            self._clock_offset = theirs - now

    def _note_rate_headers(self, response: httpx.Response) -> None:
        """Keep SR's own count of calls left (``X-RateLimit-*``) beside the pacer's estimate."""
        if self._http.pacer is None:
            return
        limit = _int_header(response, "X-RateLimit-Limit")
        remaining = _int_header(response, "X-RateLimit-Remaining")
        if limit is not None or remaining is not None:
            self._http.pacer.note_service_counts(limit, remaining)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> SmartRecruitersClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # -- transport ---------------------------------------------------------------------------

    async def _call(
        self,
        method: str,
        path: str,
        *,
        body: BaseModel | dict[str, Any] | None = None,
        params: dict[str, Any] | None = None,
        whole: bool = True,
    ) -> Any:
        """The answer's JSON; ``whole``: with any half character in its text replaced
        (``whole_characters``), so that what the desk keeps of it can be stored. An answer to
        a change made refused for it was sent again, and refused again, for ever."""
        if isinstance(body, BaseModel):
            payload: dict[str, Any] | None = body.model_dump(
                mode="json", by_alias=True, exclude_none=True
            )
        else:
            payload = body
        params = {k: v for k, v in (params or {}).items() if v is not None}

        def build() -> httpx.Request:
            return self._http.http.build_request(method, path, json=payload, params=params)

        response = await self._http.send(build, self._check, idempotent=method == "GET")
        data = self._json(response)
        return whole_characters(data) if whole else data

    def _json(self, response: httpx.Response) -> Any:
        if not response.content:
            return None
        try:
            return parse_json(response.content)
        except PayloadError as exc:
            if looks_like_a_page(response.content):
                # A sign-in page answering in the API's place: said by its title.
                raise self._http.not_the_api(response, str(exc)) from None
            raise UnexpectedResponseError(
                Service.SMARTRECRUITERS, http_status=response.status_code, problem=str(exc)
            ) from None

    def _parse(self, model: type[M], data: Any, subject: str = "the answer") -> M:
        """``data`` as a ``model``; one it is not is said in the desk's words about
        ``subject`` ("the answer's id was not text": ``answer_problem``), never as the
        service's: it said none of them."""
        if data is None:
            # An empty answer said nothing: pydantic's "Input should be a valid dictionary"
            # about it was shown as the service's words.
            raise UnexpectedResponseError(
                Service.SMARTRECRUITERS,
                summary="The service answered with nothing where this console expected an answer.",
            )
        with answer_guard(Service.SMARTRECRUITERS):
            try:
                return model.model_validate(data)
            except ValidationError as exc:
                raise UnexpectedResponseError(
                    Service.SMARTRECRUITERS,
                    problem=self._http.service_text(answer_problem(exc, subject)),
                ) from None

    def _parse_page(self, model: type[M], data: Any) -> M:
        """A limit/offset page: its ``content`` list must be there (every field of a page has
        a default, so without this ``{"hello": "world"}`` would read as an empty page)."""
        if not isinstance(data, dict) or not isinstance(data.get("content"), list):
            raise UnexpectedResponseError(
                Service.SMARTRECRUITERS, problem="the answer was not a page of items"
            )
        return self._parse(model, data)

    def _parse_page_by_item(self, model: type[M], data: Any, item: str) -> Page[M]:
        """A page whose items are read one by one: one the desk cannot read (a field missing,
        a value out of the documented range) is left out and said in ``unreadable`` (what was
        wrong said of ``item``: "the offer's description was missing"), the rest are listed.
        For the offers: one odd offer emptied the whole catalogue."""
        envelope = self._parse_page(Page[Any], data)
        if len(envelope.content) > MAX_PAGE_SIZE:  # never asked for: not read item by item
            raise UnexpectedResponseError(
                Service.SMARTRECRUITERS,
                problem=f"the answer was a page of {len(envelope.content)} items, more than asked",
            )
        items: list[M] = []
        unreadable: list[str] = []
        unreadable_ids: list[str | None] = []
        for position, raw in enumerate(envelope.content):
            with answer_guard(Service.SMARTRECRUITERS):
                try:
                    items.append(model.model_validate(raw))
                except ValidationError as exc:
                    name = raw.get("id") if isinstance(raw, dict) else None
                    which = f"“{name}”" if isinstance(name, str) else f"number {position + 1}"
                    problem = answer_problem(exc, item)
                    unreadable.append(self._http.service_text(f"{which}: {problem}"))
                    unreadable_ids.append((name.strip() or None) if isinstance(name, str) else None)
        if unreadable:
            log.warning("%d items of a page could not be read: %s", len(unreadable), unreadable)
        page: Page[M] = Page[model].model_construct(  # type: ignore[valid-type]
            _fields_set=envelope.model_fields_set,  # a count the answer lacked stays unknown
            limit=envelope.limit,
            offset=envelope.offset,
            total_found=envelope.total_found,
            content=items,
        )
        page.unreadable.extend(unreadable)
        page.unreadable_ids.extend(unreadable_ids)
        return page

    def _parse_list(self, adapter: TypeAdapter[list[Any]], data: Any) -> list[Any]:
        # Lists come bare or wrapped in {"content": [...]} depending on the endpoint's age.
        if isinstance(data, dict) and "content" in data:
            data = data["content"]
        if not isinstance(data, list):
            raise UnexpectedResponseError(
                Service.SMARTRECRUITERS, problem="the answer was not a list"
            )
        with answer_guard(Service.SMARTRECRUITERS):
            try:
                return adapter.validate_python(data)
            except ValidationError as exc:
                raise UnexpectedResponseError(
                    Service.SMARTRECRUITERS,
                    problem=self._http.service_text(answer_problem(exc)),
                ) from None

    def _check(self, response: httpx.Response) -> ApiError | None:
        status = response.status_code
        redirected = self._http.redirect_error(response)
        if redirected is not None or status < 400:
            return redirected
        body = self._error_body(response)
        message = self._http.service_text(body.said() or response.reason_phrase)
        common: dict[str, Any] = {
            "http_status": status,
            "service_code": body.code,
            "service_message": message,
        }
        if status == 429:
            return ThrottledError(
                Service.SMARTRECRUITERS,
                wait_seconds=_retry_after(response, self._http.utc_now()),
                **common,
            )
        if status == 401:
            return AuthError(
                Service.SMARTRECRUITERS,
                summary="No partner API key was accepted: set the key in the connection settings.",
                **common,
            )
        if status == 403:
            summary = None
            if self._key_length == CUSTOMER_KEY_LENGTH:
                summary = (
                    "This is a customer API key (32 characters). The Marketplace needs the "
                    "64-character partner key from the Partner Portal."
                )
            return AuthError(Service.SMARTRECRUITERS, summary=summary, **common)
        if status == 404:
            return NotFoundError(Service.SMARTRECRUITERS, **common)
        if status in (400, 409, 422):
            # The field named goes with the error, so that a form shows it under that field
            # (as Berke's ``parameter`` does), not at the bottom of the form. A refusal that
            # names one is about a value, whatever it says ("Field 'status' must be INACTIVE,
            # …" refuses an offer's field; it was taken for an order's refused transition).
            # The field a listed error names is the service's text too: redacted as its
            # message is.
            listed = body.listed_field
            field = self._http.service_text(listed) if listed else _field_named(message)
            # A 409 to a status change is a conflict with the item's status by its very code,
            # whatever its words ("Assessment order already completed"): said as a refused
            # value, a completion made elsewhere left the order In progress, Deliver offered.
            conflict = status == 409 and _changes_a_status(response)
            if field is None and (conflict or _STATE_WORDS.search(message)):
                return StateConflictError(Service.SMARTRECRUITERS, **common)
            return ValidationApiError(Service.SMARTRECRUITERS, parameter=field, **common)
        if status >= 500:
            return ServerError(Service.SMARTRECRUITERS, **common)
        return ApiError(Service.SMARTRECRUITERS, **common)

    def _error_body(self, response: httpx.Response) -> SRErrorBody:
        try:
            # Its words go into the journal's notes: no half character there either.
            data = whole_characters(parse_json(response.content))
        except PayloadError:
            data = None
        if isinstance(data, dict):
            # Field by field: one of an unexpected type (a numeric code, a null message)
            # refused the whole body, and its JSON text was shown as the message.
            return read_leniently(SRErrorBody, data)
        # Not SR's error JSON (a gateway's page, say): its words, never its markup.
        return SRErrorBody(message=answer_words(response))

    # -- orders ------------------------------------------------------------------------------

    async def list_orders(
        self, *, status: OrderStatus | None = None, limit: int = MAX_PAGE_SIZE, offset: int = 0
    ) -> Page[AssessmentOrder]:
        data = await self._call(
            "GET",
            "/assessments",
            params={"limit": limit, "offset": offset, "status": status.value if status else None},
            whole=False,  # an order with half a character is refused, not mended
        )
        _refuse_half_characters(data)  # as the sync's own reading does
        page = self._parse_page(Page[AssessmentOrder], data)
        for item, order in zip(data["content"], page.content, strict=True):
            self._refuse_unkeyable_id(item, order)  # as the sync's own reading does
        return page

    async def order_page(
        self, *, status: OrderStatus | None = None, limit: int = MAX_PAGE_SIZE, offset: int = 0
    ) -> bytes:
        """``list_orders``' answer as the service sent it, unread: read it with
        ``read_order_page`` where it costs nothing to wait (see ``OrderPage``)."""
        params = {"limit": limit, "offset": offset, "status": status.value if status else None}
        params = {k: v for k, v in params.items() if v is not None}

        def build() -> httpx.Request:
            return self._http.http.build_request("GET", "/assessments", params=params)

        response = await self._http.send(build, self._check, idempotent=True)
        if looks_like_a_page(response.content):
            # Read here, where the answer is at hand: ``read_order_page`` sees only its bytes,
            # and would say a sign-in page's "not valid JSON" without its title.
            raise self._http.not_the_api(response, "the answer was not JSON")
        return response.content

    read_order_page = staticmethod(read_order_page)

    def parse_listed_order(self, item: dict[str, Any]) -> AssessmentOrder:
        """One item of an ``OrderPage`` as an order (any thread); an invalid one raises
        ``UnexpectedResponseError``, as a parsed page would, and so does one whose id is not
        one the desk can key it by (``listed_id_problem``), or that holds half a character
        (stored as listed, its text could not be)."""
        _refuse_half_characters(item)  # before pydantic, which says it in its own words
        order = self._parse(AssessmentOrder, item, "the order")
        self._refuse_unkeyable_id(item, order)
        return order

    def _refuse_unkeyable_id(self, item: dict[str, Any], order: AssessmentOrder) -> None:
        """``UnexpectedResponseError`` for a listed order whose id is not one the desk can key
        it by (``listed_id_problem``)."""
        problem = listed_id_problem(str(item.get("id", "")), order.id)
        if problem is not None:
            said = self._http.service_text(problem)
            raise UnexpectedResponseError(Service.SMARTRECRUITERS, problem=said)

    async def iter_orders(
        self, *, status: OrderStatus | None = None, page_size: int = MAX_PAGE_SIZE
    ) -> AsyncIterator[AssessmentOrder]:
        """Every order, page after page; an order seen twice across pages is given once.

        Orders move between pages while we read (new ones arrive first), so an id can repeat;
        where the listing ends is ``ListingWalk``'s rule.
        """
        seen: set[str] = set()
        walk = ListingWalk(page_size)
        while True:
            page = await self.list_orders(status=status, limit=page_size, offset=walk.offset)
            fresh = 0
            for order in page.content:
                if order.id not in seen:
                    seen.add(order.id)
                    fresh += 1
                    yield order
            if not walk.take(len(page.content), fresh, page.counted):
                return

    async def get_order(self, order_id: str) -> AssessmentOrder:
        return self._own_order(order_id, await self._call("GET", _order(order_id)))

    def _own_order(self, order_id: str, data: Any) -> AssessmentOrder:
        """The order an answer about ``order_id`` carries. One that names another order is not
        this one's (stored, it would overwrite that other order with what this one got)."""
        order = self._parse(AssessmentOrder, data)
        if order.id != order_id:
            raise UnexpectedResponseError(
                Service.SMARTRECRUITERS,
                problem=self._http.service_text(f"the answer was about another order ({order.id})"),
            )
        return order

    async def create_test_order(self, order: AssessmentOrder | dict[str, Any]) -> AssessmentOrder:
        """POST /assessments: a test order, for trying the flow end to end."""
        return self._parse(AssessmentOrder, await self._call("POST", "/assessments", body=order))

    async def accept_order(
        self,
        order_id: str,
        assessment_url: str,
        *,
        message: str | None = None,
        message_to_candidate: str | None = None,
        author: ContactPerson | None = None,
    ) -> AssessmentOrder | None:
        """NEW → IN_PROGRESS; the order, or None (see ``_changed_order``)."""
        body = AcceptRequest(
            assessment_url=assessment_url,
            message=message,
            message_to_candidate=message_to_candidate,
            author=author,
        )
        data = await self._call("POST", f"{_order(order_id)}/accept", body=body)
        return await self._changed_order(order_id, data)

    async def reject_order(
        self, order_id: str, *, message: str | None = None, author: ContactPerson | None = None
    ) -> AssessmentOrder | None:
        body = RejectRequest(message=message, author=author)
        data = await self._call("POST", f"{_order(order_id)}/reject", body=body)
        return await self._changed_order(order_id, data)

    async def complete_with_comment(
        self, order_id: str, *, message: str | None = None, author: ContactPerson | None = None
    ) -> AssessmentOrder | None:
        """The documented form of complete: a comment, no result."""
        body = CompleteComment(message=message, author=author)
        data = await self._call("POST", f"{_order(order_id)}/complete", body=body)
        return await self._changed_order(order_id, data)

    async def _changed_order(self, order_id: str, data: Any) -> AssessmentOrder | None:
        """The order a status change (accept, reject, complete) answered with. An empty
        success (204, or 200 with no body) is SmartRecruiters' plain "done": the order is
        read back, and None means it could not be (the change was made all the same: the
        caller shows it on its own copy). Read as an order, None was said as the service's
        words ("Input should be a valid dictionary"), about a change it had made."""
        if data is not None:
            return self._own_order(order_id, data)
        try:
            return await self.get_order(order_id)
        except ApiError as exc:
            log.warning("Changed %s; the order could not be read back: %r", order_id, exc)
            return None

    async def complete_with_result(
        self, order_id: str, result: AssessmentResult
    ) -> CompletedWithResult:
        """The FAQ's form of complete: the body is a result, the answer carries ``resultId``.

        The resultId is given only here; the caller must store it before anything else.
        """
        data = await self._call("POST", f"{_order(order_id)}/complete", body=result)
        result_id = _given_id(data, "resultId")
        if result_id is None:
            raise UnexpectedResponseError(
                Service.SMARTRECRUITERS, problem="the answer carried no resultId"
            )
        # The result exists now, and its id is only here: kept whatever the rest of the answer
        # is (an order this version cannot read, another order's, none at all).
        try:
            order = self._own_order(order_id, {k: v for k, v in data.items() if k != "resultId"})
        except UnexpectedResponseError as exc:
            log.warning("Completed %s; the order in the answer was not read: %s", order_id, exc)
            order = None
        return CompletedWithResult(order, result_id)

    # -- comments and results ----------------------------------------------------------------

    async def list_comments(self, order_id: str) -> list[AssessmentComment]:
        data = await self._call("GET", f"{_order(order_id)}/comments")
        return self._parse_list(_comments, data)

    async def add_comment(
        self, order_id: str, message: str, *, author: ContactPerson | None = None
    ) -> AssessmentComment:
        body = AssessmentComment(message=message, author=author)
        data = await self._call("POST", f"{_order(order_id)}/comments", body=body)
        # No body at all is SR's plain "created"; any body must be the comment.
        return self._parse(AssessmentComment, data) if data is not None else body

    async def create_result(self, order_id: str, result: AssessmentResult) -> AssessmentResult:
        """POST .../results (the documented flow); the answer's ``id`` is the resultId."""
        data = await self._call("POST", f"{_order(order_id)}/results", body=result)
        result_id = _given_id(data, "id")
        if result_id is None:
            raise UnexpectedResponseError(
                Service.SMARTRECRUITERS, problem="the created result had no id"
            )
        # The result exists now, and its id is only here: kept whatever the rest of the answer
        # is (a result this version cannot read stands for the one sent).
        try:
            created = self._parse(AssessmentResult, data)
        except UnexpectedResponseError as exc:
            log.warning("Made a result for %s; the answer was not read: %s", order_id, exc)
            created = result
        return created.model_copy(update={"id": result_id})

    async def list_results(self, order_id: str) -> list[AssessmentResult]:
        data = await self._call("GET", f"{_order(order_id)}/results")
        return self._parse_list(_results, data)

    async def get_result(self, order_id: str, result_id: str) -> AssessmentResult:
        data = await self._call("GET", f"{_order(order_id)}/results/{_seg(result_id)}")
        return self._parse(AssessmentResult, data)

    async def upload_attachment(
        self,
        order_id: str,
        result_id: str,
        path: str | os.PathLike[str],
        *,
        file_name: str | None = None,
        progress: ProgressCallback | None = None,
        sha256: str | None = None,
    ) -> Attachment:
        """Stream ``path`` as the multipart part ``attachment``; the file is never read whole.
        Measured off the event loop (the GUI thread's): a report on a network drive that
        hangs would freeze the window. ``sha256``: the content checked, which the file must
        still have (see MultipartFile). ``progress`` goes back to 0 on a 429: the service
        did not take what went, and the file is sent again after the wait."""
        part = await asyncio.to_thread(
            MultipartFile.from_path, path, "attachment", file_name=file_name, sha256=sha256
        )
        url = f"{_order(order_id)}/results/{_seg(result_id)}/attachments"

        def check(response: httpx.Response) -> ApiError | None:
            error = self._check(response)
            if progress is not None and isinstance(error, ThrottledError):
                progress(0, part.file_size())
            return error

        def build() -> httpx.Request:
            return self._http.http.build_request(
                "POST",
                url,
                content=part.stream(progress),
                headers={
                    "Content-Type": part.content_type_header,
                    "Content-Length": str(part.content_length()),
                },
            )

        # Not idempotent: a broken upload may still have been stored; the journal decides.
        # The deadline grows with the file: the request's own body is sent within it.
        deadline = self._http.answer_limits.upload_deadline(part.content_length())
        response = await self._http.send(build, check, idempotent=False, deadline=deadline)
        return self._parse(Attachment, whole_characters(self._json(response)))

    async def list_attachments(self, order_id: str, result_id: str) -> list[Attachment]:
        data = await self._call("GET", f"{_order(order_id)}/results/{_seg(result_id)}/attachments")
        return self._parse_list(_attachments, data)

    # -- offers ------------------------------------------------------------------------------

    async def list_offers(
        self,
        *,
        status: OfferStatus | None = None,
        q: str | None = None,
        limit: int = MAX_PAGE_SIZE,
        offset: int = 0,
    ) -> Page[Offer]:
        data = await self._call(
            "GET",
            "/offers",
            params={
                "limit": min(limit, MAX_PAGE_SIZE),
                "offset": offset,
                "status": status.value if status else None,
                "q": q or None,
            },
        )
        return self._parse_page_by_item(Offer, data, "the offer")

    async def get_offer(self, offer_id: str) -> Offer:
        return self._own_offer(offer_id, await self._call("GET", f"/offers/{_seg(offer_id)}"))

    async def create_offer(self, offer: Offer) -> Offer:
        _refuse_active(offer)
        data = await self._call("POST", "/offers", body=_offer_body(offer))
        created = self._parse(Offer, data)
        if created.catalog_id != offer.catalog_id:  # another offer's: its Cost would be set
            raise self.about_another(f"catalogId {created.catalog_id}")
        return created

    async def update_offer(self, offer_id: str, offer: Offer) -> Offer:
        """An update is a POST to the offer, not a PUT."""
        _refuse_active(offer)
        data = await self._call("POST", f"/offers/{_seg(offer_id)}", body=_offer_body(offer))
        return self._own_offer(offer_id, data)

    async def submit_offer(self, offer_id: str) -> Offer:
        """INACTIVE → UNDER_REVIEW."""
        data = await self._call("POST", f"/offers/{_seg(offer_id)}/submit")
        return self._own_offer(offer_id, data)

    async def withdraw_offer(self, offer_id: str) -> Offer:
        """Back to INACTIVE."""
        data = await self._call("POST", f"/offers/{_seg(offer_id)}/withdraw")
        return self._own_offer(offer_id, data)

    def _own_offer(self, offer_id: str, data: Any) -> Offer:
        """The offer an answer about ``offer_id`` carries (its id filled in when left out).
        One that names another offer is not this one's: shown, the room's buttons would act
        on that other offer, and a Cost be recorded on it."""
        offer = self._parse(Offer, data)
        if offer.id is None:
            return offer.model_copy(update={"id": offer_id})
        if offer.id != offer_id:
            raise self.about_another(offer.id)
        return offer

    def about_another(self, which: str) -> UnexpectedResponseError:
        """The error of an answer about another offer than the call's (``which`` names it):
        shown or taken, its Cost would be recorded on that other one."""
        return UnexpectedResponseError(
            Service.SMARTRECRUITERS,
            problem=self._http.service_text(f"the answer was about another offer ({which})"),
        )

    # -- the partner's Marketplace configuration (/configs) ----------------------------------

    async def list_configs(self) -> list[MarketplaceConfig]:
        """``GET /configs``: the settings that have a value (bare list or ``content``)."""
        data = await self._call("GET", "/configs")
        return self._parse_list(_configs, data)

    async def get_config(self, config_id: MarketplaceConfigId | str) -> MarketplaceConfig | None:
        """``GET /configs/{id}``; None when the service answers 404 (the setting has no value).

        Only the documented ids are asked for, so a 404 cannot mean a misspelt id.
        """
        known = MarketplaceConfigId(config_id)
        try:
            data = await self._call("GET", f"/configs/{_seg(known.value)}")
        except NotFoundError:
            return None
        return self._parse(MarketplaceConfig, data)

    async def set_config(
        self, config_id: MarketplaceConfigId | str, value: str
    ) -> MarketplaceConfig:
        """``POST /configs {id, value}``. The id and value are checked first (pydantic
        ``ValidationError``, nothing sent); the answer is the stored entry, or what was sent
        when the service answers with no body."""
        body = MarketplaceConfigUpdate.model_validate({"id": config_id, "value": value})
        data = await self._call("POST", "/configs", body=body)
        if data is None:  # an empty answer: what was sent is what is stored
            return MarketplaceConfig(id=body.id.value, value=body.value)
        return self._parse(MarketplaceConfig, data)


class ActiveOfferRefusedError(ValueError):
    """Raised before sending: a partner key may never set an offer ACTIVE."""


def _refuse_active(offer: Offer) -> None:
    if offer.status is not None and offer.status not in PARTNER_SETTABLE_OFFER_STATUSES:
        raise ActiveOfferRefusedError(
            "An offer cannot be made ACTIVE from here: SmartRecruiters' partners team activates "
            "offers after review. Submit the offer for review instead."
        )


def _offer_body(offer: Offer) -> dict[str, Any]:
    # The id travels in the URL; server-kept fields are not ours to send.
    return offer.model_dump(mode="json", by_alias=True, exclude_none=True, exclude={"id"})


def _seg(value: str) -> str:
    """A path segment, percent-encoded: ids come from the service but are not ours to trust.
    ``quote`` leaves dots alone, and a segment of dots alone ("." or "..") is one that httpx
    removes as "here" or "up": its dots are encoded too, so that it names the item."""
    if value in DOT_SEGMENTS:
        return value.replace(".", "%2E")
    return quote(value, safe="")


#: The last segment of the paths that move an order (accept, reject, complete) or an offer
#: (submit, withdraw) from one status to another.
_STATUS_CHANGES = frozenset({"accept", "reject", "complete", "submit", "withdraw"})


def _changes_a_status(response: httpx.Response) -> bool:
    """Whether ``response`` answers a request that changes an order's or an offer's status."""
    try:
        request = response.request
    except RuntimeError:  # an answer built without its request
        return False
    last = request.url.path.rstrip("/").rsplit("/", 1)[-1]
    return request.method == "POST" and last in _STATUS_CHANGES


def _refuse_half_characters(item: object) -> None:
    """``UnexpectedResponseError`` for a listed order whose text holds half a character."""
    if holds_half_characters(item):
        raise UnexpectedResponseError(Service.SMARTRECRUITERS, problem=HALF_CHARACTER_TEXT)


def _given_id(answer: Any, key: str) -> str | None:
    """The id an answer gives under ``key``: text, or a number; an object or a list there is
    not one, whatever it holds."""
    given = answer.get(key) if isinstance(answer, dict) else None
    if isinstance(given, int) and not isinstance(given, bool):
        given = str(given)
    return given if isinstance(given, str) and given.strip() else None


def _order(order_id: str) -> str:
    return f"/assessments/{_seg(order_id)}"


def _int_header(response: httpx.Response, name: str) -> int | None:
    value = response.headers.get(name)
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _retry_after(response: httpx.Response, now: datetime) -> float:
    """The wait a 429 asks for: ``Retry-After`` read per RFC 9110 (seconds, or an HTTP-date on
    the answer's own clock), within [DEFAULT_RETRY_AFTER_SECONDS, MAX_SERVICE_WAIT_SECONDS]."""
    seconds = retry_after_seconds(response, now)
    if seconds is None:
        seconds = DEFAULT_RETRY_AFTER_SECONDS
    return min(max(seconds, DEFAULT_RETRY_AFTER_SECONDS), MAX_SERVICE_WAIT_SECONDS)


def _field_named(message: str) -> str | None:
    """The field a refusal's ``message`` names (see ``_FIELD_NAMED``), or None."""
    for pattern in _FIELD_NAMED:
        found = pattern.search(message)
        if found is not None:
            return found.group(1)
    return None
