"""Rows of the inbox's table (``OrderRow``) for tests of its Qt models: the order's fields
filled with plain values, any of them given instead."""

from __future__ import annotations

from app.domain.smartrecruiters import OrderStatus
from app.views.order_rows import OrderRow


def order_row(n: int, **fields: object) -> OrderRow:
    """Order ``o{n}`` of candidate ``Cand {n}`` (``c{n}``), a NEW Nurse order of Acme."""
    own = {"candidate_id": f"c{n}", "candidate": f"Cand {n}", "email": f"c{n}@example.com"}
    return _row(n, **{**own, "job": "Nurse", **fields})


def candidate_order_row(n: int, candidate: str, **fields: object) -> OrderRow:
    """Order ``o{n}`` (job ``Job {n}``) of ``candidate``: a candidate's orders share its id
    and email, for the Candidates tab's groups."""
    own = {"candidate_id": f"c-{candidate}", "candidate": candidate}
    return _row(n, **{**own, "email": f"{candidate}@example.com", "job": f"Job {n}", **fields})


def _row(n: int, **fields: object) -> OrderRow:
    base: dict[str, object] = dict(
        id=f"o{n}", status=OrderStatus.NEW, company="Acme", requestor="Rita",
        created=f"2025-01-1{n}T10:00:00+00:00", assessment="", activity="", berke="",
        attention="", berke_id="",
    )  # fmt: skip
    base.update(fields)
    return OrderRow(**base)  # type: ignore[arg-type]
