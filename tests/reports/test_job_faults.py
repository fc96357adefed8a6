"""Faults in the reports jobs: bad rows, a dead SMTP server, a database restart mid-run.

For each job (reminders, summaries, recurring requests): every good row is processed when some
rows are bad, and the bad ones are named in the result; with the SMTP server down nothing is
marked sent and, once it is back, each message goes out exactly once; a database restart in the
middle of a run loses nothing and a rerun sends nothing twice (the messages received are
compared with the ledger).

Bad rows are written with ``QuerySet.update``, which skips the validation that would refuse them
today, as rows written before the input bounds existed.
"""

from __future__ import annotations

import datetime
import io
from email.utils import parseaddr

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core import mail
from django.core.management import call_command
from django.db import InterfaceError, OperationalError

from mandates.choices import DeliveryStatus, OutboxKind, Recurrence, RequestStatus
from mandates.integration import outbox
from mandates.models import OutboxMessage, Request
from mandates.requests import recurrence
from reports import reminders, summaries, tasks
from reports.models import Reminder, ReminderDigest, Summary
from ssrtracker.jobs import Skipped
from tests.factories import UserFactory
from tests.faults import reconnect
from tests.reports.conftest import DUE, focal_point

D = datetime.date
ONE_DAY = datetime.timedelta(days=1)
TODAY = D(2021, 9, 23)
NOW = datetime.datetime(2021, 9, 23, 6, 0, tzinfo=datetime.UTC)
LOST_CONNECTION = (OperationalError, InterfaceError)


def _drain(*, now: datetime.datetime, failures: Skipped | None = None) -> dict[str, int]:
    """What the outbox's every-minute sweep does for the reminder e-mails."""
    return outbox.drain(now=now, kind=OutboxKind.REMINDER_DIGEST, failures=failures)


def _carried(headers) -> set[int]:
    """The ledger rows an e-mail carries (its headers: a dict or an e-mail message)."""
    return {int(i) for i in headers["X-Ssrtracker-Reminders"].split(",")}


def _people(unit, *names: str):
    return [focal_point(unit, name) for name in names]


def _good_requests(make_request, count: int) -> list[Request]:
    """Requests due from 24 to 30 September 2021: each has a reminder point on 23 September."""
    return [
        make_request(reference=f"good-{n}", due_date=DUE - n % 7 * ONE_DAY) for n in range(count)
    ]


def _spoil(request: Request, **values) -> Request:
    Request.objects.filter(pk=request.pk).update(**values)
    request.refresh_from_db()
    return request


# --- Reminders ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_reminders_skip_bad_due_dates_and_remind_of_every_good_request(
    make_request, unit, robustness
):
    people = _people(unit, "amina", "bintou", "carlos")
    good = _good_requests(make_request, 4)
    typo = _spoil(make_request(reference="typo-1921"), due_date=D(1921, 9, 30))
    ancient = _spoil(make_request(reference="year-one"), due_date=D(1, 1, 1))
    later = make_request(reference="good-after-the-bad-ones", due_date=DUE)
    good.append(later)

    result = reminders.send_reminders(today=TODAY, now=NOW)

    claimed = set(Reminder.objects.values_list("request_id", "recipient_id"))
    expected = {(r.pk, p.pk) for r in good for p in people}
    missing = expected - claimed
    robustness.record("jobs: reminders, bad rows", cases=len(good) + 2, failures=len(missing))
    assert not missing
    assert claimed == expected, "a bad request got a reminder"
    assert result.deliveries == {"sent": len(people)}
    assert len(mail.outbox) == len(people)
    assert dict(result.skipped.rows) == {
        "request typo-1921": "due date 1921-09-30 out of range",
        "request year-one": "due date 0001-01-01 out of range",
    }
    assert "2 skipped: request typo-1921 (due date 1921-09-30 out of range)" in str(result)
    assert not {typo.pk, ancient.pk} & {r for r, _p in claimed}


