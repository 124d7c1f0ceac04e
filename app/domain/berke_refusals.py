"""Berke's refusal of a value, said as a sentence a coordinator understands.

Berke answers ``"[Error Message], [Parameter]=[[ParameterValue]]"`` (``split_error_response``):
"sourceCandidateId must be unique, sourceCandidateId=[AD-1F3A]". The coordinator reads which
field, which value and what to do; Berke's own words stay beside it as a detail (the error's
``service_message``).
"""

from __future__ import annotations

from typing import Final

from app.domain.berke import split_error_response
from app.domain.berke_text import BerkeParam

#: Each parameter as the form calls it.
PARAMETER_WORDS: Final[dict[str, str]] = {
    BerkeParam.USERNAME: "the Berke user",
    BerkeParam.FIRST_NAME: "the first name",
    BerkeParam.LAST_NAME: "the last name",
    BerkeParam.EMAIL_ADDRESS: "the email address",
    BerkeParam.PHONE_NUMBER: "the phone number",
    BerkeParam.SOURCE_CANDIDATE_ID: "the candidate id",
    BerkeParam.SOURCE_JOB_ID: "the job",
    BerkeParam.SOURCE_DEPARTMENT_ID: "the department id",
    BerkeParam.ON_COMPLETE_ACTION: "the completion action",
    BerkeParam.EMAIL_REPORT_TO_LIST: "the report's address list",
    BerkeParam.REDIRECT_URL: "the redirect URL",
    BerkeParam.COMPLETE_WITHIN_DAYS: "the reminder days",
    BerkeParam.INVITATION_MESSAGE: "the invitation message",
    BerkeParam.SENDER_NAME: "the sender name",
    BerkeParam.SENDER_EMAIL: "the sender email",
    BerkeParam.INVITATION_CODE: "the invitation code",
}

#: Berke's words for "there is no such item". The reference fixes no wording: it calls a
#: sibling id "Unknown sourceJobId" and a deleted one "SourceCandidateId no longer exists in
#: system"; the sandbox says "was not found". Read before the "taken" words, which "no longer
#: exists" would otherwise match.
NOT_KNOWN_WORDS: Final = ("not found", "unknown", "does not exist", "no longer exist")


def says_not_known(message: str) -> bool:
    """Whether Berke's message says the value names nothing it has."""
    lowered = message.casefold()
    return any(words in lowered for words in NOT_KNOWN_WORDS)


#: The same, where the answer decides what the desk does (an assessment taken for deleted):
#: "unknown" only as the reference uses it, before the id's name; alone it may be "Unknown
#: error" about the id, and the assessment was marked deleted for a passing fault.
NO_SUCH_ASSESSMENT_WORDS: Final = (
    "not found",
    "does not exist",
    "no longer exist",
    "unknown sourcecandidateid",
    "unknown source candidate id",
    "unknown candidate",
)


def says_no_such_assessment(parameter: str | None, service_message: str) -> bool:
    """Whether Berke's refusal says it has no assessment under the id asked about: it names
    sourceCandidateId (which the desk always sends well-formed) and says it is not known. A
    refusal of another value, or with no parameter named (a proxy's "404 Not Found"), is
    not. Only Berke's message counts, not the id repeated after it (an id may read
    "UNKNOWN-7")."""
    if (parameter or "").casefold() != BerkeParam.SOURCE_CANDIDATE_ID.casefold():
        return False
    message, _, _ = split_error_response(service_message)
    lowered = " ".join(message.casefold().split())
    return any(words in lowered for words in NO_SUCH_ASSESSMENT_WORDS)


#: A value longer than this is not repeated in the sentence (Berke's words keep it whole).
VALUE_SHOWN = 60


def parameter_words(parameter: str) -> str:
    """ "the candidate id" for sourceCandidateId; an unknown name as it is."""
    wanted = parameter.casefold()
    return next(
        (words for name, words in PARAMETER_WORDS.items() if name.casefold() == wanted),
        parameter,
    )


def refusal_summary(parameter: str | None, message: str = "", value: str | None = None) -> str:
    """The sentence for Berke refusing ``parameter`` (its ``value``) with ``message``. The
    caller puts "Berke:" before it and Berke's words after it."""
    if not parameter:
        return "The request was not accepted."
    words = parameter_words(parameter)
    subject = words[:1].upper() + words[1:]
    shown = f" “{value}”" if value and len(value) <= VALUE_SHOWN else ""
    lowered = message.casefold()
    if says_not_known(message):
        return f"{subject}{shown} is not known to Berke."
    if "unique" in lowered or "already" in lowered or "exists" in lowered:
        if parameter.casefold() == BerkeParam.SOURCE_CANDIDATE_ID.casefold():
            return (
                f"Another Berke assessment already has the candidate id{shown}: give this "
                "one another id, or leave the id empty to use the order's own."
            )
        return f"{subject}{shown} is already taken: another value is needed."
    if "inactive" in lowered or "not enabled" in lowered or "disabled" in lowered:
        return f"{subject}{shown} is not active in Berke."
    return f"{subject}{shown} was not accepted."
