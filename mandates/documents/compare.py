"""Align the paragraphs of two documents and diff them word by word (no Django import).

Steps of :func:`align`:
1. split each text into words and compare every old paragraph with every new one of the same
   kind (preambular with preambular, operative with operative), scoring similarity 0..1;
2. match top-level paragraphs greedily, most similar pair first, at or above ``threshold``
   (:data:`MATCH_THRESHOLD`);
3. match sub-paragraphs the same way, first among the children of matched parents (where a
   lower threshold applies, :data:`CHILD_MATCH_THRESHOLD`: a renumbered list keeps its place),
   then across the document;
4. describe each pair by two independent facts: *moved* when its reference changed, *modified*
   when its words changed (see below). ``status`` names the main one: *unchanged*, *modified*
   (same reference), *moved* (another reference, whether or not the text changed; ``changes``
   then says ``("moved", "modified")`` for a renumbered and edited paragraph); unmatched new
   paragraphs are *new*, unmatched old ones *dropped*;
5. return the alignment in the new document's order, each dropped paragraph placed after the
   old paragraph that preceded it.

When is a text modified? When its words differ once normalised, i.e. when its similarity is
below 1.0: a word added, removed or replaced is a modification, however small. Case,
punctuation at the edges of words and the style of quotes and apostrophes are not (drafts and
adopted texts differ in those). The thresholds above decide only whether two paragraphs are the
same paragraph at all; below them the pair is not matched and shows as *dropped* and *new*.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

_WORD = re.compile(r"\S+")

UNCHANGED, MODIFIED, MOVED, NEW, DROPPED = "unchanged", "modified", "moved", "new", "dropped"

#: Two top-level paragraphs at or above this similarity may be the same paragraph.
MATCH_THRESHOLD = 0.5
#: The same, for sub-paragraphs of two matched paragraphs.
CHILD_MATCH_THRESHOLD = 0.3


@dataclass(frozen=True)
class Side:
    """One paragraph as the aligner sees it."""

    key: int  # the caller's id for it
    ref: str  # "PP3", "20", "20(e)"
    kind: str  # "preambular" | "operative"
    text: str
    parent_key: int | None = None


@dataclass
class Alignment:
    status: str
    old: Side | None
    new: Side | None
    similarity: float
    diff: list[tuple[str, str]] = field(default_factory=list)  # ("equal"|"delete"|"insert", text)

    @property
    def text_changed(self) -> bool:
        return self.old is not None and self.new is not None and self.similarity < 1.0

    @property
    def moved(self) -> bool:
        """Matched, under another reference."""
        return self.old is not None and self.new is not None and self.old.ref != self.new.ref

    @property
    def modified(self) -> bool:
        """Matched, with different words (similarity below 1.0; see the module docstring)."""
        return self.text_changed

    @property
    def percent_similar(self) -> int:
        """The similarity in whole percent, rounded down: 99 until the words are the same."""
        return int(self.similarity * 100)

    @property
    def changes(self) -> tuple[str, ...]:
        """What happened, each fact once: ``("moved", "modified")`` for a renumbered and edited
        paragraph, ``("moved",)``, ``("modified",)``, ``("unchanged",)``, ``("new",)`` or
        ``("dropped",)``."""
        if self.old is None or self.new is None:
            return (self.status,)
        facts = tuple(
            name for name, fact in ((MOVED, self.moved), (MODIFIED, self.modified)) if fact
        )
        return facts or (UNCHANGED,)


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def _norm(words: list[str]) -> list[str]:
    # Typographic and straight apostrophes and quotes differ between drafts and adopted texts.
    return [w.lower().replace("’", "'").strip(".,;:()“”\"'") for w in words]


def similarity(a: list[str], b: list[str]) -> float:
    """Mean of the symmetric ratio and how much of the old text survives in the new.

    The second term keeps an amended paragraph matched to its successor when the Council added
    much to it (2151 OP15(d) grew into 2553 OP20(e)).
    """
    if a == b:
        return 1.0
    if not a or not b:
        return 0.0
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < 0.2 or matcher.quick_ratio() < 0.2:
        return 0.0
    kept = sum(block.size for block in matcher.get_matching_blocks())
    return (matcher.ratio() + kept / len(a)) / 2


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """Word-level diff: a list of (operation, text) with operation equal, delete or insert."""
    a, b = _words(old), _words(new)
    segments: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(None, _norm(a), _norm(b), autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            segments.append(("equal", " ".join(b[j1:j2])))
        if op in ("delete", "replace"):
            segments.append(("delete", " ".join(a[i1:i2])))
        if op in ("insert", "replace"):
            segments.append(("insert", " ".join(b[j1:j2])))
    return segments


def align(
    old: list[Side],
    new: list[Side],
    *,
    threshold: float = MATCH_THRESHOLD,
    child_threshold: float = CHILD_MATCH_THRESHOLD,
) -> list[Alignment]:
    """Align ``old`` to ``new`` (each in document order); see the module docstring."""
    old_words = {s.key: _norm(_words(s.text)) for s in old}
    new_words = {s.key: _norm(_words(s.text)) for s in new}
    matched_old: dict[int, int] = {}  # old key -> new key
    matched_new: dict[int, tuple[int, float]] = {}  # new key -> (old key, score)

    def match(pairs: list[tuple[Side, Side]], minimum: float) -> None:
        scored = []
        for o, n in pairs:
            if o.key in matched_old or n.key in matched_new or o.kind != n.kind:
                continue
            score = similarity(old_words[o.key], new_words[n.key])
            if score >= minimum:
                scored.append((score, o.key, n.key))
        for score, o_key, n_key in sorted(scored, key=lambda t: (-t[0], t[1], t[2])):
            if o_key not in matched_old and n_key not in matched_new:
                matched_old[o_key] = n_key
                matched_new[n_key] = (o_key, score)

    old_top = [s for s in old if s.parent_key is None]
    new_top = [s for s in new if s.parent_key is None]
    match([(o, n) for o in old_top for n in new_top], threshold)

    old_children: dict[int, list[Side]] = {}
    for s in old:
        if s.parent_key is not None:
            old_children.setdefault(s.parent_key, []).append(s)
    new_children: dict[int, list[Side]] = {}
    for s in new:
        if s.parent_key is not None:
            new_children.setdefault(s.parent_key, []).append(s)
    # Children of matched parents first, level by level (a parent matched here lets its own
    # children be matched in the next round).
    for _ in range(4):
        pairs = [
            (o, n)
            for o_parent, n_parent in list(matched_old.items())
            for o in old_children.get(o_parent, [])
            for n in new_children.get(n_parent, [])
        ]
        if not pairs:
            break
        before = len(matched_old)
        match(pairs, child_threshold)
        if len(matched_old) == before:
            break
    old_sub = [s for s in old if s.parent_key is not None]
    new_sub = [s for s in new if s.parent_key is not None]
    match([(o, n) for o in old_sub for n in new_sub], threshold)

    old_by_key = {s.key: s for s in old}
    old_index = {s.key: i for i, s in enumerate(old)}
    result: list[Alignment] = []
    emitted_old: set[int] = set()

    def emit_dropped_before(limit: int) -> None:
        for s in old[:limit]:
            if s.key not in matched_old and s.key not in emitted_old:
                emitted_old.add(s.key)
                result.append(Alignment(DROPPED, s, None, 0.0))

    for n in new:
        if n.key not in matched_new:
            result.append(Alignment(NEW, None, n, 0.0))
            continue
        o_key, score = matched_new[n.key]
        o = old_by_key[o_key]
        emit_dropped_before(old_index[o_key])
        identical = old_words[o_key] == new_words[n.key]
        if identical:
            status = UNCHANGED if o.ref == n.ref else MOVED
            diff = [] if status == UNCHANGED else [("equal", n.text)]
            result.append(Alignment(status, o, n, 1.0, diff))
        else:
            status = MODIFIED if o.ref == n.ref else MOVED
            result.append(Alignment(status, o, n, score, word_diff(o.text, n.text)))
    emit_dropped_before(len(old))
    return result
