"""The demo's seeded orders read as real ones would: a candidate lives in the country of
their phone, a job is in its company's country, and a recruiter works for one company."""

from __future__ import annotations

import pytest

from app.sandbox.data import seed_offers, seed_orders

#: Phone prefixes and the country each one is.
COUNTRY_OF = {
    "+49": "Germany", "+34": "Spain", "+48": "Poland", "+45": "Denmark", "+81": "Japan",
    "+33": "France", "+84": "Vietnam", "+44": "United Kingdom", "+91": "India",
    "+234": "Nigeria", "+351": "Portugal", "+90": "Türkiye",
}  # fmt: skip


@pytest.mark.parametrize("seed", [1, 2, 42])
def test_a_demo_order_keeps_its_people_and_places_in_their_countries(seed: int) -> None:
    """Drawn at random from every place, a +49 candidate lived in København and applied to a
    German firm's job in Tokyo, through a recruiter calling from a +1 number."""
    companies: dict[str, set[str]] = {}
    recruiters: dict[str, set[str]] = {}
    for order in seed_orders(seed, 500, seed_offers()):
        document = order.document
        candidate, job, requestor = document["candidate"], document["job"], document["requestor"]
        company = document["company"]["id"]
        if "phone" in candidate:
            prefix = candidate["phone"].split()[0]
            assert candidate["addressLine"].endswith(f", {COUNTRY_OF[prefix]}"), candidate
        recruiter_country = COUNTRY_OF[requestor["phone"].split()[0]]
        assert job["location"]["country"] == recruiter_country, (company, job["location"])
        companies.setdefault(company, set()).add(recruiter_country)
        recruiters.setdefault(requestor["email"], set()).add(company)
    assert all(len(countries) == 1 for countries in companies.values()), companies
    assert all(len(each) == 1 for each in recruiters.values()), recruiters
    assert len(companies) > 1
