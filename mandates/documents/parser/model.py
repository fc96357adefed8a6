"""The parser's result types and its only exception.

These dataclasses are the public contract with the Django side: keep their fields and the
shape returned by :meth:`ParsedDocument.to_dict` stable.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from .addressees import addressee_kind
from .ssr import Ssr, assess


class ParseError(ValueError):
    """The input is not a resolution the parser can read.

    The message is meant for a person ("The file is empty"), not for a log parser.
    """


#: The version of the JSON shape of :meth:`ParsedDocument.to_dict`, described by
#: ``docs/parse-output.schema.json``. A new optional key is a minor version; a key removed or
#: changed in meaning would be a major one.
SCHEMA_VERSION = "1.2.0"

# Deadline kinds.
DATE = "date"
RELATIVE = "relative"
RECURRING = "recurring"
WITH_REPORT = "with_report"
DEADLINE_KINDS = (DATE, RELATIVE, RECURRING, WITH_REPORT)
#: What a relative deadline runs from when it runs from the resolution's adoption.
ADOPTION = "adoption"
REGULAR_REPORTS = "regular_reports"


@dataclass
class Deadline:
    """A deadline found in an operative paragraph.

    ``due`` is set for one-off deadlines whose date can be worked out; ``recurrence`` is an
    ISO 8601 duration ("P3M", "P120D") or ``"regular_reports"`` for "in his regular reports".
    ``kind`` is one of :data:`DEADLINE_KINDS` (worked out from ``recurrence`` when not given);
    ``relative_to`` says what a ``relative`` deadline runs from: ``"adoption"`` or the words of
    the text ("receiving the report", "the expiration of the mandate", "his next report").
    """

    text: str
    due: datetime.date | None = None
    recurrence: str | None = None
    kind: str = ""
    relative_to: str | None = None

    def __post_init__(self) -> None:
        if not self.kind:
            if self.recurrence == REGULAR_REPORTS:
                self.kind = WITH_REPORT
            elif self.recurrence:
                self.kind = RECURRING
            else:
                self.kind = DATE

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "due": self.due.isoformat() if self.due else None,
            "recurrence": self.recurrence,
            "kind": self.kind,
            "relative_to": self.relative_to,
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
    #: SSR relevance and themes (:func:`.ssr.assess`); worked out from the text when not set.
    ssr: Ssr | None = None

    def ssr_or_assess(self) -> Ssr:
        if self.ssr is None:
            self.ssr = assess(self.text)
        return self.ssr

    def _addressee_details(self) -> list[dict[str, str]]:
        return [{"text": name, "kind": addressee_kind(name)} for name in self.addressees]

    def _sub_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "text": self.text,
            "addressees": list(self.addressees),
            "deadlines": [d.to_dict() for d in self.deadlines],
            "subparagraphs": [s._sub_dict() for s in self.subparagraphs],
            "addressee_details": self._addressee_details(),
            "ssr": self.ssr_or_assess().to_dict(),
        }

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of this paragraph as it appears in :meth:`ParsedDocument.to_dict`.

        The keys of schema 1.0.0 come first, in their order; keys added since follow them.
        """
        if self.kind == "preambular":
            return {"text": self.text, "ssr": self.ssr_or_assess().to_dict()}
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
            "addressee_details": self._addressee_details(),
            "ssr": self.ssr_or_assess().to_dict(),
        }


@dataclass
class Renewal:
    """A mandate renewal ("Decides to extend the mandate of MINUSCA until 15 November 2021"):
    the mission, the new expiry (None when the text gives neither a date nor, with a known
    adoption date, a period) and the reference of the paragraph ("8", "2(b)")."""

    mission: str
    expires: datetime.date | None
    paragraph: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "mission": self.mission,
            "expires": self.expires.isoformat() if self.expires else None,
            "paragraph": self.paragraph,
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
    #: Mandates this document extends or renews.
    renewals: list[Renewal] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; dates are ISO strings. The shape is part of the public API: it is
        described by ``docs/parse-output.schema.json``, at version :data:`SCHEMA_VERSION`."""
        return {
            "schema_version": SCHEMA_VERSION,
            "symbol": self.symbol,
            "date": self.date.isoformat() if self.date else None,
            "title": self.title,
            "preambular": [p.to_dict() for p in self.preambular],
            "operative": [p.to_dict() for p in self.operative],
            "renewals": [r.to_dict() for r in self.renewals],
        }
