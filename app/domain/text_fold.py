"""Text folded for comparing and searching names: case- and accent-insensitive, so that
"muller" finds "Müller", "Zoë" sorts by Zoe, and two orders' "José Núñez" and "Jose Nunez"
are one name."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache


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
    # Marks dropped one by one: a pattern of every combining mark cost the first non-ASCII
    # name 7 ms to build (scanning 64,768 code points), in a sync's first page on the GUI
    # thread, and saved only 0.6 µs a run (runs repeat, and are cached).
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", run).casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))
