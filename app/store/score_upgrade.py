"""Berke's stored answers, corrected once: versions before schema 6 kept a job fit that Berke
sent without a percentage as 0 %.

Such a fit was delivered as "Low fit (0 %)", not passed. The current model keeps no
percentage as none, and a fit with neither a level nor a percentage is refused in words (or
asked of Berke again). A stored 0 % is only believed where the fit's level says Low: 0 % with
no level, or with Medium or High, cannot be Berke's own figure.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

LOW_ID = 1


LEVEL_IDS = (1, 2, 3)


def _made_up_zero(fit: Any) -> bool:
    """A 0 % whose level (read as ``JobFit.level`` reads it: the fitId in range, else the
    word) is not Low."""
    if not isinstance(fit, dict) or fit.get("fitPct") != 0:
        return False
    fit_id, word = _number(fit.get("fitId")), fit.get("fit")
    if fit_id in LEVEL_IDS:
        return fit_id != LOW_ID
    return not (isinstance(word, str) and word.strip().casefold() == "low")


def _number(value: Any) -> int | None:
    """A fitId as the model reads it ("3" is 3); None for anything else."""
    if isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def forget_made_up_scores(conn: sqlite3.Connection) -> None:
    """In the migration's transaction: every stored answer's made-up 0 % becomes none. An
    answer that is not JSON of the expected shape is left as it is (it is read as before)."""
    rows = conn.execute(
        "SELECT source_candidate_id, completed FROM berke_status WHERE completed IS NOT NULL"
    ).fetchall()
    for row in rows:
        try:
            answer = json.loads(row["completed"])
        except ValueError:
            continue
        fits = answer.get("jobFit") if isinstance(answer, dict) else None
        if not isinstance(fits, list):
            continue
        changed = False
        for fit in fits:
            if _made_up_zero(fit):
                fit["fitPct"] = None
                changed = True
        if changed:
            conn.execute(
                "UPDATE berke_status SET completed = ? WHERE source_candidate_id = ?",
                (json.dumps(answer), row["source_candidate_id"]),
            )
