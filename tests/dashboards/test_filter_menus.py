"""The filter menus are written in Python (reports.forms.MenuSelect), not through a template per
option: the HTML is Django's own, option for option."""

from __future__ import annotations

from unittest import mock

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.forms import DashboardFilters, MenuSelect

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "query",
    [
        None,
        {"mission": "MINUSCA", "unit": "SSRU", "theme": "national-ownership", "period": "365"},
        {"mission": "NOPE", "unit": "<b>&'\""},  # invalid: the errors and the raw value
    ],
)
def test_the_menus_are_what_djangos_templates_write(seeded, query):
    form = DashboardFilters(query)
    form.is_valid()
    for name in ("mission", "unit", "theme"):
        assert isinstance(form.fields[name].widget, MenuSelect)
        ours = form[name].as_widget()
        with mock.patch.object(MenuSelect, "render", forms.Select.render):
            djangos = form[name].as_widget()
        assert ours == djangos, name
        assert ours.count("<option") > 3, name
    if query and query.get("mission") == "MINUSCA":
        assert '<option value="MINUSCA" selected>' in str(form["mission"])


def test_the_menus_still_load_in_one_query(seeded):
    form = DashboardFilters()
    with CaptureQueriesContext(connection) as queries:
        for name in ("mission", "unit", "theme"):
            str(form[name])
    assert len(queries) == 1
