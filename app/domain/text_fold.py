"""Text folded for comparing and searching names: case- and accent-insensitive, so that
"muller" finds "Müller", "Zoë" sorts by Zoe, and two orders' "José Núñez" and "Jose Nunez"
are one name."""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

from app.domain.consecutive import consecutive_runs


@cache
def _combining_marks() -> re.Pattern[str]:
    """Every combining mark of the Basic Multilingual Plane, as one character class."""
    marks = [c for c in range(0x300, 0x10000) if unicodedata.combining(chr(c))]
    ranges = consecutive_runs(marks)
    spans = "".join(f"\\u{a:04x}-\\u{b:04x}" if a != b else f"\\u{a:04x}" for a, b in ranges)
    return re.compile(f"[{spans}]")


def fold(text: str) -> str:
    """Case- and accent-insensitive form, so that "muller" finds "Müller" and "Zoë" sorts by Zoe.

    Coordinators type names on whatever keyboard they have; an ASCII spelling must still match.
    Only the runs of other characters are decomposed, each once (names repeat): every row of
    a 100,000-order snapshot is folded to search it, mostly ASCII around a name.
    """
    if text.isascii():
        return text.lower()
    return _NOT_ASCII.sub(_folded_run, text.casefold())


_NOT_ASCII = re.compile(r"[^\x00-\x7f]+")


def _folded_run(match: re.Match[str]) -> str:
    return _fold_run(match.group())


@lru_cache(maxsize=16384)
def _fold_run(run: str) -> str:
    # Unicode's caseless match, NFKD(casefold(NFKD(text))): "ᴬ" decomposes to a capital A.
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", run).casefold())
    if max(decomposed) > "\uffff":  # rare: marks beyond the pattern's plane
        return "".join(c for c in decomposed if not unicodedata.combining(c))
    return _combining_marks().sub("", decomposed)
