"""Does an assessment URL answer? A quick HEAD (or GET) for the coordinator's peace of mind.

This is advice, not a gate: it never raises for network trouble, it returns a verdict sentence.
The URL is the candidate's page and carries no secret, but the check runs on the coordinator's
computer, inside their network: a redirect must not turn it into a probe of that network. So:

- the whole check (every request, redirect and name lookup) ends within ``timeout`` seconds;
- no body is read: the status line is the answer, so a page of any size (or one that never
  ends) costs nothing;
- a redirect to a loopback, private, link-local (or otherwise non-public) address is not
  followed, unless it stays on the host the URL itself named (the sandbox on 127.0.0.1
  redirecting within itself). A URL the coordinator was given may point anywhere; only where
  it *leads* is checked. Names are resolved to check them; a name that resolves differently
  on the second lookup (DNS rebinding) is beyond what an advice check defends against.
"""

from __future__ import annotations

import asyncio
import re
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from http import HTTPStatus

import httpx

from app.clients.proxies import EnvironmentProxyError, client_with_environment_proxies
from app.clients.tls import tls_context_ready
from app.domain.urls import ip_address_of, is_internal_address

MAX_REDIRECTS = 5

#: Looks a host name up: every address it has (as text). Tests pass their own.
Resolver = Callable[[str, int], Awaitable[list[str]]]


@dataclass(frozen=True)
class Reachability:
    ok: bool
    status: int | None
    verdict: str


class _RedirectRefusedError(Exception):
    """A redirect leads somewhere the check does not go; ``verdict`` says where and why."""

    def __init__(self, status: int, verdict: str) -> None:
        super().__init__(verdict)
        self.status = status
        self.verdict = verdict


async def check_reachability(
    url: str,
    *,
    client: httpx.AsyncClient | None = None,
    # The limit for the whole check; also httpx's limit for each phase (connect, read) of
    # each request, so a refused connection is not waited on longer than the check allows.
    timeout: float = 10.0,  # noqa: ASYNC109
    resolve: Resolver | None = None,
) -> Reachability:
    """HEAD ``url``, falling back to GET when HEAD is refused; follows up to 5 redirects."""
    own = client is None
    http = client
    if http is None:
        # The desk's one TLS context (``app.clients.tls``): not a bundle read on the loop per
        # check.
        context = await tls_context_ready()
        try:
            http = client_with_environment_proxies(
                lambda: httpx.AsyncClient(timeout=timeout, verify=context)
            )
        except EnvironmentProxyError as exc:  # a verdict too: this check never raises
            return Reachability(False, None, str(exc))
    unit = "second" if timeout == 1 else "seconds"
    timed_out = Reachability(False, None, f"Timed out: no answer within {timeout:g} {unit}.")
    try:
        async with asyncio.timeout(timeout):
            status = await _probe(http, url, timeout, resolve or _resolve)
    except TimeoutError:
        return timed_out
    except _RedirectRefusedError as exc:
        return Reachability(False, exc.status, exc.verdict)
    except httpx.TooManyRedirects:
        return Reachability(False, None, f"Too many redirects (more than {MAX_REDIRECTS}).")
    except httpx.TimeoutException:
        return timed_out
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
    return _verdict(status)


async def _probe(http: httpx.AsyncClient, url: str, seconds: float, resolve: Resolver) -> int:
    status = await _follow(http, "HEAD", url, seconds, resolve)
    if status in (405, 501):
        # Some servers refuse HEAD; a GET of a landing page is cheap (its body is not read).
        status = await _follow(http, "GET", url, seconds, resolve)
    return status


async def _follow(
    http: httpx.AsyncClient, method: str, url: str, seconds: float, resolve: Resolver
) -> int:
    # Redirects are followed here, not by the client, so a caller's client settings (its own
    # max_redirects, follow_redirects) cannot change the limit, and each hop is vetted.
    request = http.build_request(method, url, timeout=seconds)
    start_host = request.url.host
    for _ in range(1 + MAX_REDIRECTS):
        response = await http.send(request, follow_redirects=False, stream=True)
        # The status is the answer: the body is never read, whatever its size.
        await response.aclose()
        if response.next_request is None:
            return response.status_code
        request = response.next_request
        await _vet_redirect(request.url, start_host, response.status_code, resolve)
    raise httpx.TooManyRedirects("Exceeded maximum allowed redirects.", request=request)


async def _vet_redirect(target: httpx.URL, start_host: str, status: int, resolve: Resolver) -> None:
    """Raise unless a redirect to ``target`` may be followed (see the module's rules)."""
    host = target.host
    if host == start_host:
        return  # the URL's own host, which the coordinator chose to check
    literal = ip_address_of(host)
    if literal is not None:
        addresses = [literal]
    else:
        try:
            found = await resolve(host, target.port or (443 if target.scheme == "https" else 80))
        except (OSError, ValueError):  # not found; or a name the resolver cannot encode
            raise _RedirectRefusedError(
                status, f"Redirected ({_phrase(status)}) to {host}, a name that was not found."
            ) from None
        addresses = [a for a in (ip_address_of(text) for text in found) if a is not None]
    if not addresses or any(is_internal_address(address) for address in addresses):
        raise _RedirectRefusedError(
            status,
            f"Redirected ({_phrase(status)}) to {host}, an address on this computer or a "
            "private network, which an assessment page never needs: not followed.",
        )


async def _resolve(host: str, port: int) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


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
