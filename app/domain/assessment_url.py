"""Checks on the ``assessmentUrl`` Berke returned, before it is sent to SmartRecruiters.

The URL is what a candidate opens, so a coordinator should see at a glance whether it is
plausible: absolute, encrypted, and ending with the invitation code the candidate may type.
Each problem also says what it means for Accept: some make the link open another place than
it shows (or no place at all), and no coordinator can vouch for those; the others may have a
reason the coordinator knows, and are sent only once they say so.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

from app.domain.urls import is_loopback_host


class Weight(StrEnum):
    """What a problem with the URL means for Accept."""

    #: Never sent: the link opens another site than it names (a name before an @), hides
    #: characters (direction or zero-width marks), or is no web address at all.
    REFUSE = "refuse"
    #: Sent only when the coordinator says so: plain http, lookalike letters, a code that
    #: does not match. Worth a second look, not proof of a wrong link.
    CONFIRM = "confirm"


@dataclass(frozen=True)
class UrlProblem:
    """One problem with an assessment URL: a sentence for a coordinator, and its weight."""

    text: str
    weight: Weight


#: Said where Accept is refused, under the problems that refuse it.
REFUSED = (
    "Accept is refused: a link with this problem is never sent to SmartRecruiters or the "
    "candidate. Check the assessment in Berke, or reject the order."
)


@dataclass(frozen=True)
class AcceptCheck:
    """What Accept may do with an assessment URL: its problems, and whether it may be sent
    (never, or once the coordinator has acknowledged the problems)."""

    problems: tuple[UrlProblem, ...] = ()

    @property
    def texts(self) -> list[str]:
        return [problem.text for problem in self.problems]

    @property
    def refused(self) -> bool:
        return any(problem.weight is Weight.REFUSE for problem in self.problems)

    @property
    def needs_acknowledgement(self) -> bool:
        """Sendable, but only once the coordinator says so."""
        return not self.refused and bool(self.problems)

    @property
    def refusal(self) -> str | None:
        """Why Accept is refused, in a sentence; None when it is not."""
        return REFUSED if self.refused else None

    def allows(self, *, acknowledged: bool) -> bool:
        """Whether Accept may send the URL, given whether the problems were acknowledged."""
        return not self.refused and (acknowledged or not self.problems)


def accept_check(url: str, invitation_code: str, *, allow_http_loopback: bool) -> AcceptCheck:
    """The problems with ``url`` and what they allow Accept to do (see ``Weight``)."""
    return AcceptCheck(
        tuple(
            assessment_url_problems(url, invitation_code, allow_http_loopback=allow_http_loopback)
        )
    )


def accept_refusal(url: str, invitation_code: str) -> str | None:
    """Why Accept may never send ``url``, whoever asks (the dialog, the batch, the resumer),
    in the problems' words; None when it may (the dialog asks about lesser problems)."""
    check = accept_check(url, invitation_code, allow_http_loopback=True)
    refusing = [problem.text for problem in check.problems if problem.weight is Weight.REFUSE]
    return " ".join(refusing) if refusing else None


def check_assessment_url(url: str, invitation_code: str, *, allow_http_loopback: bool) -> list[str]:
    """The problems with ``url``, as sentences for a coordinator; an empty list means fine.

    ``allow_http_loopback`` admits ``http://`` on this computer only: the built-in sandbox.
    """
    problems = assessment_url_problems(
        url, invitation_code, allow_http_loopback=allow_http_loopback
    )
    return [problem.text for problem in problems]


