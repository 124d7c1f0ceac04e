"""Save again after a save whose answer was lost (it may have gone through), the form
corrected first.

A create: the look-up matched only an offer holding the *corrected* content, found none, and
a second POST /offers of the same catalogId was sent (the sandbox refuses it; SmartRecruiters
"does not promise to refuse a second offer of a catalogId": there, two offers). Now the offer
the first send made is found by what that send held, and updated to the corrected form.

An edit: the desk said the offer "was changed in SmartRecruiters after you opened it here (by
a colleague…)" and offered to undo "their" change, the coordinator's own first save."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, TypeVar

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox

from app.clients.errors import NetworkError, Service
from app.domain.smartrecruiters import Offer
from app.workflows.desk import Desk
from tests.ui.conftest import open_offers_view
from tests.ui.test_offers_view import run

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from app.sandbox import SandboxServer

T = TypeVar("T")


def test_a_corrected_save_after_an_unsure_create_sends_no_second_create(
    qtbot: QtBot, live_desk: Desk, monkeypatch: pytest.MonkeyPatch, sandbox: SandboxServer
) -> None:
    view = open_offers_view(qtbot, live_desk)

    sr = live_desk.session.sr
    real_create = sr.create_offer
    creates: list[Offer] = []

    async def answer_lost(offer: Offer) -> Offer:
        creates.append(offer)
        made = await real_create(offer)
        if len(creates) == 1:
            raise NetworkError(
                Service.SMARTRECRUITERS,
                service_message="the connection broke while reading the answer",
                request_sent=True,
            )
        return made

    monkeypatch.setattr(sr, "create_offer", answer_lost)
    catalog_id = f"C-{uuid.uuid4().hex[:8]}"
    qtbot.mouseClick(view.new_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.form is not None and view.form.isVisible())
    form = view.form
    assert form is not None
    form.catalog_id.setText(catalog_id)
    form.name.setText("Berke Fit")
    form.description.setPlainText("Teh test")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    error = form.findChild(QLabel, "error_form")
    assert error is not None
    qtbot.waitUntil(lambda: "may have created the offer" in error.text())

    form.description.setPlainText("The test")  # the typo, corrected before saving again
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.form is None or not form.is_busy())
    shown = ""
    if view.form is not None:
        shown = " / ".join(
            label.text() for label in form.findChildren(QLabel)
            if label.objectName().startswith("error_") and label.isVisible() and label.text()
        )  # fmt: skip
        form.reject()
    held = [o for o in sandbox.app.state.sr.offers.values() if o["catalogId"] == catalog_id]
    assert len(creates) == 1, (
        f"{len(creates)} creates sent for one offer; the form says: {shown!r}; "
        f"SmartRecruiters holds {[o['description'] for o in held]}"
    )
    assert view.form is None, f"the form stayed open: {shown!r}"
    (offer,) = held
    assert offer["description"] == "The test", "the offer made keeps the typo"
    shown_offer = view.selected_offer()
    assert shown_offer is not None
    assert shown_offer.id == offer["id"]


def test_saving_again_after_an_unsure_edit_does_not_blame_a_colleague(
    qtbot: QtBot, live_desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = open_offers_view(qtbot, live_desk)
    body = {"catalogId": f"U-{uuid.uuid4().hex[:8]}", "name": "Original", "description": "d",
            "terms": {"type": "REFERENCE_CHECK"}}  # fmt: skip
    assert view.catalog is not None
    made = run(qtbot, view.catalog.create(Offer.model_validate(body), None))
    assert made.id is not None
    with qtbot.waitSignal(view.loaded):
        view.search.setText(made.catalog_id)
    assert view.select_offer(made.id)

    sr = live_desk.session.sr
    real_update = sr.update_offer
    calls: list[Offer] = []

    async def answer_lost(offer_id: str, offer: Offer) -> Offer:
        calls.append(offer)
        saved = await real_update(offer_id, offer)
        if len(calls) == 1:
            raise NetworkError(
                Service.SMARTRECRUITERS,
                service_message="the connection broke while reading the answer",
                request_sent=True,
            )
        return saved

    monkeypatch.setattr(sr, "update_offer", answer_lost)
    qtbot.mouseClick(view.edit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.form is not None and view.form.isVisible())
    form = view.form
    assert form is not None
    form.name.setText("Renamed")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    error = form.findChild(QLabel, "error_form")
    assert error is not None
    qtbot.waitUntil(lambda: "may have saved the edit" in error.text())

    # A typo noticed: one more field corrected, Save again.
    form.description.setPlainText("d, corrected")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: view.form is None or any(b.isVisible() for b in form.findChildren(QMessageBox))
    )
    asked = [b.text() for b in form.findChildren(QMessageBox) if b.isVisible()] if view.form else []
    for box in form.findChildren(QMessageBox) if view.form else []:
        box.reject()
    assert not asked, f"the coordinator's own save was called someone else's: {asked}"
