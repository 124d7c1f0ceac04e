"""Checks on the ``assessmentUrl`` Berke returned, before it is sent to SmartRecruiters.

The URL is what a candidate opens, so a coordinator should see at a glance whether it is
plausible: absolute, encrypted, and ending with the invitation code the candidate may type.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

from app.domain.urls import is_loopback_host


def check_assessment_url(url: str, invitation_code: str, *, allow_http_loopback: bool) -> list[str]:
    """The problems with ``url``, as sentences for a coordinator; an empty list means fine.

    ``allow_http_loopback`` admits ``http://`` on this computer only: the built-in sandbox.
    """
    text = url.strip()
    if not text:
        return ["The assessment URL is empty."]
    problems: list[str] = []
    try:
        parts = urlsplit(text)
    except ValueError:  # "https://[bad/…": an unclosed IPv6 bracket
        return ["The assessment URL is not a full web address: it cannot be read as one."]
    if parts.scheme not in ("http", "https") or not parts.netloc:
        problems.append(
            "The assessment URL is not a full web address: it must start with https:// "
            "and name a site."
        )
    elif parts.scheme == "http" and not (allow_http_loopback and is_loopback_host(parts.hostname)):
        problems.append(
            "The assessment URL starts with http://, not https://: the candidate's "
            "connection would not be encrypted."
        )
    if any(ch.isspace() for ch in text):
        problems.append("The assessment URL contains spaces.")
    problems += _deceptive(text, parts.netloc, invitation_code)
    code = invitation_code.strip()
    if not code:
        problems.append("There is no invitation code to compare the URL with.")
    elif not _ends_with_code(text, code):
        problems.append(
            f"The assessment URL does not end with the invitation code {code}: "
            "it may belong to another candidate."
        )
    return problems


def _deceptive(url: str, netloc: str, code: str) -> list[str]:
    """What makes the address shown another than the one opened: each passed for "looks
    right" (a site name before an @, marks that reverse or hide text, letters that imitate a
    site's)."""
    problems = []
    host = netloc.rpartition("@")[2]
    if "@" in netloc:
        problems.append(
            f"The assessment URL names a site before an @: a browser opens the one after it, "
            f"{host}."
        )
    if any(unicodedata.category(ch) in ("Cf", "Cc") for ch in url + code):
        problems.append(
            "The assessment URL or its code holds invisible marks (direction or zero-width): "
            "what is shown is not what is opened or typed."
        )
    name = host.rpartition(":")[0] if host.count(":") == 1 else host
    if not name.isascii():
        try:
            written = name.encode("idna").decode("ascii")
        except UnicodeError:
            written = "a name that cannot be written in plain letters"
        problems.append(
            f"The assessment URL's site is spelt with letters outside the plain alphabet "
            f"({written}): it may imitate another site."
        )
    return problems


def _ends_with_code(url: str, code: str) -> bool:
    # Berke's rule is literal ("ends with the invitationCode"); a trailing slash is harmless, but
    # ".../XABC" must not pass for code "ABC", so the code has to start a path or query segment.
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
