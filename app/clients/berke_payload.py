"""Berke answers in JSON or in XML (declared, and really encoded, as UTF-16): one dict either way.

XML is parsed from bytes with defusedxml, so the declaration picks the encoding and entity
tricks are refused. Attributes and simple child elements both become keys; repeated children
become lists, so ``GetJobsResponse`` and ``berkeResponse`` read the same way as their JSON form.
"""

from __future__ import annotations

import codecs
import json
from typing import Any
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring


class PayloadError(ValueError):
    """The bytes are neither JSON nor XML we can read."""


def _looks_like_json(content: bytes) -> bool:
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return content.decode("utf-16", errors="replace").lstrip()[:1] in ("{", "[")
    return content.lstrip().lstrip(codecs.BOM_UTF8)[:1] in (b"{", b"[")


def _element_to_value(element: Element) -> Any:
    children = list(element)
    if not children and not element.attrib:
        return (element.text or "").strip()
    value: dict[str, Any] = dict(element.attrib)
    for child in children:
        item = _element_to_value(child)
        if child.tag in value:
            existing = value[child.tag]
            if isinstance(existing, list):
                existing.append(item)
            else:
                value[child.tag] = [existing, item]
        else:
            value[child.tag] = item
    return value


def parse_payload(content: bytes) -> tuple[str | None, dict[str, Any]]:
    """(XML root element name or None for JSON, the payload as a dict)."""
    if not content.strip():
        raise PayloadError("the answer was empty")
    if _looks_like_json(content):
        try:
            data = json.loads(content)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise PayloadError(f"the answer was not valid JSON ({exc})") from None
        if not isinstance(data, dict):
            raise PayloadError("the answer was JSON but not an object")
        return None, data
    try:
        root = fromstring(content)
    except (ParseError, DefusedXmlException) as exc:
        raise PayloadError(f"the answer was neither JSON nor readable XML ({exc})") from None
    value = _element_to_value(root)
    return root.tag, value if isinstance(value, dict) else {"response": value}


def as_list(value: Any) -> list[Any]:
    """A repeated XML child comes as a list, a single one as a dict: always a list."""
    if value is None or value == "":
        return []
    return value if isinstance(value, list) else [value]
