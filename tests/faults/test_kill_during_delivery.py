"""Kill the desk at random moments while it watches Berke and delivers results: every order
ends COMPLETED with exactly one result and exactly one report attached.

The sandbox plays the candidates (each finishes as soon as it is invited); the runner watches
Berke, downloads each report, completes the order with Berke's result and uploads the report,
all through the journal, and is SIGKILLed and restarted at seeded random points.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.sandbox import DEMO_SR_KEY, SandboxConfig, SandboxServer
from tests.faults.test_kill_and_resume import (
    LATENCY_MS,
    get_json,
    make_orders,
    more_orders_of,
    run_with_kills,
)

SEED = int(os.environ.get("AD_FAULT_SEED", "20261201"))


def runner(server: SandboxServer, db: Path, orders: list[str]) -> list[str]:
    import sys

    return [
        sys.executable, "-m", "tests.faults.flow_runner",
        "--sr-url", server.sr_base_url, "--berke-url", server.berke_base_url,
        "--db", str(db), "--orders", *orders, "--deliver-berke",
    ]  # fmt: skip


def delivered(server: SandboxServer, order_id: str) -> list[dict[str, Any]]:
    with httpx.Client(headers={"X-SmartToken": DEMO_SR_KEY}) as client:
        order = get_json(client, f"{server.sr_base_url}/assessments/{order_id}")
        assert order["status"] == "COMPLETED"
        results = get_json(client, f"{server.sr_base_url}/assessments/{order_id}/results")
        found = []
        for result in results["content"]:
            attached = get_json(
                client,
                f"{server.sr_base_url}/assessments/{order_id}/results/{result['id']}/attachments",
            )["content"]
            found.append({**result, "files": [a["fileName"] for a in attached]})
        return found


@pytest.mark.slow
def test_sigkill_during_watching_and_delivery_doubles_nothing(tmp_path: Path) -> None:
    config = SandboxConfig(
        orders=5, sr_rate_per_second=0, berke_burst=100_000, latency_ms=LATENCY_MS,
        auto_complete_after=0.0,
        status_counts_invitations=True,  # as in test_kill_and_resume
    )  # fmt: skip
    with SandboxServer(config, port=0) as server:
        db = tmp_path / "desk.sqlite3"
        first = make_orders(server, with_email=True)
        kills, code, orders = run_with_kills(
            lambda ids: runner(server, db, ids),
            first,
            seed=SEED,
            kills=12,
            more_orders=more_orders_of(server, first, with_email=True),
        )
        assert code == 0
        assert kills == 12
        for order_id in orders:
            results = delivered(server, order_id)
            assert len(results) == 1, f"{order_id}: {len(results)} results"
            assert results[0]["resultType"] == "DOCUMENT"
            assert len(results[0]["files"]) == 1, results[0]["files"]
            assert results[0]["files"][0].endswith(".pdf")
