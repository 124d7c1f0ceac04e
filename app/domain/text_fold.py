"""Text folded for comparing and searching names: case- and accent-insensitive, so that
"muller" finds "Müller", "Zoë" sorts by Zoe, and two orders' "José Núñez" and "Jose Nunez"
are one name; or case-insensitive only (``fold_case``), so that "AYŞE KILIÇ" is "Ayşe Kılıç"
and "Hưng" is still not "Hùng". Either way without the characters that are not drawn
(``visible``): "Ste\u00adfan Weber" is "Stefan Weber"."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

#: Characters drawn as nothing (Unicode's default-ignorable ones, all but a few): a soft hyphen,
#: the zero-width space, joiner and word joiner, the byte-order mark, the combining grapheme
#: joiner, direction marks and embeddings, variation selectors, tags. Pasted or typed into a
#: name, they left it as it reads but not as it was compared: "Ste\u00adfan" was not found by
#: "stefan", and the same person, same email, under a second id was taken for another. Not the
#: zero-width non-joiner (U+200C): it is written in Persian words, where it separates two of
#: their parts; nor the Hangul fillers and Khmer inherent vowels, letters of their scripts.
_NOT_DRAWN = str.maketrans(
    dict.fromkeys(
        [
            *(0x00AD, 0x034F, 0x061C, 0x180B, 0x180C, 0x180D, 0x180F, 0x200B, 0x200D, 0x200E),
            *(0x200F, *range(0x202A, 0x202F), *range(0x2060, 0x2065), *range(0x2066, 0x2070)),
            *(0xFEFF, *range(0xFE00, 0xFE10), 0xE0001, *range(0xE0020, 0xE0080)),
            *range(0xE0100, 0xE01F0),
        ]
    )
)
_NOT_DRAWN_CHARACTERS = frozenset(map(chr, _NOT_DRAWN))


def visible(text: str) -> str:
    """``text`` without the characters that are not drawn (``_NOT_DRAWN``): what the folds
    compare, so that two names that read the same are one."""
    # Looked for first: names hardly ever hold one, and the look costs a fifth of translating
    # (0.15 µs a name against 0.85: a translation table's every miss raises a KeyError).
    if text.isascii() or _NOT_DRAWN_CHARACTERS.isdisjoint(text):
        return text
    return text.translate(_NOT_DRAWN)


def fold_case(text: str) -> str:
    """Case-insensitive form with the accents kept, in either Unicode form: what two names or
    job names are compared by "case aside".

    ``str.casefold`` is not Turkish-aware: "KILIÇ" folds to "kiliç" (I to i) but "Kılıç" to
    "kılıç", and "İ" to "i" plus a combining dot above. The desk cannot tell a Turkish "I"
    (the capital of "ı") from any other, so "ı" is taken as "i", as ``fold`` takes it, and the
    dot "İ" leaves is dropped: every way of writing the letter meets at "i".
    """
    if text.isascii():
        return text.lower()
    # Before the normalization: a combining grapheme joiner kept "e\u034f\u0301" from "é".
    folded = unicodedata.normalize("NFD", visible(text)).casefold()
    folded = folded.replace("ı", "i").replace("i\u0307", "i")
    return unicodedata.normalize("NFC", folded)


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
    decomposed = unicodedata.normalize(
        "NFKD", unicodedata.normalize("NFKD", visible(run)).casefold()
    )
    unmarked = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unmarked.translate(_NO_MARK_TO_DROP)


# Letters with no decomposition to drop a mark from, which casefolding leaves as they are, so an
# ASCII keyboard never found them: "Łucja" folded to "łucja", and "lucja" found no one. Each is
# spelled as such names are on an ASCII keyboard (passports and email addresses too). Turkish
# "ı": its capital "I" folds to "i", and "İ" loses its dot to "i" already, so every way of
# typing the letter meets at "i".
_NO_MARK_TO_DROP = str.maketrans(
    {"ı": "i", "ł": "l", "ø": "o", "đ": "d", "ð": "d", "ħ": "h", "ŧ": "t"}
    | {"æ": "ae", "œ": "oe", "þ": "th"}
)


#: ``fold`` of a name, kept: names, jobs and companies repeat across orders, and the inbox folds
#: each to search it (``order_search``) and again to sort by it.
folded_name = lru_cache(maxsize=65536)(fold)


def sort_text(text: str) -> str:
    """A name's sort key: accent-free first so Émile sits among the Es and Şahin among the Ss;
    the full form breaks ties deterministically."""
    if text.isascii():
        # Its fold and its full form are both its lower case, which alone sorts among the
        # other keys as "fold\0full" would (a key that is the start of another sorts first,
        # as "\0" sorts before any letter): the inbox's first sort by name, 100,000 orders
        # half of them ASCII, took 30 ms more with the full key.
        return text.lower()
    return f"{folded_name(text)}\0{text.casefold()}"
