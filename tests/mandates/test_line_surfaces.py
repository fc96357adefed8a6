"""Per-mission lines on every surface: the admin, the API, the matrix, the mission page and the
export. Each rule is tried from the refused side too: a focal point of MINUSCA updates
MINUSCA's line and not MONUSCO's, a manager updates none, a stale version is refused."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from mandates.choices import MembershipRole
from mandates.choices import RequestStatus as S
from mandates.models import RequestMission, StatusUpdate
from mandates.organisation import roles
from mandates.requests import selectors as request_selectors
from mandates.requests.services import line_update_status
from tests.factories import MissionFactory, RequestFactory, UnitFactory, UserFactory
from tests.mandates.test_admin import form_data

pytestmark = pytest.mark.django_db

D = datetime.date
ACRONYMS = ("MINUSCA", "MONUSCO", "UNMISS", "MINUSMA", "UNMIK", "UNFICYP")


def _focal_point_of(mission):
    user = UserFactory.create(is_staff=True)
    user.groups.add(Group.objects.get(name=roles.SSR_STAFF))
    unit = UnitFactory.create(
        acronym=f"{mission.acronym}-SSR", kind="mission_section", mission=mission
    )
    unit.memberships.create(user=user, role=MembershipRole.FOCAL_POINT)
    return user


@pytest.fixture
def six(db):
    """The issue's example: one request (led by a Headquarters unit) spans six missions."""
    missions = {a: MissionFactory.create(acronym=a) for a in ACRONYMS}
    lead = UnitFactory.create(acronym="SSRU")
    request = RequestFactory.create(
        reference="2553-OP20e",
        status=S.IN_PROGRESS,
        due_date=timezone.localdate() + datetime.timedelta(days=60),
        lead_unit=lead,
        missions=list(missions.values()),
    )
    focal = _focal_point_of(missions["MINUSCA"])
    return request, missions, focal


def _line(request, mission) -> RequestMission:
    return RequestMission.objects.select_related("request").get(request=request, mission=mission)


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _line_url(request, acronym: str, *, updates: bool = False) -> str:
    name = "api:request-line-updates" if updates else "api:request-line"
    return reverse(name, args=[request.pk, acronym])


# --- the matrix and the mission page -------------------------------------------------------------


def test_the_matrix_shows_each_missions_line_not_the_requests_one_status(six, manager):
    request, missions, _focal = six
    line_update_status(request=request, mission=missions["MINUSCA"], status=S.COMPLETED)
    line_update_status(request=request, mission=missions["MONUSCO"], status=S.ON_HOLD)
    client = Client()
    client.force_login(manager)
    response = client.get(reverse("dashboard:matrix"))
    assert response.status_code == 200
    columns = [m.acronym for m in response.context["columns"]]
    (row,) = [cells for item, cells in response.context["table"] if item.pk == request.pk]
    states = dict(zip(columns, row, strict=True))
    assert states["MINUSCA"] == S.COMPLETED
    assert states["MONUSCO"] == S.ON_HOLD
    assert states["UNMISS"] == S.IN_PROGRESS
    assert len(set(states.values())) == 3  # not the request's single status six times


def test_the_matrix_flags_only_the_overdue_line(six, manager):
    request, missions, focal = six
    from mandates.requests.services import line_edit

    past = timezone.localdate() - datetime.timedelta(days=3)
    line_edit(request=request, mission=missions["UNMIK"], changes={"due_date": past}, by=None)
    assert focal is not None
    client = Client()
    client.force_login(manager)
    response = client.get(reverse("dashboard:matrix"))
    columns = [m.acronym for m in response.context["columns"]]
    (row,) = [cells for item, cells in response.context["table"] if item.pk == request.pk]
    states = dict(zip(columns, row, strict=True))
    assert states["UNMIK"] == "overdue"
    assert states["MINUSCA"] == S.IN_PROGRESS


def test_the_mission_page_lists_the_missions_lines_and_counts_them(six, manager):
    request, missions, _focal = six
    line_update_status(request=request, mission=missions["MINUSCA"], status=S.COMPLETED)
    client = Client()
    client.force_login(manager)
    minusca = client.get(reverse("dashboard:mission", args=["MINUSCA"]))
    monusco = client.get(reverse("dashboard:mission", args=["MONUSCO"]))
    # The request is still open (in progress), but MINUSCA's part is done.
    assert minusca.context["figures"]["open"] == 0
    assert monusco.context["figures"]["open"] == 1
    (row,) = minusca.context["line_rows"]
    assert row.status == S.COMPLETED
    assert b'data-line-status="completed"' in minusca.content
    assert b'data-line-status="in_progress"' in monusco.content
    today = timezone.localdate()
    for acronym, response in (("MINUSCA", minusca), ("MONUSCO", monusco)):
        counts = request_selectors.mission_line_counts(missions[acronym].pk, today=today)
        assert response.context["figures"]["open"] == counts["open"]
        assert response.context["figures"]["overdue"] == counts["overdue"]


