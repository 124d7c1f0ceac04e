"""Mutation-audit pin for ``require_secure_base_url``'s "?" / "#" rule (app/domain/urls.py):
the refusal names the first mark, the one to remove with all after it."""

from __future__ import annotations

import re

import pytest

from app.clients.errors import Service
from app.domain.urls import require_secure_base_url


@pytest.mark.parametrize(
    ("address", "mark"),
    [("https://site.berkeassessment.com/api?lang=en#top", "?"),
     ("https://site.berkeassessment.com/api#top?x", "#")],
)  # fmt: skip
def test_an_address_with_a_query_and_a_fragment_names_the_first_mark_to_remove(
    address: str, mark: str
) -> None:
    """Told to remove the "#" and what follows, the coordinator kept the "?lang=en", and was
    refused again: the way out is the first mark, which takes the other with it."""
    with pytest.raises(ValueError, match=re.escape(f"remove the “{mark}” and anything after it")):
        require_secure_base_url(address, Service.BERKE)
