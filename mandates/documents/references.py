"""How documents and requests are named: citation labels and request references."""

from __future__ import annotations

import re

_RESOLUTION_SYMBOL = re.compile(r"^S/RES/(?P<number>\d+) \((?P<year>\d{4})\)$")


def citation_label(symbol: str) -> str:
    """ "2553 (2020)" for a resolution, else the symbol itself ("S/2014/302")."""
    match = _RESOLUTION_SYMBOL.match(symbol)
    return f"{match['number']} ({match['year']})" if match else symbol


def reference_prefix(symbol: str) -> str:
    match = _RESOLUTION_SYMBOL.match(symbol)
    if match:
        return match["number"]
    return re.sub(r"[^A-Za-z0-9]+", "-", symbol).strip("-")


def request_reference(symbol: str, ref: str) -> str:
    """``2553-OP20e`` for 2553 (2020) OP20(e): the same key the seed data uses."""
    return f"{reference_prefix(symbol)}-OP{re.sub(r'[()]', '', ref)}"[:60]
