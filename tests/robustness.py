"""Counts of the fuzz and fault runs, printed at the end of the test session.

A fuzz or fault test asks for the ``robustness`` fixture and records what it tried::

    def test_parse_random_text(robustness):
        ...
        robustness.record("parser: random text", cases=tried, failures=len(failures))

The end of the run prints one line per record ("cases tried N, failures 0"), so CI's log shows
how much was tried, not only that the tests passed. A test still asserts its own failures.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import given as hypothesis_given


@dataclass
class RobustnessLog:
    rows: dict[str, list[int]] = field(default_factory=dict)

    def record(self, name: str, *, cases: int, failures: int = 0) -> None:
        row = self.rows.setdefault(name, [0, 0])
        row[0] += cases
        row[1] += failures

    def fuzz(self, name: str, check: Callable[..., None], *, max_examples: int, **given: Any):
        """Run ``check`` on ``max_examples`` examples drawn from the strategies ``given`` (a
        fixed seed: the same examples on every run), record the count, and fail on the first
        example ``check`` fails (hypothesis then shows the smallest such input)."""
        tried = 0
        failed = 0

        @settings(
            max_examples=max_examples,
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
        @hypothesis_given(**given)
        def run(**example: Any) -> None:
            nonlocal tried, failed
            tried += 1
            try:
                check(**example)
            except BaseException:
                failed += 1
                raise

        try:
            run()
        finally:
            # Hypothesis replays a failing example while shrinking: count each input once.
            self.record(name, cases=tried, failures=min(failed, 1))


LOG = RobustnessLog()


def examples(default: int) -> int:
    """How many examples a fuzz test tries: ``default`` in CI, ``FUZZ_EXAMPLES`` (a number, or
    a multiple like ``10x``) for a deeper search by hand."""
    raw = os.environ.get("FUZZ_EXAMPLES", "").strip()
    if raw.endswith("x"):
        return default * int(raw[:-1])
    return int(raw) if raw else default


@pytest.fixture
def robustness() -> RobustnessLog:
    return LOG


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not LOG.rows:
        return
    terminalreporter.section("fuzz and fault runs")
    width = max(len(name) for name in LOG.rows)
    for name, (cases, failures) in sorted(LOG.rows.items()):
        terminalreporter.write_line(
            f"{name.ljust(width)}  cases tried {cases:>6}, failures {failures}"
        )
