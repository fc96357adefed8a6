"""Counts of the fuzz and fault runs, printed at the end of the test session.

A fuzz or fault test asks for the ``robustness`` fixture and records what it tried::

    def test_parse_random_text(robustness):
        ...
        robustness.record("parser: random text", cases=tried, failures=len(failures))

The end of the run prints one line per record ("cases tried N, failures 0"), so CI's log shows
how much was tried, not only that the tests passed. A test still asserts its own failures.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest


@dataclass
class RobustnessLog:
    rows: dict[str, list[int]] = field(default_factory=dict)

    def record(self, name: str, *, cases: int, failures: int = 0) -> None:
        row = self.rows.setdefault(name, [0, 0])
        row[0] += cases
        row[1] += failures


LOG = RobustnessLog()


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
