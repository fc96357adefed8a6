"""Activities: the service's rules, tried from the refused side on every path (the service,
the admin, the API), and the history they leave."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from mandates.activities.services import activity_delete, activity_save
from mandates.choices import ActivityKind, MembershipRole, TokenScope, UnitKind
from mandates.models import Activity, Mission, Unit
from mandates.organisation import roles
from tests.api.conftest import token_client
from tests.factories import ActivityFactory, MissionFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

MAY_12 = datetime.date(2026, 5, 12)


@pytest.fixture
def mission() -> Mission:
    return MissionFactory.create(acronym="MINUSMA")


@pytest.fixture
def other_mission() -> Mission:
    return MissionFactory.create(acronym="UNMIL")


@pytest.fixture
def section(mission) -> Unit:
    return UnitFactory.create(acronym="MINUSMA-SSR", kind=UnitKind.MISSION_SECTION, mission=mission)


@pytest.fixture
def focal_point(section):
    """SSR staff, focal point of MINUSMA's SSR section."""
    user = UserFactory.create(is_staff=True)
    user.groups.add(Group.objects.get(name=roles.SSR_STAFF))
    section.memberships.create(user=user, role=MembershipRole.FOCAL_POINT)
    return user


def _new(**fields: Any) -> Activity:
    values: dict[str, Any] = {
        "kind": ActivityKind.ASSESSMENT_MISSION,
        "title": "SSR assessment mission to Mali",
        "start_date": MAY_12,
        "end_date": MAY_12 + datetime.timedelta(days=9),
    }
    return Activity(**(values | fields))


# --- the service -----------------------------------------------------------------------------


def test_ssr_unit_staff_record_an_activity_of_any_mission(staff_a, other_mission):
    activity = activity_save(activity=_new(), by=staff_a, missions=[other_mission])
    assert list(activity.missions.all()) == [other_mission]
    assert activity.history.first().history_user == staff_a


def test_a_focal_point_records_an_activity_of_their_mission(focal_point, mission, section):
    activity = activity_save(activity=_new(), by=focal_point, missions=[mission], units=[section])
    assert set(activity.units.all()) == {section}


def test_a_focal_point_cannot_record_an_activity_of_another_mission(focal_point, other_mission):
    with pytest.raises(PermissionDenied):
        activity_save(activity=_new(), by=focal_point, missions=[other_mission])
    assert not Activity.objects.exists()


def test_a_focal_point_cannot_record_an_activity_naming_no_mission(focal_point):
    with pytest.raises(PermissionDenied):
        activity_save(activity=_new(), by=focal_point)


def test_a_focal_point_cannot_name_a_headquarters_unit(focal_point, mission, staff_a):
    with pytest.raises(PermissionDenied):
        activity_save(
            activity=_new(),
            by=focal_point,
            missions=[mission],
            units=[Unit.objects.get(acronym="UNIT-A")],
        )


def test_a_focal_point_cannot_move_another_missions_activity_to_theirs(
    focal_point, mission, other_mission
):
    activity = ActivityFactory.create(missions=[other_mission])
    with pytest.raises(PermissionDenied):
        activity_save(activity=activity, by=focal_point, missions=[mission])
    assert list(activity.missions.all()) == [other_mission]


def test_a_focal_point_cannot_give_their_activity_away(focal_point, mission, other_mission):
    activity = ActivityFactory.create(missions=[mission])
    with pytest.raises(PermissionDenied):
        activity_save(activity=activity, by=focal_point, missions=[other_mission])


def test_a_focal_point_cannot_delete_another_missions_activity(focal_point, other_mission):
    activity = ActivityFactory.create(missions=[other_mission])
    with pytest.raises(PermissionDenied):
        activity_delete(activity=activity, by=focal_point)
    assert Activity.objects.filter(pk=activity.pk).exists()


def test_managers_record_nothing(manager, mission):
    with pytest.raises(PermissionDenied, match="role"):
        activity_save(activity=_new(), by=manager, missions=[mission])


def test_people_with_no_role_record_nothing(mission):
    nobody = UserFactory.create(is_staff=True)
    with pytest.raises(PermissionDenied):
        activity_save(activity=_new(), by=nobody, missions=[mission])


def test_an_activity_cannot_end_before_it_starts(staff_a):
    with pytest.raises(ValidationError, match="cannot end before it starts"):
        activity_save(activity=_new(end_date=MAY_12 - datetime.timedelta(days=1)), by=staff_a)
    assert not Activity.objects.exists()


def test_a_stale_change_is_refused(staff_a):
    from mandates.requests.services import StaleVersion

    activity = ActivityFactory.create()
    seen = activity.updated_at - datetime.timedelta(seconds=1)
    activity.title = "Renamed"
    with pytest.raises(StaleVersion):
        activity_save(activity=activity, by=staff_a, expected_updated_at=seen)


def test_a_deleted_activity_stays_in_its_history(staff_a):
    activity = ActivityFactory.create()
    pk = activity.pk
    activity_delete(activity=activity, by=staff_a)
    assert Activity.history.filter(id=pk, history_type="-").get().history_user == staff_a


# --- the admin -------------------------------------------------------------------------------


