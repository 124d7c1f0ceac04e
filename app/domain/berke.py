"""Berke Assessment API shapes and the CreateAssessment rules, as validation.

Every rule of the CreateAssessment table (``shared/api/berke.md``, the seed page) is a validator
here, so the form, the client and the journal share one definition. Soft advice (things Berke
accepts but a coordinator should reconsider) is returned by :meth:`CreateAssessmentRequest.advice`
and never raises.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Annotated, Any, Final, Literal
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from app.domain.assessment_url import ends_with_code
from app.domain.berke_progress import BerkeProgress, progress_of, unix_time
from app.domain.berke_text import (
    HTML_MARKUP,
    Advice,
    BerkeParam,
    blank_to_none,
    is_as_recorded,
    one_line_name,
    spam_advice,
    xml_safe,
)
from app.domain.email_rule import email_list_problem, well_formed_or_none
from app.domain.invitation import BERKE_MESSAGE_MAX
from app.domain.job_names import job_key
from app.domain.line_text import PART_SHOWN, one_line
from app.domain.sensitive_ids import looks_like_sensitive_id, refusal
from app.domain.service_time import within_range
from app.domain.sr_limits import http_url_problem, is_sendable_http_url


# Berke's "well-formed" address is one rule for the form, the batch and the client, written and
# explained in email_rule (and, for the sandbox, in app/sandbox/email_rule.py).
def _email(value: str | None, info: ValidationInfo) -> str | None:
    return value if is_as_recorded(info) else well_formed_or_none(value)


def _email_list(value: object, info: ValidationInfo) -> object:
    """Before the length rule: every address is judged, so a long list of bad addresses says
    what is wrong with them (and its length too), not only that it is long. A good list is
    sent as Berke reads it: addresses joined by single commas."""
    if not isinstance(value, str) or is_as_recorded(info):
        return value
    problem = email_list_problem(value)
    if problem is None:
        return ",".join(part.strip() for part in value.split(","))
    if len(value) > EMAIL_LIST_MAX:
        problem += f"; the list is also {len(value):,} characters, over Berke's {EMAIL_LIST_MAX}"
    raise ValueError(problem)


def _redirect(value: str | None) -> str | None:
    problem = http_url_problem(value) if value is not None else None
    if problem is not None:
        raise ValueError(problem)
    return value


def _no_markup(value: str | None) -> str | None:
    if value is not None and HTML_MARKUP.search(value):
        raise ValueError("must not contain HTML markup (a tag such as <b>, or &amp;)")
    return value


def _int_or_none(value: object) -> object:
    value = blank_to_none(value)
    if isinstance(value, str) and re.fullmatch(r"[+-]?\d+", value):
        return int(value)
    return value


# Trimmed strings of 1 to N characters (Python counts characters, not bytes, as Berke does).
Text50 = Annotated[str, StringConstraints(min_length=1, max_length=50)]
Text100 = Annotated[str, StringConstraints(min_length=1, max_length=100)]
Text150 = Annotated[str, StringConstraints(min_length=1, max_length=150)]
EMAIL_LIST_MAX: Final = 500
Text500 = Annotated[str, StringConstraints(min_length=1, max_length=EMAIL_LIST_MAX)]
MessageText = Annotated[str, StringConstraints(min_length=1, max_length=BERKE_MESSAGE_MAX)]


def _strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


Optional1to50 = Annotated[Text50 | None, BeforeValidator(blank_to_none)]
Required1to100 = Annotated[Text100, BeforeValidator(one_line_name)]

CompletionAction = Literal[1, 2, 4, 5]

#: What each completion action does, in the coordinator's words (the form offers exactly these).
COMPLETION_ACTIONS: Final[dict[int, str]] = {
    1: "Do nothing",
    2: "Email the hiring-manager report to the user",
    4: "Email the participant report to the participant",
    5: "Email the report to a list of addresses",
}

REMINDER_DAYS_MIN: Final = 2
REMINDER_DAYS_MAX: Final = 21


def _not_sensitive(value: str | None, info: ValidationInfo) -> str | None:
    """The seed forbids national ids, bank ids and the like as sourceCandidateId: refused."""
    if is_as_recorded(info):
        return value
    kind = looks_like_sensitive_id(value) if value is not None else None
    if kind is not None:
        raise ValueError(refusal(kind))
    return value


def _as_utc(value: datetime) -> datetime:
    """A time without a zone is read as UTC (Berke writes UTC): never compare naive to aware."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


