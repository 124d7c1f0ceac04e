"""Schema 6: Berke's answers stored by an older version lose the 0 % it made up for a job fit
Berke sent without a percentage (it was delivered as "Low fit (0 %)", not passed)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from app.store.berke_watch import BerkeWatchStore
from app.store.database import _MIGRATIONS, SCHEMA_VERSION, Database


def _fit(job: str, **fields: Any) -> dict[str, Any]:
    # The shape the version before wrote: fitPct always there, 0.0 when Berke gave none.
    written = {"job": job, "sourceJobId": job.upper(), "fitPct": 0.0, "fitId": None,
               "fit": None, "isPrimaryJob": False, "reportUrl": None,
               "fitComputedOnUtc": None}  # fmt: skip
    return {**written, **fields}


def _version_5_file(path: Path, answers: dict[str, Any]) -> None:
    raw = sqlite3.connect(path)
    for version in range(1, 6):
        raw.executescript(_MIGRATIONS[version])
    for candidate, answer in answers.items():
        raw.execute(
            "INSERT INTO berke_status VALUES (?, 'complete', NULL, 'then', ?)",
            (candidate, answer if isinstance(answer, str) else json.dumps(answer)),
        )
    raw.execute("PRAGMA user_version = 5")
    raw.commit()
    raw.close()


def test_a_made_up_zero_becomes_no_score_and_berkes_own_figures_stay(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    answer = {
        "sourceCandidateId": "cand-1",
        "jobFit": [
            _fit("no score"),  # Berke sent nothing: 0.0 made up
            _fit("high", fitId=3),  # a level without a percentage: the 0 % is made up
            _fit("high word", fit="High"),
            _fit("low", fitId=1, fit="Low"),  # 0 % and Low: Berke's own figure may be 0
            _fit("low word", fit="low"),
            _fit("scored", fitPct=0.83, fitId=3, fit="High"),
            _fit("odd id", fitId=4, fit="Low"),  # out of range: the word says Low, as before
            _fit("odd id, no word", fitId=0),
            _fit("id as text", fitId="3"),
        ],
    }
    _version_5_file(path, {"cand-1": answer, "cand-2": "not json {", "cand-3": "[1, 2]"})
    db = Database(path)
    with db.reading() as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION >= 6
        rows = dict(conn.execute("SELECT source_candidate_id, completed FROM berke_status"))
    assert rows["cand-2"] == "not json {"  # left as it was; read as before
    assert rows["cand-3"] == "[1, 2]"
    completed = BerkeWatchStore(db).completed("cand-1")
    assert completed is not None
    described = {fit.job: fit.describe() for fit in completed.job_fits}
    assert described == {
        "no score": "no score given",  # before: "Low fit (0 %)"
        "high": "High fit",  # before: "High fit (0 %)"
        "high word": "High fit",
        "low": "Low fit (0 %)",
        "low word": "Low fit (0 %)",
        "scored": "High fit (83 %)",
        "odd id": "Low fit (0 %)",
        "odd id, no word": "no score given",
        "id as text": "High fit",
    }
    db.close()


def test_a_current_file_is_not_touched_again(tmp_path: Path) -> None:
    """Schema 6 stores no score as none; its answers are never rewritten."""
    path = tmp_path / "new.sqlite3"
    db = Database(path)
    with db.transaction() as conn:
        conn.execute(
            "INSERT INTO berke_status VALUES ('c', 'complete', NULL, 'now', ?)",
            (json.dumps({"sourceCandidateId": "c", "jobFit": [_fit("x", fitId=3)]}),),
        )
    db.close()
    again = Database(path)
    completed = BerkeWatchStore(again).completed("c")
    assert completed is not None
    assert completed.job_fits[0].describe() == "High fit (0 %)"  # as stored by this version
    again.close()
