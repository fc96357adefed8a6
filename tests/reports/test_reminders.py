"""Deadline reminders: who gets what on which day, once, and what happens when sending fails."""

from __future__ import annotations

import datetime
import smtplib

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mandates.choices import DeliveryStatus, MembershipRole, OutboxKind, RequestStatus
from mandates.integration import outbox
from mandates.models import OutboxMessage
from reports import reminders
from reports.choices import DigestFrequency
from reports.models import Reminder, ReminderDigest, ReminderPreference
from tests.factories import UnitFactory
from tests.reports.conftest import DUE, focal_point

pytestmark = pytest.mark.django_db

D = datetime.date
ONE_DAY = datetime.timedelta(days=1)


def run(day: D):
    """One daily run; returns the e-mails it sent."""
    before = len(mail.outbox)
    reminders.send_reminders(today=day)
    return mail.outbox[before:]


def test_which_reminders_go_out_on_which_day(make_request, amina):
    make_request(reference="2553-OP25", title="Report on SSR in September 2021")
    sent_on: dict[D, list[str]] = {}
    day = D(2021, 8, 20)
    while day <= D(2021, 10, 25):
        for message in run(day):
            sent_on.setdefault(day, []).append(message.subject)
        day += ONE_DAY

    assert list(sent_on) == [
        D(2021, 8, 31),  # 30 days before
        D(2021, 9, 16),  # 14 days before
        D(2021, 9, 23),  # 7 days before
        D(2021, 9, 29),  # the day before
        D(2021, 9, 30),  # on the day
        D(2021, 10, 7),  # then weekly while overdue
        D(2021, 10, 14),
        D(2021, 10, 21),
    ]
    points = list(Reminder.objects.order_by("point_date").values_list("days_before", flat=True))
    assert points == [30, 14, 7, 1, 0, -7, -14, -21]
    assert all(len(subjects) == 1 for subjects in sent_on.values())


def test_second_run_sends_nothing(make_request, amina):
    make_request()
    assert len(run(D(2021, 9, 23))) == 1
    assert run(D(2021, 9, 23)) == []
    assert run(D(2021, 9, 24)) == []
    assert Reminder.objects.count() == 1


def test_closed_request_gets_no_more_reminders(make_request, amina):
    request = make_request()
    assert len(run(D(2021, 9, 16))) == 1
    request.status = RequestStatus.CANCELLED
    request.closed_at = datetime.datetime(2021, 9, 17, tzinfo=datetime.UTC)
    request.save()
    assert run(D(2021, 9, 23)) == []


def test_one_digest_per_person_grouped_by_due_date_with_links(make_request, amina, settings):
    settings.SITE_URL = "https://ssr.example.org"
    make_request(reference="op-a", title="First", due_date=D(2021, 9, 30))
    make_request(reference="op-b", title="Second", due_date=D(2021, 9, 30))
    overdue = make_request(reference="op-c", title="Late one", due_date=D(2021, 9, 9))

    (message,) = run(D(2021, 9, 23))

    assert message.to == [amina.email]
    assert "3 requests" in message.subject
    text = message.body
    assert text.index("9 September 2021 (14 days overdue)") < text.index("30 September 2021")
    assert text.index("First (op-a)") < text.index("Second (op-b)")
    assert f"https://ssr.example.org/admin/mandates/request/{overdue.pk}/change/" in text
    assert isinstance(message, EmailMultiAlternatives)
    html, mime = message.alternatives[0]
    assert mime == "text/html"
    assert f'<a href="https://ssr.example.org/admin/mandates/request/{overdue.pk}/change/">' in str(
        html
    )
    digest = ReminderDigest.objects.get()
    assert message.extra_headers["Message-ID"] == digest.message_id
    assert digest.message_id.endswith("@ssr.example.org>")
    assert digest.delivery is not None
    assert digest.delivery.status == DeliveryStatus.SENT


