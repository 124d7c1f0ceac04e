"""Seeded demo data: the same seed always yields the same orders, offers and Berke setup.

Dates are spread backwards from the start of the current day (UTC), so the demo inbox always
looks current, while two runs with one seed on the same day produce identical data.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from app.sandbox.formats import object_id, seeded_uuid, sr_timestamp


def reference_date() -> datetime:
    """Midnight UTC today: recent enough for a realistic inbox, stable for the whole day."""
    now = datetime.now(UTC)
    return datetime(now.year, now.month, now.day, tzinfo=UTC)


# (first names, last names, phone prefix); the first entries of the first pools are the
# names a reviewer looks for when checking non-ASCII handling.
_NAME_POOLS: list[tuple[list[str], list[str], str]] = [
    (
        ["Zoë", "Jürgen", "Lena", "Maximilian", "Sophie"],
        ["Müller", "Schäfer", "Weiß", "Köhler"],
        "+49",
    ),
    (["José", "María", "Lucía", "Álvaro", "Iñigo"], ["Álvarez", "García", "Núñez", "Peña"], "+34"),
    (
        ["Łukasz", "Agnieszka", "Paweł", "Małgorzata"],
        ["Nowak", "Wiśniewski", "Kowalczyk", "Żak"],
        "+48",
    ),
    (["Søren", "Astrid", "Bjørn", "Mette"], ["Ødegaard", "Kjær", "Løvås", "Nørgaard"], "+45"),
    (["Aiko", "Haruto", "Yui", "Kenji"], ["Tanaka", "Sato", "Suzuki", "Watanabe"], "+81"),
    (["Chloé", "Théo", "Anaïs", "François"], ["Dubois", "Lefèvre", "Girard", "Bérenger"], "+33"),
    (["Văn An", "Thị Mai", "Minh", "Hương"], ["Nguyễn", "Trần", "Lê", "Phạm"], "+84"),
    (
        ["Olivia", "James", "Amelia", "Oliver", "Grace"],
        ["Smith", "O'Brien", "Taylor", "Clarke"],
        "+44",
    ),
    (["Priya", "Arjun", "Ananya", "Rohan"], ["Sharma", "Iyer", "Patel", "Reddy"], "+91"),
    (["Chiamaka", "Emeka", "Ngozi", "Tunde"], ["Okafor", "Adeyemi", "Eze", "Balogun"], "+234"),
    (
        ["João", "Beatriz", "Gonçalo", "Inês"],
        ["Gonçalves", "Simões", "Araújo", "Conceição"],
        "+351",
    ),
    (["Ayşe", "Mehmet", "Çağla", "Oğuz"], ["Yılmaz", "Öztürk", "Şahin", "Çelik"], "+90"),
]
_FIXED_FIRST = [
    ("Zoë", "Müller"),
    ("José", "Álvarez"),
    ("Łukasz", "Nowak"),
    ("Søren", "Ødegaard"),
    ("Aiko", "Tanaka"),
    ("Chloé", "Dubois"),
    ("Văn An", "Nguyễn"),
]

_LOCATIONS = [
    {"country": "Germany", "region": "Bavaria", "city": "München"},
    {"country": "Germany", "region": "Berlin", "city": "Berlin"},
    {"country": "Spain", "region": "Community of Madrid", "city": "Madrid"},
    {"country": "Poland", "region": "Lesser Poland", "city": "Kraków"},
    {"country": "Denmark", "region": "Capital Region", "city": "København"},
    {"country": "Japan", "region": "Tokyo", "city": "Tokyo"},
    {"country": "France", "region": "Île-de-France", "city": "Paris"},
    {"country": "United Kingdom", "region": "England", "city": "Manchester"},
    {"country": "United States", "region": "Georgia", "city": "Atlanta"},
    {"country": "Brazil", "region": "São Paulo", "city": "São Paulo"},
    {"country": "Switzerland", "region": "Zürich", "city": "Zürich"},
    {"country": "Sweden", "region": "Skåne", "city": "Malmö"},
]


def _places(country: str, *cities: tuple[str, str]) -> list[dict[str, str]]:
    return [{"country": country, "region": region, "city": city} for city, region in cities]


#: Where people live and companies hire, by country (the phone prefix): a candidate lives in
#: the country of their name and phone, a job is in its company's. Drawn at random from all
#: of them, a +49 candidate lived in København and applied for a German firm's job in Tokyo.
_PLACES: dict[str, list[dict[str, str]]] = {
    "+49": _places("Germany", ("München", "Bavaria"), ("Berlin", "Berlin"), ("Hamburg", "Hamburg")),
    "+34": _places("Spain", ("Madrid", "Community of Madrid"), ("Barcelona", "Catalonia")),
    "+48": _places("Poland", ("Kraków", "Lesser Poland"), ("Warszawa", "Masovia")),
    "+45": _places("Denmark", ("København", "Capital Region"), ("Aarhus", "Central Denmark")),
    "+81": _places("Japan", ("Tokyo", "Tokyo"), ("Osaka", "Osaka")),
    "+33": _places("France", ("Paris", "Île-de-France"), ("Lyon", "Auvergne-Rhône-Alpes")),
    "+84": _places("Vietnam", ("Hà Nội", "Hà Nội"), ("Hồ Chí Minh City", "Hồ Chí Minh City")),
    "+44": _places("United Kingdom", ("Manchester", "England"), ("London", "England")),
    "+91": _places("India", ("Bengaluru", "Karnataka"), ("Mumbai", "Maharashtra")),
    "+234": _places("Nigeria", ("Lagos", "Lagos"), ("Abuja", "Federal Capital Territory")),
    "+351": _places("Portugal", ("Lisboa", "Lisboa"), ("Porto", "Porto")),
    "+90": _places("Türkiye", ("İstanbul", "İstanbul"), ("Ankara", "Ankara")),
}


def _place(prefix: str, drawn: dict[str, str]) -> dict[str, str]:
    """A place in the country of ``prefix``, chosen by the place ``drawn`` from
    ``_LOCATIONS``: drawn as before this table, so that every later draw, and so every seeded
    order, stays as it was."""
    places = _PLACES[prefix]
    return dict(places[_LOCATIONS.index(drawn) % len(places)])


_INDUSTRIES = {
    "it": "Information Technology and Services",
    "retail": "Retail",
    "hospital": "Hospital & Health Care",
    "logistics": "Logistics and Supply Chain",
    "financial": "Financial Services",
    "hospitality": "Hospitality",
    "telecom": "Telecommunications",
}
_FUNCTIONS = {
    "engineering": "Engineering",
    "sales": "Sales",
    "customer_service": "Customer Service",
    "healthcare": "Health Care Provider",
    "operations": "Operations",
    "finance": "Finance",
    "management": "Management",
}
_LEVELS = {
    "internship": "Internship",
    "entry_level": "Entry level",
    "associate": "Associate",
    "mid_senior_level": "Mid-Senior level",
    "director": "Director",
}
# (job title, industry, function, experience level)
_JOBS = [
    ("Backend Engineer (Python)", "it", "engineering", "mid_senior_level"),
    ("Junior QA Analyst", "it", "engineering", "entry_level"),
    ("Inside Sales Representative", "telecom", "sales", "associate"),
    ("Key Account Manager", "financial", "sales", "mid_senior_level"),
    ("Store Manager", "retail", "management", "mid_senior_level"),
    ("Sales Associate – Weekend", "retail", "sales", "entry_level"),
    ("Registered Nurse – ICU", "hospital", "healthcare", "associate"),
    ("Warehouse Team Lead", "logistics", "operations", "associate"),
    ("Forklift Operator", "logistics", "operations", "entry_level"),
    ("Staff Accountant", "financial", "finance", "associate"),
    ("Director of Finance", "financial", "finance", "director"),
    ("Front Desk Agent", "hospitality", "customer_service", "entry_level"),
    ("Call Centre Agent (German speaking)", "telecom", "customer_service", "entry_level"),
    ("Marketing Intern", "retail", "sales", "internship"),
]
_COMPANIES = [
    ("NordwindLogistik", "Nordwind Logistik GmbH"),
    ("IberiaRetail", "Iberia Retail S.A."),
    ("VistulaBank", "Vistula Bank S.A."),
    ("FjordHealth", "Fjord Health ApS"),
    ("SakuraTelecom", "Sakura Telecom K.K."),
    ("MaisonHotels", "Maison Hôtels & Résidences"),
]
_REQUESTORS = [
    ("Hanna", "Becker"),
    ("Diego", "Moreno"),
    ("Katarzyna", "Zielińska"),
    ("Frederik", "Holm"),
    ("Yuki", "Kobayashi"),
    ("Élodie", "Marchand"),
    ("Sam", "Turner"),
]
#: Each company's country (its phone prefix) and its recruiters (of ``_REQUESTORS``): a
#: recruiter works for one company, and calls from its country.
_COMPANY_HOMES: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "NordwindLogistik": ("+49", [("Hanna", "Becker"), ("Sam", "Turner")]),
    "IberiaRetail": ("+34", [("Diego", "Moreno")]),
    "VistulaBank": ("+48", [("Katarzyna", "Zielińska")]),
    "FjordHealth": ("+45", [("Frederik", "Holm")]),
    "SakuraTelecom": ("+81", [("Yuki", "Kobayashi")]),
    "MaisonHotels": ("+33", [("Élodie", "Marchand")]),
}


@dataclass(frozen=True)
class SeedOrder:
    """An order as seeded: the public document plus its status history."""

    document: dict[str, Any]
    status: str
    created: datetime
    updated: datetime


# Letters that Unicode does not decompose into an ASCII letter and accents.
_FOLD = str.maketrans(
    {
        "ł": "l",
        "Ł": "L",
        "ø": "o",
        "Ø": "O",
        "æ": "ae",
        "Æ": "Ae",
        "œ": "oe",
        "Œ": "Oe",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "þ": "th",
        "Þ": "Th",
        "ß": "ss",
        "ı": "i",
    }
)
_ADDRESS_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")


def ascii_fold(text: str) -> str:
    """Spell a name in ASCII for an e-mail address (``Łukasz``, ``Kjær`` -> ``lukasz``, ``kjaer``).

    Only letters, digits and hyphens are kept, so every seeded address is one Berke's
    "well-formed" rule admits (``email_rule``): ``mette.kjær22@…`` once slipped through and
    the sandbox's own Berke refused it.
    """
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD)).lower()
    return "".join(ch for ch in decomposed if ch in _ADDRESS_CHARACTERS)


def seed_offers() -> list[dict[str, Any]]:
    """Berke's catalogue entries on the Marketplace, in every status a partner can meet."""
    reference = reference_date()
    created = sr_timestamp(reference - timedelta(days=400))
    updated = sr_timestamp(reference - timedelta(days=90))

    def offer(
        oid: str,
        catalog_id: str,
        name: str,
        status: str,
        *,
        kind: str,
        price: str | None,
        description: str,
    ) -> dict[str, Any]:
        terms: dict[str, Any] = {"type": kind}
        if price is not None:
            terms["price"] = {"amount": price, "currencyCode": "USD"}
        return {
            "id": oid,
            "catalogId": catalog_id,
            "name": name,
            "description": description,
            "status": status,
            "terms": terms,
            "availability": {
                "expirationDate": None,
                "industries": [],
                "locations": [],
                "companies": "ALL",
                "specialOffer": False,
            },
            "targetMarket": "GLOBAL",
            "createdOn": created,
            "updatedOn": updated,
        }

    return [
        offer(
            "6f1c2b9e-3d4a-4c1e-9a7b-0d2e4f6a8b01",
            "BERKE-FIT",
            "Berke Personality & Job Fit",
            "ACTIVE",
            kind="BEHAVIORAL_ASSESSMENT",
            price="0.00",
            description="Personality and talent assessment matched against the job's "
            "Berke profile.",
        ),
        offer(
            "6f1c2b9e-3d4a-4c1e-9a7b-0d2e4f6a8b02",
            "BERKE-TALENT",
            "Berke Talent (Cognitive)",
            "ACTIVE",
            kind="SKILLS_TEST",
            price="20.00",
            description="Problem solving, verbal and numeric reasoning in 30 minutes.",
        ),
        offer(
            "6f1c2b9e-3d4a-4c1e-9a7b-0d2e4f6a8b03",
            "BERKE-SALES",
            "Berke Sales Fit",
            "UNDER_REVIEW",
            kind="BEHAVIORAL_ASSESSMENT",
            price="25.00",
            description="Fit for consultative and transactional sales roles.",
        ),
        offer(
            "6f1c2b9e-3d4a-4c1e-9a7b-0d2e4f6a8b04",
            "BERKE-LEAD",
            "Berke Leadership",
            "INACTIVE",
            kind="BEHAVIORAL_ASSESSMENT",
            price=None,
            description="Leadership style and team fit for managers.",
        ),
        offer(
            "6f1c2b9e-3d4a-4c1e-9a7b-0d2e4f6a8b05",
            "BERKE-REF",
            "Berke Reference Check",
            "REJECTED",
            kind="REFERENCE_CHECK",
            price="15.00",
            description="Structured reference interviews with two former managers.",
        ),
    ]


