"""Every write goes through a service (``ssrtracker/writes.py``), and the guard that says so
(``tests/writes_guard.py``): the admin's and the API's write paths pass it, a write made outside
a service fails it, and the rules hold on every path (admin, API, bulk actions, imports)."""

from __future__ import annotations

import contextlib
import datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import Client
from django.test import RequestFactory as HttpRequestFactory
from django.urls import reverse

from mandates.choices import MembershipRole, RequestStatus
from mandates.documents.importing import import_document
from mandates.models import (
    AddresseeRoute,
    ApiToken,
    BenchmarkAssessment,
    Document,
    Mission,
    Request,
    Theme,
    Unit,
    UnitMembership,
    WebhookEndpoint,
)
from mandates.requests import services
from reports.models import ReminderPreference
from ssrtracker.writes import in_service, service, writing
from tests import writes_guard
from tests.api.conftest import token_client
from tests.factories import (
    BenchmarkFactory,
    DocumentFactory,
    MissionFactory,
    ParagraphFactory,
    RequestFactory,
    ThemeFactory,
    UnitFactory,
    UserFactory,
)
from tests.mandates.test_admin import change_form_data, form_data

pytestmark = pytest.mark.django_db

RES_2553 = (
    Path(__file__).resolve().parents[2] / "fixtures" / "sources" / "S-RES-2553-2020_plain.txt"
)


# --- the guard itself ---------------------------------------------------------------------


def _fake_view(write: Any) -> Any:
    def view(request: Any) -> HttpResponse:
        write()
        return HttpResponse("ok")

    return writes_guard.GuardedSurfaceMiddleware(view)


def _post(path: str) -> Any:
    return HttpRequestFactory().post(path)


def test_a_save_outside_a_service_in_an_admin_request_fails_the_guard(writes_guard_fixture):
    view = _fake_view(lambda: Theme.objects.create(name="Direct", slug="direct"))
    with pytest.raises(writes_guard.WriteOutsideService, match=r"save\(\) of mandates.Theme"):
        view(_post("/admin/fake/"))
    assert len(writes_guard_fixture) == 1
    writes_guard_fixture.clear()  # seen: the fixture would fail the test otherwise
    assert not Theme.objects.filter(slug="direct").exists()


@pytest.mark.parametrize(
    "write",
    [
        pytest.param(lambda unit: Unit.objects.filter(pk=unit.pk).update(name="x"), id="update"),
        pytest.param(lambda unit: unit.delete(), id="delete"),
        pytest.param(lambda unit: unit.members.add(UserFactory.create()), id="m2m"),
        pytest.param(
            lambda unit: Theme.objects.bulk_create([Theme(name="B", slug="b")]), id="bulk_create"
        ),
    ],
)
def test_the_guard_sees_updates_deletes_links_and_bulk_inserts_in_the_api(
    write, writes_guard_fixture
):
    unit = UnitFactory.create()
    with pytest.raises(writes_guard.WriteOutsideService):
        _fake_view(lambda: write(unit))(_post("/api/v1/fake/"))
    writes_guard_fixture.clear()


def test_the_same_save_passes_inside_a_service_or_away_from_the_admin_and_the_api():
    @service
    def make_theme(slug: str) -> Theme:
        assert in_service()
        return Theme.objects.create(name=slug, slug=slug, kind="cross_cutting")

    _fake_view(lambda: make_theme("in-service"))(_post("/admin/fake/"))
    with writing("test"):
        _fake_view(lambda: Theme.objects.create(name="w", slug="w", kind="cross_cutting"))(
            _post("/api/v1/fake/")
        )
    _fake_view(lambda: Theme.objects.create(name="d", slug="d", kind="cross_cutting"))(
        _post("/dashboard/fake/")
    )
    assert not in_service()
    assert set(Theme.objects.values_list("slug", flat=True)) >= {"in-service", "w", "d"}


