"""Small snapshots for the tests: a few orders with comments, results, a link and a timeline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from app.domain.journal_terms import LinkedAssessment, StepKind, StepState
from app.domain.smartrecruiters import AssessmentComment, AssessmentOrder, AssessmentResult
from app.domain.snapshot import SnapshotFilter, SnapshotMeta, SnapshotOrder, SnapshotStep
from app.store.snapshot_file import write_snapshot

NAMES = [("Zoë", "Müller"), ("Ana", "Núñez"), ("Émile", "Dubois"), ("John", "Smith")]
STATUSES = ["NEW", "IN_PROGRESS", "COMPLETED", "REJECTED"]
START = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def order(i: int, **changes: Any) -> AssessmentOrder:
    first, last = NAMES[i % len(NAMES)]
    created = (START + timedelta(hours=i)).strftime("%Y-%m-%dT%H:%M:%S.000+0000")
    payload: dict[str, Any] = {
        "id": f"order-{i:03d}",
        "status": STATUSES[i % len(STATUSES)],
        "createDate": created,
        "candidate": {"id": f"cand-{i % 5}", "firstName": first, "lastName": f"{last}{i}",
                      "email": f"{first.lower()}{i}@example.com"},
        "job": {"name": "Data Analyst" if i % 2 else "Backend Engineer"},
        "company": {"name": "Acme GmbH" if i % 3 else "Globex"},
        "requestor": {"firstName": "Rita", "lastName": "Recruiter"},
    }  # fmt: skip
    payload.update(changes)
    return AssessmentOrder.model_validate(payload)


def record(i: int, **changes: Any) -> SnapshotOrder:
    made = order(i, **changes)
    at = START + timedelta(hours=i, minutes=5)
    return SnapshotOrder(
        order=made,
        comments=[AssessmentComment(message=f"Comment on order {i}", create_date=at)],
        results=(
            [AssessmentResult(result_type="DOCUMENT", result="report", title="Report")]
            if made.status.value == "COMPLETED"
            else []
        ),
        linked_assessment=(
            LinkedAssessment(
                order_id=made.id,
                source_candidate_id=f"sc-{i}",
                invitation_code=f"CODE{i:03d}",
                assessment_url=f"https://berke.example/a/CODE{i:03d}",
                created_at=at,
            )
            if i % 2
            else None
        ),
        timeline=[
            SnapshotStep(
                id=i,
                order_id=made.id,
                action=StepKind.CREATE_ASSESSMENT,
                state=StepState.DONE,
                request={"job": "analyst"},
                created_at=at,
                updated_at=at,
            )
        ],
    )


def records(count: int) -> list[SnapshotOrder]:
    return [record(i) for i in range(count)]


def meta(count: int, *, created_at: datetime | None = None, **changes: Any) -> SnapshotMeta:
    values: dict[str, Any] = {
        "created_at": created_at or datetime(2025, 3, 2, tzinfo=UTC),
        "app_version": "test",
        "source": "Demo mode — built-in sandbox at http://127.0.0.1:1",
        "filter": SnapshotFilter(scope="all"),
        "order_count": count,
        **changes,
    }
    return SnapshotMeta(**values)


def write_sample(
    path: Path,
    items: list[SnapshotOrder] | None = None,
    files: dict[str, Path] | None = None,
    **meta_changes: Any,
) -> Path:
    items = records(6) if items is None else items
    write_snapshot(path, meta(len(items), **meta_changes), items, files)
    return path
