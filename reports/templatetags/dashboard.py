"""Small tags shared by the dashboard pages: status badges and due dates."""

from __future__ import annotations

import datetime
from typing import Any

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mandates.requests.models import author_label
from reports.months import short_month

register = template.Library()


@register.filter
def month_year(day: datetime.date | None) -> str:
    """``Jun 2026`` / ``juin 2026``: the month abbreviated as the active language does it."""
    return short_month(day, year="Y") if day else ""


@register.filter
def author(name: str) -> str:
    """A stored author name, "the system" in the reader's language."""
    return author_label(name or "")


@register.simple_tag
def status_badge(status: str, label: Any) -> str:
    # The label is always printed: colour reinforces it, never carries it alone.
    return format_html('<span class="ssr-status ssr-status--{}">{}</span>', status, label)


@register.simple_tag(takes_context=True)
def due(context: dict[str, Any], request: Any) -> str:
    """The due date, with "3 days late" or "in 5 days" for open requests."""
    if request.due_date is None:
        return format_html('<span class="muted">{}</span>', _("no date"))
    today = context.get("today") or timezone.localdate()
    shown = date_format(request.due_date, "SHORT_DATE_FORMAT")
    if not request.is_open:
        return format_html("{}", shown)
    days = (request.due_date - today).days
    if days < 0:
        late = ngettext("%(n)d day late", "%(n)d days late", -days) % {"n": -days}
        return format_html('<span class="late">{}<br><small>{}</small></span>', shown, late)
    if days == 0:
        return format_html('<span class="soon">{}<br><small>{}</small></span>', shown, _("today"))
    ahead = ngettext("in %(n)d day", "in %(n)d days", days) % {"n": days}
    css = "soon" if days <= 14 else ""
    return format_html('<span class="{}">{}<br><small>{}</small></span>', css, shown, ahead)


#: A mark per rating, so a heat strip reads without colour (and in print).
RATING_SYMBOLS = {"on_track": "✓", "at_risk": "!", "off_track": "✗", "not_assessed": "–"}


@register.filter
def rating_symbol(rating: str) -> str:
    return RATING_SYMBOLS.get(rating, "?")


#: A mark per request state for the matrix, so cells read without colour.
STATUS_MARKS = {
    "not_started": "○",
    "in_progress": "◐",
    "on_hold": "‖",
    "completed": "●",
    "cancelled": "×",
    "superseded": "→",
    "overdue": "!",
}


@register.filter
def status_mark(state: str) -> str:
    return STATUS_MARKS.get(state, "?")


@register.filter
def status_label(state: str) -> str:
    from mandates.choices import RequestStatus

    if state == "overdue":
        return _("Overdue")
    return str(RequestStatus(state).label)
