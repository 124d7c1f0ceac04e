"""Names folded for search and sort: case and accents aside, at no start-up cost."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from app.domain.text_fold import fold, fold_case, sort_text

#: Characters drawn as nothing, as they come in names: soft hyphen, combining grapheme joiner,
#: zero-width space, zero-width joiner, word joiner, byte-order mark, left-to-right mark.
NOT_DRAWN = ["\u00ad", "\u034f", "\u200b", "\u200d", "\u2060", "\ufeff", "\u200e"]


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Müller", "muller"),
        ("Zoë", "zoe"),
        ("José Núñez", "jose nunez"),
        ("STRAßE", "strasse"),  # casefold: ß is ss
        ("ᴬnna", "anna"),  # decomposed before and after casefolding
        ("Łukasz", "lukasz"),  # no mark to drop (a letter of its own): typed as an L
        ("ŁUCJA Wałęsa", "lucja walesa"),
        ("Søren Ærø", "soren aero"),  # Danish and Norwegian
        ("Đorđe", "dorde"),  # Serbian, Croatian
        ("Guðrún Þórsdóttir", "gudrun thorsdottir"),  # Icelandic
        ("Œuvre", "oeuvre"),
        ("Işık", "isik"),  # Turkish: the dotless ı is an i, however typed
        ("ışık", "isik"),
        ("IŞIK", "isik"),
        ("İstanbul", "istanbul"),  # the dotted capital İ too
        ("李王", "李王"),
        ("a\U0001d167b", "ab"),  # a combining mark beyond the Basic Multilingual Plane
        ("plain ascii", "plain ascii"),
    ],
)
def test_case_and_accents_are_set_aside(text: str, folded: str) -> None:
    assert fold(text) == folded


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("AYŞE KILIÇ", "ayşe kiliç"),  # Turkish: every way of typing ı or İ meets at i
        ("Ayşe Kılıç", "ayşe kiliç"),
        ("İSMAİL", "ismail"),
        ("I\u0307SMAI\u0307L", "ismail"),  # "İSMAİL" decomposed
        ("i\u0307smail", "ismail"),  # "İsmail".lower(): a dot above left
        ("JOSÉ NÚÑEZ", "josé núñez"),  # accents kept
        ("Jose\u0301", "josé"),  # in either Unicode form
        ("Hưng", "hưng"),
        ("STRAßE", "strasse"),
        ("plain ASCII", "plain ascii"),
    ],
)
def test_case_alone_is_set_aside(text: str, folded: str) -> None:
    assert fold_case(text) == folded


@pytest.mark.parametrize("mark", NOT_DRAWN, ids=lambda m: f"U+{ord(m):04X}")
def test_a_character_not_drawn_is_set_aside(mark: str) -> None:
    """ "Ste\u00adfan Weber" is drawn "Stefan Weber", but "stefan" did not find it (inbox,
    Candidates tab, palette), and the same person's second order under another id was
    another candidate, given a second assessment."""
    assert fold(f"Ste{mark}fan Wéber") == "stefan weber"
    assert fold_case(f"Ste{mark}fan Wéber") == "stefan wéber"
    assert fold_case(f"Ste{mark}fan Weber") == fold_case("Stefan Weber")


def test_only_what_is_not_drawn_is_set_aside() -> None:
    """The combining grapheme joiner kept "e" and its acute from being composed to "é". A
    look-alike in another script is another name, and the zero-width non-joiner is part of
    how a Persian name is written: neither is set aside."""
    assert fold_case("Jose\u034f\u0301") == fold_case("José") == "josé"
    assert fold("\u0410na") != fold("Ana")  # Cyrillic А
    assert fold_case("\u0410na") != fold_case("Ana")
    persian = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u062f"
    assert "\u200c" in fold(persian)
    assert "\u200c" in fold_case(persian)


def test_an_ascii_names_short_sort_key_sorts_as_the_full_one() -> None:
    """An ASCII name's key is its lower case alone (the inbox's first sort by name is 30 ms
    quicker for 100,000 orders): among accented names it sorts as "fold\0full" would."""
    names = ["Zoë", "zoe", "Ana", "ana", "Ána", "anab", "Anaïs", "ANA B", "Émile", "Emile",
             "Emil", "Işık", "isik", "ısı", "Şahin", "Sahin", "Sahi", "ab", "a"]  # fmt: skip
    assert sorted(names, key=sort_text) == sorted(names, key=lambda n: f"{fold(n)}\0{n.casefold()}")


def test_the_first_name_with_an_accent_looks_at_its_own_letters_only() -> None:
    """A table of every combining mark, built on the first accent, scanned 64,768 code points
    (7 ms, on the GUI thread, in a sync's first page). A fresh interpreter: the first fold of
    the process is the one in question."""
    probe = """
import unicodedata
looked_at = []
combining = unicodedata.combining
unicodedata.combining = lambda c: looked_at.append(c) or combining(c)
from app.domain.text_fold import fold, fold_case, sort_text

#: Characters drawn as nothing, as they come in names: soft hyphen, combining grapheme joiner,
#: zero-width space, zero-width joiner, word joiner, byte-order mark, left-to-right mark.
NOT_DRAWN = ["\u00ad", "\u034f", "\u200b", "\u200d", "\u2060", "\ufeff", "\u200e"]
assert fold("Zoë Müller") == "zoe muller"
print(len(looked_at))
"""
    root = Path(__file__).resolve().parents[2]
    ran = subprocess.run(
        [sys.executable, "-c", probe], cwd=root, capture_output=True, text=True, check=True
    )
    assert int(ran.stdout) <= 4  # "e", its diaeresis, "u", its diaeresis
