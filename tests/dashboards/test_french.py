"""What a French-speaking manager sees: every catalogue entry translated and compiled, no English
sentence of the catalogue left on the French pages (dashboards, a request page, a summary), the
official French names of missions, countries and units, and French month abbreviations."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import translation
from django.utils.translation import trans_real

from mandates.models import Mission, Request
from reports.periods import Period
from reports.summaries import summary_compile
from tests import catalogue
from tests.dashboards.conftest import page_urls

pytestmark = pytest.mark.django_db

FRENCH = {"HTTP_ACCEPT_LANGUAGE": "fr", "HTTP_COOKIE": "django_language=fr"}


@pytest.fixture
def french_pages(client, seeded, administrator):
    """Every dashboard page, a request's page and a summary, rendered in French."""
    summary, _ = summary_compile(period=Period.last_complete("quarterly", datetime.date.today()))
    request = Request.objects.filter(missions__acronym="MINUSCA").order_by("pk").first()
    assert request is not None
    urls = [
        *page_urls(),
        "/dashboard/units/SSRU/",
        f"/dashboard/summaries/{summary.pk}/",
        f"/dashboard/summaries/{summary.pk}/txt/",
        f"/admin/mandates/request/{request.pk}/change/",
    ]
    client.force_login(administrator)
    client.cookies["django_language"] = "fr"

    def render() -> dict[str, str]:
        pages = {}
        for url in urls:
            response = client.get(url, HTTP_ACCEPT_LANGUAGE="fr")
            assert response.status_code == 200, url
            pages[url] = response.content.decode()
        return pages

    return render


def test_every_catalogue_entry_is_translated_and_none_is_fuzzy():
    entries = catalogue.catalogue()
    assert len(entries) > 500
    assert catalogue.problems(entries) == []


def test_the_compiled_catalogue_matches_the_po_file():
    assert catalogue.stale_in_mo(catalogue.catalogue()) == []


def test_the_check_fails_on_a_blank_or_fuzzy_entry():
    text = catalogue.PO_FILE.read_text(encoding="utf-8")
    blanked = text.replace('msgstr "Vue d\'ensemble"', 'msgstr ""', 1)
    assert blanked != text
    assert catalogue.problems(catalogue.read_po(blanked)) == ["untranslated: 'Overview'"]
    fuzzy = text.replace('msgid "Overview"', '#, fuzzy\nmsgid "Overview"', 1)
    assert catalogue.problems(catalogue.read_po(fuzzy)) == ["fuzzy: 'Overview'"]


def test_french_pages_show_no_english_sentence_of_the_catalogue(french_pages):
    phrases = catalogue.english_phrases(catalogue.catalogue())
    # Request titles are data, shown as written (follow-ups a job created carry English ones).
    titles = set(Request.objects.values_list("title", flat=True))
    left = [
        f"{url}: {found}"
        for url, page in french_pages().items()
        for found in catalogue.english_left(page, phrases, data=titles)
    ]
    assert not left, "\n".join(left)


def test_the_page_check_fails_when_a_shown_string_is_untranslated(french_pages, monkeypatch):
    """Take one shown sentence out of the French catalogue: the check names it."""
    french: Any = trans_real.translation("fr")
    reduced: Any = trans_real.TranslationCatalog()
    reduced._catalogs = [dict(part) for part in french._catalog._catalogs]
    reduced._plurals = list(french._catalog._plurals)
    for part in reduced._catalogs:
        part.pop("Due in the next 30 days", None)
    monkeypatch.setattr(french, "_catalog", reduced)
    phrases = catalogue.english_phrases(catalogue.catalogue())
    overview = french_pages()["/dashboard/"]
    assert "'Due in the next 30 days' (from 'Due in the next 30 days')" in catalogue.english_left(
        overview, phrases
    )


def test_french_pages_name_missions_countries_and_units_in_french(client, seeded, manager):
    client.force_login(manager)
    client.cookies["django_language"] = "fr"
    overview = client.get("/dashboard/").content.decode()
    assert "République centrafricaine" in overview
    assert "Central African Republic" not in catalogue.visible_text(overview)
    mission = client.get("/dashboard/missions/MINUSCA/").content.decode()
    assert (
        "Mission multidimensionnelle intégrée des Nations Unies pour la stabilisation en "
        "République centrafricaine" in mission
    )
    assert "MINUSCA" in mission  # the acronym stays
    unit = client.get("/dashboard/units/SSRU/").content.decode()
    assert "Groupe de la réforme du secteur de la sécurité" in unit
    menu = client.get("/dashboard/").content.decode()
    assert "État de droit" in menu  # the theme filter


def test_english_pages_keep_the_english_names(client, seeded, manager):
    client.force_login(manager)
    overview = client.get("/dashboard/").content.decode()
    assert "Central African Republic" in overview
    assert "République centrafricaine" not in overview


def test_june_and_july_are_told_apart_in_french():
    from reports.months import short_month

    june, july = datetime.date(2026, 6, 1), datetime.date(2026, 7, 1)
    with translation.override("fr"):
        french = [short_month(datetime.date(2026, m, 1), year="") for m in range(1, 13)]
        assert (short_month(june), short_month(july)) == ("juin 26", "juil. 26")
    assert french == [
        "janv.", "févr.", "mars", "avr.", "mai", "juin",
        "juil.", "août", "sept.", "oct.", "nov.", "déc.",
    ]  # fmt: skip
    assert len(set(french)) == 12
    with translation.override("en"):
        assert (short_month(june), short_month(july)) == ("Jun 26", "Jul 26")


def test_the_activity_chart_abbreviates_months_the_french_way(client, seeded, manager):
    client.force_login(manager)
    client.cookies["django_language"] = "fr"
    page = client.get("/dashboard/").content.decode()
    with translation.override("fr"):
        from reports.months import short_month

        this_month = short_month(datetime.date.today())
    assert f">{this_month}<" in page
    assert "Jui " not in page


def test_mission_str_and_localized_names_fall_back_to_english(seeded):
    minusca = Mission.objects.get(acronym="MINUSCA")
    with translation.override("fr"):
        assert str(minusca) == "MINUSCA (République centrafricaine)"
        minusca.name_fr = ""
        assert minusca.localized_name == minusca.name
    with translation.override("en"):
        assert str(minusca) == "MINUSCA (Central African Republic)"
