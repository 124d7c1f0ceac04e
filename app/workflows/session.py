"""A working session: both clients, connected either to real endpoints or to the embedded
sandbox (demo mode), and closed together."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from app.clients.berke import BerkeClient
from app.clients.smartrecruiters import SmartRecruitersClient
from app.domain.connection import ConnectionSettings, Credentials

if TYPE_CHECKING:
    from app.sandbox import SandboxServer

log = logging.getLogger(__name__)


@dataclass
class Session:
    sr: SmartRecruitersClient
    berke: BerkeClient
    demo: bool
    sandbox: SandboxServer | None = field(default=None, repr=False)

    @property
    def description(self) -> str:
        """Where this session talks to, for the status bar (never a key)."""
        if self.demo:
            return f"Demo mode — built-in sandbox at {self.sr.base_url.rsplit('/sr/', 1)[0]}"
        return f"SmartRecruiters {self.sr.base_url} · Berke {self.berke.base_url}"

    async def aclose(self) -> None:
        await asyncio.gather(self.sr.aclose(), self.berke.aclose(), return_exceptions=True)
        if self.sandbox is not None:
            await asyncio.to_thread(self.sandbox.stop)


async def open_demo_session(*, orders: int = 200, seed: int = 1) -> Session:
    """Start the sandbox on a free loopback port (off the event loop) and connect to it."""
    from app.sandbox import DEMO_BERKE_TOKEN, DEMO_SR_KEY, SandboxConfig, SandboxServer

    server = SandboxServer(SandboxConfig(orders=orders, seed=seed), host="127.0.0.1", port=0)
    await asyncio.to_thread(server.start)
    log.info("Demo sandbox listening at %s", server.base_url)
    return Session(
        sr=SmartRecruitersClient(server.sr_base_url, DEMO_SR_KEY),
        berke=BerkeClient(server.berke_base_url, DEMO_BERKE_TOKEN),
        demo=True,
        sandbox=server,
    )


def open_session(settings: ConnectionSettings, credentials: Credentials) -> Session:
    """Connect to the endpoints of ``settings`` with ``credentials``."""
    return Session(
        sr=SmartRecruitersClient(settings.sr_base_url, credentials.sr_partner_key),
        berke=BerkeClient(
            settings.berke_base_url,
            credentials.berke_api_token,
            username=settings.berke_username,
        ),
        demo=False,
    )
