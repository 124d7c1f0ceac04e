"""A working session: both clients, connected either to real endpoints or to the embedded
sandbox (demo mode), and closed together."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from app.clients.berke import BerkeClient, berke_pacer
from app.clients.smartrecruiters import SmartRecruitersClient
from app.domain.connection import ConnectionProfile, Credentials
from app.domain.smartrecruiters import ContactPerson
from app.store.logs import register_secrets

if TYPE_CHECKING:
    from app.sandbox import SandboxServer

log = logging.getLogger(__name__)

DEMO_COMPLETE_AFTER_SECONDS = 45.0
DEMO_COMPLETE_SHARE = 0.7


@dataclass
class Session:
    sr: SmartRecruitersClient
    berke: BerkeClient
    demo: bool
    sandbox: SandboxServer | None = field(default=None, repr=False)
    # The profile it was opened from: its options (result flow, upload limit, author) apply.
    profile: ConnectionProfile | None = None

    @property
    def description(self) -> str:
        """Where this session talks to, for the status bar (never a key)."""
        name = f"{self.profile.name}: " if self.profile is not None else ""
        if self.demo:
            return f"{name}Demo mode — built-in sandbox at {self.sr.base_url.rsplit('/sr/', 1)[0]}"
        return f"{name}SmartRecruiters {self.sr.base_url} · Berke {self.berke.base_url}"

    async def aclose(self) -> None:
        await asyncio.gather(self.sr.aclose(), self.berke.aclose(), return_exceptions=True)
        if self.sandbox is not None:
            await asyncio.to_thread(self.sandbox.stop)


async def open_demo_session(
    *, orders: int = 200, seed: int = 1, profile: ConnectionProfile | None = None
) -> Session:
    """Start the sandbox on a free loopback port (off the event loop) and connect to it.

    The sandbox enforces Berke's default burst (120 / 60 s), so the profile's own Berke limits
    are not applied to it: they describe a real company's contract.
    """
    from app.sandbox import DEMO_BERKE_TOKEN, DEMO_SR_KEY, SandboxConfig, SandboxServer

    # The demo's candidates play their part: most invited assessments finish within a minute,
    # so a coordinator sees results arrive and can deliver them (some stay open, as in life).
    config = SandboxConfig(
        orders=orders,
        seed=seed,
        auto_complete_after=DEMO_COMPLETE_AFTER_SECONDS,
        auto_complete_share=DEMO_COMPLETE_SHARE,
    )
    server = SandboxServer(config, host="127.0.0.1", port=0)
    await asyncio.to_thread(server.start)
    log.info("Demo sandbox listening at %s", server.base_url)
    return Session(
        sr=SmartRecruitersClient(server.sr_base_url, DEMO_SR_KEY),
        berke=BerkeClient(server.berke_base_url, DEMO_BERKE_TOKEN),
        demo=True,
        sandbox=server,
        profile=profile,
    )


def open_session(profile: ConnectionProfile, credentials: Credentials) -> Session:
    """Connect to the endpoints of ``profile`` with ``credentials``, paced to its limits.

    The keys are registered with the log filter first, so that no log line can show them.
    """
    sr_key = credentials.sr_partner_key.get_secret_value()
    register_secrets([sr_key, credentials.berke_api_token.get_secret_value()])
    return Session(
        sr=SmartRecruitersClient(profile.sr_base_url, credentials.sr_partner_key),
        berke=BerkeClient(
            profile.berke_base_url,
            credentials.berke_api_token,
            username=profile.berke_username,
            pacer=berke_pacer(
                profile.berke_burst, profile.berke_window_ms, profile.berke_concurrency
            ),
        ),
        demo=False,
        profile=profile,
    )


def author_of(profile: ConnectionProfile | None) -> ContactPerson | None:
    """The profile's default result author as SmartRecruiters' contact ("First Last")."""
    if profile is None or not profile.result_author:
        return None
    first, _, last = profile.result_author.rpartition(" ")
    if not first:
        return ContactPerson(first_name=last)
    return ContactPerson(first_name=first, last_name=last)
