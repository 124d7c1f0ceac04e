"""Month names in the desk's English words, whatever language the system speaks.

On Unix, QCoreApplication calls ``setlocale(LC_ALL, "")`` (Qt's documented behaviour), so once
the window existed Python's ``strftime("%b")`` wrote the month in the desk's system language:
a Turkish coordinator read "Complete 7 Ara" in the Berke column of an all-English table, and
"… on 07 Ara" in the pacing bar, the connection test, the cooldown question and Berke's
daily-limit error. These tests set the time locale as Qt does; a tr_TR locale is built with
``localedef`` when none is installed.
"""

from __future__ import annotations

import locale
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.domain.date_words import MONTHS, day_and_month, month_name, time_on_day
from app.domain.service_time import local_time
from app.views.inbox_columns import berke_cell
from app.workflows.refusals import CooldownError

ENGLISH = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


@pytest.mark.parametrize("month", range(1, 13))
def test_each_month_is_said_in_english(month: int) -> None:
    value = datetime(2026, month, 7, 14, 5, tzinfo=UTC)
    assert month_name(value) == ENGLISH[month - 1]
    assert day_and_month(value) == f"7 {ENGLISH[month - 1]}"
    assert time_on_day(value) == f"14:05 on 07 {ENGLISH[month - 1]}"
    assert list(MONTHS) == ENGLISH


@pytest.fixture
def turkish_time_locale(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    saved_env = os.environ.get("LOCPATH")
    saved = locale.setlocale(locale.LC_TIME)
    try:
        try:
            locale.setlocale(locale.LC_TIME, "tr_TR.UTF-8")
        except locale.Error:
            if shutil.which("localedef") is None:
                pytest.skip("no tr_TR locale and no localedef to build one")
            where: Path = tmp_path_factory.mktemp("locales")
            subprocess.run(
                ["localedef", "-i", "tr_TR", "-f", "UTF-8", str(where / "tr_TR.UTF-8")],
                check=False, capture_output=True,
            )  # fmt: skip
            os.environ["LOCPATH"] = str(where)
            try:
                locale.setlocale(locale.LC_TIME, "tr_TR.UTF-8")
            except locale.Error:
                pytest.skip("the tr_TR locale cannot be built here")
        yield
    finally:
        locale.setlocale(locale.LC_TIME, saved)
        if saved_env is None:
            os.environ.pop("LOCPATH", None)
        else:
            os.environ["LOCPATH"] = saved_env


DECEMBER = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


def test_the_berke_column_says_the_month_in_english_under_a_turkish_locale(
    turkish_time_locale: None,
) -> None:
    cell = berke_cell(f"Complete · {DECEMBER.isoformat()}")
    assert cell.endswith(" Dec"), f"the English table shows {cell!r}"


def test_a_sentence_says_the_month_in_english_under_a_turkish_locale(
    turkish_time_locale: None,
) -> None:
    said = str(CooldownError(DECEMBER, DECEMBER))
    when = f"{local_time(DECEMBER):%H:%M on %d} Dec"
    assert said.count(when) == 2, said


def test_no_date_is_written_in_the_system_language() -> None:
    """strftime's names ("%a", "%b", "%p", "%c", "%x"…) follow the locale Qt sets; the desk
    writes English. Numbers ("%d", "%H") are the same in every locale."""
    root = Path(__file__).resolve().parents[2] / "app"
    by_locale = re.compile(r"%[aAbBhcpxX]")
    found = [
        f"{path.relative_to(root)}:{number}: {line.strip()}"
        for path in root.rglob("*.py")
        if path.name != "date_words.py"  # it says what it replaces
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if by_locale.search(line)
    ]
    assert found == []
