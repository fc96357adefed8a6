"""What a periodic job does with a row it cannot process: skip it, say why, and go on.

The jobs (reminders, summaries, recurring requests, renewal and coverage requests, overdue
webhooks) work row by row. Rows written before the input bounds of :mod:`ssrtracker.limits`
existed, or behind their back, can hold what no form accepts today: a due date of 1921-09-30
(a typo for 2021), a mandate expiry of 9999-12-31, an address with a line break. One such row
must not stop the job for everyone else:

1. Each row's work runs in :func:`isolated`: its own savepoint, so what it wrote is undone and
   the transaction around it stays usable.
2. The errors a bad row raises (:data:`ROW_ERRORS`) are caught there, logged on the
   ``ssrtracker.jobs`` logger with the row and the reason, and collected in a :class:`Skipped`
   that the job returns, so the task's result and the command's output name the rows to fix.
3. Anything else (a lost database connection, an unreachable SMTP server, a bug) is not the
   row's fault: it stops the run, whose ledger lets the retry or the next run finish the work
   without doing any of it twice.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import DataError, transaction

from ssrtracker.limits import date_in_range

logger = logging.getLogger("ssrtracker.jobs")


class BadRow(ValueError):
    """A row holds a value the job cannot work with; the message says which and why."""


#: What a bad row can raise while a job works on it: a date out of range or out of the
#: calendar (ValueError, OverflowError), a value its column cannot hold (DataError), a rule it
#: breaks (ValidationError).
ROW_ERRORS: tuple[type[Exception], ...] = (ValueError, OverflowError, DataError, ValidationError)


def reason(exc: BaseException) -> str:
    """The one line a person reads about why a row was skipped: the app's own errors are
    written for people and say it alone; Python's ("year 10000 is out of range") are named."""
    if isinstance(exc, ValidationError):
        return "; ".join(exc.messages)
    first_line = (str(exc).strip().splitlines() or [""])[0]
    if type(exc).__module__ == "builtins":
        first_line = f"{type(exc).__name__}: {first_line}"
    return first_line[:300]


def check_date(value: datetime.date | None, what: str) -> None:
    """Raise :class:`BadRow` when ``value`` lies outside the dates the app accepts."""
    if value is not None and not date_in_range(value):
        raise BadRow(f"{what} {value.isoformat()} out of range")


@dataclass
class Skipped:
    """The rows one run of ``job`` skipped, each once, with the reason (in the order met).

    Each is logged when added, unless ``log`` is off (the caller has logged it already).
    """

    job: str
    rows: dict[str, str] = field(default_factory=dict)
    log: bool = True

    def add(self, row: str, why: str) -> None:
        if row in self.rows:
            return
        self.rows[row] = why
        if self.log:
            logger.warning("%s: %s skipped: %s", self.job, row, why)

    def lines(self) -> list[str]:
        """``["request 2553-OP25: due date 1921-09-30 out of range", ...]`` (for task results)."""
        return [f"{row}: {why}" for row, why in self.rows.items()]

    def __len__(self) -> int:
        return len(self.rows)

    def __str__(self) -> str:
        """``2 skipped: request R-12 (due date 1921-09-30 out of range), ...``; empty if none."""
        if not self.rows:
            return ""
        return f"{len(self.rows)} skipped: " + ", ".join(
            f"{row} ({why})" for row, why in self.rows.items()
        )


@contextmanager
def isolated(
    skipped: Skipped, row: str, *, errors: tuple[type[Exception], ...] = ROW_ERRORS
) -> Iterator[None]:
    """Run one row's work in its own savepoint; a bad row's error is recorded, not raised."""
    try:
        with transaction.atomic():
            yield
    except errors as exc:
        skipped.add(row, reason(exc))
