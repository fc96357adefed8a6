"""English month names, as resolutions print them."""

from __future__ import annotations

MONTH_NAMES = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
#: "January|February|...": for a regular expression group.
MONTH_ALTERNATION = "|".join(name.capitalize() for name in MONTH_NAMES)


def month_number(name: str) -> int:
    """1 for "January" (any case)."""
    return MONTH_NAMES.index(name.lower()) + 1
