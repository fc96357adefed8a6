"""Mandate renewals: "Decides to extend the mandate of MINUSCA until 15 November 2021".

A renewal is a clause of a paragraph whose lead verb decides, extends or renews ("Decides",
"Further decides", "Extends the mandate of UNMIL until 31 March 2015", "Renews ...") or of a
sub-paragraph of one ("Decides: (b) To renew the mandate of ...") that extends or renews "the
mandate of" someone.
What is reported:

* ``mission``: the acronym in parentheses after the name ("... in Mali (MINUSMA)"), else the
  acronym the name starts with ("MONUSCO in the DRC" → "MONUSCO", "MINUSMA within the
  authorized troop ceiling" → "MINUSMA"), else the name as written without "the", "current"
  or "present" ("UNOCI", "United Nations Interim Force in Lebanon", "Group of Experts");
* ``expires``: the date after "until", "to", "through" or "expiring (on)" in the same clause; or,
  when the clause gives only a period ("for a further period of six months"), the adoption date
  plus that period; else null;
* ``paragraph``: the reference of the paragraph ("8", "2(b)").

"Endorses ... its recommendation to renew the mandate" decides nothing: it is not a renewal.
"""

from __future__ import annotations

import datetime
import re

from .deadlines import add_period
from .model import Renewal
from .months import MONTH_ALTERNATION, month_number

_DATE = rf"(?P<day>\d{{1,2}})\s+(?P<month>{MONTH_ALTERNATION})\s*,?\s+(?P<year>\d{{4}})"
_EXTEND = re.compile(r"\b(?:[Ee]xtend|[Rr]enew)s?\b")
_CLAUSE_END = re.compile(r";|\.(?:\s|$)")
_MANDATE_OF = re.compile(
    r"\bmandates?\s+of\s+(?:the\s+)?(?:(?:current|present|existing)\s+)?(?P<name>.{1,200}?)"
    r"(?=\s*(?:,|;|\.(?:\s|$)|$|\s(?:as|for|until|to|through|expiring|ending|that|with|which|"
    r"in\s+accordance|set\s+out|established|contained|under|by|referred|appointed|pursuant|"
    r"at|authorized|mentioned|created)\b))"
)
_EXPIRES = re.compile(
    rf"\b(?:until|to|through|expiring(?:\s+on)?|ending(?:\s+on)?|terminating\s+on)\s+{_DATE}"
)
_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "eighteen": 18, "twenty-four": 24,
}  # fmt: skip
_PERIOD = re.compile(
    r"\bperiod\s+of\s+(?P<count>\d{1,3}|"
    + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
    + r")\s+(?P<unit>months?|years?|days?|weeks?)\b"
    r"|\bfurther\s+(?P<count2>\d{1,3})\s+(?P<unit2>months?|years?)\b",
    re.IGNORECASE,
)
_NAME_STOP = re.compile(r"[,;]|\s(?:until|as|expiring|through|which|that)\b")
_LEADING_ACRONYM = re.compile(r"([A-Z][A-Z-]{2,14})(?:\s|$)")
_ACRONYM_IN_PARENTHESES = re.compile(r"\(([A-Z][A-Za-z-]{1,14}(?:\s+[IV]+)?)\)")


def find_renewals(text: str, paragraph: str, adopted: datetime.date | None) -> list[Renewal]:
    """The renewals decided in ``text`` (a paragraph whose lead verb is "Decides", or one of its
    sub-paragraphs); ``paragraph`` is its reference."""
    if "andate" not in text:
        return []
    renewals: list[Renewal] = []
    position = 0
    for verb in _EXTEND.finditer(text):
        if verb.start() < position:
            continue
        end_match = _CLAUSE_END.search(text, verb.end())
        end = end_match.start() if end_match else len(text)
        clause = text[verb.start() : end]
        position = end
        mandate = _MANDATE_OF.search(clause)
        if mandate is None:
            continue
        mission = _mission(mandate.group("name"), clause[mandate.start("name") :])
        if not mission:
            continue
        renewals.append(Renewal(mission, _expiry(clause, adopted), paragraph))
    return renewals


def _mission(name: str, rest: str) -> str:
    """The acronym given in parentheses after the name, if any ("United Nations Mission for the
    Referendum in Western Sahara (MINURSO)"), else the name as written."""
    stop = _NAME_STOP.search(rest, 0, 240)
    acronym = _ACRONYM_IN_PARENTHESES.search(rest, 0, stop.start() if stop else 240)
    if acronym:
        return acronym.group(1)
    name = " ".join(name.split()).rstrip(",;:")
    leading = _LEADING_ACRONYM.match(name)
    if leading:  # "MONUSCO in the DRC", "MINUSMA within the authorized troop ceiling"
        return leading.group(1)
    return name


def _expiry(clause: str, adopted: datetime.date | None) -> datetime.date | None:
    date = _EXPIRES.search(clause)
    if date:
        try:
            return datetime.date(
                int(date.group("year")), month_number(date.group("month")), int(date.group("day"))
            )
        except ValueError:
            return None
    period = _PERIOD.search(clause)
    if period is None or adopted is None:
        return None
    count_word = (period.group("count") or period.group("count2")).lower()
    count = int(count_word) if count_word.isdigit() else _NUMBER_WORDS[count_word]
    return add_period(adopted, count, period.group("unit") or period.group("unit2"))
