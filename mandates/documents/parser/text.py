"""Decoding and cleaning: from the bytes a user uploads to lines of resolution text.

The texts people have are PDF extractions, web copies, markdown and press releases. This module
removes what is not part of the resolution (page headers and footers, job numbers, bar codes,
hyperlink lines, web-catalogue boilerplate, footnote blocks), undoes markdown, and repairs words
that the extraction broke (stray spaces, line-end hyphenation, lost compound hyphens).

Nothing here knows about paragraphs; :mod:`mandates.documents.parser.structure` works on the lines
this module returns.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from .budget import UNLIMITED, Budget
from .lexicon import WORD_SET as _WORD_SET
from .lexicon import compound_for, is_fragment, is_word
from .model import ParseError
from .months import MONTH_ALTERNATION

# --------------------------------------------------------------------------------------------
# Decoding


_NOT_CONTROL_BYTES = bytes(b for b in range(256) if b >= 32 or b in (9, 10, 12, 13))


def decode(data: bytes) -> str:
    """Decode uploaded bytes: UTF-8 (with or without BOM), else cp1252, else Latin-1.

    Raises :class:`ParseError` for empty input and for binary data (NUL bytes, or mostly
    control characters).
    """
    if not data or not data.strip():
        raise ParseError("The file is empty")
    sample = data[:65536]
    if data.startswith(b"%PDF"):
        raise ParseError("The file is a PDF, not text: extract its text first")
    if b"\x00" in sample:
        raise ParseError("The file is not text (it looks like a binary file)")
    controls = len(sample.translate(None, _NOT_CONTROL_BYTES))
    if controls > len(sample) * 0.05:
        raise ParseError("The file is not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


# --------------------------------------------------------------------------------------------
# Character-level normalisation

_EXOTIC_SPACES = re.compile(r"[\xa0\u2000-\u200a\u202f\u205f\u3000]")
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff]")
_LINE_SEPARATORS = re.compile(r"[\x85\u2028\u2029]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_RARE_CHARACTERS = re.compile(r"[\x85\u2000-\u200d\u2028\u2029\u202f\u205f\u2060\u3000\ufeff]")
_SOFT_HYPHEN_IN_WORD = re.compile(r"(?<=\w)\u00ad(?=\w)")
_SOFT_HYPHEN_LINE_END = re.compile(r"(?<=\w)\u00ad(?=[ ]*\n)")

# Markdown: links, footnote references, emphasis, escapes, headings, block quotes. Each pattern
# starts with a literal or a small class so that scanning a long text is fast.
_MD_STAR = re.compile(r"\*\*?[^\W\d_][^*\n]{0,200}\*")
# Neither bracketed part may hold an opening bracket (the URL one level of parentheses, for
# ".../S/RES/2553(2020)"): otherwise each "[" of a line of many, never closed, would read to
# the end of the line, which is quadratic.
_MD_LINK = re.compile(r"!?\[([^\[\]\n]*)\]\((?:[^()\n]|\([^()\n]*\))*\)")
_MD_FOOTNOTE = re.compile(r"\[\^[^\[\]\n]*\]")
# Written for speed, with the matches of r"([*_]{1,3})(?=[^\s*_\d])([^*_\n]+?)(?<=\S)\1(?![\w*])":
# "[*_][*_]?[*_]?" (for "[*_]{1,3}") lets the engine skip ahead to the next "*" or "_", and as
# the text of the emphasis cannot hold a marker, only its longest run can be followed by the
# closing marker, so a possessive "++" gives the same matches as the lazy "+?" without trying
# every shorter length.
_MD_EMPHASIS = re.compile(r"([*_][*_]?[*_]?)(?=[^\s*_\d])([^*_\n]++)(?<=\S)\1(?![\w*])")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!'\"])")
_MD_HEADING = re.compile(r"^[ ]{0,3}#{1,6}[ ]+", re.MULTILINE)
_MD_QUOTE = re.compile(r"^[ ]{0,3}>[ ]?", re.MULTILINE)


# Every byte except those of _CONTROL: deleting them leaves the control characters. In UTF-8,
# characters beyond ASCII are encoded with bytes >= 0x80 only, so no other byte is one of these.
_NOT_CONTROL_UTF8 = bytes(b for b in range(256) if not (b < 128 and _CONTROL.match(chr(b))))


def _has_control(text: str) -> bool:
    """``_CONTROL.search(text)``, faster: bytes.translate beats scanning with a regex."""
    return bool(text.encode("utf-8", "surrogatepass").translate(None, _NOT_CONTROL_UTF8))


def normalize(text: str) -> str:
    """Normalise line breaks, spaces, soft hyphens and markdown; keep page breaks as ``\\f``."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    if not text.isascii():
        if "\xa0" in text:
            text = text.replace("\xa0", " ")
        if _RARE_CHARACTERS.search(text):
            text = _EXOTIC_SPACES.sub(" ", text)
            text = _INVISIBLE.sub("", text)
            text = _LINE_SEPARATORS.sub("\n", text)
    if _has_control(text):
        text = _CONTROL.sub(" ", text)
    if "\f" in text:
        text = text.replace("\f", "\n\f\n")
    if "\u00ad" in text:
        text = _SOFT_HYPHEN_IN_WORD.sub("", text)
        text = _SOFT_HYPHEN_LINE_END.sub("-", text)
        text = text.replace("\u00ad", "–")
    return _unmark(text)


