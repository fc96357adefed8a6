"""The request endpoints: filters, errors, ETags and preconditions, writes through the workflow."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from mandates.models import Request, StatusUpdate

pytestmark = pytest.mark.django_db

LIST = "/api/v1/requests/"


def refs(response) -> set[str]:
    return {row["reference"] for row in response.json()["results"]}


def detail(pk: int) -> str:
    return f"{LIST}{pk}/"


def test_list_shows_related_objects_compactly(client_for, portfolio, staff_a):
    response = client_for(staff_a).get(LIST, {"reference": "x", "q": "Report on SSR"})
    assert response.status_code == 200
    (row,) = response.json()["results"]
    assert row["lead_unit"]["display"] == "UNIT-A"
    assert row["lead_unit"]["id"] == portfolio.unit_a.pk
    assert row["lead_unit"]["url"].endswith(f"/api/v1/units/{portfolio.unit_a.pk}/")
    assert row["missions"] == [
        {
            "id": portfolio.mission.pk,
            "url": f"http://testserver/api/v1/missions/{portfolio.mission.pk}/",
            "display": "MINUSCA",
        }
    ]
    assert row["paragraphs"][0]["display"] == "2553 (2020) OP20"
    assert row["overdue"] is False
    assert "note" not in row


def test_each_list_row_is_the_detail_of_its_request(client_for, portfolio, staff_a):
    """The list reads its related objects from prefetched lists, the detail from the related
    managers: both must say the same."""
    client = client_for(staff_a)
    rows = client.get(LIST, {"page_size": 500}).json()["results"]
    assert any(row["supporting_units"] or row["missions"] for row in rows)
    for row in rows:
        assert client.get(row["url"]).json() == row


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "in_progress"}, {"late-a"}),
        ({"status": ["in_progress", "not_started"]}, {"late-a", "2553-op20", "b-task"}),
        ({"overdue": "true"}, {"late-a"}),
        ({"overdue": "false"}, {"2553-op20", "b-task"}),
        ({"citation": "2553 (2020) OP20"}, {"2553-op20"}),
        ({"theme": "national-ownership"}, {"2553-op20"}),
        ({"q": "unit b"}, {"b-task"}),
        ({"open": "true"}, {"late-a", "2553-op20", "b-task"}),
    ],
)
def test_filters(client_for, portfolio, staff_a, params, expected):
    response = client_for(staff_a).get(LIST, params)
    assert response.status_code == 200, response.json()
    assert refs(response) == expected


def test_filters_by_ids_and_dates(client_for, portfolio, staff_a):
    client = client_for(staff_a)
    assert refs(client.get(LIST, {"mission": portfolio.mission.pk})) == {"2553-op20"}
    assert refs(client.get(LIST, {"unit": portfolio.unit_b.pk})) == {"b-task"}
    document = portfolio.in_a.paragraphs.get().document_id
    assert refs(client.get(LIST, {"document": document})) == {"2553-op20"}
    today = datetime.date.today()
    assert refs(client.get(LIST, {"due_date_before": today.isoformat()})) == {"late-a"}
    assert refs(client.get(LIST, {"due_date_after": today.isoformat()})) == {"2553-op20", "b-task"}


def test_supporting_unit_filter_and_no_duplicates(client_for, portfolio, staff_a):
    portfolio.in_b.supporting_units.add(portfolio.unit_a)
    response = client_for(staff_a).get(LIST, {"unit": portfolio.unit_a.pk})
    assert sorted(r["reference"] for r in response.json()["results"]) == [
        "2553-op20",
        "b-task",
        "late-a",
    ]


def test_updated_since_supports_incremental_sync(client_for, portfolio, staff_a):
    mark = timezone.now()
    Request.objects.filter(pk=portfolio.in_b.pk).update(
        updated_at=mark + datetime.timedelta(seconds=5)
    )
    Request.objects.exclude(pk=portfolio.in_b.pk).update(
        updated_at=mark - datetime.timedelta(hours=1)
    )
    response = client_for(staff_a).get(LIST, {"updated_since": mark.isoformat()})
    assert refs(response) == {"b-task"}


def test_archived_requests_are_left_out_unless_asked(client_for, portfolio, staff_a):
    Request.objects.filter(pk=portfolio.in_b.pk).update(archived_at=timezone.now())
    client = client_for(staff_a)
    assert "b-task" not in refs(client.get(LIST))
    assert refs(client.get(LIST, {"archived": "true"})) == {"b-task"}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "finished"}, "status"),
        ({"due_date_after": "31/12/2021"}, "due_date"),
        ({"mission": "abc"}, "mission"),
        ({"mission": "999999"}, "mission"),
        ({"updated_since": "yesterday"}, "updated_since"),
        ({"overdue": "perhaps"}, "overdue"),
        ({"ordering": "secret_field"}, "ordering"),
    ],
)
def test_invalid_filters_are_400_naming_the_field(client_for, portfolio, staff_a, params, field):
    response = client_for(staff_a).get(LIST, params)
    assert response.status_code == 400
    assert field in response.json()


def test_ordering_is_stable_and_page_size_is_capped(client_for, portfolio, staff_a):
    client = client_for(staff_a)
    response = client.get(LIST, {"ordering": "-due_date"})
    assert [r["reference"] for r in response.json()["results"]][-1] == "late-a"
    response = client.get(LIST, {"page_size": 100000})
    assert response.status_code == 200
    response = client.get(LIST, {"page": 99})
    assert response.status_code == 404


def test_unknown_or_malformed_ids_are_404(client_for, portfolio, staff_a):
    client = client_for(staff_a)
    assert client.get(detail(999999)).status_code == 404
    assert client.get(f"{LIST}abc/").status_code == 404


def test_detail_has_an_etag_and_answers_304_when_unchanged(client_for, portfolio, staff_a):
    client = client_for(staff_a)
    response = client.get(detail(portfolio.in_a.pk))
    etag = response.headers["ETag"]
    # The version, and (it concerns a mission) the freshness of its mission lines.
    assert etag.startswith(f'"request-{portfolio.in_a.pk}-v{portfolio.in_a.version}.')
    assert client.get(detail(portfolio.in_a.pk), HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_patch_without_if_match_is_428_and_changes_nothing(client_for, portfolio, staff_a):
    response = client_for(staff_a).patch(
        detail(portfolio.in_a.pk), {"due_date": "2031-01-31"}, format="json"
    )
    assert response.status_code == 428
    portfolio.in_a.refresh_from_db()
    assert portfolio.in_a.due_date != datetime.date(2031, 1, 31)


def test_patch_with_a_stale_etag_is_412_and_says_what_changed(client_for, portfolio, staff_a):
    client = client_for(staff_a)
    etag = client.get(detail(portfolio.in_a.pk)).headers["ETag"]
    first = client.patch(
        detail(portfolio.in_a.pk),
        {"due_date": "2031-01-31"},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert first.status_code == 200
    assert first.headers["ETag"] != etag
    second = client.patch(
        detail(portfolio.in_a.pk), {"priority": "high"}, format="json", HTTP_IF_MATCH=etag
    )
    assert second.status_code == 412
    assert any("due date" in line for line in second.json()["changes"])
    portfolio.in_a.refresh_from_db()
    assert portfolio.in_a.priority == "normal"
    assert portfolio.in_a.due_date == datetime.date(2031, 1, 31)


def test_patch_status_goes_through_the_workflow(client_for, portfolio, staff_a):
    client = client_for(staff_a)
    etag = client.get(detail(portfolio.in_a.pk)).headers["ETag"]
    response = client.patch(
        detail(portfolio.in_a.pk),
        {"status": "in_progress", "note": "Concept note shared.", "priority": "high"},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "in_progress"
    assert body["priority"] == "high"
    update = StatusUpdate.objects.get(request=portfolio.in_a)
    assert (update.status_to, update.note, update.author) == (
        "in_progress",
        "Concept note shared.",
        staff_a,
    )
    history = portfolio.in_a.history.first()
    assert history.history_user == staff_a


def test_a_transition_the_workflow_forbids_is_400_on_status(client_for, portfolio, staff_a):
    client = client_for(staff_a)
    etag = client.get(detail(portfolio.in_a.pk)).headers["ETag"]
    response = client.patch(
        detail(portfolio.in_a.pk), {"status": "completed"}, format="json", HTTP_IF_MATCH=etag
    )
    assert response.status_code == 400
    assert "status" in response.json()
    response = client.patch(
        detail(portfolio.in_a.pk), {"status": "superseded"}, format="json", HTTP_IF_MATCH=etag
    )
    assert response.status_code == 400


def test_units_and_missions_are_written_as_ids(client_for, portfolio, staff_a):
    client = client_for(staff_a)
    etag = client.get(detail(portfolio.in_a.pk)).headers["ETag"]
    response = client.patch(
        detail(portfolio.in_a.pk),
        {"supporting_units": [portfolio.unit_b.pk], "missions": []},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert response.status_code == 200, response.json()
    assert [u["display"] for u in response.json()["supporting_units"]] == ["UNIT-B"]
    assert response.json()["missions"] == []
    bad = client.patch(
        detail(portfolio.in_a.pk),
        {"lead_unit": 999999, "due_date": "2021-02-30"},
        format="json",
        HTTP_IF_MATCH=response.headers["ETag"],
    )
    assert bad.status_code == 400
    assert set(bad.json()) == {"lead_unit", "due_date"}


def test_read_only_fields_are_ignored_and_post_is_not_allowed(client_for, portfolio, staff_a):
    client = client_for(staff_a)
    etag = client.get(detail(portfolio.in_a.pk)).headers["ETag"]
    response = client.patch(
        detail(portfolio.in_a.pk),
        {"reference": "hijack", "version": 99},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert response.status_code == 200
    assert response.json()["reference"] == "2553-op20"
    assert client.post(LIST, {"title": "x"}, format="json").status_code == 405


def test_status_update_post_records_a_note_and_a_change(client_for, portfolio, staff_a):
    client = client_for(staff_a)
    response = client.post(
        "/api/v1/status-updates/",
        {"request": portfolio.in_a.pk, "status_to": "not_started", "note": "Met the mission."},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["request"]["display"] == "2553-op20"
    assert "ETag" in response.headers
    response = client.post(
        "/api/v1/status-updates/",
        {"request": portfolio.in_a.pk, "status_to": "not_started"},
        format="json",
    )
    assert response.status_code == 400
    stale = client.post(
        "/api/v1/status-updates/",
        {"request": portfolio.in_a.pk, "status_to": "in_progress"},
        format="json",
        HTTP_IF_MATCH=f'"request-{portfolio.in_a.pk}-v0"',
    )
    assert stale.status_code == 412
    assert StatusUpdate.objects.filter(request=portfolio.in_a).count() == 1


@pytest.mark.parametrize(
    "value", ["0269-02-11T19:31:03.087+22:30", "0001-01-01T00:00:00+01:00", "2021-13-01T00:00"]
)
def test_impossible_times_are_400_not_500(client_for, portfolio, staff_a, value):
    for url in (LIST, "/api/v1/paragraphs/", "/api/v1/status-updates/"):
        param = "created_since" if "status-updates" in url else "updated_since"
        response = client_for(staff_a).get(url, {param: value})
        assert response.status_code == 400, (url, response.content)
        assert param in response.json()