def _admin(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _form(mission: Mission, **overrides: Any) -> dict[str, Any]:
    data = {
        "kind": ActivityKind.TRAINING,
        "title": "Training of the national police",
        "start_date": "2026-05-12",
        "end_date": "2026-05-14",
        "missions": [str(mission.pk)],
        "partners": "UNDP",
        "story": "",
    }
    return data | overrides


def test_the_admin_records_an_activity_through_the_service(staff_a, mission):
    response = _admin(staff_a).post(reverse("admin:mandates_activity_add"), _form(mission))
    assert response.status_code == 302, response.content[:500]
    activity = Activity.objects.get()
    assert activity.history.first().history_user == staff_a


def test_the_admin_refuses_an_end_before_the_start(staff_a, mission):
    response = _admin(staff_a).post(
        reverse("admin:mandates_activity_add"), _form(mission, end_date="2026-05-01")
    )
    assert response.status_code == 200
    assert b"cannot end before it starts" in response.content
    assert not Activity.objects.exists()


def test_the_admin_offers_a_focal_point_only_their_missions(focal_point, other_mission):
    response = _admin(focal_point).post(
        reverse("admin:mandates_activity_add"), _form(other_mission)
    )
    assert response.status_code == 200
    assert b'class="errornote"' in response.content
    assert not Activity.objects.exists()


def test_the_admin_refuses_a_focal_point_another_missions_activity(focal_point, other_mission):
    activity = ActivityFactory.create(missions=[other_mission])
    client = _admin(focal_point)
    change = reverse("admin:mandates_activity_change", args=[activity.pk])
    assert client.get(change).status_code == 200  # read-only
    assert client.post(change, _form(other_mission, title="Changed")).status_code == 403
    delete = reverse("admin:mandates_activity_delete", args=[activity.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    activity.refresh_from_db()
    assert activity.title != "Changed"


def test_the_admin_bulk_delete_goes_through_the_service(focal_point, mission, other_mission):
    theirs = ActivityFactory.create(missions=[mission])
    other = ActivityFactory.create(missions=[other_mission])
    response = _admin(focal_point).post(
        reverse("admin:mandates_activity_changelist"),
        {"action": "delete_selected", "_selected_action": [theirs.pk, other.pk], "post": "yes"},
    )
    # Django refuses the whole action when one row may not be deleted.
    assert response.status_code in (200, 403)
    assert Activity.objects.filter(pk=other.pk).exists()


def test_managers_cannot_add_activities_in_the_admin(manager, mission):
    response = _admin(manager).post(reverse("admin:mandates_activity_add"), _form(mission))
    assert response.status_code == 403
    assert not Activity.objects.exists()


# --- the API ---------------------------------------------------------------------------------

LIST = "/api/v1/activities/"


def _body(mission: Mission, **overrides: Any) -> dict[str, Any]:
    return {
        "kind": "meeting",
        "title": "Inter-Agency SSR Task Force meeting",
        "start_date": "2026-05-20",
        "missions": [mission.pk],
    } | overrides


def test_the_api_records_and_changes_an_activity(staff_a, mission):
    client = token_client(staff_a)
    created = client.post(LIST, _body(mission), format="json")
    assert created.status_code == 201, created.content
    assert created.json()["missions"][0]["display"] == "MINUSMA"
    url = f"{LIST}{created.json()['id']}/"
    changed = client.patch(
        url, {"title": "Task Force meeting"}, format="json", HTTP_IF_MATCH=created["ETag"]
    )
    assert changed.status_code == 200, changed.content
    stale = client.patch(url, {"title": "Again"}, format="json", HTTP_IF_MATCH=created["ETag"])
    assert stale.status_code == 412


def test_the_api_refuses_an_end_before_the_start(staff_a, mission):
    response = token_client(staff_a).post(
        LIST, _body(mission, end_date="2026-05-01"), format="json"
    )
    assert response.status_code == 400
    assert not Activity.objects.exists()


def test_the_api_refuses_a_focal_point_another_missions_activity(focal_point, other_mission):
    client = token_client(focal_point)
    assert client.post(LIST, _body(other_mission), format="json").status_code == 403
    activity = ActivityFactory.create(missions=[other_mission])
    url = f"{LIST}{activity.pk}/"
    assert client.patch(url, {"title": "x"}, format="json", HTTP_IF_MATCH="*").status_code == 403
    assert client.delete(url).status_code == 403
    assert Activity.objects.filter(pk=activity.pk, title=activity.title).exists()


def test_the_api_lets_managers_and_read_tokens_only_read(manager, api_client_user, mission):
    activity = ActivityFactory.create(missions=[mission])
    for client in (token_client(manager), token_client(api_client_user, TokenScope.READ)):
        assert client.get(LIST).json()["count"] == 1
        assert client.post(LIST, _body(mission), format="json").status_code == 403
        url = f"{LIST}{activity.pk}/"
        assert client.delete(url).status_code == 403
    assert Activity.objects.count() == 1


def test_people_with_no_role_see_no_activities(mission):
    ActivityFactory.create(missions=[mission])
    nobody = UserFactory.create(is_staff=True)
    client = Client()
    client.force_login(nobody)
    assert client.get(LIST).status_code == 403
    assert client.get(reverse("admin:mandates_activity_changelist")).status_code == 403


def test_the_api_filters_by_mission_unit_theme_and_date(staff_a, mission, section):
    from tests.factories import ThemeFactory

    theme = ThemeFactory.create(slug="gender")
    ActivityFactory.create(missions=[mission], units=[section], themes=[theme])
    ActivityFactory.create(start_date=datetime.date(2026, 7, 1), end_date=None)
    client = token_client(staff_a)
    for query in ("mission=minusma", "unit=MINUSMA-SSR", "theme=gender", "active_on=2026-05-13"):
        assert client.get(f"{LIST}?{query}").json()["count"] == 1, query
    assert client.get(f"{LIST}?mission=NOPE").status_code == 400
