"""How a journal row keeps its step and its outcome (JSON of the typed models), how they are read
back, and the upgrade of rows written in the journal's first form (untyped dicts).

Reading never fails on a row's content: a step or an outcome this version cannot read comes
back as ``UnreadableStep`` / ``UnreadableOutcome`` holding what was stored, so one odd row can
neither hide an order's timeline nor stop the resumer.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from app.domain.berke_text import AS_RECORDED
from app.domain.build_when_used import BUILD_WHEN_USED
from app.domain.journal import JournalOutcome, JournalStep, UnreadableOutcome, UnreadableStep
from app.domain.journal_terms import StepKind
from app.domain.journal_v1 import outcome_from_v1, step_from_v1

log = logging.getLogger(__name__)

_STEP: TypeAdapter[JournalStep] = TypeAdapter(JournalStep, config=BUILD_WHEN_USED)
_OUTCOME: TypeAdapter[JournalOutcome] = TypeAdapter(JournalOutcome, config=BUILD_WHEN_USED)


def dumps(model: BaseModel) -> str:
    """A step or an outcome as stored: the services' own spellings inside their request
    models, nothing empty, keys sorted (a row reads the same whoever wrote it)."""
    data = model.model_dump(mode="json", by_alias=True, exclude_none=True)
    return json.dumps(data, sort_keys=True, ensure_ascii=False)


def loose_json(text: str) -> Any:
    """The text's JSON, or the text itself where it is none."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def _problem(exc: Exception) -> str:
    if isinstance(exc, ValidationError) and exc.errors():
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        return f"{where}: {first['msg']}" if where else str(first["msg"])
    return f"{type(exc).__name__}: {exc}"


def read_step(action: StepKind, text: str) -> JournalStep:
    try:
        step = _STEP.validate_json(text, context=AS_RECORDED)
    except ValidationError as exc:
        log.warning("A journal step (%s) cannot be read: %s", action.value, _problem(exc))
        return UnreadableStep(action=action, data=loose_json(text), problem=_problem(exc))
    if step.action is not action:
        return UnreadableStep(
            action=action,
            data=loose_json(text),
            problem=f"a {step.kind} step recorded as {action.value}",
        )
    return step


def read_outcome(text: str | None) -> JournalOutcome | None:
    if not text:
        return None
    try:
        return _OUTCOME.validate_json(text)
    except ValidationError as exc:
        log.warning("A journal outcome cannot be read: %s", _problem(exc))
        return UnreadableOutcome(data=loose_json(text))


# -- the upgrade from the first form (schema 3) ------------------------------------------------


def upgrade_row(
    action: StepKind,
    request: str,
    outcome: str | None,
    *,
    order_id: str,
    begun_at: datetime,
    finished_at: datetime,
) -> tuple[JournalStep, JournalOutcome | None]:
    """A first-form row's step and outcome, typed; what cannot be typed is kept as it was."""
    data = loose_json(request)
    step: JournalStep
    try:
        if not isinstance(data, dict):
            raise TypeError("the request is not a JSON object")
        step = step_from_v1(action, data, order_id=order_id, begun_at=begun_at)
    except (ValueError, KeyError, TypeError) as exc:
        step = UnreadableStep(action=action, data=data, problem=_problem(exc))
    if not outcome:
        return step, None
    result = loose_json(outcome)
    typed: JournalOutcome
    try:
        if not isinstance(result, dict):
            raise TypeError("the outcome is not a JSON object")
        typed = outcome_from_v1(step, result, order_id=order_id, finished_at=finished_at)
    except (ValueError, KeyError, TypeError):
        typed = UnreadableOutcome(data=result)
    return step, typed


def _when(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except (TypeError, ValueError):
        # Only dates a link in a historical outcome: not a reason to refuse the whole file.
        return datetime.now(UTC)


def upgrade_first_form(conn: sqlite3.Connection) -> None:
    """Rewrite every journal row of the first form as typed JSON, in the migration's
    transaction. A row that cannot be typed keeps its content inside an ``Unreadable*``."""
    rows = conn.execute(
        "SELECT id, order_id, action, request, outcome, created_at, updated_at FROM journal"
    ).fetchall()
    for row in rows:
        try:
            action = StepKind(row["action"])
        except ValueError:
            log.warning("Journal row %s has an unknown action %r; left as it was", row["id"],
                        row["action"])  # fmt: skip
            continue
        step, outcome = upgrade_row(
            action,
            row["request"],
            row["outcome"],
            order_id=row["order_id"],
            begun_at=_when(row["created_at"]),
            finished_at=_when(row["updated_at"]),
        )
        conn.execute(
            "UPDATE journal SET request = ?, outcome = ? WHERE id = ?",
            (dumps(step), dumps(outcome) if outcome is not None else None, row["id"]),
        )
