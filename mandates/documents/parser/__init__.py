"""A parser for United Nations Security Council resolution texts.

Pure Python, standard library only (no Django). Typical use::

    from mandates.documents.parser import parse_bytes

    document = parse_bytes(upload.read())
    for paragraph in document.operative:
        print(paragraph.number, paragraph.verb, paragraph.strength, paragraph.addressees)

The stages are: :mod:`.text` (decoding and cleaning the layouts), :mod:`.metadata` (symbol,
date, title), :mod:`.structure` (preamble, operative paragraphs, sub-paragraphs), then
:mod:`.verbs`, :mod:`.addressees` and :mod:`.deadlines` describe each operative paragraph,
:mod:`.ssr` each paragraph's SSR relevance and themes, and :mod:`.renewals` finds the mandates
the document extends.
:class:`ParseError` is the only exception raised; :class:`LimitExceeded`, a kind of it, when
the text is over a limit the caller set (``max_paragraphs``, ``max_seconds``).
"""

from __future__ import annotations

import datetime
import re
import time
from collections.abc import Callable

from . import structure
from .addressees import find_addressees, subparagraph_addressees
from .budget import Budget, LimitExceeded
from .deadlines import find_deadlines
from .metadata import read_metadata
from .model import SCHEMA_VERSION, Deadline, ParsedDocument, ParsedParagraph, ParseError, Renewal
from .renewals import find_renewals
from .ssr import assess
from .text import clean_lines, decode, normalize, repair_lines
from .verbs import NONE, lead_verb, lead_verb_span, paragraph_strength, verb_strength

__all__ = [
    "SCHEMA_VERSION",
    "Deadline",
    "LimitExceeded",
    "ParseError",
    "ParsedDocument",
    "ParsedParagraph",
    "Renewal",
    "parse_bytes",
    "parse_text",
]

_RESOLUTION_MARKERS = re.compile(
    r"Security\s+Council|\bresolution\b|\bdraft\s+resolution\b|S/RES/", re.IGNORECASE
)

_RENEWING_VERBS = frozenset({"decides", "extends", "renews"})

#: One paragraph longer than this (ten times the longest in the 1946-2015 resolutions) means
#: that the paragraph breaks were not found: the document says so in its ``warnings``.
LONG_PARAGRAPH_CHARS = 50_000


def parse_bytes(
    data: bytes,
    *,
    today: datetime.date | None = None,
    max_paragraphs: int | None = None,
    max_seconds: float | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> ParsedDocument:
    """Parse an uploaded file: UTF-8, else cp1252/Latin-1.

    ``today`` is the reference date for deadlines written without a year ("by 31 March") when
    the document itself has no date. Raises :class:`ParseError` for empty or binary files and
    for text that is not a resolution, and :class:`LimitExceeded` when the text has more than
    ``max_paragraphs`` paragraphs or parsing it takes longer than ``max_seconds`` (read from
    ``clock``).
    """
    budget = Budget(max_paragraphs=max_paragraphs, seconds=max_seconds, clock=clock)
    return _parse(decode(data), today=today, budget=budget)


def parse_text(
    text: str,
    *,
    max_paragraphs: int | None = None,
    max_seconds: float | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> ParsedDocument:
    """Parse resolution text. Raises :class:`ParseError` when it is not a resolution, and
    :class:`LimitExceeded` as :func:`parse_bytes` does."""
    budget = Budget(max_paragraphs=max_paragraphs, seconds=max_seconds, clock=clock)
    return _parse(text, today=None, budget=budget)


def _parse(text: str, *, today: datetime.date | None, budget: Budget) -> ParsedDocument:
    """Clean, segment and describe ``text``; refuse what is not a resolution."""
    if not isinstance(text, str):
        raise ParseError("The file is not text")
    if not text.strip():
        raise ParseError("The file is empty")
    normalized = normalize(text)
    budget.tick()
    meta = read_metadata(normalized)
    mentions_resolution = _RESOLUTION_MARKERS.search(normalized) is not None
    lines = repair_lines(clean_lines(normalized, meta.symbol, budget=budget), budget=budget)
    del normalized  # the lines hold the text from here on: one copy, not two
    blocks = structure.segment(lines, budget=budget)
    del lines
    preambular: list[ParsedParagraph] = []
    operative: list[ParsedParagraph] = []
    for block in blocks:
        budget.tick()
        if block.kind == structure.PREAMBULAR:
            preambular.append(_preambular(block))
        elif block.kind == structure.OPERATIVE:
            operative.append(_operative(block, meta.date, today))
    # Refuse what is not a resolution: nothing that reads as a paragraph, or only unnumbered
    # paragraphs in a text that never mentions the Security Council or a resolution.
    has_numbers = any(p.number is not None for p in operative)
    if not preambular and not operative:
        raise ParseError(
            "This does not look like a resolution: no preambular or operative paragraphs were found"
        )
    if not has_numbers and not mentions_resolution:
        raise ParseError(
            "This does not look like a resolution: no numbered operative paragraphs were found"
        )
    return ParsedDocument(
        symbol=meta.symbol,
        date=meta.date,
        title=meta.title,
        preambular=preambular,
        operative=operative,
        warnings=_long_paragraphs(preambular, operative),
        renewals=_renewals(operative, meta.date, budget),
    )


def _renewals(
    operative: list[ParsedParagraph], adopted: datetime.date | None, budget: Budget
) -> list[Renewal]:
    """The renewals decided by the operative paragraphs whose lead verb decides, extends or
    renews ("Decides", "Further decides", "Extends the mandate of ...", "Renews ...")."""
    found: list[Renewal] = []

    def walk(paragraph: ParsedParagraph, ref: str) -> None:
        budget.tick()
        found.extend(find_renewals(paragraph.text, ref, adopted))
        for sub in paragraph.subparagraphs:
            walk(sub, f"{ref}({sub.label})")

    for position, paragraph in enumerate(operative, start=1):
        if paragraph.verb and paragraph.verb.split()[-1].lower() in _RENEWING_VERBS:
            walk(paragraph, str(paragraph.number if paragraph.number is not None else position))
    return found


def _long_paragraphs(
    preambular: list[ParsedParagraph], operative: list[ParsedParagraph]
) -> list[str]:
    """A warning for each paragraph so long that the paragraph breaks were surely missed."""
    numbered = [(f"PP{n}", p) for n, p in enumerate(preambular, start=1)]
    numbered += [
        (f"OP{p.number if p.number is not None else n}", p)
        for n, p in enumerate(operative, start=1)
    ]
    return [
        f"Paragraph {ref} holds {size:,} characters, far more than any real paragraph: the "
        "paragraph numbering was probably not recognised, and paragraphs may have been merged."
        for ref, paragraph in numbered
        if (size := _size(paragraph)) > LONG_PARAGRAPH_CHARS
    ]


def _size(paragraph: ParsedParagraph) -> int:
    return len(paragraph.text) + sum(_size(sub) for sub in paragraph.subparagraphs)


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
        ssr=assess(text),
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
        deadlines=find_deadlines(
            block.text,
            adopted=adopted,
            strength=strength,
            reference=today,
            # a lead verb not recognised ("Request also", a misprint) is not judged
            lead_strength=verb_strength(verb, block.text) if verb else None,
        ),
        ssr=assess(block.text),
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
            sub.text,
            adopted=adopted,
            strength=parent.strength,
            reference=today,
            lead_strength=parent.strength,
        ),
        ssr=assess(sub.text, parent=parent.ssr),
    )
    paragraph.subparagraphs = [_sub(child, paragraph, adopted, today) for child in sub.children]
    return paragraph