@pytest.mark.django_db
def test_reminders_never_compute_a_point_the_ledger_cannot_hold(make_request, amina, settings):
    """A due date within the bounds can still be more than 32767 days overdue (the ledger's
    smallint) when the job runs far in the future: that request is skipped, not the run."""
    old = make_request(reference="old", due_date=D(1946, 1, 1))
    fresh = make_request(reference="fresh", due_date=D(2099, 12, 30))
    result = reminders.send_reminders(today=D(2099, 12, 29), now=NOW)
    assert list(Reminder.objects.values_list("request_id", "days_before")) == [(fresh.pk, 1)]
    assert result.skipped.rows == {
        "request old": "reminder point -56245 days does not fit the ledger"
    }
    assert old.pk not in Reminder.objects.values_list("request_id", flat=True)


@pytest.mark.django_db
def test_a_bad_address_fails_its_own_e_mail_only(make_request, unit, robustness):
    broken = focal_point(unit, "aaron")  # created first, so its e-mail is first in line
    cleared = focal_point(unit, "abebe")
    others = _people(unit, "bintou", "carlos")
    make_request(reference="op-1")
    reminders.claim_reminders(
        today=TODAY, recipient_ids=[broken.pk, cleared.pk, *(p.pk for p in others)], now=NOW
    )
    # After the claim: one address gains a line break, another is deleted.
    User.objects.filter(pk=broken.pk).update(email="aaron\n@example.org")
    User.objects.filter(pk=cleared.pk).update(email="")

    failures = Skipped("reminders")
    counts = _drain(now=NOW, failures=failures)

    robustness.record("jobs: reminder e-mails, bad addresses", cases=4, failures=0)
    assert counts == {"will be retried": 2, "sent": 2}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in others)
    by_user = {
        d.recipient_id: OutboxMessage.objects.get(dedup_key=d.outbox_key)
        for d in ReminderDigest.objects.all()
    }
    assert by_user[broken.pk].status == DeliveryStatus.PENDING  # kept, to be retried
    assert "not a valid e-mail address" in by_user[broken.pk].last_error
    assert by_user[cleared.pk].status == DeliveryStatus.PENDING  # not "sent" to nobody
    assert by_user[cleared.pk].last_error == "the recipient has no e-mail address"
    assert set(failures.rows) == {
        f"reminder e-mail {by_user[broken.pk].pk} to aaron@example.org",
        f"reminder e-mail {by_user[cleared.pk].pk} to abebe@example.org",
    }

    # The addresses are fixed: the next sweep after the backoff sends each once.
    User.objects.filter(pk=broken.pk).update(email="aaron@example.org")
    User.objects.filter(pk=cleared.pk).update(email="abebe@example.org")
    assert _drain(now=NOW + ONE_DAY) == {"sent": 2}
    assert _drain(now=NOW + 2 * ONE_DAY) == {}
    message_ids = [m.extra_headers["Message-ID"] for m in mail.outbox]
    assert len(message_ids) == len(set(message_ids)) == 4


@pytest.mark.django_db
def test_the_reminders_command_and_task_name_the_skipped_requests(make_request, amina):
    make_request(reference="op-1")
    _spoil(make_request(reference="typo-1921"), due_date=D(1921, 9, 30))
    out = io.StringIO()
    call_command("send_reminders", "--today", "2021-09-23", stdout=out)
    assert "1 skipped: request typo-1921 (due date 1921-09-30 out of range)" in out.getvalue()
    assert "Done: 1 sent." in out.getvalue()

    # The task reports it again on the next run (the row is still bad).
    text = tasks.send_reminders("2021-09-24")
    assert text.endswith("; 1 skipped: request typo-1921 (due date 1921-09-30 out of range)")


@pytest.mark.django_db
def test_reminders_with_the_smtp_server_down_go_out_once_when_it_is_back(
    make_request, unit, smtp, robustness
):
    people = _people(unit, "amina", "bintou", "carlos")
    _good_requests(make_request, 5)

    down = reminders.send_reminders(today=TODAY, now=NOW)
    assert down.deliveries == {"will be retried": len(people)}
    assert smtp.messages == []
    assert not ReminderDigest.objects.filter(delivery__status=DeliveryStatus.SENT).exists()
    ledger = set(Reminder.objects.values_list("pk", flat=True))
    assert len(ledger) == 5 * len(people)  # claimed, so not lost

    smtp.start()
    # Before the backoff has passed nothing is tried; after it, everything, once.
    assert _drain(now=NOW) == {}
    assert _drain(now=NOW + ONE_DAY) == {"sent": len(people)}
    assert _drain(now=NOW + 2 * ONE_DAY) == {}
    again = reminders.send_reminders(today=TODAY, now=NOW + 2 * ONE_DAY)
    assert (again.claimed_reminders, again.deliveries) == (0, {})

    message_ids = smtp.message_ids()
    carried = [_carried(m) for m in smtp.messages]
    duplicates = len(message_ids) - len(set(message_ids))
    robustness.record("jobs: reminders, SMTP server down", cases=len(ledger), failures=duplicates)
    assert duplicates == 0
    assert sorted(message_ids) == sorted(
        ReminderDigest.objects.values_list("message_id", flat=True)
    )
    assert set().union(*carried) == ledger
    assert sum(len(c) for c in carried) == len(ledger), "a reminder arrived in two e-mails"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("moment", ["claim", "delivery"])
