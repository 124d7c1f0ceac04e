"""Drives orders through the whole flow, resuming whatever an earlier run left: the process the
fault-injection test kills at random moments.

    python -m tests.faults.flow_runner --sr-url URL --berke-url URL --db FILE \\
        --orders ID [ID ...] (--files FILE [FILE ...] | --deliver-berke) [--hold-after-first-step]

Keys come from the environment (AD_SR_KEY, AD_BERKE_TOKEN), never the command line. Prints
"ALL DONE" and exits 0 once every order is completed with every file attached.
``--hold-after-first-step`` waits, after its first step, for a line on stdin.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path

from app.clients.berke import BerkeClient
from app.clients.errors import ApiError
from app.clients.http import RetryPolicy
from app.clients.smartrecruiters import SmartRecruitersClient
from app.domain.attachments import DEFAULT_MAX_BYTES, UploadState
from app.domain.berke import CreateAssessmentRequest
from app.domain.smartrecruiters import AssessmentOrder, AssessmentResult, OrderStatus, ResultType
from app.store.database import Database
from app.store.instance_lock import AlreadyRunningError, InstanceLock
from app.workflows.delivery import deliver, plan_delivery
from app.workflows.desk import Desk
from app.workflows.order_actions import (
    ActionNotAllowedError,
    accept_order,
    create_assessment,
    send_invitation,
)
from app.workflows.outbox import resume_pending
from app.workflows.refusals import StepDeferredError
from app.workflows.results import complete_order, queue_files, run_upload
from app.workflows.session import Session
from app.workflows.watch import watch_berke

ALREADY_RUNNING = 4  # exit status when another runner holds the folder

RESULT = AssessmentResult(
    result_type=ResultType.DOCUMENT, result="result.pdf", title="Berke job fit", score="77%"
)


async def advance(
    desk: Desk, order_id: str, files: list[Path], *, deliver_berke: bool = False
) -> bool:
    """One step further for one order; True when it is entirely done. ``deliver_berke``: the
    result and report come from Berke once the candidate finishes (watch, then deliver),
    instead of a fixed result and the given files."""
    pending = {e.order_id for e in desk.journal.pending()}
    if order_id in pending:
        return False  # resume_pending owns it until it settles
    order: AssessmentOrder = await desk.session.sr.get_order(order_id)
    desk.orders.put(order)
    link = desk.journal.assessment_for(order_id)
    if link is None and order.status is OrderStatus.NEW:
        await create_assessment(
            desk,
            order,
            CreateAssessmentRequest(
                first_name=order.candidate.first_name or "Candidate",
                last_name=order.candidate.last_name or "Unknown",
                email_address=order.candidate.email,
            ),  # no typed id: the order's own, as the batch sends
        )
        return False
    if order.status is OrderStatus.NEW:
        await accept_order(desk, order)
        return False
    if link is not None and order.candidate.email and not link.invitation_sent:
        await send_invitation(desk, order)
        return False
    if order.status is OrderStatus.IN_PROGRESS and deliver_berke:
        assert link is not None
        await watch_berke(desk)
        if desk.berke_watch.completed(link.source_candidate_id) is not None:
            plan = await plan_delivery(desk, order)
            await deliver(desk, order, plan, max_bytes=DEFAULT_MAX_BYTES)
        return False
    if order.status is OrderStatus.IN_PROGRESS:
        await complete_order(desk, order, RESULT)
        return False
    uploads = desk.results.for_order(order_id)
    if deliver_berke:
        for upload in [
            u for u in uploads if u.state in (UploadState.QUEUED, UploadState.UPLOADING)
        ]:
            await run_upload(desk, upload)
        finished = desk.results.for_order(order_id)
        return bool(finished) and all(u.state is UploadState.DONE for u in finished)
    names = {u.file_name for u in uploads}
    missing = [f for f in files if f.name not in names]
    if missing:
        await queue_files(desk, order, missing)
        return False
    waiting = [u for u in uploads if u.state in (UploadState.QUEUED, UploadState.UPLOADING)]
    for upload in waiting:
        await run_upload(desk, upload)
    return all(u.state is UploadState.DONE for u in desk.results.for_order(order_id))


async def main_async(args: argparse.Namespace) -> int:
    retry = RetryPolicy(read_retries=3, read_backoff_seconds=0.05)
    session = Session(
        sr=SmartRecruitersClient(args.sr_url, os.environ["AD_SR_KEY"], retry=retry),
        berke=BerkeClient(args.berke_url, os.environ["AD_BERKE_TOKEN"], retry=retry),
        demo=False,
    )
    # The app's own rule: one desk per data folder. A runner started while another still holds
    # the folder waits for it rather than resuming (and so resending) the other's steps.
    lock = InstanceLock(Path(args.db).parent)
    try:
        lock.acquire()
    except AlreadyRunningError as exc:
        await session.aclose()
        print(f"refused: {exc}", flush=True)
        return ALREADY_RUNNING
    desk = Desk(session, Database(Path(args.db)))
    files = [Path(f) for f in args.files]
    try:
        for _round in range(2000):
            resumed = await resume_pending(desk)
            if resumed.done:
                print(f"STEP resumed {len(resumed.done)}", flush=True)
            done = []
            for order_id in args.orders:
                try:
                    finished = await advance(
                        desk, order_id, files, deliver_berke=args.deliver_berke
                    )
                    done.append(finished)
                    if not finished:
                        # A line per step: the test picks its kill points from these.
                        print(f"STEP {order_id}", flush=True)
                        if args.hold_after_first_step:
                            # Holding the folder until the test says so (a line on stdin),
                            # however long a second runner takes to start beside it.
                            args.hold_after_first_step = False
                            await asyncio.to_thread(sys.stdin.readline)
                except (ApiError, StepDeferredError, ActionNotAllowedError) as exc:
                    if isinstance(exc, ApiError) and not exc.is_transient:
                        print(f"permanent failure on {order_id}: {exc}", flush=True)
                        return 3
                    done.append(False)
            if all(done):
                print("ALL DONE", flush=True)
                return 0
        print("gave up", flush=True)
        return 2
    finally:
        await session.aclose()
        desk.db.close()
        lock.release()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sr-url", required=True)
    parser.add_argument("--berke-url", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--orders", nargs="+", required=True)
    parser.add_argument("--files", nargs="*", default=[])
    parser.add_argument("--deliver-berke", action="store_true")
    parser.add_argument("--hold-after-first-step", action="store_true")
    return asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