def _unmark(text: str) -> str:
    """Undo markdown: links and footnote references, emphasis, escapes, headings, quotes."""
    if "](" in text:
        text = _MD_LINK.sub(r"\1", text)
    if "[^" in text:
        text = _MD_FOOTNOTE.sub("", text)
    if _MD_STAR.search(text) or "_" in text:
        for _ in range(2):  # nested: *_x_*
            text = _MD_EMPHASIS.sub(_emphasis, text)
    if "\\" in text:
        text = _MD_ESCAPE.sub(r"\1", text)
    if "#" in text:
        text = _MD_HEADING.sub("", text)
    if ">" in text:
        text = _MD_QUOTE.sub("", text)
    return text


def _emphasis(match: re.Match[str]) -> str:
    """The text of *emphasis*, unless the marker is glued to a word ("on*", "2*3*4")."""
    start = match.start()
    before = match.string[start - 1] if start else " "
    if before.isalnum() or before in "*_":
        return match.group(0)
    return match.group(2)


# --------------------------------------------------------------------------------------------
# Line classification: what is page furniture


@dataclass
class Line:
    """A cleaned line. ``kind`` is "text", "page" (a page break), "part" (a part letter such
    as "B" in a multi-part resolution), "number" (a paragraph number alone, "7.") or "end"
    (what follows is not resolution text: an adoption line at the end, footnotes, annexes).
    """

    kind: str
    text: str = ""


_DATE = rf"\d{{1,2}}\s+(?:{MONTH_ALTERNATION})\s*,?\s+\d{{4}}"

