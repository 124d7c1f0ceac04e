"""check_assessment_url and accept_check: the sentences a coordinator sees about Berke's
assessment URL, and what each lets Accept do."""

from __future__ import annotations

import pytest

from app.domain.assessment_url import (
    Weight,
    accept_check,
    check_assessment_url,
    ends_with_code,
    url_prefix,
)

CODE = "K7QX2M9P"


def test_https_url_ending_with_the_code_is_fine() -> None:
    url = f"https://site.berkeassessment.com/start/{CODE}"
    assert check_assessment_url(url, CODE, allow_http_loopback=False) == []


@pytest.mark.parametrize(
    "url",
    [f"https://site.example/start/{CODE}/", f"https://x.test/?c={CODE}", f"https://x.test/#{CODE}"],
)
def test_trailing_slash_query_value_or_fragment_still_ends_with_the_code(url: str) -> None:
    assert check_assessment_url(url, CODE, allow_http_loopback=False) == []
    assert ends_with_code(url, CODE)
    assert not ends_with_code(url.replace(CODE, "X" + CODE), CODE)


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


# -- what a problem means for Accept ---------------------------------------------------------
# The preview flagged these and Accept sent them all the same (and the Accept dialog, opened
# without the preview, never checked): a deceptive or unencrypted link went to SmartRecruiters
# and the candidate portal.


@pytest.mark.parametrize(
    ("url", "code"),
    [
        (f"https://assess.berke.com@evil.example/start/{CODE}", CODE),
        (f"https://user:pw@site.berkeassessment.com/start/{CODE}", CODE),
        ("https://site.berkeassessment.com/start/\u202e" + CODE, "\u202e" + CODE),
        (f"https://site.berke\u200bassessment.com/start/{CODE}", CODE),
        (f"https://site.berkeassessment.com/start/{CODE}", "K7QX\u200b2M9P"),  # in the code alone
        (f"https://site.berkeassessment.com/start\u00a0here/{CODE}", CODE),  # a no-break space
        (f"https://site.berkeassessment.com/start here/{CODE}", CODE),
        (f"ftp://x.test/{CODE}", CODE),
        ("https://[oops/start/" + CODE, CODE),
        ("  ", CODE),
    ],
    ids=[
        "site-before-@",
        "credentials",
        "rtl-mark",
        "zero-width",
        "zero-width-in-code",
        "no-break-space",
        "space",
        "ftp",
        "bracket",
        "empty",
    ],
)
def test_a_link_that_opens_elsewhere_or_hides_characters_is_refused(url: str, code: str) -> None:
    check = accept_check(url, code, allow_http_loopback=True)
    assert check.refused
    assert check.refusal is not None
    assert check.refusal.startswith("Accept is refused")
    assert not check.needs_acknowledgement
    assert not check.allows(acknowledged=False)
    assert not check.allows(acknowledged=True)  # no box ticked sends it
    assert check.texts == check_assessment_url(url, code, allow_http_loopback=True)


@pytest.mark.parametrize(
    "url",
    [
        f"http://site.berkeassessment.com/start/{CODE}",
        f"http://127.0.0.1:8123/start/{CODE}",  # loopback, but not allowed here
        f"https://site.b\u0435rkeassessment.com/start/{CODE}",
        f"https://site.berkeassessment.com/start/X{CODE}",
    ],
    ids=["plain-http", "loopback-not-allowed", "lookalike-letter", "other-code"],
)
def test_a_lesser_problem_is_sent_only_once_acknowledged(url: str) -> None:
    check = accept_check(url, CODE, allow_http_loopback=False)
    assert check.problems
    assert not check.refused
    assert check.refusal is None
    assert check.needs_acknowledgement
    assert not check.allows(acknowledged=False)
    assert check.allows(acknowledged=True)
    assert all(problem.weight is Weight.CONFIRM for problem in check.problems)


def test_one_refusing_problem_refuses_whatever_else_is_wrong() -> None:
    check = accept_check(
        f"http://assess.berke.com@evil.example/start/{CODE}", CODE, allow_http_loopback=False
    )
    assert {problem.weight for problem in check.problems} == {Weight.REFUSE, Weight.CONFIRM}
    assert check.refused
    assert not check.allows(acknowledged=True)


@pytest.mark.parametrize(
    ("url", "loopback"),
    [(f"https://site.berkeassessment.com/start/{CODE}", False),
     (f"http://127.0.0.1:8123/start/{CODE}", True)],
)  # fmt: skip
def test_a_url_that_is_fine_is_sent_without_a_question(url: str, loopback: bool) -> None:
    check = accept_check(url, CODE, allow_http_loopback=loopback)
    assert check.problems == ()
    assert not check.needs_acknowledgement
    assert check.allows(acknowledged=False)


def test_a_long_site_after_the_at_is_cut_in_the_sentence() -> None:
    """A sentence wraps only between words: the whole 1,900-character name made the Accept
    dialog 14,000 px wide."""
    host = "e" * 1900 + ".example"
    (problem,) = check_assessment_url(
        f"https://assess.berke.com@{host}/start/{CODE}", CODE, allow_http_loopback=False
    )
    assert problem.endswith("eee….")
    assert len(problem) < 200
