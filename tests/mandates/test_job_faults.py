"""Faults in the mandates jobs: bad rows, a dead webhook receiver, a database restart mid-run.

For the daily reporting job (renewal requests, coverage follow-ups) and the overdue webhooks:
every good row is processed when some rows are bad, and the bad ones are named in the task's
result; a receiver that is down gets each delivery once it is back; a database restart in the
middle of a run loses nothing and creates or queues nothing twice.

Bad rows are written with ``QuerySet.update``, which skips the validation that would refuse them
today, as rows written before the input bounds existed.
"""

from __future__ import annotations

import datetime
import http.server
import json
import threading
from collections.abc import Iterator

import pytest
from django.db import InterfaceError, OperationalError

from mandates.choices import (
    CoverageElement,
    CoverageState,
    DeliveryStatus,
    OutboxKind,
    UnitKind,
    WebhookEvent,
)
from mandates.integration import outbox, webhooks
from mandates.integration.outbox import Outcome
from mandates.models import (
    CoverageItem,
    Mission,
    OutboxMessage,
    Request,
    SecretaryGeneralReport,
    WebhookEndpoint,
)
from mandates.organisation import renewals as renewal_services
from mandates.sg_reports import services as reporting
from mandates.tasks import queue_overdue_webhooks, reporting_daily
from tests.factories import MissionFactory, RequestFactory, UnitFactory
from tests.faults import free_port, reconnect

D = datetime.date
TODAY = D(2026, 6, 1)
LOST_CONNECTION = (OperationalError, InterfaceError)


EXPIRY = D(2026, 11, 15)


def _mission(acronym: str, *, expiry: D | None = EXPIRY, section: bool = True) -> Mission:
    mission = MissionFactory.create(
        acronym=acronym,
        mandate_expiry=expiry,
        reporting_cycle_months=4,
        reporting_anchor=D(2025, 10, 15),
    )
    if section:
        UnitFactory.create(acronym=f"{acronym}-SSR", kind=UnitKind.MISSION_SECTION, mission=mission)
    return mission


def _missing_item(mission: Mission, symbol: str) -> CoverageItem:
    """A report whose checklist says an element is missing, and no follow-up yet (as a failed
    run leaves it)."""
    report = reporting.report_register(mission=mission, symbol=symbol, date=D(2026, 2, 15), by=None)
    item = report.coverage_items.get(element=CoverageElement.SSR_PROGRESS)
    CoverageItem.objects.filter(pk=item.pk).update(state=CoverageState.MISSING)
    return item


# --- Renewal requests and coverage follow-ups --------------------------------------------------


@pytest.mark.django_db
def test_the_reporting_job_skips_bad_rows_and_serves_every_good_one(settings, robustness):
    settings.REPORTING_DEFAULT_LEAD_UNIT = "NO-SUCH-UNIT"
    good = [_mission("GOOD-A")]
    far = _mission("FAR")
    Mission.objects.filter(pk=far.pk).update(mandate_expiry=D(9999, 12, 31))
    _mission("ORPHAN", section=False)  # no SSR section, and the default unit does not exist
    good.append(_mission("GOOD-B"))
    items = [_missing_item(good[0], "S/2026/100")]
    bad_item = _missing_item(good[1], "S/2026/101")
    SecretaryGeneralReport.objects.filter(pk=bad_item.report_id).update(date=D(9999, 12, 31))
    items.append(_missing_item(good[1], "S/2026/102"))

    result = reporting_daily(today=TODAY.isoformat())

    renewals = set(
        Request.objects.filter(reference__startswith="renewal-").values_list("reference", flat=True)
    )
    expected = {"renewal-GOOD-A-2026-11-15", "renewal-GOOD-B-2026-11-15"}
    followed = set(
        CoverageItem.objects.filter(follow_up__isnull=False).values_list("pk", flat=True)
    )
    missing = len(expected - renewals) + len({i.pk for i in items} - followed)
    robustness.record("jobs: renewals and coverage, bad rows", cases=7, failures=missing)
    assert renewals == expected
    assert followed == {i.pk for i in items}
    assert len(result["renewals"]) == 2
    assert len(result["coverage"]) == 2
    assert result["skipped"] == [
        "mission FAR: mandate expiry 9999-12-31 out of range",
        "mission ORPHAN: ORPHAN has no SSR section and the default unit NO-SUCH-UNIT does not "
        "exist.",
        # The reporting calendar cannot look 25 months past the year 9999.
        f"coverage item {bad_item.pk} (S/2026/101, ssr_progress): ValueError: year 10002 is "
        "out of range",
    ]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("part", ["renewals", "coverage"])