_FURNITURE = re.compile(
    r"""^(?:
        (?:United\ Nations\s+)?(?:S/RES/\d+\s*\(\d{4}\)\*?|[AS]/(?:RES/)?\d+(?:/[\w.]+)*\*?
            |A/\d+/[\w.]+-S/\d{4}/\d+)
            (?:\s+(?:English\s+)?Page\s+\d+)?(?:\s+\d{1,3})?(?:\s+\d{1,2}\s+[A-Z][a-z]+\s+\d{4})?
      | \d{2}-\d{4,6}\*?(?:\s*\(E\))?(?:\s+\d{6})?(?:\s+\S*)?(?:\s+\d{1,3}(?:/\d{1,3})?)?
      | \d{1,3}(?:/\d{1,3})?\s+\d{2}-\d{4,6}\*?(?:\s*\(E\))?
      | \*\d{5,}\*
      | \d{1,3}/\d{1,3}
      | (?:English\s+)?Page\s+\d+
      | -\s*\d{1,3}\s*-
      | /\.\.\.?
      | -{3,} | \*{3,} | `{3,}
      | UNITED\ NATIONS | United\ Nations | [Ss] | SECURITY\ COUNCIL
      | (?:Security\ Council\s+)?Distr\.?:?\s*(?:GENERAL|General|LIMITED|Limited).*
      | (?:English\s+)?Original:\s*\w+.*
      | Security\s+Council | General\s+Assembly
      | Security\ Council\s+(?:Official\ Records|Provisional).*
      | Publisher | UN\ Security\ Council | Publication\ Date | Citation\ /\ Document\ Symbol
      | Reference | \d{4}\ Security\ Council\ Resolutions | Cite\ as | Author | Comments
      | Other\ Languages.* | (?:Arabic|Chinese|English|French|Russian|Spanish)(?:\s*\|\s*\w+)+
      | \[S/\d+\]
      | \*\s*Reissued\ for\ technical\ reason.*
    )$""",
    re.VERBOSE,
)
_DATE_LINE = re.compile(rf"^(?:on\s+)?{_DATE}\.?$")
_URL_LINE = re.compile(r"^(?:<?https?://|www\.)\S*>?$")
# The first characters of what _FURNITURE matches (besides digits) and of links.
_FURNITURE_FIRST = frozenset("ACDEFGOPRSUs*-/`[")
_URL_FIRST = frozenset("<hw")
_CITE_START = re.compile(r"^UN Security Council, ")
_HEADER_PREFIX = re.compile(
    rf"""^(?:
        (?:RESOLUTION|Resolution)\s+\d+\s*\(\d{{4}}\)\s*(?:\[[^\]]*\]\s*)?
            (?:of\s+{_DATE}\s*(?:\[[^\]]*\]\s*)?)?
      | \d+\s*\(\d{{4}}\)\s*\.?\s*Resolution\s+of\s+{_DATE}\s*(?:\[[^\]]*\]\s*)?
      | \d+\s+Resolution\s+of\s+{_DATE}\s*
      | Security\ Council\ Resolution\s+S/RES/\d+\s*\(\d{{4}}\)\s*
    )""",
    re.VERBOSE,
)
_ADOPTED = re.compile(
    rf"""^Adopted\b[^.]{{0,120}}?(?:
        \bmeeting\b[^.]{{0,10}}?(?:\s*(?:,|held)?\s*on\s+{_DATE})?
      | \bon\s+{_DATE}
    )[,.]?\s*""",
    re.VERBOSE,
)
_ADOPTED_TRAILER = re.compile(r"^Adopted\b.{0,200}\b(?:meeting|votes?|unanimously)\b", re.I)
_END_LINE = re.compile(
    r"^(?:Footnotes:?|Notes:?|Annex(?:es)?(?:\s+[IVX\d]+)?|Appendix(?:\s+[IVX\d]+)?"
    r"|Enclosure|Attachment)$"
)
_FOOTNOTE_RULE = re.compile(r"^_{5,}\s*$")
_FOOTNOTE_START = re.compile(r"^(?:\d{1,3}|[*†‡])\s{1,}\S|^NB:|^\[\d{1,3}\]\s|^\(\d{1,3}\)\s")
_FOOTNOTE_END = re.compile(r"[.)]\s*$")
_PART_LETTER = re.compile(r"^[A-H]\.?$|^(?:PART|Part)\s+[A-H1-9IVX]+\.?$")
_TRAILING_PART = re.compile(r"(?<=[;:.])\s{2,}([A-H])$")
_PART_LETTERS = frozenset("ABCDEFGH")
# First characters of the lines these patterns can match (page numbers: a digit).
_END_LINE_FIRST = frozenset("FNAE")
_PART_LETTER_FIRST = frozenset("ABCDEFGHP")
_HEADER_FIRST = frozenset("RSA")  # _HEADER_PREFIX (also a digit) and _ADOPTED
_PAGE_NUMBER = re.compile(r"^\d{1,3}$")
# Paragraph numbers have at most nine digits (any more is not a paragraph number, and Python
# refuses int() of a few thousand digits); page numbers and footnote marks at most three.
_NUMBER_ALONE = re.compile(r"^(\d{1,9})\.$")

