"""Fuzz: random form data posted to the admin's editing pages (a request, an assessment, a
calendar feed, the bulk status update). Each answer is the form again with its errors, a
redirect after saving, or a refusal: never a server error, and a refused form saves nothing."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import strategies as st

from mandates.models import Request, Unit
from ssrtracker import limits
from tests.factories import BenchmarkFactory, MissionFactory, RequestFactory
from tests.mandates.test_admin import form_data
from tests.robustness import examples

pytestmark = pytest.mark.django_db

EXAMPLES = examples(120)

TRICKY = [
    "",
    "0",
    "-1",
    str(limits.MAX_INTEGER + 1),
    "9" * 40,
    "1921-09-30",
    "9999-12-31",
    "0001-01-01",
    "2021-02-30",
    "not-a-date",
    "javascript:alert(1)",
    "https://undocs.org/en/S/RES/2553(2020)",
    "<b>bold</b>",
    "\x00",
    "x" * 10_000,
    "completed",
    "superseded",
    "in_progress",
]
texts = st.text(st.characters(exclude_categories=["Cs"]), max_size=80)
values = st.one_of(st.sampled_from(TRICKY), texts, st.integers(-(2**64), 2**64).map(str))


def _fuzz(client: Client, url: str, *, fields: list[str], name: str, robustness) -> None:
    base = form_data(client, url)

    def check(changes: dict[str, str]) -> None:
        response = client.post(url, {**base, **changes})
        assert response.status_code in (200, 302, 403), changes

    robustness.fuzz(
        f"admin forms: {name}",
        check,
        max_examples=EXAMPLES,
        changes=st.dictionaries(st.sampled_from(fields), values, min_size=1, max_size=4),
    )


def test_the_request_form_takes_any_input(staff_a, robustness):
    request = RequestFactory.create(lead_unit=Unit.objects.get(acronym="UNIT-A"))
    request.missions.add(MissionFactory.create())
    client = Client()
    client.force_login(staff_a)
    url = reverse("admin:mandates_request_change", args=[request.pk])
    fields = [
        "due_date",
        "priority",
        "lead_unit",
        "supporting_units",
        "missions",
        "new_status",
        "update_note",
        "evidence_url",
        "version_seen",
        "recurrence",
        "recurrence_months",
        "recurrence_anchor",
        "title",
    ]
    _fuzz(client, url, fields=fields, name="request change", robustness=robustness)
    request.refresh_from_db()
    # Whatever was accepted, the request is still within the rules.
    assert request.lead_unit.acronym == "UNIT-A"
    assert request.due_date is None or limits.date_in_range(request.due_date)
    assert Request.objects.filter(status="superseded").count() == 0


def test_the_assessment_form_takes_any_input(administrator, robustness):
    benchmark = BenchmarkFactory.create()
    client = Client()
    client.force_login(administrator)
    url = reverse("admin:mandates_benchmarkassessment_add") + f"?benchmark={benchmark.pk}"
    fields = ["benchmark", "period_start", "period_end", "rating", "value", "narrative"]
    _fuzz(client, url, fields=fields, name="assessment add", robustness=robustness)


def test_the_calendar_feed_form_takes_any_input(manager, robustness):
    client = Client()
    client.force_login(manager)
    url = reverse("admin:mandates_calendarfeed_add")
    _fuzz(
        client,
        url,
        fields=["scope", "unit", "mission"],
        name="calendar feed add",
        robustness=robustness,
    )


def test_every_admin_with_autocomplete_fields_uses_the_safe_widgets():
    """The fuzz above covers three forms; this keeps every other one on the same widgets."""
    from django.contrib import admin

    from mandates.admin.common import SafeAutocompleteMixin

    unsafe = []
    for model_admin in admin.site._registry.values():
        for candidate in [type(model_admin), *model_admin.inlines]:
            if candidate.autocomplete_fields and not issubclass(candidate, SafeAutocompleteMixin):
                unsafe.append(candidate.__name__)
    assert unsafe == []
