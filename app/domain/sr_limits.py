"""What SmartRecruiters takes in the texts and links the desk sends: lengths, counts, URLs.

Plain functions and numbers, without pydantic: the detail pane's comment box says them in the
first frame, before the API's shapes (``app.domain.smartrecruiters``) are loaded.
"""

from __future__ import annotations

from urllib.parse import urlsplit

#: The longest text the desk sends SmartRecruiters as a comment, a reject reason or an accept
#: or complete message. The reference documents no length for these (its one limit is 100
#: comments per order); a recruiter reads them in a small box, and a 10,000-character reason is
#: a paste gone wrong. The limit is said at the field as it is typed and refused before
#: anything is sent, never cut.
SR_MESSAGE_MAX = 2000
#: SmartRecruiters' own limit: "at most 100 comments per order" (the reference).
MAX_COMMENTS = 100


def message_too_long(text: str | None, limit: int = SR_MESSAGE_MAX) -> str | None:
    """Why ``text`` (trimmed, as it is sent) is too long to send, in a sentence; None if not."""
    length = len((text or "").strip())
    if length <= limit:
        return None
    return (
        f"At most {limit:,} characters: this has {length:,} ({length - limit:,} too many). "
        "Shorten it; nothing is cut."
    )


def message_count(text: str | None, limit: int = SR_MESSAGE_MAX) -> str:
    """ "1,234 / 2,000": what the field's counter shows."""
    return f"{len((text or '').strip()):,} / {limit:,}"


def is_absolute_http_url(value: str) -> bool:
    """An absolute http(s) address, as the services' answers hold them (a result's URL read
    back, a link shown): a scheme, a network location, no space."""
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in value


def is_sendable_http_url(value: str) -> bool:
    """An absolute http(s) address with a host, as typed to be sent (Berke's redirect URL): see
    ``http_url_problem``. Stricter than ``is_absolute_http_url``, which reads what the services
    already hold: one odd stored result must not make a whole list unreadable."""
    return http_url_problem(value) is None


#: ``http_url_problem``'s words for an address with a space, a tab or an invisible character
#: in it, and for one that is no absolute http(s) address at all: a field that says more of
#: its own tells these apart from a precise reason (a port, a server name).
URL_HAS_SPACE = "must be an absolute URL starting with http:// or https://, without spaces"
URL_NOT_ABSOLUTE = "must be an absolute URL starting with http:// or https://"


def http_url_problem(value: str) -> str | None:
    """Why ``value`` is no well-formed absolute http(s) address to send, in words that follow
    a field's name ("must be …", "has …"); None when it is one. No space of any kind and no
    control character anywhere (``urlsplit`` drops tabs and line breaks before it parses, so
    it judged another string than the one sent; "http://:8080/" has a network location but no
    host); a port, when given, a number from 1 to 65535; a host a connection can be opened to
    (a browser reads "https://exa\\mple.com" as the host "exa", and "ex..ample.com" is none)."""
    if any(ch.isspace() or not ch.isprintable() for ch in value):
        return URL_HAS_SPACE
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:  # an unclosed IPv6 bracket
        return URL_NOT_ABSOLUTE
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return URL_NOT_ABSOLUTE
    if not host:
        return "has no server name"
    from app.domain.urls import bad_port, is_valid_host  # ipaddress: not for the first frame

    given = bad_port(parts)
    if given is not None:
        return f"has “{given}” where a port number (1 to 65535) goes, after the server name"
    if not is_valid_host(host):
        shown = host if len(host) <= 60 else host[:59] + "…"
        return f"has no valid server name: “{shown}”"
    return None
