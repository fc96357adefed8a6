"""The word list used to repair words broken by PDF extraction.

The list (in :mod:`mandates.parser._lexicon_data`) holds the lower-case words and hyphenated
compounds that occur in at least three Security Council resolutions of 1946-2015, minus the
fragments extraction leaves behind ("tions", "nflict"), and the compounds whose hyphen is often
lost ("longterm" -> "long-term"). Regenerate it with::

    python -m mandates.parser.corpus --lexicon CORPUS_DIR > mandates/parser/_lexicon_data.py
"""

from __future__ import annotations

import bisect
import collections
import re
from pathlib import Path

from ._lexicon_data import COMPOUNDS, WORDS


def _words(text: str) -> list[str]:
    """The whitespace-separated words of a word-list literal."""
    return text.split()


# Two-letter and one-letter words that may stand alone; any other short token is a fragment.
SHORT_WORDS = frozenset(
    _words("a i am an as at be by do go he if in is it me my no of on or so to up us we")
)

WORD_SET: frozenset[str] = frozenset(WORDS.split()) | SHORT_WORDS
_COMPOUND_BY_JOINED: dict[str, str] = {c.replace("-", ""): c for c in COMPOUNDS.split()}


def is_word(word: str) -> bool:
    """Is the lower-case ``word`` (possibly hyphenated) a known word?"""
    return word in WORD_SET


def compound_for(joined: str) -> str | None:
    """The hyphenated compound a lower-case glued token stands for ("longterm" -> "long-term")."""
    return _COMPOUND_BY_JOINED.get(joined)


_SORTED = sorted(WORD_SET)
_SORTED_REVERSED = sorted(word[::-1] for word in WORD_SET)


def _has_prefix(words: list[str], piece: str) -> bool:
    index = bisect.bisect_right(words, piece)
    return index < len(words) and words[index].startswith(piece)


def is_fragment(piece: str) -> bool:
    """Could the lower-case ``piece`` be part of a known word split in two ("na", "tions")?

    True when a known word, longer than the piece, starts or ends with it.
    """
    return _has_prefix(_SORTED, piece) or _has_prefix(_SORTED_REVERSED, piece[::-1])


# --------------------------------------------------------------------------------------------
# Building the list from a corpus

_TOKEN = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_PAIR = re.compile(r"(?<![\w-])([^\W\d_]+) ([^\W\d_]+)(?![\w-])")

MIN_DOCUMENTS = 3
MIN_COMPOUND_DOCUMENTS = 5
COMPOUND_RATIO = 5  # the hyphenated form must be this many times more frequent
FRAGMENT_SHARE = 0.3  # a token seen split this often is a fragment, not a word
SPLIT_RARITY = 4  # "a b" is a split of "ab" only if "ab" is this many times more frequent
COMMON_DOCUMENTS = 50  # a token found in this many documents is a word, however often split


def build(corpus: Path) -> tuple[list[str], list[str]]:
    """Return (words, compounds) computed from the text files in ``corpus``.

    1. Count, per token, the documents it occurs in (hyphenated tokens and their parts).
    2. A hyphenated compound whose glued form is at least ``COMPOUND_RATIO`` times rarer is a
       compound that extraction sometimes glues; its glued form is not a word.
    3. Count how often each token occurs as one half of a split word ("na tions" where
       "nations" is at least ``SPLIT_RARITY`` times more frequent than the pair; "time frame"
       is as frequent as "timeframe", so it is a spelling, not a split). A token found split
       in more than ``FRAGMENT_SHARE`` of its uses is a fragment and is left out, unless it is
       common (in ``COMMON_DOCUMENTS`` documents or more: "secretary" of "Secretary General").
    4. Keep tokens found in at least ``MIN_DOCUMENTS`` documents, three letters or longer (or
       in ``SHORT_WORDS``), that are neither fragments nor glued compounds.
    """
    from .text import decode, normalize  # local import: text imports this module

    documents: collections.Counter[str] = collections.Counter()
    uses: collections.Counter[str] = collections.Counter()
    pairs: collections.Counter[tuple[str, str]] = collections.Counter()
    for path in sorted(corpus.iterdir()):
        if not path.is_file():
            continue
        try:
            text = normalize(decode(path.read_bytes()))
        except ValueError:
            continue
        seen: set[str] = set()
        for match in _TOKEN.finditer(text):
            token = match.group().lower()
            uses[token] += 1
            seen.add(token)
            if "-" in token:
                seen.update(token.split("-"))
        documents.update(seen)
        for line in text.split("\n"):
            for match in _PAIR.finditer(line):
                pairs[(match.group(1).lower(), match.group(2).lower())] += 1

    compounds = sorted(
        word
        for word, count in documents.items()
        if word.count("-") == 1
        and count >= MIN_COMPOUND_DOCUMENTS
        and documents.get(word.replace("-", ""), 0) * COMPOUND_RATIO <= count
    )
    glued = {c.replace("-", "") for c in compounds}

    split_uses: collections.Counter[str] = collections.Counter()
    for (first, second), count in pairs.items():
        whole = documents.get(first + second, 0)
        if whole >= MIN_COMPOUND_DOCUMENTS and whole >= SPLIT_RARITY * count:
            split_uses[first] += count
            split_uses[second] += count

    words = sorted(
        word
        for word, count in documents.items()
        if count >= MIN_DOCUMENTS
        and (len(word) >= 3 or word in SHORT_WORDS)
        and word not in glued
        and (count >= COMMON_DOCUMENTS or split_uses[word] <= FRAGMENT_SHARE * uses[word])
    )
    return words, compounds


def render(words: list[str], compounds: list[str]) -> str:
    """The source of a ``_lexicon_data`` module holding ``words`` and ``compounds``."""
    return (
        '"""Generated by ``python -m mandates.parser.corpus --lexicon DIR``; do not edit."""\n'
        f'\nWORDS = """\n{_wrap(words)}\n"""\n'
        f'\nCOMPOUNDS = """\n{_wrap(compounds)}\n"""\n'
    )


def _wrap(words: list[str], width: int = 95) -> str:
    lines: list[str] = []
    current = ""
    for word in words:
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    if current:
        lines.append(current)
    return "\n".join(lines)
