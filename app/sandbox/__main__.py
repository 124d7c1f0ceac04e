"""``python -m app.sandbox``: serve both simulated services until Ctrl+C."""

from __future__ import annotations

import argparse
import os
import signal
import threading
from types import FrameType

from app.sandbox.config import DEMO_BERKE_TOKEN, DEMO_SR_KEY, SandboxConfig
from app.sandbox.server import SandboxServer


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m app.sandbox",
        description="Local simulator of the SmartRecruiters partner API and the Berke API.",
    )
    add = parser.add_argument
    add("--host", default="127.0.0.1", help="interface to listen on (default: %(default)s)")
    add("--port", type=_port, default=8765, help="port; 0 picks a free one (default: %(default)s)")
    add("--sr-key", default=DEMO_SR_KEY, help="X-SmartToken accepted (default: the demo key)")
    add(
        "--berke-token",
        default=DEMO_BERKE_TOKEN,
        help="apiToken accepted (default: the demo token)",
    )
    add("--orders", type=int, default=200, help="seeded orders (default: %(default)s)")
    add("--seed", type=int, default=1, help="seed of the demo data (default: %(default)s)")
    add("--berke-burst", type=int, default=120, help="Berke calls per window (default: 120)")
    add("--berke-window-ms", type=int, default=60000, help="Berke window (default: %(default)s)")
    add("--fail-rate", type=float, default=0.0, help="share of requests failed (default: 0)")
    add("--sr-rate", type=int, default=10, help="SR requests per second, 0 = off (default: 10)")
    add("--sr-concurrency", type=int, default=8, help="SR calls in flight, 0 = off (default: 8)")
    add("--latency-ms", type=float, default=0.0, help="delay added to every API answer")
    add(
        "--auto-complete-after",
        type=float,
        default=None,
        metavar="SECONDS",
        help="invited Berke assessments complete on their own this long after the invitation "
        "(started halfway); off by default",
    )
    add(
        "--auto-complete-share",
        type=float,
        default=1.0,
        metavar="SHARE",
        help="share (0-1) of invited assessments that complete on their own (default: 1)",
    )
    add(
        "--child",
        action="store_true",
        help="serve as a program's own services (the desk's demo mode): print the base URL "
        "alone, then serve until standard input closes, which the system also does when that "
        "program dies",
    )
    return parser


def _port(text: str) -> int:
    """A TCP port, refused in words by the parser: socket.bind raised OverflowError."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"a port is within 0-65535, not {port}")
    return port


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def config_from(args: argparse.Namespace) -> SandboxConfig:
    """The parsed flags as a configuration; ``ValueError`` names the rule a value breaks."""
    return SandboxConfig(
        sr_key=args.sr_key,
        berke_token=args.berke_token,
        orders=args.orders,
        seed=args.seed,
        berke_burst=args.berke_burst,
        berke_window_ms=args.berke_window_ms,
        fail_rate=args.fail_rate,
        sr_rate_per_second=args.sr_rate,
        sr_concurrency=args.sr_concurrency,
        latency_ms=args.latency_ms,
        auto_complete_after=args.auto_complete_after,
        auto_complete_share=args.auto_complete_share,
    )


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        config = config_from(args)
    except ValueError as exc:
        parser.error(str(exc))
    server = SandboxServer(config, host=args.host, port=args.port)
    try:
        server.start()
    except OSError as exc:
        # A host that is not one (socket.gaierror), a port in use or not ours to take: the
        # flags' fault, said as the parser says the others' rather than as a traceback.
        parser.error(f"cannot listen on {args.host} port {args.port}: {exc.strerror or exc}")
    if args.child:
        return _serve_parent(server)
    # Demo credentials of a local simulator: printing them is the point.
    print(f"SmartRecruiters API: {server.sr_base_url}")
    print(f"Berke API:           {server.berke_base_url}")
    print(f"SmartRecruiters key (X-SmartToken): {config.sr_key}")
    print(f"Berke apiToken:                     {config.berke_token}")
    if config.auto_complete_after is not None:
        share = f"{config.auto_complete_share:.0%} of "
        print(
            f"Candidates finish {share}invited assessments {config.auto_complete_after:g} s "
            "after the invitation."
        )
    print("Press Ctrl+C to stop.", flush=True)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


def _serve_parent(server: SandboxServer) -> int:
    """Serve until the parent closes our standard input (or dies: the system closes it).

    File descriptors, not ``sys.stdin``/``sys.stdout``: a windowed program started with pipes
    may have no Python streams on them."""
    os.write(1, f"{server.base_url}\n".encode("ascii"))
    try:
        while os.read(0, 65536):  # what the parent writes is ignored; b"" is the end
            pass
    except (KeyboardInterrupt, OSError):
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
