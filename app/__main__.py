"""Command line: ``python -m app`` / ``assessment-desk``."""

from __future__ import annotations

import argparse
import logging
import os
import sys


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="assessment-desk",
        description="Console for Berke coordinators handling SmartRecruiters assessment orders.",
        epilog="ASSESSMENT_DESK_HOME=FOLDER keeps the settings, data and logs in FOLDER.",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="use the built-in sandbox even when real endpoints are configured",
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="start, show the window, sync once and exit (0 when everything worked)",
    )
    parser.add_argument(
        "--configure",
        action="store_true",
        help="set the real endpoints and store the API keys in the keyring, then exit",
    )
    parser.add_argument(
        "--snapshot",
        metavar="FILE",
        help="open a saved snapshot (*.adsnap) read-only and offline: no network, no keys",
    )
    parser.add_argument(
        "--timings",
        action="store_true",
        help="with --self-test, not --snapshot (which never syncs): print first-frame-ms=N and "
        "first-sync-ms=N (milliseconds since the process started) instead of the verdict, which "
        "goes to stderr",
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    args = parser.parse_args(argv)
    # An empty FILE (a script's variable that came out empty) is no snapshot to open; read as
    # "no --snapshot" it started the live desk, with its keys and network, instead.
    if args.snapshot is not None and not args.snapshot:
        parser.error("--snapshot needs a file: the name given is empty")
    # Combinations that would do only part of what was asked, without a word: refused, exit 2.
    if args.timings and not args.self_test:
        parser.error("--timings goes with --self-test (without it the window stays open)")
    if args.configure and (args.self_test or args.snapshot is not None or args.demo):
        parser.error("--configure runs on its own: start the desk after it")
    if args.snapshot is not None and args.demo:
        parser.error("--snapshot opens a file, offline: --demo does not apply")
    if args.snapshot is not None and args.timings:
        parser.error("--timings times the first sync: a snapshot opens offline and never syncs")
    return args


def main(argv: list[str] | None = None) -> int:
    from app import SERVE_FLAG

    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == [SERVE_FLAG]:  # the demo's services, for a desk that started us
        from app.sandbox.__main__ import main as serve

        return serve([*argv[1:], "--child"])
    args = parse_args(argv)
    if args.version:
        from app import __version__

        print(__version__)
        return 0
    if args.configure:
        return _start(args)
    from app.workflows.heap import end_pause, pause_for_start_up

    pause_for_start_up()  # until start-up is over: see app.workflows.heap
    try:
        return _start(args)
    finally:
        end_pause()  # whatever happened before it: never left off


def _start(args: argparse.Namespace) -> int:
    from app.store.logs import setup_logging

    # The file keeps INFO (what was synced, what failed, tracebacks); the terminal warnings only.
    log_path = setup_logging(
        logging.INFO, console_level=logging.INFO if args.self_test else logging.WARNING
    )
    if args.configure:
        from app.configure import configure_interactively

        return configure_interactively()

    os.environ.setdefault("QT_API", "pyside6")  # qasync must bind to PySide6
    from app.display import display_problem

    problem = display_problem(os.environ)
    if problem is not None:
        if not args.self_test:
            print(f"assessment-desk: {problem}", file=sys.stderr)
            return 2
        # A check needs no screen: the same start, on Qt's offscreen platform.
        logging.getLogger(__name__).info("No display: the self-test runs offscreen.")
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    if args.snapshot is not None:
        from pathlib import Path

        from app.store.snapshot_file import SnapshotError, check_snapshot_path

        try:
            # Before Qt starts: /dev/zero or a FIFO is refused in a sentence, never read.
            check_snapshot_path(Path(args.snapshot))
        except SnapshotError as exc:
            print(f"assessment-desk: {exc}", file=sys.stderr)
            return 2

        from app.ui.application import LaunchOptions, run_app

        # A snapshot needs no settings, keyring or sandbox: it may be opened on any laptop.
        return run_app(
            LaunchOptions(self_test=args.self_test, snapshot=Path(args.snapshot), log_path=log_path)
        )
    from app.ui.application import LaunchOptions, run_app

    return run_app(
        LaunchOptions(
            demo=args.demo,
            self_test=args.self_test,
            timings=args.timings,
            # read by the app, with the first window (keyring only when a profile needs keys)
            read_saved_settings=True,
            log_path=log_path,
        )
    )


if __name__ == "__main__":
    sys.exit(main())