# --- the API -----------------------------------------------------------------------------------


def test_the_request_shows_its_mission_lines(six, manager):
    request, missions, _focal = six
    line_update_status(request=request, mission=missions["MINUSCA"], status=S.COMPLETED)
    data = _api(manager).get(reverse("api:request-detail", args=[request.pk])).json()
    lines = {line["mission"]: line for line in data["mission_lines"]}
    assert set(lines) == set(ACRONYMS)
    assert lines["MINUSCA"]["status"] == S.COMPLETED
    assert lines["MINUSCA"]["own_status"] is True
    assert lines["MONUSCO"]["status"] == S.IN_PROGRESS
    assert lines["MONUSCO"]["overdue"] is False
    assert lines["MONUSCO"]["focal_point"] is None


def test_the_request_list_loads_mission_lines_without_a_query_per_row(db, manager):
    missions = [MissionFactory.create() for _ in range(3)]

    def count() -> int:
        client = _api(manager)
        client.get(reverse("api:request-list"))  # warm up the session and permissions
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("api:request-list"))
        assert response.status_code == 200
        return len(queries)

    someone = UserFactory.create()
    RequestFactory.create(missions=missions)
    RequestMission.objects.update(focal_point=someone)
    few = count()
    for _ in range(8):
        RequestFactory.create(missions=missions)
    RequestMission.objects.update(focal_point=someone)
    assert count() == few


