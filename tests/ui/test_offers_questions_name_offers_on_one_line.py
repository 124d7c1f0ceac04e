"""An offer's name from SmartRecruiters (a colleague's, another client's) goes raw into the
Offers room's questions and error boxes: "Withdraw “…” from the Marketplace?", "“…” was
changed in SmartRecruiters after you opened it here", "“…” changed in SmartRecruiters since
the list was read". A right-to-left override in it draws the rest of the sentence backwards,
and a 255-character name without a space makes the box wider than a 1280 px screen. Every
other dialog of the console names things through ``one_line``/``title_name`` (README:
"an unclosed right-to-left override drew the rest of the title backwards")."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any, TypeVar

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from app.domain.smartrecruiters import Offer
from app.ui.offers import OffersView
from app.workflows.desk import Desk
from app.workflows.offer_catalog import OfferCatalog
from tests.ui.test_offers_view import run

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from app.sandbox import SandboxServer

T = TypeVar("T")
RLO = "\u202e"
BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")


@pytest.fixture
def view(qtbot: QtBot, live_desk: Desk) -> OffersView:
    made = OffersView()
    qtbot.addWidget(made)
    made.resize(1200, 700)
    made.show()
    with qtbot.waitSignal(made.loaded):
        made.set_catalog(OfferCatalog(live_desk.session, live_desk.db))
    return made


def listed(view: OffersView, qtbot: QtBot, name: str) -> Offer:
    body = {"catalogId": f"H-{uuid.uuid4().hex[:8]}", "name": name, "description": "d",
            "terms": {"type": "REFERENCE_CHECK"}}  # fmt: skip
    assert view.catalog is not None
    made = run(qtbot, view.catalog.create(Offer.model_validate(body), None))
    assert made.id is not None
    with qtbot.waitSignal(view.loaded):
        view.search.setText(made.catalog_id)
    assert view.select_offer(made.id)
    return made


def open_box(qtbot: QtBot, parent: Any) -> QMessageBox:
    qtbot.waitUntil(lambda: any(b.isVisible() for b in parent.findChildren(QMessageBox)))
    return next(b for b in parent.findChildren(QMessageBox) if b.isVisible())


def test_withdraw_question_draws_a_hostile_name_on_one_line_without_bidi_controls(
    view: OffersView, qtbot: QtBot, sandbox: SandboxServer
) -> None:
    made = listed(view, qtbot, f"Berke Fit {RLO}ecalptekraM")
    assert made.id is not None
    sandbox.app.state.sr.offers[made.id]["status"] = "ACTIVE"  # the partners team did
    with qtbot.waitSignal(view.loaded):
        view.refresh()
    assert view.withdraw_button.isEnabled()
    qtbot.mouseClick(view.withdraw_button, Qt.MouseButton.LeftButton)
    box = open_box(qtbot, view)
    text = box.text()
    box.reject()
    assert not BIDI & set(text), f"the question holds a bidi control: {text!r}"


def test_changed_meanwhile_question_fits_the_screen_with_a_long_name(
    view: OffersView, qtbot: QtBot, live_desk: Desk
) -> None:
    made = listed(view, qtbot, "Original")
    assert made.id is not None
    qtbot.mouseClick(view.edit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.form is not None and view.form.isVisible())
    form = view.form
    assert form is not None
    # A colleague renames it meanwhile: 255 characters, no space (SmartRecruiters' limit).
    theirs = made.model_copy(update={"name": f"{RLO}" + "X" * 254})
    run(qtbot, live_desk.session.sr.update_offer(made.id, theirs))
    form.description.setPlainText("mine")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    box = open_box(qtbot, form)
    qtbot.waitUntil(box.isVisible)
    width, text = box.sizeHint().width(), box.text()
    box.reject()
    assert width <= 1280, f"the question is {width} px wide"
    assert not BIDI & set(text), f"the question holds a bidi control: {text[:40]!r}…"
