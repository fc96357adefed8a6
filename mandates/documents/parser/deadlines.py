"""Deadlines in operative paragraphs: one-off due dates and recurrences.

One-off deadlines (``due``):

* "in September 2021", "by March 2022" -> the last day of that month;
* "by 31 March 2022", "no later than 30 June 2024", "on or before 1 May 2020" -> that day;
* "before 1 January 2025", "prior to 1 January 2025" -> the day before;
* "by the end of 2022" -> 31 December 2022; "by the end of March 2022" -> 31 March 2022;
* "within 90 days of the adoption of this resolution", "within three months" -> the adoption
  date plus that period (``due`` is null when the adoption date is unknown, or when the period
  runs from something else, "within 30 days of receiving the report");
* "by 31 March" without a year -> the next 31 March on or after the adoption date (or after the
  reference date given to the parser when the document has no date);
* "in his March 2006 report" -> the last day of that month;
* "by 11 October 2010, 21 January 2011 and 13 May 2011" -> each of those days;
* "to report to the Council on 1 August 2014" -> that day (a day after "on" counts only in a
  clause about reporting).

Relative deadlines with no date: "no later than 90 days after the Panel's appointment", "not
later than 45 days prior to its expiration" (a period counted forward needs "no later than";
one counted back does not), "in his next report", "in his first report" (``relative_to`` is
"his next report").

Not deadlines: dates that refer to something ("resolution 2282 (2016)", "its statement of 21
February 2007"), any date in the preamble, a one-off date before the adoption date (an event
already past), "in <month> <year>" in a paragraph that asks nothing (strength "none", e.g.
"Welcomes the elections held in June 2013"), and mandate ends ("until 31 December 2025",
"for a period of twelve months"): these describe how long a mandate lasts, not when a task is
due. Nor a date in a clause that asks nothing ("Supports the recommendation to return to the
ceiling by 31 March 2006"), or that states the Council's own intention ("Affirms its intention
to consider reviewing the mandate before 30 June 2016", "Decides to review ... by"): each date
belongs to the clause it is in. In a clause asking for a report by a date "on" some matter, a
later date within that matter is the matter's ("update the Council no later than 15 August 2014
on the preparation for a transition of authority by 15 September 2014").

Recurrences (``recurrence``, ISO 8601 durations): "every three months" -> P3M, "every 120 days"
-> P120D, "monthly"/"on a monthly basis" -> P1M, "quarterly" -> P3M, "every six months"/
"semi-annually"/"twice a year" -> P6M, "annually"/"every year" -> P1Y, "every two years" ->
P2Y; they count only in a clause about reporting, briefing or reviewing. "in his regular
reports", "in his reports" -> ``regular_reports``.

Each deadline also has a ``kind``: ``date`` (a date written in the text, with or without its
year), ``relative`` ("within 90 days of ..."; ``relative_to`` then says of what: ``adoption`` or
the words of the text, "receiving the report"), ``recurring`` (a recurrence) or ``with_report``
(due with each of the Secretary-General's regular reports).
"""

from __future__ import annotations

import bisect
import calendar
import datetime
import re

from .model import ADOPTION, REGULAR_REPORTS, RELATIVE, Deadline
from .months import MONTH_ALTERNATION, month_number
from .verbs import NONE, clause_openings, lead_verb_span, verb_strength

_MONTH = f"(?:{MONTH_ALTERNATION})"
_NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "eighteen": 18,
    "twenty": 20,
    "thirty": 30,
    "forty-five": 45,
    "forty five": 45,
    "sixty": 60,
    "ninety": 90,
    "one hundred and twenty": 120,
    "one hundred twenty": 120,
    "one hundred and eighty": 180,
    "one hundred eighty": 180,
}
_COUNT = (
    r"(\d{1,3}|" + "|".join(sorted((re.escape(k) for k in _NUMBER_WORDS), key=len, reverse=True))
) + r")"
_UNIT = r"(days?|weeks?|months?|years?)"

