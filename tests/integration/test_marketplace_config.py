"""The partner's Marketplace configuration (``/configs``) through the SmartRecruiters client and
its workflow, against a real sandbox of its own (the settings are per sandbox instance, so a
fresh one per test keeps the starting state known)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
from pydantic import ValidationError

from app.clients.errors import AuthError
from app.clients.smartrecruiters import SmartRecruitersClient
from app.domain.marketplace_config import MarketplaceConfig, MarketplaceConfigId, config_values
from app.sandbox import DEMO_SR_KEY, SandboxConfig, SandboxServer
from app.workflows.marketplace_config import read_marketplace_config, save_marketplace_config
from tests.integration.helpers import RecordingTransport, run

VALUES = {
    MarketplaceConfigId.ASSESSMENT_NOTIFICATION_URL: "https://vendor.example/sr/new-order",
    MarketplaceConfigId.RESULT_URL: "https://vendor.example/sr/results",
    MarketplaceConfigId.RESULT_HEADER: "Authorization: Bearer vendor-secret",
    MarketplaceConfigId.INLINE_ASSESSMENT_ORDER_URL: "https://vendor.example/sr/inline",
    MarketplaceConfigId.INLINE_ASSESSMENT_ORDER_HEADER: "X-Vendor-Account: 42",
}


@pytest.fixture
def fresh() -> Iterator[SandboxServer]:
    with SandboxServer(SandboxConfig(orders=1, sr_rate_per_second=0)) as server:
        yield server


def test_set_every_documented_setting_then_read_them_back(fresh: SandboxServer) -> None:
    async def body() -> None:
        async with SmartRecruitersClient(fresh.sr_base_url, DEMO_SR_KEY) as client:
            assert await client.list_configs() == []
            assert await client.get_config(MarketplaceConfigId.RESULT_URL) is None
            for config_id, value in VALUES.items():
                stored = await client.set_config(config_id, f"  {value} ")
                assert (stored.id, stored.value) == (config_id.value, value)  # trimmed
            listed = await client.list_configs()
            assert [c.id for c in listed] == [i.value for i in MarketplaceConfigId]
            assert config_values(listed) == VALUES
            one = await client.get_config("resultHeader")
            expected = VALUES[MarketplaceConfigId.RESULT_HEADER]
            assert one == MarketplaceConfig(id="resultHeader", value=expected)
            replaced = await client.set_config(
                MarketplaceConfigId.RESULT_URL, "https://vendor.example/v2/results"
            )
            assert replaced.value == "https://vendor.example/v2/results"
            assert len(await client.list_configs()) == 5

    run(body)


def test_the_body_on_the_wire_is_id_and_value_only(fresh: SandboxServer) -> None:
    transport = RecordingTransport()

    async def body() -> None:
        async with SmartRecruitersClient(
            fresh.sr_base_url, DEMO_SR_KEY, transport=transport
        ) as client:
            await client.set_config(MarketplaceConfigId.RESULT_HEADER, "X-Vendor: 1")

    run(body)
    [request] = transport.requests
    assert (request.method, request.url.path) == ("POST", "/sr/v1/configs")
    assert request.headers["content-type"] == "application/json"
    assert json.loads(transport.bodies[0]) == {"id": "resultHeader", "value": "X-Vendor: 1"}


@pytest.mark.parametrize(
    ("config_id", "value"),
    [
        (MarketplaceConfigId.RESULT_URL, "http://vendor.example/results"),  # not https
        (MarketplaceConfigId.ASSESSMENT_NOTIFICATION_URL, "vendor.example/hook"),
        (MarketplaceConfigId.INLINE_ASSESSMENT_ORDER_URL, "https://user:pw@vendor.example/x"),
        (MarketplaceConfigId.RESULT_URL, "https://vendor.example/a b"),
        (MarketplaceConfigId.RESULT_HEADER, "X-A: 1\r\nX-Injected: 2"),
        (MarketplaceConfigId.RESULT_HEADER, "   "),
        ("resultUrl", "https://vendor.example/results"),  # the reference spells it resultURL
    ],
)
def test_bad_values_are_refused_before_anything_is_sent(
    fresh: SandboxServer, config_id: str, value: str
) -> None:
    transport = RecordingTransport()

    async def body() -> None:
        async with SmartRecruitersClient(
            fresh.sr_base_url, DEMO_SR_KEY, transport=transport
        ) as client:
            with pytest.raises(ValidationError):
                await client.set_config(config_id, value)

    run(body)
    assert transport.requests == []


def test_values_other_clients_stored_are_read_as_text(fresh: SandboxServer) -> None:
    """The sandbox keeps any value (the reference does not restrict it); the client shows what
    is there instead of failing the whole list."""
    with httpx.Client(base_url=fresh.sr_base_url, headers={"X-SmartToken": DEMO_SR_KEY}) as raw:
        for config_id, value in (("resultHeader", {"name": "X-A"}), ("resultURL", 7)):
            assert raw.post("/configs", json={"id": config_id, "value": value}).status_code == 200

    async def body() -> dict[MarketplaceConfigId, str | None]:
        async with SmartRecruitersClient(fresh.sr_base_url, DEMO_SR_KEY) as client:
            return config_values(await client.list_configs())

    values = run(body)
    assert values[MarketplaceConfigId.RESULT_HEADER] == '{"name": "X-A"}'
    assert values[MarketplaceConfigId.RESULT_URL] == "7"
    assert values[MarketplaceConfigId.ASSESSMENT_NOTIFICATION_URL] is None


def test_a_refused_key_is_an_auth_error(fresh: SandboxServer) -> None:
    async def body() -> None:
        async with SmartRecruitersClient(fresh.sr_base_url, "x" * 64) as client:
            with pytest.raises(AuthError):
                await client.list_configs()
            with pytest.raises(AuthError):
                await client.set_config(MarketplaceConfigId.RESULT_URL, "https://v.example/r")

    run(body)


def test_workflow_reads_saves_and_words_every_outcome(fresh: SandboxServer) -> None:
    async def body() -> None:
        async with SmartRecruitersClient(fresh.sr_base_url, DEMO_SR_KEY) as client:
            empty = await read_marketplace_config(client)
            assert empty.ok
            assert empty.values == dict.fromkeys(MarketplaceConfigId)

            local = await save_marketplace_config(
                client, MarketplaceConfigId.RESULT_URL, "ftp://vendor.example/r"
            )
            assert not local.ok
            assert local.field_error == "Must be a full address starting with https://."
            assert local.error is None

            done = await save_marketplace_config(
                client, MarketplaceConfigId.RESULT_URL, "https://vendor.example/r"
            )
            assert (done.ok, done.value) == (True, "https://vendor.example/r")
            after = await read_marketplace_config(client)
            assert after.values[MarketplaceConfigId.RESULT_URL] == "https://vendor.example/r"

        async with SmartRecruitersClient(fresh.sr_base_url, "x" * 64) as refused:
            reading = await read_marketplace_config(refused)
            assert not reading.ok
            assert reading.error is not None
            assert reading.error.startswith("The Marketplace configuration could not be read.")
            assert "SmartRecruiters" in reading.error
            saving = await save_marketplace_config(
                refused, MarketplaceConfigId.RESULT_HEADER, "X-Vendor: 1"
            )
            assert saving.field_error is None
            assert saving.error is not None
            assert saving.error.startswith("“Result header” was not saved.")
            assert "x" * 64 not in saving.error

    run(body)


def test_a_refusal_quoting_a_header_value_does_not_repeat_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A header value may hold a secret ("Authorization: Bearer …"): a service's refusal
    that quotes it is shown, and logged, without it."""
    secret = "Authorization: Bearer s3cr3t-0123456789abcdef"

    def handle(request: httpx.Request) -> httpx.Response:
        sent = json.loads(request.content)["value"]
        return httpx.Response(400, json={"message": f"Invalid header value '{sent}'"})

    async def body() -> None:
        async with SmartRecruitersClient(
            "https://sr.example/v1", "k" * 64, transport=httpx.MockTransport(handle)
        ) as client:
            saving = await save_marketplace_config(
                client, MarketplaceConfigId.RESULT_HEADER, secret
            )
        assert saving.error is not None
        assert saving.error.startswith("“Result header” was not saved.")
        assert "Invalid header value" in saving.error
        assert "s3cr3t" not in saving.error
        assert "s3cr3t" not in caplog.text

    run(body)
