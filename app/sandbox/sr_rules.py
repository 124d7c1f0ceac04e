"""What SmartRecruiters accepts in request bodies: results, comments, offers, test orders and
the partner's configuration."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

from app.sandbox.sr_http import SrError

RESULT_TYPES = ("DOCUMENT", "URL", "VIDEO_URL", "VIDEO_STREAM", "GENERATED_URL")
ORDER_STATUSES = ("NEW", "IN_PROGRESS", "REJECTED", "COMPLETED")
OFFER_STATUSES = ("INACTIVE", "UNDER_REVIEW", "ACTIVE", "REJECTED")
OFFER_TERM_TYPES = (
    "BEHAVIORAL_ASSESSMENT",
    "REFERENCE_CHECK",
    "SKILLS_TEST",
    "VIDEO_INTERVIEW",
    "BACKGROUND_CHECK",
)
ALLOWED_TAGS = frozenset(
    {
        "a",
        "img",
        "strong",
        "b",
        "em",
        "i",
        "u",
        "p",
        "ol",
        "ul",
        "li",
        "pre",
        "code",
        "blockquote",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
    }
)
# The partner configuration ids the reference lists, in its order and spelling (resultURL, not
# resultUrl).
CONFIG_IDS = (
    "assessmentNotificationUrl",
    "resultURL",
    "resultHeader",
    "inlineAssessmentOrderUrl",
    "inlineAssessmentOrderHeader",
)
NO_RESULT = "Request is incorrect. Please provide 'result' field."
#: The fields only a result has (``author`` is in the comment too): a complete body with any
#: of them is the FAQ's result form, whatever it lacks.
RESULT_FIELDS = ("resultType", "result", "title", "description", "passed", "score")
UNAUTHORIZED_STATUS = "unauthorized to access resource"
MAX_COMMENTS = 100
MAX_OFFER_TEXT = 255


def is_http_url(value: object) -> bool:
    if not isinstance(value, str) or not value.strip() or any(c.isspace() for c in value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        # "https://[oops/…": an unclosed IPv6 bracket. No address, so SR's 400, not a 500
        # the client would take for a passing fault and retry for ever.
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


class _TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_endtag(self, tag: str) -> None:
        self.tags.append(tag)


def forbidden_tag(html: str) -> str | None:
    collector = _TagCollector()
    collector.feed(html)
    collector.close()
    return next((tag for tag in collector.tags if tag not in ALLOWED_TAGS), None)


def _optional_str(body: dict[str, Any], name: str) -> str | None:
    value = body.get(name)
    if value is not None and not isinstance(value, str):
        raise SrError(400, f"Field '{name}' must be a string")
    return value


def _contact(body: dict[str, Any], name: str) -> dict[str, Any] | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise SrError(400, f"Field '{name}' must be an object")
    for key in ("firstName", "lastName", "email", "phone"):
        _optional_str(value, key)
    return value


def validate_result(body: dict[str, Any]) -> dict[str, Any]:
    """The stored fields of an AssessmentResult; raises the FAQ's errors."""
    result = body.get("result")
    if result is None or (isinstance(result, str) and not result.strip()):
        raise SrError(400, NO_RESULT)
    if not isinstance(result, str):
        raise SrError(400, "Field 'result' must be a string")
    result_type = body.get("resultType")
    if not isinstance(result_type, str) or result_type.upper() not in RESULT_TYPES:
        raise SrError(
            400,
            f"Field 'resultType' must be one of {', '.join(RESULT_TYPES)} (got {result_type!r})",
        )
    result_type = result_type.upper()
    if result_type in ("URL", "VIDEO_URL") and not is_http_url(result):
        raise SrError(400, f"Field 'result' must be an http(s) URL for resultType {result_type}")
    description = _optional_str(body, "description")
    if description:
        tag = forbidden_tag(description)
        if tag is not None:
            raise SrError(
                400,
                f"Field 'description' contains HTML tag <{tag}> which is not "
                f"allowed; allowed tags: {', '.join(sorted(ALLOWED_TAGS))}",
            )
    passed = body.get("passed")
    if passed is not None and not isinstance(passed, bool):
        raise SrError(400, "Field 'passed' must be a boolean")
    stored: dict[str, Any] = {
        "title": _optional_str(body, "title"),
        "description": description,
        "passed": passed,
        "score": _optional_str(body, "score"),
        "resultType": result_type,
        "result": result,
        "author": _contact(body, "author"),
    }
    return {key: value for key, value in stored.items() if value is not None}


def validate_comment(body: dict[str, Any]) -> dict[str, Any]:
    message = body.get("message")
    if not isinstance(message, str) or not message.strip():
        raise SrError(400, "Field 'message' is required")
    comment: dict[str, Any] = {"message": message}
    author = _contact(body, "author")
    if author is not None:
        comment["author"] = author
    return comment


def is_result_body(body: dict[str, Any]) -> bool:
    """Whether a ``complete`` body is the FAQ's result form rather than the docs' comment.

    Any field of a result decides it, not only ``result`` and ``resultType``: a client that
    lost those two but sent a title and a score completed the order, for good, with no
    result, where SmartRecruiters answers "Please provide 'result' field". ``result`` and
    ``resultType`` count even when null (as before); the others when they hold a value (a
    client may send its unset fields as null)."""
    return any(
        name in body if name in ("resultType", "result") else body.get(name) is not None
        for name in RESULT_FIELDS
    )