def test_reminders_after_a_database_restart_mid_run_lose_nothing_and_repeat_nothing(
    moment, make_request, unit, settings, monkeypatch, database_restart, robustness
):
    settings.REMINDER_BATCH_SIZE = 1  # one person per claim transaction
    people = _people(unit, "amina", "bintou", "carlos", "dawit")
    good = _good_requests(make_request, 6)
    expected = {(r.pk, p.pk) for r in good for p in people}
    calls = {"n": 0}

    def on_second_call(original):
        def wrapper(*args, **kwargs):
            calls["n"] += 1
            if calls["n"] == 2:
                database_restart.now()
            return original(*args, **kwargs)

        return wrapper

    target = "plan_reminders" if moment == "claim" else "build_digest_message"
    original = getattr(reminders, target)
    monkeypatch.setattr(reminders, target, on_second_call(original))
    with pytest.raises(LOST_CONNECTION):
        reminders.send_reminders(today=TODAY, now=NOW)
    monkeypatch.setattr(reminders, target, original)
    reconnect()

    # The restart undid only the transaction it interrupted.
    if moment == "claim":
        assert ReminderDigest.objects.count() == 1
        assert mail.outbox == []
    else:
        assert ReminderDigest.objects.filter(delivery__status=DeliveryStatus.SENT).count() == 1
        assert len(mail.outbox) == 1

    reminders.send_reminders(today=TODAY, now=NOW)
    reminders.send_reminders(today=TODAY, now=NOW + ONE_DAY)

    ledger = {r.pk: (r.request_id, r.recipient_id) for r in Reminder.objects.all()}
    message_ids = [m.extra_headers["Message-ID"] for m in mail.outbox]
    carried = [_carried(m.extra_headers) for m in mail.outbox]
    duplicates = len(message_ids) - len(set(message_ids))
    robustness.record(
        f"jobs: reminders, database restart during {moment}",
        cases=len(expected),
        failures=duplicates + len(expected - set(ledger.values())),
    )
    assert database_restart.restarts == 1
    assert set(ledger.values()) == expected
    assert len(ledger) == len(expected)
    assert duplicates == 0
    assert sorted(message_ids) == sorted(
        ReminderDigest.objects.values_list("message_id", flat=True)
    )
    assert sum(len(c) for c in carried) == len(ledger)
    assert set().union(*carried) == set(ledger)
    assert not ReminderDigest.objects.exclude(delivery__status=DeliveryStatus.SENT).exists()


# --- Summaries ---------------------------------------------------------------------------------


@pytest.fixture
def managers(db):
    from django.contrib.auth.models import Group

    from mandates.organisation import roles

    # get_or_create: a transactional test may run after another one emptied the tables.
    group, _created = Group.objects.get_or_create(name=roles.MANAGERS)
    people = []
    for name in ("bola", "chen", "dana"):
        user = UserFactory.create(username=name)
        user.groups.add(group)
        people.append(user)
    return people


