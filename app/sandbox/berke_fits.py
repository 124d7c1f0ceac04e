"""Seeded job fits: what a candidate's completed assessment scores against every job.

Berke scores a person once and computes fit for every job of the account; the sandbox draws a
general level per candidate and varies it per job, so one person is plausibly strong for some
jobs and weak for others, and the same seed and candidate always score the same.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

# fitId and fit name by the lower bound of fitPct (the console reads fitId 1-3, Low/Medium/High).
_LEVELS = ((0.75, 3, "High"), (0.5, 2, "Medium"), (0.0, 1, "Low"))
_FORMAL_TITLES = (None, None, "Ms.", "Mr.", "Dr.")


def fit_level(fit_pct: float) -> tuple[int, str]:
    """(fitId, fit) for a fitPct: below 0.5 Low, below 0.75 Medium, else High."""
    for floor, fit_id, name in _LEVELS:
        if fit_pct >= floor:
            return fit_id, name
    return 1, "Low"


@dataclass(frozen=True)
class JobFit:
    source_job_id: str
    job: str
    fit_pct: float
    report_id: str
    computed_on: float

    def payload(self, primary_job_id: str, report_url: str) -> dict[str, Any]:
        fit_id, fit = fit_level(self.fit_pct)
        return {
            "job": self.job,
            "sourceJobId": self.source_job_id,
            "fitPct": self.fit_pct,
            "fitId": fit_id,
            "fit": fit,
            "isPrimaryJob": self.source_job_id.casefold() == primary_job_id.casefold(),
            "reportUrl": report_url,
            "fitComputedOnUtc": self.computed_on,
        }


def _rng(seed: int, candidate_id: str) -> random.Random:
    # A string seed is hashed with SHA-512: stable across processes, unlike hash().
    return random.Random(f"sandbox-berke-fit-{seed}-{candidate_id.casefold()}")


def score(
    seed: int,
    candidate_id: str,
    jobs: Sequence[dict[str, Any]],
    computed_on: float,
    report_ids: Sequence[str],
) -> list[JobFit]:
    """One fit per job, in the account's job order; ``report_ids`` pairs with ``jobs``."""
    rng = _rng(seed, candidate_id)
    general = rng.uniform(0.35, 0.85)
    fits = []
    for job, report_id in zip(jobs, report_ids, strict=True):
        pct = min(0.99, max(0.05, general + rng.gauss(0.0, 0.15)))
        fits.append(JobFit(job["sourceJobId"], job["name"], round(pct, 2), report_id, computed_on))
    return fits


def formal_title(seed: int, candidate_id: str) -> str | None:
    """What the participant typed as title while taking the assessment; often nothing."""
    return random.Random(f"sandbox-berke-title-{seed}-{candidate_id.casefold()}").choice(
        _FORMAL_TITLES
    )
