"""The Marketplace configuration shapes: the five documented ids, entries as read, and the rules
a value meets before it is sent."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from app.domain.field_errors import field_errors
from app.domain.marketplace_config import (
    CONFIG_INFO,
    MarketplaceConfig,
    MarketplaceConfigId,
    MarketplaceConfigUpdate,
    config_values,
)


def test_the_ids_are_the_references_in_its_order_and_spelling() -> None:
    assert [i.value for i in MarketplaceConfigId] == [
        "assessmentNotificationUrl",
        "resultURL",
        "resultHeader",
        "inlineAssessmentOrderUrl",
        "inlineAssessmentOrderHeader",
    ]
    assert set(CONFIG_INFO) == set(MarketplaceConfigId)
    assert [i for i in MarketplaceConfigId if i.is_url] == [
        MarketplaceConfigId.ASSESSMENT_NOTIFICATION_URL,
        MarketplaceConfigId.RESULT_URL,
        MarketplaceConfigId.INLINE_ASSESSMENT_ORDER_URL,
    ]
    assert all("development" in CONFIG_INFO[i].help for i in MarketplaceConfigId if i.is_inline)


def test_entries_keep_unknown_ids_and_show_any_value_as_text() -> None:
    entries = [
        MarketplaceConfig.model_validate({"id": "resultURL", "value": "https://v.example/r"}),
        MarketplaceConfig.model_validate({"id": "resultHeader", "value": {"a": 1}}),
        MarketplaceConfig.model_validate({"id": "somethingNew", "value": True, "extra": 1}),
        MarketplaceConfig.model_validate({"id": "inlineAssessmentOrderUrl", "value": None}),
    ]
    assert entries[1].value == '{"a": 1}'
    assert entries[2].known_id is None
    values = config_values(entries)
    assert list(values) == list(MarketplaceConfigId)
    assert values[MarketplaceConfigId.RESULT_URL] == "https://v.example/r"
    assert values[MarketplaceConfigId.RESULT_HEADER] == '{"a": 1}'
    assert values[MarketplaceConfigId.ASSESSMENT_NOTIFICATION_URL] is None
    assert values[MarketplaceConfigId.INLINE_ASSESSMENT_ORDER_URL] is None


@pytest.mark.parametrize(
    ("config_id", "value", "sentence"),
    [
        ("resultURL", "", "Enter a value"),
        ("resultURL", "http://v.example/r", "https://"),
        ("resultURL", "https:///nohost", "https://"),
        ("assessmentNotificationUrl", "https://v.example/a\tb", "spaces"),
        ("inlineAssessmentOrderUrl", "https://u:p@v.example/x", "user name"),
        ("resultHeader", "A: 1\nB: 2", "line breaks"),
        ("inlineAssessmentOrderHeader", "A\x00", "control"),
    ],
)
def test_updates_refuse_values_that_cannot_work(config_id: str, value: str, sentence: str) -> None:
    with pytest.raises(ValidationError) as caught:
        MarketplaceConfigUpdate.model_validate({"id": config_id, "value": value})
    assert sentence in field_errors(caught.value)["value"]


def test_updates_trim_and_accept_what_is_well_formed() -> None:
    url = MarketplaceConfigUpdate.model_validate({"id": "resultURL", "value": " https://v.ex/r "})
    assert url.value == "https://v.ex/r"
    header = MarketplaceConfigUpdate.model_validate(
        {"id": "resultHeader", "value": "Authorization: Bearer a\tb"}
    )
    assert header.model_dump(mode="json") == {
        "id": "resultHeader",
        "value": "Authorization: Bearer a\tb",
    }
    with pytest.raises(ValidationError):
        MarketplaceConfigUpdate.model_validate({"id": "resultUrl", "value": "https://v.ex/r"})
    with pytest.raises(ValidationError):
        MarketplaceConfigUpdate.model_validate(
            {"id": "resultURL", "value": "https://v.ex/r", "extra": 1}
        )
