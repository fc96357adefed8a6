"""iCalendar feeds of deadlines at a secret address, for Outlook and Google Calendar."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET
from icalendar import Calendar, Event

from mandates.choices import CalendarScope
from mandates.integration.services import calendar_feed_used
from mandates.models import CalendarFeed, Request, UnitMembership, hash_secret
from mandates.organisation.permissions import can_read_requests

# How often calendar programs should fetch the feed again.
REFRESH = datetime.timedelta(hours=4)


def feed_requests(feed: CalendarFeed) -> QuerySet[Request]:
    """The open requests with a due date that the feed lists."""
    queryset = Request.objects.open().filter(due_date__isnull=False)
    if feed.scope == CalendarScope.UNIT:
        return queryset.for_units([feed.unit_id])  # type: ignore[list-item]
    if feed.scope == CalendarScope.MISSION:
        return queryset.for_mission(feed.mission_id)  # type: ignore[arg-type]
    units = UnitMembership.objects.filter(user_id=feed.owner_id).values_list("unit_id", flat=True)
    return queryset.for_units(list(units))


def build_calendar(feed: CalendarFeed, requests: QuerySet[Request], *, base_url: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//ssrtracker//deadlines//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"ssrtracker: {feed}")
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT4H")
    stamp = timezone.now()
    rows = requests.select_related("lead_unit").order_by("due_date", "pk")
    for request in rows.iterator(chunk_size=2000):
        event = Event()
        event.add("uid", f"request-{request.pk}@ssrtracker")
        event.add("dtstamp", stamp)
        event.add("dtstart", request.due_date)
        # A whole day, said as a duration: an end date computed as the next day would overflow
        # on the last representable date.
        event.add("duration", datetime.timedelta(days=1))
        event.add("summary", f"Due: {request.reference} – {request.title}")
        event.add(
            "description",
            f"{request.title}\nLead: {request.lead_unit.acronym}\n"
            f"Status: {request.get_status_display()}",
        )
        event.add("url", base_url + reverse("admin:mandates_request_change", args=[request.pk]))
        event.add("sequence", request.version)
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical()


@require_GET
def calendar_feed(request: HttpRequest, secret: str) -> HttpResponse:
    feed = (
        CalendarFeed.objects.select_related("owner")
        .filter(digest=hash_secret(secret), revoked_at__isnull=True, owner__is_active=True)
        .first()
    )
    # The owner must still be allowed to read deadlines now, not only when the feed was made:
    # an account that lost its role (or never had one) gets nothing.
    if feed is None or not can_read_requests(feed.owner):
        raise Http404
    now = timezone.now()
    calendar_feed_used(feed=feed, now=now)
    body = build_calendar(
        feed, feed_requests(feed), base_url=request.build_absolute_uri("/").rstrip("/")
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="ssrtracker-deadlines.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response
