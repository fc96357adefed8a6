"""The parser's result types and its only exception.

These dataclasses are the public contract with the Django side: keep their fields and the
shape returned by :meth:`ParsedDocument.to_dict` stable.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any


class ParseError(ValueError):
    """The input is not a resolution the parser can read.

    The message is meant for a person ("The file is empty"), not for a log parser.
    """


@dataclass
class Deadline:
    """A deadline found in an operative paragraph.

    ``due`` is set for one-off deadlines whose date can be worked out; ``recurrence`` is an
    ISO 8601 duration ("P3M", "P120D") or ``"regular_reports"`` for "in his regular reports".
    """

    text: str
    due: datetime.date | None = None
    recurrence: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "due": self.due.isoformat() if self.due else None,
            "recurrence": self.recurrence,
        }


@dataclass
class ParsedParagraph:
    """One preambular paragraph, operative paragraph or sub-paragraph."""

    kind: str  # "preambular" | "operative"
    number: int | None
    label: str
    text: str
    verb: str = ""
    strength: str = "none"  # "obligation" | "expectation" | "none"
    addressees: list[str] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)
    subparagraphs: list[ParsedParagraph] = field(default_factory=list)

    def _sub_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "text": self.text,
            "addressees": list(self.addressees),
            "deadlines": [d.to_dict() for d in self.deadlines],
            "subparagraphs": [s._sub_dict() for s in self.subparagraphs],
        }

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of this paragraph as it appears in :meth:`ParsedDocument.to_dict`."""
        if self.kind == "preambular":
            return {"text": self.text}
        if self.label:
            return self._sub_dict()
        return {
            "number": self.number,
            "text": self.text,
            "verb": self.verb,
            "strength": self.strength,
            "addressees": list(self.addressees),
            "deadlines": [d.to_dict() for d in self.deadlines],
            "subparagraphs": [s._sub_dict() for s in self.subparagraphs],
        }


@dataclass
class ParsedDocument:
    """A parsed resolution (or draft, or numbered report)."""

    symbol: str | None
    date: datetime.date | None
    title: str | None
    preambular: list[ParsedParagraph] = field(default_factory=list)
    operative: list[ParsedParagraph] = field(default_factory=list)
    #: What a person should check (one paragraph holding most of the text); not in the JSON.
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; dates are ISO strings. The shape is part of the public API."""
        return {
            "symbol": self.symbol,
            "date": self.date.isoformat() if self.date else None,
            "title": self.title,
            "preambular": [p.to_dict() for p in self.preambular],
            "operative": [p.to_dict() for p in self.operative],
        }
