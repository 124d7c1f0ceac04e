"""Berke's refusal of a value, said as a sentence a coordinator understands.

Berke answers ``"[Error Message], [Parameter]=[[ParameterValue]]"`` (``split_error_response``):
"sourceCandidateId must be unique, sourceCandidateId=[AD-1F3A]". The coordinator reads which
field, which value and what to do; Berke's own words stay beside it as a detail (the error's
``service_message``).
"""

from __future__ import annotations

from typing import Final

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
    if "unique" in lowered or "already" in lowered or "exists" in lowered:
        if parameter.casefold() == BerkeParam.SOURCE_CANDIDATE_ID.casefold():
            return (
                f"Another Berke assessment already has the candidate id{shown}: give this "
                "one another id, or leave the id empty to use the order's own."
            )
        return f"{subject}{shown} is already taken: another value is needed."
    if "not found" in lowered or "does not exist" in lowered or "unknown" in lowered:
        return f"{subject}{shown} is not known to Berke."
    if "inactive" in lowered or "not enabled" in lowered or "disabled" in lowered:
        return f"{subject}{shown} is not active in Berke."
    return f"{subject}{shown} was not accepted."
