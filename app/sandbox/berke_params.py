"""Reading Berke parameters (JSON body or form) and the per-field rules of the reference.

Spellings live here only, so a correction is one edit away.
"""

from __future__ import annotations

import ipaddress
import json
import math
import re
from typing import Any
from urllib.parse import urlsplit

from starlette.requests import Request

from app.sandbox import berke_render as out
from app.sandbox import email_rule
from app.sandbox.berke_render import BerkeError

COMMON_PARAMS = ("apiToken", "username", "formatOutput")
METHOD_PARAMS: dict[str, tuple[str, ...]] = {
    "CreateAssessment": (
        "firstName",
        "lastName",
        "emailAddress",
        "phoneNumber",
        "sourceCandidateId",
        "sourceJobId",
        "sourceDepartmentId",
        "onAssessmentCompleteAction",
        "emailReportToList",
        "redirectUrl",
        "completeWithinDays",
        "invitationMessage",
    ),
    "SendInvitation": (
        "sourceCandidateId",
        "emailAddress",
        "invitationMessage",
        "senderName",
        "senderEmail",
    ),
    "GetJobs": (),
    "GetAssessmentStatus": ("sourceCandidateId", "invitationCode"),
    "GetCompletedAssessment": ("sourceCandidateId",),
    "GetCompletedAssessments": ("dateFromUtc", "dateToUtc", "page"),
    "GetReportForJob": ("sourceCandidateId", "sourceJobId", "reportTypeId", "outputFormat"),
    "UpdateAssessment": (
        "sourceCandidateId",
        "newSourceCandidateId",
        "firstName",
        "lastName",
        "emailAddress",
        "completeWithinDays",
        "sourceDepartmentId",
    ),
    "DeleteAssessment": ("sourceCandidateId",),
}
INTEGER_PARAMS = frozenset(
    {"onAssessmentCompleteAction", "completeWithinDays", "page", "reportTypeId", "outputFormat"}
)
# Unix seconds, decimals allowed (the reference).
NUMBER_PARAMS = frozenset({"dateFromUtc", "dateToUtc"})
# Before the year 3000: a wider value is a client bug, not a window.
LATEST_UNIX_SECONDS = 32503680000.0
COMPLETE_ACTIONS = (1, 2, 4, 5)

Params = dict[str, str | int | float | None]

_INTEGER = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
# Tags, comments, declarations and character references all count as markup.
_MARKUP = re.compile(r"<[A-Za-z/!?]|&(?:[A-Za-z][A-Za-z0-9]*|#[0-9]+|#x[0-9A-Fa-f]+);")


async def read_raw(request: Request) -> dict[str, Any]:
    """Parameters as sent, from a JSON object or an urlencoded form."""
    raw = await request.body()
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type == "application/json":
        try:
            body = json.loads(raw) if raw.strip() else {}
        # ValueError also covers integers over 4,300 digits; RecursionError, deep nesting.
        except (ValueError, RecursionError) as exc:
            raise BerkeError(400, out.CODE_BODY, "Request body is not valid JSON") from exc
        if not isinstance(body, dict):
            raise BerkeError(400, out.CODE_BODY, "Request body must be a JSON object")
        return body
    if media_type == "application/x-www-form-urlencoded":
        async with request.form() as form:
            return {key: value for key, value in form.items() if isinstance(value, str)}
    if raw.strip():
        raise BerkeError(
            415,
            out.CODE_BODY,
            "Unsupported Content-Type; send JSON or an urlencoded form",
            "Content-Type",
            media_type,
        )
    return {}


def output_format(raw: dict[str, Any], request: Request) -> str:
    """``formatOutput`` from the body, else the query string; xml by default."""
    value = raw.get("formatOutput")
    if value is None:
        value = request.query_params.get("formatOutput")
    if value is None or (isinstance(value, str) and not value.strip()):
        return "xml"
    if not isinstance(value, str) or value.strip().lower() not in out.FORMATS:
        raise BerkeError(400, out.CODE_FORMAT, "Invalid output format", "formatOutput", value)
    return value.strip().lower()


def normalise(raw: dict[str, Any], method: str) -> Params:
    """Trimmed values, empty strings as null, integers parsed; unknown names are refused so a
    misspelt optional parameter cannot be silently dropped."""
    allowed = COMMON_PARAMS + METHOD_PARAMS[method]
    params: Params = {}
    for name, value in raw.items():
        if name not in allowed:
            raise BerkeError(400, out.CODE_UNKNOWN_PARAMETER, "Unknown parameter", name, value)
        if isinstance(value, str) and out.XML_ILLEGAL.search(value):
            # Berke answers in XML, which holds what it was sent: refused, not dropped
            # (dropping made the answer name another candidate than the one asked for).
            raise BerkeError(400, out.CODE_TYPE, "Invalid character", name, value)
        if value is None:
            params[name] = None
        elif name in INTEGER_PARAMS:
            params[name] = _integer(name, value)
        elif name in NUMBER_PARAMS:
            params[name] = _number(name, value)
        elif isinstance(value, str):
            params[name] = value.strip() or None
        else:
            raise BerkeError(400, out.CODE_TYPE, "Value must be a string", name, value)
    return params