def test_only_focal_points_of_the_lead_unit_by_default(make_request, unit, amina, settings):
    focal_point(unit, "member", role=MembershipRole.MEMBER)
    supporting = UnitFactory.create(acronym="IASSRTF")
    bintou = focal_point(supporting, "bintou")
    make_request(supporting_units=[supporting])

    assert [m.to for m in run(D(2021, 9, 23))] == [[amina.email]]

    settings.REMINDER_SUPPORTING_UNITS = True
    assert [m.to for m in run(D(2021, 9, 23))] == [[bintou.email]]


def test_a_focal_point_of_both_units_gets_one_reminder(make_request, unit, amina, settings):
    settings.REMINDER_SUPPORTING_UNITS = True
    supporting = UnitFactory.create(acronym="IASSRTF")
    supporting.memberships.create(user=amina, role=MembershipRole.FOCAL_POINT)
    make_request(supporting_units=[supporting])
    assert len(run(D(2021, 9, 23))) == 1
    assert Reminder.objects.count() == 1


def test_people_without_email_or_inactive_get_nothing(make_request, unit, amina):
    amina.is_active = False
    amina.save()
    mute = focal_point(unit, "mute")
    mute.email = ""
    mute.save()
    make_request()
    assert run(D(2021, 9, 23)) == []


def test_overdue_only_preference_skips_reminders_before_the_due_date(make_request, amina):
    ReminderPreference.objects.create(user=amina, overdue_only=True)
    make_request()
    assert run(D(2021, 9, 23)) == []
    assert run(D(2021, 9, 30)) == []
    assert len(run(D(2021, 10, 7))) == 1


def test_weekly_digest_goes_out_on_mondays_only(make_request, amina, settings):
    settings.REMINDER_WEEKLY_DIGEST_WEEKDAY = 0
    ReminderPreference.objects.create(user=amina, digest_frequency=DigestFrequency.WEEKLY)
    make_request(due_date=D(2021, 9, 30))
    make_request(due_date=D(2021, 10, 6))
    sent = {day: run(day) for day in (D(2021, 9, 23) + n * ONE_DAY for n in range(14))}
    days = [day for day, messages in sent.items() if messages]
    assert days == [D(2021, 9, 27), D(2021, 10, 4)]
    assert all(day.weekday() == 0 for day in days)
    assert "2 requests" in sent[D(2021, 9, 27)][0].subject


def test_a_moved_due_date_is_reminded_again(make_request, amina):
    request = make_request()
    assert len(run(D(2021, 9, 23))) == 1
    request.due_date = D(2021, 10, 8)
    request.save()
    assert len(run(D(2021, 10, 1))) == 1
    assert sorted(Reminder.objects.values_list("due_date", "days_before")) == [
        (D(2021, 9, 30), 7),
        (D(2021, 10, 8), 7),
    ]


def test_new_reminders_on_a_day_already_sent_go_into_a_second_email(make_request, amina):
    make_request(reference="first")
    assert len(run(D(2021, 9, 23))) == 1
    make_request(reference="second", due_date=D(2021, 9, 24))
    (second,) = run(D(2021, 9, 23))
    assert "second" in second.body
    assert "first" not in second.body
    assert list(ReminderDigest.objects.order_by("sequence").values_list("sequence", flat=True)) == [
        1,
        2,
    ]


def test_a_second_claim_of_the_same_people_claims_nothing(make_request, amina):
    make_request()
    first = reminders.claim_reminders(today=D(2021, 9, 23), recipient_ids=[amina.pk])
    second = reminders.claim_reminders(today=D(2021, 9, 23), recipient_ids=[amina.pk])
    assert (len(first.digest_ids), first.reminders) == (1, 1)
    assert (second.digest_ids, second.reminders) == ([], 0)
    outbox.drain()
    assert len(mail.outbox) == 1


def _drain(now: datetime.datetime) -> dict[str, int]:
    return outbox.drain(now=now, kind=OutboxKind.REMINDER_DIGEST)