_MAX_FOOTNOTE_LINES = 40
_LONGEST_FURNITURE = 200  # longer lines are text, whatever they start with
# What shows that the resolution text has begun (so that "Adopted ..." now ends it).
_BODY_START = re.compile(
    r"^\W{0,3}\w?(?:The\s+)?Secur\w*\s+C\w{3,5}il\s*(?:,|:|$)|^\d{1,9}\s?\.\s*[A-Z]"
)


def _is_refworld(stripped: str) -> bool:
    """Is this line part of a web catalogue's citation ("... available at: http://...")?"""
    return "refworld" in stripped or "available at:" in stripped or "[accessed" in stripped


def _is_furniture(stripped: str) -> bool:
    """Is this line page furniture (headers, footers, catalogue fields, a date, a link)?"""
    if len(stripped) >= _LONGEST_FURNITURE:
        return False
    first = stripped[:1]  # test the first character before each pattern
    if (first in _FURNITURE_FIRST or first.isdigit()) and _FURNITURE.match(stripped):
        return True
    # a date line opens with a digit or "on", a link with "<", "h" or "w"
    if (first.isdigit() or first == "o") and _DATE_LINE.match(stripped):
        return True
    return first in _URL_FIRST and bool(_URL_LINE.match(stripped))


def _skip_footnotes(lines: list[str], start: int) -> int:
    """Return the index of the first line after a footnote block starting at ``start``.

    A footnote block follows a rule of underscores. It is made of entries ("1  Studies by ...",
    "NB: ...") and their continuation lines. It ends at the first non-blank line that follows a
    line ending a sentence and is not itself the start of another entry.
    """
    i = start
    last = min(len(lines), start + _MAX_FOOTNOTE_LINES)
    previous_ended = True
    while i < last:
        stripped = lines[i].strip()
        if not stripped or stripped == "\f":
            i += 1
            continue
        if previous_ended and not _FOOTNOTE_START.match(stripped) and i > start:
            return i
        previous_ended = bool(_FOOTNOTE_END.search(stripped))
        i += 1
    return i


_SYMBOL_IN_LINE = re.compile(
    r"(?:\b\d{1,3}\s+)?S/RES/(\d+)\s*[./]?\s*\((\d{4})\)\)?(?:\s+(?:English\s+)?Page\s+\d+)?"
)


def _remove_own_symbol(line: str, symbol: str) -> str:
    """Remove the document's own symbol caught inside a line: a running header the extraction
    merged with the text ("...;S/RES/908 (1994)", "pursuant S/RES/1185/(1998) English Page 2 to").
    References to other resolutions are kept."""

    def replace(match: re.Match[str]) -> str:
        own = f"S/RES/{match.group(1)} ({match.group(2)})" == symbol
        return " " if own else match.group(0)

    return _SYMBOL_IN_LINE.sub(replace, line).strip()


