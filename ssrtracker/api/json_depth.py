"""How deeply a JSON text nests, measured on its bytes without decoding them.

Python's ``json`` module decodes nested arrays and objects by recursion: a body of 100,000 ``[``
ends in a RecursionError. The API's parser measures the depth first and refuses a body nested
deeper than ``MAX_JSON_DEPTH``; this module has no Django import, so it is tested alone.
"""

from __future__ import annotations

import itertools
import re

# A string, up to its closing quote or, if it has none, to the end of the text: every quote then
# starts at most one match, so a text of escaped quotes is scanned once, not once per quote.
# Possessive quantifiers: nothing to backtrack into.
_STRING = re.compile(rb'"(?:[^"\\]++|\\.?)*+(?:"|\Z)', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
# An opening bracket as the signed byte +1, a closing one as -1.
_STEP = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")


def nesting_depth(data: bytes) -> int:
    """The deepest nesting of arrays and objects in ``data`` (UTF-8); 0 for a bare value.

    1. Remove the strings, whose brackets do not nest (escaped quotes included).
    2. Keep only the brackets: +1 for an opening one, -1 for a closing one.
    3. The depth after each bracket is the running sum; return the largest.

    Linear, in C loops (none in Python per byte), without recursion. Invalid JSON gets a number
    too: a stray closing bracket lowers the count of what follows it, but the decoder stops at
    that bracket and never reads what follows.
    """
    steps = _STRING.sub(b"", data).translate(_STEP, _NOT_BRACKETS)
    return max(0, max(itertools.accumulate(memoryview(steps).cast("b")), default=0))
