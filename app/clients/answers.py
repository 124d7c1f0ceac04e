"""Reading a service's answer within bounds: so many bytes, so deep, parsed without surprises.

A hostile or broken server (a proxy, a captive portal, a fault) must not be able to fill memory,
hold a call forever or raise something other than an :class:`ApiError`. The body is read as a
stream and cut off at a byte limit (after decompression, which is done here with a bounded
output so that a small gzip bomb cannot expand in one step), and JSON is refused when it nests
deeper than any answer of these services does.
"""

from __future__ import annotations

import json
import logging
import zlib
from dataclasses import dataclass
from typing import Any

import httpx

from app.clients.errors import AnswerTooLargeError, Service, UnexpectedResponseError

log = logging.getLogger(__name__)

MIB = 1024 * 1024
#: Deeper than any answer of either service (an order is four levels deep): anything deeper is
#: refused here rather than left to blow a recursion limit later (pydantic, the store, a dump).
MAX_NESTING = 64
#: What the clients ask servers to compress with; anything else is refused, not decoded.
ACCEPT_ENCODING = "gzip, deflate"
# Content-Length values longer than this are absurd (and int() of thousands of digits raises).
_MAX_LENGTH_DIGITS = 18


@dataclass(frozen=True)
class AnswerLimits:
    """How much a client reads and how long it waits for one answer.

    ``deadline_seconds`` bounds one request from sending it to the last byte of its answer,
    which httpx's own timeouts cannot: they bound each read, so a body trickling one byte a
    second never trips them. Waiting for a place in the pacer does not count.
    """

    max_body_bytes: int = 4 * MIB  # JSON or XML: the largest real answer is a few hundred KB
    report_max_bytes: int = 50 * MIB  # a PDF or HTML report download, when one is added
    deadline_seconds: float = 60.0
    # An upload sends the file within the same request: its deadline grows with the file, at
    # this slowest upload speed still believed to be making progress.
    upload_bytes_per_second: float = 32 * 1024

    def upload_deadline(self, content_length: int) -> float:
        return self.deadline_seconds + max(content_length, 0) / self.upload_bytes_per_second


class PayloadError(ValueError):
    """The bytes are not a document we can read (not JSON, too deep, numbers too long...)."""


def parse_json(content: bytes | str, *, max_nesting: int = MAX_NESTING) -> Any:
    """``json.loads`` that raises only :class:`PayloadError`.

    ``json.loads`` also raises ``RecursionError`` (deep nesting), ``ValueError`` (integers of
    more than 4,300 digits) and ``UnicodeDecodeError``; all of them mean "not an answer".
    """
    try:
        data = json.loads(content)
    except RecursionError:
        raise PayloadError("the answer was JSON nested too deep to read") from None
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError and the digit limit
        # The parser's words ("Expecting value: line 1 column 21") are for the log, not people.
        log.info("An answer was not valid JSON: %s", _short(str(exc)))
        raise PayloadError("the answer was not valid JSON") from None
    if not nesting_within(data, max_nesting):
        raise PayloadError(f"the answer was JSON nested deeper than {max_nesting} levels")
    return data


def nesting_within(data: Any, limit: int) -> bool:
    """Whether lists and objects in ``data`` nest at most ``limit`` deep (iterative: no stack)."""
    pending: list[tuple[Any, int]] = [(data, 1)]
    while pending:
        node, depth = pending.pop()
        if isinstance(node, dict):
            children: Any = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth > limit:
            return False
        pending.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return True