def clean_lines(text: str, symbol: str | None = None, *, budget: Budget = UNLIMITED) -> list[Line]:
    """Turn normalised text into classified lines, dropping page furniture.

    Steps:

    1. Drop blank lines, hyperlink lines and page furniture (running symbols, job numbers,
       bar codes, "2/6", "Distr.: General", web-catalogue fields and their values).
    2. Strip header prefixes ("Resolution 2553 (2020)", "Adopted by the Security Council at
       its 7165th meeting, on 28 April 2014") but keep any text that follows them on the line.
    3. Footnote blocks introduced by a rule of underscores are skipped; "Footnotes", "Annex"
       and an "Adopted ..." line after the text has begun end the resolution.
    4. A bare number next to a page break or furniture is a page number and is dropped; a bare
       "7." is kept as a paragraph number alone on its line.
    5. The document's own ``symbol`` caught inside a line (a running header the extraction
       merged with the text) is removed.
    """
    raw = text.split("\n")
    out: list[Line] = []
    started = False  # has the resolution text begun ("The Security Council," or "1. ...")?
    dropped_near: set[int] = set()  # indexes of furniture lines, for page-number detection
    i = 0
    n = len(raw)
    in_citation = False
    while i < n:
        budget.tick()
        line = raw[i]
        stripped = line.strip()
        if stripped == "\f":
            out.append(Line("page"))
            dropped_near.add(i)
            i += 1
            continue
        if not stripped:
            i += 1
            continue
        if in_citation:
            if _is_refworld(stripped):
                in_citation = False
            dropped_near.add(i)
            i += 1
            continue
        first = stripped[0]  # most patterns below open with a literal: test it first, cheaply
        if first == "U" and _CITE_START.match(stripped):
            in_citation = not _is_refworld(stripped)
            dropped_near.add(i)
            i += 1
            continue
        if _is_refworld(stripped) or _is_furniture(stripped):
            dropped_near.add(i)
            i += 1
            continue
        if first == "_" and _FOOTNOTE_RULE.match(stripped):
            dropped_near.add(i)
            i = _skip_footnotes(raw, i + 1)
            continue
        if started and first in _END_LINE_FIRST and _END_LINE.match(stripped):
            out.append(Line("end"))
            break
        if started and first in "Aa" and _ADOPTED_TRAILER.match(stripped):
            out.append(Line("end"))
            break
        if first in _HEADER_FIRST or first.isdigit():  # (str.isdigit() accepts all of \d)
            stripped = _strip_header_prefixes(stripped)
            if not stripped:
                dropped_near.add(i)
                i += 1
                continue
            first = stripped[0]
        digit = first.isdigit()
        if digit and _PAGE_NUMBER.match(stripped):
            if _near(dropped_near, raw, i) or _followed_by_break(raw, i):
                dropped_near.add(i)
                i += 1
                continue
            out.append(Line("text", stripped))
            i += 1
            continue
        if first in _PART_LETTER_FIRST and _PART_LETTER.match(stripped):
            out.append(Line("part", stripped))
            i += 1
            continue
        number = _NUMBER_ALONE.match(stripped) if digit else None
        if number:
            out.append(Line("number", number.group(1)))
            i += 1
            continue
        if symbol and "S/RES/" in stripped:
            stripped = _remove_own_symbol(stripped, symbol)
            if not stripped:
                i += 1
                continue
        # The regex scans the whole line; it can only match when the line ends with A-H.
        part = _TRAILING_PART.search(stripped) if stripped[-1] in _PART_LETTERS else None
        if part:  # "... in the future;  B": the next part's letter ended up on this line
            out.append(Line("text", stripped[: part.start()]))
            out.append(Line("part", part.group(1)))
        else:
            out.append(Line("text", stripped))
        started = started or bool(_BODY_START.match(stripped))
        i += 1
    return out


def _strip_header_prefixes(stripped: str) -> str:
    """Remove "Resolution N (YYYY) ..." and "Adopted by ..." prefixes, repeatedly."""
    for _ in range(3):
        before = stripped
        match = _HEADER_PREFIX.match(stripped)
        if match:
            stripped = stripped[match.end() :].lstrip(" ,.")
        match = _ADOPTED.match(stripped)
        if match:
            stripped = stripped[match.end() :].lstrip(" ,.")
        if stripped == before:
            break
    return stripped.strip()


def _near(dropped: set[int], raw: list[str], i: int) -> bool:
    """Is line ``i`` within two non-blank lines of a dropped furniture line or page break?"""
    for step in (-1, 1):
        j = i + step
        seen = 0
        while 0 <= j < len(raw) and seen < 2:
            if raw[j].strip():
                if j in dropped:
                    return True
                seen += 1
            j += step
    return False


