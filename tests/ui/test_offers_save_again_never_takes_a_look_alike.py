"""Save again, corrected, after a create whose answer was lost: the offer it looks for is
only ever the one that create made. Before, an offer made elsewhere holding the same content
(a colleague's, of the same catalogId) was taken for it and updated to the corrected form:
an offer the coordinator never opened, overwritten."""

from __future__ import annotations

import contextlib
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import Qt

from app.clients.errors import ApiError, NetworkError, Service
from app.domain.offer_cost import CostKind, OfferCost
from app.domain.smartrecruiters import Offer
from app.ui.offers import OffersView
from app.workflows import offers
from app.workflows.desk import Desk
from tests.ui.conftest import open_offers_view
from tests.ui.test_offers_view import _fill_new_offer, error_of, run

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from app.clients.smartrecruiters import SmartRecruitersClient
    from app.sandbox import SandboxServer

PAID = OfferCost(kind=CostKind.PERCENTAGE, value=Decimal(70))


@pytest.fixture
def offers_view(qtbot: QtBot, live_desk: Desk) -> OffersView:
    view = open_offers_view(qtbot, live_desk)
    return view


def lose_the_first_answer(
    sr: SmartRecruitersClient, monkeypatch: pytest.MonkeyPatch
) -> list[Offer]:
    """The first create's answer never arrives, whatever it was (made, or refused as taken:
    what the sandbox cannot do); the creates sent, in order."""
    real_create = sr.create_offer
    sent: list[Offer] = []

    async def lost_once(offer: Offer) -> Offer:
        sent.append(offer)
        if len(sent) > 1:
            return await real_create(offer)
        with contextlib.suppress(ApiError):
            await real_create(offer)
        raise NetworkError(
            Service.SMARTRECRUITERS,
            service_message="the connection broke while reading the answer",
            request_sent=True,
        )

    monkeypatch.setattr(sr, "create_offer", lost_once)
    return sent


def save_twice_correcting(
    offers_view: OffersView, qtbot: QtBot, live_desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> tuple[Offer, list[Offer]]:
    """A colleague's offer, then a form of the same content: Save (its answer lost), the
    description corrected, Save again. The colleague's offer and the creates sent."""
    form = _fill_new_offer(offers_view, qtbot, "Look-alike")
    typed = form.offer()
    assert typed is not None
    assert offers_view.catalog is not None
    theirs = run(qtbot, offers_view.catalog.create(typed, PAID))
    sent = lose_the_first_answer(live_desk.session.sr, monkeypatch)
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "may have created" in error_of(form, "form"))
    form.description.setPlainText("corrected")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: offers_view.form is None or not form.is_busy())
    return theirs, sent


def test_save_again_never_updates_a_look_alike_where_the_catalog_id_is_unique(
    offers_view: OffersView, qtbot: QtBot, live_desk: Desk, monkeypatch: pytest.MonkeyPatch,
    sandbox: SandboxServer,
) -> None:  # fmt: skip
    """The first create was refused as taken, its answer lost: the only offer holding what
    it sent is the colleague's."""
    theirs, _sent = save_twice_correcting(offers_view, qtbot, live_desk, monkeypatch)
    assert theirs.id is not None
    assert sandbox.app.state.sr.offers[theirs.id]["description"] == "d", "overwritten"
    assert run(qtbot, offers.get_cost(live_desk, theirs.id)) == PAID
    form = offers_view.form
    assert form is not None  # not saved: the catalog id is taken, said at it
    assert "already exists" in error_of(form, "catalogId")
    form.reject()


def test_save_again_updates_its_own_offer_not_an_older_look_alike(
    offers_view: OffersView, qtbot: QtBot, live_desk: Desk, monkeypatch: pytest.MonkeyPatch,
    sandbox: SandboxServer,
) -> None:  # fmt: skip
    """Where a catalogId is not unique (nothing in the reference says it is), the first
    create made a second offer alike: that one is corrected, the colleague's left alone."""
    from app.sandbox.smartrecruiters import SmartRecruitersApi

    monkeypatch.setattr(SmartRecruitersApi, "_unique_catalog_id", lambda *_args: None)
    theirs, sent = save_twice_correcting(offers_view, qtbot, live_desk, monkeypatch)
    assert theirs.id is not None
    held = sandbox.app.state.sr.offers
    assert held[theirs.id]["description"] == "d", "overwritten"
    alike = sorted(o["description"] for o in held.values() if o["catalogId"] == theirs.catalog_id)
    assert alike == ["corrected", "d"]
    assert len(sent) == 1  # no second create
    assert offers_view.form is None