def test_the_fixture_fails_a_test_whose_code_swallowed_the_guard_error(writes_guard_fixture):
    def swallowing() -> None:
        with contextlib.suppress(writes_guard.WriteOutsideService):
            Theme.objects.create(name="s", slug="s")

    _fake_view(swallowing)(_post("/admin/fake/"))
    assert writes_guard_fixture
    assert "mandates.Theme" in writes_guard_fixture[0]
    writes_guard_fixture.clear()


# --- the admin's write paths pass the guard -----------------------------------------------


@pytest.fixture
def admin_client(administrator) -> Client:
    client = Client()
    client.force_login(administrator)
    return client


def _change(client: Client, obj: Any, **changes: Any) -> Any:
    meta = obj._meta
    url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
    data = form_data(client, url)
    data.update(changes)
    response = client.post(url, data)
    assert response.status_code == 302, getattr(response, "context", {}) and [
        response.context["adminform"].form.errors,
        [f.formset.errors for f in response.context["inline_admin_formsets"]],
    ]
    return response


def _add(client: Client, model: Any, **values: Any) -> Any:
    meta = model._meta
    url = reverse(f"admin:{meta.app_label}_{meta.model_name}_add")
    data = form_data(client, url)
    data.update(values)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


def test_admin_edits_of_reference_data_documents_and_benchmarks_go_through_services(
    admin_client,
):
    theme, unit, mission = ThemeFactory.create(), UnitFactory.create(), MissionFactory.create()
    document = DocumentFactory.create()
    paragraph = ParagraphFactory.create(document=document)
    benchmark = BenchmarkFactory.create(responsible_unit=unit)
    _change(admin_client, theme, name="Renamed theme")
    _change(admin_client, unit, name="Renamed unit")
    _change(admin_client, mission, name="Renamed mission")
    _change(admin_client, paragraph, text="Requests the Secretary-General to report.")
    _change(admin_client, benchmark, indicator="A new indicator")
    assert Theme.objects.get(pk=theme.pk).name == "Renamed theme"
    assert Unit.objects.get(pk=unit.pk).name == "Renamed unit"
    assert Mission.objects.get(pk=mission.pk).name == "Renamed mission"
    assert paragraph.__class__.objects.get(pk=paragraph.pk).text.startswith("Requests")
    assert benchmark.__class__.objects.get(pk=benchmark.pk).indicator == "A new indicator"
    empty = DocumentFactory.create()  # (the form data helper does not fill inline rows)
    _change(admin_client, empty, title="Renamed document")
    assert Document.objects.get(pk=empty.pk).title == "Renamed document"


def test_admin_adds_memberships_routes_tokens_endpoints_and_preferences_through_services(
    admin_client, administrator
):
    unit, person = UnitFactory.create(), UserFactory.create()
    _add(
        admin_client,
        UnitMembership,
        user=str(person.pk),
        unit=str(unit.pk),
        role=MembershipRole.MEMBER,
    )
    _add(admin_client, AddresseeRoute, addressee="UNMISS", lead_unit=str(unit.pk))
    _add(
        admin_client,
        ApiToken,
        name="reporting",
        user=str(person.pk),
        scope="read",
        expires_at_0="",
        expires_at_1="",
    )
    _add(
        admin_client,
        WebhookEndpoint,
        name="hook",
        url="https://example.org/hook",
        events=["request.status_changed"],
        is_active="on",
    )
    _add(admin_client, ReminderPreference, user=str(person.pk), digest_frequency="weekly")
    assert UnitMembership.objects.filter(unit=unit, user=person).exists()
    assert AddresseeRoute.objects.get(addressee="UNMISS").lead_unit == unit
    token = ApiToken.objects.get(name="reporting")
    assert token.created_by == administrator
    assert token.digest
    assert WebhookEndpoint.objects.get(name="hook").secret
    assert ReminderPreference.objects.filter(user=person).exists()


