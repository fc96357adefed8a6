"""Per-row isolation for the jobs: a bad row is undone, named and skipped; anything else stops
the run."""

from __future__ import annotations

import datetime
import logging

import pytest
from django.db import OperationalError

from mandates.models import Unit
from ssrtracker.jobs import BadRow, Skipped, check_date, isolated
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


def test_a_bad_row_is_undone_named_and_logged(caplog):
    skipped = Skipped("test job")
    with caplog.at_level(logging.WARNING, logger="ssrtracker.jobs"):
        with isolated(skipped, "unit BAD"):
            UnitFactory.create(acronym="BAD")
            check_date(datetime.date(1921, 9, 30), "due date")
        with isolated(skipped, "unit GOOD"):
            UnitFactory.create(acronym="GOOD")
        with isolated(skipped, "unit YEAR"):
            datetime.date(9999, 12, 31) + datetime.timedelta(days=1)
    assert list(Unit.objects.values_list("acronym", flat=True)) == ["GOOD"]
    assert skipped.lines() == [
        "unit BAD: due date 1921-09-30 out of range",
        "unit YEAR: OverflowError: date value out of range",
    ]
    assert str(skipped) == (
        "2 skipped: unit BAD (due date 1921-09-30 out of range), "
        "unit YEAR (OverflowError: date value out of range)"
    )
    assert "test job: unit BAD skipped: due date 1921-09-30 out of range" in caplog.text


def test_a_lost_connection_or_a_bug_is_not_a_bad_row():
    skipped = Skipped("test job")
    with pytest.raises(OperationalError), isolated(skipped, "row 1"):
        raise OperationalError("server closed the connection unexpectedly")
    with pytest.raises(KeyError), isolated(skipped, "row 2"):
        raise KeyError("a bug")
    assert not skipped
    assert str(skipped) == ""


def test_a_row_is_named_once_however_often_it_is_met():
    skipped = Skipped("test job")
    skipped.add("request R-12", "due date 1921-09-30 out of range")
    skipped.add("request R-12", "due date 1921-09-30 out of range")
    assert len(skipped) == 1
    with pytest.raises(BadRow):
        check_date(datetime.date(2100, 1, 1), "next due date")
    check_date(None, "due date")
    check_date(datetime.date(2021, 9, 30), "due date")
