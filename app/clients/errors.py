"""One exception hierarchy for both services.

Every error carries the service, the HTTP status, the service's own code and message, and a
sentence for people (``summary``). ``str(error)`` is what a coordinator sees: the sentence plus
the service's message. Secrets are redacted before an error is built, never after.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

# The clients redact with it; the logs share the same rule, so it lives in the domain.
from app.domain.redaction import MIN_REDACTED_LENGTH, redact

__all__ = [
    "MIN_REDACTED_LENGTH",
    "AnswerTooLargeError",
    "AnswerTooSlowError",
    "ApiError",
    "AuthError",
    "NetworkError",
    "NotFoundError",
    "ServerError",
    "Service",
    "StateConflictError",
    "ThrottledError",
    "TlsError",
    "UnexpectedResponseError",
    "UnusableProxyError",
    "ValidationApiError",
    "redact",
]


class Service(StrEnum):
    SMARTRECRUITERS = "SmartRecruiters"
    BERKE = "Berke"


class ApiError(Exception):
    """A call to a service failed. Subclasses say how; ``summary`` says it for people."""

    default_summary = "The call failed."

    def __init__(
        self,
        service: Service,
        *,
        http_status: int | None = None,
        service_code: str | None = None,
        service_message: str = "",
        summary: str | None = None,
    ) -> None:
        self.service = service
        self.http_status = http_status
        self.service_code = service_code
        self.service_message = service_message.strip()
        self.summary = summary or self.default_summary
        super().__init__(self.user_message)

    @property
    def user_message(self) -> str:
        return f"{self.service.value}: {self.with_service_words(self.summary)}"

    def with_service_words(self, sentence: str) -> str:
        """``sentence``, then the service's own words, unless it has them already."""
        if self.service_message and self.service_message not in sentence:
            return f"{sentence} The service said: “{self.service_message}”"
        return sentence

    @property
    def is_transient(self) -> bool:
        """Worth retrying later without changing anything."""
        return False

    def __str__(self) -> str:
        return self.user_message

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(service={self.service.value!r}, http_status={self.http_status},"
            f" service_code={self.service_code!r}, service_message={self.service_message!r})"
        )


class AuthError(ApiError):
    default_summary = "The API key was refused: it is wrong, inactive or lacks permission."


class ValidationApiError(ApiError):
    """The service refused a value. ``parameter`` names it when the service said which."""

    default_summary = "The service refused the request as incorrect."

    def __init__(self, service: Service, *, parameter: str | None = None, **kwargs: object) -> None:
        self.parameter = parameter
        super().__init__(service, **kwargs)  # type: ignore[arg-type]


class NotFoundError(ApiError):
    """``parameter``: the item the service said it does not know, when it said (Berke names
    it in its own answer; a proxy's "404 Not Found" page names nothing)."""

    default_summary = "The service does not know this item (it may have been deleted)."

    def __init__(self, service: Service, *, parameter: str | None = None, **kwargs: object) -> None:
        self.parameter = parameter
        super().__init__(service, **kwargs)  # type: ignore[arg-type]


class StateConflictError(ApiError):
    """The item is not in a state that allows this change (e.g. the order is completed)."""

    default_summary = "The order's status does not allow this change any more."


class ThrottledError(ApiError):
    """Too many calls. ``wait_seconds`` is the service's own estimate of the wait."""

    default_summary = "Too many calls: the service asks to wait before the next one."

    def __init__(
        self,
        service: Service,
        *,
        wait_seconds: float,
        is_daily_limit: bool = False,
        simultaneous: bool = False,
        retry_at: datetime | None = None,
        **kwargs: object,
    ) -> None:
        self.wait_seconds = wait_seconds
        self.is_daily_limit = is_daily_limit
        self.simultaneous = simultaneous
        self.retry_at = retry_at
        super().__init__(service, **kwargs)  # type: ignore[arg-type]

    @property
    def is_transient(self) -> bool:
        # A wait, never a refusal: even after a daily limit the same call goes through once
        # the limit lifts (the client itself sends nothing before then).
        return True