def test_admin_inline_rows_go_through_their_own_services(admin_client):
    unit, person = UnitFactory.create(), UserFactory.create()
    url = reverse("admin:mandates_unit_change", args=[unit.pk])
    data = form_data(admin_client, url)
    data.update(
        {
            "memberships-TOTAL_FORMS": "1",
            "memberships-0-user": str(person.pk),
            "memberships-0-role": MembershipRole.MEMBER,
            "memberships-0-unit": str(unit.pk),
        }
    )
    assert admin_client.post(url, data).status_code == 302
    assert UnitMembership.objects.filter(unit=unit, user=person).exists()

    benchmark = BenchmarkFactory.create(responsible_unit=unit)
    url = reverse("admin:mandates_benchmark_change", args=[benchmark.pk])
    data = form_data(admin_client, url)
    prefix = next(
        inline.formset.prefix
        for inline in admin_client.get(url).context["inline_admin_formsets"]
        if inline.formset.model is BenchmarkAssessment
    )
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-0-period_start": "2026-01-01",
            f"{prefix}-0-period_end": "2026-06-30",
            f"{prefix}-0-rating": "on_track",
            f"{prefix}-0-benchmark": str(benchmark.pk),
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context and [
        f.formset.errors for f in response.context["inline_admin_formsets"]
    ]
    assessment = BenchmarkAssessment.objects.get(benchmark=benchmark)
    assert assessment.history.first().history_user is not None  # saved by the service


def test_admin_request_add_edit_and_actions_go_through_the_workflow_services(
    admin_client, administrator
):
    unit = UnitFactory.create()
    paragraph = ParagraphFactory.create()
    _add(
        admin_client,
        Request,
        reference="new-request",
        title="A new request",
        paragraphs=[str(paragraph.pk)],
        lead_unit=str(unit.pk),
        priority="normal",
        recurrence="none",
        new_status=RequestStatus.NOT_STARTED,
    )
    request = Request.objects.get(reference="new-request")
    assert list(request.paragraphs.all()) == [paragraph]
    assert request.history.first().history_user == administrator
    data = change_form_data(admin_client, request, due_date="2027-03-31")
    url = reverse("admin:mandates_request_change", args=[request.pk])
    assert admin_client.post(url, data).status_code == 302
    request.refresh_from_db()
    assert request.due_date == datetime.date(2027, 3, 31)
    assert request.version == 2

    changelist = reverse("admin:mandates_request_changelist")
    admin_client.post(changelist, {"action": "archive_requests", "_selected_action": [request.pk]})
    request.refresh_from_db()
    assert request.archived_at is not None


