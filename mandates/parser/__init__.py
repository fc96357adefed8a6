"""A parser for United Nations Security Council resolution texts.

Pure Python, standard library only (no Django). Typical use::

    from mandates.parser import parse_bytes

    document = parse_bytes(upload.read())
    for paragraph in document.operative:
        print(paragraph.number, paragraph.verb, paragraph.strength, paragraph.addressees)

The stages are: :mod:`.text` (decoding and cleaning the layouts), :mod:`.metadata` (symbol,
date, title), :mod:`.structure` (preamble, operative paragraphs, sub-paragraphs), then
:mod:`.verbs`, :mod:`.addressees` and :mod:`.deadlines` describe each operative paragraph.
:class:`ParseError` is the only exception raised.
"""

from __future__ import annotations

import datetime
import re

from . import structure
from .addressees import find_addressees, subparagraph_addressees
from .deadlines import find_deadlines
from .metadata import read_metadata
from .model import Deadline, ParsedDocument, ParsedParagraph, ParseError
from .text import clean_lines, decode, normalize, repair_lines
from .verbs import NONE, lead_verb, lead_verb_span, paragraph_strength

__all__ = [
    "Deadline",
    "ParseError",
    "ParsedDocument",
    "ParsedParagraph",
    "parse_bytes",
    "parse_text",
]

_RESOLUTION_MARKERS = re.compile(
    r"Security\s+Council|\bresolution\b|\bdraft\s+resolution\b|S/RES/", re.IGNORECASE
)


def parse_bytes(data: bytes, *, today: datetime.date | None = None) -> ParsedDocument:
    """Parse an uploaded file: UTF-8, else cp1252/Latin-1.

    ``today`` is the reference date for deadlines written without a year ("by 31 March") when
    the document itself has no date. Raises :class:`ParseError` for empty or binary files and
    for text that is not a resolution.
    """
    return _parse(decode(data), today=today)


def parse_text(text: str) -> ParsedDocument:
    """Parse resolution text. Raises :class:`ParseError` when it is not a resolution."""
    return _parse(text, today=None)


def _parse(text: str, *, today: datetime.date | None) -> ParsedDocument:
    """Clean, segment and describe ``text``; refuse what is not a resolution."""
    if not isinstance(text, str):
        raise ParseError("The file is not text")
    if not text.strip():
        raise ParseError("The file is empty")
    normalized = normalize(text)
    meta = read_metadata(normalized)
    blocks = structure.segment(repair_lines(clean_lines(normalized, meta.symbol)))
    preambular = [_preambular(b) for b in blocks if b.kind == structure.PREAMBULAR]
    operative = [_operative(b, meta.date, today) for b in blocks if b.kind == structure.OPERATIVE]
    # Refuse what is not a resolution: nothing that reads as a paragraph, or only unnumbered
    # paragraphs in a text that never mentions the Security Council or a resolution.
    has_numbers = any(p.number is not None for p in operative)
    if not preambular and not operative:
        raise ParseError(
            "This does not look like a resolution: no preambular or operative paragraphs were found"
        )
    if not has_numbers and not _RESOLUTION_MARKERS.search(normalized):
        raise ParseError(
            "This does not look like a resolution: no numbered operative paragraphs were found"
        )
    return ParsedDocument(
        symbol=meta.symbol,
        date=meta.date,
        title=meta.title,
        preambular=preambular,
        operative=operative,
    )


def _preambular(block: structure.Block) -> ParsedParagraph:
    """A preambular paragraph: its text and lead verb; it asks nothing and has no deadline.

    Lettered items inside a preambular paragraph stay in its text ("... principles: (a) ...;
    (b) ..."), as a preambular paragraph has no sub-paragraphs in the JSON shape.
    """
    text = " ".join([block.text, *(_flatten(sub) for sub in block.subs)]).strip()
    return ParsedParagraph(
        kind="preambular",
        number=None,
        label="",
        text=text,
        verb=lead_verb(text, "preambular"),
        strength=NONE,
    )


def _flatten(sub: structure.Sub) -> str:
    return " ".join([f"({sub.label}) {sub.text}", *(_flatten(child) for child in sub.children)])


def _operative(
    block: structure.Block, adopted: datetime.date | None, today: datetime.date | None
) -> ParsedParagraph:
    """An operative paragraph with its verb, strength, addressees, deadlines, sub-paragraphs."""
    verb, verb_end = lead_verb_span(block.text, "operative")
    strength = paragraph_strength(verb, block.text)
    addressees = find_addressees(block.text, verb, verb_end)
    paragraph = ParsedParagraph(
        kind="operative",
        number=block.number,
        label="",
        text=block.text,
        verb=verb,
        strength=strength,
        addressees=addressees,
        deadlines=find_deadlines(block.text, adopted=adopted, strength=strength, reference=today),
    )
    paragraph.subparagraphs = [_sub(sub, paragraph, adopted, today) for sub in block.subs]
    return paragraph


def _sub(
    sub: structure.Sub,
    parent: ParsedParagraph,
    adopted: datetime.date | None,
    today: datetime.date | None,
) -> ParsedParagraph:
    """A sub-paragraph: the parent's strength, its own or the parent's addressees."""
    paragraph = ParsedParagraph(
        kind="operative",
        number=None,
        label=sub.label,
        text=sub.text,
        verb=lead_verb(sub.text, "operative", subparagraph=True),
        strength=parent.strength,
        addressees=subparagraph_addressees(sub.text, parent.addressees),
        deadlines=find_deadlines(
            sub.text, adopted=adopted, strength=parent.strength, reference=today
        ),
    )
    paragraph.subparagraphs = [_sub(child, paragraph, adopted, today) for child in sub.children]
    return paragraph
