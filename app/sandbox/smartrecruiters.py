"""The SmartRecruiters Marketplace partner API, served under ``/sr/v1``.

Where the public docs and the FAQ disagree (``complete`` with a comment or with a result),
both behaviours are served, as the reference asks.
"""

from __future__ import annotations

import io
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route

from app.sandbox import sr_rules as rules
from app.sandbox.config import SandboxConfig
from app.sandbox.disconnect import client_gone
from app.sandbox.formats import now_utc, object_id, seeded_uuid, sr_timestamp
from app.sandbox.ratelimit import SrRateLimiter
from app.sandbox.sr_http import SrError, SrGuard, error_response, json_response, read_json_object
from app.sandbox.sr_state import Attachment, Order, Result, SrState

Endpoint = Callable[[Request], Awaitable[Response]]
COMPLETED_MESSAGE = "Cannot change state of an assessment which is completed"
DEFAULT_LIMIT = 20
MAX_LIMIT = 100
_OFFER_READ_ONLY = ("id", "createdOn", "updatedOn")


def _int_param(request: Request, name: str, default: int, low: int, high: int | None) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or not raw.isascii():
        raise SrError(400, f"Query parameter '{name}' must be a non-negative integer")
    value = int(raw)
    if value < low or (high is not None and value > high):
        bound = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise SrError(400, f"Query parameter '{name}' must be {bound}")
    return value


def _page(request: Request) -> tuple[int, int]:
    return (
        _int_param(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT),
        _int_param(request, "offset", 0, 0, None),
    )


def _status_param(request: Request, allowed: tuple[str, ...]) -> str | None:
    status = request.query_params.get("status")
    if status is not None and status not in allowed:
        raise SrError(400, f"Query parameter 'status' must be one of {', '.join(allowed)}")
    return status


def _listing(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"totalFound": len(items), "content": items}


# An upload is read back from its spool file a piece at a time: one read() of a 200 MiB file is
# one copy in the kernel that nothing interrupts on a kernel built without preemption (measured:
# 13-25 ms holding a core while the desk's GUI thread waited its turn). The pieces go into a
# BytesIO, whose value is not copied again; ``b"".join`` would copy them all at once, holding
# the GIL ~14 ms per 200 MiB (and, in demo mode, the sandbox shares the desk's process).
_READ_PIECE = 1024 * 1024


async def _read_in_pieces(upload: UploadFile) -> bytes:
    content = io.BytesIO()
    while piece := await upload.read(_READ_PIECE):
        content.write(piece)
    return content.getvalue()


