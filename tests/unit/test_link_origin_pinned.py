"""Pins for ``app.domain.link_origin.found_in_berke``: an order with no link is not "found in
Berke", nor one whose reuse leads back to an order with none; and reuses that lead round in a
circle (two orders each linked from the other, an old journal's mix-up) end, saying no."""

from __future__ import annotations

import threading

from app.domain.link_origin import LinkOrigin, found_in_berke
from tests.waits import HANG_GUARD_SECONDS


def test_an_order_with_no_link_was_not_found_in_berke() -> None:
    none: dict[str, LinkOrigin] = {}
    assert not found_in_berke("o-1", none.get)


def test_a_reuse_of_an_order_with_no_link_was_not_found_in_berke() -> None:
    origins = {"o-2": LinkOrigin(from_order_id="o-1")}
    assert not found_in_berke("o-2", origins.get)


def test_reuses_that_go_round_in_a_circle_end_and_say_not_found() -> None:
    origins = {
        "o-1": LinkOrigin(from_order_id="o-2"),
        "o-2": LinkOrigin(from_order_id="o-3"),
        "o-3": LinkOrigin(from_order_id="o-1"),
    }
    answer: list[bool] = []
    worker = threading.Thread(target=lambda: answer.append(found_in_berke("o-1", origins.get)))
    worker.daemon = True
    worker.start()
    worker.join(timeout=HANG_GUARD_SECONDS)  # a loop that never ends is not waited on for good
    assert not worker.is_alive(), "the reuses went round the circle for good"
    assert answer == [False]


def test_a_circle_reached_after_an_order_found_in_berke_still_says_found() -> None:
    origins = {
        "o-1": LinkOrigin(from_order_id="o-2"),
        "o-2": LinkOrigin(from_elsewhere=True),
    }
    assert found_in_berke("o-1", origins.get)
