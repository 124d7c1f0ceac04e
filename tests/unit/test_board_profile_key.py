"""What the window remembers for a connection profile (the last batch's portal message) is
kept under the profile's own data file, not its name."""

from __future__ import annotations

import asyncio
from pathlib import Path

from app.clients.berke import BerkeClient
from app.clients.smartrecruiters import SmartRecruitersClient
from app.domain.connection import ConnectionProfile, ProfileKind
from app.store.database import Database
from app.workflows.board import OrderBoard
from app.workflows.desk import Desk
from app.workflows.session import Session


def _key(profile: ConnectionProfile | None, tmp_path: Path) -> str:
    session = Session(
        sr=SmartRecruitersClient("http://127.0.0.1:9/sr/v1", "k" * 64),
        berke=BerkeClient("http://127.0.0.1:9/berke", "token"),
        demo=False,
        profile=profile,
    )
    db = Database(tmp_path / "desk.sqlite3")
    try:
        return OrderBoard(Desk(session, db)).profile_key
    finally:
        db.close()
        asyncio.run(session.aclose())


def test_a_profile_added_under_a_removed_ones_name_remembers_nothing_of_it(
    tmp_path: Path,
) -> None:
    """A profile removed and another added under its name (another customer's account) was
    offered the first one's portal message: it was remembered by the name."""
    acme = ConnectionProfile(name="Acme")
    acme_again = ConnectionProfile(name="Acme")
    assert _key(acme, tmp_path) != _key(acme_again, tmp_path)
    renamed = acme.model_copy(update={"name": "Acme Europe"})
    assert _key(renamed, tmp_path) == _key(acme, tmp_path)  # renamed: still its own


def test_profiles_without_a_data_file_of_their_own_are_known_by_name(tmp_path: Path) -> None:
    production = ConnectionProfile(name="Production", kind=ProfileKind.PRODUCTION)
    assert _key(production, tmp_path) == "Production"
    assert _key(None, tmp_path) == "demo"
    slashed = ConnectionProfile(name="A/B", kind=ProfileKind.PRODUCTION)
    assert "/" not in _key(slashed, tmp_path)
