"""Timestamps and identifiers in the shapes each service uses."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime

# Berke's invitation codes avoid characters that are easy to mistype from a printed slip.
INVITATION_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def now_utc() -> datetime:
    return datetime.now(UTC)


def sr_timestamp(moment: datetime) -> str:
    """SmartRecruiters style: ``2013-03-07T13:34:40.137+0000``."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"


def berke_timestamp(moment: datetime) -> str:
    """.NET round-trip style with seven fractional digits: ``2025-01-20T18:47:44.4792646Z``."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond:06d}0Z"


def epoch_millis(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def seeded_uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def object_id(rng: random.Random) -> str:
    """24 hex digits, the shape of the result ids in the SmartRecruiters FAQ."""
    return f"{rng.getrandbits(96):024x}"


def invitation_code(rng: random.Random, length: int = 10) -> str:
    return "".join(rng.choice(INVITATION_ALPHABET) for _ in range(length))