@pytest.mark.django_db
def test_a_summary_skips_bad_addresses_and_reaches_every_good_one(
    make_request, managers, smtp, robustness
):
    smtp.start()
    broken = UserFactory.create(username="aaron")
    broken.groups.add(managers[0].groups.get())
    User.objects.filter(pk=broken.pk).update(email="aaron\n@example.org")
    User.objects.filter(pk=managers[1].pk).update(email="not-an-address")
    make_request(reference="good", due_date=D(2021, 9, 10))
    _spoil(make_request(reference="typo-1921"), due_date=D(1921, 9, 30))
    _spoil(make_request(reference="far"), due_date=D(9999, 12, 31))

    result = tasks.publish_summary("monthly", "2021-10-01")

    received = [address for envelope in smtp.envelopes for address in envelope]
    good = [managers[0].email, managers[2].email]
    robustness.record(
        "jobs: summaries, bad addresses", cases=4, failures=len(set(good) - set(received))
    )
    assert len(smtp.messages) == 1
    assert sorted(a for a in received if a in good) == sorted(good)
    assert "not-an-address" not in received
    assert result["e-mailed"] == 2
    assert sorted(result["skipped"]) == [
        "manager aaron: 'aaron\\n@example.org' is not a valid e-mail address",
        "manager chen: 'not-an-address' is not a valid e-mail address",
    ]
    summary = Summary.objects.get()
    assert summary.emailed_at is not None
    # The requests with bad dates are counted and named, not a reason to fail.
    assert "typo-1921" in summary.text


@pytest.mark.django_db
def test_a_summary_with_the_smtp_server_down_goes_out_once_when_it_is_back(
    make_request, managers, smtp, robustness
):
    make_request(reference="good", due_date=D(2021, 9, 10))
    down = summaries.summary_publish(kind="monthly", today=D(2021, 10, 1))
    assert (down.emailed, "Connection refused" in down.error) == (0, True)
    summary = Summary.objects.select_related("delivery").get()
    assert (summary.compiled_at is not None, summary.emailed_at) == (True, None)
    assert summary.delivery is not None  # in the outbox, to be retried
    assert (summary.delivery.status, summary.delivery.attempts) == (DeliveryStatus.PENDING, 1)
    assert "Connection refused" in summary.delivery.last_error

    smtp.start()
    summaries.summary_publish(kind="monthly", today=D(2021, 10, 1))
    summaries.summary_publish(kind="monthly", today=D(2021, 10, 2))
    summary.refresh_from_db()
    robustness.record("jobs: summaries, SMTP server down", cases=1, failures=len(smtp.messages) - 1)
    assert smtp.message_ids() == [summary.message_id]
    assert sorted(smtp.envelopes[0]) == sorted(
        [m.email for m in managers] + [parseaddr(settings.DEFAULT_FROM_EMAIL)[1]]
    )
    assert summary.emailed_at is not None
    assert summary.delivery is not None
    assert summary.delivery.last_error == ""


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("moment", ["compile", "send"])
def test_a_summary_after_a_database_restart_mid_run_goes_out_once(
    moment, make_request, managers, monkeypatch, database_restart, robustness
):
    make_request(reference="good", due_date=D(2021, 9, 10))
    target = "compile_data" if moment == "compile" else "managers"
    original = getattr(summaries, target)

    def restart_first(*args, **kwargs):
        database_restart.now()
        return original(*args, **kwargs)

    monkeypatch.setattr(summaries, target, restart_first)
    with pytest.raises(LOST_CONNECTION):
        summaries.summary_publish(kind="monthly", today=D(2021, 10, 1))
    monkeypatch.setattr(summaries, target, original)
    reconnect()
    assert mail.outbox == []
    # A restart while compiling leaves nothing; while sending, the compiled summary.
    assert Summary.objects.filter(compiled_at__isnull=False).count() == (moment == "send")

    summaries.summary_publish(kind="monthly", today=D(2021, 10, 1))
    summaries.summary_publish(kind="monthly", today=D(2021, 10, 1))
    summary = Summary.objects.get()
    robustness.record(
        f"jobs: summaries, database restart during {moment}",
        cases=1,
        failures=abs(len(mail.outbox) - 1),
    )
    assert [m.extra_headers["Message-ID"] for m in mail.outbox] == [summary.message_id]
    assert summary.emailed_at is not None


# --- Recurring requests ------------------------------------------------------------------------


def _recurring(make_request, reference: str, **values) -> Request:
    values.setdefault("due_date", D(2021, 9, 20))
    return make_request(
        reference=reference,
        recurrence=Recurrence.INTERVAL,
        recurrence_months=3,
        recurrence_anchor=D(2021, 3, 20),
        **values,
    )


