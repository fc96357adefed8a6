"""Fuzz: random command-line values for the commands people type by hand (reminders,
summaries, tokens). Each run ends in a clear one-line refusal (CommandError, or argparse's
usage error) or does its work: never a traceback."""

from __future__ import annotations

import contextlib

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import strategies as st

from reports.periods import Period
from ssrtracker import limits
from tests.factories import UserFactory
from tests.robustness import examples

pytestmark = pytest.mark.django_db

EXAMPLES = examples(60)

texts = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)
dates = st.dates().map(lambda d: d.isoformat())
periods = st.one_of(
    st.integers(0, 9999).map(lambda y: f"{y:04d}-Q{y % 4 + 1}"),
    st.integers(0, 9999).map(lambda y: f"{y:04d}-W{y % 60:02d}"),
    st.integers(0, 9999).map(lambda y: f"{y:04d}-{y % 14:02d}"),
)
values = st.one_of(
    texts,
    dates,
    periods,
    st.integers(-(2**70), 2**70).map(str),
    st.sampled_from(["", "-", "--", "1921-09-30", str(limits.MAX_INTEGER + 1)]),
)


@pytest.mark.parametrize("text", ["9999-W52", "9999-Q4", "0001-W01", "1921-Q1", "0000-01"])
def test_periods_outside_the_bounds_are_refused_with_a_message(text):
    with pytest.raises(ValueError, match="out of range"):
        Period.parse(text)
    with pytest.raises(CommandError, match="out of range"):
        call_command("compile_summary", "--period", text, "--dry-run")


@pytest.mark.parametrize("today", ["1921-09-30", "0001-01-01", "9999-12-31"])
def test_send_reminders_refuses_a_day_outside_the_bounds(today):
    with pytest.raises(CommandError, match="out of range"):
        call_command("send_reminders", "--today", today, "--dry-run")


COMMANDS = {
    "send_reminders": lambda v: ["send_reminders", "--today", v, "--dry-run"],
    "compile_summary": lambda v: ["compile_summary", "--period", v, "--dry-run"],
    "create_api_token": lambda v: ["create_api_token", v, "--name", v],
    "create_api_token --expires-in-days": lambda v: [
        "create_api_token",
        "fuzz-user",
        "--name",
        "fuzz",
        "--expires-in-days",
        v,
    ],
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_command_line_values_never_raise_anything_but_a_clear_refusal(command, robustness):
    UserFactory.create(username="fuzz-user")

    def check(value: str) -> None:
        # A clear refusal is CommandError (or argparse's usage error); anything else fails.
        with contextlib.suppress(CommandError, SystemExit):
            call_command(*COMMANDS[command](value))

    robustness.fuzz(f"commands: {command}", check, max_examples=EXAMPLES, value=values)
