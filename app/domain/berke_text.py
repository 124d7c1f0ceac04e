"""Berke's parameter spellings and the text rules its requests share: a name on one line, what
Berke calls markup, the spam advice for a message to the candidate, empty as absent.

Both CreateAssessment's request (``app.domain.berke``) and SendInvitation's text
(``app.domain.invitation``) use them. They live apart from Berke's models, and without pydantic,
because the saved connection settings hold an invitation text: a working day's first frame
reads those settings and needs these rules, not Berke's models (building them cost ~35 ms
before that frame, ``bench/startup.py --cached``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from pydantic import ValidationInfo


class BerkeParam:
    """Berke's parameter spellings, in one place: a correction is one edit away."""

    API_TOKEN: Final = "apiToken"
    USERNAME: Final = "username"
    FIRST_NAME: Final = "firstName"
    LAST_NAME: Final = "lastName"
    EMAIL_ADDRESS: Final = "emailAddress"
    PHONE_NUMBER: Final = "phoneNumber"
    SOURCE_CANDIDATE_ID: Final = "sourceCandidateId"
    SOURCE_JOB_ID: Final = "sourceJobId"
    SOURCE_DEPARTMENT_ID: Final = "sourceDepartmentId"
    ON_COMPLETE_ACTION: Final = "onAssessmentCompleteAction"
    EMAIL_REPORT_TO_LIST: Final = "emailReportToList"
    REDIRECT_URL: Final = "redirectUrl"
    COMPLETE_WITHIN_DAYS: Final = "completeWithinDays"
    INVITATION_MESSAGE: Final = "invitationMessage"
    SENDER_NAME: Final = "senderName"
    SENDER_EMAIL: Final = "senderEmail"
    INVITATION_CODE: Final = "invitationCode"
    FORMAT_OUTPUT: Final = "formatOutput"


# What Berke calls markup in a message: "<" before a letter, "/", "!" or "?" (a tag, even
# unclosed, a comment, a declaration, a processing instruction) and character references
# ("&amp;", "&#60;"), as the simulated Berke judges it (one table of cases tests both). "a < b"
# is text. A plain character class each, no nesting: linear on any text.
HTML_MARKUP = re.compile(r"<[A-Za-z/!?]|&(?:[A-Za-z][A-Za-z0-9]*|#[0-9]+|#x[0-9A-Fa-f]+);")


def blank_to_none(value: object) -> object:
    """Berke wants an absent optional parameter, not an empty one: trim, then '' is None."""
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


#: Validation context for a request read back from the journal. The rules added since it was
#: recorded (the email rule, sensitive ids) do not make history unreadable; a step still to
#: be sent is checked again without it before it goes (workflows.steps).
AS_RECORDED: dict[str, bool] = {"as_recorded": True}


def is_as_recorded(info: ValidationInfo) -> bool:
    """Whether the value is being read back from the journal (``AS_RECORDED``)."""
    return bool(info.context and info.context.get("as_recorded"))


#: Characters no XML 1.0 document can carry, even escaped (control characters other than tab
#: and line breaks, lone surrogates, U+FFFE and U+FFFF). Berke answers in XML by default, and
#: its answers hold the names and ids it was sent: one such character made the sandbox create
#: the assessment and then answer about "another candidate" (it had dropped the character).
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(value: object, info: ValidationInfo) -> object:
    """Refuses text Berke cannot carry in its XML, at the field, before anything is sent. Such
    a character is invisible (pasted from another program with the text); the coordinator is
    told which, so it can be found and deleted. A request read back as recorded is kept."""
    if isinstance(value, str) and not is_as_recorded(info):
        found = _NOT_IN_XML.search(value)
        if found is not None:
            raise ValueError(
                f"holds an invisible character Berke cannot take (U+{ord(found.group()):04X}, "
                f"at position {found.start() + 1}): delete it; it often comes with text "
                "pasted from another program"
            )
    return value


#: Of those, the ones Python counts as white space (vertical tab, form feed, separators).
_BLANK_NOT_IN_XML = re.compile("[\x0b\x0c\x1c-\x1f]")


def without_xml_unsafe(text: str) -> str:
    """``text`` without what Berke's XML cannot carry: white space of that kind becomes a
    space, the rest goes. For text kept before ``xml_safe`` refused it (a profile's default
    invitation): invisible either way, and it could not have been sent with it."""
    return _NOT_IN_XML.sub("", _BLANK_NOT_IN_XML.sub(" ", text))


def one_line_name(value: object, info: ValidationInfo) -> object:
    """A name on one line: runs of spaces, tabs and line breaks become one space. A name is
    shown in Berke's emails and reports (a sender's, in the From line): a line break in it is
    never a name's, and a copied "Ana\n\nMaria" was sent as it was. A name of nothing but
    invisible characters (zero-width spaces, direction marks) is no name: empty, so required.
    A request read back as recorded keeps the name it was sent with."""
    if not isinstance(value, str):
        return value
    if is_as_recorded(info):
        return value.strip()
    name = " ".join(value.split())
    return name if any(_shows(c) for c in name) else ""


def _shows(character: str) -> bool:
    """Whether a character is drawn: not a control, format character or separator."""
    return unicodedata.category(character)[0] not in "CZ"


@dataclass(frozen=True)
class Advice:
    """A warning: Berke accepts the value, but the coordinator probably does not want it."""

    field: str  # Berke's spelling of the parameter
    message: str


_CAPS_WORD = re.compile(r"\b[A-Z]{2,}(?:\s+[A-Z]{2,})*\b")


def shouty_words(message: str) -> list[str]:
    """Words written in capitals (2+ letters) that spam filters dislike."""
    return [m.group(0) for m in _CAPS_WORD.finditer(message)]


def spam_advice(field: str, message: str | None) -> list[Advice]:
    """Berke's advice for a message to the candidate: "To avoid spam blockers, do not use
    exclamation points or PHRASES IN CAPS" (CreateAssessment's and SendInvitation's alike)."""
    found: list[Advice] = []
    if not message:
        return found
    if "!" in message:
        found.append(
            Advice(field, "Exclamation marks make spam filters more likely to block the message.")
        )
    caps = shouty_words(message)
    if caps:
        found.append(
            Advice(
                field,
                f"Words in capitals ({', '.join(caps[:3])}) make spam "
                "filters more likely to block the message.",
            )
        )
    return found
