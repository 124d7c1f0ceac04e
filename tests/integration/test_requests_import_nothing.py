"""A request imports nothing: once a client has made its first call, the next ones do not
look for a module. httpcore asks for ``sniffio`` on every lock and cancellation shield it
makes, several times a request; without it installed each ask searched every folder of
``sys.path`` again (~90 µs), on the GUI thread, for every call of a sync or a batch."""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from types import ModuleType
from typing import TYPE_CHECKING

from app.clients.berke import BerkeClient
from app.clients.smartrecruiters import SmartRecruitersClient
from tests.integration.helpers import run

if TYPE_CHECKING:
    from app.sandbox import SandboxServer


class _Searches(importlib.abc.MetaPathFinder):
    """First in ``sys.meta_path``: notes every module searched for, and finds none itself."""

    def __init__(self) -> None:
        self.names: list[str] = []

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        self.names.append(fullname)
        return None


@contextmanager
def _imports_searched() -> Iterator[list[str]]:
    searches = _Searches()
    sys.meta_path.insert(0, searches)
    try:
        yield searches.names
    finally:
        sys.meta_path.remove(searches)


def test_calls_after_the_first_import_nothing(sandbox: SandboxServer) -> None:
    from app.sandbox import DEMO_BERKE_TOKEN, DEMO_SR_KEY

    async def body() -> list[str]:
        async with (
            SmartRecruitersClient(sandbox.sr_base_url, DEMO_SR_KEY) as sr,
            BerkeClient(sandbox.berke_base_url, DEMO_BERKE_TOKEN) as berke,
        ):
            # The first calls may load what they use (httpx loads its parts lazily).
            await sr.order_page(status=None, limit=5, offset=0)
            await berke.get_jobs()
            with _imports_searched() as searched:
                for offset in range(0, 25, 5):
                    await sr.order_page(status=None, limit=5, offset=offset)
                    await berke.get_jobs()
            return searched

    assert run(body) == []