def test_admin_revoke_action_goes_through_the_service(admin_client, administrator):
    token, _secret = ApiToken.issue(name="t", user=administrator)
    changelist = reverse("admin:mandates_apitoken_changelist")
    admin_client.post(changelist, {"action": "revoke", "_selected_action": [token.pk]})
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_api_writes_pass_the_guard(staff_a):
    request = RequestFactory.create(lead_unit=Unit.objects.get(acronym="UNIT-A"))
    client = token_client(staff_a)
    url = f"/api/v1/requests/{request.pk}/"
    etag = client.get(url).headers["ETag"]
    response = client.patch(url, {"priority": "high"}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200, response.json()
    response = client.post(
        "/api/v1/status-updates/",
        {"request": request.pk, "status_to": "in_progress", "note": "Started."},
        format="json",
    )
    assert response.status_code == 201, response.json()
    request.refresh_from_db()
    assert (request.priority, request.status) == ("high", "in_progress")


# --- the rules hold on every path ---------------------------------------------------------
# (The lead-unit rule on every path, and the admin's refusal of an archived request's edits:
# tests/security/test_lead_unit_rule.py.)


def test_the_service_refuses_an_archived_requests_due_date_whoever_calls_it():
    request = RequestFactory.create(due_date=datetime.date(2026, 12, 31))
    services.request_archive(request=request, by=None)
    with pytest.raises(services.WorkflowError, match="archived"):
        services.request_edit(
            request=request, by=None, changes={"due_date": datetime.date(2030, 1, 1)}
        )
    request.refresh_from_db()
    assert request.due_date == datetime.date(2026, 12, 31)


def test_bulk_action_refuses_archived_and_other_units_requests_and_applies_the_rest(staff_a):
    unit_a = Unit.objects.get(acronym="UNIT-A")
    mine = RequestFactory.create(lead_unit=unit_a)
    archived = RequestFactory.create(lead_unit=unit_a)
    services.request_archive(request=archived, by=None)
    others = RequestFactory.create(lead_unit=UnitFactory.create())
    client = Client()
    client.force_login(staff_a)
    response = client.post(
        reverse("admin:mandates_request_changelist") + "?archived=all",
        {
            "action": "bulk_status_update",
            "_selected_action": [mine.pk, archived.pk, others.pk],
            "apply": "1",
            "status": RequestStatus.IN_PROGRESS,
            "note": "Started.",
        },
        follow=True,
    )
    assert response.status_code == 200
    statuses = dict(Request.objects.values_list("pk", "status"))
    assert statuses[mine.pk] == RequestStatus.IN_PROGRESS
    assert statuses[archived.pk] == RequestStatus.NOT_STARTED
    assert statuses[others.pk] == RequestStatus.NOT_STARTED


def test_imports_create_requests_through_request_create_many(monkeypatch):
    calls: list[int] = []
    original = services.request_create_many

    def spy(**kwargs: Any) -> list[int]:
        calls.append(len(kwargs["batch"]))
        return original(**kwargs)

    monkeypatch.setattr("mandates.documents.importing.request_create_many", spy)
    lead = UnitFactory.create(acronym="SSRU")
    AddresseeRoute.objects.create(addressee="Secretary-General", lead_unit=lead)
    AddresseeRoute.objects.create(addressee="missions", lead_unit=lead)
    report = import_document(data=RES_2553.read_bytes(), by=None)
    created = Request.objects.filter(source_document_id=report.document_id)
    assert calls == [created.count()]
    assert created.count() >= 1
    first = created.earliest("pk")
    assert first.history.earliest().history_change_reason.startswith("Imported")


def test_staff_cannot_set_another_persons_reminder_preference(staff_a, staff_b):
    from reports.services import reminder_preference_save

    preference = ReminderPreference(user=staff_b)
    saved = reminder_preference_save(preference=preference, by=staff_a)
    assert saved.user == staff_a  # staff set their own, whatever the form said
    other = ReminderPreference.objects.create(user=staff_b)
    with pytest.raises(PermissionDenied):
        reminder_preference_save(preference=other, by=staff_a)


def test_only_administrators_change_reference_data(staff_a):
    from mandates.organisation.services import reference_save

    unit = Unit.objects.get(acronym="UNIT-A")
    unit.name = "Taken over"
    with pytest.raises(PermissionDenied):
        reference_save(obj=unit, by=staff_a)
    assert Unit.objects.get(pk=unit.pk).name != "Taken over"


def test_every_service_is_marked():
    """Each public write function of the services modules runs as a service."""
    import inspect

    from mandates.benchmarks import services as benchmarks
    from mandates.documents import services as documents
    from mandates.integration import services as integration
    from mandates.organisation import services as organisation
    from mandates.sg_reports import services as sg_reports
    from reports import services as reports
    from reports import summaries

    writes = (
        "_create",
        "_save",
        "_update",
        "_edit",
        "_delete",
        "_archive",
        "_restore",
        "_compile",
        "_send",
        "_publish",
    )
    unmarked = [
        f"{module.__name__}.{name}"
        for module in (
            services,
            benchmarks,
            documents,
            integration,
            organisation,
            sg_reports,
            reports,
            summaries,
        )
        for name, func in vars(module).items()
        if inspect.isfunction(func)
        and not name.startswith("_")
        and func.__module__ == module.__name__
        and any(part in name for part in writes)
        and not getattr(func, "is_service", False)
    ]
    assert unmarked == []