def _candidates(rng: random.Random, count: int) -> list[dict[str, Any]]:
    people: list[dict[str, Any]] = []
    for index in range(count):
        pool_first, pool_last, prefix = rng.choice(_NAME_POOLS)
        if index < len(_FIXED_FIRST):
            first, last = _FIXED_FIRST[index]
            prefix = _NAME_POOLS[index][2]
        else:
            first, last = rng.choice(pool_first), rng.choice(pool_last)
        candidate_id = seeded_uuid(rng)
        location = _place(prefix, rng.choice(_LOCATIONS))
        person: dict[str, Any] = {
            "id": candidate_id,
            "uuid": candidate_id,
            "firstName": first,
            "lastName": last,
            "addressLine": f"{location['city']}, {location['country']}",
        }
        if rng.random() > 0.12:
            domain = rng.choice(["example.com", "mail.example.org", "example.net"])
            person["email"] = f"{ascii_fold(first)}.{ascii_fold(last)}{index}@{domain}"
        if rng.random() > 0.2:
            person["phone"] = f"{prefix} {rng.randint(100, 999)} {rng.randint(1000000, 9999999)}"
        people.append(person)
    return people


def _requestor(rng: random.Random, company_id: str) -> dict[str, Any]:
    prefix, recruiters = _COMPANY_HOMES[company_id]
    drawn = rng.choice(_REQUESTORS)  # drawn as before (see ``_place``)
    first, last = recruiters[_REQUESTORS.index(drawn) % len(recruiters)]
    return {
        "firstName": first,
        "lastName": last,
        "email": f"{ascii_fold(first)}.{ascii_fold(last)}@{company_id.lower()}.example.com",
        "phone": f"{prefix} {rng.randint(1000000, 9999999)}",
    }


