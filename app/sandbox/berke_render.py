"""Berke's envelopes in both output formats, its error type and its response headers.

XML is built with ElementTree (attribute values are escaped by the serializer) and sent as
real UTF-16 with a byte-order mark, as the .NET service does when it declares ``utf-16``.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from typing import Any

from starlette.responses import Response

XML_DECLARATION = '<?xml version="1.0" encoding="utf-16"?>\n'
XML_MEDIA_TYPE = "application/xml; charset=utf-16"
JSON_MEDIA_TYPE = "application/json; charset=utf-8"
FORMATS = ("xml", "json")
# Characters XML 1.0 cannot carry even escaped (lone surrogates too: no encoding carries
# them); echoed user input is cleaned of them.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# Berke status codes (>= 1000 is an error). One code per kind of failure, stable across calls.
CODE_OK = 0
CODE_INVALID_KEY = 1003
CODE_BURST = 1010
CODE_UNAVAILABLE = 1011
CODE_BAD_USERNAME = 1020
CODE_INACTIVE_USER = 1021
CODE_REQUIRED = 1030
CODE_LENGTH = 1031
CODE_EMAIL = 1032
CODE_URL = 1033
CODE_ACTION = 1034
CODE_REPORT_LIST = 1035
CODE_DAYS = 1036
CODE_MARKUP = 1037
CODE_TYPE = 1038
CODE_RANGE = 1039
CODE_DUPLICATE_CANDIDATE = 1040
CODE_UNKNOWN_CANDIDATE = 1041
CODE_UNKNOWN_JOB = 1042
CODE_UNKNOWN_DEPARTMENT = 1043
CODE_DISABLED_DEPARTMENT = 1044
CODE_UNKNOWN_INVITATION = 1045
CODE_NOT_COMPLETE = 1046
CODE_UNKNOWN_REPORT = 1047
CODE_FORMAT = 1050
CODE_BODY = 1051
CODE_UNKNOWN_PARAMETER = 1052
CODE_UNKNOWN_METHOD = 1060
CODE_METHOD_NOT_ALLOWED = 1061


class BerkeError(Exception):
    """``[Error Message], [Parameter]=[[ParameterValue]]`` when a parameter is at fault."""

    def __init__(
        self,
        http_status: int,
        code: int,
        message: str,
        parameter: str | None = None,
        value: object = None,
    ) -> None:
        if parameter is not None:
            # What no answer can carry is shown as "?" (a lone surrogate failed the encoding).
            shown = "" if value is None else echo_safe(str(value))
            message = f"{message}, {echo_safe(parameter)}=[{shown}]"
        super().__init__(message)
        self.http_status = http_status
        self.code = code
        self.message = message


def echo_safe(text: str) -> str:
    """A parameter's value as an error may echo it: what no answer can carry becomes "?"."""
    return XML_ILLEGAL.sub("?", text)


def header_safe(text: str) -> str:
    """HTTP header values are ASCII here: anything else (and CR/LF) becomes '?'."""
    return "".join(ch if " " <= ch <= "~" else "?" for ch in text)


def _xml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return XML_ILLEGAL.sub("", str(value))


def _element(tag: str, attributes: dict[str, Any]) -> ET.Element:
    return ET.Element(tag, {k: _xml_value(v) for k, v in attributes.items() if v is not None})


def _tree(tag: str, payload: dict[str, Any]) -> ET.Element:
    """Scalars become attributes; a nested object becomes one child element and a list of
    objects one child element per item, named by its key (``jobFit``, ``assessment``), which
    is how an XML serializer of .NET objects lays out the JSON document's hierarchy."""
    element = _element(tag, {k: v for k, v in payload.items() if not isinstance(v, dict | list)})
    for key, value in payload.items():
        if isinstance(value, dict):
            element.append(_tree(key, value))
        elif isinstance(value, list):
            element.extend(_tree(key, item) for item in value)
    return element


def _xml_bytes(root: ET.Element) -> bytes:
    ET.indent(root, space="  ")
    text = XML_DECLARATION + ET.tostring(root, encoding="unicode")
    return b"\xff\xfe" + text.encode("utf-16-le")


def _headers(http_status: int, code: int, message: str) -> dict[str, str]:
    return {"X-Response-Code": f"{http_status}.{code}", "X-Response-Message": header_safe(message)}


def render(
    fmt: str,
    status: tuple[int, int, str],
    *,
    envelope: dict[str, Any],
    children: list[tuple[str, dict[str, Any]]],
    json_body: dict[str, Any],
    root: str = "berkeResponse",
) -> Response:
    """``envelope`` becomes root attributes in XML; ``children`` child elements in XML;
    ``json_body`` is the whole JSON document; ``status`` is (HTTP status, Berke code, message)."""
    http_status = status[0]
    headers = _headers(*status)
    if fmt == "json":
        return Response(
            json.dumps(json_body, ensure_ascii=False).encode("utf-8"),
            http_status,
            headers=headers,
            media_type=JSON_MEDIA_TYPE,
        )
    element = _element(root, envelope)
    for tag, attributes in children:
        element.append(_tree(tag, attributes))
    return Response(_xml_bytes(element), http_status, headers=headers, media_type=XML_MEDIA_TYPE)


def ok(fmt: str, key: str, payload: dict[str, Any]) -> Response:
    envelope = {"status": "ok", "responseCode": "200"}
    body = {key: payload, "status": "ok", "response": None, "responseCode": "200"}
    return render(
        fmt, (200, CODE_OK, "Success"), envelope=envelope, children=[(key, payload)], json_body=body
    )


def document(body: bytes, media_type: str, filename: str) -> Response:
    """A report itself (PDF or HTML), with the same response headers as an envelope."""
    headers = _headers(200, CODE_OK, "Success")
    headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return Response(body, 200, headers=headers, media_type=media_type)


def jobs(fmt: str, job_list: list[dict[str, Any]]) -> Response:
    envelope = {"status": "ok", "responseCode": "200"}
    body = {"jobs": job_list, "status": "ok", "response": None, "responseCode": "200"}
    return render(
        fmt,
        (200, CODE_OK, "Success"),
        envelope=envelope,
        children=[("job", j) for j in job_list],
        json_body=body,
        root="GetJobsResponse",
    )


def error(fmt: str, exc: BerkeError, extra: dict[str, Any] | None = None) -> Response:
    """Error envelope; ``extra`` carries the throttling figures of a 429, which lead the JSON
    document and follow ``responseCode`` in the XML attributes, as in Berke's example."""
    extra = extra or {}
    envelope = {"status": "error", "response": exc.message, "responseCode": str(exc.http_status)}
    body = {**extra, **envelope}
    return render(
        fmt,
        (exc.http_status, exc.code, exc.message),
        envelope={**envelope, **extra},
        children=[],
        json_body=body,
    )
