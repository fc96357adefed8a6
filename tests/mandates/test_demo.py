"""The demo command: users for each role, only in development; the printed addresses follow the
server's; running it again keeps the demo API token unless told otherwise."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from mandates.models import ApiToken, Document, UnitMembership
from mandates.organisation import roles

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_var_dir(settings, tmp_path):
    """The demo keeps its token's clear text under VAR_DIR: never the checkout's here."""
    settings.VAR_DIR = tmp_path


def _token(out: str) -> str:
    return re.findall(r"^  (ssrt_\S+)$", out, re.MULTILINE)[-1]


def _status(secret: str, path: str = "/api/v1/requests/") -> int:
    return Client().get(path, headers={"authorization": f"Bearer {secret}"}).status_code


def test_demo_refuses_to_run_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="runs only with DEBUG=1"):
        call_command("demo", no_migrate=True)
    assert not get_user_model().objects.filter(username="manager").exists()


def test_demo_creates_one_user_per_role_and_can_run_twice(settings, capsys):
    settings.DEBUG = True
    call_command("demo", no_migrate=True)
    call_command("demo", no_migrate=True)
    out = capsys.readouterr().out
    users = get_user_model().objects.prefetch_related("groups")
    by_name = {u.username: u for u in users}
    assert {g.name for u in by_name.values() for g in u.groups.all()} == set(roles.ALL_ROLES)
    assert by_name["manager"].check_password("demo-manager-2553")
    assert "demo-manager-2553" in out
    assert UnitMembership.objects.get(user=by_name["minusca.focal"]).unit.acronym == "MINUSCA-SSR"
    assert Document.objects.filter(symbol="S/RES/2553 (2020)").exists()


def test_demo_dates_calendar_work_on_todays_calendars(settings):
    """The demo's requests "with each regular report" fall due on each mission's own next
    report, and its coverage follow-ups with their mission's next report, whatever the day."""
    import datetime

    from django.utils import timezone

    from mandates.choices import RequestStatus
    from mandates.management.commands.demo import align_with_today
    from mandates.models import CoverageItem, Request
    from mandates.sg_reports.selectors import next_report_due

    settings.DEBUG = True
    call_command("demo", no_migrate=True)
    today = timezone.localdate()
    op20e = Request.objects.get(reference="2553-OP20e")
    dated = {}
    for line in op20e.mission_lines.select_related("mission"):
        due = next_report_due(line.mission, today=today)
        if due is not None:
            dated[line.mission.acronym] = (line.due_date, due)
    assert len(dated) >= 2
    assert all(own == due for own, due in dated.values()), dated
    # Not one shared date: each mission reports on its own calendar.
    assert len({own for own, _ in dated.values()}) > 1
    op20e.refresh_from_db()
    assert op20e.due_date == min(due for _, due in dated.values())

    for day in (today, datetime.date(2029, 5, 20), datetime.date(2031, 1, 3)):
        align_with_today(today=day)
        follow_ups = CoverageItem.objects.filter(
            follow_up__status__in=RequestStatus.open()
        ).select_related("follow_up", "report__mission")
        assert follow_ups.exists()
        for item in follow_ups:
            request = item.follow_up
            assert request is not None
            due = next_report_due(item.report.mission, today=day)
            assert due is not None
            assert request.due_date == due
            # At most one reporting cycle late, never years.
            assert due >= day - datetime.timedelta(days=200), (day, request)


def test_demo_has_an_open_2151_request_to_carry_forward_to_2553(settings, client):
    """The README's walk-through: 2553's Compare page (against 2151, its predecessor) proposes
    the demo's open 2151 request, and carrying it forward opens it on 2553 OP24."""
    from mandates.documents.selectors import compare_documents
    from mandates.models import Request

    settings.DEBUG = True
    call_command("demo", no_migrate=True)
    old = Document.objects.get(symbol="S/RES/2151 (2014)")
    new = Document.objects.get(symbol="S/RES/2553 (2020)")
    assert new.predecessor_id == old.pk
    proposed = {
        (request.reference, row.new.ref)
        for row in compare_documents(old, new)
        if row.can_carry_forward and row.new is not None
        for request in row.open_requests
    }
    assert ("2151-OP19", "24") in proposed

    client.force_login(get_user_model().objects.get(username="ssr.staff"))
    url = f"/admin/mandates/document/{new.pk}/compare/"
    page = client.get(url)
    assert page.status_code == 200
    assert "2151-OP19" in page.content.decode()
    source = Request.objects.get(reference="2151-OP19")
    target = new.paragraphs.get(ref="24")
    done = client.post(
        f"{url}?with={old.pk}", {"with": old.pk, "carry": f"{source.pk}:{target.pk}"}
    )
    assert done.status_code == 302
    source.refresh_from_db()
    assert source.status == "superseded"
    successor = Request.objects.get(predecessor=source)
    assert list(successor.paragraphs.values_list("ref", flat=True)) == ["24"]
    # A second run of the demo leaves the carried request as it is.
    call_command("demo", no_migrate=True)
    assert Request.objects.filter(reference="2151-OP19").count() == 1