#: A Berke time (Unix seconds or ISO text), in UTC: ISO text without an offset is UTC as the
#: fields' names say ("completedOnUtc"), not a local time when shown; one near the ends of what
#: a datetime holds is refused (``app.domain.service_time``).
BerkeTime = Annotated[datetime, AfterValidator(_as_utc), AfterValidator(within_range)]


class BerkeModel(BaseModel):
    model_config = ConfigDict(defer_build=True, populate_by_name=True, extra="forbid", frozen=True)

    # Every text field, before its own rules (a decorator's "before" runs ahead of the
    # annotation's): what Berke cannot carry is refused, not trimmed or joined away.
    _xml_safe = field_validator("*", mode="before")(xml_safe)

    def to_params(self) -> dict[str, Any]:
        """The parameters Berke expects: its spellings, absent rather than empty."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


class CreateAssessmentRequest(BerkeModel):
    """CreateAssessment's parameters. The API token is the client's, not part of the request."""

    first_name: Required1to100 = Field(alias=BerkeParam.FIRST_NAME)
    last_name: Required1to100 = Field(alias=BerkeParam.LAST_NAME)
    email_address: Annotated[
        Text100 | None, BeforeValidator(blank_to_none), AfterValidator(_email)
    ] = Field(default=None, alias=BerkeParam.EMAIL_ADDRESS)
    phone_number: Optional1to50 = Field(default=None, alias=BerkeParam.PHONE_NUMBER)
    username: Optional1to50 = Field(default=None, alias=BerkeParam.USERNAME)
    source_candidate_id: Annotated[
        Text50 | None, BeforeValidator(blank_to_none), AfterValidator(_not_sensitive)
    ] = Field(default=None, alias=BerkeParam.SOURCE_CANDIDATE_ID)
    source_job_id: Optional1to50 = Field(default=None, alias=BerkeParam.SOURCE_JOB_ID)
    source_department_id: Optional1to50 = Field(default=None, alias=BerkeParam.SOURCE_DEPARTMENT_ID)
    on_assessment_complete_action: Annotated[
        CompletionAction | None, BeforeValidator(_int_or_none)
    ] = Field(default=None, alias=BerkeParam.ON_COMPLETE_ACTION)
    # Before validators run right to left: blank to None first, then the addresses.
    email_report_to_list: Annotated[
        Text500 | None, BeforeValidator(_email_list), BeforeValidator(blank_to_none)
    ] = Field(default=None, alias=BerkeParam.EMAIL_REPORT_TO_LIST)
    redirect_url: Annotated[
        Text150 | None, BeforeValidator(blank_to_none), AfterValidator(_redirect)
    ] = Field(default=None, alias=BerkeParam.REDIRECT_URL)
    complete_within_days: Annotated[int | None, BeforeValidator(_int_or_none)] = Field(
        default=None, alias=BerkeParam.COMPLETE_WITHIN_DAYS
    )
    invitation_message: Annotated[
        MessageText | None, BeforeValidator(blank_to_none), AfterValidator(_no_markup)
    ] = Field(default=None, alias=BerkeParam.INVITATION_MESSAGE)

    @property
    def full_name(self) -> str:
        """The candidate's names, as the activity and a cancel's question say them ("" for
        none: an older journal's request built without them)."""
        return " ".join(p for p in (self.first_name, self.last_name) if p)

    @field_validator("on_assessment_complete_action", mode="wrap")
    @classmethod
    def _explain_action(cls, value: Any, handler: Any) -> Any:
        try:
            return handler(value)
        except ValueError as exc:
            raise ValueError(
                "must be 1 (do nothing), 2 (email the hiring manager), 4 (email the participant) "
                "or 5 (email a list); actions do not combine"
            ) from exc

    @field_validator("complete_within_days")
    @classmethod
    def _reminder_days(cls, value: int | None) -> int | None:
        if value is None or value == 0 or REMINDER_DAYS_MIN <= value <= REMINDER_DAYS_MAX:
            return value
        raise ValueError(
            f"must be empty (account default), 0 (no reminders) "
            f"or {REMINDER_DAYS_MIN} to {REMINDER_DAYS_MAX} days"
        )

    @model_validator(mode="before")
    @classmethod
    def _always_check_list(cls, data: Any) -> Any:
        # Make the list present so its field validator runs and the error carries its name.
        if isinstance(data, dict) and not {
            BerkeParam.EMAIL_REPORT_TO_LIST,
            "email_report_to_list",
        } & set(data):
            return {**data, BerkeParam.EMAIL_REPORT_TO_LIST: None}
        return data

    @field_validator("email_report_to_list")
    @classmethod
    def _list_for_action_5(cls, value: str | None, info: ValidationInfo) -> str | None:
        # A field validator (not a model one) so that the error names emailReportToList.
        if value is None and info.data.get("on_assessment_complete_action") == 5:
            raise ValueError(f"is required when {BerkeParam.ON_COMPLETE_ACTION} is 5")
        return value

    def to_params(self) -> dict[str, Any]:
        params = super().to_params()
        if self.on_assessment_complete_action != 5:
            # Berke ignores the list for other actions; not sending it keeps the intent clear.
            params.pop(BerkeParam.EMAIL_REPORT_TO_LIST, None)
        return params

    def advice(self) -> list[Advice]:
        """Warnings, not errors: the request is valid, but probably not what was meant."""
        found: list[Advice] = []
        if self.email_address is None:
            found.append(
                Advice(
                    BerkeParam.EMAIL_ADDRESS,
                    "No email address: Berke will send no reminder emails.",
                )
            )
            if self.on_assessment_complete_action == 4:
                found.append(
                    Advice(
                        BerkeParam.ON_COMPLETE_ACTION,
                        "Action 4 emails the participant, who has no email address: "
                        "nothing will be sent.",
                    )
                )
        found += spam_advice(BerkeParam.INVITATION_MESSAGE, self.invitation_message)
        return found


class SendInvitationRequest(BerkeModel):
    source_candidate_id: Annotated[Text50, BeforeValidator(_strip)] = Field(
        alias=BerkeParam.SOURCE_CANDIDATE_ID
    )
    email_address: Annotated[Text100, BeforeValidator(_strip), AfterValidator(_email)] = Field(
        alias=BerkeParam.EMAIL_ADDRESS
    )
    # A single character disables the default message; "default" forces it. HTML is escaped.
    # The reference lists one spelling for a message, invitationMessage, for both methods.
    message: Annotated[MessageText | None, BeforeValidator(blank_to_none)] = Field(
        default=None, alias=BerkeParam.INVITATION_MESSAGE
    )
    sender_name: Annotated[Text100 | None, BeforeValidator(blank_to_none)] = Field(
        default=None, alias=BerkeParam.SENDER_NAME
    )
    sender_email: Annotated[
        Text100 | None, BeforeValidator(blank_to_none), AfterValidator(_email)
    ] = Field(default=None, alias=BerkeParam.SENDER_EMAIL)


@cache
def _keys_by_case(model: type[BaseModel]) -> dict[str, str]:
    """Each field's key as Berke spells it, by that key case-folded."""
    keys = (field.alias or name for name, field in model.model_fields.items())
    return {key.casefold(): key for key in keys}


class BerkeResponseModel(BaseModel):
    """Base for what Berke answers: its spellings, whatever their case, unknown attributes
    ignored."""

    model_config = ConfigDict(defer_build=True, populate_by_name=True, extra="ignore", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _keys_in_any_case(cls, data: Any) -> Any:
        # Berke's reference writes "StatusId = 2 means complete" where the sandbox answered
        # "statusId" (a .NET service may write either): read as "statusId" only, a completed
        # assessment read as not started, and was deleted with its scores. The key spelled
        # exactly as the model's wins over another case of it.
        if not isinstance(data, dict):
            return data
        keys = _keys_by_case(cls)
        read = dict(data)
        for key, value in data.items():
            known = keys.get(key.casefold()) if isinstance(key, str) else None
            if known is not None:
                read.setdefault(known, value)
        return read


#: The longest assessment URL taken from Berke: browsers and servers stop near 2,048, and a
#: QR code of error level M holds 2,331 bytes (a 3,000-character URL crashed the preview).
MAX_ASSESSMENT_URL = 2048


def assessment_url_problem(url: str, code: str) -> str | None:
    """Why ``url`` cannot be the address of the assessment whose code is ``code`` (None: it
    can): what the candidate opens and SmartRecruiters is sent is a web address of at most
    ``MAX_ASSESSMENT_URL`` characters ending with the code. A file: or javascript: address
    was stored, "opened", and sent on Accept; a 3,000-character one crashed the preview."""
    if len(url) > MAX_ASSESSMENT_URL:
        return f"the assessment URL is longer than {MAX_ASSESSMENT_URL} characters"
    if not is_sendable_http_url(url):
        return "the assessment URL is not an http(s) web address"
    if "@" in urlsplit(url).netloc:
        # "https://assess.berke.com@elsewhere.example/…" opens elsewhere.example: never
        # accepted with (the Accept dialog refuses it too), whichever way it is sent.
        return "the assessment URL names a site before an @, and a browser opens the one after it"
    if not ends_with_code(url, code):
        return "the assessment URL does not end with the invitation code"
    return None


class CreateAssessmentResponse(BerkeResponseModel):
    source_candidate_id: str = Field(alias=BerkeParam.SOURCE_CANDIDATE_ID, min_length=1)
    invitation_code: str = Field(alias=BerkeParam.INVITATION_CODE, min_length=1)
    assessment_url: str = Field(alias="assessmentUrl", min_length=1)

    @model_validator(mode="after")
    def _a_web_address_ending_with_the_code(self) -> CreateAssessmentResponse:
        problem = assessment_url_problem(self.assessment_url, self.invitation_code)
        if problem is not None:
            raise ValueError(problem)
        return self


class AssessmentStatus(BerkeResponseModel):
    """GetAssessmentStatus: where one assessment stands. ``status_id`` 2 means complete."""

    source_candidate_id: str = Field(alias=BerkeParam.SOURCE_CANDIDATE_ID)
    invitation_code: str | None = Field(default=None, alias=BerkeParam.INVITATION_CODE)
    # Not every Berke answer is documented to carry it; the console copes without it.
    assessment_url: str | None = Field(default=None, alias="assessmentUrl")
    # The reference writes "StatusId" (read whatever its case); absent, progress is UNKNOWN.
    status_id: int | None = Field(default=None, alias="statusId")
    status_name: str | None = Field(default=None, alias="statusName")  # the sandbox's old way only
    # Not in the reference's answer (a sandbox may give it): None is "not said", never 0.
    invitations_sent: int | None = Field(default=None, alias="invitationsSent")
    # The assessment's identity ("the assessment's identity and status", the reference): what
    # proves that an assessment found by id is the one a step created, not someone else's.
    first_name: str | None = Field(default=None, alias=BerkeParam.FIRST_NAME)
    last_name: str | None = Field(default=None, alias=BerkeParam.LAST_NAME)
    email_address: str | None = Field(default=None, alias=BerkeParam.EMAIL_ADDRESS)

    completed_on_utc: BerkeTime | None = Field(default=None, alias="completedOnUtc")

    _unix = field_validator("completed_on_utc", mode="before")(unix_time)

    @property
    def progress(self) -> BerkeProgress:
        return progress_of(self.status_id, self.status_name)

    @property
    def status_not_known(self) -> str | None:
        """A status Berke gave that says nothing this desk knows (an id the reference never
        defines, a name it does not read), as Berke said it: its name (cut), else its id.
        None when it gave none, or one that is read."""
        if self.progress is not BerkeProgress.UNKNOWN:
            return None
        name = one_line(self.status_name or "", PART_SHOWN)
        if name:
            return f"“{name}”"
        return None if self.status_id is None else f"number {self.status_id}"

    @property
    def candidate_label(self) -> str:
        """Who the assessment is for, in words ("Ola Berg <ola@example.com>")."""
        name = " ".join(part for part in (self.first_name, self.last_name) if part)
        if self.email_address:
            return f"{name} <{self.email_address}>" if name else self.email_address
        return name or "another candidate"

    def is_for(self, request: CreateAssessmentRequest) -> bool:
        """Whether this assessment carries the names and email ``request`` sent.

        Berke compares ids without case; names and emails are compared the same way, trimmed.
        An answer that leaves a field out cannot contradict it.
        """

        def same(mine: str | None, theirs: str | None) -> bool:
            if theirs is None:
                return True
            # Spaces inside compared as one: names are sent on one line since one version,
            # and an assessment made before ("Ana  Maria") is still this request's.
            return job_key(mine) == job_key(theirs)  # the names' rule is the job names' one

        return (
            same(request.first_name, self.first_name)
            and same(request.last_name, self.last_name)
            and same(request.email_address, self.email_address)
        )


class BerkeJob(BerkeResponseModel):
    # Never blank: a blank id is sent as no job (the company default), not the job shown.
    source_job_id: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)] = Field(
        alias=BerkeParam.SOURCE_JOB_ID
    )
    name: str = ""
    length: str | None = None
    length_seconds: int | None = Field(default=None, alias="lengthSeconds")
    match_enabled: bool | None = Field(default=None, alias="matchEnabled")
    created_on: str | None = Field(default=None, alias="createdOn")
    updated_on: str | None = Field(default=None, alias="updatedOn")

    @field_validator("length_seconds", "match_enabled", mode="wrap")
    @classmethod
    def _unknown_when_odd(cls, value: Any, handler: Any) -> Any:
        # Only shown: one Berke writes oddly ("n/a") is not known, rather than a reason to
        # refuse every job of the list (the form then offered only the company default).
        try:
            return handler(value)
        except ValueError:
            return None