def validate_complete_comment(body: dict[str, Any]) -> None:
    """The docs' form of ``complete``: an optional comment."""
    _optional_str(body, "message")
    _contact(body, "author")


def validate_accept(body: dict[str, Any]) -> str | None:
    """The accepted order's assessment URL, or None when the body carries none.

    Every field is optional (the FAQ: the URL is shown "if passed with the request"); clients
    that serialise unset fields send null, which counts as absent. A URL that is passed must be
    one a candidate can open, and an empty one is refused as the FAQ says it is on reject.
    """
    url = body.get("assessmentURL")
    if url is not None and not is_http_url(url):
        raise SrError(
            400,
            "Field 'assessmentURL', when passed, must be an absolute http(s) URL",
        )
    for name in ("message", "messageToCandidate"):
        _optional_str(body, name)
    _contact(body, "author")
    return url if isinstance(url, str) else None


def validate_reject(body: dict[str, Any]) -> None:
    # The FAQ: an empty assessmentURL makes the reject fail; null is treated the same because
    # it, too, is a field that should have been left out.
    if "assessmentURL" in body and (
        body["assessmentURL"] is None or str(body["assessmentURL"]).strip() == ""
    ):
        raise SrError(400, "Field 'assessmentURL' must be omitted when rejecting, not empty")
    _optional_str(body, "message")
    _contact(body, "author")


def _text(body: dict[str, Any], name: str, limit: int | None) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value.strip():
        raise SrError(400, f"Field '{name}' is required")
    if limit is not None and len(value) > limit:
        raise SrError(400, f"Field '{name}' must be at most {limit} characters")
    return value


def _terms(value: object) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise SrError(400, "Field 'terms' is required and must be an object")
    if value.get("type") not in OFFER_TERM_TYPES:
        raise SrError(400, f"Field 'terms.type' must be one of {', '.join(OFFER_TERM_TYPES)}")
    price = value.get("price")
    if price is not None:
        amount = price.get("amount") if isinstance(price, dict) else None
        currency = price.get("currencyCode") if isinstance(price, dict) else None
        if not isinstance(amount, str) or not _is_amount(amount):
            raise SrError(400, "Field 'terms.price.amount' must be a decimal string like '20.00'")
        if not (
            isinstance(currency, str)
            and len(currency) == 3
            and currency.isascii()
            and currency.isalpha()
            and currency.isupper()
        ):
            raise SrError(
                400, "Field 'terms.price.currencyCode' must be an ISO 4217 code like 'USD'"
            )
    return value


def _is_amount(text: str) -> bool:
    whole, _, cents = text.partition(".")
    cents_ok = cents == "" or (len(cents) == 2 and cents.isdigit())
    return whole.isdigit() and text.isascii() and cents_ok


def validate_offer(body: dict[str, Any]) -> dict[str, Any]:
    """A complete offer document (after merging an update); returns the fields to store."""
    status = body.get("status")
    if status == "ACTIVE":
        raise SrError(400, UNAUTHORIZED_STATUS)
    if status is not None and status not in ("INACTIVE", "UNDER_REVIEW", "REJECTED"):
        raise SrError(400, "Field 'status' must be INACTIVE, UNDER_REVIEW or REJECTED")
    offer = {
        "catalogId": _text(body, "catalogId", MAX_OFFER_TEXT),
        "name": _text(body, "name", MAX_OFFER_TEXT),
        "description": _text(body, "description", None),
        "terms": _terms(body.get("terms")),
    }
    # Neither the reference nor the FAQ says what availability or targetMarket may hold
    # (clients send company lists, and specialOffer as text): they are kept as sent.
    for name in ("availability", "targetMarket"):
        if body.get(name) is not None:
            offer[name] = body[name]
    if status is not None:
        offer["status"] = status
    return offer


def validate_test_order(body: dict[str, Any]) -> None:
    candidate = body.get("candidate")
    job = body.get("job")
    if not isinstance(candidate, dict):
        raise SrError(400, "Field 'candidate' is required")
    for name in ("firstName", "lastName"):
        if not isinstance(candidate.get(name), str) or not candidate[name].strip():
            raise SrError(400, f"Field 'candidate.{name}' is required")
    if not isinstance(job, dict) or not isinstance(job.get("name"), str) or not job["name"].strip():
        raise SrError(400, "Field 'job.name' is required")
    for name in ("requestor", "company", "offer"):
        if body.get(name) is not None and not isinstance(body[name], dict):
            raise SrError(400, f"Field '{name}' must be an object")


def validate_config(body: dict[str, Any]) -> tuple[str, Any]:
    """``POST /configs {id, value}``: the id must be a documented one; the reference says
    nothing of the value's form, so any value is kept as sent (a body without one sets
    nothing and is refused)."""
    config_id = body.get("id")
    if not isinstance(config_id, str) or config_id not in CONFIG_IDS:
        raise SrError(400, f"Field 'id' must be one of {', '.join(CONFIG_IDS)}")
    if "value" not in body:
        raise SrError(400, "Field 'value' is required")
    return config_id, body["value"]
