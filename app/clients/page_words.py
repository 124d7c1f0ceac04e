"""What an error answer that is not the service's own says, in words people can read.

A gateway, a load balancer or a company proxy in front of a service answers with its own page
(nginx's "502 Bad Gateway", a styled "504 Gateway Time-out"): its markup is no message. A page
is said by its ``<title>``, or, without one, by the answer's reason phrase; plain text is kept
as it is. Found with plain searches over a bounded head of the body: no backtracking pattern
runs over a stranger's text.
"""

from __future__ import annotations

import codecs
import html

import httpx

#: Where a page's title is looked for: it sits in the head, well within this.
_PAGE_HEAD_BYTES = 8 * 1024
#: How much of a plain text is read, and the most of it (or of a title) kept: the message
#: shown, never a page of it.
_TEXT_HEAD_BYTES = 1200
_WORDS_MAX = 300


def answer_words(response: httpx.Response) -> str:
    """The words of ``response``'s body for people: a page's title (or, without one, the
    reason phrase), or the start of a plain text. Empty when it says nothing."""
    head = response.content[:_PAGE_HEAD_BYTES]
    if not _is_markup(response, head):
        return head[:_TEXT_HEAD_BYTES].decode("utf-8", errors="replace").strip()[:_WORDS_MAX]
    return _title(head) or response.reason_phrase


def looks_like_a_page(content: bytes) -> bool:
    """Whether an answer's body is a page or a text, not JSON (an API's answer, or what is
    left of one): something answering in the API's place, a sign-in page or a proxy's."""
    head = content[:_PAGE_HEAD_BYTES].lstrip().removeprefix(codecs.BOM_UTF8).lstrip()
    return bool(head) and head[:1] not in (b"{", b"[")


def stand_in_words(response: httpx.Response) -> str:
    """What a success answer that is not the API's says of itself (:func:`answer_words`): a
    sign-in page's title names what stands in the way ("Guest Wi-Fi – Sign in"). Empty for
    one that looks like JSON (its first characters are no words) and for a page without a
    title, whose reason phrase ("OK") says nothing."""
    if not looks_like_a_page(response.content):
        return ""
    words = answer_words(response)
    return "" if words == response.reason_phrase else words


def _is_markup(response: httpx.Response, head: bytes) -> bool:
    kind = response.headers.get("Content-Type", "").lower()
    return "html" in kind or "xml" in kind or head.lstrip()[:1] == b"<"


def _title(head: bytes) -> str:
    # bytes.lower() folds ASCII only, so positions in it are positions in ``head``.
    folded = head.lower()
    start = folded.find(b"<title")
    opened = folded.find(b">", start) if start >= 0 else -1
    if opened < 0:
        return ""
    closed = folded.find(b"</title", opened)
    text = head[opened + 1 : closed if closed >= 0 else len(head)]
    words = " ".join(html.unescape(text.decode("utf-8", errors="replace")).split())
    return words if len(words) <= _WORDS_MAX else words[:_WORDS_MAX] + "…"
