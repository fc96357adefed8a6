"""Shortening a name for a sentence or a list, without cutting a word (pure, no Django)."""

from __future__ import annotations


def shortened(text: str, limit: int) -> str:
    """``text`` if it fits in ``limit`` characters, else its longest run of whole words that
    fits with an ellipsis, and no parenthesis left open ("Police reform (police and
    gendarmerie)" → "Police reform…", never "(police and gendar…"). A first word longer than
    ``limit`` is kept whole: a name is cut at a word boundary or not at all.

    Steps: 1. keep the words that fit before the ellipsis; 2. drop a trailing part whose
    parenthesis is left open; 3. drop trailing punctuation, then add the ellipsis.
    """
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    words = text.split(" ")
    kept: list[str] = []
    for word in words:
        if len(" ".join([*kept, word])) > limit - 1:
            break
        kept.append(word)
    if not kept:
        return words[0] + ("…" if len(words) > 1 else "")
    cut = " ".join(kept)
    if cut.count("(") > cut.count(")"):
        cut = cut[: cut.rfind("(")].rstrip() or cut
    return cut.rstrip(" ,;:–-(") + "…"