_FULL_DATE = rf"(?P<fday>\d{{1,2}})\s+(?P<fmonth>{_MONTH})\s*,?\s+(?P<fyear>\d{{4}})"
# Case-sensitive (months are capitalised, triggers mid-sentence): far faster than IGNORECASE.
# Each pattern that opens with "\b" and a trigger first looks ahead for the trigger's first
# letter: the same matches, but most positions are ruled out at once (much faster).
_ONE_OFF = re.compile(
    rf"""(?=[BbNnOoPpIiDd])\b(?P<trigger>[Bb]y|[Nn]o\s+later\s+than|[Nn]ot\s+later\s+than|[Oo]n\s+or\s+before|
            [Bb]efore|[Pp]rior\s+to|[Ii]n|[Dd]uring)\s+
        (?:(?P<end>the\s+end\s+of)\s+)?
        (?:{_FULL_DATE}
          |(?P<month>{_MONTH})\s+(?P<myear>\d{{4}})
          |(?P<year>\d{{4}})\b(?!\s*\)))""",
    re.VERBOSE,
)
_YEARLESS = re.compile(
    r"(?=[BbNn])\b"
    rf"(?P<trigger>[Bb]y|[Nn]o\s+later\s+than|[Nn]ot\s+later\s+than|[Bb]efore)\s+(\d{{1,2}})\s+"
    rf"(?P<month>{_MONTH})\b(?!\s*,?\s*\d{{4}})",
)
_WITHIN = re.compile(
    rf"\b[Ww]ithin\s+(?:the\s+next\s+|a\s+period\s+of\s+)?{_COUNT}\s+{_UNIT}"
    r"(?P<anchor>\s+(?:of|after|from|following)\s+(?P<what>[^,;.:]{1,80}?)"
    r"(?=\s*(?:[,;.:]|$|\s(?:to|in\s+order|on|with|and|by)\b)))?",
)
# "no later than 90 days after the Panel's appointment", "not later than 45 days prior to its
# expiration": a period before or after an event. Counting forward needs the trigger (a bare
# "30 days after" tells when something else happens); counting back from an event does not.
_AROUND = re.compile(
    rf"(?:\b(?P<trigger>[Nn]o\s+later\s+than|[Nn]ot\s+later\s+than|[Aa]t\s+(?:the\s+)?latest|"
    rf"[Aa]t\s+least)\s+)?(?<![Ww]ithin\s)\b{_COUNT}\s+{_UNIT}\s+"
    r"(?P<direction>after|following|from|prior\s+to|before|ahead\s+of)\s+"
    r"(?P<what>(?:the|its|his|their|each|any)\b[^,;.:]{1,80}?)"
    r"(?=\s*(?:[,;.:]|$|\s(?:to|in\s+order|on|with|and|by|including)\b))",
)
# A report named by when it is due ("in his March 2006 report") or by its place ("in his next
# report", "in its first report").
_POSSESSIVE = r"(?:his|her|its|their|the(?:\s+Secretary[-\s]?General[’']s)?)"
_DATED_REPORT = re.compile(
    rf"\b[Ii]n\s+{_POSSESSIVE}\s+(?P<month>{_MONTH})\s+(?P<year>\d{{4}})\s+"
    r"(?:(?:regular|periodic|progress|quarterly|annual|special)\s+)?report\b",
)
_NEXT_REPORT = re.compile(
    rf"\b[Ii]n\s+(?P<which>{_POSSESSIVE}\s+(?:next|first|forthcoming|upcoming|following|"
    r"subsequent|final|second|third|fourth|last)\s+(?:(?:regular|periodic|progress|quarterly|"
    r"annual|special|written)\s+)?report)\b(?!s)",
)
# "in his reports", "in its future reports": with each report, as "in his regular reports".
_WITH_REPORTS = re.compile(
    rf"\b[Ii]n\s+{_POSSESSIVE}\s+(?:(?:future|subsequent|upcoming|forthcoming|periodic|"
    r"further)\s+)?reports\b",
)
# "on 1 August 2014" in a clause about reporting: the day a report is due; not after a word
# that makes it the day of an event ("held on", "signed on", "scheduled on", "took place on").
_EVENT_BEFORE = re.compile(r"(?:\w+ed|held|signed|begun|began|took\s+place|set|made|met)\s+$")
_ON_DATE = re.compile(rf"\b[Oo]n\s+{_FULL_DATE}")
# More days after a date: "by 11 October 2010, 21 January 2011 and 13 May 2011" (one with its
# own trigger, "and by 13 May 2011", is found on its own).
_MORE_DATES = re.compile(rf"(?:\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+){_FULL_DATE}")
_EVERY = re.compile(rf"\b(?:at\s+least\s+)?[Ee]very\s+(?:{_COUNT}\s+)?{_UNIT}")
_ADVERBIAL = re.compile(
    r"\b(?:on\s+an?\s+)?(?P<word>monthly|quarterly|semi-?annual(?:ly)?|bi-?annual(?:ly)?|"
    r"annual(?:ly)?|yearly|weekly|biennial(?:ly)?)(?:\s+basis)?\b"
    r"|\b(?P<twice>twice\s+(?:a|per|each)\s+year|twice\s+yearly|once\s+(?:a|per|each)\s+year)\b",
)
_REGULAR_REPORTS = re.compile(
    r"\b(?:in\s+(?:his|her|its|their|the(?:\s+Secretary[-\s]?General[’']s)?)\s+)?"
    r"regular\s+reports\b",
)
_REPORTING = re.compile(
    r"\b(?:report|reports|reporting|brief|briefing|briefings|briefs|inform|update|updates|"
    r"submit|review|reviews|assess|assessment|consult|meet|meetings|convene|present)\b",
)
_ADVERBIAL_PERIOD = {
    "monthly": "P1M",
    "quarterly": "P3M",
    "semiannual": "P6M",
    "semiannually": "P6M",
    "biannual": "P6M",
    "biannually": "P6M",
    "annual": "P1Y",
    "annually": "P1Y",
    "yearly": "P1Y",
    "weekly": "P1W",
    "biennial": "P2Y",
    "biennially": "P2Y",
}
_CLAUSE_END = re.compile(r"[;.](?:\s|$)")
# "\d\d\d\d" rather than "\d{4}": a pattern that opens with a single character class lets the
# regex engine skip quickly to candidate positions (a repeat does not), same matches.
_HAS_YEAR = re.compile(r"\d\d\d\d")
_HAS_MONTH = re.compile(_MONTH)
_ADVERBIAL_CUES = (
    "monthly",
    "quarterly",
    "annual",
    "yearly",
    "weekly",
    "biennial",
    "twice",
    "once a",
)


