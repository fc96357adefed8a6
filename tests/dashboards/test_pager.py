"""Pagers print counts grouped as the language writes numbers: 22,533 in English, 22 533 in
French (a no-break space, so the number never wraps)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation

from mandates.models import Request


def dashboard_pager(language: str, page_number: int = 1) -> str:
    page = Paginator(range(22533), 100).page(page_number)
    with translation.override(language):
        return render_to_string(
            "reports/dashboard/includes/pager.html",
            {"page": page},
            request=RequestFactory().get("/dashboard/deadlines/"),
        )


def admin_pager(language: str) -> str:
    changelist = SimpleNamespace(result_count=22533, opts=Request._meta, formset=None)
    with translation.override(language):
        return render_to_string("admin/pagination.html", {"cl": changelist})


def test_dashboard_pager_groups_thousands_in_english():
    html = dashboard_pager("en")
    assert "1–100 of 22,533" in html
    assert "22533" not in html


def test_dashboard_pager_groups_thousands_in_french():
    html = dashboard_pager("fr")
    assert "22\xa0533" in html
    assert "22533" not in html
    assert "22,533" not in html


def test_dashboard_pager_groups_the_page_bounds_too():
    assert "22,501–22,533 of 22,533" in dashboard_pager("en", page_number=226)


@pytest.mark.parametrize(("language", "count"), [("en", "22,533"), ("fr", "22\xa0533")])
def test_admin_pager_groups_the_count(language, count):
    html = admin_pager(language)
    assert f"{count} " in html
    assert "22533" not in html
