"""Segmentation: preambular paragraphs, numbered operative paragraphs and sub-paragraphs.

The input is the list of cleaned lines from :func:`mandates.documents.parser.text.clean_lines`. A
line may be a whole paragraph (web copies), a piece of one (PDF extractions wrap lines and split
pages), or several paragraphs run together (old web copies separate them by two spaces). The output
is a list of :class:`Block` objects with their raw text joined and repaired; verbs, addressees and
deadlines are added by :mod:`mandates.documents.parser`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .budget import UNLIMITED, Budget
from .text import Line, join_all, tidy
from .verbs import is_known_opener, is_operative_opener, is_preambular_opener

PREAMBULAR = "preambular"
OPERATIVE = "operative"
PENDING = "pending"  # before the preamble/operative split of an unnumbered resolution

LETTER = "letter"
ROMAN = "roman"


@dataclass
class Sub:
    """A lettered or roman sub-paragraph being collected."""

    label: str
    style: str
    parts: list[str] = field(default_factory=list)
    children: list[Sub] = field(default_factory=list)
    text: str = ""


@dataclass
class Block:
    """A paragraph being collected; ``text`` is set when it is closed."""

    kind: str
    number: int | None = None
    parts: list[str] = field(default_factory=list)
    subs: list[Sub] = field(default_factory=list)
    text: str = ""


# --------------------------------------------------------------------------------------------
# Segment classification

_QUOTE = "\"“”'‘’"
_COUNCIL = re.compile(
    r"^(?:(?:Now,?\s+)?Therefore,?\s+)?\w?(?:The\s+|THE\s+)?(?:Secur\w*|SECURITY)\s+"
    r"(?:C\w{3,5}il|COUNCIL)\s*(?:,|:|$|\s{2,}(?=[A-Z]))\s*"
)
# A paragraph number has at most nine digits: a longer number is not one (and int() of thousands
# of digits is refused), and any document of that many paragraphs is over the paragraph limit.
_NUMBERED = re.compile(r"^(\d{1,9})\s?\.(?!\d)\s*(?=[^\s\d])")
_LOOSE_NUMBERED = re.compile(r"^(\d{1,9}|l)\s?(\.?)\s+(?=[A-Z])")
_LABEL_PAREN = re.compile(r"^\(([a-z]{1,2}|[ivxlc]{1,6})\)\s*(?=\S)")
_LABEL_DOT = re.compile(r"^([a-z]|[ivxlc]{1,6})[.)]\s+(?=[A-Z\"“(])")
_LABEL_DOT_LOWER = re.compile(r"^([a-z]|[ivx]{1,4})\.\s+(?=[a-z])")
# A possible paragraph break inside a line: punctuation, then two spaces or more ("wide"), or
# one space (with an optional footnote mark) before a capital, a quote or a number ("narrow").
_INLINE_BREAK = re.compile(
    r"[,;:.)](?:\s{2,}(?=\S)|(?:\(\d{1,3}\))?\s(?=[\"“]?(?:[A-Z]|\d{1,9}\.?\s)))"
)
_LONG_LINE = 300
_HEADING_CUE = re.compile(r"\d\.\s+[A-Z]")
_HEADING_PREFIX = re.compile(r"^(\D{1,80}?)\s+(?=\d{1,9}\.\s+[A-Z])")
_BULLET = re.compile(r"^[-–—•·▪◦*]\s+(?=\S)")
_BULLETS = frozenset("-–—•·▪◦*")  # to test the first character before the pattern
_TERMINATED = re.compile(r"[,;:.!?][\"”’)\]*]*$|[,;:.][\"”’]?\s*\d{1,2}$")
_END_OF_UNIT = re.compile(r"[;:.!?][\"”’)\]*]*$")
_ACTING_UNDER = re.compile(r"^Acting\s+under\b")
_HEADING_MAX_WORDS = 12
_PAGE_NUMBER = re.compile(r"^\d{1,3}$")
_HEADING_MAX_CHARS = 100
_SECTION_HEADING = re.compile(r"^(?:[IVXL]+|[A-H])\.\s+[A-Z]")
_IT_IS_RESOLVED = re.compile(r"^(?:It\s+is\s+resolved|Now,?\s+therefore)\b", re.I)


@dataclass
class Segment:
    """A classified piece of a line.

    ``kind``: "council" ("The Security Council,"), "number" (a numbered paragraph; ``loose``
    when its number was written without a full stop or misread), "label" ("(a) ..."),
    "alone" (a number alone on its line), "part" (a part letter), "end", or "text".
    """

    kind: str
    text: str = ""
    number: int = 0
    label: str = ""
    loose: bool = False
    #: The line as written, for a label that may turn out to be text ("a. support to ...").
    written: str = ""


def _strip_quote(text: str) -> str:
    """Drop the quote that opens each paragraph of a press release ('"1. Decides ...')."""
    if text[:1] in _QUOTE and len(text) > 1:
        rest = text[1:].lstrip()
        if (
            _COUNCIL.match(rest)
            or _numbered(rest)
            or _LABEL_PAREN.match(rest)
            or is_preambular_opener(rest)
            or is_operative_opener(rest)
        ):
            return rest
    return text


def _numbered(text: str) -> tuple[int, str, bool] | None:
    """(number, rest, loose) for "12. Decides", and loosely for "12 Decides" and "l. Decides".

    Loose numbers (no full stop; the letter l misread for 1) only count when they open with an
    operative verb and are the next number (:func:`segment` checks the latter).
    """
    if not (text[:1].isdigit() or text[:1] == "l"):
        return None  # both patterns open with a number (or "l"): most text is settled here
    match = _NUMBERED.match(text)
    if match:
        rest = text[match.end() :]
        if rest[:1].isupper() or rest[:1] in _QUOTE + "(*[":
            return int(match.group(1)), rest, False
        if is_operative_opener(rest[:1].upper() + rest[1:]):  # "10. emphasizes the need"
            return int(match.group(1)), rest, True
        return None
    match = _LOOSE_NUMBERED.match(text)
    if match and match.group(1) == "l" and match.group(2):  # "l. The Court ..." (OCR)
        rest = text[match.end() :]
        return None if is_preambular_opener(rest) else (1, rest, True)
    if match and is_operative_opener(text[match.end() :]):
        number = 1 if match.group(1) == "l" else int(match.group(1))
        return number, text[match.end() :], True
    return None


def _classify(text: str) -> Segment:
    text = _strip_quote(text)
    council = _COUNCIL.match(text)
    if council:
        return Segment("council", text[council.end() :].strip())
    numbered = _numbered(text)
    if numbered:
        number, rest, loose = numbered
        return Segment("number", rest, number=number, loose=loose)
    first = text[:1]  # "(a)" or "a."/"iv)": test the first character before the patterns
    label = None
    if first == "(":
        label = _LABEL_PAREN.match(text)
    elif "a" <= first <= "z":
        label = _LABEL_DOT.match(text)
        if label is None:
            # "a. support to ...": a label only where the next label is expected (segment)
            label = _LABEL_DOT_LOWER.match(text)
            if label:
                return Segment("label", text[label.end() :], label=label.group(1), written=text)
    if label:
        return Segment("label", text[label.end() :], label=label.group(1))
    return Segment("text", text)


def _is_break_target(text: str, kind: str, after: str, long_line: bool) -> bool:
    """May a line be split before ``text``, because it starts a paragraph?

    ``kind`` says how the break looks: "wide" (two spaces or more, or a quote mark, as in old
    web copies and press releases) accepts anything that opens a paragraph; "narrow" (one
    space after a comma or semicolon) accepts only a numbered paragraph after a semicolon or
    opening with a known verb, an operative verb ("..., Recommends to the General Assembly"),
    and in long lines a known preambular opener ("..., Reiterating its support"). After a
    closing bracket only a numbered paragraph opening with an operative verb counts.
    """
    text = _strip_quote(text)
    if kind == "wide":
        return bool(
            _COUNCIL.match(text)
            or _numbered(text)
            or _LABEL_PAREN.match(text)
            or is_preambular_opener(text)
            or is_operative_opener(text)
        )
    number = _numbered(text)
    if after == ")":  # "... Mr. Vaz (Senegal) 2. Requests": only a numbered paragraph
        return number is not None and not number[2] and is_operative_opener(number[1])
    if number:
        if number[2]:  # "; 13 Urges": a loose number needs a semicolon before it
            return after == ";"
        return after == ";" or is_known_opener(number[1])
    if is_operative_opener(text):
        return True
    return long_line and is_known_opener(text)


def _split_inline(text: str) -> list[str]:
    """Split a line holding several paragraphs.

    Old web copies run paragraphs together, separated by two spaces ("...,  Having considered
    ...,  1. Urges") or by one space after a comma or semicolon ("..., Reiterating its support
    ..., 1. Decides", "Having examined the application of the Sudan, Recommends ..."). A break
    is made only before something that opens a paragraph (see :func:`_is_break_target`).
    """
    if len(text) < 40:
        return [text]
    long_line = len(text) > _LONG_LINE
    pieces: list[str] = []
    start = 0
    for match in _INLINE_BREAK.finditer(text):
        cut = match.start() + 1  # keep the punctuation with the text before the break
        if cut - start < 12:
            continue  # "1.   Decides": a number or label and its text
        after = text[match.start()]
        separator = match.group()[1:]
        wide = len(separator) > 1 and not separator.strip() and after != ")"
        if not wide and after == ".":
            continue  # "...Nations. The" is a sentence, not a paragraph break
        kind = "wide" if wide or text[match.end() : match.end() + 1] in _QUOTE else "narrow"
        if _is_break_target(text[match.end() : match.end() + 80], kind, after, long_line):
            pieces.append(text[start:cut])
            start = match.end()
    pieces.append(text[start:])
    return [p.strip() for p in pieces if p.strip()]


def _split_heading(text: str) -> list[str]:
    """Split a heading run into its numbered paragraph: "Coordination 27. Reiterates ..." or
    "== IV == 13. Requests ..." becomes the heading and the paragraph."""
    if text[:1].isdigit() or not _HEADING_CUE.search(text, 0, 96):
        return [text]
    match = _HEADING_PREFIX.match(text)
    if (
        match
        and not _TERMINATED.search(match.group(1))
        and _numbered(text[match.end(1) :].lstrip())
    ):
        return [match.group(1), text[match.end(1) :].lstrip()]
    return [text]


def segments(lines: list[Line], *, budget: Budget = UNLIMITED) -> list[Segment]:
    """Classify cleaned lines into segments, splitting lines that hold several paragraphs."""
    result: list[Segment] = []
    for line in lines:
        budget.tick()
        if line.kind == "text":
            for heading_or_text in _split_heading(line.text):
                for piece in _split_inline(heading_or_text):
                    classified = _classify(piece)
                    if classified.kind == "council" and classified.text:
                        # "The Security Council  Resolves that ..." on one line
                        result.append(Segment("council"))
                        classified = _classify(classified.text)
                    result.append(classified)
        elif line.kind == "number":
            result.append(Segment("alone", number=int(line.text)))
        elif line.kind in ("part", "end"):
            result.append(Segment(line.kind, line.text))
    return result


# --------------------------------------------------------------------------------------------
# Labels


def _roman(number: int) -> str:
    values = [(10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
    out = ""
    for value, numeral in values:
        while number >= value:
            out += numeral
            number -= value
    return out


_ROMANS = [_roman(n) for n in range(1, 40)]


def _next_roman(label: str) -> str:
    if label in _ROMANS:
        index = _ROMANS.index(label)
        if index + 1 < len(_ROMANS):
            return _ROMANS[index + 1]
    return ""


def _next_letter(label: str) -> str:
    if len(label) == 1:
        return "aa" if label == "z" else chr(ord(label) + 1)
    if len(set(label)) == 1 and label[0] != "z":  # aa -> bb
        return chr(ord(label[0]) + 1) * 2
    return ""


def _letter_after_next(label: str) -> str:
    following = _next_letter(label)
    return _next_letter(following) if following else ""


def _ends_with_colon(parts: list[str]) -> bool:
    return bool(parts) and parts[-1][-12:].rstrip().rstrip("—–-").rstrip().endswith(":")


_LIST_OPENING = re.compile(r"(?:[,;:.—–-]|\band|\bor)[\"”’)]*$")


def place_label(block: Block, label: str) -> tuple[Sub, Sub | None] | None:
    """Decide where a label goes in ``block``: (new sub, its parent sub or None), or None.

    1. The first label of a paragraph must be "a" (letters) or "i" (roman numerals) and follow
       a chapeau that ends like a list opening (":" usually); otherwise it is an enumeration
       inside the sentence and stays in the text.
    2. After a letter, "i" is a roman child when the letter's own text ends with ":" or when
       "i" is not the next letter; so "(i)" after "(h)" is the letter i, and "(i)" after
       "(a) Stabilization ...:" is a roman child.
    3. Otherwise a label is accepted when it is the next letter (or skips one lost letter), the
       next roman numeral of the current level, or the next roman child.
    """
    subs = block.subs
    if not subs:
        chapeau = block.parts[-1][-12:] if block.parts else ""
        if label not in ("a", "i") or not _LIST_OPENING.search(chapeau):
            return None
        return Sub(label, LETTER if label == "a" else ROMAN), None
    last = subs[-1]
    if last.style == ROMAN:
        if label == _next_roman(last.label):
            return Sub(label, ROMAN), None
        if label == "a" and not last.children and _ends_with_colon(last.parts):
            return Sub(label, LETTER), last
        if last.children and label == _next_letter(last.children[-1].label):
            return Sub(label, LETTER), last
        return None
    next_letter = _next_letter(last.label)
    if label == "i" and not last.children and (_ends_with_colon(last.parts) or next_letter != "i"):
        return Sub(label, ROMAN), last  # "(a) ...:" then "(i)"; after "(h) ...;" it is the letter
    if label == next_letter:
        return Sub(label, LETTER), None
    if last.children and label == _next_roman(last.children[-1].label):
        return Sub(label, ROMAN), last
    if label == _letter_after_next(last.label) and label not in _ROMANS:
        return Sub(label, LETTER), None
    return None


# --------------------------------------------------------------------------------------------
# Segmentation


@dataclass
class _State:
    """Where :func:`segment` is: the paragraphs so far and the one receiving text."""

    blocks: list[Block] = field(default_factory=list)
    current: Block | None = None
    sub: Sub | None = None  # innermost sub-paragraph receiving text
    mode: str = "front"  # "front" | "preamble" | "operative"
    last_number: int = 0
    part_break: bool = False
    pending_number: int | None = None
    quoted_number: int = 0  # last number of a quoted numbered text ("... which reads: 1. ...")
    budget: Budget = UNLIMITED

    def target(self) -> list[str]:
        """The parts list that receives continuation text (empty list when nothing is open)."""
        if self.sub is not None:
            return self.sub.parts
        return self.current.parts if self.current is not None else []

    def last_text(self) -> str:
        """The last line added to the paragraph (or sub-paragraph) receiving text."""
        if self.current is None:
            return ""
        parts = self.target()
        return parts[-1] if parts else ""

    def open(self, kind: str, number: int | None = None) -> Block:
        """Start a new paragraph and make it the one receiving text."""
        block = Block(kind, number)
        self.blocks.append(block)
        self.budget.count_paragraphs(len(self.blocks))
        self.current = block
        self.sub = None
        return block


def _is_heading(segs: list[Segment], i: int, previous: str) -> int:
    """Length of a heading run starting at ``segs[i]`` (0 when it is not a heading).

    A heading is one or more short lines without final punctuation ("IV. United Nations
    experience in supporting security" + "sector reform", "Protection of civilians") that
    follow the end of a paragraph and come right before a numbered paragraph, a label, a part
    letter, "The Security Council," or the end of the text. A page number alone on its line
    ("5") may come first: it goes with the heading ("...civilians;", "5", "Stabilization and
    peace consolidation", "(l) ...").
    """
    first = segs[i].text
    page = _PAGE_NUMBER.match(first) is not None
    if (not first[:1].isupper() and not page) or (
        previous and not _END_OF_UNIT.search(previous[-12:])
    ):
        return 0
    if (
        not page
        and not _SECTION_HEADING.match(first)
        and (is_operative_opener(first) or is_preambular_opener(first))
    ):
        return 0
    j = i
    while j < len(segs) and segs[j].kind == "text" and _short_unterminated(segs[j].text):
        j += 1
        if j - i > 3:
            return 0
    if j == i:
        return 0
    if j == i + 1 and j < len(segs) and _late_number_line(first, segs[j]):
        return 0  # the first line of a paragraph whose number the extraction put after it
    if j == len(segs) or segs[j].kind in ("number", "label", "part", "council", "end", "alone"):
        return j - i
    return 0


def _late_number_line(line: str, seg: Segment) -> bool:
    """Could ``seg`` be a paragraph number followed by the rest of the paragraph whose first
    line is ``line`` ("12. of United Nations ...", see :func:`_late_number`), rather than a
    paragraph after a heading? Sure when the rest opens in lower case; when it opens with a
    capital, only after a line that opens with an operative verb or is as long as a full line
    of text (a heading is short: "II. Evolution of the United Nations approach to security")."""
    if seg.kind == "number":
        if is_operative_opener(seg.text):
            return False
        return seg.text[:1].islower() or is_operative_opener(line) or len(line) >= _FULL_LINE
    return seg.kind == "text" and _LATE_NUMBER.match(seg.text) is not None


def _short_unterminated(text: str) -> bool:
    """Could this line be (part of) a heading: short, without final punctuation?"""
    return (
        len(text) <= _HEADING_MAX_CHARS
        and len(text.split()) <= _HEADING_MAX_WORDS
        and not _TERMINATED.search(text[-12:])
    )


def segment(lines: list[Line], *, budget: Budget = UNLIMITED) -> list[Block]:
    """Group cleaned lines into paragraphs.

    1. Lines are classified: "The Security Council," (starts the preamble), "12. Decides"
       (a numbered paragraph), "(a) ..."/"a. ..." (a label), a number alone ("12."), a part
       letter ("B"), or text. Quotes that open press-release paragraphs are dropped.
    2. Before "The Security Council," text is front matter (sponsors, summaries) and is dropped,
       unless it opens like a preambular paragraph.
    3. A number starts an operative paragraph when it is the next number, or when the previous
       text ended a sentence or clause; otherwise (a wrapped "7. above") it is text. The next
       number found on the line after a paragraph's first line (a PDF extraction of a number
       set in the margin) takes that first line back (:func:`_late_number`).
    4. Text continues the current paragraph unless the previous text ended with punctuation and
       the new text opens a paragraph: a participle/adjective or operative verb in the preamble;
       in the operative part, a preambular opener after a part letter or in one-paragraph-per-
       line layouts, and "Acting under Chapter VII ...".
    5. Short unpunctuated lines before a numbered paragraph are headings and are dropped.
    6. Labels become sub-paragraphs according to :func:`place_label`; one written "a." before
       a lower-case word only where that label is expected (:func:`_expected_label`).
    7. In a resolution without numbered paragraphs, the preamble ends at the first paragraph
       that opens with an operative verb; that one and the rest are unnumbered operative
       paragraphs.

    ``budget`` stops the work when the paragraphs are too many or the time is up.
    """
    segs = segments(lines, budget=budget)
    numbered = any(s.kind == "number" for s in segs)
    numbers_alone = any(s.kind == "alone" for s in segs)
    per_line = _one_paragraph_per_line(segs)
    state = _State(budget=budget)
    i = 0
    while i < len(segs):
        budget.tick()
        seg = segs[i]
        if seg.kind == "end":
            break
        if seg.kind == "council":
            state.current, state.sub = None, None
            state.mode = "preamble"
            i += 1
            continue
        if seg.kind == "part":
            state.part_break = True
            i += 1
            continue
        if seg.kind == "alone" and not _late_number(state, seg):
            _number_alone(state, seg.number)
            i += 1
            continue
        if seg.kind in ("text", "number") and seg.text and _late_number(state, seg):
            i += 1
            continue
        if seg.kind == "text":
            heading = _is_heading(segs, i, state.last_text())
            if heading:
                i += heading
                continue
        if seg.kind == "number" and _accept_number(state, seg):
            state.open(OPERATIVE, seg.number).parts.append(seg.text)
            state.mode = "operative"
            state.last_number = seg.number
            state.part_break = False
            state.pending_number = None
            i += 1
            continue
        if seg.kind == "label" and state.mode != "front":
            placed = place_label(state.current, seg.label) if state.current else None
            if placed is not None and seg.written and not _expected_label(state, placed):
                placed = None
            if placed is not None and state.current is not None:
                sub, parent = placed
                (parent.children if parent else state.current.subs).append(sub)
                sub.parts.append(seg.text)
                state.sub = sub
                i += 1
                continue
            if state.mode == "preamble" and is_preambular_opener(seg.text):
                state.open(PENDING).parts.append(seg.text)  # lettered preamble: "a. Recalling"
                i += 1
                continue
        _text(state, _raw(seg), numbered=numbered, per_line=per_line, alone=numbers_alone)
        i += 1
    return _finish(state.blocks)


def _expected_label(state: _State, placed: tuple[Sub, Sub | None]) -> bool:
    """Is a label written "a." before a lower-case word the one expected here: the first
    ("a", "i") after a line ending with a colon, or the one after the previous label?"""
    sub, parent = placed
    siblings = parent.children if parent else state.current.subs if state.current else []
    if siblings:
        previous = siblings[-1].label
        return sub.label in (_next_letter(previous), _next_roman(previous))
    return sub.label in ("a", "i") and state.last_text().rstrip().endswith(":")


def _raw(seg: Segment) -> str:
    """The segment as written, for a number or label that turned out to be plain text."""
    if seg.kind == "number":
        return f"{seg.number}. {seg.text}"
    if seg.kind == "label":
        return seg.written or f"({seg.label}) {seg.text}"
    return seg.text


def _accept_number(state: _State, seg: Segment) -> bool:
    """Does this numbered segment start an operative paragraph (see :func:`segment`, step 3)?

    A paragraph that ends with a colon and is followed by a new "1." quotes a numbered text
    ("Reaffirms its resolution 425 (1978), which reads: 1. Calls for ..."): the quoted
    numbers stay in its text until the paragraph numbering resumes.
    """
    if state.quoted_number:
        if seg.number == state.quoted_number + 1:
            state.quoted_number = seg.number
            return False
        state.quoted_number = 0
    if seg.loose:
        return seg.number == state.last_number + 1
    if state.current is None or seg.number == state.last_number + 1:
        return True
    previous = state.last_text()[-12:]
    if seg.number == 1 and state.mode == "operative" and previous.rstrip().endswith(":"):
        state.quoted_number = 1
        return False
    return bool(_TERMINATED.search(previous))


_LATE_NUMBER = re.compile(r"^(\d{1,9})\.\s+(?=\S)")
_FULL_LINE = 70
_PARAGRAPH_END = re.compile(r"\bparagraphs?$")


def _late_number(state: _State, seg: Segment) -> bool:
    """A paragraph number that the extraction put on the line after its paragraph's first line
    ("Requests the Secretary-General to submit" / "12. a report on ...", or "12." alone): move
    the first line into a new paragraph with that number, and report whether it did.

    It is one when it is the next number, the line before it opens with a capital and does not
    end a clause (";", "."; nor "," before a number alone) nor with "paragraph" (a wrapped
    "paragraph / 7. above"), and that line began a paragraph: it opened one, or the line before
    it ended a clause. A line after the number that opens with an operative verb is a paragraph
    of its own, not the rest of the one before.
    """
    if seg.kind in ("number", "alone"):
        number, rest = seg.number, seg.text
    else:
        match = _LATE_NUMBER.match(seg.text)
        if match is None:
            return False
        number, rest = int(match.group(1)), seg.text[match.end() :]
    block = state.current
    if block is None or number != state.last_number + 1 or state.mode == "front":
        return False
    parts = state.target()
    first = parts[-1] if parts else ""
    # alone, the number may also stand before its text ("Noting the report," / "1." / ...)
    end = _TERMINATED if seg.kind == "alone" else _END_OF_UNIT
    if not first[:1].isupper() or end.search(first[-12:]) or _PARAGRAPH_END.search(first):
        return False
    if seg.kind == "number" and is_operative_opener(rest):  # last: the costliest test
        return False
    if block.number is None and block.kind != PREAMBULAR and len(parts) == 1 and not block.subs:
        block.kind, block.number = OPERATIVE, number
    elif len(parts) >= 2 and _TERMINATED.search(parts[-2][-12:]):
        parts.pop()
        block = state.open(OPERATIVE, number)
        block.parts.append(first)
    else:
        return False
    if rest:
        block.parts.append(rest)
    state.mode = "operative"
    state.last_number = number
    state.part_break = False
    state.pending_number = None
    return True


def _number_alone(state: _State, number: int) -> None:
    """A paragraph number alone on its line, before or after its paragraph's text."""
    block = state.current
    if (
        block is not None
        and block.number is None
        and number == state.last_number + 1
        and block.parts
        and is_operative_opener(block.parts[0])
        and _TERMINATED.search(block.parts[-1][-12:])
    ):
        block.kind, block.number = OPERATIVE, number  # the number came after its text
        state.last_number = number
        state.mode = "operative"
        return
    state.pending_number = number


def _text(state: _State, text: str, *, numbered: bool, per_line: bool, alone: bool) -> None:
    """Place a text segment: a new paragraph, a continuation, or front matter to drop.

    ``numbered``: the document has numbered paragraphs; ``per_line``: its layout is one
    paragraph per line; ``alone``: its paragraph numbers stand alone on their lines.
    """
    bullet = _BULLET.match(text) if text[:1] in _BULLETS else None
    if bullet:
        text = text[bullet.end() :]
    if state.pending_number is not None:
        number, state.pending_number = state.pending_number, None
        state.open(OPERATIVE, number).parts.append(text)
        state.mode = "operative"
        state.last_number = number
        return
    if state.current is None:
        if state.mode == "front":
            if not (is_preambular_opener(text) or (is_operative_opener(text) and not numbered)):
                return  # front matter: sponsors, summary, title
            state.mode = "preamble"
        state.open(PENDING).parts.append(text)
        return
    previous = state.last_text()
    if bullet or not text[:1].isupper() or not _TERMINATED.search(previous[-12:]):
        state.target().append(text)
        return
    # a title in quotes wrapped after its colon ("on \"Preventive Diplomacy: / Delivering
    # Results\"") goes on
    quoted = previous[-1:] == ":" and _quote_open(state.target())
    if not quoted and _starts_paragraph(
        state, text, numbered=numbered, per_line=per_line, alone=alone
    ):
        return
    state.target().append(text)


def _quote_open(parts: list[str]) -> bool:
    """Is a quotation mark opened in these lines and not closed?"""
    straight = sum(part.count('"') for part in parts)
    opened = sum(part.count("“") for part in parts)
    return straight % 2 == 1 or opened > sum(part.count("”") for part in parts)


def _starts_paragraph(
    state: _State, text: str, *, numbered: bool, per_line: bool, alone: bool
) -> bool:
    """Open a new paragraph for ``text`` if it opens one here; report whether it did."""
    # Each test once: they are pure functions of ``text``.
    preambular_opener = is_preambular_opener(text)
    resolved = bool(_IT_IS_RESOLVED.match(text))
    preambular = preambular_opener or resolved
    operative = is_operative_opener(text) or resolved
    if state.mode in ("front", "preamble"):
        if preambular or operative:
            state.open(PENDING)
            state.mode = "preamble"
            state.target().append(text)
            return True
        return False
    # operative part
    if _ACTING_UNDER.match(text) or (preambular_opener and (state.part_break or per_line)):
        state.open(PREAMBULAR).parts.append(text)
        return True
    if operative and (not numbered or alone):
        state.open(PENDING if not numbered else OPERATIVE).parts.append(text)
        return True
    return False


def _one_paragraph_per_line(segs: list[Segment]) -> bool:
    """Is this a layout with one paragraph per line (as opposed to hard-wrapped lines)?"""
    texts = [s.text for s in segs if s.kind in ("text", "number", "label") and s.text]
    if not texts:
        return True
    ended = sum(1 for t in texts if _TERMINATED.search(t[-12:]))
    return ended >= 0.75 * len(texts)


def _finish(blocks: list[Block]) -> list[Block]:
    """Close blocks (join and repair text) and settle unnumbered paragraphs' kinds."""
    numbered = any(block.number is not None for block in blocks)
    kept: list[Block] = []
    for block in blocks:
        block.text = _close(block.parts)
        for sub in block.subs:
            _close_sub(sub)
        if block.text or block.subs:
            kept.append(block)
    operative_started = False
    for block in kept:
        if block.kind != PENDING:
            operative_started = operative_started or block.kind == OPERATIVE
            continue
        if numbered:
            block.kind = PREAMBULAR
            continue
        if not operative_started and (
            is_operative_opener(block.text) or _IT_IS_RESOLVED.match(block.text)
        ):
            operative_started = True
        block.kind = OPERATIVE if operative_started else PREAMBULAR
    return kept


def _close_sub(sub: Sub) -> None:
    """Join the text of a sub-paragraph and of its own sub-paragraphs."""
    sub.text = _close(sub.parts)
    for child in sub.children:
        _close_sub(child)


def _close(parts: list[str]) -> str:
    """Join a paragraph's lines into its text (hyphenation undone, whitespace collapsed)."""
    return _balance_quotes(tidy(join_all(parts)))


def _balance_quotes(text: str) -> str:
    """Drop a closing quote left over from press-release quoting ('... matter."')."""
    if text[-1:] in '"”' and (text.count('"') + text.count("“") + text.count("”")) % 2 == 1:
        return text[:-1].rstrip()
    return text
