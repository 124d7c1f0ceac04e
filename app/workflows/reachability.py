"""Does an assessment URL answer? A quick HEAD (or GET) for the coordinator's peace of mind.

This is advice, not a gate: it never raises for network trouble, it returns a verdict sentence.
The URL is the candidate's page and carries no secret, so following its redirects is harmless.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from http import HTTPStatus

import httpx

MAX_REDIRECTS = 5


@dataclass(frozen=True)
class Reachability:
    ok: bool
    status: int | None
    verdict: str


async def check_reachability(
    url: str,
    *,
    client: httpx.AsyncClient | None = None,
    # httpx applies it to each phase (connect, read) of each request, which asyncio.timeout
    # around the whole call could not express.
    timeout: float = 10.0,  # noqa: ASYNC109
) -> Reachability:
    """HEAD ``url``, falling back to GET when HEAD is refused; follows up to 5 redirects."""
    own = client is None
    http = client or httpx.AsyncClient(timeout=timeout)
    try:
        response = await _probe(http, url, timeout)
    except httpx.TooManyRedirects:
        return Reachability(False, None, f"Too many redirects (more than {MAX_REDIRECTS}).")
    except httpx.TimeoutException:
        unit = "second" if timeout == 1 else "seconds"
        return Reachability(False, None, f"Timed out: no answer within {timeout:g} {unit}.")
    except httpx.ConnectError as exc:
        return Reachability(False, None, f"Could not connect: {_reason(exc)}.")
    except httpx.UnsupportedProtocol:
        return Reachability(False, None, "Not a web address that can be opened (http or https).")
    except httpx.InvalidURL as exc:
        return Reachability(False, None, f"Not a valid address: {exc}.")
    except httpx.HTTPError as exc:
        return Reachability(False, None, f"The connection failed: {_reason(exc)}.")
    finally:
        if own:
            await http.aclose()
    return _verdict(response.status_code)


async def _probe(http: httpx.AsyncClient, url: str, seconds: float) -> httpx.Response:
    response = await _follow(http, "HEAD", url, seconds)
    if response.status_code in (405, 501):
        # Some servers refuse HEAD; a GET of a landing page is cheap.
        response = await _follow(http, "GET", url, seconds)
    return response


async def _follow(http: httpx.AsyncClient, method: str, url: str, seconds: float) -> httpx.Response:
    # Redirects are followed here, not by the client, so a caller's client settings (its own
    # max_redirects, follow_redirects) cannot change the limit.
    request = http.build_request(method, url, timeout=seconds)
    for _ in range(1 + MAX_REDIRECTS):
        response = await http.send(request, follow_redirects=False)
        if response.next_request is None:
            return response
        request = response.next_request
    raise httpx.TooManyRedirects("Exceeded maximum allowed redirects.", request=request)


def _verdict(status: int) -> Reachability:
    phrase = _phrase(status)
    if 200 <= status < 300:
        return Reachability(True, status, f"Reachable: the assessment page answered {phrase}.")
    if status == 404:
        return Reachability(False, status, "Not found (404): the code may be wrong.")
    if status == 410:
        return Reachability(False, status, "Gone (410): the assessment may have been deleted.")
    if status in (401, 403):
        return Reachability(
            False, status, f"Refused ({phrase}): the page may need a sign-in or be blocked."
        )
    if 300 <= status < 400:
        return Reachability(False, status, f"Redirected ({phrase}) with nowhere to go.")
    if status >= 500:
        return Reachability(
            False, status, f"The assessment site has a problem ({phrase}); try again later."
        )
    return Reachability(False, status, f"The assessment page answered {phrase}.")


def _phrase(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


def _reason(exc: httpx.HTTPError) -> str:
    # "[Errno 111] Connection refused" reads better to a coordinator without the errno.
    detail = re.sub(r"^\[Errno -?\d+\]\s*", "", str(exc).strip())
    return detail.rstrip(".") or type(exc).__name__
