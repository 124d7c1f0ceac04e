"""Berke answers in JSON or in XML (declared, and really encoded, as UTF-16): one dict either way.

XML is parsed from bytes with defusedxml, so the declaration picks the encoding and entity
tricks are refused; but a declaration of UTF-16 over 8-bit bytes (what a .NET StringWriter's
text sent as UTF-8 looks like) is dropped, and the bytes read as UTF-8; so is white space
before the declaration (a blank line), in the document's own encoding. Attributes and simple
child elements both become keys; repeated children become lists, so ``GetJobsResponse`` and
``berkeResponse`` read the same way as their JSON form.
Both forms are refused when they nest deeper than any Berke answer does: the conversion below
recurses, and a deep document must be an error, not a ``RecursionError``.
"""

from __future__ import annotations

import codecs
import re
from typing import Any
from xml.etree.ElementTree import Element, TreeBuilder

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser, ParseError

from app.clients.answers import MAX_NESTING, PayloadError, parse_json

__all__ = ["PayloadError", "as_list", "parse_payload"]

# Enough of a UTF-16 document to see its first non-blank character.
_SNIFF_BYTES = 4096


def _looks_like_json(content: bytes) -> bool:
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        head = content[:_SNIFF_BYTES].decode("utf-16", errors="replace")
        return head.lstrip()[:1] in ("{", "[")
    return content.lstrip().lstrip(codecs.BOM_UTF8)[:1] in (b"{", b"[")


class _TooDeepError(Exception):
    """Raised from inside the parser: the document nests deeper than ``MAX_NESTING``."""


class _ShallowTreeBuilder(TreeBuilder):
    """A tree builder that stops the parse as soon as elements nest too deep."""

    def __init__(self, max_depth: int) -> None:
        super().__init__()
        self._depth = 0
        self._max_depth = max_depth

    def start(self, tag: Any, attrs: dict[Any, Any], /) -> Element:
        self._depth += 1
        if self._depth > self._max_depth:
            raise _TooDeepError
        return super().start(tag, attrs)

    def end(self, tag: Any, /) -> Element:
        self._depth -= 1
        return super().end(tag)


# The XML declaration of a document whose bytes read as ASCII (UTF-16's would not: every
# other byte is a zero), when it says UTF-16. The whole declaration, to be dropped.
_UTF16_DECLARED_OVER_BYTES = re.compile(
    rb"\A(?:\xef\xbb\xbf)?[ \t\r\n]*<\?xml[^>]{0,200}?encoding[ \t\r\n]*=[ \t\r\n]*"
    rb"[\"']utf-?16[^\"'>]{0,20}[\"'][^>]{0,200}?\?>",
    re.IGNORECASE,
)


# XML's white space (its "S") at the start of a document, by the byte order mark of the
# encoding it is in: 8-bit bytes, UTF-16 code units of either order.
_UTF8_BLANKS = re.compile(rb"[ \t\r\n]+")
_UTF16_LE_BLANKS = re.compile(rb"(?:[ \t\r\n]\x00)+")
_UTF16_BE_BLANKS = re.compile(rb"(?:\x00[ \t\r\n])+")
_MARKED_BLANKS = (
    (codecs.BOM_UTF8, _UTF8_BLANKS),
    (codecs.BOM_UTF16_LE, _UTF16_LE_BLANKS),
    (codecs.BOM_UTF16_BE, _UTF16_BE_BLANKS),
)
# Without a mark: UTF-16 (expat tells it from its first characters, once they are "<?")
# before 8-bit bytes, where a blank is never beside a zero byte.
_UNMARKED_BLANKS = (_UTF16_LE_BLANKS, _UTF16_BE_BLANKS, _UTF8_BLANKS)


def _from_first_mark(content: bytes) -> bytes:
    """The document from its first character that is not white space, its byte order mark
    kept. Expat refuses an XML declaration after a blank line ("XML or text declaration not
    at start of entity"), which a .NET page or a gateway may write before it: Berke's answer
    was taken for a proxy's page, a completed assessment never delivered."""
    for bom, blanks in _MARKED_BLANKS:
        if content.startswith(bom):
            found = blanks.match(content, len(bom))
            return content if found is None else bom + content[found.end() :]
    for blanks in _UNMARKED_BLANKS:
        found = blanks.match(content)
        if found is not None:
            return content[found.end() :]
    return content


def _parse_xml(content: bytes) -> Element:
    content = _from_first_mark(content)
    if not content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Trusted, the declaration had expat refuse the document ("encoding specified in XML
        # declaration is incorrect"): a created assessment read as "not Berke's answer".
        declared = _UTF16_DECLARED_OVER_BYTES.match(content)
        if declared is not None:
            content = content[declared.end() :]
    parser = DefusedXMLParser(target=_ShallowTreeBuilder(MAX_NESTING))
    parser.feed(content)
    root: Element = parser.close()
    return root


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
    """(XML root element name or None for JSON, the payload as a dict).

    Raises only :class:`PayloadError`, whatever the bytes.
    """
    if not content.strip():
        raise PayloadError("the answer was empty")
    if _looks_like_json(content):
        data = parse_json(content)
        if not isinstance(data, dict):
            raise PayloadError("the answer was JSON but not an object")
        return None, data
    try:
        root = _parse_xml(content)
    except _TooDeepError:
        raise PayloadError(f"the answer was XML nested deeper than {MAX_NESTING} levels") from None
    except (ParseError, DefusedXmlException, ValueError, LookupError) as exc:
        # ValueError and LookupError: encodings expat cannot handle (multi-byte, unknown).
        raise PayloadError(
            f"the answer was neither JSON nor readable XML ({str(exc)[:200]})"
        ) from None
    value = _element_to_value(root)
    return str(root.tag), value if isinstance(value, dict) else {"response": value}


def as_list(value: Any) -> list[Any]:
    """A repeated XML child comes as a list, a single one as a dict: always a list."""
    if value is None or value == "":
        return []
    return value if isinstance(value, list) else [value]