@pytest.mark.django_db
def test_next_occurrences_skip_bad_rows_and_create_every_good_one(make_request, robustness):
    good = [_recurring(make_request, "good-1")]
    anchor_past = _spoil(_recurring(make_request, "anchor-1800"), recurrence_anchor=D(1800, 1, 1))
    good.append(_recurring(make_request, "good-2"))
    anchor_far = _spoil(_recurring(make_request, "anchor-9999"), recurrence_anchor=D(9999, 12, 1))
    typo = _spoil(_recurring(make_request, "typo-1921"), due_date=D(1921, 9, 30))
    done_far = _spoil(
        _recurring(
            make_request,
            "done-9999",
            status=RequestStatus.COMPLETED,
            closed_at=datetime.datetime(2021, 9, 1, tzinfo=datetime.UTC),
        ),
        due_date=D(9999, 12, 31),
    )
    good.append(_recurring(make_request, "good-3"))

    result = tasks.create_due_occurrences("2021-09-23")

    successors = dict(
        Request.objects.filter(predecessor__isnull=False).values_list("predecessor_id", "due_date")
    )
    missing = {r.pk for r in good} - set(successors)
    robustness.record("jobs: recurrences, bad rows", cases=7, failures=len(missing))
    assert not missing
    assert set(successors.values()) == {D(2021, 12, 20)}
    assert not {anchor_past.pk, anchor_far.pk, typo.pk, done_far.pk} & set(successors)
    assert sorted(result["created"]) == sorted(
        Request.objects.filter(predecessor__isnull=False).values_list("pk", flat=True)
    )
    assert result["skipped"] == [
        "request anchor-1800: recurrence anchor 1800-01-01 out of range",
        "request anchor-9999: recurrence anchor 9999-12-01 out of range",
        "request typo-1921: due date 1921-09-30 out of range",
        "request done-9999: due date 9999-12-31 out of range",
    ]


def test_a_long_series_finds_its_next_date_however_old_the_anchor():
    """A monthly series anchored at the earliest date has more steps than any fixed walk."""
    assert recurrence.next_due_date(start=D(1945, 10, 24), months=1, after=D(2099, 11, 30)) == D(
        2099, 12, 24
    )
    assert recurrence.next_due_date(start=D(2021, 3, 31), months=3, after=D(2021, 3, 1)) == D(
        2021, 3, 31
    )
    assert recurrence.next_due_date(start=D(2021, 3, 31), months=3, after=D(2021, 3, 31)) == D(
        2021, 6, 30
    )


@pytest.mark.django_db
def test_a_next_occurrence_is_never_due_past_the_latest_date(make_request):
    last = make_request(
        reference="last",
        due_date=D(2099, 12, 1),
        recurrence=Recurrence.INTERVAL,
        recurrence_months=1,
        recurrence_anchor=D(2099, 1, 1),
    )
    result = tasks.create_due_occurrences("2099-12-02")
    assert result == {
        "created": [],
        "skipped": ["request last: next due date 2100-01-01 out of range"],
    }
    assert not Request.objects.filter(predecessor=last).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_next_occurrences_after_a_database_restart_mid_run_are_created_once(
    make_request, monkeypatch, database_restart, robustness
):
    series = [_recurring(make_request, f"series-{n}") for n in range(5)]
    original = recurrence.request_create_next_occurrence
    calls = {"n": 0}

    def restart_on_third(**kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            database_restart.now()
        return original(**kwargs)

    monkeypatch.setattr(recurrence, "request_create_next_occurrence", restart_on_third)
    with pytest.raises(LOST_CONNECTION):
        recurrence.create_due_occurrences(today=D(2021, 9, 23))
    monkeypatch.setattr(recurrence, "request_create_next_occurrence", original)
    reconnect()
    assert Request.objects.filter(predecessor__isnull=False).count() == 2

    recurrence.create_due_occurrences(today=D(2021, 9, 23))
    recurrence.create_due_occurrences(today=D(2021, 9, 24))
    per_predecessor = list(
        Request.objects.filter(predecessor__isnull=False).values_list("predecessor_id", flat=True)
    )
    robustness.record(
        "jobs: recurrences, database restart",
        cases=len(series),
        failures=abs(len(per_predecessor) - len(series)),
    )
    assert sorted(per_predecessor) == sorted(r.pk for r in series)