# The start of the parameter part: ", name=[". Searched for once, left to right, with
# possessive repeats (nothing is given back: a space is never a letter, a letter never "="),
# so each character is looked at a bounded number of times and the search is linear in the
# text (a backtracking pattern over the whole answer once stalled the event loop for 18 s on
# 128 KB). Berke's parameter names are short: a longer run of letters is not one.
_PARAMETER_PART = re.compile(r",\s*+([A-Za-z]{1,64}+)=\[")


def split_error_response(text: str) -> tuple[str, str | None, str | None]:
    """``"[Error Message], [Parameter]=[[ParameterValue]]"`` → (message, parameter, value).

    The parameter part starts at the first ``, name=[`` and runs to a final ``]``; the value
    may hold anything, commas and brackets included. Without that form: (text, None, None).
    """
    body = text.rstrip()
    if body.endswith("]"):
        found = _PARAMETER_PART.search(body)
        if found is not None:
            return body[: found.start()].strip(), found.group(1), body[found.end() : -1]
    return text.strip(), None, None


def _scalar_text(value: object) -> object:
    """Berke's text fields as text: a number or a flag is written out, anything else (a list,
    an object) is not text at all and reads as absent, so that an odd answer still reads as an
    error instead of failing validation."""
    if isinstance(value, str) or value is None:
        return value
    if isinstance(value, bool | int | float):
        return str(value)
    return None


