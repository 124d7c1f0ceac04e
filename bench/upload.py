"""Upload benchmark: one large report streamed to the sandbox as multipart part `attachment`,
with the peak memory growth that shows it is streamed, not read whole.

    python bench/upload.py [--megabytes 50] [--runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from app.clients.smartrecruiters import SmartRecruitersClient
from app.domain.smartrecruiters import AssessmentResult, ResultType
from app.sandbox import DEMO_SR_KEY


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@contextmanager
def sandbox_process() -> Iterator[str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "app.sandbox", "--port", "0", "--orders", "1", "--sr-rate", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()  # "SmartRecruiters API: http://…/sr/v1"
        yield first.split(":", 1)[1].strip()
    finally:
        process.terminate()
        process.wait(timeout=10)


async def upload(sr_url: str, path: Path) -> float:
    async with SmartRecruitersClient(sr_url, DEMO_SR_KEY) as sr:
        order = await sr.create_test_order(
            {"candidate": {"id": "bench", "firstName": "Bench", "lastName": "Mark"},
             "job": {"name": "Benchmark"}}
        )  # fmt: skip
        await sr.accept_order(order.id, "https://assess.test/start/BENCH")
        done = await sr.complete_with_result(
            order.id, AssessmentResult(result_type=ResultType.DOCUMENT, result="result.pdf")
        )
        start = time.perf_counter()
        await sr.upload_attachment(order.id, done.result_id, path)
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--megabytes", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "report.pdf"
        with path.open("wb") as handle:
            for _ in range(args.megabytes):
                handle.write(os.urandom(1024 * 1024))
        # The sandbox runs in its own process (it keeps what it receives in memory), so the
        # growth measured here is the client's alone: it shows the file is streamed.
        with sandbox_process() as sr_url:
            asyncio.run(upload(sr_url, path))  # warm-up: imports, connection pool
            before = peak_rss_mb()
            times = [asyncio.run(upload(sr_url, path)) for _ in range(args.runs)]
            growth = peak_rss_mb() - before
    median = statistics.median(times)
    print(
        f"upload of {args.megabytes} MB: median {median:.2f} s "
        f"({args.megabytes / median:.0f} MB/s over loopback, {args.runs} runs); "
        f"client peak memory grew {growth:.1f} MB"
    )


if __name__ == "__main__":
    main()
