"""Working titles of the requests an import proposes: whole phrases a manager can read.

Pure Python (no Django), so that it can be tested alone. :func:`request_title` takes the text
of an operative paragraph or sub-paragraph:

1. Where the paragraph asks someone "to" do something ("Requests the Secretary-General,
   without prejudice to paragraph 21 above, to deploy ..."), the title starts at that verb:
   the first "to" followed by a lower-case word that is not part of a reference or a fixed
   phrase ("pursuant to paragraph 21", "without prejudice to", "in addition to the", "to
   20 per cent"), within the first 160 characters. Sub-paragraphs already start with what
   is asked ("Highlight in his regular reports ..."), and so does a paragraph without such a
   "to"; they are kept from their start.
2. A title over ``limit`` characters ends at the last clause boundary (",", ";", ":", a
   dash, an opening bracket) that leaves at least half of the limit, else at the last word
   boundary; words that cannot end a phrase ("and", "of", "the", "to" ...) are dropped from
   its end, then "…" marks the cut. A word is never cut.
"""

from __future__ import annotations

import re

#: The longest title, in characters, the ellipsis included.
TITLE_LIMIT = 120
_ASK_WITHIN = 160

_TO = re.compile(r"\bto\s+(?=([a-z][\w-]*))")
# The word before "to" when it is a preposition of a fixed phrase, not the infinitive's "to".
_NOT_INFINITIVE_BEFORE = frozenset({
    "pursuant", "according", "prejudice", "regard", "addition", "due", "prior", "related",
    "relating", "referred", "reference", "respect", "up", "relation", "annexed", "addressed",
    "as", "leading", "attached", "contribution", "contributions", "contribute", "contributing",
    "support", "assistance", "access", "return", "commitment", "commitments", "threat", "threats",
    "parties", "party", "subject", "close", "next", "applicable", "open"
})  # fmt: skip
# Words after "to" that are not a verb: "to the", "to paragraph 21", "to all parties".
_NOT_A_VERB = frozenset({
    "the", "a", "an", "its", "his", "her", "their", "this", "these", "that", "those", "all",
    "any", "each", "every", "such", "both", "paragraph", "paragraphs", "resolution",
    "resolutions", "article", "articles", "section", "annex", "chapter", "date", "which", "whom",
    "whose", "what", "whether", "other", "others", "and", "or", "it", "them", "him"
})  # fmt: skip
_CLAUSE_BOUNDARY = re.compile(r"[,;:](?=\s)|\s[–—-]\s|\s\(")
_DANGLING = frozenset({
    "a", "an", "the", "and", "or", "nor", "but", "of", "to", "in", "on", "at", "by", "for",
    "with", "from", "into", "as", "its", "his", "her", "their", "this", "that", "these", "those",
    "which", "who", "whom", "whose", "including", "inter", "alia", "such", "than", "also", "well",
    "through", "within", "without", "between", "among", "under", "over", "upon"
})  # fmt: skip


def request_title(text: str, *, is_subparagraph: bool, limit: int = TITLE_LIMIT) -> str:
    """The working title of a request from its paragraph's text (see the module docstring)."""
    clean = " ".join(text.split()).rstrip(";,.:")
    ask = clean if is_subparagraph else _ask(clean)
    if not ask:
        return ""
    ask = ask[0].upper() + ask[1:]
    return ask if len(ask) <= limit else _shorten(ask, limit)


def _ask(text: str) -> str:
    """What the paragraph asks: from the verb after its first infinitive "to" (step 1)."""
    for match in _TO.finditer(text, 0, _ASK_WITHIN):
        if match.start() >= _ASK_WITHIN:
            break
        word = match.group(1)
        before = text[: match.start()].rstrip().rsplit(" ", 1)[-1].lower()
        if word in _NOT_A_VERB or before in _NOT_INFINITIVE_BEFORE:
            continue
        return text[match.start(1) :]
    return text


def _shorten(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters with "…", at a clause or word boundary (step 2)."""
    room = text[:limit]  # the ellipsis takes the place of the space or mark at the cut
    cut = None
    for boundary in _CLAUSE_BOUNDARY.finditer(room):
        if boundary.start() >= limit // 2:
            cut = boundary.start()
    if cut is None:
        space = room.rfind(" ")
        cut = space if space > 0 else limit - 1
    words = text[:cut].rstrip(" ,;:–—-(").split(" ")
    while len(words) > 1 and words[-1].lower().strip(",;:") in _DANGLING:
        words.pop()
    return " ".join(words).rstrip(" ,;:–—-(") + "…"
