"""Dates people type are bounded (ssrtracker.limits): a typo such as 1921 for 2021, or
9999-12-31, is refused at input with a message naming the bounds, on every path."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from mandates.models import BenchmarkAssessment, Request
from mandates.requests import services
from ssrtracker import limits
from tests.api.conftest import token_client
from tests.factories import BenchmarkFactory, RequestFactory, UnitFactory
from tests.mandates.test_admin import change_form_data

pytestmark = pytest.mark.django_db

OUT_OF_RANGE = ["1921-09-30", "0001-01-01", "9999-12-31", "2100-01-01", "1945-10-23"]


@pytest.mark.parametrize("value", OUT_OF_RANGE)
def test_the_validator_refuses_out_of_range_dates_and_says_the_bounds(value):
    with pytest.raises(ValidationError) as caught:
        limits.sane_date(datetime.date.fromisoformat(value))
    message = caught.value.messages[0]
    assert "1945-10-24" in message
    assert "2099-12-31" in message
    assert value in message


@pytest.mark.parametrize("value", ["1945-10-24", "2021-09-30", "2099-12-31"])
def test_the_validator_accepts_the_bounds_and_what_lies_between(value):
    limits.sane_date(datetime.date.fromisoformat(value))


def _own_request() -> Request:
    return RequestFactory.create(
        lead_unit=UnitFactory.create(acronym="UNIT-A"), due_date=datetime.date(2021, 9, 30)
    )


@pytest.mark.parametrize("value", ["1921-09-30", "9999-12-31"])
def test_api_refuses_an_out_of_range_due_date(staff_a, value):
    request = _own_request()
    client = token_client(staff_a)
    url = f"/api/v1/requests/{request.pk}/"
    etag = client.get(url).headers["ETag"]
    response = client.patch(url, {"due_date": value}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 400
    assert "1945-10-24" in response.json()["due_date"][0]
    assert Request.objects.get(pk=request.pk).due_date == datetime.date(2021, 9, 30)


def test_api_refuses_an_out_of_range_assessment_period(staff_a):
    benchmark = BenchmarkFactory.create(responsible_unit=UnitFactory.create(acronym="UNIT-A"))
    response = token_client(staff_a).post(
        "/api/v1/assessments/",
        {
            "benchmark": benchmark.pk,
            "period_start": "1921-01-01",
            "period_end": "1921-06-30",
            "rating": "on_track",
        },
        format="json",
    )
    assert response.status_code == 400, response.json()
    assert set(response.json()) >= {"period_start", "period_end"}
    assert not BenchmarkAssessment.objects.exists()


def test_admin_refuses_an_out_of_range_due_date(staff_a):
    request = _own_request()
    client = Client()
    client.force_login(staff_a)
    data = change_form_data(client, request, due_date="1921-09-30")
    response = client.post(reverse("admin:mandates_request_change", args=[request.pk]), data)
    assert response.status_code == 200
    assert "1945-10-24" in response.content.decode()
    assert Request.objects.get(pk=request.pk).due_date == datetime.date(2021, 9, 30)


def test_the_edit_service_refuses_an_out_of_range_due_date(staff_a):
    request = _own_request()
    with pytest.raises(ValidationError):
        services.request_edit(
            request=request, by=staff_a, changes={"due_date": datetime.date(1921, 9, 30)}
        )
    assert Request.objects.get(pk=request.pk).due_date == datetime.date(2021, 9, 30)
