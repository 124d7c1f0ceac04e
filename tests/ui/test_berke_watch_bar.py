"""While Berke cannot be asked (down, its token revoked), the orders say so: a bar like the
sync's, until Berke answers again. Before: an INFO line in the log, and finished candidates
looked idle for days while the SmartRecruiters side kept syncing."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt

from app.clients.errors import AuthError, Service
from app.domain.berke import CreateAssessmentRequest
from tests.ui.test_console_flows import (  # noqa: F401  (fixtures)
    add_test_order,
    board_of,
    desk_of,
    finish,
    live_desk,
    window,
)

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from app.ui.main_window import MainWindow


def test_a_berke_that_cannot_be_asked_is_said_over_the_orders(
    window: MainWindow,  # noqa: F811
    qtbot: QtBot,
) -> None:
    bar = window.orders.berke_problem
    berke = desk_of(window).session.berke
    order = add_test_order(window, qtbot, first="Ines", last="Moreau", email="ines@example.com")
    request = CreateAssessmentRequest(
        first_name="Ines", last_name="Moreau", email_address="ines@example.com"
    )
    finish(qtbot, board_of(window).create_assessment(order.id, request))  # one to watch
    assert not bar.isVisible()
    finish(qtbot, board_of(window).watch())  # Berke answers: nothing to say
    assert not bar.isVisible()

    refused = AuthError(Service.BERKE, service_message="Invalid API token")

    async def refusing(*_args: Any, **_kwargs: Any) -> Any:
        raise refused
        yield

    async def refusing_status(*_args: Any, **_kwargs: Any) -> Any:
        raise refused

    real_listing, real_status = berke.iter_completed, berke.get_assessment_status
    berke.iter_completed = refusing  # type: ignore[method-assign]
    berke.get_assessment_status = refusing_status  # type: ignore[method-assign]
    finish(qtbot, board_of(window).watch())
    assert bar.isVisible()
    said = bar.text.text()
    assert said.startswith("Berke could not be asked at ")
    assert "Berke's side of the orders is as it was at " in said
    assert "Invalid API token" in said

    berke.iter_completed = real_listing  # type: ignore[method-assign]
    berke.get_assessment_status = real_status  # type: ignore[method-assign]
    qtbot.mouseClick(bar.retry_button, Qt.MouseButton.LeftButton)  # Try again: asks now
    qtbot.waitUntil(lambda: not bar.isVisible())