def _month_number(name: str) -> int:
    return month_number(name)


def _end_of_month(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _day_before(day: datetime.date) -> datetime.date | None:
    """The day before, or None before 1 January of year 1 (a text may say "before 0001")."""
    return day - datetime.timedelta(days=1) if day > datetime.date.min else None


def add_period(start: datetime.date, count: int, unit: str) -> datetime.date | None:
    """``start`` plus ``count`` days, weeks, months or years (month ends are clamped); None
    past the end of the calendar (year 9999)."""
    try:
        return _add_period(start, count, unit)
    except (OverflowError, ValueError):
        return None


def _add_period(start: datetime.date, count: int, unit: str) -> datetime.date:
    unit = unit.lower().rstrip("s")
    if unit == "day":
        return start + datetime.timedelta(days=count)
    if unit == "week":
        return start + datetime.timedelta(weeks=count)
    months = count * 12 if unit == "year" else count
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return datetime.date(year, month, day)


def _count(word: str | None) -> int:
    if not word:
        return 1
    word = word.lower()
    return int(word) if word.isdigit() else _NUMBER_WORDS.get(" ".join(word.split()), 1)


def _duration(count: int, unit: str) -> str:
    """An ISO 8601 duration: (3, "months") -> "P3M"; whole years of months -> "P1Y"."""
    unit = unit.lower().rstrip("s")
    if unit == "month" and count % 12 == 0:
        count, unit = count // 12, "year"
    letter = {"day": "D", "week": "W", "month": "M", "year": "Y"}[unit]
    return f"P{count}{letter}"


class _Clauses:
    """The clauses of a paragraph (between semicolons or full stops), found once.

    A paragraph may hold thousands of "every month"s: finding the clause of each by reading
    the text from its start, and reading a clause again for each match in it, is quadratic.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        ends = list(_CLAUSE_END.finditer(text))
        self.starts = [m.start() for m in ends]  # where each clause's punctuation is
        self.ends = [m.end() for m in ends]  # where the next clause begins
        self._reporting: dict[tuple[int, int], bool] = {}

    def about_reporting(self, start: int, end: int) -> bool:
        """Does the clause that contains text[start:end] speak of reporting?"""
        before = bisect.bisect_right(self.ends, start)
        left = self.ends[before - 1] if before else 0
        after = bisect.bisect_left(self.starts, end)
        right = self.starts[after] if after < len(self.starts) else len(self.text)
        key = (left, right)
        if key not in self._reporting:
            self._reporting[key] = bool(_REPORTING.search(self.text[left:right].lower()))
        return self._reporting[key]


def _safe_date(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def find_deadlines(
    text: str,
    *,
    adopted: datetime.date | None,
    strength: str,
    reference: datetime.date | None = None,
    lead_strength: str | None = None,
) -> list[Deadline]:
    """Deadlines in an operative paragraph (or sub-paragraph), in order of appearance.

    ``adopted`` is the adoption date (for "within 90 days" and to drop past events);
    ``reference`` replaces it for yearless dates when the document has no date.
    ``lead_strength`` is the strength of the lead verb alone (None when there is none to judge:
    the lead clause is then taken to ask something). A deadline in a clause that asks nothing
    ("Supports the recommendation to return to the ceiling by 31 March 2006") or that states
    the Council's own intention ("Affirms its intention to consider reviewing the mandate
    before 30 June 2016") is no one's deadline.
    """
    found: list[tuple[int, Deadline]] = []
    lowered = text.lower()
    has_month = bool(_HAS_MONTH.search(text))
    if (has_month or "end of" in lowered or "by " in lowered or "before" in lowered) and (
        _HAS_YEAR.search(text)
    ):
        _one_off(text, adopted, strength, found)
    if has_month:
        _yearless(text, adopted or reference, found)
    if "within" in lowered:
        _within(text, adopted, found)
    if (
        " after " in lowered
        or " before " in lowered
        or "prior to" in lowered
        or (" following " in lowered or " from " in lowered or "ahead of" in lowered)
    ):
        _around(text, adopted, found)
    if "report" in lowered:
        _reports(text, found)
    if has_month and strength != NONE and "on " in lowered:
        _on_dates(text, adopted, found)
    _recurrences(text, lowered, found)
    found = _asked(text, found, lead_strength)
    result: list[Deadline] = []
    seen: set[tuple[str, datetime.date | None, str | None]] = set()
    for _, deadline in found:
        key = (deadline.text, deadline.due, deadline.recurrence)
        if key not in seen:  # a set: a paragraph may hold thousands of dates
            seen.add(key)
            result.append(deadline)
    return result


def _one_off(
    text: str,
    adopted: datetime.date | None,
    strength: str,
    found: list[tuple[int, Deadline]],
) -> None:
    for match in _ONE_OFF.finditer(text):
        trigger = " ".join(match.group("trigger").lower().split())
        at_end = bool(match.group("end"))
        due: datetime.date | None
        if match.group("fday"):
            due = _safe_date(
                int(match.group("fyear")),
                _month_number(match.group("fmonth")),
                int(match.group("fday")),
            )
        elif match.group("month"):
            due = _end_of_month(int(match.group("myear")), _month_number(match.group("month")))
        else:
            if not at_end and trigger not in ("by", "before", "no later than", "not later than"):
                continue  # "in 2021" is too vague to be a due date
            year = int(match.group("year"))
            due = _safe_date(year, 12, 31) if at_end or trigger != "before" else None
            if trigger == "before" and not at_end:
                due = _safe_date(year, 1, 1)
        if due is None:
            continue
        if trigger in ("in", "during") and (match.group("fday") or strength == NONE):
            continue  # "in 3 May" is not a phrase; "held in June 2013" asks nothing
        if trigger in ("before", "prior to") and not at_end:
            due = _day_before(due)
            if due is None:
                continue
        if adopted and due < adopted:
            continue
        found.append((match.start(), Deadline(text=_phrase(text, match), due=due)))
        if match.group("fday"):
            _more_dates(text, match.end(), trigger, adopted, found)


def _more_dates(
    text: str,
    end: int,
    trigger: str,
    adopted: datetime.date | None,
    found: list[tuple[int, Deadline]],
) -> None:
    """The days listed after a first one ("by 11 October 2010, 21 January 2011 and 13 May
    2011"): each is due as the first is."""
    while more := _MORE_DATES.match(text, end):
        end = more.end()
        due = _safe_date(
            int(more.group("fyear")), _month_number(more.group("fmonth")), int(more.group("fday"))
        )
        if due is not None and trigger in ("before", "prior to"):
            due = _day_before(due)
        if due is None or (adopted and due < adopted):
            continue
        start = more.start("fday")
        phrase = " ".join(text[start:end].split())
        found.append((start, Deadline(text=phrase, due=due)))


def _phrase(text: str, match: re.Match[str]) -> str:
    return " ".join(text[match.start() : match.end()].split())


def _yearless(
    text: str, reference: datetime.date | None, found: list[tuple[int, Deadline]]
) -> None:
    for match in _YEARLESS.finditer(text):
        day, month = int(match.group(2)), _month_number(match.group("month"))
        due: datetime.date | None = None
        if reference:
            for year in (reference.year, reference.year + 1):
                candidate = _safe_date(year, month, day)
                if candidate and candidate >= reference:
                    due = candidate
                    break
            if due and match.group("trigger").lower() == "before":
                due = _day_before(due)
        found.append((match.start(), Deadline(text=_phrase(text, match), due=due)))


def _within(text: str, adopted: datetime.date | None, found: list[tuple[int, Deadline]]) -> None:
    for match in _WITHIN.finditer(text):
        count = _count(match.group(1))
        unit = match.group(2)
        what = (match.group("what") or "").lower()
        from_adoption = not what or "adoption" in what or what.endswith("resolution")
        due = add_period(adopted, count, unit) if adopted and from_adoption else None
        relative_to = ADOPTION if from_adoption else " ".join(match.group("what").split())
        deadline = Deadline(
            text=_phrase(text, match), due=due, kind=RELATIVE, relative_to=relative_to
        )
        found.append((match.start(), deadline))


def _recurrences(text: str, lowered: str, found: list[tuple[int, Deadline]]) -> None:
    if "regular reports" in lowered:
        for match in _REGULAR_REPORTS.finditer(text):
            deadline = Deadline(text=_phrase(text, match), recurrence="regular_reports")
            found.append((match.start(), deadline))
    every = "every" in lowered
    adverbial = any(map(lowered.__contains__, _ADVERBIAL_CUES))
    if every or adverbial:
        clauses = _Clauses(text)  # found once for both
        if every:
            _every(text, clauses, found)
        if adverbial:
            _adverbial(text, clauses, found)


def _every(text: str, clauses: _Clauses, found: list[tuple[int, Deadline]]) -> None:
    for match in _EVERY.finditer(text):
        if not clauses.about_reporting(match.start(), match.end()):
            continue
        recurrence = _duration(_count(match.group(1)), match.group(2))
        found.append((match.start(), Deadline(text=_phrase(text, match), recurrence=recurrence)))


def _adverbial(text: str, clauses: _Clauses, found: list[tuple[int, Deadline]]) -> None:
    for match in _ADVERBIAL.finditer(text):
        if not clauses.about_reporting(match.start(), match.end()):
            continue
        if match.group("twice"):
            recurrence = "P1Y" if match.group("twice").lower().startswith("once") else "P6M"
        else:
            recurrence = _ADVERBIAL_PERIOD[match.group("word").lower().replace("-", "")]
        found.append((match.start(), Deadline(text=_phrase(text, match), recurrence=recurrence)))


def _around(text: str, adopted: datetime.date | None, found: list[tuple[int, Deadline]]) -> None:
    for match in _AROUND.finditer(text):
        direction = " ".join(match.group("direction").split())
        forward = direction in ("after", "following", "from")
        if forward and not match.group("trigger"):
            continue
        what = " ".join(match.group("what").split())
        lowered = what.lower()
        from_adoption = forward and "adoption" in lowered and lowered.endswith("resolution")
        due = None
        if from_adoption and adopted:
            due = add_period(adopted, _count(match.group(2)), match.group(3))
        deadline = Deadline(
            text=_phrase(text, match),
            due=due,
            kind=RELATIVE,
            relative_to=ADOPTION if from_adoption else what,
        )
        found.append((match.start(), deadline))


def _reports(text: str, found: list[tuple[int, Deadline]]) -> None:
    """Deadlines named by a report: "in his March 2006 report" (the end of that month), "in
    his next report" (relative to that report), "in his reports" (with each report)."""
    for match in _DATED_REPORT.finditer(text):
        due = _end_of_month(int(match.group("year")), _month_number(match.group("month")))
        found.append((match.start(), Deadline(text=_phrase(text, match), due=due)))
    for match in _NEXT_REPORT.finditer(text):
        which = " ".join(match.group("which").split())
        deadline = Deadline(text=_phrase(text, match), kind=RELATIVE, relative_to=which)
        found.append((match.start(), deadline))
    for match in _WITH_REPORTS.finditer(text):
        deadline = Deadline(text=_phrase(text, match), recurrence=REGULAR_REPORTS)
        found.append((match.start(), deadline))


def _on_dates(text: str, adopted: datetime.date | None, found: list[tuple[int, Deadline]]) -> None:
    """ "to report to the Council on 1 August 2014": a day in a clause about reporting (not
    "the agreement signed on 18 June 2014", a past event, nor a day outside reporting)."""
    clauses: _Clauses | None = None
    for match in _ON_DATE.finditer(text):
        due = _safe_date(
            int(match.group("fyear")),
            _month_number(match.group("fmonth")),
            int(match.group("fday")),
        )
        if due is None or (adopted and due < adopted):
            continue
        clauses = clauses or _Clauses(text)
        if not clauses.about_reporting(match.start(), match.end()):
            continue
        if _EVENT_BEFORE.search(text, max(0, match.start() - 30), match.start()):
            continue  # "the elections held on 1 June 2021": when something happens
        found.append((match.start(), Deadline(text=_phrase(text, match), due=due)))
        _more_dates(text, match.end(), "on", adopted, found)


# Where the Council speaks of itself: "its intention to", "Decides to review", "Decides to
# convene a meeting", "decides that it will consider".
_OWN_INTENTION = re.compile(
    r"\s*(?:,\s*)?(?:in\s+this\s+regard\s+|further\s+|also\s+)*(?:its\s+(?:firm\s+)?(?:"
    r"intention|readiness|willingness|determination|resolve|plan)\b"
    r"|to\s+(?:review|consider|reconsider|revisit|examine|evaluate|keep|remain|"
    r"further\s+consider|assess|convene|hold|meet)\b|that\s+it\s+(?:will|shall|intends|may)\b)",
    re.I,
)


def _asked(
    text: str, found: list[tuple[int, Deadline]], lead_strength: str | None
) -> list[tuple[int, Deadline]]:
    """The deadlines of the clauses that ask someone to act.

    Each deadline belongs to the clause it is in: the lead verb's, or that of a later verb
    (", and requests ..."). A clause whose verb asks nothing ("Supports", "Welcomes") or states
    the Council's own intention ("Affirms its intention to", "Decides to review") gives no
    deadline. In a clause asking for a report by a date "on" some matter, a later date within
    that matter ("on preparations for a transition by 15 September") is the matter's, not the
    report's.
    """
    if not found:
        return found
    # (offset, asks): the lead verb's clause from 0, then each later clause.
    governors: list[tuple[int, bool]] = [(0, lead_strength != NONE and not _own(text, 0))]
    if lead_strength is None:
        governors = [(0, True)]
    for verb, end in clause_openings(text):
        governors.append((end, verb_strength(verb) != NONE and not _own(text, end)))
    starts = [offset for offset, _ in governors]
    kept: list[tuple[int, Deadline]] = []
    last_date: dict[int, int] = {}  # clause -> end of its first dated deadline
    for offset, deadline in sorted(found, key=lambda item: item[0]):
        clause = bisect.bisect_right(starts, offset) - 1
        if not governors[clause][1]:
            continue
        if deadline.kind == "date" and deadline.due is not None:
            first = last_date.get(clause)
            if first is None:
                last_date[clause] = offset + len(deadline.text)
            elif _about(text, first, offset):
                continue
        kept.append((offset, deadline))
    return kept


def _own(text: str, offset: int) -> bool:
    """Does the clause whose verb ends at ``offset`` state the Council's own intention?"""
    return bool(_OWN_INTENTION.match(text, offset)) if offset else _own_lead(text)


def _own_lead(text: str) -> bool:
    _verb, end = lead_verb_span(text, "operative")
    return bool(end and _OWN_INTENTION.match(text, end))


_TOPIC = re.compile(r"\s(?:on|regarding|concerning|about)\s")
_NEW_TASK = re.compile(r"[;]|\b(?:and|also|further)\s+to\s+[a-z]|\breports?\b|\bbrief")


def _about(text: str, first_end: int, offset: int) -> bool:
    """Is the date at ``offset`` inside the matter ("on the state of preparation for ...") of
    the report due at the date ending at ``first_end``?"""
    between = text[first_end:offset]
    topic = _TOPIC.search(between)
    return topic is not None and not _NEW_TASK.search(between, topic.end())