class SmartRecruitersApi:
    def __init__(self, state: SrState) -> None:
        self.state = state
        self._urls = state.accept_url_on_order

    # -- lookups -----------------------------------------------------------------------------
    def _order(self, request: Request) -> Order:
        order = self.state.orders.get(request.path_params["order_id"])
        if order is None:
            raise SrError(404, "Assessment order not found")
        return order

    def _result(self, request: Request) -> tuple[Order, Result]:
        order = self._order(request)
        result = order.results.get(request.path_params["result_id"])
        if result is None:
            raise SrError(404, "Assessment result not found")
        return order, result

    def _offer(self, request: Request) -> dict[str, Any]:
        offer = self.state.offers.get(request.path_params["offer_id"])
        if offer is None:
            raise SrError(404, "Offer not found")
        return offer

    # -- orders ------------------------------------------------------------------------------
    async def list_orders(self, request: Request) -> Response:
        limit, offset = _page(request)
        orders = self.state.sorted_orders(_status_param(request, rules.ORDER_STATUSES))
        return json_response(
            {
                "limit": limit,
                "offset": offset,
                "totalFound": len(orders),
                "content": [
                    o.to_json(with_url=self._urls) for o in orders[offset : offset + limit]
                ],
            }
        )

    async def get_order(self, request: Request) -> Response:
        return json_response(self._order(request).to_json(with_url=self._urls))

    async def remove_order(self, request: Request) -> Response:
        """The sandbox's own: SmartRecruiters stops having the order (a candidate erased, an
        order withdrawn there). It leaves the listing, and asking for it answers 404."""
        order = self._order(request)
        del self.state.orders[order.id]
        return Response(status_code=204)

    async def create_order(self, request: Request) -> Response:
        body = await read_json_object(request)
        rules.validate_test_order(body)
        rng = self.state.rng
        candidate = dict(body["candidate"])
        candidate.setdefault("id", seeded_uuid(rng))
        candidate.setdefault("uuid", candidate["id"])
        job = dict(body["job"])
        job.setdefault("id", str(rng.randint(10**9, 10**10 - 1)))
        first_offer = next(o for o in self.state.offers.values() if o["status"] == "ACTIVE")
        document = {
            "requestor": body.get("requestor") or {"firstName": "Test", "lastName": "Requestor"},
            "candidate": candidate,
            "job": job,
            "company": body.get("company")
            or {"id": "SandboxTestCompany", "name": "Sandbox Test Company"},
            "offer": body.get("offer")
            or {"catalogId": first_offer["catalogId"], "name": first_offer["name"]},
        }
        now = now_utc()
        order = Order(seeded_uuid(rng), "NEW", now, now, document)
        self.state.orders[order.id] = order
        return json_response(order.to_json(with_url=self._urls), 201)

    def _change(self, order: Order, action: str, allowed_from: tuple[str, ...]) -> None:
        if order.status == "COMPLETED":
            raise SrError(400, COMPLETED_MESSAGE)
        if order.status not in allowed_from:
            raise SrError(
                400,
                f"Cannot {action} an assessment in status {order.status}; "
                f"allowed from: {', '.join(allowed_from)}",
            )

    async def accept(self, request: Request) -> Response:
        order = self._order(request)
        self._change(order, "accept", ("NEW",))
        body = await read_json_object(request, required=False)  # every field is optional
        order.assessment_url = rules.validate_accept(body)
        order.status, order.updated = "IN_PROGRESS", now_utc()
        return json_response(order.to_json(with_url=self._urls))

    async def reject(self, request: Request) -> Response:
        order = self._order(request)
        self._change(order, "reject", ("NEW", "IN_PROGRESS"))
        rules.validate_reject(await read_json_object(request, required=False))
        order.status, order.updated = "REJECTED", now_utc()
        return json_response(order.to_json(with_url=self._urls))

    async def complete(self, request: Request) -> Response:
        order = self._order(request)
        self._change(order, "complete", ("IN_PROGRESS",))
        body = await read_json_object(request, required=False)
        if rules.is_result_body(body):
            result = self._add_result(order, rules.validate_result(body))
            order.status = "COMPLETED"
            return json_response(
                {**order.to_json(with_url=self._urls), "resultId": result.document["id"]}
            )
        rules.validate_complete_comment(body)
        order.status, order.updated = "COMPLETED", now_utc()
        return json_response(order.to_json(with_url=self._urls))

    # -- results and attachments -------------------------------------------------------------
    def _add_result(self, order: Order, fields: dict[str, Any]) -> Result:
        now = now_utc()
        result = Result(
            {"id": object_id(self.state.rng), "createDate": sr_timestamp(now), **fields}
        )
        order.results[result.document["id"]] = result
        order.updated = now
        return result

    async def create_result(self, request: Request) -> Response:
        order = self._order(request)
        if order.status not in ("IN_PROGRESS", "COMPLETED"):
            raise SrError(
                400,
                "Results can be added only to an assessment that is IN_PROGRESS "
                f"or COMPLETED (current status: {order.status})",
            )
        result = self._add_result(order, rules.validate_result(await read_json_object(request)))
        return json_response(result.document, 201)

    async def list_results(self, request: Request) -> Response:
        order = self._order(request)
        return json_response(_listing([r.document for r in order.results.values()]))

    async def get_result(self, request: Request) -> Response:
        return json_response(self._result(request)[1].document)

    async def upload_attachment(self, request: Request) -> Response:
        order, result = self._result(request)
        media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media_type != "multipart/form-data":
            raise SrError(400, "Attachments must be sent as multipart/form-data")
        async with request.form(max_files=1, max_fields=20) as form:
            upload = form.get("attachment")
            if not isinstance(upload, UploadFile):
                raise SrError(
                    400,
                    "Request is incorrect. Please provide the file in a "
                    "multipart part named 'attachment'.",
                )
            if not upload.filename:
                raise SrError(400, "The 'attachment' part must carry a file name")
            data = await _read_in_pieces(upload)
            content_type = upload.content_type or "application/octet-stream"
            file_name = upload.filename
        now = now_utc()
        attachment = Attachment(object_id(self.state.rng), file_name, content_type, data, now)
        result.attachments[attachment.id] = attachment
        order.updated = now
        return json_response(attachment.to_json(), 201)

    async def list_attachments(self, request: Request) -> Response:
        _, result = self._result(request)
        return json_response(_listing([a.to_json() for a in result.attachments.values()]))

    async def attachment_content(self, request: Request) -> Response:
        _, result = self._result(request)
        attachment = result.attachments.get(request.path_params["attachment_id"])
        if attachment is None:
            raise SrError(404, "Attachment not found")
        return Response(attachment.data, media_type=attachment.content_type)

    # -- comments ----------------------------------------------------------------------------
    async def list_comments(self, request: Request) -> Response:
        return json_response(_listing(self._order(request).comments))

    async def create_comment(self, request: Request) -> Response:
        order = self._order(request)
        comment = rules.validate_comment(await read_json_object(request))
        if len(order.comments) >= rules.MAX_COMMENTS:
            raise SrError(
                400, f"An assessment order can have at most {rules.MAX_COMMENTS} comments"
            )
        now = now_utc()
        stored = {"id": object_id(self.state.rng), "createDate": sr_timestamp(now), **comment}
        order.comments.append(stored)
        order.updated = now
        return json_response(stored, 201)

    # -- offers ------------------------------------------------------------------------------
    async def list_offers(self, request: Request) -> Response:
        limit, offset = _page(request)
        status = _status_param(request, rules.OFFER_STATUSES)
        terms = request.query_params.get("q", "").casefold().split()
        offers = [
            o
            for o in self.state.offers.values()
            if (status is None or o["status"] == status)
            and all(
                t in " ".join((o["name"], o["description"], o["catalogId"])).casefold()
                for t in terms
            )
        ]
        return json_response(
            {
                "limit": limit,
                "offset": offset,
                "totalFound": len(offers),
                "content": offers[offset : offset + limit],
            }
        )

    def _unique_catalog_id(self, catalog_id: str, own_id: str | None) -> None:
        for offer in self.state.offers.values():
            if offer["id"] != own_id and offer["catalogId"].casefold() == catalog_id.casefold():
                raise SrError(400, f"An offer with catalogId '{catalog_id}' already exists")

    async def create_offer(self, request: Request) -> Response:
        fields = rules.validate_offer(await read_json_object(request))
        # The reference: "offer, created INACTIVE" (ACTIVE was refused above); the partner
        # moves it with submit and withdraw.
        fields.pop("status", None)
        self._unique_catalog_id(fields["catalogId"], None)
        stamp = sr_timestamp(now_utc())
        offer: dict[str, Any] = {
            "id": seeded_uuid(self.state.rng),
            "status": "INACTIVE",
            "availability": {
                "expirationDate": None,
                "industries": [],
                "locations": [],
                "companies": "ALL",
                "specialOffer": False,
            },
            "targetMarket": "GLOBAL",
            **fields,
            "createdOn": stamp,
            "updatedOn": stamp,
        }
        self.state.offers[offer["id"]] = offer
        return json_response(offer, 201)

    async def update_offer(self, request: Request) -> Response:
        offer = self._offer(request)
        body = await read_json_object(request)
        # An update is a partial document; the current status is not re-validated (it may be
        # ACTIVE, which only a partner may not *set*).
        merged = {k: v for k, v in offer.items() if k not in (*_OFFER_READ_ONLY, "status")}
        merged.update({k: v for k, v in body.items() if k not in _OFFER_READ_ONLY})
        fields = rules.validate_offer(merged)
        self._unique_catalog_id(fields["catalogId"], offer["id"])
        offer.update(fields)
        offer["updatedOn"] = sr_timestamp(now_utc())
        return json_response(offer)

    def _offer_move(self, request: Request, allowed_from: tuple[str, ...], target: str) -> Response:
        offer = self._offer(request)
        if offer["status"] not in allowed_from:
            raise SrError(
                400,
                f"Cannot move an offer from {offer['status']} to {target}; "
                f"allowed from: {', '.join(allowed_from)}",
            )
        offer["status"], offer["updatedOn"] = target, sr_timestamp(now_utc())
        return json_response(offer)

    async def submit_offer(self, request: Request) -> Response:
        return self._offer_move(request, ("INACTIVE",), "UNDER_REVIEW")

    async def withdraw_offer(self, request: Request) -> Response:
        return self._offer_move(request, ("UNDER_REVIEW", "ACTIVE", "REJECTED"), "INACTIVE")

    async def get_offer(self, request: Request) -> Response:
        return json_response(self._offer(request))

    # -- the partner's configuration ---------------------------------------------------------
    async def list_configs(self, request: Request) -> Response:
        # Only what has been set: an id with no value has nothing to list.
        return json_response(
            _listing([self._config_json(i) for i in rules.CONFIG_IDS if i in self.state.configs])
        )

    async def get_config(self, request: Request) -> Response:
        config_id = request.path_params["config_id"]
        if config_id not in rules.CONFIG_IDS:
            raise SrError(404, f"Config '{config_id}' does not exist")
        if config_id not in self.state.configs:
            raise SrError(404, f"Config '{config_id}' has not been set")
        return json_response(self._config_json(config_id))

    async def set_config(self, request: Request) -> Response:
        config_id, value = rules.validate_config(await read_json_object(request))
        self.state.configs[config_id] = value
        return json_response(self._config_json(config_id))

    def _config_json(self, config_id: str) -> dict[str, Any]:
        return {"id": config_id, "value": self.state.configs[config_id]}

    def routes(self) -> list[Route]:
        order = "/assessments/{order_id}"
        result = order + "/results/{result_id}"
        offer = "/offers/{offer_id}"
        return [
            _route("/assessments", GET=self.list_orders, POST=self.create_order),
            _route(order, GET=self.get_order, DELETE=self.remove_order),
            _route(order + "/accept", POST=self.accept),
            _route(order + "/reject", POST=self.reject),
            _route(order + "/complete", POST=self.complete),
            _route(order + "/comments", GET=self.list_comments, POST=self.create_comment),
            _route(order + "/results", GET=self.list_results, POST=self.create_result),
            _route(result, GET=self.get_result),
            _route(result + "/attachments", GET=self.list_attachments, POST=self.upload_attachment),
            _route(result + "/attachments/{attachment_id}/content", GET=self.attachment_content),
            _route("/offers", GET=self.list_offers, POST=self.create_offer),
            _route(offer, GET=self.get_offer, POST=self.update_offer),
            _route(offer + "/submit", POST=self.submit_offer),
            _route(offer + "/withdraw", POST=self.withdraw_offer),
            _route("/configs", GET=self.list_configs, POST=self.set_config),
            _route("/configs/{config_id}", GET=self.get_config),
        ]


def _route(path: str, **handlers: Endpoint) -> Route:
    """One route per path, so a wrong method gets a 405 whose Allow header is complete."""

    async def endpoint(request: Request) -> Response:
        handler = handlers.get(request.method) or handlers["GET"]  # HEAD is served as GET
        return await handler(request)

    return Route(path, endpoint, methods=list(handlers))


async def _on_error(request: Request, exc: Exception) -> Response:
    if isinstance(exc, SrError):
        return error_response(exc.status, exc.message)
    if isinstance(exc, HTTPException):
        message = {404: "Resource not found", 405: "Method not allowed"}.get(
            exc.status_code, str(exc.detail)
        )
        return error_response(exc.status_code, message, dict(exc.headers or {}))
    raise exc


def create_sr_app(config: SandboxConfig) -> Starlette:
    api = SmartRecruitersApi(SrState(config))
    limiter = SrRateLimiter(config.sr_rate_per_second, config.sr_concurrency, config.clock)
    app = Starlette(
        routes=api.routes(),
        middleware=[Middleware(SrGuard, config=config, limiter=limiter)],
        exception_handlers={
            SrError: _on_error,
            HTTPException: _on_error,
            ClientDisconnect: client_gone,
        },
    )
    app.state.sr = api.state
    return app