def test_smtp_failure_is_recorded_and_retried_with_backoff(
    make_request, amina, monkeypatch, settings
):
    settings.OUTBOX_RETRY_BACKOFF_SECONDS = 300
    make_request()
    now = datetime.datetime(2021, 9, 23, 6, 0, tzinfo=datetime.UTC)
    original_send = EmailMultiAlternatives.send

    def refuse(self, fail_silently=False):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr(EmailMultiAlternatives, "send", refuse)
    result = reminders.send_reminders(today=D(2021, 9, 23), now=now)
    assert result.deliveries == {"will be retried": 1}
    delivery = ReminderDigest.objects.get().delivery
    assert delivery is not None
    assert delivery.status == DeliveryStatus.PENDING
    assert "SMTPServerDisconnected" in delivery.last_error
    assert delivery.next_attempt_at == now + datetime.timedelta(seconds=300)

    # Still failing: the wait doubles.
    _drain(delivery.next_attempt_at)
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.next_attempt_at) == (
        2,
        now + datetime.timedelta(seconds=900),
    )

    monkeypatch.setattr(EmailMultiAlternatives, "send", original_send)
    assert _drain(now + datetime.timedelta(seconds=600)) == {}
    assert _drain(now + datetime.timedelta(seconds=900)) == {"sent": 1}
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 3)
    (message,) = mail.outbox
    assert message.extra_headers["Message-ID"] == ReminderDigest.objects.get().message_id


def test_a_crash_after_the_hand_off_resends_the_same_message(make_request, amina, monkeypatch):
    """The SMTP server accepted the e-mail, then the worker died before recording it: the
    message stays pending and the next attempt sends the same message with the same Message-ID."""
    make_request()
    original_save = OutboxMessage.save

    def crash(self, *args, **kwargs):
        if self.status == DeliveryStatus.SENT:
            raise SystemExit("worker killed")
        return original_save(self, *args, **kwargs)

    monkeypatch.setattr(OutboxMessage, "save", crash)
    with pytest.raises(SystemExit):
        reminders.send_reminders(today=D(2021, 9, 23))
    assert OutboxMessage.objects.get().status == DeliveryStatus.PENDING
    monkeypatch.setattr(OutboxMessage, "save", original_save)

    reminders.send_reminders(today=D(2021, 9, 23))
    reminders.send_reminders(today=D(2021, 9, 23))

    first, second = mail.outbox
    assert first.extra_headers["Message-ID"] == second.extra_headers["Message-ID"]
    assert first.body == second.body
    assert first.subject == second.subject
    assert OutboxMessage.objects.get().status == DeliveryStatus.SENT


def test_message_id_is_a_function_of_the_ledger_key():
    one = reminders.message_id_for(recipient_id=7, run_date=D(2021, 9, 23), sequence=1)
    assert one == reminders.message_id_for(recipient_id=7, run_date=D(2021, 9, 23), sequence=1)
    assert one != reminders.message_id_for(recipient_id=7, run_date=D(2021, 9, 23), sequence=2)
    assert one != reminders.message_id_for(recipient_id=8, run_date=D(2021, 9, 23), sequence=1)


def test_a_run_does_not_query_per_request(make_request, amina, django_assert_num_queries):
    make_request(reference="one")
    with CaptureQueriesContext(connection) as one_request:
        reminders.send_reminders(today=D(2021, 9, 23))
    assert len(mail.outbox) == 1

    other = UnitFactory.create(acronym="IASSRTF")
    focal_point(other, "bintou")
    for n in range(40):
        make_request(reference=f"many-{n}", lead_unit=other, due_date=DUE + n % 3 * ONE_DAY)
    # Plan: requests, focal points with users and preferences, ledger keys. Claim: lock the
    # recipients, ledger keys, last sequences, insert e-mails, insert reminders (in a
    # transaction). Count claimed. Deliver: due e-mails; per e-mail (not per request): lock, its
    # reminders with their requests, mark sent (in a transaction).
    with django_assert_num_queries(len(one_request.captured_queries)):
        reminders.send_reminders(today=D(2021, 9, 23))
    assert len(mail.outbox) == 2
    assert Reminder.objects.filter(recipient__username="bintou").count() == 40


def planned(day: D, recipient_ids: list[int], chunk_size: int = 500):
    return [
        item
        for items in reminders.plan_reminders(
            today=day, recipient_ids=recipient_ids, chunk_size=chunk_size
        )
        for item in items
    ]


