"""Symbol, date and title of a resolution, read from its header.

* Symbol: "S/RES/2553 (2020)" (normalised with one space before the year), from a running
  header, from a heading "Resolution 2553 (2020)", or from "resolution 2553 (2020) reads as
  follows" in a press release; a draft's own symbol ("S/2014/302") from its header; a joint
  symbol on two header lines ("A/62/659" and "S/2008/39") becomes "A/62/659-S/2008/39".
* Date: the adoption date ("Adopted by the Security Council at its 7165th meeting, on 28 April
  2014", "Adopted by the Security Council on 3 December 2020", "Resolution 17 (1947) of 10
  February 1947"), else the document date of the header ("Distr.: General 28 April 2014", a
  date alone on a header line).
* Title: a short line between the header and "The Security Council," that is not header
  furniture ("Security sector reform"). Most texts have none, and none is guessed.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass

from .months import MONTH_ALTERNATION, month_number

_MONTH = f"({MONTH_ALTERNATION})"
_DATE = rf"(\d{{1,2}})\s+{_MONTH}\s*,?\s+(\d{{4}})"
_HEADER_LINES = 60

_RES_SYMBOL = re.compile(r"\bS/RES/(\d{1,4})\s*\((\d{4})\)")
_RES_SYMBOL_LINE = re.compile(
    r"^\W{0,3}(?:United\s+Nations\s+)?S/RES/(\d{1,4})\s*\((\d{4})\)", re.MULTILINE
)
_TOP_LINES = 15
_RES_HEADING = re.compile(
    r"^\W{0,3}(?:RESOLUTION|Resolution)\s+(\d{1,4})\s*\((\d{4})\)"
    r"|^(\d{1,4})\s*\((\d{4})\)\s*\.\s*Resolution\b"
    rf"|^(\d{{1,4}})\s+Resolution\s+of\s+\d{{1,2}}\s+{_MONTH}\s+(\d{{4}})",
    re.MULTILINE,
)
_PRESS_SYMBOL = re.compile(
    r"\bresolution\s+(\d{1,4})\s*\((\d{4})\)\s+(?:reads|was\s+adopted|as\s+follows)", re.I
)
_DOC_SYMBOL_LINE = re.compile(
    r"^\s*(?:United\s+Nations\s+)?((?:S|A)/(?:\d{2,4}/)?\d+(?:/(?:Rev|Add|Corr)\.\d+)?)\s*\*?\s*$",
    re.MULTILINE,
)
_ADOPTED = re.compile(
    rf"Adopted\s+by\s+the\s+Security\s+Council\s+(?:at\s+its\s+[^,.]{{0,40}}?meeting\s*,?\s*)?"
    rf"(?:held\s+)?on\s+{_DATE}",
    re.I,
)
_RESOLUTION_OF = re.compile(
    rf"^\W{{0,3}}(?:\d+\s*(?:\(\d{{4}}\)\.?)?\s*)?(?:RESOLUTION|Resolution)\s+(?:\d+\s*\(\d{{4}}\)\s*)?"
    rf"of\s+{_DATE}",
    re.MULTILINE,
)
_DISTR_DATE = re.compile(
    rf"Distr\.?:?\s*(?:General|GENERAL|Limited|LIMITED)\s*,?\s*(?:S/RES/\d+\s*\(\d{{4}}\)\s*)?{_DATE}"
)
_DATE_LINE = re.compile(rf"^\s*(?:on\s+)?{_DATE}\s*$", re.MULTILINE)
_COUNCIL_LINE = re.compile(
    r"^\W{0,3}\w?(?:The\s+Secur\w*\s+C\w{3,5}il\s*(?:,|$)|Security\s+Council\s*,)", re.MULTILINE
)
_TITLE_CANDIDATE = re.compile(r"^[A-Z][\w ,'’()-]{3,80}$")
_NOT_TITLE = re.compile(
    r"^(?:United Nations|UNITED NATIONS|Security Council|General Assembly|Distr|Original|"
    r"Resolution|RESOLUTION|Adopted|Publisher|UN Security Council|Publication Date|Reference|"
    r"Citation|Cite as|Page|Summary|Contents|English|French|Spanish|Arabic|Russian|Chinese|"
    r"The Security Council|Letter|Note|Report|Draft|Agenda|Item|Provisional|Author|Comments|"
    r"Other Languages|Concerns)\b"
    r"|draft resolution|\d|^[A-Z]$",
)


@dataclass
class Metadata:
    """What the header says about the document."""

    symbol: str | None
    date: datetime.date | None
    title: str | None


def _date(day: str, month: str, year: str) -> datetime.date | None:
    try:
        return datetime.date(int(year), month_number(month), int(day))
    except ValueError:
        return None


def _header(text: str) -> str:
    """The first ``_HEADER_LINES`` non-blank lines."""
    lines = text.split("\n", _HEADER_LINES * 3)  # only the first lines are looked at
    head: list[str] = []
    for line in lines[: _HEADER_LINES * 3]:
        if line.strip():
            head.append(line)
        if len(head) >= _HEADER_LINES:
            break
    return "\n".join(head)


def read_metadata(text: str) -> Metadata:
    """Read symbol, date and title from normalised text."""
    head = _header(text)
    symbol, symbol_year = _symbol(head, text)
    return Metadata(symbol=symbol, date=_adoption_date(head, symbol_year), title=_title(head))


def _symbol(head: str, text: str) -> tuple[str | None, int | None]:
    """The symbol and, for a resolution, its year (to pick the right adoption date)."""
    top = "\n".join(head.split("\n", _TOP_LINES)[:_TOP_LINES])
    has_symbol = "S/RES/" in head  # cheap tests of words the patterns need
    has_heading = "Resolution" in head or "RESOLUTION" in head
    for pattern, source, possible in (
        (_RES_SYMBOL, top, has_symbol),
        (_RES_SYMBOL_LINE, head, has_symbol),
        (_RES_HEADING, head, has_heading),
        (_PRESS_SYMBOL, head, True),
    ):
        match = pattern.search(source) if possible else None
        if match:
            groups = [g for g in match.groups() if g and not g.isalpha()]
            return f"S/RES/{int(groups[0])} ({groups[-1]})", int(groups[-1])
    first = _DOC_SYMBOL_LINE.search(text)
    if first:
        symbol = first.group(1)
        following = text[first.end() :].lstrip("\n ")
        second = _DOC_SYMBOL_LINE.match(following.split("\n", 1)[0])
        if second and second.group(1).split("/")[0] != symbol.split("/")[0]:
            symbol = f"{symbol}-{second.group(1)}"
        return symbol, None
    return None, None


def _adopted_matches(head: str) -> Iterator[re.Match[str]]:
    """``_ADOPTED.finditer(head)``, faster: a match can only start where "adopted" is written
    (in any case), so only those offsets are tried, instead of scanning with IGNORECASE."""
    lowered = head.lower()
    if len(lowered) != len(head):  # offsets in ``lowered`` would not be those of ``head``
        yield from _ADOPTED.finditer(head)
        return
    end = 0  # like finditer, matches do not overlap
    start = lowered.find("adopted")
    while start >= 0:
        if start >= end:
            match = _ADOPTED.match(head, start)
            if match:
                yield match
                end = match.end()
        start = lowered.find("adopted", start + 1)


def _adoption_date(head: str, year: int | None) -> datetime.date | None:
    """The adoption date (preferring one in the symbol's year), else the document date."""
    candidates: list[datetime.date] = []
    for matches in (_adopted_matches(head), _RESOLUTION_OF.finditer(head)):
        for match in matches:
            found = _date(*match.groups()[-3:])
            if found:
                candidates.append(found)
        if candidates:
            break
    if candidates:
        for candidate in candidates:
            if year is None or candidate.year == year:
                return candidate
        return candidates[0]
    for pattern in (_DISTR_DATE, _DATE_LINE):
        dated = pattern.search(head)
        if dated:
            found = _date(*dated.groups()[-3:])
            if found:
                return found
    return None


def _title(head: str) -> str | None:
    """A short title line between the header and "The Security Council,", if there is one."""
    council = _COUNCIL_LINE.search(head)
    if not council:
        return None
    before = [line.strip() for line in head[: council.start()].split("\n") if line.strip()]
    if not before:
        return None
    candidate = before[-1]
    header_seen = any(
        _RES_HEADING.search(line) or _ADOPTED.search(line) or _RES_SYMBOL.search(line)
        for line in before[:-1]
    )
    if (
        header_seen
        and _TITLE_CANDIDATE.match(candidate)
        and not _NOT_TITLE.search(candidate)
        and len(candidate.split()) <= 10
        and not candidate.endswith((",", ";", ":", "."))
    ):
        return candidate
    return None