def test_the_printed_addresses_follow_the_base_url(settings, capsys):
    settings.DEBUG = True
    call_command("demo", no_migrate=True, base_url="http://127.0.0.1:8101/")
    out = capsys.readouterr().out
    assert "http://127.0.0.1:8101/api/v1/requests/?overdue=true" in out
    assert "http://127.0.0.1:8101/api/v1/docs/" in out
    assert "http://127.0.0.1:8101/api/v1/schema/" in out
    assert ":8000" not in out


def test_a_bad_base_url_is_refused(settings):
    settings.DEBUG = True
    with pytest.raises(CommandError, match="--base-url"):
        call_command("demo", no_migrate=True, base_url="127.0.0.1:8101")


def test_running_the_demo_again_keeps_the_token_and_says_so(settings, capsys):
    settings.DEBUG = True
    call_command("demo", no_migrate=True)
    first_out = capsys.readouterr().out
    first = _token(first_out)
    assert "A new token" in first_out
    call_command("demo", no_migrate=True)
    again_out = capsys.readouterr().out
    assert _token(again_out) == first
    assert "The same token as before" in again_out
    assert _status(first) == 200
    assert ApiToken.objects.filter(name="Demo token", revoked_at__isnull=True).count() == 1


def test_new_token_replaces_the_old_one_and_says_so(settings, capsys):
    settings.DEBUG = True
    call_command("demo", no_migrate=True)
    first = _token(capsys.readouterr().out)
    call_command("demo", no_migrate=True, new_token=True)
    out = capsys.readouterr().out
    second = _token(out)
    assert second != first
    assert "A new token: any earlier demo token no longer works." in out
    assert _status(first) == 401
    assert _status(second) == 200


def test_a_kept_token_that_no_longer_works_is_replaced(settings, capsys):
    """A revoked token (or a token file from another database) is not printed again."""
    settings.DEBUG = True
    call_command("demo", no_migrate=True)
    first = _token(capsys.readouterr().out)
    ApiToken.objects.filter(name="Demo token").update(revoked_at=timezone.now())
    call_command("demo", no_migrate=True)
    out = capsys.readouterr().out
    assert _token(out) != first
    assert "A new token" in out
    assert _status(_token(out)) == 200


def test_demo_records_its_activities_around_today_once(settings):
    from mandates.management.commands.demo import DEMO_ACTIVITIES
    from mandates.models import Activity

    settings.DEBUG = True
    call_command("demo", no_migrate=True)
    call_command("demo", no_migrate=True)
    assert Activity.objects.count() == len(DEMO_ACTIVITIES)
    today = timezone.localdate()
    guinea = Activity.objects.get(title__contains="Guinea")
    assert guinea.start_date < today
    assert [m.acronym for m in guinea.missions.all()] == ["UNCT-GUINEA"]
    assert {u.acronym for u in guinea.units.all()} == {"IASSRTF", "SSRU"}
    # Every demo activity found its missions, units and themes in the seed.
    for demo in DEMO_ACTIVITIES:
        activity = Activity.objects.get(title=demo.title)
        assert activity.missions.count() == len(demo.missions), demo.title
        assert activity.units.count() == len(demo.units), demo.title
        assert activity.themes.count() == len(demo.themes), demo.title


def test_the_demo_compiles_the_last_summaries(settings, client):
    """After the demo, the Summaries page lists the last two quarters and months."""
    from reports.models import Summary

    settings.DEBUG = True
    call_command("demo", no_migrate=True)
    call_command("demo", no_migrate=True)
    assert Summary.objects.filter(kind="quarterly", compiled_at__isnull=False).count() == 2
    assert Summary.objects.filter(kind="monthly", compiled_at__isnull=False).count() == 2
    client.force_login(get_user_model().objects.get(username="manager"))
    page = client.get("/dashboard/summaries/").content.decode()
    assert "No summary compiled yet" not in page
