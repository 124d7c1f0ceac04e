"""Every benchmark's command line starts the same way: its docstring's first paragraph as the
description. Light on purpose (argparse alone): ``floor_sync.py`` times a first frame and must
not load ``bench.common``'s httpx before it."""

from __future__ import annotations

import argparse


def bench_parser(doc: str | None) -> argparse.ArgumentParser:
    """A parser described by ``doc``'s first paragraph: what the bench measures, whole. Its
    first line alone cut a sentence off; the whole docstring ran its usage line and its
    paragraphs together into one block."""
    first = (doc or "").strip().split("\n\n", 1)[0]
    return argparse.ArgumentParser(description=first)
