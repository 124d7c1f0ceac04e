"""SmartRecruiters Marketplace (partner side) shapes, with SR's own spellings as aliases.

The single source of the SR API's shape for the client, the store and the UI. Rules the
reference and the FAQ state (non-empty ``result``, URL result types, the allowed description
tags, ACTIVE never sent for an offer) are validators here, so that a bad value is refused before
anything goes over the wire.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from enum import StrEnum
from html import escape
from html.parser import HTMLParser
from typing import Annotated, Any, Generic, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    field_serializer,
    field_validator,
)
from pydantic.alias_generators import to_camel

from app.domain.lenient_read import read_leniently
from app.domain.order_status import OrderStatus
from app.domain.service_time import within_range
from app.domain.sr_limits import (
    URL_HAS_SPACE,
    URL_NOT_ABSOLUTE,
    http_url_problem,
    is_absolute_http_url,
)


def format_sr_timestamp(value: datetime) -> str:
    """SmartRecruiters writes milliseconds and a colon-less offset: 2013-03-07T13:34:40.137+0000."""
    # Not strftime: its %Y writes year 1 as "1" (glibc), which no reading takes back.
    text = _utc_when_naive(value).isoformat(timespec="milliseconds")
    return text[:-3] + text[-2:]  # the offset without its colon: +00:00 → +0000


def _utc_when_naive(value: datetime) -> datetime:
    """A time the service wrote without an offset is UTC: compared with one that has an
    offset it raised TypeError (the attention rules, and every inbox row with them), and it
    was written back without one."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


#: A SmartRecruiters time: its offset, or UTC; one near the ends of what a datetime holds is
#: refused (``app.domain.service_time``).
SRTime = Annotated[datetime, AfterValidator(_utc_when_naive), AfterValidator(within_range)]


