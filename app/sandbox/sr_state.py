"""The SmartRecruiters side's memory: orders with their comments, results and attachments,
the vendor's offers, and the partner's configuration."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from app.sandbox.config import SandboxConfig
from app.sandbox.data import seed_offers, seed_orders, seed_result
from app.sandbox.formats import sr_timestamp


@dataclass
class Attachment:
    id: str
    file_name: str
    content_type: str
    data: bytes
    created: datetime

    def to_json(self) -> dict[str, Any]:
        stamp = sr_timestamp(self.created)
        return {
            "id": self.id,
            "createDate": stamp,
            "lastUpdateDate": stamp,
            "fileName": self.file_name,
        }


@dataclass
class Result:
    document: dict[str, Any]
    attachments: dict[str, Attachment] = field(default_factory=dict)


@dataclass
class Order:
    id: str
    status: str
    created: datetime
    updated: datetime
    document: dict[str, Any]
    # Stored on accept. The reference's order shape does not list it, so it is rendered only
    # when the sandbox is told to (``SandboxConfig.accept_url_on_order``): a client must work
    # without it, and may use it where a service gives it.
    assessment_url: str | None = None
    comments: list[dict[str, Any]] = field(default_factory=list)
    results: dict[str, Result] = field(default_factory=dict)

    def to_json(self, *, with_url: bool = False) -> dict[str, Any]:
        url = {"assessmentURL": self.assessment_url} if with_url and self.assessment_url else {}
        return {
            "id": self.id,
            "status": self.status,
            "createDate": sr_timestamp(self.created),
            "lastUpdateDate": sr_timestamp(self.updated),
            **self.document,
            **url,
        }


class SrState:
    def __init__(self, config: SandboxConfig) -> None:
        self.accept_url_on_order = config.accept_url_on_order
        # Its own stream, so ids of new objects do not depend on how the seed data was drawn.
        self.rng = random.Random(f"sandbox-sr-{config.seed}")
        self.offers: dict[str, dict[str, Any]] = {o["id"]: o for o in seed_offers()}
        self.orders: dict[str, Order] = {}
        # The partner's configuration (``/configs``): id -> value as sent; nothing set at first.
        self.configs: dict[str, Any] = {}
        result_rng = random.Random(f"sandbox-sr-results-{config.seed}")
        for seeded in seed_orders(config.seed, config.orders, list(self.offers.values())):
            document = dict(seeded.document)
            order = Order(
                document.pop("id"), seeded.status, seeded.created, seeded.updated, document
            )
            if seeded.status == "COMPLETED":
                result = seed_result(result_rng, seeded.updated - timedelta(minutes=1))
                order.results[result["id"]] = Result(result)
            self.orders[order.id] = order

    def sorted_orders(self, status: str | None) -> list[Order]:
        chosen = [o for o in self.orders.values() if status is None or o.status == status]
        chosen.sort(key=lambda o: o.id)
        chosen.sort(key=lambda o: o.created, reverse=True)
        return chosen