def assessment_url_problems(
    url: str, invitation_code: str, *, allow_http_loopback: bool
) -> list[UrlProblem]:
    """The problems with ``url``, each with its weight for Accept; empty means fine."""
    text = url.strip()
    if not text:
        return [UrlProblem("The assessment URL is empty.", Weight.REFUSE)]
    problems: list[UrlProblem] = []
    try:
        parts = urlsplit(text)
    except ValueError:  # "https://[bad/…": an unclosed IPv6 bracket
        return [
            UrlProblem(
                "The assessment URL is not a full web address: it cannot be read as one.",
                Weight.REFUSE,
            )
        ]
    if parts.scheme not in ("http", "https") or not parts.netloc:
        problems.append(
            UrlProblem(
                "The assessment URL is not a full web address: it must start with https:// "
                "and name a site.",
                Weight.REFUSE,
            )
        )
    elif parts.scheme == "http" and not (allow_http_loopback and is_loopback_host(parts.hostname)):
        # Unencrypted, but the same place: a Berke test system may have no certificate.
        problems.append(
            UrlProblem(
                "The assessment URL starts with http://, not https://: the candidate's "
                "connection would not be encrypted.",
                Weight.CONFIRM,
            )
        )
    if any(ch.isspace() for ch in text):
        # A browser or mail program cuts the link at the space: it opens another page.
        problems.append(UrlProblem("The assessment URL contains spaces.", Weight.REFUSE))
    problems += _deceptive(text, parts.netloc, invitation_code)
    code = invitation_code.strip()
    if not code:
        problems.append(
            UrlProblem("There is no invitation code to compare the URL with.", Weight.CONFIRM)
        )
    elif not ends_with_code(text, code):
        problems.append(
            UrlProblem(
                f"The assessment URL does not end with the invitation code {_shown(code)}: "
                "it may belong to another candidate.",
                Weight.CONFIRM,
            )
        )
    return problems


def _deceptive(url: str, netloc: str, code: str) -> list[UrlProblem]:
    """What makes the address shown another than the one opened: each passed for "looks
    right" (a site name before an @, marks that reverse or hide text, letters that imitate a
    site's). The first two are refused outright: nobody reading the link can tell where it
    goes. Lookalike letters are asked about: a real site may be spelt in another alphabet."""
    problems = []
    host = netloc.rpartition("@")[2]
    if "@" in netloc:
        problems.append(
            UrlProblem(
                "The assessment URL names a site before an @: a browser opens the one after "
                f"it, {_shown(host)}.",
                Weight.REFUSE,
            )
        )
    if any(unicodedata.category(ch) in ("Cf", "Cc") for ch in url + code):
        problems.append(
            UrlProblem(
                "The assessment URL or its code holds invisible marks (direction or "
                "zero-width): what is shown is not what is opened or typed.",
                Weight.REFUSE,
            )
        )
    name = host.rpartition(":")[0] if host.count(":") == 1 else host
    if not name.isascii():
        try:
            written = name.encode("idna").decode("ascii")
        except UnicodeError:
            written = "a name that cannot be written in plain letters"
        problems.append(
            UrlProblem(
                f"The assessment URL's site is spelt with letters outside the plain alphabet "
                f"({_shown(written)}): it may imitate another site.",
                Weight.CONFIRM,
            )
        )
    return problems


def _shown(name: str, limit: int = 60) -> str:
    """``name`` cut to ``limit`` characters for a sentence: a 1,900-character host after an @
    made the Accept dialog 14,000 px wide (a sentence wraps only between words)."""
    return name if len(name) <= limit else name[: limit - 1] + "…"


#: What parts a URL, and so is never in an invitation code (typed by hand at Berke's site).
_URL_DELIMITERS = ("/", "?", "#", "&", "=", "@")


def ends_with_code(url: str, code: str) -> bool:
    """Whether ``url`` ends with ``code``, whole. Berke's rule is literal ("ends with the
    invitationCode"); a trailing slash is harmless, but ".../XABC" must not pass for code
    "ABC", so the code has to start a path or query segment; and a code that holds a part of
    a URL ("b.example/a/ABC") is not one."""
    if not code or any(mark in code for mark in _URL_DELIMITERS):
        return False
    body = url.rstrip("/")
    if not body.endswith(code):
        return False
    before = body[: -len(code)]
    return before.endswith(("/", "=", "#"))


def url_prefix(url: str, code: str) -> str:
    """What comes before the code in an assessment URL, so that another code's URL is this
    prefix and that code (an assessment recovered from Berke's status, which has no URL). A
    trailing slash stays out of it: "…/start/ABC/" is "…/start/" (cut by the code's length
    from the end, it was "…/start/A", and a recovered assessment's URL was wrong)."""
    body = url.rstrip("/")
    return body[: -len(code)] if code and body.endswith(code) else body
