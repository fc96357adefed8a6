"""Which elements of 2553 OP20(e)/(f) does a Secretary-General report cover, read from its text?

A proposal for staff to confirm, not a verdict. Steps of :func:`propose`:

1. Split the report into its numbered paragraphs: a line that starts with a number and a full
   stop ("45. The principles ...") opens paragraph 45, which runs to the next such line (its
   lettered items, page headers and footnotes included). Numbers must rise: a "3." inside a
   paragraph that follows 44 is a list item, not paragraph 3.
2. Keep the paragraphs on security sector reform (:func:`mandates.documents.parser.ssr.assess`):
   a report on a mission covers much else.
3. For each element (the values of :class:`mandates.choices.CoverageElement`), the paragraphs
   among those that name it (:data:`ELEMENT_PATTERNS`), with the words that did. Progress of
   SSR is every SSR paragraph that speaks of progress or of what was done.
4. The paragraph numbers are written as the coverage checklist writes them: "12-14, 20".

Pure Python, like the parser: no Django import, so it is tested and timed alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from mandates.documents.parser.ssr import assess

_PARAGRAPH = re.compile(r"^[ \t]*(?P<number>\d{1,4})\.[ \t]+(?=\S)", re.MULTILINE)

#: Element (a CoverageElement value) -> the words that name it in an SSR paragraph.
ELEMENT_PATTERNS: dict[str, re.Pattern[str]] = {
    "ssr_progress": re.compile(
        r"(?i:\bprogress\b|\bachiev\w+|\bimplement(?:ed|ation)\b|\badvances?\b|\bsupported\b"
        r"|\bhas\s+(?:been\s+)?(?:assisted|established|adopted|completed|developed)\b)"
    ),
    "benchmarks": re.compile(r"(?i:\bbenchmarks?\b|\bindicators?\b|\bmilestones?\b)"),
    "obstacles": re.compile(
        r"(?i:\bobstacles?\b|\bchallenges?\b|\bconstraints?\b|\bimpediments?\b"
        r"|\bbottlenecks?\b|\bshortfalls?\b|\bgaps?\b|\black\s+of\b|\bhamper\w*|\bundermin\w+)"
    ),
    "host_commitments": re.compile(
        r"(?i:\bnational(?:ly)?[-\s]+(?:ownership|owned|led)\b|\bcommitments?\b|\bcommitted\b"
        r"|\bpolitical\s+will\b|\bnational\s+(?:vision|strateg(?:y|ies)|resources|budgets?)\b)"
    ),
    "coordination": re.compile(
        r"(?i:\bcoordinat\w+|\bcoheren\w+|\bdivision\s+of\s+labour\b|\bjoint\s+(?:programm\w+"
        r"|mechanisms?|assessments?)\b)"
    ),
    "other_actors": re.compile(
        r"(?i:\bbilateral\b|\bdonors?\b|\binternational\s+partners\b|\bAfrican\s+Union\b"
        r"|\bEuropean\s+Union\b|\bWorld\s+Bank\b|\bregional\s+(?:and\s+subregional\s+)?"
        r"organi[sz]ations\b|\bUNDP\b|\bUnited\s+Nations\s+Development\s+Programme\b)"
    ),
}


@dataclass
class ElementFinding:
    """Where a report seems to cover one element."""

    element: str
    #: The report's paragraph numbers, in order.
    numbers: list[int] = field(default_factory=list)
    #: The words that named the element, each once, in order of the text.
    words: list[str] = field(default_factory=list)

    @property
    def paragraphs(self) -> str:
        """The numbers as the checklist writes them: "12-14, 20"."""
        return format_ranges(self.numbers)


def split_paragraphs(text: str) -> list[tuple[int, str]]:
    """(number, text) of the report's numbered paragraphs, in order (step 1)."""
    starts: list[tuple[int, int]] = []
    for match in _PARAGRAPH.finditer(text):
        number = int(match["number"])
        if starts and number <= starts[-1][0]:
            continue  # a list item or a footnote inside the current paragraph
        if starts and number > starts[-1][0] + 20:
            continue  # a year or a figure at the start of a line, not the next paragraph
        if not starts and number != 1:
            continue
        starts.append((number, match.start()))
    paragraphs = []
    for index, (number, start) in enumerate(starts):
        end = starts[index + 1][1] if index + 1 < len(starts) else len(text)
        paragraphs.append((number, " ".join(text[start:end].split())))
    return paragraphs


def propose(text: str) -> list[ElementFinding]:
    """The elements the report's text seems to cover, each with its paragraphs and words;
    an element it does not seem to cover is left out."""
    ssr_paragraphs = [(n, body) for n, body in split_paragraphs(text) if assess(body).relevant]
    findings = []
    for element, pattern in ELEMENT_PATTERNS.items():
        finding = ElementFinding(element=element)
        seen: set[str] = set()
        for number, body in ssr_paragraphs:
            matches = [" ".join(m.group(0).split()) for m in pattern.finditer(body)]
            if not matches:
                continue
            finding.numbers.append(number)
            for word in matches:
                if word.lower() not in seen:
                    seen.add(word.lower())
                    finding.words.append(word)
        if finding.numbers:
            findings.append(finding)
    return findings


def format_ranges(numbers: list[int]) -> str:
    """[12, 13, 14, 20] -> "12-14, 20"."""
    parts: list[str] = []
    run: list[int] = []
    for number in sorted(set(numbers)):
        if run and number == run[-1] + 1:
            run.append(number)
            continue
        if run:
            parts.append(f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0]))
        run = [number]
    if run:
        parts.append(f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0]))
    return ", ".join(parts)
