"""What an error box says is logged too, as one record, whatever the text holds."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from app.clients.errors import Service, ValidationApiError
from app.domain.smartrecruiters import Candidate
from app.store import logs
from app.ui.common.messages import Messages

FORGED = "2026-12-07 09:00:00,000 INFO app.workflows.board [MainThread]: "


def test_a_candidates_name_in_an_error_cannot_forge_a_log_record(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """A failed action says f"{name}: {error}", and ``Messages.error`` logs it: a last name
    (typed by the candidate in SmartRecruiters) with a line break and a time made a record
    of a delivery that never was."""
    path = logs.setup_logging(logging.INFO, directory=tmp_path, console_level=logging.CRITICAL)
    assert path is not None
    candidate = Candidate(
        id="c-1", first_name="Ana", last_name=f"Silva\r\n{FORGED}Delivered the result of order-9"
    )
    host = QWidget()
    qtbot.addWidget(host)
    refused = ValidationApiError(Service.SMARTRECRUITERS, service_message="Order is completed")
    Messages(host).error("Reject order", f"{candidate.display_name}: {refused}").close()
    for handler in logging.getLogger().handlers:
        handler.flush()
    (line,) = path.read_text(encoding="utf-8").splitlines()
    assert f"Reject order: Ana Silva\\r\\n{FORGED}Delivered the result of order-9: " in line