def _followed_by_break(raw: list[str], i: int) -> bool:
    """Is line ``i`` the last non-blank line before a page break or the end of the text?"""
    for j in range(i + 1, len(raw)):
        stripped = raw[j].strip()
        if stripped:
            return stripped == "\f" or bool(_is_furniture(stripped))
    return True


# --------------------------------------------------------------------------------------------
# Word repair

_TRAILING_HYPHEN = re.compile(r"([^\W\d_]+)-$")
_LEADING_WORD = re.compile(r"^([^\W\d_]+)")


def join_lines(left: str, right: str) -> str:
    """Join two lines of the same paragraph, undoing line-end hyphenation.

    "long-" + "term" stays "long-term" (a compound the lexicon knows); "recom-" + "mendation"
    becomes "recommendation"; an unknown split keeps its hyphen, as UN texts rarely hyphenate
    words at line ends except real compounds.
    """
    if not left:
        return right
    if not right:
        return left
    hyphen = _TRAILING_HYPHEN.search(left, max(0, len(left) - 80)) if left[-1] == "-" else None
    if hyphen and not left.endswith("--"):
        first = hyphen.group(1)
        word = _LEADING_WORD.match(right)
        if word:
            second = word.group(1)
            compound = f"{first}-{second}".lower()
            joined = f"{first}{second}".lower()
            if not is_word(compound) and is_word(joined) and second[0].islower():
                return left[:-1] + right
        return left + right
    if right[0] in ",;:.)]":
        return left + right
    return f"{left} {right}"


# join_lines looks at most this far back into the text joined so far (80 characters for a
# hyphenated word); join_all keeps that much apart, so each line is copied once, not once per
# line after it.
_JOIN_TAIL = 160


def join_all(parts: list[str]) -> str:
    """``join_lines`` over a paragraph's lines, in time linear in their length.

    Joining line by line copies the text joined so far each time, which is quadratic for a
    paragraph of many lines. As :func:`join_lines` only reads the end of its left side, the
    text is kept as finished pieces and an unfinished tail of at least ``_JOIN_TAIL`` characters.
    """
    pieces: list[str] = []
    tail = ""
    for part in parts:
        tail = join_lines(tail, part.strip())
        if len(tail) > 2 * _JOIN_TAIL:
            pieces.append(tail[:-_JOIN_TAIL])
            tail = tail[-_JOIN_TAIL:]
    pieces.append(tail)
    return "".join(pieces)


# Letters of lower-cased Latin-script text: "[...][...]*" is "[...]+" written so that the regex
# engine can skip quickly to the next letter (it cannot when a pattern opens with a repeat).
# (Less "÷", U+00F7, the one character of that range that is not a letter.)
_ALPHA = re.compile(r"[a-z\u00df-\u00f6\u00f8-\u024f][a-z\u00df-\u00f6\u00f8-\u024f]*")
_PREVIOUS_WORD = re.compile(r"(?:^|[^\w'’-])([^\W\d_]+) $")
_SHORT_PIECE = 3
_NEXT_WORD = re.compile(r" ([^\W\d_]+)(?![\w'’-])")


def repair_words(text: str, *, budget: Budget = UNLIMITED) -> str:
    """Rejoin words split by stray spaces and restore lost compound hyphens.

    1. Find the tokens that are not known words. Glued compounds ("longterm",
       "SecretaryGeneral") get their hyphen back ("long-term", "Secretary-General").
    2. Of the other unknown tokens, keep those that could be a piece of a known word (a prefix
       or suffix of one): "na", "tions", "nflict", "existin", the "s" of "encourage s".
    3. At each occurrence of such a piece, join it to the word before or after it when they are
       separated by one space, the second starts in lower case, the first is not an acronym,
       and together they make a known word ("United Na tions" -> "United Nations",
       "support ing" -> "supporting").
    4. Repeat (at most three times) so that three-piece splits are rejoined too.
    """
    for _ in range(3):
        text, joined = _repair_once(text, budget)
        if not joined:
            break
    return text