def test_the_reporting_job_after_a_database_restart_mid_run_creates_each_request_once(
    part, monkeypatch, database_restart, robustness
):
    missions = [_mission(f"M{n}") for n in range(4)]
    items = [_missing_item(m, f"S/2026/{100 + n}") for n, m in enumerate(missions)]
    target = "renewal_request_create" if part == "renewals" else "coverage_follow_up"
    module = renewal_services if part == "renewals" else reporting
    original = getattr(module, target)
    calls = {"n": 0}

    def restart_on_third(**kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            database_restart.now()
        return original(**kwargs)

    monkeypatch.setattr(module, target, restart_on_third)
    with pytest.raises(LOST_CONNECTION):
        reporting.daily(today=TODAY)
    monkeypatch.setattr(module, target, original)
    reconnect()

    reporting.daily(today=TODAY)
    reporting.daily(today=TODAY + datetime.timedelta(days=1))
    renewals = list(
        Request.objects.filter(reference__startswith="renewal-").values_list("reference", flat=True)
    )
    follow_ups = list(
        CoverageItem.objects.filter(follow_up__isnull=False).values_list("follow_up_id", flat=True)
    )
    robustness.record(
        f"jobs: reporting ({part}), database restart",
        cases=len(missions) + len(items),
        failures=abs(len(renewals) - len(missions)) + abs(len(follow_ups) - len(items)),
    )
    assert sorted(renewals) == sorted(f"renewal-{m.acronym}-2026-11-15" for m in missions)
    assert len(set(follow_ups)) == len(items)
    assert Request.objects.filter(reference__startswith="cov-").count() == len(items)


# --- Overdue webhooks --------------------------------------------------------------------------


class _Receiver(http.server.BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append((self.headers["X-SSRTracker-Delivery"], body))  # type: ignore[attr-defined]
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


class Receiver:
    """A webhook receiver on a fixed 127.0.0.1 port, down (port closed) until started."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/hook"
        self.received: list[tuple[str, bytes]] = []
        self._server: http.server.HTTPServer | None = None

    def start(self) -> None:
        self._server = http.server.HTTPServer(("127.0.0.1", self.port), _Receiver)
        self._server.received = self.received  # type: ignore[attr-defined]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.stop()


def _endpoint(name: str, url: str) -> WebhookEndpoint:
    hook = WebhookEndpoint(name=name, url=url, events=[WebhookEvent.REQUEST_OVERDUE])
    hook.set_secret()
    hook.save()
    return hook


def _overdue(count: int) -> list[Request]:
    return [
        RequestFactory.create(reference=f"late-{n}", due_date=D(2026, 5, 1 + n))
        for n in range(count)
    ]


LATER = datetime.datetime(2100, 1, 1, tzinfo=datetime.UTC)  # past any back-off


def _deliver_all(*, now: datetime.datetime | None = None) -> dict[str, Outcome]:
    """Send every webhook in the outbox once, as the ``send_outbox`` task does."""
    webhook_ids = (
        OutboxMessage.objects.filter(kind=OutboxKind.WEBHOOK)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)
    )
    return {str(pk): outbox.send(pk, now=now) for pk in webhook_ids}


@pytest.mark.django_db
def test_overdue_webhooks_skip_bad_rows_and_reach_every_good_endpoint(
    receiver, robustness, settings
):
    settings.OUTBOX_MAX_ATTEMPTS = 1  # the first failure is the last
    receiver.start()
    live = _endpoint("live", receiver.url)
    broken = _endpoint("broken", receiver.url)
    WebhookEndpoint.objects.filter(pk=broken.pk).update(events=5)
    unusable = _endpoint("unusable", receiver.url)
    WebhookEndpoint.objects.filter(pk=unusable.pk).update(url="not a url")
    late = _overdue(3)
    typo = RequestFactory.create(reference="typo-1921")
    Request.objects.filter(pk=typo.pk).update(due_date=D(1921, 9, 30))
    far = RequestFactory.create(reference="far")
    Request.objects.filter(pk=far.pk).update(due_date=D(9999, 12, 31))

    result = queue_overdue_webhooks(TODAY.isoformat())
    outcomes = _deliver_all()

    queued = {
        (d.endpoint_id, d.payload["data"]["request"]["id"]) for d in OutboxMessage.objects.all()
    }
    expected = {(hook.pk, r.pk) for hook in (live, unusable) for r in late}
    received = sorted(json.loads(body)["data"]["request"]["id"] for _id, body in receiver.received)
    robustness.record("jobs: overdue webhooks, bad rows", cases=8, failures=len(expected - queued))
    assert queued == expected
    assert result == {
        "queued": 6,
        "skipped": [
            "request typo-1921: due date 1921-09-30 out of range",
            f"endpoint {broken.pk} (broken): its events are not a list of names",
        ],
    }
    assert received == sorted(r.pk for r in late)
    # Each one done: sent, or failed for good on the last try.
    assert set(outcomes.values()) == {Outcome.SENT, Outcome.FAILED}
    failed = OutboxMessage.objects.filter(endpoint=unusable)
    assert {d.status for d in failed} == {DeliveryStatus.FAILED}
    assert all("not a valid URL" in d.last_error for d in failed)


@pytest.mark.django_db
def test_a_webhook_receiver_that_was_down_gets_each_delivery_once(receiver, robustness):
    _endpoint("portal", receiver.url)
    late = _overdue(3)
    assert queue_overdue_webhooks(TODAY.isoformat())["queued"] == 3

    assert set(_deliver_all().values()) == {Outcome.RETRY}
    deliveries = list(OutboxMessage.objects.all())
    assert {(d.status, d.attempts) for d in deliveries} == {(DeliveryStatus.PENDING, 1)}
    assert all("refused" in d.last_error for d in deliveries)

    receiver.start()
    assert set(_deliver_all().values()) == {Outcome.NOT_DUE}  # waiting for the back-off
    assert set(_deliver_all(now=LATER).values()) == {Outcome.SENT}
    # A second drain (a redelivered task): nothing sent again.
    assert set(_deliver_all(now=LATER).values()) == {Outcome.ALREADY_SENT}
    assert queue_overdue_webhooks(TODAY.isoformat())["queued"] == 0

    ids = [delivery_id for delivery_id, _body in receiver.received]
    robustness.record(
        "jobs: overdue webhooks, receiver down", cases=len(late), failures=len(ids) - len(set(ids))
    )
    assert sorted(ids) == sorted(str(d.pk) for d in deliveries)
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_overdue_webhooks_after_a_database_restart_mid_run_are_queued_once(
    monkeypatch, database_restart, robustness
):
    hooks = [_endpoint(f"portal-{n}", "http://127.0.0.1:9/hook") for n in range(3)]
    late = _overdue(4)
    enqueued: list[str] = []
    monkeypatch.setattr(outbox, "kick_sender", enqueued.extend)
    original = OutboxMessage.objects.bulk_create

    def insert_then_restart(*args, **kwargs):
        created = original(*args, **kwargs)
        if database_restart.restarts == 0:
            database_restart.now()  # after the deliveries are inserted, before the commit
        return created

    monkeypatch.setattr(OutboxMessage.objects, "bulk_create", insert_then_restart)
    with pytest.raises(LOST_CONNECTION):
        webhooks.queue_overdue(today=TODAY)
    reconnect()
    # Deliveries and their sending go together: none stored that is not on its way.
    assert OutboxMessage.objects.count() == len(enqueued) == 0

    webhooks.queue_overdue(today=TODAY)
    webhooks.queue_overdue(today=TODAY)
    stored = [str(pk) for pk in OutboxMessage.objects.values_list("pk", flat=True)]
    robustness.record(
        "jobs: overdue webhooks, database restart",
        cases=len(hooks) * len(late),
        failures=len(enqueued) - len(set(enqueued)) + abs(len(stored) - len(hooks) * len(late)),
    )
    assert len(stored) == len(hooks) * len(late)
    assert sorted(enqueued) == sorted(stored), "a delivery was lost or queued twice"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_restart_after_the_post_repeats_it_with_the_same_delivery_id(
    receiver, monkeypatch, database_restart, robustness
):
    """The receiver has the event, the database lost the "sent" mark: the retry posts the same
    delivery again (same id, same body), which the receiver ignores; nothing else repeats."""
    receiver.start()
    _endpoint("portal", receiver.url)
    _overdue(2)
    webhooks.queue_overdue(today=TODAY)
    first, second = OutboxMessage.objects.order_by("created_at", "pk")
    original = webhooks.post

    def post_then_restart(delivery):
        answer = original(delivery)
        if str(delivery.pk) == str(first.pk):
            database_restart.now()
        return answer

    monkeypatch.setattr(webhooks, "post", post_then_restart)
    with pytest.raises(LOST_CONNECTION):
        outbox.send(first.pk)
    monkeypatch.setattr(webhooks, "post", original)
    reconnect()

    assert outbox.send(first.pk) == Outcome.SENT  # the attempt was rolled back: not yet sent
    assert outbox.send(second.pk) == Outcome.SENT
    assert outbox.send(first.pk) == Outcome.ALREADY_SENT
    ids = [delivery_id for delivery_id, _body in receiver.received]
    bodies = {body for delivery_id, body in receiver.received if delivery_id == str(first.pk)}
    robustness.record("jobs: webhook delivery, database restart after the POST", cases=2)
    assert sorted(ids) == sorted([str(first.pk), str(first.pk), str(second.pk)])
    assert len(bodies) == 1
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}
