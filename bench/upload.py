"""Upload: a large report streamed through the client to the sandbox (multipart part
``attachment``), beside curl posting the same file to the same endpoint, and the client's
memory growth, which shows the file is streamed, not read whole.

    python bench/upload.py [--megabytes 500] [--runs 3]

The sandbox runs in its own process (it keeps what it receives in memory), so the growth
measured here (peak resident memory of this process) is the client's alone. Each upload goes to
an order of its own (created, accepted and completed first); curl's time is its own
``time_total``. Printed: the medians, the baseline, the machine's load, and a last line with the
ratios (client time ÷ curl time; memory growth ÷ the file's size).
"""

from __future__ import annotations

import asyncio
import hashlib
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.cli import bench_parser
from bench.common import Sandbox, load, median, ratios, sandbox_process, write_report


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def result_endpoint(sandbox: Sandbox) -> tuple[str, str, str]:
    """A fresh completed order's result: (order id, result id, attachments URL)."""
    from app.clients.smartrecruiters import SmartRecruitersClient
    from app.domain.smartrecruiters import AssessmentResult, ResultType
    from app.sandbox import DEMO_SR_KEY

    async with SmartRecruitersClient(sandbox.sr_url, DEMO_SR_KEY) as sr:
        order = await sr.create_test_order(
            {"candidate": {"id": "bench", "firstName": "Bench", "lastName": "Mark"},
             "job": {"name": "Benchmark"}}
        )  # fmt: skip
        await sr.accept_order(order.id, "https://assess.test/start/BENCH")
        done = await sr.complete_with_result(
            order.id, AssessmentResult(result_type=ResultType.DOCUMENT, result="result.pdf")
        )
    url = f"{sandbox.sr_url}/assessments/{order.id}/results/{done.result_id}/attachments"
    return order.id, done.result_id, url


async def client_upload(sandbox: Sandbox, path: Path, sha256: str | None) -> float:
    """As the desk sends a queued report: checked against the content's SHA-256 taken when it
    was dropped (hashed again as it goes), unless ``sha256`` is None."""
    from app.clients.smartrecruiters import SmartRecruitersClient
    from app.sandbox import DEMO_SR_KEY

    order_id, result_id, _url = await result_endpoint(sandbox)
    async with SmartRecruitersClient(sandbox.sr_url, DEMO_SR_KEY) as sr:
        began = time.perf_counter()
        await sr.upload_attachment(order_id, result_id, path, sha256=sha256)
        return time.perf_counter() - began


def content_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def curl_upload(sandbox: Sandbox, path: Path) -> float:
    from app.sandbox import DEMO_SR_KEY

    _order, _result, url = asyncio.run(result_endpoint(sandbox))
    out = subprocess.run(
        ["curl", "-sS", "--fail", "-o", "/dev/null", "-w", "%{time_total}",
         "-H", f"X-SmartToken: {DEMO_SR_KEY}",
         "-F", f"attachment=@{path};type=application/pdf", url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return float(out)


def main(argv: list[str] | None = None) -> int:
    parser = bench_parser(__doc__)
    parser.add_argument("--megabytes", type=int, default=500, help="MiB")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    size_mb = args.megabytes * 1024 * 1024 / 1e6
    with tempfile.TemporaryDirectory() as tmp:
        path = write_report(Path(tmp) / "report.pdf", args.megabytes)
        with sandbox_process("--orders", "1", "--sr-rate", "0") as sandbox:
            sha256 = content_sha256(path)
            asyncio.run(client_upload(sandbox, path, sha256))  # warm-up: imports, page cache
            curl_upload(sandbox, path)
            before = load()
            rss = peak_rss_mb()
            client: list[float] = []
            unchecked: list[float] = []
            for _ in range(args.runs):  # in turns: the sandbox slows as it keeps more files
                client.append(asyncio.run(client_upload(sandbox, path, sha256)))
                unchecked.append(asyncio.run(client_upload(sandbox, path, None)))
            growth = peak_rss_mb() - rss
            curl = [curl_upload(sandbox, path) for _ in range(args.runs)]
    ours, theirs, bare = median(client), median(curl), median(unchecked)
    print(f"machine: {before} (before), {load()} (after); median of {args.runs} runs")
    print(
        f"client: {args.megabytes} MiB in {ours:.2f} s ({size_mb / ours:.0f} MB/s); "
        f"peak memory grew {growth:.1f} MB"
    )
    print(f"client without the content check: {bare:.2f} s ({size_mb / bare:.0f} MB/s)")
    print(f"baseline: curl, same file and endpoint: {theirs:.2f} s ({size_mb / theirs:.0f} MB/s)")
    print(ratios({"time-vs-curl": (ours, theirs), "memory-vs-file": (max(growth, 0), size_mb)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