def _integer(name: str, value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        # Bounded: int() refuses (ValueError) texts over 4,300 digits, and none is meaningful.
        if len(text) <= 20 and _INTEGER.fullmatch(text):
            return int(text)
    raise BerkeError(400, out.CODE_TYPE, "Value must be an integer", name, value)


def _number(name: str, value: object) -> float | None:
    """A decimal number; NaN and the infinities (which JSON parsers accept) are refused."""
    number: float | None = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            number = float(value)
        except OverflowError:
            number = None
    elif isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if len(text) <= 40 and _DECIMAL.fullmatch(text):
            number = float(text)
    if number is None or not math.isfinite(number):
        raise BerkeError(400, out.CODE_TYPE, "Value must be a number", name, value)
    return number


def text(params: Params, name: str, limit: int, *, required: bool = False) -> str | None:
    value = params.get(name)
    if value is None:
        if required:
            raise BerkeError(400, out.CODE_REQUIRED, "Required parameter is missing", name, "")
        return None
    assert isinstance(value, str)
    if len(value) > limit:
        raise BerkeError(400, out.CODE_LENGTH, f"Value must be 1-{limit} characters", name, value)
    return value


def is_email(value: str) -> bool:
    # Berke's "well-formed", the rule written once for the sandbox (see its module).
    return email_rule.is_email(value)


def email(params: Params, name: str, limit: int, *, required: bool = False) -> str | None:
    value = text(params, name, limit, required=required)
    if value is not None and not is_email(value):
        raise BerkeError(400, out.CODE_EMAIL, "Invalid email address", name, value)
    return value


def report_list(params: Params, action: int | None) -> str | None:
    value = text(params, "emailReportToList", 500)
    if action != 5:
        return None  # ignored unless the action is 5, as the reference says
    if value is None:
        raise BerkeError(
            400,
            out.CODE_REPORT_LIST,
            "Email report list is required when onAssessmentCompleteAction is 5",
            "emailReportToList",
            "",
        )
    if not all(is_email(item.strip()) for item in value.split(",")):
        raise BerkeError(
            400, out.CODE_REPORT_LIST, "Invalid email report list", "emailReportToList", value
        )
    return value


def redirect_url(params: Params) -> str | None:
    value = text(params, "redirectUrl", 150)
    if value is None:
        return None
    try:
        parts = urlsplit(value)
        host = parts.hostname
        port = parts.port  # "well-formed": a port is a number from 1 to 65535
    except ValueError:  # "http://[::1": no address at all; ":abc", ":99999": no port
        host, port = None, 0
    if (
        not host
        or port == 0
        or not _is_host(host)
        or parts.scheme.lower() not in ("http", "https")
        or any(ch.isspace() or not ch.isprintable() for ch in value)
    ):
        raise BerkeError(400, out.CODE_URL, "Invalid redirect URL", "redirectUrl", value)
    return value


_HOST_LABEL = re.compile(r"[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?")


def _is_host(host: str) -> bool:
    """A host name a browser opens as typed: an IP address, or labels of letters, digits and
    hyphens (an international name as IDNA spells it); "ex..ample.com" and "exa\\mple.com"
    (which a browser reads as the host "exa") are none."""
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        pass
    try:
        name = host.removesuffix(".").encode("idna").decode("ascii")
    except UnicodeError:
        return False
    return all(_HOST_LABEL.fullmatch(label) for label in name.split("."))


def complete_action(params: Params) -> int | None:
    value = params.get("onAssessmentCompleteAction")
    if value is not None and value not in COMPLETE_ACTIONS:
        raise BerkeError(
            400,
            out.CODE_ACTION,
            "Invalid assessment complete action",
            "onAssessmentCompleteAction",
            value,
        )
    return value if isinstance(value, int) else None


def complete_within_days(params: Params) -> int | None:
    value = params.get("completeWithinDays")
    if value is not None and not (value == 0 or (isinstance(value, int) and 2 <= value <= 21)):
        raise BerkeError(
            400, out.CODE_DAYS, "Invalid complete within days", "completeWithinDays", value
        )
    return value if isinstance(value, int) else None


def invitation_message(params: Params, *, markup_allowed: bool) -> str | None:
    value = text(params, "invitationMessage", 1000)
    if value is not None and not markup_allowed and _MARKUP.search(value):
        raise BerkeError(
            400, out.CODE_MARKUP, "HTML markup is prohibited", "invitationMessage", value
        )
    return value
