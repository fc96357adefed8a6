"""A summary in its reader's language: a French-speaking manager's e-mail is French throughout,
with the French names of missions and countries; an English reader's copy is the stored one."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.utils import translation

from mandates.choices import RequestStatus
from mandates.models import Mission
from mandates.organisation import roles
from mandates.requests.models import SYSTEM_AUTHOR
from mandates.requests.services import request_update_status
from reports import summaries
from reports.models import ReminderPreference, Summary
from reports.services import reminder_preference_save
from tests.factories import RequestFactory, UserFactory
from tests.reports.test_summaries import Q3, D, quarter  # noqa: F401  # the fixture, by name

pytestmark = pytest.mark.django_db

#: The English a summary is made of: its title, section headings and closing line.
ENGLISH = [
    "Quarterly summary",
    "Completed",
    "Slipped and overdue",
    "New requests",
    "News by mission",
    "Highlights",
    "Trends",
    "Other missions",
    "Benchmarks",
    "Coming soon",
    "Compiled by ssrtracker",
    "The third quarter of 2021",
    "request was",
    "requests were",
    "led by",
    "Republic of Mali",
]


def headings(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<h[123][^>]*>(.*?)</h", html)]


@pytest.fixture
def french_manager(db):
    user = UserFactory.create(username="lea", email="lea@example.org", is_staff=True)
    user.groups.add(Group.objects.get(name=roles.MANAGERS))
    reminder_preference_save(preference=ReminderPreference(user=user, language="fr"), by=None)
    return user


@pytest.mark.usefixtures("quarter")
def test_a_french_reader_gets_the_summary_in_french(manager, french_manager):
    Mission.objects.filter(acronym="MINUSMA").update(
        host_country="Republic of Mali", host_country_fr="République du Mali"
    )
    summaries.summary_publish(kind="quarterly", today=D(2021, 10, 1))
    summary = Summary.objects.get()
    by_reader = {tuple(message.bcc): message for message in mail.outbox}
    assert set(by_reader) == {(manager.email,), (french_manager.email,)}
    english, french = by_reader[(manager.email,)], by_reader[(french_manager.email,)]

    assert english.body == summary.text  # the stored copy, in the site's language
    assert english.subject == "ssrtracker: Quarterly summary: The third quarter of 2021"
    assert "MINUSMA (Republic of Mali)" in english.body

    assert french.subject == "ssrtracker: Synthèse trimestrielle : Le troisième trimestre 2021"
    assert isinstance(french, EmailMultiAlternatives)
    html = str(french.alternatives[0][0])
    assert '<html lang="fr">' in html
    assert headings(html) == [
        "Synthèse trimestrielle : Le troisième trimestre 2021",
        "Faits marquants",
        "Travaux terminés",
        "Retards",
        "Nouvelles demandes",
        "L’actualité des missions",
        "MINUSMA (République du Mali)",
        "Entre plusieurs missions",
        "Critères de référence",
        "Tendances",
        "À venir",
    ]
    # Request titles are data (one reads "Benchmarks in mission reports"): leave them out.
    titles = ["Benchmarks in mission reports", "Report on SSR", "Coordination report"]
    for text in (french.body, html):
        for title in titles:
            text = text.replace(title, "")
        left = [phrase for phrase in ENGLISH if phrase.lower() in text.lower()]
        assert left == []
    assert "du 1 juillet 2021 au 30 septembre 2021" in french.body
    assert "« à risque » à « en bonne voie »" in french.body
    assert french.extra_headers["Message-ID"] != english.extra_headers["Message-ID"]
    assert french.extra_headers["Message-ID"] == summary.message_id.replace("@", ".fr@", 1)


@pytest.mark.usefixtures("quarter")
def test_the_summary_page_reads_in_the_readers_language(client, manager):
    summary, _ = summaries.summary_compile(period=Q3)
    client.force_login(manager)
    client.cookies["django_language"] = "fr"
    page = client.get(f"/dashboard/summaries/{summary.pk}/").content.decode()
    assert "Nouvelles demandes" in page
    assert "News by mission" not in page
    text = client.get(f"/dashboard/summaries/{summary.pk}/txt/").content.decode()
    assert text.startswith("SYNTHÈSE TRIMESTRIELLE")
    client.cookies["django_language"] = "en"
    assert client.get(f"/dashboard/summaries/{summary.pk}/txt/").content.decode() == summary.text


def test_a_reader_without_a_preference_reads_the_sites_language(manager, settings):
    assert summaries.reader_language(manager) == settings.LANGUAGE_CODE == "en"


def test_the_system_is_named_in_the_readers_language(unit):
    request = RequestFactory.create(lead_unit=unit)
    # As a job records it (a renewal completing its input request, for one).
    update = request_update_status(
        request=request,
        status=RequestStatus.IN_PROGRESS,
        by=None,
        author_name=SYSTEM_AUTHOR,
        note="Started by a job.",
    )
    assert update.author_name == SYSTEM_AUTHOR == "the system"  # stored in one language
    with translation.override("fr"):
        assert update.display_author == "le système"
    with translation.override("en"):
        assert update.display_author == "the system"