class SRModel(BaseModel):
    """Base for SR shapes: camelCase aliases, Python names allowed too, unknown fields kept.

    Unknown fields are kept (not dropped) so that a snapshot or a re-sent body never loses
    something the service added after this reference was written.
    """

    model_config = ConfigDict(
        defer_build=True,
        alias_generator=to_camel,
        populate_by_name=True,
        extra="allow",
        str_strip_whitespace=True,
    )

    def to_body(self) -> dict[str, Any]:
        """The JSON body SmartRecruiters expects: its spellings, absent rather than null."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


class ContactPerson(SRModel):
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    phone: str | None = None

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p)


class Candidate(SRModel):
    id: str
    uuid: str | None = None
    first_name: str = ""
    last_name: str = ""
    email: str | None = None
    phone: str | None = None
    address_line: str | None = None

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p)

    @property
    def display_name(self) -> str:
        """The name to show: the full name, or the id when SmartRecruiters gave no name."""
        return self.full_name or self.id


class Label(SRModel):
    id: str | None = None
    label: str = ""


class Location(SRModel):
    country: str | None = None
    region: str | None = None
    city: str | None = None

    def __str__(self) -> str:
        return ", ".join(p for p in (self.city, self.region, self.country) if p)


class Job(SRModel):
    id: str | None = None
    name: str = ""
    industry: Label | None = None
    function: Label | None = None
    experience_level: Label | None = None
    location: Location | None = None


class Company(SRModel):
    id: str | None = None
    name: str = ""


class OfferRef(SRModel):
    catalog_id: str | None = None
    name: str | None = None


#: The longest order id read. SmartRecruiters documents no length; its ids are UUIDs (36
#: characters), and 255 is far beyond any, and what a database key column commonly takes.
#: An id of any length passed: one of 200,000 characters was quoted whole in the sync bar,
#: and made the window 1,643,894 px wide after a 12 s freeze.
ORDER_ID_MAX = 255


#: Path segments that URLs read as "here" and "up" (RFC 3986 §5.2.4), not as names.
DOT_SEGMENTS = frozenset({".", ".."})


def listed_id_problem(given: str, read: str) -> str | None:
    """Why an order the listing gives under the id ``given``, read as ``read`` (the model
    strips white space), is left out as unreadable; None when it is not. The listing, the
    cache and every call key an order by one id: " o-1 " stored as "o-1" came back new at
    every poll, and was asked for as "o-1" (not found: gone) after every sync. Checked where a
    listing is read, not in the model: orders stored or saved in a snapshot by an earlier
    version are read as they were."""
    if not read:
        return "the order id is blank"
    if read != given:
        return "the order id has white space around it"
    if len(given) > ORDER_ID_MAX:
        return f"the order id is longer than {ORDER_ID_MAX} characters"
    if given in DOT_SEGMENTS:
        # In an address, "." means "here" and ".." "up": the calls about it went to other
        # paths (a reject of "." to /assessments/reject).
        return f"the order id is “{given}”, which an address cannot carry"
    return None


class AssessmentOrder(SRModel):
    id: str
    status: OrderStatus
    create_date: SRTime | None = None
    last_update_date: SRTime | None = None
    requestor: ContactPerson | None = None
    candidate: Candidate
    job: Job | None = None
    company: Company | None = None
    offer: OfferRef | None = None
    # The URL the order was accepted with, where SmartRecruiters says (not in the reference's
    # order shape): how a desk tells its own accept from another desk's.
    assessment_url: str | None = Field(default=None, alias="assessmentURL")

    @field_validator("status", mode="before")
    @classmethod
    def _status_upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_serializer("create_date", "last_update_date")
    def _sr_time(self, value: datetime | None) -> str | None:
        return format_sr_timestamp(value) if value is not None else None


class AssessmentComment(SRModel):
    message: str = Field(min_length=1)
    author: ContactPerson | None = None
    create_date: SRTime | None = None

    @field_serializer("create_date")
    def _sr_time(self, value: datetime | None) -> str | None:
        return format_sr_timestamp(value) if value is not None else None


class ResultType(StrEnum):
    DOCUMENT = "DOCUMENT"
    URL = "URL"
    VIDEO_URL = "VIDEO_URL"
    VIDEO_STREAM = "VIDEO_STREAM"
    GENERATED_URL = "GENERATED_URL"

    @property
    def needs_url(self) -> bool:
        """For these the result is a link SmartRecruiters shows to the recruiter."""
        return self in (ResultType.URL, ResultType.VIDEO_URL)

    @property
    def label(self) -> str:
        """The type as a coordinator reads it: "URL", "Video URL" (not "Url", "VIDEO_URL")."""
        return _RESULT_TYPE_LABELS[self]


_RESULT_TYPE_LABELS = {
    ResultType.DOCUMENT: "Document",
    ResultType.URL: "URL",
    ResultType.VIDEO_URL: "Video URL",
    ResultType.VIDEO_STREAM: "Video stream",
    ResultType.GENERATED_URL: "Generated URL",
}


#: Tags SmartRecruiters renders in a result description; anything else is refused.
ALLOWED_DESCRIPTION_TAGS = frozenset(
    {"a", "img", "strong", "b", "em", "i", "u", "p", "ol", "ul", "li", "pre", "code",
     "blockquote", "h1", "h2", "h3", "h4", "h5"}
)  # fmt: skip


class _TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)

    def handle_endtag(self, tag: str) -> None:
        self.tags.add(tag)


#: Tags a coordinator types meaning HTML that SmartRecruiters does not allow (refused, not sent
#: as words); any other "<word>" is plain text's ("<name>", "<john@example.com>").
_OTHER_HTML_TAGS = frozenset(
    {"br", "div", "span", "font", "hr", "h6", "table", "tr", "td", "th", "s", "sub", "sup",
     "small", "center", "script", "style", "iframe", "section", "article", "dl", "dt", "dd"}
)  # fmt: skip


def _tags(html: str) -> set[str]:
    collector = _TagCollector()
    collector.feed(html)
    collector.close()
    return collector.tags


def disallowed_description_tags(html: str) -> list[str]:
    """The tags of ``html`` that SmartRecruiters does not allow in a description, sorted."""
    return sorted(_tags(html) - ALLOWED_DESCRIPTION_TAGS)


def description_as_sent(typed: str) -> str | None:
    """The description SmartRecruiters is sent for what a coordinator typed; None when blank.

    Text holding an HTML tag is HTML, sent as typed (and judged by ``sending_problems``: a
    ``<br>`` is refused, not shown as words). Any other text is plain text, sent as it reads
    ("<name>" included): escaped, each line a paragraph. SmartRecruiters lays a
    description out as HTML, where a line break is a mere space: sent as typed, plain text's
    lines ran into one paragraph, and a "<" or "&" in it was read as markup."""
    text = typed.strip()
    if not text:
        return None
    if _tags(text) & (ALLOWED_DESCRIPTION_TAGS | _OTHER_HTML_TAGS):
        return text
    lines = (line.strip() for line in text.splitlines())
    return "".join(f"<p>{escape(line, quote=False)}</p>" for line in lines if line)


class AssessmentResult(SRModel):
    """A result of an order, as SmartRecruiters holds it; what it refuses to be sent is
    ``sending_problems``.

    Read back, a result is taken as the service gives it: ``result`` empty or missing (it is
    ignored for DOCUMENT and GENERATED_URL, so an echo may leave it out), a description in HTML
    it tidied. A result the desk made and cannot read back would lose its id, the only one
    there is (the documented flow's create answers with it), or leave an order's results
    unreadable (a retry looks its result up among them)."""

    id: str | None = None
    create_date: SRTime | None = None
    title: str | None = None
    description: str | None = None
    passed: bool | None = None
    score: str | None = None
    result_type: ResultType
    result: str = ""
    author: ContactPerson | None = None

    @field_validator("result_type", mode="before")
    @classmethod
    def _any_case(cls, value: object) -> object:
        # The FAQ writes "Document"; the docs write DOCUMENT. Both are meant.
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("result", mode="before")
    @classmethod
    def _none_is_empty(cls, value: object) -> object:
        return "" if value is None else value

    def sending_problems(self) -> dict[str, str]:
        """Why SmartRecruiters would refuse this result if it were sent: a sentence per field
        (by its name in the API, as ``field_errors`` gives a form's). ``result`` is required
        and non-empty even where it is ignored; for a URL type it is an address SmartRecruiters
        takes (``http_url_problem``); the description holds only the tags it allows."""
        problems: dict[str, str] = {}
        if not self.result:
            problems["result"] = "Required."
        elif self.result_type.needs_url and (wrong := http_url_problem(self.result)):
            problems["result"] = _url_problem(self.result_type, wrong)
        if self.description and (bad := disallowed_description_tags(self.description)):
            listed = ", ".join(f"<{t}>" for t in bad)
            problems["description"] = f"SmartRecruiters does not allow {listed} in a description."
        return problems

    @field_serializer("create_date")
    def _sr_time(self, value: datetime | None) -> str | None:
        return format_sr_timestamp(value) if value is not None else None


def _url_problem(kind: ResultType, wrong: str) -> str:
    """Why a URL result cannot be sent, after what it must be: ``wrong`` is what
    ``http_url_problem`` found. Before, an address whose only fault was its port or its
    server name was blamed on spaces and invisible characters it did not hold."""
    said = (
        f"A {kind.label} result is the address the recruiter opens: an absolute http:// or "
        "https:// address"
    )
    if wrong == URL_NOT_ABSOLUTE:
        return f"{said}."
    if wrong == URL_HAS_SPACE:
        # What looks right and is not: say what to look for.
        return f"{said}, with no spaces (a pasted address may hold an invisible one)."
    return f"{said}; this one {wrong}."


class Attachment(SRModel):
    id: str
    create_date: SRTime | None = None
    last_update_date: SRTime | None = None
    file_name: str = ""


class AcceptRequest(SRModel):
    """Body of POST /assessments/{id}/accept."""

    assessment_url: str = Field(alias="assessmentURL", min_length=1)
    message: str | None = None
    message_to_candidate: str | None = None
    author: ContactPerson | None = None

    @field_validator("assessment_url")
    @classmethod
    def _absolute(cls, value: str) -> str:
        if not is_absolute_http_url(value):
            raise ValueError("the assessment URL must be an absolute http(s) URL")
        return value


class RejectRequest(SRModel):
    """Body of POST /assessments/{id}/reject. It has no assessmentURL field on purpose: an empty
    one makes SmartRecruiters refuse the call (FAQ), and a rejected order has no assessment."""

    model_config = ConfigDict(extra="forbid")

    message: str | None = None
    author: ContactPerson | None = None


class CompleteComment(SRModel):
    """The documented body of POST /assessments/{id}/complete: a comment."""

    message: str | None = None
    author: ContactPerson | None = None


class OfferStatus(StrEnum):
    INACTIVE = "INACTIVE"
    UNDER_REVIEW = "UNDER_REVIEW"
    ACTIVE = "ACTIVE"
    REJECTED = "REJECTED"


#: The statuses a partner key may send; ACTIVE is set by SmartRecruiters' partners team only.
PARTNER_SETTABLE_OFFER_STATUSES = frozenset(
    {OfferStatus.INACTIVE, OfferStatus.UNDER_REVIEW, OfferStatus.REJECTED}
)


class OfferType(StrEnum):
    BEHAVIORAL_ASSESSMENT = "BEHAVIORAL_ASSESSMENT"
    REFERENCE_CHECK = "REFERENCE_CHECK"
    SKILLS_TEST = "SKILLS_TEST"
    VIDEO_INTERVIEW = "VIDEO_INTERVIEW"
    BACKGROUND_CHECK = "BACKGROUND_CHECK"


#: The most digits a price may have before its point. The reference sets no bound, but no
#: price needs more (the table sorts prices as floats, exact to 15 digits); a
#: 1,000,000-digit amount from the service held the window 4 s at each selection.
PRICE_DIGITS = 15
#: What a price reads as at most, in the table, the pane and the Cost warning: amount, point,
#: cents, a space and the code, with room to spare for one built past the validators.
PRICE_SHOWN_MAX = 40


class Price(SRModel):
    amount: str
    currency_code: str

    @field_validator("amount")
    @classmethod
    def _decimal(cls, value: str) -> str:
        """A decimal string as the reference writes it ("20.00"): ASCII digits (``\\d`` also
        takes "٢٠"), and cents as two digits — "20.5" is written "20.50", not refused."""
        if not re.fullmatch(r"[0-9]+(\.[0-9]{1,2})?", value):
            raise ValueError('the amount is a decimal number such as "20.00"')
        whole, dot, cents = value.partition(".")
        if len(whole) > PRICE_DIGITS:
            raise ValueError(f"the amount has at most {PRICE_DIGITS} digits before the point")
        return f"{whole}.{cents:0<2}" if dot else value

    @field_validator("currency_code")
    @classmethod
    def _currency(cls, value: str) -> str:
        """An ISO 4217 code is three letters ("USD"). Checked on reading too: any text came
        through before. Either case is read (the form asks for capitals when typing)."""
        if not re.fullmatch(r"[A-Za-z]{3}", value):
            raise ValueError("the currency is a three-letter code such as USD")
        return value

    @property
    def text(self) -> str:
        """The price as shown ("20.00 USD"); cut, should one be built past the validators."""
        shown = f"{self.amount} {self.currency_code}"
        if len(shown) <= PRICE_SHOWN_MAX:
            return shown
        return f"{shown[:PRICE_SHOWN_MAX]}…"


class Terms(SRModel):
    type: OfferType
    price: Price | None = None


class Availability(SRModel):
    expiration_date: str | None = None
    industries: list[str] | None = None
    locations: list[str] | None = None
    # "ALL" or "INVITED_BY_ME", or a list of companies; neither the reference nor the seed
    # restricts it, and another client's offer must not break the catalogue listing.
    companies: str | list[str] | None = None
    special_offer: bool | str | None = None  # a flag; other clients may send it as text

    @property
    def companies_text(self) -> str:
        companies = self.companies
        if isinstance(companies, list):
            return ", ".join(companies)
        return companies or "ALL"

    @property
    def is_special_offer(self) -> bool:
        flag = self.special_offer
        return flag is True or (isinstance(flag, str) and flag.strip().casefold() == "true")


class Offer(SRModel):
    id: str | None = None
    catalog_id: str = Field(min_length=1, max_length=255)
    name: str = Field(min_length=1, max_length=255)
    description: str = Field(min_length=1)
    terms: Terms
    status: OfferStatus | None = None
    availability: Availability | None = None
    target_market: Any = None


#: An offer's time stamps, SmartRecruiters' own: an edit never sends them back.
OFFER_STAMPS = ("createdOn", "updatedOn")

T = TypeVar("T")


class Page(SRModel, Generic[T]):
    """One page of a limit/offset listing."""

    limit: int = 0
    offset: int = 0
    total_found: int = 0
    content: list[T] = Field(default_factory=list)
    # Private: a field would be read from the service's own answer too.
    _unreadable: list[str] = PrivateAttr(default_factory=list)
    _unreadable_ids: list[str | None] = PrivateAttr(default_factory=list)

    @property
    def counted(self) -> int | None:
        """The service's count of the whole listing; None when the page gave none (the
        reference documents GET /offers as a bare "list"), where ``total_found`` reads 0."""
        return self.total_found if "total_found" in self.model_fields_set else None

    @property
    def unreadable(self) -> list[str]:
        """Items of the page that could not be read, each said in a line (left out of
        ``content``): filled by a client that reads item by item."""
        return self._unreadable

    @property
    def unreadable_ids(self) -> list[str | None]:
        """The ids of the items of ``unreadable`` as the page gave them (white space
        stripped, as the model reads them), None for one without an id in text: an item
        unreadable now may be read later (corrected since), and is the same one."""
        return self._unreadable_ids


#: The most entries of an error's ``errors`` list read: what is said of them is cut to a
#: thousand characters (``app.clients.http.MAX_SERVICE_TEXT``) anyway.
LISTED_ERRORS_READ = 50


class SRListedError(SRModel):
    """One entry of the ``errors`` list SmartRecruiters' APIs answer a refusal with (not in
    the reference's error JSON): ``{"code": "INVALID_VALUE", "message": "Field 'name' must
    not be blank"}``, with the ``field`` at fault in some of them."""

    code: str | None = None
    message: str = ""
    field: str | None = None


class SRErrorBody(SRModel):
    """SmartRecruiters' error JSON. The FAQ shows ``createdAt``; the docs do not. Read with
    ``read_leniently``: a field of an unexpected type must not hide the message."""

    id: str | None = None
    created_at: int | str | None = None
    http_code: int | None = None
    code: str | None = None
    message: str = ""
    help_url: str | None = None
    errors: list[SRListedError] = Field(default_factory=list)

    @field_validator("errors", mode="before")
    @classmethod
    def _each_entry_leniently(cls, value: Any) -> Any:
        # One odd entry (a numeric code, a string for an object) must not hide the others.
        if not isinstance(value, list):
            return value
        return [
            read_leniently(SRListedError, entry)
            for entry in value[:LISTED_ERRORS_READ]
            if isinstance(entry, dict)
        ]

    def said(self) -> str:
        """What the error says, for people: the general message, then each listed one (each
        once), joined by "; ". Empty when it says nothing."""
        said: list[str] = []
        for message in (self.message, *(entry.message for entry in self.errors)):
            if message and message not in said:
                said.append(message)
        return "; ".join(said)

    @property
    def listed_field(self) -> str | None:
        """The field the first listed error that names one names, or None."""
        return next((entry.field for entry in self.errors if entry.field), None)
