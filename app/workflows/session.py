"""A working session: both clients, connected either to real endpoints or to the embedded
sandbox (demo mode), and closed together."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Protocol

from app.clients.berke import BerkeClient, berke_pacer
from app.clients.http_stack import http_stack_loaded
from app.clients.smartrecruiters import SmartRecruitersClient
from app.clients.tls import tls_ready_for
from app.domain.connection import ConnectionProfile, Credentials
from app.domain.smartrecruiters import ContactPerson
from app.store.logs import register_secrets
from app.workflows.demo_services import (
    DEMO_COMPLETE_AFTER_SECONDS,
    DEMO_COMPLETE_SHARE,
    DEMO_ORDERS,
    DEMO_SEED,
    DemoServices,
    DemoServicesError,
    stop_in_background,
)

log = logging.getLogger(__name__)


class DemoServer(Protocol):
    """The sandbox behind a demo session: in a process of its own, or a thread of the desk's."""

    @property
    def sr_base_url(self) -> str: ...

    @property
    def berke_base_url(self) -> str: ...

    def stop(self, timeout: float = ...) -> None: ...


@dataclass
class Session:
    sr: SmartRecruitersClient
    berke: BerkeClient
    demo: bool
    sandbox: DemoServer | None = field(default=None, repr=False)
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
        try:
            await asyncio.gather(self.sr.aclose(), self.berke.aclose(), return_exceptions=True)
        except BaseException:  # cancelled: the sandbox still ends, without the loop waiting
            if self.sandbox is not None:
                stop_in_background(self.sandbox)
            raise
        if self.sandbox is not None:
            await asyncio.to_thread(self.sandbox.stop)


async def open_demo_services_session(
    launched: DemoServices | None = None, *, profile: ConnectionProfile | None = None
) -> Session:
    """Demo mode on the sandbox in a process of its own (``app.workflows.demo_services``):
    ``launched`` when the desk started it already, a fresh one otherwise.

    Where no process can be started or it does not listen, the sandbox runs in a thread of
    the desk's instead (``open_demo_session``): demo mode always opens."""
    services = launched
    try:
        if services is None:
            services = await asyncio.to_thread(DemoServices.launch)
        # The wait for them to listen loads what the first request would (an idle loop).
        await asyncio.gather(services.base_url(), http_stack_loaded())
    except (OSError, DemoServicesError) as exc:
        log.warning("%s The sandbox runs in the desk instead.", exc)
        if services is not None:
            await asyncio.to_thread(services.stop)
        return await open_demo_session(profile=profile)
    except BaseException:  # cancelled: no process is left serving nobody
        if services is not None:
            stop_in_background(services)  # not waited for on the loop
        raise
    log.info("Demo services listening at %s (process %d)", services.sr_base_url, services.pid)
    return _demo_session_on(services, profile)


async def open_demo_session(
    *, orders: int = DEMO_ORDERS, seed: int = DEMO_SEED, profile: ConnectionProfile | None = None
) -> Session:
    """Start the sandbox in a thread of the desk's, on a free loopback port (off the event
    loop), and connect to it: for tests, benchmarks, and where no process can be started.

    The sandbox enforces Berke's default burst (120 / 60 s), so the profile's own Berke limits
    are not applied to it: they describe a real company's contract.
    """
    from app.sandbox import SandboxConfig, SandboxServer

    config = SandboxConfig(
        orders=orders,
        seed=seed,
        auto_complete_after=DEMO_COMPLETE_AFTER_SECONDS,
        auto_complete_share=DEMO_COMPLETE_SHARE,
    )
    server = SandboxServer(config, host="127.0.0.1", port=0)
    await asyncio.to_thread(server.start)
    log.info("Demo sandbox listening at %s", server.base_url)
    return _demo_session_on(server, profile)


def _demo_session_on(server: DemoServer, profile: ConnectionProfile | None) -> Session:
    """A demo session on ``server`` (a process of its own, or a thread), with the demo keys."""
    from app.sandbox.config import DEMO_BERKE_TOKEN, DEMO_SR_KEY

    return Session(
        sr=SmartRecruitersClient(server.sr_base_url, DEMO_SR_KEY),
        berke=BerkeClient(server.berke_base_url, DEMO_BERKE_TOKEN),
        demo=True,
        sandbox=server,
        profile=profile,
    )


async def prepare_session(profile: ConnectionProfile) -> None:
    """What opening a session of ``profile`` would otherwise do on the event loop: build the
    TLS context its https addresses need (``app.clients.tls``) and load what the clients'
    first request loads (``app.clients.http_stack``). It never fails the start: a
    context that cannot be built (a stale ``SSL_CERT_FILE``) is met again, and said, where
    the clients are made, after the keys were looked at (none: demo mode)."""
    try:
        await asyncio.gather(
            tls_ready_for(profile.sr_base_url, profile.berke_base_url), http_stack_loaded()
        )
    except (OSError, ValueError) as exc:  # ssl.SSLError is an OSError
        log.warning("The TLS context could not be built ahead: %s", exc)


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