class BerkeErrorBody(BerkeResponseModel):
    """A failed call: ``response`` is ``"[Error Message], [Parameter]=[[ParameterValue]]"``."""

    status: str = ""
    response: str | None = None
    response_code: str | None = Field(default=None, alias="responseCode")

    @field_validator("response", "response_code", mode="before")
    @classmethod
    def _code_text(cls, value: object) -> object:
        return _scalar_text(value)

    @field_validator("status", mode="before")
    @classmethod
    def _status_text(cls, value: object) -> object:
        text = _scalar_text(value)
        return "" if text is None else text

    @property
    def message(self) -> str:
        """The error message without the parameter part."""
        return split_error_response(self.response or "")[0]

    @property
    def parameter(self) -> str | None:
        return split_error_response(self.response or "")[1]

    @property
    def parameter_value(self) -> str | None:
        return split_error_response(self.response or "")[2]


#: The longest wait a 429 may announce that is taken literally: a daily limit lifts within a
#: day. An estimate of 10^30 ms would otherwise overflow a datetime or hold calls for ever.
MAX_THROTTLE_WAIT: Final = timedelta(days=1)


class BerkeThrottleBody(BerkeErrorBody):
    """The body of a 429: when the next call may be made, and whether the daily limit is hit."""

    call_denied_date_time: datetime | None = Field(default=None, alias="callDeniedDateTime")
    call_expires_on_completion: bool = Field(default=False, alias="callExpiresOnCompletion")
    count_calls_exceeded: int | None = Field(default=None, alias="countCallsExceeded")
    estimated_ms_to_next_allowed_call: int = Field(
        default=0, alias="estimatedMillisecondsToNextAllowedCall"
    )
    first_call_denied_date_time: datetime | None = Field(
        default=None, alias="firstCallDeniedDateTime"
    )
    is_daily_limit: bool = Field(default=False, alias="isDailyLimit")
    maximum_calls_per_time_frame: int | None = Field(default=None, alias="maximumCallsPerTimeFrame")
    time_frame_milliseconds: int | None = Field(default=None, alias="timeFrameMilliseconds")

    @field_validator("call_denied_date_time", "first_call_denied_date_time", mode="before")
    @classmethod
    def _dotnet_time(cls, value: object) -> object:
        # .NET writes seven fractional digits (2025-01-20T18:47:44.4792646Z); keep six.
        if isinstance(value, str):
            return re.sub(r"(\.\d{6})\d+", r"\1", value)
        return value

    def next_allowed_at(self, now: datetime) -> datetime:
        """When the same call (or, for a daily limit, any call) may be made again: Berke's
        estimate counted from ``now``, when its answer arrived here.

        Not from ``callDeniedDateTime``: that is Berke's clock, and this machine's may be hours
        off it, which would turn a 2 s wait into hours or a daily limit into none. Counting
        from the arrival waits a little longer than Berke asks (the answer's travel time).
        """
        return _as_utc(now) + self._estimate()

    def wait_seconds(self) -> float:
        """Seconds to wait from the answer's arrival; 0 for a simultaneous-call limit (retry
        when one ends)."""
        if self.call_expires_on_completion:
            return 0.0
        return self._estimate().total_seconds()

    def _estimate(self) -> timedelta:
        """Berke's estimate, between none and ``MAX_THROTTLE_WAIT`` whatever the figure."""
        estimate_ms = min(
            max(self.estimated_ms_to_next_allowed_call, 0),
            int(MAX_THROTTLE_WAIT.total_seconds() * 1000),
        )
        return timedelta(milliseconds=estimate_ms)


def split_response_code(header: str | None) -> tuple[int | None, int | None]:
    """``X-Response-Code: 403.1003`` → (403, 1003); a Berke code ≥ 1000 is an error."""
    if not header:
        return None, None
    http_part, _, berke_part = header.strip().partition(".")
    try:
        http = int(http_part)
    except ValueError:
        http = None
    try:
        berke = int(berke_part) if berke_part else None
    except ValueError:
        berke = None
    return http, berke
