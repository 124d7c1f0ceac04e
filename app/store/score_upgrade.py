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


def _made_up_zero(fit: Any) -> bool:
    if not isinstance(fit, dict) or fit.get("fitPct") != 0:
        return False
    word = fit.get("fit")
    low_word = isinstance(word, str) and word.strip().casefold() == "low"
    return not (fit.get("fitId") == LOW_ID or (fit.get("fitId") is None and low_word))


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
