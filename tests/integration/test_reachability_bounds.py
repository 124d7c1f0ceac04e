"""Issue 12 §4: the URL preview's reachability check keeps its own time and size limits and
does not let a redirect lead it into this computer or the coordinator's private network.

Before the change a public page redirecting to an internal admin page was reported
"Reachable"; a server trickling its headers was never given up on; a GET of an endless page was
read to the end.
"""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from app.workflows.reachability import Reachability, Resolver, check_reachability
from tests.integration.hostile import CHUNK, HostileServer, endless_body, head, trickling_head
from tests.waits import HANG_GUARD_SECONDS

START = "https://assess.example/start/ABC"


class Recorder:
    """A mock web: ``origin`` redirects to ``target``; everything else answers 200."""

    def __init__(self, target: str, origin: str = "assess.example") -> None:
        self.target = target
        self.origin = origin
        self.hosts: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.hosts.append(request.url.host)
        if request.url.host == self.origin:
            return httpx.Response(302, headers={"Location": self.target})
        return httpx.Response(200, text="Admin console")


def _names(table: dict[str, list[str]]) -> Resolver:
    async def resolve(host: str, port: int) -> list[str]:
        if host not in table:
            raise OSError(f"{host}: name not known")
        return table[host]

    return resolve


NAMES = {
    "localhost": ["127.0.0.1", "::1"],
    "admin.corp": ["10.1.2.3"],
    "sneaky.example": ["93.184.216.34", "192.168.0.10"],  # one public, one private
    "metadata.example": ["169.254.169.254"],
    "public.example": ["93.184.216.34"],
}


async def _check(target: str) -> tuple[Reachability, list[str]]:
    web = Recorder(target)
    async with httpx.AsyncClient(transport=httpx.MockTransport(web)) as client:
        result = await check_reachability(
            START,
            client=client,
            timeout=HANG_GUARD_SECONDS,  # the check's own deadline is not looked at here
            resolve=_names(NAMES),
        )
    return result, web.hosts


@pytest.mark.parametrize(
    "target",
    [
        "http://127.0.0.1:8080/admin",
        "http://127.7.7.7/",
        "http://localhost/admin",
        "http://[::1]:8080/",
        "http://[::ffff:127.0.0.1]/",
        "http://10.0.0.8/",
        "http://172.16.5.4/",
        "http://192.168.1.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fe80::1]/",
        "http://[fd00::1]/",
        "http://0.0.0.0:8080/",
        "http://admin.corp/",
        "http://sneaky.example/",
        "http://metadata.example/",
    ],
)
def test_a_redirect_into_the_local_network_is_not_followed(target: str) -> None:
    result, hosts = asyncio.run(_check(target))
    assert not result.ok
    assert result.status == 302
    assert "not followed" in result.verdict
    assert hosts == ["assess.example"]  # nothing was sent to the internal address


def test_a_redirect_to_an_unknown_name_is_a_verdict() -> None:
    result, hosts = asyncio.run(_check("http://nowhere.example/"))
    assert not result.ok
    assert "not found" in result.verdict
    assert hosts == ["assess.example"]


def test_a_redirect_to_a_public_address_is_followed() -> None:
    result, hosts = asyncio.run(_check("https://public.example/start/ABC"))
    assert result.ok
    assert hosts == ["assess.example", "public.example"]


def test_a_loopback_url_given_directly_may_redirect_within_itself() -> None:
    # The sandbox lives on 127.0.0.1: its own URLs (and their redirects on that host) are
    # checked as before. Only a redirect *leading* to another internal address is refused.
    async def redirecting(server: HostileServer, writer: asyncio.StreamWriter) -> None:
        if b" /old/" in server.requests[-1]:
            await server.write(
                writer, head("302 Found", "Location: /start/ABC", "Content-Length: 0")
            )
        else:
            await server.write(writer, head("200 OK", "Content-Length: 2") + b"ok")

    web = Recorder("http://127.0.0.2:9/admin", origin="127.0.0.1")

    async def body() -> tuple[Reachability, Reachability]:
        async with HostileServer(redirecting) as server:
            same_host = await check_reachability(f"{server.url}/old/ABC", timeout=10)
        async with httpx.AsyncClient(transport=httpx.MockTransport(web)) as client:
            other = await check_reachability("http://127.0.0.1:8/start/ABC", client=client)
        return same_host, other

    same_host, other = asyncio.run(body())
    assert same_host.ok, same_host
    assert not other.ok
    assert "not followed" in other.verdict
    assert web.hosts == ["127.0.0.1"]


def test_the_whole_check_ends_within_its_timeout() -> None:
    # Headers trickle a byte every 20 ms: httpx's per-read timeout never trips.
    async def body() -> tuple[Reachability, float]:
        async with HostileServer(trickling_head(0.02)) as server:
            started = time.monotonic()
            result = await asyncio.wait_for(
                check_reachability(f"{server.url}/start/ABC", timeout=0.5), HANG_GUARD_SECONDS
            )
            return result, time.monotonic() - started

    result, elapsed = asyncio.run(body())
    assert result == Reachability(False, None, "Timed out: no answer within 0.5 seconds.")
    assert 0.5 <= elapsed < HANG_GUARD_SECONDS


def test_an_endless_page_is_not_read() -> None:
    total = 64 * 1024 * 1024

    async def head_refused_then_endless(
        server: HostileServer, writer: asyncio.StreamWriter
    ) -> None:
        if server.requests[-1].startswith(b"HEAD "):
            await server.write(writer, head("405 Method Not Allowed", "Content-Length: 0"))
            return
        await endless_body(total)(server, writer)

    async def body() -> tuple[Reachability, HostileServer]:
        async with HostileServer(head_refused_then_endless) as server:
            result = await asyncio.wait_for(
                check_reachability(f"{server.url}/start/ABC", timeout=10), HANG_GUARD_SECONDS
            )
            await asyncio.wait_for(server.connection_ended.wait(), HANG_GUARD_SECONDS)
            return result, server

    result, server = asyncio.run(body())
    assert result.ok
    assert result.status == 200
    assert server.sent < total - CHUNK  # it hung up instead of reading 64 MB