def _job(rng: random.Random, company_id: str) -> dict[str, Any]:
    title, industry, function, level = rng.choice(_JOBS)
    return {
        "id": str(rng.randint(10**9, 10**10 - 1)),
        "name": title,
        "industry": {"id": industry, "label": _INDUSTRIES[industry]},
        "function": {"id": function, "label": _FUNCTIONS[function]},
        "experienceLevel": {"id": level, "label": _LEVELS[level]},
        "location": _place(_COMPANY_HOMES[company_id][0], rng.choice(_LOCATIONS)),
    }


def _statuses(rng: random.Random, count: int) -> list[str]:
    """Exact shares, shuffled: at least half NEW for any count, the rest spread over the others."""
    others = {
        "IN_PROGRESS": round(count * 0.2),
        "COMPLETED": round(count * 0.13),
        "REJECTED": round(count * 0.12),
    }
    statuses = [s for s, n in others.items() for _ in range(n)]
    statuses += ["NEW"] * (count - len(statuses))
    rng.shuffle(statuses)
    return statuses


def seed_orders(seed: int, count: int, offers: list[dict[str, Any]]) -> list[SeedOrder]:
    """``count`` orders over the 60 days before the reference date; some candidates recur."""
    rng = random.Random(seed)
    reference = reference_date()
    people = _candidates(rng, max(1, (count * 3) // 4))
    orderable = [o for o in offers if o["status"] == "ACTIVE"]
    orders: list[SeedOrder] = []
    for status in _statuses(rng, count):
        company_id, company_name = rng.choice(_COMPANIES)
        created = reference - timedelta(
            seconds=rng.randint(0, 60 * 24 * 3600), milliseconds=rng.randint(0, 999)
        )
        updated = created
        if status != "NEW":
            updated = min(reference, created + timedelta(minutes=rng.randint(5, 7 * 24 * 60)))
        offer = rng.choice(orderable)
        document = {
            "id": seeded_uuid(rng),
            "requestor": _requestor(rng, company_id),
            "candidate": dict(rng.choice(people)),
            "job": _job(rng, company_id),
            "company": {"id": company_id, "name": company_name},
            "offer": {"catalogId": offer["catalogId"], "name": offer["name"]},
        }
        orders.append(SeedOrder(document, status, created, updated))
    return orders


def seed_result(rng: random.Random, created: datetime) -> dict[str, Any]:
    """The result a completed seeded order carries."""
    score = rng.randint(35, 98)
    return {
        "id": object_id(rng),
        "createDate": sr_timestamp(created),
        "title": "Berke Job Fit",
        "description": f"<p>Job fit: <strong>{'High' if score >= 70 else 'Medium'}</strong></p>",
        "passed": score >= 60,
        "score": f"{score}/100",
        "resultType": "DOCUMENT",
        "result": "report.pdf",
        "author": {"firstName": "Berke", "lastName": "Assessment", "email": "", "phone": ""},
    }


# Berke account setup: reference data, the same for every seed.
BERKE_JOBS: list[dict[str, Any]] = [
    {
        "sourceJobId": sid,
        "name": name,
        "length": length,
        "lengthSeconds": seconds,
        "matchEnabled": match,
        "createdOn": created,
        "updatedOn": updated,
    }
    for sid, name, length, seconds, match, created, updated in [
        (
            "SW-ENG",
            "Software Engineer",
            "00:45:00",
            2700,
            True,
            "2023-02-14T10:00:00Z",
            "2025-03-01T08:30:00Z",
        ),
        (
            "SALES-REP",
            "Sales Representative",
            "00:35:00",
            2100,
            True,
            "2023-02-14T10:00:00Z",
            "2024-11-20T14:12:00Z",
        ),
        (
            "CUST-SVC",
            "Customer Service Agent",
            "00:30:00",
            1800,
            True,
            "2023-05-02T09:15:00Z",
            "2024-09-09T09:15:00Z",
        ),
        (
            "NURSE-RN",
            "Registered Nurse",
            "00:40:00",
            2400,
            True,
            "2023-07-21T12:00:00Z",
            "2025-01-10T16:45:00Z",
        ),
        (
            "WAREHOUSE",
            "Warehouse Associate",
            "00:25:00",
            1500,
            False,
            "2023-08-30T07:00:00Z",
            "2023-08-30T07:00:00Z",
        ),
        (
            "ACCOUNTANT",
            "Staff Accountant",
            "00:45:00",
            2700,
            True,
            "2024-01-08T11:20:00Z",
            "2024-06-18T10:05:00Z",
        ),
        (
            "STORE-MGR",
            "Retail Store Manager",
            "00:50:00",
            3000,
            True,
            "2024-03-12T13:40:00Z",
            "2025-02-27T15:00:00Z",
        ),
        (
            "HOTEL-FD",
            "Hotel Front Desk",
            "00:30:00",
            1800,
            False,
            "2024-04-02T08:00:00Z",
            "2024-04-02T08:00:00Z",
        ),
    ]
]
BERKE_DEFAULT_JOB = "SW-ENG"
# department id -> enabled
BERKE_DEPARTMENTS = {"HQ": True, "EMEA": True, "APAC": True, "AMERICAS": True, "LEGACY": False}
# username -> active
BERKE_USERS = {"coordinator": True, "manager": True, "former.coordinator": False}
