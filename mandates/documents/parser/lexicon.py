"""The word list used to repair words broken by PDF extraction.

The list (in :mod:`mandates.documents.parser._lexicon_data`) holds the lower-case words and
hyphenated compounds that occur in at least three Security Council resolutions of 1946-2015, minus
the fragments extraction leaves behind ("tions", "nflict"), and the compounds whose hyphen is often
lost ("longterm" -> "long-term"). :mod:`.lexicon_build` regenerates it from a corpus.
"""

from __future__ import annotations

import bisect

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
