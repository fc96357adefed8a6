"""Short month names for charts, tables and calendars, as each language abbreviates them.

Django's ``M`` format cuts every French month to three letters, so June and July both read
"Jui"; French abbreviates them "juin" and "juil." (janv., févr., mars, avr., mai, juin, juil.,
août, sept., oct., nov., déc.). The catalogue holds each language's forms.
"""

from __future__ import annotations

import datetime

from django.utils.translation import pgettext_lazy

MONTH_ABBREVIATIONS = (
    pgettext_lazy("month abbreviation", "Jan"),
    pgettext_lazy("month abbreviation", "Feb"),
    pgettext_lazy("month abbreviation", "Mar"),
    pgettext_lazy("month abbreviation", "Apr"),
    pgettext_lazy("month abbreviation", "May"),
    pgettext_lazy("month abbreviation", "Jun"),
    pgettext_lazy("month abbreviation", "Jul"),
    pgettext_lazy("month abbreviation", "Aug"),
    pgettext_lazy("month abbreviation", "Sep"),
    pgettext_lazy("month abbreviation", "Oct"),
    pgettext_lazy("month abbreviation", "Nov"),
    pgettext_lazy("month abbreviation", "Dec"),
)


def short_month(day: datetime.date, *, year: str = "y") -> str:
    """``Jun 26`` / ``juin 26`` (``year="Y"``: ``Jun 2026``; ``year=""``: the month alone)."""
    month = str(MONTH_ABBREVIATIONS[day.month - 1])
    if not year:
        return month
    return f"{month} {day:%Y}" if year == "Y" else f"{month} {day:%y}"