def _repair_once(text: str, budget: Budget) -> tuple[str, bool]:
    """One pass of :func:`repair_words`: the repaired text, and whether words were joined."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a few characters change length in lower case
        return text, False
    compounds: dict[str, str | None] = {}
    for word in _tokens(lowered) - _WORD_SET:
        budget.tick()
        compound = compound_for(word)
        if compound is not None or is_fragment(word):
            compounds[word] = compound
    edits: dict[int, str] = {}  # offset -> "" (drop the space there) or "-" (insert a hyphen)
    for word, starts in _occurrences(lowered, compounds.keys()).items():
        budget.tick()
        compound = compounds[word]
        for start in starts:
            end = start + len(word)
            if compound is not None:
                edits[start + compound.index("-")] = "-"
                continue
            space = _joinable_space(text, start, end)
            if space is not None:
                edits[space] = ""
    if not edits:
        return text, False
    pieces: list[str] = []
    position = 0
    for offset in sorted(edits):
        pieces.append(text[position:offset])
        if edits[offset] == "-":
            pieces.append("-")
            position = offset
        else:
            position = offset + 1  # drop the space
    pieces.append(text[position:])
    return "".join(pieces), "" in edits.values()


# For ASCII text, _ALPHA's tokens are the runs of a-z: blanking every other character with
# str.translate (fast for ASCII) and splitting is much quicker than the regex.
_NOT_ASCII_LETTER = str.maketrans({c: " " for c in range(128) if not 97 <= c <= 122})


_TOKEN_CHUNK = 1 << 16


def _tokens(lowered: str) -> set[str]:
    """The set of tokens of lower-cased text that :data:`_ALPHA` finds.

    Read in pieces of about 64 kB cut at spaces (no token holds one): the list of every token
    of a long text, before the set keeps one of each, would take ten times the text's size.
    """
    ascii_only = lowered.isascii()
    tokens: set[str] = set()
    start, size = 0, len(lowered)
    while start < size:
        end = start + _TOKEN_CHUNK
        if end < size:
            space = lowered.find(" ", end)
            end = size if space < 0 else space
        piece = lowered[start:end]
        if ascii_only:
            tokens.update(piece.translate(_NOT_ASCII_LETTER).split())
        else:
            tokens.update(_ALPHA.findall(piece))
        start = end
    return tokens


_ASCII_WORD = re.compile(r"[a-z][a-z]*")  # _ALPHA for ASCII text, faster
# Up to this many words, each is looked for with str.find (fast, and still linear in the text
# with so few); beyond, the text's words are read once for all of them.
_FEW_WORDS = 64


def _occurrences(lowered: str, words: Collection[str]) -> dict[str, list[int]]:
    """Offsets where each of ``words`` occurs in ``lowered`` as a whole token.

    Pieces of two or three letters ("co", "na") are common inside other words, so for them
    only occurrences between two spaces count ("United Na tions"). Searching the whole text
    once per word is quadratic in a long text of unknown words, so past ``_FEW_WORDS`` words
    the text is read once instead; both ways find the same offsets (a whole token is a run of
    the letters of :data:`_ALPHA`, between characters that are not letters).
    """
    if len(words) <= _FEW_WORDS:
        found = {word: _find_all(lowered, word) for word in words}
        return {word: starts for word, starts in found.items() if starts}
    by_word: dict[str, list[int]] = {}
    size = len(lowered)
    for match in (_ASCII_WORD if lowered.isascii() else _ALPHA).finditer(lowered):
        word = match.group()
        if word not in words:
            continue
        start, end = match.span()
        if len(word) <= _SHORT_PIECE:
            if not (start and end < size and lowered[start - 1] == " " and lowered[end] == " "):
                continue
        elif (start and lowered[start - 1].isalpha()) or (end < size and lowered[end].isalpha()):
            continue
        by_word.setdefault(word, []).append(start)
    return by_word


def _find_all(lowered: str, word: str) -> list[int]:
    """:func:`_occurrences` of one word, with str.find."""
    found: list[int] = []
    if len(word) <= _SHORT_PIECE:
        needle = f" {word} "
        start = lowered.find(needle)
        while start >= 0:
            found.append(start + 1)
            start = lowered.find(needle, start + 1)
        return found
    start = lowered.find(word)
    while start >= 0:
        end = start + len(word)
        before = lowered[start - 1] if start else " "
        after = lowered[end] if end < len(lowered) else " "
        if not (before.isalpha() or after.isalpha()):
            found.append(start)
        start = lowered.find(word, end)
    return found


def _joinable_space(text: str, start: int, end: int) -> int | None:
    """The offset of a stray space before or after the token text[start:end], if any."""
    token = text[start:end]
    previous = _PREVIOUS_WORD.search(text, max(0, start - 40), start)
    if previous and token[0].islower():
        first = previous.group(1)
        if not (first.isupper() and len(first) > 1) and is_word((first + token).lower()):
            return start - 1
    following = _NEXT_WORD.match(text, end)
    if following:
        second = following.group(1)
        acronym = token.isupper() and len(token) > 1
        if second[0].islower() and not acronym and is_word((token + second).lower()):
            return end
    return None


# Spaces before punctuation ("(2014) ,"), after an opening bracket ("( S/PRST/2014/5)"), and
# footnote numbers glued to punctuation by extraction ("growth.1 Existing", "Poor,3 has",
# "FNL,1 and").
_SPACE_BEFORE_PUNCT = re.compile(r" [ ]*(?=[,;:.)\]](?:\s|$))")  # " [ ]*": " +", but faster
_SPACE_AFTER_OPEN = re.compile(r"([(\[]) +")
_FOOTNOTE_MARK = re.compile(r"([.,;:])(?<=[a-z)][.,;:]|[A-Z][,;])\d{1,2}(?=\s|$)")
_FOOTNOTE_CUE = re.compile(r"[.,;:]\d")
# The cue for _SPACE_BEFORE_PUNCT: one regex scan (for a literal space) is faster than five
# `in` tests (" ," or " ;" or " :" or " ." or " )").
_SPACE_PUNCT_CUE = re.compile(r" [,;:.)]")


def tidy_punctuation(text: str) -> str:
    """Remove spaces before punctuation and after opening brackets, and glued footnote numbers
    ("(2014) ," -> "(2014),", "( S/PRST" -> "(S/PRST", "growth.1 Existing" -> "growth.
    Existing"). Line breaks are kept."""
    if _SPACE_PUNCT_CUE.search(text):
        text = _SPACE_BEFORE_PUNCT.sub("", text)
    if "( " in text or "[ " in text:
        text = _SPACE_AFTER_OPEN.sub(r"\1", text)
    if _FOOTNOTE_CUE.search(text):
        text = _FOOTNOTE_MARK.sub(r"\1", text)
    return text


def tidy(text: str) -> str:
    """Collapse whitespace (paragraph text, after :func:`repair_lines` and :func:`join_lines`)."""
    # Most text is tidy already: in printable text the only whitespace is " " (the other
    # whitespace characters are not printable), so without "  " or a space at either end
    # there is nothing to collapse, and checking is much cheaper than splitting and joining.
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return " ".join(text.split())


def repair_lines(lines: list[Line], *, budget: Budget = UNLIMITED) -> list[Line]:
    """Repair the text lines of a document all at once: :func:`repair_words` and
    :func:`tidy_punctuation`.

    Repairs never cross a line break, so the lines keep their number and kinds.
    """
    texts = [line.text for line in lines if line.kind == "text"]
    if not texts:
        return lines
    joined = "\n".join(texts)
    repaired_text = tidy_punctuation(repair_words(joined, budget=budget))
    if repaired_text == joined:
        return lines
    repaired = iter(repaired_text.split("\n"))
    return [Line(line.kind, next(repaired)) if line.kind == "text" else line for line in lines]