def test_people_are_planned_a_batch_at_a_time_one_digest_each(make_request, unit, amina, settings):
    """With batches of one person, each batch reads only that person's requests, and the run
    sends what one batch for everyone would: one digest per person, each reminder once."""
    settings.REMINDER_SUPPORTING_UNITS = True
    supporting = UnitFactory.create(acronym="IASSRTF")
    bintou = focal_point(supporting, "bintou")
    supporting.memberships.create(user=amina, role=MembershipRole.FOCAL_POINT)
    other = UnitFactory.create(acronym="DPO")
    chen = focal_point(other, "chen")
    shared = make_request(reference="shared", supporting_units=[supporting])
    own = make_request(reference="own", lead_unit=other)
    make_request(reference="unstaffed", lead_unit=UnitFactory.create(acronym="NOBODY"))

    batches = list(reminders.recipient_batches(size=1))
    assert batches == [[amina.pk], [bintou.pk], [chen.pk]]
    assert [
        [(i.request_id, i.recipient_id) for i in planned(D(2021, 9, 23), b)] for b in batches
    ] == [
        [(shared.pk, amina.pk)],
        [(shared.pk, bintou.pk)],
        [(own.pk, chen.pk)],
    ]
    assert reminders.recipient_count() == 3

    settings.REMINDER_BATCH_SIZE = 1
    sent = run(D(2021, 9, 23))
    assert sorted(m.to[0] for m in sent) == sorted([amina.email, bintou.email, chen.email])
    assert Reminder.objects.count() == 3
    assert ReminderDigest.objects.filter(sequence=1).count() == 3
    assert run(D(2021, 9, 23)) == []


def test_batches_resume_after_the_last_person_and_stop(unit):
    people = [focal_point(unit, f"fp{n}") for n in range(5)]
    ids = [p.pk for p in people]
    assert list(reminders.recipient_batches(size=2)) == [ids[:2], ids[2:4], ids[4:]]
    assert list(reminders.recipient_batches(size=5)) == [ids]
    assert list(reminders.recipient_batches(size=50)) == [ids]


def test_requests_are_read_a_chunk_at_a_time_into_one_digest(make_request, amina):
    """A person with more requests than a chunk still gets one digest with all of them, and
    each chunk costs the same queries."""
    for n in range(7):
        make_request(reference=f"op-{n}", due_date=DUE + n % 3 * ONE_DAY)
    chunks = list(
        reminders.plan_reminders(today=D(2021, 9, 23), recipient_ids=[amina.pk], chunk_size=3)
    )
    assert [len(chunk) for chunk in chunks] == [3, 3, 1]

    with CaptureQueriesContext(connection) as queries:
        claim = reminders.claim_reminders(today=D(2021, 9, 23), recipient_ids=[amina.pk])
    assert (len(claim.digest_ids), claim.reminders) == (1, 7)
    assert Reminder.objects.filter(digest_id=claim.digest_ids[0]).count() == 7
    selects = [q["sql"] for q in queries.captured_queries if "mandates_request" in q["sql"]]
    assert len(selects) == 1  # 7 requests, one chunk of 500


def test_a_long_digest_names_the_first_requests_and_counts_the_rest(make_request, amina, settings):
    settings.REMINDER_DIGEST_LIMIT = 3
    settings.SITE_URL = "https://ssr.example.org"
    for n in range(5):
        make_request(reference=f"op-{n}", title=f"Task {n}", due_date=DUE + n * ONE_DAY)
    make_request(reference="late", title="Late task", due_date=D(2021, 9, 9))
    (message,) = run(D(2021, 9, 30))

    assert message.subject.startswith("ssrtracker: 6 requests to follow up")
    assert "6 requests you follow need attention as of 30 September 2021." in message.body
    assert "One of them is overdue." in message.body
    assert "Late task (late)" in message.body
    assert "Task 1 (op-1)" in message.body
    assert "Task 2 (op-2)" not in message.body
    assert "… and 3 more requests." in message.body
    assert "https://ssr.example.org/admin/mandates/request/?mine=yes" in message.body
    html = message.alternatives[0][0]
    assert '<a href="https://ssr.example.org/admin/mandates/request/?mine=yes">' in html
    assert len(message.extra_headers["X-Ssrtracker-Reminders"].split(",")) == 6