def _short(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


class _Inflater:
    """zlib decompression whose output per call is capped, so a bomb is caught mid-expansion."""

    def __init__(self, encoding: str) -> None:
        self._deflate = encoding == "deflate"
        # gzip: header and trailer; deflate: the zlib wrapper, or (as httpx also accepts) raw.
        wbits = zlib.MAX_WBITS if self._deflate else zlib.MAX_WBITS | 16
        self._zlib = zlib.decompressobj(wbits)
        self._started = False

    def feed(self, data: bytes, room: int) -> bytes:
        """At most ``room + 1`` decoded bytes: one more than fits says "too large"."""
        try:
            out = self._zlib.decompress(data, room + 1)
        except zlib.error:
            if not (self._deflate and not self._started):
                raise
            # Some servers send raw deflate without the zlib wrapper.
            self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
            out = self._zlib.decompress(data, room + 1)
        self._started = True
        return out

    def finish(self, room: int) -> bytes:
        return self._zlib.flush(room + 1) if room >= 0 else b""

    @property
    def cut_short(self) -> bool:
        """Data came but the stream's end did not (gzip's CRC and length trailer never
        checked): the answer is only the first part of one, whatever those bytes look like."""
        return self._started and not self._zlib.eof


async def read_body(response: httpx.Response, max_bytes: int, service: Service) -> bytes:
    """The whole (decoded) body of a streamed ``response``, refusing more than ``max_bytes``."""
    if response.is_stream_consumed:
        # Built in memory and read already (a mock transport's answer): nothing to stream,
        # but the limit holds all the same.
        body = response.content
        if len(body) > max_bytes:
            raise _too_large(response, max_bytes, service)
        return body
    declared = response.headers.get("Content-Length", "").strip()
    if declared.isdigit() and (len(declared) > _MAX_LENGTH_DIGITS or int(declared) > max_bytes):
        raise _too_large(response, max_bytes, service)
    encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
    inflater: _Inflater | None = None
    if encoding in ("gzip", "x-gzip", "deflate"):
        inflater = _Inflater("deflate" if encoding == "deflate" else "gzip")
    elif encoding not in ("", "identity"):
        raise UnexpectedResponseError(
            service,
            http_status=response.status_code,
            problem=f"the answer was compressed as “{_short(encoding, 40)}”, "
            "which this console does not read",
        )
    parts: list[bytes] = []
    size = 0
    raw_size = 0
    try:
        async for chunk in response.aiter_raw():
            raw_size += len(chunk)
            if raw_size > max_bytes:
                raise _too_large(response, max_bytes, service)
            data = inflater.feed(chunk, max_bytes - size) if inflater else chunk
            size += len(data)
            if size > max_bytes:
                raise _too_large(response, max_bytes, service)
            parts.append(data)
        if inflater is not None:
            tail = inflater.finish(max_bytes - size)
            size += len(tail)
            if size > max_bytes:
                raise _too_large(response, max_bytes, service)
            if inflater.cut_short:
                # The stream stopped before its end (a connection that closed early, a
                # middlebox that cut it): taken, a third of a report was kept and delivered
                # as the report. Transient: asked again, the whole answer may come.
                raise UnexpectedResponseError(
                    service,
                    http_status=response.status_code,
                    problem="the compressed answer was cut short",
                )
            parts.append(tail)
    except zlib.error as exc:
        raise UnexpectedResponseError(
            service,
            http_status=response.status_code,
            problem=f"the compressed answer was damaged ({_short(str(exc))})",
        ) from None
    return b"".join(parts)


def _too_large(response: httpx.Response, max_bytes: int, service: Service) -> AnswerTooLargeError:
    return AnswerTooLargeError(
        service,
        http_status=response.status_code,
        summary=(
            f"The answer was larger than {_size(max_bytes)}, far more than this service "
            "sends; it was cut off and not used."
        ),
    )


def _size(count: int) -> str:
    if count >= MIB:
        return f"{count / MIB:g} MB"
    if count >= 1024:
        return f"{count / 1024:g} KB"
    return f"{count} bytes"


#: Headers a copy of a decoded body does not keep (as they came: ``Headers.raw`` is bytes).
_DROPPED_HEADERS = (b"content-encoding", b"content-length", b"transfer-encoding")


def with_body(response: httpx.Response, body: bytes) -> httpx.Response:
    """A plain (already read) copy of a streamed ``response`` that carries ``body``.

    The encoding headers go: the body is already decoded, and httpx would decode it again.
    The others are copied as the bytes that came: decoded to text, they are encoded again as
    ASCII, and one byte outside it (a report named after "Zoë Müller", a message quoting
    "Işık") raised UnicodeEncodeError instead of giving the answer.
    """
    headers = [
        (name, value)
        for name, value in response.headers.raw
        if name.lower() not in _DROPPED_HEADERS
    ]
    return httpx.Response(
        response.status_code,
        headers=headers,
        content=body,
        request=response.request,
        extensions=response.extensions,
    )