def test_a_focal_point_updates_their_missions_line_through_the_api(six):
    request, missions, focal = six
    response = _api(focal).post(
        _line_url(request, "MINUSCA", updates=True),
        {"status": S.COMPLETED, "note": "Reported in S/2027/1", "evidence_url": ""},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == S.COMPLETED
    update = StatusUpdate.objects.filter(request=request, mission=missions["MINUSCA"]).get()
    assert update.author == focal
    # The roll-up shows on the request: still in progress (five missions to go).
    request.refresh_from_db()
    assert request.status == S.IN_PROGRESS
    detail = _api(focal).get(reverse("api:request-detail", args=[request.pk])).json()
    assert {line["mission"]: line["status"] for line in detail["mission_lines"]}["MINUSCA"] == (
        S.COMPLETED
    )


def test_the_last_line_done_through_the_api_completes_the_request(six, administrator):
    request, _missions, _focal = six
    client = _api(administrator)
    for acronym in ACRONYMS:
        response = client.post(
            _line_url(request, acronym, updates=True), {"status": S.COMPLETED}, format="json"
        )
        assert response.status_code == 201, response.content
    detail = client.get(reverse("api:request-detail", args=[request.pk])).json()
    assert detail["status"] == S.COMPLETED


def test_a_focal_point_cannot_update_another_missions_line_through_the_api(six):
    request, missions, focal = six
    client = _api(focal)
    response = client.post(
        _line_url(request, "MONUSCO", updates=True), {"status": S.COMPLETED}, format="json"
    )
    assert response.status_code == 403
    response = client.patch(
        _line_url(request, "MONUSCO"), {"due_date": "2027-01-01"}, format="json", HTTP_IF_MATCH="*"
    )
    assert response.status_code == 403
    line = _line(request, missions["MONUSCO"])
    assert line.status is None
    assert line.due_date is None
    assert not StatusUpdate.objects.filter(mission=missions["MONUSCO"]).exists()


def test_a_manager_cannot_update_a_line_through_the_api(six, manager):
    request, missions, _focal = six
    client = _api(manager)
    response = client.post(
        _line_url(request, "MINUSCA", updates=True), {"status": S.COMPLETED}, format="json"
    )
    assert response.status_code == 403
    response = client.patch(
        _line_url(request, "MINUSCA"), {"due_date": "2027-01-01"}, format="json", HTTP_IF_MATCH="*"
    )
    assert response.status_code == 403
    assert _line(request, missions["MINUSCA"]).status is None
    assert client.get(_line_url(request, "MINUSCA")).status_code == 200


def test_a_line_patch_needs_if_match_and_refuses_a_stale_version(six):
    request, missions, focal = six
    client = _api(focal)
    url = _line_url(request, "MINUSCA")
    read = client.get(url)
    etag = read["ETag"]
    assert client.patch(url, {"due_date": "2027-01-31"}, format="json").status_code == 428
    # Someone changes the request meanwhile.
    line_update_status(request=request, mission=missions["MONUSCO"], status=S.ON_HOLD)
    line_update_status(request=request, mission=missions["UNMISS"], status=S.ON_HOLD)
    line_update_status(request=request, mission=missions["MINUSMA"], status=S.ON_HOLD)
    line_update_status(request=request, mission=missions["UNMIK"], status=S.ON_HOLD)
    line_update_status(request=request, mission=missions["UNFICYP"], status=S.ON_HOLD)
    line_update_status(request=request, mission=missions["MINUSCA"], status=S.ON_HOLD)
    request.refresh_from_db()
    assert request.status == S.ON_HOLD  # the roll-up moved the request: a new version
    stale = client.patch(url, {"due_date": "2027-01-31"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert _line(request, missions["MINUSCA"]).due_date != D(2027, 1, 31)
    stale_update = client.post(
        _line_url(request, "MINUSCA", updates=True),
        {"status": S.IN_PROGRESS},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert stale_update.status_code == 412
    fresh = client.get(url)
    ok = client.patch(url, {"due_date": "2027-01-31"}, format="json", HTTP_IF_MATCH=fresh["ETag"])
    assert ok.status_code == 200, ok.content
    assert ok.json()["due_date"] == "2027-01-31"
    assert ok.json()["own_status"] is True


def test_a_line_patch_sets_the_focal_point_by_username(six):
    request, missions, focal = six
    client = _api(focal)
    url = _line_url(request, "MINUSCA")
    response = client.patch(url, {"focal_point": focal.username}, format="json", HTTP_IF_MATCH="*")
    assert response.status_code == 200, response.content
    assert response.json()["focal_point"] == focal.username
    assert _line(request, missions["MINUSCA"]).focal_point == focal
    unknown = client.patch(url, {"focal_point": "nobody-here"}, format="json", HTTP_IF_MATCH="*")
    assert unknown.status_code == 400
    # The status is read-only here (a status change is a line update): sent back, ignored.
    client.patch(url, {"status": "completed"}, format="json", HTTP_IF_MATCH="*")
    assert _line(request, missions["MINUSCA"]).status is None
    assert client.patch(url, {"colour": "red"}, format="json", HTTP_IF_MATCH="*").status_code == 400


def test_a_line_update_outside_the_workflow_is_a_400(six):
    request, missions, focal = six
    response = _api(focal).post(
        _line_url(request, "MINUSCA", updates=True), {"status": S.SUPERSEDED}, format="json"
    )
    assert response.status_code == 400
    assert _line(request, missions["MINUSCA"]).status is None


def test_an_unknown_line_is_a_404(six, administrator):
    request, _missions, _focal = six
    other = MissionFactory.create(acronym="UNAMA")
    assert other.pk
    client = _api(administrator)
    assert client.get(_line_url(request, "UNAMA")).status_code == 404


def test_requests_filter_by_a_missions_line_status(six, manager):
    request, missions, _focal = six
    other = RequestFactory.create(status=S.IN_PROGRESS, missions=[missions["MINUSCA"]])
    line_update_status(request=request, mission=missions["MINUSCA"], status=S.COMPLETED)
    client = _api(manager)

    def refs(**params) -> set[str]:
        response = client.get(reverse("api:request-list"), params)
        assert response.status_code == 200, response.content
        return {row["reference"] for row in response.json()["results"]}

    assert refs(mission="MINUSCA", line_status="completed") == {request.reference}
    assert refs(mission="minusca", line_status="in_progress") == {other.reference}
    assert refs(mission="MONUSCO", line_status="in_progress") == {request.reference}
    assert refs(mission=str(missions["MINUSCA"].pk), line_status="completed") == {request.reference}
    assert client.get(reverse("api:request-list"), {"mission": "NOPE"}).status_code == 400


# --- the export ---------------------------------------------------------------------------------


def _csv(client, **params) -> list[dict[str, str]]:
    response = client.get(reverse("api:request-export"), params)
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_the_export_has_each_missions_state_and_a_line_per_mission(six, manager):
    request, missions, _focal = six
    line_update_status(request=request, mission=missions["MINUSCA"], status=S.COMPLETED)
    client = _api(manager)
    (row,) = [r for r in _csv(client) if r["Reference"] == request.reference]
    assert "MINUSCA: Completed" in row["Mission states"]
    assert "MONUSCO: In progress" in row["Mission states"]
    lines = [r for r in _csv(client, per="mission") if r["Reference"] == request.reference]
    assert {r["Mission"]: r["Line status"] for r in lines}["MINUSCA"] == "Completed"
    assert len(lines) == len(ACRONYMS)
    assert client.get(reverse("api:request-export"), {"per": "x"}).status_code == 400


# --- the admin -----------------------------------------------------------------------------------


def _admin_line_url(line) -> str:
    return reverse("admin:mandates_requestmission_change", args=[line.pk])


def test_a_focal_point_reaches_and_updates_their_line_in_the_admin(six):
    request, missions, focal = six
    client = Client()
    client.force_login(focal)
    changelist = client.get(reverse("admin:mandates_requestmission_changelist"), {"mine": "yes"})
    assert changelist.status_code == 200
    shown = {line.mission.acronym for line in changelist.context["cl"].result_list}
    assert shown == {"MINUSCA"}
    line = _line(request, missions["MINUSCA"])
    url = _admin_line_url(line)
    data = form_data(client, url)
    data.update(new_status=S.COMPLETED, update_note="Reported in S/2027/1")
    response = client.post(url, data)
    assert response.status_code == 302, response.content[:2000]
    line.refresh_from_db()
    assert line.status == S.COMPLETED
    update = StatusUpdate.objects.get(request=request, mission=missions["MINUSCA"])
    assert update.author == focal
    assert update.note == "Reported in S/2027/1"
    # The request's page shows the lines and which mission the timeline entry was on.
    page = client.get(reverse("admin:mandates_request_change", args=[request.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "ssr-mission-lines" in body
    assert _admin_line_url(line) in body


def test_a_focal_point_cannot_update_another_missions_line_in_the_admin(six):
    request, missions, focal = six
    client = Client()
    client.force_login(focal)
    line = _line(request, missions["MONUSCO"])
    url = _admin_line_url(line)
    page = client.get(url)
    assert page.status_code == 200  # read-only
    assert 'name="new_status"' not in page.content.decode()
    response = client.post(url, {"new_status": S.COMPLETED, "update_note": "not mine"})
    assert response.status_code == 403
    line.refresh_from_db()
    assert line.status is None
    assert not StatusUpdate.objects.filter(mission=missions["MONUSCO"]).exists()


def test_a_manager_reads_lines_in_the_admin_but_cannot_update_them(six, manager):
    request, missions, _focal = six
    client = Client()
    client.force_login(manager)
    assert client.get(reverse("admin:mandates_requestmission_changelist")).status_code == 200
    line = _line(request, missions["MINUSCA"])
    assert client.get(_admin_line_url(line)).status_code == 200
    response = client.post(_admin_line_url(line), {"new_status": S.COMPLETED})
    assert response.status_code == 403
    line.refresh_from_db()
    assert line.status is None
    assert client.get(reverse("admin:mandates_requestmission_add")).status_code == 403


def test_a_stale_line_form_is_refused_with_a_message(six):
    request, missions, focal = six
    client = Client()
    client.force_login(focal)
    line = _line(request, missions["MINUSCA"])
    url = _admin_line_url(line)
    data = form_data(client, url)
    # Someone moves the request meanwhile (all its lines on hold: a new version).
    for acronym in ACRONYMS:
        line_update_status(request=request, mission=missions[acronym], status=S.ON_HOLD)
    data.update(new_status=S.ON_HOLD, update_note="late note")
    response = client.post(url, data)
    assert response.status_code == 200
    assert "changed by someone else" in response.content.decode()
    assert not StatusUpdate.objects.filter(note="late note").exists()


def test_the_admin_line_form_edits_the_due_date_through_the_service(six):
    request, missions, focal = six
    client = Client()
    client.force_login(focal)
    line = _line(request, missions["MINUSCA"])
    url = _admin_line_url(line)
    data = form_data(client, url)
    data["due_date"] = "2027-01-10"
    response = client.post(url, data)
    assert response.status_code == 302, response.content[:2000]
    line.refresh_from_db()
    request.refresh_from_db()
    assert line.due_date == D(2027, 1, 10)
    assert request.due_date == D(2027, 1, 10)  # the earliest open line's


def test_a_line_change_is_not_hidden_by_a_304_and_does_not_make_the_tag_stale(six):
    request, missions, focal = six
    client = _api(focal)
    url = reverse("api:request-detail", args=[request.pk])
    etag = client.get(url)["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    # MINUSCA's part done: the request stays in progress at the same version, its lines moved.
    version = request.version
    line_update_status(request=request, mission=missions["MINUSCA"], status=S.COMPLETED)
    request.refresh_from_db()
    assert request.version == version
    fresh = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert fresh.status_code == 200
    assert fresh["ETag"] != etag
    # The version did not move: an edit made with the older tag is not stale.
    line_url = _line_url(request, "MINUSCA")
    ok = client.patch(line_url, {"due_date": "2027-01-20"}, format="json", HTTP_IF_MATCH=etag)
    assert ok.status_code == 200, ok.content
