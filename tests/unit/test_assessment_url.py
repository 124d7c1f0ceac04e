"""check_assessment_url: the sentences a coordinator sees about Berke's assessment URL."""

from __future__ import annotations

import pytest

from app.domain.assessment_url import check_assessment_url, url_prefix

CODE = "K7QX2M9P"


def test_https_url_ending_with_the_code_is_fine() -> None:
    url = f"https://site.berkeassessment.com/start/{CODE}"
    assert check_assessment_url(url, CODE, allow_http_loopback=False) == []


@pytest.mark.parametrize(
    "url", [f"https://site.example/start/{CODE}/", f"https://x.test/?c={CODE}"]
)
def test_trailing_slash_or_query_value_still_ends_with_the_code(url: str) -> None:
    assert check_assessment_url(url, CODE, allow_http_loopback=False) == []


@pytest.mark.parametrize("host", ["127.0.0.1:8123", "localhost:8123", "[::1]:8123", "127.5.6.7"])
def test_http_on_loopback_is_fine_for_the_sandbox(host: str) -> None:
    url = f"http://{host}/berke/start/{CODE}"
    assert check_assessment_url(url, CODE, allow_http_loopback=True) == []


def test_http_on_loopback_is_flagged_when_not_allowed() -> None:
    problems = check_assessment_url(
        f"http://127.0.0.1:8123/berke/start/{CODE}", CODE, allow_http_loopback=False
    )
    assert len(problems) == 1
    assert "https://" in problems[0]


@pytest.mark.parametrize("host", ["site.berkeassessment.com", "10.0.0.5", "localhost.evil.test"])
def test_http_elsewhere_is_flagged_even_when_loopback_is_allowed(host: str) -> None:
    problems = check_assessment_url(f"http://{host}/start/{CODE}", CODE, allow_http_loopback=True)
    assert problems == [
        "The assessment URL starts with http://, not https://: the candidate's connection "
        "would not be encrypted."
    ]


@pytest.mark.parametrize(
    "url", [f"/start/{CODE}", f"site.berkeassessment.com/start/{CODE}", f"ftp://x.test/{CODE}"]
)
def test_relative_or_non_web_url_is_flagged(url: str) -> None:
    problems = check_assessment_url(url, CODE, allow_http_loopback=True)
    assert any("full web address" in p for p in problems)


@pytest.mark.parametrize(
    "url",
    [
        "https://site.berkeassessment.com/start/OTHER123",
        f"https://site.berkeassessment.com/start/{CODE}/extra",
        f"https://site.berkeassessment.com/start/X{CODE}",
        f"https://site.berkeassessment.com/start/{CODE.lower()}",
    ],
)
def test_url_not_ending_with_the_code_is_flagged(url: str) -> None:
    problems = check_assessment_url(url, CODE, allow_http_loopback=False)
    assert len(problems) == 1
    assert CODE in problems[0]
    assert "does not end with the invitation code" in problems[0]


def test_every_problem_is_reported_at_once() -> None:
    problems = check_assessment_url(
        "http://site.example/start/NOPE", CODE, allow_http_loopback=True
    )
    assert len(problems) == 2


def test_empty_url_says_so() -> None:
    assert check_assessment_url("  ", CODE, allow_http_loopback=True) == [
        "The assessment URL is empty."
    ]


def test_url_with_spaces_is_flagged() -> None:
    problems = check_assessment_url(
        f"https://site.example/start here/{CODE}", CODE, allow_http_loopback=False
    )
    assert problems == ["The assessment URL contains spaces."]


def test_problems_are_sentences() -> None:
    problems = check_assessment_url("ftp://x/NOPE", CODE, allow_http_loopback=False)
    assert problems
    assert all(p[0].isupper() and p.endswith(".") for p in problems)


@pytest.mark.parametrize(
    ("url", "prefix"),
    [
        ("https://berke.test/start/ABC123", "https://berke.test/start/"),
        ("https://berke.test/start/ABC123/", "https://berke.test/start/"),
        ("https://berke.test/start?code=ABC123", "https://berke.test/start?code="),
    ],
)
def test_the_url_prefix_makes_another_codes_url(url: str, prefix: str) -> None:
    """Before: "…/start/ABC123/" gave "…/start/A", and an assessment recovered from Berke's
    status (which has no URL) was given "…/start/AXYZ789"."""
    assert url_prefix(url, "ABC123") == prefix