class ServerError(ApiError):
    default_summary = "The service had a problem of its own; trying again later usually works."

    @property
    def is_transient(self) -> bool:
        return True


class UnexpectedResponseError(ServerError):
    """An answer the client could not take. ``problem``: what it found wrong with it, in the
    desk's own words ("the answer's id was not text"), said in the summary: it is no word of
    the service's, which ``service_message`` keeps for what the service said (a sign-in
    page's title, say). Read as the service's text before it is given (cut, keys redacted):
    it may quote the answer."""

    default_summary = "The service answered with something this console does not understand."

    def __init__(self, service: Service, *, problem: str = "", **kwargs: object) -> None:
        self.problem = problem.strip()
        #: The summary says no more than that the answer could not be read (and ``problem``):
        #: no client's sentence of its own (a redirect and where to, a sign-in page).
        self.only_unreadable = (
            kwargs.get("summary") is None
            and self.default_summary == UnexpectedResponseError.default_summary
        )
        if self.problem and kwargs.get("summary") is None:
            kwargs["summary"] = f"{self.default_summary.rstrip('.')} ({self.problem})."
        super().__init__(service, **kwargs)  # type: ignore[arg-type]

    def __repr__(self) -> str:
        said = super().__repr__()
        return f"{said[:-1]}, problem={self.problem!r})" if self.problem else said


class NotADocumentError(UnexpectedResponseError):
    """A report that is not what it should be (not a PDF, empty, larger than the client reads):
    asking again brings the same file, so not transient: automatic delivery holds the order
    rather than fetch it every round."""

    @property
    def is_transient(self) -> bool:
        return False


class AnswerTooLargeError(UnexpectedResponseError):
    """The answer went over the client's size limit and was cut off (never used in part).

    Still transient (a proxy's error page may go away), but not repeated within the same call:
    reading the same flood again would only cost more time and memory.
    """

    default_summary = "The service's answer was far larger than expected; it was cut off."


class NetworkError(ApiError):
    default_summary = "The service could not be reached (network, proxy or firewall problem)."

    def __init__(self, service: Service, *, request_sent: bool = True, **kwargs: object) -> None:
        #: False when it failed before the request left (no connection could be made): the
        #: service cannot have acted on it. True when it may have: a change sent, its answer
        #: lost, may have been made all the same.
        self.request_sent = request_sent
        super().__init__(service, **kwargs)  # type: ignore[arg-type]

    @property
    def is_transient(self) -> bool:
        return True

    @property
    def user_message(self) -> str:
        return f"{self.service.value}: {self.what_happened}"

    @property
    def what_happened(self) -> str:
        """The summary and its detail, without the service's name. The detail is what
        happened on the way ("nothing answered at that address"), not words the service
        said: no answer came."""
        if self.service_message and self.service_message not in self.summary:
            return f"{self.summary.rstrip('.')}: {self.service_message}."
        return self.summary


class AnswerTooSlowError(NetworkError):
    """The answer did not arrive in full within the call's deadline (a stalled or trickling
    server). Transient, but not repeated within the same call: it would only double the wait."""

    default_summary = "The service did not finish answering in time; the call was given up."


class UnusableProxyError(NetworkError):
    """A proxy the environment names cannot be used (a malformed address, a kind not
    supported): no call leaves until it is corrected. ``summary`` names it and says what to do
    (``app.clients.proxies``)."""

    default_summary = "The proxy settings cannot be used."


class TlsError(NetworkError):
    """The secure connection could not be set up: a certificate the system does not trust
    (a company proxy, a wrong clock) or a server that does not speak TLS on that port."""

    default_summary = (
        "The secure (TLS) connection failed: the certificate is not trusted or the address "
        "does not speak https."
    )


def service_wide(exc: ApiError) -> bool:
    """A failure of the whole service (unreachable, the key refused, a wait asked for, its
    own trouble), not of one item's answer: a round of calls about many items ends on it,
    and goes on past any other (the next item's answer may be fine)."""
    if isinstance(exc, UnexpectedResponseError):
        return False  # this answer could not be read: the next may be
    return isinstance(exc, NetworkError | AuthError | ThrottledError | ServerError)
