"""Sandbox settings and the demo credentials it accepts."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

# A local simulator's credentials: printing and embedding them is intended (they open nothing real).
DEMO_SR_KEY = "demo939249cc2c306c370bea6543b2ce8f1cc2107689cd3822d911e401604b1e"
DEMO_BERKE_TOKEN = "DEMO-berke-token-7f3a9c2e51d84b06"


@dataclass(frozen=True)
class SandboxConfig:
    """What the simulated services accept and how hard they push back.

    ``sr_rate_per_second=0`` or ``sr_concurrency=0`` switch that SmartRecruiters limit off;
    ``latency_ms`` delays every answer (it makes the concurrency limit observable), waited out
    with ``sleep``; ``clock`` is the monotonic clock behind every rate window and Berke's
    candidate progress. Both are injectable for tests (a ``sleep`` that holds answers until
    the test lets them go makes "in flight at once" certain, however slow the machine).
    """

    sr_key: str = DEMO_SR_KEY
    berke_token: str = DEMO_BERKE_TOKEN
    orders: int = 200
    seed: int = 1
    berke_burst: int = 120
    berke_window_ms: int = 60000
    fail_rate: float = 0.0
    sr_rate_per_second: int = 10
    sr_concurrency: int = 8
    latency_ms: float = 0.0
    # Not in the reference's order shape: off, a client must cope without it (see sr_state).
    accept_url_on_order: bool = False
    # Not in the reference's GetAssessmentStatus either ("the assessment's identity and
    # status"): off, as the reference has it, a client must cope without the count; on (a
    # test's opt-in), it counts the invitations sent (invitationsSent), as a Berke might.
    status_counts_invitations: bool = False
    # The reference spells GetAssessmentStatus' flag "StatusId" and names no statusName: on,
    # it answers so; off (a test's opt-in), as the sandbox once did (statusId, statusName).
    status_as_the_reference_spells_it: bool = True
    # The candidate plays themself: invited assessments start halfway and complete this many
    # seconds after their first invitation (None = never; the demo mode sets a short delay),
    # for a seeded share of them, so a demo shows some finished and some still open.
    auto_complete_after: float | None = None
    auto_complete_share: float = 1.0
    clock: Callable[[], float] = field(default=time.monotonic, compare=False, repr=False)
    sleep: Callable[[float], Awaitable[None]] = field(
        default=asyncio.sleep, compare=False, repr=False
    )

    def __post_init__(self) -> None:
        if not self.sr_key:
            raise ValueError("sr_key must not be empty")
        if not 1 <= len(self.berke_token) <= 50:
            raise ValueError("berke_token must be 1-50 characters (Berke's own rule)")
        if not 0.0 <= self.fail_rate <= 1.0:
            raise ValueError("fail_rate must be within [0, 1]")
        if self.berke_burst < 1 or self.berke_window_ms < 1:
            raise ValueError("berke_burst and berke_window_ms must be positive")
        for name in ("orders", "sr_rate_per_second", "sr_concurrency"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative")
        if self.latency_ms < 0:
            raise ValueError("latency_ms must not be negative")
        if self.auto_complete_after is not None and not 0 <= self.auto_complete_after < 10**9:
            raise ValueError("auto_complete_after must be a number of seconds, 0 or more")
        if not 0.0 <= self.auto_complete_share <= 1.0:
            raise ValueError("auto_complete_share must be within [0, 1]")
